use crate::role::Role;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Defines a closed vocabulary: the enum, its snake_case text form, parsing with an error that
/// lists the accepted values, and `ALL` in declaration order (the order pages show them in).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::vocabulary::Vocabulary for $name {
            fn texts() -> Vec<&'static str> {
                $name::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s.trim()).ok_or_else(|| {
                    let accepted: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    format!("unknown {} `{}` (expected one of: {})", $what, s.trim(), accepted.join(", "))
                })
            }
        }
    };
}

vocabulary!(
    /// The states of a case (mnir.md §3).
    CaseState, "case state" {
        Notified => "notified",
        PotentialVictim => "potential_victim",
        PresumedVictim => "presumed_victim",
        IdentifiedVictim => "identified_victim",
        NotAVictim => "not_a_victim",
        InAssistance => "in_assistance",
        Returned => "returned",
        DeclinedAssistance => "declined_assistance",
        Closed => "closed",
        Duplicate => "duplicate",
    }
);

vocabulary!(
    /// Sex as recorded at notification; exported as HTCDS `prs_Gender`.
    Sex, "sex" {
        Female => "female",
        Male => "male",
        Other => "other",
        Unknown => "unknown",
    }
);

vocabulary!(
    /// Form of exploitation (mnir.md §11 statistics groups); exported as HTCDS `vic_TypeOfExploitation`.
    Exploitation, "form of exploitation" {
        Sexual => "sexual",
        Labour => "labour",
        Begging => "begging",
        Criminality => "criminality",
        Other => "other",
    }
);

vocabulary!(
    /// Child, adult, or not known; "unknown" is treated as a child for routing and protection
    /// (the presumption of minority).
    AgeGroup, "age group" {
        Child => "child",
        Adult => "adult",
        Unknown => "unknown",
    }
);

impl AgeGroup {
    pub fn from_age(age: Option<u32>) -> AgeGroup {
        match age {
            Some(a) if a < 18 => AgeGroup::Child,
            Some(_) => AgeGroup::Adult,
            None => AgeGroup::Unknown,
        }
    }

    /// Whether child-protection rules apply: a child, or a person whose age is not known.
    pub fn may_be_child(self) -> bool {
        self != AgeGroup::Adult
    }
}

impl Sex {
    pub fn htcds_gender(self) -> &'static str {
        match self {
            Sex::Female => "Feminine",
            Sex::Male => "Masculine",
            Sex::Other => "NonConforming",
            Sex::Unknown => "NonSpecifiedUnknown",
        }
    }
}

impl Exploitation {
    pub fn htcds_type(self) -> &'static str {
        match self {
            Exploitation::Sexual => "SexualExploitation",
            Exploitation::Labour => "ForcedLabour",
            Exploitation::Begging => "ForcedBegging",
            Exploitation::Criminality | Exploitation::Other => "Other",
        }
    }
}

/// A case reference that reveals nothing about how many cases exist: `RO-` and ten Crockford
/// base-32 characters of 50 random bits.
pub fn case_reference(bits: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let chars: String = (0..10)
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("RO-{}-{}", &chars[..5], &chars[5..])
}

/// Completed years of age on `day`; `None` when the birth date lies after that day.
/// A date written exactly as `YYYY-MM-DD` (four-digit year, two-digit month and day): the only
/// form mnir accepts, so `2024-2-3` is refused rather than guessed at.
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

pub fn age_on(birth: NaiveDate, day: NaiveDate) -> Option<u32> {
    if birth > day {
        return None;
    }
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

impl CaseState {
    /// HTCDS `vic_TraffickingStatus` for exports.
    pub fn htcds_trafficking_status(self) -> &'static str {
        match self {
            CaseState::NotAVictim => "NotAVictimOfTrafficking",
            CaseState::IdentifiedVictim
            | CaseState::InAssistance
            | CaseState::Returned
            | CaseState::DeclinedAssistance => "ActualVictimOfTrafficking",
            _ => "PossibleVictimOfTrafficking",
        }
    }

    /// HTCDS `cas_Status` for exports.
    pub fn htcds_case_status(self) -> &'static str {
        match self {
            CaseState::Returned => "FollowUp",
            CaseState::NotAVictim => "ClosedReferred",
            CaseState::Closed | CaseState::DeclinedAssistance | CaseState::Duplicate => "Closed",
            _ => "Active",
        }
    }

    /// Open cases are those somebody still has to act on.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            CaseState::Closed
                | CaseState::NotAVictim
                | CaseState::DeclinedAssistance
                | CaseState::Duplicate
        )
    }
}

/// Who may move a case from one state to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionRule {
    pub roles: &'static [Role],
    /// The actor's organisation must be authorised to take identification decisions (and, for
    /// an organisation authorised for children only, the person must be a child or of unknown age).
    pub needs_identification_power: bool,
}

const WORKERS: &[Role] = &[Role::CaseWorker, Role::Supervisor];
const OFFICERS: &[Role] = &[Role::IdentificationOfficer];
const SUPERVISORS: &[Role] = &[Role::Supervisor];

