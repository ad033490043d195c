//! The criminal-justice track beside assistance, the non-punishment flag, the investigative
//! summary and the disclosures of support records (mnir.md §9).
//!
//! The summary is what an investigating body sees of a case: reference, state, trafficking
//! status, proceedings, non-punishment flags and the organisation to contact. A support record
//! reaches it only through a disclosure in force to its organisation, and only the records that
//! disclosure covers; this module is the one place that opens the compartment that way.

use crate::plan::{day, echoed, text, today};
use crate::schema::{self, one_of, organisation};
use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use chrono::NaiveDate;
use mnir_domain::consent::Purpose;
use mnir_domain::justice::{
    self, DisclosedRecord, DisclosureBasis, DisclosureStatus, DisclosureTerms, HearingKind,
    OrderedMeasure, ProceedingOutcome, Standing,
};
use mnir_domain::{Action, CaseFacts, CaseState, Vocabulary, can};
use mnir_store::{
    CaseBrief, ConsentRecord, DisclosureRecord, HearingRecord, ListPlace, NonPunishmentRecord,
    Organisation, ProceedingRecord, RegisterLine, RegisterScope, RiskAssessmentRecord,
    ServiceDelivery, StoreError, SupportPlanRecord,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object};

/// Proceedings as a form or the API sends them (a new one, or what they are now).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProceedingInput {
    /// The person's standing in the proceedings.
    #[schema(schema_with = standing_schema, required = true)]
    pub standing: String,
    /// The prosecutor's file number; an update gives the one first recorded.
    #[schema(required = true, max_length = 4000, pattern = r"\S")]
    pub file_number: String,
    /// The prosecutor's office that investigates.
    #[schema(required = true, max_length = 4000, pattern = r"\S")]
    pub prosecutor_office: String,
    /// The court, once the case is before one (empty before).
    #[schema(max_length = 4000)]
    pub court: String,
    /// The day the proceedings were opened, `YYYY-MM-DD`: not after today, nor more than 3,660
    /// days (ten years) before it. An update gives the day first recorded.
    #[schema(required = true, format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub opened_on: String,
    /// Where the proceedings stand; empty is `pending`.
    #[schema(schema_with = outcome_schema)]
    pub outcome: String,
    /// The day of a final outcome (`dismissed`, `conviction`, `acquittal`), `YYYY-MM-DD`, not
    /// after today nor before the day opened; empty for any other outcome.
    #[schema(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub outcome_on: String,
    /// Protection measures ordered for the person, each once.
    #[schema(schema_with = measures_schema)]
    pub measures: Vec<String>,
}

/// A hearing of proceedings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HearingInput {
    /// `YYYY-MM-DD`; a hearing may be scheduled ahead: from 3,660 days (ten years) before today
    /// to 732 days (two years) after it, and not before the proceedings were opened.
    #[schema(required = true, format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub held_on: String,
    /// What kind of appearance it is.
    #[schema(schema_with = hearing_kind_schema, required = true)]
    pub kind: String,
    #[schema(max_length = 4000)]
    pub note: String,
}

/// An offence the person was compelled to commit.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NonPunishmentInput {
    /// The offence, as the proceedings name it.
    #[schema(required = true, max_length = 4000, pattern = r"\S")]
    pub offence: String,
    /// The proceedings of the case's track it concerns (empty when none is recorded).
    pub proceeding_id: String,
}

/// A disclosure of support records to an investigating body.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DisclosureInput {
    /// The investigating body's organisation code (an active organisation that investigates).
    #[schema(schema_with = recipient_schema, required = true)]
    pub recipient_org: String,
    /// `consent` (the person's consent to sharing with that body, in force today) or
    /// `prosecutor_order`.
    #[schema(schema_with = basis_schema, required = true)]
    pub basis: String,
    /// The consent it rests on (basis `consent` only).
    pub consent_id: String,
    /// The order's number, day and office (basis `prosecutor_order` only).
    #[schema(max_length = 4000)]
    pub order_number: String,
    /// The order's day, `YYYY-MM-DD`: not after today, nor more than 3,660 days (ten years)
    /// before it.
    #[schema(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub order_on: String,
    #[schema(max_length = 4000)]
    pub order_office: String,
    /// What it covers, each once: `risk_assessments`, `plan` (the plan and the services
    /// delivered). The shelter's address is never disclosed.
    #[schema(schema_with = records_schema, required = true)]
    pub records: Vec<String>,
    /// The last day it covers, `YYYY-MM-DD`: from today to 366 days after it (and, on a consent,
    /// not after the consent's last day).
    #[schema(required = true, format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub until_on: String,
}

