//! Training (mnir.md §12) through the API and the pages: a session and its participants, the
//! e-learning scored by the identification engine, the certificate a passed course earns, its
//! public verification, its expiry at the end of its last day in the jurisdiction's time zone,
//! its revocation, and a vignette file refused for what the engine makes of it.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::identification::Catalogue;
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::training::{BUILTIN_VIGNETTES, VignetteSet};
use serde_json::{Value, json};

const TRAINEE_NAME: &str = "Ilinca Zmeurescu-Vlădoianu";

fn vignettes() -> VignetteSet {
    VignetteSet::parse(BUILTIN_VIGNETTES, Catalogue::builtin()).unwrap()
}

/// The author's own answers to a vignette, as an attempt.
fn right_answer(code: &str) -> Value {
    let set = vignettes();
    let v = set.vignette(code).unwrap();
    json!({"present": v.present, "act": v.act, "decision": v.expected.as_str()})
}

/// A trainer, a trainee with an account, a session the trainee is on (absent for now); returns
/// the tokens of the trainer and the trainee, the session's id and the trainee's participation.
async fn session_with_trainee(app: &App) -> (String, String, String, String) {
    let b = app.backend;
    let trainer = app.user("trainer", "ANITP", "trainer").await;
    let trainee = app.user("trainee", "IGPR", "screener").await;
    let (trainer, trainee) = (app.token(&trainer).await, app.token(&trainee).await);
    let session = app
        .api(
            "POST",
            "/api/v1/training/sessions",
            Some(&trainer),
            Some(
                json!({"held_on": "2026-11-05", "city": "Cluj-Napoca", "county": "RO-CJ",
                "audience": "national_victims", "trainers": ["Carmen Vlădescu"],
                "modules": ["indicators", "mechanism"]}),
            ),
        )
        .await;
    assert_eq!(session.status, StatusCode::CREATED, "{b}: {}", session.body);
    // The modules are kept in the curriculum's order, whatever order they were sent in.
    assert_eq!(
        session.json()["modules"],
        json!(["mechanism", "indicators"])
    );
    let id = session.json()["id"].as_str().unwrap().to_string();
    let participant = app
        .api(
            "POST",
            &format!("/api/v1/training/sessions/{id}/participants"),
            Some(&trainer),
            Some(json!({"name": TRAINEE_NAME, "login": "trainee",
                "category": "police_public_order", "attended": false})),
        )
        .await;
    assert_eq!(
        participant.status,
        StatusCode::CREATED,
        "{b}: {}",
        participant.body
    );
    assert_eq!(participant.json()["organisation"], "IGPR", "{b}");
    let participant = participant.json()["id"].as_str().unwrap().to_string();
    (trainer, trainee, id, participant)
}

