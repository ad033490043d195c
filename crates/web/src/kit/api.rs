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

/// Whether an object of the JSON text `body` names a key twice (which `serde_json::Value` would
/// keep silently, the last one winning, where a struct refuses it).
fn has_repeated_key(body: &[u8]) -> bool {
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
    struct Walk;
    impl<'de> Visitor<'de> for Walk {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut seen = std::collections::HashSet::new();
            let mut repeated = false;
            while let Some(key) = map.next_key::<String>()? {
                repeated |= !seen.insert(key);
                repeated |= map.next_value_seed(Walk)?;
            }
            Ok(repeated)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<bool, A::Error> {
            let mut repeated = false;
            while let Some(inner) = items.next_element_seed(Walk)? {
                repeated |= inner;
            }
            Ok(repeated)
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    impl<'de> serde::de::DeserializeSeed<'de> for Walk {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(self)
        }
    }
    let mut reader = serde_json::Deserializer::from_slice(body);
    serde::de::DeserializeSeed::deserialize(Walk, &mut reader).unwrap_or(true)
}

pub fn parse_json<T: for<'de> Deserialize<'de>>(tr: &Tr, body: &Bytes) -> Result<T, ApiError> {
    // Read as written first; only a body refused for a decimal number where an integer goes,
    // and naming no key twice, is read again with its whole numbers made integers. If that
    // fails too, the first error is the one told.
    let read = serde_json::from_slice::<T>(body).or_else(|error| {
        if !error.to_string().contains("invalid type: floating point") || has_repeated_key(body) {
            return Err(error);
        }
        let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return Err(error);
        };
        if whole_numbers_as_integers(&mut value) {
            serde_json::from_value(value).map_err(|_| error)
        } else {
            Err(error)
        }
    });
    let read = read.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            tr.t_with("error-json", &[("detail", e.to_string().into())]),
        )
    })?;
    // JSON may carry U+0000 in a text; no one types it, and PostgreSQL cannot keep it in a
    // text column, so it is refused before anything reads the body (the document says so).
    if body_has_nul_text(body) {
        return Err(nul_refused(tr));
    }
    Ok(read)
}

/// The refusal of a text holding U+0000, in a body or an address.
pub fn nul_refused(tr: &Tr) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid", tr.t("error-nul"))
}

/// Whether a string of the JSON text `body` (a key or a value) holds U+0000, which JSON can
/// only write escaped.
fn body_has_nul_text(body: &[u8]) -> bool {
    body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
        && serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| holds_nul(&v))
}

fn holds_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_number_with_a_point_is_an_integer_and_a_fraction_is_not() {
        let mut value = serde_json::json!({"a": [3.0, 2.5, -0.0], "b": {"c": 7}});
        assert!(whole_numbers_as_integers(&mut value));
        assert_eq!(value, serde_json::json!({"a": [3, 2.5, 0], "b": {"c": 7}}));
        let mut plain = serde_json::json!({"a": 1, "b": "3.0"});
        assert!(!whole_numbers_as_integers(&mut plain));
    }

    #[test]
    fn a_nul_in_any_text_of_a_body_is_found_and_an_escaped_backslash_is_not() {
        assert!(body_has_nul_text(br#"{"a": ["x\u0000y"]}"#));
        assert!(body_has_nul_text(br#"{"k\u0000": 1}"#));
        assert!(
            !body_has_nul_text(br#"{"a": "\\u0000"}"#),
            "a backslash, then u0000"
        );
        assert!(!body_has_nul_text(br#"{"a": "fine"}"#));
    }

    #[test]
    fn a_repeated_key_is_found_at_any_depth() {
        assert!(has_repeated_key(br#"{"a": 1, "a": 2}"#));
        assert!(has_repeated_key(br#"{"a": [{"b": 1, "b": 1}]}"#));
        assert!(!has_repeated_key(
            br#"{"a": [{"b": 1}, {"b": 2}], "c": {"b": 3}}"#
        ));
    }
}
