//! Organisations, users and how they sign in: login attempts, sessions and API tokens, and
//! the key check that ties the database to its key file.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::{Actor, IdentifyPower, OrgKind, OrgType, RoleSet};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub code: String,
    pub name: String,
    pub org_type: OrgType,
    pub kind: OrgKind,
    /// ISO 3166-2 code of the county the organisation sits in, when it is a county body.
    pub county: Option<String>,
    pub identify_power: IdentifyPower,
    pub active: bool,
    /// An investigating body (police, prosecutors, labour inspectors): its staff stay outside
    /// the support compartment (mnir.md §9). Always so for `LawEnforcement`.
    pub investigates: bool,
    /// ISO 3166-1 alpha-2 code of the country of a partner abroad (the receiving partner of a
    /// return); `None` for the jurisdiction's own organisations.
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub login: String,
    pub org_code: String,
    pub roles: RoleSet,
    pub password_hash: String,
    pub now_ms: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub login: String,
    pub org: Organisation,
    pub roles: RoleSet,
    pub password_hash: String,
    pub active: bool,
    /// Failed sign-ins since the last successful one: shown to administrators, never a lock.
    pub failed_logins: i64,
    /// Since when the account signs in with a second factor; `None` when it has not enrolled.
    pub two_factor_since: Option<Timestamp>,
    /// The latest end of the user's break-glass accesses not ended, read with the account: when
    /// it is absent or past, no access can be open and none is looked up. Every page behind
    /// sign-in resolves its user, so this spares most of them a statement.
    pub glass_open_until: Option<Timestamp>,
    /// The break-glass accesses open when the request began (mnir.md §13): filled in when a
    /// session or a token is resolved, empty otherwise.
    pub break_glass: Vec<crate::BreakGlassRecord>,
}

impl User {
    /// Whether the user holds an open break-glass access to the case.
    pub fn breaks_glass_on(&self, case_id: &str) -> bool {
        self.break_glass.iter().any(|g| g.case_id == case_id)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id.clone(),
            org_code: self.org.code.clone(),
            org_kind: self.org.kind,
            org_type: self.org.org_type,
            identify_power: self.org.identify_power,
            investigates: self.org.investigates,
            roles: self.roles.clone(),
        }
    }
}

/// How far a session has got through sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Signed in: the pages behind sign-in are open to it.
    Full,
    /// The password was right; the code of the second factor is still to come.
    SecondFactor,
    /// The password was right, and the account must enrol a second factor before anything else.
    Enrol,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::Full => "full",
            SessionStage::SecondFactor => "second_factor",
            SessionStage::Enrol => "enrol",
        }
    }

    pub fn parse(text: &str) -> Option<SessionStage> {
        [
            SessionStage::Full,
            SessionStage::SecondFactor,
            SessionStage::Enrol,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub user_id: String,
    pub created_at_ms: Timestamp,
    pub last_seen_ms: Timestamp,
    pub expires_at_ms: Timestamp,
    pub stage: SessionStage,
}

/// An account's second factor: the shared key of its time-based codes (decrypted) and the last
/// 30-second step a code was accepted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorRecord {
    pub secret: Vec<u8>,
    pub created_at_ms: Timestamp,
    /// `None` while the enrolment waits for its first code.
    pub confirmed_at_ms: Option<Timestamp>,
    pub last_step: i64,
    /// The hash of the session a pending enrolment belongs to.
    pub pending_session: Option<String>,
    /// Wrong codes since the last right one, and when the latest came.
    pub failed_codes: i64,
    pub last_failed_code_ms: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub token_hash: String,
    pub user_id: String,
    pub created_at_ms: Timestamp,
    pub expires_at_ms: Timestamp,
}

impl From<mnir_domain::defaults::OrgSpec> for Organisation {
    fn from(spec: mnir_domain::defaults::OrgSpec) -> Organisation {
        Organisation {
            code: spec.code,
            name: spec.name,
            org_type: spec.org_type,
            kind: spec.kind,
            county: spec.county,
            identify_power: spec.identify_power,
            active: true,
            investigates: spec.investigates,
            country: spec.country,
        }
    }
}

