//! Sessions, cookies, CSRF, headers, throttling and encryption at rest, through the router.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::AgeGroup;

#[tokio::test]
async fn session_cookies_are_host_only_secure_httponly_and_strict() {
    let app = sqlite_app().await;
    app.user("ana", "ANITP-CJ", "case_worker").await;
    let (response, session) = app.try_login("ana", PASSWORD).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), "/dashboard");
    let cookie = response
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-mnir_session="))
        .unwrap();
    for part in ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(
        !cookie.contains("Domain="),
        "__Host- cookies must not name a domain"
    );
    let session = session.unwrap();
    assert_eq!(
        app.get("/dashboard", Some(&session)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn every_login_gets_a_new_session_and_logout_ends_it() {
    let app = sqlite_app().await;
    app.user("ana", "ANITP-CJ", "case_worker").await;
    let first = app.login("ana").await;
    let second = app.login("ana").await;
    assert_ne!(first.cookie, second.cookie);
    let out = app.post_form("/logout", &second, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        out.set_cookies()
            .iter()
            .any(|c| c.starts_with("__Host-mnir_session=;") && c.contains("Max-Age=0"))
    );
    let after = app.get("/dashboard", Some(&second)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(after.location().starts_with("/login"));
    assert_eq!(
        app.get("/dashboard", Some(&first)).await.status,
        StatusCode::OK,
        "other sessions stay"
    );
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_timeouts() {
    let app = sqlite_app().await;
    app.user("ana", "ANITP-CJ", "case_worker").await;
    let session = app.login("ana").await;
    app.clock.advance_minutes(29);
    assert_eq!(
        app.get("/dashboard", Some(&session)).await.status,
        StatusCode::OK
    );
    app.clock.advance_minutes(29);
    assert_eq!(
        app.get("/dashboard", Some(&session)).await.status,
        StatusCode::OK,
        "activity keeps it alive"
    );
    app.clock.advance_minutes(31);
    assert_eq!(
        app.get("/dashboard", Some(&session)).await.status,
        StatusCode::SEE_OTHER,
        "idle for 31 minutes"
    );

    let active = app.login("ana").await;
    for _ in 0..25 {
        app.clock.advance_minutes(29);
        app.get("/dashboard", Some(&active)).await;
    }
    assert_eq!(
        app.get("/dashboard", Some(&active)).await.status,
        StatusCode::SEE_OTHER,
        "past 12 hours"
    );
}

#[tokio::test]
async fn a_form_without_the_right_csrf_token_changes_nothing() {
    let app = sqlite_app().await;
    app.user("ana", "ANITP-CJ", "case_worker").await;
    let session = app.login("ana").await;
    let (id, _) = app
        .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Popa")
        .await;
    let forged = Session {
        csrf: "0".repeat(64),
        ..session.clone()
    };
    let r = app
        .post_form(
            &format!("/cases/{id}/transitions"),
            &forged,
            &[("to", "potential_victim"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.state_of(&id).await, mnir_domain::CaseState::Notified);
    let r = app
        .post_raw_form(
            "/cases",
            Some(&session.cookie),
            &[
                ("given_name", "X"),
                ("sex", "male"),
                ("citizenship", "RO"),
                ("found_in_county", "RO-CJ"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body.contains("Formularul a expirat"),
        "the refusal says why, in Romanian by default"
    );
    let r = app
        .post_raw_form("/login", None, &[("login", "ana"), ("password", PASSWORD)])
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the login form is protected too"
    );
}

#[tokio::test]
async fn pages_and_api_carry_the_security_headers() {
    let app = sqlite_app().await;
    for path in [
        "/login",
        "/api/v1/cases",
        "/healthz",
        "/no/such/page",
        "/static/app.css",
    ] {
        let r = app.get(path, None).await;
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(
            r.headers.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert_eq!(r.headers.get("x-frame-options").unwrap(), "DENY", "{path}");
        assert_eq!(
            r.headers.get("referrer-policy").unwrap(),
            "no-referrer",
            "{path}"
        );
        assert!(
            r.headers.get("strict-transport-security").is_some(),
            "{path}"
        );
    }
    assert_eq!(
        app.get("/login", None)
            .await
            .headers
            .get("cache-control")
            .unwrap(),
        "no-store"
    );
}

/// The error line of a sign-in page: what a client is told, without the page's per-request
/// tokens.
fn sign_in_answer(r: &TestResponse) -> (StatusCode, String, Option<String>) {
    let line = r
        .body
        .split("role=\"alert\"")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or("")
        .to_string();
    let retry_after = r
        .headers
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status, line, retry_after)
}

#[tokio::test]
async fn a_stranger_failing_against_a_login_does_not_keep_its_owner_out() {
    let app = sqlite_app().await;
    app.user("ana", "ANITP-CJ", "case_worker").await;
    let attacker = Some((PROXY, Some("203.0.113.66")));
    // Each time the stranger is told to wait, they wait exactly that long and guess again.
    let guess = |login: &'static str, via| {
        let app = &app;
        async move {
            let mut answers = Vec::new();
            for _ in 0..12 {
                let (r, s) = app.try_login_via(login, "wrong password", via).await;
                assert!(s.is_none());
                let answer = sign_in_answer(&r);
                if let Some(wait) = &answer.2 {
                    app.clock.advance_seconds(wait.parse().unwrap());
                }
                answers.push(answer);
            }
            answers
        }
    };
    let answers = guess("ana", attacker).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.0.as_u16()).collect();
    assert_eq!(
        statuses,
        [401, 401, 401, 401, 429, 401, 429, 401, 429, 401, 429, 401],
        "{answers:?}"
    );
    let waits: Vec<&str> = answers.iter().filter_map(|a| a.2.as_deref()).collect();
    assert_eq!(
        waits,
        ["1", "2", "4", "8"],
        "the delay doubles, nothing locks"
    );
    assert!(answers[4].1.contains("o secundă"), "{answers:?}");
    assert!(answers[10].1.contains("8 secunde"), "{answers:?}");
    // The stranger is held back right now (16 s after the last failure)...
    let (r, _) = app.try_login_via("ana", PASSWORD, attacker).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // The owner, behind the same proxy from another address, is not.
    let (r, s) = app
        .try_login_via("ana", PASSWORD, Some((PROXY, Some("198.51.100.7"))))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(s.is_some());
    // A made-up login is answered exactly as the real one was, failure for failure.
    let unknown = guess("no.such.user", Some((PROXY, Some("203.0.113.67")))).await;
    assert_eq!(unknown, answers);
    // The stranger's delay runs out, and then the right password goes in.
    app.clock.advance_seconds(16);
    let (r, _) = app.try_login_via("ana", PASSWORD, attacker).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn made_up_logins_from_one_address_behind_the_proxy_stop_only_that_address() {
    let app = sqlite_app().await;
    app.user("ion", "IGPR", "screener").await;
    let attacker = Some((PROXY, Some("203.0.113.9")));
    let mut last = StatusCode::OK;
    for i in 0..40 {
        let (r, _) = app
            .try_login_via(&format!("nobody{i}"), "x", attacker)
            .await;
        last = r.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let (r, _) = app.try_login_via("ion", PASSWORD, attacker).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is held back whatever login it tries"
    );
    let (r, s) = app
        .try_login_via("ion", PASSWORD, Some((PROXY, Some("198.51.100.20"))))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(s.is_some(), "everyone else behind the proxy still signs in");
}

#[tokio::test]
async fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
    let app = sqlite_app().await;
    app.user("ion", "IGPR", "screener").await;
    let mut last = StatusCode::OK;
    for i in 0..40 {
        // A client that is not the proxy names a new address every time: it stays one address.
        let forwarded = format!("198.51.100.{i}");
        let (r, _) = app
            .try_login_via("ion", "x", Some(("192.0.2.50", Some(&forwarded))))
            .await;
        last = r.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let (r, _) = app
        .try_login_via("ion", PASSWORD, Some((PROXY, Some("192.0.2.51"))))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn wrong_current_passwords_are_counted_and_held_back_like_sign_ins() {
    let app = sqlite_app().await;
    app.user("ana", "ANITP-CJ", "case_worker").await;
    let session = app.login("ana").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = app
            .post_form(
                "/account/password",
                &session,
                &[
                    ("current", "not the password"),
                    ("new", "a-new-long-password"),
                    ("confirm", "a-new-long-password"),
                ],
            )
            .await;
        statuses.push(r.status);
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.body.contains("Încercați din nou peste"), "{}", r.body);
        }
    }
    assert_eq!(statuses[0], StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(*statuses.last().unwrap(), StatusCode::TOO_MANY_REQUESTS);
    let user = app.store.user_by_login("ana").await.unwrap().unwrap();
    let failures = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count() as i64;
    assert_eq!(
        user.failed_logins, failures,
        "each wrong guess is on the account"
    );
    // Held back means not even checked: the right password waits too.
    let r = app
        .post_form(
            "/account/password",
            &session,
            &[
                ("current", PASSWORD),
                ("new", "a-new-long-password"),
                ("confirm", "a-new-long-password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_client_cannot_try_logins_without_limit() {
    let app = sqlite_app().await;
    let mut last = StatusCode::OK;
    // Thirty failures from one address are free (an office behind one address mistypes);
    // from then on every attempt waits a growing delay.
    for i in 0..32 {
        let (r, _) = app.try_login(&format!("nobody{i}"), "x").await;
        last = r.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_name_sent_through_the_api_is_not_in_the_database_files() {
    let app = sqlite_app().await;
    let user = app.user("ana", "IGPR", "screener").await;
    let token = app.token(&user).await;
    let distinctive = "Xylofonescu-Qwertyanu";
    let r = app
        .api("POST", "/api/v1/cases", Some(&token), Some(serde_json::json!({"given_name": "Ilinca", "family_name": distinctive, "birth_date": "1999-02-03", "sex": "female", "citizenship": "MD", "found_in_county": "RO-IS", "notes": format!("{distinctive} was found near the market")})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        r.json()["family_name"],
        distinctive,
        "the notifier reads it back decrypted"
    );
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(app.sqlite_dir.as_ref().unwrap()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(bytes.len() > 10_000);
    assert!(
        !bytes
            .windows(distinctive.len())
            .any(|w| w == distinctive.as_bytes()),
        "name found in the SQLite files"
    );
    assert!(
        !bytes.windows(10).any(|w| w == b"1999-02-03"),
        "birth date found in the SQLite files"
    );
}

#[tokio::test]
async fn a_national_view_never_reveals_names_or_reasons_whatever_else_the_user_holds() {
    for app in backends().await {
        app.user("both", "ANITP-CJ", "coordinator,case_worker")
            .await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        let both = app.login("both").await;
        let cw = app.login("cw").await;
        let (own, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Propriuescu")
            .await;
        let (_, foreign_ref) = app
            .seed_case("RO-B", "IGPR", AgeGroup::Adult, "Strainescu")
            .await;
        let list = app.get("/cases", Some(&both)).await;
        assert!(
            list.body.contains(&foreign_ref),
            "the national view lists the case"
        );
        assert!(
            list.body.contains("Propriuescu"),
            "names of the organisation's own cases"
        );
        assert!(
            !list.body.contains("Strainescu"),
            "{}: a name outside the organisation leaked into the list",
            app.backend
        );
        let user = app.store.user_by_login("both").await.unwrap().unwrap();
        let api = app
            .api(
                "GET",
                "/api/v1/cases?per_page=200",
                Some(&app.token(&user).await),
                None,
            )
            .await;
        assert!(!api.body.contains("Strainescu"));

        app.post_form(
            &format!("/cases/{own}/transitions"),
            &cw,
            &[
                ("to", "potential_victim"),
                ("reason", "Motivul conține Propriuescu-Secret"),
                ("from", "notified"),
            ],
        )
        .await;
        app.user("coord", "ANITP", "coordinator").await;
        let coord = app.login("coord").await;
        let page = app.get(&format!("/cases/{own}"), Some(&coord)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("Propriuescu-Secret"),
            "a transition reason is free text: hidden from the national view"
        );
        assert!(
            app.get(&format!("/cases/{own}"), Some(&cw))
                .await
                .body
                .contains("Propriuescu-Secret")
        );
    }
}

#[tokio::test]
async fn changing_the_password_ends_every_session_of_the_account() {
    let app = sqlite_app().await;
    app.user("ana", "ANITP-CJ", "case_worker").await;
    let first = app.login("ana").await;
    let second = app.login("ana").await;
    let new_password = "o parolă nouă și destul de lungă";
    let r = app
        .post_form(
            "/account/password",
            &first,
            &[
                ("current", PASSWORD),
                ("new", new_password),
                ("confirm", new_password),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for session in [&first, &second] {
        assert_eq!(
            app.get("/dashboard", Some(session)).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let (_, old) = app.try_login("ana", PASSWORD).await;
    assert!(old.is_none());
    let (_, new) = app.try_login("ana", new_password).await;
    assert!(new.is_some());
}

/// The entries of the audit chain, to show that a refused request wrote nothing.
async fn audit_entries(app: &App) -> i64 {
    match app.store.verify_audit().await.unwrap() {
        mnir_store::AuditVerdict::Intact { entries } => entries,
        broken => panic!("audit chain broken: {broken:?}"),
    }
}

#[tokio::test]
async fn every_state_changing_page_refuses_a_forged_or_missing_csrf_token() {
    for app in backends().await {
        app.user(
            "all",
            "ANITP-CJ",
            "case_worker,supervisor,identification_officer,coordinator",
        )
        .await;
        let session = app.login("all").await;
        let (id, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Tokenescu")
            .await;
        let posts: Vec<&str> = mnir_web::page_routes()
            .into_iter()
            .filter(|(method, _)| method != axum::http::Method::GET)
            .map(|(_, path)| path)
            .collect();
        assert!(
            posts.len() >= 18,
            "the walk found only {} state-changing routes: {posts:?}",
            posts.len()
        );
        let before = audit_entries(&app).await;
        for path in &posts {
            let concrete = path
                .replace("{id}", &id)
                .replace("{clock}", "clock-1")
                .replace("{consent}", "consent-1");
            let fields = [
                ("to", "potential_victim"),
                ("reason", "A reason"),
                ("from", "notified"),
            ];
            let forged = Session {
                csrf: "0".repeat(64),
                ..session.clone()
            };
            let with_forged = app.post_form(&concrete, &forged, &fields).await;
            let without = app
                .post_raw_form(&concrete, Some(&session.cookie), &fields)
                .await;
            for (what, r) in [("forged", with_forged), ("missing", without)] {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {path}, {what} token");
                assert!(
                    r.body.contains("Formularul a expirat"),
                    "POST {path}, {what} token: the refusal says why: {}",
                    r.body
                );
            }
        }
        // Without a session the same forms lead to the sign-in page, and still do nothing.
        for path in &posts {
            let concrete = path.replace("{id}", &id);
            let r = app
                .post_raw_form(&concrete, None, &[("to", "potential_victim")])
                .await;
            if *path == "/login" {
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "POST /login without a token"
                );
            } else {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "POST {path} signed out");
                assert!(r.location().starts_with("/login?next="), "{}", r.location());
            }
        }
        assert_eq!(audit_entries(&app).await, before, "nothing was written");
        assert_eq!(app.state_of(&id).await, mnir_domain::CaseState::Notified);

        // The same form with the browser's own token goes through: the check tells them apart.
        let moved = app
            .post_form(
                &format!("/cases/{id}/transitions"),
                &session,
                &[
                    ("to", "potential_victim"),
                    ("reason", "A reason"),
                    ("from", "notified"),
                ],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
        assert_eq!(
            app.state_of(&id).await,
            mnir_domain::CaseState::PotentialVictim
        );
    }
}

#[tokio::test]
async fn no_api_route_acts_on_a_session_cookie_alone() {
    let app = sqlite_app().await;
    app.user("ana", "ANITP-CJ", "case_worker").await;
    let session = app.login("ana").await;
    let (id, _) = app
        .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Cookiescu")
        .await;
    let before = audit_entries(&app).await;
    let changing: Vec<(&str, &str)> = mnir_web::api::all_routes()
        .into_iter()
        .filter(|(method, _)| *method != "GET")
        .collect();
    assert!(changing.len() >= 10, "{changing:?}");
    for (method, path) in changing {
        let concrete = path
            .replace("{id}", &id)
            .replace("{clock}", "clock-1")
            .replace("{consent}", "consent-1")
            .replace("{org}", "ANITP-CJ");
        let request = axum::http::Request::builder()
            .method(method)
            .uri(&concrete)
            .header(axum::http::header::COOKIE, &session.cookie)
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(
                r#"{"to":"potential_victim","reason":"x"}"#,
            ))
            .unwrap();
        let r = app.send(request).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: a browser's cookie is not an API credential"
        );
    }
    assert_eq!(audit_entries(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn a_new_password_revokes_the_accounts_api_tokens() {
    for app in backends().await {
        let ana = app.user("ana", "ANITP-CJ", "case_worker").await;
        let token = app.token(&ana).await;
        assert_eq!(
            app.api("GET", "/api/v1/cases", Some(&token), None)
                .await
                .status,
            StatusCode::OK,
            "{}: the token works before",
            app.backend
        );
        let session = app.login("ana").await;
        let new_password = "o parolă nouă și destul de lungă";
        let changed = app
            .post_form(
                "/account/password",
                &session,
                &[
                    ("current", PASSWORD),
                    ("new", new_password),
                    ("confirm", new_password),
                ],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", app.backend);
        assert_eq!(
            app.api("GET", "/api/v1/cases", Some(&token), None)
                .await
                .status,
            StatusCode::UNAUTHORIZED,
            "{}: a token issued before the change no longer opens the API",
            app.backend
        );
    }
}

#[tokio::test]
async fn a_disabled_account_or_organisation_is_cut_off_at_once() {
    for app in backends().await {
        let b = app.backend;
        let operator = mnir_app::App::new(
            app.store.clone(),
            app.clock.clone(),
            mnir_app::AccountPolicy::default(),
        );
        let ana = app.user("ana", "ANITP-CJ", "case_worker").await;
        let token = app.token(&ana).await;
        let session = app.login("ana").await;
        let api_status = || async {
            app.api("GET", "/api/v1/cases", Some(&token), None)
                .await
                .status
        };
        assert_eq!(api_status().await, StatusCode::OK, "{b}");

        mnir_app::operator::set_user_active(&operator, "ana", false)
            .await
            .unwrap();
        assert_eq!(api_status().await, StatusCode::UNAUTHORIZED, "{b}: token");
        assert_eq!(
            app.get("/dashboard", Some(&session)).await.status,
            StatusCode::SEE_OTHER,
            "{b}: the session ended"
        );
        assert!(app.try_login("ana", PASSWORD).await.1.is_none(), "{b}");
        mnir_app::operator::set_user_active(&operator, "ana", true)
            .await
            .unwrap();
        assert!(app.try_login("ana", PASSWORD).await.1.is_some(), "{b}");

        let bob = app.user("bob", "ANITP-CJ", "case_worker").await;
        let bob_token = app.token(&bob).await;
        mnir_app::operator::set_organisation_active(&operator, "ANITP-CJ", false)
            .await
            .unwrap();
        assert_eq!(
            app.api("GET", "/api/v1/cases", Some(&bob_token), None)
                .await
                .status,
            StatusCode::UNAUTHORIZED,
            "{b}: a disabled organisation's tokens stop"
        );
        assert!(
            matches!(
                mnir_app::operator::set_user_active(&operator, "nobody", false).await,
                Err(mnir_app::AppError::NotFound)
            ),
            "{b}"
        );
    }
}

#[tokio::test]
async fn an_administrator_disables_an_account_on_the_accounts_page() {
    let app = sqlite_app().await;
    let admin = app.user("adm", "ANITP", "admin").await;
    let ana = app.user("ana", "ANITP-CJ", "case_worker").await;
    let token = app.token(&ana).await;
    let adm = app.login("adm").await;
    let page = app.get("/admin/users", Some(&adm)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("/admin/users/{}/active", ana.id))
            && !page
                .body
                .contains(&format!("/admin/users/{}/active", admin.id)),
        "a button for others, none for the administrator's own account"
    );
    let ana_session = app.login("ana").await;
    let refused = app
        .post_form(
            &format!("/admin/users/{}/active", admin.id),
            &ana_session,
            &[("active", "no")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "only an administrator"
    );
    let own = app
        .post_form(
            &format!("/admin/users/{}/active", admin.id),
            &adm,
            &[("active", "no")],
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "not one's own account");
    let off = app
        .post_form(
            &format!("/admin/users/{}/active", ana.id),
            &adm,
            &[("active", "no")],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    assert_eq!(
        app.api("GET", "/api/v1/cases", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/dashboard", Some(&ana_session)).await.status,
        StatusCode::SEE_OTHER
    );
    let listed = app.get_lang("/admin/users", Some(&adm), Some("en")).await;
    assert!(listed.body.contains("disabled") && listed.body.contains(">Enable<"));
    let on = app
        .post_form(
            &format!("/admin/users/{}/active", ana.id),
            &adm,
            &[("active", "yes")],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert!(app.try_login("ana", PASSWORD).await.1.is_some());
}

#[tokio::test]
async fn a_user_sees_and_revokes_their_own_api_tokens_on_the_account_page() {
    for app in backends().await {
        let ana = app.user("ana", "ANITP-CJ", "case_worker").await;
        let ion = app.user("ion", "IGPR", "screener").await;
        let kept = app.token(&ana).await;
        let revoked = app.token(&ana).await;
        let foreign = app.token(&ion).await;
        let session = app.login("ana").await;
        let page = app
            .get_lang("/account/password", Some(&session), Some("en"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let id_of = |token: &str| mnir_crypto::secret_hash(token)[..12].to_string();
        for t in [&kept, &revoked] {
            assert!(
                page.body
                    .contains(&format!("/account/tokens/{}/revoke", id_of(t))),
                "{}: a revoke button for each own token",
                app.backend
            );
        }
        assert!(
            !page.body.contains(&id_of(&foreign)),
            "another user's token is not listed"
        );
        let r = app
            .post_form(
                &format!("/account/tokens/{}/revoke", id_of(&foreign)),
                &session,
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not theirs to revoke");
        let r = app
            .post_form(
                &format!("/account/tokens/{}/revoke", id_of(&revoked)),
                &session,
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let gone = app.api("GET", "/api/v1/cases", Some(&revoked), None).await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "{}", app.backend);
        for t in [&kept, &foreign] {
            let still = app.api("GET", "/api/v1/cases", Some(t), None).await;
            assert_ne!(still.status, StatusCode::UNAUTHORIZED, "{}", app.backend);
        }
        let page = app.get("/account/password", Some(&session)).await;
        assert!(!page.body.contains(&id_of(&revoked)));
    }
}

#[tokio::test]
async fn an_administrator_disables_an_organisation_on_its_page_and_its_users_stop_at_once() {
    for app in backends().await {
        app.user("adm", "ANITP", "admin").await;
        let ion = app.user("ion", "IGPR", "screener").await;
        let token = app.token(&ion).await;
        let ion_session = app.login("ion").await;
        let adm = app.login("adm").await;
        let page = app.get("/admin/organisations", Some(&adm)).await;
        assert!(page.body.contains("/admin/organisations/IGPR/active"));
        assert!(
            !page.body.contains("/admin/organisations/ANITP/active"),
            "no button for the administrator's own organisation"
        );
        let own = app
            .post_form(
                "/admin/organisations/ANITP/active",
                &adm,
                &[("active", "no")],
            )
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN);
        let unknown = app
            .post_form(
                "/admin/organisations/NOPE/active",
                &adm,
                &[("active", "no")],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let off = app
            .post_form(
                "/admin/organisations/IGPR/active",
                &adm,
                &[("active", "no")],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
        let r = app.get("/dashboard", Some(&ion_session)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "the session ends at once");
        let r = app.api("GET", "/api/v1/cases", Some(&token), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "and so does the token");
        let (r, s) = app.try_login("ion", PASSWORD).await;
        assert!(s.is_none(), "{}", r.status);
        app.post_form(
            "/admin/organisations/IGPR/active",
            &adm,
            &[("active", "yes")],
        )
        .await;
        let (_, s) = app.try_login("ion", PASSWORD).await;
        assert!(s.is_some(), "enabled again");
        let audit = app.store.recent_audit(20).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.target.contains("IGPR") && e.actor_org == "ANITP"),
            "{}: the switch is audited as the administrator's",
            app.backend
        );
    }
}
