//! The legal clocks of mnir.md §7: which a step starts and stops, pausing and resuming them, the
//! inbox of the tasks expired clocks create, and the scheduler that fires them.

use crate::{App, AppError, AppResult, Message, Who};
use mnir_domain::clocks::ClockKind;
pub use mnir_domain::clocks::TaskView;
use mnir_domain::jurisdiction::Length;
use mnir_domain::{Action, CaseState, can};
use mnir_store::{
    ClockChanges, ClockRecord, ListPlace, ReferralRecord, StoreError, TaskFilter, TaskRecord,
    Timestamp, User,
};

/// Longest reason for pausing a clock.
pub const MAX_PAUSE_REASON: usize = 1000;

/// Days ahead the inbox looks for deadlines.
pub const UPCOMING_DAYS: i64 = 7;

/// Tasks on one page of the inbox: as many as cases on a page of the case list. The page shows
/// four other lists beside them; a longer page cost every reader of the inbox more rows to read
/// and render than one screen holds.
pub const TASKS_PER_PAGE: u32 = 25;

/// Coming deadlines the inbox shows, soonest first.
pub const UPCOMING_SHOWN: i64 = 50;

/// The organisation that answers for a case's clocks: the county's child-protection directorate
/// for a child, otherwise the ANITP regional centre, otherwise the notifier.
pub(crate) async fn handler_org(app: &App, case_id: &str) -> AppResult<Option<String>> {
    Ok(mnir_store::answering_org(
        &app.store().case_access(case_id).await?,
    ))
}

/// A new running clock of `kind`, as the jurisdiction profile defines it; `None` when the
/// profile has no such clock.
pub(crate) fn new_clock(
    app: &App,
    kind: ClockKind,
    case_id: &str,
    org_code: &str,
    now_ms: Timestamp,
    urgent: bool,
) -> Option<ClockRecord> {
    ClockRecord::start(
        app.jurisdiction(),
        uuid::Uuid::new_v4().to_string(),
        kind,
        case_id,
        org_code,
        now_ms,
        urgent,
    )
}

/// The clocks a transition starts and stops, ready for the store.
pub(crate) async fn changes_for(
    app: &App,
    case_id: &str,
    from: CaseState,
    to: CaseState,
    now_ms: Timestamp,
) -> AppResult<ClockChanges> {
    let plan = mnir_domain::clocks::on_transition(from, to);
    // The handler is looked up only when a clock starts, to spare the other transitions a query.
    let org = if plan.start.is_empty() {
        None
    } else {
        handler_org(app, case_id).await?
    };
    let start = match org {
        Some(org) => plan
            .start
            .iter()
            .filter_map(|kind| new_clock(app, *kind, case_id, &org, now_ms, false))
            .collect(),
        None => Vec::new(),
    };
    Ok(ClockChanges {
        start,
        stop: plan.stop,
        blocked_by: plan.blocked_by,
    })
}

/// What to do with a clock.
pub enum ClockCommand<'a> {
    Pause { reason: &'a str },
    Resume,
}

/// Pauses (with a reason) or resumes one of the case's clocks; only the organisation that answers
/// for the clock may.
pub async fn change(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    clock_id: &str,
    command: ClockCommand<'_>,
) -> AppResult<()> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::ManageClocks, Some(&facts))?;
    let clock = app
        .store()
        .clocks_of(case_id)
        .await?
        .into_iter()
        .find(|c| c.id == clock_id && c.org_code == who.user.org.code)
        .ok_or(AppError::NotFound)?;
    let result = match command {
        ClockCommand::Pause { reason } => {
            let reason = crate::text::trimmed(reason);
            if reason.is_empty() || reason.chars().count() > MAX_PAUSE_REASON {
                return Err(AppError::invalid("reason", "clock-reason-required"));
            }
            app.store().pause_clock(&clock.id, reason, &who.by).await
        }
        ClockCommand::Resume => {
            let due = due_after_resume(app, &clock, who.now())?;
            app.store().resume_clock(&clock.id, due, &who.by).await
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::Conflict(Message::new("clock-changed"))),
        Err(e) => Err(e.into()),
    }
}

