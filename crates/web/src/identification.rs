//! Identification (mnir.md §4): the interview on the ILO/EC indicators with the engine's
//! explained advice, the officer's decision, and the coordinator's catalogue versions.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::PageError;
use crate::explain::explanation;
use crate::i18n::{Lang, Tr};
use crate::pages::{
    CaseForm, Reply, audit_actor, field, form_pairs, posted_case_form, render, scope_for, signed_in,
};
use crate::views::PageCtx;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mnir_domain::identification::{Answers, Catalogue, Evaluation, Outcome, Profile, evaluate};
use mnir_domain::{Action, CaseFacts, CaseState, Exploitation, can};
use mnir_store::{
    CatalogueRecord, DecisionRecord, InterviewRecord, Reveal, StoreError, Transition, User,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

type PageResult = Result<Response, Reply>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{id}/interview",
            get(interview_page).post(interview_submit),
        )
        .route("/cases/{id}/decision", post(decision_submit))
        .route(
            "/identification/catalogues",
            get(catalogues_page).post(catalogue_import),
        )
        .route(
            "/identification/catalogues/activate",
            post(catalogue_activate),
        )
}

/// Maps an engine outcome and a decision to "the officer decided otherwise than advised".
pub fn differs_from_advice(advice: Option<&str>, decision: CaseState) -> bool {
    let positive = matches!(
        decision,
        CaseState::PresumedVictim | CaseState::IdentifiedVictim
    );
    match advice {
        Some("indicated") => !positive,
        Some(_) => positive,
        None => false,
    }
}

struct IndicatorRow {
    code: String,
    label: String,
    weight: String,
    mark: &'static str,
    evidence: String,
}

struct DimensionBlock {
    name: String,
    state: String,
    positive: bool,
    indicators: Vec<IndicatorRow>,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "interview.html")]
struct InterviewPage {
    ctx: PageCtx,
    case_id: String,
    reference: String,
    catalogue_version: String,
    profiles: Vec<Choice>,
    child: bool,
    act: &'static str,
    blocks: Vec<DimensionBlock>,
    outcome: Option<String>,
    outcome_class: &'static str,
    explanation: Vec<String>,
    saved_note: Option<String>,
    error: Option<String>,
    decision: Option<DecisionForm>,
}

/// The officer's decision form, shown where the actor may take an identification decision.
pub struct DecisionForm {
    pub options: Vec<(String, String)>,
    pub advice: String,
    pub from: &'static str,
}

async fn case_for_interview(
    state: &AppState,
    user: &User,
    id: &str,
    ctx: &PageCtx,
) -> Result<(CaseFacts, mnir_store::CaseDetail), Reply> {
    let scope = scope_for(user);
    let facts = state
        .store
        .case_facts(id, &scope)
        .await
        .map_err(|e| PageError::internal(ctx, e))?
        .ok_or_else(|| PageError::not_found(ctx))?;
    can(&user.actor(), Action::RunInterview, Some(&facts))
        .map_err(|d| PageError::denied(ctx, &d))?;
    let detail = state
        .store
        .case_detail(id, &scope, Reveal::default(), &audit_actor(state, user))
        .await
        .map_err(|e| PageError::internal(ctx, e))?
        .ok_or_else(|| PageError::not_found(ctx))?;
    Ok((facts, detail))
}

/// The decisions the actor may take on this case now, with the engine's latest advice.
pub async fn decision_form(
    state: &AppState,
    user: &User,
    facts: &CaseFacts,
    tr: &Tr,
    case_id: &str,
) -> Option<DecisionForm> {
    let options: Vec<(String, String)> = [
        CaseState::PresumedVictim,
        CaseState::IdentifiedVictim,
        CaseState::NotAVictim,
    ]
    .into_iter()
    .filter(|to| can(&user.actor(), Action::Transition { to: *to }, Some(facts)).is_ok())
    .map(|to| (to.as_str().to_string(), tr.term("state", to.as_str())))
    .collect();
    if options.is_empty() {
        return None;
    }
    let advice = match state.store.latest_interview(case_id).await.ok().flatten() {
        Some(i) => tr.t_with(
            "decision-advice",
            &[("outcome", tr.term("outcome", &i.outcome).into())],
        ),
        None => tr.t("decision-no-interview"),
    };
    Some(DecisionForm {
        options,
        advice,
        from: facts.state.as_str(),
    })
}

