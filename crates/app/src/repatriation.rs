//! Assisted voluntary repatriation (mnir.md §10): a procedure opened on a case in either
//! direction, its eight steps recorded in order, the guards that refuse a step (asked here for a
//! prompt answer, and again by the store on the facts read inside the step's transaction, with
//! the procedure's version claimed and the case's row locked, so that neither a concurrent step
//! nor a consent withdrawn meanwhile slips past them), the person's withdrawal, a supervisor's
//! approval of a risky travel tied to the assessment approved, and the case's move to `returned`
//! in the transaction of the step that completes travel and reception.

use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use chrono::NaiveDate;
use mnir_domain::repatriation::{self, Direction, DocumentKind, Escort, Guard, Step, StepState};
use mnir_domain::{Action, CaseFacts, CaseState, can, reference};
use mnir_store::{
    CheckInRecord, ClockRecord, RepatriationRecord, StepDocument, StepEffects, StepRecord,
    StoreError,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Longest note, name or detail of a step.
pub const MAX_TEXT: usize = 2000;
/// Most documents one step records.
pub const MAX_DOCUMENTS: usize = 10;
/// Longest document number.
pub const MAX_DOCUMENT_NUMBER: usize = 64;

/// The details a step records beyond its common fields, by name: the escort of the fit-to-travel
/// check (one of `none`, `medical`, `social_worker`, `police`), the itinerary and who meets the
/// person, the reception's first-day needs and where the person stays, the reintegration plan's
/// five parts, and a follow-up's contact and the person's situation.
pub fn detail_fields(step: Step) -> &'static [&'static str] {
    match step {
        Step::Request | Step::RiskAssessment | Step::TravelDocuments => &[],
        Step::FitToTravel => &["escort"],
        Step::Travel => &["itinerary", "met_by"],
        Step::Reception => &["first_day_needs", "stays_at"],
        Step::ReintegrationPlan => &["housing", "work", "health", "education", "family"],
        Step::FollowUp => &["contact_made", "situation"],
    }
}

/// A procedure as asked for.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OpenInput {
    /// `to_romania` or `from_romania`.
    #[schema(required = true, schema_with = api_schema::direction)]
    pub direction: String,
    /// The code of the partner in the country of return (from Romania) or of the receiving
    /// organisation in Romania (to Romania), from the directory.
    #[schema(required = true, schema_with = api_schema::partner)]
    pub partner_org: String,
    /// ISO 3166-1 alpha-2 code of the other country: where the person goes (from Romania) or
    /// where they are (to Romania).
    #[schema(required = true, schema_with = api_schema::country)]
    pub country: String,
}

/// A document as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentInput {
    /// `travel_title`, `passport`, `medical_certificate` or `ticket`.
    #[schema(required = true, schema_with = api_schema::document_kind)]
    pub kind: String,
    #[schema(required = true, pattern = r"\S", min_length = 1, max_length = 64)]
    pub number: String,
}

/// A step as a form or the API records it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StepInput {
    /// `pending`, `in_progress`, `done` or `blocked` (with the reason in `note`).
    #[schema(required = true, schema_with = api_schema::state)]
    pub state: String,
    /// When it happened (`YYYY-MM-DD`, the jurisdiction's calendar), not after today; required
    /// for a step done. Null or empty: not given.
    #[schema(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub date: Option<String>,
    #[schema(max_items = 10)]
    pub documents: Vec<DocumentInput>,
    #[schema(max_length = 2000)]
    pub note: String,
    /// The organisation responsible for the step, from the directory.
    #[schema(schema_with = api_schema::responsible)]
    pub responsible_org: Option<String>,
    #[schema(max_length = 2000)]
    pub responsible_person: String,
    /// The step's own fields (see [`detail_fields`]).
    #[schema(schema_with = api_schema::details)]
    pub details: BTreeMap<String, String>,
}

// The limits above are these constants (the attributes take literals).
const _: () = assert!(MAX_TEXT == 2000 && MAX_DOCUMENTS == 10 && MAX_DOCUMENT_NUMBER == 64);

