//! The pages as a user meets them: both languages, forms that keep what was typed, refusals
//! that say why.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState};

#[tokio::test]
async fn every_page_renders_in_both_languages_without_missing_messages() {
    let app = sqlite_app().await;
    app.user(
        "cw",
        "ANITP-CJ",
        "case_worker,supervisor,identification_officer",
    )
    .await;
    app.user("adm", "ANITP", "admin").await;
    app.user("coord", "ANITP", "coordinator").await;
    let (id, _) = app
        .seed_case("RO-CJ", "IGPR", AgeGroup::Unknown, "Pagescu")
        .await;
    let (foreign, _) = app
        .seed_case_as(
            "RO-CJ",
            "IGPR",
            AgeGroup::Adult,
            "Straina",
            "UA",
            CaseState::PresumedVictim,
        )
        .await;
    app.user("igi", "IGI", "screener").await;
    let cw = app.login("cw").await;
    let adm = app.login("adm").await;
    let coord = app.login("coord").await;
    let igi = app.login("igi").await;
    let pages: Vec<(String, &Session)> = [
        "/dashboard",
        "/cases",
        "/cases?state=notified&county=RO-CJ",
        "/cases/new",
        "/reference/signals",
        "/reference/routing",
        "/directory",
        "/directory?service=accommodation",
        "/account/password",
        "/inbox",
        "/directory/edit",
    ]
    .into_iter()
    .map(|p| (p.to_string(), &cw))
    .chain([
        (format!("/cases/{id}"), &cw),
        (format!("/cases/{id}/consent"), &cw),
        (format!("/cases/{foreign}"), &cw),
        ("/no-removal".to_string(), &igi),
        (format!("/cases/{id}/interview"), &cw),
        (format!("/cases/{id}/interview?profile=child-sexual"), &cw),
        ("/identification/catalogues".to_string(), &coord),
        ("/dashboard".to_string(), &coord),
    ])
    .chain(
        [
            "/admin/users",
            "/admin/organisations",
            "/admin/audit",
            "/dashboard",
        ]
        .into_iter()
        .map(|p| (p.to_string(), &adm)),
    )
    .collect();
    for (path, session) in &pages {
        let mut titles = Vec::new();
        for lang in ["ro", "en"] {
            let r = app.get_lang(path, Some(session), Some(lang)).await;
            assert_eq!(r.status, StatusCode::OK, "{path} in {lang}");
            assert!(
                r.body.contains(&format!("<html lang=\"{lang}\">")),
                "{path} in {lang}: lang attribute"
            );
            assert!(
                !r.body.contains("[missing:"),
                "{path} in {lang}: a message is missing"
            );
            let title = r
                .body
                .split("<title>")
                .nth(1)
                .unwrap()
                .split("</title>")
                .next()
                .unwrap()
                .to_string();
            titles.push(title);
        }
        assert_ne!(titles[0], titles[1], "{path}: the title is translated");
        for (lang, foreign) in [("ro", mnir_web::Lang::En), ("en", mnir_web::Lang::Ro)] {
            let body = app.get_lang(path, Some(session), Some(lang)).await.body;
            for phrase in other_language_phrases(foreign) {
                assert!(
                    !body.contains(&phrase),
                    "{path} in {lang} contains the other language's “{phrase}”"
                );
            }
        }
    }
    let english = other_language_phrases(mnir_web::Lang::En);
    assert!(
        english.len() > 100 && english.contains(&"Send the notification".to_string()),
        "the check has phrases to look for"
    );
    let login_ro = app.get_lang("/login", None, Some("ro")).await;
    assert!(login_ro.body.contains("Autentificare"));
    let login_en = app.get_lang("/login", None, Some("en")).await;
    assert!(login_en.body.contains("Sign in"));
}

