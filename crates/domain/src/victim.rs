//! The victim profile a case worker records once the person is presumed a victim (mnir.md §11):
//! the Human Trafficking Case Data Standard's victim and exploitation fields (citizenships, forms
//! of exploitation, forced-labour industry, forms of sexual exploitation, methods of recruitment
//! and of control, relationship to the trafficker, age when trafficked, education) and ANITP's
//! own (places of recruitment and of exploitation, urban or rural). Its picklists are the
//! standard's value names, compiled in from `data/htcds-value-sets.csv`.

use crate::reference;
use crate::vocabulary::codes;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

codes!(
    /// A field of the victim profile; its text is what is stored and what the API and the form
    /// send.
    ProfileField {
        Citizenship => "citizenship",
        ExploitationTypes => "exploitation_types",
        SexExploitationTypes => "sex_exploitation_types",
        ForcedLabourIndustry => "forced_labour_industry",
        RecruitmentMethods => "recruitment_methods",
        ControlMethods => "control_methods",
        RelationshipToTrafficker => "relationship_to_trafficker",
        Education => "education",
        RecruitmentPlace => "recruitment_place",
        ExploitationPlace => "exploitation_place",
        Settlement => "settlement",
    }
);

/// What values a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A value set of `data/htcds-value-sets.csv`, by its name there.
    Picklist(&'static str),
    /// ISO 3166-1 alpha-2 country codes.
    Country,
    /// A county of the jurisdiction (ISO 3166-2, `RO-CJ`) or a country (`IT`).
    Place,
}

impl ProfileField {
    /// The HTCDS 2.0 field name, for a field the standard has.
    pub fn htcds_name(self) -> Option<&'static str> {
        Some(match self {
            ProfileField::Citizenship => "prs_Citizenship",
            ProfileField::ExploitationTypes => "vic_TypeOfExploitation",
            ProfileField::SexExploitationTypes => "vic_TypeOfSexExploitation",
            ProfileField::ForcedLabourIndustry => "vic_ForcedLabourIndustry",
            ProfileField::RecruitmentMethods => "vic_MethodOfRecruitment",
            ProfileField::ControlMethods => "vic_MethodsOfControl",
            ProfileField::RelationshipToTrafficker => "vic_RelationshipToTrafficker",
            ProfileField::Education => "prs_HighestLevelOfEducation",
            ProfileField::RecruitmentPlace
            | ProfileField::ExploitationPlace
            | ProfileField::Settlement => return None,
        })
    }

    /// Whether the field holds several values (HTCDS multi-select picklists).
    pub fn multiple(self) -> bool {
        matches!(
            self,
            ProfileField::Citizenship
                | ProfileField::ExploitationTypes
                | ProfileField::SexExploitationTypes
                | ProfileField::RecruitmentMethods
                | ProfileField::ControlMethods
        )
    }

    pub fn kind(self) -> ValueKind {
        match self {
            ProfileField::Citizenship => ValueKind::Country,
            ProfileField::RecruitmentPlace | ProfileField::ExploitationPlace => ValueKind::Place,
            ProfileField::Settlement => ValueKind::Picklist("settlement"),
            other => ValueKind::Picklist(other.htcds_name().unwrap_or_default()),
        }
    }

    /// The values of a picklist field, in the value set's order; empty for the others.
    pub fn options(self) -> Vec<&'static ValueLabel> {
        match self.kind() {
            ValueKind::Picklist(set) => value_sets().iter().filter(|v| v.field == set).collect(),
            ValueKind::Country | ValueKind::Place => Vec::new(),
        }
    }

    /// Whether `code` is one of the field's values.
    pub fn accepts(self, code: &str) -> bool {
        match self.kind() {
            ValueKind::Picklist(set) => value(set, code).is_some(),
            ValueKind::Country => reference::country(code).is_some(),
            ValueKind::Place => {
                reference::county(code).is_some() || reference::country(code).is_some()
            }
        }
    }
}

/// A value of a picklist, with its labels in the two languages of the interface.
#[derive(Debug, Clone, Deserialize)]
pub struct ValueLabel {
    /// The value set: the HTCDS field name, or `settlement`.
    pub field: String,
    /// The HTCDS value name, stored and exported as it is.
    pub code: String,
    pub label_en: String,
    pub label_ro: String,
}

pub fn value_sets() -> &'static [ValueLabel] {
    static TABLE: OnceLock<Vec<ValueLabel>> = OnceLock::new();
    TABLE.get_or_init(|| {
        csv::Reader::from_reader(include_str!("../../../data/htcds-value-sets.csv").as_bytes())
            .deserialize()
            .collect::<Result<_, _>>()
            // Compiled in and read by the tests: a malformed table is a build defect.
            .unwrap_or_else(|e| panic!("embedded table htcds-value-sets.csv is malformed: {e}"))
    })
}

