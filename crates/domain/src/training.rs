//! Training of front-line workers (mnir.md §12): the curriculum, the sessions and their
//! participants, e-learning on synthetic vignettes scored against the identification engine,
//! and the certificate a passed course earns.
//!
//! Curricula, vignettes and the record of past sessions are data a trainer imports: each file is
//! read whole and every problem is reported with its line and field, so that nothing is stored
//! from a file that has one.

use crate::identification::{Answers, Catalogue, Evaluation, EvaluationError, Outcome, Profile};
use crate::vocabulary::codes;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::BTreeSet;

codes!(
    /// Which victims a session prepares its participants to identify; a certificate is for one.
    Audience {
        NationalVictims => "national_victims",
        ForeignVictims => "foreign_victims",
    }
);

codes!(
    /// A participant's professional category (mnir.md §1, the project's training audiences).
    ProfessionalCategory {
        EmploymentAgency => "employment_agency",
        SchoolStaff => "school_staff",
        SocialAssistance => "social_assistance",
        Ngo => "ngo",
        PolicePublicOrder => "police_public_order",
        JudicialPolice => "judicial_police",
        TransportPolice => "transport_police",
        Immigration => "immigration",
        LabourInspectorate => "labour_inspectorate",
        BorderPolice => "border_police",
        Gendarmerie => "gendarmerie",
        Prosecutors => "prosecutors",
    }
);

codes!(
    /// What a trainee (or a vignette's author) decides on a vignette.
    TraineeDecision {
        PresumedVictim => "presumed_victim",
        NotAVictim => "not_a_victim",
    }
);

codes!(
    /// Where a certificate stands at an instant.
    Standing {
        Valid => "valid",
        Expired => "expired",
        Revoked => "revoked",
    }
);

/// The longest title of a module or vignette.
pub const MAX_TITLE: usize = 120;
/// The longest learning objective.
pub const MAX_OBJECTIVE: usize = 300;
/// The longest story of a vignette, per language.
pub const MAX_STORY: usize = 4000;
/// The longest version name.
pub const MAX_VERSION: usize = 40;
/// At most this many modules or vignettes in one file.
pub const MAX_ITEMS: usize = 200;
/// At most this many sessions in one file of past sessions.
pub const MAX_SESSIONS: usize = 10_000;
/// The longest name of a person (a participant, a trainer, a certificate's holder).
pub const MAX_NAME: usize = 100;
/// The longest city name.
pub const MAX_CITY: usize = 80;

/// The jurisdiction's rules for certification (`[training]` of the profile).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingRules {
    /// How many distinct vignettes must be passed.
    pub pass_vignettes: u32,
    /// The least score a vignette is passed with (its decision must also be right).
    pub pass_score: f64,
    /// How many years a certificate is valid.
    pub valid_years: u32,
    /// Whether the `screener` role may be held only with a valid certificate.
    pub screener_requires_certificate: bool,
    /// How many days before a certificate's last day the holder's supervisors are told.
    pub expiry_notice_days: u32,
}

// The score is validated as a number in (0, 1] when the profile is read, never NaN.
impl Eq for TrainingRules {}

impl Default for TrainingRules {
    fn default() -> TrainingRules {
        TrainingRules {
            pass_vignettes: 5,
            pass_score: 0.8,
            valid_years: 3,
            screener_requires_certificate: false,
            expiry_notice_days: 30,
        }
    }
}

/// What is wrong in a training data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrainingProblem {
    /// The file is not TOML (the parser's own words, with where).
    Syntax(String),
    /// A CSV file whose structure cannot be read.
    Unreadable(String),
    /// A field that must not be empty is empty or missing.
    Missing,
    /// A text longer than allowed.
    TooLong {
        max: usize,
    },
    /// A text with control characters.
    ControlCharacters,
    /// A version or code not made of letters, digits and `._-`.
    BadCode(String),
    /// A code used twice in the file.
    Repeated(String),
    /// The two languages list a different number of learning objectives.
    ObjectivesDiffer {
        ro: usize,
        en: usize,
    },
    /// A profile that is not adult-labour, child-labour, adult-sexual or child-sexual.
    UnknownProfile(String),
    /// An indicator the catalogue does not know.
    UnknownIndicator(String),
    /// An indicator not part of the vignette's profile.
    NotInProfile {
        code: String,
        profile: Profile,
    },
    /// A child profile's vignette says nothing of whether an act took place.
    ActMissing,
    /// An adult profile's vignette says whether an act took place (the adult rule asks means).
    ActForAdult,
    /// A decision that is not presumed_victim or not_a_victim.
    UnknownDecision(String),
    /// The expected outcome is not what the engine makes of the vignette's own indicators.
    Contradicts {
        expected: TraineeDecision,
        engine: Outcome,
    },
    /// A file without a module, vignette or session.
    Empty,
    /// More items than a file may hold.
    TooMany {
        max: usize,
    },
    /// A date not written `YYYY-MM-DD`.
    BadDate(String),
    /// An audience that is not national_victims or foreign_victims.
    UnknownAudience(String),
    /// A county that is not an ISO 3166-2 code of the jurisdiction.
    UnknownCounty(String),
    /// A module that the curriculum the sessions are recorded against does not have.
    UnknownModule(String),
    /// A column the file does not take, or one it needs that is not there.
    UnknownColumn(String),
    MissingColumn(&'static str),
}