/// The schemas of the coded fields of a return in the API's document: `schema_with` states the
/// field alone, so what its comment says beyond the codes is repeated here.
mod api_schema {
    use super::{MAX_TEXT, SITUATION_FIELDS, detail_fields};
    use crate::schema::{any_of, blank, code, described, null, one_of, organisation};
    use mnir_domain::Vocabulary;
    use mnir_domain::repatriation::{Direction, DocumentKind, Escort, Step, StepState};
    use utoipa::openapi::schema::{
        AdditionalProperties, AnyOfBuilder, Object, ObjectBuilder, Type,
    };

    pub fn direction() -> Object {
        code::<Direction>()
    }

    pub fn partner() -> Object {
        described(
            organisation(),
            "The code of the partner in the country of return (from Romania) or of the \
             receiving organisation in Romania (to Romania), from the directory.",
        )
    }

    /// A country of the reference data; the jurisdiction's own is refused by the use case.
    pub fn country() -> Object {
        described(
            one_of(
                mnir_domain::reference::countries()
                    .iter()
                    .map(|c| c.code.as_str()),
            ),
            "ISO 3166-1 alpha-2 code of the other country: where the person goes (from \
             Romania) or where they are (to Romania).",
        )
    }

    pub fn document_kind() -> Object {
        code::<DocumentKind>()
    }

    pub fn state() -> Object {
        described(
            code::<StepState>(),
            "`pending`, `in_progress`, `done` or `blocked` (with the reason in `note`).",
        )
    }

    /// An organisation, or none (null or a blank text).
    pub fn responsible() -> AnyOfBuilder {
        any_of([null(), blank(), organisation()]).description(Some(
            "The organisation responsible for the step, from the directory; required for a \
             step done.",
        ))
    }

    fn text() -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_TEXT))
            .build()
    }

    /// An object with the named text properties and no other.
    fn texts_named(names: impl IntoIterator<Item = &'static str>, description: &str) -> Object {
        names
            .into_iter()
            .fold(
                ObjectBuilder::new().schema_type(Type::Object),
                |object, name| {
                    let value = if name == "escort" {
                        // Escort is a code, or left empty.
                        one_of(std::iter::once("").chain(Escort::texts()))
                    } else {
                        text()
                    };
                    object.property(name, value)
                },
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some(description))
            .build()
    }

    /// Every step's own fields: which of them a step takes is the path's business (the use case
    /// refuses another step's).
    pub fn details() -> Object {
        texts_named(
            Step::ALL
                .iter()
                .flat_map(|&step| detail_fields(step).iter().copied()),
            "The step's own fields, each at most 2000 characters: `escort` (`none`, `medical`, \
             `social_worker` or `police`) for `fit_to_travel`; `itinerary` and `met_by` for \
             `travel`; `first_day_needs` and `stays_at` for `reception`; `housing`, `work`, \
             `health`, `education` and `family` for `reintegration_plan`; `contact_made` and \
             `situation` for `follow_up`.",
        )
    }

    pub fn situation() -> Object {
        texts_named(
            SITUATION_FIELDS,
            "The person's situation: `housing`, `work`, `health`, `safety` and `concerns` (of \
             being trafficked again), each at most 2000 characters.",
        )
    }
}

/// A procedure with what its reader needs beside it.
#[derive(Debug, Clone)]
pub struct Overview {
    pub record: RepatriationRecord,
    /// The first step not done, and the guard that would refuse marking it done now.
    pub next: Option<(Step, Option<Guard>)>,
}

pub use mnir_domain::repatriation::may_open;

fn guard_error(guard: Guard) -> AppError {
    AppError::Refused {
        code: guard.as_str(),
        message: Message::new(match guard {
            Guard::NoConsent => "repatriation-guard-no_consent",
            Guard::NoReturnRiskAssessment => "repatriation-guard-no_return_risk_assessment",
            Guard::ReflectionPeriodRunning => "repatriation-guard-reflection_period_running",
            Guard::ApprovalRequired => "repatriation-guard-approval_required",
            Guard::PreviousStepNotDone => "repatriation-guard-previous_step_not_done",
            Guard::ProcedureCancelled => "repatriation-guard-procedure_cancelled",
            Guard::TravelDone => "repatriation-guard-travel_done",
            Guard::StepAlreadyDone => "repatriation-guard-step_already_done",
            Guard::LaterStepDone => "repatriation-guard-later_step_done",
            Guard::PreviousStepNotStarted => "repatriation-guard-previous_step_not_started",
            Guard::ApprovalNotNeeded => "repatriation-guard-approval_not_needed",
            Guard::FollowUpClosed => "repatriation-guard-follow_up_closed",
        }),
    }
}

