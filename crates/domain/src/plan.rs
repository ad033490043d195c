//! The individual safety and support plan (mnir.md §8 and §9): the protection measures and the
//! support services a case worker agrees with the person after a full risk assessment, what each
//! is for, who does it and by when, and how the person and the assessor acknowledged it.
//! The services follow HTCDS's support plan (`spl_Type`, `spl_Objectives`, `spl_ActionPlan`,
//! `spl_PlannedEndDate`, `spl_ActualEndDate`).

use crate::case::CaseState;
use crate::risk::{AssessmentKind, Rating, RiskDomain, RiskLevel, UrgentQuestion, may_assess};
use crate::vocabulary::codes;
use chrono::NaiveDate;
use std::collections::BTreeMap;

codes!(
    /// The protection measures a plan may set (mnir.md §8), in the order the form offers them.
    ProtectionMeasure {
        ConfidentialShelter => "confidential_shelter",
        PoliceProtection => "police_protection",
        WitnessProtection => "witness_protection",
        PhoneChange => "phone_change",
        Escort => "escort",
        Other => "other",
    }
);

codes!(
    /// The kinds of support service, HTCDS's `spl_Type` picklist (field standards 2.0) in its order.
    SupportType {
        Education => "education",
        Financial => "financial",
        Health => "health",
        LabourExploitationRehabilitation => "labour_exploitation_rehabilitation",
        Legal => "legal",
        Livelihood => "livelihood",
        RightsBasedTraining => "rights_based_training",
        SexualExploitationRehabilitation => "sexual_exploitation_rehabilitation",
        SocialCare => "social_care",
    }
);

codes!(
    /// Where a planned service stands.
    ServiceStatus {
        Planned => "planned",
        InProgress => "in_progress",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

codes!(
    /// How someone acknowledged a plan: signed on the printed plan, or agreed aloud before a
    /// witness (a person who cannot or will not sign).
    AcknowledgementWay {
        SignedOnPaper => "signed_on_paper",
        VerbalWithWitness => "verbal_with_witness",
    }
);

codes!(
    /// The two people who acknowledge a plan.
    Acknowledger {
        Person => "person",
        Assessor => "assessor",
    }
);

impl SupportType {
    /// The value of HTCDS's `spl_Type` for this kind of service.
    pub fn htcds(self) -> &'static str {
        match self {
            SupportType::Education => "Education",
            SupportType::Financial => "Financial",
            SupportType::Health => "Health",
            SupportType::LabourExploitationRehabilitation => "LabourExploitationRehabilitation",
            SupportType::Legal => "Legal",
            SupportType::Livelihood => "Livelihood",
            SupportType::RightsBasedTraining => "RightsBasedTraining",
            SupportType::SexualExploitationRehabilitation => "SexualExploitationRehabilitation",
            SupportType::SocialCare => "SocialCare",
        }
    }

    /// The referral service (directory::SERVICES) that asks another organisation for this kind
    /// of support.
    pub fn referral_service(self) -> &'static str {
        match self {
            SupportType::Education | SupportType::RightsBasedTraining => "education",
            SupportType::Financial | SupportType::SocialCare => "social",
            SupportType::Health => "medical",
            SupportType::LabourExploitationRehabilitation | SupportType::Livelihood => {
                "reintegration"
            }
            SupportType::Legal => "legal",
            SupportType::SexualExploitationRehabilitation => "psychological",
        }
    }
}

impl ProtectionMeasure {
    /// The referral service that asks another organisation to carry the measure out; `None` for
    /// a measure the case's own organisation takes (a new phone number) or one not named.
    pub fn referral_service(self) -> Option<&'static str> {
        match self {
            ProtectionMeasure::ConfidentialShelter => Some("accommodation"),
            ProtectionMeasure::PoliceProtection
            | ProtectionMeasure::WitnessProtection
            | ProtectionMeasure::Escort => Some("protection"),
            ProtectionMeasure::PhoneChange | ProtectionMeasure::Other => None,
        }
    }
}

