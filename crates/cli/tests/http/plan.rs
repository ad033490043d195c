//! The safety and support plan through the API: drafted only from a full assessment, every
//! wrong field named, the urgent need answered by a protection measure, acknowledgements once
//! each, services delivered against the plan, and the firewall with the shelter's address kept
//! for the case workers alone.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState};
use serde_json::json;

const ADDRESS: &str = "Strada Liliacului 12, Florești";

#[tokio::test]
async fn a_plan_is_drafted_from_the_assessment_acknowledged_and_delivered() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let supervisor = app.user("sup", "ANITP-CJ", "supervisor").await;
        let police = app
            .user("police", "IGPR", "case_worker,supervisor,investigator")
            .await;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let token = app.token(&cw).await;
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Planescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let api = |method: &'static str, path: String, body: Option<serde_json::Value>| {
            let app = &app;
            let token = token.clone();
            async move { app.api(method, &path, Some(&token), body).await }
        };
        let plan_path = format!("/api/v1/cases/{case}/plan");
        let good = json!({
            "review_on": "2027-01-15",
            "measures": [{"measure": "confidential_shelter", "responsible": "Adăpostul Speranța",
                          "due_on": "2026-11-30", "shelter_address": ADDRESS}],
            "services": [{"type": "health", "objectives": "Consult ginecologic", "planned_end_on": "2027-01-10"}]
        });
        // No plan before a full assessment.
        let early = api("POST", plan_path.clone(), Some(good.clone())).await;
        assert_eq!(early.status, StatusCode::FORBIDDEN, "{b}: {}", early.body);
        assert!(
            early.body.contains("evaluări complete"),
            "{b}: {}",
            early.body
        );

        let urgent = api(
            "POST",
            format!("/api/v1/cases/{case}/risk-assessments"),
            Some(json!({"kind": "first_contact", "urgent": {
                "urgent_medical_need": {"answer": false},
                "immediate_violence": {"answer": true, "note": "Amenințări"},
                "re_trafficking_danger": {"answer": false}
            }})),
        )
        .await;
        assert_eq!(urgent.status, StatusCode::CREATED, "{b}");
        let domains = adult_domains(2, 2);
        let full = api(
            "POST",
            format!("/api/v1/cases/{case}/risk-assessments"),
            Some(json!({"kind": "full", "domains": domains})),
        )
        .await;
        assert_eq!(full.status, StatusCode::CREATED, "{b}");
        let inbox = api("GET", "/api/v1/inbox".into(), None).await;
        assert_eq!(
            inbox.json()["urgent"]["cases"].as_array().unwrap().len(),
            1,
            "{b}"
        );

        // Each wrong field is named, and nothing is stored.
        for (body, field) in [
            (
                json!({"review_on": "2028-01-15", "measures": good["measures"]}),
                "review_on",
            ),
            (json!({"review_on": "2027-01-15"}), "measures"),
            (
                json!({"review_on": "2027-01-15", "measures": [{"measure": "curfew", "responsible": "x", "due_on": "2026-12-01"}]}),
                "measures",
            ),
            (
                json!({"review_on": "2027-01-15", "measures": [
                    {"measure": "escort", "responsible": "IPJ Cluj", "due_on": "2026-12-01"},
                    {"measure": "escort", "responsible": "IPJ Cluj", "due_on": "2026-12-02"}]}),
                "measures.escort",
            ),
            (
                json!({"review_on": "2027-01-15", "measures": [{"measure": "escort", "responsible": "IPJ Cluj", "due_on": "1 decembrie"}]}),
                "measures.escort.due_on",
            ),
            (
                json!({"review_on": "2027-01-15", "measures": [{"measure": "escort", "responsible": "IPJ", "due_on": "2026-12-01", "shelter_address": "x"}]}),
                "measures.escort.shelter_address",
            ),
            (
                json!({"review_on": "2027-01-15", "services": [{"type": "legal", "objectives": "Avocat", "planned_end_on": "2027-01-01", "status": "completed"}]}),
                "services.legal.actual_end_on",
            ),
            (
                json!({"review_on": "2027-01-15", "services": [{"type": "legal", "objectives": "Avocat", "planned_end_on": "2027-01-01", "provider_org": "NU-EXISTA"}]}),
                "services.legal.provider_org",
            ),
        ] {
            let r = api("POST", plan_path.clone(), Some(body)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b} {field}: {}",
                r.body
            );
            let fields: Vec<String> = r.json()["error"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["field"].as_str().unwrap().to_string())
                .collect();
            assert!(
                fields.contains(&field.to_string()),
                "{b} {field}: {fields:?}"
            );
        }
        assert!(app.store.plans_of(&case).await.unwrap().is_empty(), "{b}");

        let created = api("POST", plan_path.clone(), Some(good.clone())).await;
        assert_eq!(created.status, StatusCode::CREATED, "{b}: {}", created.body);
        let plan = created.json();
        assert_eq!(plan["version"], 1, "{b}");
        assert_eq!(plan["services"][0]["htcds_type"], "Health", "{b}");
        assert_eq!(plan["services"][0]["status"], "planned", "{b}");
        assert_eq!(plan["measures"][0]["shelter_address"], ADDRESS, "{b}");
        let plan_id = plan["id"].as_str().unwrap().to_string();
        // The shelter answers the urgent need.
        let inbox = api("GET", "/api/v1/inbox".into(), None).await;
        assert!(
            inbox.json()["urgent"]["cases"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{b}"
        );

        let ack_path = format!("/api/v1/cases/{case}/plan/{plan_id}/acknowledgements");
        let verbal = api(
            "POST",
            ack_path.clone(),
            Some(json!({"party": "person", "way": "verbal_with_witness", "on": "2026-11-28"})),
        )
        .await;
        assert_eq!(verbal.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(verbal.body.contains("\"witness\""), "{b}: {}", verbal.body);
        let before = api(
            "POST",
            ack_path.clone(),
            Some(json!({"party": "person", "way": "signed_on_paper", "on": "2026-11-27"})),
        )
        .await;
        // The day of the draft is the plan's record: a conflict, not a malformed request.
        assert_eq!(
            before.status,
            StatusCode::CONFLICT,
            "{b}: the day before the draft"
        );
        assert_eq!(field_names(&before), ["on"], "{b}: {}", before.body);
        let signed = api(
            "POST",
            ack_path.clone(),
            Some(json!({"party": "person", "way": "signed_on_paper", "on": "2026-11-28"})),
        )
        .await;
        assert_eq!(signed.status, StatusCode::CREATED, "{b}: {}", signed.body);
        let again = api(
            "POST",
            ack_path.clone(),
            Some(json!({"party": "person", "way": "signed_on_paper", "on": "2026-11-28"})),
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{b}");
        let elsewhere = api(
            "POST",
            format!("/api/v1/cases/{case}/plan/not-a-plan/acknowledgements"),
            Some(json!({"party": "assessor", "way": "signed_on_paper", "on": "2026-11-28"})),
        )
        .await;
        assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "{b}");

        let delivered_path = format!("/api/v1/cases/{case}/services-delivered");
        let unplanned = api(
            "POST",
            delivered_path.clone(),
            Some(json!({"type": "legal", "delivered_on": "2026-11-28", "provider_other": "Cabinet de avocat"})),
        )
        .await;
        assert_eq!(
            unplanned.status,
            StatusCode::CONFLICT,
            "{b}: not in the plan"
        );
        assert_eq!(field_names(&unplanned), ["type"], "{b}: {}", unplanned.body);
        let both = api(
            "POST",
            delivered_path.clone(),
            Some(json!({"type": "health", "delivered_on": "2026-11-28", "provider_org": "ANITP-CJ", "provider_other": "Spitalul Județean"})),
        )
        .await;
        assert_eq!(
            both.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: one provider"
        );
        let future = api(
            "POST",
            delivered_path.clone(),
            Some(json!({"type": "health", "delivered_on": "2026-11-29", "provider_other": "Spitalul Județean"})),
        )
        .await;
        assert_eq!(
            future.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: tomorrow"
        );
        let delivered = api(
            "POST",
            delivered_path.clone(),
            Some(json!({"type": "health", "delivered_on": "2026-11-28", "provider_other": "Spitalul Județean", "outcome": "Tratament început"})),
        )
        .await;
        assert_eq!(
            delivered.status,
            StatusCode::CREATED,
            "{b}: {}",
            delivered.body
        );

        let read = api("GET", plan_path.clone(), None).await;
        assert_eq!(read.status, StatusCode::OK, "{b}");
        let body = read.json();
        assert_eq!(
            body["versions"][0]["acknowledgements"][0]["way"], "signed_on_paper",
            "{b}"
        );
        assert_eq!(
            body["versions"][0]["acknowledgements"][0]["recorded_by"], "cw",
            "{b}"
        );
        assert_eq!(body["deliveries"][0]["outcome"], "Tratament început", "{b}");
        assert!(
            read.body.contains(ADDRESS),
            "{b}: the case worker reads the address"
        );

        // A supervisor keeps the plan but does not read the address; a new version keeps it.
        let sup_token = app.token(&supervisor).await;
        let sup_read = app.api("GET", &plan_path, Some(&sup_token), None).await;
        assert_eq!(sup_read.status, StatusCode::OK, "{b}");
        assert!(!sup_read.body.contains(ADDRESS), "{b}: {}", sup_read.body);
        let mut keep = good.clone();
        keep["measures"][0]["shelter_address"] = json!("");
        let sup_version = app
            .api("POST", &plan_path, Some(&sup_token), Some(keep))
            .await;
        assert_eq!(
            sup_version.status,
            StatusCode::CREATED,
            "{b}: {}",
            sup_version.body
        );
        assert!(!sup_version.body.contains(ADDRESS), "{b}");
        let versions = app.store.plans_of(&case).await.unwrap();
        assert_eq!(
            versions[1].measures[0].shelter_address, ADDRESS,
            "{b}: kept"
        );
        // So does a case worker's version that leaves the address empty.
        let mut again = good.clone();
        again["measures"][0]["shelter_address"] = json!("");
        let cw_version = api("POST", plan_path.clone(), Some(again)).await;
        assert_eq!(cw_version.status, StatusCode::CREATED, "{b}");
        assert_eq!(
            cw_version.json()["measures"][0]["shelter_address"],
            ADDRESS,
            "{b}"
        );

        // The firewall: no support record for an investigating body or the coordinator.
        for user in [&police, &coordinator] {
            let t = app.token(user).await;
            let r = app.api("GET", &plan_path, Some(&t), None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {}", user.login);
            let w = app
                .api("POST", &plan_path, Some(&t), Some(good.clone()))
                .await;
            assert_eq!(w.status, StatusCode::FORBIDDEN, "{b} {}", user.login);
            let d = app
                .api("POST", &delivered_path, Some(&t), Some(json!({"type": "health", "delivered_on": "2026-11-28", "provider_other": "x"})))
                .await;
            assert_eq!(d.status, StatusCode::FORBIDDEN, "{b} {}", user.login);
        }
        assert_eq!(app.store.plans_of(&case).await.unwrap().len(), 3, "{b}");
    }
}

#[tokio::test]
async fn the_plan_page_drafts_from_the_assessment_and_keeps_what_was_typed() {
    for app in backends().await {
        let b = app.backend;
        let cw_user = app.user("cw", "ANITP-CJ", "case_worker").await;
        app.user("sup", "ANITP-CJ", "supervisor").await;
        app.user("police", "IGPR", "investigator").await;
        let token = app.token(&cw_user).await;
        let cw = app.login("cw").await;
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Paginescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let before = app.get(&format!("/cases/{case}/plan"), Some(&cw)).await;
        assert_eq!(before.status, StatusCode::OK, "{b}");
        assert!(
            before.body.contains("id=\"plan-notice\""),
            "{b}: no assessment yet"
        );
        assert!(!before.body.contains("id=\"draft-title\""), "{b}");

        // Safety of the person high and legal situation medium: the draft starts with a
        // confidential shelter, police protection and legal help ticked.
        let mut domains = adult_domains(1, 1);
        domains.insert(
            "personal_safety".into(),
            json!({"severity": 3, "likelihood": 3}),
        );
        domains.insert(
            "legal_situation".into(),
            json!({"severity": 2, "likelihood": 2}),
        );
        let full = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/risk-assessments"),
                Some(&token),
                Some(json!({"kind": "full", "domains": domains})),
            )
            .await;
        assert_eq!(full.status, StatusCode::CREATED, "{b}");
        let page = app.get(&format!("/cases/{case}/plan"), Some(&cw)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        for (field, ticked) in [
            ("measures.confidential_shelter.include", true),
            ("measures.police_protection.include", true),
            ("measures.escort.include", false),
            ("services.legal.include", true),
            ("services.health.include", false),
        ] {
            let tag = format!("name=\"{field}\" value=\"yes\" checked");
            assert_eq!(page.body.contains(&tag), ticked, "{b} {field}");
        }
        // Review from the assessment's clock: 30 days after a high level.
        assert!(page.body.contains("value=\"2026-12-28\""), "{b}");

        let refused = app
            .post_form(
                &format!("/cases/{case}/plan"),
                &cw,
                &[
                    ("review_on", "2026-12-28"),
                    ("measures.confidential_shelter.include", "yes"),
                    (
                        "measures.confidential_shelter.responsible",
                        "Adăpostul Speranța",
                    ),
                    ("measures.confidential_shelter.shelter_address", ADDRESS),
                    ("services.legal.include", "yes"),
                    ("services.legal.objectives", ""),
                    ("services.legal.planned_end_on", "2027-02-01"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            refused.body.contains("Indicați ziua."),
            "{b}: the missing due date, in Romanian"
        );
        assert!(
            refused
                .body
                .contains("href=\"#measures.confidential_shelter.due_on\""),
            "{b}: the summary links to the field"
        );
        assert!(
            refused.body.contains("Indicați obiectivele serviciului."),
            "{b}"
        );
        assert!(
            refused.body.contains(ADDRESS),
            "{b}: what was typed comes back"
        );
        assert!(app.store.plans_of(&case).await.unwrap().is_empty(), "{b}");

        let saved = app
            .post_form(
                &format!("/cases/{case}/plan"),
                &cw,
                &[
                    ("review_on", "2026-12-28"),
                    ("measures.confidential_shelter.include", "yes"),
                    (
                        "measures.confidential_shelter.responsible",
                        "Adăpostul Speranța",
                    ),
                    ("measures.confidential_shelter.due_on", "2026-11-29"),
                    ("measures.confidential_shelter.shelter_address", ADDRESS),
                    ("measures.escort.responsible", "typed but not ticked"),
                    ("services.legal.include", "yes"),
                    ("services.legal.objectives", "Avocat din oficiu"),
                    ("services.legal.planned_end_on", "2027-02-01"),
                    ("services.legal.status", "planned"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{b}: {}", saved.body);
        assert_eq!(saved.location(), format!("/cases/{case}/plan#version-1"));
        let plans = app.store.plans_of(&case).await.unwrap();
        assert_eq!(plans[0].measures.len(), 1, "{b}: only the ticked lines");
        let page = app.get(&format!("/cases/{case}/plan"), Some(&cw)).await;
        assert!(page.body.contains(ADDRESS), "{b}");
        assert!(page.body.contains("Avocat din oficiu"), "{b}");
        assert!(
            page.body.contains(&format!(
                "href=\"/cases/{case}?service=legal#referral-form\""
            )),
            "{b}: the plan opens the referral form for its service"
        );
        let case_page = app
            .get(&format!("/cases/{case}?service=legal"), Some(&cw))
            .await;
        assert!(
            case_page.body.contains("<option value=\"legal\" selected>"),
            "{b}"
        );
        let wrong_query = app
            .get(&format!("/cases/{case}?servce=legal"), Some(&cw))
            .await;
        assert_eq!(wrong_query.status, StatusCode::BAD_REQUEST, "{b}");

        let ack = app
            .post_form(
                &format!("/cases/{case}/plan/acknowledgements"),
                &cw,
                &[
                    ("plan_id", plans[0].id.as_str()),
                    ("party", "person"),
                    ("way", "verbal_with_witness"),
                    ("on", "2026-11-28"),
                    ("witness", ""),
                ],
            )
            .await;
        assert_eq!(ack.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            ack.body.contains("Numiți martorul confirmării verbale."),
            "{b}"
        );
        let ack = app
            .post_form(
                &format!("/cases/{case}/plan/acknowledgements"),
                &cw,
                &[
                    ("plan_id", plans[0].id.as_str()),
                    ("party", "person"),
                    ("way", "verbal_with_witness"),
                    ("on", "2026-11-28"),
                    ("witness", "Ioana Martor"),
                ],
            )
            .await;
        assert_eq!(ack.status, StatusCode::SEE_OTHER, "{b}");
        let delivered = app
            .post_form(
                &format!("/cases/{case}/plan/deliveries"),
                &cw,
                &[
                    ("type", "legal"),
                    ("delivered_on", "2026-11-28"),
                    ("provider_org", ""),
                    ("provider_other", "Baroul Cluj"),
                    ("outcome", "Prima consultație"),
                ],
            )
            .await;
        assert_eq!(
            delivered.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            delivered.body
        );
        let page = app
            .get_lang(&format!("/cases/{case}/plan"), Some(&cw), Some("en"))
            .await;
        assert!(
            page.body
                .contains("Legal: delivered once, the latest on 28/11/2026."),
            "{b}"
        );
        assert!(page.body.contains("witness Ioana Martor"), "{b}");

        // The supervisor sees the plan without the address; the investigator not at all.
        let sup = app.login("sup").await;
        let sup_page = app.get(&format!("/cases/{case}/plan"), Some(&sup)).await;
        assert_eq!(sup_page.status, StatusCode::OK, "{b}");
        assert!(!sup_page.body.contains(ADDRESS), "{b}");
        assert!(sup_page.body.contains("id=\"shelter-hidden\""), "{b}");
        let police = app.login("police").await;
        let police_page = app.get(&format!("/cases/{case}/plan"), Some(&police)).await;
        assert_eq!(police_page.status, StatusCode::FORBIDDEN, "{b}");
        assert!(!police_page.body.contains("Avocat din oficiu"), "{b}");
    }
}

#[tokio::test]
async fn a_plan_answers_the_urgent_needs_only_once_it_answers_each() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let token = app.token(&cw).await;
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Nevoiescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let post = |path: String, body: serde_json::Value| {
            let app = &app;
            let token = token.clone();
            async move { app.api("POST", &path, Some(&token), Some(body)).await }
        };
        let first = post(
            format!("/api/v1/cases/{case}/risk-assessments"),
            json!({"kind": "first_contact", "urgent": {
                "urgent_medical_need": {"answer": true},
                "immediate_violence": {"answer": true},
                "re_trafficking_danger": {"answer": false}
            }}),
        )
        .await;
        assert_eq!(first.status, StatusCode::CREATED, "{b}");
        let domains = adult_domains(1, 1);
        let full = post(
            format!("/api/v1/cases/{case}/risk-assessments"),
            json!({"kind": "full", "domains": domains}),
        )
        .await;
        assert_eq!(full.status, StatusCode::CREATED, "{b}");
        let open = || async {
            app.api("GET", "/api/v1/inbox", Some(&token), None)
                .await
                .json()["urgent"]["cases"]
                .as_array()
                .unwrap()
                .len()
        };
        let shelter = json!({"measure": "confidential_shelter", "responsible": "DGASPC", "due_on": "2026-11-30"});
        // A shelter answers the danger of violence, not the medical need: both stay open.
        let only_shelter = post(
            format!("/api/v1/cases/{case}/plan"),
            json!({"review_on": "2027-01-15", "measures": [shelter.clone()]}),
        )
        .await;
        assert_eq!(only_shelter.status, StatusCode::CREATED, "{b}");
        assert_eq!(
            open().await,
            1,
            "{b}: the medical need is not answered by a shelter"
        );
        let with_health = post(
            format!("/api/v1/cases/{case}/plan"),
            json!({"review_on": "2027-01-15", "measures": [shelter],
                   "services": [{"type": "health", "objectives": "Consult", "planned_end_on": "2027-01-10"}]}),
        )
        .await;
        assert_eq!(with_health.status, StatusCode::CREATED, "{b}");
        assert_eq!(open().await, 0, "{b}: each need answered");
        let versions = app.store.assessments_of(&case).await.unwrap();
        let plan_id = with_health.json()["id"].as_str().unwrap().to_string();
        assert_eq!(
            versions[0].urgent_answered_by.as_deref(),
            Some(format!("plan:{plan_id}").as_str()),
            "{b}"
        );
        // Days far from today are refused, naming the field.
        let far = post(
            format!("/api/v1/cases/{case}/plan"),
            json!({"review_on": "2027-01-15", "measures": [{"measure": "escort", "responsible": "IPJ", "due_on": "0001-01-01"}]}),
        )
        .await;
        assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            far.body.contains("measures.escort.due_on"),
            "{b}: {}",
            far.body
        );
    }
}

#[tokio::test]
async fn the_plan_prints_as_a_pdf_in_the_persons_language_with_only_what_the_reader_may_see() {
    for app in backends().await {
        let b = app.backend;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let token = app.token(&cw).await;
        app.user("sup", "ANITP-CJ", "supervisor").await;
        app.user("inv", "IGPR", "investigator").await;
        let (case, reference) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Tipărescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let full = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/risk-assessments"),
                Some(&token),
                Some(json!({"kind": "full", "domains": adult_domains(3, 2)})),
            )
            .await;
        assert_eq!(full.status, StatusCode::CREATED, "{b}: {}", full.body);
        let plan = app
            .api(
                "POST",
                &format!("/api/v1/cases/{case}/plan"),
                Some(&token),
                Some(json!({"review_on": "2027-01-15",
                    "measures": [{"measure": "confidential_shelter", "responsible": "Adăpostul Speranța",
                                  "due_on": "2026-11-30", "shelter_address": ADDRESS}],
                    "services": [{"type": "health", "objectives": "Consiliere psihologică săptămânală, în țară",
                                  "planned_end_on": "2027-01-10"}]})),
            )
            .await;
        assert_eq!(plan.status, StatusCode::CREATED, "{b}: {}", plan.body);

        // The case worker's, in Romanian: the letters with comma below read back as typed.
        let session = app.login("cw").await;
        let ro = app
            .get(&format!("/cases/{case}/plan/print?lang=ro"), Some(&session))
            .await;
        assert_eq!(ro.status, StatusCode::OK, "{b}: {}", ro.body);
        assert_eq!(ro.headers["content-type"], "application/pdf");
        assert_eq!(ro.headers["cache-control"], "no-store");
        assert!(ro.bytes.starts_with(b"%PDF-"));
        let text = pdf_text(&ro.bytes);
        for expected in [
            "Planul de siguranță și sprijin",
            reference.as_str(),
            "Maria Tipărescu",
            "Consiliere psihologică săptămânală, în țară",
            ADDRESS,
            "Semnătura persoanei și data",
            "Semnătura evaluatorului (cw) și data",
            "pagina 1 din 1",
        ] {
            assert!(text.contains(expected), "{b}: {expected:?} in {text}");
        }
        // The same version in the person's English, whatever the reader's language.
        let en = app
            .get(&format!("/cases/{case}/plan/print?lang=en"), Some(&session))
            .await;
        let text = pdf_text(&en.bytes);
        assert!(text.contains("Safety and support plan"), "{b}: {text}");
        assert!(text.contains("Signature of the person"), "{b}: {text}");

        // A supervisor's copy has no address; an investigator gets none at all.
        let sup = app.login("sup").await;
        let theirs = app
            .get(&format!("/cases/{case}/plan/print"), Some(&sup))
            .await;
        assert_eq!(theirs.status, StatusCode::OK, "{b}");
        let text = pdf_text(&theirs.bytes);
        assert!(
            !text.contains(ADDRESS),
            "{b}: the address kept from the supervisor"
        );
        assert!(text.contains("Consiliere psihologică"), "{b}");
        let inv = app.login("inv").await;
        let refused = app
            .get(&format!("/cases/{case}/plan/print"), Some(&inv))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}");
        assert!(!refused.bytes.starts_with(b"%PDF-"));

        // The API: a version that does not exist, a language the interface does not speak.
        let api = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/plan/pdf?version=1&lang=en"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(api.status, StatusCode::OK, "{b}: {}", api.body);
        assert!(pdf_text(&api.bytes).contains(ADDRESS), "{b}");
        let missing = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/plan/pdf?version=9"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{b}");
        let klingon = app
            .api(
                "GET",
                &format!("/api/v1/cases/{case}/plan/pdf?lang=tlh"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(klingon.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let page_lang = app
            .get(
                &format!("/cases/{case}/plan/print?lang=tlh"),
                Some(&session),
            )
            .await;
        assert_eq!(page_lang.status, StatusCode::BAD_REQUEST, "{b}");
        // Every print is a read of the plan, in the audit log.
        let audit = app.store.recent_audit(100).await.unwrap();
        assert!(
            audit
                .iter()
                .filter(|e| e.action == "case.read.plan")
                .count()
                >= 4,
            "{b}: each print audited"
        );
    }
}
