//! The rules between a request's fields that the server enforces ("a reason when declining", "an
//! end day once a service is completed"), added to the document's component schemas once utoipa
//! has built them: a field's own attributes say what the field holds, not what it must hold given
//! another field.
//!
//! Each rule is written without `if`/`then`, as `anyOf`, `not`, `enum` and `required`, which the
//! contract tests' generator draws valid values from reliably, and is joined to its schema through
//! `allOf`. Each entry of [`RULES`] names the check it mirrors (file and message id): a check
//! changed there is to be changed here, and the tests below fail when a rule names a schema, a
//! field or a code the document no longer has. Where the code the server checks against is one of
//! the domain's lists or predicates, the rule asks the domain rather than repeating it.

use mnir_domain::AgeGroup;
use mnir_domain::break_glass::ReviewFinding;
use mnir_domain::consent::Purpose;
use mnir_domain::justice::{DisclosureBasis, ProceedingOutcome};
use mnir_domain::plan::{AcknowledgementWay, ProtectionMeasure, ServiceStatus, SupportType};
use mnir_domain::repatriation::StepState;
use mnir_domain::retention::HoldReason;
use mnir_domain::risk::{self, AssessmentKind, RiskDomain, UrgentQuestion};
use serde_json::{Map, Value, json};

/// One rule: the component schema it is added to and what it says.
struct Rule {
    schema: &'static str,
    statement: fn() -> Value,
}

