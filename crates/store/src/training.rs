//! Training (mnir.md §12): curricula and vignettes as imported versions of data, sessions with
//! their participants, e-learning attempts and certificates.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use chrono::NaiveDate;
use mnir_domain::training::{Audience, ProfessionalCategory, TraineeDecision};
use serde::Serialize;

/// The two kinds of training data a trainer imports as versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainingData {
    Curriculum,
    Vignettes,
}

impl TrainingData {
    /// The name the audit log and the errors use.
    pub fn as_str(self) -> &'static str {
        match self {
            TrainingData::Curriculum => "curriculum",
            TrainingData::Vignettes => "vignettes",
        }
    }
}

/// An imported version of a curriculum or of the vignettes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataVersionRecord {
    pub version: String,
    /// Modules or vignettes in it.
    pub item_count: i64,
    /// For vignettes: the indicator catalogue they were checked against and are scored with.
    pub catalogue_version: Option<String>,
    pub imported_at_ms: Timestamp,
    pub imported_by: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrainingSessionRecord {
    pub id: String,
    pub held_on: NaiveDate,
    pub city: String,
    /// ISO 3166-2 code of the county the session was held in.
    pub county: String,
    pub audience: Audience,
    pub curriculum_version: String,
    pub trainers: Vec<String>,
    pub modules: Vec<String>,
    /// The organisation of the trainer who recorded it.
    pub org_code: String,
    pub recorded_by: Option<String>,
    pub recorded_at_ms: Timestamp,
    /// Participants recorded (read only: counted when listed).
    pub participants: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantRecord {
    pub id: String,
    pub session_id: String,
    /// The participant's account, when they have one.
    pub user_id: Option<String>,
    pub name: String,
    /// The participant's organisation in the directory, when it is one.
    pub org_code: Option<String>,
    /// The name of an organisation outside the directory (a school, an employment agency).
    pub org_name: Option<String>,
    pub category: ProfessionalCategory,
    pub attended: bool,
    /// The modules this participant followed.
    pub modules: Vec<String>,
    pub recorded_by: Option<String>,
    pub recorded_at_ms: Timestamp,
}

/// Which sessions to list: newest first, from after `before` (a session's day and id).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainingSessionFilter {
    pub before: Option<(NaiveDate, String)>,
    pub city: Option<String>,
    pub audience: Option<Audience>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Sessions with at least one participant of this category.
    pub category: Option<ProfessionalCategory>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    pub id: String,
    pub user_id: String,
    pub vignette_version: String,
    pub vignette_code: String,
    pub present: Vec<String>,
    pub act: Option<bool>,
    pub decision: TraineeDecision,
    pub score: f64,
    pub decision_correct: bool,
    pub at_ms: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRecord {
    pub id: String,
    /// Given by the store when the certificate is issued: `<year>-<sequence>`.
    pub number: String,
    pub user_id: String,
    pub holder_name: String,
    pub org_code: String,
    pub audience: Audience,
    /// The attendance the course counts.
    pub participant_id: String,
    pub issued_on: NaiveDate,
    pub last_valid_day: NaiveDate,
    /// The instant its last day ends in the jurisdiction's time zone.
    pub ends_at_ms: Timestamp,
    pub issued_at_ms: Timestamp,
    pub verification_code: String,
    pub revoked_at_ms: Option<Timestamp>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

/// Which certificates to list: newest first, from after `before` (an issue time and id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateFilter {
    pub user_id: Option<String>,
    pub before: Option<crate::ListPlace>,
    pub limit: u32,
}

/// An open task for an organisation's supervisors: a staff member's certificate reaches its last
/// day within the profile's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateNotice {
    pub task_id: String,
    pub raised_at_ms: Timestamp,
    pub certificate: CertificateRecord,
}

/// What the training reports count, as the store reads it (each look audited).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingCounts {
    /// Participants who attended, by professional category (code).
    pub trained_by_category: Vec<(String, i64)>,
    /// Participants who attended, by county: their directory organisation's, or the session's.
    pub trained_by_county: Vec<(String, i64)>,
    /// Participants who attended, by organisation: a directory code, or an outside name.
    pub trained_by_organisation: Vec<(Option<String>, Option<String>, i64)>,
    /// Sessions by city.
    pub sessions_by_city: Vec<(String, i64)>,
    /// Certificates valid, expired and revoked on the day asked.
    pub certificates: (i64, i64, i64),
}

/// A year of notifications, from `from` (included) to `to` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearBounds {
    pub year: i32,
    pub from: Timestamp,
    pub to: Timestamp,
}