// The schemas of the API's document for the fields above that take codes: `schema_with` drops a
// field's doc comment, so each brings its description along.

fn described(mut object: Object, description: &str) -> Object {
    object.description = Some(description.into());
    object
}

/// Codes of the closed list `T`, each once, as [`code_set`] reads them.
fn code_set_of<T: Vocabulary>(description: &str, min_items: Option<usize>) -> Array {
    ArrayBuilder::new()
        .items(schema::code::<T>())
        .unique_items(true)
        .min_items(min_items)
        .description(Some(description))
        .build()
}

fn standing_schema() -> Object {
    described(
        schema::code::<Standing>(),
        "The person's standing in the proceedings.",
    )
}

/// An outcome, or the empty text for `pending` (the fallback of [`code`]).
fn outcome_schema() -> Object {
    described(
        one_of(std::iter::once("").chain(ProceedingOutcome::texts())),
        "Where the proceedings stand; empty is `pending`.",
    )
}

fn measures_schema() -> Array {
    code_set_of::<OrderedMeasure>(
        "Protection measures ordered for the person, each once.",
        None,
    )
}

fn hearing_kind_schema() -> Object {
    described(
        schema::code::<HearingKind>(),
        "What kind of appearance the hearing is.",
    )
}

fn basis_schema() -> Object {
    described(
        schema::code::<DisclosureBasis>(),
        "`consent` (the person's consent to sharing with that body, in force today) or \
         `prosecutor_order`.",
    )
}

fn records_schema() -> Array {
    code_set_of::<DisclosedRecord>(
        "What it covers, at least one record, each once: `risk_assessments`, `plan` (the plan \
         and the services delivered). The shelter's address is never disclosed.",
        Some(1),
    )
}

fn recipient_schema() -> Object {
    described(
        organisation(),
        "The investigating body's organisation code (an active organisation that investigates).",
    )
}

/// The support records a disclosure in force lets its recipient read.
pub struct DisclosedView {
    pub disclosure: DisclosureRecord,
    /// The risk assessments, oldest first, when it covers them.
    pub assessments: Option<Vec<RiskAssessmentRecord>>,
    /// The plan's versions (the shelter's address blanked) and the services delivered, when it
    /// covers them.
    pub plan: Option<(Vec<SupportPlanRecord>, Vec<ServiceDelivery>)>,
}

/// The investigative summary and the justice track of a case, as its page and the API show them.
pub struct JusticeRead {
    pub brief: CaseBrief,
    pub proceedings: Vec<ProceedingRecord>,
    pub flags: Vec<NonPunishmentRecord>,
    /// What the disclosures in force to the reader's organisation let it read.
    pub disclosed: Vec<DisclosedView>,
    /// The reader may record proceedings, hearings and flags now.
    pub may_keep: bool,
    /// The reader may open the case's disclosure register.
    pub may_see_register: bool,
    /// The reader sees the case page itself (not only through a disclosure).
    pub sees_case: bool,
    pub organisations: Vec<Organisation>,
    /// Account id to login, for everyone named.
    pub logins: BTreeMap<String, String>,
}

impl JusticeRead {
    pub fn login(&self, id: &str) -> String {
        crate::accounts::login_in(&self.logins, id)
    }

    pub fn org_name(&self, code: &str) -> String {
        org_name(&self.organisations, code)
    }
}

fn org_name(organisations: &[Organisation], code: &str) -> String {
    organisations
        .iter()
        .find(|o| o.code == code)
        .map_or_else(|| code.to_string(), |o| o.name.clone())
}

/// A disclosure with the consent it rests on, as the domain weighs it.
fn terms(d: &DisclosureRecord, consents: &[ConsentRecord]) -> DisclosureTerms {
    DisclosureTerms {
        basis: d.basis,
        recipient_org: d.recipient_org.clone(),
        until_on: d.until_on,
        ended_at_ms: d.ended_at_ms.map(|t| t.millis()),
        consent: d
            .consent_id
            .as_ref()
            .and_then(|id| consents.iter().find(|c| &c.id == id))
            .map(ConsentRecord::terms),
    }
}

/// Each disclosure with where it stands now.
async fn with_status(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    disclosures: Vec<DisclosureRecord>,
) -> AppResult<Vec<(DisclosureRecord, DisclosureStatus)>> {
    let consents = if disclosures
        .iter()
        .any(|d| d.basis == DisclosureBasis::Consent)
    {
        app.store().consents_of(case_id).await?
    } else {
        Vec::new()
    };
    let today = today(app, who);
    let now = who.now().millis();
    Ok(disclosures
        .into_iter()
        .map(|d| {
            let status = terms(&d, &consents).status(today, now);
            (d, status)
        })
        .collect())
}

