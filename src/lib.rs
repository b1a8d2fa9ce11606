//! Faena: work orders (OT) of an offshore and land construction contractor.
//!
//! Layers, each importing only the ones after it (ARCHITECTURE.md; `tests/app/layers.rs` checks
//! it): `startup` wires the server; `routes` are the handlers, one folder per resource, listed
//! in `routes::table`; `web` is the HTTP edge they share (state, gate, sessions, CSRF, page and
//! JSON responses); `error` is `AppError`; `services` are the use cases, one transaction each,
//! called by pages and the JSON API alike; `db` is persistence on SQLite or PostgreSQL, one file
//! per table; `domain` holds the pure rules and imports nothing of the crate but itself.
//! `config` is read by all; `seed` is the demo data of the command line.

#![recursion_limit = "256"]

pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod routes;
pub mod seed;
pub mod services;
pub mod startup;
pub mod web;
