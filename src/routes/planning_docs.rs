//! Planning documents (PTE): list, create, detail with "Nueva OT" and "Crear OT rápida" (W2).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::{planning_docs, work_orders};
use crate::domain::codes::{kind, pte_status, record_state};
use crate::domain::format;
use crate::domain::input::{FieldErrors, search_text};
use crate::domain::planning_doc::PteForm;
use crate::domain::role::Role;
use crate::domain::work_order::quick_kind;
use crate::error::AppError;
use crate::services;
use crate::services::Actor;
use crate::services::ServiceError;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::options::SelectOption;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::{refused, see_other};

const PER_PAGE: i64 = 25;

pub struct PteRow {
    pub id: i32,
    pub folio: String,
    pub description: String,
    pub client: String,
    pub manager: String,
    pub status: String,
}

fn status_name(status: i32) -> String {
    pte_status::ALL
        .iter()
        .find(|(id, _)| *id == status)
        .map_or("", |(_, name)| name)
        .to_owned()
}

fn row(catalogs: &Catalogs, p: &planning_docs::PlanningDoc) -> PteRow {
    PteRow {
        id: p.id,
        folio: p.folio.clone(),
        description: p.description.clone(),
        client: catalogs.name(CatalogKind::Client, p.client_id),
        manager: catalogs.name(CatalogKind::ProjectManager, p.project_manager_id),
        status: status_name(p.status),
    }
}

#[derive(Template)]
#[template(path = "ptes/list.html")]
struct ListPage {
    ctx: PageCtx,
    q: String,
    total: i64,
    rows: Vec<PteRow>,
    prev: Option<String>,
    next: Option<String>,
    can_create: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    page: String,
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "planning_docs::list"))]
pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = search_text(&query.q).unwrap_or_default();
    let page: i64 = query
        .page
        .trim()
        .parse()
        .ok()
        .filter(|p| *p > 0)
        .unwrap_or(1);
    let text = q.clone();
    let (catalogs, total, docs) = blocking(&state, move |c| {
        let catalogs = Catalogs::load(c)?;
        let filter = (!text.is_empty()).then_some(text.as_str());
        let (total, docs) = planning_docs::page(c, filter, (page - 1) * PER_PAGE, PER_PAGE)?;
        Ok::<_, diesel::result::Error>((catalogs, total, docs))
    })
    .await??;
    let link = |p: i64| {
        serde_urlencoded::to_string([("q", q.as_str()), ("page", &p.to_string())])
            .map(|qs| format!("/pte?{qs}"))
            .unwrap_or_default()
    };
    render(
        StatusCode::OK,
        &ListPage {
            can_create: user.role.allows(Role::Gestor),
            ctx,
            total,
            rows: docs.iter().map(|d| row(&catalogs, d)).collect(),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page * PER_PAGE < total).then(|| link(page + 1)),
            q,
        },
    )
}

#[derive(Template)]
#[template(path = "ptes/form.html")]
struct FormPage {
    ctx: PageCtx,
    f: PteForm,
    errors: FieldErrors,
    clients: Vec<SelectOption>,
    managers: Vec<SelectOption>,
}

fn form_page(ctx: PageCtx, catalogs: &Catalogs, f: PteForm, errors: FieldErrors) -> FormPage {
    FormPage {
        ctx,
        f,
        errors,
        clients: SelectOption::active(&catalogs.clients),
        managers: SelectOption::active(&catalogs.project_managers),
    }
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "planning_docs::new_form")
)]
pub async fn new_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let catalogs = blocking(&state, Catalogs::load).await??;
    render(
        StatusCode::OK,
        &form_page(ctx, &catalogs, PteForm::default(), FieldErrors::default()),
    )
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "planning_docs::create"))]
pub async fn create(
    state: web::Data<AppState>,
    flasher: Flasher,
    ctx: PageCtx,
    user: CurrentUser,
    form: web::Form<PteForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let f = form.into_inner();
    let actor = Actor::from(&user);
    let submitted = f.clone();
    let (result, catalogs) = blocking(&state, move |c| {
        let result = services::planning_docs::create(c, &submitted, &actor, Utc::now().naive_utc());
        let catalogs = Catalogs::load(c)?;
        Ok::<_, diesel::result::Error>((result, catalogs))
    })
    .await??;
    match result {
        Ok(id) => {
            flash(&flasher, true, "PTE registrada.");
            Ok(see_other(&format!("/pte/{id}")))
        }
        Err(ServiceError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, &catalogs, f, errors),
        ),
        Err(e) => Err(e.into()),
    }
}