/// The facts of a case for a reader of its track, with whether a disclosure in force names the
/// reader's organisation, and those disclosures. A case the reader neither sees nor has a
/// disclosure for is not found.
async fn reader_facts(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
) -> AppResult<(CaseFacts, Vec<DisclosureRecord>, CaseBrief)> {
    let store = app.store();
    let seen = store
        .case_facts(case_id, &who.scope_on(case_id))
        .await?
        .map(|f| who.with_glass(case_id, f));
    let org = &who.user.org.code;
    let disclosures = store.disclosures_of(case_id).await?;
    let to_us: Vec<DisclosureRecord> = disclosures
        .into_iter()
        .filter(|d| &d.recipient_org == org)
        .collect();
    let in_force: Vec<DisclosureRecord> = with_status(app, who, case_id, to_us)
        .await?
        .into_iter()
        .filter(|(_, s)| *s == DisclosureStatus::InForce)
        .map(|(d, _)| d)
        .collect();
    let brief = store.case_brief(case_id).await?.ok_or(AppError::NotFound)?;
    let facts = match seen {
        Some(f) => CaseFacts {
            disclosed_to_org: !in_force.is_empty(),
            ..f
        },
        None if !in_force.is_empty() => CaseFacts {
            state: brief.state,
            age_group: brief.age_group,
            org_has_access: false,
            created_by_actor: false,
            disclosed_to_org: true,
            via_glass: false,
            erased: false,
        },
        None => return Err(AppError::NotFound),
    };
    can(&who.actor(), Action::ViewJusticeTrack, Some(&facts))?;
    Ok((facts, in_force, brief))
}

/// The investigative summary and the justice track of a case, with the support records the
/// disclosures in force to the reader's organisation cover (each read audited with its
/// disclosure).
pub async fn read(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<JusticeRead> {
    let (facts, in_force, brief) = reader_facts(app, who, case_id).await?;
    let store = app.store();
    store
        .audit("case.read.justice", &format!("case:{case_id}"), "", &who.by)
        .await?;
    let actor = who.actor();
    let mut disclosed = Vec::new();
    if can(&actor, Action::ReadDisclosed, Some(&facts)).is_ok() {
        // Each kind of record read once, however many disclosures in force cover it.
        let covered = |r| in_force.iter().any(|d| d.covers(r));
        let assessments = if covered(DisclosedRecord::RiskAssessments) {
            Some(store.assessments_of(case_id).await?)
        } else {
            None
        };
        let plan = if covered(DisclosedRecord::Plan) {
            let mut versions = store.plans_of(case_id).await?;
            // The shelter's address never leaves the shelter and the case workers.
            versions
                .iter_mut()
                .flat_map(|v| v.measures.iter_mut())
                .for_each(|m| m.shelter_address.clear());
            Some((versions, store.deliveries_of(case_id).await?))
        } else {
            None
        };
        for d in in_force {
            let assessments = assessments
                .as_ref()
                .filter(|_| d.covers(DisclosedRecord::RiskAssessments))
                .cloned();
            let plan = plan
                .as_ref()
                .filter(|_| d.covers(DisclosedRecord::Plan))
                .cloned();
            let records: Vec<&str> = d.records.iter().map(|r| r.as_str()).collect();
            store
                .audit(
                    "case.read.disclosed",
                    &format!("case:{case_id}"),
                    &format!("disclosure={} records={}", d.id, records.join(",")),
                    &who.by,
                )
                .await?;
            disclosed.push(DisclosedView {
                disclosure: d,
                assessments,
                plan,
            });
        }
    }
    let proceedings = store.proceedings_of(case_id).await?;
    let flags = store.non_punishment_of(case_id).await?;
    let ids = proceedings
        .iter()
        .flat_map(|p| {
            std::iter::once(p.recorded_by.as_str())
                .chain(p.hearings.iter().map(|h| h.recorded_by.as_str()))
        })
        .chain(flags.iter().map(|f| f.recorded_by.as_str()))
        .chain(disclosed.iter().flat_map(|v| {
            v.assessments
                .iter()
                .flatten()
                .map(|a| a.assessed_by.as_str())
                .chain(v.plan.iter().flat_map(|(versions, deliveries)| {
                    versions
                        .iter()
                        .flat_map(|p| {
                            std::iter::once(p.drafted_by.as_str())
                                .chain(p.acknowledgements.iter().map(|a| a.recorded_by.as_str()))
                        })
                        .chain(deliveries.iter().map(|d| d.recorded_by.as_str()))
                }))
        }))
        .collect();
    let logins = crate::accounts::logins(app, ids).await?;
    Ok(JusticeRead {
        may_keep: can(&actor, Action::KeepJusticeTrack, Some(&facts)).is_ok()
            && justice::may_keep_track(facts.state),
        may_see_register: can(&actor, Action::ViewDisclosureRegister, Some(&facts)).is_ok(),
        sees_case: can(&actor, Action::ViewCase, Some(&facts)).is_ok(),
        organisations: app.organisations().await?,
        brief,
        proceedings,
        flags,
        disclosed,
        logins,
    })
}

/// The case's facts, with the actor allowed to keep its track and the case in a state where it
/// is kept.
async fn keeping(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<CaseFacts> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::KeepJusticeTrack, Some(&facts))?;
    if !justice::may_keep_track(facts.state) {
        return Err(AppError::Forbidden(
            Message::new("justice-not-kept")
                .with("state", Arg::Term("state", facts.state.as_str().into())),
        ));
    }
    Ok(facts)
}

