//! Break-glass accesses (mnir.md §13) and the tasks they raise: a review for the user's
//! supervisors and for ANITP, a notice for each organisation the case is routed to.

use crate::{AuditActor, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::break_glass::{BreakGlassReason, ReviewFinding};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlassRecord {
    pub id: String,
    pub case_id: String,
    /// Read with the record, for the pages (the case's reference is not identifying).
    pub case_reference: String,
    pub user_id: String,
    /// Read with the record: the login of the user who broke the glass.
    pub user_login: String,
    pub org_code: String,
    pub reason: BreakGlassReason,
    pub note: String,
    pub opened_at_ms: Timestamp,
    pub expires_at_ms: Timestamp,
    pub ended_at_ms: Option<Timestamp>,
}

impl BreakGlassRecord {
    /// Whether the access is open at `now`.
    pub fn open_at(&self, now: Timestamp) -> bool {
        self.ended_at_ms.is_none() && self.opened_at_ms <= now && now < self.expires_at_ms
    }

    /// When the access ended or ends.
    pub fn closes_at(&self) -> Timestamp {
        self.ended_at_ms.unwrap_or(self.expires_at_ms)
    }
}

/// The kinds of task a break-glass access raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlassTaskKind {
    /// For the user's supervisors and for ANITP: mark it justified or not.
    Review,
    /// For an organisation the case is routed to: someone else opened it.
    Notice,
}

impl GlassTaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GlassTaskKind::Review => "break_glass_review",
            GlassTaskKind::Notice => "break_glass_notice",
        }
    }
}

/// A task about a break-glass access, open or done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlassTask {
    pub id: String,
    pub kind: GlassTaskKind,
    pub org_code: String,
    pub created_at_ms: Timestamp,
    pub done_at_ms: Option<Timestamp>,
    pub done_by: Option<String>,
    /// A review's finding, once made.
    pub finding: Option<ReviewFinding>,
    pub note: Option<String>,
}

#[async_trait]
pub trait BreakGlassStore: Send + Sync {
    /// The id of the case with this exact reference, whoever may see it (the reference is what
    /// the person or a colleague can give; it names nobody).
    async fn case_id_of_reference(&self, reference: &str) -> StoreResult<Option<String>>;
    /// Opens an access, in one transaction with its audit entry, a review task for each of
    /// `review_orgs` and a notice for each organisation on the case's access list other than the
    /// user's; `Conflict` when the user already holds an open one on the case.
    async fn open_break_glass(
        &self,
        access: &BreakGlassRecord,
        review_orgs: &[String],
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// The user's accesses open at `now`, the soonest to close first.
    async fn open_break_glass_of(
        &self,
        user_id: &str,
        now: Timestamp,
    ) -> StoreResult<Vec<BreakGlassRecord>>;
    async fn break_glass(&self, id: &str) -> StoreResult<Option<BreakGlassRecord>>;
    /// Accesses opened from `since` on, oldest first, after `after` (an opening time and id),
    /// at most `limit`: the auditor's register.
    async fn break_glass_register(
        &self,
        since: Timestamp,
        after: Option<&crate::ListPlace>,
        limit: u32,
    ) -> StoreResult<Vec<BreakGlassRecord>>;
    /// The user ends their own open access early; `NotFound` when they hold no such open one.
    async fn end_break_glass(&self, id: &str, user_id: &str, by: &AuditActor) -> StoreResult<()>;
    /// A task of an access, with the access.
    async fn glass_task(&self, task_id: &str)
    -> StoreResult<Option<(GlassTask, BreakGlassRecord)>>;
    /// The tasks an access raised, in the order they were raised.
    async fn glass_tasks_of(&self, access_id: &str) -> StoreResult<Vec<GlassTask>>;
    /// An organisation's open tasks of `kind`, with their accesses, the oldest first (at most
    /// 200).
    async fn open_glass_tasks(
        &self,
        org_code: &str,
        kind: GlassTaskKind,
    ) -> StoreResult<Vec<(GlassTask, BreakGlassRecord)>>;
    /// Closes an open task of the organisation: a review with its finding and note, a notice as
    /// seen (`finding` `None`); `NotFound` when there is no such open task.
    async fn close_glass_task(
        &self,
        task_id: &str,
        org_code: &str,
        kind: GlassTaskKind,
        finding: Option<ReviewFinding>,
        note: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
}
