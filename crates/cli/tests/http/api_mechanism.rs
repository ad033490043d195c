//! The mechanism's API: consent, referral, directory, clocks, inbox and the reflection period
//! through JSON, with the same rules (and refusals) as the pages.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState, OrgType};
use serde_json::json;

#[tokio::test]
async fn consent_and_referral_through_the_api_follow_the_pages_rules() {
    for app in backends().await {
        let b = app.backend;
        app.organisation("ONG-API", "Adăpostul API", OrgType::Ngo)
            .await;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let ngo = app.user("ngo", "ONG-API", "case_worker").await;
        let (cw, ngo) = (app.token(&cw).await, app.token(&ngo).await);
        let (case, reference) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Apiescu")
            .await;

        let bad = app
            .api_lang(
                "POST",
                &format!("/api/v1/cases/{case}/information"),
                Some(&cw),
                Some(json!({"rights": [], "language": "Ukrainian", "notice_version": "2026-1"})),
                Some("en"),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field_names(&bad), ["rights", "language"], "{b}");
        assert!(bad.body.contains("two- or three-letter code"), "{b}");
        let info = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/information"),
                Some(&cw),
                Some(json!({"rights": ["legal_aid"], "language": "uk", "interpreter": true, "notice_version": "2026-1"})),
            )
            .await;
        assert_eq!(info.status, StatusCode::CREATED, "{b}: {}", info.body);

        let refer = json!({"to_org": "ONG-API", "service": "accommodation"});
        let refused = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/referrals"),
                Some(&cw),
                Some(refer.clone()),
            )
            .await;
        // Well formed: the case's consents refuse it, a conflict.
        assert_eq!(refused.status, StatusCode::CONFLICT, "{b}");
        assert_eq!(field_names(&refused), ["consent"], "{b}");
        assert!(refused.body.contains("ONG-API"), "{b}: names the recipient");

        let no_recipient = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/consents"),
                Some(&cw),
                Some(
                    json!({"purpose": "assistance", "given_by": "person", "method": "signed_form"}),
                ),
            )
            .await;
        assert_eq!(field_names(&no_recipient), ["recipient"], "{b}");
        let consent = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/consents"),
                Some(&cw),
                Some(json!({"purpose": "assistance", "recipient": "ONG-API", "given_by": "person", "method": "signed_form"})),
            )
            .await;
        assert_eq!(consent.status, StatusCode::CREATED, "{b}: {}", consent.body);
        assert_eq!(consent.json()["in_force"], true, "{b}");
        let consent_id = consent.json()["id"].as_str().unwrap().to_string();

        let sent = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/referrals"),
                Some(&cw),
                Some(refer),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{b}: {}", sent.body);
        let referral = sent.json()["id"].as_str().unwrap().to_string();
        let awaiting = app.api("GET", "/api/v1/referrals", Some(&ngo), None).await;
        assert_eq!(awaiting.json()["referrals"][0]["id"], referral, "{b}");
        assert_eq!(
            awaiting.json()["referrals"][0]["case_reference"],
            reference,
            "{b}"
        );
        // One page holds them all: the count, and no place for a next page.
        assert_eq!(awaiting.json()["total"], 1, "{b}: {}", awaiting.body);
        assert!(
            awaiting.json().get("after").is_none(),
            "{b}: {}",
            awaiting.body
        );
        // From the place of the one listed, nothing is left; a place that is none is refused.
        let sent_at = awaiting.json()["referrals"][0]["sent_at"]
            .as_str()
            .unwrap()
            .to_string();
        let sent_ms = chrono::DateTime::parse_from_rfc3339(&sent_at)
            .unwrap()
            .timestamp_millis();
        let after = app
            .api(
                "GET",
                &format!("/api/v1/referrals?after={sent_ms}.{referral}"),
                Some(&ngo),
                None,
            )
            .await;
        assert_eq!(after.status, StatusCode::OK, "{b}: {}", after.body);
        assert_eq!(after.json()["referrals"], serde_json::json!([]), "{b}");
        assert_eq!(after.json()["total"], 1, "{b}");
        let nowhere = app
            .api("GET", "/api/v1/referrals?after=yesterday", Some(&ngo), None)
            .await;
        assert_eq!(
            nowhere.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            nowhere.body
        );
        assert!(nowhere.body.contains("\"after\""), "{b}: {}", nowhere.body);

        let view = app
            .api(
                "GET",
                &format!("/api/v1/referrals/{referral}"),
                Some(&ngo),
                None,
            )
            .await;
        assert_eq!(view.status, StatusCode::OK, "{b}");
        let v = view.json();
        assert_eq!(v["given_name"], "Maria", "{b}");
        for hidden in ["family_name", "birth_date", "exploitation"] {
            assert!(
                v.get(hidden).is_none(),
                "{b}: {hidden} is outside a shelter's data set"
            );
        }
        assert!(!view.body.contains("Apiescu"), "{b}");
        assert!(!view.body.contains("Seen at the station"), "{b}");
        assert_eq!(
            app.api("GET", &format!("/api/v1/cases/{case}"), Some(&ngo), None)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}: the referral opens no case file"
        );

        let no_reason = app
            .api(
                "POST",
                &format!("/api/v1/referrals/{referral}/answer"),
                Some(&ngo),
                Some(json!({"accept": false})),
            )
            .await;
        assert_eq!(field_names(&no_reason), ["reason"], "{b}");
        let accepted = app
            .api(
                "POST",
                &format!("/api/v1/referrals/{referral}/answer"),
                Some(&ngo),
                Some(json!({"accept": true})),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{b}");
        assert_eq!(accepted.json()["status"], "accepted", "{b}");
        let again = app
            .api(
                "POST",
                &format!("/api/v1/referrals/{referral}/answer"),
                Some(&ngo),
                Some(json!({"accept": false, "reason": "full"})),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{b}");
        let outcome = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/referrals"),
                Some(&cw),
                None,
            )
            .await;
        assert_eq!(outcome.json()["referrals"][0]["status"], "accepted", "{b}");
        assert!(
            outcome.json()["referrals"][0]["answered_at"].is_string(),
            "{b}"
        );

        let withdrawn = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/consents/{consent_id}/withdraw"),
                Some(&cw),
                None,
            )
            .await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{b}");
        assert_eq!(withdrawn.json()["in_force"], false, "{b}");
        let gone = app
            .api(
                "GET",
                &format!("/api/v1/referrals/{referral}"),
                Some(&ngo),
                None,
            )
            .await;
        assert_eq!(gone.status, StatusCode::FORBIDDEN, "{b}");
        assert!(!gone.body.contains("Maria"), "{b}");
        let listed = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/consents"),
                Some(&cw),
                None,
            )
            .await;
        assert_eq!(listed.json()["information"][0]["language"], "uk", "{b}");
        assert_eq!(listed.json()["consents"][0]["in_force"], false, "{b}");
        assert_eq!(
            app.api(
                "GET",
                &format!("/api/v1/cases/{case}/consents"),
                Some(&ngo),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
    }
}