/// A problem located in its file: `line` 0 is the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    pub line: usize,
    pub field: String,
    pub problem: TrainingProblem,
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn syntax_error(text: &str, e: toml::de::Error) -> Vec<DataError> {
    vec![DataError {
        line: e.span().map(|s| line_of(text, s.start)).unwrap_or(0),
        field: String::new(),
        problem: TrainingProblem::Syntax(e.message().to_string()),
    }]
}

/// Collects the problems of one item, each at the item's line.
struct Checker {
    line: usize,
    errors: Vec<DataError>,
}

impl Checker {
    fn push(&mut self, field: &str, problem: TrainingProblem) {
        self.errors.push(DataError {
            line: self.line,
            field: field.to_string(),
            problem,
        });
    }

    /// A text a person reads: present, within `max` characters, no control characters but line
    /// breaks and tabs.
    fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(field, TrainingProblem::Missing);
        } else if value.chars().count() > max {
            self.push(field, TrainingProblem::TooLong { max });
        } else if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        {
            self.push(field, TrainingProblem::ControlCharacters);
        }
    }

    /// A file's version and how many items it holds, checked; the checker and the version.
    fn start(
        text: &str,
        version: toml::Spanned<String>,
        items: usize,
        field: &str,
    ) -> (Checker, String) {
        let mut check = Checker {
            line: line_of(text, version.span().start),
            errors: Vec::new(),
        };
        let version = version.into_inner().trim().to_string();
        check.code("version", &version);
        if items == 0 {
            check.line = 0;
            check.push(field, TrainingProblem::Empty);
        } else if items > MAX_ITEMS {
            check.line = 0;
            check.push(field, TrainingProblem::TooMany { max: MAX_ITEMS });
        }
        (check, version)
    }

    /// An item's code, checked and not used before in the file.
    fn item_code(&mut self, seen: &mut BTreeSet<String>, code: &str) -> String {
        let code = code.trim().to_string();
        self.code("code", &code);
        if !code.is_empty() && !seen.insert(code.clone()) {
            self.push("code", TrainingProblem::Repeated(code.clone()));
        }
        code
    }

    fn code(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.push(field, TrainingProblem::Missing);
        } else if !is_code(value) {
            self.push(field, TrainingProblem::BadCode(value.to_string()));
        }
    }
}

/// A version or item code: 1 to 40 letters, digits, `.`, `_` or `-`.
pub fn is_code(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_VERSION
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A module of the curriculum, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub code: String,
    pub title_ro: String,
    pub title_en: String,
    pub objectives_ro: Vec<String>,
    pub objectives_en: Vec<String>,
}

impl Module {
    pub fn title(&self, romanian: bool) -> &str {
        if romanian {
            &self.title_ro
        } else {
            &self.title_en
        }
    }

    pub fn objectives(&self, romanian: bool) -> &[String] {
        if romanian {
            &self.objectives_ro
        } else {
            &self.objectives_en
        }
    }
}

/// A version of the curriculum: its modules in teaching order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curriculum {
    pub version: String,
    pub modules: Vec<Module>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCurriculum {
    version: toml::Spanned<String>,
    #[serde(default)]
    module: Vec<toml::Spanned<RawModule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title_ro: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    objectives_ro: Vec<String>,
    #[serde(default)]
    objectives_en: Vec<String>,
}

/// The curriculum shipped with mnir (`data/training/curriculum.toml`).
pub const BUILTIN_CURRICULUM: &str = include_str!("../../../data/training/curriculum.toml");
/// The vignettes shipped with mnir (`data/training/vignettes.toml`).
pub const BUILTIN_VIGNETTES: &str = include_str!("../../../data/training/vignettes.toml");
/// The project's own sessions of October 2018 – July 2019 (`data/training/sessions-2018-2019.csv`).
pub const PROJECT_SESSIONS: &str = include_str!("../../../data/training/sessions-2018-2019.csv");