/// A value of a value set, by the set's name and the value's code.
pub fn value(set: &str, code: &str) -> Option<&'static ValueLabel> {
    value_sets()
        .iter()
        .find(|v| v.field == set && v.code == code)
}

/// Whether a profile may be recorded or corrected on a case in `state`: once the person is
/// presumed a victim, while the mechanism still works with them (not on a closed case, nor on one
/// found no victim or a duplicate).
pub fn recordable_in(state: crate::CaseState) -> bool {
    use crate::CaseState;
    matches!(
        state,
        CaseState::PresumedVictim
            | CaseState::IdentifiedVictim
            | CaseState::InAssistance
            | CaseState::Returned
            | CaseState::DeclinedAssistance
    )
}

/// The oldest age a person can have been when trafficked.
pub const MAX_AGE: u32 = 120;

/// A recorded profile: each field's values (a single-valued field holds at most one), and the
/// age at which the person was trafficked. An absent field is not known yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimProfile {
    pub values: BTreeMap<ProfileField, Vec<String>>,
    pub age_when_trafficked: Option<u32>,
}

impl VictimProfile {
    /// A field's values; empty when not recorded.
    pub fn get(&self, field: ProfileField) -> &[String] {
        self.values.get(&field).map_or(&[], Vec::as_slice)
    }

    /// Whether the person was exploited outside the country they were recruited in (a place of
    /// exploitation that is another country); `None` until both places are known.
    pub fn international(&self, country: &str) -> Option<bool> {
        let country_of = |place: &str| {
            if reference::county(place).is_some() {
                country.to_string()
            } else {
                place.to_string()
            }
        };
        let recruited = self.get(ProfileField::RecruitmentPlace).first()?;
        let exploited = self.get(ProfileField::ExploitationPlace).first()?;
        Some(country_of(recruited) != country_of(exploited))
    }
}

/// What is wrong with one field of a submitted profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileProblem {
    /// A value the field does not take.
    Unknown { field: ProfileField, code: String },
    /// Several values in a field that holds one.
    OneOnly(ProfileField),
    /// The age is above [`MAX_AGE`].
    AgeOutOfRange,
    /// An industry of forced labour without a form of exploitation at work.
    IndustryWithoutLabour,
    /// Forms of sexual exploitation without sexual exploitation.
    SexTypesWithoutSexualExploitation,
}

/// The forms of exploitation at work, for which an industry may be recorded.
const WORK_FORMS: &[&str] = &["ForcedLabour", "ChildLabour", "Servitude"];

