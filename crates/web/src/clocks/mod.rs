//! Legal clocks on the case page, pausing and resuming them, the inbox of tasks and upcoming
//! deadlines, and the scheduler that turns expired clocks into tasks.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::error::PageError;
use crate::kit::form::{Opt, Posted, ReasonForm, Reply, options, posted, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::Shown;
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::clocks::{ClockCommand, Inbox, InboxQuery, TaskView};
use mnir_domain::clocks::ClockKind;
use mnir_store::{ClockRecord, ClockState, ListPlace, Timestamp};
use serde::Deserialize;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/inbox", inbox)
        .post("/cases/{id}/clocks/{clock}/pause", pause)
        .post("/cases/{id}/clocks/{clock}/resume", resume)
        .post("/tasks/{id}/done", task_done)
        .post("/staff-tasks/{id}/done", staff_task_done)
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
    view: &'static str,
    view_options: Vec<Opt>,
    clock_options: Vec<Opt>,
    count_text: String,
    tasks: Vec<TaskRow>,
    /// The inbox's query, carried by each "done" form so that the page comes back as it was.
    done_query: String,
    others_text: Option<String>,
    others_url: String,
    first_url: Option<String>,
    later_url: Option<String>,
    upcoming: Vec<UpcomingRow>,
    upcoming_capped: Option<String>,
    referrals: Vec<(String, String, String, String)>,
    /// Said when more referrals await than the list shows.
    referrals_capped: Option<String>,
    /// Cases with unanswered urgent needs and their count in words; `None` outside the support
    /// compartment.
    urgent: Option<(Vec<UrgentRow>, String)>,
    /// Returns under way: procedure id, what it is, its next step; `None` outside the support
    /// compartment.
    returns: Option<Vec<(String, String, String)>>,
    /// For a supervisor: the staff's certificates reaching their last day, each a task to close;
    /// `None` for anyone else.
    certificate_notices: Option<Vec<NoticeRow>>,
    /// Break-glass accesses for the viewer's organisation to review; `None` for those who
    /// review none.
    glass_reviews: Option<Vec<crate::break_glass::AccessRow>>,
    /// Break-glass accesses to the organisation's cases by someone outside it.
    glass_notices: Vec<crate::break_glass::AccessRow>,
}

/// A certificate task: the task, the certificate, its holder, number and last day, and since
/// when the task is open.
struct NoticeRow {
    task_id: String,
    certificate_id: String,
    holder: String,
    number: String,
    until: String,
    since: String,
}

/// A case with unanswered urgent needs: id, reference, the needs in words, since when.
struct UrgentRow {
    case_id: String,
    reference: String,
    needs: String,
    since: String,
}

#[derive(Deserialize, Default)]
struct InboxParams {
    view: Option<String>,
    clock: Option<String>,
    after: Option<String>,
}