/// Opens a procedure with its eight steps pending.
pub async fn open(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &OpenInput,
) -> AppResult<Overview> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::KeepRepatriation, Some(&facts))?;
    if !may_open(facts.state) {
        return Err(AppError::Forbidden(
            Message::new("repatriation-not-due")
                .with("state", Arg::Term("state", facts.state.as_str().into())),
        ));
    }
    let mut wrong = Vec::new();
    let direction = Direction::parse(&input.direction);
    if direction.is_none() {
        wrong.push(FieldIssue::new(
            "direction",
            "repatriation-direction-invalid",
        ));
    }
    let partner = input.partner_org.trim();
    let country = input.country.trim().to_ascii_uppercase();
    if partner.is_empty() {
        wrong.push(FieldIssue::new(
            "partner_org",
            "repatriation-partner-required",
        ));
    } else {
        match app.store().organisation(partner).await? {
            None => wrong.push(FieldIssue {
                field: "partner_org".into(),
                message: Message::new("repatriation-partner-unknown")
                    .with("code", Arg::Text(partner.to_string())),
                against_records: false,
            }),
            // From Romania the partner is listed in the country of return; to Romania the
            // receiving organisation is one of Romania's.
            Some(org) => {
                let misplaced = match direction {
                    Some(Direction::FromRomania) => org.country.as_deref() != Some(&country),
                    Some(Direction::ToRomania) => org.country.is_some(),
                    None => false,
                };
                if misplaced {
                    wrong.push(FieldIssue {
                        field: "partner_org".into(),
                        message: Message::new(if direction == Some(Direction::ToRomania) {
                            "repatriation-partner-domestic"
                        } else {
                            "repatriation-partner-abroad"
                        })
                        .with("code", Arg::Text(partner.to_string()))
                        .with("country", Arg::Text(country.clone())),
                        // Where the partner works is the register's, not the request's.
                        against_records: true,
                    });
                }
            }
        }
    }
    let home = app.jurisdiction().country.as_str();
    let known = reference::country(&country).is_some();
    if !known || country == home {
        wrong.push(FieldIssue {
            field: "country".into(),
            message: Message::new("repatriation-country-invalid")
                .with("code", Arg::Text(input.country.clone())),
            // A country of the reference data that is the jurisdiction's own: the document
            // lists every country, the deployment decides which one is home.
            against_records: known,
        });
    }
    // A Romanian comes home; a foreign national goes back.
    if let Some(direction) = direction {
        let detail = app
            .store()
            .case_detail(
                case_id,
                &who.scope_on(case_id),
                mnir_store::Reveal::default(),
                &who.by,
            )
            .await?
            .ok_or(AppError::NotFound)?;
        let national = detail.summary.citizenship.eq_ignore_ascii_case(home);
        // The person's citizenship is the case's.
        if national != (direction == Direction::ToRomania) {
            wrong.push(FieldIssue::against_records(
                "direction",
                "repatriation-direction-citizenship",
            ));
        }
    }
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    let record = RepatriationRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        direction: direction.expect("checked above"),
        partner_org: partner.to_string(),
        country,
        org_code: who.user.org.code.clone(),
        opened_by: who.user.id.clone(),
        opened_at_ms: who.now(),
        cancelled_at_ms: None,
        cancel_reason: None,
        approved_by: None,
        approved_at_ms: None,
        approved_assessment_id: None,
        version: 0,
        steps: Vec::new(),
        checkins: Vec::new(),
    };
    match app.store().open_repatriation(&record, &who.by).await {
        Ok(()) => overview(app, who, &record.id).await,
        Err(StoreError::Conflict(_)) => Err(AppError::conflict("repatriation-already-open")),
        Err(e) => Err(e.into()),
    }
}

