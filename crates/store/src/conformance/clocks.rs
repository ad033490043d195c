//! Checks of [`crate::ClockStore`].

use super::*;

pub async fn clocks_start_stop_pause_and_fire_once(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let case = new_case("c1", "R-1", &["ANITP-CJ"], 1000);
    s.create_case(
        &case,
        &[clock(
            "k1",
            "c1",
            ClockKind::NotificationAck,
            "ANITP-CJ",
            5000,
        )],
        &actor(1000),
    )
    .await
    .unwrap();
    let change = Transition {
        case_id: "c1".into(),
        from: CaseState::Notified,
        to: CaseState::PotentialVictim,
        reason: "ok".into(),
    };
    let changes = ClockChanges {
        start: vec![clock(
            "k2",
            "c1",
            ClockKind::IdentificationInterview,
            "ANITP-CJ",
            9000,
        )],
        stop: vec![ClockKind::NotificationAck],
        ..ClockChanges::default()
    };
    s.change_case(&with_clocks(&change, &changes), &actor(2000))
        .await
        .unwrap();
    let clocks = s.clocks_of("c1").await.unwrap();
    assert_eq!(clocks.len(), 2);
    assert_eq!(
        (clocks[0].state, clocks[0].stopped_at_ms),
        (ClockState::Stopped, Some(at(2000)))
    );
    assert_eq!(clocks[1].state, ClockState::Running);

    s.pause_clock(
        "k2",
        &format!("{SENTINEL_FAMILY_NAME} is in hospital"),
        &actor(3000),
    )
    .await
    .unwrap();
    assert!(matches!(
        s.pause_clock("k2", "again", &actor(3100)).await,
        Err(StoreError::NotFound)
    ));
    let paused = &s.clocks_of("c1").await.unwrap()[1];
    assert_eq!(
        (paused.state, paused.due_at_ms, paused.pauses.clone()),
        (ClockState::Paused, None, vec![(at(3000), None)])
    );
    assert_eq!(
        paused.pause_reasons,
        [format!("{SENTINEL_FAMILY_NAME} is in hospital")]
    );
    assert!(
        s.fire_due_clocks(at(100_000), 10).await.unwrap().is_empty(),
        "a paused clock never fires"
    );
    s.resume_clock("k2", at(12_000), &actor(6000))
        .await
        .unwrap();
    let resumed = &s.clocks_of("c1").await.unwrap()[1];
    assert_eq!(
        (resumed.state, resumed.due_at_ms, resumed.pauses.clone()),
        (
            ClockState::Running,
            Some(at(12_000)),
            vec![(at(3000), Some(at(6000)))]
        )
    );

    assert!(
        s.fire_due_clocks(at(11_999), 10).await.unwrap().is_empty(),
        "not due yet"
    );
    let fired = s.fire_due_clocks(at(12_000), 10).await.unwrap();
    assert_eq!(fired.len(), 1);
    assert_eq!(
        (fired[0].clock_id.as_str(), fired[0].kind.as_str()),
        ("k2", "identification_interview_expired")
    );
    assert!(
        s.fire_due_clocks(at(20_000), 10).await.unwrap().is_empty(),
        "a clock fires once"
    );
    let tasks = s.open_tasks("ANITP-CJ", &every_task()).await.unwrap().tasks;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].case_reference, "R-1");
    // The inbox's one read finds what the reads of each part find, and leaves out what it was
    // not asked for.
    // Three referrals await ANITP-CJ's answer, sent out of order; the inbox reads the two oldest
    // and counts all three.
    for (id, sent) in [("in-b", 3000), ("in-a", 2000), ("in-c", 4000)] {
        let referral = awaiting_referral(id, ("DGASPC-CJ", "ANITP-CJ"), sent);
        s.send_referral(&referral, &[], &actor(sent)).await.unwrap();
    }
    let panels = view_matches_reads(s, "c1", &scope_org("ANITP-CJ")).await;
    assert!(
        panels.referrals.len() == 3 && !panels.clocks.is_empty(),
        "the case page reads the referrals and the clocks"
    );
    let read = crate::InboxRead {
        tasks: every_task(),
        others: Some(Some(vec![ClockKind::NotificationAck])),
        upcoming_until: at(1_000_000),
        upcoming_shown: 10,
        referrals_shown: 2,
        urgent_shown: Some(51),
        returns_shown: Some(10),
        staff: None,
    };
    let view = s.inbox_view("ANITP-CJ", &read).await.unwrap();
    assert_eq!(view.page.tasks, tasks);
    assert_eq!(
        view.page,
        s.open_tasks("ANITP-CJ", &every_task()).await.unwrap()
    );
    assert_eq!(
        view.others_waiting,
        Some(
            s.count_open_tasks("ANITP-CJ", Some(&[ClockKind::NotificationAck]))
                .await
                .unwrap()
        )
    );
    assert_eq!(
        view.upcoming,
        s.upcoming_clocks("ANITP-CJ", at(1_000_000), 10)
            .await
            .unwrap()
    );
    let awaiting = s.referrals_awaiting("ANITP-CJ", None, 10).await.unwrap();
    assert_eq!(
        awaiting
            .referrals
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["in-a", "in-b", "in-c"]
    );
    assert_eq!((awaiting.total, awaiting.later), (3, None));
    assert_eq!(view.referrals, awaiting.referrals[..2]);
    assert_eq!(view.referrals_waiting, 3);
    // Page by page from a place, with two sent meanwhile (one dated before the place, one
    // after): none read twice, none after the place skipped.
    let first = s.referrals_awaiting("ANITP-CJ", None, 2).await.unwrap();
    assert_eq!(first.referrals, awaiting.referrals[..2]);
    let place = first.later.expect("a second page");
    for (id, sent) in [("in-0", 1000), ("in-d", 5000)] {
        let mut meanwhile = awaiting.referrals[0].clone();
        (meanwhile.id, meanwhile.sent_at_ms) = (id.into(), at(sent));
        s.send_referral(&meanwhile, &[], &actor(5000))
            .await
            .unwrap();
    }
    let second = s
        .referrals_awaiting("ANITP-CJ", Some(&place), 2)
        .await
        .unwrap();
    assert_eq!(
        (
            second
                .referrals
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            second.later,
            second.total
        ),
        (vec!["in-c", "in-d"], None, 5)
    );
    assert_eq!(
        view.urgent,
        Some(s.urgent_cases("ANITP-CJ", 51).await.unwrap())
    );
    let unasked = s
        .inbox_view(
            "ANITP-CJ",
            &crate::InboxRead {
                others: None,
                urgent_shown: None,
                ..read.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!((unasked.others_waiting, unasked.urgent), (None, None));
    assert_eq!(
        (view.returns.as_ref(), unasked.returns.as_ref()),
        (Some(&Vec::new()), Some(&Vec::new())),
        "no return under way here; the returns are read whether the urgent needs are or not"
    );
    assert!(
        s.open_tasks("ANITP-B", &every_task())
            .await
            .unwrap()
            .tasks
            .is_empty()
    );
    assert!(
        matches!(
            s.complete_task(&tasks[0].id, "ANITP-B", &actor(21_000))
                .await,
            Err(StoreError::NotFound)
        ),
        "only the task's organisation closes it"
    );
    s.complete_task(&tasks[0].id, "ANITP-CJ", &actor(21_000))
        .await
        .unwrap();
    assert!(
        s.open_tasks("ANITP-CJ", &every_task())
            .await
            .unwrap()
            .tasks
            .is_empty()
    );

    s.create_case(
        &new_case("c2", "R-2", &["ANITP-CJ"], 1000),
        &[
            clock("k3", "c2", ClockKind::NotificationAck, "ANITP-CJ", 50_000),
            clock("k4", "c2", ClockKind::ReferralResponse, "ANITP-CJ", 90_000),
        ],
        &actor(1000),
    )
    .await
    .unwrap();
    let upcoming = s.upcoming_clocks("ANITP-CJ", at(60_000), 10).await.unwrap();
    assert_eq!(
        upcoming
            .iter()
            .map(|(c, r)| (c.id.as_str(), r.as_str()))
            .collect::<Vec<_>>(),
        [("k3", "R-2")]
    );

    let bytes = db.dump().await;
    let needle = SENTINEL_FAMILY_NAME.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "a pause reason stored in clear"
    );
}

