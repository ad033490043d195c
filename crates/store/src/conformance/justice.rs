//! Checks of [`crate::JusticeStore`].

use super::*;
use chrono::NaiveDate;
use mnir_domain::justice::{
    DisclosedRecord, DisclosureBasis, HearingKind, OrderedMeasure, ProceedingOutcome, Standing,
};

/// A phrase that must never appear in clear in the database, written in every text of the track.
const SENTINEL: &str = "dosar-Tăinuit-418";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub(super) fn proceeding(id: &str, case_id: &str, at_ms: i64) -> ProceedingRecord {
    ProceedingRecord {
        id: id.into(),
        case_id: case_id.into(),
        standing: Standing::InjuredPartyAndWitness,
        file_number: format!("{SENTINEL} file"),
        prosecutor_office: format!("{SENTINEL} office"),
        court: String::new(),
        opened_on: day("2026-10-01"),
        outcome: ProceedingOutcome::Pending,
        outcome_on: None,
        measures: vec![
            OrderedMeasure::WitnessProtection,
            OrderedMeasure::RemoteHearing,
        ],
        org_code: "IGPR".into(),
        recorded_by: "test-user".into(),
        recorded_at_ms: at(at_ms),
        updated_at_ms: at(at_ms),
        hearings: Vec::new(),
    }
}

fn disclosure(id: &str, case_id: &str, to: &str, at_ms: i64) -> DisclosureRecord {
    DisclosureRecord {
        id: id.into(),
        case_id: case_id.into(),
        recipient_org: to.into(),
        basis: DisclosureBasis::ProsecutorOrder,
        consent_id: None,
        order_number: format!("{SENTINEL} order"),
        order_on: Some(day("2026-11-30")),
        order_office: format!("{SENTINEL} prosecutor"),
        records: vec![DisclosedRecord::RiskAssessments],
        until_on: day("2027-03-01"),
        org_code: "ANITP-CJ".into(),
        recorded_by: "test-user".into(),
        recorded_at_ms: at(at_ms),
        ended_at_ms: None,
        ended_by: None,
    }
}

