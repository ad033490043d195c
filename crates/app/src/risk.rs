//! Risk and special-needs assessment (mnir.md §8): the first contact's urgent questions, the full
//! assessment of every domain, its versions, and the review clock each full assessment starts.
//! Assessments are support records: behind the firewall of mnir.md §9.

use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use mnir_domain::risk::{
    self, AssessmentKind, Rating, RiskDomain, UrgentQuestion, may_assess, question_asked,
};
use mnir_domain::{Action, AgeGroup, CaseFacts, can};
use mnir_store::{
    DomainRating, RiskAssessmentRecord, StoreError, Timestamp, UrgentAnswer, UrgentCase,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Longest note of a domain or an urgent question.
pub const MAX_NOTE: usize = 4000;

/// How many unanswered urgent needs an inbox lists, the oldest first (the count says how many
/// there are in all): as many as its other short lists, referrals and returns.
pub const URGENT_SHOWN: i64 = 20;

/// The answer to one urgent question, as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UrgentInput {
    /// Whether the need is there: required, as a question is given only when it is asked of the
    /// person, and then it needs its answer.
    #[schema(value_type = bool, required = true)]
    pub answer: Option<bool>,
    /// At most 4000 characters.
    #[schema(max_length = 4000)]
    pub note: String,
}

/// One domain's rating, as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DomainInput {
    /// 1 (minor harm) to 3 (severe harm).
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 3)]
    pub severity: Option<i64>,
    /// 1 (unlikely) to 3 (likely).
    #[schema(value_type = i64, required = true, minimum = 1, maximum = 3)]
    pub likelihood: Option<i64>,
    /// At most 4000 characters.
    #[schema(max_length = 4000)]
    pub note: String,
}

/// A new version of a case's assessment.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentInput {
    /// `first_contact` (the urgent questions), `full` (every domain, and the urgent questions
    /// when asked again) or `return` (a return home: every domain of the full one and
    /// `family_at_home`, made with `partner_org`).
    #[schema(required = true, schema_with = api_schema::kind)]
    pub kind: String,
    /// For a return's assessment: the code of the partner in the country of return it was made
    /// with (an organisation of the directory); absent otherwise.
    #[schema(schema_with = api_schema::partner)]
    pub partner_org: Option<String>,
    /// By question: `urgent_medical_need`, `immediate_violence`, `re_trafficking_danger`,
    /// `child_without_carer` (only for a child or a person of uncertain age).
    #[schema(schema_with = api_schema::urgent)]
    pub urgent: BTreeMap<String, UrgentInput>,
    /// By domain: `personal_safety`, `family_safety`, `re_trafficking`, `physical_health`,
    /// `mental_health`, `legal_situation`, `housing_livelihood`, `child_specific` (required for a
    /// child or a person of uncertain age, refused for an adult), `family_at_home` (a return's
    /// only).
    #[schema(schema_with = api_schema::domains)]
    pub domains: BTreeMap<String, DomainInput>,
}

// `max_length = 4000` above is MAX_NOTE (the attribute takes a literal).
const _: () = assert!(MAX_NOTE == 4000);

/// The schemas of the assessment's fields in the API's document: `schema_with` states the field
/// alone, so what its comment says is repeated here.
mod api_schema {
    use super::{DomainInput, UrgentInput};
    use crate::schema::{any_of, blank, code, described, null, organisation};
    use mnir_domain::Vocabulary;
    use mnir_domain::risk::{AssessmentKind, RiskDomain, UrgentQuestion};
    use utoipa::PartialSchema;
    use utoipa::openapi::schema::{
        AdditionalProperties, AnyOfBuilder, Object, ObjectBuilder, Type,
    };
    use utoipa::openapi::{RefOr, Schema};

    pub fn kind() -> Object {
        described(
            code::<AssessmentKind>(),
            "`first_contact` (the urgent questions), `full` (every domain, and the urgent \
             questions when asked again) or `return` (a return home: every domain of the full \
             one and `family_at_home`, made with `partner_org`).",
        )
    }

