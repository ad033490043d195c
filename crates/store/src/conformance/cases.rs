//! Checks of [`crate::CaseStore`].

use super::*;

pub async fn cases_are_visible_only_inside_the_scope(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["IGPR", "ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    s.create_case(
        &new_case("c2", "R-2", &["ANITP-B"], 2000),
        &[],
        &actor(2000),
    )
    .await
    .unwrap();

    let cj = scope_org("ANITP-CJ");
    let page = s
        .list_cases(
            &cj,
            &CaseFilter {
                per_page: 10,
                ..Default::default()
            },
            true,
            &actor(3000),
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.cases[0].reference, "R-1");
    assert_eq!(
        page.cases[0].family_name.as_deref(),
        Some(SENTINEL_FAMILY_NAME)
    );
    let masked = s
        .list_cases(
            &cj,
            &CaseFilter {
                per_page: 10,
                ..Default::default()
            },
            false,
            &actor(3000),
        )
        .await
        .unwrap();
    assert_eq!(masked.cases[0].family_name, None);

    let outsider = scope_org("DGASPC-CJ");
    let page = s
        .list_cases(
            &outsider,
            &CaseFilter {
                per_page: 10,
                ..Default::default()
            },
            true,
            &actor(3000),
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.cases.len()), (0, 0));
    assert!(s.count_cases_by_state(&outsider).await.unwrap().is_empty());
    assert_eq!(s.case_facts("c1", &outsider).await.unwrap(), None);
    assert_eq!(
        s.case_detail(
            "c1",
            &outsider,
            Reveal {
                identity: true,
                notes: true
            },
            &actor(3000)
        )
        .await
        .unwrap(),
        None
    );

    let national = ScopeFor {
        scope: CaseScope {
            national: true,
            ..CaseScope::default()
        },
        org_code: "ANITP".into(),
        user_id: "coord".into(),
    };
    assert_eq!(
        s.count_cases_by_state(&national).await.unwrap(),
        vec![(CaseState::Notified, 2)]
    );
    let facts = s.case_facts("c1", &national).await.unwrap().unwrap();
    assert!(!facts.org_has_access && !facts.created_by_actor);

    let creator = ScopeFor {
        scope: CaseScope {
            created_by: Some("screener-1".into()),
            ..CaseScope::default()
        },
        org_code: "IGPR".into(),
        user_id: "screener-1".into(),
    };
    assert_eq!(s.case_facts("c1", &creator).await.unwrap(), None);
    let detail = s
        .case_detail(
            "c1",
            &cj,
            Reveal {
                identity: true,
                notes: false,
            },
            &actor(3000),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.birth_date, NaiveDate::from_ymd_opt(2001, 3, 9));
    assert_eq!(detail.notes, None);
    assert_eq!(detail.signals, ["S01", "S07"]);
    assert_eq!(detail.access.len(), 2);
    let hidden = s
        .case_detail("c1", &cj, Reveal::default(), &actor(3000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((hidden.summary.given_name, hidden.birth_date), (None, None));
}

pub async fn filters_and_pages_partition_the_visible_cases(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let mut batch = Vec::new();
    for i in 0..45 {
        let mut c = new_case(
            &format!("g{i:03}"),
            &format!("G-{i:03}"),
            &["ANITP-CJ"],
            10_000 + i,
        );
        if i % 3 == 0 {
            c.found_in_county = "RO-BN".into();
        }
        batch.push(c);
    }
    // Generated cases come with the clocks still running at the end of their history.
    let clocks = [clock(
        "gk1",
        "g001",
        ClockKind::NotificationAck,
        "ANITP-CJ",
        90_000,
    )];
    s.insert_generated_cases(&batch, &clocks, &AuditActor::cli(at(1)))
        .await
        .unwrap();
    assert_eq!(s.clocks_of("g001").await.unwrap(), clocks);
    let cj = scope_org("ANITP-CJ");
    let mut seen = Vec::new();
    for page in 0..3 {
        let p = s
            .list_cases(
                &cj,
                &CaseFilter {
                    page,
                    per_page: 20,
                    ..Default::default()
                },
                false,
                &actor(1),
            )
            .await
            .unwrap();
        assert_eq!(p.total, 45);
        seen.extend(p.cases.into_iter().map(|c| c.reference));
    }
    assert_eq!(seen.len(), 45);
    assert_eq!(seen[0], "G-044", "newest first");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 45);
    let bn = s
        .list_cases(
            &cj,
            &CaseFilter {
                county: Some("RO-BN".into()),
                per_page: 100,
                ..Default::default()
            },
            false,
            &actor(1),
        )
        .await
        .unwrap();
    assert_eq!(bn.total, 15);
    let one = s
        .list_cases(
            &cj,
            &CaseFilter {
                reference: Some("G-007".into()),
                per_page: 100,
                ..Default::default()
            },
            false,
            &actor(1),
        )
        .await
        .unwrap();
    assert_eq!(one.cases.len(), 1);
    let none = s
        .list_cases(
            &cj,
            &CaseFilter {
                state: Some(CaseState::Closed),
                per_page: 100,
                ..Default::default()
            },
            false,
            &actor(1),
        )
        .await
        .unwrap();
    assert_eq!(none.total, 0);
}

