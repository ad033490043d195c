//! Notifying a potential victim: the input as typed, its validation with an issue per field,
//! and the case it becomes, stored with the clocks a notification starts.

use crate::schema;
use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use chrono::{DateTime, NaiveDate, Utc};
use mnir_domain::{AgeGroup, CaseState, Exploitation, Sex, age_on, reference, route};
use mnir_store::{CaseAccess, HistoryEntry, NewCase, User};
use serde::Deserialize;
use utoipa::openapi::schema::{Array, ArrayBuilder, Object, ObjectBuilder, SchemaType, Type};

pub const MAX_NAME: usize = 100;
pub const MAX_NOTES: usize = 5000;
/// Citizenship not (yet) known: ISO 3166-1 leaves `XX` to users, and it is commonly so used.
pub use mnir_domain::htcds::UNKNOWN_CITIZENSHIP;

/// The fields of a notification exactly as submitted, kept to re-fill the form after an error.
/// A notification names the person: a given name, a family name or both (a name the person uses
/// is enough).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NotificationInput {
    /// At most 100 characters; needed unless the family name is given.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub given_name: String,
    /// At most 100 characters; needed unless the given name is given.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub family_name: String,
    #[serde(default)]
    #[schema(schema_with = birth_date_schema)]
    pub birth_date: Option<String>,
    #[serde(default)]
    #[schema(schema_with = sex_schema, required = true)]
    pub sex: String,
    #[serde(default)]
    #[schema(schema_with = citizenship_schema, required = true)]
    pub citizenship: String,
    #[serde(default)]
    #[schema(schema_with = county_schema, required = true)]
    pub found_in_county: String,
    #[serde(default)]
    #[schema(schema_with = signals_schema)]
    pub signals: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = exploitation_schema)]
    pub exploitation: Option<String>,
    /// At most 5000 characters.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub notes: String,
}

// `max_length` above is MAX_NAME and MAX_NOTES (the attribute takes a literal).
const _: () = assert!(MAX_NAME == 100 && MAX_NOTES == 5000);

// The API document's schemas of the fields above, as `validate` reads them: `schema_with` states
// a field alone, so each says what its field holds; the lists are the reference data `validate`
// checks against.

fn described(mut schema: Object, description: &str) -> Object {
    schema.description = Some(description.into());
    schema
}

fn birth_date_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        // A day from 1900 on (the month and day in range); empty when not known.
        .pattern(Some(
            r"^((19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$",
        ))
        .description(Some(
            "`YYYY-MM-DD`, not after today and not before 1900-01-01; empty, null or absent \
             when not known.",
        ))
        .build()
}

fn sex_schema() -> Object {
    described(
        schema::one_of(Sex::ALL.iter().map(|s| s.as_str())),
        "As recorded at notification.",
    )
}

fn citizenship_schema() -> Object {
    described(
        schema::one_of(
            std::iter::once(UNKNOWN_CITIZENSHIP)
                .chain(reference::countries().iter().map(|c| c.code.as_str())),
        ),
        "ISO 3166-1 alpha-2 code, or `XX` when not known.",
    )
}

fn county_schema() -> Object {
    described(
        schema::one_of(reference::counties().iter().map(|c| c.code.as_str())),
        "ISO 3166-2 code of the Romanian county where the person was found, e.g. `RO-CJ`.",
    )
}

fn signals_schema() -> Array {
    // No `uniqueItems`: a signal given twice is kept once, not refused.
    ArrayBuilder::new()
        .items(schema::one_of(
            reference::signals().iter().map(|s| s.code.as_str()),
        ))
        .description(Some("Codes of the front-line signals observed."))
        .build()
}

fn exploitation_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(
            Exploitation::ALL
                .iter()
                .map(|e| Some(e.as_str()))
                .chain([Some(""), None]),
        ))
        .description(Some(
            "The form of exploitation; empty, null or absent when not known.",
        ))
        .build()
}

fn error(field: &'static str, id: &'static str) -> FieldIssue {
    FieldIssue::new(field, id)
}