/// Whether a plan may be drafted on a case in this state: where a full assessment may be made,
/// since a plan is drafted from one.
pub fn may_plan(state: CaseState) -> bool {
    may_assess(AssessmentKind::Full, state)
}

/// What a level of risk in a domain suggests for the plan, in the order the form lists them.
fn suggestions_of(domain: RiskDomain) -> (&'static [ProtectionMeasure], &'static [SupportType]) {
    use ProtectionMeasure as M;
    use SupportType as S;
    match domain {
        RiskDomain::PersonalSafety => (&[M::ConfidentialShelter, M::PoliceProtection], &[]),
        RiskDomain::FamilySafety | RiskDomain::FamilyAtHome => (&[M::PoliceProtection], &[]),
        RiskDomain::ReTrafficking => (&[M::PhoneChange], &[S::SocialCare, S::Livelihood]),
        RiskDomain::PhysicalHealth | RiskDomain::MentalHealth => (&[], &[S::Health]),
        RiskDomain::LegalSituation => (&[], &[S::Legal]),
        RiskDomain::HousingLivelihood => (&[], &[S::Livelihood, S::Financial]),
        RiskDomain::ChildSpecific => (&[], &[S::SocialCare, S::Education]),
    }
}

/// What an open urgent need suggests for the plan.
fn suggestions_of_need(
    question: UrgentQuestion,
) -> (&'static [ProtectionMeasure], &'static [SupportType]) {
    use ProtectionMeasure as M;
    use SupportType as S;
    match question {
        UrgentQuestion::MedicalNeed => (&[], &[S::Health]),
        UrgentQuestion::ViolenceDanger => (&[M::ConfidentialShelter, M::PoliceProtection], &[]),
        UrgentQuestion::ReTraffickingDanger => (&[M::ConfidentialShelter], &[]),
        UrgentQuestion::ChildWithoutCarer => (&[], &[S::SocialCare]),
    }
}

/// The measures and services a first plan starts from: those the domains rated medium or high
/// call for, and those the open urgent needs call for, each once, in the form's order. The case
/// worker keeps, drops or adds to them.
pub fn suggested(
    ratings: &BTreeMap<RiskDomain, Rating>,
    urgent_open: &[UrgentQuestion],
) -> (Vec<ProtectionMeasure>, Vec<SupportType>) {
    let mut measures = Vec::new();
    let mut services = Vec::new();
    let from_domains = ratings
        .iter()
        .filter(|(_, r)| r.level() >= RiskLevel::Medium)
        .map(|(d, _)| suggestions_of(*d));
    let from_needs = urgent_open.iter().map(|q| suggestions_of_need(*q));
    for (m, s) in from_domains.chain(from_needs) {
        measures.extend_from_slice(m);
        services.extend_from_slice(s);
    }
    measures.sort();
    measures.dedup();
    services.sort();
    services.dedup();
    (measures, services)
}

/// What is wrong with a service's status and dates, as a message id: a service done or dropped
/// has the date it ended, one not ended has none, and no end is in the future of `today`.
pub fn check_service_dates(
    status: ServiceStatus,
    actual_end: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<&'static str> {
    match (status, actual_end) {
        (_, Some(end)) if end > today => Some("plan-actual-end-future"),
        (ServiceStatus::Completed | ServiceStatus::Cancelled, None) => {
            Some("plan-actual-end-required")
        }
        (ServiceStatus::Planned | ServiceStatus::InProgress, Some(_)) => {
            Some("plan-actual-end-not-ended")
        }
        _ => None,
    }
}

