//! Information and consent through the pages: kept, checked against the person's age, withdrawn.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::AgeGroup;

#[tokio::test]
async fn information_and_consents_are_recorded_checked_and_withdrawn() {
    for app in backends().await {
        app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("police", "IGPR", "investigator").await;
        let cw = app.login("cw").await;
        let police = app.login("police").await;
        let (adult, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Consimtescu")
            .await;
        let page = app.get(&format!("/cases/{adult}/consent"), Some(&cw)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", app.backend);
        assert!(
            page.body.contains("value=\"person\""),
            "an adult gives consent themself"
        );
        assert_eq!(
            app.get(&format!("/cases/{adult}/consent"), Some(&police))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "an investigator sees the case but records no consent"
        );

        let bad = app
            .post_form(
                &format!("/cases/{adult}/information"),
                &cw,
                &[
                    ("language", "Ukrainian"),
                    ("notice_version", "2026-1"),
                    ("interpreter", "yes"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Bifați cel puțin unul"));
        assert!(
            bad.body.contains("value=\"Ukrainian\"") || bad.body.contains("value=\"ukrainian\""),
            "what was typed is kept"
        );
        let ok = app
            .post_form(
                &format!("/cases/{adult}/information"),
                &cw,
                &[
                    ("rights", "legal_aid"),
                    ("rights", "assistance_protection"),
                    ("language", "uk"),
                    ("notice_version", "2026-1"),
                    ("interpreter", "yes"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let page = app
            .get_lang(&format!("/cases/{adult}/consent"), Some(&cw), Some("en"))
            .await;
        assert!(
            page.body
                .contains("legal aid, assistance and protection — in uk, with an interpreter"),
            "{}",
            page.body
        );

        let no_recipient = app
            .post_form(
                &format!("/cases/{adult}/consents"),
                &cw,
                &[
                    ("purpose", "assistance"),
                    ("given_by", "person"),
                    ("method", "signed_form"),
                ],
            )
            .await;
        assert_eq!(no_recipient.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_recipient.body.contains("Alegeți destinatarul"));
        let past = app
            .post_form(
                &format!("/cases/{adult}/consents"),
                &cw,
                &[
                    ("purpose", "assistance"),
                    ("recipient", "DGASPC-CJ"),
                    ("given_by", "person"),
                    ("method", "signed_form"),
                    ("expires", "2020-01-01"),
                ],
            )
            .await;
        assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(past.body.contains("value=\"2020-01-01\""));
        let given = app
            .post_form(
                &format!("/cases/{adult}/consents"),
                &cw,
                &[
                    ("purpose", "assistance"),
                    ("recipient", "DGASPC-CJ"),
                    ("given_by", "person"),
                    ("method", "signed_form"),
                    ("expires", "2027-06-30"),
                ],
            )
            .await;
        assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
        let consents = app.store.consents_of(&adult).await.unwrap();
        assert_eq!(consents.len(), 1);
        assert_eq!(consents[0].recipient_org.as_deref(), Some("DGASPC-CJ"));
        // Valid through 30 June in Bucharest: it lapses at the local midnight that ends the day
        // (21:00 UTC in summer time).
        assert_eq!(
            consents[0].expires_at_ms.map(|t| t.to_utc().to_rfc3339()),
            Some("2027-06-30T21:00:00+00:00".to_string())
        );
        // The page shows the last day it is valid, as typed.
        let shown = app.get(&format!("/cases/{adult}/consent"), Some(&cw)).await;
        assert!(shown.body.contains("30.06.2027"), "{}", shown.body);
        assert!(!shown.body.contains("01.07.2027"));
        let id = consents[0].id.clone();
        let withdrawn = app
            .post_form(&format!("/cases/{adult}/consents/{id}/withdraw"), &cw, &[])
            .await;
        assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.store.consents_of(&adult).await.unwrap()[0].withdrawn_at_ms,
            Some(at(app.clock.now()))
        );
        assert_eq!(
            app.post_form(&format!("/cases/{adult}/consents/{id}/withdraw"), &cw, &[])
                .await
                .status,
            StatusCode::CONFLICT,
            "withdrawn once"
        );
        assert_eq!(
            app.post_form(
                &format!("/cases/{adult}/consents/no-such-consent/withdraw"),
                &cw,
                &[]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert!(
            app.get(&format!("/cases/{adult}/consent"), Some(&cw))
                .await
                .body
                .contains("Retras la")
        );

        let (child, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Child, "Copilescu")
            .await;
        let as_person = app
            .post_form(
                &format!("/cases/{child}/consents"),
                &cw,
                &[
                    ("purpose", "anitp_contact"),
                    ("given_by", "person"),
                    ("method", "signed_form"),
                ],
            )
            .await;
        assert_eq!(
            as_person.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a child's consent comes with assent and a representative"
        );
        let assent = app
            .post_form(
                &format!("/cases/{child}/consents"),
                &cw,
                &[
                    ("purpose", "anitp_contact"),
                    ("given_by", "child_assent"),
                    ("method", "verbal_with_witness"),
                ],
            )
            .await;
        assert_eq!(assent.status, StatusCode::SEE_OTHER);
    }
}
