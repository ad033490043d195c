//! The individual safety and support plan (mnir.md §8–§9): drafted from the latest full risk
//! assessment, versioned, acknowledged by the person and the assessor, and the services delivered
//! against it. Plans are support records: behind the firewall, and the shelter's address only for
//! the case's case workers.

use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use chrono::NaiveDate;
use mnir_domain::plan::{
    self, AcknowledgementWay, Acknowledger, ProtectionMeasure, ServiceStatus, SupportType, may_plan,
};
use mnir_domain::risk::AssessmentKind;
use mnir_domain::{Action, CaseFacts, can};
use mnir_store::{
    PlanAcknowledgement, PlanMeasure, PlanService, RiskAssessmentRecord, ServiceDelivery,
    StoreError, SupportPlanRecord,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

/// Longest free text of a plan's line, an acknowledgement or a delivery.
pub const MAX_TEXT: usize = 4000;

/// A protection measure, as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MeasureInput {
    /// `confidential_shelter`, `police_protection`, `witness_protection`, `phone_change`,
    /// `escort` or `other`; each at most once.
    #[schema(required = true, schema_with = api_schema::measure)]
    pub measure: String,
    /// Who carries it out.
    #[schema(required = true, pattern = r"\S", max_length = 4000)]
    pub responsible: String,
    /// By when, `YYYY-MM-DD`: at most 366 days before today and 1830 days after it.
    #[schema(required = true, format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub due_on: String,
    /// What it is (required for `other`).
    #[schema(max_length = 4000)]
    pub detail: String,
    /// The shelter's confidential address (`confidential_shelter` only). Left empty by someone
    /// who may not read it, the previous version's address is kept.
    #[schema(max_length = 4000)]
    pub shelter_address: String,
}

/// A support service (an HTCDS support-plan entry), as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceInput {
    /// HTCDS `spl_Type`: `education`, `financial`, `health`,
    /// `labour_exploitation_rehabilitation`, `legal`, `livelihood`, `rights_based_training`,
    /// `sexual_exploitation_rehabilitation`, `social_care`; each at most once.
    #[serde(rename = "type")]
    #[schema(required = true, schema_with = api_schema::service_type)]
    pub service_type: String,
    /// The organisation code of the provider, when it is one of the mechanism's (empty if not).
    #[schema(schema_with = api_schema::service_provider)]
    pub provider_org: String,
    #[schema(required = true, pattern = r"\S", max_length = 4000)]
    pub objectives: String,
    #[schema(max_length = 4000)]
    pub action_plan: String,
    /// `YYYY-MM-DD`: at most 366 days before today and 1830 days after it.
    #[schema(required = true, format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub planned_end_on: String,
    /// `YYYY-MM-DD`, not after today nor more than 366 days before it, for a service completed
    /// or cancelled; empty otherwise.
    #[schema(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub actual_end_on: String,
    /// `planned` (also when empty), `in_progress`, `completed` or `cancelled`.
    #[schema(schema_with = api_schema::status)]
    pub status: String,
}

/// A new version of a case's plan.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlanInput {
    /// The day the plan is to be reviewed, `YYYY-MM-DD`: after today, within a year.
    #[schema(required = true, format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub review_on: String,
    /// Each measure at most once (so at most six).
    #[schema(max_items = 6)]
    pub measures: Vec<MeasureInput>,
    /// Each service at most once (so at most nine).
    #[schema(max_items = 9)]
    pub services: Vec<ServiceInput>,
}

// The lengths above are those of the lists (the attributes take literals).
const _: () = assert!(ProtectionMeasure::ALL.len() == 6 && SupportType::ALL.len() == 9);
const _: () = assert!(MAX_TEXT == 4000);

/// The person's or the assessor's acknowledgement of a version.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AcknowledgementInput {
    /// `person` or `assessor`.
    #[schema(required = true, schema_with = api_schema::party)]
    pub party: String,
    /// `signed_on_paper` or `verbal_with_witness`.
    #[schema(required = true, schema_with = api_schema::way)]
    pub way: String,
    /// `YYYY-MM-DD`: not before the version was drafted, not after today.
    #[schema(required = true, format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub on: String,
    /// Who witnessed a verbal acknowledgement.
    #[schema(max_length = 4000)]
    pub witness: String,
}