impl Curriculum {
    /// Reads a curriculum file, reporting every problem.
    pub fn parse(text: &str) -> Result<Curriculum, Vec<DataError>> {
        let raw: RawCurriculum = toml::from_str(text).map_err(|e| syntax_error(text, e))?;
        let (mut check, version) = Checker::start(text, raw.version, raw.module.len(), "module");
        let mut seen = BTreeSet::new();
        let mut modules = Vec::new();
        for spanned in raw.module {
            check.line = line_of(text, spanned.span().start);
            let m = spanned.into_inner();
            let code = check.item_code(&mut seen, &m.code);
            check.text("title_ro", &m.title_ro, MAX_TITLE);
            check.text("title_en", &m.title_en, MAX_TITLE);
            for (field, list) in [
                ("objectives_ro", &m.objectives_ro),
                ("objectives_en", &m.objectives_en),
            ] {
                if list.is_empty() {
                    check.push(field, TrainingProblem::Missing);
                }
                for objective in list {
                    check.text(field, objective, MAX_OBJECTIVE);
                }
            }
            if m.objectives_ro.len() != m.objectives_en.len() {
                check.push(
                    "objectives_en",
                    TrainingProblem::ObjectivesDiffer {
                        ro: m.objectives_ro.len(),
                        en: m.objectives_en.len(),
                    },
                );
            }
            modules.push(Module {
                code,
                title_ro: m.title_ro.trim().to_string(),
                title_en: m.title_en.trim().to_string(),
                objectives_ro: m.objectives_ro.iter().map(|o| o.trim().into()).collect(),
                objectives_en: m.objectives_en.iter().map(|o| o.trim().into()).collect(),
            });
        }
        if check.errors.is_empty() {
            Ok(Curriculum { version, modules })
        } else {
            Err(check.errors)
        }
    }

    pub fn builtin() -> Curriculum {
        Curriculum::parse(BUILTIN_CURRICULUM)
            // Compiled in and parsed by the tests: a failure here is a build defect.
            .unwrap_or_else(|e| panic!("built-in curriculum: {e:?}"))
    }

    pub fn module(&self, code: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.code == code)
    }
}

/// A short synthetic case story with its author's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vignette {
    pub code: String,
    pub profile: Profile,
    pub title_ro: String,
    pub title_en: String,
    pub story_ro: String,
    pub story_en: String,
    /// The indicators the author holds present.
    pub present: BTreeSet<String>,
    /// For a child profile: whether an act (recruitment, transport, transfer, harbouring,
    /// receipt) took place.
    pub act: Option<bool>,
    pub expected: TraineeDecision,
}

impl Vignette {
    pub fn title(&self, romanian: bool) -> &str {
        if romanian {
            &self.title_ro
        } else {
            &self.title_en
        }
    }

    pub fn story(&self, romanian: bool) -> &str {
        if romanian {
            &self.story_ro
        } else {
            &self.story_en
        }
    }

    /// The author's answers as the engine reads them: every indicator not marked present was
    /// asked and found absent.
    pub fn answers(&self) -> Answers {
        Answers {
            present: self.present.clone(),
            asked: None,
            act: self.act,
        }
    }
}

