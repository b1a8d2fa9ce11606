//! `/admin/empresa`: the company's name printed at the top of OT printouts (administrators).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;

use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::company::{self, CompanyForm, MAX_CHARS};
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::{form_outcome, see_other};

#[derive(Template)]
#[template(path = "admin/company.html")]
struct CompanyPage {
    ctx: PageCtx,
    form: CompanyForm,
    errors: FieldErrors,
    max: usize,
}

/// `GET /admin/empresa`
#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::company::page"))]
pub async fn page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let name = blocking(&state, company::name).await??;
    render(
        StatusCode::OK,
        &CompanyPage {
            ctx,
            form: CompanyForm {
                nombre_empresa: name,
            },
            errors: FieldErrors::default(),
            max: MAX_CHARS,
        },
    )
}

/// `POST /admin/empresa`
#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::company::save"))]
pub async fn save(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    form: web::Form<CompanyForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let form = form.into_inner();
    let submitted = form.clone();
    let actor = Actor::from(&user);
    let result = blocking(&state, move |c| {
        company::set_name(c, &submitted, &actor, Utc::now().naive_utc())
    })
    .await?;
    match form_outcome(result)? {
        Ok(()) => {
            flash(&flasher, true, "Nombre de la empresa guardado.");
            Ok(see_other("/admin/empresa"))
        }
        Err((status, errors)) => render(
            status,
            &CompanyPage {
                ctx,
                form,
                errors,
                max: MAX_CHARS,
            },
        ),
    }
}
