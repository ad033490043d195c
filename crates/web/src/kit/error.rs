//! Errors as the user sees them: an HTML page in their language, or a JSON body for the API.

use crate::kit::i18n::Tr;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use mnir_domain::Denial;
use serde::Serialize;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageCtx,
    title: String,
    message: String,
}

#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub ctx: Box<PageCtx>,
    pub title: String,
    pub message: String,
}

impl PageError {
    pub fn new(ctx: &PageCtx, status: StatusCode, title_key: &str, message: String) -> PageError {
        PageError {
            status,
            title: ctx.t(title_key),
            ctx: Box::new(ctx.clone()),
            message,
        }
    }

    pub fn not_found(ctx: &PageCtx) -> PageError {
        Self::new(
            ctx,
            StatusCode::NOT_FOUND,
            "error-not-found-title",
            ctx.t("error-not-found"),
        )
    }

    pub fn forbidden(ctx: &PageCtx, message: String) -> PageError {
        Self::new(ctx, StatusCode::FORBIDDEN, "error-forbidden-title", message)
    }

    pub fn csrf(ctx: &PageCtx) -> PageError {
        Self::new(
            ctx,
            StatusCode::FORBIDDEN,
            "error-forbidden-title",
            ctx.t("error-csrf"),
        )
    }

    pub fn bad_request(ctx: &PageCtx, message: String) -> PageError {
        Self::new(
            ctx,
            StatusCode::BAD_REQUEST,
            "error-bad-request-title",
            message,
        )
    }

    pub fn internal(ctx: &PageCtx, cause: impl std::fmt::Display) -> PageError {
        // The cause goes to the server log only: it may name tables or values.
        tracing::error!(%cause, "request failed");
        Self::new(
            ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-internal-title",
            ctx.t("error-internal"),
        )
    }

    /// A refusal by `can`: not-found for cases the user may not see, the reason otherwise.
    pub fn denied(ctx: &PageCtx, denial: &Denial) -> PageError {
        match denial {
            Denial::NotVisible => Self::not_found(ctx),
            other => Self::forbidden(ctx, denial_message(&ctx.tr, other)),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            ctx: &self.ctx,
            title: self.title.clone(),
            message: self.message.clone(),
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(%e, "error page failed to render");
                (self.status, self.message).into_response()
            }
        }
    }
}

