//! Retention, erasure and legal hold (mnir.md §13): holds on a case, a person's requests to
//! erase, what the schedules bring due, the erasure itself and its register.

use crate::{AuditActor, ListPlace, StoreResult, Timestamp};
use async_trait::async_trait;
use chrono::NaiveDate;
use mnir_domain::CaseState;
use mnir_domain::retention::{Cutoffs, ErasureAnswer, ErasureBasis, HoldReason};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHoldRecord {
    pub id: String,
    pub case_id: String,
    pub reason: HoldReason,
    pub note: String,
    pub placed_by: Option<String>,
    pub placed_org: String,
    pub placed_at_ms: Timestamp,
    pub lifted_by: Option<String>,
    pub lifted_at_ms: Option<Timestamp>,
    pub lift_note: Option<String>,
}

impl LegalHoldRecord {
    pub fn in_force(&self) -> bool {
        self.lifted_at_ms.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRequestRecord {
    pub id: String,
    pub case_id: String,
    pub received_on: NaiveDate,
    pub note: String,
    pub recorded_by: Option<String>,
    pub recorded_org: String,
    pub recorded_at_ms: Timestamp,
    /// How it was answered; [`RetentionStore::record_erasure_request`] decides it.
    pub answer: ErasureAnswer,
}

/// One line of the register of erasures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRecord {
    pub case_id: String,
    pub case_reference: String,
    pub basis: ErasureBasis,
    pub request_id: Option<String>,
    pub erased_by: Option<String>,
    pub erased_at_ms: Timestamp,
}

/// A case the schedules bring due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCase {
    pub case_id: String,
    pub reference: String,
    pub state: CaseState,
    /// When the case reached its final state.
    pub since_ms: Timestamp,
}

/// What the schedules bring due at a moment, by kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionDue {
    pub closed_cases: u64,
    pub not_a_victim: u64,
    /// Cases due by their schedule but kept by a legal hold (not in the two counts above).
    pub held: u64,
    pub sessions: u64,
    pub api_tokens: u64,
    pub training_participants: u64,
}

impl RetentionDue {
    /// The counts as one line of `key=value` words, for the audit log and the operator.
    pub fn summary(&self) -> String {
        format!(
            "closed_cases={} not_a_victim={} held={} sessions={} api_tokens={} training_participants={}",
            self.closed_cases,
            self.not_a_victim,
            self.held,
            self.sessions,
            self.api_tokens,
            self.training_participants
        )
    }
}

/// What a run of the schedules removed besides cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub api_tokens: u64,
    pub training_participants: u64,
}

#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// Places a hold, under the case's row lock; `Conflict` when the case was erased.
    async fn place_legal_hold(&self, hold: &LegalHoldRecord, by: &AuditActor) -> StoreResult<()>;
    /// Lifts a hold in force on the case; `NotFound` when there is none of that id.
    async fn lift_legal_hold(
        &self,
        case_id: &str,
        hold_id: &str,
        note: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The case's holds, the newest first.
    async fn legal_holds_of(&self, case_id: &str) -> StoreResult<Vec<LegalHoldRecord>>;
    /// Records a person's request to erase the case and answers it in the same transaction,
    /// under the case's row lock: erased when no hold stands and the case is no longer worked
    /// (`domain::retention::answer_request`), refused otherwise. The returned record carries
    /// the answer. `Conflict` when the case was already erased.
    async fn record_erasure_request(
        &self,
        request: &ErasureRequestRecord,
        by: &AuditActor,
    ) -> StoreResult<ErasureRequestRecord>;
    /// The case's erasure requests, the newest first.
    async fn erasure_requests_of(&self, case_id: &str) -> StoreResult<Vec<ErasureRequestRecord>>;
    /// The case's line of the register, once it is erased.
    async fn erasure_of(&self, case_id: &str) -> StoreResult<Option<ErasureRecord>>;
    /// How many records of each kind are due at `cutoffs`.
    async fn retention_due(&self, cutoffs: &Cutoffs) -> StoreResult<RetentionDue>;
    /// Cases due and not held, the longest due first, at most `limit`.
    async fn due_cases(&self, cutoffs: &Cutoffs, limit: u32) -> StoreResult<Vec<DueCase>>;
    /// Erases one case the schedules bring due, checking again under its row lock that it is
    /// due and not held; `false` when it no longer is (reopened, held, erased meanwhile).
    async fn erase_due_case(
        &self,
        case_id: &str,
        cutoffs: &Cutoffs,
        by: &AuditActor,
    ) -> StoreResult<bool>;
    /// Deletes the sessions and API tokens and erases the training participants' names due.
    async fn purge_due_records(&self, cutoffs: &Cutoffs, by: &AuditActor) -> StoreResult<Purged>;
    /// The register of erasures from `since` on, oldest first, after `after`, at most `limit`.
    async fn erasures(
        &self,
        since: Timestamp,
        after: Option<&ListPlace>,
        limit: u32,
    ) -> StoreResult<Vec<ErasureRecord>>;
    /// The wrapped case keys, in the order of their cases' ids, after `after`, at most `limit`:
    /// what a key ring written beside a backup holds.
    async fn case_keys_page(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<(String, Vec<u8>)>>;
    /// Puts back, after a restore, the keys of the ring whose cases are in the database, not
    /// erased and without a key; the others are left out. Returns how many were put.
    async fn put_case_keys(&self, keys: &[(String, Vec<u8>)]) -> StoreResult<u64>;
    /// Cases not erased whose identifying fields are sealed under a case key that the database
    /// does not hold (after a restore: erased since the backup was made), at most `limit`.
    async fn cases_missing_keys(&self, limit: u32) -> StoreResult<Vec<String>>;
    /// After a restore: erases (basis `restore`) a case the key ring says was erased after the
    /// backup was made; `false` when the backup does not hold it or it is erased already.
    async fn erase_restored_case(&self, case_id: &str, by: &AuditActor) -> StoreResult<bool>;
    /// After erasures: on SQLite, moves the write-ahead log into the file and empties it, so the
    /// erased values' old pages leave the log (freed pages are zeroed, `secure_delete`). On
    /// PostgreSQL nothing: old row versions and WAL segments go with vacuum and checkpoints.
    async fn scrub_after_erasure(&self) -> StoreResult<()>;
}
