//! Possible duplicates (mnir.md §13) over HTTP, on both databases: one person notified twice in
//! two counties is put to ANITP's centres without a name, merged once, and nobody else sees it.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

const FAMILY: &str = "Țârcovnicu-Bălănescu";

/// Notifies through the API; returns the case's id and reference.
async fn notify(
    app: &App,
    token: &str,
    given: &str,
    family: &str,
    county: &str,
) -> (String, String) {
    let created = app
        .api(
            "POST",
            "/api/v1/cases",
            Some(token),
            Some(
                json!({"given_name": given, "family_name": family, "birth_date": "1998-06-02",
                "sex": "female", "citizenship": "RO", "found_in_county": county,
                "signals": ["S01"], "exploitation": "sexual"}),
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let case = created.json();
    (
        case["id"].as_str().unwrap().to_string(),
        case["reference"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn one_person_notified_twice_is_put_to_anitp_without_a_name_and_merged_once() {
    for app in backends().await {
        let b = app.backend;
        let screener = app.user("screener", "IGPR", "screener").await;
        let bucharest = app.user("bworker", "ANITP-B", "case_worker").await;
        let cluj = app.user("cjworker", "ANITP-CJ", "case_worker").await;
        let police = app.user("police", "IGPR", "case_worker").await;
        let elsewhere = app.user("ctworker", "ANITP-CT", "case_worker").await;
        let s_token = app.token(&screener).await;
        let (first_id, first) = notify(&app, &s_token, "Ștefănica", FAMILY, "RO-B").await;
        app.clock.advance_minutes(5);
        // Nobody to compare with yet; another person is never paired.
        let (_, other) = notify(&app, &s_token, "Viorica", "Constantinescu", "RO-B").await;
        app.clock.advance_minutes(5);
        // The same person, typed without diacritics and in capitals, found in Cluj.
        let (later_id, later) =
            notify(&app, &s_token, "Stefanica", "TARCOVNICU-BALANESCU", "RO-CJ").await;

        let b_token = app.token(&bucharest).await;
        let listed = app
            .api("GET", "/api/v1/duplicates", Some(&b_token), None)
            .await;
        assert_eq!(listed.status, StatusCode::OK, "{b}: {}", listed.body);
        let pairs = listed.json()["pairs"].clone();
        assert_eq!(pairs.as_array().unwrap().len(), 1, "{b}: {pairs}");
        let pair = &pairs[0];
        assert_eq!(
            (
                pair["earlier"]["reference"].as_str(),
                pair["later"]["reference"].as_str()
            ),
            (Some(first.as_str()), Some(later.as_str())),
            "{b}"
        );
        assert_eq!(
            (pair["exact"].clone(), pair["score_permille"].clone()),
            (json!(true), json!(1000)),
            "{b}"
        );
        assert!(
            !listed.body.contains("cnicu") && !listed.body.contains(&other),
            "{b}: no name, no stranger"
        );
        let pair_id = pair["id"].as_str().unwrap().to_string();
        // Cluj's centre sees it (the later case is routed there); Constanța's does not; the
        // police's case worker may not look at all.
        let cj_token = app.token(&cluj).await;
        let cj = app
            .api("GET", "/api/v1/duplicates", Some(&cj_token), None)
            .await
            .json();
        assert_eq!(cj["pairs"].as_array().unwrap().len(), 1, "{b}");
        let ct_token = app.token(&elsewhere).await;
        let ct = app
            .api("GET", "/api/v1/duplicates", Some(&ct_token), None)
            .await
            .json();
        assert_eq!(ct["pairs"], json!([]), "{b}");
        let refused = app
            .api(
                "POST",
                &format!("/api/v1/duplicates/{pair_id}/decision"),
                Some(&ct_token),
                Some(json!({"decision": "distinct"})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{b}");
        let p_token = app.token(&police).await;
        let forbidden = app
            .api("GET", "/api/v1/duplicates", Some(&p_token), None)
            .await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{b}");

        // The page, in Romanian, offers the merge by its references.
        let session = app.login("bworker").await;
        let page = app.get("/duplicates", Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(
            page.body
                .contains(&format!("Unește: {later} devine duplicat al {first}")),
            "{b}: {}",
            page.body
        );
        assert!(!page.body.contains("cnicu"), "{b}");
        let bad = app
            .api(
                "POST",
                &format!("/api/v1/duplicates/{pair_id}/decision"),
                Some(&b_token),
                Some(json!({"decision": "maybe"})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field_names(&bad), ["decision"], "{b}");
        // Bucharest sees the pair through the first case; the case to mark as duplicate is
        // Cluj's, so Cluj merges it.
        let not_ours = app
            .post_form(
                &format!("/duplicates/{pair_id}/decision"),
                &session,
                &[("decision", "merged"), ("away", later_id.as_str())],
            )
            .await;
        assert_eq!(
            not_ours.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            not_ours.body
        );
        // The page's case must be the one the merge would mark.
        let changed = app
            .api(
                "POST",
                &format!("/api/v1/duplicates/{pair_id}/decision"),
                Some(&cj_token),
                Some(json!({"decision": "merged", "away": first_id})),
            )
            .await;
        assert_eq!(
            changed.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            changed.body
        );
        let cj_session = app.login("cjworker").await;
        let merged = app
            .post_form(
                &format!("/duplicates/{pair_id}/decision"),
                &cj_session,
                &[("decision", "merged"), ("away", later_id.as_str())],
            )
            .await;
        assert_eq!(merged.status, StatusCode::SEE_OTHER, "{b}: {}", merged.body);
        let later_case = app
            .api(
                "GET",
                &format!("/api/v1/cases/{later_id}"),
                Some(&cj_token),
                None,
            )
            .await
            .json();
        assert_eq!(later_case["state"], "duplicate", "{b}");
        let first_case = app
            .api(
                "GET",
                &format!("/api/v1/cases/{first_id}"),
                Some(&b_token),
                None,
            )
            .await
            .json();
        assert_eq!(first_case["state"], "notified", "{b}");
        let again = app
            .api(
                "POST",
                &format!("/api/v1/duplicates/{pair_id}/decision"),
                Some(&cj_token),
                Some(json!({"decision": "distinct"})),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{b}: {}", again.body);
        let open = app
            .api("GET", "/api/v1/duplicates", Some(&b_token), None)
            .await
            .json();
        assert_eq!(open["pairs"], json!([]), "{b}");
        let all = app
            .api("GET", "/api/v1/duplicates?all=true", Some(&b_token), None)
            .await
            .json();
        assert_eq!(all["pairs"][0]["decision"], "merged", "{b}");
        let wrong = app
            .api(
                "GET",
                "/api/v1/duplicates?all=sometimes",
                Some(&b_token),
                None,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(matches!(
            app.store.verify_audit().await.unwrap(),
            mnir_store::AuditVerdict::Intact { .. }
        ));
    }
}
