//! `GET /`: the start page.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::error::AppError;
use crate::web::page::{PageCtx, render};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
}

pub async fn home(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &HomePage { ctx })
}
