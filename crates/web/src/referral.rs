//! Referrals between organisations (mnir.md §6): sent with the matching consent, seen by the
//! recipient as the minimum data set of the service while that consent stays in force, accepted
//! or declined with a reason, escalated when unanswered (the `referral_response` clock).

use crate::AppState;
use crate::auth::Viewer;
use crate::i18n::Tr;
use crate::ops::Refusal;
use crate::pages::{Reply, audit_actor, field, form_pairs, render, signed_in};
use crate::views::PageCtx;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mnir_domain::directory::SERVICES;
use mnir_domain::referral::{consent_purpose, data_set, starts_compensation_clock};
use mnir_domain::{Action, OrgKind, Role, can, reference};
use mnir_store::{AuditActor, ClockRecord, ReferralRecord, Reveal, StoreError, StoreResult, User};
use serde::Deserialize;
use utoipa::ToSchema;

type PageResult = Result<Response, Reply>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/referrals", post(send))
        .route("/referrals/{id}", get(view))
        .route("/referrals/{id}/answer", post(answer))
}

/// Whether the consents of the case allow sharing for `service` with `to_org` now. A child is
/// referred to child protection whatever the parents say (mnir.md §5).
pub async fn consent_allows(
    state: &AppState,
    case_id: &str,
    may_be_child: bool,
    to_org: &str,
    service: &str,
) -> StoreResult<bool> {
    let to_child_protection = state
        .store
        .organisation(to_org)
        .await?
        .is_some_and(|o| o.kind == OrgKind::ChildProtection);
    if may_be_child && to_child_protection {
        return Ok(true);
    }
    let purpose = consent_purpose(service);
    let now = state.now_ms();
    Ok(state
        .store
        .consents_of(case_id)
        .await?
        .iter()
        .any(|c| c.terms().is_some_and(|t| t.covers(purpose, to_org, now))))
}

/// A referral as sent by the case page or the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReferralInput {
    /// Code of the recipient organisation.
    pub to_org: String,
    /// The service asked for (a purpose of the directory: `accommodation`, `medical`, …).
    pub service: String,
    /// Urgent referrals are due for an answer sooner (24 h instead of 72 h in Romania).
    #[serde(default)]
    pub urgent: bool,
}

/// Sends a referral when the case's consent allows it, starting its response clock.
pub async fn send_referral(
    state: &AppState,
    user: &User,
    tr: &Tr,
    case_id: &str,
    input: ReferralInput,
    by: AuditActor,
) -> Result<ReferralRecord, Refusal> {
    let facts = state
        .store
        .case_facts(case_id, &crate::pages::scope_for(user))
        .await?
        .ok_or(Refusal::NotFound)?;
    can(&user.actor(), Action::RecordConsent, Some(&facts))?;
    let ReferralInput {
        to_org,
        service,
        urgent,
    } = input;
    if !SERVICES.contains(&service.as_str()) {
        return Err(Refusal::invalid(
            "service",
            tr.t("referral-service-invalid"),
        ));
    }
    if to_org == user.org.code || state.store.organisation(&to_org).await?.is_none() {
        return Err(Refusal::invalid(
            "to_org",
            tr.t("referral-recipient-invalid"),
        ));
    }
    if !consent_allows(
        state,
        case_id,
        facts.age_group.may_be_child(),
        &to_org,
        &service,
    )
    .await?
    {
        return Err(Refusal::invalid(
            "consent",
            tr.t_with(
                "referral-consent-missing",
                &[
                    (
                        "purpose",
                        tr.term("purpose", consent_purpose(&service).as_str())
                            .into(),
                    ),
                    ("recipient", to_org.clone().into()),
                ],
            ),
        ));
    }
    let now = by.now_ms;
    let referral = ReferralRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        case_reference: String::new(),
        from_org: user.org.code.clone(),
        to_org,
        service,
        urgent,
        status: "sent".into(),
        sent_by: user.id.clone(),
        sent_at_ms: now,
        answered_by: None,
        answered_at_ms: None,
        decline_reason: None,
    };
    // The answer is due to the sender: when it does not come, the escalation is the sender's.
    // Named after the referral, so that answering it stops exactly this clock.
    let mut clocks: Vec<ClockRecord> = crate::clocks::new_clock(
        state,
        "referral_response",
        case_id,
        &user.org.code,
        now,
        urgent,
    )
    .map(|c| ClockRecord {
        id: format!("referral-{}", referral.id),
        ..c
    })
    .into_iter()
    .collect();
    // A victim of crime referred for legal help: the claim for emergency compensation is due
    // within the profile's length (HG 541/2023). The recipient's legal advisor files it; the
    // deadline is kept by the sender, who holds the case and can follow it up.
    if starts_compensation_clock(&referral.service) {
        clocks.extend(
            crate::clocks::new_clock(
                state,
                "emergency_compensation",
                case_id,
                &user.org.code,
                now,
                false,
            )
            .map(|c| ClockRecord {
                id: format!("compensation-{}", referral.id),
                ..c
            }),
        );
    }
    state.store.send_referral(&referral, &clocks, &by).await?;
    Ok(referral)
}

