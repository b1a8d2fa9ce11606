//! `/admin/catalogos`: the catalogs an administrator keeps (clients, project managers, sites,
//! fronts, OT and step statuses): list with search, create, edit, deactivate and reactivate.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::db::catalogs::{self as repo, AdminEntry};
use crate::domain::catalog::{Catalog, EntryForm};
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::ServiceError;
use crate::services::catalogs;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::options::SelectOption;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::form_outcome;
use crate::web::response::see_other;

/// One catalog on the index page.
pub struct Summary {
    pub slug: &'static str,
    pub title: &'static str,
    pub active: usize,
    pub total: usize,
}

#[derive(Template)]
#[template(path = "admin/catalogs.html")]
struct IndexPage {
    ctx: PageCtx,
    catalogs: Vec<Summary>,
}

/// A row of a catalog's table.
pub struct Row {
    pub id: i32,
    pub description: String,
    pub group: &'static str,
    pub comment: String,
    pub active: bool,
    pub protected: bool,
}

#[derive(Template)]
#[template(path = "admin/catalog.html")]
struct ListPage {
    ctx: PageCtx,
    slug: &'static str,
    title: &'static str,
    group_label: &'static str,
    labels: (&'static str, &'static str),
    fixed: bool,
    rows: Vec<Row>,
    total: usize,
    q: ListQuery,
    groups: Vec<SelectOption>,
    form: EntryForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "admin/catalog_edit.html")]
struct EditPage {
    ctx: PageCtx,
    slug: &'static str,
    title: &'static str,
    id: i32,
    group_label: &'static str,
    labels: (&'static str, &'static str),
    groups: Vec<SelectOption>,
    form: EntryForm,
    errors: FieldErrors,
    active: bool,
    protected: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    /// `activos`, `inactivos` or empty for all.
    pub estado: String,
}

impl ListQuery {
    fn active(&self) -> Option<bool> {
        match self.estado.as_str() {
            "activos" => Some(true),
            "inactivos" => Some(false),
            _ => None,
        }
    }
}

fn catalog_of(slug: &str) -> Result<Catalog, AppError> {
    Catalog::from_slug(slug).ok_or(AppError::NotFound)
}

fn groups(catalog: Catalog) -> Vec<SelectOption> {
    catalog
        .group()
        .map(|g| {
            g.options
                .iter()
                .map(|(id, name)| SelectOption::new(id, *name))
                .collect()
        })
        .unwrap_or_default()
}

fn group_label(catalog: Catalog) -> &'static str {
    catalog.group().map_or("", |g| g.label)
}

fn row(catalog: Catalog, e: AdminEntry) -> Row {
    Row {
        id: e.id,
        group: catalog.group().map_or("", |g| g.name(e.group)),
        protected: catalog.is_protected(e.id),
        description: e.description,
        comment: e.comment,
        active: e.active,
    }
}

fn list_url(catalog: Catalog) -> String {
    format!("/admin/catalogos/{}", catalog.slug())
}

/// `GET /admin/catalogos`
#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::catalogs::index"))]
pub async fn index(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let catalogs = blocking(&state, |c| -> Result<Vec<Summary>, AppError> {
        let mut out = Vec::new();
        for catalog in Catalog::ALL {
            let entries = repo::entries(c, catalog)?;
            out.push(Summary {
                slug: catalog.slug(),
                title: catalog.title(),
                active: entries.iter().filter(|e| e.active).count(),
                total: entries.len(),
            });
        }
        Ok(out)
    })
    .await??;
    render(StatusCode::OK, &IndexPage { ctx, catalogs })
}

async fn show_list(
    state: &AppState,
    ctx: PageCtx,
    catalog: Catalog,
    q: ListQuery,
    status: StatusCode,
    form: EntryForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (query, active) = (q.q.clone(), q.active());
    let (total, entries) = blocking(state, move |c| -> Result<_, AppError> {
        let all = repo::entries(c, catalog)?;
        let total = all.len();
        Ok((total, catalogs::search(all, &query, active)))
    })
    .await??;
    render(
        status,
        &ListPage {
            ctx,
            slug: catalog.slug(),
            title: catalog.title(),
            group_label: group_label(catalog),
            labels: catalog.labels(),
            fixed: catalog.is_fixed(),
            rows: entries.into_iter().map(|e| row(catalog, e)).collect(),
            total,
            q,
            groups: groups(catalog),
            form,
            errors,
        },
    )
}

