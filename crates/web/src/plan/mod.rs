//! The safety and support plan (mnir.md §8–§9): its page with the latest version, what was
//! promised and what was delivered, the acknowledgements, the form of a new version (drafted
//! from the latest full assessment, or from the version before it) and every earlier version.
//! The forms work without JavaScript: each measure and service is a fieldset ticked to include.

pub mod api;
pub mod print;

use crate::kit::auth::Viewer;
use crate::kit::error::FieldError;
use crate::kit::form::{Opt, read_form, render, signed_in, who};
use crate::kit::i18n::Tr;
use crate::kit::query::PagePath;
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
use mnir_app::plan::{
    AcknowledgementInput, DeliveryInput, MeasureInput, PlanInput, PlanPage, ServiceInput,
};
use mnir_domain::plan::{
    AcknowledgementWay, Acknowledger, ProtectionMeasure, ServiceStatus, SupportType,
};
use mnir_store::SupportPlanRecord;
use std::collections::BTreeMap;

type PageResult = Result<Response, crate::kit::form::Reply>;

/// The values a form posted, by field name, so a refused form comes back as typed.
type Typed = BTreeMap<String, String>;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/cases/{id}/plan", plan_page)
        .get("/cases/{id}/plan/print", print::print_page)
        .post("/cases/{id}/plan", plan_submit)
        .post("/cases/{id}/plan/acknowledgements", acknowledge_submit)
        .post("/cases/{id}/plan/deliveries", delivery_submit)
}

/// Which of the page's forms was refused, with what was typed and what is wrong.
enum Refused {
    Version(Typed, Vec<FieldError>),
    Acknowledgement(Typed, Vec<FieldError>),
    Delivery(Typed, Vec<FieldError>),
}

/// One protection measure of the new version's form.
struct MeasureField {
    code: &'static str,
    name: String,
    include: bool,
    responsible: String,
    due_on: String,
    detail: String,
    /// The shelter's address field (the confidential shelter only), and whether an address is
    /// recorded that the reader may not see.
    shelter: Option<(String, bool)>,
    error: Option<String>,
}

/// One support service of the new version's form.
struct ServiceField {
    code: &'static str,
    name: String,
    include: bool,
    providers: Vec<Opt>,
    objectives: String,
    action_plan: String,
    planned_end_on: String,
    actual_end_on: String,
    statuses: Vec<Opt>,
    error: Option<String>,
}

/// A version as the page shows it.
struct VersionView {
    anchor: String,
    title: String,
    review: String,
    measures: Vec<String>,
    services: Vec<ServiceLine>,
    acknowledgements: Vec<String>,
}

struct ServiceLine {
    text: String,
    objectives: String,
    action_plan: String,
    /// What was delivered of it (the latest version only).
    delivered: Option<String>,
    /// Where the referral form opens with this service chosen.
    refer: Option<String>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPageView {
    ctx: PageCtx,
    id: String,
    reference: String,
    urgent_banner: Option<String>,
    drafted_from: Option<String>,
    notice: Option<String>,
    version_errors: Vec<FieldError>,
    ack_errors: Vec<FieldError>,
    delivery_errors: Vec<FieldError>,
    /// Each refused field's message, by the field's name, shown beside it.
    field_errors: BTreeMap<String, String>,
    latest: Option<VersionView>,
    shelter_hidden: bool,
    /// The acknowledgement form of the latest version: its id, the title, and the choices.
    ack_form: Option<(String, String)>,
    parties: Vec<Opt>,
    ways: Vec<Opt>,
    ack_on: String,
    ack_witness: String,
    deliveries: Vec<String>,
    /// The delivery form: the latest plan's services, the organisations, and what was typed.
    delivery_types: Vec<Opt>,
    delivery_providers: Vec<Opt>,
    delivered_on: String,
    provider_other: String,
    outcome: String,
    draft: Option<(String, Vec<MeasureField>, Vec<ServiceField>)>,
    earlier: Vec<VersionView>,
}

fn error_for(errors: &[FieldError], prefix: &str) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == prefix || e.field.starts_with(&format!("{prefix}.")))
        .map(|e| e.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}

fn day(tr: &Tr, d: chrono::NaiveDate) -> String {
    tr.date(d)
}

