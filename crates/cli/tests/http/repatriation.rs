//! Assisted voluntary repatriation through the API (mnir.md §10): the steps in order, each guard
//! refusing its step with its code, a supervisor's approval, the case returned once travel and
//! reception are done, the follow-up dates, and two people moving one procedure at once.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState};
use serde_json::{Value, json};

fn full_domains(extra: &[(&str, i64)]) -> Value {
    let mut d = serde_json::Map::new();
    for code in [
        "personal_safety",
        "family_safety",
        "family_at_home",
        "re_trafficking",
        "physical_health",
        "mental_health",
        "legal_situation",
        "housing_livelihood",
    ] {
        d.insert(code.into(), json!({"severity": 1, "likelihood": 1}));
    }
    for (code, severity) in extra {
        d.insert(
            code.to_string(),
            json!({"severity": severity, "likelihood": 3}),
        );
    }
    Value::Object(d)
}

#[tokio::test]
async fn a_return_goes_step_by_step_and_each_guard_names_itself() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let sup = app.user("sup", "ANITP-CJ", "supervisor").await;
        let other = app.user("other", "ANITP-B", "case_worker").await;
        let (cw, sup, other) = (
            app.token(&cw).await,
            app.token(&sup).await,
            app.token(&other).await,
        );
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Returneva",
                "MD",
                CaseState::InAssistance,
            )
            .await;
        let call = |method: &'static str, path: String, token: String, body: Option<Value>| {
            let app = &app;
            async move { app.api(method, &path, Some(&token), body).await }
        };
        let refused = |r: &TestResponse, code: &str| {
            assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {code}: {}", r.body);
            assert_eq!(r.json()["error"]["code"], code, "{b}: {}", r.body);
        };

        // A Romanian citizen would come home; this person is Moldovan.
        let wrong = call(
            "POST",
            format!("/api/v1/cases/{case}/repatriation"),
            cw.clone(),
            Some(json!({"direction": "to_romania", "partner_org": "NOBODY", "country": "RO"})),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            field_names(&wrong),
            ["partner_org", "country", "direction"],
            "{b}: {}",
            wrong.body
        );
        let open = json!({"direction": "from_romania", "partner_org": "IGPR", "country": "MD"});
        let opened = call(
            "POST",
            format!("/api/v1/cases/{case}/repatriation"),
            cw.clone(),
            Some(open.clone()),
        )
        .await;
        assert_eq!(opened.status, StatusCode::CREATED, "{b}: {}", opened.body);
        let id = opened.json()["id"].as_str().unwrap().to_string();
        assert_eq!(opened.json()["steps"].as_array().unwrap().len(), 8, "{b}");
        assert_eq!(opened.json()["next"]["step"], "request", "{b}");
        assert_eq!(opened.json()["next"]["blocked_by"], "no_consent", "{b}");
        let again = call(
            "POST",
            format!("/api/v1/cases/{case}/repatriation"),
            cw.clone(),
            Some(open),
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{b}");
        // Another organisation does not know the procedure exists.
        let hidden = call("GET", format!("/api/v1/repatriations/{id}"), other, None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{b}");

        let step = |name: &'static str, body: Value| {
            let id = id.clone();
            call(
                "POST",
                format!("/api/v1/repatriations/{id}/steps/{name}"),
                cw.clone(),
                Some(body),
            )
        };
        let today = "2026-11-28";
        let done = json!({"state": "done", "date": today, "responsible_org": "ANITP-CJ", "responsible_person": "Ioana Pop"});
        let with = |details: Value| {
            let mut body = done.clone();
            body["details"] = details;
            body
        };
        refused(&step("request", done.clone()).await, "no_consent");
        let r = step("request", json!({"state": "done", "date": "2026-11-29"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            field_names(&r),
            ["date", "responsible_org", "responsible_person"],
            "{b}"
        );
        let r = step("teleport", done.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field_names(&r), ["step"], "{b}");
        let consent = call(
            "POST",
            format!("/api/v1/cases/{case}/consents"),
            cw.clone(),
            Some(json!({"purpose": "repatriation", "given_by": "person", "method": "signed_form"})),
        )
        .await;
        assert_eq!(consent.status, StatusCode::CREATED, "{b}: {}", consent.body);
        // In order: the travel documents wait for the risk assessment step.
        refused(
            &step("travel_documents", done.clone()).await,
            "previous_step_not_done",
        );
        refused(
            &step("travel_documents", json!({"state": "in_progress"})).await,
            "previous_step_not_started",
        );
        let r = step("request", done.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        refused(&step("request", done.clone()).await, "step_already_done");
        // The risk step is done with the return's assessment, made after the request.
        refused(
            &step("risk_assessment", done.clone()).await,
            "no_return_risk_assessment",
        );
        let approve = || {
            call(
                "POST",
                format!("/api/v1/repatriations/{id}/approval"),
                sup.clone(),
                None,
            )
        };
        let assess = |level: i64| {
            call(
                "POST",
                format!("/api/v1/cases/{case}/risk-assessments"),
                cw.clone(),
                Some(json!({"kind": "return", "partner_org": "IGPR",
                            "domains": full_domains(&[("family_at_home", level)])})),
            )
        };
        let assessed = assess(1).await;
        assert_eq!(
            assessed.status,
            StatusCode::CREATED,
            "{b}: {}",
            assessed.body
        );
        assert_eq!(assessed.json()["overall"], "medium", "{b}");
        let medium = assessed.json()["id"].as_str().unwrap().to_string();
        refused(&approve().await, "approval_not_needed");
        let r = step("risk_assessment", done.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let mut documents = done.clone();
        documents["documents"] = json!([{"kind": "passport", "number": "MD-0042917"}]);
        let r = step("travel_documents", documents).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = step("fit_to_travel", with(json!({"escort": "by_balloon"}))).await;
        assert_eq!(field_names(&r), ["details.escort"], "{b}");
        let r = step("fit_to_travel", with(json!({"escort": "medical"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);

        let travel = with(json!({"itinerary": "Cluj – Chișinău, autocar", "met_by": "La Strada"}));
        // A newer assessment finds a high risk: the travel waits for a supervisor.
        let assessed = assess(3).await;
        assert_eq!(
            assessed.status,
            StatusCode::CREATED,
            "{b}: {}",
            assessed.body
        );
        assert_eq!(assessed.json()["overall"], "high", "{b}");
        refused(&step("travel", travel.clone()).await, "approval_required");
        let not_yours = call(
            "POST",
            format!("/api/v1/repatriations/{id}/approval"),
            cw.clone(),
            None,
        )
        .await;
        assert_eq!(not_yours.status, StatusCode::FORBIDDEN, "{b}");
        // Approving what the supervisor read: the earlier assessment is no longer the latest.
        let stale = call(
            "POST",
            format!("/api/v1/repatriations/{id}/approval"),
            sup.clone(),
            Some(json!({"assessment_id": medium})),
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{b}: {}", stale.body);
        assert_eq!(stale.json()["error"]["code"], "conflict", "{b}");
        let approved = approve().await;
        assert_eq!(approved.status, StatusCode::OK, "{b}: {}", approved.body);
        // The reflection period, accepted now, holds the travel until the person ends it.
        let offered = call(
            "POST",
            format!("/api/v1/cases/{case}/reflection"),
            cw.clone(),
            Some(json!({"accepted": true, "language": "ro"})),
        )
        .await;
        assert_eq!(offered.status, StatusCode::CREATED, "{b}: {}", offered.body);
        refused(
            &step("travel", travel.clone()).await,
            "reflection_period_running",
        );
        let ended = call(
            "POST",
            format!("/api/v1/cases/{case}/reflection/end"),
            cw.clone(),
            Some(json!({"outcome": "return", "reason": "Persoana a cerut întoarcerea."})),
        )
        .await;
        assert_eq!(ended.status, StatusCode::NO_CONTENT, "{b}");

        // Two people marking the travel done at once: one wins, the other is refused.
        let (x, y) = tokio::join!(
            step("travel", travel.clone()),
            step("travel", travel.clone())
        );
        let statuses = [x.status, y.status];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT),
            "{b}: {statuses:?} {} {}",
            x.body,
            y.body
        );
        let withdrawn = call(
            "POST",
            format!("/api/v1/repatriations/{id}/withdraw"),
            cw.clone(),
            Some(json!({"reason": "S-a răzgândit."})),
        )
        .await;
        refused(&withdrawn, "travel_done");
        refused(
            &step("travel", json!({"state": "pending"})).await,
            "travel_done",
        );

        let received = step(
            "reception",
            with(json!({"stays_at": "Centrul de plasament", "first_day_needs": "Haine, hrană"})),
        )
        .await;
        assert_eq!(received.status, StatusCode::OK, "{b}: {}", received.body);
        let body = received.json();
        assert_eq!(
            body["follow_up_due"],
            json!(["2026-12-28", "2027-02-28", "2027-05-28", "2027-11-28"]),
            "{b}"
        );
        assert_eq!(
            body["steps"][2]["documents"][0]["number"], "MD-0042917",
            "{b}"
        );
        assert_eq!(body["next"]["step"], "reintegration_plan", "{b}");
        // The return complete, its reception stands as recorded.
        refused(
            &step("reception", json!({"state": "blocked", "note": "?"})).await,
            "travel_done",
        );
        let case_now = call("GET", format!("/api/v1/cases/{case}"), cw.clone(), None).await;
        assert_eq!(
            case_now.json()["state"],
            "returned",
            "{b}: {}",
            case_now.body
        );
        let listed = call(
            "GET",
            format!("/api/v1/cases/{case}/repatriation"),
            cw.clone(),
            None,
        )
        .await;
        assert_eq!(listed.json()["repatriations"][0]["id"], id, "{b}");
    }
}

#[tokio::test]
async fn the_person_may_withdraw_before_travelling_and_the_history_stays() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let cw = app.token(&cw).await;
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Acasescu",
                "RO",
                CaseState::IdentifiedVictim,
            )
            .await;
        let opened = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/repatriation"),
                Some(&cw),
                Some(
                    json!({"direction": "to_romania", "partner_org": "DGASPC-CJ", "country": "it"}),
                ),
            )
            .await;
        assert_eq!(opened.status, StatusCode::CREATED, "{b}: {}", opened.body);
        assert_eq!(opened.json()["country"], "IT", "{b}");
        let id = opened.json()["id"].as_str().unwrap().to_string();
        let blocked = app
            .api(
                "POST",
                &format!("/api/v1/repatriations/{id}/steps/request"),
                Some(&cw),
                Some(json!({"state": "blocked"})),
            )
            .await;
        assert_eq!(field_names(&blocked), ["note"], "{b}");
        let no_reason = app
            .api(
                "POST",
                &format!("/api/v1/repatriations/{id}/withdraw"),
                Some(&cw),
                Some(json!({})),
            )
            .await;
        assert_eq!(field_names(&no_reason), ["reason"], "{b}");
        let withdrawn = app
            .api(
                "POST",
                &format!("/api/v1/repatriations/{id}/withdraw"),
                Some(&cw),
                Some(json!({"reason": "Rămâne la familia din Italia."})),
            )
            .await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{b}: {}", withdrawn.body);
        assert!(withdrawn.json()["cancelled_at"].is_string(), "{b}");
        assert!(withdrawn.json()["next"].is_null(), "{b}");
        let after = app
            .api(
                "POST",
                &format!("/api/v1/repatriations/{id}/steps/request"),
                Some(&cw),
                Some(json!({"state": "in_progress"})),
            )
            .await;
        assert_eq!(after.status, StatusCode::CONFLICT, "{b}");
        assert_eq!(after.json()["error"]["code"], "procedure_cancelled", "{b}");
        // A new one may be opened once the first is cancelled.
        let reopened = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/repatriation"),
                Some(&cw),
                Some(
                    json!({"direction": "to_romania", "partner_org": "DGASPC-CJ", "country": "IT"}),
                ),
            )
            .await;
        assert_eq!(
            reopened.status,
            StatusCode::CREATED,
            "{b}: {}",
            reopened.body
        );
    }
}