/// A service delivered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryInput {
    /// A service type the latest plan sets (see [`ServiceInput::service_type`]).
    #[serde(rename = "type")]
    #[schema(required = true, schema_with = api_schema::delivered_type)]
    pub service_type: String,
    /// `YYYY-MM-DD`, not after today, at most 366 days before it.
    #[schema(required = true, format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub delivered_on: String,
    /// The organisation code of the provider; or else `provider_other`.
    #[schema(schema_with = api_schema::delivery_provider)]
    pub provider_org: String,
    #[schema(max_length = 4000)]
    pub provider_other: String,
    #[schema(max_length = 4000)]
    pub outcome: String,
}

/// The schemas of the plan's coded fields in the API's document: `schema_with` states the field
/// alone, so what its comment says beyond the codes is repeated here.
mod api_schema {
    use crate::schema::{any_of, blank, code, described, one_of, organisation};
    use mnir_domain::Vocabulary;
    use mnir_domain::plan::{
        AcknowledgementWay, Acknowledger, ProtectionMeasure, ServiceStatus, SupportType,
    };
    use utoipa::openapi::schema::{AnyOfBuilder, Object};

    pub fn measure() -> Object {
        described(code::<ProtectionMeasure>(), "Each measure at most once.")
    }

    pub fn service_type() -> Object {
        described(
            code::<SupportType>(),
            "HTCDS `spl_Type`, as the project's code; each at most once.",
        )
    }

    pub fn delivered_type() -> Object {
        described(
            code::<SupportType>(),
            "A service type the latest plan sets.",
        )
    }

    /// A status, or the empty text for `planned`.
    pub fn status() -> Object {
        described(
            one_of(std::iter::once("").chain(ServiceStatus::texts())),
            "`planned` (also when empty), `in_progress`, `completed` or `cancelled`.",
        )
    }

    /// One of the mechanism's organisations, or none (a blank text).
    fn provider(description: &str) -> AnyOfBuilder {
        any_of([blank(), organisation()]).description(Some(description))
    }

    pub fn service_provider() -> AnyOfBuilder {
        provider(
            "The organisation code of the provider, when it is one of the mechanism's (empty \
             if not).",
        )
    }

    pub fn delivery_provider() -> AnyOfBuilder {
        provider("The organisation code of the provider; or else `provider_other`.")
    }

    pub fn party() -> Object {
        code::<Acknowledger>()
    }

    pub fn way() -> Object {
        code::<AcknowledgementWay>()
    }
}

/// A text as written, or the issue naming its field.
pub(crate) fn text(field: &str, value: &str, wrong: &mut Vec<FieldIssue>) -> String {
    let value = crate::text::trimmed(value);
    let length = value.chars().count();
    if length > MAX_TEXT {
        wrong.push(FieldIssue {
            field: field.to_string().into(),
            message: Message::new("plan-text-too-long")
                .with("max", Arg::Number(MAX_TEXT as i64))
                .with("length", Arg::Number(length as i64)),
            against_records: false,
        });
    }
    value.to_string()
}

/// A day of a plan's line or a delivery: readable, and within the range [`plan::check_day`] allows.
fn line_day(
    field: &str,
    value: &str,
    required: bool,
    today: NaiveDate,
    wrong: &mut Vec<FieldIssue>,
) -> Option<NaiveDate> {
    let parsed = day(field, value, required, wrong)?;
    match plan::check_day(parsed, today) {
        Some(id) => {
            wrong.push(FieldIssue::new(field.to_string(), id));
            None
        }
        None => Some(parsed),
    }
}

/// A code as the user sent it, cut short for an error message.
pub(crate) fn echoed(code: &str) -> Arg {
    Arg::Text(code.chars().take(40).collect())
}

