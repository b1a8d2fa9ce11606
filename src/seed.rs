//! `faena seed-demo --ots N`: fills a database with realistic demo orders, fast (batch inserts in
//! one transaction per chunk), for trying the app and for the benchmarks in `bench/`.
//!
//! Two thirds of the orders are initial OTs, each from its own PTE; every second initial OT gets
//! one reprogramming. Each order has 6 to 10 steps with mixed statuses and dates.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::schema::{planning_docs, steps, work_orders};
use crate::db::{DbConn, write_transaction};
use crate::domain::codes::{Front, SiteField, kind, ot_status, record_state, step_status};
use crate::domain::work_order::list_year;
use crate::domain::work_order::{SearchParts, searchable_text};

#[derive(Insertable)]
#[diesel(table_name = planning_docs)]
struct SeedPte {
    id: i32,
    folio: String,
    request_letter: String,
    description: String,
    client_id: Option<i32>,
    project_manager_id: Option<i32>,
    status: i32,
    record_state: i32,
    comment: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = work_orders)]
struct SeedOrder {
    id: i32,
    kind_id: i32,
    planning_doc_id: Option<i32>,
    folio: String,
    oficio: String,
    description: String,
    project_manager_id: i32,
    client_representative: String,
    client_id: Option<i32>,
    status_id: i32,
    record_state: i32,
    parent_id: Option<i32>,
    revision: Option<i32>,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    real_start: Option<NaiveDate>,
    real_end: Option<NaiveDate>,
    duration_days: Option<i32>,
    amount_mxn: i64,
    amount_usd: i64,
    front_id: Option<i32>,
    vessel_site_id: Option<i32>,
    platform_site_id: Option<i32>,
    intercom_site_id: Option<i32>,
    yard_site_id: Option<i32>,
    requires_yard: bool,
    yard_start: Option<NaiveDate>,
    yard_end: Option<NaiveDate>,
    comment: String,
    list_year: Option<i32>,
    search_text: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = steps)]
struct SeedStep {
    work_order_id: i32,
    template_id: i32,
    /// W3: the template's text and position, frozen as real steps are.
    description: String,
    position: i32,
    status_id: i32,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    delivery_date: Option<NaiveDate>,
    comment: String,
    updated_at: NaiveDateTime,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    pub initial: usize,
    pub reprogrammings: usize,
    pub steps: usize,
}

const WORKS: [&str; 8] = [
    "Mantenimiento integral a líneas de descarga",
    "Rehabilitación de ductos de proceso",
    "Sustitución de válvulas de seguridad",
    "Inspección y pintura anticorrosiva de estructura",
    "Instalación de sistema contra incendio",
    "Reparación de módulo habitacional",
    "Tendido de cableado de instrumentación",
    "Montaje de patín de medición",
];
const REPRESENTATIVES: [&str; 5] = [
    "Ing. Roberto Pérez Salas",
    "Ing. Laura Méndez Ortiz",
    "Ing. Carlos Domínguez",
    "Ing. Patricia Ríos",
    "Ing. Héctor Villanueva",
];
/// Site ids of the seeded catalog, by category.
const YARDS: [i32; 3] = [1, 2, 3];
const INTERCOMS: [i32; 2] = [4, 5];
const VESSELS: [i32; 3] = [6, 7, 8];
const PLATFORMS: [i32; 4] = [9, 10, 11, 12];
/// Active and inactive templates alike: seeded orders show steps frozen from older templates.
const TEMPLATES: std::ops::RangeInclusive<i32> = 1..=18;
const CHUNK: usize = 400;

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn next_id(conn: &mut DbConn, table: &str) -> QueryResult<i32> {
    #[derive(QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        n: i32,
    }
    let row: Max = diesel::sql_query(format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS INTEGER) AS n FROM {table}"
    ))
    .get_result(conn)?;
    Ok(row.n + 1)
}

