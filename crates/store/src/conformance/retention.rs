//! Checks of [`crate::RetentionStore`]: holds stop erasure, erasure destroys the case's key and
//! blanks its texts, requests are answered under the holds, and the records due are purged.

use super::*;
use mnir_domain::retention::{Cutoffs, ErasureAnswer, ErasureBasis, HoldReason};
use mnir_domain::training::{Audience, ProfessionalCategory};

/// Cutoffs that bring due a case closed before `closed` and a not-a-victim one before
/// `not_a_victim`; nothing else.
fn cutoffs(closed: i64, not_a_victim: i64) -> Cutoffs {
    Cutoffs {
        closed_case_ms: closed,
        not_a_victim_ms: not_a_victim,
        session_ms: 0,
        api_token_ms: 0,
        training_before: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
    }
}

async fn case_moved_to(s: &dyn Store, id: &str, reference: &str, to: CaseState, at_ms: i64) {
    s.create_case(
        &new_case(id, reference, &["ANITP-CJ", "IGPR"], 100),
        &[],
        &actor(100),
    )
    .await
    .unwrap();
    if to != CaseState::Notified {
        let t = Transition {
            case_id: id.into(),
            from: CaseState::Notified,
            to,
            reason: format!("{SENTINEL_FAMILY_NAME} moved"),
        };
        s.change_case(&step(&t), &actor(at_ms)).await.unwrap();
    }
}

fn hold(id: &str, case_id: &str, reason: HoldReason, at_ms: i64) -> LegalHoldRecord {
    LegalHoldRecord {
        id: id.into(),
        case_id: case_id.into(),
        reason,
        note: "Dosar 123/P/2026, Parchetul de pe lângă Tribunalul Cluj".into(),
        placed_by: None,
        placed_org: "ANITP-CJ".into(),
        placed_at_ms: at(at_ms),
        lifted_by: None,
        lifted_at_ms: None,
        lift_note: None,
    }
}

async fn identity(s: &dyn Store, id: &str) -> CaseDetail {
    s.case_detail(
        id,
        &scope_org("ANITP-CJ"),
        Reveal {
            identity: true,
            notes: true,
        },
        &actor(9000),
    )
    .await
    .unwrap()
    .unwrap()
}

/// The supervisor who places and lifts holds: the store records who by their account.
pub(super) async fn keeper(s: &dyn Store) -> String {
    s.create_user(
        &NewUser {
            login: "keeper".into(),
            org_code: "ANITP-CJ".into(),
            roles: RoleSet::new(vec![mnir_domain::Role::Supervisor]),
            password_hash: "x".into(),
            now_ms: at(10),
        },
        &actor(10),
    )
    .await
    .unwrap()
    .id
}