/// The transition table of mnir.md §3, including the reopenings it allows ("cases are
/// reopenable"): a negative decision reconsidered, a declined offer taken up, a closed case
/// resumed. `duplicate` is final because the person's path continues in the other case.
pub fn transition_rule(from: CaseState, to: CaseState) -> Option<TransitionRule> {
    use CaseState::*;
    let (roles, needs_identification_power) = match (from, to) {
        (Notified, PotentialVictim) | (Notified, Duplicate) => (WORKERS, false),
        (PotentialVictim, PresumedVictim)
        | (PotentialVictim, NotAVictim)
        | (PresumedVictim, IdentifiedVictim)
        | (PresumedVictim, NotAVictim) => (OFFICERS, true),
        (IdentifiedVictim, InAssistance)
        | (IdentifiedVictim, DeclinedAssistance)
        | (InAssistance, Returned)
        | (DeclinedAssistance, InAssistance) => (WORKERS, false),
        (InAssistance, Closed) | (Returned, Closed) => (SUPERVISORS, false),
        (NotAVictim, PotentialVictim) | (Closed, InAssistance) => (SUPERVISORS, false),
        _ => return None,
    };
    Some(TransitionRule {
        roles,
        needs_identification_power,
    })
}

/// The states reachable from `from` in one step, in display order.
pub fn next_states(from: CaseState) -> impl Iterator<Item = CaseState> {
    CaseState::ALL
        .iter()
        .copied()
        .filter(move |to| transition_rule(from, *to).is_some())
}

#[cfg(test)]
mod tests {

    #[test]
    fn only_four_two_two_digit_dates_are_read() {
        assert_eq!(
            parse_iso_date("2024-02-03"),
            NaiveDate::from_ymd_opt(2024, 2, 3)
        );
        for wrong in [
            "2024-2-3",
            "2024-02-3",
            "24-02-03",
            "2024/02/03",
            "2024-02-30",
            " 2024-02-03",
        ] {
            assert_eq!(parse_iso_date(wrong), None, "{wrong}");
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_diagram_of_section_3_is_allowed() {
        use CaseState::*;
        for (from, to) in [
            (Notified, PotentialVictim),
            (Notified, Duplicate),
            (PotentialVictim, PresumedVictim),
            (PotentialVictim, NotAVictim),
            (PresumedVictim, IdentifiedVictim),
            (PresumedVictim, NotAVictim),
            (IdentifiedVictim, InAssistance),
            (IdentifiedVictim, DeclinedAssistance),
            (InAssistance, Closed),
            (InAssistance, Returned),
        ] {
            assert!(transition_rule(from, to).is_some(), "{from} -> {to}");
        }
    }

    #[test]
    fn skipping_identification_is_refused() {
        use CaseState::*;
        assert!(transition_rule(Notified, IdentifiedVictim).is_none());
        assert!(transition_rule(PotentialVictim, InAssistance).is_none());
        assert!(transition_rule(Notified, InAssistance).is_none());
        assert!(next_states(Duplicate).next().is_none());
    }

    #[test]
    fn identification_decisions_need_an_authorised_officer() {
        let rule = transition_rule(CaseState::PresumedVictim, CaseState::IdentifiedVictim).unwrap();
        assert_eq!(rule.roles, &[Role::IdentificationOfficer]);
        assert!(rule.needs_identification_power);
        let rule = transition_rule(CaseState::InAssistance, CaseState::Closed).unwrap();
        assert_eq!(rule.roles, &[Role::Supervisor]);
    }

    #[test]
    fn ages_count_completed_years() {
        assert_eq!(age_on(date("2008-11-29"), date("2026-11-28")), Some(17));
        assert_eq!(age_on(date("2008-11-28"), date("2026-11-28")), Some(18));
        assert_eq!(age_on(date("2027-01-01"), date("2026-11-28")), None);
        assert_eq!(AgeGroup::from_age(Some(17)), AgeGroup::Child);
        assert_eq!(AgeGroup::from_age(Some(18)), AgeGroup::Adult);
        assert!(AgeGroup::from_age(None).may_be_child());
    }

    #[test]
    fn vocabularies_parse_their_own_text_and_name_the_accepted_values() {
        for s in CaseState::ALL {
            assert_eq!(s.as_str().parse::<CaseState>(), Ok(*s));
        }
        let err = "victim".parse::<CaseState>().unwrap_err();
        assert!(
            err.contains("`victim`") && err.contains("presumed_victim"),
            "{err}"
        );
    }

    proptest! {
        #[test]
        fn every_open_state_but_one_can_move_and_no_state_loops_to_itself(i in 0usize..10) {
            let s = CaseState::ALL[i];
            prop_assert!(transition_rule(s, s).is_none());
            if s != CaseState::Duplicate {
                prop_assert!(next_states(s).next().is_some(), "{} is a dead end", s);
            }
        }

        #[test]
        fn a_birthday_adds_exactly_one_year(y in 1930i32..2025, m in 1u32..=12, d in 1u32..=28, later in 1i32..80) {
            let birth = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let day = NaiveDate::from_ymd_opt(y + later, m, d).unwrap();
            prop_assert_eq!(age_on(birth, day), Some(later as u32));
            prop_assert_eq!(age_on(birth, day.pred_opt().unwrap()), Some(later as u32 - 1));
        }
    }
}