fn insert_chunk(
    conn: &mut DbConn,
    ptes: &[SeedPte],
    orders: &[SeedOrder],
    steps_rows: &[SeedStep],
) -> QueryResult<()> {
    // Multi-row inserts do not compile through MultiConnection: run them on the inner connection.
    macro_rules! run {
        ($c:expr) => {{
            if !ptes.is_empty() {
                diesel::insert_into(planning_docs::table)
                    .values(ptes)
                    .execute($c)?;
            }
            if !orders.is_empty() {
                diesel::insert_into(work_orders::table)
                    .values(orders)
                    .execute($c)?;
            }
            for part in steps_rows.chunks(2000) {
                diesel::insert_into(steps::table).values(part).execute($c)?;
            }
        }};
    }
    match conn {
        DbConn::Sqlite(c) => run!(c),
        DbConn::Pg(c) => run!(c),
    }
    crate::db::work_orders::touch_list(conn)
}

/// Writes `total` demo orders (initial and reprogrammings) after whatever the database holds.
pub fn seed_demo(conn: &mut DbConn, total: usize, now: NaiveDateTime) -> QueryResult<Seeded> {
    let mut rng = StdRng::seed_from_u64(20_261_128);
    let initial = total - total / 3;
    let reprogrammings = total - initial;
    let first_pte = next_id(conn, "planning_docs")?;
    let first_order = next_id(conn, "work_orders")?;
    let base = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    let templates: Templates = crate::db::templates::all(conn)?
        .into_iter()
        .map(|t| (t.id, (t.description, t.sort_order)))
        .collect();
    let mut seeded = Seeded::default();

    // Ids in creation order: each chunk's initial orders, then their reprogrammings (a
    // reprogramming comes after its parent, among later initial orders, as in real use).
    let mut next_order = first_order;
    let mut n = 0usize;
    while n < initial {
        let end = (n + CHUNK).min(initial);
        let (mut ptes, mut orders, mut steps_rows) = (Vec::new(), Vec::new(), Vec::new());
        for i in n..end {
            let pte_id = first_pte + i32::try_from(i).unwrap_or(i32::MAX);
            let id = next_order + i32::try_from(i - n).unwrap_or(i32::MAX);
            let order = make_order(
                &mut rng,
                base,
                now,
                id,
                i,
                kind::INITIAL,
                Some(pte_id),
                None,
                None,
            );
            ptes.push(SeedPte {
                id: pte_id,
                folio: format!("PTE-{pte_id:06}"),
                request_letter: String::new(),
                description: order.description.clone(),
                client_id: order.client_id,
                project_manager_id: Some(order.project_manager_id),
                status: 3,
                record_state: record_state::ACTIVE,
                comment: String::new(),
                created_at: now,
                updated_at: now,
            });
            let mut order = order;
            order.search_text = searchable_text(SearchParts {
                folio: &order.folio,
                oficio: &order.oficio,
                pte_folio: &format!("PTE-{pte_id:06}"),
                description: &order.description,
                client_representative: &order.client_representative,
            });
            make_steps(&mut rng, &order, &templates, now, &mut steps_rows);
            orders.push(order);
        }
        // Every second initial order of this chunk gets one reprogramming.
        let mut children = Vec::new();
        for parent in orders.iter().filter(|o| o.id % 2 == 0) {
            if seeded.reprogrammings + children.len() >= reprogrammings {
                break;
            }
            children.push(parent.id);
        }
        let first_child = next_order + i32::try_from(end - n).unwrap_or(i32::MAX);
        let mut child_rows = Vec::new();
        for (k, parent_id) in children.iter().enumerate() {
            let Some(parent) = orders.iter().find(|o| o.id == *parent_id) else {
                continue;
            };
            let id = first_child + i32::try_from(k).unwrap_or(i32::MAX);
            let mut child = make_order(
                &mut rng,
                base,
                now,
                id,
                k,
                kind::REPROGRAMMING,
                parent.planning_doc_id,
                Some(parent.id),
                Some(1),
            );
            child.folio = parent.folio.clone();
            child.client_id = parent.client_id;
            start_after(&mut child, parent.planned_end);
            child.search_text = searchable_text(SearchParts {
                folio: &child.folio,
                oficio: &child.oficio,
                pte_folio: &format!("PTE-{:06}", parent.planning_doc_id.unwrap_or_default()),
                description: &child.description,
                client_representative: &child.client_representative,
            });
            make_steps(&mut rng, &child, &templates, now, &mut steps_rows);
            child_rows.push(child);
        }
        next_order = first_child + i32::try_from(child_rows.len()).unwrap_or(i32::MAX);
        seeded.initial += orders.len();
        seeded.reprogrammings += child_rows.len();
        seeded.steps += steps_rows.len();
        orders.extend(child_rows);
        write_transaction(conn, |c| insert_chunk(c, &ptes, &orders, &steps_rows))?;
        n = end;
    }
    // New rows after these must get fresh ids, and the planner needs fresh statistics.
    if let DbConn::Pg(c) = conn {
        use diesel::connection::SimpleConnection;
        c.batch_execute(
            "SELECT setval(pg_get_serial_sequence('work_orders', 'id'), (SELECT MAX(id) FROM work_orders)); \
             SELECT setval(pg_get_serial_sequence('planning_docs', 'id'), (SELECT MAX(id) FROM planning_docs)); \
             SELECT setval(pg_get_serial_sequence('steps', 'id'), (SELECT MAX(id) FROM steps));",
        )?;
        // VACUUM sets the visibility map, so counts are index-only scans from the first request
        // (autovacuum would get there later). It must run alone, outside any transaction.
        c.batch_execute("VACUUM ANALYZE work_orders")?;
        c.batch_execute("VACUUM ANALYZE steps")?;
        c.batch_execute("VACUUM ANALYZE planning_docs")?;
    } else if let DbConn::Sqlite(c) = conn {
        use diesel::connection::SimpleConnection;
        c.batch_execute("ANALYZE;")?;
    }
    Ok(seeded)
}

