//! The victim profile of a case (HTCDS victim and exploitation fields, mnir.md §11): one per
//! case, kept current, each value in a row of its own so the statistics count them by SQL.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::victim::VictimProfile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VictimProfileRecord {
    pub case_id: String,
    pub profile: VictimProfile,
    /// The organisation of whoever recorded it last.
    pub org_code: String,
    pub recorded_by: String,
    pub updated_at_ms: Timestamp,
}

#[async_trait]
pub trait VictimProfileStore: Send + Sync {
    /// The profile of a case, `None` before one is recorded.
    async fn victim_profile(&self, case_id: &str) -> StoreResult<Option<VictimProfileRecord>>;
    /// Records the profile of a case, replacing the one before, in one transaction that holds the
    /// case's row; audited with the names of the fields that changed (never their values).
    /// `NotFound` for no such case, `StaleState` when it is no longer in `seen_state`.
    async fn put_victim_profile(
        &self,
        record: &VictimProfileRecord,
        seen_state: mnir_domain::CaseState,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Stores generated profiles in bulk (the synthetic generator), audited once.
    async fn insert_generated_profiles(
        &self,
        records: &[VictimProfileRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
}