    /// An organisation, or none (null or a blank text, which the use case takes for none).
    pub fn partner() -> AnyOfBuilder {
        any_of([null(), blank(), organisation()]).description(Some(
            "For a return's assessment: the code of the partner in the country of return it was \
             made with (an organisation of the directory); absent otherwise.",
        ))
    }

    /// An object with a property for each code of `T`, each holding `value`, and no other: the
    /// use case refuses a code it does not know.
    fn keyed_by<T: Vocabulary>(value: RefOr<Schema>, description: &str) -> Object {
        T::texts()
            .into_iter()
            .fold(
                ObjectBuilder::new().schema_type(Type::Object),
                |object, code| object.property(code, value.clone()),
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some(description))
            .build()
    }

    pub fn urgent() -> Object {
        keyed_by::<UrgentQuestion>(
            UrgentInput::schema(),
            "By question: `urgent_medical_need`, `immediate_violence`, `re_trafficking_danger`, \
             `child_without_carer` (only for a child or a person of uncertain age).",
        )
    }

    pub fn domains() -> Object {
        keyed_by::<RiskDomain>(
            DomainInput::schema(),
            "By domain: `personal_safety`, `family_safety`, `re_trafficking`, `physical_health`, \
             `mental_health`, `legal_situation`, `housing_livelihood`, `child_specific` \
             (required for a child or a person of uncertain age, refused for an adult), \
             `family_at_home` (a return's only).",
        )
    }
}

/// A saved version and the date its review falls due.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub assessment: RiskAssessmentRecord,
    /// The running review clock's deadline (a full assessment).
    pub review_due: Option<Timestamp>,
}

/// A note as written, or the issue naming its field.
fn note(field: &'static str, text: &str, wrong: &mut Vec<FieldIssue>) -> String {
    let text = crate::text::trimmed(text);
    let length = text.chars().count();
    if length > MAX_NOTE {
        wrong.push(FieldIssue {
            field: field.into(),
            message: Message::new("risk-note-too-long")
                .with("max", Arg::Number(MAX_NOTE as i64))
                .with("length", Arg::Number(length as i64)),
            against_records: false,
        });
    }
    text.to_string()
}

/// The urgent answers, checked against the questions asked of this person.
fn urgent_answers(
    given: &BTreeMap<String, UrgentInput>,
    facts: &CaseFacts,
    wrong: &mut Vec<FieldIssue>,
) -> Vec<UrgentAnswer> {
    for code in given.keys() {
        // Exactly a question's code: one with spaces around it would be looked up as none below.
        if !UrgentQuestion::ALL.iter().any(|q| q.as_str() == code) {
            wrong.push(FieldIssue {
                field: "urgent".into(),
                message: Message::new("risk-urgent-unknown").with("code", Arg::Text(code.clone())),
                against_records: false,
            });
        }
    }
    let mut answers = Vec::new();
    for &question in UrgentQuestion::ALL {
        let input = given.get(question.as_str());
        let asked_of = |age| question_asked(question, age);
        match (question_asked(question, facts.age_group), input) {
            (false, Some(_)) => wrong.push(by_age_group(
                question.field(),
                "risk-urgent-not-for-adult",
                asked_of,
            )),
            (false, None) => {}
            (true, None | Some(UrgentInput { answer: None, .. })) => wrong.push(by_age_group(
                question.field(),
                "risk-urgent-answer-required",
                asked_of,
            )),
            (
                true,
                Some(UrgentInput {
                    answer: Some(yes),
                    note: text,
                }),
            ) => answers.push(UrgentAnswer {
                question,
                yes: *yes,
                note: note(question.field(), text, wrong),
            }),
        }
    }
    answers
}

