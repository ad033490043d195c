//! Referral between organisations: refused without the matching consent, shown to the recipient
//! as the service's minimum data set while the consent holds, answered, escalated when not.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, OrgType};
use mnir_store::ClockState;

#[tokio::test]
async fn a_referral_needs_consent_shows_the_minimum_and_stops_when_consent_is_withdrawn() {
    for app in backends().await {
        app.organisation("ONG-ADAPOST", "Adăpostul Speranța", OrgType::Ngo)
            .await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("ngo", "ONG-ADAPOST", "case_worker").await;
        app.user("other", "ANITP-B", "case_worker").await;
        let (cw, ngo, other) = (
            app.login("cw").await,
            app.login("ngo").await,
            app.login("other").await,
        );
        let (case, reference) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Referescu")
            .await;

        let refused = app
            .post_form(
                &format!("/cases/{case}/referrals"),
                &cw,
                &[("to_org", "ONG-ADAPOST"), ("service", "accommodation")],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.backend
        );
        assert!(
            refused
                .body
                .contains("„asistență de la un furnizor anume” care să numească ONG-ADAPOST"),
            "{}",
            refused.body
        );
        assert!(app.store.referrals_of(&case).await.unwrap().is_empty());

        let consent = app
            .post_form(
                &format!("/cases/{case}/consents"),
                &cw,
                &[
                    ("purpose", "assistance"),
                    ("recipient", "ONG-ADAPOST"),
                    ("given_by", "person"),
                    ("method", "signed_form"),
                ],
            )
            .await;
        assert_eq!(consent.status, StatusCode::SEE_OTHER);
        let sent = app
            .post_form(
                &format!("/cases/{case}/referrals"),
                &cw,
                &[("to_org", "ONG-ADAPOST"), ("service", "accommodation")],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let referral = app.store.referrals_of(&case).await.unwrap().remove(0);
        let clock = app
            .store
            .clocks_of(&case)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.kind.as_str() == "referral_response")
            .unwrap();
        assert_eq!(
            (clock.org_code.as_str(), clock.due_at_ms),
            ("ANITP-CJ", Some(at(START_MS + 72 * 3_600_000))),
            "the sender's escalation, 72 h"
        );

        assert!(
            app.get("/inbox", Some(&ngo))
                .await
                .body
                .contains(&reference),
            "the recipient's inbox lists it"
        );
        let view = app
            .get(&format!("/referrals/{}", referral.id), Some(&ngo))
            .await;
        assert_eq!(view.status, StatusCode::OK);
        assert!(view.body.contains("Maria"), "a shelter sees the given name");
        assert!(!view.body.contains("Referescu"), "but not the family name");
        assert!(!view.body.contains("Seen at the station"), "nor the notes");
        assert_eq!(
            app.get(&format!("/cases/{case}"), Some(&ngo)).await.status,
            StatusCode::NOT_FOUND,
            "nor the case itself"
        );
        assert_eq!(
            app.get(&format!("/referrals/{}", referral.id), Some(&other))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        let consent_id = app.store.consents_of(&case).await.unwrap()[0].id.clone();
        app.post_form(
            &format!("/cases/{case}/consents/{consent_id}/withdraw"),
            &cw,
            &[],
        )
        .await;
        let gone = app
            .get(&format!("/referrals/{}", referral.id), Some(&ngo))
            .await;
        assert_eq!(
            gone.status,
            StatusCode::FORBIDDEN,
            "withdrawal stops access on the next request"
        );
        assert!(gone.body.contains("a fost retras sau a expirat"));
        assert!(!gone.body.contains("Maria"));

        app.post_form(
            &format!("/cases/{case}/consents"),
            &cw,
            &[
                ("purpose", "assistance"),
                ("recipient", "ONG-ADAPOST"),
                ("given_by", "person"),
                ("method", "signed_form"),
            ],
        )
        .await;
        assert_eq!(
            app.store
                .referral(&referral.id)
                .await
                .unwrap()
                .unwrap()
                .status
                .as_str(),
            "cancelled",
            "the withdrawal cancelled the referral awaiting an answer"
        );
        app.post_form(
            &format!("/cases/{case}/referrals"),
            &cw,
            &[("to_org", "ONG-ADAPOST"), ("service", "accommodation")],
        )
        .await;
        let referral = app
            .store
            .referrals_of(&case)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.status.as_str() == "sent")
            .unwrap();
        let no_reason = app
            .post_form(
                &format!("/referrals/{}/answer", referral.id),
                &ngo,
                &[("answer", "decline")],
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        let declined = app
            .post_form(
                &format!("/referrals/{}/answer", referral.id),
                &ngo,
                &[("answer", "decline"), ("reason", "Nu mai avem locuri")],
            )
            .await;
        assert_eq!(declined.status, StatusCode::SEE_OTHER);
        let again = app
            .post_form(
                &format!("/referrals/{}/answer", referral.id),
                &ngo,
                &[("answer", "accept")],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "answered once");
        let stopped = app
            .store
            .clocks_of(&case)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.kind.as_str() == "referral_response")
            .unwrap();
        assert_eq!(stopped.state, ClockState::Stopped);
        let sender_view = app.get(&format!("/cases/{case}"), Some(&cw)).await;
        assert!(
            sender_view.body.contains("refuzată — Nu mai avem locuri"),
            "the sender sees the outcome"
        );
        assert!(
            sender_view
                .body
                .contains("a referit către Adăpostul Speranța pentru"),
            "and the referral's history"
        );
        let recipient_view = app
            .get(&format!("/referrals/{}", referral.id), Some(&ngo))
            .await;
        assert!(
            recipient_view
                .body
                .contains("ANITP-CJ a referit către ONG-ADAPOST pentru"),
            "the recipient sees the history too"
        );
        assert!(
            recipient_view
                .body
                .contains("refuzată — Nu mai avem locuri")
        );

        // An urgent referral that nobody answers escalates to the sender after 24 hours.
        let urgent = app
            .post_form(
                &format!("/cases/{case}/referrals"),
                &cw,
                &[
                    ("to_org", "ONG-ADAPOST"),
                    ("service", "psychological"),
                    ("urgent", "yes"),
                ],
            )
            .await;
        assert_eq!(urgent.status, StatusCode::SEE_OTHER);
        app.clock.advance_minutes(24 * 60);
        let tasks = app
            .store
            .fire_due_clocks(at(app.clock.now()), 10)
            .await
            .unwrap();
        assert_eq!(tasks.len(), 1);
        assert_eq!(
            (tasks[0].org_code.as_str(), tasks[0].kind.as_str()),
            ("ANITP-CJ", "escalate_to_sender_supervisor_and_anitp")
        );
        // ANITP's national coordination sees it too, as references and organisations only.
        app.user("coord", "ANITP", "coordinator").await;
        let coord = app.login("coord").await;
        let dashboard = app.get("/dashboard", Some(&coord)).await.body;
        let section = &dashboard[dashboard.find("id=\"overdue-title\"").unwrap()..];
        assert!(section.contains(&reference), "{section}");
        assert!(section.contains("ANITP-CJ → ONG-ADAPOST"), "{section}");
        assert!(section.contains("depășit cu"), "{section}");
        assert!(!dashboard.contains("Referescu") && !dashboard.contains("Maria"));
        let cw_dashboard = app.get("/dashboard", Some(&cw)).await.body;
        assert!(
            !cw_dashboard.contains("id=\"overdue-title\""),
            "the national list is for national coordination"
        );
        let urgent = app
            .store
            .referrals_of(&case)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.urgent)
            .unwrap();
        let ngo = app.login("ngo").await;
        let late = app
            .post_form(
                &format!("/referrals/{}/answer", urgent.id),
                &ngo,
                &[("answer", "accept")],
            )
            .await;
        assert_eq!(late.status, StatusCode::SEE_OTHER);
        let dashboard = app.get("/dashboard", Some(&coord)).await.body;
        assert!(
            dashboard.contains("Nicio referire nu a depășit termenul"),
            "answered late, it leaves the list"
        );
    }
}

