//! The use cases of mnir, each written once.
//!
//! A use case takes the acting user ([`Who`]) and a typed command, asks the domain's `can`
//! whether the user may, applies the rules of the mechanism, calls the store, and returns a typed
//! result or an [`AppError`] whose variants carry message ids and field names — never translated
//! text. The pages, the JSON API and the command line are adapters over these functions: they
//! parse input, call a use case, and render its result in the user's language.

pub mod accounts;
pub mod break_glass;
pub mod cases;
pub mod catalogue;
pub mod clocks;
pub mod consent;
pub mod directory;
mod directory_cache;
pub mod duplicates;
mod error;
pub mod exchange;
pub mod identification;
pub mod justice;
pub mod notify;
pub mod operator;
pub mod plan;
pub mod referral;
pub mod reflection;
pub mod repatriation;
pub mod retention;
pub mod risk;
pub mod schema;
pub mod statistics;
pub mod text;
pub mod throttle;
pub mod training;
pub mod two_factor;
pub mod victim;

pub use accounts::AccountPolicy;
pub use error::{AppError, AppResult, Arg, FieldIssue, Message};

use mnir_domain::identification::Catalogue;
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_store::{AuditActor, ScopeFor, Store, Timestamp, User};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

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

/// Everything the use cases share: the store, the time, the jurisdiction's rules and the
/// account policy. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Holidays and clock lengths (Romania unless the server was given another profile).
    jurisdiction: Arc<Jurisdiction>,
    pub(crate) policy: Arc<AccountPolicy>,
    /// Bounds concurrent Argon2 work so a burst of logins cannot exhaust memory or cores.
    pub(crate) hashing: Arc<Semaphore>,
    /// Recent password failures per (login, address) and per address.
    pub(crate) throttle: Arc<throttle::Throttle>,
    /// What an unknown login's password is checked against, so timing hides which logins exist;
    /// made at the first sign-in, so that commands which never sign anyone in do not pay for it.
    pub(crate) dummy_hash: Arc<tokio::sync::OnceCell<String>>,
    /// Parsed catalogue versions; a version never changes once imported, so caching is safe.
    pub(crate) catalogues: Arc<Mutex<HashMap<String, Arc<Catalogue>>>>,
    /// The organisations as pages list them, read again every few seconds or after a save.
    directory: Arc<directory_cache::DirectoryCache>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, policy: AccountPolicy) -> App {
        App {
            store,
            clock,
            jurisdiction: Arc::new(Jurisdiction::romania()),
            policy: Arc::new(policy),
            hashing: Arc::new(Semaphore::new(2)),
            throttle: Arc::new(throttle::Throttle::default()),
            dummy_hash: Arc::new(tokio::sync::OnceCell::new()),
            catalogues: Arc::new(Mutex::new(HashMap::new())),
            directory: Arc::default(),
        }
    }

    pub fn with_jurisdiction(mut self, jurisdiction: Jurisdiction) -> App {
        self.jurisdiction = Arc::new(jurisdiction);
        self
    }

    pub fn now(&self) -> Timestamp {
        // The clock is the system's or a test's, never input: a time out of any calendar's
        // range is a broken machine.
        Timestamp::from_millis(self.clock.now_ms())
            .expect("the clock reads a time a calendar can show")
    }

    pub fn jurisdiction(&self) -> &Jurisdiction {
        &self.jurisdiction
    }

    /// Today's date in the jurisdiction.
    pub fn today(&self) -> chrono::NaiveDate {
        self.jurisdiction.local_date(self.now().to_utc())
    }

    pub fn policy(&self) -> &AccountPolicy {
        &self.policy
    }

    /// The store, for the use cases of this crate only: adapters go through a use case, so no
    /// page or route can reach data without the checks a use case makes.
    pub(crate) fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Every organisation, as pages list and name them: a copy at most
    /// [`directory_cache::FRESH_FOR`] old, or none older than this process's last save.
    pub(crate) async fn organisations(&self) -> AppResult<Vec<mnir_store::Organisation>> {
        let saves = match self.directory.fresh() {
            Ok(list) => return Ok(list.as_ref().clone()),
            Err(saves) => saves,
        };
        let read_at = std::time::Instant::now();
        let list = self.store.list_organisations().await?;
        self.directory.keep(saves, read_at, Arc::new(list.clone()));
        Ok(list)
    }

    /// Saves an organisation and forgets the copy of the list, so this process's pages show the
    /// change at once.
    pub(crate) async fn save_organisation(
        &self,
        org: &mnir_store::Organisation,
        by: &AuditActor,
    ) -> AppResult<()> {
        let saved = self.store.upsert_organisation(org, by).await;
        self.directory.forget();
        Ok(saved?)
    }

    /// Whether the database answers (the health check).
    pub async fn healthy(&self) -> bool {
        self.store.organisation("ANITP").await.is_ok()
    }

    /// Who is acting, through which channel (`web`, `api`, `cli`), at this app's "now".
    pub fn who<'a>(&self, user: &'a User, channel: &'static str) -> Who<'a> {
        Who {
            user,
            by: AuditActor {
                user_id: Some(user.id.clone()),
                org_code: Some(user.org.code.clone()),
                channel,
                now_ms: self.now(),
            },
        }
    }
}

/// The acting user of a use case, with how the action is written to the audit log and history.
#[derive(Debug, Clone)]
pub struct Who<'a> {
    pub user: &'a User,
    pub by: AuditActor,
}

impl Who<'_> {
    pub fn actor(&self) -> mnir_domain::Actor {
        self.user.actor()
    }

    pub fn now(&self) -> Timestamp {
        self.by.now_ms
    }

    /// The scope the store filters every query of this user by.
    pub fn scope(&self) -> ScopeFor {
        scope_for(self.user)
    }

    /// The scope of a read of one case: the user's own, widened to that case alone while they
    /// hold an open break-glass access to it (lists keep the user's own scope).
    pub fn scope_on(&self, case_id: &str) -> ScopeFor {
        let mut scope = self.scope();
        if self.user.breaks_glass_on(case_id) {
            scope.scope.national = true;
        }
        scope
    }

    /// The facts of a case as the store read them for [`Who::scope_on`]: under an open
    /// break-glass access to a case their organisation does not hold, the user reads it as if
    /// their organisation did, and may only read it (`via_glass`, see `GLASS_READS`).
    pub fn with_glass(
        &self,
        case_id: &str,
        facts: mnir_domain::CaseFacts,
    ) -> mnir_domain::CaseFacts {
        if self.user.breaks_glass_on(case_id) && !facts.org_has_access {
            mnir_domain::CaseFacts {
                org_has_access: true,
                via_glass: true,
                ..facts
            }
        } else {
            facts
        }
    }
}

/// The scope of `user` as the store's SQL filters need it.
pub fn scope_for(user: &User) -> ScopeFor {
    ScopeFor {
        scope: mnir_domain::case_scope(&user.actor()),
        org_code: user.org.code.clone(),
        user_id: user.id.clone(),
    }
}
