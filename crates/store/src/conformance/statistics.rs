//! Checks of [`crate::StatisticsStore`], on a dataset whose figures are worked out by hand.

use super::*;
use mnir_domain::statistics::{Source, Unit, year_bounds_ms};
use std::collections::BTreeSet;

/// Milliseconds since the epoch of a local time in a zone two hours ahead of UTC (Romania's
/// winter time, the profile's offset).
fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
        - 2 * 3600 * 1000
}

/// A case notified a month before its first step, whose history goes through `steps` (each a
/// state and when it was reached) and ends in the last of them.
fn victim(id: &str, steps: &[(CaseState, i64)]) -> NewCase {
    let notified = steps[0].1 - 30 * 24 * 3600 * 1000;
    let mut case = new_case(id, &format!("S-{id}"), &["ANITP-CJ"], notified);
    for (state, at_ms) in steps {
        case.history.push(HistoryEntry {
            from: case.history.last().map(|h| h.to),
            to: *state,
            actor_user: None,
            actor_org: "ANITP-CJ".into(),
            at_ms: at(*at_ms),
            reason: "step".into(),
        });
    }
    case.state = steps.last().unwrap().0;
    case
}

/// The counts by row and column value, whatever case they belong to.
fn grouped(rows: &[GroupedCount]) -> BTreeSet<(String, String, i64)> {
    let mut sums: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for (row, column, n, _) in rows {
        *sums.entry((row.clone(), column.clone())).or_default() += n;
    }
    sums.into_iter()
        .map(|((row, column), n)| (row, column, n))
        .collect()
}

fn set(items: &[(&str, &str, i64)]) -> BTreeSet<(String, String, i64)> {
    items
        .iter()
        .map(|(a, b, n)| (a.to_string(), b.to_string(), *n))
        .collect()
}

