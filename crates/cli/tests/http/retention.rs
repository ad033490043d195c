//! Retention, erasure and legal hold (mnir.md §13) over HTTP, on both databases: a hold placed
//! and lifted by the case's supervisor, a person's request answered under it, the schedules run
//! by an administrator, and what an erased case still shows.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState};
use serde_json::json;

const FAMILY: &str = "Cărbunaru-Vâlceanu";

/// Closes a case in assistance through the API, as its supervisor.
async fn close(app: &App, token: &str, case_id: &str) {
    let closed = app
        .api(
            "POST",
            &format!("/api/v1/cases/{case_id}/transitions"),
            Some(token),
            Some(json!({"to": "closed", "reason": "Asistența s-a încheiat"})),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
}

#[tokio::test]
async fn a_hold_keeps_a_case_from_a_request_to_erase_until_it_is_lifted() {
    for app in backends().await {
        let b = app.backend;
        let (case_id, reference) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                FAMILY,
                "RO",
                CaseState::InAssistance,
            )
            .await;
        let boss = app.user("boss", "ANITP-CJ", "supervisor").await;
        let worker = app.user("worker", "ANITP-CJ", "case_worker").await;
        let outsider = app.user("outsider", "ANITP-B", "supervisor").await;
        app.user("glass", "ANITP-B", "case_worker").await;
        let boss_token = app.token(&boss).await;
        let worker_token = app.token(&worker).await;
        let holds = format!("/api/v1/cases/{case_id}/legal-holds");
        let page_path = format!("/cases/{case_id}/retention");

        // The case's case workers see the holds; only its supervisors keep them; another
        // organisation does not learn the case exists.
        let worker_page = app.get(&page_path, Some(&app.login("worker").await)).await;
        assert_eq!(worker_page.status, StatusCode::OK, "{b}");
        assert!(!worker_page.body.contains("id=\"hold-form\""), "{b}");
        let refused = app
            .api(
                "POST",
                &holds,
                Some(&worker_token),
                Some(json!({"reason": "complaint"})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}");
        let hidden = app
            .get(&page_path, Some(&app.login("outsider").await))
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{b}");
        let outsider_token = app.token(&outsider).await;
        let hidden = app.api("GET", &holds, Some(&outsider_token), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{b}");

        // Bad input is named field by field; nothing is placed.
        let bad = app
            .api(
                "POST",
                &holds,
                Some(&boss_token),
                Some(json!({"reason": "curiosity"})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field_names(&bad), ["reason"], "{b}");
        let bare_other = app
            .api(
                "POST",
                &holds,
                Some(&boss_token),
                Some(json!({"reason": "other", "note": "   "})),
            )
            .await;
        assert_eq!(field_names(&bare_other), ["note"], "{b}");
        let placed = app
            .api(
                "POST",
                &holds,
                Some(&boss_token),
                Some(json!({"reason": "criminal_proceedings", "note": "Dosar 77/P/2026"})),
            )
            .await;
        assert_eq!(placed.status, StatusCode::CREATED, "{b}: {}", placed.body);
        let hold_id = placed.json()["id"].as_str().unwrap().to_string();

        // A request while the hold stands is recorded and refused, and the page says why.
        let session = app.login("boss").await;
        let future = app
            .post_form(
                &format!("/cases/{case_id}/erasure-requests"),
                &session,
                &[("received_on", "2099-01-01"), ("note", "")],
            )
            .await;
        assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(future.body.contains("nu poate fi în viitor"), "{b}");
        let held = app
            .post_form(
                &format!("/cases/{case_id}/erasure-requests"),
                &session,
                &[
                    ("received_on", "2026-11-27"),
                    ("note", "Cerere prin avocat"),
                ],
            )
            .await;
        assert_eq!(held.status, StatusCode::SEE_OTHER, "{b}: {}", held.body);
        app.clock.advance_minutes(1);
        let told = app.get(&held.location(), Some(&session)).await;
        assert!(
            told.body.contains("există o reținere legală"),
            "{b}: {}",
            told.body
        );
        assert!(told.body.contains("Dosar 77/P/2026"), "{b}");

        // Another organisation the case is routed to cannot lift the hold placed by ANITP-CJ.
        app.user("police", "IGPR", "supervisor").await;
        let police = app.login("police").await;
        let not_theirs = app
            .post_form(
                &format!("/cases/{case_id}/legal-holds/{hold_id}/lift"),
                &police,
                &[("note", "Nu mai e nevoie")],
            )
            .await;
        assert_eq!(
            not_theirs.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            not_theirs.body
        );
        assert!(
            not_theirs.body.contains("instituită de altă organizație"),
            "{b}"
        );
        // Lifting needs a reason; then the case, still in assistance, is kept for that.
        let no_reason = app
            .post_form(
                &format!("/cases/{case_id}/legal-holds/{hold_id}/lift"),
                &session,
                &[("note", " ")],
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            no_reason.body.contains("Precizați motivul ridicării"),
            "{b}"
        );
        let lifted = app
            .post_form(
                &format!("/cases/{case_id}/legal-holds/{hold_id}/lift"),
                &session,
                &[("note", "Clasare, ordonanța din 20.11.2026")],
            )
            .await;
        assert_eq!(lifted.status, StatusCode::SEE_OTHER, "{b}");
        let request = json!({"received_on": "2026-11-27"});
        let open = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case_id}/erasure-requests"),
                Some(&boss_token),
                Some(request.clone()),
            )
            .await;
        assert_eq!(open.status, StatusCode::CREATED, "{b}");
        assert_eq!(open.json()["answer"], "case_open", "{b}");
        let case_page = app.get(&format!("/cases/{case_id}"), Some(&session)).await;
        assert!(case_page.body.contains(FAMILY), "{b}");

        // Closed, the case is erased at the person's request (asked again a minute later).
        close(&app, &boss_token, &case_id).await;
        app.clock.advance_minutes(1);
        let erased = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case_id}/erasure-requests"),
                Some(&boss_token),
                Some(request.clone()),
            )
            .await;
        assert_eq!(erased.json()["answer"], "erased", "{b}: {}", erased.body);
        let case_page = app.get(&format!("/cases/{case_id}"), Some(&session)).await;
        assert_eq!(case_page.status, StatusCode::OK, "{b}");
        assert!(case_page.body.contains("id=\"case-erased\""), "{b}");
        assert!(!case_page.body.contains(FAMILY), "{b}");
        assert!(case_page.body.contains(&reference), "{b}");
        let state = app
            .api("GET", &holds, Some(&worker_token), None)
            .await
            .json();
        assert_eq!(state["erasure"]["basis"], "request", "{b}");
        let answers: Vec<&str> = state["erasure_requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["answer"].as_str().unwrap())
            .collect();
        assert_eq!(answers, ["erased", "case_open", "legal_hold"], "{b}");
        // Nothing more is recorded on it: not a reopening, not a hold, not another request.
        let reopen = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case_id}/transitions"),
                Some(&boss_token),
                Some(json!({"to": "in_assistance", "reason": "Persoana a revenit"})),
            )
            .await;
        assert_eq!(reopen.status, StatusCode::FORBIDDEN, "{b}: {}", reopen.body);
        let again = app
            .api(
                "POST",
                &holds,
                Some(&boss_token),
                Some(json!({"reason": "complaint"})),
            )
            .await;
        assert_eq!(again.status, StatusCode::FORBIDDEN, "{b}");
        // Nor is it opened by break-glass from another organisation.
        let outsider_glass = app
            .api(
                "POST",
                "/api/v1/break-glass",
                Some(&app.token(&app.store.user_by_login("glass").await.unwrap().unwrap()).await),
                Some(json!({"reference": reference, "reason": "immediate_danger", "note": "Persoana e aici"})),
            )
            .await;
        assert_eq!(
            outsider_glass.status,
            StatusCode::FORBIDDEN,
            "{b}: {}",
            outsider_glass.body
        );
        assert!(matches!(
            app.store.verify_audit().await.unwrap(),
            mnir_store::AuditVerdict::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn the_schedules_erase_closed_cases_past_their_period_except_those_held() {
    for app in backends().await {
        let b = app.backend;
        let boss = app.user("boss", "ANITP-CJ", "supervisor").await;
        app.user("admin", "ANITP", "admin").await;
        app.user("coord", "ANITP", "coordinator").await;
        let boss_token = app.token(&boss).await;
        let mut cases = Vec::new();
        for name in [FAMILY, "Păunescu-Oltean"] {
            let (id, reference) = app
                .seed_case_as(
                    "RO-CJ",
                    "IGPR",
                    AgeGroup::Adult,
                    name,
                    "RO",
                    CaseState::InAssistance,
                )
                .await;
            close(&app, &boss_token, &id).await;
            cases.push((id, reference));
        }
        let (kept_id, kept_reference) = &cases[1];
        let placed = app
            .api(
                "POST",
                &format!("/api/v1/cases/{kept_id}/legal-holds"),
                Some(&boss_token),
                Some(json!({"reason": "court_order"})),
            )
            .await;
        assert_eq!(placed.status, StatusCode::CREATED, "{b}");

        // Nothing is due before the profile's ten years.
        let admin = app.login("admin").await;
        let page = app.get("/retention", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.body.contains("10 ani"), "{b}");
        assert!(page.body.contains("Niciun caz nu este la termen"), "{b}");

        app.clock.advance_minutes(10 * 366 * 24 * 60);
        let admin = app.login("admin").await;
        let admin_token = app
            .token(&app.store.user_by_login("admin").await.unwrap().unwrap())
            .await;
        let dry = app
            .api(
                "POST",
                "/api/v1/retention/run",
                Some(&admin_token),
                Some(json!({"dry_run": true})),
            )
            .await;
        assert_eq!(dry.status, StatusCode::OK, "{b}: {}", dry.body);
        assert_eq!(
            (
                dry.json()["due"]["closed_cases"].clone(),
                dry.json()["erased_cases"].clone()
            ),
            (json!(1), json!(0)),
            "{b}"
        );
        // An administrator, who sees no case, has the counts; ANITP's coordinator sees which
        // case is due (the held one is not); only an administrator runs the periods.
        let page = app.get("/retention", Some(&admin)).await;
        assert!(!page.body.contains(&cases[0].1), "{b}: {}", page.body);
        let coord = app.login("coord").await;
        let read = app.get("/retention", Some(&coord)).await;
        assert_eq!(read.status, StatusCode::OK, "{b}");
        assert!(
            read.body.contains(&cases[0].1),
            "{b}: the case due is listed"
        );
        assert!(!read.body.contains(kept_reference.as_str()), "{b}");
        assert!(!read.body.contains("id=\"retention-run\""), "{b}");
        let run_refused = app.post_form("/retention/run", &coord, &[]).await;
        assert_eq!(run_refused.status, StatusCode::FORBIDDEN, "{b}");
        let boss_session = app.login("boss").await;
        let hidden = app.get("/retention", Some(&boss_session)).await;
        assert_eq!(hidden.status, StatusCode::FORBIDDEN, "{b}");

        let ran = app.post_form("/retention/run", &admin, &[]).await;
        assert_eq!(ran.status, StatusCode::OK, "{b}: {}", ran.body);
        assert!(ran.body.contains("id=\"retention-report\""), "{b}");
        let register = app
            .api(
                "GET",
                "/api/v1/retention/erasures",
                Some(&admin_token),
                None,
            )
            .await
            .json();
        let erased: Vec<&str> = register["erasures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["case_reference"].as_str().unwrap())
            .collect();
        assert_eq!(erased, [cases[0].1.as_str()], "{b}");
        assert_eq!(register["erasures"][0]["basis"], "schedule", "{b}");
        let bad_place = app
            .api(
                "GET",
                "/api/v1/retention/erasures?after=yesterday",
                Some(&admin_token),
                None,
            )
            .await;
        assert_eq!(bad_place.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        // The held case keeps its name; the erased one shows none.
        let boss_session = app.login("boss").await;
        let kept = app
            .get(&format!("/cases/{kept_id}"), Some(&boss_session))
            .await;
        assert!(kept.body.contains("Păunescu-Oltean"), "{b}");
        let gone = app
            .get(&format!("/cases/{}", cases[0].0), Some(&boss_session))
            .await;
        assert!(!gone.body.contains(FAMILY), "{b}");
        let after = app
            .api("GET", "/api/v1/retention", Some(&admin_token), None)
            .await
            .json();
        assert_eq!(
            (after["due"]["closed_cases"].clone(), after["held"].clone()),
            (json!(0), json!(1)),
            "{b}"
        );
    }
}
