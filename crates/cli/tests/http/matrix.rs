//! Every route × every role × own or foreign organisation. The expectations are written out
//! here from mnir.md §2 and the issue, independently of `mnir_domain::can`.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState, Role};

const OWN: &str = "ANITP-CJ";
const FOREIGN: &str = "ANITP-B";

/// Whether a user of this role sees a case routed to their organisation (`own`) or to another.
fn sees(role: Role, own: bool) -> bool {
    match role {
        Role::Coordinator => true,
        Role::CaseWorker | Role::Supervisor | Role::IdentificationOfficer | Role::Investigator => {
            own
        }
        Role::Screener | Role::Trainer | Role::Admin => false,
    }
}

fn lists(role: Role) -> bool {
    !matches!(role, Role::Trainer | Role::Admin)
}

fn names_in_lists(role: Role, own: bool) -> bool {
    own && matches!(
        role,
        Role::CaseWorker | Role::Supervisor | Role::IdentificationOfficer
    )
}

fn notifies(role: Role) -> bool {
    matches!(
        role,
        Role::Screener
            | Role::CaseWorker
            | Role::Supervisor
            | Role::IdentificationOfficer
            | Role::Investigator
    )
}

/// The support compartment (risk assessments, urgent needs) is for the case workers and
/// supervisors of the organisations the case was routed to (the firewall of mnir.md §9).
fn supports(role: Role, own: bool) -> bool {
    own && matches!(role, Role::CaseWorker | Role::Supervisor)
}

/// The shelter's confidential address: for the case workers of the case's organisations alone,
/// not their supervisors.
fn sees_shelter(role: Role, own: bool) -> bool {
    own && role == Role::CaseWorker
}

const SHELTER_ADDRESS: &str = "Aleea-Adapostului-nr-3";

/// A note that only the support compartment may ever show.
const SUPPORT_NOTE: &str = "Nota-compartimentului-de-asistenta";

/// The criminal-justice track and the investigative summary: the case's organisations' case
/// workers, supervisors, identification officers and investigators.
fn reads_justice(role: Role, own: bool) -> bool {
    own && matches!(
        role,
        Role::CaseWorker | Role::Supervisor | Role::IdentificationOfficer | Role::Investigator
    )
}

/// Proceedings, hearings and non-punishment flags are recorded by the case's organisations' case
/// workers, supervisors and investigators.
fn keeps_justice(role: Role, own: bool) -> bool {
    own && matches!(
        role,
        Role::CaseWorker | Role::Supervisor | Role::Investigator
    )
}

/// A case's disclosure register: the support compartment's holders and ANITP's coordinators
/// (both organisations of the matrix are ANITP's).
fn reads_disclosures(role: Role, own: bool) -> bool {
    supports(role, own) || role == Role::Coordinator
}

/// The register across cases: supervisors and ANITP's coordinators (an investigator here works
/// for ANITP, not an investigating body).
fn lists_disclosures(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Coordinator)
}

/// The national statistics: exact counts for ANITP's coordinators, the published view for
/// supervisors too (mnir.md §11).
fn reads_statistics(role: Role, published: bool) -> bool {
    role == Role::Coordinator || published && role == Role::Supervisor
}

/// notified → potential_victim is work for the case workers and supervisors it was routed to.
fn moves_to_potential(role: Role, own: bool) -> bool {
    own && matches!(role, Role::CaseWorker | Role::Supervisor)
}