/// A day as `YYYY-MM-DD`, or the issue naming its field (`required`: an empty one is one).
pub(crate) fn day(
    field: &str,
    value: &str,
    required: bool,
    wrong: &mut Vec<FieldIssue>,
) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            wrong.push(FieldIssue::new(field.to_string(), "plan-date-required"));
        }
        return None;
    }
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
    if parsed.is_none() {
        wrong.push(FieldIssue::new(field.to_string(), "plan-date-invalid"));
    }
    parsed
}

/// An organisation code that must name one of the mechanism's, or the issue.
fn known_org(
    field: &str,
    code: &str,
    known: &BTreeSet<String>,
    wrong: &mut Vec<FieldIssue>,
) -> Option<String> {
    let code = code.trim();
    if code.is_empty() {
        return None;
    }
    if !known.contains(code) {
        wrong.push(FieldIssue {
            field: field.to_string().into(),
            message: Message::new("plan-provider-unknown").with("code", echoed(code)),
            against_records: false,
        });
    }
    Some(code.to_string())
}

/// The jurisdiction's calendar day now.
pub(crate) fn today(app: &App, who: &Who<'_>) -> NaiveDate {
    app.jurisdiction().local_date(who.now().to_utc())
}

/// The codes of every organisation, to check a provider against.
async fn organisation_codes(app: &App) -> AppResult<BTreeSet<String>> {
    Ok(app
        .store()
        .list_organisations()
        .await?
        .into_iter()
        .map(|o| o.code)
        .collect())
}

/// The case's facts, with the actor allowed to keep its plan (the firewall) and the case in a
/// state where a plan may be kept.
async fn keeping(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<CaseFacts> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::KeepPlan, Some(&facts))?;
    if !may_plan(facts.state) {
        return Err(AppError::Forbidden(
            Message::new("plan-not-due")
                .with("state", Arg::Term("state", facts.state.as_str().into())),
        ));
    }
    Ok(facts)
}

/// The measures checked: known, once each, with who and by when.
fn measures(
    given: &[MeasureInput],
    previous: Option<&SupportPlanRecord>,
    today: NaiveDate,
    wrong: &mut Vec<FieldIssue>,
) -> Vec<PlanMeasure> {
    let mut out: Vec<PlanMeasure> = Vec::new();
    for input in given {
        let Some(measure) = ProtectionMeasure::parse(&input.measure) else {
            wrong.push(FieldIssue {
                field: "measures".into(),
                message: Message::new("plan-measure-unknown").with("code", echoed(&input.measure)),
                against_records: false,
            });
            continue;
        };
        let field = |part: &str| format!("measures.{measure}.{part}");
        if out.iter().any(|m| m.measure == measure) {
            wrong.push(FieldIssue::new(
                format!("measures.{measure}"),
                "plan-line-twice",
            ));
            continue;
        }
        let responsible = text(&field("responsible"), &input.responsible, wrong);
        if responsible.is_empty() {
            wrong.push(FieldIssue::new(
                field("responsible"),
                "plan-responsible-required",
            ));
        }
        let due_on = line_day(&field("due_on"), &input.due_on, true, today, wrong);
        let detail = text(&field("detail"), &input.detail, wrong);
        if measure == ProtectionMeasure::Other && detail.is_empty() {
            wrong.push(FieldIssue::new(
                field("detail"),
                "plan-other-detail-required",
            ));
        }
        let mut shelter_address = text(&field("shelter_address"), &input.shelter_address, wrong);
        if measure != ProtectionMeasure::ConfidentialShelter && !shelter_address.is_empty() {
            wrong.push(FieldIssue::new(
                field("shelter_address"),
                "plan-address-only-shelter",
            ));
        }
        // An address left empty keeps the one known: someone who may not read it cannot have
        // retyped it, and a case worker need not. A shelter that moved is given its new one.
        if measure == ProtectionMeasure::ConfidentialShelter && shelter_address.is_empty() {
            shelter_address = previous
                .and_then(|p| p.measures.iter().find(|m| m.measure == measure))
                .map(|m| m.shelter_address.clone())
                .unwrap_or_default();
        }
        if let Some(due_on) = due_on {
            out.push(PlanMeasure {
                measure,
                responsible,
                due_on,
                detail,
                shelter_address,
            });
        }
    }
    out.sort_by_key(|m| m.measure);
    out
}

