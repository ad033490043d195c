//! Checks of [`crate::RepatriationStore`].

use super::*;
use mnir_domain::repatriation::{Direction, DocumentKind, Step, StepState};

const PASSPORT: &str = "MD-PASS-0042917";
const MET_BY: &str = "Nadia Ciobanu, La Strada Chișinău";

fn procedure(id: &str, case_id: &str) -> RepatriationRecord {
    RepatriationRecord {
        id: id.into(),
        case_id: case_id.into(),
        direction: Direction::FromRomania,
        partner_org: "IGPR".into(),
        country: "MD".into(),
        org_code: "ANITP-CJ".into(),
        opened_by: "test-user".into(),
        opened_at_ms: at(2000),
        cancelled_at_ms: None,
        cancel_reason: None,
        approved_by: None,
        approved_at_ms: None,
        version: 0,
        steps: Vec::new(),
    }
}

pub async fn a_repatriation_moves_one_version_at_a_time_with_its_texts_sealed(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let case = new_case("c1", "R-1", &["ANITP-CJ"], 1000);
    s.create_case(&case, &[], &actor(1000)).await.unwrap();
    s.open_repatriation(&procedure("p1", "c1"), &actor(2000))
        .await
        .unwrap();
    // One procedure under way per case.
    assert!(matches!(
        s.open_repatriation(&procedure("p2", "c1"), &actor(2100))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let opened = s.repatriation("p1").await.unwrap().unwrap();
    assert_eq!(opened.version, 0);
    assert_eq!(opened.steps.len(), 8);
    assert!(opened.steps.iter().all(|st| st.state == StepState::Pending));
    assert_eq!(opened.step(Step::Travel).step, Step::Travel);

    let mut travel = StepRecord::pending(Step::TravelDocuments);
    travel.state = StepState::Done;
    travel.happened_on = NaiveDate::from_ymd_opt(2026, 3, 2);
    travel.responsible_org = Some("ANITP-CJ".into());
    travel.responsible_person = "Ioana Pop".into();
    travel.documents = vec![StepDocument {
        kind: DocumentKind::Passport,
        number: PASSPORT.into(),
    }];
    travel.note = "Pașaport ridicat de la consulat.".into();
    travel.details.insert("met_by".into(), MET_BY.into());
    s.record_step("p1", 0, &travel, &actor(3000)).await.unwrap();
    // Decided on the version before: someone moved it first.
    assert!(matches!(
        s.record_step("p1", 0, &travel, &actor(3100)).await,
        Err(StoreError::Conflict(_))
    ));
    let read = s.repatriation("p1").await.unwrap().unwrap();
    assert_eq!(read.version, 1);
    let stored = read.step(Step::TravelDocuments);
    assert_eq!(stored.documents, travel.documents);
    assert_eq!(stored.details, travel.details);
    assert_eq!(stored.note, travel.note);
    assert_eq!(stored.responsible_person, "Ioana Pop");
    assert_eq!(stored.happened_on, travel.happened_on);
    assert_eq!(stored.recorded_by.as_deref(), Some("test-user"));
    assert_eq!(stored.recorded_at_ms, Some(at(3000)));
    let audit = s.recent_audit(1).await.unwrap();
    assert_eq!(audit[0].action, "repatriation.step");
    assert_eq!(
        audit[0].detail,
        "channel=web repatriation=p1 step=travel_documents state=done"
    );
    let dump = db.raw.dump().await;
    for secret in [PASSPORT, MET_BY, "Ioana Pop"] {
        assert!(
            !dump.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is in the database in clear"
        );
    }

    // Two people moving it at once: one wins, the other is told it changed.
    let other = db.raw.second_store().await;
    let mut fit = StepRecord::pending(Step::FitToTravel);
    fit.state = StepState::InProgress;
    let by = actor(4000);
    let (a, b) = tokio::join!(
        s.record_step("p1", 1, &fit, &by),
        other.record_step("p1", 1, &fit, &by)
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one of two changes decided on one version: {a:?} {b:?}"
    );
    assert!(matches!(a.err().or(b.err()), Some(StoreError::Conflict(_))));

    s.approve_travel("p1", 2, &actor(5000)).await.unwrap();
    let approved = s.repatriation("p1").await.unwrap().unwrap();
    assert_eq!(approved.approved_by.as_deref(), Some("test-user"));
    assert_eq!(approved.approved_at_ms, Some(at(5000)));

    // Withdrawn: nothing moves any more, the history stays, and a new procedure may open.
    s.cancel_repatriation("p1", 3, "Persoana a renunțat.", &actor(6000))
        .await
        .unwrap();
    assert!(matches!(
        s.record_step("p1", 4, &fit, &actor(6100)).await,
        Err(StoreError::Conflict(_))
    ));
    let cancelled = s.repatriation("p1").await.unwrap().unwrap();
    assert_eq!(cancelled.cancelled_at_ms, Some(at(6000)));
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("Persoana a renunțat.")
    );
    assert_eq!(
        cancelled.step(Step::TravelDocuments).documents,
        travel.documents
    );
    s.open_repatriation(&procedure("p2", "c1"), &actor(7000))
        .await
        .unwrap();
    let both = s.repatriations_of("c1").await.unwrap();
    assert_eq!(
        both.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["p1", "p2"]
    );
}
