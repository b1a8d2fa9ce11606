//! Typed settings from the environment. Nothing here is secret; the cookie key lives in the
//! database and is never printed.

use std::time::Duration;

/// Where the database lives when `DATABASE_URL` is unset.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/faena.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` (default `sqlite://data/faena.db`) or `postgres://…`.
    pub database_url: String,
    /// `FAENA_BIND`: address to listen on (default 127.0.0.1:8080; port 0 picks a free one).
    pub bind: String,
    /// `FAENA_SECURE_COOKIES`: `true` behind TLS: Secure cookie with the `__Host-` prefix.
    pub secure_cookies: bool,
    /// `FAENA_SESSION_IDLE_MINUTES` (default 120): a session unused this long is refused.
    pub session_idle: Duration,
    /// A session older than this is refused whatever its use (12 h).
    pub session_absolute: Duration,
    /// `FAENA_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `FAENA_DB_POOL`: database connections (default: `default_pool_size`).
    pub pool_size: u32,
    /// `FAENA_TODAY` (YYYY-MM-DD): a fixed "today" for progress, for demos and tests. Unset in
    /// production: today is the date in America/Mexico_City.
    pub fixed_today: Option<chrono::NaiveDate>,
    /// `FAENA_TRUST_PROXY`: `true` behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For` (the last entry is used for the login limits); otherwise the peer
    /// address is the client's.
    pub trust_proxy: bool,
    /// `FAENA_BODY_TIMEOUT_SECONDS` (default 30): a request body must arrive whole within this
    /// time, or the request is answered 408 and its connection freed.
    pub body_timeout: Duration,
}

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("variable de entorno {name} inválida: {reason}")]
pub struct ConfigError {
    name: &'static str,
    reason: String,
}

impl Config {
    /// Reads the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let idle_minutes: u64 = parse(
            "FAENA_SESSION_IDLE_MINUTES",
            var("FAENA_SESSION_IDLE_MINUTES"),
            120,
        )?;
        if idle_minutes == 0 {
            return Err(ConfigError {
                name: "FAENA_SESSION_IDLE_MINUTES",
                reason: "debe ser mayor que 0".into(),
            });
        }
        let secure_cookies = match var("FAENA_SECURE_COOKIES").as_deref() {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes" | "si" | "sí") => true,
            Some(other) => {
                return Err(ConfigError {
                    name: "FAENA_SECURE_COOKIES",
                    reason: format!("«{other}» no es true ni false"),
                });
            }
        };
        let trust_proxy = match var("FAENA_TRUST_PROXY").as_deref() {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes" | "si" | "sí") => true,
            Some(other) => {
                return Err(ConfigError {
                    name: "FAENA_TRUST_PROXY",
                    reason: format!("«{other}» no es true ni false"),
                });
            }
        };
        let body_seconds: u64 = parse(
            "FAENA_BODY_TIMEOUT_SECONDS",
            var("FAENA_BODY_TIMEOUT_SECONDS"),
            30,
        )?;
        let workers = match var("FAENA_WORKERS") {
            None => None,
            some => Some(parse("FAENA_WORKERS", some, 1)?),
        };
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind: var("FAENA_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned()),
            secure_cookies,
            trust_proxy,
            body_timeout: Duration::from_secs(body_seconds.max(1)),
            session_idle: Duration::from_secs(idle_minutes * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            workers,
            pool_size: parse(
                "FAENA_DB_POOL",
                var("FAENA_DB_POOL"),
                default_pool_size(var("DATABASE_URL").as_deref()),
            )?,
            fixed_today: match var("FAENA_TODAY") {
                None => None,
                Some(v) => Some(v.trim().parse().map_err(|_| ConfigError {
                    name: "FAENA_TODAY",
                    reason: format!("«{v}» no es una fecha AAAA-MM-DD"),
                })?),
            },
        })
    }

    /// The session cookie's name: `__Host-` prefixed when cookies are Secure.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-faena"
        } else {
            "faena"
        }
    }
}

/// Connections per instance when `FAENA_DB_POOL` is not set. PostgreSQL: 10 (a connection
/// waiting on the server costs the app little). SQLite: two per core, at least 4 and at most 10 —
/// its reads run on this machine's cores, and each connection keeps its own page cache (issue
/// 14: 4 connections served 100,000 and 1,000,000 orders as fast as 10, with 20 MiB less).
pub fn default_pool_size(database_url: Option<&str>) -> u32 {
    let postgres = database_url
        .is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
    if postgres {
        return 10;
    }
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    u32::try_from(cores * 2).unwrap_or(10).clamp(4, 10)
}

fn parse<T: std::str::FromStr>(
    name: &'static str,
    value: Option<String>,
    default: T,
) -> Result<T, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| ConfigError {
            name,
            reason: format!("«{v}» no es un número válido"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::default_pool_size;

    #[test]
    fn the_default_pool_is_small_on_sqlite_and_ten_on_postgresql() {
        assert_eq!(default_pool_size(Some("postgres://u@h/db")), 10);
        assert_eq!(default_pool_size(Some("postgresql://u@h/db")), 10);
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let expected = u32::try_from(cores * 2).unwrap().clamp(4, 10);
        for url in [None, Some("sqlite://faena.db"), Some("data/faena.db")] {
            let size = default_pool_size(url);
            assert_eq!(size, expected, "{url:?}");
            assert!((4..=10).contains(&size));
        }
    }
}
