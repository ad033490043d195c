//! Checks of [`crate::DuplicateStore`]: pairs found by the matching keys alone, each once, seen
//! by the centres of their cases, decided once; an erased case is compared no more.

use super::*;
use mnir_domain::duplicates::DuplicateDecision;

async fn person(
    s: &dyn Store,
    id: &str,
    names: (&str, &str),
    born: (i32, u32, u32),
    access: &[&str],
    at_ms: i64,
) {
    let case = NewCase {
        given_name: names.0.into(),
        family_name: names.1.into(),
        birth_date: NaiveDate::from_ymd_opt(born.0, born.1, born.2),
        ..new_case(id, &format!("MNIR-2026-{id}"), access, at_ms)
    };
    s.create_case(&case, &[], &actor(at_ms)).await.unwrap();
}

pub async fn pairs_are_found_by_the_matching_keys_alone_and_decided_once(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    person(
        s,
        "c1",
        ("Ștefania", "Ionescu"),
        (2001, 3, 9),
        &["ANITP-CJ"],
        100,
    )
    .await;
    // The same person, written without diacritics and the other way round, elsewhere.
    person(
        s,
        "c2",
        ("IONESCU", "Stefania"),
        (2001, 3, 9),
        &["IGPR", "ANITP-B"],
        200,
    )
    .await;
    // Another person born the same year.
    person(
        s,
        "c3",
        ("Mihaela", "Dumitrașcu"),
        (2001, 7, 1),
        &["ANITP-CJ"],
        300,
    )
    .await;
    // One letter changed and another day of birth: close, not exact.
    person(
        s,
        "c4",
        ("Stefania", "Ionesco"),
        (2001, 3, 19),
        &["DGASPC-CJ"],
        400,
    )
    .await;
    // The same name, born twenty years earlier: never compared.
    person(
        s,
        "c5",
        ("Ștefania", "Ionescu"),
        (1981, 3, 9),
        &["ANITP-B"],
        500,
    )
    .await;

    // The second notification meets the first (exact) and the one with a letter changed; the
    // first then meets the one with a letter changed; nothing is found twice.
    let found = |id: &'static str, at_ms: i64| async move {
        s.find_duplicates(id, &actor(at_ms)).await.unwrap()
    };
    assert_eq!(found("c2", 600).await, 2);
    assert_eq!(found("c2", 610).await, 0);
    assert_eq!(found("c1", 620).await, 1);
    assert_eq!(found("c4", 630).await, 0);
    assert_eq!(s.find_duplicates("c5", &actor(640)).await.unwrap(), 0);
    assert_eq!(s.find_duplicates("c3", &actor(650)).await.unwrap(), 0);
    // Two notifications whose names say too little ("A", an initial), born the same day: not
    // one person on that evidence, whichever of them is compared.
    for (id, at) in [("w1", 651), ("w2", 652)] {
        person(s, id, ("A", ""), (2001, 3, 9), &["ANITP-CJ"], at).await;
    }
    assert_eq!(s.find_duplicates("w2", &actor(653)).await.unwrap(), 0);
    assert_eq!(s.find_duplicates("w1", &actor(654)).await.unwrap(), 0);

    let all = s.duplicate_candidates(None, true, None, 10).await.unwrap();
    let pairs: Vec<(&str, &str, bool)> = all
        .iter()
        .map(|p| {
            (
                p.earlier.case_id.as_str(),
                p.later.case_id.as_str(),
                p.exact,
            )
        })
        .collect();
    // In the order they were found (the two found together in their ids' order, which is
    // random), the earlier notification first in each.
    let mut together = pairs[..2].to_vec();
    together.sort();
    assert_eq!(together, [("c1", "c2", true), ("c2", "c4", false)]);
    assert_eq!(pairs[2..], [("c1", "c4", false)]);
    let exact = all.iter().find(|p| p.exact).unwrap();
    let close = all.iter().find(|p| p.later.case_id == "c4").unwrap();
    assert_eq!(exact.score_permille, 1000);
    assert!(
        close.score_permille
            >= mnir_domain::duplicates::permille(mnir_domain::duplicates::DICE_THRESHOLD)
            && close.score_permille < 1000
    );
    assert_eq!(
        (
            exact.earlier.reference.as_str(),
            exact.later.county.as_str()
        ),
        ("MNIR-2026-c1", "RO-CJ")
    );
    // A centre sees the pairs of which one case is routed to it.
    let bucharest = s
        .duplicate_candidates(Some("ANITP-B"), true, None, 10)
        .await
        .unwrap();
    let mut ids: Vec<(&str, &str)> = bucharest
        .iter()
        .map(|p| (p.earlier.case_id.as_str(), p.later.case_id.as_str()))
        .collect();
    ids.sort();
    assert_eq!(ids, [("c1", "c2"), ("c2", "c4")]);
    // A page resumes after the last place.
    let first = s.duplicate_candidates(None, true, None, 1).await.unwrap();
    let place = ListPlace {
        at_ms: first[0].found_at_ms,
        id: first[0].id.clone(),
    };
    let rest = s
        .duplicate_candidates(None, true, Some(&place), 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 2);
    assert!(rest.iter().all(|p| p.id != first[0].id));

    // Decided once; a decided pair leaves the open list.
    let pair = close;
    let k = super::retention::keeper(s).await;
    s.decide_duplicate(
        &pair.id,
        DuplicateDecision::Distinct,
        &super::retention::by(&k, 700),
    )
    .await
    .unwrap();
    assert!(matches!(
        s.decide_duplicate(
            &pair.id,
            DuplicateDecision::Merged,
            &super::retention::by(&k, 710)
        )
        .await,
        Err(StoreError::NotFound)
    ));
    let decided = s.duplicate_candidate(&pair.id).await.unwrap().unwrap();
    assert_eq!(
        (decided.decision, decided.decided_at_ms),
        (Some(DuplicateDecision::Distinct), Some(at(700)))
    );
    assert_eq!(
        s.duplicate_candidates(None, true, None, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.duplicate_candidates(None, false, None, 10)
            .await
            .unwrap()
            .len(),
        3
    );
    let ids = s.matched_case_ids(None, 10).await.unwrap();
    // The weak ones have keys too (empty ones), so they are not computed again.
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5", "w1", "w2"]);
    assert_eq!(
        s.matched_case_ids(Some("c4"), 10).await.unwrap(),
        ["c5", "w1", "w2"]
    );

    // Erased, a case leaves its pairs and is compared no more, and its keys are not computed
    // again (nothing opens its names).
    s.change_case(
        &step(&Transition {
            case_id: "c1".into(),
            from: CaseState::Notified,
            to: CaseState::Duplicate,
            reason: "duplicate_of=MNIR-2026-c2".into(),
        }),
        &actor(800),
    )
    .await
    .unwrap();
    let request = ErasureRequestRecord {
        id: "r1".into(),
        case_id: "c1".into(),
        received_on: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        note: String::new(),
        recorded_by: None,
        recorded_org: "ANITP-CJ".into(),
        recorded_at_ms: at(810),
        answer: mnir_domain::retention::ErasureAnswer::CaseOpen,
    };
    let answered = s
        .record_erasure_request(&request, &super::retention::by(&k, 810))
        .await
        .unwrap();
    assert_eq!(
        answered.answer,
        mnir_domain::retention::ErasureAnswer::Erased
    );
    let left = s.duplicate_candidates(None, false, None, 10).await.unwrap();
    assert!(
        left.iter()
            .all(|p| p.earlier.case_id != "c1" && p.later.case_id != "c1"),
        "{left:?}"
    );
    assert_eq!(left.len(), 1);
    assert_eq!(found("c2", 820).await, 0);
    assert_eq!(s.rebuild_match_keys(10).await.unwrap(), 0);
    // Keys lost (as after a restore, which leaves them out) are computed again from the names,
    // the same as they were.
    let bloom = "SELECT bloom FROM case_match_keys WHERE case_id = 'c2'";
    let before = db.raw.blob(bloom).await.unwrap();
    db.raw
        .execute("DELETE FROM case_match_keys WHERE case_id IN ('c2', 'c4')")
        .await
        .unwrap();
    assert!(db.raw.blob(bloom).await.is_none());
    assert_eq!(s.rebuild_match_keys(10).await.unwrap(), 2);
    assert_eq!(db.raw.blob(bloom).await, Some(before));
    assert_eq!(s.rebuild_match_keys(10).await.unwrap(), 0);
}