/// Every rule, by the schema it constrains. The comment of each names where the server enforces
/// it and the message ids it answers with (422 unless said otherwise).
const RULES: &[Rule] = &[
    // crates/app/src/notify.rs `validate`: `field-name-required`.
    Rule {
        schema: "NotificationInput",
        statement: named_person,
    },
    // crates/app/src/consent.rs `record_consent`: `consent-recipient-required`. For the other
    // purposes a recipient may be given or not; the field's own schema keeps it an organisation
    // or empty.
    Rule {
        schema: "ConsentInput",
        statement: consent_recipient,
    },
    // crates/app/src/training.rs `add_participant`: `training-organisation-required`.
    Rule {
        schema: "ParticipantInput",
        statement: participant_placed,
    },
    // crates/app/src/training.rs `add_participant`: `training-organisation-both`.
    Rule {
        schema: "ParticipantInput",
        statement: participant_placed_once,
    },
    // crates/app/src/justice.rs `checked_proceeding`, by crates/domain/src/justice.rs
    // `check_outcome`: `justice-outcome-date-required`, `justice-outcome-date-not-final`.
    Rule {
        schema: "ProceedingInput",
        statement: outcome_day,
    },
    // crates/app/src/justice.rs `record_disclosure`: `disclosure-order-not-consent`,
    // `disclosure-consent-not-covering` (a consent named; which consent covers is the records'
    // answer, 409).
    Rule {
        schema: "DisclosureInput",
        statement: disclosure_on_consent,
    },
    // crates/app/src/justice.rs `record_disclosure`: `disclosure-consent-not-order`,
    // `disclosure-order-number-required`, `disclosure-order-office-required`, and
    // `plan-date-required` for `order_on`.
    Rule {
        schema: "DisclosureInput",
        statement: disclosure_on_order,
    },
    // crates/app/src/referral.rs `answer_referral`: `referral-reason-required`.
    Rule {
        schema: "AnswerRequest",
        statement: decline_reason,
    },
    // crates/domain/src/victim.rs `check`, named by crates/app/src/victim.rs `issue`:
    // `victim-profile-industry`.
    Rule {
        schema: "VictimProfileJson",
        statement: industry_beside_work,
    },
    // crates/domain/src/victim.rs `check`, named by crates/app/src/victim.rs `issue`:
    // `victim-profile-sex-types`.
    Rule {
        schema: "VictimProfileJson",
        statement: sex_types_beside_sexual_exploitation,
    },
    // crates/app/src/plan.rs `deliver`: `plan-provider-one`.
    Rule {
        schema: "DeliveryInput",
        statement: one_provider,
    },
    // crates/app/src/risk.rs `record`: `risk-first-contact-no-domains`,
    // `risk-urgent-answer-required`, `risk-partner-return-only`.
    Rule {
        schema: "AssessmentInput",
        statement: first_contact_assessment,
    },
    // crates/app/src/risk.rs `record`, `domain_ratings` by crates/domain/src/risk.rs
    // `check_domains`, `urgent_answers` and `partner`: `risk-domain-required`,
    // `risk-domain-return-only`, `risk-urgent-answer-required`, `risk-partner-return-only`.
    Rule {
        schema: "AssessmentInput",
        statement: full_assessment,
    },
    // crates/app/src/risk.rs, as for `full`, and `partner`: `risk-partner-required`,
    // `risk-partner-unknown`.
    Rule {
        schema: "AssessmentInput",
        statement: return_assessment,
    },
    // crates/app/src/plan.rs `record`: `plan-empty`.
    Rule {
        schema: "PlanInput",
        statement: plan_not_empty,
    },
    // crates/app/src/plan.rs `measures` and `services`: `plan-line-twice`.
    Rule {
        schema: "PlanInput",
        statement: plan_lines_once,
    },
    // crates/app/src/plan.rs `measures`: `plan-other-detail-required`.
    Rule {
        schema: "MeasureInput",
        statement: other_measure_detail,
    },
    // crates/app/src/plan.rs `measures`: `plan-address-only-shelter`.
    Rule {
        schema: "MeasureInput",
        statement: address_only_for_shelter,
    },
    // crates/app/src/plan.rs `services`, by crates/domain/src/plan.rs `check_service_dates`:
    // `plan-actual-end-required`, `plan-actual-end-not-ended`.
    Rule {
        schema: "ServiceInput",
        statement: service_end_day,
    },
    // crates/app/src/plan.rs `acknowledge`, by crates/domain/src/plan.rs
    // `check_acknowledgement`: `plan-ack-witness-required`.
    Rule {
        schema: "AcknowledgementInput",
        statement: verbal_witness,
    },
    // crates/app/src/repatriation.rs `checked_step`: `repatriation-date-required`,
    // `repatriation-responsible-required`.
    Rule {
        schema: "StepInput",
        statement: step_done,
    },
    // crates/app/src/repatriation.rs `checked_step`: `repatriation-blocked-reason`.
    Rule {
        schema: "StepInput",
        statement: step_blocked,
    },
    // crates/app/src/exchange.rs `LegalBasis::check`, called by crates/web/src/exchange/api.rs
    // `export_htcds` for `identifying` only: `htcds-legal-required`, `htcds-legal-too-long`.
    Rule {
        schema: "ExportRequestJson",
        statement: identifying_export,
    },
    // crates/app/src/retention.rs `place_hold`: `legal-hold-note-required`.
    Rule {
        schema: "HoldInput",
        statement: hold_note,
    },
    // crates/app/src/break_glass.rs `review`: `break-glass-review-note-required`.
    Rule {
        schema: "ReviewInput",
        statement: review_note,
    },
];

/// Adds every rule to its schema: to the schema's `allOf` when it has one, otherwise in an
/// `allOf` set beside the schema's own keywords (which still apply: `allOf` only adds).
pub fn add_conditions(document: &mut Value) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for rule in RULES {
        if let Some(schema) = schemas.get_mut(rule.schema) {
            crate::kit::schema::add_rule(schema, (rule.statement)());
        }
    }
}

// What counts as written. The server reads most texts through `mnir_app::text::trimmed`, which
// sets aside whitespace and the characters that show nothing; `exact_text_patterns` (run after
// this) replaces the two short patterns below with that exact class. Codes, logins and days it
// reads with `str::trim`, which sets aside whitespace only: those get `space_class`.

/// A text that says something (the short pattern, made exact centrally).
const SAYS_SOMETHING: &str = crate::kit::schema::SOME_TEXT;
/// A text that says nothing (the short pattern, made exact centrally).
const SAYS_NOTHING: &str = r"^\s*$";
/// What `str::trim` sets aside, as the inside of a regular expression's class.
fn space_class() -> String {
    mnir_app::text::whitespace_class()
}

