//! Pure types and rules: no actix, no diesel. Parsing of user input into valid values.

pub mod account;
pub mod role;
