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
use futures_util::StreamExt;
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
    let expected = viewer.csrf_token(&state.keys);
    // A form that sends a file is read here only as far as its token (the page puts it first);
    // the rest is passed on unread, for the handler to read once it has checked who may send
    // one. Any other form is small and read whole.
    let (submitted, body) = if multipart {
        let (start, rest) = match read_start(body, TOKEN_WITHIN).await {
            Ok(split) => split,
            Err(()) => {
                return PageError::new(
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    "error-bad-request-title",
                    ctx.t("error-invalid"),
                )
                .into_response();
            }
        };
        let token =
            multipart_token(&parts.headers, start.slice(..start.len().min(TOKEN_WITHIN))).await;
        let whole = Body::from_stream(
            futures_util::stream::once(async move { Ok::<_, axum::Error>(start) })
                .chain(rest.into_data_stream()),
        );
        (token, whole)
    } else {
        let bytes = match axum::body::to_bytes(body, MAX_FORM).await {
            Ok(bytes) => bytes,
            // Over the form's limit: said as such, with the limit.
            Err(e) if is_over_limit(&e) => {
                let size = crate::kit::security::size_in_words(MAX_FORM);
                return PageError::new(
                    &ctx,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "error-too-large-title",
                    ctx.tr
                        .t_with("error-too-large-page", &[("size", size.into())]),
                )
                .into_response();
            }
            // A body that broke off or does not parse as one.
            Err(_) => {
                return PageError::new(
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    "error-bad-request-title",
                    ctx.t("error-invalid"),
                )
                .into_response();
            }
        };
        let token = serde_html_form::from_bytes::<Token>(&bytes)
            .ok()
            .and_then(|t| t.csrf);
        (token, Body::from(bytes))
    };
    match submitted.as_deref() {
        Some(token) if constant_time_eq(token, &expected) => {
            // The handler reads the same viewer instead of looking the session up again.
            parts.extensions.insert(viewer);
            next.run(Request::from_parts(parts, body)).await
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

/// The first `at_least` bytes of a body (or all of it, when shorter), and the body after them.
async fn read_start(mut body: Body, at_least: usize) -> Result<(axum::body::Bytes, Body), ()> {
    use http_body_util::BodyExt;
    let mut start = Vec::new();
    while start.len() < at_least {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    start.extend_from_slice(&data);
                }
            }
            Some(Err(_)) => return Err(()),
            None => break,
        }
    }
    Ok((start.into(), body))
}

/// The token field of a form that sends a file, looked for in the parts of its start (what
/// [`read_start`] read): they are read in order until it comes.
async fn multipart_token(
    headers: &axum::http::HeaderMap,
    start: axum::body::Bytes,
) -> Option<String> {
    use axum::extract::FromRequest;
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

/// Whether reading a body failed because it is longer than the limit (as against a body that
/// broke off): the error's chain holds the limit's own error.
fn is_over_limit(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}
