//! The CSRF check, made once for every request that may change something: a page form posted
//! without the token of this browser's session (or pre-session, for the login form) is refused
//! before any handler runs. The API is exempt because it reads no cookie: a bearer token is
//! never sent by a browser on its own.

use crate::kit::auth::Viewer;
use crate::kit::error::PageError;
use crate::kit::state::AppState;
use crate::kit::views::{PageCtx, encode_component};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_crypto::constant_time_eq;

/// The name of the form field that carries the token.
pub const CSRF_FIELD: &str = "csrf";

/// The token field of any posted form; the form's other fields are the handler's.
#[derive(serde::Deserialize)]
struct Token {
    csrf: Option<String>,
}

/// Largest form the check reads; the router refuses larger bodies before this.
const MAX_FORM: usize = 256 * 1024;

/// Whether a request may change state and so must carry the token.
pub fn needs_token(method: &Method, path: &str) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) && !path.starts_with("/api/")
}

pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !needs_token(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(viewer) = Viewer::from_request_parts(&mut parts, &state).await;
    let ctx = PageCtx::new(&state.keys, &viewer, "");
    // A form that sends a file is as large as the route lets it be (the body limit outside this
    // check); any other is a small form.
    let multipart = is_multipart(&parts.headers);
    // A file is read only for someone signed in: anyone else is sent to sign in (or refused)
    // before a large body is taken into memory.
    if multipart && viewer.user.is_none() {
        return Redirect::to(&format!("/login?next={}", encode_component(&viewer.path)))
            .into_response();
    }
    let limit = if multipart { usize::MAX } else { MAX_FORM };
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return PageError::new(
            &ctx,
            StatusCode::PAYLOAD_TOO_LARGE,
            "error-bad-request-title",
            ctx.t("error-invalid"),
        )
        .into_response();
    };
    let expected = viewer.csrf_token(&state.keys);
    let submitted = if multipart {
        multipart_token(&parts.headers, bytes.clone()).await
    } else {
        serde_html_form::from_bytes::<Token>(&bytes)
            .ok()
            .and_then(|t| t.csrf)
    };
    match submitted.as_deref() {
        Some(token) if constant_time_eq(token, &expected) => {
            // The handler reads the same viewer instead of looking the session up again.
            parts.extensions.insert(viewer);
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        // Someone signed out (or whose session ran out) is sent to sign in and come back, as
        // before any form; nothing was done. The sign-in form itself is the exception: its
        // token protects the pre-session.
        _ if viewer.user.is_none() && parts.uri.path() != "/login" => {
            Redirect::to(&format!("/login?next={}", encode_component(&viewer.path))).into_response()
        }
        _ => PageError::csrf(&ctx).into_response(),
    }
}

fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// How far into a form that sends a file its token is looked for: the pages put it first.
const TOKEN_WITHIN: usize = 64 * 1024;

/// The token field of a form that sends a file: the parts within its first [`TOKEN_WITHIN`]
/// bytes are read in order until it comes; the file after it is not parsed here.
async fn multipart_token(
    headers: &axum::http::HeaderMap,
    bytes: axum::body::Bytes,
) -> Option<String> {
    use axum::extract::FromRequest;
    let start = bytes.slice(..bytes.len().min(TOKEN_WITHIN));
    let mut request = Request::new(Body::from(start));
    *request.headers_mut() = headers.clone();
    let mut form = axum::extract::Multipart::from_request(request, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(CSRF_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}
