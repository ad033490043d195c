//! A notification of a potential victim: the input as typed, its validation with errors per
//! field in the user's language, and the case it becomes.

use crate::error::FieldError;
use crate::i18n::Tr;
use chrono::{DateTime, NaiveDate, Utc};
use mnir_domain::{AgeGroup, CaseState, Exploitation, Sex, age_on, reference, route};
use mnir_store::{CaseAccess, HistoryEntry, NewCase, User};
use serde::Deserialize;

pub const MAX_NAME: usize = 100;
pub const MAX_NOTES: usize = 5000;
/// Citizenship not (yet) known: ISO 3166-1 leaves `XX` to users, and it is commonly so used.
pub const UNKNOWN_CITIZENSHIP: &str = "XX";

/// The fields of a notification exactly as submitted, kept to re-fill the form after an error.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NotificationInput {
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    /// `YYYY-MM-DD`; empty or absent when not known.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// `female`, `male`, `other` or `unknown`.
    #[serde(default)]
    pub sex: String,
    /// ISO 3166-1 alpha-2 code, or `XX` when not known.
    #[serde(default)]
    pub citizenship: String,
    /// ISO 3166-2 code of a Romanian county, e.g. `RO-CJ`.
    #[serde(default)]
    pub found_in_county: String,
    /// Codes of the front-line signals observed (`S01`…`S20`).
    #[serde(default)]
    pub signals: Vec<String>,
    /// `sexual`, `labour`, `begging`, `criminality`, `other`; absent when not known.
    #[serde(default)]
    pub exploitation: Option<String>,
    #[serde(default)]
    pub notes: String,
}

impl NotificationInput {
    /// Reads a form body, where `signals` may repeat.
    pub fn from_pairs(pairs: &[(String, String)]) -> NotificationInput {
        let mut input = NotificationInput::default();
        for (key, value) in pairs {
            match key.as_str() {
                "given_name" => input.given_name = value.clone(),
                "family_name" => input.family_name = value.clone(),
                "birth_date" => input.birth_date = Some(value.clone()),
                "sex" => input.sex = value.clone(),
                "citizenship" => input.citizenship = value.clone(),
                "found_in_county" => input.found_in_county = value.clone(),
                "signals" => input.signals.push(value.clone()),
                "exploitation" => input.exploitation = Some(value.clone()),
                "notes" => input.notes = value.clone(),
                _ => {}
            }
        }
        input
    }
}

fn error(field: &str, tr: &Tr, key: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: tr.t(key),
    }
}

/// Checks a notification and builds the case, routed as mnir.md §2 requires. All errors are
/// reported at once so the user can fix the form in one pass.
pub fn validate(
    input: &NotificationInput,
    tr: &Tr,
    notifier: &User,
    now: DateTime<Utc>,
    id: String,
    reference_code: String,
) -> Result<NewCase, Vec<FieldError>> {
    let mut errors = Vec::new();
    let given_name = input.given_name.trim().to_string();
    let family_name = input.family_name.trim().to_string();
    if given_name.is_empty() && family_name.is_empty() {
        errors.push(error("given_name", tr, "field-name-required"));
    }
    for (field, value) in [("given_name", &given_name), ("family_name", &family_name)] {
        if value.chars().count() > MAX_NAME {
            errors.push(error(field, tr, "field-name-too-long"));
        }
    }
    let today = now.date_naive();
    let birth_date = match input
        .birth_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) if d > today => {
                errors.push(error("birth_date", tr, "field-birth-date-future"));
                None
            }
            Ok(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                errors.push(error("birth_date", tr, "field-birth-date-too-old"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(error("birth_date", tr, "field-birth-date-format"));
                None
            }
        },
    };
    let sex = input
        .sex
        .parse::<Sex>()
        .map_err(|_| errors.push(error("sex", tr, "field-sex-invalid")))
        .ok();
    let citizenship = input.citizenship.trim().to_ascii_uppercase();
    if citizenship != UNKNOWN_CITIZENSHIP && reference::country(&citizenship).is_none() {
        errors.push(error("citizenship", tr, "field-citizenship-invalid"));
    }
    let county = input.found_in_county.trim().to_string();
    if reference::county(&county).is_none() {
        errors.push(error("found_in_county", tr, "field-county-invalid"));
    }
    let mut signals: Vec<String> = Vec::new();
    for code in &input.signals {
        let code = code.trim().to_ascii_uppercase();
        if reference::signal(&code).is_none() {
            errors.push(FieldError {
                field: "signals".into(),
                message: tr.t_with("field-signal-unknown", &[("code", code.clone().into())]),
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
            .map_err(|_| errors.push(error("exploitation", tr, "field-exploitation-invalid")))
            .ok(),
    };
    let notes = input.notes.trim().to_string();
    if notes.chars().count() > MAX_NOTES {
        errors.push(error("notes", tr, "field-notes-too-long"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let age_years = birth_date.and_then(|b| age_on(b, today));
    let age_group = AgeGroup::from_age(age_years);
    let access = route(&notifier.org.code, &county, age_group)
        .ok_or_else(|| vec![error("found_in_county", tr, "field-county-invalid")])?
        .into_iter()
        .map(|(org_code, basis)| CaseAccess {
            org_code,
            basis: basis.as_str().to_string(),
        })
        .collect();
    let now_ms = now.timestamp_millis();
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

/// A fresh case id and reference from the operating system's randomness.
pub fn fresh_identifiers() -> (String, String) {
    use rand::Rng;
    (
        uuid::Uuid::new_v4().to_string(),
        mnir_domain::case_reference(rand::rngs::OsRng.r#gen()),
    )
}