/// `GET /admin/catalogos/{catalogo}?q=&estado=`
#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::catalogs::list"))]
pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let catalog = catalog_of(&path)?;
    show_list(
        &state,
        ctx,
        catalog,
        query.into_inner(),
        StatusCode::OK,
        EntryForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// `POST /admin/catalogos/{catalogo}`: a new entry.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::catalogs::create")
)]
pub async fn create(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<String>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let catalog = catalog_of(&path)?;
    let form = form.into_inner();
    let actor = Actor::from(&user);
    let posted = form.clone();
    let result = blocking(&state, move |c| {
        catalogs::create(c, catalog, &posted, &actor, Utc::now().naive_utc())
    })
    .await?;
    let (status, errors) = match form_outcome(result)? {
        Ok(_) => {
            flash(
                &flasher,
                true,
                format!(
                    "Agregado a {}: {}.",
                    catalog.title(),
                    form.descripcion.trim()
                ),
            );
            return Ok(see_other(&list_url(catalog)));
        }
        Err(shown) => shown,
    };
    show_list(
        &state,
        ctx,
        catalog,
        ListQuery::default(),
        status,
        form,
        errors,
    )
    .await
}

async fn show_edit(
    state: &AppState,
    ctx: PageCtx,
    catalog: Catalog,
    id: i32,
    status: StatusCode,
    posted: Option<(EntryForm, FieldErrors)>,
) -> Result<HttpResponse, AppError> {
    let entry = blocking(state, move |c| repo::entry(c, catalog, id))
        .await??
        .ok_or(AppError::NotFound)?;
    let (form, errors) = posted.unwrap_or_else(|| {
        (
            EntryForm {
                descripcion: entry.description.clone(),
                grupo: entry.group.map(|g| g.to_string()).unwrap_or_default(),
                comentario: entry.comment.clone(),
            },
            FieldErrors::default(),
        )
    });
    render(
        status,
        &EditPage {
            ctx,
            slug: catalog.slug(),
            title: catalog.title(),
            id,
            group_label: group_label(catalog),
            labels: catalog.labels(),
            groups: groups(catalog),
            form,
            errors,
            active: entry.active,
            protected: catalog.is_protected(id),
        },
    )
}

/// `GET /admin/catalogos/{catalogo}/{id}`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::catalogs::edit_form")
)]
pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let (slug, id) = path.into_inner();
    let catalog = catalog_of(&slug)?;
    show_edit(&state, ctx, catalog, id, StatusCode::OK, None).await
}

/// `POST /admin/catalogos/{catalogo}/{id}`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::catalogs::update")
)]
pub async fn update(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<(String, i32)>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let (slug, id) = path.into_inner();
    let catalog = catalog_of(&slug)?;
    let form = form.into_inner();
    let actor = Actor::from(&user);
    let posted = form.clone();
    let result = blocking(&state, move |c| {
        catalogs::update(c, catalog, id, &posted, &actor, Utc::now().naive_utc())
    })
    .await?;
    let (status, errors) = match form_outcome(result)? {
        Ok(()) => {
            flash(&flasher, true, "Cambios guardados.");
            return Ok(see_other(&list_url(catalog)));
        }
        Err(shown) => shown,
    };
    show_edit(&state, ctx, catalog, id, status, Some((form, errors))).await
}

async fn switch(
    state: &AppState,
    flasher: &Flasher,
    user: &CurrentUser,
    path: (String, i32),
    active: bool,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let (slug, id) = path;
    let catalog = catalog_of(&slug)?;
    let actor = Actor::from(user);
    let result = blocking(state, move |c| {
        catalogs::set_active(c, catalog, id, active, &actor, Utc::now().naive_utc())
    })
    .await?;
    match result {
        Ok(entry) => {
            let done = if active { "reactivado" } else { "desactivado" };
            flash(flasher, true, format!("«{}» {done}.", entry.description));
        }
        Err(ServiceError::Conflict(msg)) => flash(flasher, false, msg),
        Err(ServiceError::NotFound) => return Err(AppError::NotFound),
        Err(ServiceError::Invalid(_) | ServiceError::Duplicate(_)) => {
            return Err(AppError::BadRequest("Solicitud no válida.".into()));
        }
        Err(ServiceError::Db(e)) => return Err(e.into()),
    }
    Ok(see_other(&list_url(catalog)))
}

/// `POST /admin/catalogos/{catalogo}/{id}/desactivar`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::catalogs::deactivate")
)]
pub async fn deactivate(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, AppError> {
    switch(&state, &flasher, &user, path.into_inner(), false).await
}

/// `POST /admin/catalogos/{catalogo}/{id}/reactivar`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::catalogs::reactivate")
)]
pub async fn reactivate(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, AppError> {
    switch(&state, &flasher, &user, path.into_inner(), true).await
}