/// Who may work in mnir and how they prove it.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Whether the database already holds a key check (a database `mnir init` made does; a file
    /// that merely has the schema does not, and [`AccountStore::bind_key`] would adopt any key).
    async fn key_is_bound(&self) -> StoreResult<bool>;
    /// Records the key's check value on first use and refuses a different key afterwards.
    async fn bind_key(&self) -> StoreResult<()>;
    async fn upsert_organisation(&self, org: &Organisation, by: &AuditActor) -> StoreResult<()>;
    async fn organisation(&self, code: &str) -> StoreResult<Option<Organisation>>;
    async fn list_organisations(&self) -> StoreResult<Vec<Organisation>>;
    async fn create_user(&self, user: &NewUser, by: &AuditActor) -> StoreResult<User>;
    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Enables or disables an account; disabling ends its sessions and API tokens in the same
    /// transaction. `NotFound` for an unknown account.
    async fn set_user_active(
        &self,
        user_id: &str,
        active: bool,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Replaces an account's roles. `NotFound` for an unknown account.
    async fn set_user_roles(
        &self,
        user_id: &str,
        roles: &RoleSet,
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// Records a password attempt of an account in its count and the audit log. It never locks
    /// the account: a lock would let anyone who knows a login keep its owner out.
    async fn record_login_attempt(
        &self,
        user_id: &str,
        succeeded: bool,
        now_ms: Timestamp,
    ) -> StoreResult<()>;
    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    /// A session and its user (whether or not the account is still active: the caller decides).
    async fn session(&self, id_hash: &str) -> StoreResult<Option<(SessionRecord, User)>>;
    async fn touch_session(&self, id_hash: &str, now_ms: Timestamp) -> StoreResult<()>;
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;
    async fn delete_sessions_of(&self, user_id: &str) -> StoreResult<()>;
    async fn delete_expired_sessions(&self, now_ms: Timestamp) -> StoreResult<u64>;
    async fn create_api_token(&self, token: &ApiTokenRecord, by: &AuditActor) -> StoreResult<()>;
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiTokenRecord>>;
    /// The API tokens of an account, oldest first.
    async fn api_tokens_of(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>>;
    /// Revokes one token; `NotFound` when it does not exist.
    async fn revoke_api_token(&self, token_hash: &str, by: &AuditActor) -> StoreResult<()>;
    /// The second factor of an account, enrolled or pending.
    async fn two_factor(&self, user_id: &str) -> StoreResult<Option<TwoFactorRecord>>;
    /// Starts (or starts again) an enrolment with a new shared key, for the session whose hash
    /// is `session_hash`. `Conflict` when the account has a confirmed second factor already:
    /// that one is only replaced after a reset.
    async fn begin_two_factor(
        &self,
        user_id: &str,
        secret: &[u8],
        session_hash: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Confirms the enrolment pending for the session `session_hash` with the step of its first
    /// code and its recovery codes (kept only as hashes keyed by the key file), and ends every
    /// session of the account in the same transaction (one opened with the password alone must
    /// not become a signed-in one). `NotFound` when no such enrolment is pending.
    async fn confirm_two_factor(
        &self,
        user_id: &str,
        session_hash: &str,
        step: i64,
        recovery_codes: &[String],
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Takes a code's step if it is later than every step taken before, and clears the count of
    /// wrong codes; `false` when it is not (a code replayed, or raced by a concurrent sign-in) or
    /// nothing is enrolled.
    async fn use_two_factor_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;
    /// Counts a wrong code of an enrolled account.
    async fn record_code_failure(&self, user_id: &str, now_ms: Timestamp) -> StoreResult<()>;
    /// Uses up a recovery code and clears the count of wrong codes; `false` when the account has
    /// no such code (left).
    async fn use_recovery_code(
        &self,
        user_id: &str,
        code: &str,
        by: &AuditActor,
    ) -> StoreResult<bool>;
    /// Replaces every recovery code of an enrolled account. `NotFound` when none is enrolled.
    async fn replace_recovery_codes(
        &self,
        user_id: &str,
        recovery_codes: &[String],
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn recovery_codes_left(&self, user_id: &str) -> StoreResult<i64>;
    /// Removes an account's second factor and recovery codes (a lost device), and ends its
    /// sessions and API tokens in the same transaction. `NotFound` for an unknown account.
    async fn reset_two_factor(&self, user_id: &str, by: &AuditActor) -> StoreResult<()>;
}
