//! Break-glass access on pages (mnir.md §13): opening a case not routed to one's organisation
//! with a reason, the access's page with its reviews and notices, ending it early, reviewing it
//! and marking a notice seen. The banner every page shows while an access is open is in the kit.

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::error::FieldError;
use crate::kit::form::{Opt, Reply, options, posted, render, signed_in, who};
use crate::kit::query::PagePath;
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
use mnir_app::break_glass::Opening;
use mnir_domain::break_glass::{BreakGlassReason, ReviewFinding};
use mnir_store::GlassTaskKind;
use serde::Deserialize;
use std::collections::BTreeMap;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/break-glass", opening_page)
        .post("/break-glass", opening_submit)
        .get("/break-glass/{id}", access_page)
        .post("/break-glass/{id}/end", end_submit)
        .post("/break-glass/{id}/tasks/{task}/review", review_submit)
        .post("/break-glass/{id}/tasks/{task}/seen", seen_submit)
}

/// An access in a list of reviews or notices: the access, the case's reference, who, why and
/// when.
pub(crate) struct AccessRow {
    pub access_id: String,
    pub reference: String,
    pub by: String,
    pub reason: String,
    pub opened: String,
}

/// The accesses of open reviews or notices as the inbox and the break-glass page list them.
pub(crate) fn access_rows(
    tr: &crate::kit::i18n::Tr,
    rows: Vec<(mnir_store::GlassTask, mnir_store::BreakGlassRecord)>,
) -> Vec<AccessRow> {
    rows.into_iter()
        .map(|(_, g)| AccessRow {
            by: format!("{} ({})", g.user_login, g.org_code),
            reason: tr.term("break-glass-reason", g.reason.as_str()),
            opened: tr.datetime(g.opened_at_ms),
            reference: g.case_reference,
            access_id: g.id,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "break_glass.html")]
struct OpeningPage {
    ctx: PageCtx,
    may_open: bool,
    reviews: Option<Vec<AccessRow>>,
    intro: String,
    submit: String,
    allowed: bool,
    reasons: Vec<Opt>,
    reference: String,
    note: String,
    errors: Vec<FieldError>,
    by_field: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OpeningForm {
    reference: String,
    reason: String,
    note: String,
}

fn reason_options(ctx: &PageCtx, chosen: &str) -> Vec<Opt> {
    options(
        BreakGlassReason::ALL
            .iter()
            .map(|r| (r.as_str(), ctx.tr.term("break-glass-reason", r.as_str()))),
        &[chosen],
    )
}

async fn show_opening(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    form: OpeningForm,
    errors: Vec<FieldError>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let who = who(state, user);
    let may = mnir_app::break_glass::may_use_page(&state.app, &who)
        .map_err(|e| e.page(&ctx, "break-glass-title"))?;
    // Reviewers (ANITP's coordinators have no inbox) find the accesses to review here too.
    let reviews = if may.review {
        let rows = mnir_app::break_glass::reviews(&state.app, &who)
            .await
            .map_err(|e| e.page(&ctx, "break-glass-title"))?;
        Some(access_rows(&ctx.tr, rows))
    } else {
        None
    };
    let (may_open, allowed) = (may.open, may.profile_allows);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let minutes = i64::from(state.app.jurisdiction().break_glass.minutes);
    let page = OpeningPage {
        may_open,
        reviews,
        intro: ctx
            .tr
            .t_with("break-glass-intro", &[("minutes", minutes.into())]),
        submit: ctx
            .tr
            .t_with("break-glass-submit", &[("minutes", minutes.into())]),
        allowed,
        reasons: reason_options(&ctx, &form.reason),
        reference: form.reference,
        note: form.note,
        by_field: errors_by_field(&errors),
        errors,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn opening_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "break-glass");
    show_opening(&state, &viewer, ctx, OpeningForm::default(), Vec::new()).await
}

async fn opening_submit(viewer: Viewer, State(state): State<AppState>, body: Bytes) -> PageResult {
    let posted = posted::<OpeningForm>(&viewer, &state, &body, "break-glass")?;
    let opening = Opening {
        reference: posted.form.reference.clone(),
        reason: posted.form.reason.clone(),
        note: posted.form.note.clone(),
    };
    match mnir_app::break_glass::open(&state.app, &who(&state, posted.user), &opening).await {
        Ok(access) => Ok(Redirect::to(&format!("/cases/{}", access.case_id)).into_response()),
        Err(AppError::Invalid(issues)) => {
            let errors = field_errors(&posted.ctx.tr, &issues);
            show_opening(&state, &viewer, posted.ctx, posted.form, errors).await
        }
        // No case has the reference: said beside it, the form kept.
        Err(AppError::NotFound) => {
            let errors = vec![FieldError {
                field: "reference".into(),
                message: posted.ctx.t("break-glass-reference-unknown"),
            }];
            show_opening(&state, &viewer, posted.ctx, posted.form, errors).await
        }
        Err(e) => Err(e.page(&posted.ctx, "break-glass-title").into()),
    }
}

struct TaskRow {
    id: String,
    org: String,
    kind: String,
    state: String,
    note: String,
}

#[derive(Template)]
#[template(path = "break_glass_access.html")]
struct AccessPage {
    ctx: PageCtx,
    id: String,
    case_id: String,
    reference: String,
    /// The viewer opened it and it is still open: the case may be opened and the access ended.
    own_open: bool,
    login: String,
    org: String,
    reason: String,
    note: String,
    opened: String,
    closes: String,
    open_now: bool,
    tasks: Vec<TaskRow>,
    /// The viewer's organisation's open review of this access, when the viewer may make it.
    review_task: Option<String>,
    /// The viewer's organisation's open notice of this access.
    notice_task: Option<String>,
    findings: Vec<Opt>,
    review_note: String,
    review_error: Option<String>,
}

async fn show_access(
    state: &AppState,
    viewer: &Viewer,
    ctx: PageCtx,
    id: &str,
    review: (String, String, Option<String>),
) -> PageResult {
    let user = signed_in(viewer)?;
    let who = who(state, user);
    let tr = ctx.tr;
    let (access, tasks) = mnir_app::break_glass::access(&state.app, &who, id)
        .await
        .map_err(|e| e.page(&ctx, "break-glass-access-title"))?;
    let now = state.now();
    let orgs = mnir_app::accounts::organisations(&state.app)
        .await
        .map_err(|e| e.page(&ctx, "break-glass-access-title"))?;
    let org_name = |code: &str| {
        orgs.iter()
            .find(|o| o.code == code)
            .map_or_else(|| code.to_string(), |o| o.name.clone())
    };
    let may = mnir_app::break_glass::permissions(&state.app, &who);
    let (reviews, told) = (may.review, may.told);
    let ours_open = |kind: GlassTaskKind| {
        tasks
            .iter()
            .find(|t| t.kind == kind && t.org_code == user.org.code && t.done_at_ms.is_none())
            .map(|t| t.id.clone())
    };
    let review_task =
        ours_open(GlassTaskKind::Review).filter(|_| reviews && access.user_id != user.id);
    let notice_task = ours_open(GlassTaskKind::Notice).filter(|_| told);
    let rows = tasks
        .iter()
        .map(|t| TaskRow {
            id: t.id.clone(),
            org: org_name(&t.org_code),
            kind: tr.t(match t.kind {
                GlassTaskKind::Review => "break-glass-task-review",
                GlassTaskKind::Notice => "break-glass-task-notice",
            }),
            state: match (t.done_at_ms, t.finding) {
                (None, _) => tr.t("break-glass-task-open"),
                (Some(at), Some(f)) => format!(
                    "{} ({})",
                    tr.term("break-glass-finding", f.as_str()),
                    tr.datetime(at)
                ),
                (Some(at), None) => {
                    format!("{} ({})", tr.t("break-glass-task-seen"), tr.datetime(at))
                }
            },
            note: t.note.clone().unwrap_or_default(),
        })
        .collect();
    let (finding, review_note, review_error) = review;
    let status = if review_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccessPage {
        id: access.id.clone(),
        case_id: access.case_id.clone(),
        reference: access.case_reference.clone(),
        own_open: access.user_id == user.id && access.open_at(now),
        login: access.user_login.clone(),
        org: org_name(&access.org_code),
        reason: tr.term("break-glass-reason", access.reason.as_str()),
        note: access.note.clone(),
        opened: tr.datetime(access.opened_at_ms),
        closes: tr.datetime(access.closes_at()),
        open_now: access.open_at(now),
        tasks: rows,
        review_task,
        notice_task,
        findings: options(
            ReviewFinding::ALL
                .iter()
                .map(|f| (f.as_str(), tr.term("break-glass-finding", f.as_str()))),
            &[finding.as_str()],
        ),
        review_note,
        review_error,
        ctx: ctx.clone(),
    };
    render(viewer, status, &page, &ctx)
}

async fn access_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "break-glass");
    show_access(&state, &viewer, ctx, &id, Default::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoFields {}

async fn end_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<NoFields>(&viewer, &state, &body, "break-glass")?;
    mnir_app::break_glass::end(&state.app, &who(&state, posted.user), &id)
        .await
        .map_err(|e| e.page(&posted.ctx, "break-glass-access-title"))?;
    Ok(Redirect::to(&format!("/break-glass/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReviewForm {
    finding: String,
    note: String,
}

async fn review_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, task)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<ReviewForm>(&viewer, &state, &body, "break-glass")?;
    let who = who(&state, posted.user);
    match mnir_app::break_glass::review(
        &state.app,
        &who,
        &task,
        &posted.form.finding,
        &posted.form.note,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/break-glass/{id}")).into_response()),
        Err(AppError::Invalid(issues)) => {
            let message = field_errors(&posted.ctx.tr, &issues)
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" ");
            let ReviewForm { finding, note } = posted.form;
            show_access(
                &state,
                &viewer,
                posted.ctx,
                &id,
                (finding, note, Some(message)),
            )
            .await
        }
        Err(e) => Err(e.page(&posted.ctx, "break-glass-access-title").into()),
    }
}

async fn seen_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath((id, task)): PagePath<(String, String)>,
    body: Bytes,
) -> PageResult {
    let posted = posted::<NoFields>(&viewer, &state, &body, "break-glass")?;
    mnir_app::break_glass::seen(&state.app, &who(&state, posted.user), &task)
        .await
        .map_err(|e| e.page(&posted.ctx, "break-glass-access-title"))?;
    Ok(Redirect::to(&format!("/break-glass/{id}")).into_response())
}