/// Reads the interview form into answers and evidence notes.
fn read_answers(
    pairs: &[(String, String)],
    catalogue: &Catalogue,
    profile: Profile,
) -> (
    BTreeMap<String, bool>,
    BTreeMap<String, String>,
    Option<bool>,
) {
    let mut marks = BTreeMap::new();
    let mut evidence = BTreeMap::new();
    for indicator in catalogue.profile_indicators(profile) {
        match field(pairs, &format!("mark-{}", indicator.code)) {
            Some("present") => {
                marks.insert(indicator.code.clone(), true);
            }
            Some("absent") => {
                marks.insert(indicator.code.clone(), false);
            }
            _ => {}
        }
        if let Some(note) = field(pairs, &format!("note-{}", indicator.code))
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            evidence.insert(indicator.code.clone(), note.chars().take(1000).collect());
        }
    }
    let act = match field(pairs, "act") {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    (marks, evidence, act)
}

fn answers_of(marks: &BTreeMap<String, bool>, act: Option<bool>) -> Answers {
    Answers {
        present: marks
            .iter()
            .filter(|(_, p)| **p)
            .map(|(c, _)| c.clone())
            .collect(),
        asked: Some(marks.keys().cloned().collect()),
        act,
    }
}

fn default_profile(facts: &CaseFacts, exploitation: Option<Exploitation>) -> Profile {
    Profile::for_person(
        facts.age_group.may_be_child(),
        exploitation == Some(Exploitation::Sexual),
    )
}

