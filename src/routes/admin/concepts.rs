//! `/admin/conceptos`: the master concept catalog the annexes are checked against (W14): search,
//! create, edit, deactivate, and import from a workbook; administrators only. Units of measure
//! are a catalog of `/admin/catalogos`.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::db::annexes::{self as repo, ConceptRow};
use crate::domain::annex::{RowError, format_price};
use crate::domain::input::{FieldErrors, page_number, search_text};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::annexes::{ERRORS_SHOWN, ImportError, MAX_FILE_BYTES};
use crate::services::concepts::{self, ConceptForm};
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::options::SelectOption;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::form_outcome;
use crate::web::response::see_other;
use crate::web::{blocking, download, upload};

const PER_PAGE: i64 = 50;

/// A concept as listed.
pub struct ConceptView {
    pub id: i32,
    pub code: String,
    pub description: String,
    pub unit: String,
    pub price_mxn: String,
    pub price_usd: String,
    pub annex: String,
    pub active: bool,
}

fn concept_view(c: ConceptRow) -> ConceptView {
    ConceptView {
        id: c.id,
        price_mxn: format_price(c.price_mxn),
        price_usd: format_price(c.price_usd),
        code: c.code,
        description: c.description,
        unit: c.unit,
        annex: c.annex,
        active: c.active,
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ConceptQuery {
    pub q: String,
    pub page: String,
}

#[derive(Template)]
#[template(path = "admin/concepts.html")]
struct ConceptsPage {
    ctx: PageCtx,
    rows: Vec<ConceptView>,
    total: i64,
    q: ConceptQuery,
    prev: Option<String>,
    next: Option<String>,
    units: Vec<SelectOption>,
    form: ConceptForm,
    errors: FieldErrors,
    import_errors: Vec<RowError>,
    import_message: Option<String>,
    report: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/concept_edit.html")]
struct ConceptEditPage {
    ctx: PageCtx,
    id: i32,
    active: bool,
    units: Vec<SelectOption>,
    form: ConceptForm,
    errors: FieldErrors,
}

fn unit_options(c: &mut crate::db::DbConn) -> diesel::QueryResult<Vec<SelectOption>> {
    Ok(repo::active_units(c)?
        .into_iter()
        .map(|u| SelectOption::new(u.id, format!("{} — {}", u.clave, u.description)))
        .collect())
}

/// What the catalog page shows besides the list.
#[derive(Default)]
struct Extra {
    form: ConceptForm,
    errors: FieldErrors,
    import_errors: Vec<RowError>,
    import_message: Option<String>,
    report: Option<String>,
}

async fn show_concepts(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    q: ConceptQuery,
    extra: Extra,
) -> Result<HttpResponse, AppError> {
    let page = page_number(&q.page);
    let text = search_text(&q.q);
    let ((total, rows), units) = blocking(state, move |c| -> Result<_, AppError> {
        let offset = (page - 1).saturating_mul(PER_PAGE);
        Ok((
            repo::concepts_page(c, text.as_deref(), offset, PER_PAGE)?,
            unit_options(c)?,
        ))
    })
    .await??;
    let link = |p: i64| {
        let qs = serde_urlencoded::to_string(ConceptQuery {
            q: q.q.clone(),
            page: p.to_string(),
        })
        .unwrap_or_default();
        format!("/admin/conceptos?{qs}")
    };
    render(
        status,
        &ConceptsPage {
            ctx,
            rows: rows.into_iter().map(concept_view).collect(),
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page * PER_PAGE < total).then(|| link(page + 1)),
            q,
            units,
            form: extra.form,
            errors: extra.errors,
            import_errors: extra.import_errors,
            import_message: extra.import_message,
            report: extra.report,
        },
    )
}

/// `GET /admin/conceptos?q=&page=`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::concepts::concepts")
)]
pub async fn concepts(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    query: web::Query<ConceptQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let q = query.into_inner();
    show_concepts(&state, ctx, StatusCode::OK, q, Extra::default()).await
}

/// `POST /admin/conceptos`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::concepts::create_concept")
)]
pub async fn create_concept(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    form: web::Form<ConceptForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let form = form.into_inner();
    let (posted, actor) = (form.clone(), Actor::from(&user));
    let result = blocking(&state, move |c| {
        concepts::create(c, &posted, &actor, Utc::now().naive_utc())
    })
    .await?;
    match form_outcome(result)? {
        Ok(_) => {
            flash(&flasher, true, "Concepto agregado al catálogo.");
            Ok(see_other("/admin/conceptos"))
        }
        Err((status, errors)) => {
            let extra = Extra {
                form,
                errors,
                ..Extra::default()
            };
            show_concepts(&state, ctx, status, ConceptQuery::default(), extra).await
        }
    }
}