fn says_something() -> Value {
    json!({"type": "string", "pattern": SAYS_SOMETHING})
}

/// Empty, or only what the server trims away (the type is the field's own schema's to say).
fn says_nothing() -> Value {
    json!({"pattern": SAYS_NOTHING})
}

fn not_only_spaces() -> Value {
    json!({"type": "string", "pattern": format!("[^{}]", space_class())})
}

fn only_spaces() -> Value {
    json!({"pattern": format!("^[{}]*$", space_class())})
}

/// A text with 1 to `max` (at least 2) characters once the characters of `class` are trimmed from
/// its ends: the server counts such a limit on what it keeps, not on what was sent.
fn trimmed_within(class: &str, max: usize) -> Value {
    let inner = max.saturating_sub(2);
    json!({
        "type": "string",
        "pattern": format!(r"^[{class}]*[^{class}]([\s\S]{{0,{inner}}}[^{class}])?[{class}]*$"),
    })
}

/// An organisation of the register: the marker the served document fills with the codes.
fn organisation() -> Value {
    serde_json::to_value(crate::kit::schema::organisation()).expect("a schema is JSON")
}

/// A day given (the server reads it after `str::trim`, so a field empty or of spaces has none).
fn a_day() -> Value {
    json!({"type": "string", "format": "date", "pattern": crate::kit::schema::DAY_PATTERN})
}

/// No day. The fields this is used on are empty or a day by their own pattern
/// (`OPTIONAL_DAY_PATTERN`, which refuses spaces), so none is the empty text; a test checks it.
fn no_day() -> Value {
    json!({"maxLength": 0})
}

fn texts<T: Copy>(
    items: &[T],
    keep: impl Fn(T) -> bool,
    text: impl Fn(T) -> &'static str,
) -> Value {
    items
        .iter()
        .copied()
        .filter(|&item| keep(item))
        .map(text)
        .collect::<Vec<_>>()
        .into()
}

/// `into` with `value`'s `properties` and `required` added to its own; any other keyword of
/// `value` replaces `into`'s.
fn merged(mut into: Value, value: Value) -> Value {
    let (Some(target), Value::Object(source)) = (into.as_object_mut(), value) else {
        return into;
    };
    for (key, part) in source {
        match (key.as_str(), target.get_mut(&key), part) {
            ("properties", Some(Value::Object(mine)), Value::Object(theirs)) => mine.extend(theirs),
            ("required", Some(Value::Array(mine)), Value::Array(theirs)) => {
                for name in theirs {
                    if !mine.contains(&name) {
                        mine.push(name);
                    }
                }
            }
            (_, _, part) => {
                target.insert(key, part);
            }
        }
    }
    into
}

/// `field` holding one of `values` calls for `then`; any other value of it (or none) for
/// `otherwise`.
fn choose(field: &str, values: Value, then: Value, otherwise: Value) -> Value {
    let mut taken = Map::new();
    taken.insert(field.into(), json!({"enum": values.clone()}));
    let mut other = Map::new();
    other.insert(field.into(), json!({"not": {"enum": values}}));
    json!({
        "anyOf": [
            merged(otherwise, json!({"properties": other})),
            merged(then, json!({"required": [field], "properties": taken})),
        ]
    })
}

/// `field` holding one of `values` calls for `then`.
fn when(field: &str, values: Value, then: Value) -> Value {
    choose(field, values, then, json!({}))
}

fn named_person() -> Value {
    json!({
        "anyOf": [
            {"required": ["given_name"], "properties": {"given_name": says_something()}},
            {"required": ["family_name"], "properties": {"family_name": says_something()}},
        ]
    })
}

fn consent_recipient() -> Value {
    when(
        "purpose",
        texts(Purpose::ALL, Purpose::names_recipient, Purpose::as_str),
        json!({"required": ["recipient"], "properties": {"recipient": organisation()}}),
    )
}

fn participant_placed() -> Value {
    // The login and the code are read with `str::trim`, the name outside with `trimmed`.
    json!({
        "anyOf": [
            {"required": ["login"], "properties": {"login": not_only_spaces()}},
            {"required": ["organisation"], "properties": {"organisation": organisation()}},
            {"required": ["organisation_name"], "properties": {"organisation_name": says_something()}},
        ]
    })
}

