//! Exchange in the Human Trafficking Case Data Standard 2.0 (HTCDS, mnir.md §11): a case as one
//! row of the standard's fields for partners (IOM, CTDC), a de-identified extract for open data,
//! and the reading of such rows back for a migration from another system.
//!
//! HTCDS has no field that names a case. Its own Excel template ("Case Sheet") leaves the first
//! column without a field name; an export writes the case's reference there, and an import reads
//! it as the key that makes a second import of the same file store nothing twice. Every other
//! column is a field of the standard, every value one of its value names (`data/htcds-fields.csv`,
//! the standard's field list, is what the tests check that against).

use crate::case::{AgeGroup, CaseState, Exploitation, Sex, parse_iso_date};
use crate::reference;
use crate::statistics::Dimension;
use crate::victim::{self, ProfileField, ProfileProblem, VictimProfile};
use crate::vocabulary::codes;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// A field of the standard as it defines it.
#[derive(Debug, Clone, Deserialize)]
pub struct StandardField {
    pub field: String,
    /// `DRAFT` or `DEPRECATED`.
    pub status: String,
    /// `Text`, `Picklist`, `Multiselect Picklist`, `Date`, `Number`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The picklist's value names, `|`-separated; empty for fields of other types and for those
    /// whose values are ISO codes.
    pub value_names: String,
}

impl StandardField {
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.value_names.split('|').filter(|v| !v.is_empty())
    }
}

/// Every field of HTCDS 2.0, compiled in from `data/htcds-fields.csv`.
pub fn standard() -> &'static [StandardField] {
    static TABLE: OnceLock<Vec<StandardField>> = OnceLock::new();
    TABLE.get_or_init(|| {
        csv::Reader::from_reader(include_str!("../../../data/htcds-fields.csv").as_bytes())
            .deserialize()
            .collect::<Result<_, _>>()
            // Compiled in and read by the tests: a malformed table is a build defect.
            .unwrap_or_else(|e| panic!("embedded table htcds-fields.csv is malformed: {e}"))
    })
}

pub fn standard_field(name: &str) -> Option<&'static StandardField> {
    standard().iter().find(|f| f.field == name)
}

codes!(
    /// A column of mnir's HTCDS files, by its field name; the first column has none (the case's
    /// reference, where the standard's template numbers its rows).
    Column {
        Reference => "",
        FirstName => "prs_FirstName",
        SecondName => "prs_SecondName",
        Birthdate => "prs_Birthdate",
        Gender => "prs_Gender",
        Citizenship => "prs_Citizenship",
        Education => "prs_HighestLevelOfEducation",
        TraffickingStatus => "vic_TraffickingStatus",
        Relationship => "vic_RelationshipToTrafficker",
        AgeWhenTrafficked => "vic_AgeWhenTrafficked",
        RecruitmentMethods => "vic_MethodOfRecruitment",
        RecruitmentLocation => "vic_LocationOfRecruitment",
        ControlMethods => "vic_MethodsOfControl",
        ExploitationTypes => "vic_TypeOfExploitation",
        ForcedLabourIndustry => "vic_ForcedLabourIndustry",
        SexExploitationTypes => "vic_TypeOfSexExploitation",
        ExploitationLocation => "vic_LocationOfExploitation",
        CaseStatus => "cas_Status",
        ReferringOrganisation => "cas_ReferringOrganisation",
        IncomingReferralDate => "cas_IncomingReferralDate",
    }
);

/// What joins the values of a multi-select field in a cell.
pub const MULTI_SEPARATOR: char = ';';

impl Column {
    /// The person's name and birth date: only for a recipient whose legal basis is recorded.
    pub fn identifying(self) -> bool {
        matches!(
            self,
            Column::FirstName | Column::SecondName | Column::Birthdate
        )
    }

