//! Identification: indicator catalogues, interviews and the officers' decisions.

use crate::{AuditActor, ScopeFor, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::CaseState;
use mnir_domain::identification::{Outcome, Profile};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueRecord {
    pub version: String,
    pub indicator_count: i64,
    pub imported_at_ms: Timestamp,
    pub imported_by: Option<String>,
    pub active: bool,
}

/// One saved identification interview: the answer to each indicator asked (absent from the map
/// means not asked) and the evidence noted for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewRecord {
    pub id: String,
    pub case_id: String,
    pub catalogue_version: String,
    pub profile: Profile,
    pub act: Option<bool>,
    /// Indicator code → present (`true`) or absent (`false`).
    pub marks: std::collections::BTreeMap<String, bool>,
    /// Indicator code → evidence note (free text, encrypted at rest).
    pub evidence: std::collections::BTreeMap<String, String>,
    /// The engine's outcome when saved (`indicated`, `not_indicated`, `insufficient_information`).
    pub outcome: Outcome,
    pub created_by: String,
    pub org_code: String,
    pub created_at_ms: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub id: String,
    pub case_id: String,
    pub interview_id: Option<String>,
    pub decision: CaseState,
    pub engine_outcome: Option<Outcome>,
    pub differs_from_advice: bool,
    /// Free text as the officer typed it, encrypted at rest.
    pub reasons: String,
    /// Why the decision differs from the engine's advice, as typed (free text, encrypted at
    /// rest); kept apart from the reasons so the record holds no words of the officer's screen.
    pub why_different: Option<String>,
    pub decided_by: String,
    pub org_code: String,
    pub decided_at_ms: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DecisionStats {
    pub decisions: i64,
    pub differing_from_advice: i64,
}

/// Catalogues, interviews and decisions. A decision is recorded with the step it makes, through
/// [`crate::CaseStore::change_case`].
#[async_trait]
pub trait IdentificationStore: Send + Sync {
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
    async fn decisions_of(&self, case_id: &str) -> StoreResult<Vec<DecisionRecord>>;
    /// Decisions on the cases in scope, and how many differ from the engine's advice, from the
    /// tallies kept where decisions are recorded.
    async fn decision_stats(&self, scope: &ScopeFor) -> StoreResult<DecisionStats>;
    /// The same found by reading every decision in scope: what the tallies must equal.
    async fn decision_stats_scanning(&self, scope: &ScopeFor) -> StoreResult<DecisionStats>;
}