/// The new due time of a paused clock resumed at `now`: its length counted from its start,
/// without the time it spent paused.
fn due_after_resume(app: &App, clock: &ClockRecord, now: Timestamp) -> AppResult<Timestamp> {
    let unreadable = |what: &str| AppError::Internal(format!("clock {}: {what}", clock.id));
    let length = Length::parse(&clock.length).ok_or_else(|| unreadable("length"))?;
    let mut pauses: Vec<_> = clock
        .pauses
        .iter()
        .map(|(from, until)| (from.to_utc(), until.map(Timestamp::to_utc)))
        .collect();
    if let Some(last) = pauses.last_mut() {
        last.1 = Some(now.to_utc());
    }
    app.jurisdiction()
        .due(length, clock.started_at_ms.to_utc(), &pauses)
        .map(Timestamp::from_utc)
        .ok_or_else(|| unreadable("due time"))
}

/// Whether a task is the user's own work: the profile names one of the user's roles for its
/// clock, or names none.
pub fn task_is_for(app: &App, user: &User, clock_kind: ClockKind) -> bool {
    app.jurisdiction()
        .clocks
        .get(&clock_kind)
        .and_then(|d| d.role)
        .is_none_or(|role| user.roles.contains(role))
}

/// Which page of the inbox's tasks to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxQuery {
    pub view: TaskView,
    /// Only the tasks of this kind of clock.
    pub clock: Option<ClockKind>,
    /// The tasks after this one; from the oldest when `None`.
    pub after: Option<ListPlace>,
}

impl InboxQuery {
    /// Reads the query as links and clients write it (blank means absent); the name of the
    /// first parameter that is not a view, a clock kind or a place in the list, otherwise.
    pub fn read(
        view: Option<&str>,
        clock: Option<&str>,
        after: Option<&str>,
    ) -> Result<InboxQuery, &'static str> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        Ok(InboxQuery {
            view: match given(view) {
                Some(v) => TaskView::parse(v).ok_or("view")?,
                None => TaskView::default(),
            },
            clock: given(clock)
                .map(|c| ClockKind::parse(c).ok_or("clock"))
                .transpose()?,
            after: given(after)
                .map(|a| a.parse::<ListPlace>().map_err(|_| "after"))
                .transpose()?,
        })
    }
}

/// An organisation's inbox: a page of its open tasks, the soonest deadlines of the coming week
/// with the case reference, and the referrals awaiting its answer.
pub struct Inbox {
    /// Oldest first, each with whether it is the user's own work.
    pub tasks: Vec<(TaskRecord, bool)>,
    /// Where the next page of tasks begins.
    pub later: Option<ListPlace>,
    /// How many open tasks the view matches (all its pages).
    pub total: i64,
    /// Viewing one's own tasks: how many wait for the organisation's other roles, so that none
    /// is left undone unseen.
    pub others_waiting: Option<i64>,
    pub upcoming: Vec<(ClockRecord, String)>,
    /// The oldest referrals awaiting the organisation's answer (at most [`REFERRALS_SHOWN`]);
    /// answering one brings the next.
    pub referrals: Vec<ReferralRecord>,
    /// How many referrals await the organisation's answer in all.
    pub referrals_waiting: i64,
    /// The oldest cases whose urgent needs nobody has answered (at most
    /// [`crate::risk::URGENT_SHOWN`]) and whether there are more; `None` for a user who may not
    /// see support records.
    pub urgent: Option<(Vec<mnir_store::UrgentCase>, bool)>,
    /// The returns the organisation runs or receives that are under way (at most
    /// [`RETURNS_SHOWN`]), each with its next step; `None` outside the support compartment.
    pub returns: Option<Vec<mnir_store::ReturnUnderWay>>,
}

/// How many returns under way the inbox lists.
pub const RETURNS_SHOWN: i64 = 20;

/// How many referrals awaiting an answer the inbox lists, the oldest first.
pub const REFERRALS_SHOWN: i64 = 20;

