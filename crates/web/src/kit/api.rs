//! What every API handler shares: the caller behind the bearer token with the language of
//! `Accept-Language`, the JSON body read with an error in that language, and times as RFC 3339.

use crate::kit::auth::bearer_user;
use crate::kit::error::ApiError;
use crate::kit::i18n::Tr;
use crate::kit::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use mnir_app::Who;
use mnir_store::User;
use serde::Deserialize;

/// The signed-in caller of an API route.
pub struct Caller {
    pub user: User,
    pub tr: Tr,
}

pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let tr = crate::kit::auth::request_tr(state, headers);
    let user = bearer_user(state, headers)
        .await
        .ok_or_else(|| ApiError::unauthorized(&tr))?;
    Ok(Caller { user, tr })
}

/// The caller acting through the API.
pub fn who<'a>(state: &AppState, user: &'a User) -> Who<'a> {
    state.app.who(user, "api")
}

/// Whether any number of `value` was written with a decimal point though it is whole (`3.0`),
/// now made an integer: JSON Schema counts such a number as an integer, so a field the document
/// types `integer` takes it.
fn whole_numbers_as_integers(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let Some(f) = n.as_f64() else { return false };
            // Within the range where every whole f64 is an exact i64.
            if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                *value = Value::from(f as i64);
                true
            } else {
                false
            }
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
            whole_numbers_as_integers(item) | changed
        }),
        Value::Object(map) => map.values_mut().fold(false, |changed, item| {
            whole_numbers_as_integers(item) | changed
        }),
        _ => false,
    }
}

pub fn parse_json<T: for<'de> Deserialize<'de>>(tr: &Tr, body: &Bytes) -> Result<T, ApiError> {
    // Read as written first, so that a repeated key stays refused; only a body that failed is
    // read again with its whole numbers made integers, and if that fails too, the first error
    // is the one told.
    let read = serde_json::from_slice::<T>(body).or_else(|error| {
        let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return Err(error);
        };
        if whole_numbers_as_integers(&mut value) {
            serde_json::from_value(value).map_err(|_| error)
        } else {
            Err(error)
        }
    });
    read.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            tr.t_with("error-json", &[("detail", e.to_string().into())]),
        )
    })
}

pub fn rfc3339(at: mnir_store::Timestamp) -> String {
    at.to_utc().to_rfc3339()
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A `201 Created` answer with its JSON body.
pub fn created<T: serde::Serialize>(value: T) -> axum::response::Response {
    use axum::response::IntoResponse;
    (StatusCode::CREATED, axum::Json(value)).into_response()
}

/// Runs a use case for the caller and turns its refusal into the API's error.
macro_rules! answer {
    ($tr:expr, $op:expr) => {
        $op.await.map_err(|e: mnir_app::AppError| e.api(&$tr))?
    };
}
pub(crate) use answer;
