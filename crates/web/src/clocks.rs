//! Legal clocks on the case page, pausing and resuming them, the inbox of tasks and upcoming
//! deadlines, and the scheduler that turns expired clocks into tasks.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::ops::Refusal;
use crate::pages::{
    CaseForm, Reply, audit_actor, field, form_pairs, posted_case_form, render, signed_in,
};
use crate::views::PageCtx;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::DateTime;
use mnir_domain::jurisdiction::Length;
use mnir_domain::{Action, CaseState, can};
use mnir_store::{
    AuditActor, ClockChanges, ClockRecord, ClockState, StoreError, StoreResult, User,
};

type PageResult = Result<Response, Reply>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/cases/{id}/clocks/{clock}/pause", post(pause))
        .route("/cases/{id}/clocks/{clock}/resume", post(resume))
        .route("/tasks/{id}/done", post(task_done))
}

/// The organisation that answers for a case's clocks: the county's child-protection directorate
/// for a child, otherwise the ANITP regional centre, otherwise the notifier.
pub async fn handler_org(state: &AppState, case_id: &str) -> StoreResult<Option<String>> {
    Ok(mnir_store::answering_org(
        &state.store.case_access(case_id).await?,
    ))
}

/// A new running clock of `kind`, as the jurisdiction profile defines it; `None` when the
/// profile has no such clock.
pub fn new_clock(
    state: &AppState,
    kind: &str,
    case_id: &str,
    org_code: &str,
    now_ms: i64,
    urgent: bool,
) -> Option<ClockRecord> {
    ClockRecord::start(
        &state.jurisdiction,
        uuid::Uuid::new_v4().to_string(),
        kind,
        case_id,
        org_code,
        now_ms,
        urgent,
    )
}

/// The clocks a transition starts and stops, ready for the store.
pub async fn changes_for(
    state: &AppState,
    case_id: &str,
    from: CaseState,
    to: CaseState,
    now_ms: i64,
) -> StoreResult<ClockChanges> {
    let plan = mnir_domain::clocks::on_transition(from, to);
    // The handler is looked up only when a clock starts, to spare the other transitions a query.
    let org = if plan.start.is_empty() {
        None
    } else {
        handler_org(state, case_id).await?
    };
    let start = match org {
        Some(org) => plan
            .start
            .iter()
            .filter_map(|kind| new_clock(state, kind, case_id, &org, now_ms, false))
            .collect(),
        None => Vec::new(),
    };
    Ok(ClockChanges {
        start,
        stop: plan.stop.iter().map(|k| k.to_string()).collect(),
        blocked_by: plan.blocked_by.iter().map(|k| k.to_string()).collect(),
    })
}

/// "in 2 days 3 h" or "overdue by 5 h", in the user's language.
pub fn time_left(tr: &Tr, due_ms: i64, now_ms: i64) -> String {
    let minutes = (due_ms - now_ms).abs() / 60_000;
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let span = if days > 0 {
        tr.t_with(
            "clock-span-days",
            &[("days", days.into()), ("hours", hours.into())],
        )
    } else {
        tr.t_with(
            "clock-span-hours",
            &[("hours", hours.into()), ("minutes", mins.into())],
        )
    };
    // A clock is expired once its due time has come (the scheduler fires `due <= now`).
    if due_ms > now_ms {
        tr.t_with("clock-left", &[("span", span.into())])
    } else {
        tr.t_with("clock-overdue", &[("span", span.into())])
    }
}

pub struct ClockView {
    pub id: String,
    pub name: String,
    pub state: String,
    pub running: bool,
    pub paused: bool,
    pub due: String,
    pub left: String,
    pub overdue: bool,
}

pub fn clock_views(tr: &Tr, clocks: &[ClockRecord], now_ms: i64) -> Vec<ClockView> {
    clocks
        .iter()
        .filter(|c| {
            matches!(
                c.state,
                ClockState::Running | ClockState::Paused | ClockState::Expired
            )
        })
        .map(|c| ClockView {
            id: c.id.clone(),
            name: tr.term("clock", &c.kind),
            state: tr.term("clockstate", c.state.as_str()),
            running: c.state == ClockState::Running,
            paused: c.state == ClockState::Paused,
            due: c
                .due_at_ms
                .map(|d| tr.datetime_ms(d))
                .unwrap_or_else(|| tr.t("clock-no-due")),
            left: c
                .due_at_ms
                .filter(|_| c.state == ClockState::Running)
                .map(|d| time_left(tr, d, now_ms))
                .unwrap_or_default(),
            overdue: c.state == ClockState::Expired
                || c.due_at_ms
                    .is_some_and(|d| c.state == ClockState::Running && d < now_ms),
        })
        .collect()
}

