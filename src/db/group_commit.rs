//! Group commit for SQLite writes (issue 14): durable writes without one disk flush each.
//!
//! SQLite has one writer at a time, and with `synchronous = FULL` every commit waits for the disk
//! (about 3 ms here, most of a create's time). The writers of one database file queue on one
//! [`GroupWriter`], which keeps a dedicated connection. Each write transaction runs under the
//! queue's lock as a savepoint inside a batch transaction on that connection; when it is done and
//! another writer is already waiting, the batch stays open and the waiting writer continues it; the
//! last writer of the queue (or the one that fills the batch) commits, and every writer of the
//! batch returns only after that commit is on disk. A writer whose work fails rolls back to its
//! savepoint and leaves the rest of the batch untouched; a failed commit fails every writer of the
//! batch. So each acknowledged write is durable, each transaction is atomic, and writers still
//! run one after the other, as before — they just share the disk flush. The batch's changes to
//! the search index are written once, just before its commit (`db::search_index`).

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::result::Error as DieselError;

use super::DbConn;

/// Most transactions in one batch (bounds the wait of its first writer).
const MAX_BATCH: usize = 32;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The write queue of one SQLite file.
pub struct GroupWriter {
    /// The file as SQLite names it (`PRAGMA database_list`).
    file: String,
    slot: Mutex<Slot>,
    /// Writers waiting for `slot`.
    queued: AtomicUsize,
    outcomes: Mutex<Outcomes>,
    finished: Condvar,
}

#[derive(Default)]
struct Slot {
    /// The dedicated connection (opened on first use).
    conn: Option<DbConn>,
    /// The open batch, if any.
    batch: Option<u64>,
    members: usize,
    next: u64,
    /// The batch must not be committed.
    poisoned: bool,
}

#[derive(Default)]
struct Outcomes {
    /// Every batch up to this one has ended.
    ended_through: u64,
    /// Batches committed, and the transactions they held.
    committed: u64,
    transactions: u64,
    /// Recent batches whose commit failed.
    failed: VecDeque<u64>,
}

/// Live writers by file; the pools hold them (a writer ends with its last pool).
static WRITERS: Mutex<Vec<(String, Weak<GroupWriter>)>> = Mutex::new(Vec::new());