pub async fn two_servers_fire_each_clock_exactly_once(db: TestDb) {
    let s = db.store.clone();
    seed_orgs(s.as_ref()).await;
    // Any kinds but the reflection period, of which a case runs one at a time.
    let kinds: Vec<ClockKind> = ClockKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != ClockKind::ReflectionPeriod)
        .collect();
    let mut clocks = Vec::new();
    for i in 0..40i64 {
        clocks.push(clock(
            &format!("k{i}"),
            "c1",
            kinds[i as usize % kinds.len()],
            "ANITP-CJ",
            1000 + i,
        ));
    }
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &clocks,
        &actor(1000),
    )
    .await
    .unwrap();
    let other = db.raw.second_store().await;
    let mut handles = Vec::new();
    for round in 0..10 {
        for store in [s.clone(), other.clone()] {
            handles.push(tokio::spawn(async move {
                store.fire_due_clocks(at(5000 + round), 7).await
            }));
        }
    }
    let mut fired = Vec::new();
    for h in handles {
        fired.extend(h.await.unwrap().unwrap().into_iter().map(|t| t.clock_id));
    }
    fired.sort();
    let mut unique = fired.clone();
    unique.dedup();
    assert_eq!(fired.len(), 40, "every clock fired");
    assert_eq!(unique.len(), 40, "no clock fired twice");
    assert_eq!(
        s.open_tasks("ANITP-CJ", &every_task()).await.unwrap().total,
        40
    );
    let one_kind = s
        .open_tasks(
            "ANITP-CJ",
            &TaskFilter {
                clock_kinds: Some(vec![kinds[1]]),
                ..every_task()
            },
        )
        .await
        .unwrap();
    assert!(one_kind.tasks.iter().all(|t| t.clock_kind == kinds[1]));
    assert_eq!(
        one_kind.total as usize,
        clocks.iter().filter(|c| c.kind == kinds[1]).count()
    );
    let none = s
        .open_tasks(
            "ANITP-CJ",
            &TaskFilter {
                clock_kinds: Some(Vec::new()),
                ..every_task()
            },
        )
        .await
        .unwrap();
    assert_eq!((none.tasks.len(), none.total), (0, 0));
    // A page at a time from a place, the view's tasks with each page's total. Views of several
    // kinds are read one of two ways by their share of the open tasks (a window of the
    // organisation's oldest, or a range per kind merged): either way, page by page, each of the
    // view's tasks once, oldest first, and no other.
    let paged_view = |kinds: Option<Vec<ClockKind>>, per_page: u32| {
        let s = s.clone();
        async move {
            let mut listed = Vec::new();
            let mut totals = Vec::new();
            let mut after = None;
            loop {
                let page = s
                    .open_tasks(
                        "ANITP-CJ",
                        &TaskFilter {
                            clock_kinds: kinds.clone(),
                            after: after.clone(),
                            per_page,
                        },
                    )
                    .await
                    .unwrap();
                totals.push(page.total);
                listed.extend(
                    page.tasks
                        .iter()
                        .map(|t| (t.created_at_ms, t.id.clone(), t.clock_id.clone())),
                );
                match page.later {
                    Some(place) => after = Some(place),
                    None => return (listed, totals),
                }
            }
        }
    };
    // Every kind, several created at the same moment, so pages end inside a tie.
    let (paged, totals) = paged_view(None, 7).await;
    assert!(totals.iter().all(|t| *t == 40), "{totals:?}");
    let mut in_order = paged.clone();
    in_order.sort();
    in_order.dedup();
    assert_eq!((paged.len(), &paged), (40, &in_order));
    let expect = |kinds: &[ClockKind]| {
        let mut ids: Vec<String> = clocks
            .iter()
            .filter(|c| kinds.contains(&c.kind))
            .map(|c| c.id.clone())
            .collect();
        ids.sort();
        ids
    };
    // Two kinds of nine: a fifth of the tasks (8 of 40). The seven others: four fifths.
    let few = vec![kinds[7], kinds[8]];
    let most: Vec<ClockKind> = kinds[..7].to_vec();
    assert_eq!((kinds.len(), expect(&few).len()), (9, 8));
    // A view paged by three: oldest first, none twice; its clocks, sorted, and each page's total.
    let clocks_listed = |view: Vec<ClockKind>| {
        let paged = paged_view(Some(view.clone()), 3);
        async move {
            let (listed, totals) = paged.await;
            let mut in_order = listed.clone();
            in_order.sort();
            in_order.dedup();
            assert_eq!(listed, in_order, "oldest first, none twice: {view:?}");
            let mut clock_ids: Vec<String> = listed.into_iter().map(|(_, _, c)| c).collect();
            clock_ids.sort();
            (clock_ids, totals)
        }
    };
    for view in [few.clone(), most.clone()] {
        let (clock_ids, totals) = clocks_listed(view.clone()).await;
        assert_eq!(
            clock_ids,
            expect(&view),
            "the view's tasks and no other: {view:?}"
        );
        assert!(
            totals.iter().all(|t| *t as usize == clock_ids.len()),
            "{totals:?}"
        );
    }
    // The kept counts choose the way only. Counts gone wrong (most kinds said to have no open
    // task) turn each view to the other way, and each still lists every task it holds.
    db.raw
        .execute(&format!(
            "UPDATE task_tallies SET n = 0 WHERE org_code = 'ANITP-CJ' AND clock_kind IN ({})",
            most.iter()
                .map(|k| format!("'{}'", k.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .await
        .unwrap();
    for view in [few, most] {
        let (clock_ids, _) = clocks_listed(view.clone()).await;
        assert_eq!(
            clock_ids,
            expect(&view),
            "a wrong count hides no task: {view:?}"
        );
    }
    assert!(
        matches!(s.verify_audit().await.unwrap(), AuditVerdict::Intact { .. }),
        "the chain stays whole under concurrent appends"
    );
}

pub async fn task_tallies_equal_a_full_count_after_random_steps(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let orgs = ["ANITP-CJ", "DGASPC-CJ", "IGPR", "ANITP-B"];
    let mut rng = super::cases::Steps(0x7a5c_1617);
    // Any kinds but the reflection period, of which a case runs one at a time.
    let kinds: Vec<ClockKind> = ClockKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != ClockKind::ReflectionPeriod)
        .collect();
    // Case `c` of every organisation, with a clock of each (kind, organisation, due time) given.
    let case_with_clocks = async |c: usize, clocks: Vec<(ClockKind, &str, i64)>| {
        let case_id = format!("c{c}");
        let clocks: Vec<ClockRecord> = clocks
            .into_iter()
            .enumerate()
            .map(|(k, (kind, org, due))| clock(&format!("k{c}-{k}"), &case_id, kind, org, due))
            .collect();
        s.create_case(
            &new_case(&case_id, &format!("R-{c:02}"), &orgs, 1_000),
            &clocks,
            &actor(1_000),
        )
        .await
        .unwrap();
    };
    for c in 0..12 {
        let clocks = (0..10)
            .map(|_| {
                (
                    kinds[rng.below(kinds.len())],
                    orgs[rng.below(orgs.len())],
                    2_000 + rng.below(400) as i64 * 10,
                )
            })
            .collect();
        case_with_clocks(c, clocks).await;
    }
    let mut now = 2_000;
    let mut done = Vec::new();
    for step in 0..60 {
        now += rng.below(200) as i64;
        s.fire_due_clocks(at(now), 1 + rng.below(6) as i64)
            .await
            .unwrap();
        let org = orgs[rng.below(orgs.len())];
        let open = all_open_tasks(s, org).await;
        if open.is_empty() {
            continue;
        }
        let task = &open[rng.below(open.len())];
        s.complete_task(&task.id, org, &actor(now + step))
            .await
            .unwrap();
        done.push((task.id.clone(), org));
        // A task closed twice, or by another organisation, changes no count.
        let (again, by) = &done[rng.below(done.len())];
        assert!(matches!(
            s.complete_task(again, by, &actor(now + step)).await,
            Err(StoreError::NotFound)
        ));
        let other = orgs.iter().find(|o| **o != org).unwrap();
        if let Some(open) = open.iter().find(|t| t.id != task.id) {
            assert!(matches!(
                s.complete_task(&open.id, other, &actor(now + step)).await,
                Err(StoreError::NotFound)
            ));
        }
    }
    // Tasks marked done while another server's scheduler fires the rest: both take the kept
    // counts and the audit chain, and neither may fail (on PostgreSQL, a deadlock would).
    let open: Vec<(String, &str)> = {
        let mut open = Vec::new();
        for org in orgs {
            open.extend(
                all_open_tasks(s, org)
                    .await
                    .into_iter()
                    .map(|t| (t.id, org)),
            );
        }
        open
    };
    // Clocks of the same organisations and kinds, for the other server to fire meanwhile.
    for c in 12..16 {
        let clocks = (0..30)
            .map(|k| (kinds[k % kinds.len()], orgs[(c + k) % orgs.len()], 900_000))
            .collect();
        case_with_clocks(c, clocks).await;
    }
    let other = db.raw.second_store().await;
    let firing = tokio::spawn(async move {
        let mut fired = 0;
        for round in 0..60 {
            fired += other
                .fire_due_clocks(at(1_000_000 + round), 2)
                .await
                .unwrap()
                .len();
        }
        fired
    });
    for (n, (id, org)) in open.iter().enumerate().step_by(2) {
        s.complete_task(id, org, &actor(1_000_000 + n as i64))
            .await
            .unwrap();
    }
    assert_eq!(
        firing.await.unwrap(),
        120,
        "the other server fired every new clock"
    );
    s.fire_due_clocks(at(1_000_000), 1_000).await.unwrap();
    let mut fired_somewhere = 0;
    for org in orgs {
        let open = all_open_tasks(s, org).await;
        fired_somewhere += open.len();
        assert_eq!(
            s.count_open_tasks(org, None).await.unwrap(),
            open.len() as i64,
            "{org}"
        );
        for kind in ClockKind::ALL {
            assert_eq!(
                s.count_open_tasks(org, Some(&[*kind])).await.unwrap(),
                open.iter().filter(|t| t.clock_kind == *kind).count() as i64,
                "{org} {kind}"
            );
        }
    }
    assert!(
        fired_somewhere > 0 && !done.is_empty(),
        "the steps made and closed tasks"
    );
    assert_eq!(s.tally_drift().await.unwrap(), Vec::new());
    // A count changed behind the store's back is found, and rebuilt from the tasks.
    db.raw
        .execute("UPDATE task_tallies SET n = n + 3 WHERE org_code = 'IGPR'")
        .await
        .unwrap();
    let drift = s.tally_drift().await.unwrap();
    assert!(
        !drift.is_empty()
            && drift.iter().all(|d| d.table == "task_tallies"
                && d.key.starts_with("IGPR ")
                && d.kept == d.counted + 3),
        "{drift:?}"
    );
    s.rebuild_tallies(&AuditActor::cli(at(2_000_000)))
        .await
        .unwrap();
    assert_eq!(s.tally_drift().await.unwrap(), Vec::new(), "rebuilt");
}

pub async fn overdue_referrals_are_the_longest_unanswered_and_counted(db: TestDb) {
    use mnir_domain::referral::ReferralStatus;
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    let referral = |id: &str, sent: i64| awaiting_referral(id, ("ANITP-CJ", "DGASPC-CJ"), sent);
    let response = |id: &str, due: i64| ClockRecord {
        referral_id: Some(id.into()),
        ..clock(
            &format!("{id}-response"),
            "c1",
            ClockKind::ReferralResponse,
            "ANITP-CJ",
            due,
        )
    };
    // Answered in time, answered late, and two never answered.
    for (id, due) in [
        ("in-time", 3000),
        ("late", 4000),
        ("first", 5000),
        ("second", 6000),
    ] {
        s.send_referral(&referral(id, 1500), &[response(id, due)], &actor(1500))
            .await
            .unwrap();
    }
    s.answer_referral("in-time", "DGASPC-CJ", true, "", &actor(2500))
        .await
        .unwrap();
    assert_eq!(
        s.overdue_referrals(10).await.unwrap(),
        (Vec::new(), 0),
        "none ran out yet"
    );
    s.fire_due_clocks(at(10_000), 100).await.unwrap();
    s.answer_referral("late", "DGASPC-CJ", false, "Fără locuri.", &actor(11_000))
        .await
        .unwrap();
    let (rows, total) = s.overdue_referrals(10).await.unwrap();
    assert_eq!(
        total, 2,
        "the late answer is no longer overdue; the one in time never was"
    );
    assert_eq!(
        rows.iter()
            .map(|(r, due)| (r.id.as_str(), *due))
            .collect::<Vec<_>>(),
        [("first", at(5000)), ("second", at(6000))],
        "the longest overdue first, each since its clock ran out"
    );
    let (first, total) = s.overdue_referrals(1).await.unwrap();
    assert_eq!(
        (first.len(), first[0].0.id.as_str(), total),
        (1, "first", 2)
    );

    // A generated referral awaiting its answer whose response clock was generated run out is
    // overdue as well; one generated answered late is not.
    let mut generated = GeneratedReferrals::default();
    for (id, status) in [
        ("gen-waiting", ReferralStatus::Sent),
        ("gen-late", ReferralStatus::Accepted),
    ] {
        let mut r = referral(id, 1200);
        r.status = status;
        if status != ReferralStatus::Sent {
            (r.answered_by, r.answered_at_ms) = (Some("test-user".into()), Some(at(9000)));
        }
        generated.referrals.push(r);
        generated.clocks.push(ClockRecord {
            state: ClockState::Expired,
            fired_at_ms: Some(at(4500)),
            ..response(id, 4500)
        });
    }
    s.insert_generated_referrals(&generated, &AuditActor::cli(at(12_000)))
        .await
        .unwrap();
    let (rows, total) = s.overdue_referrals(10).await.unwrap();
    assert_eq!(
        rows.iter().map(|(r, _)| r.id.as_str()).collect::<Vec<_>>(),
        ["gen-waiting", "first", "second"]
    );
    assert_eq!(total, 3);
    assert_eq!(s.tally_drift().await.unwrap(), []);
    // A mark lost behind the store's back is found, and set again from the clock.
    db.raw
        .execute("UPDATE referrals SET overdue_since_ms = NULL WHERE id = 'first'")
        .await
        .unwrap();
    let drift = s.tally_drift().await.unwrap();
    assert!(
        drift.len() == 1 && drift[0].table == "referrals" && drift[0].kept == 1,
        "{drift:?}"
    );
    s.rebuild_tallies(&AuditActor::cli(at(13_000)))
        .await
        .unwrap();
    assert_eq!(s.tally_drift().await.unwrap(), [], "repaired");
    assert_eq!(s.overdue_referrals(10).await.unwrap().0[1].1, at(5000));
}
