//! Create and edit (W1–W6): one form template for both, shared field names with the JSON API.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::db::catalogs::{CatalogKind, Catalogs, Entry};
use crate::db::work_orders::{self, WorkOrder};
use crate::db::{DbConn, planning_docs};
use crate::domain::codes::{Front, SiteField, WorkOrderKind, kind, site_category};
use crate::domain::format;
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::domain::work_order::{EDITABLE_FIELDS, WorkOrderForm, merge_after_conflict};
use crate::error::AppError;
use crate::services;
use crate::services::Actor;
use crate::web::AppState;
use crate::web::auth::{CurrentUser, SeenVersions};
use crate::web::blocking;
use crate::web::conflicts;
use crate::web::options::SelectOption;
use crate::web::page::flash_warn;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::{Refused, refused, see_other};

fn site_opts(catalogs: &Catalogs, category: i32, keep: &[&str]) -> Vec<SelectOption> {
    let of_category: Vec<Entry> = catalogs
        .sites
        .iter()
        .filter(|s| s.group == Some(category))
        .cloned()
        .collect();
    SelectOption::keeping(&of_category, keep)
}

#[derive(Template)]
#[template(path = "work_orders/form.html")]
struct FormPage {
    ctx: PageCtx,
    title: String,
    action: String,
    /// Kind fixed (edit, or a reprogramming started from its parent).
    kind_fixed: bool,
    f: WorkOrderForm,
    errors: FieldErrors,
    conflict: Option<String>,
    /// The fields someone else changed too, after a conflict (W5).
    differences: Vec<Difference>,
    /// The values this form started from (urlencoded), to tell the user's changes from a
    /// colleague's after a conflict (W5). Empty on new orders.
    original: String,
    pte_label: String,
    parent_label: String,
    managers: Vec<SelectOption>,
    clients: Vec<SelectOption>,
    fronts: Vec<SelectOption>,
    vessels: Vec<SelectOption>,
    platforms: Vec<SelectOption>,
    intercoms: Vec<SelectOption>,
    yards: Vec<SelectOption>,
    /// What the pickers show: the folio typed, else the folio of the chosen PTE or parent.
    pte_folio: String,
    parent_folio: String,
    cancel: String,
}

/// One line of the error summary: the field's label, its message and the input it links to.
pub struct ErrorLink {
    pub field: &'static str,
    pub label: &'static str,
    pub message: String,
}

impl FormPage {
    /// The error summary above the form, in form order, each line linking to its field.
    fn error_links(&self) -> Vec<ErrorLink> {
        let fixed: &[(&'static str, &'static str)] = &[
            ("id_tipo", "Tipo"),
            ("id_pte", "PTE de origen"),
            ("ot_principal", "OT principal"),
        ];
        fixed
            .iter()
            .chain(EDITABLE_FIELDS.iter())
            .chain([("version", "Versión")].iter())
            .filter_map(|(field, label)| {
                self.errors.get(field).map(|message| ErrorLink {
                    field,
                    label,
                    message: message.clone(),
                })
            })
            .collect()
    }

    /// W6: the fronts a site field applies to, as its `data-fronts` attribute, from the one
    /// table in `domain::codes::Front`.
    fn fronts_of(&self, field: &str) -> String {
        SiteField::ALL
            .iter()
            .find(|f| f.name() == field)
            .map(|f| f.fronts_attr())
            .unwrap_or_default()
    }

    /// The posted kind is a reprogramming (an unknown one shows as initial).
    fn is_reprogramming(&self) -> bool {
        self.f.kind() == Some(WorkOrderKind::Reprogramming)
    }

    /// The codes the form's `data-kinds` and kind `<select>` use.
    fn kind_code(&self, reprogramming: bool) -> i32 {
        if reprogramming {
            WorkOrderKind::Reprogramming.id()
        } else {
            WorkOrderKind::Initial.id()
        }
    }
}

struct Choices {
    catalogs: Arc<Catalogs>,
    pte_label: String,
    parent_label: String,
    parent_folio: String,
}