/// The file SQLite has open as `main` on this connection (empty for an in-memory database).
/// Read before every write, so prepared once per connection (`sql_query` is parsed each time).
pub fn main_file(conn: &mut SqliteConnection) -> QueryResult<String> {
    super::prepared::IdsQuery::fixed("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .get_result::<MainFile>(conn)
        .map(|m| m.file)
}

#[derive(QueryableByName)]
struct MainFile {
    #[diesel(sql_type = diesel::sql_types::Text)]
    file: String,
}

/// The writer of `file`, shared by every pool of this process on that file.
pub fn writer_for(file: &str) -> Option<Arc<GroupWriter>> {
    if file.is_empty() {
        return None;
    }
    let mut writers = lock(&WRITERS);
    writers.retain(|(_, w)| w.strong_count() > 0);
    if let Some(live) = live_in(&writers, file) {
        return Some(live);
    }
    let writer = Arc::new(GroupWriter {
        file: file.to_owned(),
        slot: Mutex::new(Slot::default()),
        queued: AtomicUsize::new(0),
        outcomes: Mutex::new(Outcomes::default()),
        finished: Condvar::new(),
    });
    writers.push((file.to_owned(), Arc::downgrade(&writer)));
    Some(writer)
}

/// The live writer of `file`, if a pool holds one.
pub fn find(file: &str) -> Option<Arc<GroupWriter>> {
    live_in(&lock(&WRITERS), file)
}

fn live_in(writers: &[(String, Weak<GroupWriter>)], file: &str) -> Option<Arc<GroupWriter>> {
    writers
        .iter()
        .find(|(f, _)| f == file)
        .and_then(|(_, w)| w.upgrade())
}

fn open(file: &str) -> QueryResult<DbConn> {
    let mut conn = SqliteConnection::establish(file).map_err(|e| {
        DieselError::QueryBuilderError(format!("cannot open the writer connection: {e}").into())
    })?;
    // The pool's pragmas.
    conn.batch_execute(
        "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
         PRAGMA foreign_keys = ON;",
    )?;
    Ok(DbConn::Sqlite(conn))
}

fn commit_failed() -> DieselError {
    DieselError::QueryBuilderError("the batch this write belonged to could not be committed".into())
}

impl GroupWriter {
    /// (batches committed, transactions they held) since the writer started.
    pub fn stats(&self) -> (u64, u64) {
        let o = lock(&self.outcomes);
        (o.committed, o.transactions)
    }

    /// Runs `f` as one atomic transaction in the current batch, and returns once the batch that
    /// holds it is committed. `conn` (the caller's pooled connection) is lent the batch's
    /// connection while `f` runs.
    pub fn run<T, E, F>(&self, conn: &mut DbConn, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<DieselError>,
    {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut slot = lock(&self.slot);
        self.queued.fetch_sub(1, Ordering::SeqCst);

        let batch = self.open_batch(&mut slot)?;
        let Some(batch_conn) = slot.conn.as_mut() else {
            return Err(commit_failed().into());
        };
        std::mem::swap(conn, batch_conn);
        let (outcome, clean) = in_savepoint(conn, f);
        std::mem::swap(conn, batch_conn);
        if matches!(outcome, Ok(Ok(_))) {
            slot.members += 1;
        }
        // A savepoint that could not be rolled back leaves the batch in doubt: it is rolled back
        // whole, and every writer in it fails.
        slot.poisoned |= !clean;

        let last = self.queued.load(Ordering::SeqCst) == 0 || slot.members >= MAX_BATCH;
        let committed = if last {
            let result = self.commit(&mut slot, batch);
            drop(slot);
            result
        } else {
            // The next writer continues the batch; this one waits for its commit (unless its own
            // work was rolled back: then it has nothing to wait for).
            drop(slot);
            if matches!(outcome, Ok(Ok(_))) {
                self.wait_for(batch)
            } else {
                Ok(())
            }
        };
        match outcome {
            Err(panic) => resume_unwind(panic),
            Ok(Ok(value)) => committed.map(|()| value).map_err(E::from),
            Ok(Err(e)) => Err(e),
        }
    }

    fn open_batch(&self, slot: &mut Slot) -> QueryResult<u64> {
        if let Some(batch) = slot.batch {
            return Ok(batch);
        }
        if slot.conn.is_none() {
            slot.conn = Some(open(&self.file)?);
        }
        let Some(DbConn::Sqlite(c)) = slot.conn.as_mut() else {
            return Err(commit_failed());
        };
        if let Err(e) = AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE") {
            // A connection that cannot begin is not trusted again.
            slot.conn = None;
            return Err(e);
        }
        slot.next += 1;
        slot.batch = Some(slot.next);
        slot.members = 0;
        slot.poisoned = false;
        Ok(slot.next)
    }

    /// Commits the open batch and tells its waiting writers how it went.
    fn commit(&self, slot: &mut Slot, batch: u64) -> QueryResult<()> {
        slot.batch = None;
        let result = match slot.conn.as_mut() {
            Some(_) if slot.poisoned => Err(commit_failed()),
            Some(c) => super::search_index::before_commit(c)
                .and_then(|()| <DbConn as TransactionManager<DbConn>>::commit_transaction(c)),
            None => Err(commit_failed()),
        };
        if let Err(e) = &result {
            tracing::error!(error = %e, members = slot.members, "group commit failed");
            if let Some(c) = slot.conn.as_mut()
                && <DbConn as TransactionManager<DbConn>>::rollback_transaction(c).is_err()
            {
                slot.conn = None;
            }
        }
        let mut outcomes = lock(&self.outcomes);
        outcomes.ended_through = batch;
        if result.is_ok() {
            outcomes.committed += 1;
            outcomes.transactions += slot.members as u64;
        } else {
            outcomes.failed.push_back(batch);
            if outcomes.failed.len() > 64 {
                outcomes.failed.pop_front();
            }
        }
        drop(outcomes);
        self.finished.notify_all();
        result
    }

    fn wait_for(&self, batch: u64) -> QueryResult<()> {
        let mut outcomes = lock(&self.outcomes);
        while outcomes.ended_through < batch {
            outcomes = self
                .finished
                .wait(outcomes)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if outcomes.failed.contains(&batch) {
            Err(commit_failed())
        } else {
            Ok(())
        }
    }
}

type Outcome<T, E> = std::thread::Result<Result<T, E>>;

/// `f` inside a savepoint of the batch: released when it succeeds, rolled back when it fails or
/// panics. Also says whether the batch is still clean (the rollback, when needed, worked).
fn in_savepoint<T, E, F>(conn: &mut DbConn, f: F) -> (Outcome<T, E>, bool)
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DieselError>,
{
    if let Err(e) = <DbConn as TransactionManager<DbConn>>::begin_transaction(conn) {
        return (Ok(Err(e.into())), true);
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| f(conn)));
    if let Ok(Ok(_)) = &outcome {
        match <DbConn as TransactionManager<DbConn>>::commit_transaction(conn) {
            Ok(()) => return (outcome, true),
            Err(e) => {
                let clean =
                    <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn).is_ok();
                return (Ok(Err(e.into())), clean);
            }
        }
    }
    let clean = match <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn) {
        Ok(()) => true,
        Err(rollback) => {
            tracing::error!(error = %rollback, "rollback to savepoint failed");
            false
        }
    };
    (outcome, clean)
}