#[tokio::test]
async fn the_language_follows_the_switch_then_the_browser_then_the_default() {
    let app = sqlite_app().await;
    let r = app.get("/lang/en?next=/login", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
    assert!(
        r.set_cookies()
            .iter()
            .any(|c| c.starts_with("mnir_lang=en"))
    );
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
    ] {
        let r = app
            .get(&format!("/lang/ro?next={}", mnir_web_encode(evil)), None)
            .await;
        assert_eq!(r.location(), "/", "open redirect through {evil}");
    }
    assert_eq!(
        app.get("/lang/fr", None).await.status,
        StatusCode::NOT_FOUND
    );
    let browser = app
        .send(
            axum::http::Request::get("/login")
                .header("accept-language", "en-US,en;q=0.8")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(browser.body.contains("<html lang=\"en\">"));
    assert!(
        app.get("/login", None)
            .await
            .body
            .contains("<html lang=\"ro\">"),
        "Romanian by default"
    );
}

fn mnir_web_encode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .unwrap()
        .trim_start_matches("x=")
        .to_string()
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_back() {
    let app = sqlite_app().await;
    let r = app.get("/cases?state=closed", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?next=/cases%3Fstate%3Dclosed");
    let login = app.get(&r.location(), None).await;
    assert_eq!(hidden_field(&login.body, "next"), "/cases?state=closed");
    let missing = app.get_lang("/no/such/page", None, Some("en")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("This page does not exist"));
}

#[tokio::test]
async fn an_invalid_notification_keeps_what_was_typed_and_says_what_is_wrong() {
    for app in backends().await {
        app.user("ana", "IGPR", "screener").await;
        let ana = app.login("ana").await;
        let r = app
            .post_form(
                "/cases",
                &ana,
                &[
                    ("given_name", "Ștefania"),
                    ("family_name", "Ursărescu"),
                    ("birth_date", "2010-13-45"),
                    ("sex", "female"),
                    ("citizenship", "RO"),
                    ("found_in_county", "RO-GL"),
                    ("signals", "S10"),
                    ("notes", "La stația de autobuz"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.backend
        );
        for typed in [
            "value=\"Ștefania\"",
            "value=\"Ursărescu\"",
            "value=\"2010-13-45\"",
            "La stația de autobuz",
            "value=\"S10\" checked",
            "value=\"RO-GL\" selected",
        ] {
            assert!(
                r.body.contains(typed),
                "{}: the form lost {typed}",
                app.backend
            );
        }
        assert!(
            r.body.contains("id=\"birth_date-error\""),
            "the error is next to its field"
        );
        assert!(
            r.body
                .contains("aria-describedby=\"birth_date-hint birth_date-error\""),
            "and tied to it"
        );
        assert!(r.body.contains("Scrieți data nașterii în forma an-lună-zi"));
        let listed = app.get("/cases", Some(&ana)).await;
        assert!(
            !listed.body.contains("Ursărescu") && listed.body.contains("0 cazuri"),
            "nothing was stored"
        );
    }
}

#[tokio::test]
async fn a_case_moves_only_by_the_buttons_shown_and_a_refusal_says_why() {
    for app in backends().await {
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("sup", "ANITP-CJ", "supervisor").await;
        let (id, reference) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Butonescu")
            .await;
        let cw = app.login("cw").await;
        let page = app
            .get_lang(&format!("/cases/{id}"), Some(&cw), Some("en"))
            .await;
        assert!(page.body.contains(&reference));
        assert!(
            page.body.contains("Move to: potential victim")
                && page.body.contains("Move to: duplicate")
        );
        assert!(!page.body.contains("Move to: identified victim"));

        let forced = app
            .post_form(
                &format!("/cases/{id}/transitions"),
                &cw,
                &[
                    ("to", "identified_victim"),
                    ("reason", "skip"),
                    ("from", "notified"),
                ],
            )
            .await;
        assert_eq!(forced.status, StatusCode::FORBIDDEN);
        assert!(
            forced
                .body
                .contains("nu poate trece din „semnalat” în „victimă identificată”"),
            "{}",
            forced.body
        );
        assert!(forced.body.contains("skip"), "the typed reason is kept");

        let empty = app
            .post_form(
                &format!("/cases/{id}/transitions"),
                &cw,
                &[
                    ("to", "potential_victim"),
                    ("reason", ""),
                    ("from", "notified"),
                ],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Scrieți motivul"));

        let ok = app
            .post_form(
                &format!("/cases/{id}/transitions"),
                &cw,
                &[
                    ("to", "potential_victim"),
                    ("reason", "Identitate stabilită"),
                    ("from", "notified"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let stale = app
            .post_form(
                &format!("/cases/{id}/transitions"),
                &cw,
                &[
                    ("to", "duplicate"),
                    ("reason", "dublură"),
                    ("from", "notified"),
                ],
            )
            .await;
        assert_eq!(
            stale.status,
            StatusCode::CONFLICT,
            "a button pressed on an old page"
        );
        assert_eq!(app.state_of(&id).await, CaseState::PotentialVictim);
        let after = app.get(&format!("/cases/{id}"), Some(&cw)).await;
        assert!(
            after.body.contains("Identitate stabilită"),
            "the reason is in the history"
        );
        assert!(
            after.body.contains("ofițer de identificare"),
            "steps reserved to others say who may take them"
        );
    }
}

#[tokio::test]
async fn the_admin_sees_the_audit_chain_intact() {
    let app = sqlite_app().await;
    app.user("adm", "ANITP", "admin").await;
    let adm = app.login("adm").await;
    let r = app.get_lang("/admin/audit", Some(&adm), Some("en")).await;
    assert!(r.body.contains("The audit chain is intact"), "{}", r.body);
    assert!(r.body.contains("auth.login"));
}

/// The messages of one language that differ from the other's, long enough to be unmistakable,
/// HTML-escaped as the templates write them.
fn other_language_phrases(lang: mnir_web::Lang) -> Vec<String> {
    use mnir_web::{Lang, Tr};
    let source = match lang {
        Lang::Ro => mnir_web::i18n::RO_FTL,
        Lang::En => mnir_web::i18n::EN_FTL,
    };
    let (this, other) = (Tr::new(lang), Tr::new(lang.other()));
    mnir_web::i18n::message_ids(source)
        .into_iter()
        .map(|id| (this.t(&id), other.t(&id)))
        .filter(|(text, counterpart)| {
            text != counterpart && text.chars().count() >= 15 && !text.contains('{')
        })
        .map(|(text, _)| {
            text.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;")
        })
        .collect()
}

#[tokio::test]
async fn a_name_with_direction_controls_cannot_turn_what_stands_beside_it() {
    let app = sqlite_app().await;
    app.user("cw", "ANITP-CJ", "case_worker").await;
    let cw = app.login("cw").await;
    let spoof = "Rtl\u{202E}lrt";
    let (id, _) = app
        .seed_case("RO-CJ", "IGPR", mnir_domain::AgeGroup::Adult, spoof)
        .await;
    let case = app.get(&format!("/cases/{id}"), Some(&cw)).await;
    assert!(
        case.body.contains(&format!("<bdi>{spoof}</bdi>")),
        "the name is isolated on the case page"
    );
    let list = app.get("/cases", Some(&cw)).await;
    assert!(
        list.body.contains("<bdi>") && list.body.contains(spoof),
        "and in the list"
    );
    let css = app.get("/static/app.css", None).await;
    assert!(
        css.body.contains("unicode-bidi: isolate"),
        "typed text is isolated too"
    );
}
