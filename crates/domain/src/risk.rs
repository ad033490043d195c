//! Risk and special-needs assessment (mnir.md §8): the urgent questions of the first contact, the
//! full assessment of eight domains rated for severity and likelihood, the level each rating
//! gives, the assessment's overall level and the review clock it starts.

use crate::case::{AgeGroup, CaseState};
use crate::clocks::ClockKind;
use crate::vocabulary::codes;
use std::collections::BTreeMap;

codes!(
    /// The moments of an assessment: the urgent questions at first contact (from the
    /// notification on), the full assessment of every domain (from the presumed-victim finding
    /// on), and the assessment of a return home, made with the partner in the country of return
    /// (mnir.md §10): every domain of the full one and the threats to the family at home.
    AssessmentKind {
        FirstContact => "first_contact",
        Full => "full",
        Return => "return",
    }
);

codes!(
    /// The domains of the full assessment (mnir.md §8), in the order the form asks them.
    RiskDomain {
        PersonalSafety => "personal_safety",
        FamilySafety => "family_safety",
        FamilyAtHome => "family_at_home",
        ReTrafficking => "re_trafficking",
        PhysicalHealth => "physical_health",
        MentalHealth => "mental_health",
        LegalSituation => "legal_situation",
        HousingLivelihood => "housing_livelihood",
        ChildSpecific => "child_specific",
    }
);

codes!(
    /// The questions asked at first contact; a "yes" to any of them is an urgent need that the
    /// case's organisation must answer (with a protection measure or a referral).
    UrgentQuestion {
        MedicalNeed => "urgent_medical_need",
        ViolenceDanger => "immediate_violence",
        ReTraffickingDanger => "re_trafficking_danger",
        ChildWithoutCarer => "child_without_carer",
    }
);

codes!(
    /// A level of risk, lowest first (so that the derived order compares levels).
    RiskLevel {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
);

impl RiskDomain {
    /// The name of the domain's field in a form or an API request (`domains.<code>`), which an
    /// error names.
    pub fn field(self) -> &'static str {
        match self {
            RiskDomain::PersonalSafety => "domains.personal_safety",
            RiskDomain::FamilySafety => "domains.family_safety",
            RiskDomain::FamilyAtHome => "domains.family_at_home",
            RiskDomain::ReTrafficking => "domains.re_trafficking",
            RiskDomain::PhysicalHealth => "domains.physical_health",
            RiskDomain::MentalHealth => "domains.mental_health",
            RiskDomain::LegalSituation => "domains.legal_situation",
            RiskDomain::HousingLivelihood => "domains.housing_livelihood",
            RiskDomain::ChildSpecific => "domains.child_specific",
        }
    }
}

impl UrgentQuestion {
    /// The name of the question's field in a form or an API request (`urgent.<code>`).
    pub fn field(self) -> &'static str {
        match self {
            UrgentQuestion::MedicalNeed => "urgent.urgent_medical_need",
            UrgentQuestion::ViolenceDanger => "urgent.immediate_violence",
            UrgentQuestion::ReTraffickingDanger => "urgent.re_trafficking_danger",
            UrgentQuestion::ChildWithoutCarer => "urgent.child_without_carer",
        }
    }
}

/// The lowest and highest value of a severity or a likelihood.
pub const RATING_RANGE: std::ops::RangeInclusive<u8> = 1..=3;

/// A domain's rating: how serious the harm would be and how likely it is, each 1–3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating {
    severity: u8,
    likelihood: u8,
}

impl Rating {
    /// A rating, or `None` when either value is outside 1–3.
    pub fn new(severity: u8, likelihood: u8) -> Option<Rating> {
        (RATING_RANGE.contains(&severity) && RATING_RANGE.contains(&likelihood)).then_some(Rating {
            severity,
            likelihood,
        })
    }

    pub fn severity(self) -> u8 {
        self.severity
    }

    pub fn likelihood(self) -> u8 {
        self.likelihood
    }

    /// Severity × likelihood: 1, 2, 3, 4, 6 or 9.
    pub fn score(self) -> u8 {
        self.severity * self.likelihood
    }

    /// 1–2 low, 3–4 medium, 6–9 high (mnir.md §8).
    pub fn level(self) -> RiskLevel {
        match self.score() {
            1..=2 => RiskLevel::Low,
            3..=4 => RiskLevel::Medium,
            _ => RiskLevel::High,
        }
    }
}

