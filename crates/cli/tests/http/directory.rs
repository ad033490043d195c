//! The referral directory: kept by an organisation's supervisor or an administrator, searched by
//! anyone who refers.

use crate::support::*;
use axum::http::StatusCode;

#[tokio::test]
async fn a_supervisor_keeps_the_entry_and_anyone_finds_it() {
    for app in backends().await {
        app.user("sup", "DGASPC-CJ", "supervisor").await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("adm", "ANITP", "admin").await;
        let sup = app.login("sup").await;
        let cw = app.login("cw").await;
        let adm = app.login("adm").await;
        assert_eq!(
            app.get("/directory/edit", Some(&cw)).await.status,
            StatusCode::FORBIDDEN,
            "a case worker does not edit"
        );
        assert_eq!(
            app.get("/directory/edit?org=ANITP-CJ", Some(&sup))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "nor another organisation's entry"
        );
        let bad = app
            .post_form(
                "/directory/edit",
                &sup,
                &[
                    ("services", "accommodation"),
                    ("groups", "children"),
                    ("languages", "Romanian"),
                    ("capacity", "-3"),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            app.backend
        );
        assert!(
            bad.body.contains("coduri de două sau trei litere")
                && bad.body.contains("număr întreg")
        );
        assert!(
            bad.body.contains("value=\"Romanian\"")
                && bad.body.contains("value=\"accommodation\" checked"),
            "what was typed is kept"
        );
        let ok = app
            .post_form(
                "/directory/edit",
                &sup,
                &[
                    ("services", "accommodation"),
                    ("services", "psychological"),
                    ("groups", "children"),
                    ("counties", "RO-CJ"),
                    ("languages", "ro, hu"),
                    ("capacity", "12"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let admin_edit = app
            .post_form(
                "/directory/edit?org=IGPR",
                &adm,
                &[
                    ("services", "investigation"),
                    ("groups", "women"),
                    ("groups", "men"),
                    ("languages", "ro"),
                ],
            )
            .await;
        assert_eq!(
            admin_edit.status,
            StatusCode::SEE_OTHER,
            "an administrator keeps any entry"
        );

        let found = app
            .get(
                "/directory?service=accommodation&county=RO-CJ&group=children",
                Some(&cw),
            )
            .await;
        assert!(
            found.body.contains("DGASPC-CJ")
                && found.body.contains("ro, hu")
                && found.body.contains(">12<"),
            "{}",
            found.body
        );
        assert!(!found.body.contains(">IGPR<"));
        let elsewhere = app
            .get("/directory?service=accommodation&county=RO-B", Some(&cw))
            .await;
        assert!(
            !elsewhere.body.contains("DGASPC-CJ"),
            "the entry covers Cluj only"
        );
        let nationwide = app
            .get("/directory?service=investigation&county=RO-B", Some(&cw))
            .await;
        assert!(
            nationwide.body.contains("IGPR"),
            "an entry without counties covers the country"
        );
    }
}