#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a distinct input of the use case; a struct would only rename them"
)]
fn make_order(
    rng: &mut StdRng,
    base: NaiveDate,
    now: NaiveDateTime,
    id: i32,
    index: usize,
    kind_id: i32,
    pte: Option<i32>,
    parent: Option<i32>,
    revision: Option<i32>,
) -> SeedOrder {
    let start = base + Duration::days(rng.random_range(0..1700));
    let days: i32 = rng.random_range(15..240);
    let end = start + Duration::days(i64::from(days) - 1);
    let started = rng.random_bool(0.7);
    let real_start = started.then(|| start + Duration::days(rng.random_range(0..10)));
    let finished = started && rng.random_bool(0.35);
    let status = if finished {
        ot_status::FINISHED
    } else {
        pick(rng, &ot_status::ALL)
    };
    let front = pick(rng, &Front::ALL);
    let (mut vessel, mut platform, mut intercom, mut yard, mut requires_yard) =
        (None, None, None, None, false);
    // How often demo orders fill each field; only the front's own fields (W6) are filled.
    for field in front.site_fields() {
        match (front, field) {
            (_, SiteField::LandYard) => yard = Some(pick(rng, &YARDS)),
            (Front::Land, SiteField::Intercom) => {
                intercom = rng.random_bool(0.3).then(|| pick(rng, &INTERCOMS));
            }
            (_, SiteField::Vessel) => vessel = Some(pick(rng, &VESSELS)),
            (Front::Vessel | Front::Platform, SiteField::Platform) => {
                platform = Some(pick(rng, &PLATFORMS));
            }
            (_, SiteField::YardPhase) => {
                requires_yard = rng.random_bool(if front == Front::Vessel { 0.4 } else { 0.3 });
                if requires_yard {
                    yard = Some(pick(rng, &YARDS));
                }
            }
            _ => {}
        }
    }
    let front_id = front.id();
    let year = chrono::Datelike::year(&start);
    let oficio = if rng.random_bool(0.8) {
        format!("PEP-SPR-{:05}-{year}", rng.random_range(1..99_999))
    } else if status == ot_status::FINISHED {
        // A finished order was delivered against a real letter.
        format!("PEP-SPR-{:05}-{year}", id % 99_999)
    } else {
        "PENDIENTE".to_owned()
    };
    let client = pick(rng, &[1, 1, 1, 2, 3, 4, 5]);
    SeedOrder {
        id,
        kind_id,
        planning_doc_id: pte,
        folio: format!("OT-{year}-{id:06}"),
        list_year: list_year(&oficio, Some(start)),
        oficio,
        description: format!("{} (frente {})", pick(rng, &WORKS), index % 97),
        project_manager_id: rng.random_range(1..=3),
        client_representative: pick(rng, &REPRESENTATIVES).to_owned(),
        client_id: Some(client),
        status_id: status,
        record_state: if rng.random_bool(0.05) {
            record_state::TO_DEFINE
        } else {
            record_state::ACTIVE
        },
        parent_id: parent,
        revision,
        planned_start: Some(start),
        planned_end: Some(end),
        real_start,
        real_end: finished.then_some(end),
        duration_days: Some(days),
        amount_mxn: rng.random_range(5_000_000..9_000_000_000),
        amount_usd: if rng.random_bool(0.4) {
            rng.random_range(1_000_000..500_000_000)
        } else {
            0
        },
        front_id: Some(front_id),
        vessel_site_id: vessel,
        platform_site_id: platform,
        intercom_site_id: intercom,
        yard_site_id: yard,
        requires_yard,
        yard_start: requires_yard.then(|| start - Duration::days(20)),
        yard_end: requires_yard.then(|| start - Duration::days(1)),
        comment: String::new(),
        search_text: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// Template id → (text, position).
type Templates = std::collections::HashMap<i32, (String, i32)>;

/// A reprogramming replans what is left: it starts after its parent's planned end (its dates
/// move together, its duration stays).
fn start_after(child: &mut SeedOrder, parent_end: Option<NaiveDate>) {
    let (Some(parent_end), Some(start)) = (parent_end, child.planned_start) else {
        return;
    };
    if start > parent_end {
        return;
    }
    let shift = (parent_end - start) + Duration::days(1 + i64::from(child.id % 15));
    let moved = |d: Option<NaiveDate>| d.map(|d| d + shift);
    child.planned_start = moved(child.planned_start);
    child.planned_end = moved(child.planned_end);
    child.real_start = moved(child.real_start);
    child.real_end = moved(child.real_end);
    child.yard_start = moved(child.yard_start);
    child.yard_end = moved(child.yard_end);
    child.list_year = list_year(&child.oficio, child.planned_start);
}

fn make_steps(
    rng: &mut StdRng,
    order: &SeedOrder,
    templates: &Templates,
    now: NaiveDateTime,
    out: &mut Vec<SeedStep>,
) {
    let count: usize = rng.random_range(6..=10);
    let first = rng.random_range(*TEMPLATES.start()..=*TEMPLATES.end() - 9);
    let start = order.planned_start.unwrap_or_default();
    for k in 0..count {
        let template_id = first + i32::try_from(k).unwrap_or(0);
        let status = pick(
            rng,
            &[
                step_status::COMPLETED,
                step_status::COMPLETED,
                step_status::IN_PROCESS,
                step_status::PENDING,
                step_status::PENDING,
                step_status::NOT_APPLICABLE,
                step_status::CANCELLED,
            ],
        );
        let day = start + Duration::days(i64::try_from(k * 7).unwrap_or(0));
        let dated = status != step_status::PENDING && status != step_status::NOT_APPLICABLE;
        let (description, position) = templates
            .get(&template_id)
            .cloned()
            .unwrap_or_else(|| (format!("Paso {}", k + 1), i32::try_from(k + 1).unwrap_or(0)));
        out.push(SeedStep {
            work_order_id: order.id,
            template_id,
            description,
            position,
            status_id: status,
            start_date: dated.then_some(day),
            end_date: dated.then(|| day + Duration::days(6)),
            delivery_date: (status == step_status::COMPLETED).then(|| day + Duration::days(6)),
            comment: String::new(),
            updated_at: now,
        });
    }
}