fn version_view(
    tr: &Tr,
    page: &PlanPage,
    v: &SupportPlanRecord,
    latest: bool,
    case_id: &str,
) -> VersionView {
    let who = page.plan.login(&v.drafted_by);
    let title = tr.t_with(
        if who.is_empty() {
            "plan-version-title-org"
        } else {
            "plan-version-title"
        },
        &[
            ("version", v.version.into()),
            ("at", tr.datetime(v.drafted_at_ms).into()),
            ("who", who.into()),
            ("org", page.open.org_name(&v.org_code).into()),
        ],
    );
    let measures = v
        .measures
        .iter()
        .map(|m| {
            let mut line = tr.t_with(
                "plan-measure-line",
                &[
                    ("measure", tr.term("measure", m.measure.as_str()).into()),
                    ("who", m.responsible.clone().into()),
                    ("day", day(tr, m.due_on).into()),
                ],
            );
            if !m.detail.is_empty() {
                line.push(' ');
                line.push_str(&m.detail);
            }
            if !m.shelter_address.is_empty() {
                line.push_str(&format!(
                    " — {}: {}",
                    tr.t("plan-shelter-address"),
                    m.shelter_address
                ));
            }
            line
        })
        .collect();
    let services = v
        .services
        .iter()
        .map(|s| {
            let name = tr.term("support", s.service_type.as_str());
            let mut text = tr.t_with(
                "plan-service-line",
                &[
                    ("service", name.clone().into()),
                    ("status", tr.term("servicestatus", s.status.as_str()).into()),
                    ("planned", day(tr, s.planned_end_on).into()),
                ],
            );
            if let Some(end) = s.actual_end_on {
                text.push(' ');
                text.push_str(&tr.t_with("plan-service-ended", &[("day", day(tr, end).into())]));
            }
            if let Some(org) = &s.provider_org {
                text.push_str(&format!(
                    " {}: {}.",
                    tr.t("plan-provider"),
                    page.open.org_name(org)
                ));
            }
            let delivered = latest.then(|| {
                let done: Vec<_> = page
                    .plan
                    .deliveries
                    .iter()
                    .filter(|d| d.service_type == s.service_type)
                    .collect();
                match done.last() {
                    Some(last) => tr.t_with(
                        "plan-promised-delivered",
                        &[
                            ("service", name.clone().into()),
                            ("count", (done.len() as i64).into()),
                            ("day", day(tr, last.delivered_on).into()),
                        ],
                    ),
                    None => tr.t_with("plan-promised-none", &[("service", name.clone().into())]),
                }
            });
            ServiceLine {
                text,
                objectives: s.objectives.clone(),
                action_plan: s.action_plan.clone(),
                delivered,
                refer: (latest && page.open.may.record_consent).then(|| {
                    format!(
                        "/cases/{case_id}?service={}#referral-form",
                        s.service_type.referral_service()
                    )
                }),
            }
        })
        .collect();
    let acknowledgements = v
        .acknowledgements
        .iter()
        .map(|a| {
            let args = [
                ("party", tr.term("planparty", a.party.as_str()).into()),
                ("way", tr.term("planway", a.way.as_str()).into()),
                ("day", day(tr, a.on).into()),
                ("witness", a.witness.clone().into()),
                ("who", page.plan.login(&a.recorded_by).into()),
            ];
            // A generated or imported acknowledgement names no account that recorded it.
            let id = match (a.witness.is_empty(), a.recorded_by.is_empty()) {
                (true, false) => "plan-ack-line",
                (false, false) => "plan-ack-line-witness",
                (true, true) => "plan-ack-line-unnamed",
                (false, true) => "plan-ack-line-witness-unnamed",
            };
            tr.t_with(id, &args)
        })
        .collect();
    VersionView {
        anchor: format!("version-{}", v.version),
        title,
        review: tr.t_with("plan-review-line", &[("day", day(tr, v.review_on).into())]),
        measures,
        services,
        acknowledgements,
    }
}

fn choices<T: Copy>(
    tr: &Tr,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    prefix: &str,
    chosen: &str,
) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            value: code(*v).into(),
            label: tr.term(prefix, code(*v)),
            selected: code(*v) == chosen,
        })
        .collect()
}

fn providers(tr: &Tr, page: &PlanPage, chosen: &str) -> Vec<Opt> {
    std::iter::once(Opt {
        value: String::new(),
        label: tr.t("plan-provider-none"),
        selected: chosen.is_empty(),
    })
    .chain(page.open.organisations.iter().map(|o| Opt {
        value: o.code.clone(),
        label: o.name.clone(),
        selected: o.code == chosen,
    }))
    .collect()
}

