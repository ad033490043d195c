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
    s.insert_generated_cases(
        &s.seal_cases(batch.clone()),
        &clocks,
        &AuditActor::cli(at(1)),
    )
    .await
    .unwrap();
    assert_eq!(s.clocks_of("g001").await.unwrap(), clocks);
    let cj = scope_org("ANITP-CJ");
    let pages = walk(s, &cj, &CaseFilter::default(), 20).await;
    let seen: Vec<String> = pages
        .iter()
        .flatten()
        .map(|c| c.reference.clone())
        .collect();
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [20, 20, 5]);
    assert_eq!(seen[0], "G-044", "newest first");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 45);
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

/// Every page of a list from the newest on, following each page's `older` place, with the total
/// checked on each page against the cases finally seen.
async fn walk(
    s: &dyn Store,
    scope: &ScopeFor,
    filter: &CaseFilter,
    per_page: u32,
) -> Vec<Vec<CaseSummary>> {
    let mut pages = Vec::new();
    let mut from = PageFrom::Newest;
    loop {
        let page = s
            .list_cases(
                scope,
                &CaseFilter {
                    from: from.clone(),
                    per_page,
                    ..filter.clone()
                },
                false,
                &actor(1),
            )
            .await
            .unwrap();
        assert_eq!(
            page.newer.is_some(),
            !pages.is_empty(),
            "a page after the first has one before it"
        );
        let older = page.older.clone();
        let total = page.total;
        pages.push(page.cases);
        match older {
            Some(cursor) => from = PageFrom::OlderThan(cursor),
            None => {
                assert_eq!(
                    total,
                    pages.iter().map(Vec::len).sum::<usize>() as i64,
                    "the total counts what the pages hold"
                );
                return pages;
            }
        }
    }
}

fn keys(cases: &[CaseSummary]) -> Vec<(Timestamp, String)> {
    cases
        .iter()
        .map(|c| (c.notified_at_ms, c.id.clone()))
        .collect()
}

pub async fn pages_by_key_skip_and_repeat_nothing_while_cases_arrive(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    // Five cases share each notification time, so pages end in the middle of a tie.
    let mut batch = Vec::new();
    for i in 0..40 {
        batch.push(new_case(
            &format!("k{i:03}"),
            &format!("K-{i:03}"),
            &["ANITP-CJ"],
            10_000 + (i / 5) * 100,
        ));
    }
    s.insert_generated_cases(&s.seal_cases(batch.clone()), &[], &AuditActor::cli(at(1)))
        .await
        .unwrap();
    let cj = scope_org("ANITP-CJ");
    let first = s
        .list_cases(
            &cj,
            &CaseFilter {
                per_page: 7,
                ..Default::default()
            },
            false,
            &actor(1),
        )
        .await
        .unwrap();
    assert_eq!(
        (first.cases.len(), first.total, first.newer.is_some()),
        (7, 40, false)
    );

    // While the user reads the first page, cases arrive: newer ones, and one notified long ago
    // (entered late) that sorts after everything already shown.
    let mut arrivals = Vec::new();
    for i in 0..6 {
        arrivals.push(new_case(
            &format!("n{i:03}"),
            &format!("N-{i:03}"),
            &["ANITP-CJ"],
            20_000 + i,
        ));
    }
    arrivals.push(new_case("late", "L-001", &["ANITP-CJ"], 5_000));
    for c in &arrivals {
        s.create_case(c, &[], &actor(3)).await.unwrap();
    }
    let mut seen = keys(&first.cases);
    let mut from =
        PageFrom::OlderThan(first.older.clone().expect("40 cases fill more than a page"));
    loop {
        let page = s
            .list_cases(
                &cj,
                &CaseFilter {
                    from: from.clone(),
                    per_page: 7,
                    ..Default::default()
                },
                false,
                &actor(1),
            )
            .await
            .unwrap();
        assert_eq!(page.total, 47, "the total counts the arrivals");
        seen.extend(keys(&page.cases));
        match page.older {
            Some(c) => from = PageFrom::OlderThan(c),
            None => break,
        }
    }
    let mut expected: Vec<(Timestamp, String)> = batch
        .iter()
        .chain(arrivals.last())
        .map(|c| (c.notified_at_ms, c.id.clone()))
        .collect();
    expected.sort();
    expected.reverse();
    assert_eq!(
        seen, expected,
        "each case once, in order, newest first; the newer arrivals are on the pages before"
    );

    // Going back from the last page reaches the newest, arrivals included, each case once.
    let mut back = Vec::new();
    let mut from = PageFrom::NewerThan(ListPlace {
        at_ms: at(1),
        id: "0".into(),
    });
    loop {
        let page = s
            .list_cases(
                &cj,
                &CaseFilter {
                    from: from.clone(),
                    per_page: 7,
                    ..Default::default()
                },
                false,
                &actor(1),
            )
            .await
            .unwrap();
        let mut page_keys = keys(&page.cases);
        assert!(
            page_keys.windows(2).all(|w| w[0] > w[1]),
            "each page is newest first"
        );
        page_keys.reverse();
        back.extend(page_keys);
        match page.newer {
            Some(c) => from = PageFrom::NewerThan(c),
            None => break,
        }
    }
    let mut everything: Vec<(Timestamp, String)> = batch
        .iter()
        .chain(&arrivals)
        .map(|c| (c.notified_at_ms, c.id.clone()))
        .collect();
    everything.sort();
    assert_eq!(back, everything);

    // A filter keeps its place the same way, and a place past the end is an empty last page.
    let bn = walk(
        s,
        &cj,
        &CaseFilter {
            state: Some(CaseState::Notified),
            ..Default::default()
        },
        4,
    )
    .await;
    assert_eq!(bn.iter().map(Vec::len).sum::<usize>(), 47);
    let past = s
        .list_cases(
            &cj,
            &CaseFilter {
                from: PageFrom::OlderThan(ListPlace {
                    at_ms: at(1),
                    id: "0".into(),
                }),
                per_page: 7,
                ..Default::default()
            },
            false,
            &actor(1),
        )
        .await
        .unwrap();
    assert_eq!((past.cases.len(), past.older, past.newer), (0, None, None));
}