pub async fn victims_are_counted_once_in_the_year_of_their_first_step(db: TestDb) {
    use CaseState::*;
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let (start, end) = year_bounds_ms(2025, &mnir_domain::jurisdiction::Jurisdiction::romania());
    assert_eq!(start, local(2025, 1, 1, 0, 0));

    // Before the year by half an hour, local time (already 2025 nowhere that matters here).
    let mut a = victim("a", &[(PresumedVictim, local(2024, 12, 31, 23, 30))]);
    a.exploitation = Some(Exploitation::Sexual);
    // At the first instant of the year; identified in June.
    let mut b = victim(
        "b",
        &[
            (PresumedVictim, start),
            (IdentifiedVictim, local(2025, 6, 2, 10, 0)),
            (InAssistance, local(2025, 6, 3, 10, 0)),
        ],
    );
    b.age_years = Some(30);
    // Identified only after the year ended: presumed in that year's figures.
    let mut c = victim(
        "c",
        &[
            (PresumedVictim, local(2025, 3, 1, 9, 0)),
            (IdentifiedVictim, local(2026, 2, 1, 9, 0)),
        ],
    );
    c.age_years = Some(15);
    c.age_group = AgeGroup::Child;
    c.citizenship = "DE".into();
    c.exploitation = Some(Exploitation::Sexual);
    // Identified at once, age unknown, found in Bucharest.
    let mut d = victim("d", &[(IdentifiedVictim, local(2025, 5, 5, 12, 0))]);
    d.sex = Sex::Male;
    d.age_years = None;
    d.age_group = AgeGroup::Unknown;
    d.citizenship = "MD".into();
    d.exploitation = Some(Exploitation::Begging);
    d.found_in_county = "RO-B".into();
    // Found not to be a victim after all, and a duplicate record: in no year.
    let e = victim(
        "e",
        &[
            (PresumedVictim, local(2025, 4, 1, 9, 0)),
            (NotAVictim, local(2025, 5, 1, 9, 0)),
        ],
    );
    let f = victim(
        "f",
        &[
            (PresumedVictim, local(2025, 4, 1, 9, 0)),
            (Duplicate, local(2025, 4, 2, 9, 0)),
        ],
    );
    // Never more than a potential victim.
    let g = victim("g", &[(PotentialVictim, local(2025, 4, 1, 9, 0))]);
    // Presumed in 2024 and found not a victim that year, then presumed again in 2025: its first
    // step is in 2024, whose end found it no victim, so it is in neither year's figures.
    let mut h = victim(
        "h",
        &[
            (PresumedVictim, local(2024, 6, 1, 9, 0)),
            (NotAVictim, local(2024, 7, 1, 9, 0)),
            (PotentialVictim, local(2025, 1, 10, 9, 0)),
            (PresumedVictim, local(2025, 2, 10, 9, 0)),
        ],
    );
    h.sex = Sex::Male;
    // In the last minute of the year, local time; no form of exploitation recorded yet.
    let mut i = victim("i", &[(PresumedVictim, end - 60_000)]);
    i.sex = Sex::Other;
    i.age_years = Some(40);
    i.exploitation = None;
    i.found_in_county = "RO-TM".into();
    // Found not to be a victim only after the year ended: that year's figures keep it.
    let mut k = victim(
        "k",
        &[
            (PresumedVictim, local(2024, 3, 1, 9, 0)),
            (NotAVictim, local(2025, 2, 1, 9, 0)),
        ],
    );
    k.sex = Sex::Male;
    k.citizenship = "MD".into();
    let cases = vec![a, b, c, d, e, f, g, h, i, k];
    s.insert_generated_cases(&s.seal_cases(cases), &[], &AuditActor::cli(at(2000)))
        .await
        .unwrap();

    let query = |year: i32, rows: Source, columns: Source, counties: Option<&[&str]>| {
        let (from, to) = year_bounds_ms(year, &mnir_domain::jurisdiction::Jurisdiction::romania());
        CountQuery {
            unit: Unit::Victims,
            from: at(from),
            to: at(to),
            counties: counties.map(|c| c.iter().map(|x| x.to_string()).collect()),
            rows,
            columns,
        }
    };
    let queries = [
        query(2025, Source::Sex, Source::AgeGroup, None),
        query(2025, Source::Status, Source::County, None),
        query(2025, Source::Age, Source::Exploitation, None),
        query(2024, Source::Sex, Source::Citizenship, None),
        query(2025, Source::Sex, Source::Status, Some(&["RO-CJ", "RO-TM"])),
        query(2025, Source::Sex, Source::Status, Some(&[])),
        query(2023, Source::Sex, Source::AgeGroup, None),
    ];
    let by = AuditActor::cli(at(3000));
    let answers = s
        .count_grouped(&queries, &by, "table=test year=2025")
        .await
        .unwrap();
    assert_eq!(answers.len(), queries.len());
    assert_eq!(
        grouped(&answers[0]),
        set(&[
            ("female", "adult", 1),
            ("female", "child", 1),
            ("male", "unknown", 1),
            ("other", "adult", 1),
        ])
    );
    assert_eq!(
        grouped(&answers[1]),
        set(&[
            ("identified", "RO-CJ", 1),
            ("presumed", "RO-CJ", 1),
            ("identified", "RO-B", 1),
            ("presumed", "RO-TM", 1),
        ])
    );
    assert_eq!(
        grouped(&answers[2]),
        set(&[
            ("adult:30", "labour", 1),
            ("child:15", "sexual", 1),
            ("unknown:", "begging", 1),
            ("adult:40", "", 1),
        ])
    );
    assert_eq!(
        grouped(&answers[3]),
        set(&[("female", "RO", 1), ("male", "MD", 1)])
    );
    assert_eq!(
        grouped(&answers[4]),
        set(&[
            ("female", "identified", 1),
            ("female", "presumed", 1),
            ("other", "presumed", 1),
        ])
    );
    assert!(answers[5].is_empty());
    assert!(answers[6].is_empty());

    // Two victims of one kind are one row with their number.
    let mut j = victim("j", &[(PresumedVictim, local(2025, 8, 1, 9, 0))]);
    j.sex = Sex::Male;
    j.age_years = None;
    j.age_group = AgeGroup::Unknown;
    s.insert_generated_cases(&s.seal_cases(vec![j]), &[], &AuditActor::cli(at(4000)))
        .await
        .unwrap();
    let again = s
        .count_grouped(&queries[..1], &by, "table=test year=2025")
        .await
        .unwrap();
    assert!(grouped(&again[0]).contains(&("male".into(), "unknown".into(), 2)));

    // Each look is in the audit log, with what was asked.
    let latest = s.recent_audit(1).await.unwrap();
    assert_eq!(latest[0].action, "statistics.read");
    assert!(latest[0].detail.ends_with("table=test year=2025"));
}