    /// The victim profile's field the column holds, for those that hold one.
    pub fn profile_field(self) -> Option<ProfileField> {
        Some(match self {
            Column::Citizenship => ProfileField::Citizenship,
            Column::Education => ProfileField::Education,
            Column::Relationship => ProfileField::RelationshipToTrafficker,
            Column::RecruitmentMethods => ProfileField::RecruitmentMethods,
            Column::RecruitmentLocation => ProfileField::RecruitmentPlace,
            Column::ControlMethods => ProfileField::ControlMethods,
            Column::ExploitationTypes => ProfileField::ExploitationTypes,
            Column::ForcedLabourIndustry => ProfileField::ForcedLabourIndustry,
            Column::SexExploitationTypes => ProfileField::SexExploitationTypes,
            Column::ExploitationLocation => ProfileField::ExploitationPlace,
            _ => return None,
        })
    }
}

/// The columns of an export, in the order the standard's template has them: with the identifying
/// ones only when `identifying`.
pub fn columns(identifying: bool) -> Vec<Column> {
    Column::ALL
        .iter()
        .copied()
        .filter(|c| identifying || !c.identifying())
        .collect()
}

/// `vic_TraffickingStatus` and `cas_Status` of a case in `state`; `None` for a duplicate, whose
/// person is the other case's. A case is closed in mnir only after the person was identified
/// (the transition table reaches `closed` through assistance alone), so a closed case is an
/// actual victim's.
pub fn status_pair(state: CaseState) -> Option<(&'static str, &'static str)> {
    use CaseState::*;
    Some(match state {
        Notified | PotentialVictim | PresumedVictim => ("PossibleVictimOfTrafficking", "Active"),
        IdentifiedVictim | InAssistance => ("ActualVictimOfTrafficking", "Active"),
        Returned => ("ActualVictimOfTrafficking", "FollowUp"),
        DeclinedAssistance | Closed => ("ActualVictimOfTrafficking", "Closed"),
        NotAVictim => ("NotAVictimOfTrafficking", "ClosedReferred"),
        Duplicate => return None,
    })
}

/// The state an imported case takes from its two status fields: of the states whose export
/// gives them back, the one that claims least. A possible victim is a potential victim: no
/// identification step is invented for them, and they are not counted as victims until someone
/// here finds reasonable grounds. `None` for a pair mnir has no state for (a possible victim
/// whose case is closed: the mechanism closes only identified victims' cases).
pub fn state_from(trafficking_status: &str, case_status: &str) -> Option<CaseState> {
    use CaseState::*;
    Some(match (trafficking_status, case_status) {
        ("NotAVictimOfTrafficking", _) => NotAVictim,
        ("PossibleVictimOfTrafficking", "Active" | "FollowUp") => PotentialVictim,
        ("ActualVictimOfTrafficking", "Active") => IdentifiedVictim,
        ("ActualVictimOfTrafficking", "FollowUp") => Returned,
        ("ActualVictimOfTrafficking", "Closed" | "ClosedReferred") => Closed,
        _ => return None,
    })
}

/// The steps from `notified` to `target` by the transition table, shortest first found: the
/// history an imported case is given, so that it is counted and shown as any case that went that
/// way.
pub fn path_to(target: CaseState) -> Vec<CaseState> {
    let mut came_from: HashMap<CaseState, CaseState> = HashMap::new();
    let mut frontier = vec![CaseState::Notified];
    while !frontier.is_empty() && !came_from.contains_key(&target) {
        let mut next = Vec::new();
        for from in frontier {
            for to in crate::case::next_states(from) {
                if to != CaseState::Notified && !came_from.contains_key(&to) {
                    came_from.insert(to, from);
                    next.push(to);
                }
            }
        }
        frontier = next;
    }
    let mut path = vec![target];
    // Notified is never reached from another state, so the walk back ends there.
    while let Some(before) = came_from.get(path.last().unwrap_or(&target)) {
        path.push(*before);
    }
    path.reverse();
    path
}

