//! The double-booking warning (W20) after an OT is saved, on its page and in the JSON API: the
//! same words everywhere. Saving never fails for a conflict (plans change); it warns.

use serde_json::{Value, json};

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::domain::format;
use crate::domain::timeline::Use;
use crate::services::timeline::OrderConflict;

fn site(c: &OrderConflict, catalogs: &Catalogs) -> String {
    let name = catalogs.name(CatalogKind::Site, Some(c.site_id));
    if c.use_ == Use::YardPhase {
        format!("{name} (fase en patio)")
    } else {
        name
    }
}

/// Double bookings named one by one in a warning; the rest are counted. A busy platform can
/// overlap a hundred orders, and a hundred sentences are read by no one: the timeline, linked
/// from the warning, lists them all (and the JSON API's `traslapes` too).
pub const NAMED: usize = 5;

/// "Traslape con OT-2 en BARCO ALFA del 10/03/2026 al 12/03/2026 (3 días)" for the first
/// [`NAMED`] conflicts by date, then "y 4 traslapes más" when there are more.
pub fn sentences(conflicts: &[OrderConflict], catalogs: &Catalogs) -> Vec<String> {
    let mut out: Vec<String> = conflicts
        .iter()
        .take(NAMED)
        .map(|c| {
            format!(
                "Traslape con {} en {} del {} al {} ({} {})",
                c.other_folio,
                site(c, catalogs),
                format::date(Some(c.from)),
                format::date(Some(c.to)),
                c.days,
                if c.days == 1 { "día" } else { "días" }
            )
        })
        .collect();
    match conflicts.len().saturating_sub(NAMED) {
        0 => {}
        1 => out.push("y 1 traslape más".to_owned()),
        rest => out.push(format!("y {rest} traslapes más")),
    }
    out
}

/// The fleet and yard timeline over the days the conflicts cover (`/programa` when none).
pub fn timeline_link(conflicts: &[OrderConflict]) -> String {
    let from = conflicts.iter().map(|c| c.from).min();
    let to = conflicts.iter().map(|c| c.to).max();
    match (from, to) {
        (Some(from), Some(to)) => format!(
            "/programa?desde={}&hasta={}",
            format::date_iso(Some(from)),
            format::date_iso(Some(to))
        ),
        _ => "/programa".to_owned(),
    }
}

/// The warning after a save, or `None` without conflicts.
pub fn warning(conflicts: &[OrderConflict], catalogs: &Catalogs) -> Option<String> {
    if conflicts.is_empty() {
        return None;
    }
    Some(format!(
        "Atención: {}. Se guardó de todos modos; revise las fechas o el sitio.",
        sentences(conflicts, catalogs).join("; ")
    ))
}

/// `traslapes` of the JSON API.
pub fn json_list(conflicts: &[OrderConflict], catalogs: &Catalogs) -> Value {
    conflicts
        .iter()
        .map(|c| {
            json!({
                "ot": c.other_folio,
                "id": c.other_id,
                "sitio": site(c, catalogs),
                "desde": format::date(Some(c.from)),
                "hasta": format::date(Some(c.to)),
                "dias": c.days,
            })
        })
        .collect()
}
