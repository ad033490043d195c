//! The reflection period on the case page (offer, acceptance, end) and the list of people under a
//! no-removal flag that immigration works from (mnir.md §7).

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::form::{Opt, Posted, Reply, accepted, options, posted, render, signed_in, who};
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
use mnir_app::cases::OpenCase;
use mnir_domain::reflection::ReflectionOutcome;
use mnir_store::{ClockRecord, ClockState};

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .post("/cases/{id}/reflection", offer_submit)
        .post("/cases/{id}/reflection/end", end_submit)
        .get("/no-removal", no_removal_page)
}

/// The no-removal flag of a case, in words, while its reflection period runs.
pub fn flag_text(tr: &Tr, clocks: &[ClockRecord]) -> Option<String> {
    Some(
        match mnir_app::reflection::running_period(clocks)?.due_at_ms {
            Some(until) => tr.t_with("reflection-flag", &[("until", tr.datetime(until).into())]),
            None => tr.t("reflection-flag-paused"),
        },
    )
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
pub fn view(tr: &Tr, open: &OpenCase) -> Option<ReflectionView> {
    let (clocks, offers, show_reasons) = (&open.clocks, &open.reflections, open.may.reveal.notes);
    let due = open.reflection_due;
    if !due && offers.is_empty() {
        return None;
    }
    let running = mnir_app::reflection::running_period(clocks).is_some();
    let granted = offers.iter().any(|o| o.accepted);
    let may_record = open.may.record_reflection;
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
                    ("at", tr.datetime(o.offered_at_ms).into()),
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
                            ("at", tr.datetime(at).into()),
                            (
                                "outcome",
                                tr.term("reflectionoutcome", outcome.as_str()).into(),
                            ),
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
                // A clock that ran out or was stopped carries the time it did; one without is
                // not told about rather than dated to the epoch.
                (None, _, Some(c)) if c.state == ClockState::Expired => c.fired_at_ms.map(|at| {
                    tr.t_with("reflection-line-ran-out", &[("at", tr.datetime(at).into())])
                }),
                (None, _, Some(c)) if c.state == ClockState::Stopped => c.stopped_at_ms.map(|at| {
                    tr.t_with("reflection-line-stopped", &[("at", tr.datetime(at).into())])
                }),
                _ => None,
            };
            if let Some(ending) = ending {
                line.push(' ');
                line.push_str(&ending);
            }
            line
        })
        .collect();
    Some(ReflectionView {
        lines,
        may_offer: may_record && due && !granted,
        may_end: may_record && running,
        outcomes: options(
            ReflectionOutcome::ALL
                .iter()
                .map(|o| (o.as_str(), tr.term("reflectionoutcome", o.as_str()))),
            &[],
        ),
    })
}

/// The person's answer to the offer, as the case page posts it.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct OfferForm {
    answer: Option<String>,
    language: String,
}

/// The end of a running period, with its outcome and why.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EndForm {
    outcome: String,
    reason: String,
}

async fn offer_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<OfferForm>(&viewer, &state, &body, "cases")?;
    mnir_app::reflection::offer(
        &state.app,
        &who(&state, user),
        &id,
        accepted(&form.answer),
        &form.language,
    )
    .await
    .map_err(|r| r.page(&ctx, "reflection-title"))?;
    Ok(Redirect::to(&format!("/cases/{id}#reflection-title")).into_response())
}

async fn end_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<EndForm>(&viewer, &state, &body, "cases")?;
    mnir_app::reflection::end(
        &state.app,
        &who(&state, user),
        &id,
        &form.outcome,
        &form.reason,
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
    let rows = mnir_app::reflection::flags(&state.app, &who(&state, user))
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
            since: tr.datetime(f.since_ms),
            until: f
                .until_ms
                .map_or_else(|| tr.t("noremoval-paused"), |u| tr.datetime(u)),
        })
        .collect();
    let page = NoRemovalPage {
        rows,
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}