/// The sex an imported `prs_Gender` is recorded as.
fn sex_from(gender: &str) -> Option<Sex> {
    Some(match gender {
        "Feminine" => Sex::Female,
        "Masculine" => Sex::Male,
        "TransgenderFeminine" | "TransgenderMasculine" | "NonConforming" => Sex::Other,
        "NonSpecifiedUnknown" | "" => Sex::Unknown,
        _ => return None,
    })
}

/// The form of exploitation a case is filed under, from the first of its HTCDS forms.
fn exploitation_from(form: &str) -> Exploitation {
    match form {
        "SexualExploitation" => Exploitation::Sexual,
        "ForcedLabour" | "ChildLabour" | "Servitude" => Exploitation::Labour,
        "ForcedBegging" => Exploitation::Begging,
        _ => Exploitation::Other,
    }
}

/// The person's identity, in an export only for a recipient with a legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
}

/// A case as the exchange sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeCase {
    pub reference: String,
    pub identity: Option<Identity>,
    pub sex: Sex,
    pub state: CaseState,
    /// The citizenship notified (`XX` when not known).
    pub citizenship: String,
    pub exploitation: Option<Exploitation>,
    pub notifying_org: String,
    /// The day of the notification, in the jurisdiction's time.
    pub notified_on: NaiveDate,
    pub profile: VictimProfile,
}

impl ExchangeCase {
    /// The citizenships: the profile's, or the one notified when the profile has none.
    fn citizenships(&self) -> Vec<String> {
        let recorded = self.profile.get(ProfileField::Citizenship);
        if !recorded.is_empty() {
            return recorded.to_vec();
        }
        reference::country(&self.citizenship)
            .map(|c| vec![c.code.clone()])
            .unwrap_or_default()
    }

    /// The forms of exploitation: the profile's, or the HTCDS form of the one notified.
    fn exploitation_types(&self) -> Vec<String> {
        let recorded = self.profile.get(ProfileField::ExploitationTypes);
        if !recorded.is_empty() {
            return recorded.to_vec();
        }
        self.exploitation
            .map(|e| vec![e.htcds_type().to_string()])
            .unwrap_or_default()
    }

    /// The text of one cell. `None` for a duplicate, which is never exported.
    pub fn cell(&self, column: Column) -> Option<String> {
        let (status, case_status) = status_pair(self.state)?;
        let joined = |values: &[String]| values.join(MULTI_SEPARATOR.encode_utf8(&mut [0; 4]));
        let identity = self.identity.as_ref();
        Some(match column {
            Column::Reference => self.reference.clone(),
            Column::FirstName => identity.map(|i| i.given_name.clone()).unwrap_or_default(),
            Column::SecondName => identity.map(|i| i.family_name.clone()).unwrap_or_default(),
            Column::Birthdate => identity
                .and_then(|i| i.birth_date)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            Column::Gender => self.sex.htcds_gender().to_string(),
            Column::Citizenship => joined(&self.citizenships()),
            Column::ExploitationTypes => joined(&self.exploitation_types()),
            Column::TraffickingStatus => status.to_string(),
            Column::CaseStatus => case_status.to_string(),
            Column::AgeWhenTrafficked => self
                .profile
                .age_when_trafficked
                .map(|a| a.to_string())
                .unwrap_or_default(),
            Column::ReferringOrganisation => self.notifying_org.clone(),
            Column::IncomingReferralDate => self.notified_on.format("%Y-%m-%d").to_string(),
            other => match other.profile_field() {
                Some(field) => joined(self.profile.get(field)),
                None => String::new(),
            },
        })
    }

    /// The row of `columns`; `None` for a duplicate.
    pub fn row(&self, columns: &[Column]) -> Option<Vec<String>> {
        columns.iter().map(|c| self.cell(*c)).collect()
    }
}