fn participant_placed_once() -> Value {
    // Without a login, not both a directory organisation and one outside it.
    json!({
        "anyOf": [
            {"required": ["login"], "properties": {"login": not_only_spaces()}},
            {"properties": {"organisation": only_spaces()}},
            {"properties": {"organisation_name": says_nothing()}},
        ]
    })
}

fn outcome_day() -> Value {
    choose(
        "outcome",
        texts(
            ProceedingOutcome::ALL,
            ProceedingOutcome::is_final,
            ProceedingOutcome::as_str,
        ),
        json!({"required": ["outcome_on"], "properties": {"outcome_on": a_day()}}),
        json!({"properties": {"outcome_on": no_day()}}),
    )
}

// The consent's id is read with `str::trim`, the order's number and office with `trimmed`.

fn disclosure_on_consent() -> Value {
    when(
        "basis",
        json!([DisclosureBasis::Consent.as_str()]),
        json!({
            "required": ["consent_id"],
            "properties": {
                "consent_id": not_only_spaces(),
                "order_number": says_nothing(),
                "order_on": no_day(),
                "order_office": says_nothing(),
            }
        }),
    )
}

fn disclosure_on_order() -> Value {
    when(
        "basis",
        json!([DisclosureBasis::ProsecutorOrder.as_str()]),
        json!({
            "required": ["order_number", "order_on", "order_office"],
            "properties": {
                "consent_id": only_spaces(),
                "order_number": says_something(),
                "order_on": a_day(),
                "order_office": says_something(),
            }
        }),
    )
}

/// The longest reason for declining a referral, counted once trimmed (crates/app/src/referral.rs
/// states it inline).
const MAX_DECLINE_REASON: usize = 2000;

fn decline_reason() -> Value {
    when(
        "accept",
        json!([false]),
        json!({
            "required": ["reason"],
            "properties": {
                "reason": trimmed_within(&mnir_app::text::trimmed_class(), MAX_DECLINE_REASON),
            }
        }),
    )
}

/// The forms of exploitation at work, beside which an industry is recorded (`WORK_FORMS` of
/// crates/domain/src/victim.rs, which it keeps private).
const WORK_FORMS: [&str; 3] = ["ForcedLabour", "ChildLabour", "Servitude"];
/// The form of exploitation beside which its kinds are recorded.
const SEXUAL_EXPLOITATION: &str = "SexualExploitation";

fn industry_beside_work() -> Value {
    json!({
        "anyOf": [
            {"properties": {"forced_labour_industry": {"type": "null"}}},
            {
                "required": ["exploitation_types"],
                "properties": {"exploitation_types": {"contains": {"enum": WORK_FORMS}}},
            },
        ]
    })
}

fn sex_types_beside_sexual_exploitation() -> Value {
    json!({
        "anyOf": [
            {"properties": {"sex_exploitation_types": {"maxItems": 0}}},
            {
                "required": ["exploitation_types"],
                "properties": {"exploitation_types": {"contains": {"enum": [SEXUAL_EXPLOITATION]}}},
            },
        ]
    })
}

fn one_provider() -> Value {
    // A code of spaces alone is none (`str::trim`); any other text must be an organisation.
    json!({
        "anyOf": [
            {
                "required": ["provider_org"],
                "properties": {"provider_org": organisation(), "provider_other": says_nothing()},
            },
            {
                "required": ["provider_other"],
                "properties": {"provider_org": only_spaces(), "provider_other": says_something()},
            },
        ]
    })
}

/// The urgent questions asked whatever the person's age; the others (a child without a carer)
/// depend on the case's age group, which the request does not carry.
fn urgent_always_asked() -> Value {
    texts(
        UrgentQuestion::ALL,
        |question| {
            AgeGroup::ALL
                .iter()
                .all(|&age| risk::question_asked(question, age))
        },
        UrgentQuestion::as_str,
    )
}

