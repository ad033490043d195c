//! The identification rule of mnir.md §4: ILO/EC indicators grouped in six dimensions, weighted
//! per profile, combined into the elements of trafficking. The result is advice to the officer,
//! with every step of the reasoning given so it can be explained in the user's language.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Weight {
    Strong,
    Medium,
    Weak,
}

impl Weight {
    fn parse(cell: &str) -> Result<Option<Weight>, String> {
        match cell.trim() {
            "S" => Ok(Some(Weight::Strong)),
            "M" => Ok(Some(Weight::Medium)),
            "W" => Ok(Some(Weight::Weak)),
            "-" => Ok(None),
            other => Err(format!("weight `{other}` is not S, M, W or -")),
        }
    }
}

/// Adult or child × labour or sexual exploitation; the child profile applies while age is
/// uncertain (the presumption of minority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Profile {
    #[serde(rename = "adult-labour")]
    AdultLabour,
    #[serde(rename = "child-labour")]
    ChildLabour,
    #[serde(rename = "adult-sexual")]
    AdultSexual,
    #[serde(rename = "child-sexual")]
    ChildSexual,
}

impl Profile {
    /// In the order of the catalogue's weight columns.
    pub const ALL: [Profile; 4] = [
        Profile::AdultLabour,
        Profile::ChildLabour,
        Profile::AdultSexual,
        Profile::ChildSexual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::AdultLabour => "adult-labour",
            Profile::ChildLabour => "child-labour",
            Profile::AdultSexual => "adult-sexual",
            Profile::ChildSexual => "child-sexual",
        }
    }

    pub fn is_child(self) -> bool {
        matches!(self, Profile::ChildLabour | Profile::ChildSexual)
    }

    /// The catalogue column that holds this profile's weights.
    pub fn column(self) -> &'static str {
        match self {
            Profile::AdultLabour => "adult_labour",
            Profile::ChildLabour => "child_labour",
            Profile::AdultSexual => "adult_sexual",
            Profile::ChildSexual => "child_sexual",
        }
    }

    fn index(self) -> usize {
        Profile::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The profile for a person: a child (or a person of uncertain age) and the suspected form.
    pub fn for_person(may_be_child: bool, sexual: bool) -> Profile {
        match (may_be_child, sexual) {
            (true, true) => Profile::ChildSexual,
            (true, false) => Profile::ChildLabour,
            (false, true) => Profile::AdultSexual,
            (false, false) => Profile::AdultLabour,
        }
    }
}

impl FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown profile `{}` (expected adult-labour, adult-sexual, child-labour or child-sexual)",
                    s.trim()
                )
            })
    }
}

/// The six dimensions the rule refers to, in the order results are shown.
pub const DIMENSIONS: [&str; 6] = [
    "deceptive_recruitment",
    "coercive_recruitment",
    "vulnerability_recruitment",
    "exploitative_conditions",
    "coercion_destination",
    "vulnerability_destination",
];
const MEANS_RECRUITMENT: [&str; 3] = [
    "deceptive_recruitment",
    "coercive_recruitment",
    "vulnerability_recruitment",
];
const EXPLOITATION: &str = "exploitative_conditions";
const MEANS_DESTINATION: [&str; 2] = ["coercion_destination", "vulnerability_destination"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub code: String,
    pub dimension: String,
    /// Per profile, in [`Profile::ALL`] order; `None` when not part of that profile.
    pub weights: [Option<Weight>; 4],
    pub label_en: String,
    pub label_ro: String,
}

impl Indicator {
    pub fn weight(&self, profile: Profile) -> Option<Weight> {
        self.weights[profile.index()]
    }
    pub fn label(&self, romanian: bool) -> &str {
        if romanian {
            &self.label_ro
        } else {
            &self.label_en
        }
    }
}

/// A problem in a catalogue file, located by line (1 = the header) and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.field, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    pub version: String,
    pub indicators: Vec<Indicator>,
}

pub const HEADER: [&str; 8] = [
    "code",
    "dimension",
    "adult_labour",
    "child_labour",
    "adult_sexual",
    "child_sexual",
    "label_en",
    "label_ro",
];

/// The catalogue shipped with mnir (`data/indicators-ilo-ec-2009.csv`).
pub const BUILTIN_VERSION: &str = "ilo-ec-2009";

