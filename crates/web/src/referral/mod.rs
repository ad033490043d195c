//! Referrals between organisations (mnir.md §6): sent with the matching consent, seen by the
//! recipient as the minimum data set of the service while that consent stays in force, accepted
//! or declined with a reason, escalated when unanswered (the `referral_response` clock).

pub mod api;

use crate::kit::auth::Viewer;
use crate::kit::form::{Posted, Reply, accepted, posted, render, signed_in, ticked, who};
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
use mnir_app::referral::ReferralInput;
use mnir_domain::reference;
use mnir_domain::referral::{ReferralStatus, data_set};
use mnir_store::ReferralRecord;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .post("/cases/{id}/referrals", send)
        .get("/referrals/{id}", view)
        .post("/referrals/{id}/answer", answer)
}

/// A referral as the case page posts it.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SendForm {
    to_org: String,
    service: String,
    urgent: Option<String>,
}

/// The recipient's answer.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AnswerForm {
    answer: Option<String>,
    reason: String,
}

async fn send(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<SendForm>(&viewer, &state, &body, "cases")?;
    let input = ReferralInput {
        to_org: form.to_org,
        service: form.service,
        urgent: ticked(&form.urgent),
    };
    mnir_app::referral::send_referral(&state.app, &who(&state, user), &id, input)
        .await
        .map_err(|r| r.page(&ctx, "referral-title"))?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

/// A referral's history in words, the same for sender and recipient: sent (when, by which
/// organisation, to which, urgent or not), then answered (when, how, and why a decline — the
/// reason is free text, shown only to those who may read the case's notes, and to its writer).
pub fn history(
    tr: &Tr,
    r: &ReferralRecord,
    org_name: &dyn Fn(&str) -> String,
    show_reason: bool,
) -> Vec<String> {
    let mut lines = vec![tr.t_with(
        if r.urgent {
            "referral-history-sent-urgent"
        } else {
            "referral-history-sent"
        },
        &[
            ("at", tr.datetime(r.sent_at_ms).into()),
            ("from", org_name(&r.from_org).into()),
            ("to", org_name(&r.to_org).into()),
            ("service", tr.term("service", &r.service).into()),
        ],
    )];
    match (r.status.as_str(), r.answered_at_ms) {
        ("accepted", Some(at)) => lines.push(tr.t_with(
            "referral-history-accepted",
            &[("at", tr.datetime(at).into())],
        )),
        ("declined", Some(at)) => lines.push(
            tr.t_with(
                "referral-history-declined",
                &[
                    ("at", tr.datetime(at).into()),
                    (
                        "reason",
                        (if show_reason {
                            r.decline_reason.clone().unwrap_or_default()
                        } else {
                            tr.t("reason-hidden")
                        })
                        .into(),
                    ),
                ],
            ),
        ),
        ("cancelled", Some(at)) => lines.push(tr.t_with(
            "referral-history-cancelled",
            &[("at", tr.datetime(at).into())],
        )),
        _ => lines.push(tr.t("referral-history-awaiting")),
    }
    lines
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    ctx: PageCtx,
    id: String,
    reference: String,
    heading: String,
    facts: Vec<(String, String)>,
    signals: Vec<String>,
    awaiting: bool,
    history: Vec<String>,
}

/// What the service's data set lets the recipient see of the case: facts, and the signals.
fn data_rows(
    tr: &Tr,
    set: mnir_domain::referral::DataSet,
    detail: &mnir_store::CaseDetail,
) -> (Vec<(String, String)>, Vec<String>) {
    let s = &detail.summary;
    let mut facts = Vec::new();
    if set.given_name {
        facts.push((
            tr.t("case-given-name"),
            s.given_name.clone().unwrap_or_default(),
        ));
    }
    if set.family_name {
        facts.push((
            tr.t("case-family-name"),
            s.family_name.clone().unwrap_or_default(),
        ));
    }
    if set.birth_date {
        facts.push((
            tr.t("case-birth-date"),
            detail
                .birth_date
                .map_or_else(|| tr.t("form-not-known"), |d| tr.date(d)),
        ));
    }
    facts.push((tr.t("case-sex"), tr.term("sex", s.sex.as_str())));
    facts.push((tr.t("case-age-group"), tr.term("age", s.age_group.as_str())));
    facts.push((tr.t("case-citizenship"), tr.country(&s.citizenship)));
    facts.push((
        tr.t("case-county"),
        reference::county(&s.found_in_county).map_or(s.found_in_county.clone(), |c| c.name.clone()),
    ));
    if set.exploitation {
        facts.push((
            tr.t("case-exploitation"),
            s.exploitation.map_or_else(
                || tr.t("form-not-known"),
                |e| tr.term("exploitation", e.as_str()),
            ),
        ));
    }
    let signals = if set.signals {
        detail
            .signals
            .iter()
            .map(|code| {
                reference::signal(code).map_or(code.clone(), |sig| {
                    if tr.lang == crate::kit::i18n::Lang::Ro {
                        sig.label_ro.clone()
                    } else {
                        sig.label_en.clone()
                    }
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    (facts, signals)
}

async fn view(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    let tr = ctx.tr;
    let (referral, detail) = mnir_app::referral::open_referral(&state.app, &who(&state, user), &id)
        .await
        .map_err(|r| r.page(&ctx, "referral-title"))?;
    // A declined or cancelled referral shows its outcome only.
    let (facts, signals) = detail
        .as_ref()
        .map(|d| data_rows(&tr, data_set(&referral.service), d))
        .unwrap_or_default();
    let page = ReferralPage {
        id: referral.id.clone(),
        reference: referral.case_reference.clone(),
        heading: tr.t_with(
            "referral-heading",
            &[
                ("service", tr.term("service", &referral.service).into()),
                ("from", referral.from_org.clone().into()),
            ],
        ),
        facts,
        signals,
        awaiting: referral.status == ReferralStatus::Sent,
        history: history(&tr, &referral, &|code| code.to_string(), true),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn answer(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<AnswerForm>(&viewer, &state, &body, "inbox")?;
    mnir_app::referral::answer_referral(
        &state.app,
        &who(&state, user),
        &id,
        accepted(&form.answer),
        &form.reason,
    )
    .await
    .map_err(|r| r.page(&ctx, "referral-title"))?;
    Ok(Redirect::to(&format!("/referrals/{id}")).into_response())
}
