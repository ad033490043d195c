//! The reflection period on the case page (offer, acceptance, end) and the list of people under a
//! no-removal flag that immigration works from (mnir.md §7).

use crate::AppState;
use crate::auth::Viewer;
use crate::i18n::Tr;
use crate::ops::Refusal;
use crate::pages::{Opt, Reply, audit_actor, field, options, render, scope_for, signed_in};
use crate::views::PageCtx;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mnir_domain::reflection::{OUTCOMES, may_offer};
use mnir_domain::{Action, CaseFacts, can};
use mnir_store::{
    AuditActor, CaseSummary, ClockRecord, ClockState, NoRemovalFlag, ReflectionRecord, Reveal,
    StoreError, User,
};

type PageResult = Result<Response, Reply>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/reflection", post(offer_submit))
        .route("/cases/{id}/reflection/end", post(end_submit))
        .route("/no-removal", get(no_removal_page))
}

/// The case as the user sees it, when the user may record the reflection period on it.
async fn case_for(
    state: &AppState,
    user: &User,
    case_id: &str,
    by: &AuditActor,
) -> Result<(CaseFacts, CaseSummary), Refusal> {
    let scope = scope_for(user);
    let facts = state
        .store
        .case_facts(case_id, &scope)
        .await?
        .ok_or(Refusal::NotFound)?;
    can(&user.actor(), Action::RecordReflection, Some(&facts))?;
    let detail = state
        .store
        .case_detail(case_id, &scope, Reveal::default(), by)
        .await?
        .ok_or(Refusal::NotFound)?;
    Ok((facts, detail.summary))
}

