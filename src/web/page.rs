//! The context every page carries (user, CSRF token, flash message), and rendering helpers.

use std::future::{Ready, ready};

use actix_session::{Session, SessionExt};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, dev::Payload};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::web::auth::{CurrentUser, csrf};

const FLASH_KEY: &str = "flash";

/// A one-time message shown on the next page (post/redirect/get).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `ok` or `error`: picks the colour.
    pub kind: String,
    pub text: String,
}

/// Stores a message for the next page the user sees.
pub fn flash(session: &Session, ok: bool, text: impl Into<String>) {
    let message = Flash {
        kind: if ok { "ok" } else { "error" }.to_owned(),
        text: text.into(),
    };
    if let Err(e) = session.insert(FLASH_KEY, message) {
        tracing::error!(error = %e, "cannot store a flash message");
    }
}

/// Stores a warning (saved, but look at this) for the next page.
pub fn flash_warn(session: &Session, text: impl Into<String>) {
    let message = Flash {
        kind: "warn".to_owned(),
        text: text.into(),
    };
    if let Err(e) = session.insert(FLASH_KEY, message) {
        tracing::error!(error = %e, "cannot store a flash message");
    }
}

/// What the base layout needs.
#[derive(Debug, Clone, Default)]
pub struct PageCtx {
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flash: Option<Flash>,
}

impl PageCtx {
    /// For pages rendered without a request (error pages): no user, no forms.
    pub fn anonymous() -> PageCtx {
        PageCtx::default()
    }

    pub fn role_label(&self) -> &'static str {
        self.user.as_ref().map(|u| u.role.label()).unwrap_or("")
    }
}

impl FromRequest for PageCtx {
    type Error = AppError;
    type Future = Ready<Result<PageCtx, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        // `remove` marks the session changed (a row write) even when the key is absent: only
        // remove a flash that is there.
        let flash = if session.contains_key(FLASH_KEY) {
            session.remove_as::<Flash>(FLASH_KEY).and_then(Result::ok)
        } else {
            None
        };
        let user = req.extensions().get::<CurrentUser>().cloned();
        // A visitor without a session gets the signed token of the nonce cookie (set by the
        // login page): nothing is stored for them on the server.
        let token = match &user {
            Some(_) => csrf::token(&session),
            None => anonymous_token(req).unwrap_or_default(),
        };
        ready(Ok(PageCtx {
            user,
            csrf: token,
            flash,
        }))
    }
}

/// The login form's token from the visitor's nonce cookie, when there is one.
pub fn anonymous_token(req: &HttpRequest) -> Option<String> {
    let key = req
        .app_data::<actix_web::web::Data<crate::web::AppState>>()?
        .csrf_key
        .clone();
    let nonce = csrf::anon_nonce(req.cookie(csrf::ANON_COOKIE).as_ref().map(|c| c.value()))?;
    Some(csrf::anon_token(&key, &nonce))
}

/// User text for markup written by hand (the server-built SVG charts): `<`, `>`, `&`, quotes
/// escaped.
pub fn xml_text(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// Renders a template with a status (200 for pages, 422 for a form with errors).
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page.render()?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

/// The Spanish 403/404/500 page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub status: u16,
    pub title: String,
    pub message: String,
}
