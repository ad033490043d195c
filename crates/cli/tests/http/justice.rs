//! The criminal-justice track, the investigative summary and disclosures: every wrong field
//! named, labour inspectors behind the firewall, a prosecutor's order that opens exactly the
//! records it covers to its recipient's investigators and nothing after it ends, and a disclosure
//! by consent that ends with its consent.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::consent::{GivenBy, Method, Purpose};
use mnir_domain::{AgeGroup, CaseState};
use mnir_store::ConsentRecord;
use serde_json::json;

const ASSESSMENT_NOTE: &str = "Nota-evaluarii-dezvaluite";
const PLAN_TEXT: &str = "Obiectiv-al-planului-nedezvaluit";
const ADDRESS: &str = "Strada-Adapostului-Secret-9";

#[tokio::test]
async fn proceedings_hearings_and_flags_are_checked_field_by_field() {
    for app in backends().await {
        let b = app.backend;
        let investigator = app.user("inv", "IGPR", "investigator").await;
        let token = app.token(&investigator).await;
        let (case, reference) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Procesescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let (other, _) = app
            .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Altescu")
            .await;
        let post = |path: String, body: serde_json::Value| {
            let app = &app;
            let token = token.clone();
            async move { app.api("POST", &path, Some(&token), Some(body)).await }
        };
        let proceedings = format!("/api/v1/cases/{case}/proceedings");
        for (body, field) in [
            (
                json!({"standing": "witness", "prosecutor_office": "DIICOT", "opened_on": "2026-10-01"}),
                "file_number",
            ),
            (
                json!({"standing": "judge", "file_number": "1/P", "prosecutor_office": "DIICOT", "opened_on": "2026-10-01"}),
                "standing",
            ),
            (
                json!({"standing": "witness", "file_number": "1/P", "prosecutor_office": "DIICOT", "opened_on": "2026-10-01", "outcome": "conviction"}),
                "outcome_on",
            ),
            (
                json!({"standing": "witness", "file_number": "1/P", "prosecutor_office": "DIICOT", "opened_on": "2026-10-01", "outcome_on": "2026-11-01"}),
                "outcome_on",
            ),
            (
                json!({"standing": "witness", "file_number": "1/P", "prosecutor_office": "DIICOT", "opened_on": "2026-12-30"}),
                "opened_on",
            ),
            (
                json!({"standing": "witness", "file_number": "1/P", "prosecutor_office": "DIICOT", "opened_on": "2026-10-01", "measures": ["curfew"]}),
                "measures",
            ),
            (
                json!({"standing": "witness", "file_number": "1/P", "prosecutor_office": "DIICOT", "opened_on": "2026-10-01", "outcome": "acquittal", "outcome_on": "2026-09-01"}),
                "outcome_on",
            ),
        ] {
            let refused = post(proceedings.clone(), body.clone()).await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {body} → {}",
                refused.body
            );
            assert!(
                field_names(&refused).contains(&field.to_string()),
                "{b}: {body} names {field}: {}",
                refused.body
            );
        }
        let extra = post(
            proceedings.clone(),
            json!({"standing": "witness", "judge": "X"}),
        )
        .await;
        assert_eq!(extra.status, StatusCode::BAD_REQUEST, "{b}: unknown field");
        assert!(
            app.store.proceedings_of(&case).await.unwrap().is_empty(),
            "{b}: nothing stored from a refused request"
        );

        let recorded = post(
            proceedings.clone(),
            json!({"standing": "injured_party_and_witness", "file_number": "418/P/2026",
                   "prosecutor_office": "DIICOT Cluj", "opened_on": "2026-10-01",
                   "measures": ["protected_identity", "remote_hearing"]}),
        )
        .await;
        assert_eq!(
            recorded.status,
            StatusCode::CREATED,
            "{b}: {}",
            recorded.body
        );
        let p = recorded.json();
        let pid = p["id"].as_str().unwrap().to_string();
        assert_eq!(p["outcome"], "pending");
        assert_eq!(
            p["measures"],
            json!(["protected_identity", "remote_hearing"])
        );

        // A hearing: of the case's proceedings only.
        let hearing = post(
            format!("/api/v1/cases/{case}/proceedings/{pid}/hearings"),
            json!({"held_on": "2026-12-10", "kind": "court_hearing", "note": "Sala 3"}),
        )
        .await;
        assert_eq!(hearing.status, StatusCode::CREATED, "{b}: {}", hearing.body);
        let stray = post(
            format!("/api/v1/cases/{other}/proceedings/{pid}/hearings"),
            json!({"held_on": "2026-12-10", "kind": "court_hearing"}),
        )
        .await;
        assert_eq!(stray.status, StatusCode::NOT_FOUND, "{b}: {}", stray.body);
        let bad_kind = post(
            format!("/api/v1/cases/{case}/proceedings/{pid}/hearings"),
            json!({"held_on": "2026-12-10", "kind": "party"}),
        )
        .await;
        assert_eq!(field_names(&bad_kind), ["kind"], "{b}: {}", bad_kind.body);

        // The outcome given later; nothing changed is refused.
        let path = format!("/api/v1/cases/{case}/proceedings/{pid}");
        let update = json!({"standing": "injured_party_and_witness", "file_number": "418/P/2026",
            "prosecutor_office": "DIICOT Cluj", "court": "Tribunalul Cluj", "opened_on": "2026-10-01",
            "outcome": "conviction", "outcome_on": "2026-11-20", "measures": ["protected_identity"]});
        let updated = app
            .api("PUT", &path, Some(&token), Some(update.clone()))
            .await;
        assert_eq!(updated.status, StatusCode::OK, "{b}: {}", updated.body);
        assert_eq!(updated.json()["hearings"].as_array().unwrap().len(), 1);
        assert_eq!(updated.json()["recorded_by"], "inv");
        let again = app
            .api("PUT", &path, Some(&token), Some(update.clone()))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{b}: {}", again.body);
        // The file number and the day opened stay as first recorded.
        let mut renamed = update.clone();
        renamed["file_number"] = json!("1/P/2020");
        renamed["opened_on"] = json!("2020-01-01");
        let refused = app.api("PUT", &path, Some(&token), Some(renamed)).await;
        // Well formed, but not what the records say: a conflict, field by field.
        assert_eq!(
            refused.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            refused.body
        );
        assert_eq!(
            field_names(&refused),
            ["file_number", "opened_on"],
            "{b}: {}",
            refused.body
        );
        let early = post(
            format!("/api/v1/cases/{case}/proceedings/{pid}/hearings"),
            json!({"held_on": "2026-09-01", "kind": "statement"}),
        )
        .await;
        assert_eq!(early.status, StatusCode::CONFLICT, "{b}: {}", early.body);
        assert_eq!(field_names(&early), ["held_on"], "{b}: {}", early.body);
        let unchosen = post(
            format!("/api/v1/cases/{case}/proceedings/{pid}/hearings"),
            json!({"held_on": "2026-12-01", "kind": ""}),
        )
        .await;
        assert!(
            unchosen.body.contains("Alegeți una dintre variante."),
            "{b}: {}",
            unchosen.body
        );

        // Non-punishment: the offence named, the proceedings the case's.
        let flags = format!("/api/v1/cases/{case}/non-punishment");
        let empty = post(flags.clone(), json!({"offence": "  "})).await;
        assert_eq!(field_names(&empty), ["offence"], "{b}");
        let foreign = post(
            flags.clone(),
            json!({"offence": "Fals", "proceeding_id": "no-such"}),
        )
        .await;
        assert_eq!(
            foreign.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            foreign.body
        );
        assert_eq!(field_names(&foreign), ["proceeding_id"], "{b}");
        let flag = post(
            flags,
            json!({"offence": "Uz de fals", "proceeding_id": pid}),
        )
        .await;
        assert_eq!(flag.status, StatusCode::CREATED, "{b}: {}", flag.body);

        // The summary names it all, without a name of the person.
        let summary = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/justice"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(summary.status, StatusCode::OK, "{b}: {}", summary.body);
        let s = summary.json();
        assert_eq!(s["reference"], reference.as_str());
        assert_eq!(s["trafficking_status"], "PossibleVictimOfTrafficking");
        assert_eq!(s["contact_organisation"], "ANITP-CJ");
        assert_eq!(s["proceedings"][0]["outcome"], "conviction");
        assert_eq!(s["proceedings"][0]["court"], "Tribunalul Cluj");
        assert_eq!(s["non_punishment"][0]["offence"], "Uz de fals");
        assert!(s["disclosed"].as_array().unwrap().is_empty());
        assert!(!summary.body.contains("Procesescu"), "{b}: no name");

        // The page in Romanian: a refused form comes back as typed, its error beside it.
        let session = app.login("inv").await;
        let refused = app
            .post_form(
                &format!("/cases/{case}/justice/proceedings"),
                &session,
                &[
                    ("standing", "witness"),
                    ("prosecutor_office", "Parchetul Tribunalului Cluj"),
                    ("opened_on", "2026-10-02"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(refused.body.contains("Dați numărul de dosar."), "{b}");
        assert!(refused.body.contains("Parchetul Tribunalului Cluj"), "{b}");
        let page = app
            .get(&format!("/cases/{case}/justice"), Some(&session))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        for shown in ["418/P/2026", "Uz de fals", "Sala 3", "condamnare"] {
            assert!(page.body.contains(shown), "{b}: {shown} on the page");
        }
    }
}

#[tokio::test]
async fn labour_inspectors_stay_outside_the_support_compartment() {
    for app in backends().await {
        let b = app.backend;
        let inspector = app.user("insp", "IM", "case_worker,supervisor").await;
        let token = app.token(&inspector).await;
        let session = app.login("insp").await;
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IM",
                AgeGroup::Adult,
                "Muncitorescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        // The case is theirs (they notified it), and still no support record is.
        let risk = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/risk-assessments"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(risk.status, StatusCode::FORBIDDEN, "{b}: {}", risk.body);
        let plan = app
            .get(&format!("/cases/{case}/plan"), Some(&session))
            .await;
        assert_eq!(plan.status, StatusCode::FORBIDDEN, "{b}");
        let record = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/risk-assessments"),
                Some(&token),
                Some(json!({"kind": "full", "domains": adult_domains(2, 2)})),
            )
            .await;
        assert_eq!(record.status, StatusCode::FORBIDDEN, "{b}");
        let justice = app
            .get(&format!("/cases/{case}/justice"), Some(&session))
            .await;
        assert_eq!(justice.status, StatusCode::OK, "{b}");
        let case_page = app.get(&format!("/cases/{case}"), Some(&session)).await;
        assert_eq!(case_page.status, StatusCode::OK, "{b}");
        assert!(
            !case_page.body.contains("id=\"risk-title\""),
            "{b}: no risk panel"
        );
        assert!(
            case_page.body.contains("/justice\""),
            "{b}: the justice track is linked"
        );
    }
}

#[tokio::test]
async fn a_disclosure_opens_exactly_what_it_covers_to_its_recipient_until_it_ends() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let cw_token = app.token(&cw).await;
        let prosecutor = app.user("pros", "DIICOT", "investigator").await;
        let pros_token = app.token(&prosecutor).await;
        let police = app.user("pol", "IGPR", "investigator").await;
        let police_token = app.token(&police).await;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let coord_token = app.token(&coordinator).await;
        // Notified by the regional centre: neither DIICOT nor IGPR is on its access list.
        let (case, reference) = app
            .seed_case_as(
                "RO-CJ",
                "ANITP-CJ",
                AgeGroup::Adult,
                "Dezvaluescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let mut domains = adult_domains(2, 2);
        domains["mental_health"]["note"] = json!(ASSESSMENT_NOTE);
        let full = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/risk-assessments"),
                Some(&cw_token),
                Some(json!({"kind": "full", "domains": domains})),
            )
            .await;
        assert_eq!(full.status, StatusCode::CREATED, "{b}: {}", full.body);
        let plan = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/plan"),
                Some(&cw_token),
                Some(json!({"review_on": "2027-01-15",
                    "measures": [{"measure": "confidential_shelter", "responsible": "Adăpost",
                                  "due_on": "2026-11-30", "shelter_address": ADDRESS}],
                    "services": [{"type": "health", "objectives": PLAN_TEXT, "planned_end_on": "2027-01-10"}]})),
            )
            .await;
        assert_eq!(plan.status, StatusCode::CREATED, "{b}: {}", plan.body);
        let summary = |token: String| {
            let app = &app;
            let path = format!("/api/v1/cases/{case}/justice");
            async move { app.api("GET", &path, Some(&token), None).await }
        };
        assert_eq!(
            summary(pros_token.clone()).await.status,
            StatusCode::NOT_FOUND,
            "{b}: no disclosure, no case"
        );

        // Every wrong field named, and nothing stored.
        let disclosures = format!("/api/v1/cases/{case}/disclosures");
        for (body, field) in [
            (
                json!({"recipient_org": "DIICOT", "basis": "prosecutor_order", "order_on": "2026-11-20", "order_office": "P", "records": ["plan"], "until_on": "2027-01-01"}),
                "order_number",
            ),
            (
                json!({"recipient_org": "DIICOT", "basis": "prosecutor_order", "order_number": "1", "order_on": "2026-12-20", "order_office": "P", "records": ["plan"], "until_on": "2027-01-01"}),
                "order_on",
            ),
            (
                json!({"recipient_org": "DIICOT", "basis": "prosecutor_order", "order_number": "1", "order_on": "2026-11-20", "order_office": "P", "records": ["shelter_address"], "until_on": "2027-01-01"}),
                "records",
            ),
            (
                json!({"recipient_org": "DIICOT", "basis": "prosecutor_order", "order_number": "1", "order_on": "2026-11-20", "order_office": "P", "records": [], "until_on": "2027-01-01"}),
                "records",
            ),
            (
                json!({"recipient_org": "DIICOT", "basis": "prosecutor_order", "order_number": "1", "order_on": "2026-11-20", "order_office": "P", "records": ["plan"], "until_on": "2026-11-01"}),
                "until_on",
            ),
            (
                json!({"recipient_org": "DIICOT", "basis": "prosecutor_order", "order_number": "1", "order_on": "2026-11-20", "order_office": "P", "records": ["plan"], "until_on": "2028-06-01"}),
                "until_on",
            ),
            (
                json!({"recipient_org": "DIICOT", "basis": "consent", "records": ["plan"], "until_on": "2027-01-01"}),
                "consent_id",
            ),
            (
                json!({"recipient_org": "DIICOT", "basis": "consent", "order_number": "1", "consent_id": "x", "records": ["plan"], "until_on": "2027-01-01"}),
                "order_number",
            ),
        ] {
            let refused = app
                .api("POST", &disclosures, Some(&cw_token), Some(body.clone()))
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {body}: {}",
                refused.body
            );
            assert!(
                field_names(&refused).contains(&field.to_string()),
                "{b}: {body} names {field}: {}",
                refused.body
            );
        }
        // Well formed, but not fitting the records: a registered body that does not investigate,
        // a consent that is not the case's.
        for (body, field) in [
            (
                json!({"recipient_org": "ANITP-B", "basis": "prosecutor_order", "order_number": "1", "order_on": "2026-11-20", "order_office": "P", "records": ["plan"], "until_on": "2027-01-01"}),
                "recipient_org",
            ),
            (
                json!({"recipient_org": "DIICOT", "basis": "consent", "consent_id": "x", "records": ["plan"], "until_on": "2027-01-01"}),
                "consent_id",
            ),
        ] {
            let refused = app
                .api("POST", &disclosures, Some(&cw_token), Some(body.clone()))
                .await;
            assert_eq!(
                refused.status,
                StatusCode::CONFLICT,
                "{b}: {body}: {}",
                refused.body
            );
            assert_eq!(
                field_names(&refused),
                [field],
                "{b}: {body}: {}",
                refused.body
            );
        }
        assert!(app.store.disclosures_of(&case).await.unwrap().is_empty());
        // The investigators cannot let records out to themselves.
        let own_way = app
            .api(
                "POST",
                &disclosures,
                Some(&pros_token),
                Some(json!({"recipient_org": "DIICOT", "basis": "prosecutor_order", "order_number": "1",
                    "order_on": "2026-11-20", "order_office": "P", "records": ["plan"], "until_on": "2027-01-01"})),
            )
            .await;
        assert_eq!(own_way.status, StatusCode::NOT_FOUND, "{b}");

        // A prosecutor's order for the risk assessments only.
        let ordered = app
            .api(
                "POST",
                &disclosures,
                Some(&cw_token),
                Some(json!({"recipient_org": "DIICOT", "basis": "prosecutor_order",
                    "order_number": "77/II/2026", "order_on": "2026-11-20",
                    "order_office": "DIICOT Cluj", "records": ["risk_assessments"], "until_on": "2027-01-31"})),
            )
            .await;
        assert_eq!(ordered.status, StatusCode::CREATED, "{b}: {}", ordered.body);
        let order_id = ordered.json()["id"].as_str().unwrap().to_string();
        let seen = summary(pros_token.clone()).await;
        assert_eq!(seen.status, StatusCode::OK, "{b}: {}", seen.body);
        assert_eq!(seen.json()["reference"], reference.as_str());
        assert!(seen.body.contains(ASSESSMENT_NOTE), "{b}: the assessment");
        assert!(!seen.body.contains(PLAN_TEXT), "{b}: not the plan");
        assert!(!seen.body.contains(ADDRESS), "{b}: never the address");
        assert!(!seen.body.contains("Dezvaluescu"), "{b}: no name");
        // The disclosure is DIICOT's, not the police's; and it opens no other page.
        assert_eq!(
            summary(police_token.clone()).await.status,
            StatusCode::NOT_FOUND
        );
        for path in [
            format!("/api/v1/cases/{case}"),
            format!("/api/v1/cases/{case}/risk-assessments"),
            format!("/api/v1/cases/{case}/plan"),
        ] {
            let other = app.api("GET", &path, Some(&pros_token), None).await;
            assert_eq!(other.status, StatusCode::NOT_FOUND, "{b}: {path}");
        }
        let session = app.login("pros").await;
        let page = app
            .get(&format!("/cases/{case}/justice"), Some(&session))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.body.contains(ASSESSMENT_NOTE), "{b}: on the page");
        assert!(!page.body.contains(PLAN_TEXT), "{b}");
        // Their register lists it; the coordinator's national one too.
        let theirs = app
            .api("GET", "/api/v1/disclosures", Some(&pros_token), None)
            .await;
        assert_eq!(theirs.json()["scope"], "made_to_organisation", "{b}");
        assert_eq!(theirs.json()["disclosures"][0]["id"], order_id.as_str());
        assert_eq!(theirs.json()["disclosures"][0]["status"], "in_force");
        let national = app
            .api("GET", "/api/v1/disclosures", Some(&coord_token), None)
            .await;
        assert_eq!(national.json()["scope"], "national", "{b}");
        assert!(national.body.contains(&order_id), "{b}");
        let police_register = app
            .api("GET", "/api/v1/disclosures", Some(&police_token), None)
            .await;
        assert_eq!(police_register.status, StatusCode::OK, "{b}");
        assert!(!police_register.body.contains(&order_id), "{b}");
        let bad_place = app
            .api(
                "GET",
                "/api/v1/disclosures?after=yesterday",
                Some(&coord_token),
                None,
            )
            .await;
        assert_eq!(bad_place.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        // Every read of the disclosed records is in the audit log with its disclosure.
        let audit = app.store.recent_audit(200).await.unwrap();
        assert!(
            audit.iter().any(|e| e.action == "case.read.disclosed"
                && e.detail.contains(&order_id)
                && e.detail.contains("risk_assessments")),
            "{b}: the disclosed read audited"
        );

        // Ended early: nothing on the next request; a second end is a conflict.
        let end = format!("/api/v1/cases/{case}/disclosures/{order_id}/end");
        assert_eq!(
            app.api("POST", &end, Some(&cw_token), None).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.api("POST", &end, Some(&cw_token), None).await.status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            summary(pros_token.clone()).await.status,
            StatusCode::NOT_FOUND,
            "{b}: ended"
        );

        // By consent to sharing with the police: in force while the consent is.
        app.clock.advance_minutes(1);
        let consent = ConsentRecord {
            id: uuid::Uuid::new_v4().to_string(),
            case_id: case.clone(),
            purpose: Purpose::SharingWithPolice,
            recipient_org: Some("IGPR".into()),
            given_by: GivenBy::Person,
            method: Method::SignedForm,
            given_at_ms: at(START_MS - 1000),
            // It runs out a month after today (2026-11-28).
            expires_at_ms: Some(at(START_MS + 30 * 86_400_000)),
            withdrawn_at_ms: None,
            recorded_by: cw.id.clone(),
            org_code: "ANITP-CJ".into(),
        };
        app.store
            .record_consent(&consent, &cli(START_MS))
            .await
            .unwrap();
        let wrong_body = app
            .api(
                "POST",
                &disclosures,
                Some(&cw_token),
                Some(
                    json!({"recipient_org": "DIICOT", "basis": "consent", "consent_id": consent.id,
                    "records": ["plan"], "until_on": "2027-01-31"}),
                ),
            )
            .await;
        assert_eq!(
            wrong_body.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            wrong_body.body
        );
        assert_eq!(
            field_names(&wrong_body),
            ["consent_id"],
            "{b}: a consent for the police is not one for the prosecutors"
        );
        let past_consent = app
            .api(
                "POST",
                &disclosures,
                Some(&cw_token),
                Some(
                    json!({"recipient_org": "IGPR", "basis": "consent", "consent_id": consent.id,
                    "records": ["plan"], "until_on": "2027-01-31"}),
                ),
            )
            .await;
        assert_eq!(
            past_consent.status,
            StatusCode::CONFLICT,
            "{b}: {}",
            past_consent.body
        );
        assert_eq!(
            field_names(&past_consent),
            ["until_on"],
            "{b}: not beyond the consent: {}",
            past_consent.body
        );
        let by_consent = app
            .api(
                "POST",
                &disclosures,
                Some(&cw_token),
                Some(
                    json!({"recipient_org": "IGPR", "basis": "consent", "consent_id": consent.id,
                    "records": ["plan"], "until_on": "2026-12-20"}),
                ),
            )
            .await;
        assert_eq!(
            by_consent.status,
            StatusCode::CREATED,
            "{b}: {}",
            by_consent.body
        );
        let delivered = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/services-delivered"),
                Some(&cw_token),
                Some(json!({"type": "health", "delivered_on": "2026-11-27",
                    "provider_other": "Spitalul Județean"})),
            )
            .await;
        assert_eq!(
            delivered.status,
            StatusCode::CREATED,
            "{b}: {}",
            delivered.body
        );
        let police_sees = summary(police_token.clone()).await;
        assert!(police_sees.body.contains(PLAN_TEXT), "{b}: the plan");
        let seen = police_sees.json();
        let shown = &seen["disclosed"][0];
        assert_eq!(shown["plan"][0]["drafted_by"], "cw", "{b}");
        assert_eq!(
            shown["services_delivered"][0]["recorded_by"], "cw",
            "{b}: who delivered it named by login"
        );
        assert!(
            !police_sees.body.contains(ADDRESS),
            "{b}: never the address"
        );
        assert!(!police_sees.body.contains(ASSESSMENT_NOTE), "{b}");
        app.clock.advance_minutes(1);
        app.store
            .withdraw_consent(&case, &consent.id, &cli(app.clock.now()))
            .await
            .unwrap();
        app.clock.advance_minutes(1);
        assert_eq!(
            summary(police_token).await.status,
            StatusCode::NOT_FOUND,
            "{b}: the consent withdrawn ends the disclosure"
        );
        let register = app.api("GET", &disclosures, Some(&cw_token), None).await;
        let listed = register.json();
        let statuses: Vec<&str> = listed["disclosures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            statuses,
            ["consent_ended", "ended"],
            "{b}: {}",
            register.body
        );
    }
}