/// Records the person's answer to the offer; an acceptance starts the period's clock, answered
/// for by the organisation that answers the case's other clocks.
pub async fn offer(
    state: &AppState,
    user: &User,
    tr: &Tr,
    case_id: &str,
    accepted: Option<bool>,
    language: &str,
    by: AuditActor,
) -> Result<ReflectionRecord, Refusal> {
    let (facts, summary) = case_for(state, user, case_id, &by).await?;
    // One period per case (Law 678/2001 art. 39^1 grants one, of up to 90 days); while one runs,
    // no other answer is recorded either.
    if state
        .store
        .reflections_of(case_id)
        .await?
        .iter()
        .any(|o| o.accepted)
    {
        return Err(Refusal::Conflict(tr.t("reflection-already-granted")));
    }
    if !may_offer(
        facts.state,
        &summary.citizenship,
        &state.jurisdiction.country,
    ) {
        return Err(Refusal::Forbidden(tr.t("reflection-not-due")));
    }
    let Some(accepted) = accepted else {
        return Err(Refusal::invalid(
            "accepted",
            tr.t("reflection-answer-required"),
        ));
    };
    let language = language.trim().to_ascii_lowercase();
    if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(Refusal::invalid(
            "language",
            tr.t("information-language-invalid"),
        ));
    }
    let clock = if accepted {
        let org = crate::clocks::handler_org(state, case_id)
            .await?
            .unwrap_or_else(|| user.org.code.clone());
        // Every profile defines the clock (REQUIRED_CLOCKS); its absence is a defect.
        Some(
            crate::clocks::new_clock(state, "reflection_period", case_id, &org, by.now_ms, false)
                .ok_or_else(|| Refusal::Internal("no reflection_period clock".into()))?,
        )
    } else {
        None
    };
    let record = ReflectionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        offered_at_ms: by.now_ms,
        accepted,
        language,
        org_code: user.org.code.clone(),
        offered_by: user.id.clone(),
        clock_id: clock.as_ref().map(|c| c.id.clone()),
        ended_at_ms: None,
        outcome: None,
        end_reason: None,
    };
    match state
        .store
        .record_reflection(&record, clock.as_ref(), facts.state, &by)
        .await
    {
        Ok(()) => Ok(record),
        Err(StoreError::Conflict(_)) => Err(Refusal::Conflict(tr.t("reflection-running"))),
        Err(StoreError::StaleState { current }) => Err(Refusal::Conflict(tr.t_with(
            "transition-stale",
            &[("state", tr.term("state", current.as_str()).into())],
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Ends the running period before its clock runs out, with the outcome and why.
pub async fn end(
    state: &AppState,
    user: &User,
    tr: &Tr,
    case_id: &str,
    outcome: &str,
    reason: &str,
    by: AuditActor,
) -> Result<(), Refusal> {
    case_for(state, user, case_id, &by).await?;
    let mut wrong = Vec::new();
    if !OUTCOMES.contains(&outcome) {
        wrong.push(crate::error::FieldError {
            field: "outcome".into(),
            message: tr.t("reflection-outcome-invalid"),
        });
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        wrong.push(crate::error::FieldError {
            field: "reason".into(),
            message: tr.t("reflection-reason-required"),
        });
    }
    if !wrong.is_empty() {
        return Err(Refusal::Invalid(wrong));
    }
    match state
        .store
        .end_reflection(case_id, outcome, reason, &by)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(Refusal::Conflict(tr.t("reflection-none-running"))),
        Err(e) => Err(e.into()),
    }
}

/// The people immigration may not remove now.
pub async fn flags(
    state: &AppState,
    user: &User,
    by: AuditActor,
) -> Result<Vec<NoRemovalFlag>, Refusal> {
    can(&user.actor(), Action::SeeNoRemovalFlags, None)?;
    Ok(state.store.no_removal_flags(&by).await?)
}

/// The case's reflection-period clock while it runs or is paused: while it exists, the person
/// carries the no-removal flag.
pub fn running_period(clocks: &[ClockRecord]) -> Option<&ClockRecord> {
    clocks.iter().find(|c| {
        c.kind == "reflection_period" && matches!(c.state, ClockState::Running | ClockState::Paused)
    })
}

/// The no-removal flag of a case, in words, while its reflection period runs.
pub fn flag_text(tr: &Tr, clocks: &[ClockRecord]) -> Option<String> {
    Some(match running_period(clocks)?.due_at_ms {
        Some(until) => tr.t_with(
            "reflection-flag",
            &[("until", tr.datetime_ms(until).into())],
        ),
        None => tr.t("reflection-flag-paused"),
    })
}

/// The reflection-period panel of the case page.
pub struct ReflectionView {
    pub lines: Vec<String>,
    pub may_offer: bool,
    pub may_end: bool,
    pub outcomes: Vec<Opt>,
}

/// The panel for a foreign national's case, or for any case that has had an offer; `None`
/// otherwise, so that a national's case page stays short. Reasons (free text) are shown only with
/// `show_reasons` (the viewer may read the case's notes).
pub async fn view(
    state: &AppState,
    user: &User,
    tr: &Tr,
    facts: &CaseFacts,
    summary: &CaseSummary,
    clocks: &[ClockRecord],
    show_reasons: bool,
) -> Result<Option<ReflectionView>, StoreError> {
    let due = may_offer(
        facts.state,
        &summary.citizenship,
        &state.jurisdiction.country,
    );
    let offers = state.store.reflections_of(&summary.id).await?;
    if !due && offers.is_empty() {
        return Ok(None);
    }
    let running = running_period(clocks).is_some();
    let granted = offers.iter().any(|o| o.accepted);
    let may_record = can(&user.actor(), Action::RecordReflection, Some(facts)).is_ok();
    let lines = offers
        .iter()
        .map(|o| {
            let mut line = tr.t_with(
                if o.accepted {
                    "reflection-line-accepted"
                } else {
                    "reflection-line-declined"
                },
                &[
                    ("at", tr.datetime_ms(o.offered_at_ms).into()),
                    ("org", o.org_code.clone().into()),
                    ("language", o.language.clone().into()),
                ],
            );
            let clock = clocks.iter().find(|c| Some(&c.id) == o.clock_id.as_ref());
            let ending = match (o.ended_at_ms, &o.outcome, clock) {
                (Some(at), Some(outcome), _) => Some(
                    tr.t_with(
                        "reflection-line-ended",
                        &[
                            ("at", tr.datetime_ms(at).into()),
                            ("outcome", tr.term("reflectionoutcome", outcome).into()),
                            (
                                "reason",
                                (if show_reasons {
                                    o.end_reason.clone().unwrap_or_default()
                                } else {
                                    tr.t("reason-hidden")
                                })
                                .into(),
                            ),
                        ],
                    ),
                ),
                (None, _, Some(c)) if c.state == ClockState::Expired => Some(tr.t_with(
                    "reflection-line-ran-out",
                    &[(
                        "at",
                        tr.datetime_ms(c.fired_at_ms.unwrap_or_default()).into(),
                    )],
                )),
                (None, _, Some(c)) if c.state == ClockState::Stopped => Some(tr.t_with(
                    "reflection-line-stopped",
                    &[(
                        "at",
                        tr.datetime_ms(c.stopped_at_ms.unwrap_or_default()).into(),
                    )],
                )),
                _ => None,
            };
            if let Some(ending) = ending {
                line.push(' ');
                line.push_str(&ending);
            }
            line
        })
        .collect();
    Ok(Some(ReflectionView {
        lines,
        may_offer: may_record && due && !granted,
        may_end: may_record && running,
        outcomes: options(
            OUTCOMES
                .iter()
                .map(|o| (*o, tr.term("reflectionoutcome", o))),
            &[],
        ),
    }))
}

async fn offer_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let crate::pages::CaseForm {
        user, ctx, pairs, ..
    } = crate::pages::posted_case_form(&viewer, &state, &id, &body).await?;
    let accepted = match field(&pairs, "answer") {
        Some("accept") => Some(true),
        Some("decline") => Some(false),
        _ => None,
    };
    offer(
        &state,
        user,
        &ctx.tr,
        &id,
        accepted,
        field(&pairs, "language").unwrap_or(""),
        audit_actor(&state, user),
    )
    .await
    .map_err(|r| r.page(&ctx, "reflection-title"))?;
    Ok(Redirect::to(&format!("/cases/{id}#reflection-title")).into_response())
}

async fn end_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let crate::pages::CaseForm {
        user, ctx, pairs, ..
    } = crate::pages::posted_case_form(&viewer, &state, &id, &body).await?;
    end(
        &state,
        user,
        &ctx.tr,
        &id,
        field(&pairs, "outcome").unwrap_or(""),
        field(&pairs, "reason").unwrap_or(""),
        audit_actor(&state, user),
    )
    .await
    .map_err(|r| r.page(&ctx, "reflection-title"))?;
    Ok(Redirect::to(&format!("/cases/{id}#reflection-title")).into_response())
}

struct FlagRow {
    reference: String,
    name: String,
    birth_date: String,
    citizenship: String,
    since: String,
    until: String,
}

#[derive(Template)]
#[template(path = "no_removal.html")]
struct NoRemovalPage {
    ctx: PageCtx,
    rows: Vec<FlagRow>,
}

async fn no_removal_page(viewer: Viewer, State(state): State<AppState>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "noremoval");
    let tr = ctx.tr;
    let rows = flags(&state, user, audit_actor(&state, user))
        .await
        .map_err(|r| r.page(&ctx, "noremoval-title"))?
        .into_iter()
        .map(|f| FlagRow {
            reference: f.reference,
            name: format!(
                "{} {}",
                f.given_name.unwrap_or_default(),
                f.family_name.unwrap_or_default()
            )
            .trim()
            .to_string(),
            birth_date: f
                .birth_date
                .map_or_else(|| tr.t("form-not-known"), |d| tr.date(d)),
            citizenship: tr.country(&f.citizenship),
            since: tr.datetime_ms(f.since_ms),
            until: f
                .until_ms
                .map_or_else(|| tr.t("noremoval-paused"), |u| tr.datetime_ms(u)),
        })
        .collect();
    let page = NoRemovalPage {
        rows,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}