/// The services checked: known, once each, with objectives, dates and a status that agree.
fn services(
    given: &[ServiceInput],
    orgs: &BTreeSet<String>,
    today: NaiveDate,
    wrong: &mut Vec<FieldIssue>,
) -> Vec<PlanService> {
    let mut out: Vec<PlanService> = Vec::new();
    for input in given {
        let Some(service_type) = SupportType::parse(&input.service_type) else {
            wrong.push(FieldIssue {
                field: "services".into(),
                message: Message::new("plan-service-unknown")
                    .with("code", echoed(&input.service_type)),
                against_records: false,
            });
            continue;
        };
        let field = |part: &str| format!("services.{service_type}.{part}");
        if out.iter().any(|s| s.service_type == service_type) {
            wrong.push(FieldIssue::new(
                format!("services.{service_type}"),
                "plan-line-twice",
            ));
            continue;
        }
        let provider_org = known_org(&field("provider_org"), &input.provider_org, orgs, wrong);
        let objectives = text(&field("objectives"), &input.objectives, wrong);
        if objectives.is_empty() {
            wrong.push(FieldIssue::new(
                field("objectives"),
                "plan-objectives-required",
            ));
        }
        let action_plan = text(&field("action_plan"), &input.action_plan, wrong);
        let planned_end_on = line_day(
            &field("planned_end_on"),
            &input.planned_end_on,
            true,
            today,
            wrong,
        );
        let actual_end_on = line_day(
            &field("actual_end_on"),
            &input.actual_end_on,
            false,
            today,
            wrong,
        );
        let status = if input.status.trim().is_empty() {
            Some(ServiceStatus::Planned)
        } else {
            ServiceStatus::parse(&input.status)
        };
        let Some(status) = status else {
            wrong.push(FieldIssue::new(field("status"), "plan-status-invalid"));
            continue;
        };
        let actual_given = !input.actual_end_on.trim().is_empty();
        // An unreadable end date is named once, above, not again as missing.
        if (actual_given == actual_end_on.is_some())
            && let Some(id) = plan::check_service_dates(status, actual_end_on, today)
        {
            wrong.push(FieldIssue::new(field("actual_end_on"), id));
        }
        if let Some(planned_end_on) = planned_end_on {
            out.push(PlanService {
                service_type,
                provider_org,
                objectives,
                action_plan,
                planned_end_on,
                actual_end_on,
                status,
            });
        }
    }
    out.sort_by_key(|s| s.service_type);
    out
}