#[allow(clippy::too_many_arguments)]
fn build_page(
    ctx: PageCtx,
    detail: &mnir_store::CaseDetail,
    catalogue: &Catalogue,
    profile: Profile,
    marks: &BTreeMap<String, bool>,
    evidence: &BTreeMap<String, String>,
    act: Option<bool>,
    evaluation: Option<&Evaluation>,
    saved_note: Option<String>,
    error: Option<String>,
    decision: Option<DecisionForm>,
) -> InterviewPage {
    let tr = ctx.tr;
    let ro = tr.lang == Lang::Ro;
    let blocks = mnir_domain::identification::DIMENSIONS
        .iter()
        .map(|dimension| {
            let result = evaluation.and_then(|e| {
                e.dimensions
                    .iter()
                    .find(|(d, _)| d == dimension)
                    .map(|(_, r)| r)
            });
            let (state, positive) = match result {
                Some(r) if r.positive => (
                    tr.t_with(
                        "interview-dimension-positive",
                        &[("clause", r.clause.map_or("", |c| c.as_str()).into())],
                    ),
                    true,
                ),
                Some(r) => (
                    tr.t_with(
                        "interview-dimension-negative",
                        &[("count", (r.present.len() as i64).into())],
                    ),
                    false,
                ),
                None => (tr.t("interview-dimension-pending"), false),
            };
            DimensionBlock {
                name: tr.term("dimension", dimension),
                state,
                positive,
                indicators: catalogue
                    .profile_indicators(profile)
                    .filter(|i| i.dimension == *dimension)
                    .map(|i| IndicatorRow {
                        code: i.code.clone(),
                        label: i.label(ro).to_string(),
                        weight: i.weight(profile).map_or_else(String::new, |w| {
                            tr.t(match w {
                                mnir_domain::identification::Weight::Strong => "weight-strong",
                                mnir_domain::identification::Weight::Medium => "weight-medium",
                                mnir_domain::identification::Weight::Weak => "weight-weak",
                            })
                        }),
                        mark: match marks.get(&i.code) {
                            Some(true) => "present",
                            Some(false) => "absent",
                            None => "not_asked",
                        },
                        evidence: evidence.get(&i.code).cloned().unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    let (outcome, outcome_class, explained) = match evaluation {
        Some(e) => (
            Some(tr.term("outcome", e.outcome.as_str())),
            match e.outcome {
                Outcome::Indicated => "notice-ok",
                Outcome::NotIndicated => "notice-info",
                Outcome::InsufficientInformation => "notice-error",
            },
            explanation(&tr, catalogue, e),
        ),
        None => (None, "notice-info", Vec::new()),
    };
    InterviewPage {
        case_id: detail.summary.id.clone(),
        reference: detail.summary.reference.clone(),
        catalogue_version: catalogue.version.clone(),
        profiles: Profile::ALL
            .iter()
            .map(|p| Choice {
                value: p.as_str().into(),
                label: tr.term("profile", p.as_str()),
                selected: *p == profile,
            })
            .collect(),
        child: profile.is_child(),
        act: match act {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        },
        blocks,
        outcome,
        outcome_class,
        explanation: explained,
        saved_note,
        error,
        decision,
        ctx,
    }
}

#[derive(Deserialize)]
struct InterviewQuery {
    profile: Option<String>,
}

async fn interview_page(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<InterviewQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let (facts, detail) = case_for_interview(&state, user, &id, &ctx).await?;
    let latest = state
        .store
        .latest_interview(&id)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let decision = decision_form(&state, user, &facts, &ctx.tr, &id).await;
    let requested = q.profile.as_deref().and_then(|p| p.parse::<Profile>().ok());
    // A saved interview is always shown against the catalogue version it used.
    let (catalogue, profile, marks, evidence, act, saved_note) = match latest {
        Some(i) if requested.is_none_or(|p| p.as_str() == i.profile) => {
            let catalogue = state
                .catalogue(&i.catalogue_version)
                .await
                .map_err(|e| PageError::internal(&ctx, e))?;
            let profile = i
                .profile
                .parse()
                .unwrap_or_else(|_| default_profile(&facts, detail.summary.exploitation));
            let note = ctx.tr.t_with(
                "interview-saved-at",
                &[
                    ("at", ctx.tr.datetime_ms(i.created_at_ms).into()),
                    ("version", i.catalogue_version.clone().into()),
                ],
            );
            (catalogue, profile, i.marks, i.evidence, i.act, Some(note))
        }
        _ => {
            let catalogue = state
                .active_catalogue()
                .await
                .map_err(|e| PageError::internal(&ctx, e))?;
            let profile =
                requested.unwrap_or_else(|| default_profile(&facts, detail.summary.exploitation));
            (
                catalogue,
                profile,
                BTreeMap::new(),
                BTreeMap::new(),
                None,
                None,
            )
        }
    };
    let evaluation = if saved_note.is_some() {
        evaluate(&catalogue, profile, &answers_of(&marks, act)).ok()
    } else {
        None
    };
    let page = build_page(
        ctx.clone(),
        &detail,
        &catalogue,
        profile,
        &marks,
        &evidence,
        act,
        evaluation.as_ref(),
        saved_note,
        None,
        decision,
    );
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn interview_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    let (facts, detail) = case_for_interview(&state, user, &id, &ctx).await?;
    let profile: Profile = field(&pairs, "profile")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| PageError::bad_request(&ctx, ctx.t("interview-bad-profile")))?;
    let version =
        field(&pairs, "catalogue_version").unwrap_or(mnir_domain::identification::BUILTIN_VERSION);
    let catalogue: Arc<Catalogue> = state
        .catalogue(version)
        .await
        .map_err(|_| PageError::bad_request(&ctx, ctx.t("interview-bad-catalogue")))?;
    let (marks, evidence, act) = read_answers(&pairs, &catalogue, profile);
    let decision = decision_form(&state, user, &facts, &ctx.tr, &id).await;
    if field(&pairs, "action") == Some("profile") {
        // Changing the profile only re-renders the form with that profile's indicators.
        let page = build_page(
            ctx.clone(),
            &detail,
            &catalogue,
            profile,
            &marks,
            &evidence,
            act,
            None,
            None,
            None,
            decision,
        );
        return render(&viewer, StatusCode::OK, &page, &ctx);
    }
    let evaluation = evaluate(&catalogue, profile, &answers_of(&marks, act))
        .map_err(|e| PageError::bad_request(&ctx, e.to_string()))?;
    let record = InterviewRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: id.clone(),
        catalogue_version: catalogue.version.clone(),
        profile: profile.as_str().into(),
        act,
        marks: marks.clone(),
        evidence: evidence.clone(),
        outcome: evaluation.outcome.as_str().into(),
        created_by: user.id.clone(),
        org_code: user.org.code.clone(),
        created_at_ms: state.now_ms(),
    };
    state
        .store
        .save_interview(&record, &audit_actor(&state, user))
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let decision = decision_form(&state, user, &facts, &ctx.tr, &id).await;
    let note = ctx.tr.t_with(
        "interview-saved-at",
        &[
            ("at", ctx.tr.datetime_ms(record.created_at_ms).into()),
            ("version", record.catalogue_version.clone().into()),
        ],
    );
    let page = build_page(
        ctx.clone(),
        &detail,
        &catalogue,
        profile,
        &marks,
        &evidence,
        act,
        Some(&evaluation),
        Some(note),
        None,
        decision,
    );
    render(&viewer, StatusCode::OK, &page, &ctx)
}

/// Why a decision could not be recorded.
pub enum DecideError {
    Denied(mnir_domain::Denial),
    /// A message for the user: missing reasons, or a decision different from the advice
    /// without saying why.
    Invalid(String),
    Stale(CaseState),
    Store(StoreError),
}

/// Whether moving a case to `to` is an identification decision (recorded with the advice).
pub fn is_decision(to: CaseState) -> bool {
    matches!(
        to,
        CaseState::PresumedVictim | CaseState::IdentifiedVictim | CaseState::NotAVictim
    )
}

/// Records an identification decision with the engine's latest advice; the officer may decide
/// otherwise, and must then say why. The case moves in the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    state: &AppState,
    user: &User,
    tr: &Tr,
    case_id: &str,
    facts: &CaseFacts,
    decision: CaseState,
    reasons: &str,
    why_different: &str,
    channel: mnir_store::AuditActor,
) -> Result<(), DecideError> {
    can(
        &user.actor(),
        Action::Transition { to: decision },
        Some(facts),
    )
    .map_err(DecideError::Denied)?;
    let (reasons, why_different) = (reasons.trim(), why_different.trim());
    let latest = state
        .store
        .latest_interview(case_id)
        .await
        .map_err(DecideError::Store)?;
    let advice = latest.as_ref().map(|i| i.outcome.clone());
    let differs = differs_from_advice(advice.as_deref(), decision);
    if reasons.is_empty() {
        return Err(DecideError::Invalid(tr.t("decision-reasons-required")));
    }
    if differs && why_different.is_empty() {
        return Err(DecideError::Invalid(
            tr.t("decision-why-different-required"),
        ));
    }
    if reasons.chars().count() + why_different.chars().count() > 4000 {
        return Err(DecideError::Invalid(tr.t("transition-reason-too-long")));
    }
    let full_reasons = if differs && !why_different.is_empty() {
        format!(
            "{reasons}\n\n{}: {why_different}",
            tr.t("decision-why-different")
        )
    } else {
        reasons.to_string()
    };
    let record = DecisionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        interview_id: latest.map(|i| i.id),
        decision,
        engine_outcome: advice,
        differs_from_advice: differs,
        reasons: full_reasons.clone(),
        decided_by: user.id.clone(),
        org_code: user.org.code.clone(),
        decided_at_ms: channel.now_ms,
    };
    let change = Transition {
        case_id: case_id.to_string(),
        from: facts.state,
        to: decision,
        reason: full_reasons,
    };
    match crate::clocks::record_decision(state, &record, &change, &channel).await {
        Ok(()) => Ok(()),
        Err(StoreError::StaleState { current }) => Err(DecideError::Stale(current)),
        Err(e) => Err(DecideError::Store(e)),
    }
}

async fn decision_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let CaseForm {
        user,
        ctx,
        pairs,
        facts,
    } = posted_case_form(&viewer, &state, &id, &body).await?;
    let tr = ctx.tr;
    if field(&pairs, "from").is_some_and(|f| f != facts.state.as_str()) {
        let message = tr.t_with(
            "transition-stale",
            &[("state", tr.term("state", facts.state.as_str()).into())],
        );
        return Err(PageError::new(&ctx, StatusCode::CONFLICT, "decision-title", message).into());
    }
    let decision = field(&pairs, "decision")
        .and_then(|d| d.parse::<CaseState>().ok())
        .filter(|d| is_decision(*d))
        .ok_or_else(|| PageError::bad_request(&ctx, tr.t("decision-choose")))?;
    let reasons = field(&pairs, "reasons").unwrap_or("");
    let why = field(&pairs, "why_different").unwrap_or("");
    match decide(
        &state,
        user,
        &tr,
        &id,
        &facts,
        decision,
        reasons,
        why,
        audit_actor(&state, user),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(DecideError::Denied(d)) => Err(PageError::denied(&ctx, &d).into()),
        Err(DecideError::Invalid(message)) => Err(PageError::new(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "decision-title",
            message,
        )
        .into()),
        Err(DecideError::Stale(current)) => Err(PageError::new(
            &ctx,
            StatusCode::CONFLICT,
            "decision-title",
            tr.t_with(
                "transition-stale",
                &[("state", tr.term("state", current.as_str()).into())],
            ),
        )
        .into()),
        Err(DecideError::Store(e)) => Err(PageError::internal(&ctx, e).into()),
    }
}

