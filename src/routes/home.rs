//! `GET /`: the work-order list is the start page.

use actix_web::HttpResponse;

use crate::web::response::see_other;

#[tracing::instrument(name = "handler", skip_all, fields(handler = "home::home"))]
pub async fn home() -> HttpResponse {
    see_other("/ot")
}
