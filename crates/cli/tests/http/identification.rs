//! Identification end to end: screening advice, the interview and its explained advice, the
//! officer's decision, catalogue versions, and the engine through the API and the CLI.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState};

const BUILTIN_CSV: &str = include_str!("../../../../data/indicators-ilo-ec-2009.csv");

async fn potential_case(app: &App, county: &str) -> String {
    let (id, _) = app
        .seed_case(county, "IGPR", AgeGroup::Adult, "Interviewescu")
        .await;
    let change = mnir_store::Transition {
        case_id: id.clone(),
        from: CaseState::Notified,
        to: CaseState::PotentialVictim,
        reason: "ok".into(),
    };
    app.store
        .change_case(&mnir_store::conformance::step(&change), &cli(START_MS))
        .await
        .unwrap();
    id
}

/// Answers for an adult-labour interview: the given codes present, the next 30 absent.
fn answers<'a>(present: &[&'a str], absent_from: &'a [String]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![
        ("profile".into(), "adult-labour".into()),
        ("catalogue_version".into(), "ilo-ec-2009".into()),
        ("action".into(), "save".into()),
    ];
    for code in present {
        fields.push((format!("mark-{code}"), "present".into()));
    }
    for code in absent_from
        .iter()
        .filter(|c| !present.contains(&c.as_str()))
        .take(30)
    {
        fields.push((format!("mark-{code}"), "absent".into()));
    }
    fields
}

fn all_codes() -> Vec<String> {
    mnir_domain::identification::Catalogue::builtin()
        .indicators
        .iter()
        .map(|i| i.code.clone())
        .collect()
}

async fn post_fields(
    app: &App,
    path: &str,
    session: &Session,
    fields: &[(String, String)],
) -> TestResponse {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post_form(path, session, &borrowed).await
}

