//! Retention on pages (mnir.md §13): a case's legal holds and erasure requests, and the
//! schedules' page with what falls due, the run and the register of erasures.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::error::FieldError;
use crate::kit::form::{Opt, Reply, options, posted, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::{Shown, errors_by_field, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_app::retention::{HoldInput, RequestInput, RunReport};
use mnir_domain::retention::HoldReason;
use mnir_store::{ErasureRequestRecord, LegalHoldRecord, ListPlace, Timestamp};
use serde::Deserialize;
use std::collections::BTreeMap;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/retention", case_page)
        .post("/cases/{id}/legal-holds", hold_submit)
        .post("/cases/{id}/legal-holds/{hold}/lift", lift_submit)
        .post("/cases/{id}/erasure-requests", request_submit)
        .get("/retention", overview_page)
        .post("/retention/run", run_submit)
}

pub(crate) struct HoldRow {
    pub id: String,
    pub reason: String,
    pub note: String,
    pub placed: String,
    pub in_force: bool,
    pub lifted: String,
    pub lift_note: String,
}

pub(crate) fn hold_rows(tr: &Tr, holds: &[LegalHoldRecord]) -> Vec<HoldRow> {
    holds
        .iter()
        .map(|h| HoldRow {
            id: h.id.clone(),
            reason: tr.term("hold-reason", h.reason.as_str()),
            note: h.note.clone(),
            placed: format!("{} ({})", tr.datetime(h.placed_at_ms), h.placed_org),
            in_force: h.in_force(),
            lifted: h.lifted_at_ms.map(|at| tr.datetime(at)).unwrap_or_default(),
            lift_note: h.lift_note.clone().unwrap_or_default(),
        })
        .collect()
}

pub(crate) struct RequestRow {
    pub received: String,
    pub recorded: String,
    pub answer: String,
    pub note: String,
}

fn request_rows(tr: &Tr, requests: &[ErasureRequestRecord]) -> Vec<RequestRow> {
    requests
        .iter()
        .map(|r| RequestRow {
            received: tr.date(r.received_on),
            recorded: format!("{} ({})", tr.datetime(r.recorded_at_ms), r.recorded_org),
            answer: tr.term("erasure-answer", r.answer.as_str()),
            note: r.note.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "case_retention.html")]
struct CaseRetentionPage {
    ctx: PageCtx,
    id: String,
    reference: String,
    erased_on: Option<String>,
    may_manage: bool,
    holds: Vec<HoldRow>,
    requests: Vec<RequestRow>,
    reasons: Vec<Opt>,
    hold_note: String,
    received_on: String,
    request_note: String,
    /// Which form the errors are about: `hold`, `request` or a hold's id (its lifting).
    failed: String,
    errors: Vec<FieldError>,
    by_field: BTreeMap<String, String>,
    /// The answer just given to a request, shown once.
    answered: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HoldForm {
    reason: String,
    note: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RequestForm {
    received_on: String,
    note: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LiftForm {
    note: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CaseQuery {
    answered: String,
}

/// What a failed form brings back to the page.
#[derive(Default)]
struct Typed {
    hold: HoldForm,
    request: RequestForm,
    failed: String,
    errors: Vec<FieldError>,
    answered: Option<String>,
}

async fn show_case(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    id: &str,
    typed: Typed,
) -> PageResult {
    let user = signed_in(viewer)?;
    let who = who(state, user);
    let tr = ctx.tr;
    let title = "retention-case-title";
    let panel = mnir_app::retention::case_panel(&state.app, &who, id)
        .await
        .map_err(|e| e.page(&ctx, title))?;
    let status = if typed.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = CaseRetentionPage {
        id: id.to_string(),
        reference: panel.reference.clone(),
        erased_on: panel.erasure.as_ref().map(|e| {
            format!(
                "{} ({})",
                tr.datetime(e.erased_at_ms),
                tr.term("erasure-basis", e.basis.as_str())
            )
        }),
        // An erased case takes no hold or request: `can` already refuses them.
        may_manage: panel.may_manage,
        holds: hold_rows(&tr, &panel.holds),
        requests: request_rows(&tr, &panel.requests),
        reasons: options(
            HoldReason::ALL
                .iter()
                .map(|r| (r.as_str(), tr.term("hold-reason", r.as_str()))),
            &[typed.hold.reason.as_str()],
        ),
        hold_note: typed.hold.note,
        received_on: if typed.request.received_on.is_empty() {
            state.app.today().format("%Y-%m-%d").to_string()
        } else {
            typed.request.received_on
        },
        request_note: typed.request.note,
        failed: typed.failed,
        by_field: errors_by_field(&typed.errors),
        errors: typed.errors,
        answered: typed.answered,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn case_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<CaseQuery>,
) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let answered = mnir_domain::retention::ErasureAnswer::parse(&query.answered)
        .map(|a| ctx.tr.term("erasure-answer-told", a.as_str()));
    let typed = Typed {
        answered,
        ..Typed::default()
    };
    show_case(&state, &viewer, ctx, &id, typed).await
}

fn back(id: &str) -> Response {
    Redirect::to(&format!("/cases/{id}/retention")).into_response()
}

async fn hold_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<HoldForm>(&viewer, &state, &body, "cases")?;
    let input = HoldInput {
        reason: posted.form.reason.clone(),
        note: posted.form.note.clone(),
    };
    match mnir_app::retention::place_hold(&state.app, &who(&state, posted.user), &id, &input).await
    {
        Ok(_) => Ok(back(&id)),
        Err(AppError::Invalid(issues)) => {
            let typed = Typed {
                errors: field_errors(&posted.ctx.tr, &issues),
                hold: posted.form,
                failed: "hold".into(),
                ..Typed::default()
            };
            show_case(&state, &viewer, posted.ctx, &id, typed).await
        }
        Err(e) => Err(e.page(&posted.ctx, "retention-case-title").into()),
    }
}

async fn lift_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, hold)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<LiftForm>(&viewer, &state, &body, "cases")?;
    let who = who(&state, posted.user);
    match mnir_app::retention::lift_hold(&state.app, &who, &id, &hold, &posted.form.note).await {
        Ok(()) => Ok(back(&id)),
        Err(AppError::Invalid(issues)) => {
            let mut errors = field_errors(&posted.ctx.tr, &issues);
            // The lifting forms share field names: the error is tied to this hold's note.
            for e in &mut errors {
                e.field = format!("lift-{hold}");
            }
            let typed = Typed {
                errors,
                failed: hold,
                ..Typed::default()
            };
            show_case(&state, &viewer, posted.ctx, &id, typed).await
        }
        Err(e) => Err(e.page(&posted.ctx, "retention-case-title").into()),
    }
}

async fn request_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<RequestForm>(&viewer, &state, &body, "cases")?;
    let input = RequestInput {
        received_on: posted.form.received_on.clone(),
        note: posted.form.note.clone(),
    };
    match mnir_app::retention::request_erasure(&state.app, &who(&state, posted.user), &id, &input)
        .await
    {
        Ok(answered) => Ok(Redirect::to(&format!(
            "/cases/{id}/retention?answered={}",
            answered.answer.as_str()
        ))
        .into_response()),
        Err(AppError::Invalid(issues)) => {
            let mut errors = field_errors(&posted.ctx.tr, &issues);
            // The request's note is its own field on a page that has the hold's too.
            for e in &mut errors {
                if e.field == "note" {
                    e.field = "request-note".into();
                }
            }
            let typed = Typed {
                errors,
                request: posted.form,
                failed: "request".into(),
                ..Typed::default()
            };
            show_case(&state, &viewer, posted.ctx, &id, typed).await
        }
        Err(e) => Err(e.page(&posted.ctx, "retention-case-title").into()),
    }
}

struct DueRow {
    reference: String,
    state: String,
    since: String,
}

struct ErasureRow {
    reference: String,
    basis: String,
    erased: String,
}

#[derive(Template)]
#[template(path = "retention.html")]
struct OverviewPage {
    ctx: PageCtx,
    schedules: Vec<(String, String)>,
    due: Vec<(String, u64)>,
    held: u64,
    cases: Vec<DueRow>,
    may_run: bool,
    report: Option<Vec<(String, u64)>>,
    erasures: Vec<ErasureRow>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OverviewQuery {
    after: String,
}

/// How many lines of the register a page shows.
const REGISTER_PAGE: u32 = 50;

async fn show_overview(
    state: &AppState,
    viewer: &Viewer,
    after: Option<ListPlace>,
    report: Option<RunReport>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "retention");
    let tr = ctx.tr;
    let who = who(state, user);
    let title = "retention-title";
    let overview = mnir_app::retention::overview(&state.app, &who)
        .await
        .map_err(|e| e.page(&ctx, title))?;
    let erasures = mnir_app::retention::register(
        &state.app,
        &who,
        Timestamp::EPOCH,
        after.as_ref(),
        REGISTER_PAGE,
    )
    .await
    .map_err(|e| e.page(&ctx, title))?;
    let next = ListPlace::after_full(&erasures, REGISTER_PAGE, ListPlace::of_erasure)
        .map(|p| p.to_string());
    let rules = overview.rules;
    let years = |n: u32| tr.t_with("retention-years", &[("n", i64::from(n).into())]);
    let days = |n: u32| tr.t_with("retention-days", &[("n", i64::from(n).into())]);
    let kind = |k: &str| tr.term("retention-kind", k);
    let page = OverviewPage {
        schedules: vec![
            (kind("closed_case"), years(rules.closed_case_years)),
            (kind("not_a_victim"), years(rules.not_a_victim_years)),
            (kind("session"), days(rules.session_days)),
            (kind("api_token"), days(rules.api_token_days)),
            (
                kind("training_participant"),
                years(rules.training_participant_years),
            ),
        ],
        due: vec![
            (kind("closed_case"), overview.due.closed_cases),
            (kind("not_a_victim"), overview.due.not_a_victim),
            (kind("session"), overview.due.sessions),
            (kind("api_token"), overview.due.api_tokens),
            (
                kind("training_participant"),
                overview.due.training_participants,
            ),
        ],
        held: overview.due.held,
        cases: overview
            .cases
            .iter()
            .map(|c| DueRow {
                reference: c.reference.clone(),
                state: tr.term("state", c.state.as_str()),
                since: tr.datetime(c.since_ms),
            })
            .collect(),
        may_run: overview.may_run,
        report: report.map(|r| {
            vec![
                (tr.t("retention-report-erased"), r.erased_cases),
                (tr.t("retention-report-skipped"), r.skipped_cases),
                (kind("session"), r.purged.sessions),
                (kind("api_token"), r.purged.api_tokens),
                (kind("training_participant"), r.purged.training_participants),
            ]
        }),
        erasures: erasures
            .iter()
            .map(|e| ErasureRow {
                reference: e.case_reference.clone(),
                basis: tr.term("erasure-basis", e.basis.as_str()),
                erased: tr.datetime(e.erased_at_ms),
            })
            .collect(),
        next,
        ctx: ctx.clone(),
    };
    render(viewer, StatusCode::OK, &page, &ctx)
}

async fn overview_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(query): PageQuery<OverviewQuery>,
) -> PageResult {
    signed_in(&viewer)?;
    // A place no link could have held is the first page, not an error: the register is read
    // from the start.
    let after = query.after.parse::<ListPlace>().ok();
    show_overview(&state, &viewer, after, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoFields {}

async fn run_submit(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let posted = posted::<NoFields>(&viewer, &state, &body, "retention")?;
    let report = mnir_app::retention::run(&state.app, &who(&state, posted.user), false)
        .await
        .map_err(|e| e.page(&posted.ctx, "retention-title"))?;
    show_overview(&state, &viewer, None, Some(report)).await
}
