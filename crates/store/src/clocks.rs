//! Legal clocks (deadlines that run, pause and expire) and the tasks an expired clock creates.

use crate::{AuditActor, CaseAccess, StoreResult, Timestamp};
use async_trait::async_trait;
use mnir_domain::AccessBasis;
use mnir_domain::clocks::ClockKind;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    Paused,
    Stopped,
    Expired,
}

impl ClockState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Stopped => "stopped",
            ClockState::Expired => "expired",
        }
    }
}

impl std::str::FromStr for ClockState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "running" => Ok(ClockState::Running),
            "paused" => Ok(ClockState::Paused),
            "stopped" => Ok(ClockState::Stopped),
            "expired" => Ok(ClockState::Expired),
            other => Err(format!("unknown clock state `{other}`")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockRecord {
    pub id: String,
    pub case_id: String,
    /// Which of the mechanism's clocks it is.
    pub kind: ClockKind,
    /// The organisation that must act when it runs out.
    pub org_code: String,
    /// As in the profile: `24h`, `90d`, `5wd`.
    pub length: String,
    pub on_expiry: String,
    pub started_at_ms: Timestamp,
    pub due_at_ms: Option<Timestamp>,
    pub state: ClockState,
    /// `(from, until)`; `until` is `None` while paused.
    pub pauses: Vec<(Timestamp, Option<Timestamp>)>,
    /// One reason per pause (free text, encrypted at rest).
    pub pause_reasons: Vec<String>,
    pub stopped_at_ms: Option<Timestamp>,
    pub fired_at_ms: Option<Timestamp>,
    /// The referral whose answer (or compensation claim) the clock awaits.
    pub referral_id: Option<String>,
}

/// A clock as it starts: running from `started` to `due`, with its definition's length (as the
/// profile writes it) and consequence.
struct Started<'a> {
    id: String,
    kind: ClockKind,
    case_id: &'a str,
    org_code: &'a str,
    length: mnir_domain::jurisdiction::Length,
    on_expiry: &'a str,
    started: Timestamp,
    due: chrono::DateTime<chrono::Utc>,
}

impl From<Started<'_>> for ClockRecord {
    fn from(s: Started<'_>) -> ClockRecord {
        ClockRecord {
            id: s.id,
            case_id: s.case_id.to_string(),
            kind: s.kind,
            org_code: s.org_code.to_string(),
            length: s.length.as_text(),
            on_expiry: s.on_expiry.to_string(),
            started_at_ms: s.started,
            due_at_ms: Some(Timestamp::from_utc(s.due)),
            state: ClockState::Running,
            pauses: Vec::new(),
            pause_reasons: Vec::new(),
            stopped_at_ms: None,
            fired_at_ms: None,
            referral_id: None,
        }
    }
}

impl ClockRecord {
    /// A clock of `kind` started at `now_ms`, its length and consequence as the jurisdiction
    /// defines them; `None` when the profile has no such clock. An urgent start (an urgent
    /// referral) runs the shorter length where the profile has one.
    pub fn start(
        jurisdiction: &mnir_domain::jurisdiction::Jurisdiction,
        id: String,
        kind: ClockKind,
        case_id: &str,
        org_code: &str,
        now_ms: Timestamp,
        urgent: bool,
    ) -> Option<ClockRecord> {
        let definition = jurisdiction.clocks.get(&kind)?;
        let length = definition
            .urgent_length
            .filter(|_| urgent)
            .unwrap_or(definition.length);
        let due = jurisdiction.due(length, now_ms.to_utc(), &[])?;
        Some(
            Started {
                id,
                kind,
                case_id,
                org_code,
                length,
                on_expiry: &definition.on_expiry,
                started: now_ms,
                due,
            }
            .into(),
        )
    }