/// Whether a plan with these measures and services answers every one of the open urgent needs
/// (mnir.md §8): danger of violence or of re-trafficking by a protection measure against it, an
/// urgent medical need by a health service, a child without a carer by social care. A plan that
/// leaves one need unanswered answers none: the banner stays until all are.
pub fn answers_needs(
    open: &[UrgentQuestion],
    measures: &[ProtectionMeasure],
    services: &[SupportType],
) -> bool {
    use ProtectionMeasure as M;
    let has = |wanted: &[ProtectionMeasure]| measures.iter().any(|m| wanted.contains(m));
    !open.is_empty()
        && open.iter().all(|q| match q {
            UrgentQuestion::ViolenceDanger => has(&[
                M::ConfidentialShelter,
                M::PoliceProtection,
                M::WitnessProtection,
                M::Escort,
            ]),
            UrgentQuestion::ReTraffickingDanger => has(&[
                M::ConfidentialShelter,
                M::PoliceProtection,
                M::WitnessProtection,
                M::PhoneChange,
            ]),
            UrgentQuestion::MedicalNeed => services.contains(&SupportType::Health),
            UrgentQuestion::ChildWithoutCarer => services.contains(&SupportType::SocialCare),
        })
}

/// How far from today a plan's day may lie: a year back (a line recorded after the fact), five
/// years ahead.
pub const DAYS_BACK: i64 = 366;
pub const DAYS_AHEAD: i64 = 5 * 366;

/// What is wrong with a day of a plan's line or a delivery, as a message id.
pub fn check_day(day: NaiveDate, today: NaiveDate) -> Option<&'static str> {
    let days = (day - today).num_days();
    if days < -DAYS_BACK {
        Some("plan-date-too-early")
    } else if days > DAYS_AHEAD {
        Some("plan-date-too-late")
    } else {
        None
    }
}

/// The longest a plan may wait for its review: a year.
pub const LONGEST_REVIEW_DAYS: i64 = 366;

/// What is wrong with a plan's review date, as a message id: it lies after `today` and within
/// [`LONGEST_REVIEW_DAYS`].
pub fn check_review_date(review_on: NaiveDate, today: NaiveDate) -> Option<&'static str> {
    let days = (review_on - today).num_days();
    if days < 1 {
        Some("plan-review-not-future")
    } else if days > LONGEST_REVIEW_DAYS {
        Some("plan-review-too-far")
    } else {
        None
    }
}

