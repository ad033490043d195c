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

/// What every form posted on a case needs: the signed-in user, the page, and the form's fields
/// (their CSRF token was checked before the handler ran).
pub struct CaseForm<'a> {
    pub user: &'a User,
    pub ctx: PageCtx,
    pub pairs: Vec<(String, String)>,
}

pub async fn posted_case_form<'a>(
    viewer: &'a Viewer,
    state: &AppState,
    body: &Bytes,
) -> Result<CaseForm<'a>, Reply> {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let pairs = form_pairs(body);
    Ok(CaseForm { user, ctx, pairs })
}

pub fn form_pairs(body: &Bytes) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
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
