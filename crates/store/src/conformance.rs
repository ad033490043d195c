//! The conformance suite: what every backend must do, run against SQLite and PostgreSQL alike.
//!
//! A backend's tests call [`conformance_suite!`] with a function that opens a fresh, migrated
//! store and returns it with [`RawAccess`] to the same database, so the suite can look beneath
//! the trait (ciphertext on disk, tampering behind the store's back).

use crate::*;
use async_trait::async_trait;
use chrono::NaiveDate;
use mnir_crypto::Keys;
use mnir_domain::{
    AgeGroup, CaseScope, CaseState, Exploitation, IdentifyPower, OrgKind, OrgType, RoleSet, Sex,
};
use std::sync::Arc;

/// Direct access to the database under test, bypassing the store.
#[async_trait]
pub trait RawAccess: Send + Sync {
    /// Runs one statement; the error text on failure.
    async fn execute(&self, sql: &str) -> Result<u64, String>;
    /// Every byte the database keeps for this store (files, or a dump).
    async fn dump(&self) -> Vec<u8>;
    /// Opens the same database with other keys.
    async fn reopen(&self, keys: Keys) -> Result<Arc<dyn Store>, StoreError>;
    /// Another connection pool on the same database with the same keys, like a second server.
    async fn second_store(&self) -> Arc<dyn Store>;
    /// The statement that removes the append-only guard on `audit_log` (a DBA going around it).
    fn drop_audit_guard(&self) -> &'static str;
}

pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub raw: Box<dyn RawAccess>,
}

/// A distinctive name that must never appear in clear in the database.
pub const SENTINEL_FAMILY_NAME: &str = "Zmeurescu-Vlădoianu";

pub fn org(code: &str, kind: OrgKind, county: Option<&str>) -> Organisation {
    Organisation {
        code: code.into(),
        name: format!("Organisation {code}"),
        org_type: OrgType::CentralGovernmentOrganisation,
        kind,
        county: county.map(str::to_string),
        identify_power: IdentifyPower::All,
        active: true,
    }
}

pub fn actor(now_ms: i64) -> AuditActor {
    AuditActor {
        user_id: Some("test-user".into()),
        org_code: Some("ANITP-CJ".into()),
        channel: "web",
        now_ms,
    }
}

pub fn scope_org(org: &str) -> ScopeFor {
    ScopeFor {
        scope: CaseScope {
            organisation: Some(org.into()),
            ..CaseScope::default()
        },
        org_code: org.into(),
        user_id: "nobody".into(),
    }
}

pub fn new_case(id: &str, reference: &str, access: &[&str], at_ms: i64) -> NewCase {
    NewCase {
        id: id.into(),
        reference: reference.into(),
        state: CaseState::Notified,
        given_name: "Ioana".into(),
        family_name: SENTINEL_FAMILY_NAME.into(),
        birth_date: NaiveDate::from_ymd_opt(2001, 3, 9),
        sex: Sex::Female,
        citizenship: "RO".into(),
        found_in_county: "RO-CJ".into(),
        age_years: Some(25),
        age_group: AgeGroup::Adult,
        exploitation: Some(Exploitation::Labour),
        signals: vec!["S01".into(), "S07".into()],
        notes: format!("Met at the bus station; {SENTINEL_FAMILY_NAME} asked for help."),
        notifying_org: access[0].into(),
        created_by: None,
        notified_at_ms: at_ms,
        access: access
            .iter()
            .map(|o| CaseAccess {
                org_code: (*o).into(),
                basis: "notifier".into(),
            })
            .collect(),
        history: vec![HistoryEntry {
            from: None,
            to: CaseState::Notified,
            actor_user: None,
            actor_org: access[0].into(),
            at_ms,
            reason: "notified".into(),
        }],
    }
}