/// The overall level of an assessment: the highest level of any of its domains.
pub fn overall<'a>(ratings: impl IntoIterator<Item = &'a Rating>) -> Option<RiskLevel> {
    ratings.into_iter().map(|r| r.level()).max()
}

/// The review clock a full assessment of this overall level starts; the jurisdiction profile
/// gives each its length (30, 90 and 180 days in Romania's).
pub fn review_clock(level: RiskLevel) -> ClockKind {
    match level {
        RiskLevel::High => ClockKind::RiskReviewHigh,
        RiskLevel::Medium => ClockKind::RiskReviewMedium,
        RiskLevel::Low => ClockKind::RiskReviewLow,
    }
}

/// The review clocks, of which a case has at most one running: the next full assessment replaces it.
pub const REVIEW_CLOCKS: [ClockKind; 3] = [
    ClockKind::RiskReviewHigh,
    ClockKind::RiskReviewMedium,
    ClockKind::RiskReviewLow,
];

/// Whether an assessment of this kind may be recorded on a case in this state: the first
/// contact's questions on any open case, the full assessment from the presumed-victim finding on
/// (a returned person's case included: the follow-up after a return assesses again), and a
/// return's before the person goes and again when a check-in after it finds reason to.
pub fn may_assess(kind: AssessmentKind, state: CaseState) -> bool {
    use CaseState::*;
    match kind {
        AssessmentKind::FirstContact => state.is_open(),
        AssessmentKind::Full => matches!(
            state,
            PresumedVictim | IdentifiedVictim | InAssistance | Returned
        ),
        AssessmentKind::Return => matches!(
            state,
            PresumedVictim | IdentifiedVictim | InAssistance | Returned
        ),
    }
}

/// Whether a clock is a risk review: its kind names the assessment's level, so it is shown only
/// to those who may read the support records.
pub fn is_review_clock(kind: ClockKind) -> bool {
    REVIEW_CLOCKS.contains(&kind)
}

/// Whether a domain of the full assessment is asked of a person of this age group: the
/// child-specific domain only of a child or of a person whose age is not known (the presumption
/// of minority), every other always; the family at home only in a return's assessment.
pub fn asked(domain: RiskDomain, age: AgeGroup) -> bool {
    domain != RiskDomain::FamilyAtHome
        && (domain != RiskDomain::ChildSpecific || age.may_be_child())
}

/// Whether a domain is asked in an assessment of this kind: a return's asks the full one's and
/// the threats to the family at home; a first contact rates none.
pub fn asked_in(kind: AssessmentKind, domain: RiskDomain, age: AgeGroup) -> bool {
    match kind {
        AssessmentKind::FirstContact => false,
        AssessmentKind::Full => asked(domain, age),
        AssessmentKind::Return => domain == RiskDomain::FamilyAtHome || asked(domain, age),
    }
}

/// Whether an urgent question is asked of a person of this age group (a child without a carer
/// only of a child or a person of uncertain age).
pub fn question_asked(question: UrgentQuestion, age: AgeGroup) -> bool {
    question != UrgentQuestion::ChildWithoutCarer || age.may_be_child()
}

/// What is wrong with a set of ratings, as (field, message id) pairs: a domain not asked of this
/// person, or one asked and missing. Ratings outside 1–3 never reach here (see [`Rating::new`]).
pub fn check_domains(
    kind: AssessmentKind,
    ratings: &BTreeMap<RiskDomain, Rating>,
    age: AgeGroup,
) -> Vec<(RiskDomain, &'static str)> {
    RiskDomain::ALL
        .iter()
        .filter_map(
            |&domain| match (asked_in(kind, domain, age), ratings.contains_key(&domain)) {
                (true, false) => Some((domain, "risk-domain-required")),
                (false, true) if domain == RiskDomain::FamilyAtHome => {
                    Some((domain, "risk-domain-return-only"))
                }
                (false, true) => Some((domain, "risk-domain-not-for-adult")),
                _ => None,
            },
        )
        .collect()
}

/// How a domain's level moved between two versions of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Up,
    Down,
    Same,
    /// Rated now, not in the previous version.
    New,
    /// Rated in the previous version, not now (the person's age became known as adult).
    Dropped,
}

impl Movement {
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::Up => "up",
            Movement::Down => "down",
            Movement::Same => "same",
            Movement::New => "new",
            Movement::Dropped => "dropped",
        }
    }
}

