//! Exchange of cases with other systems (HTCDS, mnir.md §11): every case read in pages of its
//! key for an export, and a whole file's cases stored at once or not at all by an import.

use crate::{AuditActor, SealedCase, StoreResult, Timestamp, VictimProfileRecord};
use async_trait::async_trait;
use mnir_domain::victim::VictimProfile;
use mnir_domain::{AgeGroup, CaseState, Exploitation, Sex};

/// A case as an export reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedCase {
    pub id: String,
    pub reference: String,
    pub state: CaseState,
    pub sex: Sex,
    pub age_group: AgeGroup,
    pub age_years: Option<u32>,
    pub citizenship: String,
    pub exploitation: Option<Exploitation>,
    pub notifying_org: String,
    pub notified_at_ms: Timestamp,
    /// Given name, family name and birth date: read only when asked for.
    pub identity: Option<(String, String, Option<chrono::NaiveDate>)>,
    /// Empty when none is recorded.
    pub profile: VictimProfile,
    /// The first step that made the person a presumed or identified victim.
    pub first_victim_step_ms: Option<Timestamp>,
    /// Whether a step made the person an identified victim.
    pub identified: bool,
}

#[async_trait]
pub trait ExchangeStore: Send + Sync {
    /// Up to `limit` cases after `after_reference` in the order of their references, so that
    /// the same register gives the same file whatever ids its cases have (duplicates left out, as
    /// their person is the other case's), with their profiles; identities decrypted only when
    /// `reveal_identity`. Each page appends a read entry (`cases.export`, with `detail`) to the
    /// audit log.
    async fn export_page(
        &self,
        after_reference: Option<&str>,
        limit: u32,
        reveal_identity: bool,
        by: &AuditActor,
        detail: &str,
    ) -> StoreResult<Vec<ExportedCase>>;
    /// Which of `references` some case already has.
    async fn existing_references(&self, references: &[String]) -> StoreResult<Vec<String>>;
    /// Stores imported cases with their profiles in one transaction (one audit entry,
    /// `cases.import` with `detail`): all of them or, on any error (a reference stored meanwhile
    /// included), none. `progress` is told how many cases are written so far.
    async fn import_cases(
        &self,
        cases: &[SealedCase],
        profiles: &[VictimProfileRecord],
        by: &AuditActor,
        detail: &str,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<()>;
}
