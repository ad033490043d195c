//! Checks of [`crate::TrainingStore`].

use super::*;
use mnir_domain::training::{Audience, ProfessionalCategory, TraineeDecision};

const PARTICIPANT_NAME: &str = "Zmeurescu-Vlădoianu Ilinca";

pub(super) fn session(
    id: &str,
    day: &str,
    city: &str,
    audience: Audience,
) -> TrainingSessionRecord {
    TrainingSessionRecord {
        id: id.into(),
        held_on: mnir_domain::parse_iso_date(day).unwrap(),
        city: city.into(),
        county: "RO-CJ".into(),
        audience,
        curriculum_version: "2019".into(),
        trainers: vec!["Trainer Unu".into(), "Trainer Doi".into()],
        modules: vec!["mechanism".into(), "indicators".into()],
        org_code: "ANITP-B".into(),
        recorded_by: None,
        recorded_at_ms: at(1000),
        participants: 0,
    }
}

/// The screener of ANITP-CJ who attends the sessions.
pub(super) async fn trainee(s: &dyn Store) -> User {
    s.create_user(
        &NewUser {
            login: "trainee".into(),
            org_code: "ANITP-CJ".into(),
            roles: RoleSet::new(vec![mnir_domain::Role::Screener]),
            password_hash: "x".into(),
            now_ms: at(10),
        },
        &actor(10),
    )
    .await
    .unwrap()
}

fn certificate(id: &str, user_id: &str, participant: &str, issued: &str) -> CertificateRecord {
    let issued_on = mnir_domain::parse_iso_date(issued).unwrap();
    CertificateRecord {
        id: id.into(),
        number: String::new(),
        user_id: user_id.into(),
        holder_name: PARTICIPANT_NAME.into(),
        org_code: "ANITP-CJ".into(),
        audience: Audience::NationalVictims,
        participant_id: participant.into(),
        issued_on,
        last_valid_day: issued_on + chrono::Days::new(1000),
        ends_at_ms: at(1_000_000),
        issued_at_ms: at(5000),
        verification_code: format!("CODE-{id}"),
        revoked_at_ms: None,
        revoked_by: None,
        revoke_reason: None,
    }
}

