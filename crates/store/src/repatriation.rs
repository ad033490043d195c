//! Assisted voluntary repatriation (mnir.md §10): the procedure and its eight steps.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use chrono::NaiveDate;
use mnir_domain::repatriation::{Direction, DocumentKind, Facts, Step, StepState};
use std::collections::BTreeMap;

/// A document a step produced, with its number (encrypted at rest with the step).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepDocument {
    pub kind: DocumentKind,
    pub number: String,
}

/// One step of a procedure as last recorded. The person responsible, the documents, the note and
/// the step's own details (the escort, the itinerary, who meets the person, where they stay) are
/// encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub step: Step,
    pub state: StepState,
    /// When it happened, in the jurisdiction's calendar; never in the future.
    pub happened_on: Option<NaiveDate>,
    pub responsible_org: Option<String>,
    pub responsible_person: String,
    pub documents: Vec<StepDocument>,
    pub note: String,
    /// The step's own fields by name (`escort`, `itinerary`, `met_by`, `stays_at`, …).
    pub details: BTreeMap<String, String>,
    pub recorded_by: Option<String>,
    pub recorded_at_ms: Option<Timestamp>,
}

impl StepRecord {
    /// A step not yet begun.
    pub fn pending(step: Step) -> StepRecord {
        StepRecord {
            step,
            state: StepState::Pending,
            happened_on: None,
            responsible_org: None,
            responsible_person: String::new(),
            documents: Vec::new(),
            note: String::new(),
            details: BTreeMap::new(),
            recorded_by: None,
            recorded_at_ms: None,
        }
    }
}

/// How many procedures have one direction, standing and days from their request to their
/// travel (`None`: not travelled).
pub type RepatriationTally = (
    Direction,
    mnir_domain::repatriation::Standing,
    Option<i64>,
    i64,
);

/// A procedure under way as the inbox lists it: where it goes and its next step, none of its
/// texts (nothing is decrypted to list it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnUnderWay {
    pub id: String,
    pub case_id: String,
    pub direction: Direction,
    pub country: String,
    /// The first step not done and its state; `None` when every step is done.
    pub next: Option<(Step, StepState)>,
}

/// A repatriation procedure with its steps in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepatriationRecord {
    pub id: String,
    pub case_id: String,
    pub direction: Direction,
    /// The partner in the country of return (from Romania) or the receiving organisation in
    /// Romania (to Romania).
    pub partner_org: String,
    /// ISO 3166-1 alpha-2 code of the country the person returns to or from.
    pub country: String,
    /// The case's organisation that opened it.
    pub org_code: String,
    pub opened_by: String,
    pub opened_at_ms: Timestamp,
    pub cancelled_at_ms: Option<Timestamp>,
    /// Encrypted at rest.
    pub cancel_reason: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at_ms: Option<Timestamp>,
    /// The return's risk assessment the approval was given on.
    pub approved_assessment_id: Option<String>,
    /// How many changes it has had; a change names the version it was decided on.
    pub version: i64,
    /// One per step, in the order of [`Step::ALL`].
    pub steps: Vec<StepRecord>,
    /// The follow-up check-ins, first due first; made with the reception.
    pub checkins: Vec<CheckInRecord>,
}

/// A follow-up check-in after a return: when it is due, who makes it, and once recorded what it
/// found (the situation encrypted at rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInRecord {
    /// 1 for the first deadline of the follow-up clock, and so on.
    pub number: i64,
    pub due_on: NaiveDate,
    /// The clock whose deadline it is; stopped when the check-in is recorded before it.
    pub clock_id: String,
    pub org_code: String,
    pub happened_on: Option<NaiveDate>,
    pub contact_made: Option<bool>,
    /// By name: `housing`, `work`, `health`, `safety`, `concerns` (of re-trafficking).
    pub situation: BTreeMap<String, String>,
    /// The check-in found reason to assess the risks again.
    pub new_assessment_asked: bool,
    pub recorded_by: Option<String>,
    pub recorded_at_ms: Option<Timestamp>,
}

impl CheckInRecord {
    pub fn is_recorded(&self) -> bool {
        self.recorded_at_ms.is_some()
    }
}

