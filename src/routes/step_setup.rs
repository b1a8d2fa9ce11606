//! `/admin/plantillas` (step templates, grouped by set) and `/admin/reglas` (the W3 rule table
//! in plain Spanish, with a preview of the steps an order would get). Administrators only.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::db::catalogs::{Catalogs, Kind};
use crate::db::templates::{self as repo, Template};
use crate::domain::catalog::{self, CLIENT_TYPES};
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::domain::step_rule::{
    KINDS, RuleForm, TEMPLATE_SETS, TemplateForm, describe, kind_name, set_name,
};
use crate::error::AppError;
use crate::services::Actor;
use crate::services::ServiceError;
use crate::services::step_setup;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::options::SelectOption;
use crate::web::page::{PageCtx, flash, render};
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
#[tracing::instrument(name = "handler", skip_all, fields(handler = "step_setup::templates"))]
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
    fields(handler = "step_setup::create_template")
)]
pub async fn create_template(
    state: web::Data<AppState>,
    ctx: PageCtx,
    session: Session,
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
                &session,
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
    fields(handler = "step_setup::edit_template")
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
    fields(handler = "step_setup::update_template")
)]
pub async fn update_template(
    state: web::Data<AppState>,
    ctx: PageCtx,
    session: Session,
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
                &session,
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
    session: &Session,
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
        flash(session, true, done);
    }
    Ok(see_other("/admin/plantillas"))
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "step_setup::move_up"))]
pub async fn move_up(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    template_action(
        &state,
        &session,
        &user,
        path.into_inner(),
        TemplateAction::Up,
    )
    .await
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "step_setup::move_down"))]
pub async fn move_down(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    template_action(
        &state,
        &session,
        &user,
        path.into_inner(),
        TemplateAction::Down,
    )
    .await
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "step_setup::deactivate_template")
)]
pub async fn deactivate_template(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let what = TemplateAction::Deactivate;
    template_action(&state, &session, &user, path.into_inner(), what).await
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "step_setup::reactivate_template")
)]
pub async fn reactivate_template(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let what = TemplateAction::Reactivate;
    template_action(&state, &session, &user, path.into_inner(), what).await
}

/// A row of the rule table.
pub struct RuleRow {
    pub id: i32,
    pub text: String,
    pub set: String,
    pub general: bool,
}

/// The preview: what an order of a kind and client would get.
pub struct Preview {
    pub text: String,
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PreviewQuery {
    pub tipo: String,
    pub cliente: String,
}

#[derive(askama::Template)]
#[template(path = "admin/rules.html")]
struct RulesPage {
    ctx: PageCtx,
    rules: Vec<RuleRow>,
    kinds: Vec<SelectOption>,
    sets: Vec<SelectOption>,
    clients: Vec<SelectOption>,
    preview: Option<Preview>,
    q: PreviewQuery,
    form: RuleForm,
    errors: FieldErrors,
}

async fn show_rules(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    q: PreviewQuery,
    form: RuleForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let kind = q
        .tipo
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|k| KINDS.iter().any(|(id, _)| id == k));
    let client = q.cliente.trim().parse::<i32>().ok();
    let (catalogs, rows, preview) = blocking(state, move |c| -> Result<_, AppError> {
        let catalogs = Catalogs::load(c)?;
        let rows = repo::rules(c)?;
        let preview = match kind {
            Some(k) => Some(step_setup::preview(c, k, client).map_err(|e| match e {
                ServiceError::Db(e) => AppError::from(e),
                _ => AppError::NotFound,
            })?),
            None => None,
        };
        Ok((catalogs, rows, preview))
    })
    .await??;
    let client_name = |id: Option<i32>| {
        id.and_then(|id| catalogs.get(Kind::Client, id))
            .map(|e| e.description.clone())
    };
    let rules = rows
        .iter()
        .map(|r| RuleRow {
            id: r.id,
            text: describe(r.kind, client_name(r.client).as_deref(), r.template_set),
            set: r.template_set.to_string(),
            general: r.client.is_none(),
        })
        .collect();
    let preview = match (kind, preview) {
        (Some(k), Some((set, templates))) => {
            let who = match client_name(client) {
                Some(name) => format!("del cliente «{name}»"),
                None => "sin cliente".to_owned(),
            };
            let text = match set {
                Some(set) => format!(
                    "Una OT {} {who} recibiría {} pasos de las plantillas {}:",
                    kind_name(k),
                    templates.len(),
                    set_name(set)
                ),
                None => format!("Una OT {} {who} no recibiría pasos.", kind_name(k)),
            };
            Some(Preview {
                text,
                steps: templates.into_iter().map(|t| t.description).collect(),
            })
        }
        _ => None,
    };
    let clients = SelectOption::active(&catalogs.clients);
    render(
        status,
        &RulesPage {
            ctx,
            rules,
            kinds: SelectOption::from_codes(&KINDS),
            sets: SelectOption::from_codes(&TEMPLATE_SETS),
            clients,
            preview,
            q,
            form,
            errors,
        },
    )
}

