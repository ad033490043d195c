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