/// What is wrong with one cell (or one header) of an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// A header that is not a field of the standard.
    UnknownColumn(String),
    /// A header that comes twice.
    RepeatedColumn(String),
    /// A column mnir cannot do without is missing from the header.
    MissingColumn(Column),
    /// A required cell is empty.
    Missing(Column),
    /// A value the field does not take.
    UnknownValue { column: Column, value: String },
    /// A date not written `YYYY-MM-DD`, or not a date.
    BadDate { column: Column, value: String },
    /// An age that is not a whole number from 0 to [`victim::MAX_AGE`].
    BadAge(String),
    /// Several values in a field that holds one.
    OneOnly(Column),
    /// A status pair mnir has no state for.
    NoSuchState { status: String, case_status: String },
    /// A reference longer than [`MAX_REFERENCE`] or with characters other than letters,
    /// digits and `-_/.`.
    BadReference(String),
    /// The same reference twice in the file.
    RepeatedReference(String),
    /// An organisation the directory does not know.
    UnknownOrganisation(String),
    /// No county can be told for the case: the referring organisation is not a county's and
    /// neither place is a county.
    NoCounty,
    /// A detail beside a form of exploitation the row does not have.
    Inconsistent { column: Column },
    /// A birth date after the notification.
    BornAfterNotification,
    /// A reference that is a number alone: the standard's template numbers its rows there, and
    /// two files so numbered would name different people alike.
    NumberedRow(String),
    /// A name longer than [`MAX_NAME`] characters, or with control characters.
    BadName(Column),
    /// A date after today (the caller's check: the row has no today).
    Future(Column),
}

/// The longest name an import keeps, as a notification.
pub const MAX_NAME: usize = 100;

/// The longest reference an import keeps.
pub const MAX_REFERENCE: usize = 64;

/// The columns an import cannot do without.
pub const REQUIRED: &[Column] = &[
    Column::Reference,
    Column::TraffickingStatus,
    Column::CaseStatus,
    Column::ReferringOrganisation,
    Column::IncomingReferralDate,
];