fn inbox_url(view: TaskView, clock: Option<ClockKind>, after: Option<&ListPlace>) -> String {
    let mut params = Vec::new();
    if view != TaskView::default() {
        params.push(("view", view.as_str().to_string()));
    }
    if let Some(c) = clock {
        params.push(("clock", c.as_str().to_string()));
    }
    if let Some(a) = after {
        params.push(("after", a.to_string()));
    }
    if params.is_empty() {
        "/inbox".to_string()
    } else {
        format!(
            "/inbox?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    }
}

async fn inbox(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(params): PageQuery<InboxParams>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    let tr = ctx.tr;
    let now = state.now();
    // Read strictly: an unknown view or clock, or a place no page links to, is a bad request in
    // the user's language rather than a silently different list.
    let query = InboxQuery::read(
        params.view.as_deref(),
        params.clock.as_deref(),
        params.after.as_deref(),
    )
    .map_err(|_| PageError::bad_request(&ctx, tr.t("inbox-bad-filter")))?;
    let (
        Inbox {
            tasks,
            later,
            total,
            others_waiting,
            upcoming,
            referrals,
            referrals_waiting,
            urgent,
            returns,
        },
        mnir_store::StaffTasks {
            glass_reviews,
            glass_notices,
            certificate_notices,
        },
    ) = mnir_app::clocks::inbox_with_staff_tasks(&state.app, &who(&state, user), &query)
        .await
        .map_err(|e| e.page(&ctx, "inbox-title"))?;
    let certificate_notices = certificate_notices.map(|list| {
        list.into_iter()
            .map(|n| NoticeRow {
                task_id: n.task_id,
                holder: n.certificate.holder_name,
                number: n.certificate.number,
                until: tr.date(n.certificate.last_valid_day),
                since: tr.datetime(n.raised_at_ms),
                certificate_id: n.certificate.id,
            })
            .collect()
    });
    let glass_rows = |rows| crate::break_glass::access_rows(&tr, rows);
    let glass_reviews = glass_reviews.map(glass_rows);
    let glass_notices = glass_rows(glass_notices);
    let referrals_capped = (referrals_waiting > referrals.len() as i64).then(|| {
        tr.t_with(
            "inbox-referrals-capped",
            &[
                ("shown", (referrals.len() as i64).into()),
                ("count", referrals_waiting.into()),
            ],
        )
    });
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
    let tasks = tasks
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
        .collect();
    let count_text = tr.t_with("inbox-count", &[("count", total.into())]);
    let upcoming_capped = (upcoming.len() as i64 >= mnir_app::clocks::UPCOMING_SHOWN).then(|| {
        tr.t_with(
            "inbox-upcoming-capped",
            &[("count", mnir_app::clocks::UPCOMING_SHOWN.into())],
        )
    });
    let urgent = urgent.map(|(cases, more)| {
        let rows = cases
            .into_iter()
            .map(|u| UrgentRow {
                needs: crate::risk::urgent_text(&tr, &u.questions).unwrap_or_default(),
                since: tr.datetime(u.assessed_at_ms),
                case_id: u.case_id,
                reference: u.reference,
            })
            .collect::<Vec<_>>();
        let count = if more {
            tr.t_with(
                "inbox-urgent-more",
                &[("count", mnir_app::risk::URGENT_SHOWN.into())],
            )
        } else {
            tr.t_with(
                "inbox-urgent-count",
                &[("count", (rows.len() as i64).into())],
            )
        };
        (rows, count)
    });
    let returns = returns.map(|rows| {
        rows.iter()
            .map(|r| {
                let next = r.next;
                (
                    r.id.clone(),
                    tr.t_with(
                        "inbox-return-line",
                        &[
                            (
                                "direction",
                                tr.term("repatriation-direction", r.direction.as_str())
                                    .into(),
                            ),
                            ("country", tr.country(&r.country).into()),
                        ],
                    ),
                    next.map_or_else(String::new, |(step, state)| {
                        tr.t_with(
                            "inbox-return-next",
                            &[
                                ("step", tr.term("repatriation-step", step.as_str()).into()),
                                (
                                    "state",
                                    tr.term("repatriation-state", state.as_str()).into(),
                                ),
                            ],
                        )
                    }),
                )
            })
            .collect::<Vec<_>>()
    });
    let page = InboxPage {
        returns,
        urgent,
        referrals,
        referrals_capped,
        org_name: user.org.name.clone(),
        view: query.view.as_str(),
        view_options: options(
            TaskView::ALL
                .iter()
                .map(|v| (v.as_str(), tr.t(&format!("inbox-view-{}", v.as_str())))),
            &[query.view.as_str()],
        ),
        clock_options: options(
            ClockKind::ALL
                .iter()
                .map(|k| (k.as_str(), tr.term("clock", k.as_str()))),
            &[query.clock.map_or("", |c| c.as_str())],
        ),
        count_text,
        tasks,
        done_query: inbox_url(query.view, query.clock, query.after.as_ref())
            .strip_prefix("/inbox")
            .unwrap_or_default()
            .to_string(),
        others_text: others_waiting
            .filter(|n| *n > 0)
            .map(|n| tr.t_with("inbox-others-waiting", &[("count", n.into())])),
        others_url: inbox_url(TaskView::Others, query.clock, None),
        first_url: query
            .after
            .as_ref()
            .map(|_| inbox_url(query.view, query.clock, None)),
        later_url: later
            .as_ref()
            .map(|p| inbox_url(query.view, query.clock, Some(p))),
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
        upcoming_capped,
        certificate_notices,
        glass_reviews,
        glass_notices,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn task_done(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(params): PageQuery<InboxParams>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    mnir_app::clocks::complete_task(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "inbox-title"))?;
    // Back to the inbox as it was shown; the address is made here from a query read strictly,
    // never taken as given, and a query that does not read leads to the inbox's first page.
    let back = InboxQuery::read(
        params.view.as_deref(),
        params.clock.as_deref(),
        params.after.as_deref(),
    )
    .map_or_else(
        |_| "/inbox".to_string(),
        |q| inbox_url(q.view, q.clock, q.after.as_ref()),
    );
    Ok(Redirect::to(&back).into_response())
}

/// A supervisor closes a certificate task: the new course is planned, or the role no longer
/// needed.
async fn staff_task_done(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    mnir_app::training::close_certificate_notice(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "inbox-title"))?;
    Ok(Redirect::to("/inbox#certificate-notices-title").into_response())
}
