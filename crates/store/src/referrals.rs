//! Referrals of a case to another organisation's service, and their answers.

use crate::{AuditActor, CaseDetail, ClockRecord, Reveal, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::referral::ReferralStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRecord {
    pub id: String,
    pub case_id: String,
    pub case_reference: String,
    pub from_org: String,
    pub to_org: String,
    /// One of `mnir_domain::directory::SERVICES`.
    pub service: String,
    pub urgent: bool,
    /// `sent`, `accepted`, `declined` or `cancelled` (its consent withdrawn before an answer).
    pub status: ReferralStatus,
    pub sent_by: String,
    pub sent_at_ms: Timestamp,
    pub answered_by: Option<String>,
    pub answered_at_ms: Option<Timestamp>,
    /// Free text, encrypted at rest.
    pub decline_reason: Option<String>,
}

/// A page of the referrals awaiting an organisation's answer, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralPage {
    pub referrals: Vec<ReferralRecord>,
    /// Where the next page begins, when there is one.
    pub later: Option<crate::ListPlace>,
    /// How many referrals await the organisation's answer in all.
    pub total: i64,
}

/// What `mnir generate` makes of a case's way through the mechanism after the finding: the
/// information on rights, the consents, the referrals with their answers, the reflection period
/// offered to a foreign national, and the clocks these started (stopped or run out as the
/// history says) with the tasks of those that ran out, done since.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedReferrals {
    pub information: Vec<crate::InformationRecord>,
    pub consents: Vec<crate::ConsentRecord>,
    pub referrals: Vec<ReferralRecord>,
    pub reflections: Vec<crate::ReflectionRecord>,
    pub clocks: Vec<ClockRecord>,
    /// Done tasks only: an open one is made by the server's scheduler from its running clock,
    /// with the organisation's count of open tasks.
    pub tasks: Vec<crate::TaskRecord>,
}

impl GeneratedReferrals {
    pub fn extend(&mut self, other: GeneratedReferrals) {
        self.information.extend(other.information);
        self.consents.extend(other.consents);
        self.referrals.extend(other.referrals);
        self.reflections.extend(other.reflections);
        self.clocks.extend(other.clocks);
        self.tasks.extend(other.tasks);
    }
}

/// Referrals, with the clocks they start and stop.
#[async_trait]
pub trait ReferralStore: Send + Sync {
    /// Sends a referral and starts its clocks (the response clock `referral-ID`, and for legal
    /// help `compensation-ID`), in one transaction.
    async fn send_referral(
        &self,
        referral: &ReferralRecord,
        clocks: &[ClockRecord],
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn referral(&self, id: &str) -> StoreResult<Option<ReferralRecord>>;
    async fn referrals_of(&self, case_id: &str) -> StoreResult<Vec<ReferralRecord>>;
    /// A page of the referrals sent to an organisation and not yet answered, oldest first, from
    /// a place in that list on (an index range: the same work at every page), with how many
    /// await in all.
    async fn referrals_awaiting(
        &self,
        org_code: &str,
        after: Option<&crate::ListPlace>,
        per_page: i64,
    ) -> StoreResult<ReferralPage>;
    /// Accepts or declines a referral still awaiting an answer, stopping its response clock (and,
    /// on a decline, the compensation clock the referral started);
    /// `NotFound` when it was answered already or is not addressed to `to_org`.
    async fn answer_referral(
        &self,
        id: &str,
        to_org: &str,
        accept: bool,
        reason: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The `limit` referrals longest unanswered after their response clock ran out, in every
    /// organisation, each with the time it became overdue, and how many are overdue in all:
    /// what ANITP's national coordination follows up (no case content).
    async fn overdue_referrals(
        &self,
        limit: i64,
    ) -> StoreResult<(Vec<(ReferralRecord, Timestamp)>, i64)>;
    /// Cancels a referral still awaiting an answer (its consent was withdrawn), stopping its
    /// clocks; `NotFound` when it was answered already.
    async fn cancel_referral(&self, id: &str, by: &AuditActor) -> StoreResult<()>;
    /// Stores what was generated as it is, in one transaction with one audit entry: the bulk
    /// path of `mnir generate`.
    async fn insert_generated_referrals(
        &self,
        generated: &GeneratedReferrals,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// A case read for a referral's recipient, outside the recipient's own scope (the web layer
    /// authorises through the referral and its consent). Audited as a read for the referral.
    async fn case_for_referral(
        &self,
        referral_id: &str,
        case_id: &str,
        reveal: Reveal,
        by: &AuditActor,
    ) -> StoreResult<Option<CaseDetail>>;
}