/// A day of the track: readable and within [`justice::check_day`]'s reach.
fn track_day(
    field: &str,
    value: &str,
    required: bool,
    today: NaiveDate,
    wrong: &mut Vec<FieldIssue>,
) -> Option<NaiveDate> {
    let parsed = day(field, value, required, wrong)?;
    match justice::check_day(parsed, today) {
        Some(id) => {
            wrong.push(FieldIssue::new(field.to_string(), id));
            None
        }
        None => Some(parsed),
    }
}

/// A code of a closed list, or the issue naming its field (`fallback` for an empty one).
fn code<T>(
    field: &'static str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    fallback: Option<T>,
    wrong: &mut Vec<FieldIssue>,
) -> Option<T> {
    if value.trim().is_empty() {
        if fallback.is_none() {
            wrong.push(FieldIssue::new(field, "justice-choose-one"));
        }
        return fallback;
    }
    let parsed = parse(value);
    if parsed.is_none() {
        wrong.push(FieldIssue {
            field: field.into(),
            message: Message::new("justice-code-unknown").with("code", echoed(value)),
            against_records: false,
        });
    }
    parsed
}

/// A set of codes of a closed list, each once, or the issue naming its field.
fn code_set<T: Copy + Ord>(
    field: &'static str,
    values: &[String],
    parse: impl Fn(&str) -> Option<T>,
    wrong: &mut Vec<FieldIssue>,
) -> Vec<T> {
    let mut out = Vec::new();
    for v in values {
        match parse(v) {
            Some(c) if !out.contains(&c) => out.push(c),
            Some(_) => wrong.push(FieldIssue::new(field, "justice-code-twice")),
            None => wrong.push(FieldIssue {
                field: field.into(),
                message: Message::new("justice-code-unknown").with("code", echoed(v)),
                against_records: false,
            }),
        }
    }
    out.sort();
    out
}

