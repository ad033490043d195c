//! The reflection period offered to a foreign national, and the no-removal flags it raises.

use crate::{AuditActor, ClockRecord, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::CaseState;
use mnir_domain::reflection::ReflectionOutcome;

/// The reflection period offered to a foreign national (mnir.md §7), with its end when it came
/// before the clock ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReflectionRecord {
    pub id: String,
    pub case_id: String,
    pub offered_at_ms: Timestamp,
    pub accepted: bool,
    /// Language the offer was explained in (ISO 639).
    pub language: String,
    pub org_code: String,
    pub offered_by: String,
    /// The `reflection_period` clock an acceptance started.
    pub clock_id: Option<String>,
    pub ended_at_ms: Option<Timestamp>,
    /// One of `mnir_domain::reflection::OUTCOMES`.
    pub outcome: Option<ReflectionOutcome>,
    /// Free text, encrypted at rest.
    pub end_reason: Option<String>,
}

/// A person immigration may not remove: a case whose reflection period runs, with what is needed
/// to recognise the person and nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoRemovalFlag {
    pub case_id: String,
    pub reference: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<chrono::NaiveDate>,
    pub citizenship: String,
    pub since_ms: Timestamp,
    /// `None` while the period's clock is paused.
    pub until_ms: Option<Timestamp>,
}

/// Reflection-period offers and their ends.
#[async_trait]
pub trait ReflectionStore: Send + Sync {
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
        outcome: ReflectionOutcome,
        reason: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The reflection-period offers of a case, oldest first.
    async fn reflections_of(&self, case_id: &str) -> StoreResult<Vec<ReflectionRecord>>;
    /// Everyone under a no-removal flag (reflection period running or paused), soonest end
    /// first. Audited as a read of each case.
    async fn no_removal_flags(&self, by: &AuditActor) -> StoreResult<Vec<NoRemovalFlag>>;
}