/// The movement of each domain's score from `before` to `after`, in the domains' order.
pub fn movements(
    before: &BTreeMap<RiskDomain, Rating>,
    after: &BTreeMap<RiskDomain, Rating>,
) -> Vec<(RiskDomain, Movement)> {
    RiskDomain::ALL
        .iter()
        .filter_map(|d| {
            let movement = match (before.get(d), after.get(d)) {
                (None, None) => return None,
                (None, Some(_)) => Movement::New,
                (Some(_), None) => Movement::Dropped,
                (Some(b), Some(a)) => match a.score().cmp(&b.score()) {
                    std::cmp::Ordering::Greater => Movement::Up,
                    std::cmp::Ordering::Less => Movement::Down,
                    std::cmp::Ordering::Equal => Movement::Same,
                },
            };
            Some((*d, movement))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_pair_has_the_level_of_its_product() {
        // (severity, likelihood, score, level): the whole table of mnir.md §8.
        let table = [
            (1, 1, 1, RiskLevel::Low),
            (1, 2, 2, RiskLevel::Low),
            (2, 1, 2, RiskLevel::Low),
            (1, 3, 3, RiskLevel::Medium),
            (3, 1, 3, RiskLevel::Medium),
            (2, 2, 4, RiskLevel::Medium),
            (2, 3, 6, RiskLevel::High),
            (3, 2, 6, RiskLevel::High),
            (3, 3, 9, RiskLevel::High),
        ];
        for (severity, likelihood, score, level) in table {
            let r = Rating::new(severity, likelihood).unwrap();
            assert_eq!(r.score(), score, "{severity}×{likelihood}");
            assert_eq!(r.level(), level, "{severity}×{likelihood}");
        }
    }

    #[test]
    fn fields_are_named_after_their_codes() {
        for d in RiskDomain::ALL {
            assert_eq!(d.field(), format!("domains.{d}"));
        }
        for q in UrgentQuestion::ALL {
            assert_eq!(q.field(), format!("urgent.{q}"));
        }
    }

    #[test]
    fn ratings_outside_one_to_three_are_refused() {
        for (s, l) in [(0, 1), (1, 0), (4, 1), (1, 4), (0, 0), (255, 3)] {
            assert_eq!(Rating::new(s, l), None, "{s}×{l}");
        }
    }

    #[test]
    fn the_overall_level_is_the_highest_domain_and_picks_the_review_clock() {
        let low = Rating::new(1, 1).unwrap();
        let medium = Rating::new(2, 2).unwrap();
        let high = Rating::new(3, 2).unwrap();
        assert_eq!(overall([&low, &medium, &low]), Some(RiskLevel::Medium));
        assert_eq!(overall([&low, &high, &medium]), Some(RiskLevel::High));
        assert_eq!(overall([]), None);
        assert_eq!(review_clock(RiskLevel::High), ClockKind::RiskReviewHigh);
        assert_eq!(review_clock(RiskLevel::Low), ClockKind::RiskReviewLow);
    }

    #[test]
    fn the_child_domain_is_required_for_a_child_and_refused_for_an_adult() {
        let r = Rating::new(1, 1).unwrap();
        let full = AssessmentKind::Full;
        let without_child: BTreeMap<_, _> = RiskDomain::ALL
            .iter()
            .filter(|d| !matches!(d, RiskDomain::ChildSpecific | RiskDomain::FamilyAtHome))
            .map(|d| (*d, r))
            .collect();
        let mut with_child = without_child.clone();
        with_child.insert(RiskDomain::ChildSpecific, r);
        assert!(check_domains(full, &without_child, AgeGroup::Adult).is_empty());
        assert!(check_domains(full, &with_child, AgeGroup::Child).is_empty());
        assert_eq!(
            check_domains(full, &without_child, AgeGroup::Unknown),
            [(RiskDomain::ChildSpecific, "risk-domain-required")]
        );
        assert_eq!(
            check_domains(full, &with_child, AgeGroup::Adult),
            [(RiskDomain::ChildSpecific, "risk-domain-not-for-adult")]
        );
        let mut missing = without_child.clone();
        missing.remove(&RiskDomain::MentalHealth);
        assert_eq!(
            check_domains(full, &missing, AgeGroup::Adult),
            [(RiskDomain::MentalHealth, "risk-domain-required")]
        );
    }

    #[test]
    fn a_returns_assessment_asks_of_the_family_at_home_and_only_it_does() {
        let r = Rating::new(1, 1).unwrap();
        let full_domains: BTreeMap<_, _> = RiskDomain::ALL
            .iter()
            .filter(|d| asked(**d, AgeGroup::Adult))
            .map(|d| (*d, r))
            .collect();
        assert!(!full_domains.contains_key(&RiskDomain::FamilyAtHome));
        assert_eq!(
            check_domains(AssessmentKind::Return, &full_domains, AgeGroup::Adult),
            [(RiskDomain::FamilyAtHome, "risk-domain-required")]
        );
        let mut with_home = full_domains.clone();
        with_home.insert(RiskDomain::FamilyAtHome, r);
        assert!(check_domains(AssessmentKind::Return, &with_home, AgeGroup::Adult).is_empty());
        assert_eq!(
            check_domains(AssessmentKind::Full, &with_home, AgeGroup::Adult),
            [(RiskDomain::FamilyAtHome, "risk-domain-return-only")]
        );
        assert!(may_assess(AssessmentKind::Return, CaseState::InAssistance));
        assert!(may_assess(AssessmentKind::Return, CaseState::Returned));
        assert!(!may_assess(AssessmentKind::Return, CaseState::Closed));
        assert!(!may_assess(AssessmentKind::Return, CaseState::Notified));
    }

    #[test]
    fn the_full_assessment_waits_for_the_presumed_victim_finding() {
        assert!(may_assess(
            AssessmentKind::FirstContact,
            CaseState::Notified
        ));
        assert!(!may_assess(
            AssessmentKind::Full,
            CaseState::PotentialVictim
        ));
        assert!(may_assess(AssessmentKind::Full, CaseState::PresumedVictim));
        assert!(may_assess(AssessmentKind::Full, CaseState::InAssistance));
        assert!(may_assess(AssessmentKind::Full, CaseState::Returned));
        assert!(may_assess(
            AssessmentKind::FirstContact,
            CaseState::Returned
        ));
        for closed in [
            CaseState::Closed,
            CaseState::NotAVictim,
            CaseState::Duplicate,
        ] {
            assert!(!may_assess(AssessmentKind::FirstContact, closed));
            assert!(!may_assess(AssessmentKind::Full, closed));
        }
    }

    #[test]
    fn movements_compare_scores_domain_by_domain() {
        let rating = |s, l| Rating::new(s, l).unwrap();
        let before = BTreeMap::from([
            (RiskDomain::PersonalSafety, rating(2, 2)),
            (RiskDomain::MentalHealth, rating(3, 3)),
            (RiskDomain::ChildSpecific, rating(1, 1)),
        ]);
        let after = BTreeMap::from([
            (RiskDomain::PersonalSafety, rating(3, 2)),
            (RiskDomain::MentalHealth, rating(1, 3)),
            (RiskDomain::LegalSituation, rating(1, 1)),
        ]);
        assert_eq!(
            movements(&before, &after),
            [
                (RiskDomain::PersonalSafety, Movement::Up),
                (RiskDomain::MentalHealth, Movement::Down),
                (RiskDomain::LegalSituation, Movement::New),
                (RiskDomain::ChildSpecific, Movement::Dropped),
            ]
        );
        assert_eq!(
            movements(&before, &before)
                .iter()
                .map(|(_, m)| *m)
                .collect::<Vec<_>>(),
            [Movement::Same; 3]
        );
    }

    fn any_rating() -> impl Strategy<Value = Rating> {
        (RATING_RANGE, RATING_RANGE).prop_map(|(s, l)| Rating::new(s, l).unwrap())
    }

    proptest! {
        #[test]
        fn raising_one_rating_never_lowers_the_overall_level(
            ratings in proptest::collection::vec(any_rating(), 1..8),
            which in 0usize..8, raise_severity: bool, by in 1u8..3
        ) {
            let which = which % ratings.len();
            let before = overall(&ratings).unwrap();
            let mut raised = ratings.clone();
            let r = raised[which];
            let (s, l) = if raise_severity {
                ((r.severity() + by).min(3), r.likelihood())
            } else {
                (r.severity(), (r.likelihood() + by).min(3))
            };
            raised[which] = Rating::new(s, l).unwrap();
            prop_assert!(raised[which].level() >= r.level());
            prop_assert!(overall(&raised).unwrap() >= before);
        }

        #[test]
        fn the_overall_level_is_one_of_the_domains_and_none_is_above_it(
            ratings in proptest::collection::vec(any_rating(), 1..8)
        ) {
            let top = overall(&ratings).unwrap();
            prop_assert!(ratings.iter().any(|r| r.level() == top));
            prop_assert!(ratings.iter().all(|r| r.level() <= top));
        }
    }
}