pub async fn transitions_are_checked_recorded_and_audited(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    let change = Transition {
        case_id: "c1".into(),
        from: CaseState::Notified,
        to: CaseState::PotentialVictim,
        reason: "Age and identity established; urgent needs met.".into(),
    };
    s.change_case(&step(&change), &actor(2000)).await.unwrap();
    assert!(matches!(
        s.change_case(&step(&change), &actor(2100)).await,
        Err(StoreError::StaleState {
            current: CaseState::PotentialVictim
        })
    ));
    assert!(matches!(
        s.change_case(
            &step(&Transition {
                case_id: "nope".into(),
                ..change.clone()
            }),
            &actor(2100)
        )
        .await,
        Err(StoreError::NotFound)
    ));
    let detail = s
        .case_detail(
            "c1",
            &scope_org("ANITP-CJ"),
            Reveal {
                identity: false,
                notes: true,
            },
            &actor(3000),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.summary.state, CaseState::PotentialVictim);
    assert_eq!(detail.summary.updated_at_ms, at(2000));
    assert_eq!(detail.history.len(), 2);
    assert_eq!(detail.history[1].from, Some(CaseState::Notified));
    let without_notes = s
        .case_detail(
            "c1",
            &scope_org("ANITP-CJ"),
            Reveal::default(),
            &actor(3000),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        without_notes.history[1].reason, "",
        "reasons are free text, shown with the notes only"
    );
    assert_eq!(detail.history[1].reason, change.reason);
    assert_eq!(detail.history[1].actor_user.as_deref(), Some("test-user"));
    let actions: Vec<String> = s
        .recent_audit(10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions[0], "case.read");
    assert!(actions.contains(&"case.transition".to_string()));
    assert!(actions.contains(&"case.create".to_string()));
}

pub async fn identifying_fields_never_reach_the_database_in_clear(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    s.change_case(
        &step(&Transition {
            case_id: "c1".into(),
            from: CaseState::Notified,
            to: CaseState::PotentialVictim,
            reason: format!("Spoke with {SENTINEL_FAMILY_NAME}"),
        }),
        &actor(2000),
    )
    .await
    .unwrap();
    let bytes = db.dump().await;
    let needle = SENTINEL_FAMILY_NAME.as_bytes();
    assert!(bytes.len() > 1000, "the dump holds the database");
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "a stored family name was found in clear in the database"
    );
    assert!(
        bytes.windows(b"ANITP-CJ".len()).any(|w| w == b"ANITP-CJ"),
        "the dump does contain the clear, non-identifying columns"
    );
}
