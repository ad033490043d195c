//! Checks of [`crate::BreakGlassStore`] and of the marker the audit append adds under an access.

use super::*;
use mnir_domain::break_glass::{BreakGlassReason, ReviewFinding};

const GLASS_NOTE: &str = "Victima-i la urgențe, cu agresorul în sala de așteptare";

/// Reads at once are written to the chain in groups, where the break-glass marker is looked up
/// only for the users who may hold an access: whichever group an entry lands in, the entries of
/// the holder about the case of the access carry the marker, and no other entry does.
pub async fn reads_at_once_are_marked_only_for_the_holder_of_an_access(db: TestDb) {
    let s = db.store.clone();
    seed_orgs(s.as_ref()).await;
    for (id, reference) in [("c1", "MNIR-2026-000001"), ("c2", "MNIR-2026-000002")] {
        s.create_case(
            &new_case(id, reference, &["ANITP-CJ"], 100),
            &[],
            &actor(100),
        )
        .await
        .unwrap();
    }
    let holder = case_worker(s.as_ref(), "holder").await;
    let access = access_to_c1(&holder);
    s.open_break_glass(&access, &["ANITP-B".into()], &acting(&holder, 1000))
        .await
        .unwrap();
    let mut readers = Vec::new();
    for i in 0..48 {
        let s = s.clone();
        let user = if i % 3 == 0 {
            holder.id.clone()
        } else {
            format!("reader-{i}")
        };
        let case = if i % 2 == 0 { "c1" } else { "c2" };
        readers.push(tokio::spawn(async move {
            let by = AuditActor {
                user_id: Some(user),
                org_code: Some("ANITP-B".into()),
                ..actor(2000 + i)
            };
            s.case_detail(case, &scope_org("ANITP-CJ"), Reveal::default(), &by)
                .await
                .unwrap()
                .is_some()
        }));
    }
    for reader in readers {
        assert!(reader.await.unwrap(), "every read finds its case");
    }
    let reads: Vec<AuditEntry> = s
        .recent_audit(200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "case.read")
        .collect();
    assert_eq!(reads.len(), 48, "one entry per read");
    let mut marked = 0;
    for entry in &reads {
        let should = entry.actor_user == holder.id && entry.target == "case:c1";
        assert_eq!(entry.detail.contains("break_glass=g1"), should, "{entry:?}");
        marked += usize::from(should);
    }
    assert_eq!(
        marked, 8,
        "the holder read the case of the access eight times"
    );
    assert!(
        matches!(s.verify_audit().await.unwrap(), AuditVerdict::Intact { .. }),
        "the group's entries chain one to the next"
    );

    // One group written at once, whatever the scheduling: the holder's entries before the
    // access opened, while open, about another case and after it expired, among others'.
    let holder_at = |ms: i64| acting(&holder, ms);
    let other_at = |ms: i64| AuditActor {
        user_id: Some("reader-x".into()),
        org_code: Some("ANITP-B".into()),
        ..actor(ms)
    };
    let (before, during, other_case, after, someone_else) = (
        holder_at(999),
        holder_at(5000),
        holder_at(5001),
        holder_at(1000 + 3_600_000),
        other_at(5002),
    );
    s.audit_group(&[
        ("case.read", "case:c1", "when=before", &before),
        ("case.read", "case:c1", "when=during", &during),
        ("case.read", "case:c2", "when=other_case", &other_case),
        ("case.read", "case:c1", "when=after", &after),
        ("case.read", "case:c1", "when=someone_else", &someone_else),
    ])
    .await
    .unwrap();
    let group = s.recent_audit(5).await.unwrap();
    let marked: Vec<(&str, bool)> = group
        .iter()
        .rev()
        .map(|e| {
            let when = e.detail.split("when=").nth(1).unwrap_or_default();
            (
                when.split(' ').next().unwrap_or_default(),
                e.detail.contains("break_glass=g1"),
            )
        })
        .collect();
    assert_eq!(
        marked,
        [
            ("before", false),
            ("during", true),
            ("other_case", false),
            ("after", false),
            ("someone_else", false),
        ]
    );
    assert!(
        group
            .windows(2)
            .all(|w| w[0].seq == w[1].seq + 1 && w[0].prev_hash == w[1].hash),
        "one entry after another"
    );
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));
}