#[tokio::test]
async fn an_interview_gives_explained_advice_and_the_officer_decides() {
    for app in backends().await {
        app.user("io", "ANITP-CJ", "identification_officer,case_worker")
            .await;
        let io = app.login("io").await;
        let id = potential_case(&app, "RO-CJ").await;
        let page = app
            .get_lang(&format!("/cases/{id}/interview"), Some(&io), Some("en"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", app.backend);
        assert!(
            page.body.contains("value=\"adult-labour\" selected"),
            "an adult of unknown exploitation gets the adult-labour profile"
        );
        for code in all_codes() {
            assert!(
                page.body.contains(&format!("name=\"mark-{code}\"")),
                "{code} missing from the form"
            );
        }
        let codes = all_codes();
        let mut fields = answers(&["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"], &codes);
        fields.push(("note-DR01".into(), "Promised work in a bakery".into()));
        let saved = post_fields(&app, &format!("/cases/{id}/interview"), &io, &fields).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert!(
            saved.body.contains("trafic indicat"),
            "the advice is shown in Romanian by default"
        );
        assert!(
            saved
                .body
                .contains("Dimensiunea „recrutare înșelătoare” este pozitivă conform regulii (b)")
        );
        let again = app.get(&format!("/cases/{id}/interview"), Some(&io)).await;
        assert!(
            again
                .body
                .contains("name=\"mark-DR01\" value=\"present\" checked"),
            "the answers are kept"
        );
        assert!(again.body.contains("Promised work in a bakery"));

        let case = app.get(&format!("/cases/{id}"), Some(&io)).await;
        assert!(
            case.body.contains(
                "action=\"/cases/{id}/decision\""
                    .replace("{id}", &id)
                    .as_str()
            ),
            "the case page offers the decision"
        );
        assert!(
            !case.body.contains("name=\"to\" value=\"presumed_victim\""),
            "no plain button bypasses the decision"
        );

        let bare = app
            .post_form(
                &format!("/cases/{id}/decision"),
                &io,
                &[
                    ("decision", "not_a_victim"),
                    ("reasons", "Statements are inconsistent"),
                    ("from", "potential_victim"),
                ],
            )
            .await;
        assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bare.body.contains("diferă de recomandarea motorului"),
            "{}",
            bare.body
        );
        assert_eq!(
            app.state_of(&id).await,
            CaseState::PotentialVictim,
            "nothing changed"
        );
        let decided = app
            .post_form(
                &format!("/cases/{id}/decision"),
                &io,
                &[
                    ("decision", "not_a_victim"),
                    ("reasons", "Statements are inconsistent"),
                    (
                        "why_different",
                        "The employer's records contradict the account",
                    ),
                    ("from", "potential_victim"),
                ],
            )
            .await;
        assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
        assert_eq!(app.state_of(&id).await, CaseState::NotAVictim);
        let recorded = app.store.decisions_of(&id).await.unwrap();
        assert_eq!(recorded.len(), 1);
        assert!(recorded[0].differs_from_advice);
        assert_eq!(
            recorded[0].engine_outcome.map(|o| o.as_str()),
            Some("indicated")
        );

        let agreeing = potential_case(&app, "RO-BN").await;
        let fields = answers(&["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"], &codes);
        post_fields(&app, &format!("/cases/{agreeing}/interview"), &io, &fields).await;
        let ok = app
            .post_form(
                &format!("/cases/{agreeing}/decision"),
                &io,
                &[
                    ("decision", "presumed_victim"),
                    ("reasons", "Indicators confirmed"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let dashboard = app.get_lang("/dashboard", Some(&io), Some("en")).await;
        assert!(
            dashboard
                .body
                .contains("2 identification decisions, 1 different from the engine&#39;s advice")
                || dashboard
                    .body
                    .contains("2 identification decisions, 1 different from the engine's advice"),
            "{}",
            dashboard.body
        );
    }
}

#[tokio::test]
async fn a_decision_through_the_api_is_recorded_too_and_needs_an_authorised_officer() {
    let app = sqlite_app().await;
    let officer = app.user("io", "ANITP-CJ", "identification_officer").await;
    let ngo = app.user("ngo", "ANITP-CJ", "case_worker").await;
    let (officer_token, ngo_token) = (app.token(&officer).await, app.token(&ngo).await);
    let id = potential_case(&app, "RO-CJ").await;
    let path = format!("/api/v1/cases/{id}/transitions");
    let refused = app
        .api(
            "POST",
            &path,
            Some(&ngo_token),
            Some(serde_json::json!({"to": "presumed_victim", "reason": "x"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let done = app
        .api(
            "POST",
            &path,
            Some(&officer_token),
            Some(serde_json::json!({"to": "presumed_victim", "reason": "Reasonable grounds"})),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let decisions = app.store.decisions_of(&id).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(
        decisions[0].engine_outcome, None,
        "no interview, so no advice"
    );
}

#[tokio::test]
async fn a_coordinator_loads_checks_and_activates_a_catalogue_version() {
    for app in backends().await {
        app.user("coord", "ANITP", "coordinator").await;
        app.user("io", "ANITP-CJ", "identification_officer").await;
        let coord = app.login("coord").await;
        let io = app.login("io").await;
        assert_eq!(
            app.get("/identification/catalogues", Some(&io))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // An interview saved with the built-in catalogue before the revision.
        let id = potential_case(&app, "RO-CJ").await;
        let codes = all_codes();
        post_fields(
            &app,
            &format!("/cases/{id}/interview"),
            &io,
            &answers(&["DR02", "DR03"], &codes),
        )
        .await;

        let broken = "code,dimension,adult_labour,child_labour,adult_sexual,child_sexual,label_en,label_ro\nDR01,deceptive_recruitment,S,S,S,Q,Deceived,Înșelat\nDR01,nowhere,S,S,S,S,Deceived,\n";
        let r = app
            .post_form(
                "/identification/catalogues",
                &coord,
                &[("version", "ro-2026-1"), ("csv", broken)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.backend
        );
        for expected in ["child_sexual", "dimension", "label_ro", "appears twice"] {
            assert!(
                r.body.contains(expected),
                "the report names {expected}: {}",
                r.body
            );
        }
        assert!(r.body.contains("DR01,nowhere"), "what was pasted is kept");
        assert!(
            app.store.list_catalogues().await.unwrap().is_empty(),
            "nothing was stored"
        );

        // The revision makes DR02 strong for adults in labour exploitation.
        let revised = BUILTIN_CSV.replacen(
            "DR02,deceptive_recruitment,M,M,M,M",
            "DR02,deceptive_recruitment,S,M,M,M",
            1,
        );
        assert_ne!(revised, BUILTIN_CSV);
        let r = app
            .post_form(
                "/identification/catalogues",
                &coord,
                &[("version", "ro-2026-1"), ("csv", &revised)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let again = app
            .post_form(
                "/identification/catalogues",
                &coord,
                &[("version", "ro-2026-1"), ("csv", &revised)],
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a version is never overwritten"
        );
        let r = app
            .post_form(
                "/identification/catalogues/activate",
                &coord,
                &[("version", "ro-2026-1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let list = app.get("/identification/catalogues", Some(&coord)).await;
        assert!(list.body.contains("ro-2026-1"));

        let old = app.get(&format!("/cases/{id}/interview"), Some(&io)).await;
        assert!(
            old.body
                .contains("name=\"catalogue_version\" value=\"ilo-ec-2009\""),
            "the saved interview keeps its version"
        );
        assert!(
            old.body.contains("nu este pozitivă"),
            "and is explained against it: DR02 is medium there"
        );
        let fresh = potential_case(&app, "RO-BN").await;
        let new = app
            .get(&format!("/cases/{fresh}/interview"), Some(&io))
            .await;
        assert!(
            new.body
                .contains("name=\"catalogue_version\" value=\"ro-2026-1\""),
            "new interviews use the active version"
        );
        let mut fields = answers(&["DR02", "DR03"], &codes);
        fields.retain(|(k, _)| k != "catalogue_version");
        fields.push(("catalogue_version".into(), "ro-2026-1".into()));
        let evaluated = post_fields(&app, &format!("/cases/{fresh}/interview"), &io, &fields).await;
        assert!(
            evaluated
                .body
                .contains("Dimensiunea „recrutare înșelătoare” este pozitivă conform regulii (b)"),
            "DR02 is strong in the revision"
        );
    }
}

#[tokio::test]
async fn the_screening_says_whether_notification_is_suggested_and_stores_nothing() {
    let app = sqlite_app().await;
    app.user("s", "IGPR", "screener").await;
    let s = app.login("s").await;
    let key = app
        .post_form(
            "/cases",
            &s,
            &[
                ("action", "check"),
                ("signals", "S10"),
                ("given_name", "Ana"),
            ],
        )
        .await;
    assert_eq!(key.status, StatusCode::OK);
    assert!(key.body.contains("Semnalarea este recomandată: „Nu se poate deplasa sau comunica liber” este un semnal cheie."), "{}", key.body);
    assert!(key.body.contains("value=\"Ana\""));
    let two = app
        .post_form(
            "/cases",
            &s,
            &[("action", "check"), ("signals", "S01"), ("signals", "S07")],
        )
        .await;
    assert!(two.body.contains("2 semnale observate"));
    let one = app
        .post_form("/cases", &s, &[("action", "check"), ("signals", "S01")])
        .await;
    assert!(one.body.contains("Semnalele nu recomandă semnalarea"));
    let total = app
        .api(
            "GET",
            "/api/v1/cases",
            Some(
                &app.token(&app.store.user_by_login("s").await.unwrap().unwrap())
                    .await,
            ),
            None,
        )
        .await
        .json()["total"]
        .clone();
    assert_eq!(total, 0);
}

#[tokio::test]
async fn the_engine_answers_through_the_api_and_refuses_unknown_codes() {
    let app = sqlite_app().await;
    let user = app.user("t", "ANITP", "trainer").await;
    let token = app.token(&user).await;
    let r = app
        .api_lang("POST", "/api/v1/identification/evaluate", Some(&token), Some(serde_json::json!({"profile": "child-sexual", "present": ["EX01", "EX02", "DR01", "DR02"], "act": true})), Some("en"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let json = r.json();
    assert_eq!(json["catalogue_version"], "ilo-ec-2009");
    assert_eq!(json["outcome"], "indicated");
    assert_eq!(json["dimensions"]["exploitative_conditions"]["clause"], "b");
    assert_eq!(
        json["dimensions"]["exploitative_conditions"]["present"],
        serde_json::json!(["EX01", "EX02"])
    );
    assert_eq!(json["dimensions"].as_object().unwrap().len(), 6);
    assert_eq!(json["elements"]["act"], true);
    assert_eq!(json["missing_elements"], serde_json::json!([]));
    assert!(
        json["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("aggravating"))
    );
    let bad = app
        .api_lang(
            "POST",
            "/api/v1/identification/evaluate",
            Some(&token),
            Some(serde_json::json!({"profile": "child-labour", "present": ["VR08"]})),
            Some("en"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.json()["error"]["message"],
        "Indicator “VR08” is not part of the child-labour profile."
    );
    let unknown = app
        .api(
            "POST",
            "/api/v1/identification/evaluate",
            Some(&token),
            Some(serde_json::json!({"profile": "adult-labour", "present": ["ZZ1"]})),
        )
        .await;
    assert_eq!(
        unknown.json()["error"]["message"],
        "Codul de indicator „ZZ1” nu există."
    );
}

#[tokio::test]
async fn a_decision_recorded_in_english_and_in_romanian_stores_the_same_words_and_codes() {
    for app in backends().await {
        let officer = app.user("io", "ANITP-CJ", "identification_officer").await;
        let token = app.token(&officer).await;
        let io = app.login("io").await;
        let codes = all_codes();
        let mut stored = Vec::new();
        let mut ids = Vec::new();
        for lang in ["en", "ro"] {
            let id = potential_case(&app, "RO-CJ").await;
            ids.push(id.clone());
            let indicated = answers(&["DR01", "DR02", "EX01", "EX02", "CD01", "CD02"], &codes);
            post_fields(&app, &format!("/cases/{id}/interview"), &io, &indicated).await;
            let decided = app
                .api_lang(
                    "POST",
                    &format!("/api/v1/cases/{id}/transitions"),
                    Some(&token),
                    Some(serde_json::json!({
                        "to": "not_a_victim",
                        "reason": "Statements are inconsistent",
                        "why_different": "The employer's records contradict the account",
                    })),
                    Some(lang),
                )
                .await;
            assert_eq!(decided.status, StatusCode::OK, "{lang}: {}", decided.body);
            let mut decisions = app.store.decisions_of(&id).await.unwrap();
            assert_eq!(decisions.len(), 1, "{lang}");
            let d = decisions.remove(0);
            stored.push((
                d.decision,
                d.engine_outcome,
                d.differs_from_advice,
                d.reasons,
                d.why_different,
            ));
        }
        assert_eq!(
            stored[0], stored[1],
            "the officer's language leaves no trace"
        );
        let shown = app
            .get_lang(&format!("/cases/{}", ids[1]), Some(&io), Some("en"))
            .await;
        assert!(
            shown
                .body
                .contains("Why the decision differs from the advice")
                && (shown
                    .body
                    .contains("The employer&#39;s records contradict the account")
                    || shown
                        .body
                        .contains("The employer's records contradict the account")),
            "the case history shows why the officer decided otherwise: {}",
            shown.body
        );
        let (decision, advice, differs, reasons, why) = &stored[0];
        assert_eq!(*decision, CaseState::NotAVictim);
        assert_eq!(advice.map(|o| o.as_str()), Some("indicated"));
        assert!(differs);
        assert_eq!(
            reasons, "Statements are inconsistent",
            "only what was typed"
        );
        assert_eq!(
            why.as_deref(),
            Some("The employer's records contradict the account")
        );
    }
}

#[tokio::test]
async fn an_over_long_evidence_note_is_refused_whole_not_cut() {
    let app = sqlite_app().await;
    app.user("io", "ANITP-CJ", "identification_officer,case_worker")
        .await;
    let io = app.login("io").await;
    let id = potential_case(&app, "RO-CJ").await;
    let codes = all_codes();
    let mut fields = answers(&["DR01", "DR02"], &codes);
    let long = format!("{}END-OF-NOTE", "x".repeat(1000));
    fields.push(("note-DR01".into(), long.clone()));
    let refused = post_fields(&app, &format!("/cases/{id}/interview"), &io, &fields).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("DR01"), "the indicator is named");
    assert!(
        refused.body.contains(&long),
        "the note comes back whole, to be shortened"
    );
    let page = app.get(&format!("/cases/{id}/interview"), Some(&io)).await;
    assert!(
        !page.body.contains("END-OF-NOTE") && !page.body.contains(&"x".repeat(1000)),
        "nothing of it was saved"
    );
    // Exactly at the limit it is kept whole.
    fields.pop();
    fields.push(("note-DR01".into(), "y".repeat(1000)));
    let saved = post_fields(&app, &format!("/cases/{id}/interview"), &io, &fields).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let page = app.get(&format!("/cases/{id}/interview"), Some(&io)).await;
    assert!(page.body.contains(&"y".repeat(1000)));
}