/// The new version's form: as typed when refused, else from the latest version, else from what
/// the assessment calls for.
fn draft_fields(
    tr: &Tr,
    page: &PlanPage,
    typed: Option<&Typed>,
    errors: &[FieldError],
) -> (String, Vec<MeasureField>, Vec<ServiceField>) {
    let latest = page.plan.versions.last();
    let get = |name: String| typed.and_then(|t| t.get(&name)).cloned();
    let day_text = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let review_on = get("review_on".into()).unwrap_or_else(|| day_text(page.default_review_on));
    let measures = ProtectionMeasure::ALL
        .iter()
        .map(|&m| {
            let code = m.as_str();
            let before = latest.and_then(|v| v.measures.iter().find(|x| x.measure == m));
            let field = |part: &str| format!("measures.{code}.{part}");
            let include = match typed {
                Some(_) => get(field("include")).is_some(),
                None => match latest {
                    Some(_) => before.is_some(),
                    None => page.suggested.0.contains(&m),
                },
            };
            MeasureField {
                code,
                name: tr.term("measure", code),
                include,
                responsible: get(field("responsible"))
                    .unwrap_or_else(|| before.map(|b| b.responsible.clone()).unwrap_or_default()),
                due_on: get(field("due_on"))
                    .unwrap_or_else(|| before.map(|b| day_text(b.due_on)).unwrap_or_default()),
                detail: get(field("detail"))
                    .unwrap_or_else(|| before.map(|b| b.detail.clone()).unwrap_or_default()),
                shelter: (m == ProtectionMeasure::ConfidentialShelter).then(|| {
                    let shown = get(field("shelter_address")).unwrap_or_else(|| {
                        before
                            .map(|b| b.shelter_address.clone())
                            .unwrap_or_default()
                    });
                    (shown, before.is_some() && !page.plan.sees_shelter)
                }),
                error: error_for(errors, &format!("measures.{code}")),
            }
        })
        .collect();
    let services = SupportType::ALL
        .iter()
        .map(|&s| {
            let code = s.as_str();
            let before = latest.and_then(|v| v.services.iter().find(|x| x.service_type == s));
            let field = |part: &str| format!("services.{code}.{part}");
            let include = match typed {
                Some(_) => get(field("include")).is_some(),
                None => match latest {
                    Some(_) => before.is_some(),
                    None => page.suggested.1.contains(&s),
                },
            };
            let provider = get(field("provider_org")).unwrap_or_else(|| {
                before
                    .and_then(|b| b.provider_org.clone())
                    .unwrap_or_default()
            });
            let status = get(field("status")).unwrap_or_else(|| {
                before
                    .map(|b| b.status.as_str().to_string())
                    .unwrap_or_else(|| "planned".into())
            });
            ServiceField {
                code,
                name: tr.term("support", code),
                include,
                providers: providers(tr, page, &provider),
                objectives: get(field("objectives"))
                    .unwrap_or_else(|| before.map(|b| b.objectives.clone()).unwrap_or_default()),
                action_plan: get(field("action_plan"))
                    .unwrap_or_else(|| before.map(|b| b.action_plan.clone()).unwrap_or_default()),
                planned_end_on: get(field("planned_end_on")).unwrap_or_else(|| {
                    before
                        .map(|b| day_text(b.planned_end_on))
                        .unwrap_or_default()
                }),
                actual_end_on: get(field("actual_end_on")).unwrap_or_else(|| {
                    before
                        .and_then(|b| b.actual_end_on)
                        .map(day_text)
                        .unwrap_or_default()
                }),
                statuses: choices(
                    tr,
                    ServiceStatus::ALL,
                    ServiceStatus::as_str,
                    "servicestatus",
                    &status,
                ),
                error: error_for(errors, &format!("services.{code}")),
            }
        })
        .collect();
    (review_on, measures, services)
}

