//! Risk and special-needs assessments (mnir.md §8): every version kept, with the urgent needs of
//! the first contact that stay open until a referral answers them.

use crate::{AuditActor, ClockRecord, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::CaseState;
use mnir_domain::risk::{AssessmentKind, Rating, RiskDomain, RiskLevel, UrgentQuestion};

/// The answer to one urgent question; the note is encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentAnswer {
    pub question: UrgentQuestion,
    pub yes: bool,
    pub note: String,
}

/// One domain's rating; the note is encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRating {
    pub domain: RiskDomain,
    pub rating: Rating,
    pub note: String,
}

/// One version of a case's risk assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskAssessmentRecord {
    pub id: String,
    pub case_id: String,
    /// 1 for the case's first assessment, then one more for each; given by the store.
    pub version: i64,
    pub kind: AssessmentKind,
    pub org_code: String,
    pub assessed_by: String,
    pub assessed_at_ms: Timestamp,
    /// The highest domain level; `None` for a first contact (no domain rated).
    pub overall: Option<RiskLevel>,
    /// The urgent questions, in their order; empty when this version did not ask them.
    pub urgent: Vec<UrgentAnswer>,
    /// The domains rated, in their order; empty for a first contact.
    pub domains: Vec<DomainRating>,
    /// The `risk_review_*` clock this version started (a full assessment).
    pub clock_id: Option<String>,
    /// When the urgent needs of this version were answered, and by what (`referral:<id>`, or
    /// `assessment:<id>` when a later version asked the questions again).
    pub urgent_answered_at_ms: Option<Timestamp>,
    pub urgent_answered_by: Option<String>,
    /// A return's assessment: the partner in the country of return it was made with.
    pub partner_org: Option<String>,
}

impl RiskAssessmentRecord {
    /// The urgent needs this version found, while nothing has answered them.
    pub fn urgent_open(&self) -> Vec<UrgentQuestion> {
        if self.urgent_answered_at_ms.is_some() {
            return Vec::new();
        }
        self.urgent
            .iter()
            .filter(|u| u.yes)
            .map(|u| u.question)
            .collect()
    }

    /// The domains' ratings, by domain.
    pub fn ratings(&self) -> std::collections::BTreeMap<RiskDomain, Rating> {
        self.domains.iter().map(|d| (d.domain, d.rating)).collect()
    }
}

/// A case with urgent needs not yet answered, as an organisation's inbox lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentCase {
    pub case_id: String,
    pub reference: String,
    /// When the earliest of its open needs was found.
    pub assessed_at_ms: Timestamp,
    pub questions: Vec<UrgentQuestion>,
}

/// Risk assessments and the urgent needs they raise.
#[async_trait]
pub trait RiskStore: Send + Sync {
    /// Records a new version of the case's assessment, in one transaction: checks that the case
    /// is still in `seen_state` (`StaleState` otherwise), numbers the version, stores the
    /// ratings and answers with their notes encrypted, marks the open urgent needs of earlier
    /// versions answered when this one asks the questions again, stops the case's running review
    /// clock and starts `review_clock`. Returns the version's number.
    async fn record_assessment(
        &self,
        assessment: &RiskAssessmentRecord,
        review_clock: Option<&ClockRecord>,
        seen_state: CaseState,
        by: &AuditActor,
    ) -> StoreResult<i64>;
    /// Every version of the case's assessment, oldest first, with notes decrypted.
    async fn assessments_of(&self, case_id: &str) -> StoreResult<Vec<RiskAssessmentRecord>>;
    /// The cases on `org_code`'s access list with urgent needs that nothing has answered yet,
    /// oldest first, at most `limit`, each once with every open need; read from the access rows'
    /// `urgent_since_ms`, which raising and answering the needs keep.
    async fn urgent_cases(&self, org_code: &str, limit: i64) -> StoreResult<Vec<UrgentCase>>;
    /// Stores the assessments of generated cases as they are (numbered, answered, with their
    /// clock ids), in one transaction with one audit entry: the bulk path of `mnir generate`,
    /// whose review clocks come with the cases.
    async fn insert_generated_assessments(
        &self,
        assessments: &[RiskAssessmentRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
}