async fn send(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let crate::pages::CaseForm {
        user, ctx, pairs, ..
    } = crate::pages::posted_case_form(&viewer, &state, &id, &body).await?;
    let input = ReferralInput {
        to_org: field(&pairs, "to_org").unwrap_or("").to_string(),
        service: field(&pairs, "service").unwrap_or("").to_string(),
        urgent: field(&pairs, "urgent") == Some("yes"),
    };
    send_referral(&state, user, &ctx.tr, &id, input, audit_actor(&state, user))
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
            ("at", tr.datetime_ms(r.sent_at_ms).into()),
            ("from", org_name(&r.from_org).into()),
            ("to", org_name(&r.to_org).into()),
            ("service", tr.term("service", &r.service).into()),
        ],
    )];
    match (r.status.as_str(), r.answered_at_ms) {
        ("accepted", Some(at)) => lines.push(tr.t_with(
            "referral-history-accepted",
            &[("at", tr.datetime_ms(at).into())],
        )),
        ("declined", Some(at)) => lines.push(
            tr.t_with(
                "referral-history-declined",
                &[
                    ("at", tr.datetime_ms(at).into()),
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
            &[("at", tr.datetime_ms(at).into())],
        )),
        _ => lines.push(tr.t("referral-history-awaiting")),
    }
    lines
}

/// The recipient organisation's staff who may open a referral: case workers, supervisors and
/// identification officers; investigators for an investigation.
fn recipient_may_open(user: &User, referral: &ReferralRecord) -> bool {
    user.org.code == referral.to_org
        && (user.roles.any(&[
            Role::CaseWorker,
            Role::Supervisor,
            Role::IdentificationOfficer,
        ]) || (referral.service == "investigation" && user.roles.contains(Role::Investigator)))
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

/// A referral its recipient may open now, with what its service's data set lets them see of
/// the case. Consent is checked at every request: a withdrawal stops access at once.
pub async fn open_referral(
    state: &AppState,
    user: &User,
    tr: &Tr,
    id: &str,
    by: &AuditActor,
) -> Result<(ReferralRecord, mnir_store::CaseDetail), Refusal> {
    let referral = state
        .store
        .referral(id)
        .await?
        .filter(|r| recipient_may_open(user, r))
        .ok_or(Refusal::NotFound)?;
    let national = mnir_store::ScopeFor {
        scope: mnir_domain::CaseScope {
            national: true,
            ..Default::default()
        },
        org_code: String::new(),
        user_id: String::new(),
    };
    let facts = state
        .store
        .case_facts(&referral.case_id, &national)
        .await?
        .ok_or(Refusal::NotFound)?;
    let allowed = consent_allows(
        state,
        &referral.case_id,
        facts.age_group.may_be_child(),
        &referral.to_org,
        &referral.service,
    )
    .await?;
    if !allowed {
        return Err(Refusal::Forbidden(tr.t("referral-consent-gone")));
    }
    let set = data_set(&referral.service);
    let reveal = Reveal {
        identity: set.given_name || set.family_name || set.birth_date,
        notes: false,
    };
    let mut detail = state
        .store
        .case_for_referral(&referral.id, &referral.case_id, reveal, by)
        .await?
        .ok_or(Refusal::NotFound)?;
    // Whatever the store revealed, only the data set leaves.
    if !set.given_name {
        detail.summary.given_name = None;
    }
    if !set.family_name {
        detail.summary.family_name = None;
    }
    if !set.birth_date {
        detail.birth_date = None;
    }
    if !set.exploitation {
        detail.summary.exploitation = None;
    }
    if !set.signals {
        detail.signals.clear();
    }
    detail.notes = None;
    detail.history.clear();
    detail.access.clear();
    Ok((referral, detail))
}

/// Accepts or declines a referral awaiting an answer; a decline needs a reason.
pub async fn answer_referral(
    state: &AppState,
    user: &User,
    tr: &Tr,
    id: &str,
    accept: Option<bool>,
    reason: &str,
    by: AuditActor,
) -> Result<ReferralRecord, Refusal> {
    let (referral, _) = open_referral(state, user, tr, id, &by).await?;
    let Some(accept) = accept else {
        return Err(Refusal::invalid("answer", tr.t("referral-answer-invalid")));
    };
    let reason = reason.trim();
    if !accept && (reason.is_empty() || reason.chars().count() > 2000) {
        return Err(Refusal::invalid("reason", tr.t("referral-reason-required")));
    }
    match state
        .store
        .answer_referral(&referral.id, &user.org.code, accept, reason, &by)
        .await
    {
        Ok(()) => Ok(state.store.referral(id).await?.ok_or(Refusal::NotFound)?),
        Err(StoreError::NotFound) => Err(Refusal::Conflict(tr.t("referral-answered"))),
        Err(e) => Err(e.into()),
    }
}

async fn view(viewer: Viewer, State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    let tr = ctx.tr;
    let (referral, detail) = open_referral(&state, user, &tr, &id, &audit_actor(&state, user))
        .await
        .map_err(|r| r.page(&ctx, "referral-title"))?;
    let set = data_set(&referral.service);
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
                    if tr.lang == crate::i18n::Lang::Ro {
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
    let page = ReferralPage {
        id: referral.id.clone(),
        reference: s.reference.clone(),
        heading: tr.t_with(
            "referral-heading",
            &[
                ("service", tr.term("service", &referral.service).into()),
                ("from", referral.from_org.clone().into()),
            ],
        ),
        facts,
        signals,
        awaiting: referral.status == "sent",
        history: history(&tr, &referral, &|code| code.to_string(), true),
        ctx: ctx.clone(),
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn answer(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "inbox");
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    let accept = match field(&pairs, "answer") {
        Some("accept") => Some(true),
        Some("decline") => Some(false),
        _ => None,
    };
    answer_referral(
        &state,
        user,
        &ctx.tr,
        &id,
        accept,
        field(&pairs, "reason").unwrap_or(""),
        audit_actor(&state, user),
    )
    .await
    .map_err(|r| r.page(&ctx, "referral-title"))?;
    Ok(Redirect::to(&format!("/referrals/{id}")).into_response())
}