struct CatalogueRow {
    version: String,
    indicators: String,
    imported: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "catalogues.html")]
struct CataloguesPage {
    ctx: PageCtx,
    rows: Vec<CatalogueRow>,
    version: String,
    csv: String,
    errors: Vec<(String, String, String)>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// The signed-in user, when they may manage catalogues.
fn require_coordinator<'a>(viewer: &'a Viewer, ctx: &PageCtx) -> Result<&'a User, Reply> {
    let user = signed_in(viewer)?;
    can(&user.actor(), Action::ManageCatalogues, None).map_err(|d| PageError::denied(ctx, &d))?;
    Ok(user)
}

async fn catalogue_rows(state: &AppState, tr: &Tr) -> Result<Vec<CatalogueRow>, StoreError> {
    let imported: Vec<CatalogueRecord> = state.store.list_catalogues().await?;
    let builtin_active = !imported.iter().any(|c| c.active);
    let mut rows: Vec<CatalogueRow> = imported
        .into_iter()
        .map(|c| CatalogueRow {
            version: c.version,
            indicators: tr.number(c.indicator_count),
            imported: tr.datetime_ms(c.imported_at_ms),
            active: c.active,
        })
        .collect();
    rows.push(CatalogueRow {
        version: mnir_domain::identification::BUILTIN_VERSION.into(),
        indicators: tr.number(Catalogue::builtin().indicators.len() as i64),
        imported: tr.t("catalogue-builtin"),
        active: builtin_active,
    });
    Ok(rows)
}

