//! Persistence: one binary, two backends (SQLite by default, PostgreSQL by URL), one pool.
//!
//! See `../shared/docs/STACK.md` for why this is built by hand: the derived MultiConnection
//! `establish` hides libpq's error, SQLite needs its pragmas on every pooled connection, and
//! every write transaction on SQLite must start with `BEGIN IMMEDIATE`.

/// Runs `$body` on the backend's own connection (`SqliteConnection` or `PgConnection`), bound
/// to `$c`, rather than through diesel's `MultiConnection`: the wrapper builds a statement's
/// SQL text up to three times per run (for the cache key, for the binds, and to ask whether it
/// may be cached) — a fifth of a step change's instructions and two fifths of an order page's
/// (issue 14). For the statements every page and every save runs. The body is compiled once per
/// backend, so it may use `as_select()`.
///
/// ```ignore
/// on_backend!(conn, |c| users::table.find(id).select(User::as_select()).first(c).optional())
/// ```
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Pg($c) => $body,
        }
    };
}

pub mod activity;
pub mod annexes;
pub mod caches;
pub mod catalogs;
pub mod dates;
pub mod group_commit;
pub mod health;
pub mod legacy;
pub mod planning_docs;
pub mod prepared;
pub mod schedules;
pub mod schema;
pub mod search_index;
pub mod sessions;
pub mod settings;
pub mod slow_queries;
pub mod steps;
pub mod templates;
pub mod timeline;
pub mod users;
pub mod versions;
pub mod work_orders;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, CustomizeConnection, ManageConnection, R2D2Connection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// A connection to either backend; diesel's query builder works on it unchanged.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

pub(crate) const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub(crate) const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A file path (parent folders are created on first start).
    Sqlite(PathBuf),
    /// A libpq connection URL.
    Postgres(String),
}

impl Backend {
    /// `postgres://…` or `postgresql://…` selects PostgreSQL; `sqlite://path`, `sqlite:path` or a
    /// bare path selects SQLite.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres(url.to_owned())
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            Backend::Sqlite(PathBuf::from(path))
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Backend::Sqlite(_))
    }
}

/// Opens connections for the pool and passes the backend's real error through. On SQLite it also
/// holds the file's write queue (`group_commit`), which lives as long as a pool on the file does.
#[derive(Clone)]
pub struct Manager {
    backend: Backend,
    writer: Option<std::sync::Arc<group_commit::GroupWriter>>,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.backend {
            Backend::Sqlite(path) => {
                let path = path.to_string_lossy();
                SqliteConnection::establish(&path).map(DbConn::Sqlite)
            }
            Backend::Postgres(url) => PgConnection::establish(url).map(DbConn::Pg),
        }
        .map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Settings applied to every connection the pool hands out for the first time.
#[derive(Debug, Clone, Copy)]
struct ConnectionSetup;

impl CustomizeConnection<DbConn, r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        match conn {
            DbConn::Sqlite(c) => {
                // busy_timeout first, so that switching to WAL waits for other connections.
                // synchronous = FULL: a commit is on disk before it is acknowledged, so an OS
                // crash or a power cut loses no acknowledged write (NORMAL may lose the last
                // ones in WAL).
                c.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                )
            }
            // One plan per prepared statement, whatever its values (as SQLite's QPSG, see
            // `.cargo/config.toml`). Left to choose, PostgreSQL planned every statement with a
            // bound `LIMIT` again on each run (a generic plan guesses 10 % of the table) — a
            // fifth of its CPU on the list and order pages (issue 14). A list filtered by values
            // (a status, a manager, a text search…) is planned for them
            // ([`with_plans_for_values`]).
            DbConn::Pg(c) => c.batch_execute("SET plan_cache_mode = force_generic_plan"),
        }
        .map_err(r2d2::Error::QueryError)
    }
}

