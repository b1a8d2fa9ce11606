//! `FAENA_SLOW_QUERY_MS=N`: every query slower than N ms is logged (warn, target
//! `faena::db::slow_queries`) with its SQL and time, on every connection of the process. Off
//! unless set; the SQL carries no bound values (they may hold what a user typed).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};

static THRESHOLD: OnceLock<Duration> = OnceLock::new();

struct SlowQueries {
    threshold: Duration,
    started: Option<Instant>,
}

impl Instrumentation for SlowQueries {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, .. } => {
                if let Some(started) = self.started.take() {
                    let took = started.elapsed();
                    if took >= self.threshold {
                        let sql = query.to_string();
                        let sql = sql.split("-- binds").next().unwrap_or_default().trim();
                        tracing::warn!(ms = took.as_secs_f64() * 1000.0, sql, "slow query");
                    }
                }
            }
            _ => {}
        }
    }
}

/// Turns the log on when `FAENA_SLOW_QUERY_MS` holds a number.
pub fn install_from_env() {
    let Some(ms) = std::env::var("FAENA_SLOW_QUERY_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return;
    };
    let _ = THRESHOLD.set(Duration::from_millis(ms));
    let installed = set_default_instrumentation(|| {
        THRESHOLD.get().map(|&threshold| {
            Box::new(SlowQueries {
                threshold,
                started: None,
            }) as Box<dyn Instrumentation>
        })
    });
    if let Err(e) = installed {
        tracing::warn!(error = %e, "cannot install the slow-query log");
    }
}