#[tokio::test]
async fn the_directory_is_kept_by_its_organisation_and_searched_through_the_api() {
    for app in backends().await {
        let b = app.backend;
        let sup = app.user("sup", "DGASPC-CJ", "supervisor").await;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let (sup, cw) = (app.token(&sup).await, app.token(&cw).await);
        let entry = json!({
            "services": ["accommodation", "psychological"], "counties": ["RO-CJ"],
            "target_groups": ["children"], "languages": ["ro", "HU"], "capacity": 4
        });
        let other = app
            .api(
                "PUT",
                "/api/v1/directory/DGASPC-B",
                Some(&sup),
                Some(entry.clone()),
            )
            .await;
        assert_eq!(
            other.status,
            StatusCode::FORBIDDEN,
            "{b}: only its own entry"
        );
        let wrong = app
            .api(
                "PUT",
                "/api/v1/directory/DGASPC-CJ",
                Some(&sup),
                Some(json!({"services": ["massage"], "counties": ["RO-XX"], "target_groups": ["children"], "languages": ["ro"]})),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field_names(&wrong), ["services", "counties"], "{b}");
        let saved = app
            .api(
                "PUT",
                "/api/v1/directory/DGASPC-CJ",
                Some(&sup),
                Some(entry),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{b}: {}", saved.body);
        assert_eq!(saved.json()["languages"], json!(["ro", "hu"]), "{b}");
        let found = app
            .api(
                "GET",
                "/api/v1/directory?service=psychological&county=RO-CJ&group=children",
                Some(&cw),
                None,
            )
            .await;
        assert_eq!(
            found.json()["entries"][0]["organisation"],
            "DGASPC-CJ",
            "{b}"
        );
        let none = app
            .api("GET", "/api/v1/directory?group=men", Some(&cw), None)
            .await;
        assert_eq!(none.json()["entries"], json!([]), "{b}");
    }
}

#[tokio::test]
async fn clocks_the_inbox_and_the_reflection_period_through_the_api() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let igi = app.user("igi", "IGI", "identification_officer").await;
        let police = app.user("police", "IGPR", "investigator").await;
        let (cw, igi, police) = (
            app.token(&cw).await,
            app.token(&igi).await,
            app.token(&police).await,
        );
        let created = app
            .api(
                "POST",
                "/api/v1/cases",
                Some(&cw),
                Some(json!({"sex": "female", "birth_date": "1990-05-01", "citizenship": "RO", "found_in_county": "RO-CJ", "given_name": "Ana", "family_name": "Ceasescu"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{b}: {}", created.body);
        let case = created.json()["id"].as_str().unwrap().to_string();
        let clocks = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/clocks"),
                Some(&cw),
                None,
            )
            .await;
        let clock = &clocks.json()["clocks"][0];
        assert_eq!(
            (&clock["kind"], &clock["state"], &clock["organisation"]),
            (
                &json!("notification_ack"),
                &json!("running"),
                &json!("ANITP-CJ")
            ),
            "{b}"
        );
        assert_eq!(clocks.json()["no_removal"], false, "{b}");
        let clock_id = clock["id"].as_str().unwrap().to_string();
        let inbox = app.api("GET", "/api/v1/inbox", Some(&cw), None).await;
        assert_eq!(inbox.json()["upcoming"][0]["id"], clock_id, "{b}");
        let unexplained = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/clocks/{clock_id}/pause"),
                Some(&cw),
                Some(json!({})),
            )
            .await;
        assert_eq!(field_names(&unexplained), ["reason"], "{b}");
        let paused = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/clocks/{clock_id}/pause"),
                Some(&cw),
                Some(json!({"reason": "Persoana este internată."})),
            )
            .await;
        assert_eq!(paused.status, StatusCode::NO_CONTENT, "{b}");
        app.clock.advance_minutes(60);
        let resumed = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/clocks/{clock_id}/resume"),
                Some(&cw),
                None,
            )
            .await;
        assert_eq!(resumed.status, StatusCode::NO_CONTENT, "{b}");
        let clocks = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/clocks"),
                Some(&cw),
                None,
            )
            .await;
        assert_eq!(
            clocks.json()["clocks"][0]["due_at"],
            "2026-11-29T10:00:00+00:00",
            "{b}: 24 h from 09:00 plus the hour it stood still"
        );

        let (foreign, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Straineva",
                "MD",
                CaseState::PresumedVictim,
            )
            .await;
        let offered = app
            .api(
                "POST",
                &format!("/api/v1/cases/{foreign}/reflection"),
                Some(&cw),
                Some(json!({"accepted": true, "language": "ru"})),
            )
            .await;
        assert_eq!(offered.status, StatusCode::CREATED, "{b}: {}", offered.body);
        let flagged = app
            .api(
                "GET",
                &format!("/api/v1/cases/{foreign}/clocks"),
                Some(&cw),
                None,
            )
            .await;
        assert_eq!(flagged.json()["no_removal"], true, "{b}");
        let list = app.api("GET", "/api/v1/no-removal", Some(&igi), None).await;
        assert_eq!(list.status, StatusCode::OK, "{b}");
        assert_eq!(list.json()["people"][0]["family_name"], "Straineva", "{b}");
        assert_eq!(list.json()["people"][0]["citizenship"], "MD", "{b}");
        assert_eq!(
            app.api("GET", "/api/v1/no-removal", Some(&police), None)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let not_due = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/reflection"),
                Some(&cw),
                Some(json!({"accepted": true, "language": "ro"})),
            )
            .await;
        assert_eq!(not_due.status, StatusCode::FORBIDDEN, "{b}");
        let ended = app
            .api(
                "POST",
                &format!("/api/v1/cases/{foreign}/reflection/end"),
                Some(&cw),
                Some(json!({"outcome": "return", "reason": "Persoana a cerut întoarcerea."})),
            )
            .await;
        assert_eq!(ended.status, StatusCode::NO_CONTENT, "{b}");
        let list = app.api("GET", "/api/v1/no-removal", Some(&igi), None).await;
        assert_eq!(list.json()["people"], json!([]), "{b}");
    }
}

