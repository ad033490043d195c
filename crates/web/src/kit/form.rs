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

/// The client's address for holding back password guesses; "local" when the server was not
/// given connection info (in-process requests).
///
/// Behind a reverse proxy every request comes from the proxy's address, so the client is taken
/// from `X-Forwarded-For`, but only when the connection comes from a proxy the operator named
/// (`--trusted-proxy`): anyone else could write any address there. The header is read from the
/// right, skipping trusted proxies, so the first address no trusted proxy vouches for is the
/// client's; addresses left of it were written by the client and are ignored.
pub struct ClientAddr(pub String);

pub fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded_for: &[&str],
    trusted: &[ipnet::IpNet],
) -> String {
    let Some(peer) = peer.map(|ip| ip.to_canonical()) else {
        return "local".to_string();
    };
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer.to_string();
    }
    let mut client = peer;
    for hop in forwarded_for
        .iter()
        .flat_map(|value| value.split(','))
        .rev()
    {
        match hop_address(hop.trim()) {
            Some(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // A hop the proxy could not name stops the walk at the last address vouched for.
            None => break,
        }
    }
    client.to_string()
}

/// One entry of `X-Forwarded-For`: an address, or an address with its port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`), as proxies write them.
fn hop_address(hop: &str) -> Option<std::net::IpAddr> {
    hop.parse::<std::net::IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

impl axum::extract::FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        // Read leniently: a byte the client smuggled into its part of the line must not make
        // the proxy's own entry unreadable.
        let forwarded: Vec<String> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let forwarded: Vec<&str> = forwarded.iter().map(String::as_str).collect();
        Ok(ClientAddr(client_address(
            peer,
            &forwarded,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod client_address_tests {
    use super::client_address;

    fn nets(list: &[&str]) -> Vec<ipnet::IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn the_forwarded_address_counts_only_through_a_trusted_proxy() {
        let proxy = Some("10.0.0.5".parse().unwrap());
        let trusted = nets(&["10.0.0.0/24"]);
        assert_eq!(
            client_address(proxy, &["203.0.113.7"], &trusted),
            "203.0.113.7"
        );
        assert_eq!(
            client_address(proxy, &["198.51.100.1, 203.0.113.7"], &trusted),
            "203.0.113.7",
            "what the client wrote left of the proxy's own entry is ignored"
        );
        assert_eq!(
            client_address(proxy, &["203.0.113.7", "10.0.0.9"], &trusted),
            "203.0.113.7",
            "a chain of trusted proxies is walked through"
        );
        assert_eq!(client_address(proxy, &[], &trusted), "10.0.0.5");
        assert_eq!(client_address(proxy, &["garbage"], &trusted), "10.0.0.5");
        let stranger = Some("192.0.2.44".parse().unwrap());
        assert_eq!(
            client_address(stranger, &["203.0.113.7"], &trusted),
            "192.0.2.44",
            "a header from an untrusted peer is ignored"
        );
        assert_eq!(client_address(proxy, &["203.0.113.7"], &[]), "10.0.0.5");
        assert_eq!(client_address(None, &["203.0.113.7"], &trusted), "local");
        assert_eq!(
            client_address(
                Some("::ffff:10.0.0.5".parse().unwrap()),
                &["203.0.113.7"],
                &trusted
            ),
            "203.0.113.7",
            "a proxy reached over a dual-stack socket is still the trusted proxy"
        );
        assert_eq!(
            client_address(proxy, &["203.0.113.7:4711"], &trusted),
            "203.0.113.7"
        );
        assert_eq!(
            client_address(proxy, &["[2001:db8::7]:4711"], &trusted),
            "2001:db8::7"
        );
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
        // Half-way through sign-in, the way on is the step still missing, not the password.
        let step = match viewer.pending.as_ref().map(|(_, stage)| *stage) {
            Some(mnir_store::SessionStage::Enrol) => "/account/two-factor",
            Some(_) => "/login/code",
            None => "/login",
        };
        Redirect::to(&format!("{step}?next={}", encode_component(&viewer.path)))
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