pub(super) fn by(user_id: &str, now_ms: i64) -> AuditActor {
    AuditActor {
        user_id: Some(user_id.into()),
        ..actor(now_ms)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

pub async fn a_hold_stops_erasure_and_erasure_destroys_the_cases_key(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let k = keeper(s).await;
    case_moved_to(s, "c1", "MNIR-2020-000001", CaseState::Closed, 200).await;
    case_moved_to(s, "c2", "MNIR-2020-000002", CaseState::NotAVictim, 200).await;
    case_moved_to(s, "c3", "MNIR-2020-000003", CaseState::Closed, 500).await;
    case_moved_to(s, "c4", "MNIR-2020-000004", CaseState::InAssistance, 200).await;
    // Closed before 300 and not a victim before 150: the first case only.
    let due_now = cutoffs(300, 150);
    let due = s.retention_due(&due_now).await.unwrap();
    assert_eq!((due.closed_cases, due.not_a_victim, due.held), (1, 0, 0));
    let ids = |cases: Vec<DueCase>| cases.into_iter().map(|c| c.case_id).collect::<Vec<_>>();
    assert_eq!(ids(s.due_cases(&due_now, 10).await.unwrap()), ["c1"]);
    // A later look brings the others due, oldest first; the case still worked never.
    assert_eq!(
        ids(s.due_cases(&cutoffs(600, 600), 10).await.unwrap()),
        ["c1", "c2", "c3"]
    );

    // A hold keeps the case, whatever its schedule.
    s.place_legal_hold(
        &hold("h1", "c1", HoldReason::CriminalProceedings, 400),
        &by(&k, 400),
    )
    .await
    .unwrap();
    let due = s.retention_due(&due_now).await.unwrap();
    assert_eq!((due.closed_cases, due.held), (0, 1));
    assert!(s.due_cases(&due_now, 10).await.unwrap().is_empty());
    assert!(
        !s.erase_due_case("c1", &due_now, &by(&k, 410))
            .await
            .unwrap()
    );
    let holds = s.legal_holds_of("c1").await.unwrap();
    assert_eq!(holds.len(), 1);
    assert!(holds[0].in_force());
    assert!(holds[0].note.starts_with("Dosar 123/P/2026"));
    assert!(matches!(
        s.lift_legal_hold("c1", "nope", "x", &by(&k, 420)).await,
        Err(StoreError::NotFound)
    ));
    s.lift_legal_hold("c1", "h1", "Proceedings closed", &by(&k, 430))
        .await
        .unwrap();
    assert!(matches!(
        s.lift_legal_hold("c1", "h1", "again", &by(&k, 440)).await,
        Err(StoreError::NotFound)
    ));
    let lifted = &s.legal_holds_of("c1").await.unwrap()[0];
    assert_eq!(
        (lifted.lifted_at_ms, lifted.lift_note.as_deref()),
        (Some(at(430)), Some("Proceedings closed"))
    );

    // Before the erasure the name reads back; its ciphertext and the case's key are stored.
    let before = identity(s, "c1").await;
    assert_eq!(
        before.summary.family_name.as_deref(),
        Some(SENTINEL_FAMILY_NAME)
    );
    let key = db
        .raw
        .blob("SELECT wrapped FROM case_keys WHERE case_id = 'c1'")
        .await
        .expect("the case has a key");
    let sealed_name = db
        .raw
        .blob("SELECT family_name FROM cases WHERE id = 'c1'")
        .await
        .unwrap();
    assert!(mnir_crypto::is_case_sealed(&sealed_name));

    assert!(
        s.erase_due_case("c1", &due_now, &by(&k, 500))
            .await
            .unwrap()
    );
    s.scrub_after_erasure().await.unwrap();
    // A step taken by someone who read the case before the erasure is refused as erased.
    let reopen = Transition {
        case_id: "c1".into(),
        from: CaseState::Closed,
        to: CaseState::InAssistance,
        reason: "Persoana a revenit".into(),
    };
    assert!(matches!(
        s.change_case(&step(&reopen), &by(&k, 505)).await,
        Err(StoreError::Erased)
    ));
    // Once erased, never again; and no hold is placed on what is gone.
    assert!(
        !s.erase_due_case("c1", &due_now, &by(&k, 510))
            .await
            .unwrap()
    );
    assert!(matches!(
        s.place_legal_hold(&hold("h2", "c1", HoldReason::Complaint, 520), &by(&k, 520))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let after = identity(s, "c1").await;
    assert_eq!(
        (
            after.summary.given_name.as_deref(),
            after.summary.family_name.as_deref(),
            after.birth_date,
            after.notes.as_deref()
        ),
        (None, None, None, None)
    );
    assert_eq!(after.erased_at_ms, Some(at(500)));
    assert!(after.history.iter().all(|h| h.reason.is_empty()));
    // What statistics count stays: state, sex, age, county, exploitation.
    assert_eq!(
        (
            after.summary.state,
            after.summary.sex,
            after.summary.age_years,
            after.summary.found_in_county.as_str()
        ),
        (CaseState::Closed, Sex::Female, Some(25), "RO-CJ")
    );
    assert!(
        s.case_facts("c1", &scope_org("ANITP-CJ"))
            .await
            .unwrap()
            .unwrap()
            .erased
    );
    assert!(
        db.raw
            .blob("SELECT wrapped FROM case_keys WHERE case_id = 'c1'")
            .await
            .is_none()
    );
    // The matching keys are drawn from the names: gone with them.
    assert!(
        db.raw
            .blob("SELECT bloom FROM case_match_keys WHERE case_id = 'c1'")
            .await
            .is_none()
    );
    assert!(
        db.raw
            .blob("SELECT bloom FROM case_match_keys WHERE case_id = 'c3'")
            .await
            .is_some()
    );
    // Neither the key nor the name's ciphertext is left in the database's files (SQLite: the
    // file and its log, with freed pages zeroed and the log emptied). PostgreSQL's test access
    // reads a logical dump, which never holds old row versions, so it proves nothing there: its
    // old versions go with vacuum (README).
    if s.backend() == "sqlite" {
        let kept = db.raw.dump().await;
        for gone in [&key, &sealed_name] {
            assert!(!contains(&kept, gone), "erased bytes still stored");
        }
    }
    // The other cases are untouched.
    assert_eq!(
        identity(s, "c3").await.summary.family_name.as_deref(),
        Some(SENTINEL_FAMILY_NAME)
    );
    let register = s.erasures(at(0), None, 10).await.unwrap();
    assert_eq!(register.len(), 1);
    assert_eq!(
        (
            register[0].case_id.as_str(),
            register[0].basis,
            register[0].erased_at_ms
        ),
        ("c1", ErasureBasis::Schedule, at(500))
    );
    assert_eq!(s.erasure_of("c1").await.unwrap(), Some(register[0].clone()));
    assert_eq!(s.erasure_of("c3").await.unwrap(), None);
    // The register pages by place without repeating.
    let after_first = ListPlace {
        at_ms: at(500),
        id: "c1".into(),
    };
    assert!(
        s.erasures(at(0), Some(&after_first), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // The audit names the case by id only, and the chain still verifies.
    let entries = s.recent_audit(20).await.unwrap();
    let erase = entries
        .iter()
        .find(|e| e.action == "case.erase")
        .expect("the erasure is audited");
    assert_eq!(
        (erase.target.as_str(), erase.detail.as_str()),
        ("case:c1", "channel=web basis=schedule")
    );
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));

    // Open criminal proceedings keep a case as a hold does.
    let later = cutoffs(600, 600);
    assert_eq!(ids(s.due_cases(&later, 10).await.unwrap()), ["c2", "c3"]);
    s.record_proceeding(&super::justice::proceeding("p1", "c3", 700), &actor(700))
        .await
        .unwrap();
    assert_eq!(ids(s.due_cases(&later, 10).await.unwrap()), ["c2"]);
    assert_eq!(s.retention_due(&later).await.unwrap().held, 1);
    assert!(!s.erase_due_case("c3", &later, &by(&k, 710)).await.unwrap());
}

pub async fn a_request_to_erase_is_answered_under_the_holds_and_the_state(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let k = keeper(s).await;
    case_moved_to(s, "c1", "MNIR-2021-000001", CaseState::InAssistance, 200).await;
    case_moved_to(s, "c2", "MNIR-2021-000002", CaseState::NotAVictim, 200).await;
    let request = |id: &str, case_id: &str, at_ms: i64| ErasureRequestRecord {
        id: id.into(),
        case_id: case_id.into(),
        received_on: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        note: "Cerere scrisă, depusă personal".into(),
        recorded_by: None,
        recorded_org: "ANITP-CJ".into(),
        recorded_at_ms: at(at_ms),
        answer: ErasureAnswer::CaseOpen,
    };
    // A case still worked is kept.
    let open = s
        .record_erasure_request(&request("r1", "c1", 300), &by(&k, 300))
        .await
        .unwrap();
    assert_eq!(open.answer, ErasureAnswer::CaseOpen);
    assert!(identity(s, "c1").await.summary.family_name.is_some());
    // A hold stops it whatever the state.
    s.place_legal_hold(
        &hold("h1", "c2", HoldReason::ProsecutorRequest, 310),
        &by(&k, 310),
    )
    .await
    .unwrap();
    let held = s
        .record_erasure_request(&request("r2", "c2", 320), &by(&k, 320))
        .await
        .unwrap();
    assert_eq!(held.answer, ErasureAnswer::LegalHold);
    assert!(identity(s, "c2").await.summary.family_name.is_some());
    s.lift_legal_hold("c2", "h1", "Prosecutor agreed", &by(&k, 330))
        .await
        .unwrap();
    let erased = s
        .record_erasure_request(&request("r3", "c2", 340), &by(&k, 340))
        .await
        .unwrap();
    assert_eq!(erased.answer, ErasureAnswer::Erased);
    let detail = identity(s, "c2").await;
    assert_eq!(
        (detail.summary.family_name, detail.erased_at_ms),
        (None, Some(at(340)))
    );
    let requests = s.erasure_requests_of("c2").await.unwrap();
    let answers: Vec<ErasureAnswer> = requests.iter().map(|r| r.answer).collect();
    assert_eq!(answers, [ErasureAnswer::Erased, ErasureAnswer::LegalHold]);
    // The request's words went with the case; the answers stay.
    assert!(requests.iter().all(|r| r.note.is_empty()));
    assert!(s.legal_holds_of("c2").await.unwrap()[0].note.is_empty());
    let line = s.erasure_of("c2").await.unwrap().unwrap();
    assert_eq!(
        (line.basis, line.request_id.as_deref()),
        (ErasureBasis::Request, Some("r3"))
    );
    assert!(matches!(
        s.record_erasure_request(&request("r4", "c2", 350), &by(&k, 350))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.record_erasure_request(&request("r5", "nope", 350), &by(&k, 350))
            .await,
        Err(StoreError::NotFound)
    ));
    // The other request's words are the other case's, kept.
    assert_eq!(
        s.erasure_requests_of("c1").await.unwrap()[0].note,
        "Cerere scrisă, depusă personal"
    );
}

pub async fn retention_purges_sessions_tokens_and_participants_names_due(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let user = super::training::trainee(s).await;
    for (hash, expires) in [("old", 1_000), ("new", 9_000)] {
        s.create_session(&SessionRecord {
            id_hash: format!("session-{hash}"),
            user_id: user.id.clone(),
            created_at_ms: at(500),
            last_seen_ms: at(500),
            expires_at_ms: at(expires),
            stage: SessionStage::Full,
        })
        .await
        .unwrap();
        s.create_api_token(
            &ApiTokenRecord {
                token_hash: format!("token-{hash}"),
                user_id: user.id.clone(),
                created_at_ms: at(500),
                expires_at_ms: at(expires),
            },
            &actor(500),
        )
        .await
        .unwrap();
    }
    let participant = |id: &str, session: &str| ParticipantRecord {
        id: id.into(),
        session_id: session.into(),
        user_id: None,
        name: "Maria Cursanta".into(),
        org_code: Some("ANITP-CJ".into()),
        org_name: None,
        category: ProfessionalCategory::PolicePublicOrder,
        attended: true,
        modules: vec!["mechanism".into()],
        recorded_by: None,
        recorded_at_ms: at(1000),
    };
    s.record_sessions(
        &[
            (
                super::training::session("s1", "2019-01-10", "Iași", Audience::NationalVictims),
                vec![participant("p1", "s1")],
            ),
            (
                super::training::session("s2", "2024-01-10", "Iași", Audience::NationalVictims),
                vec![participant("p2", "s2")],
            ),
        ],
        &actor(1000),
    )
    .await
    .unwrap();
    let due_now = Cutoffs {
        session_ms: 5_000,
        api_token_ms: 5_000,
        training_before: NaiveDate::from_ymd_opt(2021, 12, 6).unwrap(),
        ..cutoffs(0, 0)
    };
    let due = s.retention_due(&due_now).await.unwrap();
    assert_eq!(
        (due.sessions, due.api_tokens, due.training_participants),
        (1, 1, 1)
    );
    let purged = s.purge_due_records(&due_now, &actor(6000)).await.unwrap();
    assert_eq!(
        purged,
        Purged {
            sessions: 1,
            api_tokens: 1,
            training_participants: 1
        }
    );
    assert!(s.session("session-old").await.unwrap().is_none());
    assert!(s.session("session-new").await.unwrap().is_some());
    assert!(s.api_token("token-old").await.unwrap().is_none());
    assert!(s.api_token("token-new").await.unwrap().is_some());
    let names = |session: &'static str| async move {
        s.participants(session)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names("s1").await, [String::new()]);
    assert_eq!(names("s2").await, ["Maria Cursanta"]);
    // Nothing more is due, and a second run changes nothing.
    let again = s.purge_due_records(&due_now, &actor(6100)).await.unwrap();
    assert_eq!(again, Purged::default());
}