/// `GET /admin/reglas?tipo=&cliente=`
#[tracing::instrument(name = "handler", skip_all, fields(handler = "step_setup::rules"))]
pub async fn rules(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    show_rules(
        &state,
        ctx,
        StatusCode::OK,
        query.into_inner(),
        RuleForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// `POST /admin/reglas`: a client-specific rule.
#[tracing::instrument(name = "handler", skip_all, fields(handler = "step_setup::add_rule"))]
pub async fn add_rule(
    state: web::Data<AppState>,
    ctx: PageCtx,
    session: Session,
    user: CurrentUser,
    form: web::Form<RuleForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let form = form.into_inner();
    let (posted, actor) = (form.clone(), Actor::from(&user));
    let result = blocking(&state, move |c| {
        step_setup::add_rule(c, &posted, &actor, Utc::now().naive_utc())
    })
    .await?;
    match form_outcome(result)? {
        Ok(_) => {
            flash(
                &session,
                true,
                "Regla agregada: aplica a la próxima OT que se cree.",
            );
            Ok(see_other("/admin/reglas"))
        }
        Err((status, errors)) => {
            let q = PreviewQuery::default();
            show_rules(&state, ctx, status, q, form, errors).await
        }
    }
}

/// `POST /admin/reglas/{id}`: changes the set a rule gives.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "step_setup::change_rule")
)]
pub async fn change_rule(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i32>,
    form: web::Form<RuleForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let actor = Actor::from(&user);
    let form = form.into_inner();
    let result = blocking(&state, move |c| {
        step_setup::change_rule(c, id, &form, &actor, Utc::now().naive_utc())
    })
    .await?;
    match form_outcome(result)? {
        Ok(()) => flash(
            &session,
            true,
            "Regla cambiada: aplica a la próxima OT que se cree.",
        ),
        Err((_, errors)) => flash(&session, false, errors.messages().join(" ")),
    }
    Ok(see_other("/admin/reglas"))
}

/// `POST /admin/reglas/{id}/eliminar`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "step_setup::delete_rule")
)]
pub async fn delete_rule(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let actor = Actor::from(&user);
    let result = blocking(&state, move |c| {
        step_setup::delete_rule(c, id, &actor, Utc::now().naive_utc())
    })
    .await?;
    match result {
        Ok(()) => flash(
            &session,
            true,
            "Regla eliminada: ese cliente sigue la regla general.",
        ),
        Err(ServiceError::Conflict(msg)) => flash(&session, false, msg),
        Err(ServiceError::Invalid(e) | ServiceError::Duplicate(e)) => {
            flash(&session, false, e.messages().join(" "));
        }
        Err(ServiceError::NotFound) => return Err(AppError::NotFound),
        Err(ServiceError::Db(e)) => return Err(e.into()),
    }
    Ok(see_other("/admin/reglas"))
}
