//! Break-glass access (mnir.md §13) over HTTP, on both databases: opening a case not routed to
//! one's organisation with a reason, the reads marked in the audit log, the notices and reviews
//! it raises, its end, and the profile that forbids it to a role.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, Role};
use serde_json::json;

const FAMILY: &str = "Zăvoianu-Brădeanu";
const WHY: &str = "Persoana e la ghișeu, speriată; spune că exploatatorul o așteaptă afară";

fn opening(reference: &str) -> serde_json::Value {
    json!({"reference": reference, "reason": "immediate_danger", "note": WHY})
}

/// Breaks the glass on `reference` through the API with `token`.
async fn break_glass(app: &App, token: &str, reference: &str) -> TestResponse {
    app.api(
        "POST",
        "/api/v1/break-glass",
        Some(token),
        Some(opening(reference)),
    )
    .await
}

#[tokio::test]
async fn a_case_worker_opens_another_organisation_s_case_for_an_hour_under_review() {
    for app in backends().await {
        let b = app.backend;
        let (case_id, reference) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, FAMILY)
            .await;
        let worker = app.user("worker", "ANITP-B", "case_worker").await;
        app.user("boss", "ANITP-B", "supervisor").await;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let cluj = app.user("cluj", "ANITP-CJ", "case_worker").await;
        let worker_token = app.token(&worker).await;
        let page = app.login("worker").await;

        let unseen = app.get(&format!("/cases/{case_id}"), Some(&page)).await;
        assert_eq!(unseen.status, StatusCode::NOT_FOUND, "{b}");

        // Every field is checked, each in the user's language; nothing is opened.
        let empty = app
            .api(
                "POST",
                "/api/v1/break-glass",
                Some(&worker_token),
                Some(json!({"reference": "", "reason": "curiosity", "note": "  "})),
            )
            .await;
        assert_eq!(
            empty.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            empty.body
        );
        let fields: Vec<String> = field_names(&empty);
        assert_eq!(fields, ["reference", "reason", "note"], "{b}");
        let unknown = app
            .api(
                "POST",
                "/api/v1/break-glass",
                Some(&worker_token),
                Some(opening("MNIR-1999-000000")),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{b}");
        let unknown_page = app
            .post_form(
                "/break-glass",
                &page,
                &[
                    ("reference", "RO-00000-00000"),
                    ("reason", "immediate_danger"),
                    ("note", WHY),
                ],
            )
            .await;
        assert_eq!(unknown_page.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            unknown_page
                .body
                .contains("Niciun caz nu are această referință"),
            "{b}: {}",
            unknown_page.body
        );
        let none = app
            .api("GET", "/api/v1/break-glass", Some(&worker_token), None)
            .await;
        assert_eq!(none.json(), json!([]), "{b}");

        // Opened on the page: the case opens, with the banner, for the profile's hour.
        let form = app.get("/break-glass", Some(&page)).await;
        assert_eq!(form.status, StatusCode::OK, "{b}");
        assert!(form.body.contains("60 de minute"), "{b}");
        let opened = app
            .post_form(
                "/break-glass",
                &page,
                &[
                    ("reference", &reference),
                    ("reason", "immediate_danger"),
                    ("note", WHY),
                ],
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{b}: {}", opened.body);
        assert_eq!(opened.location(), format!("/cases/{case_id}"), "{b}");
        let seen = app.get(&format!("/cases/{case_id}"), Some(&page)).await;
        assert_eq!(seen.status, StatusCode::OK, "{b}");
        assert!(seen.body.contains("id=\"break-glass-banner\""), "{b}");
        assert!(
            seen.body.contains(FAMILY),
            "{b}: a case worker reads the identity"
        );
        let elsewhere = app.get("/dashboard", Some(&page)).await;
        assert!(
            elsewhere.body.contains("id=\"break-glass-banner\""),
            "{b}: on every page"
        );
        let api_case = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case_id}"),
                Some(&worker_token),
                None,
            )
            .await;
        assert_eq!(api_case.status, StatusCode::OK, "{b}: the API too");
        // The access reads; it changes nothing, and keeps the shelter's address and the
        // justice track with the case's organisations.
        let write = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case_id}/risk-assessments"),
                Some(&worker_token),
                Some(json!({"kind": "first_contact", "urgent": {
                    "urgent_medical_need": {"answer": true},
                    "immediate_violence": {"answer": false},
                    "re_trafficking_danger": {"answer": false}
                }})),
            )
            .await;
        assert_eq!(write.status, StatusCode::FORBIDDEN, "{b}: {}", write.body);
        assert!(
            write.body.contains("nu să îl modificați"),
            "{b}: {}",
            write.body
        );
        let justice = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case_id}/justice"),
                Some(&worker_token),
                None,
            )
            .await;
        assert_eq!(
            justice.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            justice.body
        );
        // The list keeps the organisation's own cases (the page names the case in its banner
        // only).
        let list = app
            .api(
                "GET",
                "/api/v1/cases?per_page=200",
                Some(&worker_token),
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{b}");
        assert!(!list.body.contains(&reference), "{b}");

        let mine = app
            .api("GET", "/api/v1/break-glass", Some(&worker_token), None)
            .await;
        let access = mine.json()[0]["id"].as_str().unwrap().to_string();
        assert_eq!(mine.json()[0]["reason"], json!("immediate_danger"), "{b}");
        let twice = break_glass(&app, &worker_token, &reference).await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "{b}");

        // Every read of the case under it carries the marker.
        let audit = app.store.recent_audit(50).await.unwrap();
        let reads: Vec<_> = audit
            .iter()
            .filter(|e| e.target == format!("case:{case_id}") && e.action.starts_with("case.read"))
            .collect();
        assert!(reads.len() >= 2, "{b}: {reads:?}");
        assert!(
            reads
                .iter()
                .all(|e| e.detail.contains(&format!("break_glass={access}"))),
            "{b}: {reads:?}"
        );

        // The organisations the case is routed to are told; the notice is marked seen once.
        let cluj_page = app.login("cluj").await;
        let inbox = app.get("/inbox", Some(&cluj_page)).await;
        assert!(inbox.body.contains("id=\"glass-notices\""), "{b}");
        assert!(inbox.body.contains(&reference), "{b}");
        let cluj_token = app.token(&cluj).await;
        let notices = app
            .api(
                "GET",
                "/api/v1/break-glass/notices",
                Some(&cluj_token),
                None,
            )
            .await;
        let notice = notices.json()[0]["task"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(notices.json()[0]["access"]["note"], json!(WHY), "{b}");
        let seen_once = app
            .api(
                "POST",
                &format!("/api/v1/break-glass/tasks/{notice}/seen"),
                Some(&cluj_token),
                None,
            )
            .await;
        assert_eq!(seen_once.status, StatusCode::NO_CONTENT, "{b}");
        let seen_twice = app
            .api(
                "POST",
                &format!("/api/v1/break-glass/tasks/{notice}/seen"),
                Some(&cluj_token),
                None,
            )
            .await;
        assert_eq!(seen_twice.status, StatusCode::NOT_FOUND, "{b}");

        // The worker's supervisors and ANITP review it; a case worker may not.
        let refused = app
            .api(
                "GET",
                "/api/v1/break-glass/reviews",
                Some(&worker_token),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}");
        let boss_page = app.login("boss").await;
        let boss_inbox = app.get("/inbox", Some(&boss_page)).await;
        assert!(
            boss_inbox.body.contains(&format!("/break-glass/{access}")),
            "{b}"
        );
        let detail = app
            .get(&format!("/break-glass/{access}"), Some(&boss_page))
            .await;
        assert_eq!(detail.status, StatusCode::OK, "{b}");
        assert!(detail.body.contains("id=\"review-form\""), "{b}");
        assert!(detail.body.contains(WHY), "{b}");
        let review_action = detail
            .body
            .split("action=\"")
            .find(|a| a.contains("/review\""))
            .and_then(|a| a.split('"').next())
            .unwrap()
            .to_string();
        let unexplained = app
            .post_form(
                &review_action,
                &boss_page,
                &[("finding", "not_justified"), ("note", "")],
            )
            .await;
        assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            unexplained
                .body
                .contains("de ce accesul nu a fost justificat"),
            "{b}"
        );
        let reviewed = app
            .post_form(
                &review_action,
                &boss_page,
                &[
                    ("finding", "not_justified"),
                    ("note", "Colegii din Cluj puteau fi sunați"),
                ],
            )
            .await;
        assert_eq!(
            reviewed.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            reviewed.body
        );
        let coordinator_token = app.token(&coordinator).await;
        let anitp = app
            .api(
                "GET",
                "/api/v1/break-glass/reviews",
                Some(&coordinator_token),
                None,
            )
            .await;
        assert_eq!(anitp.status, StatusCode::OK, "{b}");
        let anitp_task = anitp.json()[0]["task"]["id"].as_str().unwrap().to_string();
        let justified = app
            .api(
                "POST",
                &format!("/api/v1/break-glass/tasks/{anitp_task}/review"),
                Some(&coordinator_token),
                Some(json!({"finding": "justified"})),
            )
            .await;
        assert_eq!(
            justified.status,
            StatusCode::NO_CONTENT,
            "{b}: {}",
            justified.body
        );
        let record = app
            .api(
                "GET",
                &format!("/api/v1/break-glass/{access}"),
                Some(&worker_token),
                None,
            )
            .await;
        let findings: Vec<(String, Option<String>)> = record.json()["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == "review")
            .map(|t| {
                (
                    t["org"].as_str().unwrap().to_string(),
                    t["finding"].as_str().map(String::from),
                )
            })
            .collect();
        assert_eq!(
            findings,
            [
                ("ANITP".to_string(), Some("justified".to_string())),
                ("ANITP-B".to_string(), Some("not_justified".to_string())),
            ],
            "{b}"
        );
        // Someone with no task of it is told there is none.
        let stranger = app.user("stranger", "DGASPC-B", "case_worker").await;
        let stranger_token = app.token(&stranger).await;
        let hidden = app
            .api(
                "GET",
                &format!("/api/v1/break-glass/{access}"),
                Some(&stranger_token),
                None,
            )
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{b}");

        // After the hour the case is closed to the worker again, and the banner gone.
        app.clock.advance_minutes(61);
        let page = app.login("worker").await;
        let closed = app.get(&format!("/cases/{case_id}"), Some(&page)).await;
        assert_eq!(closed.status, StatusCode::NOT_FOUND, "{b}");
        assert!(!closed.body.contains("id=\"break-glass-banner\""), "{b}");

        // A new access may be ended early by its holder, and then closes at once.
        let worker_token = app.token(&worker).await;
        let again = break_glass(&app, &worker_token, &reference).await;
        assert_eq!(again.status, StatusCode::CREATED, "{b}: {}", again.body);
        let second = again.json()["id"].as_str().unwrap().to_string();
        let ended = app
            .post_form(&format!("/break-glass/{second}/end"), &page, &[])
            .await;
        assert_eq!(ended.status, StatusCode::SEE_OTHER, "{b}");
        let after = app.get(&format!("/cases/{case_id}"), Some(&page)).await;
        assert_eq!(after.status, StatusCode::NOT_FOUND, "{b}");
        assert!(matches!(
            app.store.verify_audit().await.unwrap(),
            mnir_store::AuditVerdict::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn a_case_already_seen_needs_no_glass_and_a_profile_may_forbid_it_to_a_role() {
    for app in backends().await {
        let b = app.backend;
        let app =
            app.with_rules(|rules| rules.break_glass.forbidden_roles = vec![Role::Supervisor]);
        let (_, reference) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, FAMILY)
            .await;
        let cluj = app.user("cluj", "ANITP-CJ", "case_worker").await;
        let cluj = app.token(&cluj).await;
        let needless = break_glass(&app, &cluj, &reference).await;
        assert_eq!(
            needless.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            needless.body
        );

        // An investigating body reaches the support side only through a disclosure.
        let police = app.user("police", "IGPR", "case_worker").await;
        let police = app.token(&police).await;
        let refused = break_glass(&app, &police, &reference).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            refused.body
        );
        let audit = app.store.recent_audit(5).await.unwrap();
        assert!(
            audit.iter().any(|e| e.action == "break_glass.refused"
                && e.detail.contains(&reference)
                && e.detail.contains("forbidden")),
            "{b}: the refused attempt is audited"
        );

        let boss = app.user("boss", "ANITP-B", "case_worker,supervisor").await;
        let boss_token = app.token(&boss).await;
        let forbidden = break_glass(&app, &boss_token, &reference).await;
        assert_eq!(
            forbidden.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            forbidden.body
        );
        let page = app.login("boss").await;
        let form = app.get("/break-glass", Some(&page)).await;
        assert_eq!(form.status, StatusCode::OK, "{b}");
        assert!(form.body.contains("id=\"break-glass-forbidden\""), "{b}");
        assert!(!form.body.contains("id=\"break-glass-form\""), "{b}");

        // A supervisor allowed to break the glass cannot review their own access.
        let app = app.with_rules(|rules| rules.break_glass.forbidden_roles.clear());
        let opened = break_glass(&app, &boss_token, &reference).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{b}: {}", opened.body);
        let reviews = app
            .api(
                "GET",
                "/api/v1/break-glass/reviews",
                Some(&boss_token),
                None,
            )
            .await;
        let task = reviews.json()[0]["task"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let own = app
            .api(
                "POST",
                &format!("/api/v1/break-glass/tasks/{task}/review"),
                Some(&boss_token),
                Some(json!({"finding": "justified"})),
            )
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "{b}: {}", own.body);
    }
}
