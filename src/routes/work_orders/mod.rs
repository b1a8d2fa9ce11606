//! Work orders in the browser: list (W12), create and edit (W1–W6), detail and print (W13),
//! delete and restore (W7).

pub mod annex;
pub mod bulk_status;
pub mod delete;
pub mod detail;
pub mod export;
pub mod form;
pub mod gantt;
pub mod list;
pub mod pickers;
pub mod print;
pub mod schedule;
pub mod tracking;

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::work_orders::WorkOrder;
use crate::domain::codes::{Front, SiteField};
use crate::domain::progress::{Progress, StepCounts, halted, overdue_days, status_tone};

/// A text on one line, cut to `max` characters with an ellipsis (list cells, picker labels).
pub fn shorten(text: &str, max: usize) -> String {
    // One pass that stops at the first word past `max` (a list page shortens 25 descriptions,
    // some of them pages long).
    let mut out = String::with_capacity(text.len().min(4 * max + 4));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
        if chars > max {
            break;
        }
    }
    if chars <= max {
        return out;
    }
    let cut = out
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(out.len(), |(i, _)| i);
    out.truncate(cut);
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

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

/// Most rows one selection may hold (a printout of one order per sheet).
pub const MAX_SELECTED: usize = 100;

/// Narrows a print or an export to the rows ticked in the list (`seleccion=1&ids=3&ids=7…`,
/// whatever their kind). A selection with no row ticked is refused rather than taken for the
/// whole list.
pub fn apply_selection(
    request: &actix_web::HttpRequest,
    filter: &mut crate::db::work_orders::ListFilter,
) -> Result<(), crate::error::AppError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(request.query_string().as_bytes())
            .into_owned()
            .collect();
    let ids: Vec<i32> = pairs
        .iter()
        .filter(|(key, _)| key == "ids")
        .filter_map(|(_, value)| value.trim().parse().ok())
        .filter(|id: &i32| *id > 0)
        .take(MAX_SELECTED)
        .collect();
    let is_selection = pairs.iter().any(|(k, v)| k == "seleccion" && v == "1");
    if ids.is_empty() {
        return if is_selection {
            Err(crate::error::AppError::Invalid(
                "Marque al menos una orden en la lista.".to_owned(),
            ))
        } else {
            Ok(())
        };
    }
    filter.kind = None;
    filter.ids = Some(ids);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn shorten_puts_the_text_on_one_line_and_cuts_it_at_max_characters() {
        assert_eq!(
            shorten("  Reparación\n de\tducto  ", 40),
            "Reparación de ducto"
        );
        assert_eq!(shorten("", 10), "");
        // Exactly `max` characters stay whole; one more is cut to max - 1 and an ellipsis.
        assert_eq!(shorten("ñandú ñandú", 11), "ñandú ñandú");
        assert_eq!(shorten("ñandú ñandú!", 11), "ñandú ñand…");
        // A cut that ends on a space drops it before the ellipsis.
        assert_eq!(shorten("abcd efgh", 6), "abcd…");
        assert_eq!(
            shorten(&"palabra ".repeat(1000), 20),
            "palabra palabra pal…"
        );
        assert_eq!(shorten("abc", 0), "…");
    }
}