    /// The clocks of `kind`'s deadlines counted from the start of `day` (its length, then its
    /// later ones), each with the day it falls due: the follow-up check-ins after a reception.
    /// Empty when the profile has no such clock.
    pub fn deadlines_from(
        jurisdiction: &mnir_domain::jurisdiction::Jurisdiction,
        kind: ClockKind,
        case_id: &str,
        org_code: &str,
        day: chrono::NaiveDate,
    ) -> Vec<(chrono::NaiveDate, ClockRecord)> {
        let Some(definition) = jurisdiction.clocks.get(&kind) else {
            return Vec::new();
        };
        let started = Timestamp::from_utc(jurisdiction.start_of_day(day));
        jurisdiction
            .deadlines_from_day(kind, day)
            .into_iter()
            .map(|(length, due)| {
                let clock = Started {
                    id: uuid::Uuid::new_v4().to_string(),
                    kind,
                    case_id,
                    org_code,
                    length,
                    on_expiry: &definition.on_expiry,
                    started,
                    due,
                };
                (jurisdiction.local_date(due), clock.into())
            })
            .collect()
    }
}

/// The organisation that answers for a case's clocks, from its access list: the county's
/// child-protection directorate for a child, otherwise the ANITP regional centre, otherwise the
/// first organisation on the list (the notifier).
pub fn answering_org(access: &[CaseAccess]) -> Option<String> {
    let pick = |basis: AccessBasis| {
        access
            .iter()
            .find(|a| a.basis == basis)
            .map(|a| a.org_code.clone())
    };
    pick(AccessBasis::ChildProtection)
        .or_else(|| pick(AccessBasis::RegionalCentre))
        .or_else(|| access.first().map(|a| a.org_code.clone()))
}

/// Clocks a change of state starts and stops, applied with it in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockChanges {
    pub start: Vec<ClockRecord>,
    /// Kinds of the case's running or paused clocks that the change ends.
    pub stop: Vec<ClockKind>,
    /// Kinds of clock that forbid the change while they run or are paused (checked in the
    /// change's own transaction, after the case row is locked).
    pub blocked_by: Vec<ClockKind>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub id: String,
    pub clock_id: String,
    pub case_id: String,
    pub case_reference: String,
    pub org_code: String,
    pub kind: String,
    pub clock_kind: ClockKind,
    pub created_at_ms: Timestamp,
    pub done_at_ms: Option<Timestamp>,
}

/// Which open tasks of an organisation an inbox page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFilter {
    /// Only the tasks of clocks of these kinds; `None` for every kind. An empty list matches
    /// nothing (a user none of whose roles any clock names).
    pub clock_kinds: Option<Vec<ClockKind>>,
    /// The tasks after this one; from the oldest when `None`.
    pub after: Option<crate::ListPlace>,
    pub per_page: u32,
}

/// One page of open tasks, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPage {
    pub tasks: Vec<TaskRecord>,
    /// Where the next page begins, when there is one.
    pub later: Option<crate::ListPlace>,
    /// How many open tasks the filter matches, from the counts kept per organisation and kind
    /// of clock (`task_tallies`), so that no look counts tasks.
    pub total: i64,
}

