//! The double-booking warning (W20) after an OT is saved, on its page and in the JSON API: the
//! same words everywhere. Saving never fails for a conflict (plans change); it warns.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::db::DbConn;
use crate::db::caches::Caches;
use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::domain::format;
use crate::domain::timeline::Use;
use crate::services::timeline::{OrderConflict, conflicts_for};

/// An order's current conflicts and the catalogs that name their sites.
pub fn load(
    c: &mut DbConn,
    caches: &Caches,
    order: i32,
) -> diesel::QueryResult<(Vec<OrderConflict>, Arc<Catalogs>)> {
    Ok((conflicts_for(c, order)?, caches.catalogs.get(c)?))
}

fn site(c: &OrderConflict, catalogs: &Catalogs) -> String {
    let name = catalogs.name(CatalogKind::Site, Some(c.site_id));
    if c.use_ == Use::YardPhase {
        format!("{name} (fase en patio)")
    } else {
        name
    }
}

/// "Traslape con OT-2 en BARCO ALFA del 10/03/2026 al 12/03/2026 (3 días)", one per conflict.
pub fn sentences(conflicts: &[OrderConflict], catalogs: &Catalogs) -> Vec<String> {
    conflicts
        .iter()
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
        .collect()
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