/// Reads a header row: the column of each position (`None` for a standard field mnir does not
/// import, which is skipped), or every problem with it.
pub fn read_header(header: &[String]) -> Result<Vec<Option<Column>>, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let mut seen: Vec<Column> = Vec::new();
    let mut columns = Vec::with_capacity(header.len());
    for (position, name) in header.iter().enumerate() {
        let name = name.trim();
        // The template's unnamed first column is the reference; an unnamed one elsewhere is
        // an empty column a spreadsheet left behind.
        let column = if position == 0 && name.is_empty() {
            Some(Column::Reference)
        } else if name.is_empty() {
            None
        } else if let Some(column) = Column::parse(name).filter(|c| *c != Column::Reference) {
            Some(column)
        } else if standard_field(name).is_some()
            // The template's misspelling of vic_TraffickingStatusDecisionMakingOrg.
            || name == "vic_TraffickinStatusDecisionMakingOrg"
        {
            None
        } else {
            problems.push(ImportProblem::UnknownColumn(name.to_string()));
            None
        };
        if let Some(c) = column {
            if seen.contains(&c) {
                problems.push(ImportProblem::RepeatedColumn(name.to_string()));
            }
            seen.push(c);
        }
        columns.push(column);
    }
    for required in REQUIRED {
        if !seen.contains(required) {
            problems.push(ImportProblem::MissingColumn(*required));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// One row of an import file, read and checked on its own (the organisation and the reference
/// against the database are the caller's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    pub case: ExchangeCase,
    /// The ages at notification, from the birth date.
    pub age_years: Option<u32>,
}

impl ImportedRow {
    /// The age group: from the age at notification; else an adult when trafficked at 18 or
    /// older (older now still); else not known, which routing treats as a child.
    pub fn age_group(&self) -> AgeGroup {
        match (self.age_years, self.case.profile.age_when_trafficked) {
            (Some(age), _) => AgeGroup::from_age(Some(age)),
            (None, Some(trafficked)) if trafficked >= 18 => AgeGroup::Adult,
            _ => AgeGroup::Unknown,
        }
    }

    /// The county the case is filed in: the referring organisation's when it is a county's
    /// (`org_county`), else the place of exploitation's or of recruitment's when it is a county.
    pub fn county(&self, org_county: Option<&str>) -> Option<String> {
        let place = |field| {
            self.case
                .profile
                .get(field)
                .first()
                .filter(|p| reference::county(p).is_some())
                .cloned()
        };
        org_county
            .map(str::to_string)
            .or_else(|| place(ProfileField::ExploitationPlace))
            .or_else(|| place(ProfileField::RecruitmentPlace))
    }
}

fn split_values(cell: &str) -> Vec<String> {
    cell.split(MULTI_SEPARATOR)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

fn reference_ok(reference: &str) -> bool {
    reference.len() <= MAX_REFERENCE
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_/.".contains(c))
}

/// Reads one data row by the header's columns. Every problem of the row is reported at once.
pub fn read_row(
    columns: &[Option<Column>],
    cells: &[String],
) -> Result<ImportedRow, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let mut by_column: BTreeMap<Column, &str> = BTreeMap::new();
    for (column, cell) in columns.iter().zip(cells) {
        if let Some(column) = column {
            by_column.insert(*column, cell.trim());
        }
    }
    let text = |c: Column| by_column.get(&c).copied().unwrap_or("");
    for required in REQUIRED {
        if text(*required).is_empty() {
            problems.push(ImportProblem::Missing(*required));
        }
    }
    let reference = text(Column::Reference).to_string();
    if !reference.is_empty() && reference.chars().all(|c| c.is_ascii_digit()) {
        problems.push(ImportProblem::NumberedRow(reference.clone()));
    } else if !reference.is_empty() && !reference_ok(&reference) {
        problems.push(ImportProblem::BadReference(reference.clone()));
    }
    for column in [Column::FirstName, Column::SecondName] {
        let name = text(column);
        if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            problems.push(ImportProblem::BadName(column));
        }
    }
    let picklist_value = |column: Column, problems: &mut Vec<ImportProblem>| {
        let value = text(column);
        let known = standard_field(column.as_str()).is_some_and(|f| f.values().any(|v| v == value));
        if !value.is_empty() && !known {
            problems.push(ImportProblem::UnknownValue {
                column,
                value: value.to_string(),
            });
        }
        value.to_string()
    };
    let status = picklist_value(Column::TraffickingStatus, &mut problems);
    let case_status = picklist_value(Column::CaseStatus, &mut problems);
    let state = state_from(&status, &case_status);
    if state.is_none()
        && !status.is_empty()
        && !case_status.is_empty()
        && !problems
            .iter()
            .any(|p| matches!(p, ImportProblem::UnknownValue { .. }))
    {
        problems.push(ImportProblem::NoSuchState {
            status: status.clone(),
            case_status: case_status.clone(),
        });
    }
    let sex = sex_from(text(Column::Gender));
    if sex.is_none() {
        problems.push(ImportProblem::UnknownValue {
            column: Column::Gender,
            value: text(Column::Gender).to_string(),
        });
    }
    let date = |column: Column, problems: &mut Vec<ImportProblem>| {
        let value = text(column);
        if value.is_empty() {
            return None;
        }
        let parsed = parse_iso_date(value);
        if parsed.is_none() {
            problems.push(ImportProblem::BadDate {
                column,
                value: value.to_string(),
            });
        }
        parsed
    };
    let notified_on = date(Column::IncomingReferralDate, &mut problems);
    let birth_date = date(Column::Birthdate, &mut problems);
    let age = text(Column::AgeWhenTrafficked);
    let age_when_trafficked = if age.is_empty() {
        None
    } else {
        match age.parse::<u32>() {
            Ok(a) if a <= victim::MAX_AGE => Some(a),
            _ => {
                problems.push(ImportProblem::BadAge(age.to_string()));
                None
            }
        }
    };
    let mut submitted: BTreeMap<ProfileField, Vec<String>> = BTreeMap::new();
    for column in Column::ALL {
        if let Some(field) = column.profile_field() {
            let values = split_values(text(*column));
            if !values.is_empty() {
                submitted.insert(field, values);
            }
        }
    }
    let profile = match victim::check(submitted, age_when_trafficked) {
        Ok(profile) => profile,
        Err(found) => {
            let column_of = |field: ProfileField| {
                Column::ALL
                    .iter()
                    .copied()
                    .find(|c| c.profile_field() == Some(field))
                    .unwrap_or(Column::Reference)
            };
            for problem in found {
                problems.push(match problem {
                    ProfileProblem::Unknown { field, code } => ImportProblem::UnknownValue {
                        column: column_of(field),
                        value: code,
                    },
                    ProfileProblem::OneOnly(field) => ImportProblem::OneOnly(column_of(field)),
                    // Already reported by the age's own check.
                    ProfileProblem::AgeOutOfRange => continue,
                    ProfileProblem::IndustryWithoutLabour => ImportProblem::Inconsistent {
                        column: Column::ForcedLabourIndustry,
                    },
                    ProfileProblem::SexTypesWithoutSexualExploitation => {
                        ImportProblem::Inconsistent {
                            column: Column::SexExploitationTypes,
                        }
                    }
                });
            }
            VictimProfile::default()
        }
    };
    let age_years = match (birth_date, notified_on) {
        (Some(born), Some(notified)) => {
            let age = crate::case::age_on(born, notified);
            if age.is_none() {
                problems.push(ImportProblem::BornAfterNotification);
            }
            age
        }
        _ => None,
    };
    let (Some(state), Some(sex), Some(notified_on), true) =
        (state, sex, notified_on, problems.is_empty())
    else {
        return Err(problems);
    };
    let citizenship = profile
        .get(ProfileField::Citizenship)
        .first()
        .cloned()
        .unwrap_or_else(|| UNKNOWN_CITIZENSHIP.to_string());
    let exploitation = profile
        .get(ProfileField::ExploitationTypes)
        .first()
        .map(|f| exploitation_from(f));
    let named = [Column::FirstName, Column::SecondName, Column::Birthdate]
        .iter()
        .any(|c| by_column.contains_key(c));
    Ok(ImportedRow {
        case: ExchangeCase {
            reference,
            identity: named.then(|| Identity {
                given_name: text(Column::FirstName).to_string(),
                family_name: text(Column::SecondName).to_string(),
                birth_date,
            }),
            sex,
            state,
            citizenship,
            exploitation,
            notifying_org: text(Column::ReferringOrganisation).to_string(),
            notified_on,
            profile,
        },
        age_years,
    })
}

