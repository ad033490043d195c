//! What every page shares: the translator, the signed-in user's badge, navigation, the CSRF
//! token and the language switch.

use crate::auth::Viewer;
use crate::i18n::Tr;
use mnir_crypto::Keys;
use mnir_domain::{Action, Role, can};

#[derive(Clone, Debug)]
pub struct UserBadge {
    pub login: String,
    pub org_code: String,
    pub org_name: String,
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Nav {
    pub cases: bool,
    pub notify: bool,
    pub admin: bool,
    pub catalogues: bool,
    pub inbox: bool,
    pub no_removal: bool,
}

#[derive(Clone, Debug)]
pub struct PageCtx {
    pub tr: Tr,
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: String,
    pub lang_switch_url: String,
    pub user: Option<UserBadge>,
    pub csrf: String,
    pub nav: Nav,
    /// Which navigation entry is the current page (`aria-current`).
    pub active: &'static str,
}

/// Percent-encodes a path for use as a query value.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl PageCtx {
    pub fn new(keys: &Keys, viewer: &Viewer, active: &'static str) -> PageCtx {
        let tr = viewer.tr;
        let other = tr.lang.other();
        let user = viewer.user.as_ref().map(|u| UserBadge {
            login: u.login.clone(),
            org_code: u.org.code.clone(),
            org_name: u.org.name.clone(),
            roles: u
                .roles
                .iter()
                .map(|r| tr.term("role", r.as_str()))
                .collect(),
        });
        let nav = viewer
            .user
            .as_ref()
            .map(|u| {
                let actor = u.actor();
                Nav {
                    cases: can(&actor, Action::ListCases, None).is_ok(),
                    notify: can(&actor, Action::NotifyCase, None).is_ok(),
                    admin: u.roles.contains(Role::Admin),
                    catalogues: can(&actor, Action::ManageCatalogues, None).is_ok(),
                    inbox: can(&actor, Action::WorkInbox, None).is_ok(),
                    no_removal: can(&actor, Action::SeeNoRemovalFlags, None).is_ok(),
                }
            })
            .unwrap_or_default();
        PageCtx {
            tr,
            lang: tr.lang.code(),
            other_lang: other.code(),
            other_lang_name: Tr::new(other).t("lang-self"),
            lang_switch_url: format!(
                "/lang/{}?next={}",
                other.code(),
                encode_component(&viewer.path)
            ),
            user,
            csrf: viewer.csrf_token(keys),
            nav,
            active,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }
}
