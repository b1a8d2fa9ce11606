//! The state every worker shares: the pool, the settings, the clock and the caches.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Pool;
use crate::db::caches::Caches;
use crate::domain::progress::Clock;

/// Shared by every worker.
pub struct AppState {
    pub pool: Pool,
    pub config: Config,
    /// "Today" for progress (W10): Mexico City's date, or the configured fixed date.
    pub clock: Clock,
    /// What pages may reuse while it has not changed (checked against `db::versions`).
    pub caches: Arc<Caches>,
    /// Bounds on password checks at login (hashing slots, a bucket per client address).
    pub login: crate::web::auth::login_guard::LoginGuard,
    /// The key of the login form's signed token (derived from the cookie key).
    pub csrf_key: Vec<u8>,
    /// Sessions and users checked by this instance, kept while the `auth` version is unchanged.
    pub auth: std::sync::Arc<crate::web::auth::session_cache::AuthCache>,
    /// Requests in flight per client address.
    pub in_flight: crate::web::auth::login_guard::InFlight,
}
