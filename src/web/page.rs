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

/// The cookie that carries a one-time message to the next page: signed, so nobody can make the
/// application say something it did not, and no session write for a message (issue 14: a save
/// that answered with a message wrote the session row twice, and each write made every instance
/// read every session again).
pub const FLASH_COOKIE: &str = "faena_aviso";

/// Longest message carried in the cookie, as JSON (cookies hold about 4 KB; base64 adds a third
/// and the signature 65 bytes); a longer one goes through the session row as before.
const COOKIE_FLASH_BYTES: usize = 2_000;

/// How long a message waits for the page that shows it.
const FLASH_SECONDS: i64 = 120;

/// Where a handler leaves a one-time message for the next page (post/redirect/get): the
/// `flash_cookie` middleware writes it into the response.
pub struct Flasher(HttpRequest);

impl FromRequest for Flasher {
    type Error = AppError;
    type Future = Ready<Result<Flasher, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Flasher::of(req)))
    }
}

impl Flasher {
    /// For a handler that has the request at hand.
    pub fn of(req: &HttpRequest) -> Flasher {
        Flasher(req.clone())
    }
}

/// A message a handler left, waiting for the response.
struct PendingFlash(Flash);

/// The request showed (or refused) the message its cookie carried: the response clears it.
struct FlashShown;

/// Whether a message fits in the cookie (measured as JSON: quotes and control characters in a
/// name it quotes take more than one byte each).
fn fits_in_cookie(message: &Flash) -> bool {
    serde_json::to_vec(message).is_ok_and(|json| json.len() <= COOKIE_FLASH_BYTES)
}

fn store(to: &Flasher, message: Flash) {
    if fits_in_cookie(&message) {
        to.0.extensions_mut().insert(PendingFlash(message));
    } else if let Err(e) = to.0.get_session().insert(FLASH_KEY, message) {
        tracing::error!(error = %e, "cannot store a flash message");
    }
}

/// Leaves a message for the next page the user sees.
pub fn flash(to: &Flasher, ok: bool, text: impl Into<String>) {
    store(
        to,
        Flash {
            kind: if ok { "ok" } else { "error" }.to_owned(),
            text: text.into(),
        },
    );
}

/// Leaves a warning (saved, but look at this) for the next page.
pub fn flash_warn(to: &Flasher, text: impl Into<String>) {
    store(
        to,
        Flash {
            kind: "warn".to_owned(),
            text: text.into(),
        },
    );
}

fn flash_mac(key: &[u8], payload: &str) -> Option<hmac::Hmac<sha2::Sha256>> {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).ok()?;
    mac.update(b"faena-flash:");
    mac.update(payload.as_bytes());
    Some(mac)
}

/// `payload.signature`: the message as base64url JSON and its HMAC.
fn encode_flash(key: &[u8], message: &Flash) -> Option<String> {
    use base64::Engine;
    use hmac::Mac;
    let json = serde_json::to_vec(message).ok()?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let signature = hex::encode(flash_mac(key, &payload)?.finalize().into_bytes());
    Some(format!("{payload}.{signature}"))
}

/// The message in a cookie value, if its signature is ours.
fn decode_flash(key: &[u8], value: &str) -> Option<Flash> {
    use base64::Engine;
    use hmac::Mac;
    let (payload, signature) = value.split_once('.')?;
    flash_mac(key, payload)?
        .verify_slice(&hex::decode(signature).ok()?)
        .ok()?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&json).ok()
}

/// The message the request's cookie carries (marked to be cleared, shown or not).
fn cookie_flash(req: &HttpRequest) -> Option<Flash> {
    let cookie = req.cookie(FLASH_COOKIE)?;
    req.extensions_mut().insert(FlashShown);
    let state = req.app_data::<actix_web::web::Data<crate::web::AppState>>()?;
    decode_flash(&state.csrf_key, cookie.value())
}

/// Middleware: writes the message a handler left into the response's cookie, or clears the one
/// the request's page showed.
pub async fn flash_cookie(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::cookie::{Cookie, SameSite, time::Duration};
    let mut res = next.call(req).await?;
    let (pending, shown) = {
        let extensions = res.request().extensions();
        (
            extensions.get::<PendingFlash>().map(|p| p.0.clone()),
            extensions.contains::<FlashShown>(),
        )
    };
    if pending.is_none() && !shown {
        return Ok(res);
    }
    let Some(state) = res
        .request()
        .app_data::<actix_web::web::Data<crate::web::AppState>>()
        .cloned()
    else {
        return Ok(res);
    };
    let (value, age) = match pending.and_then(|m| encode_flash(&state.csrf_key, &m)) {
        Some(value) => (value, Duration::seconds(FLASH_SECONDS)),
        None => (String::new(), Duration::ZERO),
    };
    let cookie = Cookie::build(FLASH_COOKIE, value)
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(age)
        .finish();
    if let Err(e) = res.response_mut().add_cookie(&cookie) {
        tracing::error!(error = %e, "cannot set the flash cookie");
    }
    Ok(res)
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

/// Takes a value a previous request left in the session (a message, a draft), if it is there.
/// Only then is the session changed: `Session::remove` marks it changed even when the key is
/// absent, and a changed session is a row write after which every instance reads its sessions
/// again.
pub fn take<T: serde::de::DeserializeOwned>(session: &Session, key: &str) -> Option<T> {
    if !session.contains_key(key) {
        return None;
    }
    session.remove_as::<T>(key).and_then(Result::ok)
}

impl FromRequest for PageCtx {
    type Error = AppError;
    type Future = Ready<Result<PageCtx, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let flash = cookie_flash(req).or_else(|| take(&session, FLASH_KEY));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> Flash {
        Flash {
            kind: "ok".to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn a_signed_message_reads_back_and_a_changed_one_does_not() {
        let key = b"a key of some length for the test";
        let m = message("OT creada con 6 pasos. «Reparación» <b>");
        let value = encode_flash(key, &m).unwrap();
        let back = decode_flash(key, &value).unwrap();
        assert_eq!((back.kind, back.text), (m.kind.clone(), m.text.clone()));
        assert!(decode_flash(b"another key", &value).is_none());
        let (payload, signature) = value.split_once('.').unwrap();
        let other = encode_flash(key, &message("Otro texto")).unwrap();
        let (other_payload, _) = other.split_once('.').unwrap();
        assert!(decode_flash(key, &format!("{other_payload}.{signature}")).is_none());
        assert!(decode_flash(key, payload).is_none());
        assert!(decode_flash(key, "").is_none());
    }

    #[test]
    fn a_message_fits_in_the_cookie_by_its_encoded_size() {
        assert!(fits_in_cookie(&message(&"a".repeat(1_900))));
        assert!(!fits_in_cookie(&message(&"a".repeat(2_100))));
        // 1,000 quotes are 2,000 bytes of JSON: the session carries it.
        assert!(!fits_in_cookie(&message(&"\"".repeat(1_000))));
        let key = b"k";
        let fits = message(&"\"".repeat(900));
        assert!(fits_in_cookie(&fits));
        assert!(encode_flash(key, &fits).unwrap().len() < 4_000);
    }
}
