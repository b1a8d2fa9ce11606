//! `/admin/plantillas`: the step templates, grouped by set (W3); administrators only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;

use crate::db::templates::{self as repo, Template};
use crate::domain::catalog::{self, CLIENT_TYPES};
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::domain::step_rule::{TEMPLATE_SETS, TemplateForm};
use crate::error::AppError;
use crate::services::Actor;
use crate::services::step_setup;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::options::SelectOption;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::form_outcome;
use crate::web::response::see_other;

/// A template row.
pub struct TemplateRow {
    pub id: i32,
    pub position: i32,
    pub description: String,
    pub client_type: String,
    pub comment: String,
    pub active: bool,
    pub first: bool,
    pub last: bool,
}

/// One set and its templates.
pub struct SetGroup {
    pub id: i32,
    pub name: &'static str,
    pub active: usize,
    pub rows: Vec<TemplateRow>,
}

#[derive(askama::Template)]
#[template(path = "admin/templates.html")]
struct TemplatesPage {
    ctx: PageCtx,
    groups: Vec<SetGroup>,
    sets: Vec<SelectOption>,
    client_types: Vec<SelectOption>,
    form: TemplateForm,
    errors: FieldErrors,
}

#[derive(askama::Template)]
#[template(path = "admin/template_edit.html")]
struct TemplateEditPage {
    ctx: PageCtx,
    id: i32,
    active: bool,
    sets: Vec<SelectOption>,
    client_types: Vec<SelectOption>,
    form: TemplateForm,
    errors: FieldErrors,
}

fn client_type_name(id: Option<i32>) -> String {
    catalog::client_type_name(id).to_owned()
}

fn group(templates: &[Template]) -> Vec<SetGroup> {
    TEMPLATE_SETS
        .iter()
        .map(|(set, name)| {
            let of_set: Vec<&Template> = templates.iter().filter(|t| t.set_id == *set).collect();
            let n = of_set.len();
            SetGroup {
                id: *set,
                name,
                active: of_set.iter().filter(|t| t.active).count(),
                rows: of_set
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| TemplateRow {
                        id: t.id,
                        position: t.sort_order,
                        description: t.description.clone(),
                        client_type: client_type_name(t.client_type_id),
                        comment: t.comment.clone(),
                        active: t.active,
                        first: i == 0,
                        last: i + 1 == n,
                    })
                    .collect(),
            }
        })
        .collect()
}

async fn show_templates(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    form: TemplateForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let templates = blocking(state, repo::all).await??;
    render(
        status,
        &TemplatesPage {
            ctx,
            groups: group(&templates),
            sets: SelectOption::from_codes(&TEMPLATE_SETS),
            client_types: SelectOption::from_codes(&CLIENT_TYPES),
            form,
            errors,
        },
    )
}

/// `GET /admin/plantillas`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_templates::templates")
)]
pub async fn templates(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    show_templates(
        &state,
        ctx,
        StatusCode::OK,
        TemplateForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// `POST /admin/plantillas`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_templates::create_template")
)]
pub async fn create_template(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    form: web::Form<TemplateForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let form = form.into_inner();
    let (posted, actor) = (form.clone(), Actor::from(&user));
    let result = blocking(&state, move |c| {
        step_setup::create_template(c, &posted, &actor, Utc::now().naive_utc())
    })
    .await?;
    match form_outcome(result)? {
        Ok(_) => {
            flash(
                &flasher,
                true,
                "Plantilla agregada. Las OT nuevas la recibirán.",
            );
            Ok(see_other("/admin/plantillas"))
        }
        Err((status, errors)) => show_templates(&state, ctx, status, form, errors).await,
    }
}

async fn show_template(
    state: &AppState,
    ctx: PageCtx,
    id: i32,
    status: StatusCode,
    posted: Option<(TemplateForm, FieldErrors)>,
) -> Result<HttpResponse, AppError> {
    let t = blocking(state, move |c| repo::find(c, id))
        .await??
        .ok_or(AppError::NotFound)?;
    let (form, errors) = posted.unwrap_or_else(|| {
        (
            TemplateForm {
                conjunto: t.set_id.to_string(),
                descripcion: t.description.clone(),
                orden: t.sort_order.to_string(),
                tipo_cliente: t.client_type_id.map(|v| v.to_string()).unwrap_or_default(),
                comentario: t.comment.clone(),
            },
            FieldErrors::default(),
        )
    });
    render(
        status,
        &TemplateEditPage {
            ctx,
            id,
            active: t.active,
            sets: SelectOption::from_codes(&TEMPLATE_SETS),
            client_types: SelectOption::from_codes(&CLIENT_TYPES),
            form,
            errors,
        },
    )
}

/// `GET /admin/plantillas/{id}`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_templates::edit_template")
)]
pub async fn edit_template(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    show_template(&state, ctx, path.into_inner(), StatusCode::OK, None).await
}

/// `POST /admin/plantillas/{id}`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_templates::update_template")
)]
pub async fn update_template(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
    form: web::Form<TemplateForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let (posted, actor) = (form.clone(), Actor::from(&user));
    let result = blocking(&state, move |c| {
        step_setup::update_template(c, id, &posted, &actor, Utc::now().naive_utc())
    })
    .await?;
    match form_outcome(result)? {
        Ok(()) => {
            flash(
                &flasher,
                true,
                "Plantilla guardada. Las OT existentes conservan sus pasos.",
            );
            Ok(see_other("/admin/plantillas"))
        }
        Err((status, errors)) => show_template(&state, ctx, id, status, Some((form, errors))).await,
    }
}

/// What a template button does.
#[derive(Debug, Clone, Copy)]
enum TemplateAction {
    Up,
    Down,
    Deactivate,
    Reactivate,
}

async fn template_action(
    state: &AppState,
    flasher: &Flasher,
    user: &CurrentUser,
    id: i32,
    what: TemplateAction,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let actor = Actor::from(user);
    let result = blocking(state, move |c| {
        let now = Utc::now().naive_utc();
        match what {
            TemplateAction::Up => step_setup::move_template(c, id, true, &actor, now),
            TemplateAction::Down => step_setup::move_template(c, id, false, &actor, now),
            TemplateAction::Deactivate => {
                step_setup::set_template_active(c, id, false, &actor, now).map(drop)
            }
            TemplateAction::Reactivate => {
                step_setup::set_template_active(c, id, true, &actor, now).map(drop)
            }
        }
    })
    .await?;
    if form_outcome(result)?.is_ok() {
        let done = match what {
            TemplateAction::Up | TemplateAction::Down => "Orden actualizado.",
            TemplateAction::Deactivate => "Plantilla desactivada: las OT nuevas ya no la reciben.",
            TemplateAction::Reactivate => "Plantilla reactivada.",
        };
        flash(flasher, true, done);
    }
    Ok(see_other("/admin/plantillas"))
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_templates::move_up")
)]
pub async fn move_up(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    template_action(
        &state,
        &flasher,
        &user,
        path.into_inner(),
        TemplateAction::Up,
    )
    .await
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_templates::move_down")
)]
pub async fn move_down(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    template_action(
        &state,
        &flasher,
        &user,
        path.into_inner(),
        TemplateAction::Down,
    )
    .await
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_templates::deactivate_template")
)]
pub async fn deactivate_template(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let what = TemplateAction::Deactivate;
    template_action(&state, &flasher, &user, path.into_inner(), what).await
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_templates::reactivate_template")
)]
pub async fn reactivate_template(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let what = TemplateAction::Reactivate;
    template_action(&state, &flasher, &user, path.into_inner(), what).await
}
