//! Two-factor sign-in through the pages, on both backends: enrolment after the password,
//! the second step, codes never taken twice, recovery codes, the throttle, the administrator's
//! reset, and API tokens of accounts that have not enrolled.

use crate::support::*;
use axum::http::StatusCode;

const WRONG_CODE: &str = "Codul este greșit sau a fost deja folosit";

/// The key the enrolment page shows, as the user would type it into their app.
fn key_on(page: &str) -> String {
    let start = page
        .find("id=\"totp-key\"")
        .expect("the key is on the page");
    let from = start + page[start..].find('>').unwrap() + 1;
    let to = from + page[from..].find('<').unwrap();
    page[from..to].to_string()
}

/// The recovery codes a page lists.
fn recovery_codes_on(page: &str) -> Vec<String> {
    let start = page
        .find("id=\"recovery-codes\"")
        .expect("the codes are listed");
    let end = start + page[start..].find("</ol>").unwrap();
    page[start..end]
        .split("<li>")
        .skip(1)
        .map(|item| item.split("</li>").next().unwrap().trim().to_string())
        .collect()
}

/// What the user's phone shows now for `key`, by the server's clock.
fn code_now(app: &App, key: &str) -> String {
    let seconds = u64::try_from(app.clock.now() / 1000).unwrap();
    mnir_app::two_factor::code_at(key, seconds).expect("a base32 key")
}

