//! Checks of [`crate::PlanStore`].

use super::*;
use chrono::NaiveDate;
use mnir_domain::plan::{
    AcknowledgementWay, Acknowledger, ProtectionMeasure, ServiceStatus, SupportType,
};
use mnir_domain::risk::{AssessmentKind, UrgentQuestion};

/// A phrase that must never appear in clear in the database, written in every text of a plan.
const SENTINEL: &str = "strada-Ascunsă-nr-7";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub async fn plans_are_versioned_acknowledged_once_with_their_texts_encrypted(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    // An urgent need that the plan's protection measure answers.
    let first = RiskAssessmentRecord {
        partner_org: None,
        id: "a1".into(),
        case_id: "c1".into(),
        version: 0,
        kind: AssessmentKind::FirstContact,
        org_code: "ANITP-CJ".into(),
        assessed_by: "test-user".into(),
        assessed_at_ms: at(2000),
        overall: None,
        urgent: vec![UrgentAnswer {
            question: UrgentQuestion::ViolenceDanger,
            yes: true,
            note: String::new(),
        }],
        domains: Vec::new(),
        clock_id: None,
        urgent_answered_at_ms: None,
        urgent_answered_by: None,
    };
    s.record_assessment(&first, None, CaseState::Notified, &actor(2000))
        .await
        .unwrap();
    assert_eq!(s.urgent_cases("ANITP-CJ", 10).await.unwrap().len(), 1);

    let plan = SupportPlanRecord {
        id: "p1".into(),
        case_id: "c1".into(),
        version: 0,
        org_code: "ANITP-CJ".into(),
        drafted_by: "test-user".into(),
        drafted_at_ms: at(3000),
        assessment_id: "a1".into(),
        review_on: day("2027-01-15"),
        measures: vec![PlanMeasure {
            measure: ProtectionMeasure::ConfidentialShelter,
            responsible: format!("{SENTINEL} responsible"),
            due_on: day("2026-12-01"),
            detail: format!("{SENTINEL} detail"),
            shelter_address: format!("{SENTINEL} address"),
        }],
        services: vec![PlanService {
            service_type: SupportType::Health,
            provider_org: Some("ANITP-B".into()),
            objectives: format!("{SENTINEL} objectives"),
            action_plan: format!("{SENTINEL} action plan"),
            planned_end_on: day("2027-02-01"),
            actual_end_on: None,
            status: ServiceStatus::InProgress,
        }],
        acknowledgements: Vec::new(),
    };
    // A case that moved meanwhile is told, and nothing is stored.
    assert!(matches!(
        s.record_plan(&plan, true, CaseState::PresumedVictim, &actor(3000))
            .await,
        Err(StoreError::StaleState {
            current: CaseState::Notified
        })
    ));
    assert!(s.plans_of("c1").await.unwrap().is_empty());
    // A plan said not to answer the need leaves it open.
    let unanswering = SupportPlanRecord {
        id: "p0".into(),
        ..plan.clone()
    };
    s.record_plan(&unanswering, false, CaseState::Notified, &actor(2500))
        .await
        .unwrap();
    assert_eq!(s.urgent_cases("ANITP-CJ", 10).await.unwrap().len(), 1);
    let v1 = s
        .record_plan(&plan, true, CaseState::Notified, &actor(3000))
        .await
        .unwrap();
    assert_eq!(v1, 2);
    assert!(s.urgent_cases("ANITP-CJ", 10).await.unwrap().is_empty());
    let answered = s.assessments_of("c1").await.unwrap();
    assert_eq!(answered[0].urgent_answered_by.as_deref(), Some("plan:p1"));
    assert_eq!(s.tally_drift().await.unwrap(), []);

    // A second version, with no measure, numbered after the first.
    let second = SupportPlanRecord {
        id: "p2".into(),
        measures: Vec::new(),
        drafted_at_ms: at(4000),
        ..plan.clone()
    };
    assert_eq!(
        s.record_plan(&second, false, CaseState::Notified, &actor(4000))
            .await
            .unwrap(),
        3
    );

    let ack = PlanAcknowledgement {
        party: Acknowledger::Person,
        way: AcknowledgementWay::VerbalWithWitness,
        on: day("2026-11-28"),
        witness: format!("{SENTINEL} witness"),
        recorded_by: "test-user".into(),
        recorded_at_ms: at(5000),
    };
    s.acknowledge_plan("c1", "p1", &ack, &actor(5000))
        .await
        .unwrap();
    assert!(matches!(
        s.acknowledge_plan("c1", "p1", &ack, &actor(5001)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.acknowledge_plan("other-case", "p1", &ack, &actor(5002))
            .await,
        Err(StoreError::NotFound)
    ));

    let versions = s.plans_of("c1").await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|p| (p.id.as_str(), p.version))
            .collect::<Vec<_>>(),
        [("p0", 1), ("p1", 2), ("p2", 3)]
    );
    assert_eq!(versions[1].measures, plan.measures, "texts read back");
    assert_eq!(versions[1].services, plan.services);
    assert_eq!(versions[1].acknowledgements, [ack]);
    assert!(versions[2].measures.is_empty());
    assert!(versions[2].acknowledgements.is_empty());

    let delivery = ServiceDelivery {
        id: "d1".into(),
        case_id: "c1".into(),
        service_type: SupportType::Health,
        delivered_on: day("2026-11-28"),
        provider_org: None,
        provider_other: format!("{SENTINEL} clinic"),
        outcome: format!("{SENTINEL} outcome"),
        org_code: "ANITP-CJ".into(),
        recorded_by: "test-user".into(),
        recorded_at_ms: at(6000),
    };
    s.record_delivery(&delivery, &actor(6000)).await.unwrap();
    assert_eq!(s.deliveries_of("c1").await.unwrap(), [delivery]);
    assert!(s.deliveries_of("other-case").await.unwrap().is_empty());

    let bytes = db.dump().await;
    let needle = SENTINEL.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "a plan's text stored in clear"
    );
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));
}