/// Checks a notification and builds the case, routed as mnir.md §2 requires. All errors are
/// reported at once so the user can fix the form in one pass.
pub fn validate(
    input: &NotificationInput,
    notifier: &User,
    now: DateTime<Utc>,
    // The jurisdiction's date: a birthday is reached at local midnight, not UTC's.
    today: NaiveDate,
    id: String,
    reference_code: String,
) -> Result<NewCase, Vec<FieldIssue>> {
    let mut errors = Vec::new();
    let given_name = crate::text::trimmed(&input.given_name).to_string();
    let family_name = crate::text::trimmed(&input.family_name).to_string();
    if given_name.is_empty() && family_name.is_empty() {
        errors.push(error("given_name", "field-name-required"));
    }
    // Limits count the text as sent, spaces at either end included, as the API's document
    // states them.
    for (field, value) in [
        ("given_name", &input.given_name),
        ("family_name", &input.family_name),
    ] {
        if value.chars().count() > MAX_NAME {
            errors.push(error(field, "field-name-too-long"));
        }
    }
    let birth_date = match input
        .birth_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => match mnir_domain::parse_iso_date(text).ok_or(()) {
            Ok(d) if d > today => {
                errors.push(error("birth_date", "field-birth-date-future"));
                None
            }
            Ok(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                errors.push(error("birth_date", "field-birth-date-too-old"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(error("birth_date", "field-birth-date-format"));
                None
            }
        },
    };
    let sex = input
        .sex
        .parse::<Sex>()
        .map_err(|_| errors.push(error("sex", "field-sex-invalid")))
        .ok();
    let citizenship = input.citizenship.trim().to_ascii_uppercase();
    if citizenship != UNKNOWN_CITIZENSHIP && reference::country(&citizenship).is_none() {
        errors.push(error("citizenship", "field-citizenship-invalid"));
    }
    let county = input.found_in_county.trim().to_string();
    if reference::county(&county).is_none() {
        errors.push(error("found_in_county", "field-county-invalid"));
    }
    let mut signals: Vec<String> = Vec::new();
    for code in &input.signals {
        let code = code.trim().to_ascii_uppercase();
        if reference::signal(&code).is_none() {
            errors.push(FieldIssue {
                field: "signals".into(),
                message: Message::new("field-signal-unknown").with("code", Arg::Text(code.clone())),
                against_records: false,
            });
        } else if !signals.contains(&code) {
            signals.push(code);
        }
    }
    signals.sort();
    let exploitation = match input
        .exploitation
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => text
            .parse::<Exploitation>()
            .map_err(|_| errors.push(error("exploitation", "field-exploitation-invalid")))
            .ok(),
    };
    let notes = crate::text::trimmed(&input.notes).to_string();
    if input.notes.chars().count() > MAX_NOTES {
        errors.push(error("notes", "field-notes-too-long"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let age_years = birth_date.and_then(|b| age_on(b, today));
    let age_group = AgeGroup::from_age(age_years);
    let access = route(&notifier.org.code, &county, age_group)
        .ok_or_else(|| vec![error("found_in_county", "field-county-invalid")])?
        .into_iter()
        .map(|(org_code, basis)| CaseAccess { org_code, basis })
        .collect();
    let now_ms = mnir_store::Timestamp::from_utc(now);
    Ok(NewCase {
        id,
        reference: reference_code,
        state: CaseState::Notified,
        given_name,
        family_name,
        birth_date,
        sex: sex.unwrap_or(Sex::Unknown),
        citizenship,
        found_in_county: county,
        age_years,
        age_group,
        exploitation,
        signals,
        notes,
        notifying_org: notifier.org.code.clone(),
        created_by: Some(notifier.id.clone()),
        notified_at_ms: now_ms,
        access,
        history: vec![HistoryEntry {
            from: None,
            to: CaseState::Notified,
            actor_user: Some(notifier.id.clone()),
            actor_org: notifier.org.code.clone(),
            at_ms: now_ms,
            reason: String::new(),
        }],
    })
}

/// A fresh case id and reference from the operating system's randomness. Both are random: an id
/// is in every link to the case, in browser histories and proxy logs, and a time-ordered one
/// (as synthetic cases have, for loading speed) would tell when the case was created.
pub fn fresh_identifiers() -> (String, String) {
    use rand::Rng;
    (
        uuid::Uuid::new_v4().to_string(),
        mnir_domain::case_reference(rand::rngs::OsRng.r#gen()),
    )
}

/// Whether the actor may notify at all (the form is shown only then).
pub fn may_notify(who: &Who) -> AppResult<()> {
    mnir_domain::can(&who.actor(), mnir_domain::Action::NotifyCase, None)?;
    Ok(())
}

/// Notifies a potential victim: validates the input, routes the case (mnir.md §2) and stores it
/// with its acknowledgement clock, in one transaction. Returns the new case.
pub async fn notify(app: &App, who: &Who<'_>, input: &NotificationInput) -> AppResult<NewCase> {
    may_notify(who)?;
    let (id, reference_code) = fresh_identifiers();
    let now = who.now().to_utc();
    let today = app.jurisdiction().local_date(now);
    let case =
        validate(input, who.user, now, today, id, reference_code).map_err(AppError::Invalid)?;
    let plan = mnir_domain::clocks::on_notification();
    let org = mnir_store::answering_org(&case.access).unwrap_or_else(|| case.notifying_org.clone());
    let clocks: Vec<mnir_store::ClockRecord> = plan
        .start
        .iter()
        .filter_map(|kind| crate::clocks::new_clock(app, *kind, &case.id, &org, who.now(), false))
        .collect();
    app.store().create_case(&case, &clocks, &who.by).await?;
    crate::duplicates::after_notification(app, &case.id, &who.by).await;
    Ok(case)
}