/// A version of the vignettes, checked against the catalogue it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VignetteSet {
    pub version: String,
    pub vignettes: Vec<Vignette>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVignettes {
    version: toml::Spanned<String>,
    #[serde(default)]
    vignette: Vec<toml::Spanned<RawVignette>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVignette {
    #[serde(default)]
    code: String,
    #[serde(default)]
    profile: String,
    #[serde(default)]
    title_ro: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    story_ro: String,
    #[serde(default)]
    story_en: String,
    #[serde(default)]
    present: Vec<String>,
    act: Option<bool>,
    #[serde(default)]
    expected: String,
}

/// The engine's outcome as a decision: only "indicated" presumes a victim.
pub fn decision_of(outcome: Outcome) -> TraineeDecision {
    match outcome {
        Outcome::Indicated => TraineeDecision::PresumedVictim,
        _ => TraineeDecision::NotAVictim,
    }
}

impl VignetteSet {
    /// Reads a vignettes file and checks each vignette against `catalogue`: its indicators
    /// exist in its profile, and the engine reaches the outcome its author expects.
    pub fn parse(text: &str, catalogue: &Catalogue) -> Result<VignetteSet, Vec<DataError>> {
        let raw: RawVignettes = toml::from_str(text).map_err(|e| syntax_error(text, e))?;
        let (mut check, version) =
            Checker::start(text, raw.version, raw.vignette.len(), "vignette");
        let mut seen = BTreeSet::new();
        let mut vignettes = Vec::new();
        for spanned in raw.vignette {
            check.line = line_of(text, spanned.span().start);
            let v = spanned.into_inner();
            let before = check.errors.len();
            let code = check.item_code(&mut seen, &v.code);
            check.text("title_ro", &v.title_ro, MAX_TITLE);
            check.text("title_en", &v.title_en, MAX_TITLE);
            check.text("story_ro", &v.story_ro, MAX_STORY);
            check.text("story_en", &v.story_en, MAX_STORY);
            let profile = Profile::ALL
                .into_iter()
                .find(|p| p.as_str() == v.profile.trim());
            if profile.is_none() {
                if v.profile.trim().is_empty() {
                    check.push("profile", TrainingProblem::Missing);
                } else {
                    check.push(
                        "profile",
                        TrainingProblem::UnknownProfile(v.profile.clone()),
                    );
                }
            }
            let expected = TraineeDecision::parse(&v.expected);
            if expected.is_none() {
                if v.expected.trim().is_empty() {
                    check.push("expected", TrainingProblem::Missing);
                } else {
                    check.push(
                        "expected",
                        TrainingProblem::UnknownDecision(v.expected.clone()),
                    );
                }
            }
            let mut present = BTreeSet::new();
            for code in &v.present {
                let code = code.trim().to_string();
                if !present.insert(code.clone()) {
                    check.push("present", TrainingProblem::Repeated(code));
                }
            }
            if let Some(profile) = profile {
                match (profile.is_child(), v.act) {
                    (true, None) => check.push("act", TrainingProblem::ActMissing),
                    (false, Some(_)) => check.push("act", TrainingProblem::ActForAdult),
                    _ => {}
                }
                for code in &present {
                    match catalogue.indicator(code) {
                        None => {
                            check.push("present", TrainingProblem::UnknownIndicator(code.clone()))
                        }
                        Some(i) if i.weight(profile).is_none() => check.push(
                            "present",
                            TrainingProblem::NotInProfile {
                                code: code.clone(),
                                profile,
                            },
                        ),
                        Some(_) => {}
                    }
                }
            }
            if check.errors.len() > before {
                continue;
            }
            let (Some(profile), Some(expected)) = (profile, expected) else {
                continue;
            };
            let vignette = Vignette {
                code,
                profile,
                title_ro: v.title_ro.trim().into(),
                title_en: v.title_en.trim().into(),
                story_ro: v.story_ro.trim().into(),
                story_en: v.story_en.trim().into(),
                present,
                act: v.act,
                expected,
            };
            match crate::identification::evaluate(catalogue, profile, &vignette.answers()) {
                Ok(e) if decision_of(e.outcome) != expected => check.push(
                    "expected",
                    TrainingProblem::Contradicts {
                        expected,
                        engine: e.outcome,
                    },
                ),
                Ok(_) => vignettes.push(vignette),
                // Every code was checked above; kept for a catalogue that changes that rule.
                Err(EvaluationError::UnknownIndicator(code)) => {
                    check.push("present", TrainingProblem::UnknownIndicator(code))
                }
                Err(EvaluationError::NotInProfile { code, profile }) => {
                    check.push("present", TrainingProblem::NotInProfile { code, profile })
                }
            }
        }
        if check.errors.is_empty() {
            Ok(VignetteSet { version, vignettes })
        } else {
            Err(check.errors)
        }
    }

    pub fn vignette(&self, code: &str) -> Option<&Vignette> {
        self.vignettes.iter().find(|v| v.code == code)
    }
}

/// What a trainee answered on a vignette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraineeAnswer {
    pub present: BTreeSet<String>,
    pub act: Option<bool>,
    pub decision: TraineeDecision,
}

/// Why a trainee's answer cannot be scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerProblem {
    /// A code the catalogue does not know, or not in the vignette's profile.
    Indicator(EvaluationError),
    /// A child profile's vignette needs the act answered.
    ActMissing,
}

/// A scored attempt: what the engine made of both answers and where they differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Of the indicators the author or the trainee marked present, the share both marked; 1
    /// when neither marked any.
    pub score: f64,
    pub decision_correct: bool,
    /// Present for the author, not marked by the trainee.
    pub missed: Vec<String>,
    /// Marked by the trainee, not present for the author.
    pub wrongly_marked: Vec<String>,
    pub author: Evaluation,
    pub trainee: Evaluation,
}

