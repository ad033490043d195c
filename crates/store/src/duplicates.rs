//! One person notified twice (mnir.md §13): each case's matching keys, the pairs found by them,
//! and ANITP's decision on each pair.

use crate::{AuditActor, ListPlace, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::CaseState;
use mnir_domain::duplicates::DuplicateDecision;

/// One case of a pair, as ANITP sees it: its reference and where it stands, never its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairCase {
    pub case_id: String,
    pub reference: String,
    pub state: CaseState,
    pub county: String,
    pub notifying_org: String,
    pub notified_at_ms: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateCandidate {
    pub id: String,
    pub earlier: PairCase,
    pub later: PairCase,
    pub score_permille: i64,
    pub exact: bool,
    pub found_at_ms: Timestamp,
    pub decision: Option<DuplicateDecision>,
    pub decided_by: Option<String>,
    pub decided_at_ms: Option<Timestamp>,
}

#[async_trait]
pub trait DuplicateStore: Send + Sync {
    /// Compares a case with the others that share its exact key or were born within a year of
    /// it, and keeps each pair not seen before that `domain::duplicates::is_candidate` calls one. Erased cases have no keys and are never compared. Returns how many
    /// pairs were new.
    async fn find_duplicates(&self, case_id: &str, by: &AuditActor) -> StoreResult<u64>;
    /// Computes the matching keys of cases that have none and are not erased (cases stored
    /// before matching keys existed; every case after a restore, since backups leave the keys
    /// out), from their names opened with their keys, at most `limit` at a time; returns how
    /// many were computed.
    async fn rebuild_match_keys(&self, limit: u32) -> StoreResult<u64>;
    /// Undoes a decision this user just recorded, when the step it stood for could not be
    /// taken.
    async fn reopen_duplicate(&self, id: &str, by: &AuditActor) -> StoreResult<()>;
    /// Pairs of which one case is routed to `org` (every pair for `None`), undecided ones only
    /// when `open_only`, in the order they were found, after `after`, at most `limit`.
    async fn duplicate_candidates(
        &self,
        org: Option<&str>,
        open_only: bool,
        after: Option<&ListPlace>,
        limit: u32,
    ) -> StoreResult<Vec<DuplicateCandidate>>;
    async fn duplicate_candidate(&self, id: &str) -> StoreResult<Option<DuplicateCandidate>>;
    /// Records the decision on an undecided pair; `NotFound` when there is no such pair or it
    /// was decided already.
    async fn decide_duplicate(
        &self,
        id: &str,
        decision: DuplicateDecision,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The ids of the cases that have matching keys, after `after`, at most `limit` (for a scan
    /// of the whole register).
    async fn matched_case_ids(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<String>>;
}