pub async fn a_break_glass_access_raises_its_tasks_and_marks_the_audit_while_open(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "MNIR-2026-000001", &["IGPR", "ANITP-CJ"], 100),
        &[],
        &actor(100),
    )
    .await
    .unwrap();
    let user = case_worker(s, "worker").await;
    assert_eq!(
        s.case_id_of_reference("MNIR-2026-000001").await.unwrap(),
        Some("c1".to_string())
    );
    assert_eq!(
        s.case_id_of_reference("MNIR-2026-999999").await.unwrap(),
        None
    );
    let by = acting(&user, 1000);
    let access = access_to_c1(&user);
    // The account, read with its sessions and tokens, says until when an access of its may be
    // open: none yet.
    let open_until =
        |id: String| async move { s.user_by_id(&id).await.unwrap().unwrap().glass_open_until };
    assert_eq!(open_until(user.id.clone()).await, None);
    // The user's own organisation twice in the reviewers is one task.
    s.open_break_glass(
        &access,
        &["ANITP-B".into(), "IGPR".into(), "ANITP-B".into()],
        &by,
    )
    .await
    .unwrap();
    let again = BreakGlassRecord {
        id: "g2".into(),
        ..access.clone()
    };
    assert!(matches!(
        s.open_break_glass(&again, &["ANITP-B".into()], &by).await,
        Err(StoreError::Conflict(_))
    ));
    let open = s.open_break_glass_of(&user.id, at(2000)).await.unwrap();
    assert_eq!(open, vec![access.clone()]);
    assert_eq!(
        open_until(user.id.clone()).await,
        Some(access.expires_at_ms)
    );
    assert!(
        s.open_break_glass_of(&user.id, at(1000 + 3_600_000))
            .await
            .unwrap()
            .is_empty(),
        "closed at its expiry"
    );

    // Reviews for the reviewers, notices for the case's organisations other than the user's.
    let tasks = s.glass_tasks_of("g1").await.unwrap();
    let mut kinds: Vec<(GlassTaskKind, &str)> = tasks
        .iter()
        .map(|t| (t.kind, t.org_code.as_str()))
        .collect();
    kinds.sort_by_key(|(k, o)| (k.as_str(), o.to_string()));
    assert_eq!(
        kinds,
        [
            (GlassTaskKind::Notice, "ANITP-CJ"),
            (GlassTaskKind::Notice, "IGPR"),
            (GlassTaskKind::Review, "ANITP-B"),
            (GlassTaskKind::Review, "IGPR"),
        ]
    );
    let reviews = s
        .open_glass_tasks("ANITP-B", GlassTaskKind::Review)
        .await
        .unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].1.note, GLASS_NOTE);
    assert!(
        s.open_glass_tasks("ANITP-B", GlassTaskKind::Notice)
            .await
            .unwrap()
            .is_empty()
    );
    // The inbox reads the same in its one snapshot, the reviews only when asked for.
    let both = StaffTasksRead {
        glass_reviews: true,
        certificate_notices: true,
    };
    let in_inbox = staff_tasks_in_inbox(s, "ANITP-B", both).await;
    assert_eq!(in_inbox.glass_reviews.as_ref(), Some(&reviews));
    assert!(in_inbox.glass_notices.is_empty());
    assert_eq!(in_inbox.certificate_notices, Some(Vec::new()));
    let igpr = staff_tasks_in_inbox(s, "IGPR", both).await;
    let igpr_notices = s
        .open_glass_tasks("IGPR", GlassTaskKind::Notice)
        .await
        .unwrap();
    assert_eq!(igpr_notices.len(), 1);
    assert_eq!(igpr.glass_notices, igpr_notices);
    assert_eq!(
        igpr.glass_reviews,
        Some(
            s.open_glass_tasks("IGPR", GlassTaskKind::Review)
                .await
                .unwrap()
        )
    );
    let notices_only = staff_tasks_in_inbox(
        s,
        "IGPR",
        StaffTasksRead {
            glass_reviews: false,
            certificate_notices: false,
        },
    )
    .await;
    assert_eq!(
        (notices_only.glass_notices, notices_only.glass_reviews),
        (igpr_notices, None)
    );

    // While open, an entry about the case names the access; another case's does not.
    let read = AuditActor {
        now_ms: at(5000),
        ..by.clone()
    };
    s.audit("case.read", "case:c1", "identity=true", &read)
        .await
        .unwrap();
    s.audit("case.read", "case:other", "", &read).await.unwrap();
    let entries = s.recent_audit(5).await.unwrap();
    let marked = |target: &str| {
        entries
            .iter()
            .find(|e| e.target == target && e.action == "case.read")
            .map(|e| e.detail.contains("break_glass=g1"))
    };
    assert_eq!(marked("case:c1"), Some(true));
    assert_eq!(marked("case:other"), Some(false));

    // A review closes once, for its own organisation; its note is sealed.
    let task = &reviews[0].0;
    assert!(matches!(
        s.close_glass_task(
            &task.id,
            "IGPR",
            GlassTaskKind::Review,
            Some(ReviewFinding::Justified),
            "",
            &read
        )
        .await,
        Err(StoreError::NotFound)
    ));
    s.close_glass_task(
        &task.id,
        "ANITP-B",
        GlassTaskKind::Review,
        Some(ReviewFinding::NotJustified),
        "Cazul putea fi cerut colegilor din Cluj",
        &read,
    )
    .await
    .unwrap();
    assert!(matches!(
        s.close_glass_task(
            &task.id,
            "ANITP-B",
            GlassTaskKind::Review,
            Some(ReviewFinding::Justified),
            "",
            &read
        )
        .await,
        Err(StoreError::NotFound)
    ));
    let closed = s.glass_tasks_of("g1").await.unwrap();
    let review = closed.iter().find(|t| t.id == task.id).unwrap();
    assert_eq!(review.finding, Some(ReviewFinding::NotJustified));
    assert_eq!(review.done_by.as_deref(), Some(user.id.as_str()));
    assert_eq!(
        review.note.as_deref(),
        Some("Cazul putea fi cerut colegilor din Cluj")
    );

    // Ended early, the access no longer marks nor counts as open; it ends once.
    s.end_break_glass("g1", &user.id, &read).await.unwrap();
    assert!(matches!(
        s.end_break_glass("g1", &user.id, &read).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        s.open_break_glass_of(&user.id, at(6000))
            .await
            .unwrap()
            .is_empty()
    );
    let ended = s.break_glass("g1").await.unwrap().unwrap();
    assert_eq!(ended.ended_at_ms, Some(at(5000)));
    assert_eq!(open_until(user.id.clone()).await, None, "ended: none open");
    s.audit(
        "case.read",
        "case:c1",
        "",
        &AuditActor {
            now_ms: at(7000),
            ..by.clone()
        },
    )
    .await
    .unwrap();
    let last = s.recent_audit(1).await.unwrap();
    assert!(!last[0].detail.contains("break_glass="), "{:?}", last[0]);
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));

    let dump = db.raw.dump().await;
    let text = String::from_utf8_lossy(&dump);
    assert!(!text.contains("agresorul"), "a break-glass note in clear");
    assert!(
        !text.contains("colegilor din Cluj"),
        "a review's note in clear"
    );
}