/// The share of the marked indicators both marked (the Jaccard index of the two sets).
pub fn agreement(author: &BTreeSet<String>, trainee: &BTreeSet<String>) -> f64 {
    let union = author.union(trainee).count();
    if union == 0 {
        return 1.0;
    }
    author.intersection(trainee).count() as f64 / union as f64
}

/// Scores a trainee's answer on a vignette with the engine on `catalogue`.
pub fn score(
    catalogue: &Catalogue,
    vignette: &Vignette,
    answer: &TraineeAnswer,
) -> Result<Scored, AnswerProblem> {
    if vignette.profile.is_child() && answer.act.is_none() {
        return Err(AnswerProblem::ActMissing);
    }
    let trainee_answers = Answers {
        present: answer.present.clone(),
        asked: None,
        act: if vignette.profile.is_child() {
            answer.act
        } else {
            None
        },
    };
    let trainee = crate::identification::evaluate(catalogue, vignette.profile, &trainee_answers)
        .map_err(AnswerProblem::Indicator)?;
    let author = crate::identification::evaluate(catalogue, vignette.profile, &vignette.answers())
        .map_err(AnswerProblem::Indicator)?;
    Ok(Scored {
        score: agreement(&vignette.present, &answer.present),
        decision_correct: answer.decision == vignette.expected,
        missed: vignette
            .present
            .difference(&answer.present)
            .cloned()
            .collect(),
        wrongly_marked: answer
            .present
            .difference(&vignette.present)
            .cloned()
            .collect(),
        author,
        trainee,
    })
}

/// A vignette's best attempt, as the certification counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptResult {
    pub vignette: String,
    pub score: f64,
    pub decision_correct: bool,
}

impl TrainingRules {
    /// Whether an attempt passes its vignette.
    pub fn passes(&self, score: f64, decision_correct: bool) -> bool {
        decision_correct && score + 1e-9 >= self.pass_score
    }

