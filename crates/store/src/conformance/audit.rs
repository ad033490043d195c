//! Checks of [`crate::AuditStore`].

use super::*;

pub async fn the_audit_chain_is_append_only_and_verifiable(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
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
    assert_eq!(
        s.missing_audit_guards().await.unwrap(),
        Vec::<String>::new(),
        "a migrated database protects its log"
    );
    db.raw.execute(db.raw.drop_audit_guard()).await.unwrap();
    let missing = s.missing_audit_guards().await.unwrap();
    assert!(
        !missing.is_empty()
            && missing
                .iter()
                .all(|name| db.raw.drop_audit_guard().contains(name.as_str())),
        "the dropped triggers are named: {missing:?}"
    );
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

/// What someone with the database but not the key file can do to the log: change an entry and
/// recompute every hash after it, or move or remove the record of where the keyed chain begins.
pub async fn a_chain_recomputed_without_the_key_is_found_out(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.audit("auth.logout", "user:x", "", &actor(1200))
        .await
        .unwrap();
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Intact { entries: 5 }
    ));
    db.raw.execute(db.raw.drop_audit_guard()).await.unwrap();
    // The attacker's edit of entry 2, with the plain SHA-256 chain recomputed from there on.
    let mut entries = s.recent_audit(100).await.unwrap();
    entries.reverse();
    let mut prev = entries[0].hash.clone();
    for entry in entries.iter_mut().skip(1) {
        if entry.seq == 2 {
            entry.detail = "channel=cli nothing happened".into();
        }
        entry.prev_hash = prev.clone();
        entry.hash = entry.chained_hash(&prev, None);
        prev = entry.hash.clone();
        db.raw
            .execute(&format!(
                "UPDATE audit_log SET detail = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
                entry.detail, entry.prev_hash, entry.hash, entry.seq
            ))
            .await
            .unwrap();
    }
    assert_eq!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Broken {
            seq: 2,
            why: "its content does not match its hash".into()
        },
        "the chain is keyed: recomputing it needs the key file"
    );
    // Declaring the whole log older than the keyed chain needs a seal only the key can make.
    db.raw
        .execute("UPDATE meta SET value = '99:0000' WHERE key = 'audit_keyed_from'")
        .await
        .unwrap();
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Broken { seq: 0, ref why } if why.contains("altered")
    ));
    db.raw
        .execute("DELETE FROM meta WHERE key = 'audit_keyed_from'")
        .await
        .unwrap();
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Broken { seq: 0, ref why } if why.contains("missing")
    ));
}

/// Reads at once share their audit transactions (group commit); each read still returns only
/// once its own entry is in the chain, and a read abandoned midway (its task cancelled, as when
/// a browser goes away) takes no one else's entry with it.
pub async fn reads_at_once_each_leave_their_entry(db: TestDb) {
    let s = db.store.clone();
    seed_orgs(s.as_ref()).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    let mut readers = Vec::new();
    for i in 0..60 {
        let s = s.clone();
        readers.push(tokio::spawn(async move {
            let by = AuditActor {
                user_id: Some(format!("reader-{i}")),
                ..actor(2000)
            };
            s.case_detail("c1", &scope_org("ANITP-CJ"), Reveal::default(), &by)
                .await
                .map(|found| (i, found.is_some()))
        }));
    }
    // Every fifth reader is abandoned once the reads are under way: some wait for their turn,
    // some hold it, some are done.
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    for (i, reader) in readers.iter().enumerate() {
        if i % 5 == 0 {
            reader.abort();
        }
    }
    let mut finished = Vec::new();
    for reader in readers {
        match reader.await {
            // A read abandoned during its batch's commit may fail its batch-mates: never
            // silently, and never with data.
            Ok(Err(e)) => assert!(e.to_string().contains("went away"), "{e}"),
            Ok(Ok((i, found))) => {
                assert!(found);
                finished.push(i);
            }
            Err(e) => assert!(e.is_cancelled(), "{e}"),
        }
    }
    // How many batch-mates an abandoned commit takes down depends on where the scheduler cut
    // in (those were told, checked above); every read that answered left its entry (below).
    assert!(!finished.is_empty(), "some reads answered");
    let entries = s.recent_audit(500).await.unwrap();
    for i in &finished {
        let reader = format!("reader-{i}");
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.action == "case.read" && e.actor_user == reader)
                .count(),
            1,
            "{reader}'s read has its entry, once"
        );
    }
    assert!(
        matches!(s.verify_audit().await.unwrap(), AuditVerdict::Intact { .. }),
        "batched entries keep the chain whole"
    );
}
