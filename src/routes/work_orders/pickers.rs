//! The work-order form's type-ahead pickers (issue 12 §8): `GET /ot/opciones/pte?q=` and
//! `GET /ot/opciones/principal?q=` answer the 20 newest matches as JSON, each with the form
//! fields its choice pre-fills. Without JavaScript the form takes the folio typed in the same
//! field (see `services::work_orders::create`), so nothing depends on these.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::form::form_of;
use crate::db::{planning_docs, work_orders};
use crate::domain::codes::kind;
use crate::domain::input::search_text;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::auth::{CurrentUser, SeenVersions};
use crate::web::blocking;

/// Suggestions per answer: the newest matches; typing more narrows them.
const SUGGESTIONS: i64 = 20;
/// Characters of a description shown in a suggestion.
const LABEL_CHARS: usize = 80;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PickerQuery {
    q: String,
}

/// One suggestion: the folio the field takes, what it shows, and what choosing it pre-fills
/// (form field name → value; the script fills only the fields still empty).
#[derive(Debug, Serialize)]
pub struct Choice {
    folio: String,
    label: String,
    fill: BTreeMap<&'static str, String>,
}

fn short(text: &str) -> String {
    super::shorten(text, LABEL_CHARS)
}

/// `GET /ot/opciones/pte?q=`: PTEs a new initial OT can come from, by folio or description.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::pickers::ptes")
)]
pub async fn ptes(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PickerQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let q = search_text(&query.q).unwrap_or_default();
    let found = blocking(&state, move |c| {
        planning_docs::search_available(c, &q, SUGGESTIONS)
    })
    .await??;
    let choices: Vec<Choice> = found
        .into_iter()
        .map(|p| {
            let id = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
            Choice {
                label: short(&p.description),
                fill: BTreeMap::from([
                    ("descripcion_trabajo", p.description.clone()),
                    ("id_cliente", id(p.client_id)),
                    ("responsable_proyecto", id(p.project_manager_id)),
                ]),
                folio: p.folio,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(choices))
}

/// `GET /ot/opciones/principal?q=`: initial orders a reprogramming can follow, found like the
/// list's search (folio, oficio, PTE, description, names), pre-filling what "Reprogramar" does.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::pickers::parents")
)]
pub async fn parents(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PickerQuery>,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let mut filter = work_orders::ListFilter {
        kind: Some(kind::INITIAL),
        text: search_text(&query.q),
        limit: SUGGESTIONS,
        ..work_orders::ListFilter::default()
    };
    let caches = state.caches.clone();
    let found = blocking(&state, move |c| -> diesel::QueryResult<_> {
        let catalogs = caches.catalogs.get_seen(c, seen.snapshot())?;
        filter.match_names(&catalogs);
        let ids = work_orders::page_ids(c, &filter)?;
        work_orders::rows_by_ids(c, &ids)
    })
    .await??;
    let choices: Vec<Choice> = found
        .into_iter()
        .map(|l| {
            let f = form_of(&l.order);
            Choice {
                folio: l.order.folio.clone(),
                label: short(&format!("{} · {}", l.order.oficio, l.order.description)),
                fill: BTreeMap::from([
                    ("oficio_ot", f.oficio_ot),
                    ("descripcion_trabajo", f.descripcion_trabajo),
                    ("responsable_proyecto", f.responsable_proyecto),
                    ("responsable_cliente", f.responsable_cliente),
                    ("id_cliente", f.id_cliente),
                    ("monto_mxn", f.monto_mxn),
                    ("monto_usd", f.monto_usd),
                    ("id_frente", f.id_frente),
                    ("id_embarcacion", f.id_embarcacion),
                    ("id_plataforma", f.id_plataforma),
                    ("id_intercom", f.id_intercom),
                    ("id_patio", f.id_patio),
                    ("check_fase_patio", f.check_fase_patio),
                    ("id_patio_fase", f.id_patio_fase),
                ]),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(choices))
}
