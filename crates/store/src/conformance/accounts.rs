//! Checks of [`crate::AccountStore`].

use super::*;

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

pub async fn users_logins_and_failure_counts(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let roles: RoleSet = "case_worker,supervisor".parse().unwrap();
    let new = NewUser {
        login: "ana.pop".into(),
        org_code: "ANITP-CJ".into(),
        roles: roles.clone(),
        password_hash: "h1".into(),
        now_ms: at(10),
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

    for _ in 0..7 {
        s.record_login_attempt(&user.id, false, at(100))
            .await
            .unwrap();
    }
    let u = s.user_by_id(&user.id).await.unwrap().unwrap();
    assert_eq!(u.failed_logins, 7, "counted, and nothing else happens");
    s.record_login_attempt(&user.id, true, at(101))
        .await
        .unwrap();
    assert_eq!(
        s.user_by_id(&user.id).await.unwrap().unwrap().failed_logins,
        0
    );
    s.record_login_attempt(&user.id, false, at(102))
        .await
        .unwrap();
    s.set_password(&user.id, "h2", &actor(200)).await.unwrap();
    let u = s.user_by_id(&user.id).await.unwrap().unwrap();
    assert_eq!((u.password_hash.as_str(), u.failed_logins), ("h2", 0));
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
                now_ms: at(0),
            },
            &actor(0),
        )
        .await
        .unwrap();
    let session = SessionRecord {
        id_hash: "s1".into(),
        user_id: user.id.clone(),
        created_at_ms: at(0),
        last_seen_ms: at(0),
        expires_at_ms: at(500),
        stage: SessionStage::Full,
    };
    s.create_session(&session).await.unwrap();
    let waiting = SessionRecord {
        id_hash: "s2".into(),
        expires_at_ms: at(5000),
        stage: SessionStage::SecondFactor,
        ..session.clone()
    };
    s.create_session(&waiting).await.unwrap();
    let (found, its_user) = s.session("s2").await.unwrap().unwrap();
    assert_eq!(found, waiting, "the stage is kept");
    assert_eq!(its_user, user, "the session comes with its user");
    s.touch_session("s1", at(42)).await.unwrap();
    assert_eq!(
        s.session("s1").await.unwrap().unwrap().0.last_seen_ms,
        at(42)
    );
    assert_eq!(s.delete_expired_sessions(at(1000)).await.unwrap(), 1);
    assert_eq!(s.session("s1").await.unwrap(), None);
    assert!(s.session("s2").await.unwrap().is_some());
    s.delete_sessions_of(&user.id).await.unwrap();
    assert_eq!(s.session("s2").await.unwrap(), None);

    let token = ApiTokenRecord {
        token_hash: "t".into(),
        user_id: user.id.clone(),
        created_at_ms: at(1),
        expires_at_ms: at(2),
    };
    s.create_api_token(&token, &actor(1)).await.unwrap();
    assert_eq!(s.api_token("t").await.unwrap(), Some(token.clone()));
    assert_eq!(s.api_token("u").await.unwrap(), None);
    assert_eq!(s.api_tokens_of(&user.id).await.unwrap(), vec![token]);
    s.revoke_api_token("t", &actor(3)).await.unwrap();
    assert_eq!(s.api_token("t").await.unwrap(), None);
    assert!(s.api_tokens_of(&user.id).await.unwrap().is_empty());
    assert!(matches!(
        s.revoke_api_token("t", &actor(4)).await,
        Err(StoreError::NotFound)
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

pub async fn a_second_factor_enrols_takes_each_step_once_and_resets(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    let user = s
        .create_user(
            &NewUser {
                login: "ana.pop".into(),
                org_code: "ANITP-CJ".into(),
                roles: "case_worker".parse().unwrap(),
                password_hash: "h".into(),
                now_ms: at(0),
            },
            &actor(0),
        )
        .await
        .unwrap();
    let id = user.id.as_str();
    assert_eq!(user.two_factor_since, None);
    assert_eq!(s.two_factor(id).await.unwrap(), None);
    assert!(
        !s.use_two_factor_step(id, 5).await.unwrap(),
        "nothing enrolled"
    );

    // A pending enrolment can be started again with another key, and takes no codes yet.
    s.begin_two_factor(id, b"first key of twenty b", "session-a", &actor(1))
        .await
        .unwrap();
    const KEY: &[u8] = b"SECRET-KEY-SENTINEL!";
    s.begin_two_factor(id, KEY, "session-b", &actor(2))
        .await
        .unwrap();
    let pending = s.two_factor(id).await.unwrap().unwrap();
    assert_eq!(
        (
            pending.secret.as_slice(),
            pending.confirmed_at_ms,
            pending.pending_session.as_deref()
        ),
        (KEY, None, Some("session-b"))
    );
    assert!(
        !s.use_two_factor_step(id, 5).await.unwrap(),
        "a pending key takes no code"
    );
    assert_eq!(
        s.user_by_id(id).await.unwrap().unwrap().two_factor_since,
        None
    );
    // PostgreSQL dumps a bytea as hex text: look for both forms.
    let bytes = db.dump().await;
    let hex_key = hex::encode(KEY);
    for needle in [KEY, hex_key.as_bytes()] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the shared key was found in clear in the database"
        );
    }
    assert!(
        bytes.len() > 1000,
        "the dump holds the database, so the search means something"
    );

    // Only the session the key was shown to confirms it; confirming ends every session.
    let open = SessionRecord {
        id_hash: "another".into(),
        user_id: user.id.clone(),
        created_at_ms: at(0),
        last_seen_ms: at(0),
        expires_at_ms: at(1_000_000),
        stage: SessionStage::Full,
    };
    s.create_session(&open).await.unwrap();
    let codes: Vec<String> = (0..10).map(|i| format!("recovery{i:02}")).collect();
    assert!(
        matches!(
            s.confirm_two_factor(id, "session-a", 100, &codes, &actor(3))
                .await,
            Err(StoreError::NotFound)
        ),
        "a key shown to another session is not confirmed"
    );
    s.confirm_two_factor(id, "session-b", 100, &codes, &actor(3))
        .await
        .unwrap();
    assert_eq!(
        s.session("another").await.unwrap(),
        None,
        "confirming ended the account's sessions"
    );
    assert!(
        matches!(
            s.confirm_two_factor(id, "session-b", 101, &codes, &actor(3))
                .await,
            Err(StoreError::NotFound)
        ),
        "confirmed once"
    );
    assert!(
        matches!(
            s.begin_two_factor(id, b"a key to replace it!", "session-c", &actor(4))
                .await,
            Err(StoreError::Conflict(_))
        ),
        "a confirmed key is only replaced after a reset"
    );
    assert_eq!(
        s.user_by_id(id).await.unwrap().unwrap().two_factor_since,
        Some(at(3))
    );
    let needle = b"recovery03";
    assert!(
        !db.dump().await.windows(needle.len()).any(|w| w == needle),
        "a recovery code was found in clear in the database"
    );

    // Wrong codes are counted from wherever they come, until a right one.
    for n in 0..3 {
        s.record_code_failure(id, at(50 + n)).await.unwrap();
    }
    let counted = s.two_factor(id).await.unwrap().unwrap();
    assert_eq!(
        (counted.failed_codes, counted.last_failed_code_ms),
        (3, Some(at(52)))
    );

    // Each step once, and never one at or before the last taken (the first code's step is 100).
    assert!(!s.use_two_factor_step(id, 100).await.unwrap());
    assert!(!s.use_two_factor_step(id, 99).await.unwrap());
    assert!(s.use_two_factor_step(id, 101).await.unwrap());
    assert_eq!(
        s.two_factor(id).await.unwrap().unwrap().failed_codes,
        0,
        "a right code clears the count"
    );
    assert!(
        !s.use_two_factor_step(id, 101).await.unwrap(),
        "a code is never taken twice"
    );

    assert_eq!(s.recovery_codes_left(id).await.unwrap(), 10);
    assert!(
        s.use_recovery_code(id, "recovery03", &actor(5))
            .await
            .unwrap()
    );
    assert!(
        !s.use_recovery_code(id, "recovery03", &actor(5))
            .await
            .unwrap(),
        "single use"
    );
    assert!(
        !s.use_recovery_code(id, "recovery99", &actor(5))
            .await
            .unwrap()
    );
    assert_eq!(s.recovery_codes_left(id).await.unwrap(), 9);
    s.replace_recovery_codes(id, &["fresh00000".to_string()], &actor(6))
        .await
        .unwrap();
    assert!(
        !s.use_recovery_code(id, "recovery04", &actor(6))
            .await
            .unwrap(),
        "old codes end"
    );
    assert_eq!(s.recovery_codes_left(id).await.unwrap(), 1);

    // A reset removes the key and the codes and ends what the account holds open.
    let session = SessionRecord {
        id_hash: "open".into(),
        user_id: user.id.clone(),
        created_at_ms: at(0),
        last_seen_ms: at(0),
        expires_at_ms: at(1_000_000),
        stage: SessionStage::Full,
    };
    s.create_session(&session).await.unwrap();
    let token = ApiTokenRecord {
        token_hash: "tok".into(),
        user_id: user.id.clone(),
        created_at_ms: at(0),
        expires_at_ms: at(1_000_000),
    };
    s.create_api_token(&token, &actor(7)).await.unwrap();
    s.reset_two_factor(id, &actor(8)).await.unwrap();
    assert_eq!(s.two_factor(id).await.unwrap(), None);
    assert_eq!(s.recovery_codes_left(id).await.unwrap(), 0);
    assert_eq!(s.session("open").await.unwrap(), None);
    assert_eq!(s.api_token("tok").await.unwrap(), None);
    assert_eq!(
        s.user_by_id(id).await.unwrap().unwrap().two_factor_since,
        None
    );
    assert!(matches!(
        s.replace_recovery_codes(id, &codes, &actor(9)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.reset_two_factor("no-such-id", &actor(9)).await,
        Err(StoreError::NotFound)
    ));
    let actions: Vec<String> = s
        .recent_audit(20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "user.two_factor_begin",
        "user.two_factor_on",
        "auth.recovery_code",
        "user.recovery_codes",
        "user.two_factor_reset",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} not audited: {actions:?}"
        );
    }
}
