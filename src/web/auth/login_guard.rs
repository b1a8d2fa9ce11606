//! Guards on `POST /login` (issue 13 §1): every attempt costs one argon2id verification (about
//! 19 MiB for a moment), so the number checked at once is bounded (a semaphore of two per core;
//! a request waits at most `PERMIT_WAIT` for one, then gets 503 with `Retry-After`), and each
//! client address has a token bucket (`BURST` attempts at once, then one every
//! `REFILL_SECONDS`; beyond it 429 with `Retry-After`). The buckets live in this instance's
//! memory: several instances behind a load balancer each apply them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Attempts a client address may make at once.
pub const BURST: f64 = 10.0;
/// Seconds for one more attempt (six a minute once the burst is spent).
pub const REFILL_SECONDS: f64 = 10.0;
/// How long an attempt waits for a hashing slot before it is told to come back.
pub const PERMIT_WAIT: Duration = Duration::from_secs(2);
/// Buckets kept before full ones are forgotten.
const MAX_BUCKETS: usize = 50_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The per-instance login guard.
#[derive(Debug)]
pub struct LoginGuard {
    hashing: Arc<Semaphore>,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Default for LoginGuard {
    fn default() -> LoginGuard {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        LoginGuard::new(2 * cores)
    }
}

impl LoginGuard {
    pub fn new(permits: usize) -> LoginGuard {
        LoginGuard {
            hashing: Arc::new(Semaphore::new(permits.max(1))),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one attempt from `ip`'s bucket, or says how long to wait for the next one.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > MAX_BUCKETS {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() / REFILL_SECONDS < BURST
            });
        }
        let b = buckets.entry(ip).or_insert(Bucket {
            tokens: BURST,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() / REFILL_SECONDS).min(BURST);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                ((1.0 - b.tokens) * REFILL_SECONDS).ceil(),
            ))
        }
    }

    /// A hashing slot, waited for at most `PERMIT_WAIT`; hold it while the password is checked.
    pub async fn permit(&self) -> Option<OwnedSemaphorePermit> {
        let acquire = self.hashing.clone().acquire_owned();
        match actix_web::rt::time::timeout(PERMIT_WAIT, acquire).await {
            Ok(Ok(p)) => Some(p),
            _ => None,
        }
    }
}

/// Requests one client address may have in flight at once (slow bodies included).
pub const MAX_IN_FLIGHT_PER_ADDRESS: usize = 64;

/// Requests in flight per client address (issue 13 §3): one address cannot take every
/// connection the process may open.
#[derive(Debug, Default)]
pub struct InFlight {
    counts: Mutex<HashMap<IpAddr, usize>>,
}

/// Holds one request's place; frees it when dropped.
#[derive(Debug)]
pub struct InFlightSlot<'a> {
    owner: &'a InFlight,
    ip: IpAddr,
}

impl InFlight {
    /// A place for one more request from `ip`, or `None` when it has `MAX_IN_FLIGHT_PER_ADDRESS`.
    pub fn enter(&self, ip: IpAddr) -> Option<InFlightSlot<'_>> {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = counts.entry(ip).or_insert(0);
        if *n >= MAX_IN_FLIGHT_PER_ADDRESS {
            return None;
        }
        *n += 1;
        Some(InFlightSlot { owner: self, ip })
    }
}

impl Drop for InFlightSlot<'_> {
    fn drop(&mut self) {
        let mut counts = self
            .owner
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// The client's address: the peer, or behind a trusted proxy the last `X-Forwarded-For` entry
/// (the one the proxy appended).
pub fn client_ip(
    headers: &actix_web::http::header::HeaderMap,
    peer: Option<std::net::SocketAddr>,
    trust_proxy: bool,
) -> IpAddr {
    let forwarded = trust_proxy
        .then(|| headers.get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|ip| ip.trim().parse().ok());
    forwarded
        .or_else(|| peer.map(|a| a.ip()))
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_a_burst_then_one_attempt_per_refill() {
        let guard = LoginGuard::new(1);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..10 {
            assert!(guard.allow(ip, t0).is_ok());
        }
        let wait = guard.allow(ip, t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(10));
        assert!(
            guard.allow(other, t0).is_ok(),
            "another address has its own bucket"
        );
        assert!(guard.allow(ip, t0 + Duration::from_secs(10)).is_ok());
        assert!(guard.allow(ip, t0 + Duration::from_secs(11)).is_err());
    }

    #[test]
    fn an_address_has_at_most_64_requests_in_flight() {
        let in_flight = InFlight::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let slots: Vec<_> = (0..MAX_IN_FLIGHT_PER_ADDRESS)
            .map(|_| in_flight.enter(ip).unwrap())
            .collect();
        assert!(in_flight.enter(ip).is_none());
        assert!(in_flight.enter("10.0.0.2".parse().unwrap()).is_some());
        drop(slots);
        assert!(in_flight.enter(ip).is_some());
    }
}
