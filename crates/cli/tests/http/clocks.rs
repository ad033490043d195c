//! Legal clocks through the pages: started and stopped by the case's path, paused and resumed
//! with a reason, turned into tasks in the inbox when they run out.

use crate::support::*;
use axum::http::StatusCode;
use mnir_store::ClockState;

async fn notify_adult_in_cluj(app: &App) -> String {
    let user = app.store.user_by_login("screener").await.unwrap().unwrap();
    let token = app.token(&user).await;
    let r = app
        .api("POST", "/api/v1/cases", Some(&token), Some(serde_json::json!({"given_name": "Ceas", "birth_date": "1990-01-01", "sex": "male", "citizenship": "RO", "found_in_county": "RO-CJ"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn clocks_follow_the_case_run_out_into_tasks_and_can_be_paused() {
    for app in backends().await {
        app.user("screener", "IGPR", "screener").await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("other", "ANITP-B", "case_worker").await;
        let mut cw = app.login("cw").await;
        let mut other;
        let id = notify_adult_in_cluj(&app).await;

        let clocks = app.store.clocks_of(&id).await.unwrap();
        assert_eq!(clocks.len(), 1, "{}", app.backend);
        assert_eq!(
            (clocks[0].kind.as_str(), clocks[0].org_code.as_str()),
            ("notification_ack", "ANITP-CJ")
        );
        assert_eq!(clocks[0].due_at_ms, Some(at(START_MS + 24 * 3_600_000)));
        let page = app.get(&format!("/cases/{id}"), Some(&cw)).await;
        assert!(
            page.body.contains("confirmarea semnalării")
                // 09:00 UTC is 11:00 in Bucharest in winter.
                && page.body.contains("29.11.2026 11:00"),
            "{}",
            page.body
        );
        assert!(page.body.contains("mai sunt 1 zi 0 h"));

        // Saturday 28 November: 5 working days skip the weekend, St Andrew and National Day.
        let moved = app
            .post_form(
                &format!("/cases/{id}/transitions"),
                &cw,
                &[
                    ("to", "potential_victim"),
                    ("reason", "Preluat"),
                    ("from", "notified"),
                ],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER);
        let clocks = app.store.clocks_of(&id).await.unwrap();
        let ack = clocks
            .iter()
            .find(|c| c.kind.as_str() == "notification_ack")
            .unwrap();
        assert_eq!(
            ack.state,
            ClockState::Stopped,
            "acting on the case acknowledges it"
        );
        let interview = clocks
            .iter()
            .find(|c| c.kind.as_str() == "identification_interview")
            .unwrap();
        assert_eq!(
            interview.due_at_ms,
            Some(at(START_MS + 10 * 86_400_000)),
            "due Tuesday 8 December"
        );

        let inbox = app.get("/inbox", Some(&cw)).await;
        assert!(
            inbox.body.contains("Niciun termen în următoarele 7 zile"),
            "8 December is 10 days away"
        );
        app.clock.advance_minutes(4 * 24 * 60);
        // Sessions end after 30 idle minutes: sign in again after the days pass.
        cw = app.login("cw").await;
        other = app.login("other").await;
        let inbox = app.get("/inbox", Some(&cw)).await;
        assert!(
            inbox.body.contains("interviul de identificare"),
            "now within a week"
        );

        // A pause from Wednesday 2 December 09:00 to Monday 7 December 09:00 loses Thursday and
        // Friday: the interview moves from Tuesday 8 to Thursday 10 December.
        let clock_id = interview.id.clone();
        let refused = app
            .post_form(
                &format!("/cases/{id}/clocks/{clock_id}/pause"),
                &other,
                &[("reason", "x")],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::NOT_FOUND,
            "another organisation cannot touch it"
        );
        let empty = app
            .post_form(
                &format!("/cases/{id}/clocks/{clock_id}/pause"),
                &cw,
                &[("reason", " ")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let paused = app
            .post_form(
                &format!("/cases/{id}/clocks/{clock_id}/pause"),
                &cw,
                &[("reason", "Persoana este internată")],
            )
            .await;
        assert_eq!(paused.status, StatusCode::SEE_OTHER);
        assert!(
            app.get(&format!("/cases/{id}"), Some(&cw))
                .await
                .body
                .contains("suspendat, fără scadență")
        );
        app.clock.advance_minutes(5 * 24 * 60);
        // Sessions end after 30 idle minutes: sign in again after the days pass.
        cw = app.login("cw").await;
        let resumed = app
            .post_form(&format!("/cases/{id}/clocks/{clock_id}/resume"), &cw, &[])
            .await;
        assert_eq!(resumed.status, StatusCode::SEE_OTHER);
        let clock = app
            .store
            .clocks_of(&id)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id == clock_id)
            .unwrap();
        assert_eq!(clock.due_at_ms, Some(at(START_MS + 12 * 86_400_000)));
        assert_eq!(clock.pause_reasons, ["Persoana este internată"]);

        app.clock.advance_minutes(4 * 24 * 60);

        // Sessions end after 30 idle minutes: sign in again after the days pass.

        cw = app.login("cw").await;

        other = app.login("other").await;
        let tasks = app
            .store
            .fire_due_clocks(at(app.clock.now()), 100)
            .await
            .unwrap();
        assert_eq!(tasks.len(), 1);
        let every = app.get_lang("/inbox?view=all", Some(&cw), Some("en")).await;
        assert!(
            every
                .body
                .contains("task for the supervisor (identification interview ran out)"),
            "{}",
            every.body
        );
        let inbox = app.get_lang("/inbox", Some(&cw), Some("en")).await;
        // The profile makes it a supervisor's task: a case worker is told it waits for another
        // role and sees it among the organisation's other tasks; a supervisor among their own.
        let tasks_of = |html: &str| {
            let start = html.find("id=\"tasks-title\"").unwrap();
            let end = html.find("id=\"upcoming-title\"").unwrap();
            html[start..end].to_string()
        };
        let mine = tasks_of(&inbox.body);
        assert!(!mine.contains("task for the supervisor"), "{mine}");
        assert!(
            mine.contains("One more task waits for another role of the organisation.")
                && mine.contains("href=\"/inbox?view=others\""),
            "{mine}"
        );
        let others = tasks_of(
            &app.get_lang("/inbox?view=others", Some(&cw), Some("en"))
                .await
                .body,
        );
        assert!(others.contains("for: supervisor"), "{others}");
        assert!(others.contains("One open task"), "{others}");
        let sup_user = app.user("sup", "ANITP-CJ", "supervisor").await;
        let sup = app.login("sup").await;
        let mine = tasks_of(&app.get("/inbox", Some(&sup)).await.body);
        assert!(mine.contains("sarcină pentru supervizor"), "{mine}");
        assert!(!mine.contains("other-tasks-waiting"), "{mine}");
        let others = tasks_of(&app.get("/inbox?view=others", Some(&sup)).await.body);
        assert!(others.contains("Nicio sarcină deschisă"), "{others}");
        assert!(
            app.get("/inbox?view=all", Some(&other))
                .await
                .body
                .contains("Nicio sarcină deschisă"),
            "another organisation's inbox holds none of it"
        );
        // A filter by clock keeps to its kind; an unknown view, clock or place is refused.
        let by_kind = tasks_of(
            &app.get("/inbox?view=all&clock=notification_ack", Some(&sup))
                .await
                .body,
        );
        assert!(by_kind.contains("Nicio sarcină deschisă"), "{by_kind}");
        for bad in ["view=everyone", "clock=soon", "after=yesterday"] {
            let refused = app.get(&format!("/inbox?{bad}"), Some(&sup)).await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
            assert!(
                refused.body.contains("reîncepeți din pagina de sarcini"),
                "{bad}"
            );
        }
        let api = app.token(&sup_user).await;
        let all = app
            .api("GET", "/api/v1/inbox", Some(&api), None)
            .await
            .json();
        assert_eq!(
            (all["total"].as_i64(), all["tasks"][0]["for_you"].as_bool()),
            (Some(1), Some(true)),
            "{all}"
        );
        assert!(
            all["others_waiting"].is_null(),
            "only a view of one's own says it"
        );
        let own = app
            .api("GET", "/api/v1/inbox?view=mine", Some(&api), None)
            .await
            .json();
        assert_eq!(
            (own["total"].as_i64(), own["others_waiting"].as_i64()),
            (Some(1), Some(0)),
            "{own}"
        );
        let refused = app
            .api("GET", "/api/v1/inbox?view=everyone", Some(&api), None)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["fields"][0]["field"], "view");
        let done = app
            .post_form(
                &format!(
                    "/tasks/{}/done?view=all&clock=identification_interview",
                    tasks[0].id
                ),
                &cw,
                &[],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(
            done.headers["location"], "/inbox?view=all&clock=identification_interview",
            "back to the inbox as it was shown"
        );
        assert!(
            app.get("/inbox", Some(&cw))
                .await
                .body
                .contains("Nicio sarcină deschisă")
        );
        let page = app.get(&format!("/cases/{id}"), Some(&cw)).await;
        assert!(page.body.contains("expirat"));
    }
}
