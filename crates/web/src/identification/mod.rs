//! Identification (mnir.md §4): the interview on the ILO/EC indicators with the engine's
//! explained advice, the officer's decision, and the coordinator's catalogue versions.

pub mod api;

use crate::explain::explanation;
use crate::kit::auth::Viewer;
use crate::kit::error::PageError;
use crate::kit::form::{Posted, Reply, posted, read_form, render, signed_in, who};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::query::{PagePath, PageQuery};
use crate::kit::refusal::{Shown, field_errors};
use crate::kit::routes::PageRoutes;
use crate::kit::state::AppState;
use crate::kit::views::PageCtx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mnir_app::AppError;
use mnir_app::catalogue::{Changer, Rejected};
use mnir_app::identification::{InterviewAnswers, InterviewCase, answers_of};
use mnir_domain::identification::{Catalogue, Evaluation, Outcome, Profile, evaluate};
use mnir_domain::{CaseFacts, CaseState, Exploitation};
use mnir_store::{CatalogueRecord, InterviewRecord};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

type PageResult = Result<Response, Reply>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/interview", interview_page)
        .post("/cases/{id}/interview", interview_submit)
        .post("/cases/{id}/decision", decision_submit)
        .get("/identification/catalogues", catalogues_page)
        .post("/identification/catalogues", catalogue_import)
        .post("/identification/catalogues/activate", catalogue_activate)
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

/// The decision form for the decisions the actor may take, with the engine's latest advice.
pub fn decision_form(
    tr: &Tr,
    decisions: &[CaseState],
    latest: Option<&InterviewRecord>,
    state: CaseState,
) -> Option<DecisionForm> {
    if decisions.is_empty() {
        return None;
    }
    let advice = match latest {
        Some(i) => tr.t_with(
            "decision-advice",
            &[("outcome", tr.term("outcome", i.outcome.as_str()).into())],
        ),
        None => tr.t("decision-no-interview"),
    };
    Some(DecisionForm {
        options: decisions
            .iter()
            .map(|to| (to.as_str().to_string(), tr.term("state", to.as_str())))
            .collect(),
        advice,
        from: state.as_str(),
    })
}

/// The interview form's fields that every catalogue has.
#[derive(Deserialize, Default)]
#[serde(default)]
struct InterviewForm {
    profile: String,
    catalogue_version: Option<String>,
    action: Option<String>,
}

/// The decision form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DecisionPosted {
    from: Option<String>,
    decision: Option<String>,
    reasons: String,
    why_different: String,
}

/// A catalogue version as the coordinator's forms post it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CatalogueForm {
    version: String,
    csv: String,
}