#[tokio::test]
async fn a_session_names_what_is_wrong_and_lists_by_filter() {
    for app in backends().await {
        let b = app.backend;
        let trainer = app.user("trainer", "ANITP", "trainer").await;
        let trainer = app.token(&trainer).await;
        let wrong = app
            .api(
                "POST",
                "/api/v1/training/sessions",
                Some(&trainer),
                Some(
                    json!({"held_on": "2099-01-01", "city": " ", "county": "RO-XX",
                    "audience": "everyone", "trainers": [], "modules": ["cooking"]}),
                ),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            field_names(&wrong),
            [
                "held_on", "city", "county", "audience", "trainers", "modules"
            ],
            "{b}: {}",
            wrong.body
        );
        let iasi = app
            .api(
                "POST",
                "/api/v1/training/sessions",
                Some(&trainer),
                Some(
                    json!({"held_on": "2026-03-10", "city": "Iași", "county": "RO-IS",
                    "audience": "foreign_victims", "trainers": ["A"], "modules": ["children"]}),
                ),
            )
            .await;
        assert_eq!(iasi.status, StatusCode::CREATED, "{b}: {}", iasi.body);
        let session = cluj_session(&app, &trainer).await;
        // An outside organisation by its name; not both an organisation and a name.
        let both = app
            .api(
                "POST",
                &format!("/api/v1/training/sessions/{session}/participants"),
                Some(&trainer),
                Some(json!({"name": "Maria Pop", "organisation": "IGPR",
                    "organisation_name": "Școala nr. 3", "category": "school_staff"})),
            )
            .await;
        assert_eq!(
            field_names(&both),
            ["organisation_name"],
            "{b}: {}",
            both.body
        );
        // Well formed, but no account has that login and the session's curriculum has no such
        // module: the records refuse it, a conflict.
        let unknown = app
            .api(
                "POST",
                &format!("/api/v1/training/sessions/{session}/participants"),
                Some(&trainer),
                Some(
                    json!({"name": "Maria Pop", "login": "nobody", "category": "school_staff",
                    "modules": ["cooking"]}),
                ),
            )
            .await;
        assert_eq!(
            unknown.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            unknown.body
        );
        assert_eq!(
            field_names(&unknown),
            ["login", "modules"],
            "{b}: {}",
            unknown.body
        );
        let school = app
            .api(
                "POST",
                &format!("/api/v1/training/sessions/{session}/participants"),
                Some(&trainer),
                Some(
                    json!({"name": "Maria Pop", "organisation_name": "Școala nr. 3",
                    "category": "school_staff", "attended": true}),
                ),
            )
            .await;
        assert_eq!(school.status, StatusCode::CREATED, "{b}: {}", school.body);
        let by_city = app
            .api(
                "GET",
                "/api/v1/training/sessions?city=Ia%C8%99i",
                Some(&trainer),
                None,
            )
            .await;
        let cities: Vec<String> = by_city.json()["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["city"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(cities, ["Iași"], "{b}: {}", by_city.body);
        let schools = app
            .api(
                "GET",
                "/api/v1/training/sessions?category=school_staff",
                Some(&trainer),
                None,
            )
            .await;
        let found = schools.json()["sessions"].as_array().unwrap().clone();
        assert_eq!(found.len(), 1, "{b}: {}", schools.body);
        assert_eq!(found[0]["id"], session.as_str(), "{b}");
        let bad = app
            .api(
                "GET",
                "/api/v1/training/sessions?audience=all&from=yesterday",
                Some(&trainer),
                None,
            )
            .await;
        assert_eq!(field_names(&bad), ["audience", "from"], "{b}: {}", bad.body);
    }
}

/// A session in Cluj-Napoca recorded by `trainer`; its id.
async fn cluj_session(app: &App, trainer: &str) -> String {
    let session = app
        .api(
            "POST",
            "/api/v1/training/sessions",
            Some(trainer),
            Some(
                json!({"held_on": "2026-11-05", "city": "Cluj-Napoca", "county": "RO-CJ",
                "audience": "national_victims", "trainers": ["T"], "modules": ["mechanism"]}),
            ),
        )
        .await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
    session.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_trainee_is_scored_by_the_engine_and_certified_once_the_course_is_passed() {
    for app in backends().await {
        let b = app.backend;
        let (trainer, trainee, session, participant) = session_with_trainee(&app).await;

        // The stories come without their authors' answers.
        let list = app
            .api("GET", "/api/v1/elearning/vignettes", Some(&trainee), None)
            .await;
        assert_eq!(list.status, StatusCode::OK, "{b}");
        assert!(!list.body.contains("\"present\"") && !list.body.contains("\"expected\""));
        assert_eq!(list.json()["needed"], 5, "{b}");

        // One indicator missed, one marked wrongly: n − 1 shared of n + 1 marked by either.
        let set = vignettes();
        let v01 = set.vignette("V01").unwrap();
        let mut marked: Vec<String> = v01.present.iter().cloned().collect();
        let missed = marked.pop().unwrap();
        let wrong = Catalogue::builtin()
            .profile_indicators(v01.profile)
            .map(|i| i.code.clone())
            .find(|c| !v01.present.contains(c))
            .unwrap();
        marked.push(wrong.clone());
        let n = v01.present.len() as f64;
        let attempt = app
            .api(
                "POST",
                "/api/v1/elearning/vignettes/V01/attempts",
                Some(&trainee),
                Some(json!({"present": marked, "decision": v01.expected.as_str()})),
            )
            .await;
        assert_eq!(attempt.status, StatusCode::CREATED, "{b}: {}", attempt.body);
        let a = attempt.json();
        let score = a["score"].as_f64().unwrap();
        assert!((score - (n - 1.0) / (n + 1.0)).abs() < 1e-9, "{b}: {score}");
        assert_eq!(a["decision_correct"], true, "{b}");
        assert_eq!(a["missed"], json!([missed]), "{b}");
        assert_eq!(a["wrongly_marked"], json!([wrong]), "{b}");
        // The feedback is the engine's explanation of both, in the caller's language.
        let author = a["feedback"]["author"].as_array().unwrap();
        assert!(
            author
                .iter()
                .any(|s| s.as_str().unwrap().contains("recrutare")),
            "{b}: {author:?}"
        );
        assert_ne!(a["feedback"]["author"], a["feedback"]["trainee"], "{b}");

        // A child's vignette asks whether an act took place; an unknown code is named.
        let no_act = app
            .api(
                "POST",
                "/api/v1/elearning/vignettes/V06/attempts",
                Some(&trainee),
                Some(json!({"present": [], "decision": "not_a_victim"})),
            )
            .await;
        assert_eq!(no_act.status, StatusCode::CONFLICT, "{b}: {}", no_act.body);
        assert_eq!(field_names(&no_act), ["act"], "{b}: {}", no_act.body);
        let unknown = app
            .api(
                "POST",
                "/api/v1/elearning/vignettes/V01/attempts",
                Some(&trainee),
                Some(json!({"present": ["ZZ99"], "decision": "maybe"})),
            )
            .await;
        assert_eq!(
            field_names(&unknown),
            ["decision", "present"],
            "{b}: {}",
            unknown.body
        );
        let missing = app
            .api(
                "POST",
                "/api/v1/elearning/vignettes/V99/attempts",
                Some(&trainee),
                Some(json!({"present": [], "decision": "not_a_victim"})),
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{b}");

        // A later right try at V01 is practice: the first try is what counts.
        app.clock.advance_seconds(1);
        let practice = app
            .api(
                "POST",
                "/api/v1/elearning/vignettes/V01/attempts",
                Some(&trainee),
                Some(right_answer("V01")),
            )
            .await;
        assert_eq!(practice.json()["score"], 1.0, "{b}");
        let progress = app
            .api("GET", "/api/v1/elearning/vignettes", Some(&trainee), None)
            .await;
        assert_eq!(progress.json()["passed"], 0, "{b}: {}", progress.body);

        // Five other vignettes passed at the first try, but the session not attended: no
        // certificate yet.
        for v in set.vignettes.iter().skip(1).take(5) {
            let r = app
                .api(
                    "POST",
                    &format!("/api/v1/elearning/vignettes/{}/attempts", v.code),
                    Some(&trainee),
                    Some(right_answer(&v.code)),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
            assert_eq!(r.json()["score"], 1.0, "{b}");
            assert_eq!(r.json()["certificates"], json!([]), "{b}");
        }
        let mine = app
            .api("GET", "/api/v1/certificates", Some(&trainee), None)
            .await;
        assert_eq!(mine.json()["certificates"], json!([]), "{b}");

        // The trainer records the attendance: the course is passed and certified.
        let attended = app
            .api(
                "POST",
                &format!(
                    "/api/v1/training/sessions/{session}/participants/{participant}/attendance"
                ),
                Some(&trainer),
                Some(json!({"attended": true})),
            )
            .await;
        assert_eq!(attended.status, StatusCode::OK, "{b}: {}", attended.body);
        let mine = app
            .api("GET", "/api/v1/certificates", Some(&trainee), None)
            .await;
        let certificates = mine.json()["certificates"].as_array().unwrap().clone();
        assert_eq!(certificates.len(), 1, "{b}: {}", mine.body);
        let c = &certificates[0];
        assert_eq!(c["standing"], "valid", "{b}");
        assert_eq!(c["course"], "national_victims", "{b}");
        assert_eq!(c["holder"], TRAINEE_NAME, "{b}");
        let today = Jurisdiction::romania().local_date(at(app.clock.now()).to_utc());
        assert_eq!(c["number"], format!("{}-000001", today.format("%Y")), "{b}");
        let id = c["id"].as_str().unwrap().to_string();
        let code = c["verification_code"].as_str().unwrap().to_string();

        // Anyone verifies it without signing in, and learns no more than the initials.
        let verified = app
            .api("GET", &format!("/api/v1/verify/{code}"), None, None)
            .await;
        assert_eq!(verified.status, StatusCode::OK, "{b}: {}", verified.body);
        assert_eq!(verified.json()["standing"], "valid", "{b}");
        assert_eq!(verified.json()["holder_initials"], "I. Z. V.", "{b}");
        assert!(
            !verified.body.contains("Zmeurescu"),
            "{b}: {}",
            verified.body
        );
        let page = app
            .get(&format!("/verify/{}", code.to_lowercase()), None)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.body.contains("I. Z. V.") && !page.body.contains("Zmeurescu"));
        let nobody = app.get("/verify/AAAAA-BBBBB-CCCCC", None).await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND, "{b}");

        // Printed in either language, by its holder; another user finds nothing.
        let holder = app.login("trainee").await;
        let pdf = app
            .get(&format!("/certificates/{id}/pdf?lang=en"), Some(&holder))
            .await;
        assert_eq!(pdf.status, StatusCode::OK, "{b}");
        let text = pdf_text(&pdf.bytes);
        assert!(
            text.contains("Certificate of training") && text.contains(TRAINEE_NAME),
            "{b}: {text}"
        );
        let ro = app
            .get(&format!("/certificates/{id}/pdf?lang=ro"), Some(&holder))
            .await;
        assert!(pdf_text(&ro.bytes).contains("Certificat de formare"), "{b}");
        app.user("stranger", "ANITP-B", "case_worker").await;
        let stranger = app.login("stranger").await;
        let foreign = app
            .get(&format!("/certificates/{id}"), Some(&stranger))
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{b}");

        // Revoked with a reason, once; the verification says so at once.
        let no_reason = app
            .api(
                "POST",
                &format!("/api/v1/certificates/{id}/revoke"),
                Some(&trainer),
                Some(json!({"reason": " \u{200B} "})),
            )
            .await;
        assert_eq!(field_names(&no_reason), ["reason"], "{b}");
        let by_holder = app
            .api(
                "POST",
                &format!("/api/v1/certificates/{id}/revoke"),
                Some(&trainee),
                Some(json!({"reason": "self"})),
            )
            .await;
        assert_eq!(by_holder.status, StatusCode::FORBIDDEN, "{b}");
        let revoked = app
            .api(
                "POST",
                &format!("/api/v1/certificates/{id}/revoke"),
                Some(&trainer),
                Some(json!({"reason": "Obținut prin fraudă"})),
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{b}: {}", revoked.body);
        assert_eq!(revoked.json()["standing"], "revoked", "{b}");
        let again = app
            .api(
                "POST",
                &format!("/api/v1/certificates/{id}/revoke"),
                Some(&trainer),
                Some(json!({"reason": "again"})),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{b}");
        let verified = app
            .api("GET", &format!("/api/v1/verify/{code}"), None, None)
            .await;
        assert_eq!(verified.json()["standing"], "revoked", "{b}");
    }
}

#[tokio::test]
async fn a_certificate_expires_as_its_last_day_ends_in_the_jurisdictions_time_zone() {
    for app in backends().await {
        let b = app.backend;
        let (trainer, trainee, session, participant) = session_with_trainee(&app).await;
        for v in vignettes().vignettes.iter().take(5) {
            app.api(
                "POST",
                &format!("/api/v1/elearning/vignettes/{}/attempts", v.code),
                Some(&trainee),
                Some(right_answer(&v.code)),
            )
            .await;
        }
        app.api(
            "POST",
            &format!("/api/v1/training/sessions/{session}/participants/{participant}/attendance"),
            Some(&trainer),
            Some(json!({"attended": true})),
        )
        .await;
        let mine = app
            .api("GET", "/api/v1/certificates", Some(&trainee), None)
            .await;
        let c = mine.json()["certificates"][0].clone();
        let code = c["verification_code"].as_str().unwrap().to_string();
        let last = mnir_domain::parse_iso_date(c["last_valid_day"].as_str().unwrap()).unwrap();
        let rules = Jurisdiction::romania();
        let issued = rules.local_date(at(app.clock.now()).to_utc());
        assert_eq!(last, rules.training.last_valid_day(issued), "{b}");
        // The last day ends at midnight in Bucharest, not in UTC.
        let ends = rules
            .start_of_day(last + chrono::Days::new(1))
            .timestamp_millis();
        app.clock
            .advance_seconds((ends - app.clock.now()) / 1000 - 1);
        let verify = format!("/api/v1/verify/{code}");
        let r = app.api("GET", &verify, None, None).await;
        assert_eq!(
            r.json()["standing"],
            "valid",
            "{b}: a second before midnight"
        );
        app.clock.advance_seconds(2);
        let r = app.api("GET", &verify, None, None).await;
        assert_eq!(r.json()["standing"], "expired", "{b}: a second after");
    }
}

#[tokio::test]
async fn a_vignette_file_the_engine_contradicts_is_refused_with_its_line_and_nothing_kept() {
    for app in backends().await {
        let b = app.backend;
        app.user("trainer", "ANITP", "trainer").await;
        let session = app.login("trainer").await;
        let before = app.get("/training/vignettes", Some(&session)).await;
        assert_eq!(before.status, StatusCode::OK, "{b}");
        let contradicted = r#"version = "2027-1"
[[vignette]]
code = "X1"
profile = "adult-labour"
title_ro = "Titlu"
title_en = "Title"
story_ro = "Poveste."
story_en = "Story."
present = ["DR01", "DR02", "EX01", "EX02"]
expected = "presumed_victim"
"#;
        let refused = app
            .post_form(
                "/training/vignettes",
                &session,
                &[("text", contradicted), ("activate", "yes")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            refused.body.contains("contrazice") && refused.body.contains("<td>2</td>"),
            "{b}: {}",
            refused.body
        );
        assert!(
            !refused.body.contains(">2027-1<"),
            "{b}: the version was kept"
        );
        // With the means at destination the engine agrees, and the version is used at once.
        let agreed = contradicted.replace(r#""EX02"]"#, r#""EX02", "CD01", "CD04"]"#);
        let imported = app
            .post_form(
                "/training/vignettes",
                &session,
                &[("text", agreed.as_str()), ("activate", "yes")],
            )
            .await;
        assert_eq!(imported.status, StatusCode::OK, "{b}: {}", imported.body);
        assert!(imported.body.contains("2027-1"), "{b}");
        app.user("learner", "IGPR", "screener").await;
        let learner = app.login("learner").await;
        let e = app.get("/elearning", Some(&learner)).await;
        assert!(e.body.contains("/elearning/vignettes/X1"), "{b}");
        assert!(!e.body.contains("/elearning/vignettes/V01"), "{b}");

        // A text larger than the page takes is refused in the user's language, naming the
        // limit, whether or not the browser declared its length; nothing is imported.
        let huge = format!("version = \"2027-9\"\n# {}", "x".repeat(300 * 1024));
        let read_whole = app
            .post_form(
                "/training/vignettes",
                &session,
                &[("text", huge.as_str()), ("activate", "yes")],
            )
            .await;
        let mut declared = axum::http::Request::post("/training/vignettes")
            .header(
                axum::http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(axum::http::header::COOKIE, &session.cookie);
        let body =
            serde_urlencoded::to_string([("csrf", session.csrf.as_str()), ("text", huge.as_str())])
                .unwrap();
        declared = declared.header(axum::http::header::CONTENT_LENGTH, body.len());
        let declared = app
            .send(declared.body(axum::body::Body::from(body)).unwrap())
            .await;
        for refused in [read_whole, declared] {
            assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
            assert!(
                refused.body.contains("256 KiB") && refused.body.contains("nu s-a salvat nimic"),
                "{b}: {}",
                refused.body
            );
            assert!(refused.body.contains("<html lang=\"ro\""), "{b}: a page");
            assert!(
                refused.headers.contains_key("content-security-policy"),
                "{b}: the page carries the security headers"
            );
        }
        let versions = app.get("/training/vignettes", Some(&session)).await;
        assert!(!versions.body.contains("2027-9"), "{b}");
    }
}

#[tokio::test]
async fn the_trainee_s_pages_keep_what_was_marked_and_show_the_feedback_in_english() {
    for app in backends().await {
        let b = app.backend;
        app.user("learner", "IGPR", "screener").await;
        let session = app.login("learner").await;
        let form = app.get("/elearning/vignettes/V06", Some(&session)).await;
        assert_eq!(form.status, StatusCode::OK, "{b}");
        assert!(
            form.body.contains("name=\"act\""),
            "{b}: a child's vignette asks the act"
        );
        // No act answered: the page again, with the marks kept.
        let refused = app
            .post_form(
                "/elearning/vignettes/V06",
                &session,
                &[("present", "EX01"), ("decision", "presumed_victim")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            refused
                .body
                .contains("id=\"ind-EX01\" name=\"present\" value=\"EX01\" checked"),
            "{b}"
        );
        let v06 = vignettes().vignette("V06").unwrap().clone();
        let mut fields: Vec<(&str, &str)> = v06
            .present
            .iter()
            .map(|c| ("present", c.as_str()))
            .collect();
        fields.push(("act", "yes"));
        fields.push(("decision", v06.expected.as_str()));
        let done = app
            .post_form("/elearning/vignettes/V06", &session, &fields)
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{b}: {}", done.body);
        let feedback = app
            .get_lang(&done.location(), Some(&session), Some("en"))
            .await;
        assert_eq!(feedback.status, StatusCode::OK, "{b}");
        assert!(
            feedback.body.contains("100 %") && feedback.body.contains("id=\"decision-right\""),
            "{b}: {}",
            feedback.body
        );
        assert!(feedback.body.contains("The engine on the author"), "{b}");
        // Another user's attempt is not theirs to read.
        app.user("other", "IGPR", "screener").await;
        let other = app.login("other").await;
        let theirs = app.get(&done.location(), Some(&other)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{b}");
    }
}

/// Passes the course for `login` (already a participant, attended): five vignettes right.
async fn pass_elearning(app: &App, token: &str) {
    for v in vignettes().vignettes.iter().take(5) {
        let r = app
            .api(
                "POST",
                &format!("/api/v1/elearning/vignettes/{}/attempts", v.code),
                Some(token),
                Some(right_answer(&v.code)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
}

#[tokio::test]
async fn where_the_profile_says_so_the_screener_role_needs_a_valid_certificate() {
    for app in backends().await {
        let (app, core) = app.requiring_certified_screeners();
        let b = app.backend;
        let admin = app.user("admin", "ANITP", "admin").await;
        let trainer = app.user("trainer", "ANITP", "trainer").await;
        let worker = app.user("worker", "IGPR", "case_worker").await;
        let (admin_token, trainer, worker_token) = (
            app.token(&admin).await,
            app.token(&trainer).await,
            app.token(&worker).await,
        );
        let grant = |roles: Value| {
            let app = &app;
            let path = format!("/api/v1/admin/users/{}/roles", worker.id);
            let token = admin_token.clone();
            async move { app.api("POST", &path, Some(&token), Some(roles)).await }
        };
        let roles_of = |app: &App| {
            let store = app.store.clone();
            async move {
                store
                    .user_by_login("worker")
                    .await
                    .unwrap()
                    .unwrap()
                    .roles
                    .to_string()
            }
        };

        // Uncertified: refused through the API and on the administrator's page.
        let refused = grant(json!({"roles": ["case_worker", "screener"]})).await;
        // The account's certificates refuse it: a conflict for the API.
        assert_eq!(
            refused.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            refused.body
        );
        assert_eq!(field_names(&refused), ["roles"], "{b}: {}", refused.body);
        assert!(refused.body.contains("certificat"), "{b}: {}", refused.body);
        let page = app.login("admin").await;
        let form = app
            .post_form(
                &format!("/admin/users/{}/roles", worker.id),
                &page,
                &[("roles", "case_worker"), ("roles", "screener")],
            )
            .await;
        assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            form.body
                .contains("role-screener\" name=\"roles\" value=\"screener\" checked")
        );
        assert_eq!(roles_of(&app).await, "case_worker", "{b}");

        // Certified: granted.
        let session = cluj_session(&app, &trainer).await;
        let added = app
            .api(
                "POST",
                &format!("/api/v1/training/sessions/{session}/participants"),
                Some(&trainer),
                Some(json!({"name": "Vasile Lucrătorul", "login": "worker",
                    "category": "police_public_order", "attended": true})),
            )
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{b}");
        pass_elearning(&app, &worker_token).await;
        let granted = grant(json!({"roles": ["case_worker", "screener"]})).await;
        assert_eq!(granted.status, StatusCode::OK, "{b}: {}", granted.body);
        assert_eq!(roles_of(&app).await, "screener,case_worker", "{b}");

        // Revoked: the role ends with the certificate.
        let mine = app
            .api("GET", "/api/v1/certificates", Some(&worker_token), None)
            .await;
        let id = mine.json()["certificates"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let revoked = app
            .api(
                "POST",
                &format!("/api/v1/certificates/{id}/revoke"),
                Some(&trainer),
                Some(json!({"reason": "Nu a participat de fapt."})),
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{b}");
        assert_eq!(roles_of(&app).await, "case_worker", "{b}");

        // A new certificate needs a session held after the last one, not only the e-learning
        // passed again since.
        app.clock.advance_seconds(1);
        pass_elearning(&app, &worker_token).await;
        let none = app
            .api("GET", "/api/v1/certificates", Some(&worker_token), None)
            .await;
        assert_eq!(
            none.json()["certificates"].as_array().unwrap().len(),
            1,
            "{b}: only the revoked one"
        );
        // To the next day in Bucharest (the tokens, a day long, still hold).
        app.clock.advance_minutes(14 * 60);
        let today = Jurisdiction::romania()
            .local_date(at(app.clock.now()).to_utc())
            .format("%Y-%m-%d")
            .to_string();
        let later = app
            .api(
                "POST",
                "/api/v1/training/sessions",
                Some(&trainer),
                Some(
                    json!({"held_on": today, "city": "Cluj-Napoca", "county": "RO-CJ",
                    "audience": "national_victims", "trainers": ["T"], "modules": ["mechanism"]}),
                ),
            )
            .await;
        assert_eq!(later.status, StatusCode::CREATED, "{b}: {}", later.body);
        let later = later.json()["id"].as_str().unwrap().to_string();
        let again = app
            .api(
                "POST",
                &format!("/api/v1/training/sessions/{later}/participants"),
                Some(&trainer),
                Some(json!({"name": "Vasile Lucrătorul", "login": "worker",
                    "category": "police_public_order", "attended": true})),
            )
            .await;
        assert_eq!(again.status, StatusCode::CREATED, "{b}: {}", again.body);
        pass_elearning(&app, &worker_token).await;
        let again = app
            .api("GET", "/api/v1/certificates", Some(&worker_token), None)
            .await;
        assert_eq!(
            again.json()["certificates"][0]["standing"],
            "valid",
            "{b}: {}",
            again.body
        );
        // Granted, then expired: the scheduler's look ends the role; nothing changes while the
        // certificate holds.
        assert_eq!(
            grant(json!({"roles": ["case_worker", "screener"]}))
                .await
                .status,
            StatusCode::OK,
            "{b}"
        );
        assert_eq!(
            mnir_app::training::end_lapsed_screener_roles(&core)
                .await
                .unwrap(),
            0,
            "{b}"
        );
        app.clock.advance_minutes(60 * 24 * (3 * 365 + 2));
        assert_eq!(
            mnir_app::training::end_lapsed_screener_roles(&core)
                .await
                .unwrap(),
            1,
            "{b}"
        );
        assert_eq!(roles_of(&app).await, "case_worker", "{b}");

        // An account that was a screener alone keeps no role, signs in still, and may learn.
        let lone = app.user("lone", "IGPR", "screener").await;
        assert_eq!(
            mnir_app::training::end_lapsed_screener_roles(&core)
                .await
                .unwrap(),
            1,
            "{b}"
        );
        let stored = app.store.user_by_login("lone").await.unwrap().unwrap();
        assert!(stored.roles.is_empty(), "{b}");
        let lone = app.token(&lone).await;
        let learns = app
            .api("GET", "/api/v1/elearning/vignettes", Some(&lone), None)
            .await;
        assert_eq!(learns.status, StatusCode::OK, "{b}");
        let lists = app.api("GET", "/api/v1/cases", Some(&lone), None).await;
        assert_eq!(lists.status, StatusCode::FORBIDDEN, "{b}");
        let page = app.login("admin").await;
        let admin_page = app.get("/admin/users", Some(&page)).await;
        assert_eq!(
            admin_page.status,
            StatusCode::OK,
            "{b}: the accounts still list"
        );
    }
}

#[tokio::test]
async fn a_supervisor_gets_a_task_when_a_staff_certificate_nears_its_last_day() {
    for app in backends().await {
        let b = app.backend;
        let (trainer, trainee, session, participant) = session_with_trainee(&app).await;
        pass_elearning(&app, &trainee).await;
        let attended = app
            .api(
                "POST",
                &format!(
                    "/api/v1/training/sessions/{session}/participants/{participant}/attendance"
                ),
                Some(&trainer),
                Some(json!({"attended": true})),
            )
            .await;
        assert_eq!(attended.status, StatusCode::OK, "{b}: {}", attended.body);
        let certificate = app
            .api("GET", "/api/v1/certificates", Some(&trainee), None)
            .await;
        let certificate_id = certificate.json()["certificates"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{b}: certified: {}", certificate.body))
            .to_string();
        let boss_user = app.user("boss", "IGPR", "supervisor").await;
        let elsewhere_user = app.user("elsewhere", "ANITP-B", "supervisor").await;
        let boss = app.login("boss").await;
        let raise = || mnir_app::training::raise_certificate_notices(&app.core);
        assert_eq!(raise().await.unwrap(), 0, "{b}: three years to go");
        let now = app.get("/inbox", Some(&boss)).await;
        assert!(now.body.contains("id=\"certificate-notices\""), "{b}");
        assert!(!now.body.contains(TRAINEE_NAME), "{b}: not ending yet");

        // Twenty days before its last day: within the 30 days' notice. One task, raised once,
        // for IGPR's supervisors only.
        app.clock.advance_minutes(60 * 24 * (3 * 365 - 20));
        assert_eq!(raise().await.unwrap(), 1, "{b}");
        assert_eq!(raise().await.unwrap(), 0, "{b}: raised once");
        let boss = app.login("boss").await;
        let soon = app.get("/inbox", Some(&boss)).await;
        assert!(soon.body.contains(TRAINEE_NAME), "{b}: {}", soon.body);
        assert!(
            soon.body
                .contains(&format!("href=\"/certificates/{certificate_id}\"")),
            "{b}"
        );
        // The supervisor may open the certificate the task links to; another's may not.
        let shown = app
            .get(&format!("/certificates/{certificate_id}"), Some(&boss))
            .await;
        assert_eq!(shown.status, StatusCode::OK, "{b}");
        let other = app.login("elsewhere").await;
        let theirs = app.get("/inbox", Some(&other)).await;
        assert!(!theirs.body.contains(TRAINEE_NAME), "{b}");
        let hidden = app
            .get(&format!("/certificates/{certificate_id}"), Some(&other))
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{b}");

        // The API lists it; another organisation's supervisor cannot close it.
        let boss_token = app.token(&boss_user).await;
        let listed = app
            .api(
                "GET",
                "/api/v1/training/certificate-notices",
                Some(&boss_token),
                None,
            )
            .await;
        assert_eq!(listed.status, StatusCode::OK, "{b}");
        let tasks = listed.json();
        assert_eq!(tasks.as_array().map(Vec::len), Some(1), "{b}: {tasks}");
        assert_eq!(tasks[0]["certificate"]["id"], json!(certificate_id), "{b}");
        let task = tasks[0]["id"].as_str().unwrap().to_string();
        let elsewhere = app.token(&elsewhere_user).await;
        let refused = app
            .api(
                "POST",
                &format!("/api/v1/training/certificate-notices/{task}/done"),
                Some(&elsewhere),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{b}");

        // Closed on the page, it leaves the inbox, and the audit log says who closed it.
        let done = app
            .post_form(&format!("/staff-tasks/{task}/done"), &boss, &[])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{b}: {}", done.body);
        let after = app.get("/inbox", Some(&boss)).await;
        assert!(!after.body.contains(TRAINEE_NAME), "{b}");
        let again = app
            .api(
                "POST",
                &format!("/api/v1/training/certificate-notices/{task}/done"),
                Some(&boss_token),
                None,
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{b}: closed once");
        let audit = app.store.recent_audit(20).await.unwrap();
        assert!(
            audit.iter().any(|e| e.action == "certificate.notice.close"
                && e.target == format!("staff_task:{task}")
                && e.actor_user == boss_user.id),
            "{b}: the audit log says who closed it"
        );
        assert_eq!(raise().await.unwrap(), 0, "{b}: not raised again");
    }
}

#[tokio::test]
async fn a_revocation_closes_the_task_by_itself() {
    for app in backends().await {
        let b = app.backend;
        let (trainer, trainee, session, participant) = session_with_trainee(&app).await;
        pass_elearning(&app, &trainee).await;
        app.api(
            "POST",
            &format!("/api/v1/training/sessions/{session}/participants/{participant}/attendance"),
            Some(&trainer),
            Some(json!({"attended": true})),
        )
        .await;
        let boss = app.user("boss", "IGPR", "supervisor").await;
        let certificates = app
            .api("GET", "/api/v1/certificates", Some(&trainee), None)
            .await;
        let id = certificates.json()["certificates"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        app.clock.advance_minutes(60 * 24 * (3 * 365 - 10));
        // Tokens are given after the years have passed: those of before have expired.
        let boss = app.token(&boss).await;
        let trainer = app
            .token(&app.store.user_by_login("trainer").await.unwrap().unwrap())
            .await;
        mnir_app::training::raise_certificate_notices(&app.core)
            .await
            .unwrap();
        let open = || async {
            app.api(
                "GET",
                "/api/v1/training/certificate-notices",
                Some(&boss),
                None,
            )
            .await
            .json()
            .as_array()
            .map(Vec::len)
        };
        assert_eq!(open().await, Some(1), "{b}");
        let revoked = app
            .api(
                "POST",
                &format!("/api/v1/certificates/{id}/revoke"),
                Some(&trainer),
                Some(json!({"reason": "left the police"})),
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{b}: {}", revoked.body);
        assert_eq!(open().await, Some(0), "{b}: revoked, the task is moot");
        let audit = app.store.recent_audit(200).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "certificate.notice.raise" && e.detail.contains(&id)),
            "{b}: the raising is in the audit log"
        );
    }
}

#[tokio::test]
async fn the_reports_count_people_trained_and_notifications_by_certified_staff_and_hide_small_figures_when_published()
 {
    for app in backends().await {
        let b = app.backend;
        let (trainer, trainee, session, participant) = session_with_trainee(&app).await;
        let add = |name: &'static str, category: &'static str, org: Value| {
            let app = &app;
            let trainer = trainer.clone();
            let path = format!("/api/v1/training/sessions/{session}/participants");
            async move {
                let mut body = json!({"name": name, "category": category, "attended": true});
                body.as_object_mut()
                    .unwrap()
                    .extend(org.as_object().unwrap().clone());
                let r = app.api("POST", &path, Some(&trainer), Some(body)).await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            }
        };
        add(
            "A Unu",
            "school_staff",
            json!({"organisation_name": "Școala nr. 1"}),
        )
        .await;
        add(
            "B Doi",
            "school_staff",
            json!({"organisation_name": "Școala nr. 1"}),
        )
        .await;
        add("C Trei", "ngo", json!({"organisation": "DGASPC-CJ"})).await;
        // The trainee attends and passes: certified, then notifies a case.
        app.api(
            "POST",
            &format!("/api/v1/training/sessions/{session}/participants/{participant}/attendance"),
            Some(&trainer),
            Some(json!({"attended": true})),
        )
        .await;
        pass_elearning(&app, &trainee).await;
        let notified = app
            .api(
                "POST",
                "/api/v1/cases",
                Some(&trainee),
                Some(
                    json!({"signals": ["S10"], "given_name": "Ana", "family_name": "Semnalata",
                    "sex": "female", "age_group": "adult", "citizenship": "RO",
                    "found_in_county": "RO-CJ"}),
                ),
            )
            .await;
        assert_eq!(
            notified.status,
            StatusCode::CREATED,
            "{b}: {}",
            notified.body
        );

        let report = app
            .api("GET", "/api/v1/training/reports", Some(&trainer), None)
            .await;
        assert_eq!(report.status, StatusCode::OK, "{b}: {}", report.body);
        let tables = report.json()["tables"].as_array().unwrap().clone();
        let table = |name: &str| tables.iter().find(|t| t["name"] == name).unwrap().clone();
        let value = |t: &Value, key: &str| {
            t["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["key"] == key || l["name"] == key)
                .map(|l| l["figures"][0]["value"].clone())
        };
        let categories = table("trained-by-category");
        assert_eq!(value(&categories, "school_staff"), Some(json!(2)), "{b}");
        assert_eq!(
            value(&categories, "police_public_order"),
            Some(json!(1)),
            "{b}"
        );
        assert_eq!(categories["totals"][0]["value"], 4, "{b}");
        let organisations = table("trained-by-organisation");
        assert_eq!(value(&organisations, "Școala nr. 1"), Some(json!(2)), "{b}");
        assert_eq!(value(&organisations, "IGPR"), Some(json!(1)), "{b}");
        // A directory organisation counts in its county (DGASPC-CJ), one without a county or
        // outside the directory in the session's: all four in Cluj.
        assert_eq!(
            value(&table("trained-by-county"), "RO-CJ"),
            Some(json!(4)),
            "{b}"
        );
        assert_eq!(
            value(&table("sessions-by-city"), "Cluj-Napoca"),
            Some(json!(1)),
            "{b}"
        );
        assert_eq!(
            value(&table("certificates-by-standing"), "valid"),
            Some(json!(1)),
            "{b}"
        );
        let notifications = table("notifications-by-certification");
        let this_year = Jurisdiction::romania()
            .local_date(at(app.clock.now()).to_utc())
            .format("%Y")
            .to_string();
        let line = notifications["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["key"] == this_year.as_str())
            .unwrap()
            .clone();
        assert_eq!(line["figures"][0]["value"], 1, "{b}: certified: {line}");

        // Published: every figure below k is hidden, so nothing of these few is shown.
        let published = app
            .api(
                "GET",
                "/api/v1/training/reports?published=true",
                Some(&trainer),
                None,
            )
            .await;
        let tables = published.json()["tables"].as_array().unwrap().clone();
        let categories = tables
            .iter()
            .find(|t| t["name"] == "trained-by-category")
            .unwrap();
        let lines = categories["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 3, "{b}");
        for l in lines {
            assert!(l["figures"][0].get("value").is_none(), "{b}: {l}");
        }
        assert!(
            categories["totals"][0].get("value").is_none(),
            "{b}: 4 people, below k"
        );
        // Sessions are no people: shown.
        let cities = tables
            .iter()
            .find(|t| t["name"] == "sessions-by-city")
            .unwrap();
        assert_eq!(cities["totals"][0]["value"], 1, "{b}");
        // A supervisor reads the published view, not the exact one; a case worker neither.
        let boss = app.user("boss", "IGPR", "supervisor").await;
        let boss = app.token(&boss).await;
        let exact = app
            .api("GET", "/api/v1/training/reports", Some(&boss), None)
            .await;
        assert_eq!(exact.status, StatusCode::FORBIDDEN, "{b}");
        let open = app
            .api(
                "GET",
                "/api/v1/training/reports?published=true",
                Some(&boss),
                None,
            )
            .await;
        assert_eq!(open.status, StatusCode::OK, "{b}");
        app.user("reader", "IGPR", "case_worker").await;
        let reader = app.login("reader").await;
        let page = app
            .get("/training/reports?view=published", Some(&reader))
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{b}");
        let trainer_page = app.login("trainer").await;
        let page = app.get("/training/reports", Some(&trainer_page)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(
            page.body
                .contains("Persoane formate, pe categorii profesionale"),
            "{b}"
        );
    }
}

#[tokio::test]
async fn a_trainer_imports_the_project_s_past_sessions_on_the_page_all_or_none() {
    for app in backends().await {
        let b = app.backend;
        app.user("trainer", "ANITP-CJ", "trainer").await;
        let session = app.login("trainer").await;
        let form = app.get("/training/sessions/import", Some(&session)).await;
        assert_eq!(form.status, StatusCode::OK, "{b}");
        let broken = "date,city,county,audience,trainers,modules\n\
                      2019-01-10,Iași,RO-IS,national_victims,A,mechanism\n\
                      2019-02-31,Iași,RO-IS,national_victims,A,mechanism\n";
        let refused = app
            .post_form("/training/sessions/import", &session, &[("text", broken)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            refused.body.contains("<td>3</td>") && refused.body.contains("nu este o dată"),
            "{b}: {}",
            refused.body
        );
        let list = app.get("/training", Some(&session)).await;
        assert!(
            list.body.contains("Nicio sesiune"),
            "{b}: the good line was not kept"
        );
        let imported = app
            .post_form(
                "/training/sessions/import",
                &session,
                &[("text", mnir_domain::training::PROJECT_SESSIONS)],
            )
            .await;
        assert_eq!(imported.status, StatusCode::OK, "{b}: {}", imported.body);
        assert!(imported.body.contains("17 sesiuni importate"), "{b}");
        let foreign = app
            .api(
                "GET",
                "/api/v1/training/sessions?audience=foreign_victims",
                Some(
                    &app.token(&app.store.user_by_login("trainer").await.unwrap().unwrap())
                        .await,
                ),
                None,
            )
            .await;
        let sessions = foreign.json()["sessions"].as_array().unwrap().clone();
        assert_eq!(sessions.len(), 2, "{b}: {}", foreign.body);
        assert!(
            sessions.iter().all(|s| s["organisation"] == "ANITP-CJ"),
            "{b}"
        );
    }
}