/// Proceedings as checked: a known standing and outcome, the file and office named, the days
/// in reach and agreeing with the outcome.
fn checked_proceeding(
    input: &ProceedingInput,
    current: Option<&ProceedingRecord>,
    today: NaiveDate,
) -> Result<ProceedingFields, Vec<FieldIssue>> {
    let mut wrong = Vec::new();
    let standing = code(
        "standing",
        &input.standing,
        Standing::parse,
        None,
        &mut wrong,
    );
    let file_number = text("file_number", &input.file_number, &mut wrong);
    if file_number.is_empty() {
        wrong.push(FieldIssue::new("file_number", "justice-file-required"));
    }
    let prosecutor_office = text("prosecutor_office", &input.prosecutor_office, &mut wrong);
    if prosecutor_office.is_empty() {
        wrong.push(FieldIssue::new(
            "prosecutor_office",
            "justice-office-required",
        ));
    }
    let court = text("court", &input.court, &mut wrong);
    // The file number and the day opened name the proceedings: given once, then kept (an old
    // day opened is no reason to refuse the outcome given years later). Differing from the first
    // recorded is a clash with the records, which no description of the request could foresee.
    let (opened_on, given_opened) = match current {
        Some(p) => {
            if file_number != p.file_number {
                wrong.push(FieldIssue::against_records(
                    "file_number",
                    "justice-fixed-field",
                ));
            }
            let given = day("opened_on", &input.opened_on, true, &mut wrong);
            if given.is_some_and(|d| d != p.opened_on) {
                wrong.push(FieldIssue::against_records(
                    "opened_on",
                    "justice-fixed-field",
                ));
            }
            (Some(p.opened_on), given)
        }
        None => {
            let opened_on = track_day("opened_on", &input.opened_on, true, today, &mut wrong);
            if opened_on.is_some_and(|d| d > today) {
                wrong.push(FieldIssue::new("opened_on", "justice-opened-future"));
            }
            (opened_on, opened_on)
        }
    };
    let outcome = code(
        "outcome",
        &input.outcome,
        ProceedingOutcome::parse,
        Some(ProceedingOutcome::Pending),
        &mut wrong,
    );
    let outcome_given = !input.outcome_on.trim().is_empty();
    let outcome_on = day("outcome_on", &input.outcome_on, false, &mut wrong);
    // An unreadable day is named once, above.
    if let Some(o) = outcome
        && outcome_given == outcome_on.is_some()
        && let Some(id) = justice::check_outcome(o, outcome_on, today)
    {
        wrong.push(FieldIssue::new("outcome_on", id));
    }
    if let (Some(opened), Some(ended)) = (opened_on, outcome_on)
        && ended < opened
    {
        // Before the day opened the request itself gives, the request alone is wrong; before
        // only the day first recorded (the request giving another), the records are.
        let id = "justice-outcome-before-opened";
        wrong.push(if given_opened.is_some_and(|g| ended < g) {
            FieldIssue::new("outcome_on", id)
        } else {
            FieldIssue::against_records("outcome_on", id)
        });
    }
    let measures = code_set(
        "measures",
        &input.measures,
        OrderedMeasure::parse,
        &mut wrong,
    );
    match (standing, opened_on, outcome, wrong.is_empty()) {
        (Some(standing), Some(opened_on), Some(outcome), true) => Ok(ProceedingFields {
            standing,
            file_number,
            prosecutor_office,
            court,
            opened_on,
            outcome,
            outcome_on,
            measures,
        }),
        _ => Err(wrong),
    }
}

struct ProceedingFields {
    standing: Standing,
    file_number: String,
    prosecutor_office: String,
    court: String,
    opened_on: NaiveDate,
    outcome: ProceedingOutcome,
    outcome_on: Option<NaiveDate>,
    measures: Vec<OrderedMeasure>,
}

/// Records proceedings in which the person takes part.
pub async fn record_proceeding(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &ProceedingInput,
) -> AppResult<ProceedingRecord> {
    keeping(app, who, case_id).await?;
    let f = checked_proceeding(input, None, today(app, who)).map_err(AppError::Invalid)?;
    let p = ProceedingRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        standing: f.standing,
        file_number: f.file_number,
        prosecutor_office: f.prosecutor_office,
        court: f.court,
        opened_on: f.opened_on,
        outcome: f.outcome,
        outcome_on: f.outcome_on,
        measures: f.measures,
        org_code: who.user.org.code.clone(),
        recorded_by: who.user.id.clone(),
        recorded_at_ms: who.now(),
        updated_at_ms: who.now(),
        hearings: Vec::new(),
    };
    app.store().record_proceeding(&p, &who.by).await?;
    Ok(p)
}

