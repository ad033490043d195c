//! The web face of mnir: server-rendered pages (askama, ro/en) and the JSON API under `/api/v1`.
//!
//! A thin adapter over the use cases of `mnir-app`: every handler parses its input, calls one use
//! case (which asks the domain's `can` and the store, filtered by the actor's scope) and renders
//! the result in the user's language, so a page and the API can never differ in what they let a
//! user see or do.

pub mod api;
pub mod api_mechanism;
mod auth;
pub mod clocks;
mod consent;
mod directory;
mod error;
pub mod explain;
pub mod i18n;
pub mod identification;
mod ops;
mod pages;
mod referral;
mod reflection;
mod security;
mod views;

use axum::Router;
use mnir_app::{AccountPolicy, App};
use mnir_crypto::Keys;
use mnir_store::Store;
use std::sync::Arc;

pub use auth::{CSRF_FIELD, session_cookie_name};
pub use i18n::{Lang, Tr};
pub use mnir_app::accounts::MIN_PASSWORD;

pub use mnir_app::{Clock, SystemClock};

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// `false` only for a plain-HTTP demo on localhost (`--insecure-cookies`): cookies then lose
    /// `Secure` and the `__Host-` prefix, which browsers accept only over HTTPS.
    pub secure_cookies: bool,
    pub default_lang: Lang,
    /// Sessions and sign-in limits.
    pub accounts: AccountPolicy,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: true,
            default_lang: Lang::Ro,
            accounts: AccountPolicy::default(),
        }
    }
}

/// What every handler shares: the use cases, the keys its cookies and CSRF tokens derive from,
/// and the web settings. The store is reachable only through the use cases.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub keys: Keys,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        keys: Keys,
        config: WebConfig,
        clock: Arc<dyn Clock>,
    ) -> AppState {
        AppState {
            app: App::new(store, clock, config.accounts.clone()),
            keys,
            config: Arc::new(config),
        }
    }

    pub fn with_jurisdiction(
        mut self,
        jurisdiction: mnir_domain::jurisdiction::Jurisdiction,
    ) -> AppState {
        self.app = self.app.with_jurisdiction(jurisdiction);
        self
    }

    pub fn now_ms(&self) -> i64 {
        self.app.now_ms()
    }
}

/// The whole application: pages, API, static files and health check, with security headers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(identification::routes())
        .merge(clocks::routes())
        .merge(consent::routes())
        .merge(directory::routes())
        .merge(referral::routes())
        .merge(reflection::routes())
        .nest("/api/v1", api::routes())
        .route("/healthz", axum::routing::get(health))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(256 * 1024))
        .with_state(state)
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    match state.app.healthy().await {
        true => (axum::http::StatusCode::OK, "ok\n"),
        false => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable\n",
        ),
    }
}