/// Runs `f` with PostgreSQL planning each statement for its bound values, in a transaction whose
/// `SET LOCAL` ends with it (inside another transaction, when that one ends; nested in itself,
/// just `f`). For the list filtered by values: a rare status or word is found through its index,
/// a common one by reading the orders in the list's order until the page is full, and only the
/// values tell which (`ListFilter::plan_depends_on_values`). On SQLite, just `f` (its plans never
/// depend on values: QPSG; the text search goes through FTS5).
pub fn with_plans_for_values<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> QueryResult<T>,
) -> QueryResult<T> {
    thread_local! {
        static PLANNING_FOR_VALUES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if matches!(conn, DbConn::Sqlite(_)) || PLANNING_FOR_VALUES.with(std::cell::Cell::get) {
        return f(conn);
    }
    let _planning = Raised::flag(&PLANNING_FOR_VALUES);
    conn.transaction(|c| {
        c.batch_execute("SET LOCAL plan_cache_mode = auto")?;
        f(c)
    })
}

/// A thread's flag, raised while this lives: lowered however the scope ends (a panic unwinds
/// through it).
struct Raised(&'static std::thread::LocalKey<std::cell::Cell<bool>>);

impl Raised {
    fn flag(flag: &'static std::thread::LocalKey<std::cell::Cell<bool>>) -> Raised {
        flag.with(|f| f.set(true));
        Raised(flag)
    }
}

impl Drop for Raised {
    fn drop(&mut self) {
        self.0.with(|f| f.set(false));
    }
}

/// Errors from setting up the database.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot create the folder for the SQLite database {0}")]
    Folder(PathBuf, #[source] std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("migrations failed: {0}")]
    Migrate(String),
}

/// Builds the pool for `url`, creating the SQLite folder when needed.
pub fn build_pool(url: &str, max_size: u32) -> Result<Pool, SetupError> {
    let backend = Backend::from_url(url);
    if let Backend::Sqlite(path) = &backend
        && let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| SetupError::Folder(dir.to_owned(), e))?;
    }
    let mut manager = Manager {
        backend,
        writer: None,
    };
    // Fail fast with the real error instead of r2d2's 30 s wait for a pool that cannot connect.
    let mut probe = manager
        .connect()
        .map_err(|e| SetupError::Connect(e.to_string()))?;
    if let DbConn::Sqlite(c) = &mut probe {
        let file = group_commit::main_file(c).map_err(|e| SetupError::Connect(e.to_string()))?;
        manager.writer = group_commit::writer_for(&file);
    }
    manager
        .is_valid(&mut probe)
        .map_err(|e| SetupError::Connect(e.to_string()))?;
    drop(probe);
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        // No `SELECT 1` before every checkout (a round trip per request part on PostgreSQL,
        // issue 14): a connection that failed is marked broken by diesel and dropped on return,
        // and `/healthz` still pings.
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(5))
        .connection_customizer(Box::new(ConnectionSetup))
        .build(manager)
        .map_err(|e| SetupError::Connect(e.to_string()))
}

/// Applies the pending migrations of the pool's backend (schema and catalog seeds).
/// Several instances starting at once on PostgreSQL serialise on an advisory lock.
pub fn run_migrations(conn: &mut DbConn) -> Result<(), SetupError> {
    let migrate = |e: Box<dyn std::error::Error + Send + Sync>| SetupError::Migrate(e.to_string());
    match conn {
        DbConn::Sqlite(c) => {
            c.batch_execute("PRAGMA foreign_keys = ON;")
                .map_err(|e| SetupError::Migrate(e.to_string()))?;
            c.run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|_| ())
                .map_err(migrate)
        }
        DbConn::Pg(c) => {
            c.batch_execute("SELECT pg_advisory_lock(72616516)")
                .map_err(|e| SetupError::Migrate(e.to_string()))?;
            let result = c
                .run_pending_migrations(PG_MIGRATIONS)
                .map(|_| ())
                .map_err(migrate);
            let unlock = c.batch_execute("SELECT pg_advisory_unlock(72616516)");
            result?;
            unlock.map_err(|e| SetupError::Migrate(e.to_string()))
        }
    }
}

