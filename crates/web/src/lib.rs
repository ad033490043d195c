//! The web face of mnir: server-rendered pages (askama, ro/en) and the JSON API under `/api/v1`.
//!
//! Every handler goes through the same two checks as the store: the domain's `can` decides, and
//! the store's queries are filtered by the actor's scope, so a page and the API can never differ
//! in what they let a user see.

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
mod notify;
mod ops;
mod pages;
mod referral;
mod reflection;
mod security;
mod views;

use axum::Router;
use mnir_crypto::{Keys, PasswordCost};
use mnir_store::{LockoutPolicy, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

pub use auth::{CSRF_FIELD, session_cookie_name};
pub use i18n::{Lang, Tr};
pub use pages::MIN_PASSWORD;

/// The source of "now", injected so tests can move time without sleeping.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// `false` only for a plain-HTTP demo on localhost (`--insecure-cookies`): cookies then lose
    /// `Secure` and the `__Host-` prefix, which browsers accept only over HTTPS.
    pub secure_cookies: bool,
    pub session_idle_ms: i64,
    pub session_absolute_ms: i64,
    pub lockout: LockoutPolicy,
    /// Failed login attempts allowed per client address in `ip_window_ms`, whatever the login.
    pub ip_attempts: u32,
    pub ip_window_ms: i64,
    pub password_cost: PasswordCost,
    pub default_lang: Lang,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: true,
            session_idle_ms: 30 * 60 * 1000,
            session_absolute_ms: 12 * 60 * 60 * 1000,
            lockout: LockoutPolicy {
                max_failures: 5,
                lock_ms: 15 * 60 * 1000,
            },
            ip_attempts: 30,
            ip_window_ms: 5 * 60 * 1000,
            password_cost: PasswordCost::Standard,
            default_lang: Lang::Ro,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub keys: Keys,
    pub config: Arc<WebConfig>,
    pub clock: Arc<dyn Clock>,
    /// Bounds concurrent Argon2 work so a burst of logins cannot exhaust memory or cores.
    hashing: Arc<Semaphore>,
    /// Recent failed logins per client address (time of the first, count).
    attempts: Arc<Mutex<HashMap<String, (i64, u32)>>>,
    dummy_hash: Arc<str>,
    /// Parsed catalogue versions; a version never changes once imported, so caching is safe.
    catalogues: Arc<Mutex<HashMap<String, Arc<mnir_domain::identification::Catalogue>>>>,
    /// Holidays and clock lengths (Romania unless the server was given another profile).
    pub jurisdiction: Arc<mnir_domain::jurisdiction::Jurisdiction>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        keys: Keys,
        config: WebConfig,
        clock: Arc<dyn Clock>,
    ) -> AppState {
        let dummy_hash =
            mnir_crypto::hash_password(&mnir_crypto::random_secret(), config.password_cost);
        AppState {
            dummy_hash: dummy_hash.into(),
            store,
            keys,
            config: Arc::new(config),
            clock,
            hashing: Arc::new(Semaphore::new(2)),
            attempts: Arc::new(Mutex::new(HashMap::new())),
            catalogues: Arc::new(Mutex::new(HashMap::new())),
            jurisdiction: Arc::new(mnir_domain::jurisdiction::Jurisdiction::romania()),
        }
    }

    pub fn with_jurisdiction(
        mut self,
        jurisdiction: mnir_domain::jurisdiction::Jurisdiction,
    ) -> AppState {
        self.jurisdiction = Arc::new(jurisdiction);
        self
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// A catalogue version: the built-in one, or one imported into the database.
    pub async fn catalogue(
        &self,
        version: &str,
    ) -> Result<Arc<mnir_domain::identification::Catalogue>, mnir_store::StoreError> {
        use mnir_domain::identification::{BUILTIN_VERSION, Catalogue};
        if let Some(c) = self
            .catalogues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(version)
        {
            return Ok(c.clone());
        }
        let parsed = if version == BUILTIN_VERSION {
            Catalogue::builtin().clone()
        } else {
            let source = self
                .store
                .catalogue_source(version)
                .await?
                .ok_or(mnir_store::StoreError::NotFound)?;
            Catalogue::parse(version, &source).map_err(|errors| {
                mnir_store::StoreError::Corrupt(format!(
                    "catalogue {version}: {} errors",
                    errors.len()
                ))
            })?
        };
        let parsed = Arc::new(parsed);
        self.catalogues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(version.to_string(), parsed.clone());
        Ok(parsed)
    }

    /// The catalogue new interviews use: the one a coordinator activated, else the built-in one.
    pub async fn active_catalogue(
        &self,
    ) -> Result<Arc<mnir_domain::identification::Catalogue>, mnir_store::StoreError> {
        let active = self
            .store
            .list_catalogues()
            .await?
            .into_iter()
            .find(|c| c.active);
        match active {
            Some(c) => self.catalogue(&c.version).await,
            None => {
                self.catalogue(mnir_domain::identification::BUILTIN_VERSION)
                    .await
            }
        }
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
    match state.store.organisation("ANITP").await {
        Ok(_) => (axum::http::StatusCode::OK, "ok\n"),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable\n",
        ),
    }
}
