//! Benchmark of the fleet and yard timeline (W20): `seed-demo`'s orders (10,000 by default) with
//! every date compressed into 2026 and spread over 40 vessels, 40 platforms and 12 yards, then `GET /programa` for the whole year over HTTP from the
//! real server, and the double-booking check that runs after each save
//! (`services::timeline::conflicts_for`) on a sample of orders. Prints medians.
//!
//!   cargo bench --bench timeline                          # SQLite in a temp folder
//!   DATABASE_URL=postgres://… cargo bench --bench timeline  # an empty PostgreSQL database
//! Knobs: OTS (10000), RUNS (7), CHECKS (300).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common.rs"]
mod common;

use common::{knob, median};

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use faena::db::schema::work_orders as wo;
use faena::domain::role::Role;
use faena::services::Actor;
use faena::services::accounts::{self, NewAccount};
use faena::startup::{Application, open_database};

type Dates = (
    i32,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

fn main() {
    let ots = knob("OTS", 10_000);
    let runs = knob("RUNS", 7).max(1);
    let checks = knob("CHECKS", 300).max(1);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.path().display()));
    let config = common::config(&url, 2, 4, NaiveDate::from_ymd_opt(2026, 6, 15));
    let pool = open_database(&config).expect("database");
    let mut conn = pool.get().unwrap();
    let now = Utc::now().naive_utc();
    faena::seed::seed_demo(&mut conn, ots, now).unwrap();
    // Seeded starts spread over 1,700 days from 2022: map every date into 2026.
    let base = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    let year = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let map = |d: Option<NaiveDate>| {
        d.map(|d| year + chrono::Duration::days((d - base).num_days() * 365 / 1700))
            .map(|d| d.min(NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()))
    };
    let rows: Vec<Dates> = wo::table
        .select((
            wo::id,
            wo::planned_start,
            wo::planned_end,
            wo::real_start,
            wo::real_end,
            wo::yard_start,
            wo::yard_end,
        ))
        .load(&mut conn)
        .unwrap();
    faena::db::write_transaction(&mut conn, |c| {
        for (id, ps, pe, rs, re, ys, ye) in &rows {
            // Durations shrink with the starts, so the year is busy but not absurd.
            let shrink = |s: Option<NaiveDate>, e: Option<NaiveDate>| {
                let s2 = map(s);
                let e2 = match (s, e, s2) {
                    (Some(s), Some(e), Some(s2)) => {
                        Some(s2 + chrono::Duration::days(((e - s).num_days() / 3).max(0)))
                    }
                    _ => map(e),
                };
                (s2, e2)
            };
            let (ps, pe) = shrink(*ps, *pe);
            let (rs, re) = shrink(*rs, *re);
            let (ys, ye) = shrink(*ys, *ye);
            diesel::update(wo::table.find(*id))
                .set((
                    wo::planned_start.eq(ps),
                    wo::planned_end.eq(pe),
                    wo::real_start.eq(rs),
                    wo::real_end.eq(re),
                    wo::yard_start.eq(ys),
                    wo::yard_end.eq(ye),
                ))
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
    // A contractor of that size works with dozens of vessels and platforms, not the seed's seven:
    // 40 vessels, 40 platforms and 12 yards, the orders spread over them by id.
    use faena::db::schema::sites;
    let mut new_sites = Vec::new();
    for (category, prefix, count) in [
        (6, "Emb. Bench", 40),
        (7, "Plataforma Bench", 40),
        (3, "Patio Bench", 12),
    ] {
        for n in 0..count {
            let id: i32 = diesel::insert_into(sites::table)
                .values((
                    sites::description.eq(format!("{prefix} {n:02}")),
                    sites::category_id.eq(category),
                    sites::comment.eq(""),
                    sites::active.eq(true),
                ))
                .returning(sites::id)
                .get_result(&mut conn)
                .unwrap();
            new_sites.push((category, id));
        }
    }
    let of = |category: i32| -> Vec<i32> {
        new_sites
            .iter()
            .filter(|(c, _)| *c == category)
            .map(|(_, id)| *id)
            .collect()
    };
    let (vessels, platforms, yards) = (of(6), of(7), of(3));
    faena::db::write_transaction(&mut conn, |c| {
        for &id in &ids {
            let k = usize::try_from(id).unwrap_or(0);
            diesel::update(wo::table.find(id).filter(wo::vessel_site_id.is_not_null()))
                .set(wo::vessel_site_id.eq(vessels[k % vessels.len()]))
                .execute(c)?;
            diesel::update(
                wo::table
                    .find(id)
                    .filter(wo::platform_site_id.is_not_null()),
            )
            .set(wo::platform_site_id.eq(platforms[k % platforms.len()]))
            .execute(c)?;
            diesel::update(wo::table.find(id).filter(wo::yard_site_id.is_not_null()))
                .set(wo::yard_site_id.eq(yards[k % yards.len()]))
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    faena::db::versions::touch(&mut conn, faena::db::versions::CATALOGS).ok();

    // The check after a save, on a sample of orders.
    let mut times = Vec::new();
    let mut found = 0;
    for k in 0..checks {
        let id = ids[(k * 7919) % ids.len()];
        let t = Instant::now();
        found += faena::services::timeline::conflicts_for(&mut conn, id)
            .unwrap()
            .len();
        times.push(t.elapsed());
    }
    let check = median(times.clone());
    times.sort();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    accounts::create_user(
        &mut conn,
        &NewAccount {
            username: "bench",
            display_name: Some("Bench"),
            role: Role::Consulta,
            password: common::PASSWORD,
            must_change_password: false,
        },
        &Actor::console(),
        now,
    )
    .unwrap();
    drop(conn);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (pages, size, bars, conflicts) = rt.block_on(async move {
        let app = Application::build(config, pool).unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        let client = common::signed_in(&base, "bench").await;
        let mut pages = Vec::new();
        let mut body = String::new();
        for _ in 0..runs {
            let t = Instant::now();
            let r = client
                .get(format!("{base}/programa?desde=01/01/2026&hasta=31/12/2026"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            body = r.text().await.unwrap();
            pages.push(t.elapsed());
        }
        let bars = body.matches("class=\"tl-bar").count();
        let conflicts = body.matches("class=\"tl-conflict\"").count();
        (pages, body.len(), bars, conflicts)
    });
    println!("timeline: {ots} orders seeded, dates compressed into 2026, {url}");
    println!(
        "conflict check after a save: median {:.2} ms, p99 {:.2} ms over {checks} orders ({found} conflicts found) (target < 5 ms)",
        check.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0
    );
    println!(
        "/programa for 2026: median {:.1} ms, {bars} bars, {conflicts} conflicts drawn, {:.1} MiB of HTML (target < 150 ms)",
        median(pages).as_secs_f64() * 1000.0,
        size as f64 / 1_048_576.0
    );
}
