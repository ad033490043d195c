//! Cases: the notification, who may see it, its state and the steps that change it.

use crate::{
    AuditActor, ClockChanges, ClockRecord, DecisionRecord, ListPlace, StoreResult, Timestamp,
};
use async_trait::async_trait;
use chrono::NaiveDate;
use mnir_domain::{AccessBasis, AgeGroup, CaseScope, CaseState, Exploitation, Sex};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAccess {
    pub org_code: String,
    /// Why the organisation may see the case.
    pub basis: AccessBasis,
}

/// The records a case's page shows beside the case: its clocks, referrals, reflection periods,
/// identification decisions and latest interview, and its risk assessments when they were asked
/// for (support records: only for those who may see them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CasePanels {
    pub clocks: Vec<ClockRecord>,
    pub referrals: Vec<crate::ReferralRecord>,
    pub reflections: Vec<crate::ReflectionRecord>,
    pub decisions: Vec<DecisionRecord>,
    pub latest_interview: Option<crate::InterviewRecord>,
    pub assessments: Option<Vec<crate::RiskAssessmentRecord>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub from: Option<CaseState>,
    pub to: CaseState,
    pub actor_user: Option<String>,
    pub actor_org: String,
    pub at_ms: Timestamp,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub id: String,
    pub reference: String,
    pub state: CaseState,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub sex: Sex,
    pub citizenship: String,
    pub found_in_county: String,
    pub age_years: Option<u32>,
    pub age_group: AgeGroup,
    pub exploitation: Option<Exploitation>,
    pub signals: Vec<String>,
    pub notes: String,
    pub notifying_org: String,
    pub created_by: Option<String>,
    pub notified_at_ms: Timestamp,
    pub access: Vec<CaseAccess>,
    /// The path so far, oldest first; its last entry's `to` equals `state`.
    pub history: Vec<HistoryEntry>,
}

/// A kept count that differs from the rows it counts (see [`CaseStore::tally_drift`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyDrift {
    /// `case_tallies`, `decision_tallies` or `case_access` (rows whose carried columns differ
    /// from their case's).
    pub table: &'static str,
    /// The organisation, county and state (or `decisions`/`differing`) of the count.
    pub key: String,
    pub kept: i64,
    pub counted: i64,
}

/// Where a page of the list begins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PageFrom {
    /// The newest cases.
    #[default]
    Newest,
    /// The cases just older than this one.
    OlderThan(ListPlace),
    /// The cases just newer than this one (the page before, going back).
    NewerThan(ListPlace),
}

/// A case ready to be stored: its identifying fields and free text already encrypted with the
/// store's keys (see [`CaseStore::seal_cases`]), so that encrypting, which is work for the
/// processor alone, can run apart from the database's transaction.
pub struct SealedCase {
    pub case: NewCase,
    pub given_name: Vec<u8>,
    pub family_name: Vec<u8>,
    pub birth_date: Option<Vec<u8>>,
    pub notes: Vec<u8>,
    /// The reason of each history entry, in order.
    pub reasons: Vec<Vec<u8>>,
    /// The case's data key, wrapped: the names, birth date and notes above are sealed under it.
    pub case_key: Vec<u8>,
    /// The keys by which the case is compared with others without its names.
    pub matching: mnir_crypto::MatchKeys,
}