async fn catalogues_page(
    viewer: Viewer,
    State(state): State<AppState>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "identification");
    require_coordinator(&viewer, &ctx)?;
    let rows = catalogue_rows(&state, &ctx.tr)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let message = match q.done.as_deref() {
        Some("imported") => Some(ctx.t("catalogue-imported")),
        Some("activated") => Some(ctx.t("catalogue-activated")),
        _ => None,
    };
    let page = CataloguesPage {
        ctx: ctx.clone(),
        rows,
        version: String::new(),
        csv: String::new(),
        errors: Vec::new(),
        message,
    };
    render(&viewer, StatusCode::OK, &page, &ctx)
}

async fn catalogue_import(
    viewer: Viewer,
    State(state): State<AppState>,
    body: Bytes,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "identification");
    let user = require_coordinator(&viewer, &ctx)?;
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    let version = field(&pairs, "version").unwrap_or("").trim().to_string();
    let csv = field(&pairs, "csv").unwrap_or("").to_string();
    let errors: Vec<(String, String, String)> = match Catalogue::parse(&version, &csv) {
        Ok(catalogue) => {
            let record = CatalogueRecord {
                version: catalogue.version.clone(),
                indicator_count: catalogue.indicators.len() as i64,
                imported_at_ms: state.now_ms(),
                imported_by: Some(user.id.clone()),
                active: false,
            };
            let clash = version == mnir_domain::identification::BUILTIN_VERSION;
            match if clash {
                Err(StoreError::Conflict(version.clone()))
            } else {
                state
                    .store
                    .import_catalogue(&record, &csv, &audit_actor(&state, user))
                    .await
            } {
                Ok(()) => {
                    return Ok(
                        Redirect::to("/identification/catalogues?done=imported").into_response()
                    );
                }
                Err(StoreError::Conflict(_)) => vec![(
                    "—".into(),
                    "version".into(),
                    ctx.tr.t_with(
                        "catalogue-version-exists",
                        &[("version", version.clone().into())],
                    ),
                )],
                Err(e) => return Err(PageError::internal(&ctx, e).into()),
            }
        }
        Err(errors) => errors
            .into_iter()
            .map(|e| {
                (
                    if e.line == 0 {
                        "—".to_string()
                    } else {
                        e.line.to_string()
                    },
                    e.field,
                    e.message,
                )
            })
            .collect(),
    };
    let rows = catalogue_rows(&state, &ctx.tr)
        .await
        .map_err(|e| PageError::internal(&ctx, e))?;
    let page = CataloguesPage {
        ctx: ctx.clone(),
        rows,
        version,
        csv,
        errors,
        message: None,
    };
    render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx)
}

async fn catalogue_activate(
    viewer: Viewer,
    State(state): State<AppState>,
    body: Bytes,
) -> PageResult {
    let ctx = PageCtx::new(&state.keys, &viewer, "identification");
    let user = require_coordinator(&viewer, &ctx)?;
    let pairs = form_pairs(&body);
    viewer.check_csrf(&state.keys, field(&pairs, "csrf"), &ctx)?;
    let version = field(&pairs, "version").unwrap_or("");
    let target = (version != mnir_domain::identification::BUILTIN_VERSION).then_some(version);
    match state
        .store
        .activate_catalogue(target, &audit_actor(&state, user))
        .await
    {
        Ok(()) => Ok(Redirect::to("/identification/catalogues?done=activated").into_response()),
        Err(StoreError::NotFound) => Err(PageError::not_found(&ctx).into()),
        Err(e) => Err(PageError::internal(&ctx, e).into()),
    }
}
