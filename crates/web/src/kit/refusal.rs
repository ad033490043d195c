//! A use case's refusal shown to the user: the pages turn it into an error page, the API into
//! its JSON error, both in the user's language. Nothing below the web crate translates.

use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::i18n::Tr;
use crate::kit::views::PageCtx;
use axum::http::StatusCode;
use mnir_app::{AppError, Arg, FieldIssue, Message};

/// Field issues in the user's language.
pub fn field_errors(tr: &Tr, issues: &[FieldIssue]) -> Vec<FieldError> {
    issues
        .iter()
        .map(|i| FieldError {
            field: i.field.to_string(),
            message: tr.message(&i.message),
        })
        .collect()
}

/// Each refused field's messages by the field's name, for the message beside the field.
pub fn errors_by_field<'a>(
    errors: impl IntoIterator<Item = &'a FieldError>,
) -> std::collections::BTreeMap<String, String> {
    let mut out: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for e in errors {
        out.entry(e.field.clone())
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&e.message);
            })
            .or_insert_with(|| e.message.clone());
    }
    out
}

/// Shows a refusal: as an error page titled `title_key`, or as the API's JSON error.
pub trait Shown {
    fn page(self, ctx: &PageCtx, title_key: &str) -> PageError;
    fn api(self, tr: &Tr) -> ApiError;
}

impl Shown for AppError {
    fn page(self, ctx: &PageCtx, title_key: &str) -> PageError {
        let tr = &ctx.tr;
        match self {
            AppError::NotFound => PageError::not_found(ctx),
            AppError::Denied(d) => PageError::denied(ctx, &d),
            AppError::Forbidden(m) => PageError::forbidden(ctx, tr.message(&m)),
            AppError::Invalid(issues) => PageError::new(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                title_key,
                field_errors(tr, &issues)
                    .into_iter()
                    .map(|f| f.message)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            AppError::Conflict(m) | AppError::Refused { message: m, .. } => {
                PageError::new(ctx, StatusCode::CONFLICT, title_key, tr.message(&m))
            }
            AppError::Wait { seconds } => PageError::new(
                ctx,
                StatusCode::TOO_MANY_REQUESTS,
                title_key,
                tr.message(&wait_message(seconds)),
            ),
            AppError::Internal(cause) => PageError::internal(ctx, cause),
        }
    }

    fn api(self, tr: &Tr) -> ApiError {
        match self {
            AppError::NotFound => ApiError::not_found(tr),
            AppError::Denied(d) => ApiError::denied(tr, &d),
            AppError::Forbidden(m) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", tr.message(&m))
            }
            AppError::Invalid(issues) if issues.iter().all(|i| i.against_records) => {
                ApiError::conflicting(tr, field_errors(tr, &issues))
            }
            AppError::Invalid(issues) => ApiError::invalid(tr, field_errors(tr, &issues)),
            AppError::Conflict(m) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", tr.message(&m))
            }
            AppError::Refused { code, message } => {
                ApiError::new(StatusCode::CONFLICT, code, tr.message(&message))
            }
            AppError::Wait { seconds } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                tr.message(&wait_message(seconds)),
            ),
            AppError::Internal(cause) => ApiError::internal(tr, cause),
        }
    }
}

/// "Too many failed attempts: try again in N seconds", for the sign-in page and every refusal.
pub fn wait_message(seconds: i64) -> Message {
    Message::new("login-wait").with("seconds", Arg::Number(seconds))
}