/// Brings proceedings up to date (the court, the outcome, the measures ordered…); the audit
/// entry names what changed. Returns them with the logins of who recorded them and their
/// hearings.
pub async fn update_proceeding(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    proceeding_id: &str,
    input: &ProceedingInput,
) -> AppResult<(ProceedingRecord, BTreeMap<String, String>)> {
    keeping(app, who, case_id).await?;
    let Some(current) = app
        .store()
        .proceedings_of(case_id)
        .await?
        .into_iter()
        .find(|p| p.id == proceeding_id)
    else {
        return Err(AppError::NotFound);
    };
    let f =
        checked_proceeding(input, Some(&current), today(app, who)).map_err(AppError::Invalid)?;
    let mut changed = Vec::new();
    let mut note = |field: &'static str, differs: bool| {
        if differs {
            changed.push(field);
        }
    };
    note("standing", f.standing != current.standing);
    note(
        "prosecutor_office",
        f.prosecutor_office != current.prosecutor_office,
    );
    note("court", f.court != current.court);
    note("outcome", f.outcome != current.outcome);
    note("outcome_on", f.outcome_on != current.outcome_on);
    note("measures", f.measures != current.measures);
    if changed.is_empty() {
        return Err(AppError::conflict("justice-nothing-changed"));
    }
    let updated = ProceedingRecord {
        standing: f.standing,
        prosecutor_office: f.prosecutor_office,
        court: f.court,
        outcome: f.outcome,
        outcome_on: f.outcome_on,
        measures: f.measures,
        updated_at_ms: who.now(),
        ..current
    };
    match app
        .store()
        .update_proceeding(&updated, &changed.join(","), &who.by)
        .await
    {
        Ok(()) => {
            let logins = crate::accounts::logins(
                app,
                std::iter::once(updated.recorded_by.as_str())
                    .chain(updated.hearings.iter().map(|h| h.recorded_by.as_str()))
                    .collect(),
            )
            .await?;
            Ok((updated, logins))
        }
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Records a hearing of proceedings of the case (one held, or one scheduled).
pub async fn record_hearing(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    proceeding_id: &str,
    input: &HearingInput,
) -> AppResult<HearingRecord> {
    keeping(app, who, case_id).await?;
    let Some(proceeding) = app
        .store()
        .proceedings_of(case_id)
        .await?
        .into_iter()
        .find(|p| p.id == proceeding_id)
    else {
        return Err(AppError::NotFound);
    };
    let mut wrong = Vec::new();
    let held_on = track_day("held_on", &input.held_on, true, today(app, who), &mut wrong);
    // The day the proceedings opened is in the records, not in the request.
    if held_on.is_some_and(|d| d < proceeding.opened_on) {
        wrong.push(FieldIssue::against_records(
            "held_on",
            "justice-hearing-before-opened",
        ));
    }
    let kind = code("kind", &input.kind, HearingKind::parse, None, &mut wrong);
    let note = text("note", &input.note, &mut wrong);
    let (Some(held_on), Some(kind), true) = (held_on, kind, wrong.is_empty()) else {
        return Err(AppError::Invalid(wrong));
    };
    let hearing = HearingRecord {
        id: uuid::Uuid::new_v4().to_string(),
        proceeding_id: proceeding_id.to_string(),
        case_id: case_id.to_string(),
        held_on,
        kind,
        note,
        recorded_by: who.user.id.clone(),
        recorded_at_ms: who.now(),
    };
    match app.store().record_hearing(&hearing, &who.by).await {
        Ok(()) => Ok(hearing),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Records an offence the person was compelled to commit (the non-punishment flag).
pub async fn record_non_punishment(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &NonPunishmentInput,
) -> AppResult<NonPunishmentRecord> {
    keeping(app, who, case_id).await?;
    let mut wrong = Vec::new();
    let offence = text("offence", &input.offence, &mut wrong);
    if offence.is_empty() {
        wrong.push(FieldIssue::new("offence", "justice-offence-required"));
    }
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    let proceeding_id = Some(input.proceeding_id.trim())
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    let flag = NonPunishmentRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        offence,
        proceeding_id,
        org_code: who.user.org.code.clone(),
        recorded_by: who.user.id.clone(),
        recorded_at_ms: who.now(),
    };
    match app.store().record_non_punishment(&flag, &who.by).await {
        Ok(()) => Ok(flag),
        // Well formed, but naming no proceedings of the case's track.
        Err(StoreError::NotFound) => Err(AppError::against_records(
            "proceeding_id",
            "justice-proceeding-unknown",
        )),
        Err(e) => Err(e.into()),
    }
}

/// A case's disclosures with where each stands, what the reader may do, and the choices of a new
/// one's form.
pub struct DisclosuresPage {
    pub case_id: String,
    pub reference: String,
    pub state: CaseState,
    /// Newest first.
    pub disclosures: Vec<(DisclosureRecord, DisclosureStatus)>,
    pub may_record: bool,
    /// The reader may open the case's justice track (an ANITP coordinator reads the register,
    /// not the track).
    pub sees_justice: bool,
    /// The investigating bodies a disclosure may go to (active ones).
    pub recipients: Vec<Organisation>,
    /// The consents to sharing with police in force today, which a disclosure may rest on.
    pub consents: Vec<ConsentRecord>,
    pub organisations: Vec<Organisation>,
    pub logins: BTreeMap<String, String>,
    pub today: NaiveDate,
}

impl DisclosuresPage {
    pub fn org_name(&self, code: &str) -> String {
        org_name(&self.organisations, code)
    }

    pub fn login(&self, id: &str) -> String {
        crate::accounts::login_in(&self.logins, id)
    }
}

/// The case's disclosure register with the form's choices (audited as a read).
pub async fn disclosures(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<DisclosuresPage> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    let actor = who.actor();
    can(&actor, Action::ViewDisclosureRegister, Some(&facts))?;
    let store = app.store();
    store
        .audit(
            "case.read.disclosures",
            &format!("case:{case_id}"),
            "",
            &who.by,
        )
        .await?;
    let brief = store.case_brief(case_id).await?.ok_or(AppError::NotFound)?;
    let listed = store.disclosures_of(case_id).await?;
    let disclosures = with_status(app, who, case_id, listed).await?;
    let may_record = can(&actor, Action::RecordDisclosure, Some(&facts)).is_ok();
    let organisations = app.organisations().await?;
    let now = who.now().millis();
    let consents = if may_record {
        store
            .consents_of(case_id)
            .await?
            .into_iter()
            .filter(|c| c.purpose == Purpose::SharingWithPolice && c.terms().in_force(now))
            .collect()
    } else {
        Vec::new()
    };
    let logins = crate::accounts::logins(
        app,
        disclosures
            .iter()
            .flat_map(|(d, _)| std::iter::once(d.recorded_by.as_str()).chain(d.ended_by.as_deref()))
            .collect(),
    )
    .await?;
    Ok(DisclosuresPage {
        case_id: case_id.to_string(),
        reference: brief.reference,
        state: brief.state,
        recipients: organisations
            .iter()
            .filter(|o| o.investigates && o.active)
            .cloned()
            .collect(),
        today: today(app, who),
        sees_justice: can(&actor, Action::ViewJusticeTrack, Some(&facts)).is_ok(),
        disclosures,
        may_record,
        consents,
        organisations,
        logins,
    })
}

/// Records a disclosure of the case's support records to an investigating body, on the person's
/// consent in force or a prosecutor's order.
pub async fn record_disclosure(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &DisclosureInput,
) -> AppResult<DisclosureRecord> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::RecordDisclosure, Some(&facts))?;
    let store = app.store();
    let today = today(app, who);
    let mut wrong = Vec::new();
    let recipient = input.recipient_org.trim().to_string();
    match store.organisation(&recipient).await? {
        _ if recipient.is_empty() => wrong.push(FieldIssue::new(
            "recipient_org",
            "disclosure-recipient-required",
        )),
        Some(o) if o.investigates && o.active => {}
        // A registered organisation, but the register says it does not investigate (or no
        // longer works): the records refuse it, not the request.
        Some(_) => wrong.push(FieldIssue::against_records(
            "recipient_org",
            "disclosure-recipient-not-investigating",
        )),
        None => wrong.push(FieldIssue {
            field: "recipient_org".into(),
            message: Message::new("plan-provider-unknown").with("code", echoed(&recipient)),
            against_records: false,
        }),
    }
    let basis = code(
        "basis",
        &input.basis,
        DisclosureBasis::parse,
        None,
        &mut wrong,
    );
    let order_number = text("order_number", &input.order_number, &mut wrong);
    let order_office = text("order_office", &input.order_office, &mut wrong);
    let order_given = !input.order_on.trim().is_empty();
    let mut order_on = None;
    let mut consent_id = None;
    match basis {
        Some(DisclosureBasis::Consent) => {
            for (field, given) in [
                ("order_number", !order_number.is_empty()),
                ("order_on", order_given),
                ("order_office", !order_office.is_empty()),
            ] {
                if given {
                    wrong.push(FieldIssue::new(field, "disclosure-order-not-consent"));
                }
            }
            let wanted = input.consent_id.trim();
            let now = who.now().millis();
            let covering = store.consents_of(case_id).await?.into_iter().find(|c| {
                c.id == wanted
                    && c.terms()
                        .covers(Purpose::SharingWithPolice, &recipient, now)
            });
            let until = day("until_on", &input.until_on, false, &mut Vec::new());
            match covering {
                // The consent's last day is in its record.
                Some(c)
                    if c.last_valid_instant().is_some_and(|last| {
                        until.is_some_and(|u| u > app.jurisdiction().local_date(last.to_utc()))
                    }) =>
                {
                    wrong.push(FieldIssue::against_records(
                        "until_on",
                        "disclosure-until-after-consent",
                    ));
                }
                Some(c) => consent_id = Some(c.id),
                // No consent named at all is the request's own fault; one named that is not the
                // case's, or does not cover this body today, is the records'.
                None if wanted.is_empty() => wrong.push(FieldIssue::new(
                    "consent_id",
                    "disclosure-consent-not-covering",
                )),
                None => wrong.push(FieldIssue::against_records(
                    "consent_id",
                    "disclosure-consent-not-covering",
                )),
            }
        }
        Some(DisclosureBasis::ProsecutorOrder) => {
            if !input.consent_id.trim().is_empty() {
                wrong.push(FieldIssue::new(
                    "consent_id",
                    "disclosure-consent-not-order",
                ));
            }
            if order_number.is_empty() {
                wrong.push(FieldIssue::new(
                    "order_number",
                    "disclosure-order-number-required",
                ));
            }
            if order_office.is_empty() {
                wrong.push(FieldIssue::new(
                    "order_office",
                    "disclosure-order-office-required",
                ));
            }
            order_on = day("order_on", &input.order_on, true, &mut wrong);
            if let Some(id) = order_on.and_then(|d| justice::check_order_day(d, today)) {
                wrong.push(FieldIssue::new("order_on", id));
            }
        }
        None => {}
    }
    let records = code_set(
        "records",
        &input.records,
        DisclosedRecord::parse,
        &mut wrong,
    );
    if records.is_empty() && input.records.is_empty() {
        wrong.push(FieldIssue::new("records", "disclosure-records-required"));
    }
    let until_on = day("until_on", &input.until_on, true, &mut wrong);
    if let Some(id) = until_on.and_then(|d| justice::check_disclosure_until(d, today)) {
        wrong.push(FieldIssue::new("until_on", id));
    }
    let (Some(basis), Some(until_on), true) = (basis, until_on, wrong.is_empty()) else {
        return Err(AppError::Invalid(wrong));
    };
    let disclosure = DisclosureRecord {
        id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_string(),
        recipient_org: recipient,
        basis,
        consent_id,
        order_number,
        order_on,
        order_office,
        records,
        until_on,
        org_code: who.user.org.code.clone(),
        recorded_by: who.user.id.clone(),
        recorded_at_ms: who.now(),
        ended_at_ms: None,
        ended_by: None,
    };
    store.record_disclosure(&disclosure, &who.by).await?;
    Ok(disclosure)
}