/// Signs `login` in with the password and enrols it as a first-time user would; returns the
/// full session, the key and the recovery codes.
async fn enrol(app: &App, login: &str) -> (Session, String, Vec<String>) {
    let (response, pending) = app.try_login(login, PASSWORD).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), "/account/two-factor?next=/dashboard");
    let pending = pending.expect("a session waiting for enrolment");
    let page = app
        .get("/account/two-factor?next=/dashboard", Some(&pending))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg"), "the QR code is inline SVG");
    assert!(
        !page.body.contains("<?xml"),
        "only the svg element is in the page"
    );
    let key = key_on(&page.body);
    let link = format!(
        "otpauth://totp/MNIR%20Rom%C3%A2nia:{login}?secret={}",
        key.replace(' ', "")
    );
    assert!(
        page.body.contains(&link),
        "the link for an app on the same device: {link}"
    );
    let done = app
        .post_form(
            "/account/two-factor",
            &pending,
            &[("code", &code_now(app, &key)), ("next", "/dashboard")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let codes = recovery_codes_on(&done.body);
    let full = app
        .session_in(&done)
        .expect("a full session replaces the waiting one");
    (full, key, codes)
}

/// The password step of a sign-in by an enrolled account: the session waiting for the code.
async fn password_step(app: &App, login: &str) -> Session {
    let (response, pending) = app.try_login(login, PASSWORD).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(response.location(), "/login/code?next=/dashboard");
    pending.expect("a session waiting for the code")
}

async fn code_step(app: &App, pending: &Session, code: &str) -> crate::support::TestResponse {
    app.post_form(
        "/login/code",
        pending,
        &[("code", code), ("next", "/dashboard")],
    )
    .await
}

#[tokio::test]
async fn a_case_worker_enrols_after_the_password_and_then_signs_in_with_codes() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        app.user("ana.pop", "ANITP-CJ", "case_worker").await;

        // The password alone opens nothing but enrolment.
        let (_, pending) = app.try_login("ana.pop", PASSWORD).await;
        let pending = pending.unwrap();
        for path in ["/dashboard", "/cases", "/account/password", "/login/code"] {
            let r = app.get(path, Some(&pending)).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path} on {}", app.backend);
            assert!(
                r.location().starts_with("/account/two-factor?next="),
                "{path}: {}",
                r.location()
            );
        }
        let page = app.get("/account/two-factor", Some(&pending)).await;
        let key = key_on(&page.body);
        assert_eq!(
            key_on(&app.get("/account/two-factor", Some(&pending)).await.body),
            key,
            "reloading keeps the key already scanned"
        );
        let wrong = app
            .post_form("/account/two-factor", &pending, &[("code", "000000")])
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains(WRONG_CODE), "{}", wrong.body);
        assert_eq!(key_on(&wrong.body), key, "a wrong code keeps the enrolment");
        let done = app
            .post_form(
                "/account/two-factor",
                &pending,
                &[("code", &code_now(&app, &key)), ("next", "/cases")],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let codes = recovery_codes_on(&done.body);
        assert_eq!(codes.len(), 10, "{codes:?}");
        assert!(
            done.body.contains("href=\"/cases\""),
            "it goes on where the user was going"
        );
        let full = app.session_in(&done).unwrap();
        assert_eq!(
            app.get("/dashboard", Some(&full)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.get("/dashboard", Some(&pending)).await.status,
            StatusCode::SEE_OTHER,
            "the waiting session ended with it"
        );
        let account = app.get("/account/password", Some(&full)).await;
        assert!(account.body.contains("Activă din"), "{}", account.body);

        // Next time: password, then a code; the code of the step already used is refused.
        let pending = password_step(&app, "ana.pop").await;
        assert_eq!(
            app.get("/dashboard", Some(&pending)).await.location(),
            "/login/code?next=/dashboard"
        );
        let replay = code_step(&app, &pending, &code_now(&app, &key)).await;
        assert_eq!(
            replay.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a code is never taken twice"
        );
        assert!(replay.body.contains(WRONG_CODE));
        app.clock.advance_seconds(30);
        let signed_in = code_step(&app, &pending, &code_now(&app, &key)).await;
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "{}",
            signed_in.body
        );
        assert_eq!(signed_in.location(), "/dashboard");
        let session = app.session_in(&signed_in).unwrap();
        assert_eq!(
            app.get("/cases", Some(&session)).await.status,
            StatusCode::OK
        );

        // A recovery code, typed in capitals and without its dash, works once.
        app.clock.advance_seconds(30);
        let typed = codes[3].replace('-', "").to_uppercase();
        let pending = password_step(&app, "ana.pop").await;
        let recovered = code_step(&app, &pending, &typed).await;
        assert_eq!(
            recovered.status,
            StatusCode::SEE_OTHER,
            "{}",
            recovered.body
        );
        let pending = password_step(&app, "ana.pop").await;
        let again = code_step(&app, &pending, &codes[3]).await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a recovery code works once"
        );
        let session = app.session_in(&recovered).unwrap();
        let settings = app.get("/account/two-factor", Some(&session)).await;
        assert!(
            settings.body.contains("Au rămas 9 coduri de recuperare."),
            "{}",
            settings.body
        );

        // New recovery codes need a current code and replace the old ones.
        app.clock.advance_seconds(30);
        let renewed = app
            .post_form(
                "/account/two-factor/recovery-codes",
                &session,
                &[("code", &code_now(&app, &key))],
            )
            .await;
        assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
        let fresh = recovery_codes_on(&renewed.body);
        assert_eq!(fresh.len(), 10);
        let pending = password_step(&app, "ana.pop").await;
        assert_eq!(
            code_step(&app, &pending, &codes[5]).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            code_step(&app, &pending, &fresh[0]).await.status,
            StatusCode::SEE_OTHER
        );

        let actions: Vec<String> = app
            .store
            .recent_audit(60)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for action in [
            "auth.password_ok",
            "user.two_factor_on",
            "auth.recovery_code",
            "user.recovery_codes",
            "auth.login_failed",
            "auth.login",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} missing on {}: {actions:?}",
                app.backend
            );
        }
    }
}

#[tokio::test]
async fn codes_are_held_back_like_passwords_and_the_wait_is_for_everyone() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        app.user("ana.pop", "ANITP-CJ", "case_worker").await;
        let (_, key, _) = enrol(&app, "ana.pop").await;
        app.clock.advance_seconds(30);
        let pending = password_step(&app, "ana.pop").await;
        let mut refused = 0;
        let waited = loop {
            let r = code_step(&app, &pending, "111111").await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                break r;
            }
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
            refused += 1;
            assert!(
                refused <= 3,
                "codes are guessed without limit on {}",
                app.backend
            );
        };
        let seconds: i64 = waited.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(seconds >= 1);
        let right = code_step(&app, &pending, &code_now(&app, &key)).await;
        assert_eq!(
            right.status,
            StatusCode::TOO_MANY_REQUESTS,
            "even the right code waits"
        );
        app.clock.advance_seconds(seconds);
        let right = code_step(&app, &pending, &code_now(&app, &key)).await;
        assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
        let user = app.store.user_by_login("ana.pop").await.unwrap().unwrap();
        assert_eq!(user.failed_logins, 0, "a full sign-in clears the count");
    }
}

