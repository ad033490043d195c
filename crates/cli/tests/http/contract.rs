//! What the API's document promises and the server keeps, beyond what schemathesis finds: a
//! parameter without a value, the token checked before the address, whole numbers written with
//! a point, the value sets of the served document, and refusals against stored records as
//! conflicts.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState, OrgType};
use serde_json::json;

#[tokio::test]
async fn a_parameter_without_a_value_is_refused_once_the_caller_is_known() {
    for app in backends().await {
        let b = app.backend;
        let user = app.user("cw", "ANITP-CJ", "case_worker").await;
        let token = app.token(&user).await;
        let r = app
            .api_lang(
                "GET",
                "/api/v1/cases?county=",
                Some(&token),
                None,
                Some("en"),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        assert_eq!(
            r.json()["error"]["message"],
            "The address's parameter “county” has no value: give it one or leave it out.",
            "{b}"
        );
        // Without a token the caller learns that first, whatever is wrong with the address.
        for query in ["county=", "county=RO-CJ&county=RO-BN"] {
            let r = app
                .api("GET", &format!("/api/v1/cases?{query}"), None, None)
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}: {query}");
        }
        // U+0000 (which PostgreSQL cannot take in a text) is refused, in an address and in a
        // body alike, on both databases.
        let r = app
            .api_lang(
                "GET",
                "/api/v1/cases?reference=RO%00X",
                Some(&token),
                None,
                Some("en"),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("U+0000"),
            "{b}: {}",
            r.body
        );
        let r = app
            .api(
                "POST",
                "/api/v1/cases",
                Some(&token),
                Some(
                    json!({"given_name": "Ana\u{0}", "family_name": "Pop", "sex": "female",
                    "citizenship": "RO", "found_in_county": "RO-CJ"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        // The same address with a value is answered.
        let r = app
            .api("GET", "/api/v1/cases?county=RO-CJ", Some(&token), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
    }
}

#[tokio::test]
async fn a_whole_number_written_with_a_point_is_an_integer_and_a_repeated_key_still_refused() {
    for app in backends().await {
        let b = app.backend;
        let user = app.user("cw", "ANITP-CJ", "case_worker").await;
        let token = app.token(&user).await;
        let (adult, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Punctescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let mut domains = adult_domains(1, 2);
        domains.insert(
            "personal_safety".into(),
            json!({"severity": 3.0, "likelihood": 2.0}),
        );
        let path = format!("/api/v1/cases/{adult}/risk-assessments");
        let r = app
            .api(
                "POST",
                &path,
                Some(&token),
                Some(json!({"kind": "full", "domains": domains})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        assert_eq!(r.json()["domains"]["personal_safety"]["score"], 6, "{b}");
        // A fraction is no integer, and a key named twice is refused as before.
        let mut half = adult_domains(1, 2);
        half.insert(
            "personal_safety".into(),
            json!({"severity": 2.5, "likelihood": 2}),
        );
        let r = app
            .api(
                "POST",
                &path,
                Some(&token),
                Some(json!({"kind": "full", "domains": half})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        // Both a decimal number and a key named twice: the repeat is not let through.
        let twice = format!(
            r#"{{"kind": "full", "kind": "return", "domains": {}}}"#,
            serde_json::Value::Object(domains)
        );
        assert!(twice.contains("3.0"), "{twice}");
        let r = app
            .api_file(&path, &token, "application/json", twice.into_bytes())
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
    }
}

#[tokio::test]
async fn the_served_document_lists_the_register_only_to_a_caller_with_a_token() {
    let app = sqlite_app().await;
    let user = app.user("cw", "ANITP-CJ", "case_worker").await;
    let token = app.token(&user).await;
    app.organisation("ONG-NOUA", "Asociația Nouă", OrgType::Ngo)
        .await;
    let to_org = "/components/schemas/ReferralInput/properties/to_org";
    let served = app
        .api("GET", "/api/v1/openapi.json", Some(&token), None)
        .await;
    assert_eq!(served.status, StatusCode::OK);
    let listed = served.json().pointer(to_org).cloned().unwrap();
    let codes = listed["enum"].as_array().expect("the register's codes");
    assert!(codes.contains(&json!("ONG-NOUA")), "{listed}");
    assert!(codes.contains(&json!("ANITP-CJ")), "{listed}");
    assert!(listed.get("x-mnir-values").is_none(), "{listed}");
    let anonymous = app.api("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    let named = anonymous.json().pointer(to_org).cloned().unwrap();
    assert!(named.get("enum").is_none(), "{named}");
    assert_eq!(named["x-mnir-values"], "organisation");
}

#[tokio::test]
async fn a_refusal_against_the_records_is_a_conflict_and_one_about_the_request_is_not() {
    for app in backends().await {
        let b = app.backend;
        let user = app.user("cw", "ANITP-CJ", "case_worker").await;
        let token = app.token(&user).await;
        let (adult, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Adultescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let path = format!("/api/v1/cases/{adult}/risk-assessments");
        // A child's domain on an adult's case: the case, not the request, refuses it.
        let mut domains = adult_domains(1, 2);
        domains.insert(
            "child_specific".into(),
            json!({"severity": 1, "likelihood": 1}),
        );
        let r = app
            .api(
                "POST",
                &path,
                Some(&token),
                Some(json!({"kind": "full", "domains": domains.clone()})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "conflict", "{b}");
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "domains.child_specific",
            "{b}"
        );
        // With a rating out of range too, the request itself is wrong: 422.
        domains.insert(
            "mental_health".into(),
            json!({"severity": 4, "likelihood": 1}),
        );
        let r = app
            .api(
                "POST",
                &path,
                Some(&token),
                Some(json!({"kind": "full", "domains": domains})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
    }
}
