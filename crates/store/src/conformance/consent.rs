//! Checks of [`crate::ConsentStore`].

use super::*;
use mnir_domain::consent::{GivenBy, Method, Purpose, Right};

pub async fn information_and_consent_are_kept_and_withdrawn_once(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    let info = InformationRecord {
        id: "i1".into(),
        case_id: "c1".into(),
        rights: vec![Right::AssistanceAndProtection, Right::LegalAid],
        language: "uk".into(),
        interpreter: true,
        mediator: false,
        notice_version: "2026-1".into(),
        given_by: "u1".into(),
        org_code: "ANITP-CJ".into(),
        given_at_ms: at(2000),
    };
    s.record_information(&info, &actor(2000)).await.unwrap();
    assert_eq!(s.information_of("c1").await.unwrap(), vec![info]);
    let consent = ConsentRecord {
        id: "k1".into(),
        case_id: "c1".into(),
        purpose: Purpose::Assistance,
        recipient_org: Some("DGASPC-CJ".into()),
        given_by: GivenBy::Person,
        method: Method::SignedForm,
        given_at_ms: at(2000),
        expires_at_ms: Some(at(90_000)),
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
            withdrawn_at_ms: Some(at(3000)),
            ..consent
        }]
    );
}
