//! Server-side sessions in the database, behind actix-session's `SessionStore`.
//!
//! Sessions live in the `sessions` table so that logout, a password change or disabling a user
//! revokes them at once, and several app instances share them on PostgreSQL. The row id is the
//! SHA-256 of the cookie's key. Idle expiry is `expires_at` (pushed forward as requests arrive);
//! absolute expiry is `created_at` plus the configured maximum. Sessions read are kept per
//! instance while the `auth` version is unchanged (`session_cache`), so most requests validate
//! their session without reading its row.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use actix_session::storage::{
    LoadError, SaveError, SessionKey, SessionStore, UpdateError, generate_session_key,
};
use actix_web::cookie::time::Duration as CookieDuration;
use chrono::{Duration, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};

use super::session_cache::{AuthCache, SessionRow, read_versioned};
use crate::db::{self, Pool, sessions};

/// Session state key holding the logged-in user's id.
pub const USER_KEY: &str = "uid";

/// Don't rewrite `expires_at` on every request (a write per request is wasted work): only when it
/// would move by more than a tenth of the idle timeout, and at most a minute.
fn ttl_write_slack(ttl: &CookieDuration) -> Duration {
    Duration::seconds((ttl.whole_seconds() / 10).min(60))
}

#[derive(Clone)]
pub struct DbSessionStore {
    pool: Pool,
    absolute: Duration,
    cache: Arc<AuthCache>,
}

impl DbSessionStore {
    pub fn new(pool: Pool, absolute: std::time::Duration, cache: Arc<AuthCache>) -> DbSessionStore {
        let absolute = Duration::from_std(absolute).unwrap_or(Duration::hours(12));
        DbSessionStore {
            pool,
            absolute,
            cache,
        }
    }
}

fn parse_state(state: &str) -> Result<HashMap<String, String>, LoadError> {
    serde_json::from_str(state).map_err(|e| LoadError::Deserialization(e.into()))
}

/// The row id for a session key.
pub fn row_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn expiry(ttl: &CookieDuration) -> NaiveDateTime {
    now() + Duration::seconds(ttl.whole_seconds())
}

fn user_of(state: &HashMap<String, String>) -> Option<i32> {
    state.get(USER_KEY).and_then(|v| v.parse().ok())
}

/// Runs a database closure on the blocking pool, in the request's tracing span. Writes go through
/// `db::write_transaction`, so on SQLite they join the group commit instead of waiting for the
/// file lock.
async fn blocking<T, F>(pool: &Pool, f: F) -> anyhow::Result<T>
where
    T: Send + 'static,
    F: FnOnce(&mut db::DbConn) -> diesel::QueryResult<T> + Send + 'static,
{
    let pool = pool.clone();
    crate::web::run_blocking(move || -> anyhow::Result<T> {
        let mut conn = pool.get()?;
        Ok(f(&mut conn)?)
    })
    .await?
}

impl SessionStore for DbSessionStore {
    async fn load(
        &self,
        session_key: &SessionKey,
    ) -> Result<Option<HashMap<String, String>>, LoadError> {
        let arrived = Instant::now();
        let id = row_id(session_key.as_ref());
        let oldest = now() - self.absolute;
        if let Some((version, row)) = self.cache.session(&id)
            && row.expires_at > now()
            && row.created_at > oldest
        {
            let current = self
                .cache
                .probe
                .current_since(arrived)
                .await
                .map_err(LoadError::Other)?;
            if current == version {
                return parse_state(&row.state).map(Some);
            }
        }
        let key = id.clone();
        let (version, row) = blocking(&self.pool, move |c| {
            read_versioned(c, |c| sessions::load_live(c, &key, now(), oldest))
        })
        .await
        .map_err(LoadError::Other)?;
        match row {
            None => {
                self.cache.forget_session(&id);
                Ok(None)
            }
            Some((state, created_at, expires_at)) => {
                let parsed = parse_state(&state)?;
                let row = SessionRow {
                    state,
                    created_at,
                    expires_at,
                };
                self.cache.keep_session(id, version, row);
                Ok(Some(parsed))
            }
        }
    }

    async fn save(
        &self,
        session_state: HashMap<String, String>,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, SaveError> {
        let state = serde_json::to_string(&session_state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        let key = generate_session_key();
        let id = row_id(key.as_ref());
        let user_id = user_of(&session_state);
        let expires_at = expiry(ttl);
        blocking(&self.pool, move |c| {
            db::write_transaction(c, |c| {
                sessions::insert(
                    c,
                    &sessions::NewSession {
                        id: &id,
                        user_id,
                        state: &state,
                        created_at: now(),
                        expires_at,
                    },
                )
            })
        })
        .await
        .map_err(SaveError::Other)?;
        Ok(key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: HashMap<String, String>,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        let state = serde_json::to_string(&session_state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        let id = row_id(session_key.as_ref());
        let user_id = user_of(&session_state);
        let expires_at = expiry(ttl);
        // A session revoked meanwhile (logout elsewhere, password change) stays revoked: the
        // update touches no row and the cookie keeps pointing at nothing.
        self.cache.forget_session(&id);
        blocking(&self.pool, move |c| {
            db::write_transaction(c, |c| {
                sessions::update_state(c, &id, user_id, &state, expires_at)
            })
        })
        .await
        .map_err(UpdateError::Other)?;
        Ok(session_key)
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &CookieDuration,
    ) -> Result<(), anyhow::Error> {
        let id = row_id(session_key.as_ref());
        let wanted = expiry(ttl);
        let slack = ttl_write_slack(ttl);
        // The kept copy was read (or extended) by this instance: if it is recent enough, so is
        // the row (another instance may only have pushed it further).
        if let Some((_, row)) = self.cache.session(&id)
            && wanted - row.expires_at <= slack
        {
            return Ok(());
        }
        let key = id.clone();
        let written = blocking(&self.pool, move |c| match sessions::expires_at(c, &key)? {
            Some(current) if wanted - current > slack => {
                db::write_transaction(c, |c| sessions::set_expiry(c, &key, wanted))
                    .map(|()| Some(wanted))
            }
            current => Ok(current),
        })
        .await?;
        if let Some(expires_at) = written {
            self.cache.extend_session(&id, expires_at);
        }
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let id = row_id(session_key.as_ref());
        self.cache.forget_session(&id);
        blocking(&self.pool, move |c| {
            db::write_transaction(c, |c| sessions::delete(c, &id))
        })
        .await
    }
}
