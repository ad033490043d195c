//! The individual safety and support plan (mnir.md §8–§9) and the services delivered against it:
//! every version of a plan kept, each acknowledged by the person and the assessor once signed.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use chrono::NaiveDate;
use mnir_domain::CaseState;
use mnir_domain::plan::{
    AcknowledgementWay, Acknowledger, ProtectionMeasure, ServiceStatus, SupportType,
};

/// One protection measure of a plan; its free text (who does it, the detail, a shelter's
/// address) is encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanMeasure {
    pub measure: ProtectionMeasure,
    /// Who carries it out (an organisation, a service, a named officer), as typed.
    pub responsible: String,
    pub due_on: NaiveDate,
    pub detail: String,
    /// The confidential address of the shelter (a `confidential_shelter` measure only).
    pub shelter_address: String,
}

/// One support service of a plan: an HTCDS support-plan entry. Its texts are encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanService {
    pub service_type: SupportType,
    /// The organisation that provides it, when it is one of the mechanism's.
    pub provider_org: Option<String>,
    pub objectives: String,
    pub action_plan: String,
    pub planned_end_on: NaiveDate,
    pub actual_end_on: Option<NaiveDate>,
    pub status: ServiceStatus,
}

/// How the person or the assessor acknowledged a version of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanAcknowledgement {
    pub party: Acknowledger,
    pub way: AcknowledgementWay,
    pub on: NaiveDate,
    /// The witness of a verbal acknowledgement, as typed (encrypted at rest).
    pub witness: String,
    pub recorded_by: String,
    pub recorded_at_ms: Timestamp,
}

/// One version of a case's safety and support plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportPlanRecord {
    pub id: String,
    pub case_id: String,
    /// 1 for the case's first plan, then one more for each; given by the store.
    pub version: i64,
    pub org_code: String,
    pub drafted_by: String,
    pub drafted_at_ms: Timestamp,
    /// The full assessment it was drafted from.
    pub assessment_id: String,
    pub review_on: NaiveDate,
    /// In the order of [`ProtectionMeasure::ALL`].
    pub measures: Vec<PlanMeasure>,
    /// In the order of [`SupportType::ALL`].
    pub services: Vec<PlanService>,
    /// The person's first, then the assessor's, as recorded.
    pub acknowledgements: Vec<PlanAcknowledgement>,
}

impl SupportPlanRecord {
    pub fn acknowledgement(&self, party: Acknowledger) -> Option<&PlanAcknowledgement> {
        self.acknowledgements.iter().find(|a| a.party == party)
    }
}

/// A service delivered to the person: what the plan promised, done. The outcome and a provider
/// outside the mechanism are encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDelivery {
    pub id: String,
    pub case_id: String,
    pub service_type: SupportType,
    pub delivered_on: NaiveDate,
    /// The mechanism's organisation that delivered it, or else `provider_other`.
    pub provider_org: Option<String>,
    pub provider_other: String,
    pub outcome: String,
    pub org_code: String,
    pub recorded_by: String,
    pub recorded_at_ms: Timestamp,
}

/// Safety and support plans and the services delivered.
#[async_trait]
pub trait PlanStore: Send + Sync {
    /// Records a new version of the case's plan, in one transaction: checks the case is still in
    /// `seen_state` (`StaleState` otherwise), numbers the version, stores its measures and
    /// services with their texts encrypted, and, when `answers_urgent` (the plan answers each of
    /// them, [`mnir_domain::plan::answers_needs`]), marks the case's open urgent needs answered by
    /// it. Returns the version's number.
    async fn record_plan(
        &self,
        plan: &SupportPlanRecord,
        answers_urgent: bool,
        seen_state: CaseState,
        by: &AuditActor,
    ) -> StoreResult<i64>;
    /// Every version of the case's plan, oldest first, with texts decrypted.
    async fn plans_of(&self, case_id: &str) -> StoreResult<Vec<SupportPlanRecord>>;
    /// Adds an acknowledgement to a version of the case's plan; `NotFound` when the plan is not
    /// the case's, `Conflict` when that party has acknowledged it already.
    async fn acknowledge_plan(
        &self,
        case_id: &str,
        plan_id: &str,
        acknowledgement: &PlanAcknowledgement,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Records a service delivered, with its audit entry.
    async fn record_delivery(&self, delivery: &ServiceDelivery, by: &AuditActor)
    -> StoreResult<()>;
    /// The services delivered to the case's person, by date then record time.
    async fn deliveries_of(&self, case_id: &str) -> StoreResult<Vec<ServiceDelivery>>;
    /// Stores the plans and deliveries of generated cases as they are, in one transaction with
    /// one audit entry: the bulk path of `mnir generate`.
    async fn insert_generated_plans(
        &self,
        plans: &[SupportPlanRecord],
        deliveries: &[ServiceDelivery],
        by: &AuditActor,
    ) -> StoreResult<()>;
}
