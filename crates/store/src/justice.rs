//! The criminal-justice track (proceedings and their hearings), the non-punishment flags, and the
//! disclosures of support records to investigating bodies (mnir.md §9).

use crate::{AuditActor, ListPlace, StoreResult, Timestamp};
use async_trait::async_trait;
use chrono::NaiveDate;
use mnir_domain::justice::{
    DisclosedRecord, DisclosureBasis, HearingKind, OrderedMeasure, ProceedingOutcome, Standing,
};
use mnir_domain::{AgeGroup, CaseState};

/// One appearance of the person in proceedings. The note is encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HearingRecord {
    pub id: String,
    pub proceeding_id: String,
    pub case_id: String,
    pub held_on: NaiveDate,
    pub kind: HearingKind,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at_ms: Timestamp,
}

/// Criminal proceedings in which the person takes part. The file number, the office and the court
/// are encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProceedingRecord {
    pub id: String,
    pub case_id: String,
    pub standing: Standing,
    pub file_number: String,
    pub prosecutor_office: String,
    /// Empty while the proceedings are before the prosecutor.
    pub court: String,
    pub opened_on: NaiveDate,
    pub outcome: ProceedingOutcome,
    pub outcome_on: Option<NaiveDate>,
    /// In the order of [`OrderedMeasure::ALL`].
    pub measures: Vec<OrderedMeasure>,
    pub org_code: String,
    pub recorded_by: String,
    pub recorded_at_ms: Timestamp,
    pub updated_at_ms: Timestamp,
    /// By day held, then record time (filled by [`JusticeStore::proceedings_of`]).
    pub hearings: Vec<HearingRecord>,
}

/// An offence the person was compelled to commit. The offence is encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonPunishmentRecord {
    pub id: String,
    pub case_id: String,
    pub offence: String,
    /// The proceedings of the track it concerns, if recorded there.
    pub proceeding_id: Option<String>,
    pub org_code: String,
    pub recorded_by: String,
    pub recorded_at_ms: Timestamp,
}

/// Support records let out of their compartment to an investigating body. A prosecutor's order's
/// number and office are encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosureRecord {
    pub id: String,
    pub case_id: String,
    pub recipient_org: String,
    pub basis: DisclosureBasis,
    /// The consent to sharing with police it rests on (basis `consent`).
    pub consent_id: Option<String>,
    /// The prosecutor's order (basis `prosecutor_order`): its number, day and office.
    pub order_number: String,
    pub order_on: Option<NaiveDate>,
    pub order_office: String,
    /// In the order of [`DisclosedRecord::ALL`].
    pub records: Vec<DisclosedRecord>,
    pub until_on: NaiveDate,
    /// The compartment holder's organisation that recorded it.
    pub org_code: String,
    pub recorded_by: String,
    pub recorded_at_ms: Timestamp,
    pub ended_at_ms: Option<Timestamp>,
    pub ended_by: Option<String>,
}

impl DisclosureRecord {
    pub fn covers(&self, record: DisclosedRecord) -> bool {
        self.records.contains(&record)
    }
}

/// A line of the disclosure register: the disclosure and its case's reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterLine {
    pub disclosure: DisclosureRecord,
    pub case_reference: String,
}

/// Whose disclosures the register lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterScope {
    /// Every case's (ANITP's coordination).
    National,
    /// The cases on whose access list this organisation stands.
    CasesOf(String),
    /// Those made to this organisation.
    MadeTo(String),
}

/// What the investigative summary names of a case, read for the recipient of a disclosure who
/// does not otherwise see the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseBrief {
    pub case_id: String,
    pub reference: String,
    pub state: CaseState,
    pub age_group: AgeGroup,
    /// The organisation to contact about the person: the one that answers for the case.
    pub contact_org: Option<String>,
}

#[async_trait]
pub trait JusticeStore: Send + Sync {
    /// Records proceedings with their audit entry.
    async fn record_proceeding(&self, p: &ProceedingRecord, by: &AuditActor) -> StoreResult<()>;
    /// Replaces what may change of proceedings of the case (standing, office, court, outcome and
    /// its day, measures; never the file number or the day opened), audited with `changed` (the
    /// fields' names); `NotFound` when they are not the case's.
    async fn update_proceeding(
        &self,
        p: &ProceedingRecord,
        changed: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Records a hearing of proceedings of the case; `NotFound` when they are not the case's.
    async fn record_hearing(&self, h: &HearingRecord, by: &AuditActor) -> StoreResult<()>;
    /// The case's proceedings by day opened, each with its hearings, texts decrypted.
    async fn proceedings_of(&self, case_id: &str) -> StoreResult<Vec<ProceedingRecord>>;
    /// Records a non-punishment flag with its audit entry.
    async fn record_non_punishment(
        &self,
        flag: &NonPunishmentRecord,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The case's non-punishment flags, oldest first.
    async fn non_punishment_of(&self, case_id: &str) -> StoreResult<Vec<NonPunishmentRecord>>;
    /// Records a disclosure with its audit entry.
    async fn record_disclosure(&self, d: &DisclosureRecord, by: &AuditActor) -> StoreResult<()>;
    /// Ends a disclosure of the case early; `NotFound` when it is not the case's, `Conflict`
    /// when it has ended already.
    async fn end_disclosure(
        &self,
        case_id: &str,
        disclosure_id: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The case's disclosures, newest first.
    async fn disclosures_of(&self, case_id: &str) -> StoreResult<Vec<DisclosureRecord>>;
    /// A page of the register, newest first, from after `after`: `limit` lines and whether
    /// there are more.
    async fn disclosure_register(
        &self,
        scope: &RegisterScope,
        after: Option<&ListPlace>,
        limit: i64,
    ) -> StoreResult<(Vec<RegisterLine>, bool)>;
    /// What the investigative summary names of a case, whoever asks: for the use case that has
    /// found a disclosure in force to the reader's organisation, and no one else.
    async fn case_brief(&self, case_id: &str) -> StoreResult<Option<CaseBrief>>;
    /// Stores generated proceedings (with their hearings), flags and disclosures as they are, in
    /// one transaction with one audit entry: the bulk path of `mnir generate`.
    async fn insert_generated_justice(
        &self,
        proceedings: &[ProceedingRecord],
        flags: &[NonPunishmentRecord],
        disclosures: &[DisclosureRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
}

/// Codes joined by commas, in their lists' order, as a column keeps a set of them.
pub fn join_codes<T: Copy + Ord + std::fmt::Display>(codes: &[T]) -> String {
    let mut sorted = codes.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
}
