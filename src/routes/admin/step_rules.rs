//! `/admin/reglas`: the W3 rule table in plain Spanish, with a preview of the steps an order of a
//! kind and client would get now; administrators only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::templates as repo;
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::domain::step_rule::{KINDS, RuleForm, TEMPLATE_SETS, describe, kind_name, set_name};
use crate::error::AppError;
use crate::services::Actor;
use crate::services::ServiceError;
use crate::services::step_setup;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::options::SelectOption;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::form_outcome;
use crate::web::response::see_other;

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
        id.and_then(|id| catalogs.get(CatalogKind::Client, id))
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
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_rules::rules")
)]
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
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_rules::add_rule")
)]
pub async fn add_rule(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
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
                &flasher,
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
    fields(handler = "admin::step_rules::change_rule")
)]
pub async fn change_rule(
    state: web::Data<AppState>,
    flasher: Flasher,
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
            &flasher,
            true,
            "Regla cambiada: aplica a la próxima OT que se cree.",
        ),
        Err((_, errors)) => flash(&flasher, false, errors.messages().join(" ")),
    }
    Ok(see_other("/admin/reglas"))
}

/// `POST /admin/reglas/{id}/eliminar`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::step_rules::delete_rule")
)]
pub async fn delete_rule(
    state: web::Data<AppState>,
    flasher: Flasher,
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
            &flasher,
            true,
            "Regla eliminada: ese cliente sigue la regla general.",
        ),
        Err(ServiceError::Conflict(msg)) => flash(&flasher, false, msg),
        Err(ServiceError::Invalid(e) | ServiceError::Duplicate(e)) => {
            flash(&flasher, false, e.messages().join(" "));
        }
        Err(ServiceError::NotFound) => return Err(AppError::NotFound),
        Err(ServiceError::Db(e)) => return Err(e.into()),
    }
    Ok(see_other("/admin/reglas"))
}