/// The victim profile's dimensions read each field's first value, and a victim without a
/// profile as empty: every victim counted once.
pub async fn victims_are_counted_by_the_first_values_of_their_profile(db: TestDb) {
    use CaseState::*;
    use mnir_domain::victim::{ProfileField, VictimProfile};
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let year = |m| local(2025, m, 1, 9, 0);
    let cases = vec![
        victim("p1", &[(PresumedVictim, year(3))]),
        victim("p2", &[(IdentifiedVictim, year(4))]),
        victim("p3", &[(PresumedVictim, year(5))]),
    ];
    s.insert_generated_cases(&s.seal_cases(cases), &[], &AuditActor::cli(at(2000)))
        .await
        .unwrap();
    let record = |case_id: &str, pairs: &[(ProfileField, &[&str])]| VictimProfileRecord {
        case_id: case_id.into(),
        profile: VictimProfile {
            values: pairs
                .iter()
                .map(|(f, v)| (*f, v.iter().map(|s| s.to_string()).collect()))
                .collect(),
            age_when_trafficked: None,
        },
        org_code: "ANITP-CJ".into(),
        recorded_by: "u1".into(),
        updated_at_ms: at(2500),
    };
    s.insert_generated_profiles(
        &[
            record(
                "p1",
                &[
                    (ProfileField::RecruitmentPlace, &["RO-VS"]),
                    (ProfileField::ExploitationPlace, &["IT"]),
                    (ProfileField::Settlement, &["rural"]),
                    (
                        ProfileField::RecruitmentMethods,
                        &["ThroughOnlineSocialNetworks", "ThroughFamilyOrFamilyEvents"],
                    ),
                    (ProfileField::RelationshipToTrafficker, &["Acquainted"]),
                    (ProfileField::Education, &["LowerSecondaryEducation"]),
                ],
            ),
            record(
                "p2",
                &[
                    (ProfileField::ExploitationPlace, &["RO-B"]),
                    (ProfileField::Settlement, &["urban"]),
                ],
            ),
        ],
        &AuditActor::cli(at(2600)),
    )
    .await
    .unwrap();
    let (from, to) = year_bounds_ms(2025, &mnir_domain::jurisdiction::Jurisdiction::romania());
    let query = |rows: Source, columns: Source| CountQuery {
        unit: Unit::Victims,
        from: at(from),
        to: at(to),
        counties: None,
        rows,
        columns,
    };
    let answers = s
        .count_grouped(
            &[
                query(Source::Places, Source::Settlement),
                query(Source::RecruitmentMethod, Source::Education),
                query(Source::Relationship, Source::RecruitmentPlace),
                query(Source::ExploitationPlace, Source::Sex),
            ],
            &AuditActor::cli(at(3000)),
            "table=test year=2025",
        )
        .await
        .unwrap();
    assert_eq!(
        grouped(&answers[0]),
        set(&[
            ("RO-VS>IT", "rural", 1),
            (">RO-B", "urban", 1),
            (">", "", 1)
        ])
    );
    assert_eq!(
        grouped(&answers[1]),
        set(&[
            ("ThroughOnlineSocialNetworks", "LowerSecondaryEducation", 1),
            ("", "", 2),
        ])
    );
    assert_eq!(
        grouped(&answers[2]),
        set(&[("Acquainted", "RO-VS", 1), ("", "", 2)])
    );
    assert_eq!(
        grouped(&answers[3]),
        set(&[
            ("IT", "female", 1),
            ("RO-B", "female", 1),
            ("", "female", 1)
        ])
    );
}