/// What recording a step brings with it, in the step's transaction.
#[derive(Debug, Clone, Default)]
pub struct StepEffects {
    /// The case's move to `returned`, applied when the step completes the return and the case
    /// is in assistance under the lock.
    pub returned: Option<crate::CaseChange>,
    /// The follow-up clocks a reception done starts, each with the day it falls due.
    pub follow_ups: Vec<(NaiveDate, crate::ClockRecord)>,
}

impl RepatriationRecord {
    pub fn step(&self, step: Step) -> &StepRecord {
        &self.steps[step.number() - 1]
    }
}

/// What a procedure's guards look at, read in one transaction: the facts, and the latest return
/// assessment made since the request (the one a supervisor approves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardFacts {
    pub facts: Facts,
    pub latest_return: Option<String>,
    /// The case's state now.
    pub case_state: mnir_domain::CaseState,
}

#[async_trait]
pub trait RepatriationStore: Send + Sync {
    /// Opens a procedure with its eight steps pending; `Conflict` while another procedure of the
    /// case is not cancelled.
    async fn open_repatriation(&self, r: &RepatriationRecord, by: &AuditActor) -> StoreResult<()>;
    async fn repatriation(&self, id: &str) -> StoreResult<Option<RepatriationRecord>>;
    /// The case's procedures, oldest first.
    async fn repatriations_of(&self, case_id: &str) -> StoreResult<Vec<RepatriationRecord>>;
    /// The guards' facts now (`None`: no such procedure).
    async fn repatriation_facts(&self, id: &str, now: Timestamp)
    -> StoreResult<Option<GuardFacts>>;
    /// Records a step as given, in one transaction that claims the procedure's next version
    /// (`Conflict` when it is no longer at `seen_version` or was cancelled: someone moved it
    /// first), locks the case's row (so a consent withdrawn, a reflection period started or an
    /// assessment recorded meanwhile waits), reads the guards' facts and asks
    /// [`mnir_domain::repatriation::check_step`] (`Guard` when it refuses). When the step
    /// completes the return (travel and reception done) and the case is then in assistance,
    /// `effects.returned` (the case's move from there, with its clocks) is applied in the same
    /// transaction; a reception done starts `effects.follow_ups` with their check-ins; the
    /// follow-up step done stops the check-ins' clocks still running and marks their open tasks
    /// done. The audit entry names the step and its state, never its contents.
    async fn record_step(
        &self,
        id: &str,
        seen_version: i64,
        step: &StepRecord,
        effects: &StepEffects,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Records what a follow-up check-in found, once: `Conflict` when it was recorded already,
    /// `Guard` when the procedure is cancelled or its follow-up closed, `NotFound` when there is
    /// no such check-in. Its clock stops if it still runs; its task, if it ran out, is done.
    async fn record_checkin(
        &self,
        id: &str,
        checkin: &CheckInRecord,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The `limit` oldest procedures an organisation runs or receives that are neither
    /// cancelled nor closed (their follow-up not done), of the cases it has access to, each with
    /// its next step and no text: the list the inbox shows (which reads it in its own snapshot,
    /// `InboxRead::returns_shown`).
    async fn returns_under_way(
        &self,
        org_code: &str,
        limit: i64,
    ) -> StoreResult<Vec<ReturnUnderWay>>;
    /// How many procedures stand each way, as `repatriation_tallies` keeps them with every
    /// change (what the coordinator's counts fold, without reading every procedure): direction,
    /// standing, days from the request to the travel when it travelled, how many.
    async fn repatriation_tallies(&self) -> StoreResult<Vec<RepatriationTally>>;
    /// Stores generated procedures as they are (steps, check-ins, texts sealed), in one
    /// transaction with one audit entry: the bulk path of `mnir generate`. Their consents,
    /// assessments and clocks go in with the other generated records, before them.
    async fn insert_generated_repatriations(
        &self,
        procedures: &[RepatriationRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Records a supervisor's approval of the travel on the return assessment `assessment_id`,
    /// as [`Self::record_step`] does a step: `Guard` unless the latest return assessment is that
    /// one and found a high risk.
    async fn approve_travel(
        &self,
        id: &str,
        seen_version: i64,
        assessment_id: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Cancels the procedure (the person withdrew), as [`Self::record_step`] does a step; its
    /// steps stay as they were.
    async fn cancel_repatriation(
        &self,
        id: &str,
        seen_version: i64,
        reason: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
}
