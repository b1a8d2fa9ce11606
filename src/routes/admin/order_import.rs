//! `/admin/importar-ots`: historical orders from the legacy `OT_IMPORTAR.xlsx` layout (W21).
//! Upload → preview (what would be created and updated; nothing written) → confirm (the held
//! upload is written in one transaction). A refused file lists its rows and offers the error
//! workbook.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::domain::annex::RowError;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::annexes::{ERRORS_SHOWN, MAX_FILE_BYTES};
use crate::services::order_import::{self, Plan, Refusal};
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::see_other;
use crate::web::{blocking, upload};

#[derive(Template)]
#[template(path = "admin/order_import.html")]
struct ImportPage {
    ctx: PageCtx,
    message: Option<String>,
    errors: Vec<RowError>,
    report: Option<String>,
    plan: Option<Plan>,
    /// The held upload the preview's "Importar" confirms.
    held: Option<i32>,
    file_name: String,
}

impl ImportPage {
    fn empty(ctx: PageCtx) -> ImportPage {
        ImportPage {
            ctx,
            message: None,
            errors: Vec::new(),
            report: None,
            plan: None,
            held: None,
            file_name: String::new(),
        }
    }
}

/// `GET /admin/importar-ots`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::order_import::page")
)]
pub async fn page(ctx: PageCtx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    render(StatusCode::OK, &ImportPage::empty(ctx))
}

/// A refusal as the page shows it (the error workbook stored for download).
async fn refused(
    state: &web::Data<AppState>,
    mut page: ImportPage,
    user: &CurrentUser,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    match refusal {
        Refusal::File(msg) => page.message = Some(msg),
        Refusal::Rows(errors, book) => {
            page.message = Some(format!(
                "No se importó nada: {} filas tienen errores.",
                errors.len()
            ));
            page.errors = errors.into_iter().take(ERRORS_SHOWN).collect();
            if let Some(book) = book {
                let user_id = user.id;
                let id = blocking(state, move |c| {
                    order_import::store_errors(
                        c,
                        user_id,
                        "ot-historicas-errores.xlsx",
                        &book,
                        Utc::now().naive_utc(),
                    )
                })
                .await??;
                page.report = Some(format!("/admin/conceptos/errores/{id}"));
            }
        }
        Refusal::Database(e) => return Err(e.into()),
        Refusal::Preview(_) => return Err(AppError::NotFound),
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `POST /admin/importar-ots`: the upload's preview (nothing written).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::order_import::preview")
)]
pub async fn preview(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let mut page = ImportPage::empty(ctx);
    let file =
        match upload::read(form, "archivo", MAX_FILE_BYTES, "Elija el archivo (.xlsx).").await {
            Ok(f) => f,
            Err(msg) => return refused(&state, page, &user, Refusal::File(msg)).await,
        };
    let actor = Actor::from(&user);
    let user_id = user.id;
    let name = file.file_name.clone();
    let result = blocking(&state, move |c| -> Result<_, diesel::result::Error> {
        let now = Utc::now().naive_utc();
        Ok(
            match order_import::import(c, &file.bytes, false, &actor, now) {
                Ok(plan) => Ok((
                    plan,
                    order_import::hold(c, user_id, &file.file_name, &file.bytes, now)?,
                )),
                Err(r) => Err(r),
            },
        )
    })
    .await??;
    page.file_name = name;
    match result {
        Ok((plan, held)) => {
            page.plan = Some(plan);
            page.held = Some(held);
            render(StatusCode::OK, &page)
        }
        Err(refusal) => refused(&state, page, &user, refusal).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    pendiente: String,
}

/// `POST /admin/importar-ots/confirmar`: writes the previewed upload.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::order_import::confirm")
)]
pub async fn confirm(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id: i32 = form
        .pendiente
        .trim()
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let actor = Actor::from(&user);
    let user_id = user.id;
    let result = blocking(&state, move |c| -> Result<_, diesel::result::Error> {
        let Some((name, bytes)) = order_import::held(c, id, user_id)? else {
            return Ok(None);
        };
        Ok(Some((
            name,
            order_import::import(c, &bytes, true, &actor, Utc::now().naive_utc()),
        )))
    })
    .await??;
    let Some((name, result)) = result else {
        let mut page = ImportPage::empty(ctx);
        page.message =
            Some("La vista previa ya no está disponible: vuelva a subir el archivo.".into());
        return render(StatusCode::NOT_FOUND, &page);
    };
    match result {
        Ok(plan) => {
            flash(
                &flasher,
                true,
                format!(
                    "«{name}» importado: {} OT iniciales nuevas, {} actualizadas, {} reprogramaciones, {} PTE nuevas.",
                    plan.created.len(),
                    plan.updated.len(),
                    plan.reprogrammings.len(),
                    plan.new_ptes.len()
                ),
            );
            Ok(see_other("/ot?tipo=todos"))
        }
        Err(refusal) => {
            let mut page = ImportPage::empty(ctx);
            page.file_name = name;
            refused(&state, page, &user, refusal).await
        }
    }
}