/// The citizenship of a person whose citizenship is not known (as a notification records it).
pub const UNKNOWN_CITIZENSHIP: &str = "XX";

codes!(
    /// A column of the open-data extract: the quasi-identifiers it keeps, generalised until
    /// each combination is shared by at least k victims, and the status.
    OpenColumn {
        Year => "year",
        Gender => "prs_Gender",
        AgeBand => "age_band",
        CitizenshipGroup => "citizenship_group",
        ExploitationType => "vic_TypeOfExploitation",
        TraffickingStatus => "vic_TraffickingStatus",
    }
);

/// A victim as the open-data extract starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenVictim {
    /// The local year of the first step that made them a presumed or identified victim.
    pub year: i32,
    pub sex: Sex,
    pub age_group: AgeGroup,
    pub age_years: Option<u32>,
    pub citizenship: String,
    pub exploitation: Option<Exploitation>,
    pub identified: bool,
}

codes!(
    /// How far the extract's quasi-identifiers are generalised, least first.
    Generalisation {
        Detailed => "detailed",
        AgeGroups => "age_groups",
        AgeGroupsAndMainForms => "age_groups_main_forms",
    }
);

impl OpenVictim {
    /// The row's quasi-identifiers at a level of generalisation, and its status.
    fn row(&self, level: Generalisation, country: &str) -> [String; 6] {
        let age = match level {
            Generalisation::Detailed => Dimension::AgeBand.category_of(
                &format!(
                    "{}:{}",
                    self.age_group.as_str(),
                    self.age_years.map(|a| a.to_string()).unwrap_or_default()
                ),
                country,
            ),
            _ => self.age_group.as_str(),
        };
        // The standard's value names; the coarser level keeps sexual exploitation and forced
        // labour, the main forms, apart, and puts the others together.
        let form = match (level, self.exploitation) {
            (_, None) => "",
            (Generalisation::AgeGroupsAndMainForms, Some(e))
                if !matches!(e, Exploitation::Sexual | Exploitation::Labour) =>
            {
                "Other"
            }
            (_, Some(e)) => e.htcds_type(),
        };
        [
            self.year.to_string(),
            self.sex.htcds_gender().to_string(),
            age.to_string(),
            Dimension::CitizenshipGroup
                .category_of(&self.citizenship, country)
                .to_string(),
            form.to_string(),
            if self.identified {
                "ActualVictimOfTrafficking"
            } else {
                "PossibleVictimOfTrafficking"
            }
            .to_string(),
        ]
    }
}

