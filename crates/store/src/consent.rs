//! The information given to a person about their rights, and their consents.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::consent::{GivenBy, Method, Purpose, Right};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InformationRecord {
    pub id: String,
    pub case_id: String,
    /// The rights explained.
    pub rights: Vec<Right>,
    /// The language the information was given in (ISO 639-1, e.g. `ro`, `en`, `uk`).
    pub language: String,
    pub interpreter: bool,
    pub mediator: bool,
    pub notice_version: String,
    pub given_by: String,
    pub org_code: String,
    pub given_at_ms: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub id: String,
    pub case_id: String,
    pub purpose: Purpose,
    pub recipient_org: Option<String>,
    pub given_by: GivenBy,
    pub method: Method,
    pub given_at_ms: Timestamp,
    pub expires_at_ms: Option<Timestamp>,
    pub withdrawn_at_ms: Option<Timestamp>,
    pub recorded_by: String,
    pub org_code: String,
}

impl ConsentRecord {
    /// The consent as the domain reads it.
    pub fn terms(&self) -> mnir_domain::consent::ConsentTerms {
        mnir_domain::consent::ConsentTerms {
            purpose: self.purpose,
            recipient_org: self.recipient_org.clone(),
            given_at_ms: self.given_at_ms.millis(),
            expires_at_ms: self.expires_at_ms.map(Timestamp::millis),
            withdrawn_at_ms: self.withdrawn_at_ms.map(Timestamp::millis),
        }
    }

    /// The last instant the consent holds, on its last valid day: it lapses as that day ends,
    /// at `expires_at_ms`. Its local date is the day the consent was given "until".
    pub fn last_valid_instant(&self) -> Option<Timestamp> {
        self.expires_at_ms
            .map(|e| Timestamp::from_utc(e.to_utc() - chrono::Duration::milliseconds(1)))
    }
}

/// Information given and consents recorded and withdrawn.
#[async_trait]
pub trait ConsentStore: Send + Sync {
    async fn record_information(
        &self,
        info: &InformationRecord,
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn information_of(&self, case_id: &str) -> StoreResult<Vec<InformationRecord>>;
    async fn record_consent(&self, consent: &ConsentRecord, by: &AuditActor) -> StoreResult<()>;
    async fn consents_of(&self, case_id: &str) -> StoreResult<Vec<ConsentRecord>>;
    /// Withdraws a consent of the case at `by.now_ms`; `NotFound` when it is not in force.
    async fn withdraw_consent(
        &self,
        case_id: &str,
        consent_id: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
}