fn load_choices(
    c: &mut DbConn,
    catalogs: Arc<Catalogs>,
    f: &WorkOrderForm,
) -> Result<Choices, diesel::result::Error> {
    let mut pte_label = String::new();
    if let Ok(id) = f.id_pte.trim().parse::<i32>()
        && let Some(p) = planning_docs::find_visible(c, id)?
    {
        pte_label = p.folio;
    }
    let mut parent_label = String::new();
    let mut parent_folio = String::new();
    if let Ok(id) = f.ot_principal.trim().parse::<i32>()
        && let Some(p) = work_orders::find(c, id)?
    {
        parent_label = format!("{} — {}", p.folio, p.oficio);
        parent_folio = p.folio;
    }
    Ok(Choices {
        catalogs,
        pte_label,
        parent_label,
        parent_folio,
    })
}

/// A field both people changed (W5): "actual: X · suyo: Y".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub label: &'static str,
    pub current: String,
    pub mine: String,
}

/// What the form shows besides its choices and the input.
#[derive(Debug, Default)]
struct Shown {
    errors: FieldErrors,
    /// Someone saved first (W5), or a concurrent create took the folio: above the form.
    conflict: Option<String>,
    differences: Vec<Difference>,
    original: String,
    /// The order being edited; `None` for a new one.
    editing: Option<i32>,
    /// Kind fixed (edit, or a reprogramming started from its parent).
    kind_fixed: bool,
}

impl Shown {
    /// The form again after a refusal: fields marked, or the conflict above it (W1, W5).
    fn refused(refusal: Refused, editing: Option<i32>, kind_fixed: bool) -> (StatusCode, Shown) {
        let (status, errors, conflict) = match refusal {
            Refused::Fields { status, errors } => (status, errors, None),
            Refused::Conflict(msg) => (StatusCode::CONFLICT, FieldErrors::default(), Some(msg)),
        };
        let shown = Shown {
            errors,
            conflict,
            editing,
            kind_fixed,
            ..Shown::default()
        };
        (status, shown)
    }
}

fn page(ctx: PageCtx, choices: Choices, f: WorkOrderForm, shown: Shown) -> FormPage {
    let Shown {
        errors,
        conflict,
        differences,
        original,
        editing,
        kind_fixed,
    } = shown;
    let c = &choices.catalogs;
    let (title, action, cancel) = match editing {
        Some(id) => (
            format!("Editar OT {}", f.orden_trabajo),
            format!("/ot/{id}"),
            format!("/ot/{id}"),
        ),
        None if f.kind() == Some(WorkOrderKind::Reprogramming) => (
            "Nueva reprogramación".to_owned(),
            "/ot".to_owned(),
            "/ot".to_owned(),
        ),
        None => (
            "Nueva orden de trabajo".to_owned(),
            "/ot".to_owned(),
            "/ot".to_owned(),
        ),
    };
    FormPage {
        ctx,
        title,
        action,
        kind_fixed,
        managers: SelectOption::keeping(&c.project_managers, &[f.responsable_proyecto.trim()]),
        clients: SelectOption::keeping(&c.clients, &[f.id_cliente.trim()]),
        fronts: Front::ALL
            .into_iter()
            .map(|front| {
                SelectOption::new(front.id(), c.name(CatalogKind::Front, Some(front.id())))
            })
            .collect(),
        vessels: site_opts(c, site_category::VESSEL, &[f.id_embarcacion.trim()]),
        platforms: site_opts(c, site_category::PLATFORM, &[f.id_plataforma.trim()]),
        intercoms: site_opts(c, site_category::INTERCOM, &[f.id_intercom.trim()]),
        yards: site_opts(
            c,
            site_category::YARD,
            &[f.id_patio.trim(), f.id_patio_fase.trim()],
        ),
        pte_folio: if f.folio_pte.trim().is_empty() {
            choices.pte_label.clone()
        } else {
            f.folio_pte.clone()
        },
        parent_folio: if f.folio_principal.trim().is_empty() {
            choices.parent_folio
        } else {
            f.folio_principal.clone()
        },
        pte_label: choices.pte_label,
        parent_label: choices.parent_label,
        f,
        errors,
        conflict,
        differences,
        original,
        cancel,
    }
}

