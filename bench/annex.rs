//! Benchmark of the Anexo C import (W14): a workbook of 5,000 rows × 60 daily columns, generated
//! here, imported into one OT through the same service the upload uses (file checks, parsing,
//! validation against 5,000 concepts, one transaction). Prints the median time of RUNS imports
//! and the process's peak memory before and after.
//!
//!   cargo bench --bench annex                          # SQLite in a temp folder
//!   DATABASE_URL=postgres://… cargo bench --bench annex  # an empty PostgreSQL database
//! Knobs: ROWS (5000), DAYS (60), RUNS (5).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common.rs"]
mod common;

use common::{knob, peak_mib};

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use faena::db::annexes::{NewConcept, insert_concepts};
use faena::domain::planning_doc::PteForm;
use faena::domain::work_order::WorkOrderForm;
use faena::services::Actor;
use faena::services::annexes::{self, ImportMode};
use faena::services::planning_docs;
use faena::services::work_orders;
use faena::startup::open_database;
use rust_xlsxwriter::{Format, Workbook};

fn workbook(rows: usize, days: usize) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("ANEXO C").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let head = [
        "ANEXO",
        "PARTIDA",
        "CONCEPTO",
        "UNIDAD",
        "VOLUMEN PTE",
        "P.U. M.N.",
        "P.U. USD",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for d in 0..days {
        let day = start + chrono::Duration::days(d as i64);
        ws.write_datetime_with_format(0, (head.len() + d) as u16, day, &date)
            .unwrap();
    }
    for r in 0..rows {
        let row = (r + 1) as u32;
        ws.write_string(row, 0, "C-2").unwrap();
        ws.write_string(row, 1, format!("P-{r:05}")).unwrap();
        ws.write_string(row, 2, format!("CONCEPTO DE PRUEBA NÚMERO {r}"))
            .unwrap();
        ws.write_string(row, 3, "M2").unwrap();
        ws.write_number(row, 4, 10.0 + r as f64 / 7.0).unwrap();
        ws.write_number(row, 5, 123.4567).unwrap();
        ws.write_number(row, 6, 1.25).unwrap();
        for d in 0..days {
            ws.write_number(row, (head.len() + d) as u16, 0.5).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn main() {
    let rows = knob("ROWS", 5000);
    let days = knob("DAYS", 60);
    let runs = knob("RUNS", 5).max(1);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.path().display()));
    let config = common::config(&url, 1, 2, None);
    let pool = open_database(&config).expect("database");
    let mut conn = pool.get().unwrap();
    let now = Utc::now().naive_utc();
    let actor = Actor::console();
    let concepts: Vec<NewConcept> = (0..rows)
        .map(|r| NewConcept {
            code: format!("P-{r:05}"),
            description: format!("CONCEPTO DE PRUEBA NÚMERO {r}"),
            unit_id: 3,
            price_mxn: 0,
            price_usd: 0,
            annex: "C-2".into(),
            active: true,
        })
        .collect();
    insert_concepts(&mut conn, &concepts).unwrap();
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
    let bytes = workbook(rows, days);
    let before = peak_mib();
    println!(
        "annex import: {rows} rows × {days} days, file {:.1} MiB, {url}",
        bytes.len() as f64 / 1_048_576.0
    );
    let mut times = Vec::new();
    for run in 1..=runs {
        let t = Instant::now();
        let outcome = annexes::import(
            &mut conn,
            order,
            "bench.xlsx",
            &bytes,
            ImportMode::New,
            &actor,
            now,
        )
        .expect("the import succeeds");
        let elapsed = t.elapsed();
        assert_eq!(outcome.rows, rows);
        println!("  run {run}: {:.3} s", elapsed.as_secs_f64());
        times.push(elapsed);
    }
    times.sort();
    // The OT page's Anexo C section for that import (first page of items, totals, months).
    let mut loads = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let rate = faena::db::annexes::current_rate(&mut conn).unwrap();
        let view = faena::routes::work_orders::annex::load_view(&mut conn, order, 1, rate).unwrap();
        loads.push(t.elapsed());
        assert!(view.active.is_some());
    }
    loads.sort();
    println!(
        "detail section load: median {:.1} ms",
        loads[loads.len() / 2].as_secs_f64() * 1000.0
    );
    println!(
        "median {:.3} s (target < 2 s); peak memory {before:.0} MiB before the imports, {:.0} MiB after",
        times[times.len() / 2].as_secs_f64(),
        peak_mib()
    );
}