/// Why an action was refused, in the user's language.
pub fn denial_message(tr: &Tr, denial: &Denial) -> String {
    match denial {
        Denial::NotVisible => tr.t("error-not-found"),
        Denial::RoleMissing { needed } => {
            let roles: Vec<String> = needed.iter().map(|r| tr.term("role", r.as_str())).collect();
            tr.t_with("denial-role-missing", &[("roles", roles.join(", ").into())])
        }
        Denial::TransitionNotAllowed { from, to } => tr.t_with(
            "denial-transition",
            &[
                ("from", tr.term("state", from.as_str()).into()),
                ("to", tr.term("state", to.as_str()).into()),
            ],
        ),
        Denial::NoIdentificationPower => tr.t("denial-no-identification-power"),
        Denial::IdentificationPowerChildrenOnly => tr.t("denial-children-only"),
        Denial::Firewall => tr.t("denial-firewall"),
        Denial::NoDisclosure => tr.t("denial-no-disclosure"),
        Denial::BreakGlassReadOnly => tr.t("denial-break-glass-read-only"),
        Denial::Erased => tr.t("denial-erased"),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable machine code: `not_found`, `unauthorized`, `forbidden`, `invalid`, `conflict`,
    /// `too_many_attempts`, `internal`, or, for a repatriation step its guards refuse (409), the
    /// guard's own: `no_consent`, `no_return_risk_assessment`, `reflection_period_running`,
    /// `approval_required`, `previous_step_not_done`, `previous_step_not_started`,
    /// `step_already_done`, `later_step_done`, `procedure_cancelled`, `travel_done`,
    /// `approval_not_needed`.
    pub code: &'static str,
    /// What went wrong, in the language of `Accept-Language` (Romanian by default).
    pub message: String,
    /// Per-field problems of an invalid request.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: String) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                code,
                message,
                fields: Vec::new(),
            },
        }
    }
    pub fn not_found(tr: &Tr) -> ApiError {
        Self::new(StatusCode::NOT_FOUND, "not_found", tr.t("error-not-found"))
    }
    pub fn unauthorized(tr: &Tr) -> ApiError {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            tr.t("error-api-unauthorized"),
        )
    }
    /// Fields well formed that do not fit the stored records (the case, its other records, the
    /// caller): a conflict, field by field.
    pub fn conflicting(tr: &Tr, fields: Vec<FieldError>) -> ApiError {
        ApiError {
            status: StatusCode::CONFLICT,
            body: ErrorBody {
                code: "conflict",
                message: tr.t("error-against-records"),
                fields,
            },
        }
    }
    pub fn invalid(tr: &Tr, fields: Vec<FieldError>) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ErrorBody {
                code: "invalid",
                message: tr.t("error-invalid"),
                fields,
            },
        }
    }
    pub fn denied(tr: &Tr, denial: &Denial) -> ApiError {
        match denial {
            Denial::NotVisible => Self::not_found(tr),
            other => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                denial_message(tr, other),
            ),
        }
    }
    pub fn internal(tr: &Tr, cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "API request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            tr.t("error-internal"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status, Json(ApiErrorEnvelope { error: self.body })).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Gives every refusal of an API route the API's JSON shape, including the ones made before a
/// handler runs (a body over the size limit, a method the route does not take), which the
/// framework answers in plain text.
pub async fn api_error_shape(
    axum::extract::State(state): axum::extract::State<crate::kit::state::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return page_error_shape(&state, request, next).await;
    }
    let tr = crate::kit::auth::request_tr(&state, request.headers());
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = if status == StatusCode::PAYLOAD_TOO_LARGE {
        let limit = response
            .extensions()
            .get::<crate::kit::security::RefusedAbove>()
            .map_or(crate::kit::security::MAX_BODY, |r| r.0);
        let size = crate::kit::security::size_in_words(limit);
        (
            "too_large",
            tr.t_with("error-too-large", &[("size", size.into())]),
        )
    } else {
        ("invalid", tr.t("error-request"))
    };
    ApiError::new(status, code, message).into_response()
}

/// A page's body refused for its size before any handler ran (a pasted file too large) is
/// answered with the error page in the user's language, naming the limit, not a bare status.
async fn page_error_shape(
    state: &crate::kit::state::AppState,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // Only what the page needs, and only the cheap part before the answer is known: the headers
    // that choose the language, and the address.
    let mut language = axum::http::HeaderMap::new();
    for name in [
        axum::http::header::COOKIE,
        axum::http::header::ACCEPT_LANGUAGE,
    ] {
        if let Some(value) = request.headers().get(&name) {
            language.insert(name, value.clone());
        }
    }
    let path = request.uri().clone();
    let response = next.run(request).await;
    let bare = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_none();
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || !bare {
        return response;
    }
    let tr = crate::kit::auth::request_tr(state, &language);
    let path = path
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let limit = response
        .extensions()
        .get::<crate::kit::security::RefusedAbove>()
        .map_or(crate::kit::security::MAX_BODY, |r| r.0);
    let size = crate::kit::security::size_in_words(limit);
    let viewer = crate::kit::auth::Viewer::unknown(tr, path);
    let ctx = PageCtx::new(&state.keys, &viewer, "");
    PageError::new(
        &ctx,
        StatusCode::PAYLOAD_TOO_LARGE,
        "error-too-large-title",
        tr.t_with("error-too-large-page", &[("size", size.into())]),
    )
    .into_response()
}