#[tokio::test]
async fn a_waiting_session_expires_and_cannot_skip_its_step() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        app.user("ana.pop", "ANITP-CJ", "case_worker").await;
        let (_, key, _) = enrol(&app, "ana.pop").await;
        app.clock.advance_seconds(30);
        let pending = password_step(&app, "ana.pop").await;
        // Nothing behind sign-in answers the waiting session, forms included.
        let posted = app
            .post_form(
                "/account/password",
                &pending,
                &[
                    ("current", PASSWORD),
                    ("new", "o parolă nouă și lungă"),
                    ("confirm", "o parolă nouă și lungă"),
                ],
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER);
        assert!(
            posted.location().starts_with("/login/code"),
            "{}",
            posted.location()
        );
        let enrol_again = app.get("/account/two-factor", Some(&pending)).await;
        assert!(
            enrol_again.location().starts_with("/login/code"),
            "an enrolled account is not enrolled anew"
        );
        app.clock.advance_minutes(11);
        let late = code_step(&app, &pending, &code_now(&app, &key)).await;
        assert_eq!(late.status, StatusCode::SEE_OTHER);
        assert!(
            late.location().starts_with("/login?next="),
            "{}",
            late.location()
        );
    }
}

#[tokio::test]
async fn an_administrator_resets_a_lost_device_and_the_account_enrols_again() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        let admin = app.user("admin.it", "ANITP", "admin").await;
        let worker = app.user("ana.pop", "ANITP-CJ", "case_worker").await;
        let (worker_session, _, _) = enrol(&app, "ana.pop").await;

        // The administrator's role needs no second factor: the password signs them in.
        let admin_session = app.login("admin.it").await;
        let users = app.get("/admin/users", Some(&admin_session)).await;
        let reset_path = format!("/admin/users/{}/two-factor/reset", worker.id);
        assert!(users.body.contains(&reset_path), "{}", users.body);
        assert!(
            !users
                .body
                .contains(&format!("/admin/users/{}/two-factor/reset", admin.id))
        );

        // Another user may not reset anyone's second factor.
        let refused = app.post_form(&reset_path, &worker_session, &[]).await;
        assert!(
            refused.status == StatusCode::FORBIDDEN || refused.status == StatusCode::NOT_FOUND,
            "{}",
            refused.status
        );

        let reset = app.post_form(&reset_path, &admin_session, &[]).await;
        assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
        assert_eq!(reset.location(), "/admin/users");
        assert_eq!(
            app.get("/dashboard", Some(&worker_session)).await.status,
            StatusCode::SEE_OTHER,
            "the sessions of a reset account end"
        );
        let entry = app
            .store
            .recent_audit(5)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.action == "user.two_factor_reset")
            .expect("the reset is audited");
        assert_eq!(
            (entry.actor_user.as_str(), entry.target.as_str()),
            (admin.id.as_str(), format!("user:{}", worker.id).as_str())
        );
        let (again, _) = app.try_login("ana.pop", PASSWORD).await;
        assert_eq!(
            again.location(),
            "/account/two-factor?next=/dashboard",
            "it enrols anew"
        );
        let self_reset = app
            .post_form(
                &format!("/admin/users/{}/two-factor/reset", admin.id),
                &admin_session,
                &[],
            )
            .await;
        assert_eq!(self_reset.status, StatusCode::FORBIDDEN);
        let unknown = app
            .post_form(
                "/admin/users/no-such-id/two-factor/reset",
                &admin_session,
                &[],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn roles_without_case_data_may_enrol_and_are_then_asked_for_the_code() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        app.user("tr.ion", "ANITP", "trainer").await;
        let session = app.login("tr.ion").await;
        assert_eq!(
            app.get("/dashboard", Some(&session)).await.status,
            StatusCode::OK
        );
        let page = app.get("/account/two-factor", Some(&session)).await;
        assert!(page.body.contains("opțională"), "{}", page.body);
        let key = key_on(&page.body);
        let done = app
            .post_form(
                "/account/two-factor",
                &session,
                &[("code", &code_now(&app, &key))],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK);
        let renewed = app
            .session_in(&done)
            .expect("a new session after enrolling");
        assert_eq!(
            app.get("/dashboard", Some(&session)).await.status,
            StatusCode::SEE_OTHER,
            "the sessions opened with the password alone end"
        );
        assert_eq!(
            app.get("/dashboard", Some(&renewed)).await.status,
            StatusCode::OK
        );
        // The page that shows the codes is the new session's: its sign-out form works.
        assert_eq!(hidden_field(&done.body, "csrf"), renewed.csrf);
        app.clock.advance_seconds(30);
        let pending = password_step(&app, "tr.ion").await;
        assert_eq!(
            code_step(&app, &pending, &code_now(&app, &key))
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn an_api_token_works_only_for_an_account_that_has_what_sign_in_requires() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        let user = app.user("ana.pop", "ANITP-CJ", "case_worker").await;
        let token = app.token(&user).await;
        let before = app.api("GET", "/api/v1/cases", Some(&token), None).await;
        assert_eq!(before.status, StatusCode::UNAUTHORIZED, "{}", before.body);
        let (_, _, _) = enrol(&app, "ana.pop").await;
        // Enrolling ends no token (only a reset or a new password does): the same one now works.
        let after = app.api("GET", "/api/v1/cases", Some(&token), None).await;
        assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    }
}