/// Ends a disclosure before its last day.
pub async fn end_disclosure(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    disclosure_id: &str,
) -> AppResult<()> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::RecordDisclosure, Some(&facts))?;
    match app
        .store()
        .end_disclosure(case_id, disclosure_id, &who.by)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(StoreError::Conflict(_)) => Err(AppError::conflict("disclosure-ended-already")),
        Err(e) => Err(e.into()),
    }
}

/// One page of the register across cases.
pub struct RegisterPage {
    pub lines: Vec<(RegisterLine, DisclosureStatus)>,
    /// Where the next page starts, when there is one.
    pub later: Option<ListPlace>,
    /// Whose disclosures these are.
    pub scope: RegisterScope,
    pub organisations: Vec<Organisation>,
}

impl RegisterPage {
    pub fn org_name(&self, code: &str) -> String {
        org_name(&self.organisations, code)
    }
}

/// Lines of the register a page holds.
pub const REGISTER_PAGE: i64 = 50;

/// The register of disclosures the reader may read, newest first from `after`: every case's for
/// an ANITP coordinator, the organisation's cases' for a supervisor, those made to the
/// organisation for an investigator (audited as a read).
pub async fn register(
    app: &App,
    who: &Who<'_>,
    after: Option<&ListPlace>,
) -> AppResult<RegisterPage> {
    let actor = who.actor();
    can(&actor, Action::ListDisclosures, None)?;
    let org = who.user.org.code.clone();
    let scope = if who.scope().scope.national {
        RegisterScope::National
    } else if actor.investigates {
        RegisterScope::MadeTo(org)
    } else {
        RegisterScope::CasesOf(org)
    };
    let store = app.store();
    store
        .audit("disclosure.register.read", "disclosures", "", &who.by)
        .await?;
    let (lines, more) = store
        .disclosure_register(&scope, after, REGISTER_PAGE)
        .await?;
    let later = more.then(|| {
        lines.last().map(|l| ListPlace {
            at_ms: l.disclosure.recorded_at_ms,
            id: l.disclosure.id.clone(),
        })
    });
    // The consents of each case a line by consent rests on, read once per case.
    let mut consents: BTreeMap<String, Vec<ConsentRecord>> = BTreeMap::new();
    for line in &lines {
        let d = &line.disclosure;
        if d.basis == DisclosureBasis::Consent && !consents.contains_key(&d.case_id) {
            consents.insert(d.case_id.clone(), store.consents_of(&d.case_id).await?);
        }
    }
    let today = today(app, who);
    let now = who.now().millis();
    let with = lines
        .into_iter()
        .map(|line| {
            let theirs = consents
                .get(&line.disclosure.case_id)
                .map_or(&[][..], Vec::as_slice);
            let status = terms(&line.disclosure, theirs).status(today, now);
            (line, status)
        })
        .collect();
    Ok(RegisterPage {
        lines: with,
        later: later.flatten(),
        scope,
        organisations: app.organisations().await?,
    })
}
