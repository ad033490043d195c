//! What every page shares: the translator, the signed-in user's badge, navigation, the CSRF
//! token and the language switch.

use crate::kit::auth::Viewer;
use crate::kit::i18n::Tr;
use mnir_crypto::Keys;

#[derive(Clone, Debug)]
pub struct UserBadge {
    pub login: String,
    pub org_code: String,
    pub org_name: String,
    pub roles: Vec<String>,
}

/// What the navigation offers: decided by the use cases' rules.
pub type Nav = mnir_app::accounts::Menu;

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
    /// The user's open break-glass accesses, announced on every page while they last.
    pub glass: Vec<GlassBanner>,
}

/// An open break-glass access as the banner names it.
#[derive(Clone, Debug)]
pub struct GlassBanner {
    pub id: String,
    pub case_id: String,
    pub reference: String,
    pub until: String,
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
            .map(mnir_app::accounts::menu)
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
            glass: viewer
                .user
                .iter()
                .flat_map(|u| &u.break_glass)
                .map(|g| GlassBanner {
                    id: g.id.clone(),
                    case_id: g.case_id.clone(),
                    reference: g.case_reference.clone(),
                    until: tr.datetime(g.expires_at_ms),
                })
                .collect(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }
}