/// Whether the actor may pause and resume the clocks of this case.
pub fn may_manage(user: &User, facts: &mnir_domain::CaseFacts) -> bool {
    can(&user.actor(), Action::ManageClocks, Some(facts)).is_ok()
}

/// Pauses (with a reason) or resumes one of the case's clocks; only the organisation that answers
/// for the clock may.
pub async fn change_clock(
    state: &AppState,
    user: &User,
    tr: &Tr,
    case_id: &str,
    clock_id: &str,
    pause_reason: Option<&str>,
    by: AuditActor,
) -> Result<(), Refusal> {
    let facts = state
        .store
        .case_facts(case_id, &crate::pages::scope_for(user))
        .await?
        .ok_or(Refusal::NotFound)?;
    can(&user.actor(), Action::ManageClocks, Some(&facts))?;
    let clock = state
        .store
        .clocks_of(case_id)
        .await?
        .into_iter()
        .find(|c| c.id == clock_id && c.org_code == user.org.code)
        .ok_or(Refusal::NotFound)?;
    let result = match pause_reason {
        Some(reason) => {
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > 1000 {
                return Err(Refusal::invalid("reason", tr.t("clock-reason-required")));
            }
            state.store.pause_clock(&clock.id, reason, &by).await
        }
        None => {
            let length = Length::parse(&clock.length)
                .ok_or_else(|| Refusal::Internal("stored clock length".into()))?;
            let mut pauses: Vec<_> = clock
                .pauses
                .iter()
                .map(|(from, until)| {
                    (
                        DateTime::from_timestamp_millis(*from).unwrap_or_default(),
                        until.and_then(DateTime::from_timestamp_millis),
                    )
                })
                .collect();
            if let Some(last) = pauses.last_mut() {
                last.1 = DateTime::from_timestamp_millis(by.now_ms);
            }
            let start = DateTime::from_timestamp_millis(clock.started_at_ms).unwrap_or_default();
            let due = state
                .jurisdiction
                .due(length, start, &pauses)
                .ok_or_else(|| Refusal::Internal("due time".into()))?;
            state
                .store
                .resume_clock(&clock.id, due.timestamp_millis(), &by)
                .await
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(Refusal::Conflict(tr.t("clock-changed"))),
        Err(e) => Err(e.into()),
    }
}

async fn clock_action(
    viewer: Viewer,
    state: AppState,
    case_id: String,
    clock_id: String,
    body: Bytes,
    resume: bool,
) -> PageResult {
    let CaseForm {
        user, ctx, pairs, ..
    } = posted_case_form(&viewer, &state, &case_id, &body).await?;
    let reason = (!resume).then(|| field(&pairs, "reason").unwrap_or(""));
    change_clock(
        &state,
        user,
        &ctx.tr,
        &case_id,
        &clock_id,
        reason,
        audit_actor(&state, user),
    )
    .await
    .map_err(|r| r.page(&ctx, "clock-pause"))?;
    Ok(Redirect::to(&format!("/cases/{case_id}")).into_response())
}

async fn pause(
    viewer: Viewer,
    State(state): State<AppState>,
    Path((id, clock)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    clock_action(viewer, state, id, clock, body, false).await
}

async fn resume(
    viewer: Viewer,
    State(state): State<AppState>,
    Path((id, clock)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    clock_action(viewer, state, id, clock, body, true).await
}

struct TaskRow {
    id: String,
    case_id: String,
    reference: String,
    what: String,
    since: String,
    /// Whose work it is, when the profile says.
    for_role: String,
}

/// Whether a task is the user's own work: the profile names one of the user's roles for its
/// clock, or names none.
pub fn task_is_for(state: &AppState, user: &User, clock_kind: &str) -> bool {
    state
        .jurisdiction
        .clocks
        .get(clock_kind)
        .and_then(|d| d.role)
        .is_none_or(|role| user.roles.contains(role))
}

struct UpcomingRow {
    case_id: String,
    reference: String,
    name: String,
    due: String,
    left: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    ctx: PageCtx,
    org_name: String,
    tasks: Vec<TaskRow>,
    other_tasks: Vec<TaskRow>,
    upcoming: Vec<UpcomingRow>,
    referrals: Vec<(String, String, String, String)>,
}

/// Days ahead the inbox looks for deadlines.
pub const UPCOMING_DAYS: i64 = 7;

async fn inbox(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    can(&user.actor(), Action::WorkInbox, None).map_err(|d| PageError::denied(&ctx, &d))?;
    let tr = ctx.tr;
    let now = state.now_ms();
    let tasks = state
        .store
        .open_tasks(&user.org.code)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let upcoming = state
        .store
        .upcoming_clocks(&user.org.code, now + UPCOMING_DAYS * 86_400_000)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let referrals = state
        .store
        .referrals_awaiting(&user.org.code)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.case_reference,
                tr.term("service", &r.service),
                tr.datetime_ms(r.sent_at_ms),
            )
        })
        .collect();
    let (mine, others): (Vec<_>, Vec<_>) = tasks
        .into_iter()
        .partition(|t| task_is_for(&state, user, &t.clock_kind));
    let rows = |tasks: Vec<mnir_store::TaskRecord>| -> Vec<TaskRow> {
        tasks
            .into_iter()
            .map(|t| TaskRow {
                what: tr.t_with(
                    "task-what",
                    &[
                        ("task", tr.term("expiry", &t.kind).into()),
                        ("clock", tr.term("clock", &t.clock_kind).into()),
                    ],
                ),
                since: tr.datetime_ms(t.created_at_ms),
                for_role: state
                    .jurisdiction
                    .clocks
                    .get(&t.clock_kind)
                    .and_then(|d| d.role)
                    .map(|r| tr.term("role", r.as_str()))
                    .unwrap_or_default(),
                id: t.id,
                case_id: t.case_id,
                reference: t.case_reference,
            })
            .collect()
    };
    let page = InboxPage {
        referrals,
        org_name: user.org.name.clone(),
        tasks: rows(mine),
        other_tasks: rows(others),
        upcoming: upcoming
            .into_iter()
            .map(|(c, reference)| UpcomingRow {
                name: tr.term("clock", &c.kind),
                due: c.due_at_ms.map(|d| tr.datetime_ms(d)).unwrap_or_default(),
                left: c
                    .due_at_ms
                    .map(|d| time_left(&tr, d, now))
                    .unwrap_or_default(),
                case_id: c.case_id,
                reference,
            })
            .collect(),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn task_done(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    can(&user.actor(), Action::WorkInbox, None).map_err(|d| PageError::denied(&ctx, &d))?;
    match state
        .store
        .complete_task(&id, &user.org.code, &audit_actor(&state, user))
        .await
    {
        Ok(()) => Ok(Redirect::to("/inbox").into_response()),
        Err(StoreError::NotFound) => Err(PageError::not_found(&ctx).into()),
        Err(e) => Err(PageError::internal(&ctx, e).into()),
    }
}

/// Fires expired clocks every `interval` until the server stops. Several servers may run it on
/// one database: the store fires each clock exactly once.
pub async fn run_scheduler(state: AppState, interval: std::time::Duration) {
    const BATCH: i64 = 500;
    let mut tick = tokio::time::interval(interval);
    loop {
        tick.tick().await;
        // A backlog (after downtime) is worked off in batches, each its own short transaction.
        loop {
            match state.store.fire_due_clocks(state.now_ms(), BATCH).await {
                Ok(tasks) => {
                    if !tasks.is_empty() {
                        tracing::info!(count = tasks.len(), "expired clocks turned into tasks");
                    }
                    if (tasks.len() as i64) < BATCH {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(%e, "the clock scheduler could not run");
                    break;
                }
            }
        }
    }
}

/// Stores a notification with its acknowledgement clock, in one transaction.
pub async fn create_case(
    state: &AppState,
    case: &mnir_store::NewCase,
    by: &mnir_store::AuditActor,
) -> StoreResult<()> {
    let plan = mnir_domain::clocks::on_notification();
    let org = mnir_store::answering_org(&case.access).unwrap_or_else(|| case.notifying_org.clone());
    let clocks: Vec<ClockRecord> = plan
        .start
        .iter()
        .filter_map(|kind| new_clock(state, kind, &case.id, &org, by.now_ms, false))
        .collect();
    state.store.create_case_with_clocks(case, &clocks, by).await
}

/// Moves a case and starts and stops its clocks, in one transaction.
pub async fn transition(
    state: &AppState,
    change: &mnir_store::Transition,
    by: &mnir_store::AuditActor,
) -> StoreResult<()> {
    let clocks = changes_for(state, &change.case_id, change.from, change.to, by.now_ms).await?;
    state
        .store
        .transition_case_with_clocks(change, &clocks, by)
        .await
}

/// Records an identification decision, moving the case and its clocks, in one transaction.
pub async fn record_decision(
    state: &AppState,
    decision: &mnir_store::DecisionRecord,
    change: &mnir_store::Transition,
    by: &mnir_store::AuditActor,
) -> StoreResult<()> {
    let clocks = changes_for(state, &change.case_id, change.from, change.to, by.now_ms).await?;
    state
        .store
        .record_decision_with_clocks(decision, change, &clocks, by)
        .await
}
