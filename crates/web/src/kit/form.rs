//! What every page handler shares: the early-return reply, rendering with the pre-session
//! cookie, the signed-in user, the posted form's fields, and the options of a select.

use crate::kit::auth::Viewer;
use crate::kit::error::PageError;
use crate::kit::state::AppState;
use crate::kit::views::{PageCtx, encode_component};
use askama::Template;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use mnir_app::Who;
use mnir_store::User;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

pub type PageResult = Result<Response, Reply>;

/// A response that ends a handler early (an error page, a redirect to sign in); boxed because
/// a whole response is large to move through every `?`.
pub struct Reply(Box<Response>);

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<PageError> for Reply {
    fn from(e: PageError) -> Reply {
        Reply(Box::new(e.into_response()))
    }
}

impl From<Response> for Reply {
    fn from(r: Response) -> Reply {
        Reply(Box::new(r))
    }
}

/// The client's address for login throttling; "local" when the server was not given connection
/// info (in-process requests).
pub struct ClientAddr(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "local".to_string(), |c| c.0.ip().to_string()),
        ))
    }
}

/// Renders a page, adding the login form's pre-session cookie when this browser has none.
pub fn render(
    viewer: &Viewer,
    status: StatusCode,
    page: &impl Template,
    ctx: &PageCtx,
) -> PageResult {
    let html = page.render().map_err(|e| PageError::internal(ctx, e))?;
    let mut response = (status, Html(html)).into_response();
    if let Some(Ok(v)) = viewer.new_pre_cookie.as_deref().map(HeaderValue::from_str) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// The signed-in user, or a redirect to the login page that comes back here afterwards.
pub fn signed_in(viewer: &Viewer) -> Result<&User, Reply> {
    viewer.user.as_ref().ok_or_else(|| {
        Redirect::to(&format!("/login?next={}", encode_component(&viewer.path)))
            .into_response()
            .into()
    })
}

/// The signed-in user acting through the pages.
pub fn who<'a>(state: &AppState, user: &'a User) -> Who<'a> {
    state.app.who(user, "web")
}

/// A page form posted by the signed-in user, read into its type (its CSRF token was checked
/// before the handler ran).
pub struct Posted<'a, T> {
    pub user: &'a User,
    pub ctx: PageCtx,
    pub form: T,
}

/// The signed-in user and the form they posted, read into `T`; a page of the navigation entry
/// `active` shows any error.
pub fn posted<'a, T: DeserializeOwned>(
    viewer: &'a Viewer,
    state: &AppState,
    body: &Bytes,
    active: &'static str,
) -> Result<Posted<'a, T>, Reply> {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, active);
    let form = read_form(body, &ctx)?;
    Ok(Posted { user, ctx, form })
}

/// Reads a posted form into `T`: a field that repeats fills a list, a field left out takes the
/// type's default. A body that is no form of that shape is a bad request, said in the user's
/// language.
pub fn read_form<T: DeserializeOwned>(body: &Bytes, ctx: &PageCtx) -> Result<T, Reply> {
    serde_html_form::from_bytes(body)
        .map_err(|_| PageError::bad_request(ctx, ctx.t("error-invalid")).into())
}

/// Whether a checkbox posted as `yes` was ticked.
pub fn ticked(value: &Option<String>) -> bool {
    value.as_deref() == Some("yes")
}

/// An answer posted as `accept` or `decline`; anything else is no answer.
pub fn accepted(answer: &Option<String>) -> Option<bool> {
    match answer.as_deref() {
        Some("accept") => Some(true),
        Some("decline") => Some(false),
        _ => None,
    }
}

/// A form with only a reason (pausing a clock).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    pub reason: String,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn options<'a>(items: impl Iterator<Item = (&'a str, String)>, chosen: &[&str]) -> Vec<Opt> {
    items
        .map(|(value, label)| Opt {
            selected: chosen.contains(&value),
            value: value.to_string(),
            label,
        })
        .collect()
}
