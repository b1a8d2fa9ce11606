//! Work orders in the browser: list (W12), create and edit (W1–W6), detail and print (W13),
//! delete and restore (W7).

pub mod annex;
pub mod delete;
pub mod detail;
pub mod export;
pub mod form;
pub mod list;
pub mod print;
pub mod tracking;

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::work_orders::WorkOrder;
use crate::domain::codes::{Front, SiteField};
use crate::domain::progress::{Progress, StepCounts, halted, overdue_days, status_tone};

/// Progress as the pages show it (W10).
#[derive(Debug, Clone)]
pub struct ProgressView {
    pub percent: i32,
    pub colour: &'static str,
    pub elapsed: i64,
    pub total_days: i64,
    pub completed: i64,
    pub applicable: i64,
    pub steps_total: i64,
    pub step_percent: i32,
    pub time_percent: i32,
    /// Days past the planned end of an open order ("Vencida · N días").
    pub overdue: Option<i64>,
    /// The status pill's colour.
    pub tone: &'static str,
}

impl ProgressView {
    pub fn of(order: &WorkOrder, counts: StepCounts, today: chrono::NaiveDate) -> ProgressView {
        let p = Progress::compute(
            order.planned_start,
            order.planned_end,
            order.real_start,
            counts,
            today,
        );
        ProgressView {
            percent: p.combined,
            // A cancelled, suspended or deferred order is not progressing: grey, same number.
            colour: if halted(order.status_id) {
                "halted"
            } else {
                p.colour()
            },
            elapsed: p.time.elapsed_days,
            total_days: p.time.total_days,
            completed: counts.completed,
            applicable: counts.applicable,
            steps_total: counts.total,
            step_percent: p.step_percent,
            time_percent: p.time.percent,
            overdue: overdue_days(order.planned_end, order.status_id, today),
            tone: status_tone(order.status_id),
        }
    }
}

/// "BARCO · Emb. Isla del Carmen": the front and its main site.
pub fn front_and_site(catalogs: &Catalogs, o: &WorkOrder) -> String {
    let front_name = catalogs.name(CatalogKind::Front, o.front_id);
    let main_site = match o.front_id.and_then(Front::from_id).map(Front::main_site) {
        Some(SiteField::LandYard | SiteField::YardPhase) => o.yard_site_id,
        Some(SiteField::Vessel) => o.vessel_site_id,
        Some(SiteField::Platform) => o.platform_site_id,
        Some(SiteField::Intercom) => o.intercom_site_id,
        None => None,
    };
    let site = catalogs.name(CatalogKind::Site, main_site);
    match (front_name.is_empty(), site.is_empty()) {
        (true, _) => String::new(),
        (false, true) => front_name,
        (false, false) => format!("{front_name} · {site}"),
    }
}
