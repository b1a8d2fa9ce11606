//! Administration (DOMAIN.md §5, administrators only): users, catalogs, step templates and the
//! W3 rule table, the concept catalog and the exchange rate.

pub mod catalogs;
pub mod company;
pub mod concepts;
pub mod exchange_rate;
pub mod order_import;
pub mod step_rules;
pub mod step_templates;
pub mod users;