/// A form as the hidden `original` field carries it.
fn encode(f: &WorkOrderForm) -> String {
    serde_urlencoded::to_string(f).unwrap_or_default()
}

/// A field's value as the person reads it: catalog names, Sí/No, dd/mm/yyyy.
fn readable(catalogs: &Catalogs, field: &str, raw: &str) -> String {
    let raw = raw.trim();
    let id = raw.parse::<i32>().ok();
    let text = match field {
        "responsable_proyecto" => catalogs.name(CatalogKind::ProjectManager, id),
        "id_cliente" => catalogs.name(CatalogKind::Client, id),
        "id_frente" => catalogs.name(CatalogKind::Front, id),
        "id_embarcacion" | "id_plataforma" | "id_intercom" | "id_patio" | "id_patio_fase" => {
            catalogs.name(CatalogKind::Site, id)
        }
        "check_fase_patio" => if raw.is_empty() { "No" } else { "Sí" }.to_owned(),
        f if f.starts_with("fecha_") => format::parse_date(raw)
            .ok()
            .flatten()
            .map_or_else(|| raw.to_owned(), |d| format::date(Some(d))),
        _ => raw.to_owned(),
    };
    if text.is_empty() {
        "(vacío)".to_owned()
    } else {
        text
    }
}

/// The raw form of a stored order (for edit, and to pre-fill a reprogramming).
pub fn form_of(o: &WorkOrder) -> WorkOrderForm {
    let id = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
    // W6: the stored yard is the land yard or the yard phase's, as the front says.
    let land = o
        .front_id
        .and_then(Front::from_id)
        .is_some_and(|f| f.site_fields().contains(&SiteField::LandYard));
    WorkOrderForm {
        orden_trabajo: o.folio.clone(),
        oficio_ot: o.oficio.clone(),
        id_tipo: o.kind_id.to_string(),
        id_pte: id(o.planning_doc_id),
        descripcion_trabajo: o.description.clone(),
        responsable_proyecto: o.project_manager_id.to_string(),
        responsable_cliente: o.client_representative.clone(),
        id_cliente: id(o.client_id),
        id_frente: id(o.front_id),
        id_embarcacion: id(o.vessel_site_id),
        id_plataforma: id(o.platform_site_id),
        id_intercom: id(o.intercom_site_id),
        id_patio: if land {
            id(o.yard_site_id)
        } else {
            String::new()
        },
        check_fase_patio: if o.requires_yard {
            "on".into()
        } else {
            String::new()
        },
        id_patio_fase: if land {
            String::new()
        } else {
            id(o.yard_site_id)
        },
        fecha_inicio_patio: format::date(o.yard_start),
        fecha_fin_patio: format::date(o.yard_end),
        monto_mxn: format::money_grouped(o.amount_mxn),
        monto_usd: format::money_grouped(o.amount_usd),
        fecha_inicio_programado: format::date(o.planned_start),
        fecha_termino_programado: format::date(o.planned_end),
        fecha_inicio_real: format::date(o.real_start),
        fecha_termino_real: format::date(o.real_end),
        plazo_dias: id(o.duration_days),
        comentario: o.comment.clone(),
        ot_principal: id(o.parent_id),
        version: o.version.to_string(),
        folio_pte: String::new(),
        folio_principal: String::new(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    pte: String,
    padre: String,
}

/// `GET /ot/nueva[?pte=ID | ?padre=ID]`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::form::new_form")
)]
pub async fn new_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    query: web::Query<NewQuery>,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let query = query.into_inner();
    let caches = state.caches.clone();
    let (f, choices, kind_fixed) = blocking(&state, move |c| -> Result<_, AppError> {
        let mut f = WorkOrderForm {
            id_tipo: kind::INITIAL.to_string(),
            ..WorkOrderForm::default()
        };
        let mut kind_fixed = false;
        if let Ok(parent_id) = query.padre.trim().parse::<i32>() {
            // W4: pre-fill from the parent; dates stay empty.
            let parent = work_orders::find_visible(c, parent_id)?
                .filter(|p| p.kind_id == kind::INITIAL)
                .ok_or(AppError::NotFound)?;
            let p = form_of(&parent);
            f = WorkOrderForm {
                id_tipo: kind::REPROGRAMMING.to_string(),
                ot_principal: parent.id.to_string(),
                orden_trabajo: p.orden_trabajo,
                oficio_ot: p.oficio_ot,
                descripcion_trabajo: p.descripcion_trabajo,
                responsable_proyecto: p.responsable_proyecto,
                responsable_cliente: p.responsable_cliente,
                id_cliente: p.id_cliente,
                monto_mxn: p.monto_mxn,
                monto_usd: p.monto_usd,
                id_frente: p.id_frente,
                id_embarcacion: p.id_embarcacion,
                id_plataforma: p.id_plataforma,
                id_intercom: p.id_intercom,
                id_patio: p.id_patio,
                // The parent's yard phase is offered too (its dates, like the others, stay empty).
                check_fase_patio: p.check_fase_patio,
                id_patio_fase: p.id_patio_fase,
                ..WorkOrderForm::default()
            };
            kind_fixed = true;
        } else if let Ok(pte_id) = query.pte.trim().parse::<i32>() {
            let pte = planning_docs::find_visible(c, pte_id)?.ok_or(AppError::NotFound)?;
            f.id_pte = pte.id.to_string();
            f.descripcion_trabajo = pte.description;
            f.id_cliente = pte.client_id.map(|v| v.to_string()).unwrap_or_default();
            f.responsable_proyecto = pte
                .project_manager_id
                .map(|v| v.to_string())
                .unwrap_or_default();
            kind_fixed = true;
        }
        let catalogs = caches.catalogs.get_seen(c, seen.snapshot())?;
        let choices = load_choices(c, catalogs, &f)?;
        Ok((f, choices, kind_fixed))
    })
    .await??;
    render(
        StatusCode::OK,
        &page(
            ctx,
            choices,
            f,
            Shown {
                kind_fixed,
                ..Shown::default()
            },
        ),
    )
}