#[tokio::test]
async fn a_child_goes_to_child_protection_without_waiting_for_parental_consent() {
    let app = sqlite_app().await;
    app.user("cw", "ANITP-CJ", "case_worker").await;
    let cw = app.login("cw").await;
    let (child, _) = app
        .seed_case("RO-CJ", "IGPR", AgeGroup::Child, "Copilas")
        .await;
    let r = app
        .post_form(
            &format!("/cases/{child}/referrals"),
            &cw,
            &[("to_org", "DGASPC-B"), ("service", "protection")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.store
            .referrals_awaiting("DGASPC-B", None, 50)
            .await
            .unwrap()
            .referrals
            .len(),
        1
    );
}

#[tokio::test]
async fn a_referral_for_legal_help_sets_the_emergency_compensation_deadline() {
    for app in backends().await {
        let b = app.backend;
        app.organisation("ONG-JURIDIC", "Clinica juridică", OrgType::LegalService)
            .await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("lawyer", "ONG-JURIDIC", "case_worker").await;
        let (cw, lawyer) = (app.login("cw").await, app.login("lawyer").await);
        let (case, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Compensescu")
            .await;
        app.post_form(
            &format!("/cases/{case}/consents"),
            &cw,
            &[
                ("purpose", "assistance"),
                ("recipient", "ONG-JURIDIC"),
                ("given_by", "person"),
                ("method", "signed_form"),
            ],
        )
        .await;
        let refer = |service: &'static str| {
            let (app, cw, case) = (&app, &cw, &case);
            async move {
                let r = app
                    .post_form(
                        &format!("/cases/{case}/referrals"),
                        cw,
                        &[("to_org", "ONG-JURIDIC"), ("service", service)],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            }
        };
        refer("psychological").await;
        let compensation = |clocks: &[mnir_store::ClockRecord]| {
            clocks
                .iter()
                .filter(|c| c.kind.as_str() == "emergency_compensation")
                .cloned()
                .collect::<Vec<_>>()
        };
        assert!(
            compensation(&app.store.clocks_of(&case).await.unwrap()).is_empty(),
            "{b}: only legal help sets it"
        );
        refer("legal").await;
        let clocks = compensation(&app.store.clocks_of(&case).await.unwrap());
        assert_eq!(clocks.len(), 1, "{b}");
        assert_eq!(
            (
                clocks[0].org_code.as_str(),
                clocks[0].due_at_ms,
                clocks[0].on_expiry.as_str()
            ),
            (
                "ANITP-CJ",
                Some(at(START_MS + 72 * 3_600_000)),
                "task_to_legal_advisor"
            ),
            "{b}: 72 hours, kept by the sender who holds the case"
        );
        let legal = app
            .store
            .referrals_of(&case)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.service == "legal")
            .unwrap();
        app.post_form(
            &format!("/referrals/{}/answer", legal.id),
            &lawyer,
            &[
                ("answer", "decline"),
                ("reason", "Nu avem avocat disponibil."),
            ],
        )
        .await;
        let clocks = compensation(&app.store.clocks_of(&case).await.unwrap());
        assert_eq!(
            clocks[0].state,
            ClockState::Stopped,
            "{b}: a decline stops it"
        );

        refer("legal").await;
        app.clock.advance_minutes(72 * 60 + 1);
        let tasks = app
            .store
            .fire_due_clocks(at(app.clock.now()), 50)
            .await
            .unwrap();
        assert!(
            tasks
                .iter()
                .any(|t| t.org_code == "ANITP-CJ" && t.kind == "task_to_legal_advisor"),
            "{b}: {tasks:?}"
        );
    }
}

#[tokio::test]
async fn withdrawing_consent_cancels_the_referrals_still_awaiting_an_answer() {
    for app in backends().await {
        let b = app.backend;
        app.organisation("ONG-ANULAT", "Centrul de consiliere", OrgType::Ngo)
            .await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("ngo", "ONG-ANULAT", "case_worker").await;
        let (cw, ngo) = (app.login("cw").await, app.login("ngo").await);
        let (case, reference) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Anulescu")
            .await;
        app.post_form(
            &format!("/cases/{case}/consents"),
            &cw,
            &[
                ("purpose", "assistance"),
                ("recipient", "ONG-ANULAT"),
                ("given_by", "person"),
                ("method", "signed_form"),
            ],
        )
        .await;
        let sent = app
            .post_form(
                &format!("/cases/{case}/referrals"),
                &cw,
                &[("to_org", "ONG-ANULAT"), ("service", "legal")],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{b}");
        assert!(
            app.get("/inbox", Some(&ngo))
                .await
                .body
                .contains(&reference)
        );
        let consent = app.store.consents_of(&case).await.unwrap()[0].id.clone();
        app.post_form(
            &format!("/cases/{case}/consents/{consent}/withdraw"),
            &cw,
            &[],
        )
        .await;
        let referral = app.store.referrals_of(&case).await.unwrap().remove(0);
        assert_eq!(referral.status.as_str(), "cancelled", "{b}");
        for clock in app.store.clocks_of(&case).await.unwrap() {
            assert_ne!(
                clock.state,
                ClockState::Running,
                "{b}: {} still runs",
                clock.kind
            );
        }
        assert!(
            !app.get("/inbox", Some(&ngo))
                .await
                .body
                .contains(&reference),
            "{b}: nothing left to answer"
        );
        let page = app.get(&format!("/cases/{case}"), Some(&cw)).await;
        assert!(page.body.contains("anulată, pentru că persoana"), "{b}");
        app.clock.advance_minutes(80 * 60);
        assert!(
            app.store
                .fire_due_clocks(at(app.clock.now()), 10)
                .await
                .unwrap()
                .is_empty(),
            "{b}: no escalation of a cancelled referral"
        );
    }
}