#[tokio::test]
async fn an_office_behind_one_address_signs_in_all_day_without_being_held_back() {
    let app = sqlite_app().await.requiring_two_factor();
    app.user("ana.pop", "ANITP-CJ", "case_worker").await;
    let (_, key, _) = enrol(&app, "ana.pop").await;
    // More sign-ins than the address's free failures, within the hour they are remembered.
    for round in 0..35 {
        app.clock.advance_seconds(30);
        let pending = password_step(&app, "ana.pop").await;
        let r = code_step(&app, &pending, &code_now(&app, &key)).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign-in {round}: {}",
            r.body
        );
    }
}

#[tokio::test]
async fn codes_guessed_from_many_addresses_are_held_back_per_account() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        app.user("ana.pop", "ANITP-CJ", "case_worker").await;
        let (_, key, _) = enrol(&app, "ana.pop").await;
        app.clock.advance_seconds(30);
        let pending = password_step(&app, "ana.pop").await;
        let right_now = code_now(&app, &key);
        let guess = |n: u32| {
            let g = format!("{:06}", (n * 7919 + 13) % 1_000_000);
            if g == right_now {
                "999999".to_string()
            } else {
                g
            }
        };
        let mut refused = 0;
        let waited = loop {
            // A new address each time: no (login, address) pair ever fails twice.
            let peer = format!("198.51.100.{}", refused + 1);
            let r = app
                .post_form_via("/login/code", &pending, &[("code", &guess(refused))], &peer)
                .await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                break r;
            }
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
            refused += 1;
            assert!(
                refused <= 6,
                "codes are guessed without limit from new addresses"
            );
        };
        assert_eq!(refused, 5, "five wrong codes are free, from anywhere");
        let seconds: i64 = waited.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let right = app
            .post_form_via(
                "/login/code",
                &pending,
                &[("code", &right_now)],
                "203.0.113.200",
            )
            .await;
        assert_eq!(
            right.status,
            StatusCode::TOO_MANY_REQUESTS,
            "the account waits, not the address"
        );
        app.clock.advance_seconds(seconds);
        let right = app
            .post_form_via(
                "/login/code",
                &pending,
                &[("code", &code_now(&app, &key))],
                "203.0.113.201",
            )
            .await;
        assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    }
}

