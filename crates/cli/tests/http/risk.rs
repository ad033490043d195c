//! Risk and special-needs assessment: the urgent questions and their banner until a referral
//! answers them, the full assessment and its levels, versions and what moved, the review clock,
//! "to review" after a later event, the API's shape and refusals, and the firewall.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::OrgType;
use mnir_domain::{AgeGroup, CaseState};
use serde_json::json;

/// Every domain asked of an adult, with `rating(domain)` for each, as the page posts them.
fn full_form(rating: impl Fn(&str) -> (&'static str, &'static str)) -> Vec<(String, String)> {
    let mut form = vec![("kind".to_string(), "full".to_string())];
    for d in [
        "personal_safety",
        "family_safety",
        "re_trafficking",
        "physical_health",
        "mental_health",
        "legal_situation",
        "housing_livelihood",
    ] {
        let (s, l) = rating(d);
        form.push((format!("domains.{d}.severity"), s.into()));
        form.push((format!("domains.{d}.likelihood"), l.into()));
        form.push((format!("domains.{d}.note"), format!("Notă despre {d}")));
    }
    form
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn urgent_needs_show_until_a_referral_answers_them() {
    for app in backends().await {
        let b = app.backend;
        app.organisation("ONG-ADAPOST", "Adăpostul Speranța", OrgType::Ngo)
            .await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        let cw = app.login("cw").await;
        let (case, reference) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Urgentescu")
            .await;
        let page = app.get(&format!("/cases/{case}/risk"), Some(&cw)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.body.contains("id=\"first-contact-title\""), "{b}");
        assert!(
            !page.body.contains("id=\"full-title\""),
            "{b}: no full assessment before the presumed-victim finding"
        );
        assert!(
            !page.body.contains("urgent.child_without_carer"),
            "{b}: the child question is not asked of an adult"
        );

        // A question left unanswered is named, in Romanian, and nothing is stored.
        let partial = app
            .post_form(
                &format!("/cases/{case}/risk"),
                &cw,
                &[
                    ("kind", "first_contact"),
                    ("urgent.urgent_medical_need", "no"),
                    ("urgent.immediate_violence", "yes"),
                ],
            )
            .await;
        assert_eq!(partial.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(partial.body.contains("Răspundeți cu da sau nu."), "{b}");
        assert!(
            partial
                .body
                .contains("href=\"#urgent.re_trafficking_danger\""),
            "{b}: the summary links to the question"
        );
        assert!(
            partial
                .body
                .contains("id=\"immediate_violence-yes\" name=\"urgent.immediate_violence\" value=\"yes\" checked"),
            "{b}: the answers given are kept"
        );
        assert!(app.store.assessments_of(&case).await.unwrap().is_empty());

        let saved = app
            .post_form(
                &format!("/cases/{case}/risk"),
                &cw,
                &[
                    ("kind", "first_contact"),
                    ("urgent.urgent_medical_need", "no"),
                    ("urgent.immediate_violence", "yes"),
                    (
                        "urgent.immediate_violence.note",
                        "Recrutorul o caută la gară",
                    ),
                    ("urgent.re_trafficking_danger", "no"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{b}: {}", saved.body);
        assert_eq!(saved.location(), format!("/cases/{case}/risk#version-1"));
        let case_page = app.get(&format!("/cases/{case}"), Some(&cw)).await;
        assert!(case_page.body.contains("id=\"urgent-banner\""), "{b}");
        assert!(
            case_page.body.contains("Pericol imediat de violență"),
            "{b}"
        );
        let inbox = app.get("/inbox", Some(&cw)).await;
        assert!(
            inbox.body.contains(&format!("href=\"/cases/{case}/risk\"")),
            "{b}: the inbox lists the case"
        );
        assert!(
            inbox
                .body
                .contains("Un caz are nevoi urgente fără răspuns."),
            "{b}"
        );
        let api_inbox = app
            .api(
                "GET",
                "/api/v1/inbox",
                Some(
                    &app.token(&app.store.user_by_login("cw").await.unwrap().unwrap())
                        .await,
                ),
                None,
            )
            .await;
        assert_eq!(api_inbox.json()["urgent"]["more"], false, "{b}");
        assert_eq!(
            api_inbox.json()["urgent"]["cases"].as_array().map(Vec::len),
            Some(1),
            "{b}"
        );
        assert_eq!(
            api_inbox.json()["urgent"]["cases"][0]["needs"],
            json!(["immediate_violence"]),
            "{b}"
        );
        assert_eq!(
            api_inbox.json()["urgent"]["cases"][0]["case_reference"],
            reference.as_str(),
            "{b}"
        );

        // A referral (with the consent it needs) answers the need: the banner goes.
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
        assert_eq!(consent.status, StatusCode::SEE_OTHER, "{b}");
        let sent = app
            .post_form(
                &format!("/cases/{case}/referrals"),
                &cw,
                &[("to_org", "ONG-ADAPOST"), ("service", "accommodation")],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{b}: {}", sent.body);
        let case_page = app.get(&format!("/cases/{case}"), Some(&cw)).await;
        assert!(!case_page.body.contains("id=\"urgent-banner\""), "{b}");
        let risk_page = app.get(&format!("/cases/{case}/risk"), Some(&cw)).await;
        assert!(
            risk_page
                .body
                .contains("Nevoi urgente răspunse printr-o trimitere"),
            "{b}"
        );
        assert!(risk_page.body.contains("Recrutorul o caută la gară"), "{b}");
        let inbox = app.get("/inbox", Some(&cw)).await;
        assert!(
            !inbox.body.contains(&format!("href=\"/cases/{case}/risk\"")),
            "{b}"
        );
    }
}

#[tokio::test]
async fn a_full_assessment_levels_versions_its_review_and_what_moved() {
    for app in backends().await {
        let b = app.backend;
        app.user("cw", "ANITP-CJ", "case_worker,supervisor").await;
        let cw = app.login("cw").await;
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Evaluatescu",
                "RO",
                CaseState::IdentifiedVictim,
            )
            .await;
        let page = app.get(&format!("/cases/{case}/risk"), Some(&cw)).await;
        assert!(page.body.contains("id=\"full-title\""), "{b}");
        assert!(
            !page.body.contains("domains.child_specific"),
            "{b}: no child domain for an adult"
        );
        // The live level: each (severity, likelihood) pair's words are on the page for the
        // style sheet to reveal, whatever the script does.
        assert!(page.body.contains("class=\"lvl s3l2\">6 — ridicat"), "{b}");

        // A domain left out is named; what was typed stays.
        let mut missing = full_form(|_| ("2", "2"));
        missing.retain(|(k, _)| !k.starts_with("domains.mental_health."));
        let refused = app
            .post_form(&format!("/cases/{case}/risk"), &cw, &pairs(&missing))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            refused.body.contains("href=\"#domains.mental_health\""),
            "{b}"
        );
        assert!(refused.body.contains("Evaluați acest domeniu."), "{b}");
        assert!(
            refused.body.contains("Notă despre housing_livelihood"),
            "{b}"
        );
        assert!(app.store.assessments_of(&case).await.unwrap().is_empty());

        let high = full_form(|d| {
            if d == "personal_safety" {
                ("3", "2")
            } else {
                ("1", "2")
            }
        });
        let saved = app
            .post_form(&format!("/cases/{case}/risk"), &cw, &pairs(&high))
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{b}: {}", saved.body);
        let clocks = app.store.clocks_of(&case).await.unwrap();
        let review = clocks
            .iter()
            .find(|c| c.kind.as_str() == "risk_review_high")
            .expect("a high level starts the 30-day review");
        assert_eq!(
            review.due_at_ms,
            Some(at(START_MS + 30 * 86_400_000)),
            "{b}"
        );
        let case_page = app.get(&format!("/cases/{case}"), Some(&cw)).await;
        assert!(
            case_page
                .body
                .contains("Nivel general ridicat (versiunea 1"),
            "{b}"
        );
        assert!(
            case_page.body.contains("Reevaluare datorată până la"),
            "{b}"
        );
        assert!(!case_page.body.contains("id=\"risk-to-review\""), "{b}");

        // The form starts from the latest ratings; a lower rating is a new version, the review
        // clock of the new level replaces the old one, and the history says what moved.
        let page = app.get(&format!("/cases/{case}/risk"), Some(&cw)).await;
        assert!(
            page.body.contains("id=\"personal_safety-s3\" name=\"domains.personal_safety.severity\" value=\"3\" checked"),
            "{b}"
        );
        app.clock.advance_minutes(60);
        let cw = app.login("cw").await;
        let lower = full_form(|d| {
            if d == "personal_safety" {
                ("1", "1")
            } else {
                ("1", "2")
            }
        });
        let saved = app
            .post_form(&format!("/cases/{case}/risk"), &cw, &pairs(&lower))
            .await;
        assert_eq!(saved.location(), format!("/cases/{case}/risk#version-2"));
        let kinds: Vec<(String, String)> = app
            .store
            .clocks_of(&case)
            .await
            .unwrap()
            .into_iter()
            .map(|c| (c.kind.as_str().to_string(), c.state.as_str().to_string()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("risk_review_high".to_string(), "stopped".to_string()),
                ("risk_review_low".to_string(), "running".to_string())
            ],
            "{b}"
        );
        let history = app
            .get_lang(&format!("/cases/{case}/risk"), Some(&cw), Some("en"))
            .await;
        assert!(history.body.contains("Version 2: full assessment"), "{b}");
        assert!(
            history.body.contains(">lower<"),
            "{b}: personal safety went down"
        );
        assert!(history.body.contains(">unchanged<"), "{b}");
        assert!(
            history.body.contains(", by cw ("),
            "{b}: who made each version"
        );

        // A later step of the case calls for a new assessment.
        app.clock.advance_minutes(1);
        let cw = app.login("cw").await;
        let moved = app
            .post_form(
                &format!("/cases/{case}/transitions"),
                &cw,
                &[
                    ("to", "in_assistance"),
                    ("reason", "Asistența începe"),
                    ("from", "identified_victim"),
                ],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{b}: {}", moved.body);
        let case_page = app.get(&format!("/cases/{case}"), Some(&cw)).await;
        assert!(case_page.body.contains("id=\"risk-to-review\""), "{b}");
    }
}

#[tokio::test]
async fn the_api_records_versions_and_names_each_wrong_field() {
    for app in backends().await {
        let b = app.backend;
        let user = app.user("cw", "ANITP-CJ", "case_worker").await;
        let token = app.token(&user).await;
        let (adult, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Apiescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let (child, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Unknown,
                "Copilas",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let domains = |extra: Option<&str>| {
            let mut d = serde_json::Map::new();
            for code in [
                "personal_safety",
                "family_safety",
                "re_trafficking",
                "physical_health",
                "mental_health",
                "legal_situation",
                "housing_livelihood",
            ] {
                d.insert(
                    code.into(),
                    json!({"severity": 1, "likelihood": 2, "note": ""}),
                );
            }
            d.insert(
                "personal_safety".into(),
                json!({"severity": 3, "likelihood": 2, "note": "Amenințată prin telefon"}),
            );
            if let Some(code) = extra {
                d.insert(
                    code.into(),
                    json!({"severity": 2, "likelihood": 2, "note": ""}),
                );
            }
            serde_json::Value::Object(d)
        };
        let path = format!("/api/v1/cases/{adult}/risk-assessments");
        let created = app
            .api(
                "POST",
                &path,
                Some(&token),
                Some(json!({"kind": "full", "domains": domains(None)})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{b}: {}", created.body);
        let body = created.json();
        assert_eq!(body["version"], 1, "{b}");
        assert_eq!(body["overall"], "high", "{b}");
        assert_eq!(body["domains"]["personal_safety"]["score"], 6, "{b}");
        assert_eq!(body["domains"]["personal_safety"]["level"], "high", "{b}");
        assert_eq!(body["domains"]["family_safety"]["level"], "low", "{b}");
        // 28.11.2026 + 30 calendar days, as a date of the jurisdiction.
        assert_eq!(body["review_due"], "2026-12-28", "{b}");

        let wrong = |value: serde_json::Value| {
            let app = &app;
            let token = token.clone();
            let path = path.clone();
            async move { app.api("POST", &path, Some(&token), Some(value)).await }
        };
        let mut out_of_range = domains(None);
        out_of_range["mental_health"]["severity"] = json!(4);
        let r = wrong(json!({"kind": "full", "domains": out_of_range})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "domains.mental_health",
            "{b}: {}",
            r.body
        );
        let r = wrong(json!({"kind": "full", "domains": domains(Some("spiritual"))})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "domains",
            "{b}: {}",
            r.body
        );
        // Asked by the case's age group, not by the request: a conflict.
        let r = wrong(json!({"kind": "full", "domains": domains(Some("child_specific"))})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "domains.child_specific",
            "{b}: {}",
            r.body
        );
        let mut negative = domains(None);
        negative["re_trafficking"]["likelihood"] = json!(-1);
        let r = wrong(json!({"kind": "full", "domains": negative})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "domains.re_trafficking",
            "{b}"
        );
        let mut long = domains(None);
        long["legal_situation"]["note"] = json!("x".repeat(4001));
        let r = wrong(json!({"kind": "full", "domains": long})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "domains.legal_situation",
            "{b}"
        );
        let mut note_only = domains(None);
        note_only["child_specific"] = json!({"note": "Are un frate mai mic"});
        let r = wrong(json!({"kind": "full", "domains": note_only})).await;
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "domains.child_specific",
            "{b}: a note alone is a domain given, refused for an adult"
        );
        let r = wrong(json!({"kind": "full", "domains": domains(None), "urgent": {
            "urgent_medical_need": {"answer": false},
            "immediate_violence": {"answer": false},
            "re_trafficking_danger": {"answer": false},
            "child_without_carer": {"answer": true}
        }}))
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "urgent.child_without_carer",
            "{b}"
        );
        let r = wrong(json!({"kind": "sometime", "domains": domains(None)})).await;
        assert_eq!(r.json()["error"]["fields"][0]["field"], "kind", "{b}");
        let r = app
            .api(
                "POST",
                &format!("/api/v1/cases/{child}/risk-assessments"),
                Some(&token),
                Some(json!({"kind": "full", "domains": domains(None)})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        assert_eq!(
            r.json()["error"]["fields"][0]["field"],
            "domains.child_specific",
            "{b}: {}",
            r.body
        );
        let r = app
            .api(
                "POST",
                &format!("/api/v1/cases/{child}/risk-assessments"),
                Some(&token),
                Some(json!({"kind": "full", "domains": domains(Some("child_specific"))})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        assert_eq!(
            app.store.assessments_of(&adult).await.unwrap().len(),
            1,
            "{b}: no refused request stored anything"
        );

        // A return's assessment: the full domains, the family at home, and the partner in the
        // country of return; none of these belong to a full one.
        let field = |r: &TestResponse| {
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {}",
                r.body
            );
            r.json()["error"]["fields"][0]["field"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let with_home = domains(Some("family_at_home"));
        let r = wrong(json!({"kind": "return", "domains": with_home})).await;
        assert_eq!(field(&r), "partner_org");
        let r =
            wrong(json!({"kind": "return", "partner_org": "IGPR", "domains": domains(None)})).await;
        assert_eq!(field(&r), "domains.family_at_home");
        let r =
            wrong(json!({"kind": "return", "partner_org": "NOBODY", "domains": with_home})).await;
        assert_eq!(field(&r), "partner_org");
        assert!(r.body.contains("NOBODY"), "{b}: names the code");
        let r = wrong(json!({"kind": "full", "domains": with_home})).await;
        assert_eq!(field(&r), "domains.family_at_home");
        let r =
            wrong(json!({"kind": "full", "partner_org": "IGPR", "domains": domains(None)})).await;
        assert_eq!(field(&r), "partner_org");
        let r = wrong(json!({"kind": "return", "partner_org": "IGPR", "domains": with_home})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let body = r.json();
        assert_eq!(body["kind"], "return", "{b}");
        assert_eq!(body["partner_org"], "IGPR", "{b}");
        assert_eq!(body["domains"]["family_at_home"]["level"], "medium", "{b}");
        assert!(
            body["review_due"].is_null(),
            "{b}: a return's assessment starts no review"
        );
        assert_eq!(
            app.store.assessments_of(&adult).await.unwrap().len(),
            2,
            "{b}"
        );

        // The versions, oldest first, with their notes.
        let list = app.api("GET", &path, Some(&token), None).await;
        assert_eq!(list.status, StatusCode::OK, "{b}");
        let versions = list.json()["versions"].clone();
        assert_eq!(versions.as_array().unwrap().len(), 2, "{b}");
        assert_eq!(versions[1]["kind"], "return", "{b}");
        assert_eq!(versions[1]["partner_org"], "IGPR", "{b}");
        assert_eq!(versions[0]["assessed_by"], "cw", "{b}");
        assert_eq!(
            versions[0]["domains"]["personal_safety"]["note"], "Amenințată prin telefon",
            "{b}"
        );
        // The full assessment's review still runs: the return's started none in its place.
        assert_eq!(versions[0]["review_due"], "2026-12-28", "{b}");

        // Not due: a full assessment of a notified case, anything on a case that has ended.
        let (ended, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Dublura")
            .await;
        app.store
            .change_case(
                &mnir_store::CaseChange {
                    transition: mnir_store::Transition {
                        case_id: ended.clone(),
                        from: CaseState::Notified,
                        to: CaseState::Duplicate,
                        reason: "Dublură".into(),
                    },
                    clocks: Default::default(),
                    decision: None,
                },
                &cli(app.clock.now()),
            )
            .await
            .unwrap();
        let r = app
            .api(
                "POST",
                &format!("/api/v1/cases/{ended}/risk-assessments"),
                Some(&token),
                Some(json!({"kind": "first_contact", "urgent": {
                    "urgent_medical_need": {"answer": false},
                    "immediate_violence": {"answer": false},
                    "re_trafficking_danger": {"answer": false}
                }})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {}", r.body);
        let (notified, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Devreme")
            .await;
        let r = app
            .api(
                "POST",
                &format!("/api/v1/cases/{notified}/risk-assessments"),
                Some(&token),
                Some(json!({"kind": "full", "domains": domains(None)})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let r = app
            .api(
                "POST",
                &format!("/api/v1/cases/{notified}/risk-assessments"),
                Some(&token),
                Some(json!({"kind": "first_contact", "urgent": {
                    "urgent_medical_need": {"answer": false},
                    "immediate_violence": {"answer": false},
                    "re_trafficking_danger": {"answer": true, "note": "Datoria față de recrutor"}
                }})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        assert_eq!(
            r.json()["urgent_open"],
            json!(["re_trafficking_danger"]),
            "{b}"
        );
        assert_eq!(r.json()["overall"], serde_json::Value::Null, "{b}");
    }
}

#[tokio::test]
async fn support_records_stay_behind_the_firewall() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("police", "IGPR", "case_worker,supervisor,investigator")
            .await;
        app.user("officer", "ANITP-CJ", "identification_officer")
            .await;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let police_user = app.store.user_by_login("police").await.unwrap().unwrap();
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Paravanescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let cw_token = app.token(&cw).await;
        let r = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/risk-assessments"),
                Some(&cw_token),
                Some(json!({"kind": "first_contact", "urgent": {
                    "urgent_medical_need": {"answer": true, "note": "Sarcină nedeclarată"},
                    "immediate_violence": {"answer": false},
                    "re_trafficking_danger": {"answer": false}
                }})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}");
        let domains = adult_domains(3, 3);
        let full = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/risk-assessments"),
                Some(&cw_token),
                Some(json!({"kind": "full", "domains": domains})),
            )
            .await;
        assert_eq!(full.status, StatusCode::CREATED, "{b}");
        let cw_clocks = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/clocks"),
                Some(&cw_token),
                None,
            )
            .await;
        assert!(cw_clocks.body.contains("risk_review_high"), "{b}");
        for (login, user) in [("police", &police_user), ("coord", &coordinator)] {
            let session = app.login(login).await;
            let case_page = app.get(&format!("/cases/{case}"), Some(&session)).await;
            assert_eq!(
                case_page.status,
                StatusCode::OK,
                "{b} {login} sees the case"
            );
            assert!(!case_page.body.contains("id=\"risk-title\""), "{b} {login}");
            assert!(
                !case_page.body.contains("id=\"urgent-banner\""),
                "{b} {login}"
            );
            assert!(
                !case_page.body.contains("reevaluarea riscului"),
                "{b} {login}: the review clock names the level"
            );
            let page = app
                .get(&format!("/cases/{case}/risk"), Some(&session))
                .await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{b} {login}");
            assert!(!page.body.contains("Sarcină nedeclarată"), "{b} {login}");
            let token = app.token(user).await;
            let api = app
                .api(
                    "GET",
                    &format!("/api/v1/cases/{case}/risk-assessments"),
                    Some(&token),
                    None,
                )
                .await;
            assert_eq!(api.status, StatusCode::FORBIDDEN, "{b} {login}");
            assert!(!api.body.contains("Sarcină nedeclarată"), "{b} {login}");
            let clocks = app
                .api(
                    "GET",
                    &format!("/api/v1/cases/{case}/clocks"),
                    Some(&token),
                    None,
                )
                .await;
            assert_eq!(clocks.status, StatusCode::OK, "{b} {login}");
            assert!(
                !clocks.body.contains("risk_review"),
                "{b} {login}: {}",
                clocks.body
            );
            let posted = app
                .post_form(
                    &format!("/cases/{case}/risk"),
                    &session,
                    &[("kind", "first_contact")],
                )
                .await;
            assert_eq!(posted.status, StatusCode::FORBIDDEN, "{b} {login}");
        }
        let police = app.login("police").await;
        let page = app.get(&format!("/cases/{case}/risk"), Some(&police)).await;
        assert!(
            page.body
                .contains("Înregistrările de asistență nu sunt arătate unui organ de anchetă"),
            "{b}"
        );
        let inbox = app.get("/inbox", Some(&police)).await;
        assert!(!inbox.body.contains("id=\"urgent-title\""), "{b}");
        // The identification officer works the inbox but not the support compartment.
        let officer = app.login("officer").await;
        let inbox = app.get("/inbox", Some(&officer)).await;
        assert_eq!(inbox.status, StatusCode::OK, "{b}");
        assert!(!inbox.body.contains("id=\"urgent-title\""), "{b}");
        assert_eq!(
            app.get(&format!("/cases/{case}/risk"), Some(&officer))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
    }
}