/// Referrals are counted in the year they were sent, by the answer they had by its end (in time
/// by their response clock's due time); reflection periods in the year they were offered, by
/// what had become of them by its end. Stored by the bulk path of `mnir generate`, which keeps
/// each record as given.
pub async fn referrals_and_reflection_periods_are_counted_in_the_year_they_began(db: TestDb) {
    use mnir_domain::clocks::ClockKind;
    use mnir_domain::referral::ReferralStatus;
    use mnir_domain::reflection::ReflectionOutcome;
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let ro = mnir_domain::jurisdiction::Jurisdiction::romania();
    let (from, to) = year_bounds_ms(2025, &ro);
    let hour = 3_600_000;
    let mut case = victim(
        "r",
        &[(CaseState::PresumedVictim, local(2024, 12, 1, 9, 0))],
    );
    case.citizenship = "MD".into();
    s.insert_generated_cases(
        &s.seal_cases(vec![case.clone()]),
        &[],
        &AuditActor::cli(at(1000)),
    )
    .await
    .unwrap();

    let mut generated = GeneratedReferrals::default();
    // (id, service, urgent, sent, answered after hours, declined)
    type Sent<'a> = (&'a str, &'a str, bool, i64, Option<i64>, bool);
    let referrals: &[Sent<'_>] = &[
        // Sent half an hour before 2025 (local time): 2024's.
        (
            "r0",
            "accommodation",
            false,
            local(2024, 12, 31, 23, 30),
            Some(2),
            false,
        ),
        (
            "r1",
            "accommodation",
            false,
            local(2025, 1, 1, 0, 0),
            Some(10),
            false,
        ),
        // Answered after 80 hours: the 72-hour clock had run out.
        (
            "r2",
            "accommodation",
            false,
            local(2025, 3, 1, 9, 0),
            Some(80),
            false,
        ),
        // Urgent (24 hours), declined after 30.
        (
            "r3",
            "investigation",
            true,
            local(2025, 5, 1, 9, 0),
            Some(30),
            true,
        ),
        (
            "r4",
            "investigation",
            false,
            local(2025, 6, 1, 9, 0),
            Some(5),
            true,
        ),
        // Sent in the last hour of 2025, answered in 2026: not answered by the year's end.
        (
            "r5",
            "psychological",
            false,
            local(2025, 12, 31, 23, 0),
            Some(3),
            false,
        ),
        (
            "r6",
            "psychological",
            false,
            local(2025, 11, 1, 9, 0),
            None,
            false,
        ),
    ];
    for (id, service, urgent, sent, answered_after, declined) in referrals {
        let answered = answered_after.map(|h| at(sent + h * hour));
        let clock = ClockRecord::start(
            &ro,
            format!("{id}-clock"),
            ClockKind::ReferralResponse,
            &case.id,
            "ANITP-CJ",
            at(*sent),
            *urgent,
        )
        .unwrap();
        generated.clocks.push(ClockRecord {
            referral_id: Some(id.to_string()),
            state: if answered.is_some() {
                ClockState::Stopped
            } else {
                ClockState::Running
            },
            stopped_at_ms: answered,
            ..clock
        });
        generated.referrals.push(ReferralRecord {
            id: id.to_string(),
            case_id: case.id.clone(),
            case_reference: case.reference.clone(),
            from_org: "ANITP-CJ".into(),
            to_org: if *service == "investigation" {
                "IGPR".into()
            } else {
                "DGASPC-CJ".into()
            },
            service: service.to_string(),
            urgent: *urgent,
            status: match (answered, declined) {
                (None, _) => ReferralStatus::Sent,
                (Some(_), false) => ReferralStatus::Accepted,
                (Some(_), true) => ReferralStatus::Declined,
            },
            sent_by: String::new(),
            sent_at_ms: at(*sent),
            answered_by: answered.map(|_| String::new()),
            answered_at_ms: answered,
            decline_reason: declined.then(|| "Nu mai sunt locuri.".to_string()),
        });
    }
    // A referral cancelled before an answer (its consent withdrawn), and one answered whose
    // response clock is missing (stored before clocks were linked): not answered, and in time.
    for (id, status, answered) in [
        ("r7", ReferralStatus::Cancelled, local(2025, 7, 2, 9, 0)),
        ("r8", ReferralStatus::Accepted, local(2025, 7, 10, 9, 0)),
    ] {
        generated.referrals.push(ReferralRecord {
            id: id.to_string(),
            case_id: case.id.clone(),
            case_reference: case.reference.clone(),
            from_org: "ANITP-CJ".into(),
            to_org: "DGASPC-CJ".into(),
            service: "social".into(),
            urgent: false,
            status,
            sent_by: String::new(),
            sent_at_ms: at(local(2025, 7, 1, 9, 0)),
            answered_by: Some(String::new()),
            answered_at_ms: Some(at(answered)),
            decline_reason: None,
        });
    }
    // (id, offered, accepted, ended, outcome, clock expired); each offer is another person's,
    // as one case has one period at a time.
    type Offer<'a> = (
        &'a str,
        i64,
        bool,
        Option<i64>,
        Option<ReflectionOutcome>,
        bool,
    );
    let offers: &[Offer<'_>] = &[
        ("f0", local(2024, 12, 20, 9, 0), true, None, None, true),
        ("f1", local(2025, 1, 10, 9, 0), false, None, None, false),
        // Ended with a residence right in March.
        (
            "f2",
            local(2025, 2, 1, 9, 0),
            true,
            Some(local(2025, 3, 1, 9, 0)),
            Some(ReflectionOutcome::Residence),
            false,
        ),
        // Ran its 90 days out in 2025.
        ("f3", local(2025, 4, 1, 9, 0), true, None, None, true),
        // Ended in January 2026 with a return: at 2025's end it ran.
        (
            "f4",
            local(2025, 12, 1, 9, 0),
            true,
            Some(local(2026, 1, 5, 9, 0)),
            Some(ReflectionOutcome::Return),
            false,
        ),
        // Stopped in July, with no outcome: the case was closed.
        (
            "f5",
            local(2025, 6, 1, 9, 0),
            true,
            Some(local(2025, 7, 1, 9, 0)),
            None,
            false,
        ),
    ];
    let mut owners = Vec::new();
    for (id, offered, accepted, ended, outcome, expired) in offers {
        let mut owner = victim(
            &format!("p-{id}"),
            &[(CaseState::PresumedVictim, local(2024, 12, 1, 9, 0))],
        );
        owner.citizenship = if *id == "f3" { "DE" } else { "MD" }.into();
        owners.push(owner.clone());
        let clock = accepted.then(|| {
            let c = ClockRecord::start(
                &ro,
                format!("{id}-clock"),
                ClockKind::ReflectionPeriod,
                &owner.id,
                "ANITP-CJ",
                at(*offered),
                false,
            )
            .unwrap();
            let (state, stopped, fired) = match (ended, expired) {
                (Some(e), _) => (ClockState::Stopped, Some(at(*e)), None),
                (None, true) => (ClockState::Expired, None, c.due_at_ms),
                (None, false) => (ClockState::Running, None, None),
            };
            ClockRecord {
                state,
                stopped_at_ms: stopped,
                fired_at_ms: fired,
                ..c
            }
        });
        generated.reflections.push(ReflectionRecord {
            id: id.to_string(),
            case_id: owner.id.clone(),
            offered_at_ms: at(*offered),
            accepted: *accepted,
            language: "ro".into(),
            org_code: "ANITP-CJ".into(),
            offered_by: String::new(),
            clock_id: clock.as_ref().map(|c| c.id.clone()),
            // An end without an outcome is the case's: it stopped the clock, not the period.
            ended_at_ms: outcome.and(ended.map(at)),
            outcome: *outcome,
            end_reason: outcome.map(|_| "Motiv.".to_string()),
        });
        generated.clocks.extend(clock);
    }
    s.insert_generated_cases(&s.seal_cases(owners), &[], &AuditActor::cli(at(1500)))
        .await
        .unwrap();
    s.insert_generated_referrals(&generated, &AuditActor::cli(at(2000)))
        .await
        .unwrap();

    // Kept as given, the reasons readable again.
    let kept = s.referrals_of(&case.id).await.unwrap();
    assert_eq!(kept.len(), referrals.len() + 2);
    let r3 = kept.iter().find(|r| r.id == "r3").unwrap();
    assert_eq!(r3.status, ReferralStatus::Declined);
    assert_eq!(r3.decline_reason.as_deref(), Some("Nu mai sunt locuri."));
    let periods = s.reflections_of("p-f2").await.unwrap();
    assert_eq!(periods.len(), 1);
    let f2 = &periods[0];
    assert_eq!(f2.outcome, Some(ReflectionOutcome::Residence));
    assert_eq!(f2.end_reason.as_deref(), Some("Motiv."));
    let latest = s.recent_audit(1).await.unwrap();
    assert_eq!(latest[0].action, "referral.generate");

    let query = |unit: Unit, rows: Source, columns: Source| CountQuery {
        unit,
        from: at(from),
        to: at(to),
        counties: None,
        rows,
        columns,
    };
    let queries = [
        query(Unit::Referrals, Source::ReferralAnswer, Source::Service),
        query(
            Unit::ReflectionPeriods,
            Source::ReflectionOutcome,
            Source::Citizenship,
        ),
        query(Unit::Referrals, Source::Service, Source::Sex),
    ];
    let answers = s
        .count_grouped(&queries, &AuditActor::cli(at(3000)), "table=test year=2025")
        .await
        .unwrap();
    assert_eq!(
        grouped(&answers[0]),
        set(&[
            ("accepted:in_time:10", "accommodation", 1),
            ("accepted:late:80", "accommodation", 1),
            ("declined:late:30", "investigation", 1),
            ("declined:in_time:5", "investigation", 1),
            ("not_answered", "psychological", 2),
            ("not_answered", "social", 1),
            ("accepted:in_time:216", "social", 1),
        ])
    );
    // Records, not people: each group names its case, so that the people behind a figure can
    // be counted; victims are people, and name none.
    assert!(
        answers[0]
            .iter()
            .all(|(_, _, _, owner)| owner.as_deref() == Some(case.id.as_str())),
        "{:?}",
        answers[0]
    );
    let victims = s
        .count_grouped(
            &[CountQuery {
                unit: Unit::Victims,
                // 2024, when the seven people became presumed victims.
                from: at(year_bounds_ms(2024, &ro).0),
                to: at(from),
                ..query(Unit::Referrals, Source::Sex, Source::Sex)
            }],
            &AuditActor::cli(at(3000)),
            "table=test year=2025",
        )
        .await
        .unwrap();
    assert_eq!(
        victims[0],
        vec![("female".to_string(), "female".to_string(), 7, None)]
    );
    assert_eq!(
        grouped(&answers[1]),
        set(&[
            ("declined", "MD", 1),
            ("residence", "MD", 1),
            ("term_ended", "DE", 1),
            ("running", "MD", 1),
            ("stopped", "MD", 1),
        ])
    );
    assert_eq!(
        grouped(&answers[2]),
        set(&[
            ("accommodation", "female", 2),
            ("investigation", "female", 2),
            ("psychological", "female", 2),
            ("social", "female", 2),
        ])
    );
}