/// An organisation's inbox as `who` may see it.
pub async fn inbox(app: &App, who: &Who<'_>, query: &InboxQuery) -> AppResult<Inbox> {
    Ok(read_inbox(app, who, query, false).await?.0)
}

/// The inbox with the open tasks about break-glass accesses and staff certificates that the
/// user's roles let them see, read in the same snapshot: what the page shows (the API has routes
/// of their own for those).
pub async fn inbox_with_staff_tasks(
    app: &App,
    who: &Who<'_>,
    query: &InboxQuery,
) -> AppResult<(Inbox, mnir_store::StaffTasks)> {
    let (inbox, staff) = read_inbox(app, who, query, true).await?;
    let staff = staff.ok_or_else(|| {
        AppError::Internal("the store left out the staff tasks the inbox asked for".into())
    })?;
    Ok((inbox, staff))
}

async fn read_inbox(
    app: &App,
    who: &Who<'_>,
    query: &InboxQuery,
    staff_tasks: bool,
) -> AppResult<(Inbox, Option<mnir_store::StaffTasks>)> {
    can(&who.actor(), Action::WorkInbox, None)?;
    let org = &who.user.org.code;
    let store = app.store();
    // A view is a set of clock kinds, so the store filters by a plain list.
    // The risk reviews' tasks and deadlines name the level: only for the support compartment.
    let support = can(&who.actor(), Action::SeeUrgentNeeds, None).is_ok();
    let kinds_of = |view: TaskView| -> Option<Vec<ClockKind>> {
        let kinds: Vec<ClockKind> = ClockKind::ALL
            .iter()
            .copied()
            .filter(|k| support || !mnir_domain::risk::is_review_clock(*k))
            .filter(|k| query.clock.is_none_or(|c| c == *k))
            .filter(|k| match view {
                TaskView::Mine => task_is_for(app, who.user, *k),
                TaskView::Others => !task_is_for(app, who.user, *k),
                TaskView::All => true,
            })
            .collect();
        (kinds.len() < ClockKind::ALL.len()).then_some(kinds)
    };
    let read = mnir_store::InboxRead {
        tasks: TaskFilter {
            clock_kinds: kinds_of(query.view),
            after: query.after.clone(),
            per_page: TASKS_PER_PAGE,
        },
        others: (query.view == TaskView::Mine).then(|| kinds_of(TaskView::Others)),
        upcoming_until: who.now().later_by(UPCOMING_DAYS * 86_400_000),
        upcoming_shown: UPCOMING_SHOWN,
        referrals_shown: REFERRALS_SHOWN,
        urgent_shown: support.then_some(crate::risk::URGENT_SHOWN + 1),
        returns_shown: support.then_some(RETURNS_SHOWN),
        staff: staff_tasks.then(|| mnir_store::StaffTasksRead {
            glass_reviews: can(&who.actor(), Action::ReviewBreakGlass, None).is_ok(),
            certificate_notices: can(&who.actor(), Action::SeeStaffCertificates, None).is_ok(),
        }),
    };
    let mnir_store::InboxView {
        page,
        others_waiting,
        mut upcoming,
        referrals,
        referrals_waiting,
        urgent,
        returns,
        staff,
    } = store.inbox_view(org, &read).await?;
    let staff = match staff {
        None => None,
        Some(tasks) => Some(mnir_store::StaffTasks {
            glass_reviews: match tasks.glass_reviews {
                Some(open) => Some(crate::break_glass::reviews_shown(app, who, open).await?),
                None => None,
            },
            glass_notices: crate::break_glass::notices_shown(app, who, tasks.glass_notices).await?,
            certificate_notices: tasks.certificate_notices,
        }),
    };
    if !support {
        upcoming.retain(|(c, _)| !mnir_domain::risk::is_review_clock(c.kind));
    }
    let urgent = urgent.map(crate::risk::shown_and_more);
    let tasks = page
        .tasks
        .into_iter()
        .map(|t| {
            let mine = task_is_for(app, who.user, t.clock_kind);
            (t, mine)
        })
        .collect();
    Ok((
        Inbox {
            tasks,
            later: page.later,
            total: page.total,
            others_waiting,
            upcoming,
            referrals,
            referrals_waiting,
            urgent,
            returns,
        },
        staff,
    ))
}

