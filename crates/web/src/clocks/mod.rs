//! Legal clocks on the case page, pausing and resuming them, the inbox of tasks and upcoming
//! deadlines, and the scheduler that turns expired clocks into tasks.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::form::{Posted, ReasonForm, Reply, posted, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::PagePath;
use crate::kit::refusal::Shown;
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::clocks::{ClockCommand, Inbox};
use mnir_store::{ClockRecord, ClockState, Timestamp};

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/inbox", inbox)
        .post("/cases/{id}/clocks/{clock}/pause", pause)
        .post("/cases/{id}/clocks/{clock}/resume", resume)
        .post("/tasks/{id}/done", task_done)
}

/// "in 2 days 3 h" or "overdue by 5 h", in the user's language.
pub fn time_left(tr: &Tr, due: Timestamp, now: Timestamp) -> String {
    let minutes = due.millis_since(now).abs() / 60_000;
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
    if due > now {
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

pub fn clock_views(tr: &Tr, clocks: &[ClockRecord], now: Timestamp) -> Vec<ClockView> {
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
            name: tr.term("clock", c.kind.as_str()),
            state: tr.term("clockstate", c.state.as_str()),
            running: c.state == ClockState::Running,
            paused: c.state == ClockState::Paused,
            due: c
                .due_at_ms
                .map(|d| tr.datetime(d))
                .unwrap_or_else(|| tr.t("clock-no-due")),
            left: c
                .due_at_ms
                .filter(|_| c.state == ClockState::Running)
                .map(|d| time_left(tr, d, now))
                .unwrap_or_default(),
            overdue: c.state == ClockState::Expired
                || c.due_at_ms
                    .is_some_and(|d| c.state == ClockState::Running && d < now),
        })
        .collect()
}

async fn clock_action(
    viewer: Viewer,
    state: AppState,
    case_id: String,
    clock_id: String,
    body: Bytes,
    resume: bool,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<ReasonForm>(&viewer, &state, &body, "cases")?;
    let command = if resume {
        ClockCommand::Resume
    } else {
        ClockCommand::Pause {
            reason: &form.reason,
        }
    };
    mnir_app::clocks::change(&state.app, &who(&state, user), &case_id, &clock_id, command)
        .await
        .map_err(|r| r.page(&ctx, "clock-pause"))?;
    Ok(Redirect::to(&format!("/cases/{case_id}")).into_response())
}

async fn pause(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, clock)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    clock_action(viewer, state, id, clock, body, false).await
}

async fn resume(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, clock)): PagePath<(String, String)>,
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

async fn inbox(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    let tr = ctx.tr;
    let now = state.now();
    let Inbox {
        tasks,
        upcoming,
        referrals,
    } = mnir_app::clocks::inbox(&state.app, &who(&state, user))
        .await
        .map_err(|e| e.page(&ctx, "inbox-title"))?;
    let referrals = referrals
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.case_reference,
                tr.term("service", &r.service),
                tr.datetime(r.sent_at_ms),
            )
        })
        .collect();
    let (mine, others): (Vec<_>, Vec<_>) = tasks.into_iter().partition(|(_, mine)| *mine);
    let rows = |tasks: Vec<(mnir_store::TaskRecord, bool)>| -> Vec<TaskRow> {
        tasks
            .into_iter()
            .map(|(t, _)| TaskRow {
                what: tr.t_with(
                    "task-what",
                    &[
                        ("task", tr.term("expiry", &t.kind).into()),
                        ("clock", tr.term("clock", t.clock_kind.as_str()).into()),
                    ],
                ),
                since: tr.datetime(t.created_at_ms),
                for_role: state
                    .app
                    .jurisdiction()
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
                name: tr.term("clock", c.kind.as_str()),
                due: c.due_at_ms.map(|d| tr.datetime(d)).unwrap_or_default(),
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
    PagePath(id): PagePath<String>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    mnir_app::clocks::complete_task(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "inbox-title"))?;
    Ok(Redirect::to("/inbox").into_response())
}