/// The procedure and the facts of its case, for a reader who may see it.
async fn read(
    app: &App,
    who: &Who<'_>,
    id: &str,
    action: Action,
) -> AppResult<(RepatriationRecord, CaseFacts)> {
    let record = app
        .store()
        .repatriation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let facts = crate::cases::facts(app, who, &record.case_id).await?;
    can(&who.actor(), action, Some(&facts))?;
    Ok((record, facts))
}

/// What the guards look at, read now.
async fn guard_facts(app: &App, id: &str) -> AppResult<mnir_store::GuardFacts> {
    app.store()
        .repatriation_facts(id, app.now())
        .await?
        .ok_or(AppError::NotFound)
}

/// A refusal of the store, as the user is told it.
fn refused(e: StoreError) -> AppError {
    match e {
        StoreError::Guard(guard) => guard_error(guard),
        StoreError::Conflict(_) => AppError::conflict("repatriation-changed"),
        StoreError::StaleState { current } => AppError::Conflict(Message::stale(current)),
        e => e.into(),
    }
}

async fn overview(app: &App, who: &Who<'_>, id: &str) -> AppResult<Overview> {
    let (record, _) = read(app, who, id, Action::ViewRepatriation).await?;
    overview_of(app, record).await
}

/// The overview of a procedure its reader was already allowed to see.
async fn overview_of(app: &App, record: RepatriationRecord) -> AppResult<Overview> {
    let facts = guard_facts(app, &record.id).await?.facts;
    Ok(overview_with(record, &facts))
}

/// The overview of a procedure from the guards' facts already read.
fn overview_with(record: RepatriationRecord, facts: &repatriation::Facts) -> Overview {
    let next = (!facts.cancelled)
        .then(|| repatriation::next_step(&facts.states))
        .flatten()
        .map(|(s, _)| (s, repatriation::check_step(s, StepState::Done, facts).err()));
    Overview { record, next }
}

/// Every procedure of a case, oldest first, each with its overview.
async fn overviews_of(app: &App, case_id: &str) -> AppResult<Vec<Overview>> {
    let mut out = Vec::new();
    for record in app.store().repatriations_of(case_id).await? {
        out.push(overview_of(app, record).await?);
    }
    Ok(out)
}

/// A procedure, for a reader who may see it.
pub async fn get(app: &App, who: &Who<'_>, id: &str) -> AppResult<Overview> {
    overview(app, who, id).await
}

/// The case's procedures, oldest first, each with its overview.
pub async fn of_case(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<Vec<Overview>> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::ViewRepatriation, Some(&facts))?;
    overviews_of(app, case_id).await
}

fn text(field: &str, value: &str, wrong: &mut Vec<FieldIssue>) -> String {
    let value = crate::text::trimmed(value);
    if value.chars().count() > MAX_TEXT {
        wrong.push(FieldIssue {
            field: field.to_string().into(),
            message: Message::new("repatriation-text-too-long")
                .with("most", Arg::Number(MAX_TEXT as i64)),
            against_records: false,
        });
    }
    value.to_string()
}

