//! The reflection period: offered to a foreign presumed victim only, its clock and no-removal
//! flag, the list immigration sees, its end, and its expiry into a task.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState};

#[tokio::test]
async fn a_foreign_presumed_victim_is_flagged_for_immigration_while_the_period_runs() {
    for app in backends().await {
        let b = app.backend;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("igi", "IGI", "screener").await;
        app.user("police", "IGPR", "investigator,case_worker").await;
        let cw = app.login("cw").await;
        let igi = app.login("igi").await;
        let police = app.login("police").await;
        let (foreign, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Reflectova",
                "MD",
                CaseState::PresumedVictim,
            )
            .await;
        let (national, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Nationalescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let page = app.get(&format!("/cases/{foreign}"), Some(&cw)).await;
        assert!(page.body.contains("id=\"reflection-accept\""), "{b}");
        assert!(!page.body.contains("id=\"no-removal-flag\""), "{b}");
        let page = app.get(&format!("/cases/{national}"), Some(&cw)).await;
        assert!(
            !page.body.contains("id=\"reflection-title\""),
            "{b}: a national's case has no reflection panel"
        );
        let refused = app
            .post_form(
                &format!("/cases/{national}/reflection"),
                &cw,
                &[("answer", "accept"), ("language", "ro")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}");
        assert!(refused.body.contains("doar cetățenilor străini"), "{b}");
        let unanswered = app
            .post_form(
                &format!("/cases/{foreign}/reflection"),
                &cw,
                &[("language", "ru")],
            )
            .await;
        assert_eq!(unanswered.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            unanswered
                .body
                .contains("Alegeți dacă persoana a acceptat sau a refuzat"),
            "{b}"
        );

        let accepted = app
            .post_form(
                &format!("/cases/{foreign}/reflection"),
                &cw,
                &[("answer", "accept"), ("language", "ru")],
            )
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{b}");
        // 28.11.2026 09:00 UTC + 90 calendar days, shown in Bucharest's time (UTC+2 in winter).
        let page = app.get(&format!("/cases/{foreign}"), Some(&cw)).await;
        assert!(page.body.contains("id=\"no-removal-flag\""), "{b}");
        assert!(
            page.body
                .contains("Perioada de reflecție rulează până la 26.02.2027 11:00"),
            "{b}"
        );
        assert!(page.body.contains("în limba „ru”; acceptată"), "{b}");
        assert!(
            !page.body.contains("id=\"reflection-accept\""),
            "{b}: no second offer while one runs"
        );
        let twice = app
            .post_form(
                &format!("/cases/{foreign}/reflection"),
                &cw,
                &[("answer", "accept"), ("language", "ru")],
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "{b}");

        // Immigration sees whom it may not remove, and nothing else of the case.
        let list = app.get("/no-removal", Some(&igi)).await;
        assert_eq!(list.status, StatusCode::OK, "{b}");
        assert!(list.body.contains("Maria Reflectova"), "{b}");
        assert!(list.body.contains("26.02.2027 11:00"), "{b}");
        assert!(!list.body.contains(" UTC"), "{b}: local times, not UTC");
        assert!(list.body.contains("Republica Moldova"), "{b}");
        assert!(!list.body.contains("Nationalescu"), "{b}");
        assert!(
            list.body.contains("href=\"/no-removal\""),
            "{b}: in the menu"
        );
        assert_eq!(
            app.get(&format!("/cases/{foreign}"), Some(&igi))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}: the flag opens no case file to immigration"
        );
        assert_eq!(
            app.get("/no-removal", Some(&police)).await.status,
            StatusCode::NOT_FOUND,
            "{b}: only immigration has the list"
        );
        let english = app.get_lang("/no-removal", Some(&igi), Some("en")).await;
        assert!(
            english
                .body
                .contains("People who may not be removed from the country"),
            "{b}"
        );

        let wrong = app
            .post_form(
                &format!("/cases/{foreign}/reflection/end"),
                &cw,
                &[("outcome", "deported")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            wrong.body.contains("Alegeți din listă cum se încheie"),
            "{b}"
        );
        assert!(wrong.body.contains("Scrieți motivul încheierii"), "{b}");
        let ended = app
            .post_form(
                &format!("/cases/{foreign}/reflection/end"),
                &cw,
                &[
                    ("outcome", "residence"),
                    ("reason", "Permis de ședere pentru procesul penal."),
                ],
            )
            .await;
        assert_eq!(ended.status, StatusCode::SEE_OTHER, "{b}");
        let page = app.get(&format!("/cases/{foreign}"), Some(&cw)).await;
        assert!(!page.body.contains("id=\"no-removal-flag\""), "{b}");
        assert!(page.body.contains("drept de ședere acordat"), "{b}");
        assert!(page.body.contains("Permis de ședere pentru"), "{b}");
        // The reason is free text: the national pseudonymised view sees the outcome only.
        app.user("coord", "ANITP", "coordinator").await;
        let coord = app.login("coord").await;
        let national = app.get(&format!("/cases/{foreign}"), Some(&coord)).await;
        assert_eq!(national.status, StatusCode::OK, "{b}");
        assert!(national.body.contains("drept de ședere acordat"), "{b}");
        assert!(!national.body.contains("Permis de ședere pentru"), "{b}");
        let again = app
            .post_form(
                &format!("/cases/{foreign}/reflection"),
                &cw,
                &[("answer", "accept"), ("language", "ru")],
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "{b}: granted once per case"
        );
        assert!(again.body.contains("se acordă o singură dată"), "{b}");
        let list = app.get("/no-removal", Some(&igi)).await;
        assert!(!list.body.contains("Reflectova"), "{b}");
    }
}

#[tokio::test]
async fn an_expired_reflection_period_asks_for_a_decision_and_lifts_the_flag() {
    for app in backends().await {
        let b = app.backend;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("igi", "IGI", "screener").await;
        let cw = app.login("cw").await;
        let (case, reference) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Expiratova",
                "UA",
                CaseState::IdentifiedVictim,
            )
            .await;
        let accepted = app
            .post_form(
                &format!("/cases/{case}/reflection"),
                &cw,
                &[("answer", "accept"), ("language", "uk")],
            )
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{b}");
        app.clock.advance_minutes(90 * 24 * 60 - 1);
        assert!(
            app.store
                .fire_due_clocks(at(app.clock.now()), 100)
                .await
                .unwrap()
                .is_empty(),
            "{b}: not a minute early"
        );
        app.clock.advance_minutes(2);
        let tasks = app
            .store
            .fire_due_clocks(at(app.clock.now()), 100)
            .await
            .unwrap();
        assert_eq!(tasks.len(), 1, "{b}");
        assert_eq!(
            (tasks[0].org_code.as_str(), tasks[0].kind.as_str()),
            ("ANITP-CJ", "decision_on_residence_or_return"),
            "{b}"
        );
        // Ninety days on, both have signed in again.
        let (cw, igi) = (app.login("cw").await, app.login("igi").await);
        let inbox = app.get("/inbox", Some(&cw)).await;
        assert!(inbox.body.contains(&reference), "{b}");
        assert!(
            inbox
                .body
                .contains("decizie privind șederea sau întoarcerea"),
            "{b}"
        );
        let list = app.get("/no-removal", Some(&igi)).await;
        assert!(!list.body.contains("Expiratova"), "{b}");
        assert!(list.body.contains("Acum nu rulează nicio perioadă"), "{b}");
    }
}

/// A return is the repatriation procedure's to record (its travel waits for the reflection
/// period, see `repatriation.rs`): the case's own transition to `returned` is refused on the page
/// and in the API, whether the period runs or not, and the case page does not offer it.
#[tokio::test]
async fn the_case_is_returned_by_its_repatriation_not_by_hand() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let token = app.token(&cw).await;
        let cw = app.login("cw").await;
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Intoarcescu",
                "MD",
                CaseState::InAssistance,
            )
            .await;
        let accepted = app
            .post_form(
                &format!("/cases/{case}/reflection"),
                &cw,
                &[("answer", "accept"), ("language", "ro")],
            )
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{b}");
        let page = app
            .post_form(
                &format!("/cases/{case}/transitions"),
                &cw,
                &[("to", "returned"), ("reason", "Bilet cumpărat.")],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{b}");
        assert!(page.body.contains("procedura de repatriere"), "{b}");
        let ended = app
            .post_form(
                &format!("/cases/{case}/reflection/end"),
                &cw,
                &[
                    ("outcome", "return"),
                    ("reason", "Persoana a cerut întoarcerea."),
                ],
            )
            .await;
        assert_eq!(ended.status, StatusCode::SEE_OTHER, "{b}");
        let api = app
            .api_lang(
                "POST",
                &format!("/api/v1/cases/{case}/transitions"),
                Some(&token),
                Some(serde_json::json!({"to": "returned", "reason": "La cererea persoanei."})),
                Some("en"),
            )
            .await;
        assert_eq!(api.status, StatusCode::FORBIDDEN, "{b}");
        assert!(
            api.body.contains("repatriation procedure"),
            "{b}: {}",
            api.body
        );
        assert_eq!(app.state_of(&case).await, CaseState::InAssistance, "{b}");
        let shown = app.get(&format!("/cases/{case}"), Some(&cw)).await;
        assert!(
            !shown.body.contains("value=\"returned\""),
            "{b}: not offered"
        );
    }
}
