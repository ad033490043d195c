//! The register exchanged in HTCDS 2.0 through the API: exported for a partner with and without
//! names, imported into an empty register and exported again to the same file; a file with bad
//! rows stores nothing and names every problem; only ANITP's national coordinators may.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::htcds::{Column, standard_field};
use mnir_domain::victim::{ProfileField, VictimProfile};
use mnir_domain::{AgeGroup, CaseState, Sex};

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

async fn export(app: &App, token: &str, body: serde_json::Value) -> TestResponse {
    app.api(
        "POST",
        "/api/v1/exchange/htcds/export",
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn the_register_goes_to_a_partner_in_htcds_and_comes_back_the_same() {
    let mut empties = vec![sqlite_app().await];
    empties.extend(postgres_app().await);
    for (app, empty) in backends().await.into_iter().zip(empties) {
        let b = app.backend;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let token = app.token(&coordinator).await;
        let supervisor = app.user("sup", "ANITP-CJ", "supervisor").await;
        let supervisor_token = app.token(&supervisor).await;

        let (assisted, assisted_ref) = app
            .seed_person(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "=HYPERLINK(1)",
                "RO",
                CaseState::InAssistance,
                Sex::Male,
            )
            .await;
        let (_, presumed_ref) = app
            .seed_case_as(
                "RO-BV",
                "ANITP-BV",
                AgeGroup::Child,
                "Popescu",
                "MD",
                CaseState::PresumedVictim,
            )
            .await;
        let (_, notified_ref) = app
            .seed_case("RO-B", "IGPR", AgeGroup::Adult, "Ionescu")
            .await;
        let mut profile = VictimProfile::default();
        for (field, values) in [
            (ProfileField::Citizenship, &["RO", "IT"][..]),
            (
                ProfileField::ExploitationTypes,
                &["ForcedLabour", "ForcedBegging"][..],
            ),
            (ProfileField::ForcedLabourIndustry, &["F_Construction"][..]),
            (
                ProfileField::ControlMethods,
                &["DebtBondage", "WithholdsDocuments"][..],
            ),
            (ProfileField::RecruitmentPlace, &["RO-VS"][..]),
            (ProfileField::ExploitationPlace, &["IT"][..]),
        ] {
            profile
                .values
                .insert(field, values.iter().map(|v| v.to_string()).collect());
        }
        profile.age_when_trafficked = Some(34);
        app.store
            .put_victim_profile(
                &mnir_store::VictimProfileRecord {
                    case_id: assisted.clone(),
                    profile,
                    org_code: "ANITP-CJ".into(),
                    recorded_by: coordinator.id.clone(),
                    updated_at_ms: at(START_MS),
                },
                CaseState::InAssistance,
                &cli(START_MS),
            )
            .await
            .unwrap();

        // Without names: the reference first, every other column the standard's.
        let plain = export(&app, &token, serde_json::json!({"kind": "cases"})).await;
        assert_eq!(plain.status, StatusCode::OK, "{b}: {}", plain.body);
        assert!(
            plain.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("mnir-htcds-")
        );
        let rows = csv_rows(&plain.bytes);
        assert_eq!(rows.len(), 4, "{b}: a header and three cases");
        assert_eq!(rows[0][0], "");
        for name in &rows[0][1..] {
            assert!(standard_field(name).is_some(), "{b}: {name}");
            assert!(
                !name.starts_with("prs_FirstName") && name != "prs_Birthdate",
                "{b}"
            );
        }
        let mut references: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        let sorted = {
            let mut s = references.clone();
            s.sort();
            s
        };
        assert_eq!(references, sorted, "{b}: in the order of the references");
        references.sort();
        let mut expected = vec![
            assisted_ref.as_str(),
            presumed_ref.as_str(),
            notified_ref.as_str(),
        ];
        expected.sort();
        assert_eq!(references, expected, "{b}");
        let column = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
        let assisted_row = rows.iter().find(|r| r[0] == assisted_ref).unwrap();
        assert_eq!(assisted_row[column("prs_Gender")], "Masculine", "{b}");
        assert_eq!(assisted_row[column("prs_Citizenship")], "RO;IT", "{b}");
        assert_eq!(
            assisted_row[column("vic_TypeOfExploitation")],
            "ForcedLabour;ForcedBegging",
            "{b}"
        );
        assert_eq!(
            assisted_row[column("vic_TraffickingStatus")],
            "ActualVictimOfTrafficking",
            "{b}"
        );
        assert_eq!(assisted_row[column("cas_Status")], "Active", "{b}");
        assert_eq!(assisted_row[column("vic_AgeWhenTrafficked")], "34", "{b}");
        assert!(!plain.body.contains("HYPERLINK"), "{b}: no names");

        // Names only with a recipient and a legal basis, which the audit log keeps.
        let refused = export(
            &app,
            &token,
            serde_json::json!({"kind": "identifying", "recipient": " "}),
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            refused.body
        );
        let refusal = refused.json();
        let fields: Vec<&str> = refusal["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["recipient", "legal_basis"], "{b}");
        let identifying = serde_json::json!({
            "kind": "identifying", "recipient": "OIM România", "legal_basis": "Protocol 7/2026, art. 4"
        });
        let named = export(&app, &token, identifying.clone()).await;
        assert_eq!(named.status, StatusCode::OK, "{b}: {}", named.body);
        let named_rows = csv_rows(&named.bytes);
        assert_eq!(
            &named_rows[0][1..4],
            ["prs_FirstName", "prs_SecondName", "prs_Birthdate"],
            "{b}"
        );
        let hostile = named_rows.iter().find(|r| r[0] == assisted_ref).unwrap();
        assert_eq!(
            hostile[2], "'=HYPERLINK(1)",
            "{b}: a spreadsheet keeps it as text"
        );
        let audit = app.store.recent_audit(50).await.unwrap();
        assert!(
            audit.iter().any(|e| e.action == "cases.export"
                && e.detail.contains("kind=identifying")
                && e.detail.contains("Protocol 7/2026")
                && e.detail.contains("OIM România")),
            "{b}: the legal basis recorded"
        );

        // The workbook holds the same rows, on the standard's sheet.
        let workbook = export(&app, &token, serde_json::json!({"kind": "identifying", "format": "xlsx", "recipient": "OIM", "legal_basis": "Protocol"})).await;
        assert_eq!(workbook.status, StatusCode::OK, "{b}");
        {
            use calamine::{Reader, Xlsx};
            let mut book: Xlsx<_> =
                Xlsx::new(std::io::Cursor::new(workbook.bytes.clone())).unwrap();
            let sheet = book.worksheet_range("Case Sheet").unwrap();
            let cells: Vec<Vec<String>> = sheet
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            let unguarded: Vec<Vec<String>> = named_rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| c.trim_start_matches('\'').to_string())
                        .collect()
                })
                .collect();
            assert_eq!(cells, unguarded, "{b}");
        }

        // Only ANITP's national coordinators exchange the register.
        let denied = export(
            &app,
            &supervisor_token,
            serde_json::json!({"kind": "cases"}),
        )
        .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{b}");
        let denied = app
            .api_file(
                "/api/v1/exchange/htcds/import",
                &supervisor_token,
                "text/csv",
                named.bytes.clone(),
            )
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{b}");

        // Into an empty register: a dry run stores nothing, the import all, and the export
        // gives the same file; a second import stores nothing twice.
        let coordinator2 = empty.user("coord", "ANITP", "coordinator").await;
        let token2 = empty.token(&coordinator2).await;
        let dry = empty
            .api_file(
                "/api/v1/exchange/htcds/import?dry_run=true&county=RO-B",
                &token2,
                "text/csv",
                named.bytes.clone(),
            )
            .await;
        assert_eq!(dry.status, StatusCode::OK, "{b}: {}", dry.body);
        assert_eq!(dry.json()["new_cases"], 3, "{b}");
        assert_eq!(dry.json()["stored"], false, "{b}");
        let nothing = export(&empty, &token2, serde_json::json!({"kind": "cases"})).await;
        assert_eq!(
            csv_rows(&nothing.bytes).len(),
            1,
            "{b}: the dry run stored nothing"
        );
        let imported = empty
            .api_file(
                "/api/v1/exchange/htcds/import?county=RO-B",
                &token2,
                "text/csv",
                named.bytes.clone(),
            )
            .await;
        assert_eq!(imported.status, StatusCode::OK, "{b}: {}", imported.body);
        assert_eq!(imported.json()["stored"], true, "{b}");
        let again = export(&empty, &token2, identifying.clone()).await;
        assert_eq!(
            again.body, named.body,
            "{b}: export, import, export gives the same file"
        );
        let twice = empty
            .api_file(
                "/api/v1/exchange/htcds/import?county=RO-B",
                &token2,
                "text/csv",
                named.bytes.clone(),
            )
            .await;
        assert_eq!(twice.status, StatusCode::OK, "{b}: {}", twice.body);
        assert_eq!(twice.json()["new_cases"], 0, "{b}");
        assert_eq!(
            twice.json()["already_present"].as_array().unwrap().len(),
            3,
            "{b}"
        );
        // An assisted victim comes back identified (HTCDS tells no more), filed in the county of
        // the place of recruitment: its organisation is national and it was exploited abroad.
        let listed = empty
            .api(
                "GET",
                &format!("/api/v1/cases?reference={assisted_ref}"),
                Some(&token2),
                None,
            )
            .await;
        assert_eq!(listed.status, StatusCode::OK, "{b}: {}", listed.body);
        assert!(
            listed.body.contains("\"state\":\"identified_victim\""),
            "{b}: {}",
            listed.body
        );
        assert!(
            listed.body.contains("\"found_in_county\":\"RO-VS\""),
            "{b}: the place of recruitment: {}",
            listed.body
        );

        // A file with bad rows stores nothing and names each problem by row and field.
        let header = named_rows[0].join(",");
        let good = named_rows[1]
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(",");
        let position = |c: Column| named_rows[0].iter().position(|n| n == c.as_str()).unwrap();
        let mut bad_value = named_rows[1].clone();
        bad_value[0] = "NEW-1".into();
        bad_value[position(Column::Gender)] = "Female".into();
        bad_value[position(Column::IncomingReferralDate)] = "31/12/2024".into();
        let mut bad_org = named_rows[1].clone();
        bad_org[0] = "NEW-2".into();
        bad_org[position(Column::ReferringOrganisation)] = "NOSUCH".into();
        bad_org[position(Column::CaseStatus)] = String::new();
        let file = format!(
            "{header}\n{}\n{good}\n{}\n",
            bad_value.join(","),
            bad_org.join(",")
        )
        .replace("'=HYPERLINK", "=HYPERLINK");
        let before = csv_rows(
            &export(&empty, &token2, serde_json::json!({"kind": "cases"}))
                .await
                .bytes,
        )
        .len();
        let bad = empty
            .api_file(
                "/api/v1/exchange/htcds/import?county=RO-B",
                &token2,
                "text/csv",
                file.into_bytes(),
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            bad.body
        );
        let report = bad.json();
        assert_eq!(report["stored"], false, "{b}");
        let problems: Vec<(u64, String, String)> = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["row"].as_u64().unwrap(),
                    p["column"].as_str().unwrap().to_string(),
                    p["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let has = |row: u64, column: &str, words: &str| {
            problems
                .iter()
                .any(|(r, c, m)| *r == row && c == column && m.contains(words))
        };
        assert!(
            has(2, "prs_Gender", "„Female” nu este"),
            "{b}: {problems:?}"
        );
        assert!(
            has(2, "cas_IncomingReferralDate", "AAAA-LL-ZZ"),
            "{b}: {problems:?}"
        );
        assert!(
            has(4, "cas_ReferringOrganisation", "NOSUCH"),
            "{b}: {problems:?}"
        );
        assert!(has(4, "cas_Status", "Obligatoriu"), "{b}: {problems:?}");
        assert_eq!(
            problems.len(),
            4,
            "{b}: the good row has none: {problems:?}"
        );
        let after = csv_rows(
            &export(&empty, &token2, serde_json::json!({"kind": "cases"}))
                .await
                .bytes,
        )
        .len();
        assert_eq!(after, before, "{b}: nothing stored");

        // An import takes a file larger than any form (3 MiB): a field of the standard mnir does not
        // keep (the e-mail) is read past and named, not stored.
        let large = format!(
            "{header},prs_Email\nBIG-1{},{}\n",
            &good[good.find(',').unwrap()..],
            // Past axum's own 2 MiB cap on what a handler reads, which the router lifts.
            "x".repeat(3 * 1024 * 1024)
        )
        .replace("'=HYPERLINK", "=HYPERLINK");
        let big = empty
            .api_file(
                "/api/v1/exchange/htcds/import?dry_run=true&county=RO-B",
                &token2,
                "text/csv",
                large.into_bytes(),
            )
            .await;
        assert_eq!(
            big.status,
            StatusCode::OK,
            "{b}: {}",
            &big.body[..big.body.len().min(500)]
        );
        assert_eq!(big.json()["new_cases"], 1, "{b}");
        assert_eq!(big.json()["ignored_columns"][0], "prs_Email", "{b}");

        // Not a table at all, and an unknown county.
        let binary = empty
            .api_file(
                "/api/v1/exchange/htcds/import",
                &token2,
                "text/csv",
                vec![0xff, 0xfe, 0x00],
            )
            .await;
        assert_eq!(binary.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(binary.json()["problems"][0]["row"], 0, "{b}");
        let county = empty
            .api_file(
                "/api/v1/exchange/htcds/import?county=RO-ZZ",
                &token2,
                "text/csv",
                named.bytes.clone(),
            )
            .await;
        assert_eq!(
            county.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            county.body
        );
        assert_eq!(
            county.json()["error"]["fields"][0]["field"],
            "county",
            "{b}"
        );
    }
}

/// The coordinator's page: the export form refuses names without a legal basis and sends the
/// file with one; the import form sends a file (its CSRF token read from the multipart form),
/// checks it, imports it, and shows every problem of a bad one in a table, in either language.
#[tokio::test]
async fn a_coordinator_exchanges_the_register_on_the_page() {
    for app in backends().await {
        let b = app.backend;
        app.user("coord", "ANITP", "coordinator").await;
        app.user("sup", "ANITP-CJ", "supervisor").await;
        let coordinator = app.login("coord").await;
        let supervisor = app.login("sup").await;
        let (_, reference) = app
            .seed_case_as(
                "RO-CJ",
                "ANITP-CJ",
                AgeGroup::Adult,
                "Pagină",
                "RO",
                CaseState::IdentifiedVictim,
            )
            .await;

        let page = app.get("/exchange", Some(&coordinator)).await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("<h1>Schimb de date (HTCDS)</h1>"), "{b}");
        assert!(
            page.body
                .contains("href=\"/exchange\" aria-current=\"page\""),
            "{b}: in the navigation"
        );
        assert!(page.body.contains("enctype=\"multipart/form-data\""), "{b}");
        assert!(
            page.body.contains("aria-describedby=\"h-dry_run\" checked"),
            "{b}: a first import is a dry run unless unticked"
        );
        let english = app
            .get_lang("/exchange", Some(&coordinator), Some("en"))
            .await;
        assert!(
            english.body.contains("<h1>Data exchange (HTCDS)</h1>"),
            "{b}"
        );
        let denied = app.get("/exchange", Some(&supervisor)).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{b}");
        let dashboard = app.get("/dashboard", Some(&supervisor)).await;
        assert!(
            !dashboard.body.contains("href=\"/exchange\""),
            "{b}: not offered"
        );

        // A kind the form does not offer is refused, not read as the pseudonymous export.
        let forged = app
            .post_form("/exchange/export", &coordinator, &[("kind", "everything")])
            .await;
        assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{b}");
        assert!(!forged.body.contains(&reference), "{b}: no file");

        // Names need the recipient and the legal basis; each missing one is named and linked.
        let refused = app
            .post_form(
                "/exchange/export",
                &coordinator,
                &[
                    ("kind", "identifying"),
                    ("format", "csv"),
                    ("recipient", "OIM"),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            refused.body
        );
        assert!(refused.body.contains("href=\"#f-legal_basis\""), "{b}");
        assert!(!refused.body.contains("href=\"#f-recipient\""), "{b}");
        assert!(
            refused.body.contains("value=\"OIM\""),
            "{b}: what was typed is kept"
        );
        let file = app
            .post_form(
                "/exchange/export",
                &coordinator,
                &[
                    ("kind", "identifying"),
                    ("format", "csv"),
                    ("recipient", "OIM"),
                    ("legal_basis", "Protocol 7/2026"),
                ],
            )
            .await;
        assert_eq!(file.status, StatusCode::OK, "{b}");
        assert_eq!(
            file.headers["content-type"], "text/csv; charset=utf-8",
            "{b}"
        );
        assert!(
            file.body.contains(&reference) && file.body.contains("Pagină"),
            "{b}"
        );
        let open = app
            .post_form(
                "/exchange/export",
                &coordinator,
                &[("kind", "open_data"), ("format", "xlsx")],
            )
            .await;
        assert_eq!(open.status, StatusCode::OK, "{b}");
        assert!(open.bytes.starts_with(b"PK"), "{b}: a workbook");

        // The import: a forged token is refused; a dry run reports; the import stores; the
        // second one finds everything there.
        let mut incoming = file.body.replace(&reference, "MIG-0001");
        incoming.push_str(
            &file
                .body
                .lines()
                .nth(1)
                .unwrap()
                .replace(&reference, "MIG-0002"),
        );
        incoming.push('\n');
        let forged = app
            .post_multipart(
                "/exchange/import",
                &coordinator,
                "forged",
                &[("dry_run", "yes")],
                "file",
                ("m.csv", incoming.as_bytes()),
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{b}: {}", forged.body);
        let dry = app
            .post_multipart(
                "/exchange/import",
                &coordinator,
                &coordinator.csrf,
                &[("dry_run", "yes"), ("county", "")],
                "file",
                ("m.csv", incoming.as_bytes()),
            )
            .await;
        assert_eq!(dry.status, StatusCode::OK, "{b}: {}", dry.body);
        assert!(
            dry.body
                .contains("Probă: 2 rânduri citite fără probleme; 2 cazuri ar fi importate."),
            "{b}: {}",
            dry.body
        );
        assert!(!dry.body.contains("id=\"f-dry_run\" name=\"dry_run\" value=\"yes\" aria-describedby=\"h-dry_run\" checked"), "{b}: ready to import");
        let stored = app
            .post_multipart(
                "/exchange/import",
                &coordinator,
                &coordinator.csrf,
                &[],
                "file",
                ("m.csv", incoming.as_bytes()),
            )
            .await;
        assert_eq!(stored.status, StatusCode::OK, "{b}: {}", stored.body);
        assert!(
            stored
                .body
                .contains("Au fost importate 2 cazuri noi din 2 rânduri."),
            "{b}"
        );
        let again = app
            .post_multipart(
                "/exchange/import",
                &coordinator,
                &coordinator.csrf,
                &[],
                "file",
                ("m.csv", incoming.as_bytes()),
            )
            .await;
        assert!(
            again
                .body
                .contains("toate cele 2 rânduri sunt deja în registru"),
            "{b}"
        );

        // A bad file: every problem in the table, nothing stored.
        let bad = incoming
            .replace("MIG-0001", "MIG-0003")
            .replace("MIG-0002", "MIG 4")
            .replace(",Feminine,", ",Woman,");
        let report = app
            .post_multipart(
                "/exchange/import",
                &coordinator,
                &coordinator.csrf,
                &[("county", "RO-ZZ")],
                "file",
                ("bad.csv", bad.as_bytes()),
            )
            .await;
        assert_eq!(report.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            report.body.contains("href=\"#f-county\""),
            "{b}: an unknown county is named first"
        );
        let report = app
            .post_multipart(
                "/exchange/import",
                &coordinator,
                &coordinator.csrf,
                &[],
                "file",
                ("bad.csv", bad.as_bytes()),
            )
            .await;
        assert_eq!(report.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(report.body.contains("id=\"import-problems\""), "{b}");
        assert!(
            report
                .body
                .contains("<td>2</td><td><code>prs_Gender</code></td><td>„Woman” nu este"),
            "{b}: {}",
            report.body
        );
        assert!(
            report
                .body
                .contains("<td>3</td><td><code>(referință)</code></td><td>Referința „MIG 4”"),
            "{b}: {}",
            report.body
        );
        assert!(report.body.contains("nu s-a salvat nimic"), "{b}");
        let listed = app
            .get("/cases?reference=MIG-0003", Some(&coordinator))
            .await;
        assert!(!listed.body.contains("MIG-0003</a>"), "{b}: nothing stored");
        let large = format!(
            "{},prs_Email\n{},{}\n",
            incoming.lines().next().unwrap(),
            incoming
                .lines()
                .nth(1)
                .unwrap()
                .replace("MIG-0001", "MIG-0005"),
            "x".repeat(3 * 1024 * 1024)
        );
        let big = app
            .post_multipart(
                "/exchange/import",
                &coordinator,
                &coordinator.csrf,
                &[("dry_run", "yes")],
                "file",
                ("big.csv", large.as_bytes()),
            )
            .await;
        assert_eq!(
            big.status,
            StatusCode::OK,
            "{b}: {}",
            &big.body[..big.body.len().min(300)]
        );
        assert!(
            big.body.contains("prs_Email"),
            "{b}: the e-mail named as left out"
        );
        let missing = app
            .post_multipart(
                "/exchange/import",
                &coordinator,
                &coordinator.csrf,
                &[],
                "file",
                ("", b""),
            )
            .await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(missing.body.contains("href=\"#f-file\""), "{b}");
    }
}