/// Records a new version of the case's plan, drafted from its latest full assessment; a plan
/// that sets a protection measure answers the case's open urgent needs. Nothing is stored when
/// anything is wrong. Returns the version as the drafter may see it (the shelter's address
/// blanked for one who may not read it) and whether they may read it.
pub async fn record(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &PlanInput,
) -> AppResult<(SupportPlanRecord, bool)> {
    let facts = keeping(app, who, case_id).await?;
    let store = app.store();
    let assessments = store.assessments_of(case_id).await?;
    let Some(assessment) = latest_full(&assessments) else {
        return Err(AppError::Forbidden(Message::new("plan-needs-assessment")));
    };
    let previous = store.plans_of(case_id).await?.pop();
    let sees_shelter = can(&who.actor(), Action::SeeShelterAddress, Some(&facts)).is_ok();
    let today = today(app, who);
    let orgs = organisation_codes(app).await?;
    let mut wrong = Vec::new();
    let review_on = day("review_on", &input.review_on, true, &mut wrong);
    if let Some(id) = review_on.and_then(|d| plan::check_review_date(d, today)) {
        wrong.push(FieldIssue::new("review_on", id));
    }
    let measures = measures(&input.measures, previous.as_ref(), today, &mut wrong);
    let services = services(&input.services, &orgs, today, &mut wrong);
    if input.measures.is_empty() && input.services.is_empty() {
        wrong.push(FieldIssue::new("measures", "plan-empty"));
    }
    let (Some(review_on), true) = (review_on, wrong.is_empty()) else {
        return Err(AppError::Invalid(wrong));
    };
    let mut plan = SupportPlanRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        version: 0,
        org_code: who.user.org.code.clone(),
        drafted_by: who.user.id.clone(),
        drafted_at_ms: who.now(),
        assessment_id: assessment.id.clone(),
        review_on,
        measures,
        services,
        acknowledgements: Vec::new(),
    };
    let open: Vec<_> = assessments.iter().flat_map(|a| a.urgent_open()).collect();
    let answers = plan::answers_needs(
        &open,
        &plan.measures.iter().map(|m| m.measure).collect::<Vec<_>>(),
        &plan
            .services
            .iter()
            .map(|s| s.service_type)
            .collect::<Vec<_>>(),
    );
    match store
        .record_plan(&plan, answers, facts.state, &who.by)
        .await
    {
        Ok(version) => {
            plan.version = version;
            if !sees_shelter {
                plan.measures
                    .iter_mut()
                    .for_each(|m| m.shelter_address.clear());
            }
            Ok((plan, sees_shelter))
        }
        Err(StoreError::StaleState { current }) => Err(AppError::Conflict(Message::stale(current))),
        Err(e) => Err(e.into()),
    }
}

/// The latest full assessment of the versions, which a plan is drafted from.
fn latest_full(assessments: &[RiskAssessmentRecord]) -> Option<&RiskAssessmentRecord> {
    assessments
        .iter()
        .rev()
        .find(|a| a.kind == AssessmentKind::Full)
}