#[tokio::test]
async fn a_declined_referral_shows_its_recipient_the_outcome_only() {
    for app in backends().await {
        let b = app.backend;
        app.organisation("ONG-DEC", "Adăpostul Refuz", OrgType::Ngo)
            .await;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let ngo = app.user("ngo", "ONG-DEC", "case_worker").await;
        let (cw, ngo) = (app.token(&cw).await, app.token(&ngo).await);
        let (case, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Refuzescu")
            .await;
        let consent = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/consents"),
                Some(&cw),
                Some(json!({"purpose": "assistance", "recipient": "ONG-DEC", "given_by": "person", "method": "signed_form"})),
            )
            .await;
        assert_eq!(consent.status, StatusCode::CREATED, "{b}: {}", consent.body);
        let sent = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/referrals"),
                Some(&cw),
                Some(json!({"to_org": "ONG-DEC", "service": "accommodation"})),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{b}: {}", sent.body);
        let referral = sent.json()["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/referrals/{referral}");
        let before = app.api("GET", &path, Some(&ngo), None).await;
        assert_eq!(
            before.json()["sex"],
            "female",
            "{b}: the data set while it awaits"
        );
        let declined = app
            .api(
                "POST",
                &format!("{path}/answer"),
                Some(&ngo),
                Some(json!({"accept": false, "reason": "No places left"})),
            )
            .await;
        assert_eq!(declined.status, StatusCode::OK, "{b}: {}", declined.body);

        let after = app.api("GET", &path, Some(&ngo), None).await;
        assert_eq!(after.status, StatusCode::OK, "{b}");
        let v = after.json();
        assert_eq!(v["referral"]["status"], "declined", "{b}");
        for gone in [
            "reference",
            "sex",
            "age_group",
            "citizenship",
            "found_in_county",
            "given_name",
        ] {
            assert!(v.get(gone).is_none(), "{b}: {gone} after the decline: {v}");
        }
    }
}
