//! Benchmark of schedules (W15–W17): a generated MS Project XML (MSPDI) of 5,000 tasks and 6,000
//! links, imported into one OT through the same service the upload uses (parse, validation, one
//! transaction, carry-over of captures), then the "Programa" tab, the S-curve page and the Gantt
//! page (W19) fetched over HTTP from the real server. Prints the median of RUNS of each and the peak memory.
//!
//!   cargo bench --bench schedule                          # SQLite in a temp folder
//!   DATABASE_URL=postgres://… cargo bench --bench schedule  # an empty PostgreSQL database
//! Knobs: PHASES (50), LEAVES (99 per phase), RUNS (5).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common.rs"]
mod common;

use common::{knob, median, peak_mib};

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{Datelike, NaiveDate, Utc};
use faena::db::schedules::{self as repo, NewCapture};
use faena::domain::planning_doc::PteForm;
use faena::domain::role::Role;
use faena::domain::work_order::WorkOrderForm;
use faena::services::accounts::{self, NewAccount};
use faena::services::schedules as service;
use faena::services::{Actor, planning_docs, work_orders};
use faena::startup::{Application, open_database};

/// The n-th working day from 5 January 2026.
fn working_day(n: usize) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut left = n;
    while left > 0 {
        d += chrono::Duration::days(1);
        if d.weekday().num_days_from_monday() < 5 {
            left -= 1;
        }
    }
    d
}

/// PHASES summaries of LEAVES one-day tasks each; links: a chain inside each phase, phase to
/// phase, and start-to-start links two tasks ahead until there are 6,000 (all forward, no
/// cycle).
fn mspdi(phases: usize, leaves: usize, links_wanted: usize) -> (String, usize, usize) {
    let mut x = String::with_capacity(phases * leaves * 900);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Project \
         xmlns=\"http://schemas.microsoft.com/project\"><Name>bench.xml</Name>\
         <MinutesPerDay>480</MinutesPerDay><ExtendedAttributes><ExtendedAttribute>\
         <FieldID>188743731</FieldID><FieldName>Text1</FieldName><Alias>Ponderación</Alias>\
         </ExtendedAttribute></ExtendedAttributes><Tasks>\n",
    );
    let last = working_day(phases * leaves);
    let _ = writeln!(
        x,
        "<Task><UID>0</UID><ID>0</ID><Name>Proyecto</Name><OutlineLevel>0</OutlineLevel>\
         <Start>2026-01-05T08:00:00</Start><Finish>{}T17:00:00</Finish><Duration>PT8H0M0S</Duration></Task>",
        last.format("%Y-%m-%d")
    );
    let mut uid = 0;
    let mut links = 0;
    let chain = phases * (leaves - 1) + phases.saturating_sub(1);
    let mut extra = 0;
    let mut tasks = 0;
    for p in 0..phases {
        uid += 1;
        let phase_uid = uid;
        let first = working_day(p * leaves);
        let end = working_day(p * leaves + leaves - 1);
        let _ = writeln!(
            x,
            "<Task><UID>{phase_uid}</UID><ID>{phase_uid}</ID><Name>Fase {p} &amp; montaje</Name>\
             <WBS>{}</WBS><OutlineLevel>1</OutlineLevel><Start>{}T08:00:00</Start>\
             <Finish>{}T17:00:00</Finish><Duration>PT{}H0M0S</Duration><Summary>1</Summary></Task>",
            p + 1,
            first.format("%Y-%m-%d"),
            end.format("%Y-%m-%d"),
            leaves * 8
        );
        tasks += 1;
        for k in 0..leaves {
            uid += 1;
            let day = working_day(p * leaves + k).format("%Y-%m-%d");
            let _ = write!(
                x,
                "<Task><UID>{uid}</UID><ID>{uid}</ID><Name>Actividad {p}.{k} de soldadura y \
                 pruebas</Name><WBS>{}.{}</WBS><OutlineLevel>2</OutlineLevel>\
                 <Start>{day}T08:00:00</Start><Finish>{day}T17:00:00</Finish>\
                 <Duration>PT8H0M0S</Duration><PercentComplete>{}</PercentComplete>\
                 <Baseline><Number>0</Number><Start>{day}T08:00:00</Start><Finish>{day}T17:00:00</Finish></Baseline>\
                 <ExtendedAttribute><FieldID>188743731</FieldID><Value>{}</Value></ExtendedAttribute>",
                p + 1,
                k + 1,
                if k % 3 == 0 { 50 } else { 0 },
                1 + k % 4
            );
            if k > 0 {
                let _ = write!(
                    x,
                    "<PredecessorLink><PredecessorUID>{}</PredecessorUID><Type>1</Type><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink>",
                    uid - 1
                );
                links += 1;
            } else if p > 0 {
                let _ = write!(
                    x,
                    "<PredecessorLink><PredecessorUID>{}</PredecessorUID><Type>1</Type><LinkLag>4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink>",
                    uid - 2
                );
                links += 1;
            }
            if k > 1 && chain + extra < links_wanted && (p * leaves + k) % 4 != 3 {
                extra += 1;
                let _ = write!(
                    x,
                    "<PredecessorLink><PredecessorUID>{}</PredecessorUID><Type>3</Type><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink>",
                    uid - 2
                );
                links += 1;
            }
            x.push_str("</Task>\n");
            tasks += 1;
        }
    }
    x.push_str("</Tasks><Resources><Resource><UID>1</UID><Name>Pailería</Name></Resource></Resources><Assignments>");
    for a in 1..=uid.min(2000) {
        let _ = write!(
            x,
            "<Assignment><UID>{a}</UID><TaskUID>{a}</TaskUID><ResourceUID>1</ResourceUID></Assignment>"
        );
    }
    x.push_str("</Assignments></Project>\n");
    (x, tasks + 1, links)
}