/// The domains an assessment of `kind` rates whatever the person's age.
fn domains_always_rated(kind: AssessmentKind) -> Value {
    texts(
        RiskDomain::ALL,
        |domain| {
            AgeGroup::ALL
                .iter()
                .all(|&age| risk::asked_in(kind, domain, age))
        },
        RiskDomain::as_str,
    )
}

/// The domains an assessment of `kind` refuses whatever the person's age, each as a property
/// that may not be there.
fn domains_never_rated(kind: AssessmentKind) -> Value {
    RiskDomain::ALL
        .iter()
        .filter(|&&domain| {
            !AgeGroup::ALL
                .iter()
                .any(|&age| risk::asked_in(kind, domain, age))
        })
        .map(|domain| (domain.as_str().to_string(), Value::Bool(false)))
        .collect::<Map<_, _>>()
        .into()
}

/// A full or return assessment asks the urgent questions again, or not at all.
fn urgent_again() -> Value {
    json!({"anyOf": [{"maxProperties": 0}, {"required": urgent_always_asked()}]})
}

/// No partner: absent, null, or a text `str::trim` leaves nothing of.
fn no_partner() -> Value {
    json!({"anyOf": [{"type": "null"}, merged(json!({"type": "string"}), only_spaces())]})
}

fn rated_domains(kind: AssessmentKind) -> Value {
    json!({"required": domains_always_rated(kind), "properties": domains_never_rated(kind)})
}

fn first_contact_assessment() -> Value {
    when(
        "kind",
        json!([AssessmentKind::FirstContact.as_str()]),
        json!({
            "required": ["urgent"],
            "properties": {
                "domains": {"maxProperties": 0},
                "urgent": {"required": urgent_always_asked()},
                "partner_org": no_partner(),
            }
        }),
    )
}

fn full_assessment() -> Value {
    when(
        "kind",
        json!([AssessmentKind::Full.as_str()]),
        json!({
            "required": ["domains"],
            "properties": {
                "domains": rated_domains(AssessmentKind::Full),
                "urgent": urgent_again(),
                "partner_org": no_partner(),
            }
        }),
    )
}

fn return_assessment() -> Value {
    when(
        "kind",
        json!([AssessmentKind::Return.as_str()]),
        json!({
            "required": ["domains", "partner_org"],
            "properties": {
                "domains": rated_domains(AssessmentKind::Return),
                "urgent": urgent_again(),
                "partner_org": organisation(),
            }
        }),
    )
}

fn plan_not_empty() -> Value {
    json!({
        "anyOf": [
            {"required": ["measures"], "properties": {"measures": {"minItems": 1}}},
            {"required": ["services"], "properties": {"services": {"minItems": 1}}},
        ]
    })
}

/// At most one element of a list whose `key` is `code`.
fn at_most_one(key: &str, code: &str) -> Value {
    let mut keyed = Map::new();
    keyed.insert(key.into(), json!({"const": code}));
    json!({
        "contains": {"required": [key], "properties": keyed},
        "minContains": 0,
        "maxContains": 1,
    })
}

fn plan_lines_once() -> Value {
    let once = |key: &str, codes: Vec<&str>| -> Value {
        json!({"allOf": codes.into_iter().map(|code| at_most_one(key, code)).collect::<Vec<_>>()})
    };
    json!({
        "properties": {
            "measures": once("measure", ProtectionMeasure::ALL.iter().map(|m| m.as_str()).collect()),
            "services": once("type", SupportType::ALL.iter().map(|s| s.as_str()).collect()),
        }
    })
}

fn other_measure_detail() -> Value {
    when(
        "measure",
        json!([ProtectionMeasure::Other.as_str()]),
        json!({"required": ["detail"], "properties": {"detail": says_something()}}),
    )
}

fn address_only_for_shelter() -> Value {
    when(
        "measure",
        texts(
            ProtectionMeasure::ALL,
            |measure| measure != ProtectionMeasure::ConfidentialShelter,
            ProtectionMeasure::as_str,
        ),
        json!({"properties": {"shelter_address": says_nothing()}}),
    )
}

