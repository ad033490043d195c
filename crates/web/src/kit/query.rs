//! The query string of a page or an API route, read so that a malformed one (a repeated key, a
//! value of the wrong kind) is answered like any other bad request: an error page in the
//! user's language for pages, the API's JSON error for the API — never the framework's plain
//! text.

use crate::kit::auth::Viewer;
use crate::kit::error::{ApiError, PageError};
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

fn parse<T: DeserializeOwned>(parts: &Parts) -> Result<T, String> {
    serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).map_err(|e| e.to_string())
}

/// A page's query string.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match parse(parts) {
            Ok(value) => Ok(PageQuery(value)),
            Err(detail) => {
                let viewer = Viewer::from_request_parts(parts, state)
                    .await
                    .unwrap_or_else(|never| match never {});
                let ctx = PageCtx::new(&state.keys, &viewer, "");
                let message = ctx.tr.t_with("error-query", &[("detail", detail.into())]);
                Err(PageError::bad_request(&ctx, message))
            }
        }
    }
}

/// An API route's query string.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // `?per_page=` asks for nothing: the document says what each parameter holds, and none
        // holds nothing, so an API client that sent one has a bug worth being told of (a page's
        // form, by contrast, sends its empty fields, and PageQuery takes them as absent).
        let nul =
            serde_urlencoded::from_str::<Vec<(String, String)>>(parts.uri.query().unwrap_or(""))
                .is_ok_and(|pairs| {
                    pairs
                        .iter()
                        .any(|(k, v)| k.contains('\0') || v.contains('\0'))
                });
        if nul {
            crate::kit::api::caller(state, &parts.headers).await?;
            let tr = crate::kit::auth::request_tr(state, &parts.headers);
            return Err(crate::kit::api::nul_refused(&tr));
        }
        let refusal = match (parse(parts), empty_parameter(parts)) {
            (Ok(value), None) => return Ok(ApiQuery(value)),
            (Err(detail), _) => ("error-query", "detail", detail),
            (Ok(_), Some(name)) => ("error-query-empty", "name", name),
        };
        // The query is read before the handler asks who calls: a caller without a valid token
        // is told that first, as on every other route, not what is wrong with the address.
        crate::kit::api::caller(state, &parts.headers).await?;
        let tr = crate::kit::auth::request_tr(state, &parts.headers);
        let (message, argument, value) = refusal;
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            tr.t_with(message, &[(argument, value.into())]),
        ))
    }
}

/// The first parameter of the query string given without a value (`?after=` or `?after`).
fn empty_parameter(parts: &Parts) -> Option<String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).ok()?;
    pairs
        .into_iter()
        .find(|(_, value)| value.is_empty())
        .map(|(name, _)| name)
}

/// A page's path parameters: a segment that does not decode (`/cases/%FF`) is a page that does
/// not exist, shown as the not-found page in the user's language.
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PagePath<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PagePath(value)),
            Err(_) => {
                let viewer = Viewer::from_request_parts(parts, state)
                    .await
                    .unwrap_or_else(|never| match never {});
                Err(PageError::not_found(&PageCtx::new(
                    &state.keys,
                    &viewer,
                    "",
                )))
            }
        }
    }
}

/// An API route's path parameters: one that does not decode is the API's JSON "not found".
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(_) => Err(ApiError::not_found(&crate::kit::auth::request_tr(
                state,
                &parts.headers,
            ))),
        }
    }
}

/// A place in a list as an API parameter states it (`after`, `older`, `newer`): the time in
/// milliseconds in at most 15 digits (enough until the year 33658; a link never holds more), a
/// dot and an id. Anything else, spaces around it included, is no place.
pub fn api_place(text: &str) -> Option<mnir_store::ListPlace> {
    let (ms, _) = text.split_once('.')?;
    if ms.len() > 15 {
        return None;
    }
    text.parse().ok()
}
