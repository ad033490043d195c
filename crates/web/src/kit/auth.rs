//! Who is asking: the session or API token behind a request, its language and its cookies.

use crate::kit::i18n::{Lang, Tr};
use crate::kit::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{self, HeaderMap};
use axum::http::request::Parts;
use mnir_crypto::random_secret;
use mnir_store::{SessionStage, User};

pub const LANG_COOKIE: &str = "mnir_lang";

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-mnir_session"
    } else {
        "mnir_session"
    }
}

fn pre_session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-mnir_pre"
    } else {
        "mnir_pre"
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value for a secret cookie: HttpOnly, SameSite=Strict, and Secure with the
/// `__Host-` prefix unless the server runs with insecure cookies for a local demo.
pub fn secret_cookie(state: &AppState, name: &str, value: &str, max_age_s: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age_s {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

pub fn lang_cookie(state: &AppState, lang: Lang) -> String {
    let mut c = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    c
}

/// The language of a request: the user's choice (cookie), else the browser's, else the
/// deployment's default.
pub fn request_lang(state: &AppState, headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|c| Lang::parse(&c))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(state.config.default_lang)
}

/// The translator of a request: its language, and the jurisdiction's time zone for its times.
pub fn request_tr(state: &AppState, headers: &HeaderMap) -> Tr {
    Tr::new(request_lang(state, headers)).in_zone(state.app.jurisdiction().time_zone)
}

/// Who is asking, as far as the pages are concerned.
#[derive(Clone)]
pub struct Viewer {
    pub tr: Tr,
    /// The user of a full session: only they reach the pages behind sign-in.
    pub user: Option<User>,
    /// The user of a session half-way through sign-in (the password was right), and the step
    /// it waits for.
    pub pending: Option<(User, SessionStage)>,
    pub(crate) session_secret: Option<String>,
    /// The anonymous pre-session secret that protects the login form; a fresh one is created
    /// when the browser has none.
    pre_secret: String,
    pub new_pre_cookie: Option<String>,
    /// Path and query of this request, to come back to after switching language or logging in.
    pub path: String,
}

impl Viewer {
    /// A viewer known only by language and address, for a page answered before the session
    /// was read (a body refused for its size): it offers no form.
    pub fn unknown(tr: Tr, path: String) -> Viewer {
        Viewer {
            tr,
            user: None,
            pending: None,
            session_secret: None,
            pre_secret: String::new(),
            new_pre_cookie: None,
            path,
        }
    }

    pub fn csrf_token(&self, keys: &mnir_crypto::Keys) -> String {
        keys.csrf_token(self.session_secret.as_deref().unwrap_or(&self.pre_secret))
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Viewer, Self::Rejection> {
        // The CSRF check has read the viewer already for a posted form.
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let tr = request_tr(state, &parts.headers);
        let path = parts
            .uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string());
        let (user, pending, session_secret) = match cookie(
            &parts.headers,
            session_cookie_name(state.config.secure_cookies),
        ) {
            Some(secret) => match mnir_app::accounts::session_of(&state.app, &secret).await {
                Some((user, SessionStage::Full)) => (Some(user), None, Some(secret)),
                Some((user, stage)) => (None, Some((user, stage)), Some(secret)),
                None => (None, None, None),
            },
            None => (None, None, None),
        };
        let existing_pre = cookie(
            &parts.headers,
            pre_session_cookie_name(state.config.secure_cookies),
        )
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
        let (pre_secret, new_pre_cookie) = match existing_pre {
            Some(v) => (v, None),
            None => {
                let v = random_secret();
                let c = secret_cookie(
                    state,
                    pre_session_cookie_name(state.config.secure_cookies),
                    &v,
                    None,
                );
                (v, Some(c))
            }
        };
        Ok(Viewer {
            tr,
            user,
            pending,
            session_secret,
            pre_secret,
            new_pre_cookie,
            path,
        })
    }
}

/// Resolves `Authorization: Bearer <token>` to a user; `None` for a missing, unknown or expired
/// token.
pub async fn bearer_user(state: &AppState, headers: &HeaderMap) -> Option<User> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    mnir_app::accounts::token_user(&state.app, token).await
}