/// The statuses that call for the day a service ended, as the domain's check answers: refused
/// without one. The others refuse one (a test checks the two make up every status).
fn ended_statuses() -> Value {
    let day = chrono::NaiveDate::MIN;
    texts(
        ServiceStatus::ALL,
        |status| mnir_domain::plan::check_service_dates(status, None, day).is_some(),
        ServiceStatus::as_str,
    )
}

fn service_end_day() -> Value {
    // An empty or absent status is `planned`: it falls on the side of the statuses not listed.
    choose(
        "status",
        ended_statuses(),
        json!({"required": ["actual_end_on"], "properties": {"actual_end_on": a_day()}}),
        json!({"properties": {"actual_end_on": no_day()}}),
    )
}

fn verbal_witness() -> Value {
    when(
        "way",
        json!([AcknowledgementWay::VerbalWithWitness.as_str()]),
        json!({"required": ["witness"], "properties": {"witness": says_something()}}),
    )
}

fn step_done() -> Value {
    when(
        "state",
        json!([StepState::Done.as_str()]),
        json!({
            "required": ["date", "responsible_org", "responsible_person"],
            "properties": {
                "date": a_day(),
                "responsible_org": organisation(),
                "responsible_person": says_something(),
            }
        }),
    )
}

fn step_blocked() -> Value {
    when(
        "state",
        json!([StepState::Blocked.as_str()]),
        json!({"required": ["note"], "properties": {"note": says_something()}}),
    )
}

/// The export that names the people (`ExportKindJson::Identifying`, in serde's spelling).
const IDENTIFYING: &str = "identifying";

fn identifying_export() -> Value {
    let legal_text = trimmed_within(&space_class(), mnir_app::exchange::MAX_LEGAL_TEXT);
    when(
        "kind",
        json!([IDENTIFYING]),
        json!({
            "required": ["recipient", "legal_basis"],
            "properties": {"recipient": legal_text.clone(), "legal_basis": legal_text},
        }),
    )
}

fn hold_note() -> Value {
    when(
        "reason",
        json!([HoldReason::Other.as_str()]),
        json!({"required": ["note"], "properties": {"note": says_something()}}),
    )
}