#[async_trait]
pub trait TrainingStore: Send + Sync {
    /// The counts of the training reports, certificates counted on local day `today`.
    async fn training_counts(
        &self,
        today: NaiveDate,
        by: &AuditActor,
    ) -> StoreResult<TrainingCounts>;
    /// Per year: the notifications made by a user holding a valid certificate at that instant,
    /// and those made by anyone else (imported and generated cases included).
    async fn notifications_by_certification(
        &self,
        years: &[YearBounds],
    ) -> StoreResult<Vec<(i32, i64, i64)>>;
    /// Stores a version of training data as read; `Conflict` when the version exists.
    async fn import_training_data(
        &self,
        kind: TrainingData,
        record: &DataVersionRecord,
        source: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Makes `version` the one in use (`None`: none imported, so the built-in one); `NotFound`
    /// for an unknown version.
    async fn activate_training_data(
        &self,
        kind: TrainingData,
        version: Option<&str>,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The imported versions, newest first.
    async fn training_data(&self, kind: TrainingData) -> StoreResult<Vec<DataVersionRecord>>;
    async fn training_data_source(
        &self,
        kind: TrainingData,
        version: &str,
    ) -> StoreResult<Option<String>>;

    /// Stores sessions with their participants, all in one transaction with one audit entry.
    async fn record_sessions(
        &self,
        sessions: &[(TrainingSessionRecord, Vec<ParticipantRecord>)],
        by: &AuditActor,
    ) -> StoreResult<()>;
    async fn training_sessions(
        &self,
        filter: &TrainingSessionFilter,
    ) -> StoreResult<Vec<TrainingSessionRecord>>;
    async fn training_session(&self, id: &str) -> StoreResult<Option<TrainingSessionRecord>>;
    async fn participants(&self, session_id: &str) -> StoreResult<Vec<ParticipantRecord>>;
    async fn add_participant(&self, p: &ParticipantRecord, by: &AuditActor) -> StoreResult<()>;
    /// Records whether a participant attended and the modules they followed; `NotFound` when
    /// the session has no such participant.
    async fn set_attendance(
        &self,
        session_id: &str,
        participant_id: &str,
        attended: bool,
        modules: &[String],
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// A user's participations, each with its session's audience and day.
    async fn participations_of(
        &self,
        user_id: &str,
    ) -> StoreResult<Vec<(ParticipantRecord, Audience, NaiveDate)>>;

    async fn record_attempt(&self, a: &AttemptRecord, by: &AuditActor) -> StoreResult<()>;
    /// A user's attempts, newest first (at most 1,000).
    async fn attempts_of(&self, user_id: &str) -> StoreResult<Vec<AttemptRecord>>;
    /// A user's first try at each vignette made after `since` (all, when `None`), oldest first:
    /// what the certification counts.
    async fn first_tries(
        &self,
        user_id: &str,
        since: Option<Timestamp>,
    ) -> StoreResult<Vec<AttemptRecord>>;
    async fn attempt(&self, id: &str) -> StoreResult<Option<AttemptRecord>>;

    /// Issues a certificate, giving it the next number of its year and closing the open tasks
    /// about the holder's earlier certificates of the course; `Conflict` when the holder
    /// has a certificate of that audience not revoked whose last day is not before this one's
    /// issue day. Returns the number.
    async fn issue_certificate(
        &self,
        c: &CertificateRecord,
        by: &AuditActor,
    ) -> StoreResult<String>;
    async fn certificates(&self, filter: &CertificateFilter)
    -> StoreResult<Vec<CertificateRecord>>;
    async fn certificate(&self, id: &str) -> StoreResult<Option<CertificateRecord>>;
    async fn certificate_by_code(&self, code: &str) -> StoreResult<Option<CertificateRecord>>;
    /// Raises a task for the supervisors of the holder's organisation for each certificate not
    /// revoked whose last day falls from `from` to `to`, whose holder is active and holds no
    /// later certificate of its course, and that has had no task yet (at most 500 at a time).
    /// Returns how many were raised.
    async fn raise_certificate_notices(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        by: &AuditActor,
    ) -> StoreResult<usize>;
    /// The open certificate tasks of an organisation, the soonest last day first (at most 200).
    async fn certificate_notices(&self, org_code: &str) -> StoreResult<Vec<CertificateNotice>>;
    /// Marks an open certificate task of the organisation handled; `NotFound` otherwise.
    async fn close_certificate_notice(
        &self,
        task_id: &str,
        org_code: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Revokes a certificate at `by.now_ms`, closing its open task; `NotFound` when there is
    /// none or it is revoked.
    async fn revoke_certificate(&self, id: &str, reason: &str, by: &AuditActor) -> StoreResult<()>;
}