/// A case worker of ANITP-B, who holds no access to the cases of ANITP-CJ.
async fn case_worker(s: &dyn Store, login: &str) -> User {
    s.create_user(
        &NewUser {
            login: login.into(),
            org_code: "ANITP-B".into(),
            roles: RoleSet::new(vec![mnir_domain::Role::CaseWorker]),
            password_hash: "x".into(),
            now_ms: at(10),
        },
        &actor(10),
    )
    .await
    .unwrap()
}

/// `user` acting at `ms`.
fn acting(user: &User, ms: i64) -> AuditActor {
    AuditActor {
        user_id: Some(user.id.clone()),
        org_code: Some(user.org.code.clone()),
        ..actor(ms)
    }
}

/// A break-glass access `g1` of `user` to case `c1` (`MNIR-2026-000001`), open for an hour from
/// 1,000 ms.
fn access_to_c1(user: &User) -> BreakGlassRecord {
    BreakGlassRecord {
        id: "g1".into(),
        case_id: "c1".into(),
        case_reference: "MNIR-2026-000001".into(),
        user_id: user.id.clone(),
        user_login: user.login.clone(),
        org_code: "ANITP-B".into(),
        reason: BreakGlassReason::ImmediateDanger,
        note: GLASS_NOTE.into(),
        opened_at_ms: at(1000),
        expires_at_ms: at(1000 + 3_600_000),
        ended_at_ms: None,
    }
}