/// What is wrong with an acknowledgement, as a message id: not before the plan was drafted, not
/// in the future, and a witness named for a verbal one.
pub fn check_acknowledgement(
    way: AcknowledgementWay,
    on: NaiveDate,
    witness_named: bool,
    drafted_on: NaiveDate,
    today: NaiveDate,
) -> Option<&'static str> {
    if on > today {
        Some("plan-ack-future")
    } else if on < drafted_on {
        Some("plan-ack-before-draft")
    } else if way == AcknowledgementWay::VerbalWithWitness && !witness_named {
        Some("plan-ack-witness-required")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_support_type_is_an_htcds_value_and_a_referral_service() {
        let htcds = [
            "Education",
            "Financial",
            "Health",
            "LabourExploitationRehabilitation",
            "Legal",
            "Livelihood",
            "RightsBasedTraining",
            "SexualExploitationRehabilitation",
            "SocialCare",
        ];
        let ours: Vec<&str> = SupportType::ALL.iter().map(|t| t.htcds()).collect();
        assert_eq!(ours, htcds);
        for t in SupportType::ALL {
            assert!(
                crate::directory::SERVICES.contains(&t.referral_service()),
                "{t}"
            );
        }
        for m in ProtectionMeasure::ALL {
            if let Some(s) = m.referral_service() {
                assert!(crate::directory::SERVICES.contains(&s), "{m}");
            }
        }
    }

    #[test]
    fn only_medium_and_high_domains_and_open_needs_suggest() {
        let mut ratings = BTreeMap::new();
        ratings.insert(RiskDomain::PhysicalHealth, Rating::new(1, 2).unwrap());
        ratings.insert(RiskDomain::LegalSituation, Rating::new(3, 1).unwrap());
        assert_eq!(suggested(&ratings, &[]), (vec![], vec![SupportType::Legal]));
        ratings.insert(RiskDomain::PersonalSafety, Rating::new(3, 3).unwrap());
        let (measures, services) = suggested(&ratings, &[UrgentQuestion::MedicalNeed]);
        assert_eq!(
            measures,
            vec![
                ProtectionMeasure::ConfidentialShelter,
                ProtectionMeasure::PoliceProtection
            ]
        );
        assert_eq!(services, vec![SupportType::Health, SupportType::Legal]);
    }

    #[test]
    fn a_plan_answers_the_urgent_needs_only_when_it_answers_each() {
        use ProtectionMeasure as M;
        use UrgentQuestion as Q;
        assert!(answers_needs(&[Q::ViolenceDanger], &[M::Escort], &[]));
        assert!(!answers_needs(&[Q::ViolenceDanger], &[M::PhoneChange], &[]));
        assert!(answers_needs(
            &[Q::ReTraffickingDanger],
            &[M::PhoneChange],
            &[]
        ));
        assert!(!answers_needs(
            &[Q::MedicalNeed],
            &[M::ConfidentialShelter],
            &[]
        ));
        assert!(answers_needs(
            &[Q::MedicalNeed],
            &[],
            &[SupportType::Health]
        ));
        assert!(!answers_needs(
            &[Q::MedicalNeed, Q::ChildWithoutCarer],
            &[],
            &[SupportType::Health]
        ));
        assert!(answers_needs(
            &[Q::MedicalNeed, Q::ChildWithoutCarer],
            &[M::Other],
            &[SupportType::Health, SupportType::SocialCare]
        ));
        assert!(
            !answers_needs(&[], &[M::Escort], &[]),
            "nothing open, nothing answered"
        );
    }

    #[test]
    fn a_day_lies_between_a_year_back_and_five_years_ahead() {
        let today = day("2026-12-02");
        assert_eq!(
            check_day(day("2025-11-30"), today),
            Some("plan-date-too-early")
        );
        assert_eq!(check_day(day("2025-12-01"), today), None);
        assert_eq!(check_day(day("2031-12-01"), today), None);
        assert_eq!(
            check_day(day("2031-12-31"), today),
            Some("plan-date-too-late")
        );
    }

    #[test]
    fn an_ended_service_has_its_end_date_and_no_other_does() {
        let today = day("2026-12-02");
        use ServiceStatus::*;
        assert_eq!(check_service_dates(Planned, None, today), None);
        assert_eq!(check_service_dates(InProgress, None, today), None);
        assert_eq!(
            check_service_dates(Completed, Some(day("2026-12-02")), today),
            None
        );
        assert_eq!(
            check_service_dates(Cancelled, None, today),
            Some("plan-actual-end-required")
        );
        assert_eq!(
            check_service_dates(InProgress, Some(day("2026-11-01")), today),
            Some("plan-actual-end-not-ended")
        );
        assert_eq!(
            check_service_dates(Completed, Some(day("2026-12-03")), today),
            Some("plan-actual-end-future")
        );
    }

    #[test]
    fn a_review_falls_between_tomorrow_and_a_year_ahead() {
        let today = day("2026-12-02");
        assert_eq!(
            check_review_date(today, today),
            Some("plan-review-not-future")
        );
        assert_eq!(check_review_date(day("2026-12-03"), today), None);
        assert_eq!(check_review_date(day("2027-12-03"), today), None);
        assert_eq!(
            check_review_date(day("2027-12-04"), today),
            Some("plan-review-too-far")
        );
    }

    #[test]
    fn an_acknowledgement_is_dated_between_the_draft_and_today_with_a_witness_when_verbal() {
        let (drafted, today) = (day("2026-11-20"), day("2026-12-02"));
        use AcknowledgementWay::*;
        assert_eq!(
            check_acknowledgement(SignedOnPaper, day("2026-11-20"), false, drafted, today),
            None
        );
        assert_eq!(
            check_acknowledgement(SignedOnPaper, day("2026-11-19"), false, drafted, today),
            Some("plan-ack-before-draft")
        );
        assert_eq!(
            check_acknowledgement(SignedOnPaper, day("2026-12-03"), false, drafted, today),
            Some("plan-ack-future")
        );
        assert_eq!(
            check_acknowledgement(VerbalWithWitness, today, false, drafted, today),
            Some("plan-ack-witness-required")
        );
        assert_eq!(
            check_acknowledgement(VerbalWithWitness, today, true, drafted, today),
            None
        );
    }
}
