//! Pure types and rules: no actix, no diesel. Parsing of user input into valid values.

pub mod account;
pub mod activity;
pub mod annex;
pub mod catalog;
pub mod codes;
pub mod execution;
pub mod format;
pub mod input;
pub mod order_import;
pub mod planning_doc;
pub mod progress;
pub mod role;
pub mod schedule;
pub mod step_rule;
pub mod timeline;
pub mod work_order;