/// Marks an open task of the user's organisation done; `NotFound` otherwise.
pub async fn complete_task(app: &App, who: &Who<'_>, task_id: &str) -> AppResult<()> {
    can(&who.actor(), Action::WorkInbox, None)?;
    match app
        .store()
        .complete_task(task_id, &who.user.org.code, &who.by)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The clocks of a case the actor may see, the read audited.
pub async fn of_case(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<Vec<ClockRecord>> {
    let facts = crate::cases::visible(app, who, case_id, "case.read.clocks").await?;
    let mut clocks = app.store().clocks_of(case_id).await?;
    // A review clock's kind names the risk level: a support record.
    if can(&who.actor(), Action::ViewSupportRecords, Some(&facts)).is_err() {
        clocks.retain(|c| !mnir_domain::risk::is_review_clock(c.kind));
    }
    Ok(clocks)
}

/// Fires expired clocks every `interval` until the server stops. Several servers may run it on
/// one database: the store fires each clock exactly once.
pub async fn run_scheduler(app: App, interval: std::time::Duration) {
    let mut tick = tokio::time::interval(interval);
    // Certificates lapse at midnight: the screener roles they held, and the certificates nearing
    // their last day, are looked at once an hour (and at the start), not at every tick.
    let mut roles_checked_at: Option<std::time::Instant> = None;
    // The retention schedules run once a local day (and at the start) when the profile turns it
    // on: what falls due does so by calendar days and years.
    let mut retention_day: Option<chrono::NaiveDate> = None;
    loop {
        tick.tick().await;
        fire_due(&app).await;
        let today = app.today();
        if app.jurisdiction().retention.daily && retention_day != Some(today) {
            // Tried once a day whatever the outcome: a failure is logged, not repeated at every
            // tick.
            retention_day = Some(today);
            match crate::retention::run_daily(&app).await {
                Ok(report) => {
                    if report.erased_cases + report.purged.sessions + report.purged.api_tokens > 0
                        || report.purged.training_participants > 0
                    {
                        tracing::info!(
                            erased_cases = report.erased_cases,
                            sessions = report.purged.sessions,
                            api_tokens = report.purged.api_tokens,
                            training_participants = report.purged.training_participants,
                            "retention: records due erased"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = ?e, "retention schedules not run"),
            }
        }
        if roles_checked_at.is_none_or(|at| at.elapsed() >= std::time::Duration::from_secs(3600)) {
            roles_checked_at = Some(std::time::Instant::now());
            match crate::training::end_lapsed_screener_roles(&app).await {
                Ok(0) => {}
                Ok(ended) => tracing::info!(ended, "screener roles ended: no valid certificate"),
                Err(e) => tracing::warn!(error = ?e, "screener roles not checked"),
            }
            match crate::training::raise_certificate_notices(&app).await {
                Ok(0) => {}
                Ok(raised) => {
                    tracing::info!(raised, "tasks raised: certificates reaching their last day")
                }
                Err(e) => tracing::warn!(error = ?e, "certificates ending not looked at"),
            }
        }
    }
}

/// Turns every clock due now into its task, working a backlog (after downtime) off in batches,
/// each its own short transaction. Returns how many tasks were created.
pub async fn fire_due(app: &App) -> usize {
    const BATCH: i64 = 500;
    let mut created = 0;
    loop {
        match app.store().fire_due_clocks(app.now(), BATCH).await {
            Ok(tasks) => {
                created += tasks.len();
                if !tasks.is_empty() {
                    tracing::info!(count = tasks.len(), "expired clocks turned into tasks");
                }
                if (tasks.len() as i64) < BATCH {
                    return created;
                }
            }
            Err(e) => {
                tracing::warn!(%e, "the clock scheduler could not run");
                return created;
            }
        }
    }
}
