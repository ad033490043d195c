//! Why an operation shared by the pages and the API refused, kept apart from how it is shown:
//! the pages turn a refusal into an error page, the API into its JSON error.

use crate::error::{ApiError, FieldError, PageError};
use crate::i18n::Tr;
use crate::views::PageCtx;
use axum::http::StatusCode;
use mnir_domain::Denial;

#[derive(Debug)]
pub enum Refusal {
    NotFound,
    Denied(Denial),
    /// Allowed in general, refused here; the message says why.
    Forbidden(String),
    /// What was sent is wrong, field by field, in the user's language.
    Invalid(Vec<FieldError>),
    /// The thing changed meanwhile (answered, ended, already running).
    Conflict(String),
    Internal(String),
}

impl Refusal {
    pub fn invalid(field: &str, message: String) -> Refusal {
        Refusal::Invalid(vec![FieldError {
            field: field.into(),
            message,
        }])
    }

    /// The error page of a form whose page title is `title_key`.
    pub fn page(self, ctx: &PageCtx, title_key: &str) -> PageError {
        match self {
            Refusal::NotFound => PageError::not_found(ctx),
            Refusal::Denied(d) => PageError::denied(ctx, &d),
            Refusal::Forbidden(m) => PageError::forbidden(ctx, m),
            Refusal::Invalid(fields) => PageError::new(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                title_key,
                fields
                    .into_iter()
                    .map(|f| f.message)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Refusal::Conflict(m) => PageError::new(ctx, StatusCode::CONFLICT, title_key, m),
            Refusal::Internal(cause) => PageError::internal(ctx, cause),
        }
    }

    pub fn api(self, tr: &Tr) -> ApiError {
        match self {
            Refusal::NotFound => ApiError::not_found(tr),
            Refusal::Denied(d) => ApiError::denied(tr, &d),
            Refusal::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            Refusal::Invalid(fields) => ApiError::invalid(tr, fields),
            Refusal::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            Refusal::Internal(cause) => ApiError::internal(tr, cause),
        }
    }
}

impl From<mnir_store::StoreError> for Refusal {
    fn from(e: mnir_store::StoreError) -> Refusal {
        Refusal::Internal(e.to_string())
    }
}

impl From<Denial> for Refusal {
    fn from(d: Denial) -> Refusal {
        Refusal::Denied(d)
    }
}