/// The step as asked for, checked field by field.
async fn checked_step(app: &App, step: Step, input: &StepInput) -> AppResult<StepRecord> {
    let mut wrong = Vec::new();
    let state = StepState::parse(&input.state);
    if state.is_none() {
        wrong.push(FieldIssue::new("state", "repatriation-state-invalid"));
    }
    let date = match input
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) if day > app.today() => {
                wrong.push(FieldIssue::new("date", "repatriation-date-future"));
                None
            }
            Ok(day) => Some(day),
            Err(_) => {
                wrong.push(FieldIssue::new("date", "repatriation-date-invalid"));
                None
            }
        },
    };
    if state == Some(StepState::Done) && date.is_none() && !wrong.iter().any(|w| w.field == "date")
    {
        wrong.push(FieldIssue::new("date", "repatriation-date-required"));
    }
    let note = text("note", &input.note, &mut wrong);
    if state == Some(StepState::Blocked) && note.is_empty() {
        wrong.push(FieldIssue::new("note", "repatriation-blocked-reason"));
    }
    let person = text("responsible_person", &input.responsible_person, &mut wrong);
    // A step done names who did it.
    if state == Some(StepState::Done) {
        if input
            .responsible_org
            .as_deref()
            .is_none_or(|o| o.trim().is_empty())
        {
            wrong.push(FieldIssue::new(
                "responsible_org",
                "repatriation-responsible-required",
            ));
        }
        if person.is_empty() {
            wrong.push(FieldIssue::new(
                "responsible_person",
                "repatriation-responsible-required",
            ));
        }
    }
    let responsible_org = match input.responsible_org.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            if app.store().organisation(code).await?.is_none() {
                wrong.push(FieldIssue {
                    field: "responsible_org".into(),
                    message: Message::new("repatriation-partner-unknown")
                        .with("code", Arg::Text(code.to_string())),
                    against_records: false,
                });
            }
            Some(code.to_string())
        }
    };
    if input.documents.len() > MAX_DOCUMENTS {
        wrong.push(FieldIssue {
            field: "documents".into(),
            message: Message::new("repatriation-documents-too-many")
                .with("most", Arg::Number(MAX_DOCUMENTS as i64)),
            against_records: false,
        });
    }
    let mut documents = Vec::new();
    for (n, d) in input.documents.iter().enumerate() {
        let number = crate::text::trimmed(&d.number);
        match DocumentKind::parse(&d.kind) {
            None => wrong.push(FieldIssue {
                field: format!("documents.{n}.kind").into(),
                message: Message::new("repatriation-document-kind-invalid"),
                against_records: false,
            }),
            Some(kind) if !number.is_empty() && number.chars().count() <= MAX_DOCUMENT_NUMBER => {
                documents.push(StepDocument {
                    kind,
                    number: number.to_string(),
                })
            }
            Some(_) => wrong.push(FieldIssue {
                field: format!("documents.{n}.number").into(),
                message: Message::new("repatriation-document-number-invalid")
                    .with("most", Arg::Number(MAX_DOCUMENT_NUMBER as i64)),
                against_records: false,
            }),
        }
    }
    let allowed = detail_fields(step);
    let mut details = BTreeMap::new();
    for (name, value) in &input.details {
        let field = format!("details.{name}");
        if !allowed.contains(&name.as_str()) {
            wrong.push(FieldIssue {
                field: field.into(),
                message: Message::new("repatriation-detail-unknown")
                    .with("step", Arg::Term("repatriation-step", step.as_str().into())),
                against_records: false,
            });
            continue;
        }
        let value = text(&field, value, &mut wrong);
        if name == "escort" && !value.is_empty() && Escort::parse(&value).is_none() {
            wrong.push(FieldIssue::new(
                "details.escort",
                "repatriation-escort-invalid",
            ));
        }
        if !value.is_empty() {
            details.insert(name.clone(), value);
        }
    }
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    Ok(StepRecord {
        step,
        state: state.expect("checked above"),
        happened_on: date,
        responsible_org,
        responsible_person: person,
        documents,
        note,
        details,
        recorded_by: None,
        recorded_at_ms: None,
    })
}

