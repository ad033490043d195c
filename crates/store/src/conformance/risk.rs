//! Checks of [`crate::RiskStore`].

use super::*;
use mnir_domain::referral::ReferralStatus;
use mnir_domain::risk::{AssessmentKind, Rating, RiskDomain, RiskLevel, UrgentQuestion};

/// A phrase that must never appear in clear in the database, written in every kind of note.
const SENTINEL_NOTE: &str = "cicatrice-de-la-Vărăști";

fn assessment(id: &str, kind: AssessmentKind, at_ms: i64) -> RiskAssessmentRecord {
    RiskAssessmentRecord {
        partner_org: None,
        id: id.into(),
        case_id: "c1".into(),
        version: 0,
        kind,
        org_code: "ANITP-CJ".into(),
        assessed_by: "test-user".into(),
        assessed_at_ms: at(at_ms),
        overall: None,
        urgent: Vec::new(),
        domains: Vec::new(),
        clock_id: None,
        urgent_answered_at_ms: None,
        urgent_answered_by: None,
    }
}

fn urgent(yes_to: &[UrgentQuestion]) -> Vec<UrgentAnswer> {
    UrgentQuestion::ALL
        .iter()
        .map(|q| UrgentAnswer {
            question: *q,
            yes: yes_to.contains(q),
            note: format!("{SENTINEL_NOTE} ({q})"),
        })
        .collect()
}

