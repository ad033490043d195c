//! The JSON API: documentation, validation and errors in the caller's language.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::AgeGroup;

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_answers() {
    let app = sqlite_app().await;
    let doc = app.api("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    let paths = doc["paths"].as_object().unwrap();
    let routes = mnir_web::api::all_routes();
    assert!(routes.len() > 20, "the mechanism's routes are listed too");
    for (method, path) in &routes {
        let operation = &paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is not documented"))[method.to_lowercase()];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path} has no responses"
        );
    }
    let mut documented = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            documented += 1;
            assert!(
                routes
                    .iter()
                    .any(|(m, p)| m.eq_ignore_ascii_case(method) && p == path),
                "{method} {path} is documented but not in the route list"
            );
            let concrete = path
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "00000000-0000-0000-0000-000000000000"
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let r = app.api(&method.to_uppercase(), &concrete, None, None).await;
            // A public route answers an unknown id itself, with the API's JSON error; a path
            // nobody routes falls through to the HTML page "not found".
            assert!(
                r.status != StatusCode::NOT_FOUND || r.body.contains("\"not_found\""),
                "{method} {path} is documented but not routed: {}",
                r.body
            );
            assert_ne!(
                r.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed"
            );
        }
    }
    assert_eq!(documented, routes.len());
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused_in_json() {
    let app = sqlite_app().await;
    let user = app.user("ana", "ANITP-CJ", "case_worker").await;
    for token in [None, Some("not-a-token")] {
        let r = app.api("GET", "/api/v1/cases", token, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"]["code"], "unauthorized");
        assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
    }
    let token = app.token(&user).await;
    assert_eq!(
        app.api("GET", "/api/v1/cases", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    app.clock.advance_minutes(24 * 60 + 1);
    assert_eq!(
        app.api("GET", "/api/v1/cases", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "expired token"
    );
}

#[tokio::test]
async fn a_bad_notification_is_refused_field_by_field_in_the_caller_s_language() {
    for app in backends().await {
        let user = app.user("ana", "IGPR", "screener").await;
        let token = app.token(&user).await;
        let bad = serde_json::json!({"given_name": "", "family_name": "", "birth_date": "31.02.2001", "sex": "x", "citizenship": "ZZ", "found_in_county": "RO-XX", "signals": ["S01", "S99"], "exploitation": "theft"});
        let en = app
            .api_lang(
                "POST",
                "/api/v1/cases",
                Some(&token),
                Some(bad.clone()),
                Some("en-GB,en;q=0.9"),
            )
            .await;
        assert_eq!(
            en.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.backend
        );
        let json = en.json();
        assert_eq!(json["error"]["code"], "invalid");
        let fields: Vec<&str> = json["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "given_name",
                "birth_date",
                "sex",
                "citizenship",
                "found_in_county",
                "signals",
                "exploitation"
            ]
        );
        assert!(
            en.body.contains("The signal “S99” does not exist."),
            "{}",
            en.body
        );
        let ro = app
            .api_lang("POST", "/api/v1/cases", Some(&token), Some(bad), Some("ro"))
            .await;
        assert!(ro.body.contains("Semnalul „S99” nu există."), "{}", ro.body);
        let listed = app
            .api("GET", "/api/v1/cases", Some(&token), None)
            .await
            .json();
        assert_eq!(listed["total"], 0, "nothing was stored");

        let broken = app
            .send(
                axum::http::Request::post("/api/v1/cases")
                    .header("authorization", format!("Bearer {token}"))
                    .header("accept-language", "en")
                    .body(axum::body::Body::from("{\"given_name\": "))
                    .unwrap(),
            )
            .await;
        assert_eq!(broken.status, StatusCode::BAD_REQUEST);
        assert!(
            broken.json()["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("The request body is not valid JSON")
        );
    }
}

#[tokio::test]
async fn a_notification_is_routed_and_its_transitions_are_checked() {
    for app in backends().await {
        let screener = app.user("ana", "IGPF", "screener").await;
        let worker = app.user("cw", "ANITP-CT", "case_worker,supervisor").await;
        let officer = app.user("io", "ANITP-CT", "identification_officer").await;
        let (s_token, w_token, o_token) = (
            app.token(&screener).await,
            app.token(&worker).await,
            app.token(&officer).await,
        );
        let created = app
            .api("POST", "/api/v1/cases", Some(&s_token), Some(serde_json::json!({"given_name": "Vasile", "family_name": "Drumeț", "birth_date": "1990-01-15", "sex": "male", "citizenship": "RO", "found_in_county": "RO-TL", "signals": ["S07", "S01"], "exploitation": "labour", "notes": "Found at a fishing boat"})))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let case = created.json();
        let id = case["id"].as_str().unwrap().to_string();
        assert_eq!(case["state"], "notified");
        assert_eq!(case["age_group"], "adult");
        assert_eq!(case["signals"], serde_json::json!(["S01", "S07"]));
        let routed: Vec<&str> = case["routed_to"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["organisation"].as_str().unwrap())
            .collect();
        assert_eq!(
            routed,
            ["IGPF", "ANITP-CT"],
            "an adult found in Tulcea goes to the Constanța centre, not to child protection"
        );
        assert_eq!(
            case["allowed_transitions"],
            serde_json::json!([]),
            "a screener moves nothing"
        );

        let path = format!("/api/v1/cases/{id}/transitions");
        let skip = app
            .api(
                "POST",
                &path,
                Some(&w_token),
                Some(serde_json::json!({"to": "identified_victim", "reason": "obvious"})),
            )
            .await;
        assert_eq!(skip.status, StatusCode::FORBIDDEN);
        let no_reason = app
            .api(
                "POST",
                &path,
                Some(&w_token),
                Some(serde_json::json!({"to": "potential_victim", "reason": "  "})),
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        let ok = app
            .api(
                "POST",
                &path,
                Some(&w_token),
                Some(
                    serde_json::json!({"to": "potential_victim", "reason": "Identity established"}),
                ),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert_eq!(ok.json()["state"], "potential_victim");
        let by_worker = app
            .api(
                "POST",
                &path,
                Some(&w_token),
                Some(serde_json::json!({"to": "presumed_victim", "reason": "interview"})),
            )
            .await;
        assert_eq!(by_worker.status, StatusCode::FORBIDDEN);
        assert!(
            by_worker.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("ofițer de identificare")
        );
        let by_officer = app.api("POST", &path, Some(&o_token), Some(serde_json::json!({"to": "presumed_victim", "reason": "Interview: reasonable grounds"}))).await;
        assert_eq!(by_officer.status, StatusCode::OK);
        let history = by_officer.json()["history"].as_array().unwrap().len();
        assert_eq!(history, 3);
        let unknown = app
            .api(
                "POST",
                &path,
                Some(&o_token),
                Some(serde_json::json!({"to": "freed", "reason": "x"})),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        let missing = app
            .api("GET", "/api/v1/cases/no-such-case", Some(&o_token), None)
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.json()["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn list_filters_are_validated() {
    let app = sqlite_app().await;
    let user = app.user("cw", "ANITP-CJ", "case_worker").await;
    let token = app.token(&user).await;
    app.seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "A").await;
    app.seed_case("RO-BN", "IGPR", AgeGroup::Adult, "B").await;
    let bn = app
        .api("GET", "/api/v1/cases?county=RO-BN", Some(&token), None)
        .await
        .json();
    assert_eq!(bn["total"], 1);
    for bad in [
        "state=open",
        "county=CJ",
        "per_page=0",
        "per_page=500",
        "older=abc",
        "older=12.a%20b",
        "newer=99999999999999999.x",
        "older=1.a&newer=1.b",
    ] {
        let r = app
            .api("GET", &format!("/api/v1/cases?{bad}"), Some(&token), None)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

/// Every page through the API, following `older`, then back through `newer`; a case notified
/// meanwhile is neither shown twice nor shifts the pages.
#[tokio::test]
async fn the_list_is_read_page_by_page_from_a_place_in_it() {
    let app = sqlite_app().await;
    let user = app.user("cw", "ANITP-CJ", "case_worker").await;
    let token = app.token(&user).await;
    for i in 0..30 {
        app.seed_case("RO-CJ", "IGPR", AgeGroup::Adult, &format!("P{i}"))
            .await;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut query = "per_page=5".to_string();
    let mut pages = 0;
    loop {
        let body = app
            .api("GET", &format!("/api/v1/cases?{query}"), Some(&token), None)
            .await
            .json();
        pages += 1;
        assert_eq!(body["total"], 30 + u64::from(pages > 1));
        assert_eq!(body["newer"].is_string(), pages > 1, "{body}");
        seen.extend(
            body["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_string()),
        );
        if pages == 1 {
            // A case notified after the first page was read belongs before it, not on the next.
            app.clock.advance_minutes(5);
            let late = app
                .api("POST", "/api/v1/cases", Some(&token), Some(serde_json::json!({"given_name": "Late", "sex": "female", "citizenship": "RO", "found_in_county": "RO-CJ"})))
                .await;
            assert_eq!(late.status, StatusCode::CREATED, "{}", late.body);
        }
        match body["older"].as_str() {
            Some(place) => query = format!("per_page=5&older={place}"),
            None => break,
        }
    }
    assert_eq!((pages, seen.len()), (6, 30));
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 30, "no case twice");

    // The page's links carry the place the same way.
    let session = app.login("cw").await;
    let first = app.get_lang("/cases", Some(&session), Some("en")).await;
    assert_eq!(first.status, StatusCode::OK);
    let older = first
        .body
        .split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
        .find(|h| h.starts_with("/cases?older="))
        .expect("31 cases fill more than a page of 25: the page links to the older ones");
    let second = app.get_lang(&older, Some(&session), Some("en")).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.body.contains("Newer cases") && second.body.contains("Newest cases"));
    assert!(!second.body.contains("Older cases"));
    let bad = app
        .get_lang("/cases?older=12.%3Cscript%3E", Some(&session), Some("ro"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("reîncepeți de la cele mai noi cazuri"));
}

#[tokio::test]
async fn a_date_is_read_only_as_yyyy_mm_dd() {
    let app = sqlite_app().await;
    let screener = app.user("s", "IGPR", "screener").await;
    let token = app.token(&screener).await;
    let r = app
        .api(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(serde_json::json!({"given_name": "Ion", "sex": "male", "citizenship": "RO", "found_in_county": "RO-CJ", "birth_date": "2001-2-3"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "birth_date");
}

#[tokio::test]
async fn invisible_reasons_and_overlong_notices_are_refused() {
    let app = sqlite_app().await;
    let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
    let token = app.token(&cw).await;
    let (id, _) = app
        .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Invizibilescu")
        .await;
    let blank = app
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/transitions"),
            Some(&token),
            Some(serde_json::json!({"to": "potential_victim", "reason": " \u{200B}\u{2060}\u{FEFF} "})),
        )
        .await;
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.body
    );
    assert_eq!(blank.json()["error"]["fields"][0]["field"], "reason");
    assert_eq!(
        app.state_of(&id).await,
        mnir_domain::CaseState::Notified,
        "nothing moved"
    );
    let long = app
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/information"),
            Some(&token),
            Some(serde_json::json!({"rights": ["legal_aid"], "language": "ro", "notice_version": "v".repeat(200)})),
        )
        .await;
    assert_eq!(
        long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        long.body
    );
    assert_eq!(long.json()["error"]["fields"][0]["field"], "notice_version");
}

#[tokio::test]
async fn a_malformed_query_string_gets_the_same_error_shape_as_any_bad_request() {
    let app = sqlite_app().await;
    let user = app.user("cw", "ANITP-CJ", "case_worker").await;
    let token = app.token(&user).await;
    let session = app.login("cw").await;
    for query in ["county=RO-CJ&county=RO-BN", "older=1.a&older=2.b"] {
        let r = app
            .api_lang(
                "GET",
                &format!("/api/v1/cases?{query}"),
                Some(&token),
                None,
                Some("en"),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.body);
        let body = r.json();
        assert_eq!(body["error"]["code"], "invalid", "{query}: {}", r.body);
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("The address has a malformed or repeated parameter"),
            "{}",
            r.body
        );
        let page = app
            .get_lang(&format!("/cases?{query}"), Some(&session), Some("en"))
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.body.starts_with("<!DOCTYPE html>"), "{}", page.body);
        assert!(
            page.body
                .contains("The address has a malformed or repeated parameter"),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn an_address_that_does_not_decode_is_not_found_in_the_usual_shape() {
    let app = sqlite_app().await;
    let user = app.user("cw", "ANITP-CJ", "case_worker").await;
    let token = app.token(&user).await;
    let session = app.login("cw").await;
    let r = app
        .api_lang("GET", "/api/v1/cases/%FF", Some(&token), None, Some("en"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "not_found", "{}", r.body);
    let page = app.get_lang("/cases/%FF", Some(&session), Some("en")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.starts_with("<!DOCTYPE html>"), "{}", page.body);
}

#[tokio::test]
async fn refusals_made_before_any_handler_are_json_too() {
    let app = sqlite_app().await;
    let user = app.user("ion", "IGPR", "screener").await;
    let token = app.token(&user).await;
    let huge = serde_json::json!({ "notes": "x".repeat(300 * 1024) });
    let r = app
        .api_lang(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(huge),
            Some("en"),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "too_large", "{}", r.body);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("256 KiB")
    );
    let r = app
        .api_lang("DELETE", "/api/v1/cases", Some(&token), None, Some("ro"))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "invalid", "{}", r.body);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Cererea nu a putut fi citită")
    );
    let list = app.api("GET", "/api/v1/cases", Some(&token), None).await;
    assert_eq!(list.json()["total"], 0, "nothing stored: {}", list.body);
}
