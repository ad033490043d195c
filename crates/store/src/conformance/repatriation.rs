//! Checks of [`crate::RepatriationStore`].

use super::*;
use mnir_domain::repatriation::{Direction, DocumentKind, Guard, Step, StepState};

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
        approved_assessment_id: None,
        version: 0,
        steps: Vec::new(),
        checkins: Vec::new(),
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

    // The request blocked, with what the person brought: a setback needs no consent.
    let mut request = StepRecord::pending(Step::Request);
    request.state = StepState::Blocked;
    request.happened_on = NaiveDate::from_ymd_opt(2026, 3, 2);
    request.responsible_org = Some("ANITP-CJ".into());
    request.responsible_person = "Ioana Pop".into();
    request.documents = vec![StepDocument {
        kind: DocumentKind::Passport,
        number: PASSPORT.into(),
    }];
    request.note = "Așteaptă să vorbească cu familia.".into();
    request.details.insert("met_by".into(), MET_BY.into());
    s.record_step("p1", 0, &request, &StepEffects::default(), &actor(3000))
        .await
        .unwrap();
    // Decided on the version before: someone moved it first.
    assert!(matches!(
        s.record_step("p1", 0, &request, &StepEffects::default(), &actor(3100))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let read = s.repatriation("p1").await.unwrap().unwrap();
    assert_eq!(read.version, 1);
    let stored = read.step(Step::Request);
    assert_eq!(stored.documents, request.documents);
    assert_eq!(stored.details, request.details);
    assert_eq!(stored.note, request.note);
    assert_eq!(stored.responsible_person, "Ioana Pop");
    assert_eq!(stored.happened_on, request.happened_on);
    assert_eq!(stored.recorded_by.as_deref(), Some("test-user"));
    assert_eq!(stored.recorded_at_ms, Some(at(3000)));
    let audit = s.recent_audit(1).await.unwrap();
    assert_eq!(audit[0].action, "repatriation.step");
    assert_eq!(
        audit[0].detail,
        "channel=web repatriation=p1 step=request state=blocked"
    );

    // The guards are asked inside the transaction: no consent, no decided request.
    let mut decided = StepRecord::pending(Step::Request);
    decided.state = StepState::Done;
    assert!(matches!(
        s.record_step("p1", 1, &decided, &StepEffects::default(), &actor(3200))
            .await,
        Err(StoreError::Guard(Guard::NoConsent))
    ));
    let facts = s.repatriation_facts("p1", at(3300)).await.unwrap().unwrap();
    assert!(!facts.facts.consent_in_force);
    assert_eq!(facts.case_state, CaseState::Notified);
    s.record_consent(
        &ConsentRecord {
            id: "k1".into(),
            case_id: "c1".into(),
            purpose: mnir_domain::consent::Purpose::Repatriation,
            recipient_org: None,
            given_by: mnir_domain::consent::GivenBy::Person,
            method: mnir_domain::consent::Method::SignedForm,
            given_at_ms: at(3300),
            expires_at_ms: None,
            withdrawn_at_ms: None,
            recorded_by: "test-user".into(),
            org_code: "ANITP-CJ".into(),
        },
        &actor(3300),
    )
    .await
    .unwrap();

    // Two people deciding the request at once: one wins, the other is told it changed.
    let other = db.raw.second_store().await;
    let by = actor(4000);
    let none = StepEffects::default();
    let (a, b) = tokio::join!(
        s.record_step("p1", 1, &decided, &none, &by),
        other.record_step("p1", 1, &decided, &none, &by)
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one of two changes decided on one version: {a:?} {b:?}"
    );
    assert!(matches!(a.err().or(b.err()), Some(StoreError::Conflict(_))));

    // An approval needs a return assessment with a high risk, and names it.
    assert!(matches!(
        s.approve_travel("p1", 2, "r1", &actor(4500)).await,
        Err(StoreError::Guard(Guard::ApprovalNotNeeded))
    ));
    let assessment = |id: &str, at_ms: i64| RiskAssessmentRecord {
        partner_org: Some("IGPR".into()),
        id: id.into(),
        case_id: "c1".into(),
        version: 0,
        kind: mnir_domain::risk::AssessmentKind::Return,
        org_code: "ANITP-CJ".into(),
        assessed_by: "test-user".into(),
        assessed_at_ms: at(at_ms),
        overall: Some(mnir_domain::risk::RiskLevel::High),
        urgent: Vec::new(),
        domains: Vec::new(),
        clock_id: None,
        urgent_answered_at_ms: None,
        urgent_answered_by: None,
    };
    s.insert_generated_assessments(&[assessment("r1", 4600)], &actor(4600))
        .await
        .unwrap();
    assert!(matches!(
        s.approve_travel("p1", 2, "r0", &actor(5000)).await,
        Err(StoreError::Conflict(_))
    ));
    s.approve_travel("p1", 2, "r1", &actor(5000)).await.unwrap();
    let approved = s.repatriation("p1").await.unwrap().unwrap();
    assert_eq!(approved.approved_by.as_deref(), Some("test-user"));
    assert_eq!(approved.approved_at_ms, Some(at(5000)));
    assert_eq!(approved.approved_assessment_id.as_deref(), Some("r1"));
    let facts = s.repatriation_facts("p1", at(5100)).await.unwrap().unwrap();
    assert!(facts.facts.travel_approved);
    assert_eq!(facts.latest_return.as_deref(), Some("r1"));

    let dump = db.raw.dump().await;
    for secret in [PASSPORT, MET_BY, "Ioana Pop", "Așteaptă să vorbească"] {
        assert!(
            !dump.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is in the database in clear"
        );
    }

    // Withdrawn: nothing moves any more, the history stays, and a new procedure may open.
    s.cancel_repatriation("p1", 3, "Persoana a renunțat.", &actor(6000))
        .await
        .unwrap();
    let mut fit = StepRecord::pending(Step::RiskAssessment);
    fit.state = StepState::InProgress;
    assert!(matches!(
        s.record_step("p1", 4, &fit, &StepEffects::default(), &actor(6100))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let cancelled = s.repatriation("p1").await.unwrap().unwrap();
    assert_eq!(cancelled.cancelled_at_ms, Some(at(6000)));
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("Persoana a renunțat.")
    );
    assert_eq!(cancelled.step(Step::Request).state, StepState::Done);
    s.open_repatriation(&procedure("p2", "c1"), &actor(7000))
        .await
        .unwrap();
    let both = s.repatriations_of("c1").await.unwrap();
    assert_eq!(
        both.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["p1", "p2"]
    );
}

/// A procedure of `case_id` opened at `opened_ms`, its request in the state given, with a note
/// naming the procedure (to see that each gets its own steps back).
fn procedure_with_request(
    id: &str,
    case_id: &str,
    opened_ms: i64,
    request: StepState,
) -> RepatriationRecord {
    let mut p = procedure(id, case_id);
    p.opened_at_ms = at(opened_ms);
    let mut step = StepRecord::pending(Step::Request);
    step.state = request;
    step.note = format!("the request of {id}");
    step.responsible_person = format!("the person of {id}");
    p.steps = vec![step];
    p
}

pub async fn returns_under_way_list_each_procedure_with_its_own_steps_and_checkins(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    for (n, case_id) in ["c1", "c2", "c3", "c4"].iter().enumerate() {
        let case = new_case(case_id, &format!("R-{n}"), &["ANITP-CJ"], 1000 + n as i64);
        let follow_up = clock(
            &format!("k-{case_id}"),
            case_id,
            ClockKind::RepatriationFollowup,
            "ANITP-CJ",
            9_000_000,
        );
        s.create_case(&case, &[follow_up], &actor(1000))
            .await
            .unwrap();
    }
    let checkin = |number: i64, of: &str, case_id: &str| CheckInRecord {
        number,
        due_on: NaiveDate::from_ymd_opt(2026, 4, number as u32).unwrap(),
        clock_id: format!("k-{case_id}"),
        org_code: "ANITP-CJ".into(),
        happened_on: None,
        contact_made: None,
        situation: [("housing".to_string(), format!("check-in {number} of {of}"))].into(),
        new_assessment_asked: number == 2,
        recorded_by: None,
        recorded_at_ms: None,
    };
    let mut first = procedure_with_request("p1", "c1", 2000, StepState::Done);
    first.checkins = vec![checkin(1, "p1", "c1"), checkin(2, "p1", "c1")];
    let second = procedure_with_request("p2", "c2", 3000, StepState::InProgress);
    // Over: its follow-up is done, so it is not under way.
    let mut over = procedure_with_request("p3", "c3", 1500, StepState::Done);
    let mut follow_up = StepRecord::pending(Step::FollowUp);
    follow_up.state = StepState::Done;
    over.steps.push(follow_up);
    // Withdrawn: not under way either; the case's second procedure is.
    let mut withdrawn = procedure_with_request("p4", "c4", 1200, StepState::Blocked);
    withdrawn.cancelled_at_ms = Some(at(1300));
    withdrawn.checkins = vec![checkin(1, "p4", "c4")];
    let mut again = procedure_with_request("p5", "c4", 3500, StepState::Done);
    let mut assessed = StepRecord::pending(Step::RiskAssessment);
    assessed.state = StepState::Blocked;
    again.steps.push(assessed);
    again.checkins = vec![checkin(1, "p5", "c4"), checkin(2, "p5", "c4")];
    s.insert_generated_repatriations(&[first, second, over, withdrawn, again], &actor(4000))
        .await
        .unwrap();

    let under_way = s.returns_under_way("ANITP-CJ", 10).await.unwrap();
    assert_eq!(
        under_way
            .iter()
            .map(|r| (r.id.as_str(), r.case_id.as_str(), r.next))
            .collect::<Vec<_>>(),
        [
            ("p1", "c1", Some((Step::RiskAssessment, StepState::Pending))),
            ("p2", "c2", Some((Step::Request, StepState::InProgress))),
            ("p5", "c4", Some((Step::RiskAssessment, StepState::Blocked))),
        ],
        "the procedures under way, oldest first, each with its own next step"
    );
    assert!(
        under_way
            .iter()
            .all(|r| r.direction == Direction::FromRomania && r.country == "MD")
    );
    let oldest = s.returns_under_way("ANITP-CJ", 2).await.unwrap();
    assert_eq!(
        oldest.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["p1", "p2"]
    );
    // The inbox reads the same in its one read, after the urgent needs or without them.
    for urgent_shown in [Some(5), None] {
        let inbox = s
            .inbox_view(
                "ANITP-CJ",
                &crate::InboxRead {
                    tasks: every_task(),
                    others: None,
                    upcoming_until: at(4000),
                    upcoming_shown: 5,
                    referrals_shown: 5,
                    urgent_shown,
                    returns_shown: Some(2),
                    staff: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(inbox.returns.as_ref(), Some(&oldest));
        assert_eq!(inbox.urgent.is_some(), urgent_shown.is_some());
    }
    assert!(
        s.returns_under_way("ANITP-B", 10).await.unwrap().is_empty(),
        "another organisation's returns"
    );

    // A case's procedures are read together, each with its own steps and check-ins.
    let of_case = s.repatriations_of("c4").await.unwrap();
    assert_eq!(
        of_case.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["p4", "p5"]
    );
    for r in &of_case {
        let request = r.step(Step::Request);
        assert_eq!(request.note, format!("the request of {}", r.id));
        assert_eq!(
            request.responsible_person,
            format!("the person of {}", r.id)
        );
        assert_eq!(
            r.steps.len(),
            8,
            "every step, the ones not begun as pending"
        );
        assert!(
            r.checkins
                .iter()
                .all(|c| c.situation["housing"].ends_with(&format!("of {}", r.id))),
            "{}: only its own check-ins",
            r.id
        );
    }
    assert_eq!(of_case[0].step(Step::Request).state, StepState::Blocked);
    assert_eq!(
        of_case[0].step(Step::RiskAssessment).state,
        StepState::Pending
    );
    assert_eq!(
        of_case[1].step(Step::RiskAssessment).state,
        StepState::Blocked
    );
    assert_eq!(
        of_case[1]
            .checkins
            .iter()
            .map(|c| (c.number, c.new_assessment_asked))
            .collect::<Vec<_>>(),
        [(1, false), (2, true)]
    );
    assert_eq!(of_case[0].checkins.len(), 1);
    let alone = s.repatriation("p1").await.unwrap().unwrap();
    assert_eq!(alone.checkins.len(), 2);
    assert_eq!(alone.step(Step::Request).note, "the request of p1");

    // The kept counts by standing follow the generated procedures, a cancellation and an
    // opening, and equal a full count at each point.
    let tallies = || async {
        let mut kept = s.repatriation_tallies().await.unwrap();
        kept.sort_by_key(|(d, st, days, _)| (d.as_str(), st.as_str(), *days));
        kept
    };
    use mnir_domain::repatriation::Standing;
    assert_eq!(
        tallies().await,
        [
            (Direction::FromRomania, Standing::Cancelled, None, 1),
            (Direction::FromRomania, Standing::UnderWay, None, 4),
        ]
    );
    assert_eq!(s.tally_drift().await.unwrap(), []);
    s.cancel_repatriation("p2", 0, "Nu mai dorește.", &actor(5000))
        .await
        .unwrap();
    s.open_repatriation(&procedure("p6", "c2"), &actor(5100))
        .await
        .unwrap();
    assert_eq!(
        tallies().await,
        [
            (Direction::FromRomania, Standing::Cancelled, None, 2),
            (Direction::FromRomania, Standing::UnderWay, None, 4),
        ]
    );
    assert_eq!(s.tally_drift().await.unwrap(), []);
    // A count changed behind the store's back is found, and rebuilt from the procedures.
    db.raw
        .execute("UPDATE repatriation_tallies SET n = n + 2 WHERE standing = 'cancelled'")
        .await
        .unwrap();
    let drift = s.tally_drift().await.unwrap();
    assert!(
        drift.len() == 1
            && drift[0].table == "repatriation_tallies"
            && drift[0].key == "from_romania cancelled"
            && (drift[0].kept, drift[0].counted) == (4, 2),
        "{drift:?}"
    );
    s.rebuild_tallies(&AuditActor::cli(at(6000))).await.unwrap();
    assert_eq!(s.tally_drift().await.unwrap(), [], "rebuilt");
    assert_eq!(tallies().await.len(), 2);
    // A closed procedure's lost mark would list it as under way: found, and set again.
    db.raw
        .execute("UPDATE repatriations SET follow_up_done_at_ms = NULL WHERE id = 'p3'")
        .await
        .unwrap();
    let drift = s.tally_drift().await.unwrap();
    assert!(
        drift.len() == 1 && drift[0].table == "repatriations" && drift[0].kept == 1,
        "{drift:?}"
    );
    s.rebuild_tallies(&AuditActor::cli(at(6100))).await.unwrap();
    assert_eq!(s.tally_drift().await.unwrap(), [], "repaired");
    assert!(
        !s.returns_under_way("ANITP-CJ", 10)
            .await
            .unwrap()
            .iter()
            .any(|r| r.id == "p3"),
        "closed again"
    );
}
