//! The victim profile of a case: recorded by a case worker on its page and through the API, read
//! back the same, refused before the person is presumed a victim, every wrong value named, and
//! nothing stored when anything is wrong.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState};

#[tokio::test]
async fn a_case_worker_records_the_victim_profile_and_every_wrong_value_is_named() {
    for app in backends().await {
        let b = app.backend;
        let cw_user = app.user("cw", "ANITP-CJ", "case_worker").await;
        let token = app.token(&cw_user).await;
        let cw = app.login("cw").await;
        let (presumed, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Profilescu",
                "MD",
                CaseState::PresumedVictim,
            )
            .await;
        let (notified, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Devremescu")
            .await;

        // The page: a form in the reader's language, starting from the notified citizenship.
        let page = app
            .get(&format!("/cases/{presumed}/victim-profile"), Some(&cw))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("Profilul victimei"), "{b}");
        assert!(page.body.contains("<option value=\"MD\" selected>"), "{b}");
        assert!(page.body.contains("Servitute pentru datorii"), "{b}");
        let case_page = app.get(&format!("/cases/{presumed}"), Some(&cw)).await;
        assert!(
            case_page
                .body
                .contains(&format!("href=\"/cases/{presumed}/victim-profile\"")),
            "{b}"
        );

        // Recorded through the form: a multi-valued field repeats its name.
        let saved = app
            .post_form(
                &format!("/cases/{presumed}/victim-profile"),
                &cw,
                &[
                    ("citizenship", "MD"),
                    ("citizenship", "RO"),
                    ("citizenship", ""),
                    ("exploitation_types", "ForcedLabour"),
                    ("exploitation_types", "SexualExploitation"),
                    ("sex_exploitation_types", "Prostitution"),
                    ("forced_labour_industry", "A_AgricultureForestryAndFishing"),
                    ("control_methods", "DebtBondage"),
                    ("control_methods", "WithholdsDocuments"),
                    ("relationship_to_trafficker", "Acquainted"),
                    ("education", ""),
                    ("recruitment_place", "RO-VS"),
                    ("exploitation_place", "IT"),
                    ("settlement", "rural"),
                    ("age_when_trafficked", "19"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{b}: {}", saved.body);
        let read = app
            .api(
                "GET",
                &format!("/api/v1/cases/{presumed}/victim-profile"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(read.status, StatusCode::OK, "{b}: {}", read.body);
        let p = &read.json()["profile"];
        assert_eq!(p["citizenship"], serde_json::json!(["MD", "RO"]), "{b}");
        assert_eq!(
            p["exploitation_types"],
            serde_json::json!(["SexualExploitation", "ForcedLabour"]),
            "{b}: in the standard's order"
        );
        assert_eq!(
            p["forced_labour_industry"],
            "A_AgricultureForestryAndFishing"
        );
        assert_eq!(p["education"], serde_json::Value::Null, "{b}");
        assert_eq!(p["age_when_trafficked"], 19, "{b}");
        assert_eq!(read.json()["organisation"], "ANITP-CJ");
        let audit = app.store.recent_audit(5).await.unwrap();
        let entry = audit
            .iter()
            .find(|e| e.action == "victim_profile.record")
            .expect("audited");
        assert!(
            entry
                .detail
                .contains("fields=citizenship,exploitation_types"),
            "{b}"
        );
        assert!(
            !entry.detail.contains("DebtBondage"),
            "{b}: no values in the log"
        );
        let shown = app
            .get_lang(
                &format!("/cases/{presumed}/victim-profile"),
                Some(&cw),
                Some("en"),
            )
            .await;
        assert!(
            shown
                .body
                .contains("Recruited in one country and exploited in another"),
            "{b}"
        );
        assert!(
            shown.body.contains("<option value=\"RO-VS\" selected>"),
            "{b}"
        );

        // Wrong values: each named in the reader's language, and nothing stored.
        let wrong = app
            .post_form(
                &format!("/cases/{presumed}/victim-profile"),
                &cw,
                &[
                    ("citizenship", "XX"),
                    ("exploitation_types", "ForcedBegging"),
                    ("forced_labour_industry", "F_Construction"),
                    ("education", "PrimaryEducation"),
                    ("education", "DoctoralOrEquivalentLevel"),
                    ("age_when_trafficked", "a hundred"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        for message in [
            "„XX” nu este una dintre valorile acestui câmp.",
            "Alegeți o singură valoare.",
            "Scrieți vârsta ca număr întreg între 0 și 120.",
            "Domeniul se înregistrează pentru muncă forțată",
        ] {
            assert!(wrong.body.contains(message), "{b}: {message}");
        }
        // What was typed stays in the form.
        assert!(
            wrong
                .body
                .contains("id=\"exploitation_types-ForcedBegging\" name=\"exploitation_types\" value=\"ForcedBegging\" checked"),
            "{b}"
        );
        let unchanged = app
            .api(
                "GET",
                &format!("/api/v1/cases/{presumed}/victim-profile"),
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(unchanged["profile"]["age_when_trafficked"], 19, "{b}");
        let stray = app
            .post_form(
                &format!("/cases/{presumed}/victim-profile"),
                &cw,
                &[("favourite_colour", "blue")],
            )
            .await;
        assert_eq!(stray.status, StatusCode::BAD_REQUEST, "{b}");

        // The API replaces the profile whole; its errors are named field by field.
        let put = app
            .api(
                "PUT",
                &format!("/api/v1/cases/{presumed}/victim-profile"),
                Some(&token),
                Some(serde_json::json!({
                    "citizenship": ["RO"],
                    "exploitation_types": ["ForcedBegging"],
                    "recruitment_place": "RO-B",
                    "exploitation_place": "RO-CJ",
                })),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{b}: {}", put.body);
        let p = &put.json()["profile"];
        assert_eq!(
            p["control_methods"],
            serde_json::json!([]),
            "{b}: replaced whole"
        );
        assert_eq!(p["age_when_trafficked"], serde_json::Value::Null);
        let bad = app
            .api_lang(
                "PUT",
                &format!("/api/v1/cases/{presumed}/victim-profile"),
                Some(&token),
                Some(serde_json::json!({
                    "exploitation_types": ["Pickpocketing"],
                    "sex_exploitation_types": ["Prostitution"],
                    "age_when_trafficked": 130,
                })),
                Some("en"),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let mut named = field_names(&bad);
        named.sort();
        assert_eq!(
            named,
            [
                "age_when_trafficked",
                "exploitation_types",
                "sex_exploitation_types"
            ],
            "{b}: {}",
            bad.body
        );
        assert!(
            bad.body
                .contains("“Pickpocketing” is not one of this field's values.")
        );
        let unknown_field = app
            .api(
                "PUT",
                &format!("/api/v1/cases/{presumed}/victim-profile"),
                Some(&token),
                Some(serde_json::json!({"shoe_size": 44})),
            )
            .await;
        assert_eq!(unknown_field.status, StatusCode::BAD_REQUEST, "{b}");

        // Too early for a case only notified, and no such case at all.
        let early = app
            .api_lang(
                "PUT",
                &format!("/api/v1/cases/{notified}/victim-profile"),
                Some(&token),
                Some(serde_json::json!({"citizenship": ["RO"]})),
                Some("en"),
            )
            .await;
        assert_eq!(early.status, StatusCode::CONFLICT, "{b}");
        assert!(
            early.body.contains("once the person is presumed a victim"),
            "{b}"
        );
        let early_page = app
            .get(&format!("/cases/{notified}/victim-profile"), Some(&cw))
            .await;
        assert_eq!(early_page.status, StatusCode::OK, "{b}");
        assert!(!early_page.body.contains("id=\"victim-form\""), "{b}");
        assert_eq!(
            app.api(
                "GET",
                "/api/v1/cases/no-such-case/victim-profile",
                Some(&token),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );

        // Every field and its values, for an integrator.
        let fields = app
            .api("GET", "/api/v1/victim-profile/fields", Some(&token), None)
            .await
            .json();
        let fields = fields.as_array().unwrap();
        assert_eq!(fields.len(), mnir_domain::victim::ProfileField::ALL.len());
        let control = fields
            .iter()
            .find(|f| f["name"] == "control_methods")
            .unwrap();
        assert_eq!(control["htcds_name"], "vic_MethodsOfControl");
        assert_eq!(control["multiple"], true);
        assert_eq!(control["values"].as_array().unwrap().len(), 16);
    }
}