/// The ratings, checked: every domain asked of this person, each value 1–3.
fn domain_ratings(
    kind: AssessmentKind,
    given: &BTreeMap<String, DomainInput>,
    facts: &CaseFacts,
    wrong: &mut Vec<FieldIssue>,
) -> Vec<DomainRating> {
    for code in given.keys() {
        // Exactly a domain's code: one with spaces around it would be looked up as none below.
        if !RiskDomain::ALL.iter().any(|d| d.as_str() == code) {
            wrong.push(FieldIssue {
                field: "domains".into(),
                message: Message::new("risk-domain-unknown").with("code", Arg::Text(code.clone())),
                against_records: false,
            });
        }
    }
    let mut rated = BTreeMap::new();
    let mut ratings = Vec::new();
    for &domain in RiskDomain::ALL {
        // A domain with neither value chosen is one not rated (a form posts no empty radio
        // group): the check below names it as missing.
        let Some(input) = given.get(domain.as_str()).filter(|i| {
            i.severity.is_some()
                || i.likelihood.is_some()
                || !crate::text::trimmed(&i.note).is_empty()
        }) else {
            continue;
        };
        let value = |v: Option<i64>, part: &'static str, wrong: &mut Vec<FieldIssue>| {
            let value = v
                .and_then(|v| u8::try_from(v).ok())
                .filter(|v| risk::RATING_RANGE.contains(v));
            if value.is_none() {
                wrong.push(FieldIssue {
                    field: domain.field().into(),
                    message: Message::new("risk-rating-out-of-range")
                        .with("part", Arg::Term("riskpart", part.into())),
                    against_records: false,
                });
            }
            value
        };
        let severity = value(input.severity, "severity", wrong);
        let likelihood = value(input.likelihood, "likelihood", wrong);
        let text = note(domain.field(), &input.note, wrong);
        if let Some(rating) = severity
            .zip(likelihood)
            .and_then(|(s, l)| Rating::new(s, l))
        {
            rated.insert(domain, rating);
            ratings.push(DomainRating {
                domain,
                rating,
                note: text,
            });
        } else {
            // Present but unreadable: counted as given, so it is not also called missing.
            rated.insert(domain, Rating::new(1, 1).expect("1×1 is a rating"));
        }
    }
    for (domain, id) in risk::check_domains(kind, &rated, facts.age_group) {
        wrong.push(by_age_group(domain.field(), id, |age| {
            risk::asked_in(kind, domain, age)
        }));
    }
    ratings
}

/// The issue of a question or domain required or refused: when whether it is asked depends on
/// the age group, the case decided (a conflict for the API), not the request alone.
fn by_age_group(
    field: &'static str,
    id: &'static str,
    asked_of: impl Fn(AgeGroup) -> bool,
) -> FieldIssue {
    let asked_of_adults = asked_of(AgeGroup::Adult);
    if AgeGroup::ALL
        .iter()
        .any(|&age| asked_of(age) != asked_of_adults)
    {
        FieldIssue::against_records(field, id)
    } else {
        FieldIssue::new(field, id)
    }
}

/// The partner a return's assessment was made with: required, and an organisation of the
/// directory; refused for the other kinds.
async fn partner(
    app: &App,
    kind: AssessmentKind,
    given: Option<&str>,
    wrong: &mut Vec<FieldIssue>,
) -> AppResult<Option<String>> {
    let given = given.map(str::trim).filter(|g| !g.is_empty());
    match (kind, given) {
        (AssessmentKind::Return, None) => {
            wrong.push(FieldIssue::new("partner_org", "risk-partner-required"));
            Ok(None)
        }
        (AssessmentKind::Return, Some(code)) => {
            if app.store().organisation(code).await?.is_some() {
                Ok(Some(code.to_string()))
            } else {
                wrong.push(FieldIssue {
                    field: "partner_org".into(),
                    message: Message::new("risk-partner-unknown")
                        .with("code", Arg::Text(code.to_string())),
                    against_records: false,
                });
                Ok(None)
            }
        }
        (_, Some(_)) => {
            wrong.push(FieldIssue::new("partner_org", "risk-partner-return-only"));
            Ok(None)
        }
        (_, None) => Ok(None),
    }
}