impl Catalogue {
    pub fn builtin() -> &'static Catalogue {
        static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Catalogue::parse(
                BUILTIN_VERSION,
                include_str!("../../../data/indicators-ilo-ec-2009.csv"),
            )
            // Compiled in and checked by the tests: a failure here is a build defect.
            .unwrap_or_else(|e| panic!("built-in catalogue: {e:?}"))
        })
    }

    /// Reads a catalogue in the shape of `indicators-ilo-ec-2009.csv`, reporting every bad row
    /// and field, not just the first.
    pub fn parse(version: &str, text: &str) -> Result<Catalogue, Vec<CatalogueError>> {
        let mut errors = Vec::new();
        let err = |line: usize, field: &str, message: String| CatalogueError {
            line,
            field: field.to_string(),
            message,
        };
        if version.trim().is_empty()
            || version.len() > 64
            || !version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            errors.push(err(
                0,
                "version",
                format!("version `{version}` must be 1–64 letters, digits, - _ or ."),
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(e) => return Err(vec![err(1, "header", format!("unreadable: {e}"))]),
        };
        if header != HEADER {
            errors.push(err(
                1,
                "header",
                format!("expected columns {}", HEADER.join(",")),
            ));
            return Err(errors);
        }
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    errors.push(err(line, "row", format!("unreadable: {e}")));
                    continue;
                }
            };
            if record.len() != HEADER.len() {
                errors.push(err(
                    line,
                    "row",
                    format!("has {} fields, expected {}", record.len(), HEADER.len()),
                ));
                continue;
            }
            let code = record[0].trim().to_string();
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                errors.push(err(
                    line,
                    "code",
                    format!("`{code}` must be letters, digits or _"),
                ));
            } else if !seen.insert(code.clone()) {
                errors.push(err(line, "code", format!("`{code}` appears twice")));
            }
            let dimension = record[1].trim().to_string();
            if !DIMENSIONS.contains(&dimension.as_str()) {
                errors.push(err(
                    line,
                    "dimension",
                    format!(
                        "unknown dimension `{dimension}` (expected one of {})",
                        DIMENSIONS.join(", ")
                    ),
                ));
            }
            let mut weights = [None; 4];
            for (p, profile) in Profile::ALL.iter().enumerate() {
                match Weight::parse(&record[2 + p]) {
                    Ok(w) => weights[p] = w,
                    Err(m) => errors.push(err(line, profile.column(), m)),
                }
            }
            for (col, field) in [(6, "label_en"), (7, "label_ro")] {
                if record[col].trim().is_empty() {
                    errors.push(err(line, field, "must not be empty".into()));
                }
            }
            indicators.push(Indicator {
                code,
                dimension,
                weights,
                label_en: record[6].trim().to_string(),
                label_ro: record[7].trim().to_string(),
            });
        }
        if indicators.is_empty() && errors.is_empty() {
            errors.push(err(2, "row", "the catalogue has no indicators".into()));
        }
        for profile in Profile::ALL {
            for dimension in DIMENSIONS {
                let weighted = indicators.iter().any(|i| {
                    i.dimension == dimension && i.weight(profile).is_some_and(|w| w != Weight::Weak)
                });
                if !indicators.is_empty() && !weighted {
                    errors.push(err(0, profile.column(), format!("dimension {dimension} has no strong or medium indicator, so it could never be positive")));
                }
            }
        }
        if errors.is_empty() {
            Ok(Catalogue {
                version: version.trim().to_string(),
                indicators,
            })
        } else {
            Err(errors)
        }
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// The indicators of a profile, in catalogue order.
    pub fn profile_indicators(&self, profile: Profile) -> impl Iterator<Item = &Indicator> {
        self.indicators
            .iter()
            .filter(move |i| i.weight(profile).is_some())
    }
}

/// Which of the four combinations made a dimension positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Clause {
    /// Two strong.
    A,
    /// One strong and one medium or weak.
    B,
    /// Three medium.
    C,
    /// Two medium and one weak.
    D,
}

impl Clause {
    pub fn as_str(self) -> &'static str {
        match self {
            Clause::A => "a",
            Clause::B => "b",
            Clause::C => "c",
            Clause::D => "d",
        }
    }
}