pub async fn the_justice_track_and_disclosures_are_kept_with_their_texts_encrypted(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    for (id, reference, at_ms) in [("c1", "R-1", 1000), ("c2", "R-2", 1100)] {
        s.create_case(
            &new_case(id, reference, &["IGPR", "ANITP-CJ"], at_ms),
            &[],
            &actor(at_ms),
        )
        .await
        .unwrap();
    }

    // Proceedings, then their hearings, read back in order with the texts decrypted.
    let p1 = proceeding("p1", "c1", 2000);
    s.record_proceeding(&p1, &actor(2000)).await.unwrap();
    let hearing = HearingRecord {
        id: "h1".into(),
        proceeding_id: "p1".into(),
        case_id: "c1".into(),
        held_on: day("2026-11-20"),
        kind: HearingKind::Statement,
        note: format!("{SENTINEL} hearing"),
        recorded_by: "test-user".into(),
        recorded_at_ms: at(2100),
    };
    s.record_hearing(&hearing, &actor(2100)).await.unwrap();
    // A hearing of proceedings that are not the case's is not found, and nothing is stored.
    let stray = HearingRecord {
        id: "h2".into(),
        case_id: "c2".into(),
        ..hearing.clone()
    };
    assert!(matches!(
        s.record_hearing(&stray, &actor(2200)).await,
        Err(StoreError::NotFound)
    ));
    let read = s.proceedings_of("c1").await.unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].hearings, std::slice::from_ref(&hearing));
    assert_eq!(
        ProceedingRecord {
            hearings: Vec::new(),
            ..read[0].clone()
        },
        p1
    );
    assert!(s.proceedings_of("c2").await.unwrap().is_empty());

    // The outcome given, and the measures changed; another case's proceedings are not found.
    let convicted = ProceedingRecord {
        court: format!("{SENTINEL} court"),
        outcome: ProceedingOutcome::Conviction,
        outcome_on: Some(day("2026-12-01")),
        measures: vec![OrderedMeasure::ProtectedIdentity],
        updated_at_ms: at(3000),
        ..p1.clone()
    };
    s.update_proceeding(&convicted, "court,outcome,measures", &actor(3000))
        .await
        .unwrap();
    assert!(matches!(
        s.update_proceeding(
            &ProceedingRecord {
                case_id: "c2".into(),
                ..convicted.clone()
            },
            "outcome",
            &actor(3001)
        )
        .await,
        Err(StoreError::NotFound)
    ));
    let read = s.proceedings_of("c1").await.unwrap();
    assert_eq!(read[0].outcome, ProceedingOutcome::Conviction);
    assert_eq!(read[0].court, convicted.court);
    assert_eq!(read[0].measures, [OrderedMeasure::ProtectedIdentity]);
    assert_eq!(read[0].hearings.len(), 1, "hearings survive the update");

    // Non-punishment: with and without the proceedings it concerns; not with another case's.
    let flag = NonPunishmentRecord {
        id: "f1".into(),
        case_id: "c1".into(),
        offence: format!("{SENTINEL} offence"),
        proceeding_id: Some("p1".into()),
        org_code: "IGPR".into(),
        recorded_by: "test-user".into(),
        recorded_at_ms: at(3500),
    };
    s.record_non_punishment(&flag, &actor(3500)).await.unwrap();
    assert!(matches!(
        s.record_non_punishment(
            &NonPunishmentRecord {
                id: "f2".into(),
                case_id: "c2".into(),
                ..flag.clone()
            },
            &actor(3600)
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.non_punishment_of("c1").await.unwrap(), [flag]);
    assert!(s.non_punishment_of("c2").await.unwrap().is_empty());

    // Disclosures: recorded, listed newest first, ended once.
    let d1 = disclosure("d1", "c1", "IGPR", 4000);
    let d2 = DisclosureRecord {
        records: vec![DisclosedRecord::Plan, DisclosedRecord::RiskAssessments],
        ..disclosure("d2", "c1", "ANITP-B", 5000)
    };
    // Recorded in the same millisecond as d2: the register's pages part them by id.
    let d3 = disclosure("d3", "c2", "IGPR", 5000);
    for d in [&d1, &d2, &d3] {
        s.record_disclosure(d, &actor(d.recorded_at_ms.millis()))
            .await
            .unwrap();
    }
    let of_c1 = s.disclosures_of("c1").await.unwrap();
    assert_eq!(
        of_c1.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["d2", "d1"]
    );
    assert_eq!(of_c1[1], d1, "texts read back");
    assert_eq!(
        of_c1[0].records,
        [DisclosedRecord::RiskAssessments, DisclosedRecord::Plan],
        "a set of records kept in its list's order"
    );
    s.end_disclosure("c1", "d1", &actor(7000)).await.unwrap();
    assert!(matches!(
        s.end_disclosure("c1", "d1", &actor(7001)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.end_disclosure("c2", "d1", &actor(7002)).await,
        Err(StoreError::NotFound)
    ));
    let ended = s.disclosures_of("c1").await.unwrap();
    assert_eq!(ended[1].ended_at_ms, Some(at(7000)));
    assert_eq!(ended[1].ended_by.as_deref(), Some("test-user"));
    assert_eq!(ended[0].ended_at_ms, None);

    // The register, page by page: nationally, made to one organisation, and for the cases of
    // an organisation on their access list.
    let pages = |scope: RegisterScope| async move {
        let mut ids = Vec::new();
        let mut after: Option<ListPlace> = None;
        loop {
            let (lines, more) = s
                .disclosure_register(&scope, after.as_ref(), 2)
                .await
                .unwrap();
            assert!(lines.len() <= 2);
            ids.extend(
                lines
                    .iter()
                    .map(|l| format!("{}@{}", l.disclosure.id, l.case_reference)),
            );
            if !more {
                return ids;
            }
            let last = &lines.last().unwrap().disclosure;
            after = Some(ListPlace {
                at_ms: last.recorded_at_ms,
                id: last.id.clone(),
            });
        }
    };
    assert_eq!(
        pages(RegisterScope::National).await,
        ["d3@R-2", "d2@R-1", "d1@R-1"]
    );
    assert_eq!(
        pages(RegisterScope::MadeTo("IGPR".into())).await,
        ["d3@R-2", "d1@R-1"]
    );
    assert_eq!(
        pages(RegisterScope::CasesOf("ANITP-CJ".into())).await,
        ["d3@R-2", "d2@R-1", "d1@R-1"]
    );
    assert!(
        pages(RegisterScope::CasesOf("DGASPC-CJ".into()))
            .await
            .is_empty()
    );

    // The brief of a case for a disclosure's recipient names its contact organisation.
    let brief = s.case_brief("c1").await.unwrap().unwrap();
    assert_eq!(brief.reference, "R-1");
    assert_eq!(brief.state, CaseState::Notified);
    assert_eq!(brief.contact_org.as_deref(), Some("ANITP-CJ"));
    assert!(s.case_brief("nope").await.unwrap().is_none());

    let bytes = db.dump().await;
    let needle = SENTINEL.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "a text of the justice track stored in clear"
    );
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        AuditVerdict::Intact { .. }
    ));
}