/// Records a new version of the case's assessment; a full one starts the review clock its level
/// calls for and replaces the one that ran. Nothing is stored when anything is wrong.
pub async fn record(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    input: &AssessmentInput,
) -> AppResult<Recorded> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::RecordAssessment, Some(&facts))?;
    let Some(kind) = AssessmentKind::parse(&input.kind) else {
        return Err(AppError::invalid("kind", "risk-kind-invalid"));
    };
    if !may_assess(kind, facts.state) {
        return Err(AppError::Forbidden(
            Message::new(match kind {
                AssessmentKind::FirstContact => "risk-first-contact-not-due",
                AssessmentKind::Full => "risk-full-not-due",
                AssessmentKind::Return => "risk-return-not-due",
            })
            .with("state", Arg::Term("state", facts.state.as_str().into())),
        ));
    }
    let mut wrong = Vec::new();
    let (urgent, domains) = match kind {
        AssessmentKind::FirstContact => {
            if !input.domains.is_empty() {
                wrong.push(FieldIssue::new("domains", "risk-first-contact-no-domains"));
            }
            (
                urgent_answers(&input.urgent, &facts, &mut wrong),
                Vec::new(),
            )
        }
        AssessmentKind::Full | AssessmentKind::Return => (
            // The urgent questions may be asked again with a full assessment, then wholly.
            if input.urgent.is_empty() {
                Vec::new()
            } else {
                urgent_answers(&input.urgent, &facts, &mut wrong)
            },
            domain_ratings(kind, &input.domains, &facts, &mut wrong),
        ),
    };
    let partner_org = partner(app, kind, input.partner_org.as_deref(), &mut wrong).await?;
    if !wrong.is_empty() {
        return Err(AppError::Invalid(wrong));
    }
    let overall = risk::overall(domains.iter().map(|d| &d.rating));
    let id = uuid::Uuid::new_v4().to_string();
    // A return's assessment answers the return, not the person's review: no clock.
    let clock = match overall.filter(|_| kind == AssessmentKind::Full) {
        Some(level) => {
            let org = crate::clocks::handler_org(app, case_id)
                .await?
                .unwrap_or_else(|| who.user.org.code.clone());
            // Every profile defines the review clocks (REQUIRED_CLOCKS); a missing one is a defect.
            Some(
                crate::clocks::new_clock(
                    app,
                    risk::review_clock(level),
                    case_id,
                    &org,
                    who.now(),
                    false,
                )
                .ok_or_else(|| AppError::Internal("no risk review clock".into()))?,
            )
        }
        None => None,
    };
    let mut assessment = RiskAssessmentRecord {
        id,
        case_id: case_id.to_string(),
        version: 0,
        kind,
        org_code: who.user.org.code.clone(),
        assessed_by: who.user.id.clone(),
        assessed_at_ms: who.now(),
        overall,
        urgent,
        domains,
        clock_id: clock.as_ref().map(|c| c.id.clone()),
        urgent_answered_at_ms: None,
        urgent_answered_by: None,
        partner_org,
    };
    match app
        .store()
        .record_assessment(&assessment, clock.as_ref(), facts.state, &who.by)
        .await
    {
        Ok(version) => {
            assessment.version = version;
            Ok(Recorded {
                assessment,
                review_due: clock.and_then(|c| c.due_at_ms),
            })
        }
        Err(StoreError::StaleState { current }) => Err(AppError::Conflict(Message::stale(current))),
        Err(e) => Err(e.into()),
    }
}

/// Every version of a case's assessment, with the logins of those who made them.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Oldest first.
    pub versions: Vec<RiskAssessmentRecord>,
    /// Account id to login, for every assessor of the versions.
    pub assessors: BTreeMap<String, String>,
    /// The deadline of each review clock a version started, by clock id (none while paused).
    pub review_due: BTreeMap<String, Timestamp>,
}

impl History {
    /// Who made a version: their login, or the account id when the account is gone.
    pub fn assessor(&self, version: &RiskAssessmentRecord) -> String {
        self.assessors
            .get(&version.assessed_by)
            .cloned()
            .unwrap_or_else(|| version.assessed_by.clone())
    }

    /// When the review a version started falls due.
    pub fn review_due(&self, version: &RiskAssessmentRecord) -> Option<Timestamp> {
        self.review_due.get(version.clock_id.as_deref()?).copied()
    }
}