/// Records how the person or the assessor acknowledged a version of the plan, once each.
pub async fn acknowledge(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    plan_id: &str,
    input: &AcknowledgementInput,
) -> AppResult<PlanAcknowledgement> {
    keeping(app, who, case_id).await?;
    let plans = app.store().plans_of(case_id).await?;
    let Some(plan) = plans.iter().find(|p| p.id == plan_id) else {
        return Err(AppError::NotFound);
    };
    let mut wrong = Vec::new();
    let party = Acknowledger::parse(&input.party);
    if party.is_none() {
        wrong.push(FieldIssue::new("party", "plan-party-invalid"));
    }
    let way = AcknowledgementWay::parse(&input.way);
    if way.is_none() {
        wrong.push(FieldIssue::new("way", "plan-way-invalid"));
    }
    let on = day("on", &input.on, true, &mut wrong);
    let witness = text("witness", &input.witness, &mut wrong);
    let (Some(party), Some(way), Some(on)) = (party, way, on) else {
        return Err(AppError::Invalid(wrong));
    };
    let drafted_on = app.jurisdiction().local_date(plan.drafted_at_ms.to_utc());
    if let Some(id) =
        plan::check_acknowledgement(way, on, !witness.is_empty(), drafted_on, today(app, who))
    {
        wrong.push(match id {
            "plan-ack-witness-required" => FieldIssue::new("witness", id),
            // The day the plan was drafted is the plan's record, not the request's.
            "plan-ack-before-draft" => FieldIssue::against_records("on", id),
            _ => FieldIssue::new("on", id),
        });
    }
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    let acknowledgement = PlanAcknowledgement {
        party,
        way,
        on,
        // A signature needs no witness: none is kept for it.
        witness: if way == AcknowledgementWay::VerbalWithWitness {
            witness
        } else {
            String::new()
        },
        recorded_by: who.user.id.clone(),
        recorded_at_ms: who.now(),
    };
    match app
        .store()
        .acknowledge_plan(case_id, plan_id, &acknowledgement, &who.by)
        .await
    {
        Ok(()) => Ok(acknowledgement),
        Err(StoreError::Conflict(_)) => Err(AppError::Conflict(
            Message::new("plan-ack-already")
                .with("party", Arg::Term("planparty", party.as_str().into())),
        )),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Records a service delivered against the latest plan.
pub async fn deliver(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &DeliveryInput,
) -> AppResult<ServiceDelivery> {
    keeping(app, who, case_id).await?;
    let Some(latest) = app.store().plans_of(case_id).await?.pop() else {
        return Err(AppError::Forbidden(Message::new("plan-delivery-no-plan")));
    };
    let orgs = organisation_codes(app).await?;
    let mut wrong = Vec::new();
    let service_type = SupportType::parse(&input.service_type);
    match service_type {
        None => wrong.push(FieldIssue::new("type", "plan-service-unknown-type")),
        // A type of the list the latest plan does not set: the plan decides.
        Some(t) if !latest.services.iter().any(|s| s.service_type == t) => {
            wrong.push(FieldIssue::against_records(
                "type",
                "plan-delivery-not-planned",
            ));
        }
        Some(_) => {}
    }
    let today = today(app, who);
    let delivered_on = line_day("delivered_on", &input.delivered_on, true, today, &mut wrong);
    if delivered_on.is_some_and(|d| d > today) {
        wrong.push(FieldIssue::new("delivered_on", "plan-delivered-future"));
    }
    let provider_org = known_org("provider_org", &input.provider_org, &orgs, &mut wrong);
    let provider_other = text("provider_other", &input.provider_other, &mut wrong);
    // Exactly one of the two names the provider.
    if provider_org.is_some() != provider_other.is_empty() {
        wrong.push(FieldIssue::new("provider_org", "plan-provider-one"));
    }
    let outcome = text("outcome", &input.outcome, &mut wrong);
    let (Some(service_type), Some(delivered_on), true) =
        (service_type, delivered_on, wrong.is_empty())
    else {
        return Err(AppError::Invalid(wrong));
    };
    let delivery = ServiceDelivery {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        service_type,
        delivered_on,
        provider_org,
        provider_other,
        outcome,
        org_code: who.user.org.code.clone(),
        recorded_by: who.user.id.clone(),
        recorded_at_ms: who.now(),
    };
    app.store().record_delivery(&delivery, &who.by).await?;
    Ok(delivery)
}

/// A case's plan as its page and the API show it.
pub struct PlanRead {
    /// Oldest first; the shelter's address blanked for those who may not read it.
    pub versions: Vec<SupportPlanRecord>,
    pub deliveries: Vec<ServiceDelivery>,
    /// Account id to login, for everyone who drafted, acknowledged or delivered.
    pub logins: BTreeMap<String, String>,
    /// Whether the reader may see the shelter's address.
    pub sees_shelter: bool,
}

impl PlanRead {
    /// A login by account id, or the id when the account is gone (empty for generated records).
    pub fn login(&self, id: &str) -> String {
        crate::accounts::login_in(&self.logins, id)
    }
}

/// The case's plan versions and deliveries, for a reader of support records (audited).
pub async fn read(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<PlanRead> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::ViewSupportRecords, Some(&facts))?;
    app.store()
        .audit("case.read.plan", &format!("case:{case_id}"), "", &who.by)
        .await?;
    read_of(app, who, &facts, case_id).await
}

async fn read_of(
    app: &App,
    who: &Who<'_>,
    facts: &CaseFacts,
    case_id: &str,
) -> AppResult<PlanRead> {
    let store = app.store();
    let mut versions = store.plans_of(case_id).await?;
    let deliveries = store.deliveries_of(case_id).await?;
    let sees_shelter = can(&who.actor(), Action::SeeShelterAddress, Some(facts)).is_ok();
    if !sees_shelter {
        for m in versions.iter_mut().flat_map(|v| v.measures.iter_mut()) {
            m.shelter_address.clear();
        }
    }
    let ids = versions
        .iter()
        .flat_map(|v| {
            std::iter::once(v.drafted_by.as_str())
                .chain(v.acknowledgements.iter().map(|a| a.recorded_by.as_str()))
        })
        .chain(deliveries.iter().map(|d| d.recorded_by.as_str()))
        .collect();
    let logins = crate::accounts::logins(app, ids).await?;
    Ok(PlanRead {
        versions,
        deliveries,
        logins,
        sees_shelter,
    })
}

/// What the plan page needs beyond the plan: the case, the assessment it is drafted from, what a
/// first draft starts from, and what the reader may do.
pub struct PlanPage {
    pub open: crate::cases::OpenCase,
    pub plan: PlanRead,
    pub latest_full: Option<RiskAssessmentRecord>,
    /// A new version may be drafted now (state, assessment, role).
    pub may_draft: bool,
    /// The measures and services a first draft starts from (the latest assessment's).
    pub suggested: (Vec<ProtectionMeasure>, Vec<SupportType>),
    /// The review day a new version starts from: the assessment's review, else in 90 days.
    pub default_review_on: NaiveDate,
    pub today: NaiveDate,
}

/// The plan page's data, read once (the case and its support records, audited).
pub async fn page(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<PlanPage> {
    let plan = read(app, who, case_id).await?;
    let open = crate::cases::open(app, who, case_id).await?;
    let risk = open.risk.as_ref().ok_or(AppError::NotFound)?;
    let latest_full = risk.latest_full().cloned();
    let may_keep = can(&who.actor(), Action::KeepPlan, Some(&open.facts)).is_ok();
    let today = today(app, who);
    let review_clock_due = latest_full.as_ref().and_then(|a| {
        let clock = open
            .clocks
            .iter()
            .find(|c| Some(&c.id) == a.clock_id.as_ref())?;
        Some(app.jurisdiction().local_date(clock.due_at_ms?.to_utc()))
    });
    let default_review_on = review_clock_due
        .filter(|d| plan::check_review_date(*d, today).is_none())
        .unwrap_or(today + chrono::Duration::days(90));
    let suggested = latest_full
        .as_ref()
        .map(|a| plan::suggested(&a.ratings(), &risk.urgent_open))
        .unwrap_or_default();
    Ok(PlanPage {
        may_draft: may_keep && may_plan(open.facts.state) && latest_full.is_some(),
        latest_full,
        suggested,
        default_review_on,
        today,
        open,
        plan,
    })
}

/// One version of the plan as it is printed for signature: what the reader may see of it and of
/// the person, and nothing more (the shelter's address blanked for all but the case workers, the
/// name only for those who may see who the person is).
pub struct Printable {
    pub reference: String,
    /// The person's name, for a reader who may see it.
    pub person: Option<String>,
    pub version: SupportPlanRecord,
    /// Its drafter's login (empty for a generated plan).
    pub drafted_by: String,
    /// Every organisation's name by code, to name providers.
    pub organisations: BTreeMap<String, String>,
    pub sees_shelter: bool,
}

/// A version of the case's plan (the latest when `version` is `None`) to print: audited as a read
/// of the plan and of the case.
pub async fn printable(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    version: Option<i64>,
) -> AppResult<Printable> {
    let plan = read(app, who, case_id).await?;
    let chosen = match version {
        Some(n) => plan.versions.iter().find(|v| v.version == n),
        None => plan.versions.last(),
    }
    .cloned()
    .ok_or(AppError::NotFound)?;
    let facts = crate::cases::facts(app, who, case_id).await?;
    let reveal = mnir_store::Reveal {
        identity: can(&who.actor(), Action::ViewIdentity, Some(&facts)).is_ok(),
        notes: false,
    };
    let detail = app
        .store()
        .case_detail(case_id, &who.scope_on(case_id), reveal, &who.by)
        .await?
        .ok_or(AppError::NotFound)?;
    let summary = detail.summary;
    let person = match (summary.given_name, summary.family_name) {
        (Some(given), Some(family)) => Some(format!("{given} {family}")),
        _ => None,
    };
    Ok(Printable {
        reference: summary.reference,
        person,
        drafted_by: plan.login(&chosen.drafted_by),
        version: chosen,
        organisations: app
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.code, o.name))
            .collect(),
        sees_shelter: plan.sees_shelter,
    })
}