async fn show_concept(
    state: &AppState,
    ctx: PageCtx,
    id: i32,
    status: StatusCode,
    posted: Option<(ConceptForm, FieldErrors)>,
) -> Result<HttpResponse, AppError> {
    let (found, units) = blocking(state, move |c| -> Result<_, AppError> {
        Ok((repo::find_concept(c, id)?, unit_options(c)?))
    })
    .await??;
    let concept = found.ok_or(AppError::NotFound)?;
    let (form, errors) =
        posted.unwrap_or_else(|| (ConceptForm::of(&concept), FieldErrors::default()));
    render(
        status,
        &ConceptEditPage {
            ctx,
            id,
            active: concept.active,
            units,
            form,
            errors,
        },
    )
}

/// `GET /admin/conceptos/{id}`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::concepts::edit_concept")
)]
pub async fn edit_concept(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    show_concept(&state, ctx, path.into_inner(), StatusCode::OK, None).await
}

/// `POST /admin/conceptos/{id}`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::concepts::update_concept")
)]
pub async fn update_concept(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
    form: web::Form<ConceptForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let (posted, actor) = (form.clone(), Actor::from(&user));
    let result = blocking(&state, move |c| {
        concepts::update(c, id, &posted, &actor, Utc::now().naive_utc())
    })
    .await?;
    match form_outcome(result)? {
        Ok(()) => {
            flash(&flasher, true, "Concepto guardado.");
            Ok(see_other("/admin/conceptos"))
        }
        Err((status, errors)) => show_concept(&state, ctx, id, status, Some((form, errors))).await,
    }
}

async fn switch(
    state: &AppState,
    flasher: &Flasher,
    user: &CurrentUser,
    id: i32,
    active: bool,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = Actor::from(user);
    let result = blocking(state, move |c| {
        concepts::set_active(c, id, active, &actor, Utc::now().naive_utc())
    })
    .await?;
    match result {
        Ok(c) => {
            let done = if active { "reactivado" } else { "desactivado" };
            flash(flasher, true, format!("Concepto {} {done}.", c.code));
        }
        Err(crate::services::ServiceError::Conflict(msg)) => flash(flasher, false, msg),
        Err(e) => {
            form_outcome(Err::<(), _>(e))?
                .map_err(|_| AppError::BadRequest("Solicitud no válida.".into()))?;
        }
    }
    Ok(see_other("/admin/conceptos"))
}

/// `POST /admin/conceptos/{id}/desactivar`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::concepts::deactivate_concept")
)]
pub async fn deactivate_concept(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    switch(&state, &flasher, &user, path.into_inner(), false).await
}

/// `POST /admin/conceptos/{id}/reactivar`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::concepts::reactivate_concept")
)]
pub async fn reactivate_concept(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    switch(&state, &flasher, &user, path.into_inner(), true).await
}

/// `POST /admin/conceptos/importar`: the catalog from a workbook, all-or-nothing.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::concepts::import_concepts")
)]
pub async fn import_concepts(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let refused = |message: String, errors: Vec<RowError>, report: Option<i32>| Extra {
        import_message: Some(message),
        import_errors: errors.into_iter().take(ERRORS_SHOWN).collect(),
        report: report.map(|r| format!("/admin/conceptos/errores/{r}")),
        ..Extra::default()
    };
    let q = ConceptQuery::default();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let (name, bytes) =
        match upload::read(form, "archivo", MAX_FILE_BYTES, "Elija el archivo (.xlsx).").await {
            Ok(f) => (f.file_name, f.bytes),
            Err(msg) => {
                let extra = refused(msg, Vec::new(), None);
                return show_concepts(&state, ctx, unprocessable, q, extra).await;
            }
        };
    let actor = Actor::from(&user);
    let result = blocking(&state, move |c| {
        concepts::import(c, &name, &bytes, &actor, Utc::now().naive_utc())
    })
    .await?;
    let extra = match result {
        Ok(done) => {
            flash(
                &flasher,
                true,
                format!(
                    "Catálogo importado: {} conceptos agregados, {} actualizados.",
                    done.added, done.updated
                ),
            );
            return Ok(see_other("/admin/conceptos"));
        }
        Err(ImportError::File(msg)) => refused(msg, Vec::new(), None),
        Err(ImportError::Rows { errors, report, .. }) => {
            let msg = format!("No se importó nada: {} filas tienen errores.", errors.len());
            refused(msg, errors, report)
        }
        Err(ImportError::NoActive | ImportError::NotFound) => return Err(AppError::NotFound),
        Err(ImportError::Db(e)) => return Err(e.into()),
    };
    show_concepts(&state, ctx, unprocessable, q, extra).await
}

/// `GET /admin/conceptos/errores/{report}`: a refused catalog import's error workbook.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::concepts::concept_errors")
)]
pub async fn concept_errors(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let report = blocking(&state, move |c| repo::find_report(c, id))
        .await??
        .filter(|r| r.work_order_id.is_none())
        .ok_or(AppError::NotFound)?;
    Ok(download::attachment(&report.file_name, download::XLSX).body(report.content))
}