/// The first clause, in the order a, b, c, d, that the counts satisfy.
pub fn clause_for(strong: usize, medium: usize, weak: usize) -> Option<Clause> {
    if strong >= 2 {
        Some(Clause::A)
    } else if strong >= 1 && medium + weak >= 1 {
        Some(Clause::B)
    } else if medium >= 3 {
        Some(Clause::C)
    } else if medium >= 2 && weak >= 1 {
        Some(Clause::D)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Indicated,
    NotIndicated,
    InsufficientInformation,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [
        Outcome::Indicated,
        Outcome::NotIndicated,
        Outcome::InsufficientInformation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Indicated => "indicated",
            Outcome::NotIndicated => "not_indicated",
            Outcome::InsufficientInformation => "insufficient_information",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text.trim())
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DimensionResult {
    pub positive: bool,
    pub clause: Option<Clause>,
    /// Present indicators of this dimension, in catalogue order.
    pub present: Vec<String>,
    pub strong: usize,
    pub medium: usize,
    pub weak: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Elements {
    pub means_recruitment: bool,
    pub exploitation: bool,
    pub means_destination: bool,
    /// Recorded for children only: whether an act (recruitment, transport, transfer, harbouring,
    /// receipt) took place; `None` when not recorded.
    pub act: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub catalogue_version: String,
    pub profile: Profile,
    pub outcome: Outcome,
    /// In [`DIMENSIONS`] order.
    pub dimensions: Vec<(String, DimensionResult)>,
    pub elements: Elements,
    pub missing_elements: Vec<&'static str>,
    /// How many of the profile's indicators were asked, of how many.
    pub asked: usize,
    pub profile_size: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvaluationError {
    UnknownIndicator(String),
    NotInProfile { code: String, profile: Profile },
}

impl std::fmt::Display for EvaluationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvaluationError::UnknownIndicator(code) => write!(f, "unknown indicator code `{code}`"),
            EvaluationError::NotInProfile { code, profile } => {
                write!(
                    f,
                    "indicator `{code}` is not part of the {} profile",
                    profile.as_str()
                )
            }
        }
    }
}

/// What the interviewer recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    pub present: BTreeSet<String>,
    /// `None` means every indicator of the profile was asked. Present indicators count as asked.
    pub asked: Option<BTreeSet<String>>,
    pub act: Option<bool>,
}

pub fn evaluate(
    catalogue: &Catalogue,
    profile: Profile,
    answers: &Answers,
) -> Result<Evaluation, EvaluationError> {
    let check = |code: &String| -> Result<(), EvaluationError> {
        let indicator = catalogue
            .indicator(code)
            .ok_or_else(|| EvaluationError::UnknownIndicator(code.clone()))?;
        if indicator.weight(profile).is_none() {
            return Err(EvaluationError::NotInProfile {
                code: code.clone(),
                profile,
            });
        }
        Ok(())
    };
    for code in answers.present.iter().chain(answers.asked.iter().flatten()) {
        check(code)?;
    }
    let profile_size = catalogue.profile_indicators(profile).count();
    let asked = match &answers.asked {
        None => profile_size,
        Some(asked) => asked.union(&answers.present).count(),
    };
    let mut dimensions = Vec::with_capacity(DIMENSIONS.len());
    for dimension in DIMENSIONS {
        let mut result = DimensionResult {
            positive: false,
            clause: None,
            present: Vec::new(),
            strong: 0,
            medium: 0,
            weak: 0,
        };
        for indicator in catalogue.profile_indicators(profile) {
            if indicator.dimension != dimension || !answers.present.contains(&indicator.code) {
                continue;
            }
            result.present.push(indicator.code.clone());
            match indicator.weight(profile) {
                Some(Weight::Strong) => result.strong += 1,
                Some(Weight::Medium) => result.medium += 1,
                Some(Weight::Weak) => result.weak += 1,
                None => {}
            }
        }
        result.clause = clause_for(result.strong, result.medium, result.weak);
        result.positive = result.clause.is_some();
        dimensions.push((dimension.to_string(), result));
    }
    let positive = |name: &str| dimensions.iter().any(|(d, r)| d == name && r.positive);
    let elements = Elements {
        means_recruitment: MEANS_RECRUITMENT.iter().any(|d| positive(d)),
        exploitation: positive(EXPLOITATION),
        means_destination: MEANS_DESTINATION.iter().any(|d| positive(d)),
        act: if profile.is_child() {
            answers.act
        } else {
            None
        },
    };
    let mut missing_elements = Vec::new();
    if profile.is_child() {
        if elements.act != Some(true) {
            missing_elements.push("act");
        }
        if !elements.exploitation {
            missing_elements.push("exploitation");
        }
    } else {
        for (present, name) in [
            (elements.means_recruitment, "means_recruitment"),
            (elements.exploitation, "exploitation"),
            (elements.means_destination, "means_destination"),
        ] {
            if !present {
                missing_elements.push(name);
            }
        }
    }
    let outcome = if missing_elements.is_empty() {
        Outcome::Indicated
    } else if asked * 2 < profile_size {
        Outcome::InsufficientInformation
    } else {
        Outcome::NotIndicated
    };
    Ok(Evaluation {
        catalogue_version: catalogue.version.clone(),
        profile,
        outcome,
        dimensions,
        elements,
        missing_elements,
        asked,
        profile_size,
    })
}

