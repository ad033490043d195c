//! The storage contract of mnir: records, errors, the [`Store`] trait that every backend
//! implements, and [`conformance`], the suite every backend must pass.
//!
//! Backends receive plaintext records and encrypt identifying fields and free text themselves,
//! with the [`mnir_crypto::Keys`] they were opened with, before anything reaches SQL.

pub mod conformance;
mod records;
pub mod sql;

pub use records::*;

use async_trait::async_trait;
use mnir_domain::{CaseScope, CaseState};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Something with the same unique key exists (e.g. a login or an organisation code).
    #[error("already exists: {0}")]
    Conflict(String),
    /// The record changed since it was read (another user moved the case first).
    #[error("the case changed meanwhile: it is now {current}")]
    StaleState { current: CaseState },
    /// A running clock of this kind forbids the change (e.g. a return during the reflection
    /// period).
    #[error("a running {0} clock forbids this change")]
    BlockedByClock(String),
    #[error("the key file does not belong to this database (key check mismatch)")]
    KeyMismatch,
    #[error("invalid reference: {0}")]
    InvalidReference(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`, for logs and test output.
    fn backend(&self) -> &'static str;

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
    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// Records a login attempt; after `policy.max_failures` failures in a row the account is
    /// locked until `now + policy.lock_ms`. Returns the user as updated.
    async fn record_login_attempt(
        &self,
        user_id: &str,
        succeeded: bool,
        now_ms: i64,
        policy: LockoutPolicy,
    ) -> StoreResult<()>;

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn touch_session(&self, id_hash: &str, now_ms: i64) -> StoreResult<()>;
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;
    async fn delete_sessions_of(&self, user_id: &str) -> StoreResult<()>;
    async fn delete_expired_sessions(&self, now_ms: i64) -> StoreResult<u64>;

    async fn create_api_token(&self, token: &ApiTokenRecord, by: &AuditActor) -> StoreResult<()>;
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiTokenRecord>>;

    /// Stores a notification with its access list and first event, audited, in one transaction.
    async fn create_case(&self, case: &NewCase, by: &AuditActor) -> StoreResult<()> {
        self.create_case_with_clocks(case, &[], by).await
    }
    /// As [`Store::create_case`], starting `clocks` in the same transaction.
    async fn create_case_with_clocks(
        &self,
        case: &NewCase,
        clocks: &[ClockRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Stores many synthetic cases with their running clocks at once (one transaction, one audit
    /// entry for the batch).
    async fn insert_generated_cases(
        &self,
        cases: &[NewCase],
        clocks: &[ClockRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;

    /// One page of the cases the scope allows, newest first. Audited as a read.
    async fn list_cases(
        &self,
        scope: &ScopeFor,
        filter: &CaseFilter,
        reveal_names: bool,
        by: &AuditActor,
    ) -> StoreResult<CasePage>;
    /// Counts of visible cases per state (not audited: no case data, only numbers).
    async fn count_cases_by_state(&self, scope: &ScopeFor) -> StoreResult<Vec<(CaseState, i64)>>;
    /// The facts needed to authorise an action on a case, or `None` when the scope hides it.
    async fn case_facts(
        &self,
        id: &str,
        scope: &ScopeFor,
    ) -> StoreResult<Option<mnir_domain::CaseFacts>>;
    /// The whole case, decrypting only what `reveal` allows. Audited as a read.
    async fn case_detail(
        &self,
        id: &str,
        scope: &ScopeFor,
        reveal: Reveal,
        by: &AuditActor,
    ) -> StoreResult<Option<CaseDetail>>;
    /// Moves a case from `from` to `to`; fails with [`StoreError::StaleState`] when the case is
    /// no longer in `from`. Audited.
    async fn transition_case(&self, change: &Transition, by: &AuditActor) -> StoreResult<()> {
        self.transition_case_with_clocks(change, &ClockChanges::default(), by)
            .await
    }
    /// As [`Store::transition_case`], starting and stopping clocks in the same transaction.
    async fn transition_case_with_clocks(
        &self,
        change: &Transition,
        clocks: &ClockChanges,
        by: &AuditActor,
    ) -> StoreResult<()>;

    /// Stores a coordinator's catalogue version (inactive); `Conflict` when the version exists.
    async fn import_catalogue(
        &self,
        record: &CatalogueRecord,
        source_csv: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn list_catalogues(&self) -> StoreResult<Vec<CatalogueRecord>>;
    async fn catalogue_source(&self, version: &str) -> StoreResult<Option<String>>;
    /// Makes `version` the active catalogue, or the built-in one when `None`.
    async fn activate_catalogue(&self, version: Option<&str>, by: &AuditActor) -> StoreResult<()>;

    async fn save_interview(&self, interview: &InterviewRecord, by: &AuditActor)
    -> StoreResult<()>;
    async fn latest_interview(&self, case_id: &str) -> StoreResult<Option<InterviewRecord>>;
    /// Records an identification decision and moves the case accordingly, in one transaction.
    async fn record_decision(
        &self,
        decision: &DecisionRecord,
        change: &Transition,
        by: &AuditActor,
    ) -> StoreResult<()> {
        self.record_decision_with_clocks(decision, change, &ClockChanges::default(), by)
            .await
    }
    async fn record_decision_with_clocks(
        &self,
        decision: &DecisionRecord,
        change: &Transition,
        clocks: &ClockChanges,
        by: &AuditActor,
    ) -> StoreResult<()>;

    async fn record_information(
        &self,
        info: &InformationRecord,
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn information_of(&self, case_id: &str) -> StoreResult<Vec<InformationRecord>>;
    async fn record_consent(&self, consent: &ConsentRecord, by: &AuditActor) -> StoreResult<()>;
    async fn consents_of(&self, case_id: &str) -> StoreResult<Vec<ConsentRecord>>;
    /// Withdraws a consent of the case at `by.now_ms`; `NotFound` when it is not in force.
    async fn withdraw_consent(
        &self,
        case_id: &str,
        consent_id: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;

    async fn save_directory_entry(
        &self,
        entry: &DirectoryEntry,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Every directory entry, by organisation code.
    async fn directory(&self) -> StoreResult<Vec<DirectoryEntry>>;

    /// Sends a referral and starts its clocks (the response clock `referral-ID`, and for legal
    /// help `compensation-ID`), in one transaction.
    async fn send_referral(
        &self,
        referral: &ReferralRecord,
        clocks: &[ClockRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn referral(&self, id: &str) -> StoreResult<Option<ReferralRecord>>;
    async fn referrals_of(&self, case_id: &str) -> StoreResult<Vec<ReferralRecord>>;
    /// Referrals sent to an organisation and not yet answered, oldest first.
    async fn referrals_awaiting(&self, org_code: &str) -> StoreResult<Vec<ReferralRecord>>;
    /// Accepts or declines a referral still awaiting an answer, stopping its response clock (and,
    /// on a decline, the compensation clock the referral started);
    /// `NotFound` when it was answered already or is not addressed to `to_org`.
    async fn answer_referral(
        &self,
        id: &str,
        to_org: &str,
        accept: bool,
        reason: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Referrals still unanswered after their response clock ran out, in every organisation,
    /// longest overdue first: what ANITP's national coordination follows up (no case content).
    async fn overdue_referrals(&self) -> StoreResult<Vec<(ReferralRecord, i64)>>;
    /// Cancels a referral still awaiting an answer (its consent was withdrawn), stopping its
    /// clocks; `NotFound` when it was answered already.
    async fn cancel_referral(&self, id: &str, by: &AuditActor) -> StoreResult<()>;
    /// A case read for a referral's recipient, outside the recipient's own scope (the web layer
    /// authorises through the referral and its consent). Audited as a read for the referral.
    async fn case_for_referral(
        &self,
        referral_id: &str,
        case_id: &str,
        reveal: Reveal,
        by: &AuditActor,
    ) -> StoreResult<Option<CaseDetail>>;

    /// Records the offer of the reflection period and, when accepted, starts its clock, in one
    /// transaction; `Conflict` while an accepted period of the case still runs, `StaleState`
    /// when the case is no longer in `seen_state` (the state the offer was decided on).
    async fn record_reflection(
        &self,
        offer: &ReflectionRecord,
        clock: Option<&ClockRecord>,
        seen_state: CaseState,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Ends the running reflection period of a case with its outcome and stops its clock;
    /// `NotFound` when none runs.
    async fn end_reflection(
        &self,
        case_id: &str,
        outcome: &str,
        reason: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The reflection-period offers of a case, oldest first.
    async fn reflections_of(&self, case_id: &str) -> StoreResult<Vec<ReflectionRecord>>;
    /// Everyone under a no-removal flag (reflection period running or paused), soonest end
    /// first. Audited as a read of each case.
    async fn no_removal_flags(&self, by: &AuditActor) -> StoreResult<Vec<NoRemovalFlag>>;

    /// Who may see a case and why (routing metadata; not audited as a read of case data).
    async fn case_access(&self, case_id: &str) -> StoreResult<Vec<CaseAccess>>;
    /// The clocks of a case, oldest first.
    async fn clocks_of(&self, case_id: &str) -> StoreResult<Vec<ClockRecord>>;
    /// Pauses a running clock; `NotFound` when it is not running.
    async fn pause_clock(&self, clock_id: &str, reason: &str, by: &AuditActor) -> StoreResult<()>;
    /// Resumes a paused clock with its new due time; `NotFound` when it is not paused.
    async fn resume_clock(
        &self,
        clock_id: &str,
        due_at_ms: i64,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Marks every running clock due by `now` as expired and creates its task; safe when several
    /// servers call it at once (each clock fires exactly once). Returns the tasks created.
    async fn fire_due_clocks(&self, now_ms: i64, limit: i64) -> StoreResult<Vec<TaskRecord>>;
    /// Open tasks of an organisation, oldest first.
    async fn open_tasks(&self, org_code: &str) -> StoreResult<Vec<TaskRecord>>;
    /// Running clocks of an organisation due before `until_ms`, soonest first, with the case
    /// reference.
    async fn upcoming_clocks(
        &self,
        org_code: &str,
        until_ms: i64,
    ) -> StoreResult<Vec<(ClockRecord, String)>>;
    /// Marks an open task of the organisation done; `NotFound` otherwise.
    async fn complete_task(
        &self,
        task_id: &str,
        org_code: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn decisions_of(&self, case_id: &str) -> StoreResult<Vec<DecisionRecord>>;
    /// Decisions on the cases in scope, and how many differ from the engine's advice.
    async fn decision_stats(&self, scope: &ScopeFor) -> StoreResult<DecisionStats>;

    /// Appends an audit entry for an event that is not itself a store write (login, logout).
    async fn audit(
        &self,
        action: &str,
        target: &str,
        detail: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Recomputes the hash chain from the first entry.
    async fn verify_audit(&self) -> StoreResult<AuditVerdict>;
    /// The most recent audit entries, newest first.
    async fn recent_audit(&self, limit: i64) -> StoreResult<Vec<AuditEntry>>;
}

/// The scope of an actor together with who they are, as the SQL filters need both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeFor {
    pub scope: CaseScope,
    /// The actor's organisation, to tell whether it is on a case's access list even when the
    /// scope is national.
    pub org_code: String,
    pub user_id: String,
}