/// Every version of the case's assessment, oldest first (audited as a read of support records).
pub async fn history(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<History> {
    may_read(app, who, case_id).await?;
    let versions = app.store().assessments_of(case_id).await?;
    let clocks = app.store().clocks_of(case_id).await?;
    with_assessors(app, versions, &clocks).await
}

/// Checks that the actor may read the case's support records, with the refusal that says why,
/// and records the read in the audit log.
async fn may_read(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<()> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::ViewSupportRecords, Some(&facts))?;
    app.store()
        .audit("case.read.risk", &format!("case:{case_id}"), "", &who.by)
        .await?;
    Ok(())
}

/// The assessment page's case: the case opened with its panels, and the history of its
/// assessments read once with it.
pub async fn page(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
) -> AppResult<(crate::cases::OpenCase, History)> {
    may_read(app, who, case_id).await?;
    let open = crate::cases::open(app, who, case_id).await?;
    let versions = open
        .risk
        .as_ref()
        .map(|r| r.versions.clone())
        .ok_or(AppError::NotFound)?;
    let history = with_assessors(app, versions, &open.clocks).await?;
    Ok((open, history))
}

/// The versions with their assessors' logins and their review clocks' deadlines.
async fn with_assessors(
    app: &App,
    versions: Vec<RiskAssessmentRecord>,
    clocks: &[mnir_store::ClockRecord],
) -> AppResult<History> {
    let assessors = crate::accounts::logins(
        app,
        versions.iter().map(|v| v.assessed_by.as_str()).collect(),
    )
    .await?;
    let review_due = clocks
        .iter()
        .filter(|c| versions.iter().any(|v| v.clock_id.as_ref() == Some(&c.id)))
        .filter_map(|c| Some((c.id.clone(), c.due_at_ms?)))
        .collect();
    Ok(History {
        versions,
        assessors,
        review_due,
    })
}

/// What the case page shows of the assessments to those who may read support records.
#[derive(Debug, Clone, Default)]
pub struct RiskPanel {
    pub versions: Vec<RiskAssessmentRecord>,
    /// Urgent needs nothing has answered yet, from every version.
    pub urgent_open: Vec<UrgentQuestion>,
    /// The latest full assessment came before a later event of the case (a step, an accepted
    /// referral): it should be done again.
    pub to_review: bool,
    pub may_record: bool,
    pub first_contact_due: bool,
    pub full_due: bool,
}

impl RiskPanel {
    pub fn latest_full(&self) -> Option<&RiskAssessmentRecord> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.kind == AssessmentKind::Full)
    }
}

/// Builds the panel from the versions and the case's later events.
pub(crate) fn panel(
    versions: Vec<RiskAssessmentRecord>,
    facts: &CaseFacts,
    may_record: bool,
    later_events: impl IntoIterator<Item = Timestamp>,
) -> RiskPanel {
    let mut urgent_open: Vec<UrgentQuestion> =
        versions.iter().flat_map(|v| v.urgent_open()).collect();
    urgent_open.sort();
    urgent_open.dedup();
    let mut panel = RiskPanel {
        versions,
        urgent_open,
        to_review: false,
        may_record,
        first_contact_due: may_assess(AssessmentKind::FirstContact, facts.state),
        full_due: may_assess(AssessmentKind::Full, facts.state),
    };
    panel.to_review = panel.full_due
        && panel
            .latest_full()
            .is_some_and(|v| later_events.into_iter().any(|e| e > v.assessed_at_ms));
    panel
}

/// The first [`URGENT_SHOWN`] of the inbox's cases with unanswered urgent needs (one more than
/// shown is read) and whether there were more. Not counted: a count would read every open need
/// of the country for each inbox (at a million cases, tens of thousands), where one more than a
/// page tells what the inbox says.
pub(crate) fn shown_and_more(mut read: Vec<UrgentCase>) -> (Vec<UrgentCase>, bool) {
    let more = read.len() as i64 > URGENT_SHOWN;
    read.truncate(URGENT_SHOWN as usize);
    (read, more)
}