/// Records a step, if its guards let it (the store asks them again inside the step's
/// transaction); when travel and reception are both done and the case is in assistance, the
/// case moves to `returned` in the same transaction.
pub async fn record_step(
    app: &App,
    who: &Who<'_>,
    id: &str,
    step: &str,
    input: &StepInput,
) -> AppResult<Overview> {
    let Some(step) = Step::parse(step) else {
        return Err(AppError::invalid("step", "repatriation-step-unknown"));
    };
    let (record, _) = read(app, who, id, Action::KeepRepatriation).await?;
    let recorded = checked_step(app, step, input).await?;
    let read = guard_facts(app, id).await?;
    repatriation::check_step(step, recorded.state, &read.facts).map_err(guard_error)?;
    let mut after = read.facts.clone();
    after.states[step.number() - 1] = recorded.state;
    // The return complete: the case comes out of assistance as returned, with the clocks that
    // step starts and stops; the store applies it when the case is in assistance under its lock
    // (it may have come into assistance since it was read here). A case not in assistance keeps
    // its state: its return is recorded in the procedure.
    let returned = if repatriation::completes_return(&after) {
        let transition = mnir_store::Transition {
            case_id: record.case_id.clone(),
            from: CaseState::InAssistance,
            to: CaseState::Returned,
            reason: "repatriation: travel and reception done".into(),
        };
        if read.case_state == CaseState::InAssistance {
            can(
                &who.actor(),
                Action::Transition {
                    to: CaseState::Returned,
                },
                Some(&crate::cases::facts(app, who, &record.case_id).await?),
            )?;
        }
        let clocks = crate::clocks::changes_for(
            app,
            &record.case_id,
            CaseState::InAssistance,
            CaseState::Returned,
            who.now(),
        )
        .await?;
        Some(mnir_store::CaseChange {
            transition,
            clocks,
            decision: None,
        })
    } else {
        None
    };
    let follow_ups = match (recorded.step, recorded.state, recorded.happened_on) {
        (Step::Reception, StepState::Done, Some(day)) => {
            let org = checkin_org(app, &record).await?;
            ClockRecord::deadlines_from(
                app.jurisdiction(),
                mnir_domain::clocks::ClockKind::RepatriationFollowup,
                &record.case_id,
                &org,
                day,
            )
        }
        _ => Vec::new(),
    };
    let effects = StepEffects {
        returned,
        follow_ups,
    };
    app.store()
        .record_step(id, record.version, &recorded, &effects, &who.by)
        .await
        .map_err(refused)?;
    overview(app, who, id).await
}

/// Who checks in after the return: the receiving organisation in Romania when it works on the
/// case (it is on the case's access list), otherwise the organisation that runs the procedure,
/// which reaches the receiving organisation or the partner abroad.
async fn checkin_org(app: &App, record: &RepatriationRecord) -> AppResult<String> {
    if record.direction == Direction::ToRomania {
        let access = app.store().case_access(&record.case_id).await?;
        if access.iter().any(|a| a.org_code == record.partner_org) {
            return Ok(record.partner_org.clone());
        }
    }
    Ok(record.org_code.clone())
}

/// What a check-in tells of the person's situation, by name.
pub const SITUATION_FIELDS: [&str; 5] = ["housing", "work", "health", "safety", "concerns"];

/// A follow-up check-in as a form or the API records it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CheckInInput {
    /// When the check-in was made (`YYYY-MM-DD`), not before the reception nor after today.
    #[schema(
        value_type = String,
        required = true,
        format = Date,
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    )]
    pub date: Option<String>,
    /// Whether the person (or the partner who sees them) was reached.
    #[schema(value_type = bool, required = true)]
    pub contact_made: Option<bool>,
    /// The person's situation: `housing`, `work`, `health`, `safety` and `concerns` (of being
    /// trafficked again), each at most 2000 characters.
    #[schema(schema_with = api_schema::situation)]
    pub situation: BTreeMap<String, String>,
    /// The check-in found reason to assess the risks again.
    pub new_assessment: bool,
}

