//! `/admin/tipo-de-cambio`: the MXN/USD exchange rate with the date it applies from (W14:
//! homologated totals use it, never a constant); administrators only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;

use crate::db::annexes as repo;
use crate::domain::annex::{PRICE_SCALE, format_scaled};
use crate::domain::format;
use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::annexes::RateForm;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::form_outcome;
use crate::web::response::see_other;

/// A rate as listed.
pub struct RateRow {
    pub rate: String,
    pub valid_on: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "admin/rate.html")]
struct RatePage {
    ctx: PageCtx,
    rates: Vec<RateRow>,
    form: RateForm,
    errors: FieldErrors,
}

async fn show_rates(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    form: RateForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let rates = blocking(state, |c| repo::rates(c, 50)).await??;
    let rates = rates
        .into_iter()
        .map(|r| RateRow {
            rate: format_scaled(r.rate, PRICE_SCALE),
            valid_on: format::date(Some(r.valid_on)),
            by: r.username,
            at: format::timestamp(r.created_at),
        })
        .collect();
    render(
        status,
        &RatePage {
            ctx,
            rates,
            form,
            errors,
        },
    )
}

/// `GET /admin/tipo-de-cambio`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::exchange_rate::rate_page")
)]
pub async fn rate_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let form = RateForm::default();
    show_rates(&state, ctx, StatusCode::OK, form, FieldErrors::default()).await
}

/// `POST /admin/tipo-de-cambio`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::exchange_rate::set_rate")
)]
pub async fn set_rate(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    form: web::Form<RateForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let form = form.into_inner();
    let (posted, actor) = (form.clone(), Actor::from(&user));
    let result = blocking(&state, move |c| {
        crate::services::annexes::set_rate(c, &posted, &actor, Utc::now().naive_utc())
    })
    .await?;
    match form_outcome(result)? {
        Ok(_) => {
            flash(
                &flasher,
                true,
                "Tipo de cambio registrado: los totales homologados lo usan desde ahora.",
            );
            Ok(see_other("/admin/tipo-de-cambio"))
        }
        Err((status, errors)) => show_rates(&state, ctx, status, form, errors).await,
    }
}