fn main() {
    let phases = knob("PHASES", 50);
    let leaves = knob("LEAVES", 99);
    let runs = knob("RUNS", 5).max(1);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.path().display()));
    let config = common::config(&url, 2, 4, None);
    let pool = open_database(&config).expect("database");
    let mut conn = pool.get().unwrap();
    let now = Utc::now().naive_utc();
    let today = now.date();
    let actor = Actor::console();
    let pte = planning_docs::create(
        &mut conn,
        &PteForm {
            oficio_pte: "PTE-BENCH".into(),
            descripcion_trabajo: "Benchmark".into(),
            id_cliente: "1".into(),
            responsable_proyecto: "1".into(),
        },
        &actor,
        now,
    )
    .unwrap();
    let form = WorkOrderForm {
        id_tipo: "4".into(),
        id_pte: pte.to_string(),
        orden_trabajo: "OT-BENCH".into(),
        oficio_ot: "OF-BENCH".into(),
        descripcion_trabajo: "Benchmark".into(),
        responsable_proyecto: "1".into(),
        responsable_cliente: "Ing. Pérez".into(),
        ..Default::default()
    };
    let catalogs = faena::db::catalogs::Catalogs::load(&mut conn).unwrap();
    let order = work_orders::create(&mut conn, &catalogs, &form, &actor, now)
        .unwrap()
        .id;
    let (xml, tasks, links) = mspdi(phases, leaves, 6000);
    let bytes = xml.into_bytes();
    println!(
        "schedule import: {tasks} tasks, {links} links, file {:.1} MiB, {url}",
        bytes.len() as f64 / 1_048_576.0
    );
    let before = peak_mib();
    let mut times = Vec::new();
    for run in 1..=runs {
        let t = Instant::now();
        let outcome = service::import(&mut conn, order, "bench.xml", &bytes, &actor, now, today)
            .expect("the import succeeds");
        let elapsed = t.elapsed();
        assert_eq!(outcome.tasks, tasks);
        println!(
            "  run {run}: {:.3} s (captures carried over for {} tasks)",
            elapsed.as_secs_f64(),
            outcome.carried
        );
        times.push(elapsed);
    }
    let after_imports = peak_mib();
    // A week of real captures on a third of the leaves, as a PM would have after some weeks.
    let version = repo::active(&mut conn, order).unwrap().unwrap();
    let ids: Vec<i32> = repo::tasks_of(&mut conn, version.id)
        .unwrap()
        .into_iter()
        .filter(|(_, t)| !t.summary)
        .map(|(id, _)| id)
        .step_by(3)
        .collect();
    let captures: Vec<NewCapture> = ids
        .iter()
        .map(|&task_id| NewCapture {
            task_id,
            real_pct: Some(7500),
            client_pct: Some(5000),
            applies_on: today,
            comment: String::new(),
            created_at: now,
            created_by: None,
            username: "bench".into(),
        })
        .collect();
    repo::insert_captures(&mut conn, &captures).unwrap();
    accounts::create_user(
        &mut conn,
        &NewAccount {
            username: "bench",
            display_name: Some("Bench"),
            role: Role::Gestor,
            password: common::PASSWORD,
            must_change_password: false,
        },
        &actor,
        now,
    )
    .unwrap();
    drop(conn);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (tab, curve, size, gantt, svg) = rt.block_on(async move {
        let app = Application::build(config, pool).unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        let client = common::signed_in(&base, "bench").await;
        let mut tab = Vec::new();
        let mut curve = Vec::new();
        let mut gantt = Vec::new();
        let mut size = 0;
        let mut svg = 0;
        for _ in 0..runs.max(5) {
            let t = Instant::now();
            let r = client
                .get(format!("{base}/ot/{order}/programa"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            size = r.bytes().await.unwrap().len();
            tab.push(t.elapsed());
            let t = Instant::now();
            let r = client
                .get(format!("{base}/ot/{order}/programa/curva-s"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.bytes().await.unwrap();
            curve.push(t.elapsed());
            let t = Instant::now();
            let r = client
                .get(format!("{base}/ot/{order}/programa/gantt"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let body = r.text().await.unwrap();
            gantt.push(t.elapsed());
            svg = body
                .find("<svg")
                .zip(body.find("</svg>"))
                .map_or(0, |(a, b)| b + 6 - a);
        }
        (tab, curve, size, gantt, svg)
    });
    println!(
        "import median {:.3} s (targets: SQLite < 1 s, PostgreSQL < 2 s); peak memory {before:.0} MiB before the imports, {after_imports:.0} MiB after (target < 100 MiB)",
        median(times).as_secs_f64()
    );
    println!(
        "Programa tab: median {:.1} ms for {:.1} MiB of HTML (target < 100 ms); S-curve page: median {:.1} ms",
        median(tab).as_secs_f64() * 1000.0,
        size as f64 / 1_048_576.0,
        median(curve).as_secs_f64() * 1000.0
    );
    println!(
        "Gantt page (week scale, every task): median {:.1} ms, SVG {:.1} MiB (target < 150 ms)",
        median(gantt).as_secs_f64() * 1000.0,
        svg as f64 / 1_048_576.0
    );
}