async fn render_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    status: StatusCode,
    refused: Option<Refused>,
) -> PageResult {
    let user = signed_in(viewer)?;
    let ctx = PageCtx::new(&state.keys, viewer, "cases");
    let tr = ctx.tr;
    let who = who(state, user);
    let page = mnir_app::plan::page(&state.app, &who, id)
        .await
        .map_err(|e| e.page(&ctx, "plan-title"))?;
    let empty = Typed::new();
    let (version_typed, version_errors) = match &refused {
        Some(Refused::Version(t, e)) => (Some(t), e.clone()),
        _ => (None, Vec::new()),
    };
    let (ack_typed, ack_errors) = match &refused {
        Some(Refused::Acknowledgement(t, e)) => (t, e.clone()),
        _ => (&empty, Vec::new()),
    };
    let (delivery_typed, delivery_errors) = match &refused {
        Some(Refused::Delivery(t, e)) => (t, e.clone()),
        _ => (&empty, Vec::new()),
    };
    let risk = page.open.risk.as_ref();
    let urgent_banner = risk.and_then(|r| crate::risk::urgent_text(&tr, &r.urgent_open));
    let drafted_from = page.latest_full.as_ref().map(|a| {
        tr.t_with(
            "plan-drafted-from",
            &[
                ("version", a.version.into()),
                (
                    "level",
                    tr.term("risklevel", a.overall.map_or("low", |l| l.as_str()))
                        .into(),
                ),
            ],
        )
    });
    let may_keep = page.may_draft;
    let notice = if page.latest_full.is_none() {
        Some(tr.t("plan-needs-assessment"))
    } else if !mnir_domain::plan::may_plan(page.open.facts.state) {
        Some(tr.t_with(
            "plan-not-due",
            &[(
                "state",
                tr.term("state", page.open.facts.state.as_str()).into(),
            )],
        ))
    } else if !page.may_draft {
        Some(tr.t("plan-read-only"))
    } else {
        None
    };
    let count = page.plan.versions.len();
    let latest = page
        .plan
        .versions
        .last()
        .map(|v| version_view(&tr, &page, v, true, id));
    let earlier = page.plan.versions[..count.saturating_sub(1)]
        .iter()
        .rev()
        .map(|v| version_view(&tr, &page, v, false, id))
        .collect();
    let latest_record = page.plan.versions.last();
    let shelter_hidden = !page.plan.sees_shelter
        && latest_record.is_some_and(|v| {
            v.measures
                .iter()
                .any(|m| m.measure == ProtectionMeasure::ConfidentialShelter)
        });
    // Acknowledgements and deliveries are kept by whoever may draft the plan.
    let may_act = page.may_draft;
    let ack_form = latest_record.filter(|_| may_act).map(|v| {
        (
            v.id.clone(),
            tr.t_with("plan-ack-record", &[("version", v.version.into())]),
        )
    });
    let typed = |t: &Typed, k: &str| t.get(k).cloned().unwrap_or_default();
    let deliveries = page
        .plan
        .deliveries
        .iter()
        .rev()
        .map(|d| {
            let provider = d
                .provider_org
                .as_deref()
                .map(|o| page.open.org_name(o))
                .unwrap_or_else(|| d.provider_other.clone());
            let mut line = tr.t_with(
                "plan-delivery-line",
                &[
                    ("day", day(&tr, d.delivered_on).into()),
                    (
                        "service",
                        tr.term("support", d.service_type.as_str()).into(),
                    ),
                    ("provider", provider.into()),
                ],
            );
            if !d.outcome.is_empty() {
                line.push(' ');
                line.push_str(&d.outcome);
            }
            line
        })
        .collect();
    let chosen_type = typed(delivery_typed, "type");
    let delivery_types = latest_record
        .filter(|_| may_act)
        .map(|v| {
            v.services
                .iter()
                .map(|s| Opt {
                    value: s.service_type.as_str().into(),
                    label: tr.term("support", s.service_type.as_str()),
                    selected: s.service_type.as_str() == chosen_type,
                })
                .collect()
        })
        .unwrap_or_default();
    let view = PlanPageView {
        id: id.to_string(),
        reference: page.open.detail.summary.reference.clone(),
        urgent_banner,
        drafted_from,
        notice,
        latest,
        shelter_hidden,
        ack_form,
        parties: choices(
            &tr,
            Acknowledger::ALL,
            Acknowledger::as_str,
            "planparty",
            &typed(ack_typed, "party"),
        ),
        ways: choices(
            &tr,
            AcknowledgementWay::ALL,
            AcknowledgementWay::as_str,
            "planway",
            &typed(ack_typed, "way"),
        ),
        ack_on: ack_typed
            .get("on")
            .cloned()
            .unwrap_or_else(|| page.today.format("%Y-%m-%d").to_string()),
        ack_witness: typed(ack_typed, "witness"),
        deliveries,
        delivery_types,
        delivery_providers: providers(&tr, &page, &typed(delivery_typed, "provider_org")),
        delivered_on: delivery_typed
            .get("delivered_on")
            .cloned()
            .unwrap_or_else(|| page.today.format("%Y-%m-%d").to_string()),
        provider_other: typed(delivery_typed, "provider_other"),
        outcome: typed(delivery_typed, "outcome"),
        draft: may_keep.then(|| draft_fields(&tr, &page, version_typed, &version_errors)),
        earlier,
        field_errors: crate::kit::refusal::errors_by_field(
            version_errors
                .iter()
                .chain(&ack_errors)
                .chain(&delivery_errors),
        ),
        version_errors,
        ack_errors,
        delivery_errors,
        ctx: ctx.clone(),
    };
    render(viewer, status, &view, &ctx)
}