pub async fn training_sessions_page_by_day_and_certificates_number_by_year(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let user = trainee(s).await;
    let participant = ParticipantRecord {
        id: "p1".into(),
        session_id: "s2".into(),
        user_id: Some(user.id.clone()),
        name: PARTICIPANT_NAME.into(),
        org_code: Some("ANITP-CJ".into()),
        org_name: None,
        category: ProfessionalCategory::PolicePublicOrder,
        attended: false,
        modules: vec!["mechanism".into()],
        recorded_by: None,
        recorded_at_ms: at(1000),
    };
    s.record_sessions(
        &[
            (
                session("s1", "2019-01-10", "Iași", Audience::NationalVictims),
                Vec::new(),
            ),
            (
                session("s2", "2019-02-13", "Timișoara", Audience::ForeignVictims),
                vec![participant.clone()],
            ),
            (
                session("s3", "2019-02-13", "Iași", Audience::NationalVictims),
                Vec::new(),
            ),
        ],
        &actor(1000),
    )
    .await
    .unwrap();
    // Newest first; a day shared by two sessions is ordered by id, and a page resumes after
    // the last one's place without skipping or repeating.
    let first = s
        .training_sessions(&TrainingSessionFilter {
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    let ids: Vec<&str> = first.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["s3", "s2"]);
    assert_eq!(first[1].participants, 1);
    assert_eq!(first[1].trainers, ["Trainer Unu", "Trainer Doi"]);
    let rest = s
        .training_sessions(&TrainingSessionFilter {
            before: Some((first[1].held_on, first[1].id.clone())),
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        ["s1"]
    );
    let filtered = s
        .training_sessions(&TrainingSessionFilter {
            city: Some("Iași".into()),
            category: None,
            from: mnir_domain::parse_iso_date("2019-02-01"),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        filtered.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        ["s3"]
    );
    let by_category = s
        .training_sessions(&TrainingSessionFilter {
            category: Some(ProfessionalCategory::PolicePublicOrder),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        by_category
            .iter()
            .map(|x| x.id.as_str())
            .collect::<Vec<_>>(),
        ["s2"]
    );

    // Attendance is recorded on the session's own participant only.
    assert!(matches!(
        s.set_attendance("s1", "p1", true, &[], &actor(1100)).await,
        Err(StoreError::NotFound)
    ));
    s.set_attendance("s2", "p1", true, &["indicators".into()], &actor(1100))
        .await
        .unwrap();
    let mine = s.participations_of(&user.id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].0.attended);
    assert_eq!(mine[0].0.modules, ["indicators"]);
    assert_eq!(mine[0].0.name, PARTICIPANT_NAME);
    assert_eq!(mine[0].1, Audience::ForeignVictims);

    let attempt = AttemptRecord {
        id: "a1".into(),
        user_id: user.id.clone(),
        vignette_version: "2026-1".into(),
        vignette_code: "V01".into(),
        present: vec!["DR01".into(), "EX01".into()],
        act: None,
        decision: TraineeDecision::PresumedVictim,
        score: 0.75,
        decision_correct: true,
        at_ms: at(2000),
    };
    s.record_attempt(&attempt, &actor(2000)).await.unwrap();
    assert_eq!(
        s.attempts_of(&user.id).await.unwrap(),
        vec![attempt.clone()]
    );
    assert_eq!(s.attempt("a1").await.unwrap(), Some(attempt.clone()));
    // The first try at each vignette counts, however many tries follow; a bound only counts
    // what came after it.
    for (id, code, at_ms) in [
        ("a2", "V01", 2100),
        ("a3", "V02", 2200),
        ("a4", "V02", 2300),
    ] {
        let later = AttemptRecord {
            id: id.into(),
            vignette_code: code.into(),
            score: 1.0,
            at_ms: at(at_ms),
            ..attempt.clone()
        };
        s.record_attempt(&later, &actor(at_ms)).await.unwrap();
    }
    let firsts: Vec<String> = s
        .first_tries(&user.id, None)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(firsts, ["a1", "a3"]);
    let since: Vec<String> = s
        .first_tries(&user.id, Some(at(2000)))
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(since, ["a2", "a3"]);

    // Numbers run by year; a second valid certificate of the same course is refused.
    let number = s
        .issue_certificate(
            &certificate("c1", &user.id, "p1", "2026-03-01"),
            &actor(5000),
        )
        .await
        .unwrap();
    assert_eq!(number, "2026-000001");
    assert!(matches!(
        s.issue_certificate(
            &certificate("c2", &user.id, "p1", "2026-04-01"),
            &actor(5000)
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let found = s.certificate_by_code("CODE-c1").await.unwrap().unwrap();
    assert_eq!(found.number, "2026-000001");
    assert_eq!(found.holder_name, PARTICIPANT_NAME);
    let trainer = AuditActor {
        user_id: Some(user.id.clone()),
        ..actor(6000)
    };
    s.revoke_certificate("c1", "Obtained by fraud", &trainer)
        .await
        .unwrap();
    assert!(matches!(
        s.revoke_certificate("c1", "again", &actor(6001)).await,
        Err(StoreError::NotFound)
    ));
    let revoked = s.certificate("c1").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at_ms, Some(at(6000)));
    assert_eq!(revoked.revoked_by.as_deref(), Some(user.id.as_str()));
    assert_eq!(revoked.revoke_reason.as_deref(), Some("Obtained by fraud"));
    // Revoked, the course may be certified again, with the year's next number.
    let number = s
        .issue_certificate(
            &certificate("c3", &user.id, "p1", "2026-04-01"),
            &actor(7000),
        )
        .await
        .unwrap();
    assert_eq!(number, "2026-000002");
    let listed = s
        .certificates(&CertificateFilter {
            user_id: Some(user.id.clone()),
            before: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);

    // Names are sealed: neither the participant's nor the trainers' appear in the files.
    let dump = db.raw.dump().await;
    let text = String::from_utf8_lossy(&dump);
    assert!(!text.contains("Zmeurescu"), "a participant's name in clear");
    assert!(!text.contains("Trainer Unu"), "a trainer's name in clear");
    assert!(!text.contains("Obtained by fraud"), "a reason in clear");
}

pub async fn a_certificate_nearing_its_end_raises_one_task_closed_once(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let user = trainee(s).await;
    let participant = ParticipantRecord {
        id: "p1".into(),
        session_id: "s1".into(),
        user_id: Some(user.id.clone()),
        name: PARTICIPANT_NAME.into(),
        org_code: Some("ANITP-CJ".into()),
        org_name: None,
        category: ProfessionalCategory::PolicePublicOrder,
        attended: true,
        modules: vec!["mechanism".into()],
        recorded_by: None,
        recorded_at_ms: at(1000),
    };
    s.record_sessions(
        &[(
            session("s1", "2026-02-10", "Iași", Audience::NationalVictims),
            vec![participant],
        )],
        &actor(1000),
    )
    .await
    .unwrap();
    let first = certificate("c1", &user.id, "p1", "2026-03-01");
    let last_day = first.last_valid_day;
    s.issue_certificate(&first, &actor(5000)).await.unwrap();
    let day = |offset: i64| last_day + chrono::Duration::days(offset);

    // Outside the window nothing is raised; inside it, one task, once.
    assert_eq!(
        s.raise_certificate_notices(day(-60), day(-31), &actor(6000))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        s.raise_certificate_notices(day(-30), day(0), &actor(6000))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.raise_certificate_notices(day(-30), day(0), &actor(6001))
            .await
            .unwrap(),
        0
    );
    // A holder whose account is disabled takes the task away; enabled again, it comes back.
    s.set_user_active(&user.id, false, &actor(6002))
        .await
        .unwrap();
    assert_eq!(
        s.raise_certificate_notices(day(-30), day(0), &actor(6003))
            .await
            .unwrap(),
        0
    );
    assert!(s.certificate_notices("ANITP-CJ").await.unwrap().is_empty());
    s.set_user_active(&user.id, true, &actor(6004))
        .await
        .unwrap();
    assert_eq!(
        s.raise_certificate_notices(day(-30), day(0), &actor(6000))
            .await
            .unwrap(),
        1
    );
    let notices = s.certificate_notices("ANITP-CJ").await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].certificate.id, "c1");
    assert_eq!(notices[0].certificate.holder_name, PARTICIPANT_NAME);
    assert_eq!(notices[0].raised_at_ms, at(6000));
    assert!(s.certificate_notices("ANITP-B").await.unwrap().is_empty());
    // The inbox reads the same in its one snapshot.
    let asked = StaffTasksRead {
        glass_reviews: false,
        certificate_notices: true,
    };
    let in_inbox = staff_tasks_in_inbox(s, "ANITP-CJ", asked).await;
    assert_eq!(in_inbox.certificate_notices.as_ref(), Some(&notices));
    assert_eq!(in_inbox.glass_reviews, None);
    assert_eq!(
        staff_tasks_in_inbox(s, "ANITP-B", asked)
            .await
            .certificate_notices,
        Some(Vec::new())
    );
    // Another organisation cannot close it.
    assert!(matches!(
        s.close_certificate_notice(&notices[0].task_id, "ANITP-B", &actor(6100))
            .await,
        Err(StoreError::NotFound)
    ));

    // A new certificate of the course, after the first one's last day, closes the task.
    let mut renewed = certificate("c2", &user.id, "p1", "2026-03-01");
    renewed.issued_on = day(1);
    renewed.last_valid_day = day(1000);
    renewed.verification_code = "CODE-c2".into();
    s.issue_certificate(&renewed, &actor(7000)).await.unwrap();
    assert!(s.certificate_notices("ANITP-CJ").await.unwrap().is_empty());
    assert!(matches!(
        s.close_certificate_notice(&notices[0].task_id, "ANITP-CJ", &actor(7100))
            .await,
        Err(StoreError::NotFound)
    ));
    // The renewed certificate nearing its own end gets its own task; a supervisor closes it
    // once.
    let later = |offset: i64| renewed.last_valid_day + chrono::Duration::days(offset);
    assert_eq!(
        s.raise_certificate_notices(later(-30), later(0), &actor(8000))
            .await
            .unwrap(),
        1
    );
    let open = s.certificate_notices("ANITP-CJ").await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].certificate.id, "c2");
    let supervisor = AuditActor {
        user_id: Some(user.id.clone()),
        ..actor(8100)
    };
    s.close_certificate_notice(&open[0].task_id, "ANITP-CJ", &supervisor)
        .await
        .unwrap();
    assert!(matches!(
        s.close_certificate_notice(&open[0].task_id, "ANITP-CJ", &actor(8200))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(s.certificate_notices("ANITP-CJ").await.unwrap().is_empty());
    let audit = s.recent_audit(20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "certificate.notice.close" && e.target.contains(&open[0].task_id))
    );
}

pub async fn training_data_versions_are_kept_and_one_is_active(db: TestDb) {
    let s = db.store.as_ref();
    for (i, version) in ["v1", "v2"].iter().enumerate() {
        s.import_training_data(
            TrainingData::Vignettes,
            &DataVersionRecord {
                version: version.to_string(),
                item_count: 3,
                catalogue_version: Some("ilo-ec-2009".into()),
                imported_at_ms: at(100 + i as i64),
                imported_by: None,
                active: false,
            },
            &format!("version = \"{version}\""),
            &actor(100),
        )
        .await
        .unwrap();
    }
    assert!(matches!(
        s.import_training_data(
            TrainingData::Vignettes,
            &DataVersionRecord {
                version: "v1".into(),
                item_count: 1,
                catalogue_version: None,
                imported_at_ms: at(200),
                imported_by: None,
                active: false,
            },
            "",
            &actor(200),
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    s.activate_training_data(TrainingData::Vignettes, Some("v1"), &actor(300))
        .await
        .unwrap();
    let versions = s.training_data(TrainingData::Vignettes).await.unwrap();
    let active: Vec<&str> = versions
        .iter()
        .filter(|v| v.active)
        .map(|v| v.version.as_str())
        .collect();
    assert_eq!(active, ["v1"]);
    assert_eq!(
        s.training_data_source(TrainingData::Vignettes, "v2")
            .await
            .unwrap()
            .as_deref(),
        Some("version = \"v2\"")
    );
    assert!(matches!(
        s.activate_training_data(TrainingData::Curriculum, Some("v1"), &actor(400))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        s.training_data(TrainingData::Curriculum)
            .await
            .unwrap()
            .is_empty()
    );
    // Back to the built-in version: none imported is in use.
    s.activate_training_data(TrainingData::Vignettes, None, &actor(500))
        .await
        .unwrap();
    let versions = s.training_data(TrainingData::Vignettes).await.unwrap();
    assert!(versions.iter().all(|v| !v.active));
}
