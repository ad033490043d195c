//! Checks of [`crate::IdentificationStore`].

use super::*;

pub async fn catalogue_versions_are_kept_and_one_is_active(db: TestDb) {
    let s = db.store.as_ref();
    let record = |version: &str, ms: i64| CatalogueRecord {
        version: version.into(),
        indicator_count: 67,
        imported_at_ms: at(ms),
        imported_by: None,
        active: false,
    };
    s.import_catalogue(&record("v2", 10), "csv two", &actor(10))
        .await
        .unwrap();
    s.import_catalogue(&record("v3", 20), "csv three", &actor(20))
        .await
        .unwrap();
    assert!(matches!(
        s.import_catalogue(&record("v2", 30), "other", &actor(30))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.catalogue_source("v2").await.unwrap().as_deref(),
        Some("csv two")
    );
    assert_eq!(s.catalogue_source("v9").await.unwrap(), None);
    assert!(s.list_catalogues().await.unwrap().iter().all(|c| !c.active));
    s.activate_catalogue(Some("v2"), &actor(40)).await.unwrap();
    s.activate_catalogue(Some("v3"), &actor(50)).await.unwrap();
    let active: Vec<String> = s
        .list_catalogues()
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.active)
        .map(|c| c.version)
        .collect();
    assert_eq!(active, ["v3"]);
    assert!(matches!(
        s.activate_catalogue(Some("v9"), &actor(60)).await,
        Err(StoreError::NotFound)
    ));
    s.activate_catalogue(None, &actor(70)).await.unwrap();
    assert!(
        s.list_catalogues().await.unwrap().iter().all(|c| !c.active),
        "back to the built-in one"
    );
}

pub async fn interviews_and_decisions_are_kept_with_their_evidence_encrypted(db: TestDb) {
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
    assert_eq!(s.latest_interview("c1").await.unwrap(), None);
    let mut interview = InterviewRecord {
        id: "i1".into(),
        case_id: "c1".into(),
        catalogue_version: "ilo-ec-2009".into(),
        profile: Profile::AdultLabour,
        act: None,
        marks: [("DR01".to_string(), true), ("DR02".to_string(), false)]
            .into_iter()
            .collect(),
        evidence: [(
            "DR01".to_string(),
            format!("{SENTINEL_FAMILY_NAME} was promised work in a bakery"),
        )]
        .into_iter()
        .collect(),
        outcome: Outcome::InsufficientInformation,
        created_by: "u1".into(),
        org_code: "ANITP-CJ".into(),
        created_at_ms: at(2000),
    };
    s.save_interview(&interview, &actor(2000)).await.unwrap();
    let first = interview.clone();
    interview.id = "i2".into();
    interview.act = Some(true);
    interview.outcome = Outcome::Indicated;
    interview.created_at_ms = at(3000);
    s.save_interview(&interview, &actor(3000)).await.unwrap();
    assert_eq!(
        s.latest_interview("c1").await.unwrap(),
        Some(interview.clone())
    );
    assert_ne!(first, interview);

    let decision = DecisionRecord {
        id: "d1".into(),
        case_id: "c1".into(),
        interview_id: Some("i2".into()),
        decision: CaseState::PotentialVictim,
        engine_outcome: Some(Outcome::Indicated),
        differs_from_advice: true,
        why_different: Some("The employer's records contradict the account".into()),
        reasons: "Officer's reasons".into(),
        decided_by: "u1".into(),
        org_code: "ANITP-CJ".into(),
        decided_at_ms: at(4000),
    };
    let change = Transition {
        case_id: "c1".into(),
        from: CaseState::Notified,
        to: CaseState::PotentialVictim,
        reason: "Officer's reasons".into(),
    };
    s.change_case(&decide(&change, &decision), &actor(4000))
        .await
        .unwrap();
    assert!(matches!(
        s.change_case(
            &decide(
                &change,
                &DecisionRecord {
                    id: "d2".into(),
                    ..decision.clone()
                }
            ),
            &actor(4100)
        )
        .await,
        Err(StoreError::StaleState { .. })
    ));
    assert_eq!(s.decisions_of("c1").await.unwrap(), vec![decision]);
    let panels = view_matches_reads(s, "c1", &scope_org("ANITP-CJ")).await;
    assert!(
        panels.latest_interview.is_some() && panels.decisions.len() == 1,
        "the case page reads the interview and the decision"
    );
    let cj = s.decision_stats(&scope_org("ANITP-CJ")).await.unwrap();
    assert_eq!(
        cj,
        s.decision_stats_scanning(&scope_org("ANITP-CJ"))
            .await
            .unwrap()
    );
    assert_eq!((cj.decisions, cj.differing_from_advice), (1, 1));
    let b = s.decision_stats(&scope_org("ANITP-B")).await.unwrap();
    assert_eq!(
        (b.decisions, b.differing_from_advice),
        (0, 0),
        "another organisation counts none"
    );

    let bytes = db.dump().await;
    let needle = SENTINEL_FAMILY_NAME.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "interview evidence stored in clear"
    );
    assert!(
        !bytes.windows(17).any(|w| w == b"Officer's reasons"),
        "decision reasons stored in clear"
    );
}
