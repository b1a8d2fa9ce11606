//! Faena: work orders (OT) of an offshore and land construction contractor.
//!
//! Layout: `domain` holds pure rules, `db` the persistence on SQLite or PostgreSQL, `auth` the
//! login, sessions and CSRF, `routes` the HTTP handlers, `web` the page plumbing, and `startup`
//! wires them into an actix-web server.

#![recursion_limit = "256"]

pub mod accounts;
pub mod annexes;
pub mod auth;
pub mod catalogs;
pub mod concepts;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod orders;
pub mod ptes;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod step_setup;
pub mod tracking;
pub mod web;