pub async fn assessments_are_versioned_with_their_notes_encrypted(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    s.create_case(
        &new_case("c2", "R-2", &["ANITP-B"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();

    // First contact: one urgent need, which the case's organisation sees and the other does not.
    let mut first = assessment("a1", AssessmentKind::FirstContact, 2000);
    first.urgent = urgent(&[UrgentQuestion::ViolenceDanger]);
    let v1 = s
        .record_assessment(&first, None, CaseState::Notified, &actor(2000))
        .await
        .unwrap();
    assert_eq!(v1, 1);
    let open = s.urgent_cases("ANITP-CJ", 10).await.unwrap();
    assert_eq!(
        open.iter()
            .map(|u| (u.reference.as_str(), u.questions.clone()))
            .collect::<Vec<_>>(),
        [("R-1", vec![UrgentQuestion::ViolenceDanger])]
    );
    assert_eq!(s.urgent_cases("ANITP-CJ", 1).await.unwrap().len(), 1);
    assert!(s.urgent_cases("ANITP-B", 10).await.unwrap().is_empty());
    // The access rows' kept `urgent_since_ms` agrees with the assessments.
    assert_eq!(s.tally_drift().await.unwrap(), []);

    // A referral answers the need.
    let referral = ReferralRecord {
        id: "ref1".into(),
        case_id: "c1".into(),
        case_reference: "R-1".into(),
        from_org: "ANITP-CJ".into(),
        to_org: "DGASPC-CJ".into(),
        service: "shelter".into(),
        urgent: true,
        status: ReferralStatus::Sent,
        sent_by: "test-user".into(),
        sent_at_ms: at(2500),
        answered_by: None,
        answered_at_ms: None,
        decline_reason: None,
    };
    s.send_referral(&referral, &[], &actor(2500)).await.unwrap();
    assert!(s.urgent_cases("ANITP-CJ", 10).await.unwrap().is_empty());
    let versions = s.assessments_of("c1").await.unwrap();
    assert_eq!(
        (
            versions[0].urgent_answered_at_ms,
            versions[0].urgent_answered_by.as_deref()
        ),
        (Some(at(2500)), Some("referral:ref1"))
    );
    assert!(versions[0].urgent_open().is_empty());

    // A second first contact with a new need: asking again answers nothing older (none is
    // open) and opens its own.
    let mut again = assessment("a2", AssessmentKind::FirstContact, 3000);
    again.urgent = urgent(&[
        UrgentQuestion::MedicalNeed,
        UrgentQuestion::ReTraffickingDanger,
    ]);
    assert_eq!(
        s.record_assessment(&again, None, CaseState::Notified, &actor(3000))
            .await
            .unwrap(),
        2
    );

    // The full assessment, decided on a state the case has left, is refused whole.
    let rating = |s, l| Rating::new(s, l).unwrap();
    let mut full = assessment("a3", AssessmentKind::Full, 4000);
    full.domains = RiskDomain::ALL
        .iter()
        .filter(|d| mnir_domain::risk::asked(**d, AgeGroup::Adult))
        .map(|d| DomainRating {
            domain: *d,
            rating: if *d == RiskDomain::PersonalSafety {
                rating(3, 2)
            } else {
                rating(1, 2)
            },
            note: format!("{SENTINEL_NOTE}: {d}"),
        })
        .collect();
    full.overall = Some(RiskLevel::High);
    full.urgent = urgent(&[]);
    full.clock_id = Some("rv1".into());
    let review = clock("rv1", "c1", ClockKind::RiskReviewHigh, "ANITP-CJ", 30_000);
    assert!(matches!(
        s.record_assessment(
            &full,
            Some(&review),
            CaseState::PresumedVictim,
            &actor(4000)
        )
        .await,
        Err(StoreError::StaleState {
            current: CaseState::Notified
        })
    ));
    assert_eq!(s.assessments_of("c1").await.unwrap().len(), 2);
    assert!(s.clocks_of("c1").await.unwrap().is_empty());

    assert_eq!(
        s.record_assessment(&full, Some(&review), CaseState::Notified, &actor(4000))
            .await
            .unwrap(),
        3
    );
    // Its urgent answers (all "no") close the second contact's needs.
    assert!(s.urgent_cases("ANITP-CJ", 10).await.unwrap().is_empty());
    // A later full assessment replaces the review clock: one runs, the earlier is stopped.
    let mut later = full.clone();
    later.id = "a4".into();
    later.assessed_at_ms = at(5000);
    later.domains[0].rating = rating(1, 1);
    later.overall = Some(RiskLevel::Low);
    later.urgent = Vec::new();
    later.clock_id = Some("rv2".into());
    let low_review = clock("rv2", "c1", ClockKind::RiskReviewLow, "ANITP-CJ", 180_000);
    s.record_assessment(&later, Some(&low_review), CaseState::Notified, &actor(5000))
        .await
        .unwrap();
    let clocks = s.clocks_of("c1").await.unwrap();
    assert_eq!(
        clocks
            .iter()
            .map(|c| (c.id.as_str(), c.state))
            .collect::<Vec<_>>(),
        [("rv1", ClockState::Stopped), ("rv2", ClockState::Running)]
    );

    // The case page's one read finds what the reads of each area find, in one audit entry, and
    // the assessments only when asked for them.
    let scope = scope_org("ANITP-CJ");
    let reveal = Reveal {
        identity: true,
        notes: true,
    };
    s.case_view("c1", &scope, reveal, true, &actor(9000))
        .await
        .unwrap()
        .expect("the case's organisation sees it");
    assert_eq!(
        s.recent_audit(1).await.unwrap()[0].action,
        "case.read",
        "the view is audited as a read of the case"
    );
    let panels = view_matches_reads(s, "c1", &scope).await;
    assert!(
        !panels.clocks.is_empty() && panels.assessments.as_ref().is_some_and(|a| a.len() == 4),
        "the view holds the case's review clocks and its four assessments"
    );
    let (_, without_support) = s
        .case_view("c1", &scope, reveal, false, &actor(9000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(without_support.assessments, None);
    assert!(
        s.case_view("c1", &scope_org("ANITP-B"), reveal, true, &actor(9000))
            .await
            .unwrap()
            .is_none(),
        "outside the scope the view finds nothing"
    );

    let versions = s.assessments_of("c1").await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.id.as_str(), v.version, v.kind, v.overall))
            .collect::<Vec<_>>(),
        [
            ("a1", 1, AssessmentKind::FirstContact, None),
            ("a2", 2, AssessmentKind::FirstContact, None),
            ("a3", 3, AssessmentKind::Full, Some(RiskLevel::High)),
            ("a4", 4, AssessmentKind::Full, Some(RiskLevel::Low)),
        ]
    );
    assert_eq!(
        versions[1].urgent_answered_by.as_deref(),
        Some("assessment:a3")
    );
    assert_eq!(
        versions[2].domains, full.domains,
        "ratings and notes read back"
    );
    assert_eq!(versions[2].urgent, full.urgent);
    assert_eq!(versions[3].clock_id.as_deref(), Some("rv2"));
    assert!(versions[3].urgent.is_empty());
    assert!(s.assessments_of("c2").await.unwrap().is_empty());

    // A case that ends closes its unanswered needs with the step.
    let mut other = assessment("b1", AssessmentKind::FirstContact, 6000);
    other.case_id = "c2".into();
    other.org_code = "ANITP-B".into();
    other.urgent = urgent(&[UrgentQuestion::MedicalNeed]);
    s.record_assessment(&other, None, CaseState::Notified, &actor(6000))
        .await
        .unwrap();
    assert_eq!(s.urgent_cases("ANITP-B", 10).await.unwrap().len(), 1);
    let ending = Transition {
        case_id: "c2".into(),
        from: CaseState::Notified,
        to: CaseState::Duplicate,
        reason: "the same person".into(),
    };
    s.change_case(&step(&ending), &actor(7000)).await.unwrap();
    assert!(s.urgent_cases("ANITP-B", 10).await.unwrap().is_empty());
    assert_eq!(s.tally_drift().await.unwrap(), []);
    let closed = s.assessments_of("c2").await.unwrap();
    assert_eq!(
        (
            closed[0].urgent_answered_at_ms,
            closed[0].urgent_answered_by.as_deref()
        ),
        (Some(at(7000)), Some("case:duplicate"))
    );

    let bytes = db.dump().await;
    let needle = SENTINEL_NOTE.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "an assessment note stored in clear"
    );
}
