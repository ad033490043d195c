//! Sessions, API tokens, CSRF and login throttling.

use crate::AppState;
use crate::error::PageError;
use crate::i18n::{Lang, Tr};
use axum::extract::FromRequestParts;
use axum::http::header::{self, HeaderMap};
use axum::http::request::Parts;
use mnir_crypto::{constant_time_eq, random_secret, secret_hash};
use mnir_store::{SessionRecord, User};

pub const CSRF_FIELD: &str = "csrf";
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

/// Who is asking, as far as the pages are concerned.
pub struct Viewer {
    pub tr: Tr,
    pub user: Option<User>,
    session_secret: Option<String>,
    /// The anonymous pre-session secret that protects the login form; a fresh one is created
    /// when the browser has none.
    pre_secret: String,
    pub new_pre_cookie: Option<String>,
    /// Path and query of this request, to come back to after switching language or logging in.
    pub path: String,
}

impl Viewer {
    pub fn csrf_token(&self, keys: &mnir_crypto::Keys) -> String {
        keys.csrf_token(self.session_secret.as_deref().unwrap_or(&self.pre_secret))
    }

    pub fn check_csrf(
        &self,
        keys: &mnir_crypto::Keys,
        submitted: Option<&str>,
        ctx: &crate::views::PageCtx,
    ) -> Result<(), PageError> {
        let expected = self.csrf_token(keys);
        match submitted {
            Some(token) if constant_time_eq(token, &expected) => Ok(()),
            _ => Err(PageError::csrf(ctx)),
        }
    }

    pub fn session_hash(&self) -> Option<String> {
        self.session_secret.as_deref().map(secret_hash)
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Viewer, Self::Rejection> {
        let tr = Tr::new(request_lang(state, &parts.headers));
        let path = parts
            .uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string());
        let (user, session_secret) = match cookie(
            &parts.headers,
            session_cookie_name(state.config.secure_cookies),
        ) {
            Some(secret) => match live_session_user(state, &secret).await {
                Some(user) => (Some(user), Some(secret)),
                None => (None, None),
            },
            None => (None, None),
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
            session_secret,
            pre_secret,
            new_pre_cookie,
            path,
        })
    }
}

/// The user behind a session secret, if the session is within its idle and absolute limits.
async fn live_session_user(state: &AppState, secret: &str) -> Option<User> {
    let hash = secret_hash(secret);
    let session = state.store.session(&hash).await.ok()??;
    let now = state.now_ms();
    if now >= session.expires_at_ms || now - session.last_seen_ms >= state.config.session_idle_ms {
        let _ = state.store.delete_session(&hash).await;
        return None;
    }
    let user = state.store.user_by_id(&session.user_id).await.ok()??;
    if !user.active || !user.org.active {
        return None;
    }
    // Refreshing at most once a minute keeps reads from turning into writes on every click.
    if now - session.last_seen_ms > 60_000 {
        let _ = state.store.touch_session(&hash, now).await;
    }
    Some(user)
}

pub enum LoginOutcome {
    Success { session_secret: String },
    BadCredentials,
    Locked,
    Throttled,
}

pub async fn attempt_login(
    state: &AppState,
    login: &str,
    password: &str,
    client: &str,
) -> LoginOutcome {
    let now = state.now_ms();
    {
        let mut attempts = state.attempts.lock().unwrap_or_else(|e| e.into_inner());
        attempts.retain(|_, (first, _)| now - *first < state.config.ip_window_ms);
        if attempts
            .get(client)
            .is_some_and(|(_, failures)| *failures >= state.config.ip_attempts)
        {
            return LoginOutcome::Throttled;
        }
    }
    // Only failures count against an address: a whole office may sign in from one address.
    let note_failure = || {
        let mut attempts = state.attempts.lock().unwrap_or_else(|e| e.into_inner());
        attempts.entry(client.to_string()).or_insert((now, 0)).1 += 1;
    };
    let user = state.store.user_by_login(login.trim()).await.ok().flatten();
    // An unknown login is checked against a hash of the same cost, so timing does not reveal
    // which logins exist.
    let stored = user
        .as_ref()
        .map_or_else(|| state.dummy_hash.to_string(), |u| u.password_hash.clone());
    let password = password.to_string();
    let verified = {
        let _permit = state.hashing.acquire().await;
        tokio::task::spawn_blocking(move || mnir_crypto::verify_password(&password, &stored))
            .await
            .unwrap_or(false)
    };
    let Some(user) = user else {
        note_failure();
        return LoginOutcome::BadCredentials;
    };

    if user.locked_until_ms.is_some_and(|until| until > now) {
        return LoginOutcome::Locked;
    }
    if !verified || !user.active || !user.org.active {
        note_failure();
        let _ = state
            .store
            .record_login_attempt(&user.id, false, now, state.config.lockout)
            .await;
        return LoginOutcome::BadCredentials;
    }
    if state
        .store
        .record_login_attempt(&user.id, true, now, state.config.lockout)
        .await
        .is_err()
    {
        return LoginOutcome::BadCredentials;
    }
    // A new random id at every login: a session id planted before login is never promoted.
    let session_secret = random_secret();
    let record = SessionRecord {
        id_hash: secret_hash(&session_secret),
        user_id: user.id.clone(),
        created_at_ms: now,
        last_seen_ms: now,
        expires_at_ms: now + state.config.session_absolute_ms,
    };
    if state.store.create_session(&record).await.is_err() {
        return LoginOutcome::BadCredentials;
    }
    LoginOutcome::Success { session_secret }
}

/// Resolves `Authorization: Bearer <token>` to a user; `None` for a missing, unknown or expired
/// token.
pub async fn bearer_user(state: &AppState, headers: &HeaderMap) -> Option<User> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    let record = state.store.api_token(&secret_hash(token)).await.ok()??;
    if record.expires_at_ms <= state.now_ms() {
        return None;
    }
    let user = state.store.user_by_id(&record.user_id).await.ok()??;
    (user.active && user.org.active).then_some(user)
}

/// Hashes a password off the async threads, within the same bound as verification.
pub async fn hash_password(state: &AppState, password: String) -> String {
    let cost = state.config.password_cost;
    let _permit = state.hashing.acquire().await;
    tokio::task::spawn_blocking(move || mnir_crypto::hash_password(&password, cost))
        .await
        .expect("password hashing does not panic")
}