fn review_note() -> Value {
    when(
        "finding",
        json!([ReviewFinding::NotJustified.as_str()]),
        json!({"required": ["note"], "properties": {"note": says_something()}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas() -> &'static Map<String, Value> {
        crate::api::document()["components"]["schemas"]
            .as_object()
            .expect("the document has component schemas")
    }

    /// The schema itself, or the component a `$ref` names.
    fn resolved(schema: &Value) -> &Value {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            Some(name) => &schemas()[name],
            None => schema,
        }
    }

    /// The values `schema` lists, when it is a closed list: its `enum`, or those of its `anyOf`
    /// branches when every branch is one (a field whose empty value is a branch of its own).
    fn listed(schema: &Value) -> Option<Vec<Value>> {
        let schema = resolved(schema);
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Some(values.clone());
        }
        let branches = schema.get("anyOf")?.as_array()?;
        branches
            .iter()
            .map(listed)
            .collect::<Option<Vec<_>>>()
            .map(|lists| lists.concat())
    }

    /// Walks a rule beside the schema it applies to: every property it names is one of the
    /// schema's, every code it compares a field with is one of the field's, at any depth.
    fn check_against(rule: &Value, schema: &Value, at: &str, problems: &mut Vec<String>) {
        let schema = resolved(schema);
        let Some(rule) = rule.as_object() else {
            return;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        let known = |name: &str| properties.is_some_and(|p| p.contains_key(name));
        for name in rule
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !known(name) {
                problems.push(format!("{at}: requires `{name}`, not a property"));
            }
        }
        for (name, part) in rule
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            match properties.and_then(|p| p.get(name)) {
                None => problems.push(format!("{at}: names `{name}`, not a property")),
                Some(field) => check_against(part, field, &format!("{at}.{name}"), problems),
            }
        }
        // The codes a rule compares a field with.
        if let Some(values) = listed(schema) {
            let compared = rule
                .get("enum")
                .and_then(Value::as_array)
                .cloned()
                .into_iter()
                .flatten()
                .chain(rule.get("const").cloned());
            for value in compared {
                if !values.contains(&value) {
                    problems.push(format!("{at}: compares with {value}, not a value of it"));
                }
            }
        }
        for key in ["anyOf", "allOf", "oneOf"] {
            for branch in rule
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                check_against(branch, schema, at, problems);
            }
        }
        if let Some(negated) = rule.get("not") {
            check_against(negated, schema, at, problems);
        }
        if let (Some(contained), Some(items)) = (rule.get("contains"), schema.get("items")) {
            check_against(contained, items, &format!("{at}[]"), problems);
        }
    }

    #[test]
    fn every_rule_names_a_schema_and_fields_and_codes_the_document_has() {
        let mut problems = Vec::new();
        for rule in RULES {
            match schemas().get(rule.schema) {
                None => problems.push(format!("{}: no such schema", rule.schema)),
                Some(schema) => {
                    // The schema as utoipa built it: the rules are in its `allOf` now.
                    let mut own = schema.clone();
                    if let Some(own) = own.as_object_mut() {
                        own.remove("allOf");
                    }
                    check_against(&(rule.statement)(), &own, rule.schema, &mut problems);
                }
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn a_renamed_field_or_code_is_caught() {
        let mut problems = Vec::new();
        let rule = json!({
            "anyOf": [{"required": ["notes"], "properties": {"reason": {"not": {"enum": ["others"]}}}}]
        });
        check_against(&rule, &schemas()["HoldInput"], "HoldInput", &mut problems);
        assert_eq!(problems.len(), 2, "{problems:#?}");
    }

    #[test]
    fn the_served_document_carries_every_rule() {
        for rule in RULES {
            let all_of = schemas()[rule.schema]["allOf"]
                .as_array()
                .unwrap_or_else(|| panic!("{} has no allOf", rule.schema));
            let mut statement = (rule.statement)();
            crate::api::completion::exact_text_patterns(&mut statement);
            assert!(all_of.contains(&statement), "{} lacks a rule", rule.schema);
        }
    }

    #[test]
    fn a_rule_is_an_any_of_between_the_value_that_calls_for_it_and_the_others() {
        assert_eq!(
            hold_note(),
            json!({
                "anyOf": [
                    {"properties": {"reason": {"not": {"enum": ["other"]}}}},
                    {
                        "required": ["note", "reason"],
                        "properties": {
                            "note": {"type": "string", "pattern": r"\S"},
                            "reason": {"enum": ["other"]},
                        }
                    },
                ]
            })
        );
    }

    #[test]
    fn rules_join_an_all_of_or_start_one_beside_the_schemas_keywords() {
        let mut document = json!({"components": {"schemas": {
            "HoldInput": {"type": "object", "properties": {"reason": {}, "note": {}}},
            "ReviewInput": {"allOf": [{"type": "object"}]},
        }}});
        add_conditions(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["HoldInput"]["type"], "object");
        assert_eq!(schemas["HoldInput"]["allOf"], json!([hold_note()]));
        assert_eq!(
            schemas["ReviewInput"]["allOf"],
            json!([{"type": "object"}, review_note()])
        );
    }

    #[test]
    fn every_service_status_either_calls_for_an_end_day_or_refuses_one() {
        let day = chrono::NaiveDate::MIN;
        for &status in ServiceStatus::ALL {
            let without = mnir_domain::plan::check_service_dates(status, None, day).is_some();
            let with = mnir_domain::plan::check_service_dates(status, Some(day), day).is_some();
            assert_ne!(without, with, "{status}");
        }
    }

    #[test]
    fn the_day_rules_stand_on_fields_that_are_empty_or_a_day() {
        for (schema, field) in [
            ("ProceedingInput", "outcome_on"),
            ("DisclosureInput", "order_on"),
            ("ServiceInput", "actual_end_on"),
            ("StepInput", "date"),
        ] {
            // Made exact centrally: a calendar day, or the empty text.
            let day_or_nothing = &schemas()[schema]["properties"][field]["anyOf"];
            assert_eq!(day_or_nothing[0]["format"], "date", "{schema}.{field}");
            assert_eq!(day_or_nothing[1]["maxLength"], 0, "{schema}.{field}");
        }
    }
}