/// Records what a follow-up check-in found, once; its task is then done.
pub async fn record_checkin(
    app: &App,
    who: &Who<'_>,
    id: &str,
    number: &str,
    input: &CheckInInput,
) -> AppResult<Overview> {
    let (record, _) = read(app, who, id, Action::KeepRepatriation).await?;
    let Some(due) = number
        .parse::<i64>()
        .ok()
        .and_then(|n| record.checkins.iter().find(|c| c.number == n))
    else {
        return Err(AppError::NotFound);
    };
    let mut wrong = Vec::new();
    let reception = record.step(Step::Reception).happened_on;
    let date = match input
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => {
            wrong.push(FieldIssue::new(
                "date",
                "repatriation-checkin-date-required",
            ));
            None
        }
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) if day > app.today() => {
                wrong.push(FieldIssue::new("date", "repatriation-date-future"));
                None
            }
            // The day of the reception is the procedure's record.
            Ok(day) if reception.is_some_and(|r| day < r) => {
                wrong.push(FieldIssue::against_records(
                    "date",
                    "repatriation-checkin-before-reception",
                ));
                None
            }
            Ok(day) => Some(day),
            Err(_) => {
                wrong.push(FieldIssue::new("date", "repatriation-date-invalid"));
                None
            }
        },
    };
    if input.contact_made.is_none() {
        wrong.push(FieldIssue::new(
            "contact_made",
            "repatriation-checkin-contact-required",
        ));
    }
    let mut situation = BTreeMap::new();
    for (name, value) in &input.situation {
        let field = format!("situation.{name}");
        if !SITUATION_FIELDS.contains(&name.as_str()) {
            wrong.push(FieldIssue::new(field, "repatriation-situation-unknown"));
            continue;
        }
        let value = text(&field, value, &mut wrong);
        if !value.is_empty() {
            situation.insert(name.clone(), value);
        }
    }
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    let checkin = CheckInRecord {
        number: due.number,
        due_on: due.due_on,
        clock_id: due.clock_id.clone(),
        org_code: due.org_code.clone(),
        happened_on: date,
        contact_made: input.contact_made,
        situation,
        new_assessment_asked: input.new_assessment,
        recorded_by: None,
        recorded_at_ms: None,
    };
    match app.store().record_checkin(id, &checkin, &who.by).await {
        Ok(()) => overview(app, who, id).await,
        Err(StoreError::Conflict(_)) => Err(AppError::conflict("repatriation-checkin-recorded")),
        Err(e) => Err(refused(e)),
    }
}

/// A supervisor's approval of the travel after a high-risk assessment of the return: of `seen`,
/// the assessment the supervisor read, when given (a newer one is refused as a change), else of
/// the latest.
pub async fn approve_travel(
    app: &App,
    who: &Who<'_>,
    id: &str,
    seen: Option<&str>,
) -> AppResult<Overview> {
    let (record, _) = read(app, who, id, Action::ApproveRepatriationTravel).await?;
    let read = guard_facts(app, id).await?;
    repatriation::check_approval(&read.facts).map_err(guard_error)?;
    let assessment = read
        .latest_return
        .ok_or(guard_error(Guard::ApprovalNotNeeded))?;
    if seen.is_some_and(|seen| seen != assessment) {
        return Err(AppError::conflict("repatriation-changed"));
    }
    app.store()
        .approve_travel(id, record.version, &assessment, &who.by)
        .await
        .map_err(refused)?;
    overview(app, who, id).await
}

/// The person withdraws: the procedure is cancelled, its history kept.
pub async fn withdraw(app: &App, who: &Who<'_>, id: &str, reason: &str) -> AppResult<Overview> {
    let (record, _) = read(app, who, id, Action::KeepRepatriation).await?;
    let mut wrong = Vec::new();
    let reason = text("reason", reason, &mut wrong);
    if reason.is_empty() {
        wrong.push(FieldIssue::new("reason", "repatriation-withdraw-reason"));
    }
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    let facts = guard_facts(app, id).await?.facts;
    repatriation::check_withdrawal(&facts).map_err(guard_error)?;
    app.store()
        .cancel_repatriation(id, record.version, &reason, &who.by)
        .await
        .map_err(refused)?;
    overview(app, who, id).await
}

/// A case's procedures as its page shows them, for a reader who may see them.
#[derive(Debug, Clone)]
pub struct CasePanel {
    pub procedures: Vec<Overview>,
    /// A new procedure may be opened: the reader keeps returns, the case is a victim's, open,
    /// and has none under way.
    pub may_open: bool,
}

/// The case page's panel of returns; `None` for a reader who may not see them (the firewall,
/// a missing role), who is then not told there are any.
pub async fn case_panel(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    facts: &CaseFacts,
) -> AppResult<Option<CasePanel>> {
    let actor = who.actor();
    if can(&actor, Action::ViewRepatriation, Some(facts)).is_err() {
        return Ok(None);
    }
    let procedures = overviews_of(app, case_id).await?;
    let under_way = procedures
        .iter()
        .any(|p| p.record.cancelled_at_ms.is_none());
    Ok(Some(CasePanel {
        may_open: !under_way
            && may_open(facts.state)
            && can(&actor, Action::KeepRepatriation, Some(facts)).is_ok(),
        procedures,
    }))
}

