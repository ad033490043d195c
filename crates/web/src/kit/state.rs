//! The state every handler shares and the web settings.

use crate::kit::i18n::Lang;
use mnir_app::{AccountPolicy, App, Clock};
use mnir_crypto::Keys;
use mnir_store::Store;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// `false` only for a plain-HTTP demo on localhost (`--insecure-cookies`): cookies then lose
    /// `Secure` and the `__Host-` prefix, which browsers accept only over HTTPS.
    pub secure_cookies: bool,
    pub default_lang: Lang,
    /// Sessions and sign-in limits.
    pub accounts: AccountPolicy,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: true,
            default_lang: Lang::Ro,
            accounts: AccountPolicy::default(),
            trusted_proxies: Vec::new(),
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

    pub fn now(&self) -> mnir_store::Timestamp {
        self.app.now()
    }
}