/// `POST /ot`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::form::create")
)]
pub async fn create(
    state: web::Data<AppState>,
    flasher: Flasher,
    ctx: PageCtx,
    user: CurrentUser,
    form: web::Form<CreatePost>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let CreatePost { form: f, fijo } = form.into_inner();
    // A form opened from a PTE or a parent keeps its fixed kind after an error.
    let kind_fixed = fijo.trim() == "1";
    let actor = Actor::from(&user);
    let submitted = f.clone();
    let caches = state.caches.clone();
    let (result, choices, warning) = blocking(&state, move |c| -> Result<_, AppError> {
        let catalogs = caches.catalogs.get(c)?;
        let now = Utc::now().naive_utc();
        match services::work_orders::create_checked(c, &catalogs, &submitted, &actor, now) {
            Ok((created, found)) => Ok((Ok(created), None, conflicts::warning(&found, &catalogs))),
            Err(e) => {
                let choices = load_choices(c, catalogs, &submitted)?;
                Ok((Err(e), Some(choices), None))
            }
        }
    })
    .await??;
    match (result, choices) {
        (Ok(created), _) => {
            let done = format!("OT creada con {} pasos.", created.steps);
            match warning {
                Some(w) => flash_warn(&flasher, format!("{done} {w}")),
                None => flash(&flasher, true, done),
            }
            Ok(see_other(&format!("/ot/{}", created.id)))
        }
        (Err(e), Some(choices)) => {
            let (status, shown) = Shown::refused(refused(e)?, None, kind_fixed);
            render(status, &page(ctx, choices, f, shown))
        }
        (Err(e), _) => Err(e.into()),
    }
}

/// A new order as posted: the fields, and whether the form had its kind fixed (opened from a
/// PTE or from the parent to reprogram).
#[derive(Debug, Deserialize)]
pub struct CreatePost {
    #[serde(flatten)]
    form: WorkOrderForm,
    #[serde(default)]
    fijo: String,
}

/// An edit as posted: the fields, and the values the form started from.
#[derive(Debug, Deserialize)]
pub struct EditPost {
    #[serde(flatten)]
    form: WorkOrderForm,
    #[serde(default)]
    original: String,
}

