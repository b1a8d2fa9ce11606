//! What the benchmarks share: knobs from the environment, the process's peak memory, medians,
//! and a signed-in client of a server started in the benchmark's process.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

/// A numeric knob from the environment, or its default.
pub fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident memory of this process (VmHWM), in MiB.
pub fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The median of some timings.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The password of the user the benchmarks create.
pub const PASSWORD: &str = "bench-clave-segura-2026";

/// A client signed in as `username` (password `PASSWORD`) on the server at `base`.
pub async fn signed_in(base: &str, username: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = login
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the benchmark user signs in");
    client
}

/// The server configuration a benchmark runs with: `url`, `workers` HTTP workers, a pool of
/// `pool_size` connections, "today" fixed when given; no proxy, plain cookies, hour-long sessions.
pub fn config(
    url: &str,
    workers: usize,
    pool_size: u32,
    fixed_today: Option<chrono::NaiveDate>,
) -> faena::config::Config {
    faena::config::Config {
        database_url: url.to_owned(),
        bind: "127.0.0.1:0".into(),
        secure_cookies: false,
        trust_proxy: false,
        body_timeout: Duration::from_secs(30),
        session_idle: Duration::from_secs(3600),
        session_absolute: Duration::from_secs(3600),
        workers: Some(workers),
        pool_size,
        fixed_today,
    }
}