/// A small deterministic generator, so a failure repeats.
pub(super) struct Steps(pub(super) u64);

impl Steps {
    pub(super) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

pub async fn tallies_equal_a_full_count_after_random_steps(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let screener = s
        .create_user(
            &NewUser {
                login: "screener".into(),
                org_code: "IGPR".into(),
                roles: "screener".parse().unwrap(),
                password_hash: "x".into(),
                now_ms: at(1),
            },
            &actor(1),
        )
        .await
        .unwrap();
    let orgs = ["ANITP-CJ", "DGASPC-CJ", "IGPR", "ANITP-B"];
    let counties = ["RO-CJ", "RO-BN", "RO-B"];
    let mut rng = Steps(0x5eed_1601);
    let mut states = std::collections::HashMap::new();
    let mut generated = Vec::new();
    for i in 0..80 {
        let first = rng.below(orgs.len());
        let mut access = vec![orgs[first]];
        if rng.below(2) == 0 {
            access.push(orgs[(first + 1 + rng.below(orgs.len() - 1)) % orgs.len()]);
        }
        let mut c = new_case(
            &format!("r{i:03}"),
            &format!("R-{i:03}"),
            &access,
            1_000 + rng.below(50) as i64 * 10,
        );
        c.found_in_county = counties[rng.below(counties.len())].into();
        // Some of the screener's cases are routed to their organisation, some are not.
        if rng.below(3) == 0 {
            c.created_by = Some(screener.id.clone());
        }
        states.insert(c.id.clone(), CaseState::Notified);
        if i % 2 == 0 {
            s.create_case(&c, &[], &actor(2)).await.unwrap();
        } else {
            generated.push(c);
        }
    }
    s.insert_generated_cases(&s.seal_cases(generated), &[], &AuditActor::cli(at(3)))
        .await
        .unwrap();
    let mut ids: Vec<String> = states.keys().cloned().collect();
    ids.sort();
    for n in 0..150 {
        let id = &ids[rng.below(ids.len())];
        let from = states[id];
        let to = CaseState::ALL[rng.below(CaseState::ALL.len())];
        if to == from {
            continue;
        }
        let change = Transition {
            case_id: id.clone(),
            from,
            to,
            reason: format!("step {n}"),
        };
        s.change_case(&step(&change), &actor(10 + n)).await.unwrap();
        states.insert(id.clone(), to);
    }
    // A step refused as stale changes no tally.
    let id = &ids[0];
    let stale = Transition {
        case_id: id.clone(),
        from: if states[id] == CaseState::Closed {
            CaseState::Notified
        } else {
            CaseState::Closed
        },
        to: CaseState::PotentialVictim,
        reason: "stale".into(),
    };
    assert!(s.change_case(&step(&stale), &actor(999)).await.is_err());

    let mut scopes: Vec<ScopeFor> = orgs.iter().map(|o| scope_org(o)).collect();
    scopes.push(ScopeFor {
        scope: CaseScope {
            national: true,
            ..CaseScope::default()
        },
        org_code: "ANITP".into(),
        user_id: "coord".into(),
    });
    scopes.push(ScopeFor {
        scope: CaseScope {
            created_by: Some(screener.id.clone()),
            ..CaseScope::default()
        },
        org_code: "IGPR".into(),
        user_id: screener.id.clone(),
    });
    scopes.push(ScopeFor {
        scope: CaseScope {
            organisation: Some("IGPR".into()),
            created_by: Some(screener.id.clone()),
            ..CaseScope::default()
        },
        org_code: "IGPR".into(),
        user_id: screener.id.clone(),
    });
    assert_eq!(
        s.tally_drift().await.unwrap(),
        Vec::new(),
        "nothing drifted"
    );
    // Counts changed behind the store's back are found, and rebuilt from the rows.
    db.raw
        .execute("UPDATE case_tallies SET n = n + 2 WHERE org_code = 'IGPR'")
        .await
        .unwrap();
    db.raw
        .execute("UPDATE case_access SET case_state = 'closed' WHERE org_code = 'ANITP-B'")
        .await
        .unwrap();
    let drift = s.tally_drift().await.unwrap();
    assert!(
        drift.iter().any(|d| d.table == "case_tallies"
            && d.key.starts_with("IGPR ")
            && d.kept == d.counted + 2),
        "{drift:?}"
    );
    assert!(drift.iter().any(|d| d.table == "case_access"), "{drift:?}");
    // So is an urgent need marked on an access row with no assessment behind it.
    db.raw
        .execute("UPDATE case_access SET urgent_since_ms = 1 WHERE org_code = 'IGPR'")
        .await
        .unwrap();
    let drift = s.tally_drift().await.unwrap();
    assert!(
        drift
            .iter()
            .any(|d| d.table == "case_access" && d.key.contains("urgent")),
        "{drift:?}"
    );
    s.rebuild_tallies(&AuditActor::cli(at(5_000)))
        .await
        .unwrap();
    assert_eq!(s.tally_drift().await.unwrap(), Vec::new(), "rebuilt");
    for scope in &scopes {
        let scanned = s.count_cases_by_state_scanning(scope).await.unwrap();
        assert!(
            !scanned.is_empty(),
            "every scope sees some of the cases: {scope:?}"
        );
        assert_eq!(
            s.count_cases_by_state(scope).await.unwrap(),
            scanned,
            "{scope:?}"
        );
        // A list's total agrees with the cases its pages hold, for each filter.
        for (state, n) in &scanned {
            let pages = walk(
                s,
                scope,
                &CaseFilter {
                    state: Some(*state),
                    ..Default::default()
                },
                9,
            )
            .await;
            assert_eq!(
                pages.iter().map(Vec::len).sum::<usize>() as i64,
                *n,
                "{scope:?} {state}"
            );
            assert!(pages.iter().flatten().all(|c| c.state == *state));
        }
        for county in counties {
            let pages = walk(
                s,
                scope,
                &CaseFilter {
                    county: Some(county.into()),
                    state: Some(CaseState::Notified),
                    ..Default::default()
                },
                5,
            )
            .await;
            assert!(
                pages
                    .iter()
                    .flatten()
                    .all(|c| c.found_in_county == county && c.state == CaseState::Notified)
            );
        }
    }
}

/// The indexes a bulk load drops come back as the migrations made them, whether the load ends
/// or is killed midway (the next open builds them); and lists still answer while they are gone.
pub async fn a_bulk_load_rebuilds_the_indexes_the_migrations_made(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let migrated = db.raw.index_definitions().await;
    for (name, _) in crate::sql::DEFERRED_INDEXES {
        assert!(
            migrated.iter().any(|(n, _)| n == name),
            "{name} is in the schema"
        );
    }
    s.defer_list_indexes().await.unwrap();
    let deferred = db.raw.index_definitions().await;
    assert_eq!(
        deferred.len(),
        migrated.len() - crate::sql::DEFERRED_INDEXES.len()
    );
    let batch = vec![new_case("b1", "B-1", &["ANITP-CJ"], 1000)];
    s.insert_generated_cases(&s.seal_cases(batch), &[], &AuditActor::cli(at(2)))
        .await
        .unwrap();
    let page = s
        .list_cases(
            &scope_org("ANITP-CJ"),
            &CaseFilter {
                per_page: 5,
                ..Default::default()
            },
            false,
            &actor(3),
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    s.build_list_indexes().await.unwrap();
    assert_eq!(db.raw.index_definitions().await, migrated);
    // Killed midway: the next open builds what is missing.
    s.defer_list_indexes().await.unwrap();
    let _reopened = db.raw.second_store().await;
    assert_eq!(db.raw.index_definitions().await, migrated);
}
