//! `GET /`: the work-order list is the start page.

use actix_web::HttpResponse;

use crate::web::response::see_other;

pub async fn home() -> HttpResponse {
    see_other("/ot")
}
