//! Session validation without a database round trip on most requests (issue 14).
//!
//! Each instance keeps the sessions and users it has checked, each with the `auth` version
//! (`db::versions`) it was read at. Database triggers bump that version in the transaction that
//! deletes or changes a session (logout, revocation, a password change; a message after a save
//! only when too long for its cookie, `web::page`) or changes what the gate reads of a user
//! (role, active, password, names), so a copy is used only while nothing it stands for has
//! changed — on any instance.
//!
//! Checking the version is itself a read, but one read serves every request that was waiting when
//! it started ([`VersionProbe`]): a request never uses a version read that started before it
//! arrived, so a revocation committed before a request arrives is seen by that request, on every
//! instance, while under load one primary-key read answers a whole batch of requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use chrono::NaiveDateTime;
use tokio::sync::oneshot;

use crate::db::{DbConn, Pool, versions};

/// How many sessions (and users) an instance keeps; it starts over when full.
const CAPACITY: usize = 10_000;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The `auth` version (on PostgreSQL every version), read once for every request waiting when
/// the read starts.
pub struct VersionProbe {
    pool: Pool,
    state: Mutex<ProbeState>,
}

type Waiter = oneshot::Sender<Result<Probed, String>>;

/// What one read of the probe found: the `auth` version and, on PostgreSQL, every version (a
/// page then checks its caches against them instead of reading them: one round trip less). On
/// SQLite a statement is a function call, not a round trip, and reading every version would cost
/// a trivial page a sixth of its instructions: the `auth` row alone, as pages read the others.
#[derive(Debug, Clone)]
pub struct Probed {
    pub auth: i64,
    pub all: Option<versions::Snapshot>,
}

#[derive(Default)]
struct ProbeState {
    /// The newest completed read: when it started, and what it read.
    last: Option<(Instant, Probed)>,
    /// Requests waiting for the next read.
    waiting: Vec<Waiter>,
    /// A reader task is running (it keeps reading while requests wait).
    reading: bool,
}

impl VersionProbe {
    pub fn new(pool: Pool) -> VersionProbe {
        VersionProbe {
            pool,
            state: Mutex::new(ProbeState::default()),
        }
    }

    /// The `auth` version as read by a read that started at or after `arrived`.
    pub async fn current_since(self: &Arc<Self>, arrived: Instant) -> anyhow::Result<i64> {
        Ok(self.probed_since(arrived).await?.auth)
    }

    /// What a read that started at or after `arrived` found (on PostgreSQL the request's pages
    /// check their caches against it: no read of their own).
    pub async fn probed_since(self: &Arc<Self>, arrived: Instant) -> anyhow::Result<Probed> {
        let answer = {
            let mut s = lock(&self.state);
            if let Some((started, probed)) = &s.last
                && *started >= arrived
            {
                return Ok(probed.clone());
            }
            let (tx, rx) = oneshot::channel();
            s.waiting.push(tx);
            if !s.reading {
                s.reading = true;
                actix_web::rt::spawn(Arc::clone(self).read_while_waited());
            }
            rx
        };
        match answer.await {
            Ok(Ok(snapshot)) => Ok(snapshot),
            Ok(Err(e)) => Err(anyhow::anyhow!(e)),
            Err(_) => Err(anyhow::anyhow!("the version reader stopped")),
        }
    }

    /// Reads the version for each batch of waiting requests until none waits.
    async fn read_while_waited(self: Arc<Self>) {
        // Whatever ends this task early (a dropped runtime), the next request starts another.
        struct Abandoned<'a>(&'a Mutex<ProbeState>, bool);
        impl Drop for Abandoned<'_> {
            fn drop(&mut self) {
                if self.1 {
                    lock(self.0).reading = false;
                }
            }
        }
        let mut abandoned = Abandoned(&self.state, true);
        loop {
            let (batch, started) = {
                let mut s = lock(&self.state);
                if s.waiting.is_empty() {
                    // In the same critical section as the check: a request that comes next
                    // finds no reader and starts one.
                    s.reading = false;
                    abandoned.1 = false;
                    return;
                }
                // Everyone in the batch arrived before this instant; the read starts after it.
                (std::mem::take(&mut s.waiting), Instant::now())
            };
            let pool = self.pool.clone();
            let read = crate::web::run_blocking(move || -> anyhow::Result<Probed> {
                let mut conn = pool.get()?;
                Ok(if matches!(*conn, DbConn::Pg(_)) {
                    let all = versions::Snapshot::read(&mut conn)?;
                    Probed {
                        auth: all.of(versions::AUTH),
                        all: Some(all),
                    }
                } else {
                    Probed {
                        auth: versions::current(&mut conn, versions::AUTH)?,
                        all: None,
                    }
                })
            })
            .await;
            let result = match read {
                Ok(Ok(probed)) => {
                    let mut s = lock(&self.state);
                    if s.last.as_ref().is_none_or(|(at, _)| *at < started) {
                        s.last = Some((started, probed.clone()));
                    }
                    Ok(probed)
                }
                Ok(Err(e)) => Err(e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            for waiter in batch {
                let _ = waiter.send(result.clone());
            }
        }
    }
}

/// A session as read from its row.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub state: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// The gate's view of a user.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub must_change_password: bool,
}

/// The copies an instance keeps, each with the `auth` version it was read at.
pub struct AuthCache {
    pub probe: Arc<VersionProbe>,
    sessions: Mutex<HashMap<String, (i64, SessionRow)>>,
    users: Mutex<HashMap<i32, (i64, UserRow)>>,
}

impl AuthCache {
    pub fn new(pool: Pool) -> AuthCache {
        AuthCache {
            probe: Arc::new(VersionProbe::new(pool)),
            sessions: Mutex::new(HashMap::new()),
            users: Mutex::new(HashMap::new()),
        }
    }

    /// The kept copy of a session, whatever its version (the caller checks it).
    pub fn session(&self, id: &str) -> Option<(i64, SessionRow)> {
        lock(&self.sessions).get(id).cloned()
    }

    pub fn keep_session(&self, id: String, version: i64, row: SessionRow) {
        keep(&self.sessions, id, version, row);
    }

    pub fn forget_session(&self, id: &str) {
        lock(&self.sessions).remove(id);
    }

    /// Records a new idle expiry written for a kept session (it does not change the version).
    pub fn extend_session(&self, id: &str, expires_at: NaiveDateTime) {
        if let Some((_, row)) = lock(&self.sessions).get_mut(id) {
            row.expires_at = expires_at;
        }
    }

    pub fn user(&self, id: i32) -> Option<(i64, UserRow)> {
        lock(&self.users).get(&id).cloned()
    }

    pub fn keep_user(&self, version: i64, row: UserRow) {
        keep(&self.users, row.id, version, row);
    }
}

fn keep<K: std::hash::Hash + Eq, V>(map: &Mutex<HashMap<K, (i64, V)>>, key: K, version: i64, v: V) {
    let mut map = lock(map);
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key, (version, v));
}

/// Reads the version, then what it stands for: a change committed in between is in what is read,
/// and its new version no longer matches the one kept with it.
pub fn read_versioned<T>(
    conn: &mut DbConn,
    read: impl FnOnce(&mut DbConn) -> diesel::QueryResult<T>,
) -> diesel::QueryResult<(i64, T)> {
    let version = versions::current(conn, versions::AUTH)?;
    Ok((version, read(conn)?))
}
