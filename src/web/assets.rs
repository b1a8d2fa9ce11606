//! Static assets, compiled into the binary so the app runs from any working directory.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::AppError;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "css/app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../static/css/app.css"),
    },
    Asset {
        path: "css/print.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../static/css/print.css"),
    },
    Asset {
        path: "js/ot-form.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/js/ot-form.js"),
    },
    Asset {
        path: "js/list.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/js/list.js"),
    },
    Asset {
        path: "js/steps.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/js/steps.js"),
    },
    Asset {
        path: "js/print.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/js/print.js"),
    },
];

/// `GET /static/{path}`.
pub async fn serve(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let wanted = path.into_inner();
    let asset = ASSETS
        .iter()
        .find(|a| a.path == wanted)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(asset.body))
}
