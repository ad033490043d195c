use crate::kit::state::AppState;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'";

/// Headers every response carries. Pages hold personal data, so nothing may be cached, framed
/// or sent on as a referrer.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// The largest body of a request, but on the routes that take files.
pub const MAX_BODY: usize = 256 * 1024;

/// The routes whose bodies are files (an import), and how large those may be.
#[derive(Clone, Copy)]
pub struct LargeBodies {
    pub paths: &'static [&'static str],
    pub max: usize,
}

/// The limit a refused body was over, for the message that names it.
#[derive(Clone, Copy, Debug)]
pub struct RefusedAbove(pub usize);

/// A size as the limits are written: whole MiB or KiB.
pub fn size_in_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// Refuses a body larger than the route takes (413), before anything reads it: forms and JSON
/// are small, while an import carries a whole file. A body that says nothing of its length is
/// cut off at the limit as it is read.
pub async fn body_limit(
    State(large): State<LargeBodies>,
    request: Request,
    next: Next,
) -> Response {
    let limit = if large.paths.contains(&request.uri().path()) {
        large.max
    } else {
        MAX_BODY
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let mut refused =
            axum::response::IntoResponse::into_response(axum::http::StatusCode::PAYLOAD_TOO_LARGE);
        refused.extensions_mut().insert(RefusedAbove(limit));
        return refused;
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}