impl SealedCase {
    pub fn seal(keys: &mnir_crypto::Keys, case: NewCase) -> SealedCase {
        let id = &case.id;
        // The identifying fields under the case's own key, so that erasing the case is
        // destroying that key (crypto-shredding); the history's reasons under the field key,
        // blanked by an erasure.
        let (key, case_key) = keys.new_case_key(id);
        let born = case.birth_date.map(|d| d.format("%Y-%m-%d").to_string());
        let matching = keys.match_keys(&[&case.given_name, &case.family_name], born.as_deref());
        SealedCase {
            given_name: key.encrypt_str("cases", "given_name", id, &case.given_name),
            family_name: key.encrypt_str("cases", "family_name", id, &case.family_name),
            birth_date: case.birth_date.map(|d| {
                key.encrypt_str("cases", "birth_date", id, &d.format("%Y-%m-%d").to_string())
            }),
            notes: key.encrypt_str("cases", "notes", id, &case.notes),
            case_key,
            matching,
            reasons: case
                .history
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let row = format!("{id}/{}", i + 1);
                    keys.encrypt_str("case_events", "reason", &row, &h.reason)
                })
                .collect(),
            case,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub state: Option<CaseState>,
    pub county: Option<String>,
    pub reference: Option<String>,
    pub from: PageFrom,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub id: String,
    pub reference: String,
    pub state: CaseState,
    pub sex: Sex,
    pub age_group: AgeGroup,
    pub age_years: Option<u32>,
    pub citizenship: String,
    pub found_in_county: String,
    pub exploitation: Option<Exploitation>,
    pub notified_at_ms: Timestamp,
    pub updated_at_ms: Timestamp,
    /// Present only when names were asked for and may be shown.
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePage {
    pub cases: Vec<CaseSummary>,
    /// Every visible case the filter matches, on all pages.
    pub total: i64,
    /// Where the next page (older cases) begins, when there is one.
    pub older: Option<ListPlace>,
    /// Where the page before (newer cases) ends, when there is one.
    pub newer: Option<ListPlace>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reveal {
    pub identity: bool,
    pub notes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub birth_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub signals: Vec<String>,
    pub notifying_org: String,
    pub created_by: Option<String>,
    pub access: Vec<CaseAccess>,
    pub history: Vec<HistoryEntry>,
    /// When the case's identifying data were erased (retention or the person's request).
    pub erased_at_ms: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub case_id: String,
    pub from: CaseState,
    pub to: CaseState,
    pub reason: String,
}

/// One step of a case, whole: what [`CaseStore::change_case`] applies in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseChange {
    pub transition: Transition,
    pub clocks: ClockChanges,
    /// The identification decision the step records, when it is one.
    pub decision: Option<DecisionRecord>,
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

/// Cases and their steps. Every write that changes a case goes through [`CaseStore::create_case`]
/// or [`CaseStore::change_case`], so no caller can move a case without its clocks.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores a notification with its access list, first event and the clocks it starts, audited, in
    /// one transaction.
    async fn create_case(
        &self,
        case: &NewCase,
        clocks: &[ClockRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Every kept count that differs from a full count of its rows, and the access rows whose
    /// carried columns differ from their case's: empty when all agree. Reads every case once.
    async fn tally_drift(&self) -> StoreResult<Vec<TallyDrift>>;
    /// Recomputes every kept count and carried column from the rows, in one transaction
    /// (audited): the repair when [`CaseStore::tally_drift`] finds a difference.
    async fn rebuild_tallies(&self, by: &AuditActor) -> StoreResult<()>;
    /// Drops the indexes of [`crate::sql::DEFERRED_INDEXES`] before a bulk load; lists scan
    /// until [`CaseStore::build_list_indexes`] has run.
    async fn defer_list_indexes(&self) -> StoreResult<()>;
    /// Builds whichever of those indexes is missing (none, mostly: then it costs a lookup each).
    async fn build_list_indexes(&self) -> StoreResult<()>;
    /// The end of a bulk load, whether it succeeded or not: the database as serving expects it
    /// (on SQLite, a file loaded with a rollback journal goes back to WAL; one whose load was
    /// killed is returned to WAL by the next open, as every open asks for WAL).
    async fn finish_bulk_load(&self) -> StoreResult<()>;
    /// Encrypts cases for [`CaseStore::insert_generated_cases`] with the store's keys; no
    /// database work, so a bulk load seals the next batch while the last one is written.
    fn seal_cases(&self, cases: Vec<NewCase>) -> Vec<SealedCase>;
    /// Stores many synthetic cases with their running clocks at once (one transaction, one audit
    /// entry for the batch).
    async fn insert_generated_cases(
        &self,
        cases: &[SealedCase],
        clocks: &[ClockRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// One page of the cases the scope allows, newest first, from `filter.from`; its total comes
    /// from the maintained tallies, not from counting rows. Audited as a read.
    async fn list_cases(
        &self,
        scope: &ScopeFor,
        filter: &CaseFilter,
        reveal_names: bool,
        by: &AuditActor,
    ) -> StoreResult<CasePage>;
    /// Counts of visible cases per state (not audited: no case data, only numbers), read from the
    /// tallies kept with every change.
    async fn count_cases_by_state(&self, scope: &ScopeFor) -> StoreResult<Vec<(CaseState, i64)>>;
    /// The same counts found by reading every visible case: what the tallies must equal (the
    /// conformance suite checks it); too slow for a page.
    async fn count_cases_by_state_scanning(
        &self,
        scope: &ScopeFor,
    ) -> StoreResult<Vec<(CaseState, i64)>>;
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
    /// [`CaseStore::case_detail`] with what the case's page shows beside it, all read in one
    /// snapshot on one connection and audited as one read: the page's dozen statements without
    /// a connection taken and given back for each.
    async fn case_view(
        &self,
        id: &str,
        scope: &ScopeFor,
        reveal: Reveal,
        with_support: bool,
        by: &AuditActor,
    ) -> StoreResult<Option<(CaseDetail, CasePanels)>>;
    /// Who may see a case and why (routing metadata; not audited as a read of case data).
    async fn case_access(&self, case_id: &str) -> StoreResult<Vec<CaseAccess>>;
    /// Everything one step of a case changes, applied in one transaction: the transition (refused
    /// with [`crate::StoreError::StaleState`] when the case is no longer in `transition.from`,
    /// [`crate::StoreError::BlockedByClock`] when a running clock in `clocks.blocked_by` forbids
    /// it), the clocks started and stopped, and the identification decision when the step is one.
    /// Audited.
    async fn change_case(&self, change: &CaseChange, by: &AuditActor) -> StoreResult<()>;
}
