//! CSRF protection: a synchronizer token bound to the session, checked on every state-changing
//! request, plus a same-origin check on the browser's `Origin` and `Sec-Fetch-Site` headers.

use actix_session::Session;
use actix_web::HttpMessage;
use actix_web::dev::{Payload, ServiceRequest};
use actix_web::http::{Method, header};
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;
use rand::distr::{Alphanumeric, SampleString};
use subtle::ConstantTimeEq;

/// Session key of the token; form field and header that carry it back.
pub const SESSION_KEY: &str = "csrf";
pub const FORM_FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";

/// Largest form body read while looking for the token; larger bodies are refused (413).
pub const MAX_FORM_BYTES: usize = 256 * 1024;
/// Largest upload (a multipart form: the file plus its few fields): workbooks of the annex and
/// the concept catalog.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024 + 64 * 1024;
/// Largest schedule upload (an MS Project XML of up to 20 MiB, or a workbook).
pub const MAX_SCHEDULE_UPLOAD_BYTES: usize = 20 * 1024 * 1024 + 64 * 1024;

/// The cookie that carries a visitor's nonce before login (signed double submit: no server
/// state for anonymous visitors).
pub const ANON_COOKIE: &str = "faena_csrf";

/// The login form's token for a visitor without a session: HMAC-SHA256 of the nonce in the
/// visitor's cookie under the server's key. A page from another site can neither read the
/// cookie nor compute the token.
pub fn anon_token(key: &[u8], nonce: &str) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"faena-login-csrf:");
    mac.update(nonce.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A well-formed nonce from the visitor's cookie.
pub fn anon_nonce(value: Option<&str>) -> Option<String> {
    value
        .filter(|v| v.len() == 40 && v.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_owned)
}

/// The session's token, created on first use.
pub fn token(session: &Session) -> String {
    if let Ok(Some(existing)) = session.get::<String>(SESSION_KEY) {
        return existing;
    }
    let fresh = new_token();
    if let Err(e) = session.insert(SESSION_KEY, &fresh) {
        tracing::error!(error = %e, "cannot store the CSRF token in the session");
    }
    fresh
}

/// A new random token (about 238 bits).
pub fn new_token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 40)
}

/// True for methods that change state and therefore need a token.
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Why a request was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    CrossOrigin,
    BadToken,
    TooLarge,
    /// The body did not arrive within the deadline.
    SlowBody,
}

/// A request body that must arrive whole by `limit` from now: past it the stream yields a
/// `TimedOut` error and ends, so a client sending a byte at a time cannot hold the connection.
pub fn with_deadline(payload: Payload, limit: std::time::Duration) -> Payload {
    use actix_web::error::PayloadError;
    let deadline = std::time::Instant::now() + limit;
    let stream = futures_util::stream::unfold(Some(payload), move |state| async move {
        let mut payload = state?;
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match actix_web::rt::time::timeout(left, payload.next()).await {
            Ok(Some(item)) => Some((item, Some(payload))),
            Ok(None) => None,
            Err(_) => Some((
                Err(PayloadError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "request body deadline",
                ))),
                None,
            )),
        }
    });
    Payload::Stream {
        payload: Box::pin(futures_util::StreamExt::fuse(stream)),
    }
}

fn is_timeout(e: &actix_web::error::PayloadError) -> bool {
    matches!(e, actix_web::error::PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut)
}

/// Checks origin and token; on success the request body is left intact for the handler.
pub async fn verify(
    req: &mut ServiceRequest,
    session: &Session,
    key: &[u8],
) -> Result<(), Refusal> {
    check_origin(req)?;
    let anonymous = req
        .cookie(ANON_COOKIE)
        .and_then(|c| anon_nonce(Some(c.value())))
        .map(|nonce| anon_token(key, &nonce));
    let expected = match session.get::<String>(SESSION_KEY) {
        Ok(Some(t)) => t,
        // Before login (only the public POST /login gets here without a session).
        _ => match anonymous {
            Some(t) if !t.is_empty() => t,
            _ => return Err(Refusal::BadToken),
        },
    };
    let sent = match header_token(req) {
        Some(t) => Some(t),
        None => form_token(req).await?,
    };
    match sent {
        Some(sent) if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        _ => Err(Refusal::BadToken),
    }
}