pub struct OrderLink {
    pub id: i32,
    pub folio: String,
    pub kind: String,
    pub to_define: bool,
}

#[derive(Template)]
#[template(path = "ptes/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    pte: PteRow,
    created: String,
    orders: Vec<OrderLink>,
    /// The PTE's initial OT, which a quick reprogramming would be of.
    initial: Option<OrderLink>,
    can_create: bool,
    quick_error: Option<String>,
    quick_folio: String,
}

async fn show_detail(
    state: &AppState,
    ctx: PageCtx,
    user: &CurrentUser,
    id: i32,
    quick_error: Option<String>,
    quick_folio: String,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (catalogs, doc, orders) = blocking(state, move |c| -> Result<_, AppError> {
        let doc = planning_docs::find_visible(c, id)?.ok_or(AppError::NotFound)?;
        let catalogs = Catalogs::load(c)?;
        let orders = work_orders::for_pte(c, id)?;
        Ok((catalogs, doc, orders))
    })
    .await??;
    let links: Vec<OrderLink> = orders
        .iter()
        .map(|o| OrderLink {
            id: o.id,
            folio: o.folio.clone(),
            kind: if o.kind_id == kind::REPROGRAMMING {
                format!("REPROGRAMACIÓN {}", o.revision.unwrap_or_default())
            } else {
                "INICIAL".to_owned()
            },
            to_define: o.record_state == record_state::TO_DEFINE,
        })
        .collect();
    let initial = orders
        .iter()
        .find(|o| o.kind_id == kind::INITIAL)
        .map(|o| OrderLink {
            id: o.id,
            folio: o.folio.clone(),
            kind: "INICIAL".into(),
            to_define: false,
        });
    render(
        status,
        &DetailPage {
            ctx,
            pte: row(&catalogs, &doc),
            created: format::timestamp(doc.created_at),
            orders: links,
            initial,
            can_create: user.role.allows(Role::Gestor),
            quick_error,
            quick_folio,
        },
    )
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "planning_docs::detail"))]
pub async fn detail(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    show_detail(
        &state,
        ctx,
        &user,
        path.into_inner(),
        None,
        String::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QuickForm {
    orden_trabajo: String,
    id_tipo: String,
    ot_principal: String,
}

/// `POST /pte/{id}/ot-rapida`: quick creation (W2) of a POR DEFINIR order.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "planning_docs::quick_create")
)]
pub async fn quick_create(
    state: web::Data<AppState>,
    flasher: Flasher,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
    form: web::Form<QuickForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let parent = form.ot_principal.trim().parse::<i32>().ok();
    let actor = Actor::from(&user);
    let folio = form.orden_trabajo.clone();
    let caches = state.caches.clone();
    let result = match quick_kind(&form.id_tipo) {
        Ok(kind) => {
            blocking(&state, move |c| {
                let catalogs = caches.catalogs.get(c)?;
                let quick = services::work_orders::QuickOrder {
                    pte_id: id,
                    kind,
                    folio: &folio,
                    parent_id: parent,
                };
                services::work_orders::quick_create(
                    c,
                    &catalogs,
                    quick,
                    &actor,
                    Utc::now().naive_utc(),
                )
            })
            .await?
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(created) => {
            flash(
                &flasher,
                true,
                format!(
                    "OT creada POR DEFINIR con {} pasos: complétela con «Editar».",
                    created.steps
                ),
            );
            Ok(see_other(&format!("/ot/{}", created.id)))
        }
        Err(e) => {
            let (status, msg) = refused(e)?.status_and_message();
            show_detail(
                &state,
                ctx,
                &user,
                id,
                Some(msg),
                form.orden_trabajo,
                status,
            )
            .await
        }
    }
}