#[tokio::test]
async fn every_route_for_every_role_in_own_and_foreign_organisations() {
    for app in backends().await {
        let b = app.backend;
        let mut signed_in = Vec::new();
        let seeder = app.user("risk.seeder", OWN, "case_worker").await;
        let seeder_token = app.token(&seeder).await;
        // One presumed victim's plan for every role: the support compartment, and its shelter's
        // address for the case workers alone. One case, so the lists' first pages keep the cases
        // each role's checks look for.
        let (planned, _) = app
            .seed_case_as(
                "RO-BN",
                "IGPR",
                AgeGroup::Adult,
                "Planificatescu",
                "RO",
                CaseState::PresumedVictim,
            )
            .await;
        let domains = adult_domains(2, 1);
        let full = app
            .api(
                "POST",
                &format!("/api/v1/cases/{planned}/risk-assessments"),
                Some(&seeder_token),
                Some(serde_json::json!({"kind": "full", "domains": domains})),
            )
            .await;
        assert_eq!(full.status, StatusCode::CREATED, "{b}: seeding");
        let plan_body = serde_json::json!({
            "review_on": "2027-01-15",
            "measures": [{"measure": "confidential_shelter", "responsible": "Adăpost",
                          "due_on": "2026-11-30", "shelter_address": SHELTER_ADDRESS}],
            "services": [{"type": "health", "objectives": SUPPORT_NOTE, "planned_end_on": "2027-01-10"}]
        });
        let seeded = app
            .api(
                "POST",
                &format!("/api/v1/cases/{planned}/plan"),
                Some(&seeder_token),
                Some(plan_body.clone()),
            )
            .await;
        assert_eq!(seeded.status, StatusCode::CREATED, "{b}: seeding the plan");
        // A return under way on the same case: the support compartment's too.
        let procedure = app
            .api(
                "POST",
                &format!("/api/v1/cases/{planned}/repatriation"),
                Some(&seeder_token),
                Some(serde_json::json!({"direction": "to_romania", "partner_org": "DGASPC-CJ", "country": "IT"})),
            )
            .await;
        assert_eq!(
            procedure.status,
            StatusCode::CREATED,
            "{b}: seeding the return: {}",
            procedure.body
        );
        let procedure = procedure.json()["id"].as_str().unwrap().to_string();
        for role in Role::ALL {
            for (org, own) in [(OWN, true), (FOREIGN, false)] {
                let who = format!("{b} {role} of {}", if own { "own" } else { "foreign" });
                let user = app
                    .user(&format!("{role}.{org}").to_lowercase(), org, role.as_str())
                    .await;
                let session = app.login(&user.login).await;
                let token = app.token(&user).await;
                let family = format!("Matrixescu{}", role.as_str().len());
                let (id, reference) = app
                    .seed_case("RO-BN", "IGPR", AgeGroup::Adult, &family)
                    .await;

                // Each case carries an urgent need found at first contact, with a note.
                let first_contact = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{id}/risk-assessments"),
                        Some(&seeder_token),
                        Some(serde_json::json!({"kind": "first_contact", "urgent": {
                            "urgent_medical_need": {"answer": true, "note": SUPPORT_NOTE},
                            "immediate_violence": {"answer": false},
                            "re_trafficking_danger": {"answer": false}
                        }})),
                    )
                    .await;
                assert_eq!(first_contact.status, StatusCode::CREATED, "{who}: seeding");

                let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
                let expected = if sees(role, own) {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(page.status, expected, "{who}: GET /cases/{{id}}");
                if page.status == StatusCode::OK {
                    assert!(page.body.contains(&reference), "{who}");
                    assert_eq!(
                        page.body.contains(&family),
                        names_in_lists(role, own),
                        "{who}: name on case page"
                    );
                }
                if page.status == StatusCode::OK {
                    assert_eq!(
                        page.body.contains("id=\"urgent-banner\""),
                        supports(role, own),
                        "{who}: urgent banner on the case page"
                    );
                    assert_eq!(
                        page.body.contains("id=\"risk-title\""),
                        supports(role, own),
                        "{who}: risk panel on the case page"
                    );
                }
                let api = app
                    .api("GET", &format!("/api/v1/cases/{id}"), Some(&token), None)
                    .await;
                assert_eq!(api.status, expected, "{who}: GET /api/v1/cases/{{id}}");
                assert!(!api.body.contains(SUPPORT_NOTE), "{who}: case document");

                let support_expected = |ok: StatusCode| {
                    if supports(role, own) {
                        ok
                    } else if sees(role, own) {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::NOT_FOUND
                    }
                };
                let risk_page = app.get(&format!("/cases/{id}/risk"), Some(&session)).await;
                assert_eq!(
                    risk_page.status,
                    support_expected(StatusCode::OK),
                    "{who}: GET /cases/{{id}}/risk"
                );
                assert_eq!(
                    risk_page.body.contains(SUPPORT_NOTE),
                    supports(role, own),
                    "{who}: the note on the risk page"
                );
                // The return: read and kept by the compartment's holders, its travel approved by
                // their supervisors alone.
                let on_planned = |ok: StatusCode| {
                    if supports(role, own) {
                        ok
                    } else if sees(role, own) {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::NOT_FOUND
                    }
                };
                for (method, path, body, ok) in [
                    (
                        "POST",
                        format!("/api/v1/repatriations/{procedure}/steps/request"),
                        Some(serde_json::json!({"state": "in_progress", "note": SUPPORT_NOTE})),
                        StatusCode::OK,
                    ),
                    (
                        "GET",
                        format!("/api/v1/cases/{planned}/repatriation"),
                        None,
                        StatusCode::OK,
                    ),
                    (
                        "GET",
                        format!("/api/v1/repatriations/{procedure}"),
                        None,
                        StatusCode::OK,
                    ),
                ] {
                    let r = app.api(method, &path, Some(&token), body).await;
                    assert_eq!(r.status, on_planned(ok), "{who}: {method} {path}");
                    // The step's note is the compartment's: nobody else reads it, nor learns it
                    // from an error.
                    if supports(role, own) {
                        assert!(r.body.contains(SUPPORT_NOTE), "{who}: {method} {path}");
                    } else {
                        assert!(!r.body.contains(SUPPORT_NOTE), "{who}: {method} {path}");
                    }
                }
                // No check-in is due before the reception: past the authorisation, not found.
                let checkin = app
                    .api(
                        "POST",
                        &format!("/api/v1/repatriations/{procedure}/checkins/1"),
                        Some(&token),
                        Some(serde_json::json!({"date": "2026-11-28", "contact_made": true})),
                    )
                    .await;
                assert_eq!(
                    checkin.status,
                    on_planned(StatusCode::NOT_FOUND),
                    "{who}: POST /api/v1/repatriations/{{id}}/checkins/1"
                );
                // Its pages and its return file, the same way.
                for path in [
                    format!("/repatriations/{procedure}"),
                    format!("/repatriations/{procedure}/steps/request"),
                    format!("/repatriations/{procedure}/return-file?lang=ro"),
                ] {
                    let r = app.get(&path, Some(&session)).await;
                    assert_eq!(r.status, on_planned(StatusCode::OK), "{who}: GET {path}");
                }
                let approval = app
                    .api(
                        "POST",
                        &format!("/api/v1/repatriations/{procedure}/approval"),
                        Some(&token),
                        None,
                    )
                    .await;
                // A supervisor of the case passes the authorisation and meets the rule: the
                // return was not assessed at high risk, so there is nothing to approve.
                let approves = own && role == Role::Supervisor;
                assert_eq!(
                    approval.status,
                    if approves {
                        StatusCode::CONFLICT
                    } else {
                        on_planned(StatusCode::FORBIDDEN)
                    },
                    "{who}: POST /api/v1/repatriations/{{id}}/approval"
                );
                if approves {
                    assert_eq!(
                        approval.json()["error"]["code"],
                        "approval_not_needed",
                        "{who}"
                    );
                }
                let risk_api = app
                    .api(
                        "GET",
                        &format!("/api/v1/cases/{id}/risk-assessments"),
                        Some(&token),
                        None,
                    )
                    .await;
                assert_eq!(
                    risk_api.status,
                    support_expected(StatusCode::OK),
                    "{who}: GET /api/v1/cases/{{id}}/risk-assessments"
                );
                assert_eq!(
                    risk_api.body.contains(SUPPORT_NOTE),
                    supports(role, own),
                    "{who}: the note in the API"
                );
                let urgent_again = serde_json::json!({"kind": "first_contact", "urgent": {
                    "urgent_medical_need": {"answer": true, "note": SUPPORT_NOTE},
                    "immediate_violence": {"answer": false},
                    "re_trafficking_danger": {"answer": false}
                }});
                let risk_post = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{id}/risk-assessments"),
                        Some(&token),
                        Some(urgent_again),
                    )
                    .await;
                assert_eq!(
                    risk_post.status,
                    support_expected(StatusCode::CREATED),
                    "{who}: POST /api/v1/cases/{{id}}/risk-assessments"
                );
                let risk_form = app
                    .post_form(
                        &format!("/cases/{id}/risk"),
                        &session,
                        &[
                            ("kind", "first_contact"),
                            ("urgent.urgent_medical_need", "yes"),
                            ("urgent.immediate_violence", "no"),
                            ("urgent.re_trafficking_danger", "no"),
                        ],
                    )
                    .await;
                assert_eq!(
                    risk_form.status,
                    support_expected(StatusCode::SEE_OTHER),
                    "{who}: POST /cases/{{id}}/risk"
                );

                let plan_page = app
                    .get(&format!("/cases/{planned}/plan"), Some(&session))
                    .await;
                assert_eq!(
                    plan_page.status,
                    support_expected(StatusCode::OK),
                    "{who}: GET /cases/{{id}}/plan"
                );
                assert_eq!(
                    plan_page.body.contains(SUPPORT_NOTE),
                    supports(role, own),
                    "{who}: the plan's text on its page"
                );
                assert_eq!(
                    plan_page.body.contains(SHELTER_ADDRESS),
                    sees_shelter(role, own),
                    "{who}: the shelter's address on the plan page"
                );
                let printed = app
                    .get(&format!("/cases/{planned}/plan/print"), Some(&session))
                    .await;
                assert_eq!(
                    printed.status,
                    support_expected(StatusCode::OK),
                    "{who}: GET /cases/{{id}}/plan/print"
                );
                if printed.status == StatusCode::OK {
                    let text = pdf_text(&printed.bytes);
                    assert!(
                        text.contains(SUPPORT_NOTE),
                        "{who}: the plan's text printed"
                    );
                    assert_eq!(
                        text.contains(SHELTER_ADDRESS),
                        sees_shelter(role, own),
                        "{who}: the shelter's address in the PDF"
                    );
                }
                let plan_api = app
                    .api(
                        "GET",
                        &format!("/api/v1/cases/{planned}/plan"),
                        Some(&token),
                        None,
                    )
                    .await;
                assert_eq!(
                    plan_api.status,
                    support_expected(StatusCode::OK),
                    "{who}: GET /api/v1/cases/{{id}}/plan"
                );
                assert_eq!(
                    plan_api.body.contains(SHELTER_ADDRESS),
                    sees_shelter(role, own),
                    "{who}: the shelter's address in the API"
                );
                let plan_post = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{planned}/plan"),
                        Some(&token),
                        Some(plan_body.clone()),
                    )
                    .await;
                assert_eq!(
                    plan_post.status,
                    support_expected(StatusCode::CREATED),
                    "{who}: POST /api/v1/cases/{{id}}/plan"
                );
                assert_eq!(
                    plan_post.body.contains(SHELTER_ADDRESS),
                    sees_shelter(role, own),
                    "{who}: the address in the answer to a new version"
                );
                // Acknowledged on the version this role just made, or the seeded one.
                let plan_id = if plan_post.status == StatusCode::CREATED {
                    plan_post.json()["id"].as_str().unwrap().to_string()
                } else {
                    seeded.json()["id"].as_str().unwrap().to_string()
                };
                let ack = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{planned}/plan/{plan_id}/acknowledgements"),
                        Some(&token),
                        Some(serde_json::json!({"party": "person", "way": "signed_on_paper", "on": "2026-11-28"})),
                    )
                    .await;
                assert_eq!(
                    ack.status,
                    support_expected(StatusCode::CREATED),
                    "{who}: POST /api/v1/cases/{{id}}/plan/{{plan_id}}/acknowledgements"
                );
                let ack_form = app
                    .post_form(
                        &format!("/cases/{planned}/plan/acknowledgements"),
                        &session,
                        &[
                            ("plan_id", plan_id.as_str()),
                            ("party", "assessor"),
                            ("way", "signed_on_paper"),
                            ("on", "2026-11-28"),
                        ],
                    )
                    .await;
                assert_eq!(
                    ack_form.status,
                    support_expected(StatusCode::SEE_OTHER),
                    "{who}: POST /cases/{{id}}/plan/acknowledgements"
                );
                let delivered = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{planned}/services-delivered"),
                        Some(&token),
                        Some(serde_json::json!({"type": "health", "delivered_on": "2026-11-28", "provider_other": "Spitalul Județean"})),
                    )
                    .await;
                assert_eq!(
                    delivered.status,
                    support_expected(StatusCode::CREATED),
                    "{who}: POST /api/v1/cases/{{id}}/services-delivered"
                );
                let delivery = app
                    .post_form(
                        &format!("/cases/{planned}/plan/deliveries"),
                        &session,
                        &[
                            ("type", "health"),
                            ("delivered_on", "2026-11-28"),
                            ("provider_other", "Spitalul Județean"),
                        ],
                    )
                    .await;
                assert_eq!(
                    delivery.status,
                    support_expected(StatusCode::SEE_OTHER),
                    "{who}: POST /cases/{{id}}/plan/deliveries"
                );
                // The justice track: read and kept by the case's organisations, the support
                // compartment's holders excepted from nothing and given nothing more.
                let by_case = |allowed: bool, ok: StatusCode| {
                    if allowed {
                        ok
                    } else if sees(role, own) {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::NOT_FOUND
                    }
                };
                let justice_page = app
                    .get(&format!("/cases/{planned}/justice"), Some(&session))
                    .await;
                assert_eq!(
                    justice_page.status,
                    by_case(reads_justice(role, own), StatusCode::OK),
                    "{who}: GET /cases/{{id}}/justice"
                );
                assert!(
                    !justice_page.body.contains(SUPPORT_NOTE)
                        && !justice_page.body.contains(SHELTER_ADDRESS),
                    "{who}: no support record on the justice page without a disclosure"
                );
                let justice_api = app
                    .api(
                        "GET",
                        &format!("/api/v1/cases/{planned}/justice"),
                        Some(&token),
                        None,
                    )
                    .await;
                assert_eq!(
                    justice_api.status,
                    by_case(reads_justice(role, own), StatusCode::OK),
                    "{who}: GET /api/v1/cases/{{id}}/justice"
                );
                assert!(
                    !justice_api.body.contains(SUPPORT_NOTE),
                    "{who}: no support record in the summary"
                );
                let proceeding = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{planned}/proceedings"),
                        Some(&token),
                        Some(
                            serde_json::json!({"standing": "witness", "file_number": "123/P/2026",
                            "prosecutor_office": "DIICOT Cluj", "opened_on": "2026-10-01"}),
                        ),
                    )
                    .await;
                assert_eq!(
                    proceeding.status,
                    by_case(keeps_justice(role, own), StatusCode::CREATED),
                    "{who}: POST /api/v1/cases/{{id}}/proceedings"
                );
                let flag = app
                    .post_form(
                        &format!("/cases/{planned}/justice/non-punishment"),
                        &session,
                        &[("offence", "Folosire de documente false")],
                    )
                    .await;
                assert_eq!(
                    flag.status,
                    by_case(keeps_justice(role, own), StatusCode::SEE_OTHER),
                    "{who}: POST /cases/{{id}}/justice/non-punishment"
                );
                let register = app
                    .get(&format!("/cases/{planned}/disclosures"), Some(&session))
                    .await;
                assert_eq!(
                    register.status,
                    by_case(reads_disclosures(role, own), StatusCode::OK),
                    "{who}: GET /cases/{{id}}/disclosures"
                );
                let register_api = app
                    .api(
                        "GET",
                        &format!("/api/v1/cases/{planned}/disclosures"),
                        Some(&token),
                        None,
                    )
                    .await;
                assert_eq!(
                    register_api.status,
                    by_case(reads_disclosures(role, own), StatusCode::OK),
                    "{who}: GET /api/v1/cases/{{id}}/disclosures"
                );
                let disclosed = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{planned}/disclosures"),
                        Some(&token),
                        Some(serde_json::json!({"recipient_org": "DIICOT", "basis": "prosecutor_order",
                            "order_number": "77/II/2026", "order_on": "2026-11-20",
                            "order_office": "DIICOT Cluj", "records": ["risk_assessments"],
                            "until_on": "2027-01-31"})),
                    )
                    .await;
                assert_eq!(
                    disclosed.status,
                    by_case(supports(role, own), StatusCode::CREATED),
                    "{who}: POST /api/v1/cases/{{id}}/disclosures"
                );
                let across = app.get("/disclosures", Some(&session)).await;
                assert_eq!(
                    across.status,
                    if lists_disclosures(role) {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /disclosures"
                );
                let across_api = app
                    .api("GET", "/api/v1/disclosures", Some(&token), None)
                    .await;
                assert_eq!(
                    across_api.status, across.status,
                    "{who}: GET /api/v1/disclosures"
                );

                for (view, published) in [("internal", false), ("published", true)] {
                    let page = app
                        .get(&format!("/statistics?view={view}"), Some(&session))
                        .await;
                    let expected = if reads_statistics(role, published) {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    assert_eq!(page.status, expected, "{who}: GET /statistics ({view})");
                    let csv = app
                        .get(
                            &format!("/statistics/victims-by-sex-age-group/csv?view={view}"),
                            Some(&session),
                        )
                        .await;
                    assert_eq!(csv.status, expected, "{who}: GET /statistics/{{name}}/csv");
                    for path in [
                        format!("/statistics/victims-by-sex-age-group/xlsx?view={view}"),
                        format!("/statistics/workbook?view={view}"),
                    ] {
                        let book = app.get(&path, Some(&session)).await;
                        assert_eq!(book.status, expected, "{who}: GET {path}");
                    }
                    let api_book = app
                        .api(
                            "GET",
                            &format!("/api/v1/statistics/workbook?published={published}"),
                            Some(&token),
                            None,
                        )
                        .await;
                    assert_eq!(
                        api_book.status, expected,
                        "{who}: GET /api/v1/statistics/workbook ({view})"
                    );
                    let api = app
                        .api(
                            "GET",
                            &format!("/api/v1/statistics/tables/victims-by-status-sex?published={published}"),
                            Some(&token),
                            None,
                        )
                        .await;
                    assert_eq!(
                        api.status, expected,
                        "{who}: GET /api/v1/statistics/tables/{{name}} ({view})"
                    );
                }
                let tables = app
                    .api("GET", "/api/v1/statistics/tables", Some(&token), None)
                    .await;
                assert_eq!(
                    tables.status,
                    if reads_statistics(role, true) {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /api/v1/statistics/tables"
                );
                // The annual report holds published figures only.
                let report = app.get("/statistics/report", Some(&session)).await;
                assert_eq!(
                    report.status, tables.status,
                    "{who}: GET /statistics/report"
                );
                let api_report = app
                    .api("GET", "/api/v1/statistics/report", Some(&token), None)
                    .await;
                assert_eq!(
                    api_report.status, tables.status,
                    "{who}: GET /api/v1/statistics/report"
                );

                // Training (mnir.md §12): sessions, curricula, vignettes and the certificates'
                // register are the trainers'; the e-learning and one's own certificates are
                // everyone's who holds a role.
                let trains = if role == Role::Trainer {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                for path in [
                    "/training",
                    "/training/sessions/new",
                    "/training/sessions/import",
                    "/training/curriculum",
                    "/training/vignettes",
                    "/training/certificates",
                ] {
                    let page = app.get(path, Some(&session)).await;
                    assert_eq!(page.status, trains, "{who}: GET {path}");
                }
                for path in [
                    "/api/v1/training/sessions",
                    "/api/v1/training/curricula",
                    "/api/v1/training/certificates",
                ] {
                    let api = app.api("GET", path, Some(&token), None).await;
                    assert_eq!(api.status, trains, "{who}: GET {path}");
                }
                let recorded = app
                    .api(
                        "POST",
                        "/api/v1/training/sessions",
                        Some(&token),
                        Some(
                            serde_json::json!({"held_on": "2026-10-01", "city": "Cluj-Napoca",
                            "county": "RO-CJ", "audience": "national_victims",
                            "trainers": ["Formator"], "modules": ["mechanism"]}),
                        ),
                    )
                    .await;
                assert_eq!(
                    recorded.status,
                    if role == Role::Trainer {
                        StatusCode::CREATED
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: POST /api/v1/training/sessions"
                );
                // The training reports: exact for trainers and coordinators, published for
                // supervisors too.
                for (published, view) in [(false, "internal"), (true, "published")] {
                    let reads = role == Role::Trainer
                        || role == Role::Coordinator
                        || published && role == Role::Supervisor;
                    let expected = if reads {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    let page = app
                        .get(&format!("/training/reports?view={view}"), Some(&session))
                        .await;
                    assert_eq!(
                        page.status, expected,
                        "{who}: GET /training/reports ({view})"
                    );
                    let api = app
                        .api(
                            "GET",
                            &format!("/api/v1/training/reports?published={published}"),
                            Some(&token),
                            None,
                        )
                        .await;
                    assert_eq!(api.status, expected, "{who}: GET /api/v1/training/reports");
                }
                // The tasks about staff certificates ending are the supervisors'; closing one
                // that is not theirs is refused before it is looked for.
                let supervises = role == Role::Supervisor;
                let notices = app
                    .api(
                        "GET",
                        "/api/v1/training/certificate-notices",
                        Some(&token),
                        None,
                    )
                    .await;
                assert_eq!(
                    notices.status,
                    if supervises {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /api/v1/training/certificate-notices"
                );
                let close = app
                    .api(
                        "POST",
                        "/api/v1/training/certificate-notices/no-such-task/done",
                        Some(&token),
                        None,
                    )
                    .await;
                assert_eq!(
                    close.status,
                    if supervises {
                        StatusCode::NOT_FOUND
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: POST /api/v1/training/certificate-notices/{{id}}/done"
                );
                let inbox = app.get("/inbox", Some(&session)).await;
                if inbox.status == StatusCode::OK {
                    assert_eq!(
                        inbox.body.contains("id=\"certificate-notices\""),
                        supervises,
                        "{who}: the certificate tasks in the inbox"
                    );
                }
                for path in ["/elearning", "/elearning/vignettes/V01"] {
                    let page = app.get(path, Some(&session)).await;
                    assert_eq!(page.status, StatusCode::OK, "{who}: GET {path}");
                }
                for path in ["/api/v1/elearning/vignettes", "/api/v1/certificates"] {
                    let api = app.api("GET", path, Some(&token), None).await;
                    assert_eq!(api.status, StatusCode::OK, "{who}: GET {path}");
                }

                let case_page = app.get(&format!("/cases/{planned}"), Some(&session)).await;
                assert!(
                    !case_page.body.contains(SHELTER_ADDRESS)
                        && !case_page.body.contains(SUPPORT_NOTE),
                    "{who}: the case page shows no plan text"
                );

                let list = app.get("/cases", Some(&session)).await;
                assert_eq!(
                    list.status,
                    if lists(role) {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /cases"
                );
                if list.status == StatusCode::OK {
                    assert_eq!(
                        list.body.contains(&reference),
                        sees(role, own),
                        "{who}: case in list page"
                    );
                    assert_eq!(
                        list.body.contains(&family),
                        names_in_lists(role, own),
                        "{who}: name in list page"
                    );
                }
                let api_list = app
                    .api("GET", "/api/v1/cases?per_page=200", Some(&token), None)
                    .await;
                assert_eq!(
                    api_list.status,
                    if lists(role) {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /api/v1/cases"
                );
                if api_list.status == StatusCode::OK {
                    let json = api_list.json();
                    let refs: Vec<&str> = json["cases"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| c["reference"].as_str().unwrap())
                        .collect();
                    assert_eq!(
                        refs.contains(&reference.as_str()),
                        sees(role, own),
                        "{who}: case in API list"
                    );
                    if !sees(role, own) {
                        assert!(!refs.contains(&reference.as_str()));
                    }
                    if !own && role != Role::Coordinator {
                        assert_eq!(
                            json["total"], 0,
                            "{who}: a foreign organisation counts none of these cases"
                        );
                    }
                    assert_eq!(
                        api_list.body.contains(&family),
                        names_in_lists(role, own),
                        "{who}: name in API list"
                    );
                }

                let dashboard = app.get("/dashboard", Some(&session)).await;
                assert_eq!(dashboard.status, StatusCode::OK, "{who}: dashboard");

                let moved = app
                    .post_form(
                        &format!("/cases/{id}/transitions"),
                        &session,
                        &[
                            ("to", "potential_victim"),
                            ("reason", "Needs met"),
                            ("from", "notified"),
                        ],
                    )
                    .await;
                let expected = if moves_to_potential(role, own) {
                    StatusCode::SEE_OTHER
                } else if sees(role, own) {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(
                    moved.status, expected,
                    "{who}: POST /cases/{{id}}/transitions"
                );
                let now = app.state_of(&id).await;
                assert_eq!(
                    now == CaseState::PotentialVictim,
                    moves_to_potential(role, own),
                    "{who}: state after the form"
                );

                let (id2, _) = app
                    .seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Altul")
                    .await;
                let api_move = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{id2}/transitions"),
                        Some(&token),
                        Some(serde_json::json!({"to": "potential_victim", "reason": "Needs met"})),
                    )
                    .await;
                let expected = if moves_to_potential(role, own) {
                    StatusCode::OK
                } else if sees(role, own) {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(
                    api_move.status, expected,
                    "{who}: POST /api/v1/cases/{{id}}/transitions"
                );
                assert_eq!(
                    app.state_of(&id2).await == CaseState::PotentialVictim,
                    moves_to_potential(role, own),
                    "{who}: state after the API"
                );

                for admin_page in ["/admin/users", "/admin/organisations", "/admin/audit"] {
                    let r = app.get(admin_page, Some(&session)).await;
                    assert_eq!(
                        r.status,
                        if role == Role::Admin {
                            StatusCode::OK
                        } else {
                            StatusCode::FORBIDDEN
                        },
                        "{who}: GET {admin_page}"
                    );
                }
                // Enabling an already active organisation changes nothing, so the matrix can
                // try it with every role; a foreign one, since one's own has no button.
                let org_switch = app
                    .post_form(
                        "/admin/organisations/DGASPC-CJ/active",
                        &session,
                        &[("active", "yes")],
                    )
                    .await;
                assert_eq!(
                    org_switch.status,
                    if role == Role::Admin {
                        StatusCode::SEE_OTHER
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: POST /admin/organisations/{{code}}/active"
                );
                // A reset of someone's second factor is the administrator's alone (an unknown
                // account, so the matrix ends nobody's sessions).
                let reset = app
                    .post_form("/admin/users/no-such-user/two-factor/reset", &session, &[])
                    .await;
                assert_eq!(
                    reset.status,
                    if role == Role::Admin {
                        StatusCode::NOT_FOUND
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: POST /admin/users/{{id}}/two-factor/reset"
                );
                let enrol = app.get("/account/two-factor", Some(&session)).await;
                assert_eq!(
                    enrol.status,
                    StatusCode::OK,
                    "{who}: GET /account/two-factor (every account may enrol)"
                );
                let no_token = app
                    .post_form("/account/tokens/000000000000/revoke", &session, &[])
                    .await;
                assert_eq!(
                    no_token.status,
                    StatusCode::NOT_FOUND,
                    "{who}: POST /account/tokens/{{id}}/revoke of a token not theirs"
                );
                let consent = app
                    .get(&format!("/cases/{id}/consent"), Some(&session))
                    .await;
                let expected = if names_in_lists(role, own) {
                    StatusCode::OK
                } else if sees(role, own) {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(consent.status, expected, "{who}: GET /cases/{{id}}/consent");
                // The victim profile: read and recorded by the case's staff who see identities;
                // this case is only notified, so one who may record it is told it is too early.
                let profile = app
                    .get(&format!("/cases/{id}/victim-profile"), Some(&session))
                    .await;
                assert_eq!(
                    profile.status, expected,
                    "{who}: GET /cases/{{id}}/victim-profile"
                );
                let api_profile = app
                    .api(
                        "GET",
                        &format!("/api/v1/cases/{id}/victim-profile"),
                        Some(&token),
                        None,
                    )
                    .await;
                assert_eq!(
                    api_profile.status, expected,
                    "{who}: GET /api/v1/cases/{{id}}/victim-profile"
                );
                let put = app
                    .api(
                        "PUT",
                        &format!("/api/v1/cases/{id}/victim-profile"),
                        Some(&token),
                        Some(serde_json::json!({"citizenship": ["RO"]})),
                    )
                    .await;
                assert_eq!(
                    put.status,
                    if expected == StatusCode::OK {
                        StatusCode::CONFLICT
                    } else {
                        expected
                    },
                    "{who}: PUT /api/v1/cases/{{id}}/victim-profile"
                );
                let inbox = app.get("/inbox", Some(&session)).await;
                assert_eq!(
                    inbox.status,
                    if matches!(
                        role,
                        Role::CaseWorker | Role::Supervisor | Role::IdentificationOfficer
                    ) {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /inbox"
                );
                if inbox.status == StatusCode::OK {
                    assert_eq!(
                        inbox.body.contains(&format!("href=\"/cases/{id}/risk\"")),
                        supports(role, own),
                        "{who}: the case's urgent need in the inbox"
                    );
                    assert!(
                        !inbox.body.contains(SUPPORT_NOTE),
                        "{who}: no note in the inbox"
                    );
                }
                let catalogues = app.get("/identification/catalogues", Some(&session)).await;
                assert_eq!(
                    catalogues.status,
                    if role == Role::Coordinator {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /identification/catalogues"
                );
                let interview = app
                    .get(&format!("/cases/{id}/interview"), Some(&session))
                    .await;
                let expected = if names_in_lists(role, own) {
                    StatusCode::OK
                } else if sees(role, own) {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(
                    interview.status, expected,
                    "{who}: GET /cases/{{id}}/interview"
                );
                for open_page in [
                    "/directory",
                    "/reference/signals",
                    "/reference/routing",
                    "/account/password",
                ] {
                    assert_eq!(
                        app.get(open_page, Some(&session)).await.status,
                        StatusCode::OK,
                        "{who}: GET {open_page}"
                    );
                }
                // Legal holds (mnir.md §13): the case's case workers and supervisors see them,
                // its supervisors and ANITP's coordinators place them; the schedules' page is
                // for administrators and ANITP's coordinators.
                let holds_seen = role == Role::Coordinator
                    || (own && matches!(role, Role::CaseWorker | Role::Supervisor));
                let holds_kept = role == Role::Coordinator || (own && role == Role::Supervisor);
                let refused = if sees(role, own) {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::NOT_FOUND
                };
                let holds_page = app
                    .get(&format!("/cases/{id}/retention"), Some(&session))
                    .await;
                assert_eq!(
                    holds_page.status,
                    if holds_seen { StatusCode::OK } else { refused },
                    "{who}: GET /cases/{{id}}/retention"
                );
                let placed = app
                    .api(
                        "POST",
                        &format!("/api/v1/cases/{id}/legal-holds"),
                        Some(&token),
                        Some(serde_json::json!({"reason": "complaint"})),
                    )
                    .await;
                assert_eq!(
                    placed.status,
                    if holds_kept {
                        StatusCode::CREATED
                    } else {
                        refused
                    },
                    "{who}: POST /api/v1/cases/{{id}}/legal-holds"
                );
                let retention = app.get("/retention", Some(&session)).await;
                assert_eq!(
                    retention.status,
                    if matches!(role, Role::Admin | Role::Coordinator) {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /retention"
                );
                let run = app
                    .api(
                        "POST",
                        "/api/v1/retention/run",
                        Some(&token),
                        Some(serde_json::json!({"dry_run": true})),
                    )
                    .await;
                assert_eq!(
                    run.status,
                    if role == Role::Admin {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: POST /api/v1/retention/run"
                );
                // Possible duplicates: for ANITP's case workers and supervisors (both
                // organisations here are ANITP centres).
                let duplicates = app.get("/duplicates", Some(&session)).await;
                let reviews_pairs = matches!(role, Role::CaseWorker | Role::Supervisor);
                assert_eq!(
                    duplicates.status,
                    if reviews_pairs {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /duplicates"
                );
                let pairs = app
                    .api("GET", "/api/v1/duplicates", Some(&token), None)
                    .await;
                assert_eq!(
                    pairs.status, duplicates.status,
                    "{who}: GET /api/v1/duplicates"
                );
                // Break-glass (mnir.md §13), last for this case: an access opened here widens
                // what this user sees of it. Case workers and supervisors open a case they do
                // not see; one they see needs none.
                let breaks = matches!(role, Role::CaseWorker | Role::Supervisor);
                let reviews = matches!(role, Role::Supervisor | Role::Coordinator);
                let form = app.get("/break-glass", Some(&session)).await;
                assert_eq!(
                    form.status,
                    if breaks || reviews {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /break-glass"
                );
                let review_list = app
                    .api("GET", "/api/v1/break-glass/reviews", Some(&token), None)
                    .await;
                assert_eq!(
                    review_list.status,
                    if reviews {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /api/v1/break-glass/reviews"
                );
                let notices = app
                    .api("GET", "/api/v1/break-glass/notices", Some(&token), None)
                    .await;
                assert_eq!(
                    notices.status,
                    if matches!(
                        role,
                        Role::CaseWorker | Role::Supervisor | Role::IdentificationOfficer
                    ) {
                        StatusCode::OK
                    } else {
                        StatusCode::FORBIDDEN
                    },
                    "{who}: GET /api/v1/break-glass/notices"
                );
                let glass = app
                    .api(
                        "POST",
                        "/api/v1/break-glass",
                        Some(&token),
                        Some(serde_json::json!({"reference": reference,
                            "reason": "immediate_danger", "note": "Matrice"})),
                    )
                    .await;
                let expected = match (breaks, sees(role, own)) {
                    (false, _) => StatusCode::FORBIDDEN,
                    (true, true) => StatusCode::CONFLICT,
                    (true, false) => StatusCode::CREATED,
                };
                assert_eq!(glass.status, expected, "{who}: POST /api/v1/break-glass");
                if glass.status == StatusCode::CREATED {
                    let opened = app.get(&format!("/cases/{id}"), Some(&session)).await;
                    assert_eq!(
                        opened.status,
                        StatusCode::OK,
                        "{who}: GET /cases/{{id}} under break-glass"
                    );
                }

                signed_in.push((who, role, session, token));
            }
        }
        // Notifying comes last: a notification is visible to the notifier's organisation, which
        // would change what the checks above count.
        for (who, role, session, token) in signed_in {
            let form = app.get("/cases/new", Some(&session)).await;
            assert_eq!(
                form.status,
                if notifies(role) {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                },
                "{who}: GET /cases/new"
            );
            let notified = app
                .post_form(
                    "/cases",
                    &session,
                    &[
                        ("given_name", "Ion"),
                        ("family_name", "Test"),
                        ("sex", "male"),
                        ("citizenship", "RO"),
                        ("found_in_county", "RO-CJ"),
                    ],
                )
                .await;
            assert_eq!(
                notified.status,
                if notifies(role) {
                    StatusCode::SEE_OTHER
                } else {
                    StatusCode::FORBIDDEN
                },
                "{who}: POST /cases"
            );
            let api_notified = app
                .api("POST", "/api/v1/cases", Some(&token), Some(serde_json::json!({"given_name": "Ion", "sex": "male", "citizenship": "RO", "found_in_county": "RO-CJ"})))
                .await;
            assert_eq!(
                api_notified.status,
                if notifies(role) {
                    StatusCode::CREATED
                } else {
                    StatusCode::FORBIDDEN
                },
                "{who}: POST /api/v1/cases"
            );
        }
    }
}

#[tokio::test]
async fn a_screener_sees_their_own_notifications_and_nobody_else_s() {
    for app in backends().await {
        app.user("ana", "IGPR", "screener").await;
        app.user("bogdan", "IGPR", "screener").await;
        app.user("dgaspc.cw", "DGASPC-TL", "case_worker").await;
        app.user("dgaspc.cj", "DGASPC-CJ", "case_worker").await;
        let ana = app.login("ana").await;
        let bogdan = app.login("bogdan").await;
        let created = app
            .post_form(
                "/cases",
                &ana,
                &[
                    ("given_name", "Elena"),
                    ("family_name", "Copilescu"),
                    ("birth_date", "2012-05-01"),
                    ("sex", "female"),
                    ("citizenship", "RO"),
                    ("found_in_county", "RO-TL"),
                    ("signals", "S12"),
                    ("signals", "S03"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let location = created.location();
        assert!(location.starts_with("/cases/"));
        let own = app.get(&location, Some(&ana)).await;
        assert_eq!(own.status, StatusCode::OK);
        assert!(own.body.contains("Copilescu"));
        assert_eq!(
            app.get(&location, Some(&bogdan)).await.status,
            StatusCode::NOT_FOUND,
            "{}",
            app.backend
        );
        // A child is routed to the directorate of the county where she was found, and only there.
        let tl = app.login("dgaspc.cw").await;
        let cj = app.login("dgaspc.cj").await;
        assert_eq!(app.get(&location, Some(&tl)).await.status, StatusCode::OK);
        assert_eq!(
            app.get(&location, Some(&cj)).await.status,
            StatusCode::NOT_FOUND
        );
    }
}