async fn seed_orgs(store: &dyn Store) {
    for o in [
        org("ANITP-CJ", OrgKind::AnitpRegional, Some("RO-CJ")),
        org("DGASPC-CJ", OrgKind::ChildProtection, Some("RO-CJ")),
        org("IGPR", OrgKind::Other, None),
        org("ANITP-B", OrgKind::AnitpRegional, Some("RO-B")),
    ] {
        store.upsert_organisation(&o, &actor(1)).await.unwrap();
    }
}

pub async fn organisations_are_saved_and_updated(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let mut cj = s.organisation("ANITP-CJ").await.unwrap().unwrap();
    assert_eq!(cj.kind, OrgKind::AnitpRegional);
    cj.name = "Centrul regional Cluj-Napoca".into();
    cj.identify_power = IdentifyPower::ChildrenOnly;
    s.upsert_organisation(&cj, &actor(2)).await.unwrap();
    assert_eq!(s.organisation("ANITP-CJ").await.unwrap(), Some(cj));
    let codes: Vec<String> = s
        .list_organisations()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(codes, ["ANITP-B", "ANITP-CJ", "DGASPC-CJ", "IGPR"]);
    assert_eq!(s.organisation("NOPE").await.unwrap(), None);
}

pub async fn users_logins_and_lockout(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let roles: RoleSet = "case_worker,supervisor".parse().unwrap();
    let new = NewUser {
        login: "ana.pop".into(),
        org_code: "ANITP-CJ".into(),
        roles: roles.clone(),
        password_hash: "h1".into(),
        now_ms: 10,
    };
    let user = s.create_user(&new, &actor(10)).await.unwrap();
    assert_eq!(user.roles, roles);
    assert_eq!(user.org.code, "ANITP-CJ");
    assert!(matches!(
        s.create_user(&new, &actor(11)).await,
        Err(StoreError::Conflict(_))
    ));
    let orphan = NewUser {
        login: "x".into(),
        org_code: "NOWHERE".into(),
        ..new.clone()
    };
    assert!(matches!(
        s.create_user(&orphan, &actor(11)).await,
        Err(StoreError::InvalidReference(_))
    ));
    assert_eq!(
        s.user_by_login("ana.pop").await.unwrap().unwrap().id,
        user.id
    );
    assert_eq!(s.user_by_login("Ana.Pop").await.unwrap(), None);

    let policy = LockoutPolicy {
        max_failures: 3,
        lock_ms: 1000,
    };
    for _ in 0..2 {
        s.record_login_attempt(&user.id, false, 100, policy)
            .await
            .unwrap();
    }
    let u = s.user_by_id(&user.id).await.unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until_ms), (2, None));
    s.record_login_attempt(&user.id, false, 100, policy)
        .await
        .unwrap();
    let u = s.user_by_id(&user.id).await.unwrap().unwrap();
    assert_eq!(u.locked_until_ms, Some(1100));
    s.set_password(&user.id, "h2", &actor(200)).await.unwrap();
    let u = s.user_by_id(&user.id).await.unwrap().unwrap();
    assert_eq!(
        (u.password_hash.as_str(), u.failed_logins, u.locked_until_ms),
        ("h2", 0, None)
    );
    assert!(matches!(
        s.set_password("no-such-id", "h", &actor(1)).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn sessions_and_tokens_live_and_expire(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let user = s
        .create_user(
            &NewUser {
                login: "u".into(),
                org_code: "IGPR".into(),
                roles: "screener".parse().unwrap(),
                password_hash: "h".into(),
                now_ms: 0,
            },
            &actor(0),
        )
        .await
        .unwrap();
    let session = SessionRecord {
        id_hash: "s1".into(),
        user_id: user.id.clone(),
        created_at_ms: 0,
        last_seen_ms: 0,
        expires_at_ms: 500,
    };
    s.create_session(&session).await.unwrap();
    s.create_session(&SessionRecord {
        id_hash: "s2".into(),
        expires_at_ms: 5000,
        ..session.clone()
    })
    .await
    .unwrap();
    s.touch_session("s1", 42).await.unwrap();
    assert_eq!(s.session("s1").await.unwrap().unwrap().last_seen_ms, 42);
    assert_eq!(s.delete_expired_sessions(1000).await.unwrap(), 1);
    assert_eq!(s.session("s1").await.unwrap(), None);
    assert!(s.session("s2").await.unwrap().is_some());
    s.delete_sessions_of(&user.id).await.unwrap();
    assert_eq!(s.session("s2").await.unwrap(), None);

    let token = ApiTokenRecord {
        token_hash: "t".into(),
        user_id: user.id.clone(),
        created_at_ms: 1,
        expires_at_ms: 2,
    };
    s.create_api_token(&token, &actor(1)).await.unwrap();
    assert_eq!(s.api_token("t").await.unwrap(), Some(token));
    assert_eq!(s.api_token("u").await.unwrap(), None);
}

pub async fn cases_are_visible_only_inside_the_scope(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["IGPR", "ANITP-CJ"], 1000),
        &actor(1000),
    )
    .await
    .unwrap();
    s.create_case(&new_case("c2", "R-2", &["ANITP-B"], 2000), &actor(2000))
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
    let clocks = [clock("gk1", "g001", "notification_ack", "ANITP-CJ", 90_000)];
    s.insert_generated_cases(&batch, &clocks, &AuditActor::cli(1))
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
    s.create_case(&new_case("c1", "R-1", &["ANITP-CJ"], 1000), &actor(1000))
        .await
        .unwrap();
    let change = Transition {
        case_id: "c1".into(),
        from: CaseState::Notified,
        to: CaseState::PotentialVictim,
        reason: "Age and identity established; urgent needs met.".into(),
    };
    s.transition_case(&change, &actor(2000)).await.unwrap();
    assert!(matches!(
        s.transition_case(&change, &actor(2100)).await,
        Err(StoreError::StaleState {
            current: CaseState::PotentialVictim
        })
    ));
    assert!(matches!(
        s.transition_case(
            &Transition {
                case_id: "nope".into(),
                ..change.clone()
            },
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
    assert_eq!(detail.summary.updated_at_ms, 2000);
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

pub async fn the_audit_chain_is_append_only_and_verifiable(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(&new_case("c1", "R-1", &["ANITP-CJ"], 1000), &actor(1000))
        .await
        .unwrap();
    s.audit("auth.logout", "user:x", "", &actor(1200))
        .await
        .unwrap();
    let entries = match s.verify_audit().await.unwrap() {
        AuditVerdict::Intact { entries } => entries,
        broken => panic!("fresh chain reported {broken:?}"),
    };
    assert_eq!(entries, 6, "four organisations, one case, one logout");
    let update = db
        .raw
        .execute("UPDATE audit_log SET detail = 'x' WHERE seq = 2")
        .await;
    assert!(update.is_err(), "UPDATE on audit_log must be refused");
    assert!(
        db.raw
            .execute("DELETE FROM audit_log WHERE seq = 6")
            .await
            .is_err()
    );
    db.raw.execute(db.raw.drop_audit_guard()).await.unwrap();
    db.raw
        .execute("UPDATE audit_log SET detail = 'channel=web edited' WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Broken {
            seq: 3,
            why: "its content does not match its hash".into()
        }
    );
}

pub async fn a_removed_audit_entry_breaks_the_chain(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    db.raw.execute(db.raw.drop_audit_guard()).await.unwrap();
    db.raw
        .execute("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Broken { seq: 2, .. }
    ));
}

pub async fn identifying_fields_never_reach_the_database_in_clear(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(&new_case("c1", "R-1", &["ANITP-CJ"], 1000), &actor(1000))
        .await
        .unwrap();
    s.transition_case(
        &Transition {
            case_id: "c1".into(),
            from: CaseState::Notified,
            to: CaseState::PotentialVictim,
            reason: format!("Spoke with {SENTINEL_FAMILY_NAME}"),
        },
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

pub async fn catalogue_versions_are_kept_and_one_is_active(db: TestDb) {
    let s = db.store.as_ref();
    let record = |version: &str, at: i64| CatalogueRecord {
        version: version.into(),
        indicator_count: 67,
        imported_at_ms: at,
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
    s.create_case(&new_case("c1", "R-1", &["ANITP-CJ"], 1000), &actor(1000))
        .await
        .unwrap();
    s.create_case(&new_case("c2", "R-2", &["ANITP-B"], 1000), &actor(1000))
        .await
        .unwrap();
    assert_eq!(s.latest_interview("c1").await.unwrap(), None);
    let mut interview = InterviewRecord {
        id: "i1".into(),
        case_id: "c1".into(),
        catalogue_version: "ilo-ec-2009".into(),
        profile: "adult-labour".into(),
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
        outcome: "insufficient_information".into(),
        created_by: "u1".into(),
        org_code: "ANITP-CJ".into(),
        created_at_ms: 2000,
    };
    s.save_interview(&interview, &actor(2000)).await.unwrap();
    let first = interview.clone();
    interview.id = "i2".into();
    interview.act = Some(true);
    interview.outcome = "indicated".into();
    interview.created_at_ms = 3000;
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
        engine_outcome: Some("indicated".into()),
        differs_from_advice: true,
        reasons: "Officer's reasons".into(),
        decided_by: "u1".into(),
        org_code: "ANITP-CJ".into(),
        decided_at_ms: 4000,
    };
    let change = Transition {
        case_id: "c1".into(),
        from: CaseState::Notified,
        to: CaseState::PotentialVictim,
        reason: "Officer's reasons".into(),
    };
    s.record_decision(&decision, &change, &actor(4000))
        .await
        .unwrap();
    assert!(matches!(
        s.record_decision(
            &DecisionRecord {
                id: "d2".into(),
                ..decision.clone()
            },
            &change,
            &actor(4100)
        )
        .await,
        Err(StoreError::StaleState { .. })
    ));
    assert_eq!(s.decisions_of("c1").await.unwrap(), vec![decision]);
    let cj = s.decision_stats(&scope_org("ANITP-CJ")).await.unwrap();
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

fn clock(id: &str, case_id: &str, kind: &str, org: &str, due: i64) -> ClockRecord {
    ClockRecord {
        id: id.into(),
        case_id: case_id.into(),
        kind: kind.into(),
        org_code: org.into(),
        length: "24h".into(),
        on_expiry: format!("{kind}_expired"),
        started_at_ms: 1000,
        due_at_ms: Some(due),
        state: ClockState::Running,
        pauses: Vec::new(),
        pause_reasons: Vec::new(),
        stopped_at_ms: None,
        fired_at_ms: None,
    }
}

pub async fn clocks_start_stop_pause_and_fire_once(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let case = new_case("c1", "R-1", &["ANITP-CJ"], 1000);
    s.create_case_with_clocks(
        &case,
        &[clock("k1", "c1", "notification_ack", "ANITP-CJ", 5000)],
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
            "identification_interview",
            "ANITP-CJ",
            9000,
        )],
        stop: vec!["notification_ack".into()],
        ..ClockChanges::default()
    };
    s.transition_case_with_clocks(&change, &changes, &actor(2000))
        .await
        .unwrap();
    let clocks = s.clocks_of("c1").await.unwrap();
    assert_eq!(clocks.len(), 2);
    assert_eq!(
        (clocks[0].state, clocks[0].stopped_at_ms),
        (ClockState::Stopped, Some(2000))
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
        (ClockState::Paused, None, vec![(3000, None)])
    );
    assert_eq!(
        paused.pause_reasons,
        [format!("{SENTINEL_FAMILY_NAME} is in hospital")]
    );
    assert!(
        s.fire_due_clocks(100_000, 10).await.unwrap().is_empty(),
        "a paused clock never fires"
    );
    s.resume_clock("k2", 12_000, &actor(6000)).await.unwrap();
    let resumed = &s.clocks_of("c1").await.unwrap()[1];
    assert_eq!(
        (resumed.state, resumed.due_at_ms, resumed.pauses.clone()),
        (ClockState::Running, Some(12_000), vec![(3000, Some(6000))])
    );

    assert!(
        s.fire_due_clocks(11_999, 10).await.unwrap().is_empty(),
        "not due yet"
    );
    let fired = s.fire_due_clocks(12_000, 10).await.unwrap();
    assert_eq!(fired.len(), 1);
    assert_eq!(
        (fired[0].clock_id.as_str(), fired[0].kind.as_str()),
        ("k2", "identification_interview_expired")
    );
    assert!(
        s.fire_due_clocks(20_000, 10).await.unwrap().is_empty(),
        "a clock fires once"
    );
    let tasks = s.open_tasks("ANITP-CJ").await.unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].case_reference, "R-1");
    assert!(s.open_tasks("ANITP-B").await.unwrap().is_empty());
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
    assert!(s.open_tasks("ANITP-CJ").await.unwrap().is_empty());

    s.create_case_with_clocks(
        &new_case("c2", "R-2", &["ANITP-CJ"], 1000),
        &[
            clock("k3", "c2", "notification_ack", "ANITP-CJ", 50_000),
            clock("k4", "c2", "referral_response", "ANITP-CJ", 90_000),
        ],
        &actor(1000),
    )
    .await
    .unwrap();
    let upcoming = s.upcoming_clocks("ANITP-CJ", 60_000).await.unwrap();
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
    let mut clocks = Vec::new();
    for i in 0..40 {
        clocks.push(clock(
            &format!("k{i}"),
            "c1",
            &format!("clock_{i}"),
            "ANITP-CJ",
            1000 + i,
        ));
    }
    s.create_case_with_clocks(
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
                store.fire_due_clocks(5000 + round, 7).await
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
    assert_eq!(s.open_tasks("ANITP-CJ").await.unwrap().len(), 40);
    assert!(
        matches!(s.verify_audit().await.unwrap(), AuditVerdict::Intact { .. }),
        "the chain stays whole under concurrent appends"
    );
}

pub async fn information_and_consent_are_kept_and_withdrawn_once(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(&new_case("c1", "R-1", &["ANITP-CJ"], 1000), &actor(1000))
        .await
        .unwrap();
    let info = InformationRecord {
        id: "i1".into(),
        case_id: "c1".into(),
        rights: vec!["assistance_protection".into(), "legal_aid".into()],
        language: "uk".into(),
        interpreter: true,
        mediator: false,
        notice_version: "2026-1".into(),
        given_by: "u1".into(),
        org_code: "ANITP-CJ".into(),
        given_at_ms: 2000,
    };
    s.record_information(&info, &actor(2000)).await.unwrap();
    assert_eq!(s.information_of("c1").await.unwrap(), vec![info]);
    let consent = ConsentRecord {
        id: "k1".into(),
        case_id: "c1".into(),
        purpose: "assistance".into(),
        recipient_org: Some("DGASPC-CJ".into()),
        given_by: "person".into(),
        method: "signed_form".into(),
        given_at_ms: 2000,
        expires_at_ms: Some(90_000),
        withdrawn_at_ms: None,
        recorded_by: "u1".into(),
        org_code: "ANITP-CJ".into(),
    };
    s.record_consent(&consent, &actor(2000)).await.unwrap();
    assert!(matches!(
        s.record_consent(
            &ConsentRecord {
                id: "k2".into(),
                recipient_org: Some("NOWHERE".into()),
                ..consent.clone()
            },
            &actor(2000)
        )
        .await,
        Err(StoreError::InvalidReference(_))
    ));
    assert!(
        matches!(
            s.withdraw_consent("c2", "k1", &actor(3000)).await,
            Err(StoreError::NotFound)
        ),
        "only through its own case"
    );
    s.withdraw_consent("c1", "k1", &actor(3000)).await.unwrap();
    assert!(
        matches!(
            s.withdraw_consent("c1", "k1", &actor(3100)).await,
            Err(StoreError::NotFound)
        ),
        "once"
    );
    assert_eq!(
        s.consents_of("c1").await.unwrap(),
        vec![ConsentRecord {
            withdrawn_at_ms: Some(3000),
            ..consent
        }]
    );
}

impl TestDb {
    async fn dump(&self) -> Vec<u8> {
        self.raw.dump().await
    }
}

pub async fn a_reflection_period_flags_the_person_until_it_ends(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let mut case = new_case("c1", "R-1", &["ANITP-CJ"], 1000);
    case.citizenship = "MD".into();
    s.create_case(&case, &actor(1000)).await.unwrap();
    let offer = |id: &str, accepted: bool, clock_id: Option<&str>| ReflectionRecord {
        id: id.into(),
        case_id: "c1".into(),
        offered_at_ms: 2000,
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
    let period = clock("r1", "c1", "reflection_period", "ANITP-CJ", 90_000);
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
            Some(90_000)
        )
    );
    // A second period cannot run beside the first, even when offered at the same moment.
    let twin = clock("r2", "c1", "reflection_period", "ANITP-CJ", 95_000);
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
        blocked_by: vec!["reflection_period".into()],
        ..ClockChanges::default()
    };
    assert!(matches!(
        s.transition_case_with_clocks(&forbidden, &blocked, &actor(3700)).await,
        Err(StoreError::BlockedByClock(kind)) if kind == "reflection_period"
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
        "residence",
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
            offers[1].outcome.as_deref(),
            offers[1].end_reason.as_deref()
        ),
        (
            Some(4000),
            Some("residence"),
            Some(format!("{SENTINEL_FAMILY_NAME} testifies").as_str())
        )
    );
    let clocks = s.clocks_of("c1").await.unwrap();
    assert_eq!(clocks[0].state, ClockState::Stopped);
    assert!(matches!(
        s.end_reflection("c1", "other", "again", &actor(5000)).await,
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

pub async fn another_key_is_refused(db: TestDb) {
    db.store.bind_key().await.unwrap();
    db.store.bind_key().await.unwrap();
    let other = db
        .raw
        .reopen(Keys::from_master(&Keys::generate_master()))
        .await
        .unwrap();
    assert!(matches!(
        other.bind_key().await,
        Err(StoreError::KeyMismatch)
    ));
}

/// Expands to one `#[tokio::test]` per conformance check, each on a fresh database from `$setup`.
#[macro_export]
macro_rules! conformance_suite {
    ($setup:path) => {
        $crate::conformance_suite!(@tests $setup;
            organisations_are_saved_and_updated,
            users_logins_and_lockout,
            sessions_and_tokens_live_and_expire,
            cases_are_visible_only_inside_the_scope,
            filters_and_pages_partition_the_visible_cases,
            transitions_are_checked_recorded_and_audited,
            the_audit_chain_is_append_only_and_verifiable,
            a_removed_audit_entry_breaks_the_chain,
            identifying_fields_never_reach_the_database_in_clear,
            another_key_is_refused,
            catalogue_versions_are_kept_and_one_is_active,
            interviews_and_decisions_are_kept_with_their_evidence_encrypted,
            clocks_start_stop_pause_and_fire_once,
            two_servers_fire_each_clock_exactly_once,
            information_and_consent_are_kept_and_withdrawn_once,
            a_reflection_period_flags_the_person_until_it_ends,
        );
    };
    (@tests $setup:path; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                if let Some(db) = $setup().await {
                    $crate::conformance::$check(db).await;
                }
            }
        )+
    };
}