/// Weights of the present indicators of a dimension, for explanations.
pub fn weights_by_code(
    catalogue: &Catalogue,
    profile: Profile,
    codes: &[String],
) -> BTreeMap<String, Weight> {
    codes
        .iter()
        .filter_map(|c| {
            catalogue
                .indicator(c)
                .and_then(|i| i.weight(profile))
                .map(|w| (c.clone(), w))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(codes: &[&str]) -> BTreeSet<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    fn run(
        profile: Profile,
        present: &[&str],
        asked: Option<&[&str]>,
        act: Option<bool>,
    ) -> Evaluation {
        let answers = Answers {
            present: set(present),
            asked: asked.map(set),
            act,
        };
        evaluate(Catalogue::builtin(), profile, &answers).unwrap()
    }

    fn dimension<'a>(e: &'a Evaluation, name: &str) -> &'a DimensionResult {
        &e.dimensions.iter().find(|(d, _)| d == name).unwrap().1
    }

    #[test]
    fn the_built_in_catalogue_has_67_adult_and_65_child_indicators() {
        let c = Catalogue::builtin();
        assert_eq!(c.indicators.len(), 67);
        assert_eq!(c.profile_indicators(Profile::AdultLabour).count(), 67);
        assert_eq!(c.profile_indicators(Profile::ChildLabour).count(), 65);
        assert_eq!(c.profile_indicators(Profile::ChildSexual).count(), 65);
        assert_eq!(
            c.indicator("DR10").unwrap().weight(Profile::ChildLabour),
            Some(Weight::Strong)
        );
    }

    #[test]
    fn each_clause_makes_a_dimension_positive_and_the_first_one_is_named() {
        let e = run(Profile::AdultLabour, &["CD01", "CD02"], None, None);
        assert_eq!(
            dimension(&e, "coercion_destination").clause,
            Some(Clause::A)
        );
        let e = run(Profile::AdultLabour, &["DR01", "DR10"], None, None);
        assert_eq!(
            dimension(&e, "deceptive_recruitment").clause,
            Some(Clause::B),
            "strong + weak"
        );
        let e = run(Profile::AdultLabour, &["DR01", "DR02"], None, None);
        assert_eq!(
            dimension(&e, "deceptive_recruitment").clause,
            Some(Clause::B),
            "strong + medium"
        );
        let e = run(Profile::AdultLabour, &["VR01", "VR02", "VR03"], None, None);
        assert_eq!(
            dimension(&e, "vulnerability_recruitment").clause,
            Some(Clause::C)
        );
        let e = run(Profile::AdultLabour, &["VD01", "VD02", "VD06"], None, None);
        assert_eq!(
            dimension(&e, "vulnerability_destination").clause,
            Some(Clause::D)
        );
        let e = run(
            Profile::AdultLabour,
            &["CD01", "CD02", "CD05", "CD09", "CD10"],
            None,
            None,
        );
        assert_eq!(
            dimension(&e, "coercion_destination").clause,
            Some(Clause::A),
            "a before b, c, d"
        );
        let d = dimension(&e, "coercion_destination");
        assert_eq!((d.strong, d.medium, d.weak), (2, 3, 0));
    }

    #[test]
    fn too_little_in_a_dimension_is_not_positive() {
        for present in [
            &["CD01"][..],
            &["CD05", "CD09"],
            &["VD06", "VD07"],
            &["VD01", "VD06", "VD07"],
        ] {
            let e = run(Profile::AdultLabour, present, None, None);
            assert!(e.dimensions.iter().all(|(_, r)| !r.positive), "{present:?}");
        }
    }

    #[test]
    fn weights_depend_on_the_profile() {
        // DR10 is weak for adults and strong for children: alone with DR02 it is (b) for both,
        // but DR10 with DR01 is (a) only for children.
        let adult = run(Profile::AdultLabour, &["DR01", "DR10"], None, None);
        let child = run(Profile::ChildLabour, &["DR01", "DR10"], None, Some(true));
        assert_eq!(
            dimension(&adult, "deceptive_recruitment").clause,
            Some(Clause::B)
        );
        assert_eq!(
            dimension(&child, "deceptive_recruitment").clause,
            Some(Clause::A)
        );
    }

    #[test]
    fn an_adult_needs_all_three_elements() {
        let all = ["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"];
        let e = run(Profile::AdultLabour, &all, None, None);
        assert_eq!(e.outcome, Outcome::Indicated);
        assert!(e.missing_elements.is_empty());
        assert_eq!(e.elements.act, None);
        let e = run(Profile::AdultSexual, &all[..4], None, None);
        assert_eq!(e.outcome, Outcome::NotIndicated);
        assert_eq!(e.missing_elements, ["means_destination"]);
        let e = run(Profile::AdultLabour, &["VD01", "VD02", "VD03"], None, None);
        assert_eq!(e.missing_elements, ["means_recruitment", "exploitation"]);
        assert!(
            e.elements.means_destination,
            "abuse of vulnerability at destination counts as means"
        );
    }

    #[test]
    fn a_child_needs_an_act_and_exploitation_but_no_means() {
        let e = run(Profile::ChildLabour, &["EX01", "EX02"], None, Some(true));
        assert_eq!(e.outcome, Outcome::Indicated);
        assert!(!e.elements.means_recruitment && !e.elements.means_destination);
        let e = run(Profile::ChildSexual, &["EX01", "EX02"], None, Some(false));
        assert_eq!(
            (e.outcome, e.missing_elements.clone()),
            (Outcome::NotIndicated, vec!["act"])
        );
        let e = run(Profile::ChildSexual, &["EX01", "EX02"], None, None);
        assert_eq!(
            e.missing_elements,
            ["act"],
            "an act not recorded is missing"
        );
        let e = run(Profile::ChildLabour, &["DR01", "DR02"], None, Some(true));
        assert_eq!(e.missing_elements, ["exploitation"]);
    }

    #[test]
    fn fewer_than_half_asked_is_insufficient_unless_already_indicated() {
        let asked: Vec<&str> = vec!["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"];
        let e = run(Profile::AdultLabour, &["DR01"], Some(&asked), None);
        assert_eq!(e.outcome, Outcome::InsufficientInformation);
        assert_eq!((e.asked, e.profile_size), (6, 67));
        let e = run(Profile::AdultLabour, &asked, Some(&asked), None);
        assert_eq!(e.outcome, Outcome::Indicated);
        let half: Vec<&str> = Catalogue::builtin()
            .profile_indicators(Profile::ChildLabour)
            .take(33)
            .map(|i| i.code.as_str())
            .collect();
        let e = run(Profile::ChildLabour, &[], Some(&half), Some(true));
        assert_eq!(
            e.outcome,
            Outcome::NotIndicated,
            "33 of 65 is at least half"
        );
        let e = run(Profile::ChildLabour, &[], Some(&half[..32]), Some(true));
        assert_eq!(
            e.outcome,
            Outcome::InsufficientInformation,
            "32 of 65 is fewer than half"
        );
    }

    #[test]
    fn unknown_codes_and_codes_outside_the_profile_are_refused() {
        let answers = Answers {
            present: set(&["XX99"]),
            ..Answers::default()
        };
        assert_eq!(
            evaluate(Catalogue::builtin(), Profile::AdultLabour, &answers),
            Err(EvaluationError::UnknownIndicator("XX99".into()))
        );
        let answers = Answers {
            present: set(&["VR08"]),
            ..Answers::default()
        };
        let err = evaluate(Catalogue::builtin(), Profile::ChildLabour, &answers).unwrap_err();
        assert_eq!(
            err.to_string(),
            "indicator `VR08` is not part of the child-labour profile"
        );
        let answers = Answers {
            asked: Some(set(&["EX08"])),
            ..Answers::default()
        };
        assert!(evaluate(Catalogue::builtin(), Profile::ChildSexual, &answers).is_err());
    }

    #[test]
    fn a_malformed_catalogue_is_refused_row_by_row() {
        let text = "code,dimension,adult_labour,child_labour,adult_sexual,child_sexual,label_en,label_ro\n\
                    A1,deceptive_recruitment,S,S,S,X,Deceived,Înșelat\n\
                    A1,made_up,S,S,S,S,,Înșelat\n\
                    A2,coercive_recruitment,S,S\n";
        let errors = Catalogue::parse("v2", text).unwrap_err();
        let located: Vec<(usize, &str)> =
            errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert!(located.contains(&(2, "child_sexual")), "{errors:?}");
        assert!(located.contains(&(3, "code")), "duplicate code: {errors:?}");
        assert!(located.contains(&(3, "dimension")), "{errors:?}");
        assert!(located.contains(&(3, "label_en")), "{errors:?}");
        assert!(located.contains(&(4, "row")), "short row: {errors:?}");
        let bad_header = Catalogue::parse("v2", "code,dim\nA,b\n").unwrap_err();
        assert_eq!(
            (bad_header[0].line, bad_header[0].field.as_str()),
            (1, "header")
        );
        assert!(
            Catalogue::parse(
                "no spaces allowed",
                include_str!("../../../data/indicators-ilo-ec-2009.csv")
            )
            .is_err()
        );
        assert!(
            Catalogue::parse(
                "v2",
                include_str!("../../../data/indicators-ilo-ec-2009.csv")
            )
            .is_ok()
        );
    }

    fn codes_of(profile: Profile, weight: Option<Weight>) -> Vec<String> {
        Catalogue::builtin()
            .profile_indicators(profile)
            .filter(|i| weight.is_none() || i.weight(profile) == weight)
            .map(|i| i.code.clone())
            .collect()
    }

    fn any_profile() -> impl Strategy<Value = Profile> {
        proptest::sample::select(Profile::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn weak_indicators_alone_never_make_a_dimension_positive(profile in any_profile(), seed in proptest::collection::vec(any::<bool>(), 20)) {
            let weak = codes_of(profile, Some(Weight::Weak));
            let present: BTreeSet<String> = weak.iter().zip(seed.iter().cycle()).filter(|(_, on)| **on).map(|(c, _)| c.clone()).collect();
            let e = evaluate(Catalogue::builtin(), profile, &Answers { present, asked: None, act: Some(true) }).unwrap();
            prop_assert!(e.dimensions.iter().all(|(_, r)| !r.positive));
        }

        #[test]
        fn one_more_present_indicator_never_undoes_a_positive_result(
            profile in any_profile(),
            picks in proptest::collection::btree_set(0usize..67, 0..20),
            extra in 0usize..67,
            act: bool,
            with_asked: bool,
        ) {
            let all = codes_of(profile, None);
            let present: BTreeSet<String> = picks.iter().map(|i| all[i % all.len()].clone()).collect();
            let asked = with_asked.then(|| present.iter().cloned().chain(all.iter().take(10).cloned()).collect::<BTreeSet<_>>());
            let before = evaluate(Catalogue::builtin(), profile, &Answers { present: present.clone(), asked: asked.clone(), act: Some(act) }).unwrap();
            let mut more = present;
            more.insert(all[extra % all.len()].clone());
            let after = evaluate(Catalogue::builtin(), profile, &Answers { present: more, asked, act: Some(act) }).unwrap();
            for ((name, b), (_, a)) in before.dimensions.iter().zip(after.dimensions.iter()) {
                prop_assert!(!b.positive || a.positive, "{} turned negative", name);
            }
            if before.outcome == Outcome::Indicated {
                prop_assert_eq!(after.outcome, Outcome::Indicated);
            }
        }

        #[test]
        fn a_dimension_is_positive_exactly_when_a_clause_holds(s in 0usize..4, m in 0usize..5, w in 0usize..3) {
            let expected = s >= 2 || (s >= 1 && m + w >= 1) || m >= 3 || (m >= 2 && w >= 1);
            prop_assert_eq!(clause_for(s, m, w).is_some(), expected);
            if w > 0 && s == 0 && m == 0 {
                prop_assert!(clause_for(s, m, w).is_none());
            }
        }
    }
}