/// The person's name, when it may be shown.
fn person_of(s: &mnir_store::CaseSummary) -> Option<String> {
    match (&s.given_name, &s.family_name) {
        (None, None) => None,
        (given, family) => Some(
            [given.as_deref(), family.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
}

/// What a procedure's page shows beside the procedure.
#[derive(Debug, Clone)]
pub struct Page {
    pub overview: Overview,
    pub reference: String,
    /// The person's name, for those who may see identities.
    pub person: Option<String>,
    pub may_keep: bool,
    pub may_approve: bool,
    /// The return assessment a supervisor would approve: the latest, when its level is high
    /// and the travel is not yet approved.
    pub to_approve: Option<String>,
    pub organisations: Vec<mnir_store::Organisation>,
}

/// A procedure with what its page needs; the read of the case audited.
pub async fn page(app: &App, who: &Who<'_>, id: &str) -> AppResult<Page> {
    let (record, facts) = read(app, who, id, Action::ViewRepatriation).await?;
    let actor = who.actor();
    let allowed = |action| can(&actor, action, Some(&facts)).is_ok();
    let reveal = mnir_store::Reveal {
        identity: allowed(Action::ViewIdentity),
        notes: false,
    };
    let detail = app
        .store()
        .case_detail(
            &record.case_id,
            &who.scope_on(&record.case_id),
            reveal,
            &who.by,
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let guards = guard_facts(app, id).await?;
    let to_approve = guards
        .latest_return
        .filter(|_| repatriation::check_approval(&guards.facts).is_ok())
        .filter(|_| !guards.facts.travel_approved);
    let s = &detail.summary;
    let person = person_of(s);
    Ok(Page {
        reference: s.reference.clone(),
        person,
        may_keep: allowed(Action::KeepRepatriation),
        may_approve: allowed(Action::ApproveRepatriationTravel),
        to_approve,
        organisations: app.organisations().await?,
        overview: overview_with(record, &guards.facts),
    })
}

/// The procedure for its return file, the printing audited: for whoever reads the procedure,
/// and for the partner abroad that receives the person, who sees the file and nothing else of
/// the case (the person's name, which the reception needs, included).
pub async fn return_file(app: &App, who: &Who<'_>, id: &str) -> AppResult<Page> {
    let record = app
        .store()
        .repatriation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let receiving_partner =
        who.user.org.code == record.partner_org && who.user.org.country.is_some();
    let printed = if receiving_partner {
        // Only a return from Romania still wanted: a withdrawal, or the consent withdrawn, ends
        // what the partner may read.
        let facts = guard_facts(app, id).await?.facts;
        if record.direction != Direction::FromRomania || facts.cancelled || !facts.consent_in_force
        {
            return Err(AppError::NotFound);
        }
        can(
            &who.actor(),
            Action::ReadReturnFile {
                receiving_partner: true,
            },
            None,
        )
        .map_err(|_| AppError::NotFound)?;
        // The case is outside the partner's scope: read for this file alone, names shown.
        let scope = mnir_store::ScopeFor {
            scope: mnir_domain::CaseScope {
                national: true,
                organisation: None,
                created_by: None,
            },
            ..who.scope()
        };
        let reveal = mnir_store::Reveal {
            identity: true,
            notes: false,
        };
        let detail = app
            .store()
            .case_detail(&record.case_id, &scope, reveal, &who.by)
            .await?
            .ok_or(AppError::NotFound)?;
        Page {
            reference: detail.summary.reference.clone(),
            person: person_of(&detail.summary),
            may_keep: false,
            may_approve: false,
            to_approve: None,
            organisations: app.organisations().await?,
            overview: Overview { record, next: None },
        }
    } else {
        page(app, who, id).await?
    };
    app.store()
        .audit(
            "repatriation.return_file",
            &format!("repatriation:{id}"),
            "",
            &who.by,
        )
        .await?;
    Ok(printed)
}
