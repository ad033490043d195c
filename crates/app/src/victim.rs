//! The victim profile of a case (HTCDS victim and exploitation fields, mnir.md §11): read by the
//! case's organisations' staff who see identities, recorded by those who run the identification
//! interview once the person is presumed a victim, kept current as a whole.

use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use mnir_domain::victim::{self, ProfileField, ProfileProblem};
use mnir_domain::{Action, CaseState, can};
use mnir_store::VictimProfileRecord;
use std::collections::BTreeMap;

pub use mnir_domain::victim::recordable_in;

/// The profile of a case as its reader sees it.
#[derive(Debug, Clone)]
pub struct ProfileView {
    pub reference: String,
    pub state: CaseState,
    /// The case's citizenship as notified, which a first profile starts from.
    pub notified_citizenship: String,
    pub record: Option<VictimProfileRecord>,
    /// Whether the reader may record or correct it now.
    pub may_record: bool,
}

/// Reads the profile of a case; audited as a read of the case.
pub async fn profile(app: &App, who: &Who<'_>, case_id: &str) -> AppResult<ProfileView> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::ViewVictimProfile, Some(&facts))?;
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
    Ok(ProfileView {
        reference: detail.summary.reference,
        state: facts.state,
        notified_citizenship: detail.summary.citizenship,
        record: app.store().victim_profile(case_id).await?,
        may_record: recordable_in(facts.state)
            && can(&who.actor(), Action::RecordVictimProfile, Some(&facts)).is_ok(),
    })
}

/// The message of a problem with a submitted profile, and the field it belongs to.
fn issue(problem: &ProfileProblem) -> FieldIssue {
    match problem {
        ProfileProblem::Unknown { field, code } => FieldIssue {
            field: field.as_str().into(),
            message: Message::new("victim-profile-unknown-value")
                .with("value", Arg::Text(code.clone())),
            against_records: false,
        },
        ProfileProblem::OneOnly(field) => {
            FieldIssue::new(field.as_str(), "victim-profile-one-only")
        }
        ProfileProblem::AgeOutOfRange => {
            FieldIssue::new("age_when_trafficked", "victim-profile-age")
        }
        ProfileProblem::IndustryWithoutLabour => {
            FieldIssue::new("forced_labour_industry", "victim-profile-industry")
        }
        ProfileProblem::SexTypesWithoutSexualExploitation => {
            FieldIssue::new("sex_exploitation_types", "victim-profile-sex-types")
        }
    }
}

/// How a submission says it does not know a field: a form sends a blank value for each choice
/// left empty, the API an empty list or null (so a blank value there is one the field does not
/// take, as its document states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blanks {
    Skipped,
    Refused,
}

/// Records (or corrects) the profile of a case: `values` by field, `age` as typed (empty when
/// not known), blank values taken as `blanks` says. Every problem is reported at once, and
/// nothing is stored unless there is none.
pub async fn record_profile(
    app: &App,
    who: &Who<'_>,
    case_id: &str,
    values: BTreeMap<ProfileField, Vec<String>>,
    age: &str,
    blanks: Blanks,
) -> AppResult<VictimProfileRecord> {
    let facts = crate::cases::facts(app, who, case_id).await?;
    can(&who.actor(), Action::RecordVictimProfile, Some(&facts))?;
    if !recordable_in(facts.state) {
        return Err(AppError::Conflict(
            Message::new("victim-profile-state")
                .with("state", Arg::Term("state", facts.state.to_string())),
        ));
    }
    let mut issues = Vec::new();
    if blanks == Blanks::Refused {
        // The blanks `victim::check` would skip.
        for (field, codes) in &values {
            for code in codes.iter().filter(|c| c.trim().is_empty()) {
                issues.push(issue(&ProfileProblem::Unknown {
                    field: *field,
                    code: code.clone(),
                }));
            }
        }
    }
    let age = age.trim();
    let age = if age.is_empty() {
        None
    } else {
        match age.parse::<u32>() {
            Ok(years) => Some(years),
            Err(_) => {
                issues.push(FieldIssue::new("age_when_trafficked", "victim-profile-age"));
                None
            }
        }
    };
    let checked = victim::check(values, age);
    if let Err(problems) = &checked {
        issues.extend(problems.iter().map(issue));
    }
    let profile = match checked {
        Ok(profile) if issues.is_empty() => profile,
        _ => return Err(AppError::Invalid(issues)),
    };
    let record = VictimProfileRecord {
        case_id: case_id.to_string(),
        profile,
        org_code: who.user.org.code.clone(),
        recorded_by: who.user.id.clone(),
        updated_at_ms: who.now(),
    };
    // Stored only if the case is still in the state the checks saw, its row locked meanwhile, so
    // that two savers queue and a case found no victim at the same moment gets no profile.
    match app
        .store()
        .put_victim_profile(&record, facts.state, &who.by)
        .await
    {
        Ok(()) => Ok(record),
        Err(mnir_store::StoreError::StaleState { current }) => {
            Err(AppError::Conflict(Message::stale(current)))
        }
        Err(e) => Err(e.into()),
    }
}