/// Reads the interview form into answers and evidence notes. The form's fields are named after
/// the catalogue's indicators (`mark-DR01`, `note-DR01`), so they are read by name from the
/// catalogue the interview uses.
fn read_answers(
    fields: &BTreeMap<String, String>,
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
        match fields
            .get(&format!("mark-{}", indicator.code))
            .map(String::as_str)
        {
            Some("present") => {
                marks.insert(indicator.code.clone(), true);
            }
            Some("absent") => {
                marks.insert(indicator.code.clone(), false);
            }
            _ => {}
        }
        if let Some(note) = fields
            .get(&format!("note-{}", indicator.code))
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
        {
            evidence.insert(indicator.code.clone(), note.to_string());
        }
    }
    let act = match fields.get("act").map(String::as_str) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    (marks, evidence, act)
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
    PagePath(id): PagePath<String>,
    PageQuery(q): PageQuery<InterviewQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let InterviewCase {
        facts,
        detail,
        latest,
        decisions,
    } = mnir_app::identification::interview_case(&state.app, &who(&state, user), &id)
        .await
        .map_err(|e| e.page(&ctx, "interview-title"))?;
    let decision = decision_form(&ctx.tr, &decisions, latest.as_ref(), facts.state);
    let requested = q.profile.as_deref().and_then(|p| p.parse::<Profile>().ok());
    // A saved interview is always shown against the catalogue version it used.
    let (catalogue, profile, marks, evidence, act, saved_note) = match latest {
        Some(i) if requested.is_none_or(|p| p == i.profile) => {
            let catalogue = state
                .app
                .catalogue(&i.catalogue_version)
                .await
                .map_err(|e| PageError::internal(&ctx, e))?;
            let profile = i.profile;
            let note = ctx.tr.t_with(
                "interview-saved-at",
                &[
                    ("at", ctx.tr.datetime(i.created_at_ms).into()),
                    ("version", i.catalogue_version.clone().into()),
                ],
            );
            (catalogue, profile, i.marks, i.evidence, i.act, Some(note))
        }
        _ => {
            let catalogue = state
                .app
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
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let form: InterviewForm = read_form(&body, &ctx)?;
    let fields: BTreeMap<String, String> = read_form(&body, &ctx)?;
    let who = who(&state, user);
    let InterviewCase {
        facts,
        detail,
        latest,
        decisions,
    } = mnir_app::identification::interview_case(&state.app, &who, &id)
        .await
        .map_err(|e| e.page(&ctx, "interview-title"))?;
    let profile: Profile = form
        .profile
        .parse()
        .map_err(|_| PageError::bad_request(&ctx, ctx.t("interview-bad-profile")))?;
    let version = form
        .catalogue_version
        .as_deref()
        .unwrap_or(mnir_domain::identification::BUILTIN_VERSION);
    let catalogue: Arc<Catalogue> = state
        .app
        .catalogue(version)
        .await
        .map_err(|_| PageError::bad_request(&ctx, ctx.t("interview-bad-catalogue")))?;
    let (marks, evidence, act) = read_answers(&fields, &catalogue, profile);
    let decision = decision_form(&ctx.tr, &decisions, latest.as_ref(), facts.state);
    if form.action.as_deref() == Some("profile") {
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
    let saved = mnir_app::identification::save_interview(
        &state.app,
        &who,
        &id,
        InterviewAnswers {
            profile,
            catalogue_version: catalogue.version.clone(),
            marks: marks.clone(),
            evidence: evidence.clone(),
            act,
        },
    )
    .await;
    let (record, evaluation) = match saved {
        Ok(saved) => saved,
        // The form comes back as it was typed, with what to change.
        Err(AppError::Invalid(issues)) => {
            let error = field_errors(&ctx.tr, &issues)
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" ");
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
                Some(error),
                decision,
            );
            return render(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page, &ctx);
        }
        Err(e) => return Err(e.page(&ctx, "interview-title").into()),
    };
    // The saved interview is the latest now: the decision form shows its advice.
    let decision = decision_form(&ctx.tr, &decisions, Some(&record), facts.state);
    let note = ctx.tr.t_with(
        "interview-saved-at",
        &[
            ("at", ctx.tr.datetime(record.created_at_ms).into()),
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

async fn decision_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let Posted { user, ctx, form } = posted::<DecisionPosted>(&viewer, &state, &body, "cases")?;
    let seen_from = form
        .from
        .as_deref()
        .and_then(|f| f.parse::<CaseState>().ok());
    let decision = form
        .decision
        .as_deref()
        .and_then(|d| d.parse::<CaseState>().ok());
    mnir_app::identification::decide_from_form(
        &state.app,
        &who(&state, user),
        &id,
        seen_from,
        decision,
        &form.reasons,
        &form.why_different,
    )
    .await
    .map_err(|e| match e {
        AppError::Invalid(issues) if issues.iter().any(|i| i.field == "decision") => {
            PageError::bad_request(&ctx, ctx.t("decision-choose"))
        }
        other => other.page(&ctx, "decision-title"),
    })?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
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

fn catalogue_rows(tr: &Tr, catalogues: Vec<CatalogueRecord>) -> Vec<CatalogueRow> {
    catalogues
        .into_iter()
        .map(|c| CatalogueRow {
            indicators: tr.number(c.indicator_count),
            imported: if c.version == mnir_domain::identification::BUILTIN_VERSION {
                tr.t("catalogue-builtin")
            } else {
                tr.datetime(c.imported_at_ms)
            },
            version: c.version,
            active: c.active,
        })
        .collect()
}

async fn catalogues_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "identification");
    let catalogues = mnir_app::catalogue::list(&state.app, &who(&state, user))
        .await
        .map_err(|e| e.page(&ctx, "catalogues-title"))?;
    let rows = catalogue_rows(&ctx.tr, catalogues);
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
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "identification");
    let CatalogueForm { version, csv } = read_form(&body, &ctx)?;
    let version = version.trim().to_string();
    let who = who(&state, user);
    let outcome =
        mnir_app::catalogue::import(&state.app, &Changer::User(&who), &version, &csv, false)
            .await
            .map_err(|e| e.page(&ctx, "catalogues-title"))?;
    let errors: Vec<(String, String, String)> = match outcome {
        Ok(_) => {
            return Ok(Redirect::to("/identification/catalogues?done=imported").into_response());
        }
        Err(Rejected::VersionExists(version)) => vec![(
            "—".into(),
            "version".into(),
            ctx.tr
                .t_with("catalogue-version-exists", &[("version", version.into())]),
        )],
        Err(Rejected::Rows(errors)) => errors
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
    let catalogues = mnir_app::catalogue::list(&state.app, &who)
        .await
        .map_err(|e| e.page(&ctx, "catalogues-title"))?;
    let rows = catalogue_rows(&ctx.tr, catalogues);
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
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "identification");
    let CatalogueForm { version, .. } = read_form(&body, &ctx)?;
    mnir_app::catalogue::activate(&state.app, &Changer::User(&who(&state, user)), &version)
        .await
        .map_err(|e| e.page(&ctx, "catalogues-title"))?;
    Ok(Redirect::to("/identification/catalogues?done=activated").into_response())
}