/// The open-data extract: rows sorted, the level of generalisation chosen, and what was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenExtract {
    pub k: u32,
    pub level: Generalisation,
    pub rows: Vec<[String; 6]>,
    /// Victims left out because their combination stayed shared by fewer than k.
    pub dropped_rows: usize,
    /// How many such combinations there were.
    pub dropped_combinations: usize,
}

/// The share of victims an extract may leave out at a level before the next, coarser level is
/// tried: a few rare combinations are better dropped than every age band coarsened.
pub const MAX_DROPPED_SHARE: f64 = 0.05;

/// Makes the extract: at the least generalised level that leaves out no more than
/// [`MAX_DROPPED_SHARE`] of the victims (else the most generalised), keeps the victims whose
/// combination of quasi-identifiers (year, sex, age, citizenship group, form of exploitation)
/// is shared by at least `k` of them and drops the rest. The status is not a quasi-identifier:
/// it is what the extract tells about the group.
pub fn open_extract(victims: &[OpenVictim], k: u32, country: &str) -> OpenExtract {
    let at_level = |level: Generalisation| {
        let rows: Vec<[String; 6]> = victims.iter().map(|v| v.row(level, country)).collect();
        let mut sizes: HashMap<&[String], usize> = HashMap::new();
        for row in &rows {
            *sizes.entry(&row[..5]).or_default() += 1;
        }
        let small: Vec<&[String]> = sizes
            .iter()
            .filter(|(_, n)| **n < k as usize)
            .map(|(key, _)| *key)
            .collect();
        let dropped_combinations = small.len();
        let mut kept: Vec<[String; 6]> = rows
            .iter()
            .filter(|r| sizes[&r[..5]] >= k as usize)
            .cloned()
            .collect();
        kept.sort();
        OpenExtract {
            k,
            level,
            dropped_rows: rows.len() - kept.len(),
            rows: kept,
            dropped_combinations,
        }
    };
    let mut last = None;
    for level in Generalisation::ALL {
        let extract = at_level(*level);
        if (extract.dropped_rows as f64) <= MAX_DROPPED_SHARE * victims.len() as f64 {
            return extract;
        }
        last = Some(extract);
    }
    last.unwrap_or_else(|| at_level(Generalisation::AgeGroupsAndMainForms))
}

#[cfg(test)]
mod tests;