/// SQLite has one writer at a time. Writers of this process queue (on the file's group commit,
/// or here for a file no pool holds), in order, instead of polling the file lock with
/// `busy_timeout` sleeps (which grow to 100 ms and made the p99 of concurrent creates near a
/// second). Other processes on the same file still meet the file lock.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in one write transaction: `BEGIN IMMEDIATE` on SQLite (a deferred transaction that
/// reads before it writes fails with "database is locked" under concurrency), a plain `BEGIN` on
/// PostgreSQL. Commits when `f` succeeds, rolls back otherwise; returns once the commit is on
/// disk. On SQLite, transactions queued together share one commit (`group_commit`).
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    // Nesting would wait on the writer lock forever: refuse it instead.
    if IN_WRITE.with(std::cell::Cell::get) {
        return Err(diesel::result::Error::AlreadyInTransaction.into());
    }
    // Writers of a file some pool of this process holds share its group commit; others (an
    // in-memory database, a connection made outside a pool) queue on the process lock.
    let group = match conn {
        DbConn::Sqlite(c) => group_commit::main_file(c)
            .ok()
            .and_then(|file| group_commit::find(&file)),
        DbConn::Pg(_) => None,
    };
    let _writing = Raised::flag(&IN_WRITE);
    match (group, &*conn) {
        (Some(group), _) => group.run(conn, f),
        (None, DbConn::Sqlite(_)) => {
            // A panic while holding the lock leaves nothing to repair: the transaction rolls back.
            let _writer = SQLITE_WRITER.lock().unwrap_or_else(|e| e.into_inner());
            run_in_transaction(conn, f)
        }
        (None, DbConn::Pg(_)) => run_in_transaction(conn, f),
    }
}

thread_local! {
    static IN_WRITE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn run_in_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    // A panic in `f` must not leave the connection inside the transaction: it would go back to
    // the pool, and every later "transaction" on it would only be a savepoint never committed.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(conn)));
    match outcome {
        Ok(Ok(value)) => {
            if let Err(e) = search_index::before_commit(conn) {
                rollback(conn);
                return Err(e.into());
            }
            <DbConn as TransactionManager<DbConn>>::commit_transaction(conn)?;
            Ok(value)
        }
        Ok(Err(err)) => {
            rollback(conn);
            Err(err)
        }
        Err(panic) => {
            rollback(conn);
            std::panic::resume_unwind(panic)
        }
    }
}

fn rollback(conn: &mut DbConn) {
    if let Err(rollback) = <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn) {
        tracing::error!(error = %rollback, "rollback failed");
    }
}

/// True when the error is a unique-constraint violation (a duplicate the caller can report).
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQL `lower()`, the same on both backends for ASCII.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A `LIKE` pattern (escape character `\\`) matching `text` anywhere, lower-cased.
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `1, 2, 3` for an SQL `IN` list. Integers only: nothing a user typed reaches SQL text.
pub fn id_list(ids: &[i32]) -> String {
    ids.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Serialises the writers of a small table until the transaction ends (PostgreSQL; SQLite has
/// one writer anyway), so a check-then-insert (a duplicate name) cannot race. Readers are not
/// blocked. `table` is one of the catalog tables, never user input.
pub fn lock_table_for_writes(conn: &mut DbConn, table: &'static str) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query(format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")).execute(pg)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }

    /// The bundled SQLite is built as `.cargo/config.toml` says: its planner stable (QPSG) and no
    /// lock that every connection takes (issue 14: 16 connections waited on the page caches'
    /// global mutex and the allocation counter's).
    #[test]
    fn the_bundled_sqlite_has_no_lock_shared_by_all_connections() {
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut c)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        for wanted in ["ENABLE_QPSG", "THREADSAFE=2", "DEFAULT_MEMSTATUS=0"] {
            assert!(options.iter().any(|o| o == wanted), "{wanted}: {options:?}");
        }
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
    }
}
