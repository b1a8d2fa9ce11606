//! The one integration-test binary: real HTTP against the real app, a fresh database per test.
//! Runs on SQLite by default and on PostgreSQL when `DATABASE_URL=postgres://…`.

// Panicking on a broken fixture is what a test should do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod activity;
mod annex;
mod api;
mod auth;
mod browser;
mod catalogs;
mod cli;
mod health;
mod layers;
mod legacy;
mod list;
mod schedules;
mod schema;
mod security;
mod step_setup;
mod timeline;
mod tracking;
mod users;
mod work_orders;
mod writes;