async fn plan_page(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
) -> PageResult {
    render_page(&state, &viewer, &id, StatusCode::OK, None).await
}

/// The posted version form as the use case's input: only the ticked lines.
fn plan_input(typed: &Typed) -> PlanInput {
    let get = |name: String| typed.get(&name).cloned().unwrap_or_default();
    PlanInput {
        review_on: get("review_on".into()),
        measures: ProtectionMeasure::ALL
            .iter()
            .filter(|m| typed.contains_key(&format!("measures.{m}.include")))
            .map(|m| MeasureInput {
                measure: m.as_str().into(),
                responsible: get(format!("measures.{m}.responsible")),
                due_on: get(format!("measures.{m}.due_on")),
                detail: get(format!("measures.{m}.detail")),
                shelter_address: get(format!("measures.{m}.shelter_address")),
            })
            .collect(),
        services: SupportType::ALL
            .iter()
            .filter(|s| typed.contains_key(&format!("services.{s}.include")))
            .map(|s| ServiceInput {
                service_type: s.as_str().into(),
                provider_org: get(format!("services.{s}.provider_org")),
                objectives: get(format!("services.{s}.objectives")),
                action_plan: get(format!("services.{s}.action_plan")),
                planned_end_on: get(format!("services.{s}.planned_end_on")),
                actual_end_on: get(format!("services.{s}.actual_end_on")),
                status: get(format!("services.{s}.status")),
            })
            .collect(),
    }
}

/// Reads a posted form of the page, without its CSRF token.
fn posted(body: &Bytes, ctx: &PageCtx) -> Result<Typed, crate::kit::form::Reply> {
    let mut typed: Typed = read_form(body, ctx)?;
    typed.remove("csrf");
    Ok(typed)
}

/// A refused form shown again on the page with its errors; any other refusal as its page.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    ctx: &PageCtx,
    error: AppError,
    again: impl FnOnce(Vec<FieldError>) -> Refused,
) -> PageResult {
    match error {
        AppError::Invalid(issues) => {
            let errors = field_errors(&ctx.tr, &issues);
            render_page(
                state,
                viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(again(errors)),
            )
            .await
        }
        e => Err(e.page(ctx, "plan-title").into()),
    }
}

async fn plan_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = posted(&body, &ctx)?;
    let who = who(&state, user);
    match mnir_app::plan::record(&state.app, &who, &id, &plan_input(&typed)).await {
        Ok((plan, _)) => {
            Ok(Redirect::to(&format!("/cases/{id}/plan#version-{}", plan.version)).into_response())
        }
        Err(e) => {
            refused(&state, &viewer, &id, &ctx, e, |errors| {
                Refused::Version(typed, errors)
            })
            .await
        }
    }
}

async fn acknowledge_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = posted(&body, &ctx)?;
    let who = who(&state, user);
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let input = AcknowledgementInput {
        party: get("party"),
        way: get("way"),
        on: get("on"),
        witness: get("witness"),
    };
    match mnir_app::plan::acknowledge(&state.app, &who, &id, &get("plan_id"), &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/plan#acknowledgements")).into_response()),
        Err(e) => {
            refused(&state, &viewer, &id, &ctx, e, |errors| {
                Refused::Acknowledgement(typed, errors)
            })
            .await
        }
    }
}

async fn delivery_submit(
    viewer: Viewer,
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    body: Bytes,
) -> PageResult {
    let user = signed_in(&viewer)?;
    let ctx = PageCtx::new(&state.keys, &viewer, "cases");
    let typed = posted(&body, &ctx)?;
    let who = who(&state, user);
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let input = DeliveryInput {
        service_type: get("type"),
        delivered_on: get("delivered_on"),
        provider_org: get("provider_org"),
        provider_other: get("provider_other"),
        outcome: get("outcome"),
    };
    match mnir_app::plan::deliver(&state.app, &who, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/plan#deliveries")).into_response()),
        Err(e) => {
            refused(&state, &viewer, &id, &ctx, e, |errors| {
                Refused::Delivery(typed, errors)
            })
            .await
        }
    }
}
