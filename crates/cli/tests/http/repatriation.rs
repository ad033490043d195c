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
        app.partners_abroad().await;
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
        // Alone, the direction the person's citizenship refuses is a clash with the case.
        let homeward = call(
            "POST",
            format!("/api/v1/cases/{case}/repatriation"),
            cw.clone(),
            Some(json!({"direction": "to_romania", "partner_org": "IGPR", "country": "MD"})),
        )
        .await;
        assert_eq!(
            homeward.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            homeward.body
        );
        assert_eq!(
            field_names(&homeward),
            ["direction"],
            "{b}: {}",
            homeward.body
        );
        // From Romania the partner is one of the country of return, listed with its country.
        for partner in ["IGPR", "PARTNER-UA"] {
            let misplaced = call(
                "POST",
                format!("/api/v1/cases/{case}/repatriation"),
                cw.clone(),
                Some(json!({"direction": "from_romania", "partner_org": partner, "country": "MD"})),
            )
            .await;
            // Where a partner works is the register's: a conflict, not a malformed request.
            assert_eq!(misplaced.status, StatusCode::CONFLICT, "{b}");
            assert_eq!(field_names(&misplaced), ["partner_org"], "{b}: {partner}");
        }
        let open =
            json!({"direction": "from_romania", "partner_org": "PARTNER-MD", "country": "MD"});
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
        // Recorded after the fact: the return happened in the autumn, so that its first
        // follow-up check-in has fallen due by the test's day (28 November 2026).
        let happened = "2026-09-30";
        let done = json!({"state": "done", "date": happened, "responsible_org": "ANITP-CJ", "responsible_person": "Ioana Pop"});
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
                Some(json!({"kind": "return", "partner_org": "PARTNER-MD",
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
        // A step is not set back under one done after it.
        refused(
            &step("risk_assessment", json!({"state": "in_progress"})).await,
            "later_step_done",
        );
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
            json!(["2026-10-30", "2026-12-30", "2027-03-30", "2027-09-30"]),
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

        // The follow-up: one clock per check-in, the first already due, so its task is made.
        let follow_ups = app
            .store
            .clocks_of(&case)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.kind.as_str() == "repatriation_followup")
            .count();
        assert_eq!(follow_ups, 4, "{b}");
        let tasks = app
            .store
            .fire_due_clocks(at(app.clock.now()), 100)
            .await
            .unwrap();
        assert_eq!(tasks.len(), 1, "{b}: {tasks:?}");
        assert_eq!(
            (tasks[0].org_code.as_str(), tasks[0].clock_kind.as_str()),
            ("ANITP-CJ", "repatriation_followup"),
            "{b}"
        );
        let open_tasks = || {
            app.store.count_open_tasks(
                "ANITP-CJ",
                Some(&[mnir_domain::clocks::ClockKind::RepatriationFollowup]),
            )
        };
        assert_eq!(open_tasks().await.unwrap(), 1, "{b}");
        let checkin = |n: i64, body: Value| {
            call(
                "POST",
                format!("/api/v1/repatriations/{id}/checkins/{n}"),
                cw.clone(),
                Some(body),
            )
        };
        let r = checkin(1, json!({"date": "2026-09-01", "situation": {"mood": "?"}})).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert_eq!(
            field_names(&r),
            ["date", "contact_made", "situation.mood"],
            "{b}: {}",
            r.body
        );
        // Before the reception recorded on 30 September: the procedure's records refuse it.
        let r = checkin(1, json!({"date": "2026-09-01", "contact_made": true})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        assert_eq!(field_names(&r), ["date"], "{b}: {}", r.body);
        let r = checkin(9, json!({"date": "2026-11-01", "contact_made": true})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let first = json!({"date": "2026-11-02", "contact_made": true, "new_assessment": true,
            "situation": {"housing": "La mătușa ei, în Bălți", "concerns": "Recrutorul a sunat-o"}});
        let r = checkin(1, first.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let recorded = &r.json()["checkins"][0];
        assert_eq!(recorded["contact_made"], true, "{b}");
        assert_eq!(recorded["new_assessment"], true, "{b}");
        assert_eq!(
            recorded["situation"]["concerns"], "Recrutorul a sunat-o",
            "{b}"
        );
        assert_eq!(r.json()["checkins"][1]["date"], Value::Null, "{b}");
        // Its task is done; recording it twice is refused.
        assert_eq!(open_tasks().await.unwrap(), 0, "{b}");
        let r = checkin(1, first.clone()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.body);
        // A check-in made before it falls due stops its clock.
        let r = checkin(2, json!({"date": "2026-11-28", "contact_made": false})).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let states = |clocks: Vec<mnir_store::ClockRecord>| {
            let mut followups: Vec<(i64, String)> = clocks
                .into_iter()
                .filter(|c| c.kind.as_str() == "repatriation_followup")
                .map(|c| (c.due_at_ms.unwrap().millis(), c.state.as_str().to_string()))
                .collect();
            followups.sort();
            followups.into_iter().map(|(_, s)| s).collect::<Vec<_>>()
        };
        assert_eq!(
            states(app.store.clocks_of(&case).await.unwrap()),
            ["expired", "stopped", "running", "running"],
            "{b}"
        );
        // Closing the follow-up stops the check-ins still ahead; none is recorded after it.
        let plan = with(json!({"housing": "Locuiește cu mătușa", "work": "Curs de croitorie"}));
        let r = step("reintegration_plan", plan).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let under_way = || async {
            app.store
                .returns_under_way("ANITP-CJ", 50)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert!(
            under_way().await.contains(&id),
            "{b}: under way until its follow-up closes"
        );
        let r = step("follow_up", done.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            !under_way().await.contains(&id),
            "{b}: over once its follow-up is closed"
        );
        // The coordinator's kept counts followed every step: the return is counted complete
        // with its days to travel, as a full count finds it.
        assert_eq!(app.store.tally_drift().await.unwrap(), [], "{b}");
        assert!(
            app.store
                .repatriation_tallies()
                .await
                .unwrap()
                .iter()
                .any(|(_, standing, days, n)| standing.as_str() == "complete"
                    && days.is_some()
                    && *n == 1),
            "{b}"
        );
        assert_eq!(
            states(app.store.clocks_of(&case).await.unwrap()),
            ["expired", "stopped", "stopped", "stopped"],
            "{b}"
        );
        refused(
            &checkin(3, json!({"date": "2026-11-28", "contact_made": true})).await,
            "follow_up_closed",
        );
        refused(
            &step("follow_up", json!({"state": "in_progress"})).await,
            "follow_up_closed",
        );
        // A check-in that finds reason to assesses the return again, the case returned.
        let again = assess(1).await;
        assert_eq!(again.status, StatusCode::CREATED, "{b}: {}", again.body);
        // The statistics count the check-ins in the year they fell due, by what became of them
        // before its end: 2026 holds the first (the person reached) and the second (made early,
        // not reached); 2027 the two the closed follow-up no longer owes.
        use mnir_domain::statistics::{Source, Unit};
        let year = |y: i32| {
            let (from, to) = mnir_domain::statistics::year_bounds_ms(
                y,
                &mnir_domain::jurisdiction::Jurisdiction::romania(),
            );
            mnir_store::CountQuery {
                unit: Unit::CheckIns,
                from: at(from),
                to: at(to),
                counties: None,
                rows: Source::CheckInOutcome,
                columns: Source::Citizenship,
            }
        };
        let counted = app
            .store
            .count_grouped(&[year(2026), year(2027)], &cli(START_MS), "test")
            .await
            .unwrap();
        let outcomes = |rows: &[mnir_store::GroupedCount]| {
            let mut found: Vec<(String, String, i64)> = rows
                .iter()
                .map(|(r, c, n, _)| (r.clone(), c.clone(), *n))
                .collect();
            found.sort();
            found
        };
        assert_eq!(
            outcomes(&counted[0]),
            [
                ("contact_made".to_string(), "MD".to_string(), 1),
                ("not_reached".to_string(), "MD".to_string(), 1)
            ],
            "{b}"
        );
        assert_eq!(
            outcomes(&counted[1]),
            [("closed".to_string(), "MD".to_string(), 2)],
            "{b}"
        );
    }
}

#[tokio::test]
async fn the_person_may_withdraw_before_travelling_and_the_history_stays() {
    for app in backends().await {
        app.partners_abroad().await;
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

/// The pages: the case page's panel, the form that opens a return, the procedure's page with what
/// blocks its next step, a step refused and explained, the step recorded once the consent is
/// in force, and the return file in both languages with nothing from the notes.
#[tokio::test]
async fn the_pages_open_a_return_explain_a_refused_step_and_print_the_return_file() {
    for app in backends().await {
        app.partners_abroad().await;
        let b = app.backend;
        let worker = app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("police", "IGPR", "investigator").await;
        let cw = app.login("cw").await;
        let token = app.token(&worker).await;
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
        let page = app
            .get_lang(&format!("/cases/{case}"), Some(&cw), Some("en"))
            .await;
        assert!(page.body.contains("id=\"returns-title\""), "{b}");
        assert!(
            page.body
                .contains(&format!("/cases/{case}/repatriation/new")),
            "{b}"
        );
        // The investigator is outside the support compartment: no panel, no page.
        let police = app.login("police").await;
        let theirs = app.get(&format!("/cases/{case}"), Some(&police)).await;
        assert!(!theirs.body.contains("id=\"returns-title\""), "{b}");
        let form = app
            .get_lang(
                &format!("/cases/{case}/repatriation/new"),
                Some(&cw),
                Some("en"),
            )
            .await;
        assert_eq!(form.status, StatusCode::OK, "{b}: {}", form.body);
        // A Moldovan goes home: the form proposes that direction and country.
        assert!(form.body.contains("value=\"from_romania\" checked"), "{b}");
        assert!(form.body.contains("value=\"MD\" selected"), "{b}");
        let wrong = app
            .post_form(
                &format!("/cases/{case}/repatriation/new"),
                &cw,
                &[
                    ("direction", "from_romania"),
                    ("partner_org", ""),
                    ("country", "RO"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            wrong.body.contains("href=\"#partner_org\""),
            "{b}: {}",
            wrong.body
        );
        assert!(wrong.body.contains("href=\"#country\""), "{b}");
        let opened = app
            .post_form(
                &format!("/cases/{case}/repatriation/new"),
                &cw,
                &[
                    ("direction", "from_romania"),
                    ("partner_org", "PARTNER-MD"),
                    ("country", "MD"),
                ],
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{b}: {}", opened.body);
        let at = opened.location();
        assert!(at.starts_with("/repatriations/"), "{b}: {at}");
        let id = at.trim_start_matches("/repatriations/").to_string();
        // The case page lists the steps and what blocks the next.
        let case_page = app
            .get_lang(&format!("/cases/{case}"), Some(&cw), Some("en"))
            .await;
        let panel = &case_page.body[case_page.body.find("id=\"returns\"").expect("the panel")..];
        assert!(panel.contains("class=\"return-steps-brief\""), "{b}");
        assert!(panel.contains("What blocks it now:"), "{b}");
        let procedure = app.get_lang(&at, Some(&cw), Some("en")).await;
        assert_eq!(procedure.status, StatusCode::OK, "{b}");
        // The next step and what blocks it, with the way to lift it.
        assert!(procedure.body.contains("id=\"blocked-request\""), "{b}");
        assert!(
            procedure.body.contains(&format!("/cases/{case}/consent")),
            "{b}"
        );
        let request = [
            ("state", "done"),
            ("date", "2026-11-20"),
            ("responsible_org", "ANITP-CJ"),
            ("responsible_person", "Ioana Pop"),
            ("documents.0.kind", "passport"),
            ("documents.0.number", "MD-0042917"),
            ("note", "Vorbește cu mama în fiecare seară."),
        ];
        let refused = app
            .post_form(&format!("/repatriations/{id}/steps/request"), &cw, &request)
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{b}");
        assert!(
            refused.body.contains("id=\"guard\""),
            "{b}: {}",
            refused.body
        );
        // What was typed stays typed.
        assert!(refused.body.contains("value=\"MD-0042917\""), "{b}");
        let consent = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/consents"),
                Some(&token),
                Some(json!({"purpose": "repatriation", "given_by": "person", "method": "signed_form"})),
            )
            .await;
        assert_eq!(consent.status, StatusCode::CREATED, "{b}: {}", consent.body);
        let done = app
            .post_form(&format!("/repatriations/{id}/steps/request"), &cw, &request)
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{b}: {}", done.body);
        let procedure = app.get_lang(&at, Some(&cw), Some("en")).await;
        assert!(procedure.body.contains("MD-0042917"), "{b}");
        assert!(
            procedure.body.contains("id=\"blocked-risk_assessment\""),
            "{b}"
        );
        // The return's risks are assessed on the risk page, with the procedure's partner.
        let risk = app
            .get_lang(&format!("/cases/{case}/risk"), Some(&cw), Some("en"))
            .await;
        assert!(risk.body.contains("id=\"return-domains\""), "{b}");
        assert!(
            risk.body.contains("<option value=\"PARTNER-MD\" selected"),
            "{b}"
        );
        let incomplete = app
            .post_form(
                &format!("/cases/{case}/risk"),
                &cw,
                &[("kind", "return"), ("partner_org", "PARTNER-MD")],
            )
            .await;
        assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            incomplete
                .body
                .contains("href=\"#return-domains.family_at_home\""),
            "{b}: {}",
            incomplete.body
        );
        let mut rated: Vec<(String, String)> = vec![
            ("kind".into(), "return".into()),
            ("partner_org".into(), "PARTNER-MD".into()),
        ];
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
            rated.push((format!("domains.{code}.severity"), "1".into()));
            rated.push((format!("domains.{code}.likelihood"), "2".into()));
        }
        let rated: Vec<(&str, &str)> = rated
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let assessed = app
            .post_form(&format!("/cases/{case}/risk"), &cw, &rated)
            .await;
        assert_eq!(
            assessed.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            assessed.body
        );
        let procedure = app.get_lang(&at, Some(&cw), Some("en")).await;
        assert!(
            !procedure.body.contains("id=\"blocked-risk_assessment\""),
            "{b}: the return's assessment lifts the block"
        );
        for (lang, heading) in [("ro", "Dosarul de întoarcere"), ("en", "Return file")] {
            let file = app
                .get(
                    &format!("/repatriations/{id}/return-file?lang={lang}"),
                    Some(&cw),
                )
                .await;
            assert_eq!(file.status, StatusCode::OK, "{b}");
            let text = pdf_text(&file.bytes);
            assert!(text.contains(heading), "{b} {lang}: {text}");
            assert!(text.contains("MD-0042917"), "{b} {lang}: {text}");
            assert!(text.contains("Ioana Pop"), "{b} {lang}: {text}");
            assert!(!text.contains("mama"), "{b} {lang}: a note leaked: {text}");
        }
        // The partner abroad that receives the person prints the return file, names included,
        // and sees nothing else of the case; another partner and immigration see nothing.
        app.user("partner", "PARTNER-MD", "case_worker").await;
        app.user("elsewhere", "PARTNER-UA", "case_worker").await;
        app.user("igi", "IGI", "screener").await;
        let partner = app.login("partner").await;
        let file = app
            .get(
                &format!("/repatriations/{id}/return-file?lang=en"),
                Some(&partner),
            )
            .await;
        assert_eq!(file.status, StatusCode::OK, "{b}: {}", file.body);
        let text = pdf_text(&file.bytes);
        assert!(
            text.contains("Returneva"),
            "{b}: the reception needs the name: {text}"
        );
        assert!(!text.contains("mama"), "{b}: {text}");
        for path in [
            format!("/repatriations/{id}"),
            format!("/repatriations/{id}/steps/request"),
            format!("/cases/{case}"),
        ] {
            let r = app.get(&path, Some(&partner)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: the partner: {path}");
        }
        for login in ["elsewhere", "igi"] {
            let session = app.login(login).await;
            let r = app
                .get(&format!("/repatriations/{id}/return-file"), Some(&session))
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {login}");
            assert!(!r.body.contains("Returneva"), "{b}: {login}");
        }
        // The inbox lists the return under way with its next step; the API says the same.
        let inbox = app.get_lang("/inbox", Some(&cw), Some("en")).await;
        assert!(inbox.body.contains("id=\"returns-under-way\""), "{b}");
        assert!(inbox.body.contains(&format!("/repatriations/{id}")), "{b}");
        let listed = app.api("GET", "/api/v1/inbox", Some(&token), None).await;
        assert_eq!(
            listed.json()["returns"][0]["id"],
            id,
            "{b}: {}",
            listed.body
        );
        assert_eq!(
            listed.json()["returns"][0]["next_step"],
            "risk_assessment",
            "{b}"
        );
        // The coordinator counts returns by direction, and nothing about the person.
        app.user("coord", "ANITP", "coordinator").await;
        let coord = app.login("coord").await;
        let board = app.get_lang("/dashboard", Some(&coord), Some("en")).await;
        let table = &board.body[board
            .body
            .find("id=\"returns\"")
            .expect("the returns table")..];
        let from_row = &table[table.find("from Romania").expect("a row per direction")..];
        assert!(
            from_row.starts_with("from Romania</th><td>1</td><td>0</td><td>0</td>"),
            "{b}: {}",
            &from_row[..80.min(from_row.len())]
        );
        assert!(!board.body.contains("Returneva"), "{b}");
        let unknown = app
            .get(
                &format!("/repatriations/{id}/return-file?lang=xx"),
                Some(&cw),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{b}");
        let nowhere = app
            .get(&format!("/repatriations/{id}/steps/teleport"), Some(&cw))
            .await;
        assert_eq!(nowhere.status, StatusCode::NOT_FOUND, "{b}");
        // A document's error names the form's own line, whichever lines were left empty.
        let second_line = app
            .post_form(
                &format!("/repatriations/{id}/steps/travel_documents"),
                &cw,
                &[("state", "in_progress"), ("documents.1.kind", "passport")],
            )
            .await;
        assert_eq!(second_line.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            second_line.body.contains("href=\"#documents.1.number\""),
            "{b}: {}",
            second_line.body
        );
        // The partner's inbox does not list a case it cannot open; once the person withdraws,
        // the partner prints nothing more.
        let partner_inbox = app.get("/inbox", Some(&partner)).await;
        assert!(
            !partner_inbox.body.contains(&format!("/repatriations/{id}")),
            "{b}"
        );
        let withdrawn = app
            .post_form(
                &format!("/repatriations/{id}/withdraw"),
                &cw,
                &[("reason", "S-a răzgândit.")],
            )
            .await;
        assert_eq!(
            withdrawn.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            withdrawn.body
        );
        let file = app
            .get(&format!("/repatriations/{id}/return-file"), Some(&partner))
            .await;
        assert_eq!(file.status, StatusCode::NOT_FOUND, "{b}");
    }
}