#[tokio::test]
async fn a_code_is_taken_one_step_either_side_of_now_and_no_further() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        app.user("ana.pop", "ANITP-CJ", "case_worker").await;
        let (_, key, _) = enrol(&app, "ana.pop").await;
        app.clock.advance_seconds(120);
        let now = u64::try_from(app.clock.now() / 1000).unwrap();
        let at = |seconds: u64| mnir_app::two_factor::code_at(&key, seconds).unwrap();
        let pending = password_step(&app, "ana.pop").await;
        for (what, code) in [
            ("two steps old", at(now - 60)),
            ("two steps ahead", at(now + 60)),
        ] {
            let r = code_step(&app, &pending, &code).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{what} on {}",
                app.backend
            );
        }
        let ahead = code_step(&app, &pending, &at(now + 30)).await;
        assert_eq!(
            ahead.status,
            StatusCode::SEE_OTHER,
            "the next step's code (a fast phone)"
        );
        let pending = password_step(&app, "ana.pop").await;
        let current = code_step(&app, &pending, &at(now)).await;
        assert_eq!(
            current.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a step before the one taken is never taken"
        );
        let behind = code_step(&app, &pending, &at(now - 30)).await;
        assert_eq!(behind.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn a_session_waiting_for_its_code_reaches_no_page_and_changes_nothing() {
    let app = sqlite_app().await.requiring_two_factor();
    app.user(
        "ana.pop",
        "ANITP-CJ",
        "case_worker,supervisor,identification_officer",
    )
    .await;
    enrol(&app, "ana.pop").await;
    let (id, _) = app
        .seed_case("RO-CJ", "IGPR", mnir_domain::AgeGroup::Adult, "Asteptescu")
        .await;
    app.clock.advance_seconds(30);
    let pending = password_step(&app, "ana.pop").await;
    let before = app.store.recent_audit(1).await.unwrap()[0].seq;
    let concrete = |path: &str| {
        path.replace("{id}", &id)
            .replace("{lang}", "en")
            .replace("{clock}", "clock-1")
            .replace("{consent}", "consent-1")
            .replace("{code}", "DGASPC-CJ")
            .replace("{version}", "1")
    };
    // Where a waiting session may go: the sign-in steps, the language switch, the style sheet.
    let open = [
        "/",
        "/login",
        "/login/code",
        "/logout",
        "/lang/{lang}",
        "/static/{file}",
        // The public verification of a certificate, which anyone may use without signing in.
        "/verify",
        "/verify/{code}",
    ];
    let routes = mnir_web::page_routes();
    assert!(
        routes.len() > 30,
        "the walk found only {} routes",
        routes.len()
    );
    for (method, path) in routes {
        if open.contains(&path) {
            continue;
        }
        let r = if method == axum::http::Method::GET {
            app.get(&concrete(path), Some(&pending)).await
        } else {
            let fields = [
                ("to", "potential_victim"),
                ("reason", "x"),
                ("active", "no"),
                ("code", "000000"),
            ];
            app.post_form(&concrete(path), &pending, &fields).await
        };
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{method} {path}: {}",
            r.body
        );
        assert!(
            r.location().starts_with("/login/code?next="),
            "{method} {path} leads to {}",
            r.location()
        );
    }
    let after = app.store.recent_audit(1).await.unwrap()[0].seq;
    assert_eq!(
        before, after,
        "nothing was read or written on the waiting session's behalf"
    );
}

#[tokio::test]
async fn a_key_shown_to_one_session_is_never_confirmed_by_another() {
    for app in backends().await {
        let app = app.requiring_two_factor();
        app.user("ana.pop", "ANITP-CJ", "case_worker").await;
        // Someone with the password opens the enrolment and keeps the key…
        let (_, stranger) = app.try_login("ana.pop", PASSWORD).await;
        let stranger = stranger.unwrap();
        let seen = key_on(&app.get("/account/two-factor", Some(&stranger)).await.body);
        // …then the owner signs in and is shown another key.
        let (_, owner) = app.try_login("ana.pop", PASSWORD).await;
        let owner = owner.unwrap();
        let shown = key_on(&app.get("/account/two-factor", Some(&owner)).await.body);
        assert_ne!(
            seen, shown,
            "a key another session saw is not offered again"
        );
        let late = app
            .post_form(
                "/account/two-factor",
                &stranger,
                &[("code", &code_now(&app, &seen))],
            )
            .await;
        assert_ne!(
            late.status,
            StatusCode::OK,
            "the replaced key is not confirmed"
        );
        assert!(app.session_in(&late).is_none());
        let done = app
            .post_form(
                "/account/two-factor",
                &owner,
                &[("code", &code_now(&app, &shown))],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let page = app.get("/account/two-factor", Some(&stranger)).await;
        assert!(
            page.location().starts_with("/login?"),
            "the stranger's session ended: {}",
            page.location()
        );
    }
}
