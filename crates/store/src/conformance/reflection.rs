//! Checks of [`crate::ReflectionStore`].

use super::*;

pub async fn a_reflection_period_flags_the_person_until_it_ends(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let mut case = new_case("c1", "R-1", &["ANITP-CJ"], 1000);
    case.citizenship = "MD".into();
    s.create_case(&case, &[], &actor(1000)).await.unwrap();
    let offer = |id: &str, accepted: bool, clock_id: Option<&str>| ReflectionRecord {
        id: id.into(),
        case_id: "c1".into(),
        offered_at_ms: at(2000),
        accepted,
        language: "ro".into(),
        org_code: "ANITP-CJ".into(),
        offered_by: "test-user".into(),
        clock_id: clock_id.map(str::to_string),
        ended_at_ms: None,
        outcome: None,
        end_reason: None,
    };
    s.record_reflection(
        &offer("o1", false, None),
        None,
        CaseState::Notified,
        &actor(2000),
    )
    .await
    .unwrap();
    assert!(s.no_removal_flags(&actor(2100)).await.unwrap().is_empty());
    let period = clock("r1", "c1", ClockKind::ReflectionPeriod, "ANITP-CJ", 90_000);
    s.record_reflection(
        &offer("o2", true, Some("r1")),
        Some(&period),
        CaseState::Notified,
        &actor(3000),
    )
    .await
    .unwrap();
    let flags = s.no_removal_flags(&actor(3100)).await.unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(
        (
            flags[0].reference.as_str(),
            flags[0].family_name.as_deref(),
            flags[0].birth_date,
            flags[0].until_ms
        ),
        (
            "R-1",
            Some(SENTINEL_FAMILY_NAME),
            NaiveDate::from_ymd_opt(2001, 3, 9),
            Some(at(90_000))
        )
    );
    // A second period cannot run beside the first, even when offered at the same moment.
    let twin = clock("r2", "c1", ClockKind::ReflectionPeriod, "ANITP-CJ", 95_000);
    assert!(matches!(
        s.record_reflection(
            &offer("o3", true, Some("r2")),
            Some(&twin),
            CaseState::Notified,
            &actor(3500)
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(s.reflections_of("c1").await.unwrap().len(), 2);
    let panels = view_matches_reads(s, "c1", &scope_org("ANITP-CJ")).await;
    assert_eq!(
        panels.reflections.len(),
        2,
        "the case page reads both offers"
    );
    // An offer decided on a state the case has left is refused.
    assert!(matches!(
        s.record_reflection(
            &offer("o5", false, None),
            None,
            CaseState::PresumedVictim,
            &actor(3600)
        )
        .await,
        Err(StoreError::StaleState {
            current: CaseState::Notified
        })
    ));
    // A change that the running period forbids is refused whole, in its own transaction.
    let forbidden = Transition {
        case_id: "c1".into(),
        from: CaseState::Notified,
        to: CaseState::PotentialVictim,
        reason: "not now".into(),
    };
    let blocked = ClockChanges {
        blocked_by: vec![ClockKind::ReflectionPeriod],
        ..ClockChanges::default()
    };
    assert!(matches!(
        s.change_case(&with_clocks(&forbidden, &blocked), &actor(3700)).await,
        Err(StoreError::BlockedByClock(kind)) if kind == ClockKind::ReflectionPeriod
    ));
    assert_eq!(
        s.case_facts("c1", &scope_org("ANITP-CJ"))
            .await
            .unwrap()
            .unwrap()
            .state,
        CaseState::Notified,
        "nothing of the refused step was kept"
    );
    s.end_reflection(
        "c1",
        ReflectionOutcome::Residence,
        &format!("{SENTINEL_FAMILY_NAME} testifies"),
        &actor(4000),
    )
    .await
    .unwrap();
    assert!(s.no_removal_flags(&actor(4100)).await.unwrap().is_empty());
    let offers = s.reflections_of("c1").await.unwrap();
    assert_eq!(
        (
            offers[1].ended_at_ms,
            offers[1].outcome,
            offers[1].end_reason.as_deref()
        ),
        (
            Some(at(4000)),
            Some(ReflectionOutcome::Residence),
            Some(format!("{SENTINEL_FAMILY_NAME} testifies").as_str())
        )
    );
    let clocks = s.clocks_of("c1").await.unwrap();
    assert_eq!(clocks[0].state, ClockState::Stopped);
    assert!(matches!(
        s.end_reflection("c1", ReflectionOutcome::Other, "again", &actor(5000))
            .await,
        Err(StoreError::NotFound)
    ));
    // The store allows a new period once the first has ended (that a case gets one period is
    // the mechanism's rule, kept above the store).
    s.record_reflection(
        &offer("o4", true, Some("r2")),
        Some(&twin),
        CaseState::Notified,
        &actor(6000),
    )
    .await
    .unwrap();
    let dump = db.raw.dump().await;
    assert!(
        !dump.windows(b"testifies".len()).any(|w| w == b"testifies"),
        "the end reason must be encrypted at rest"
    );
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));
}