/// `GET /ot/{id}/editar`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::form::edit_form")
)]
pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let caches = state.caches.clone();
    let (f, choices) = blocking(&state, move |c| -> Result<_, AppError> {
        let order = work_orders::find_visible(c, id)?.ok_or(AppError::NotFound)?;
        let f = form_of(&order);
        let catalogs = caches.catalogs.get_seen(c, seen.snapshot())?;
        let choices = load_choices(c, catalogs, &f)?;
        Ok((f, choices))
    })
    .await??;
    let f_original = f.clone();
    render(
        StatusCode::OK,
        &page(
            ctx,
            choices,
            f,
            Shown {
                original: encode(&f_original),
                editing: Some(id),
                kind_fixed: true,
                ..Shown::default()
            },
        ),
    )
}

/// `POST /ot/{id}`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::form::update")
)]
pub async fn update(
    state: web::Data<AppState>,
    flasher: Flasher,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
    form: web::Form<EditPost>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let EditPost {
        form: submitted,
        original,
    } = form.into_inner();
    let actor = Actor::from(&user);
    let caches = state.caches.clone();
    let (result, current, shown, choices, warning) = blocking(&state, move |c| {
        let catalogs = caches.catalogs.get(c)?;
        let now = Utc::now().naive_utc();
        let refusal = match services::work_orders::update_checked(
            c, &catalogs, id, &submitted, &actor, now,
        ) {
            Ok(found) => {
                let warning = conflicts::warning(&found, &catalogs);
                return Ok::<_, AppError>((Ok(()), None, submitted, None, warning));
            }
            Err(e) => e,
        };
        // Shown again as typed, but kind, parent, PTE (and a reprogramming's folio) are the
        // stored ones: an edit cannot change them.
        let current = work_orders::find(c, id)?;
        let mut shown = submitted;
        if let Some(o) = &current {
            shown.id_tipo = o.kind_id.to_string();
            shown.ot_principal = o.parent_id.map(|v| v.to_string()).unwrap_or_default();
            shown.id_pte = o.planning_doc_id.map(|v| v.to_string()).unwrap_or_default();
            if o.kind_id == kind::REPROGRAMMING {
                shown.orden_trabajo = o.folio.clone();
            }
        }
        let choices = load_choices(c, catalogs, &shown)?;
        Ok((Err(refusal), current, shown, Some(choices), None))
    })
    .await??;
    let mut f = shown;
    match (result, choices) {
        (Ok(()), _) => {
            match warning {
                Some(w) => flash_warn(&flasher, format!("Cambios guardados. {w}")),
                None => flash(&flasher, true, "Cambios guardados."),
            }
            Ok(see_other(&format!("/ot/{id}")))
        }
        (Err(e), Some(choices)) => {
            let refusal = refused(e)?;
            let mut original = original;
            let mut differences = Vec::new();
            if matches!(refusal, Refused::Conflict(_))
                && let Some(o) = &current
            {
                let now = form_of(o);
                match serde_urlencoded::from_str::<WorkOrderForm>(&original) {
                    // W5: the user's own changes over the current values; a field both
                    // changed keeps the user's value and shows the colleague's.
                    Ok(start) if !original.is_empty() => {
                        let (merged, both) = merge_after_conflict(&f, &start, &now);
                        differences = both
                            .into_iter()
                            .map(|name| Difference {
                                label: EDITABLE_FIELDS
                                    .iter()
                                    .find(|(n, _)| *n == name)
                                    .map_or(name, |(_, label)| label),
                                current: readable(
                                    &choices.catalogs,
                                    name,
                                    now.field(name).unwrap_or_default(),
                                ),
                                mine: readable(
                                    &choices.catalogs,
                                    name,
                                    f.field(name).unwrap_or_default(),
                                ),
                            })
                            .collect();
                        f = merged;
                    }
                    // A client that does not say where it started (the legacy API's form):
                    // keep what it typed, on the current version.
                    _ => f.version = o.version.to_string(),
                }
                original = encode(&now);
            }
            let (status, mut shown) = Shown::refused(refusal, Some(id), true);
            shown.differences = differences;
            shown.original = original;
            render(status, &page(ctx, choices, f, shown))
        }
        (Err(e), _) => Err(e.into()),
    }
}