/// Clocks once started, and the tasks they leave. Clocks start and stop with the change that
/// causes them (a case step, a referral, a reflection period), in that change's transaction.
#[async_trait]
pub trait ClockStore: Send + Sync {
    /// The clocks of a case, oldest first.
    async fn clocks_of(&self, case_id: &str) -> StoreResult<Vec<ClockRecord>>;
    /// Pauses a running clock; `NotFound` when it is not running.
    async fn pause_clock(&self, clock_id: &str, reason: &str, by: &AuditActor) -> StoreResult<()>;
    /// Resumes a paused clock with its new due time; `NotFound` when it is not paused.
    async fn resume_clock(
        &self,
        clock_id: &str,
        due_at_ms: Timestamp,
        by: &AuditActor,
    ) -> StoreResult<()>;
    /// Marks every running clock due by `now` as expired and creates its task; safe when several
    /// servers call it at once (each clock fires exactly once). Returns the tasks created.
    async fn fire_due_clocks(&self, now_ms: Timestamp, limit: i64) -> StoreResult<Vec<TaskRecord>>;
    /// A page of an organisation's open tasks, oldest first, from `filter.after`.
    async fn open_tasks(&self, org_code: &str, filter: &TaskFilter) -> StoreResult<TaskPage>;
    /// How many open tasks an organisation has of these kinds of clock (every kind when `None`),
    /// from the kept counts.
    async fn count_open_tasks(
        &self,
        org_code: &str,
        clock_kinds: Option<&[ClockKind]>,
    ) -> StoreResult<i64>;
    /// The `limit` soonest running clocks of an organisation due before `until_ms`, with the
    /// case reference.
    async fn upcoming_clocks(
        &self,
        org_code: &str,
        until_ms: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<(ClockRecord, String)>>;
    /// What an organisation's inbox shows, read in one snapshot on one connection (see
    /// [`InboxRead`]).
    async fn inbox_view(&self, org_code: &str, read: &InboxRead) -> StoreResult<InboxView>;
    /// Marks an open task of the organisation done; `NotFound` otherwise.
    async fn complete_task(
        &self,
        task_id: &str,
        org_code: &str,
        by: &AuditActor,
    ) -> StoreResult<()>;
}

/// What [`ClockStore::inbox_view`] reads: a page of tasks, how many wait for the organisation's
/// other roles (the kinds of clock those are, every kind when `None`) when `others` is given, the
/// soonest deadlines, the referrals awaiting the organisation's answer, the oldest cases with
/// unanswered urgent needs when `urgent_shown` is given and the oldest returns under way when
/// `returns_shown` is (support records: only for those who may see them).
#[derive(Debug, Clone)]
pub struct InboxRead {
    pub tasks: TaskFilter,
    pub others: Option<Option<Vec<ClockKind>>>,
    pub upcoming_until: Timestamp,
    pub upcoming_shown: i64,
    /// How many of the referrals awaiting the organisation's answer to read, the oldest first.
    pub referrals_shown: i64,
    pub urgent_shown: Option<i64>,
    /// How many of the returns under way the organisation runs or receives to read, the oldest
    /// first; `None` for none.
    pub returns_shown: Option<i64>,
    /// The organisation's open tasks about break-glass accesses and certificates nearing their
    /// end, read in the same snapshot; `None` for none of them.
    pub staff: Option<StaffTasksRead>,
}

/// Which of an organisation's staff tasks an inbox reads beside its own lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffTasksRead {
    /// The reviews of break-glass accesses the organisation is asked to make.
    pub glass_reviews: bool,
    /// The certificates of its staff nearing their last day.
    pub certificate_notices: bool,
}

/// An organisation's open staff tasks, as [`StaffTasksRead`] asked for them. The notices of
/// break-glass accesses to its cases are always read.
#[derive(Debug, Clone)]
pub struct StaffTasks {
    pub glass_reviews: Option<Vec<(crate::GlassTask, crate::BreakGlassRecord)>>,
    pub glass_notices: Vec<(crate::GlassTask, crate::BreakGlassRecord)>,
    pub certificate_notices: Option<Vec<crate::CertificateNotice>>,
}

/// The records of an inbox, as [`InboxRead`] asked for them.
#[derive(Debug, Clone)]
pub struct InboxView {
    pub page: TaskPage,
    pub others_waiting: Option<i64>,
    pub upcoming: Vec<(ClockRecord, String)>,
    /// The oldest referrals awaiting the organisation's answer (at most
    /// [`InboxRead::referrals_shown`]), and how many await in all.
    pub referrals: Vec<crate::ReferralRecord>,
    pub referrals_waiting: i64,
    pub urgent: Option<Vec<crate::UrgentCase>>,
    pub returns: Option<Vec<crate::ReturnUnderWay>>,
    pub staff: Option<StaffTasks>,
}