fn header_token(req: &ServiceRequest) -> Option<String> {
    req.headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Browsers say where a request comes from; anything but this site is refused. Clients that send
/// neither header (scripts, tests) are judged by the token alone.
fn check_origin(req: &ServiceRequest) -> Result<(), Refusal> {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(Refusal::CrossOrigin);
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = req.connection_info().host().to_owned();
        let origin_host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .unwrap_or("");
        if origin_host != host {
            return Err(Refusal::CrossOrigin);
        }
    }
    Ok(())
}

/// Reads an urlencoded or multipart body (bounded) for the token field, then puts the body back
/// for the handler.
async fn form_token(req: &mut ServiceRequest) -> Result<Option<String>, Refusal> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok(None);
    }
    let limit = match upload_limit(req.path()) {
        Some(limit) if multipart => limit,
        _ => MAX_FORM_BYTES,
    };
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            if is_timeout(&e) {
                Refusal::SlowBody
            } else {
                Refusal::BadToken
            }
        })?;
        if body.len() + chunk.len() > limit {
            return Err(Refusal::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let body: Bytes = body.freeze();
    let token = if multipart {
        multipart_token(req.headers(), body.clone()).await
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .ok()
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == FORM_FIELD)
                    .map(|(_, v)| v)
            })
    };
    req.set_payload(Payload::from(body));
    Ok(token)
}

/// The routes that take a file: only they may post a body larger than a form.
pub fn accepts_uploads(path: &str) -> bool {
    upload_limit(path).is_some()
}

/// The body limit of a route that takes a file, `None` for every other route.
pub fn upload_limit(path: &str) -> Option<usize> {
    let order_path = |suffix: &str| {
        path.strip_prefix("/ot/")
            .and_then(|rest| rest.strip_suffix(suffix))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
    };
    if path == "/admin/conceptos/importar" || order_path("/anexo") {
        Some(MAX_UPLOAD_BYTES)
    } else if order_path("/programa")
        || order_path("/programa/avance")
        || path == "/operaciones/ot/importar-mpp/"
    {
        Some(MAX_SCHEDULE_UPLOAD_BYTES)
    } else {
        None
    }
}

/// The token field of a buffered multipart body.
async fn multipart_token(headers: &header::HeaderMap, body: Bytes) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok(body) });
    let mut parts = actix_multipart::Multipart::new(headers, stream);
    while let Some(Ok(mut field)) = parts.next().await {
        if field.name() != Some(FORM_FIELD) {
            continue;
        }
        let mut value = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            value.extend_from_slice(&chunk);
            if value.len() > 256 {
                return None;
            }
        }
        return String::from_utf8(value).ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_token_is_bound_to_the_key_and_the_nonce() {
        let nonce = new_token();
        let t = anon_token(b"key-one", &nonce);
        assert_eq!(t.len(), 64);
        assert_eq!(t, anon_token(b"key-one", &nonce));
        assert_ne!(t, anon_token(b"key-two", &nonce));
        assert_ne!(t, anon_token(b"key-one", &new_token()));
        assert_eq!(anon_nonce(Some(&nonce)), Some(nonce));
        assert_eq!(anon_nonce(Some("short")), None);
    }

    #[test]
    fn only_the_upload_routes_take_large_bodies() {
        assert!(accepts_uploads("/ot/12/anexo"));
        assert!(accepts_uploads("/admin/conceptos/importar"));
        assert_eq!(
            upload_limit("/ot/12/programa"),
            Some(MAX_SCHEDULE_UPLOAD_BYTES)
        );
        assert_eq!(
            upload_limit("/ot/12/programa/avance"),
            Some(MAX_SCHEDULE_UPLOAD_BYTES)
        );
        assert_eq!(upload_limit("/ot/12/anexo"), Some(MAX_UPLOAD_BYTES));
        for path in [
            "/ot/12/programa/tareas/3/avance",
            "/ot",
            "/ot/12",
            "/ot/x/anexo",
            "/ot//anexo",
            "/login",
            "/ot/12/anexo/x",
        ] {
            assert!(!accepts_uploads(path), "{path}");
        }
    }
}