/// Checks a submitted profile: every value known to its field, one value where the field holds
/// one, the details of a form of exploitation only beside that form. Values are kept once each,
/// picklists in their value set's order, countries in the order given (the first is the
/// citizenship the person is known by).
pub fn check(
    submitted: BTreeMap<ProfileField, Vec<String>>,
    age_when_trafficked: Option<u32>,
) -> Result<VictimProfile, Vec<ProfileProblem>> {
    let mut problems = Vec::new();
    let mut values = BTreeMap::new();
    for (field, codes) in submitted {
        let mut kept: Vec<String> = Vec::new();
        for code in codes {
            let code = code.trim();
            if code.is_empty() || kept.iter().any(|k| k == code) {
                continue;
            }
            if !field.accepts(code) {
                problems.push(ProfileProblem::Unknown {
                    field,
                    code: code.to_string(),
                });
                continue;
            }
            kept.push(code.to_string());
        }
        if kept.len() > 1 && !field.multiple() {
            problems.push(ProfileProblem::OneOnly(field));
            continue;
        }
        if let ValueKind::Picklist(_) = field.kind() {
            let order = field.options();
            kept.sort_by_key(|code| order.iter().position(|o| &o.code == code));
        }
        if !kept.is_empty() {
            values.insert(field, kept);
        }
    }
    if age_when_trafficked.is_some_and(|a| a > MAX_AGE) {
        problems.push(ProfileProblem::AgeOutOfRange);
    }
    let profile = VictimProfile {
        values,
        age_when_trafficked,
    };
    let forms = profile.get(ProfileField::ExploitationTypes);
    if !profile.get(ProfileField::ForcedLabourIndustry).is_empty()
        && !forms.iter().any(|f| WORK_FORMS.contains(&f.as_str()))
    {
        problems.push(ProfileProblem::IndustryWithoutLabour);
    }
    if !profile.get(ProfileField::SexExploitationTypes).is_empty()
        && !forms.iter().any(|f| f == "SexualExploitation")
    {
        problems.push(ProfileProblem::SexTypesWithoutSexualExploitation);
    }
    if problems.is_empty() {
        Ok(profile)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submitted(pairs: &[(ProfileField, &[&str])]) -> BTreeMap<ProfileField, Vec<String>> {
        pairs
            .iter()
            .map(|(f, v)| (*f, v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn every_picklist_holds_the_standards_value_names() {
        let sets: Vec<&str> = ProfileField::ALL
            .iter()
            .filter_map(|f| match f.kind() {
                ValueKind::Picklist(set) => Some(set),
                _ => None,
            })
            .collect();
        for set in &sets {
            assert!(
                value_sets().iter().any(|v| v.field == *set),
                "{set} has values"
            );
        }
        // Every row belongs to a field of the profile, and is labelled in both languages.
        for v in value_sets() {
            assert!(sets.contains(&v.field.as_str()), "{} is used", v.field);
            assert!(
                !v.label_en.is_empty() && !v.label_ro.is_empty(),
                "{}",
                v.code
            );
        }
        assert_eq!(ProfileField::ExploitationTypes.options().len(), 11);
        assert_eq!(ProfileField::ForcedLabourIndustry.options().len(), 21);
        assert_eq!(ProfileField::ControlMethods.options().len(), 16);
        // The standard's own spelling, kept so that an export is read by HTCDS systems.
        assert!(ProfileField::RelationshipToTrafficker.accepts("Unaquainted"));
        assert!(!ProfileField::RelationshipToTrafficker.accepts("Unacquainted"));
    }

    #[test]
    fn a_profile_keeps_known_values_once_each_in_their_order() {
        let profile = check(
            submitted(&[
                (ProfileField::Citizenship, &["RO", "MD", "RO", " "]),
                (
                    ProfileField::ExploitationTypes,
                    &["ForcedLabour", "SexualExploitation", "ForcedLabour"],
                ),
                (ProfileField::ForcedLabourIndustry, &["F_Construction"]),
                (ProfileField::RecruitmentPlace, &["RO-CJ"]),
                (ProfileField::ExploitationPlace, &["IT"]),
                (ProfileField::Settlement, &["rural"]),
            ]),
            Some(17),
        )
        .unwrap();
        assert_eq!(profile.get(ProfileField::Citizenship), ["RO", "MD"]);
        assert_eq!(
            profile.get(ProfileField::ExploitationTypes),
            ["SexualExploitation", "ForcedLabour"],
            "in the value set's order"
        );
        assert_eq!(profile.international("RO"), Some(true));
        assert!(profile.get(ProfileField::ControlMethods).is_empty());
        assert_eq!(profile.age_when_trafficked, Some(17));
    }

    #[test]
    fn wrong_values_are_each_named() {
        let problems = check(
            submitted(&[
                (ProfileField::Citizenship, &["XX"]),
                (
                    ProfileField::Education,
                    &["PrimaryEducation", "DoctoralOrEquivalentLevel"],
                ),
                (ProfileField::ForcedLabourIndustry, &["F_Construction"]),
                (ProfileField::SexExploitationTypes, &["Prostitution"]),
                (ProfileField::RecruitmentPlace, &["RO-ZZ"]),
            ]),
            Some(121),
        )
        .unwrap_err();
        assert!(problems.contains(&ProfileProblem::Unknown {
            field: ProfileField::Citizenship,
            code: "XX".into()
        }));
        assert!(problems.contains(&ProfileProblem::OneOnly(ProfileField::Education)));
        assert!(problems.contains(&ProfileProblem::Unknown {
            field: ProfileField::RecruitmentPlace,
            code: "RO-ZZ".into()
        }));
        assert!(problems.contains(&ProfileProblem::AgeOutOfRange));
        assert!(problems.contains(&ProfileProblem::IndustryWithoutLabour));
        assert!(problems.contains(&ProfileProblem::SexTypesWithoutSexualExploitation));
    }

    #[test]
    fn a_case_exploited_at_home_is_internal() {
        let profile = check(
            submitted(&[
                (ProfileField::RecruitmentPlace, &["RO-VS"]),
                (ProfileField::ExploitationPlace, &["RO-B"]),
            ]),
            None,
        )
        .unwrap();
        assert_eq!(profile.international("RO"), Some(false));
        assert_eq!(VictimProfile::default().international("RO"), None);
    }
}