    /// The distinct vignettes passed among these attempts.
    pub fn vignettes_passed(&self, attempts: &[AttemptResult]) -> usize {
        attempts
            .iter()
            .filter(|a| self.passes(a.score, a.decision_correct))
            .map(|a| a.vignette.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Whether the e-learning is passed.
    pub fn elearning_passed(&self, attempts: &[AttemptResult]) -> bool {
        self.vignettes_passed(attempts) >= self.pass_vignettes as usize
    }

    /// The last day a certificate issued on `issued_on` is valid: the day before the same date
    /// `valid_years` later (28 February for one issued on 29 February).
    pub fn last_valid_day(&self, issued_on: NaiveDate) -> NaiveDate {
        let year = issued_on.year() + self.valid_years as i32;
        // 29 February's anniversary in a common year is 1 March, so the last day is 28 February.
        let same_day = NaiveDate::from_ymd_opt(year, issued_on.month(), issued_on.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
            .unwrap_or(issued_on);
        same_day.pred_opt().unwrap_or(same_day)
    }

    /// The day the holder's supervisors are told the certificate ends.
    pub fn notice_day(&self, last_valid_day: NaiveDate) -> NaiveDate {
        last_valid_day - chrono::Days::new(u64::from(self.expiry_notice_days))
    }
}

/// Where a certificate stands on local day `today`: revoked as soon as it is revoked, expired
/// from the day after its last valid day (its last day ends at midnight in the jurisdiction's
/// time zone, which the caller turned into `today`).
pub fn standing(last_valid_day: NaiveDate, revoked: bool, today: NaiveDate) -> Standing {
    if revoked {
        Standing::Revoked
    } else if today > last_valid_day {
        Standing::Expired
    } else {
        Standing::Valid
    }
}

/// The holder's initials as the public verification shows them: the first letter of each part
/// of the name, followed by a dot (`Ana-Maria Pop` → `A. M. P.`).
pub fn initials(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|part| part.chars().find(|c| c.is_alphabetic()))
        .flat_map(|c| c.to_uppercase())
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A past session read from a file of sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub line: usize,
    pub held_on: NaiveDate,
    pub city: String,
    pub county: String,
    pub audience: Audience,
    pub trainers: Vec<String>,
    pub modules: Vec<String>,
}

/// The columns of a file of past sessions.
pub const SESSION_COLUMNS: [&str; 6] =
    ["date", "city", "county", "audience", "trainers", "modules"];

/// Reads a CSV file of past sessions; every module must be one of `curriculum`'s.
pub fn parse_sessions(
    text: &str,
    curriculum: &Curriculum,
) -> Result<Vec<SessionRow>, Vec<DataError>> {
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err(vec![DataError {
                line: 1,
                field: String::new(),
                problem: TrainingProblem::Unreadable(e.to_string()),
            }]);
        }
    };
    let mut position = [usize::MAX; 6];
    for (i, name) in header.iter().enumerate() {
        match SESSION_COLUMNS.iter().position(|c| c == name) {
            Some(p) if position[p] == usize::MAX => position[p] = i,
            Some(_) => errors.push(DataError {
                line: 1,
                field: name.clone(),
                problem: TrainingProblem::Repeated(name.clone()),
            }),
            None => errors.push(DataError {
                line: 1,
                field: name.clone(),
                problem: TrainingProblem::UnknownColumn(name.clone()),
            }),
        }
    }
    for (p, column) in SESSION_COLUMNS.iter().enumerate() {
        if position[p] == usize::MAX {
            errors.push(DataError {
                line: 1,
                field: column.to_string(),
                problem: TrainingProblem::MissingColumn(column),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(DataError {
                    line: e.position().map_or(0, |p| p.line() as usize),
                    field: String::new(),
                    problem: TrainingProblem::Unreadable(e.to_string()),
                });
                break;
            }
        };
        if rows.len() + 1 > MAX_SESSIONS {
            errors.push(DataError {
                line: 0,
                field: String::new(),
                problem: TrainingProblem::TooMany { max: MAX_SESSIONS },
            });
            break;
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |p: usize| record.get(position[p]).unwrap_or("").trim();
        let mut check = Checker {
            line,
            errors: Vec::new(),
        };
        let held_on = crate::parse_iso_date(cell(0));
        if held_on.is_none() {
            if cell(0).is_empty() {
                check.push("date", TrainingProblem::Missing);
            } else {
                check.push("date", TrainingProblem::BadDate(cell(0).into()));
            }
        }
        check.text("city", cell(1), MAX_CITY);
        let county = cell(2);
        if crate::reference::county(county).is_none() {
            check.push("county", TrainingProblem::UnknownCounty(county.into()));
        }
        let audience = Audience::parse(cell(3));
        if audience.is_none() {
            check.push("audience", TrainingProblem::UnknownAudience(cell(3).into()));
        }
        let trainers: Vec<String> = split_list(cell(4));
        for trainer in &trainers {
            check.text("trainers", trainer, MAX_NAME);
        }
        let modules: Vec<String> = split_list(cell(5));
        for module in &modules {
            if curriculum.module(module).is_none() {
                check.push("modules", TrainingProblem::UnknownModule(module.clone()));
            }
        }
        errors.append(&mut check.errors);
        if let (Some(held_on), Some(audience)) = (held_on, audience) {
            rows.push(SessionRow {
                line,
                held_on,
                city: cell(1).into(),
                county: county.into(),
                audience,
                trainers,
                modules,
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(DataError {
            line: 0,
            field: String::new(),
            problem: TrainingProblem::Empty,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// A `;`-separated list, blanks dropped.
fn split_list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(codes: &[&str]) -> BTreeSet<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    const ONE: &str = r#"
version = "t1"
[[vignette]]
code = "A"
profile = "adult-labour"
title_ro = "Titlu"
title_en = "Title"
story_ro = "Poveste."
story_en = "Story."
present = ["DR01", "DR02", "EX01", "EX02", "CD01", "CD04"]
expected = "presumed_victim"
"#;

    #[test]
    fn builtin_data_read_and_agree_with_the_engine() {
        let curriculum = Curriculum::builtin();
        assert_eq!(curriculum.modules.len(), 7);
        let set = VignetteSet::parse(BUILTIN_VIGNETTES, Catalogue::builtin()).unwrap();
        assert!(set.vignettes.len() >= 5, "{}", set.vignettes.len());
        let sessions = parse_sessions(PROJECT_SESSIONS, &curriculum).unwrap();
        assert_eq!(sessions.len(), 17);
        let foreign = sessions
            .iter()
            .filter(|s| s.audience == Audience::ForeignVictims)
            .count();
        assert_eq!(foreign, 2);
    }

    #[test]
    fn a_vignette_is_read_with_its_answers() {
        let set = VignetteSet::parse(ONE, Catalogue::builtin()).unwrap();
        assert_eq!(set.version, "t1");
        let v = set.vignette("A").unwrap();
        assert_eq!(v.profile, Profile::AdultLabour);
        assert_eq!(v.present.len(), 6);
        assert_eq!(v.expected, TraineeDecision::PresumedVictim);
    }

    #[test]
    fn an_expected_outcome_the_engine_contradicts_is_refused() {
        let text = ONE.replace(
            r#"expected = "presumed_victim""#,
            r#"expected = "not_a_victim""#,
        );
        let errors = VignetteSet::parse(&text, Catalogue::builtin()).unwrap_err();
        assert_eq!(
            errors,
            vec![DataError {
                line: 3,
                field: "expected".into(),
                problem: TrainingProblem::Contradicts {
                    expected: TraineeDecision::NotAVictim,
                    engine: Outcome::Indicated,
                },
            }]
        );
        // Without the means at destination the engine does not indicate trafficking either.
        let text = ONE.replace(r#", "CD01", "CD04""#, "");
        let errors = VignetteSet::parse(&text, Catalogue::builtin()).unwrap_err();
        assert!(matches!(
            errors[0].problem,
            TrainingProblem::Contradicts {
                expected: TraineeDecision::PresumedVictim,
                engine: Outcome::NotIndicated
            }
        ));
    }

    #[test]
    fn every_problem_of_a_vignette_is_named_with_its_line_and_field() {
        let text = r#"version = "bad version"
[[vignette]]
code = "A"
profile = "adult-labour"
title_ro = ""
title_en = "Title"
story_ro = "Poveste."
story_en = "Story."
present = ["XX99", "DR01"]
act = true
expected = "maybe"

[[vignette]]
code = "A"
profile = "child-sexual"
title_ro = "T"
title_en = "T"
story_ro = "P"
story_en = "S"
present = ["VR08"]
expected = "not_a_victim"
"#;
        let errors = VignetteSet::parse(text, Catalogue::builtin()).unwrap_err();
        let found: Vec<(usize, &str, &TrainingProblem)> = errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), &e.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    1,
                    "version",
                    &TrainingProblem::BadCode("bad version".into())
                ),
                (2, "title_ro", &TrainingProblem::Missing),
                (
                    2,
                    "expected",
                    &TrainingProblem::UnknownDecision("maybe".into())
                ),
                (2, "act", &TrainingProblem::ActForAdult),
                (
                    2,
                    "present",
                    &TrainingProblem::UnknownIndicator("XX99".into())
                ),
                (13, "code", &TrainingProblem::Repeated("A".into())),
                (13, "act", &TrainingProblem::ActMissing),
                (
                    13,
                    "present",
                    &TrainingProblem::NotInProfile {
                        code: "VR08".into(),
                        profile: Profile::ChildSexual
                    }
                ),
            ]
        );
    }

    #[test]
    fn a_file_that_is_not_toml_is_named_at_its_line() {
        let errors =
            VignetteSet::parse("version = \"x\"\n[[vignette]\n", Catalogue::builtin()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(matches!(errors[0].problem, TrainingProblem::Syntax(_)));
        let errors = Curriculum::parse("version = \"x\"\nsurprise = 1\n").unwrap_err();
        assert!(matches!(errors[0].problem, TrainingProblem::Syntax(_)));
    }

    #[test]
    fn a_curriculum_names_what_is_wrong() {
        let text = r#"version = "2024"
[[module]]
code = "m"
title_ro = "Titlu"
title_en = "Title"
objectives_ro = ["Unu", "Doi"]
objectives_en = ["One"]
[[module]]
code = "m"
title_ro = "Titlu"
title_en = "Title"
objectives_ro = []
objectives_en = []
"#;
        let errors = Curriculum::parse(text).unwrap_err();
        let found: Vec<(usize, &str, &TrainingProblem)> = errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), &e.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    2,
                    "objectives_en",
                    &TrainingProblem::ObjectivesDiffer { ro: 2, en: 1 }
                ),
                (8, "code", &TrainingProblem::Repeated("m".into())),
                (8, "objectives_ro", &TrainingProblem::Missing),
                (8, "objectives_en", &TrainingProblem::Missing),
            ]
        );
        let errors = Curriculum::parse("version = \"2024\"\n").unwrap_err();
        assert_eq!(errors[0].problem, TrainingProblem::Empty);
    }

    #[test]
    fn agreement_is_the_share_of_marked_indicators_both_marked() {
        assert_eq!(agreement(&set(&[]), &set(&[])), 1.0);
        assert_eq!(agreement(&set(&["A", "B"]), &set(&["A", "B"])), 1.0);
        assert_eq!(agreement(&set(&["A", "B"]), &set(&["C"])), 0.0);
        assert_eq!(
            agreement(&set(&["A", "B", "C"]), &set(&["A", "B", "D"])),
            0.5
        );
        assert_eq!(agreement(&set(&["A"]), &set(&[])), 0.0);
    }

    #[test]
    fn an_attempt_is_scored_with_what_was_missed_and_marked_wrongly() {
        let set_ = VignetteSet::parse(ONE, Catalogue::builtin()).unwrap();
        let v = set_.vignette("A").unwrap();
        let answer = TraineeAnswer {
            present: set(&["DR01", "DR02", "EX01", "EX02", "CD01", "VR06"]),
            act: None,
            decision: TraineeDecision::PresumedVictim,
        };
        let scored = score(Catalogue::builtin(), v, &answer).unwrap();
        // Five shared of seven marked by either.
        assert!((scored.score - 5.0 / 7.0).abs() < 1e-12, "{}", scored.score);
        assert!(scored.decision_correct);
        assert_eq!(scored.missed, vec!["CD04".to_string()]);
        assert_eq!(scored.wrongly_marked, vec!["VR06".to_string()]);
        assert_eq!(scored.author.outcome, Outcome::Indicated);
        // CD01 alone (one strong) does not make coercion at destination positive.
        assert_eq!(scored.trainee.outcome, Outcome::NotIndicated);

        let wrong = TraineeAnswer {
            decision: TraineeDecision::NotAVictim,
            ..answer.clone()
        };
        assert!(
            !score(Catalogue::builtin(), v, &wrong)
                .unwrap()
                .decision_correct
        );
        let unknown = TraineeAnswer {
            present: set(&["ZZ01"]),
            ..answer
        };
        assert!(matches!(
            score(Catalogue::builtin(), v, &unknown),
            Err(AnswerProblem::Indicator(EvaluationError::UnknownIndicator(
                _
            )))
        ));
    }

    #[test]
    fn passing_needs_enough_distinct_vignettes_each_right() {
        let rules = TrainingRules::default();
        let attempt = |v: &str, score: f64, right: bool| AttemptResult {
            vignette: v.into(),
            score,
            decision_correct: right,
        };
        let mut attempts: Vec<AttemptResult> = ["a", "b", "c", "d"]
            .iter()
            .map(|v| attempt(v, 0.8, true))
            .collect();
        // The same vignette passed twice counts once; a high score with the wrong decision and
        // a right decision under the score do not count.
        attempts.push(attempt("a", 1.0, true));
        attempts.push(attempt("e", 1.0, false));
        attempts.push(attempt("f", 0.79, true));
        assert_eq!(rules.vignettes_passed(&attempts), 4);
        assert!(!rules.elearning_passed(&attempts));
        attempts.push(attempt("e", 0.9, true));
        assert!(rules.elearning_passed(&attempts));
    }

    #[test]
    fn a_certificate_runs_to_the_day_before_its_anniversary() {
        let rules = TrainingRules::default();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(rules.last_valid_day(day(2026, 12, 7)), day(2029, 12, 6));
        assert_eq!(rules.last_valid_day(day(2024, 2, 29)), day(2027, 2, 28));
        assert_eq!(rules.last_valid_day(day(2026, 1, 1)), day(2028, 12, 31));
        assert_eq!(rules.notice_day(day(2029, 12, 6)), day(2029, 11, 6));
        let last = day(2029, 12, 6);
        assert_eq!(standing(last, false, day(2029, 12, 6)), Standing::Valid);
        assert_eq!(standing(last, false, day(2029, 12, 7)), Standing::Expired);
        assert_eq!(standing(last, true, day(2027, 1, 1)), Standing::Revoked);
    }

    #[test]
    fn initials_show_no_more_than_a_letter_a_name() {
        assert_eq!(initials("Ana-Maria Pop"), "A. M. P.");
        assert_eq!(initials("  ștefan   ionescu "), "Ș. I.");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn sessions_name_their_problems_by_line() {
        let curriculum = Curriculum::builtin();
        let text = "date,city,county,audience,trainers,modules\n\
                    2019-02-30,Iași,RO-IS,national_victims,A B,mechanism\n\
                    2019-03-01,Iași,RO-XX,everyone,A B,mechanism;cooking\n";
        let errors = parse_sessions(text, &curriculum).unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            found,
            vec![(2, "date"), (3, "county"), (3, "audience"), (3, "modules")]
        );
        let errors = parse_sessions("date,city,place\n", &curriculum).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.problem == TrainingProblem::UnknownColumn("place".into()))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.problem == TrainingProblem::MissingColumn("audience"))
        );
    }
}
