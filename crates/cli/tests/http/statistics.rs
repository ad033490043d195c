//! The national statistics on their pages, the API and the CSV export: exact counts for ANITP's
//! coordinators, the published view with its hidden figures, the year and region filters, and
//! errors in the reader's language.

use crate::support::*;
use axum::http::StatusCode;
use mnir_domain::{AgeGroup, CaseState, Sex};

/// One table of `year` from the API, exact or published, as the token's user may see it.
async fn table_json(
    app: &App,
    token: &str,
    name: &str,
    year: i32,
    published: bool,
) -> serde_json::Value {
    let r = app
        .api(
            "GET",
            &format!("/api/v1/statistics/tables/{name}?year={year}&published={published}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", app.backend, r.body);
    r.json()
}

/// Every figure a JSON table shows: cells, margins and total.
fn figures(table: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut all: Vec<serde_json::Value> = Vec::new();
    for row in table["cells"].as_array().unwrap() {
        all.extend(row.as_array().unwrap().iter().cloned());
    }
    all.extend(table["row_totals"].as_array().unwrap().iter().cloned());
    all.extend(table["column_totals"].as_array().unwrap().iter().cloned());
    all.push(table["total"].clone());
    all
}

#[tokio::test]
async fn coordinators_see_exact_counts_and_everyone_else_only_what_may_be_published() {
    for app in backends().await {
        let b = app.backend;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let supervisor = app.user("sup", "ANITP-CJ", "supervisor").await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        let coord_token = app.token(&coordinator).await;
        // 2026 (the tests' clock): 14 adult women and 3 girls presumed, 12 men identified, in
        // Cluj (North-West); one notified case that is no victim yet.
        for (n, age, state) in [
            (14, AgeGroup::Adult, CaseState::PresumedVictim),
            (3, AgeGroup::Child, CaseState::PresumedVictim),
        ] {
            for _ in 0..n {
                app.seed_case_as("RO-CJ", "IGPR", age, "Statisticescu", "RO", state)
                    .await;
            }
        }
        for _ in 0..12 {
            app.seed_person(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Statisticescu",
                "RO",
                CaseState::IdentifiedVictim,
                Sex::Male,
            )
            .await;
        }
        app.seed_case("RO-CJ", "IGPR", AgeGroup::Adult, "Notificatescu")
            .await;

        let exact = app
            .api(
                "GET",
                "/api/v1/statistics/tables/victims-by-sex-age-group?year=2026&published=false",
                Some(&coord_token),
                None,
            )
            .await;
        assert_eq!(exact.status, StatusCode::OK, "{b}: {}", exact.body);
        let t = exact.json();
        assert_eq!(t["table"], "victims-by-sex-age-group");
        assert_eq!(t["k"], 11);
        assert_eq!(t["published"], false);
        assert_eq!(
            t["rows"],
            serde_json::json!(["female", "male", "other_unknown"])
        );
        assert_eq!(
            t["columns"],
            serde_json::json!(["child", "adult", "unknown"])
        );
        let v = |n: u64| serde_json::json!({ "value": n });
        assert_eq!(
            t["cells"],
            serde_json::json!([[v(3), v(14), v(0)], [v(0), v(12), v(0)], [v(0), v(0), v(0)]]),
            "{b}"
        );
        assert_eq!(t["row_totals"], serde_json::json!([v(17), v(12), v(0)]));
        assert_eq!(t["column_totals"], serde_json::json!([v(3), v(26), v(0)]));
        assert_eq!(t["total"], v(29));
        let latest = app.store.recent_audit(1).await.unwrap();
        assert_eq!(latest[0].action, "statistics.read", "{b}");
        assert!(
            latest[0]
                .detail
                .contains("tables=victims-by-sex-age-group year=2026 region=all view=internal"),
            "{b}: {}",
            latest[0].detail
        );

        // Identified by status: 12 of them, the 17 others presumed.
        let status = app
            .api(
                "GET",
                "/api/v1/statistics/tables/victims-by-status-sex?year=2026&published=false",
                Some(&coord_token),
                None,
            )
            .await
            .json();
        assert_eq!(
            status["row_totals"],
            serde_json::json!([v(17), v(12)]),
            "{b}"
        );

        // A year is published once it is over: not while 2026 runs.
        let running = app
            .api_lang(
                "GET",
                "/api/v1/statistics/tables/victims-by-sex-age-group?year=2026",
                Some(&coord_token),
                None,
                Some("en"),
            )
            .await;
        assert_eq!(running.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            running
                .body
                .contains("complete years only: 2025 or earlier"),
            "{b}: {}",
            running.body
        );
        // Forty days on, 2026 is over.
        app.clock.advance_minutes(40 * 24 * 60);
        // Tokens and sessions made now (those of 2026 have expired).
        let coord_token = app.token(&coordinator).await;
        let sup_token = app.token(&supervisor).await;
        let coord = app.login("coord").await;
        let sup = app.login("sup").await;
        let cw = app.login("cw").await;

        // The published view: the three girls hidden, and no figure anywhere from 1 to 10. The
        // coordinator is told why each figure is hidden; the supervisor, who may not see exact
        // counts, is not (that a figure is hidden for being small says it is below k).
        for (token, reasons) in [(&sup_token, false), (&coord_token, true)] {
            let published = app
                .api(
                    "GET",
                    "/api/v1/statistics/tables/victims-by-sex-age-group?year=2026",
                    Some(token),
                    None,
                )
                .await;
            assert_eq!(published.status, StatusCode::OK, "{b}: {}", published.body);
            let p = published.json();
            assert_eq!(p["published"], true);
            assert_eq!(
                p["cells"][0][0],
                if reasons {
                    serde_json::json!({"suppressed": "primary"})
                } else {
                    serde_json::json!({"suppressed": "hidden"})
                },
                "{b}"
            );
            let mut hidden = 0;
            for figure in figures(&p) {
                if let Some(n) = figure.get("value") {
                    let n = n.as_u64().unwrap();
                    assert!(n == 0 || n >= 11, "{b}: {n} published in {p}");
                } else {
                    hidden += 1;
                    let why = figure["suppressed"].as_str().unwrap();
                    if reasons {
                        assert!(why == "primary" || why == "secondary", "{b}: {figure}");
                    } else {
                        assert_eq!(why, "hidden", "{b}");
                    }
                }
            }
            // A lone small figure is never hidden alone.
            assert!(hidden >= 2, "{b}: {p}");
        }
        // A region's figures are not published apart from the nation's.
        let regional = app
            .api_lang(
                "GET",
                "/api/v1/statistics/tables/victims-by-sex-age-group?year=2026&region=RO11",
                Some(&sup_token),
                None,
                Some("en"),
            )
            .await;
        assert_eq!(regional.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            regional
                .body
                .contains("Figures for publication are national"),
            "{b}"
        );
        let refused = app
            .api(
                "GET",
                "/api/v1/statistics/tables/victims-by-sex-age-group?year=2026&published=false",
                Some(&sup_token),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}");

        // The pages: the coordinator's in both languages, the case worker's refused.
        let page = app
            .get_lang(
                "/statistics?year=2026&view=internal",
                Some(&coord),
                Some("en"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.body.contains("Victims by sex and age group"), "{b}");
        assert!(page.body.contains("<svg class=\"stat-chart\""), "{b}");
        assert!(
            page.body
                .contains("<desc id=\"c-victims-by-sex-age-group-desc\">")
        );
        assert!(
            page.body
                .contains("Victims by development region and form of exploitation")
        );
        let ro = app
            .get_lang(
                "/statistics?year=2026&view=internal",
                Some(&coord),
                Some("ro"),
            )
            .await;
        assert!(
            ro.body.contains("Victime după sex și grupă de vârstă"),
            "{b}"
        );
        assert!(ro.body.contains("Nord-Vest"), "{b}");
        let published_page = app
            .get_lang("/statistics?year=2026", Some(&sup), Some("en"))
            .await;
        assert_eq!(published_page.status, StatusCode::OK, "{b}");
        assert!(
            published_page
                .body
                .contains("<abbr title=\"Hidden: a figure from 1 to 10, or one from which such a figure could be worked out\">c</abbr>"),
            "{b}"
        );
        assert!(
            published_page
                .body
                .contains("Figures for publication: a figure from 1 to 10 is hidden (marked c)"),
            "{b}"
        );
        // Nor the year still running, whose figures are never published.
        assert!(
            published_page.body.contains("<option value=\"2026\""),
            "{b}"
        );
        assert!(
            !published_page.body.contains("<option value=\"2027\""),
            "{b}"
        );
        // A supervisor is not offered the exact counts.
        assert!(!published_page.body.contains("value=\"internal\""), "{b}");
        assert_eq!(
            app.get("/statistics", Some(&cw)).await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );

        // The CSV: worded in the reader's language, hidden figures marked.
        let csv = app
            .get_lang(
                "/statistics/victims-by-sex-age-group/csv?year=2026&view=published",
                Some(&coord),
                Some("ro"),
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{b}");
        assert_eq!(
            csv.headers["content-type"], "text/csv; charset=utf-8",
            "{b}"
        );
        let first = csv.body.lines().next().unwrap();
        assert_eq!(first, "Sex,Copil,Adult,Vârstă necunoscută,Total", "{b}");
        assert!(
            csv.body.lines().nth(1).unwrap().starts_with("Feminin,c,"),
            "{b}: {}",
            csv.body
        );

        // A region: Cluj lies in North-West, nobody was found in Bucharest-Ilfov.
        let region = |code: &str| {
            format!(
                "/api/v1/statistics/tables/victims-by-sex-age-group?year=2026&published=false&region={code}"
            )
        };
        let north_west = app
            .api("GET", &region("RO11"), Some(&coord_token), None)
            .await
            .json();
        assert_eq!(north_west["total"], v(29), "{b}");
        assert_eq!(north_west["region"], "RO11");
        let bucharest = app
            .api("GET", &region("RO32"), Some(&coord_token), None)
            .await
            .json();
        assert_eq!(bucharest["total"], v(0), "{b}");
        // Another year holds none of them.
        let earlier = app
            .api(
                "GET",
                "/api/v1/statistics/tables/victims-by-sex-age-group?year=2025&published=false",
                Some(&coord_token),
                None,
            )
            .await
            .json();
        assert_eq!(earlier["total"], v(0), "{b}");

        // Wrong questions get an answer that says what is wrong, in the reader's language.
        let unknown_region = app
            .api_lang("GET", &region("RO99"), Some(&coord_token), None, Some("en"))
            .await;
        assert_eq!(
            unknown_region.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}"
        );
        assert!(
            unknown_region.body.contains("no development region RO99"),
            "{b}"
        );
        let bad_year = app
            .get_lang(
                "/statistics?year=1999&view=internal",
                Some(&coord),
                Some("ro"),
            )
            .await;
        assert_eq!(bad_year.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            bad_year
                .body
                .contains("Anul trebuie să fie între 2000 și 2100"),
            "{b}"
        );
        let not_a_year = app.get("/statistics?year=soon", Some(&coord)).await;
        assert_eq!(not_a_year.status, StatusCode::BAD_REQUEST, "{b}");
        let bad_view = app.get("/statistics?view=secret", Some(&coord)).await;
        assert_eq!(bad_view.status, StatusCode::BAD_REQUEST, "{b}");
        assert_eq!(
            app.get("/statistics/victims-by-nothing", Some(&coord))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(
            app.api(
                "GET",
                "/api/v1/statistics/tables/victims-by-nothing",
                Some(&coord_token),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let list = app
            .api("GET", "/api/v1/statistics/tables", Some(&sup_token), None)
            .await
            .json();
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"victims-by-sex-age-group"));
        assert!(names.contains(&"victims-by-exploitation-sex"));
    }
}

/// Every sheet of a workbook as lines of text, as a reader crate reads it back.
pub fn workbook_sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .expect("an XLSX workbook");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let lines = range
                .rows()
                .map(|row| row.iter().map(|c| c.to_string()).collect())
                .collect();
            (name, lines)
        })
        .collect()
}

/// The workbooks and the annual report: the figures of the JSON tables, worded in the asked
/// language, hidden figures marked and never written, the report readable as text in both
/// languages; the running year has no report, and wrong questions get their answer.
#[tokio::test]
async fn the_tables_download_as_a_workbook_and_the_year_prints_as_a_report() {
    for app in backends().await {
        let b = app.backend;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let supervisor = app.user("sup", "ANITP-CJ", "supervisor").await;
        app.user("cw", "ANITP-CJ", "case_worker").await;
        // 2026: 25 adult women and 4 girls presumed; 13 men identified.
        for (n, age) in [(25, AgeGroup::Adult), (4, AgeGroup::Child)] {
            for _ in 0..n {
                app.seed_case_as(
                    "RO-CJ",
                    "IGPR",
                    age,
                    "Tabelescu",
                    "RO",
                    CaseState::PresumedVictim,
                )
                .await;
            }
        }
        for _ in 0..13 {
            app.seed_person(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Tabelescu",
                "RO",
                CaseState::IdentifiedVictim,
                Sex::Male,
            )
            .await;
        }
        // 2026 is over.
        app.clock.advance_minutes(40 * 24 * 60);
        let coord = app.login("coord").await;
        let sup = app.login("sup").await;
        let cw = app.login("cw").await;
        let sup_token = app.token(&supervisor).await;
        let coord_token = app.token(&coordinator).await;

        // The whole publication, published view, in English: a sheet per table, then notes.
        let book = app
            .get_lang(
                "/statistics/workbook?year=2026&view=published",
                Some(&sup),
                Some("en"),
            )
            .await;
        assert_eq!(book.status, StatusCode::OK, "{b}: {}", book.body);
        assert_eq!(
            book.headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(
            book.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("statistics-2026-published.xlsx"),
            "{b}"
        );
        let sheets = workbook_sheets(&book.bytes);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        let mut expected: Vec<String> = mnir_domain::statistics::TABLES
            .iter()
            .map(|t| mnir_domain::statistics::sheet_name(t.name))
            .collect();
        expected.push("Notes".into());
        assert_eq!(names, expected, "{b}");
        let (_, by_sex) = &sheets[0];
        assert_eq!(by_sex[0][0], "Victims by sex and age group", "{b}");
        assert_eq!(
            by_sex[2],
            ["Sex", "Child", "Adult", "Age unknown", "Total"],
            "{b}"
        );
        // The four girls are hidden, with what would give them away; every figure shown is the
        // exact one.
        assert_eq!(by_sex[3][0], "Female", "{b}");
        assert_eq!(by_sex[3][1], "c", "{b}");
        let exact = app
            .api_lang(
                "GET",
                "/api/v1/statistics/workbook?year=2026&published=false",
                Some(&coord_token),
                None,
                Some("en"),
            )
            .await;
        assert_eq!(exact.status, StatusCode::OK, "{b}: {}", exact.body);
        let exact = workbook_sheets(&exact.bytes);
        assert_eq!(exact[0].1[3], ["Female", "4", "25", "0", "29"], "{b}");
        let mut shown = 0;
        for ((name, lines), (_, exact_lines)) in sheets.iter().zip(&exact).take(sheets.len() - 1) {
            for (line, exact_line) in lines[3..].iter().zip(&exact_lines[3..]) {
                assert_eq!(line[0], exact_line[0], "{b}: {name}");
                for (figure, exact_figure) in line[1..].iter().zip(&exact_line[1..]) {
                    if figure == "c" {
                        continue;
                    }
                    assert_eq!(figure, exact_figure, "{b}: {name}");
                    let n: u64 = figure.parse().unwrap();
                    assert!(n == 0 || n >= 11, "{b}: {n} published in {name}");
                    shown += 1;
                }
            }
        }
        assert!(shown > 0, "{b}: some figures are published");
        let (_, notes) = sheets.last().unwrap();
        let notes: Vec<&str> = notes.iter().map(|l| l[0].as_str()).collect();
        assert_eq!(
            notes[0], "Victims of trafficking in human beings: figures for 2026",
            "{b}"
        );
        assert!(
            notes
                .iter()
                .any(|l| l.contains("is from 1 to 10") && l.contains("shown to be below 11")),
            "{b}: {notes:?}"
        );

        // One table, the internal view, in Romanian: the exact counts.
        let one = app
            .get_lang(
                "/statistics/victims-by-sex-age-group/xlsx?year=2026&view=internal",
                Some(&coord),
                Some("ro"),
            )
            .await;
        assert_eq!(one.status, StatusCode::OK, "{b}");
        let sheets = workbook_sheets(&one.bytes);
        assert_eq!(sheets.len(), 2, "{b}");
        assert_eq!(sheets[1].0, "Note");
        assert_eq!(sheets[0].1[3], ["Feminin", "4", "25", "0", "29"], "{b}");
        assert_eq!(sheets[0].1[6], ["Total", "4", "38", "0", "42"], "{b}");
        // The supervisor gets no exact counts in a workbook either.
        assert_eq!(
            app.get("/statistics/workbook?year=2026&view=internal", Some(&sup))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{b}"
        );

        // The report, in both languages, read back as text.
        for (lang, title, method, table) in [
            (
                "ro",
                "Victimele traficului de persoane: statistici naționale pentru anul 2026",
                "Controlul dezvăluirii",
                "Victime după sex și grupă de vârstă",
            ),
            (
                "en",
                "Victims of trafficking in human beings: national statistics for 2026",
                "Disclosure control",
                "Victims by sex and age group",
            ),
        ] {
            let report = app
                .get(
                    &format!("/statistics/report?year=2026&lang={lang}"),
                    Some(&sup),
                )
                .await;
            assert_eq!(report.status, StatusCode::OK, "{b} {lang}: {}", report.body);
            assert_eq!(report.headers["content-type"], "application/pdf");
            let text = pdf_text(&report.bytes);
            // pdftotext may break a line where the layout did: compare words.
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for wanted in [title, method, table] {
                assert!(words.contains(wanted), "{b} {lang}: `{wanted}` in {words}");
            }
            if lang == "en" {
                // Every figure printed, in the charts and the tables, is 0 or at least k; the
                // numbers that are words of the page (its number, the age bands, "1 to 10", the
                // year) are passed over.
                let tokens: Vec<&str> = text.split_whitespace().collect();
                let mut shown = 0;
                for (i, token) in tokens.iter().enumerate() {
                    let Ok(n) = token.replace(',', "").parse::<u64>() else {
                        continue;
                    };
                    let before = if i > 0 { tokens[i - 1] } else { "" };
                    let after = tokens.get(i + 1).copied().unwrap_or("");
                    if ["page", "of", "to", "Under"].contains(&before)
                        || ["to", "of", "and"].contains(&after)
                        || n == 2026
                    {
                        continue;
                    }
                    assert!(n == 0 || n >= 11, "{b}: {n} printed in the report: {words}");
                    if n >= 11 {
                        shown += 1;
                    }
                }
                assert!(shown > 0, "{b}: the report prints figures: {words}");
            }
        }
        let api_report = app
            .api(
                "GET",
                "/api/v1/statistics/report?year=2026&lang=en",
                Some(&sup_token),
                None,
            )
            .await;
        assert_eq!(api_report.status, StatusCode::OK, "{b}");
        assert!(api_report.bytes.starts_with(b"%PDF-"), "{b}");

        // No report of the running year, nor in a language there is not; none for a case worker.
        let running = app
            .get_lang("/statistics/report?year=2027", Some(&sup), Some("en"))
            .await;
        assert_eq!(running.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(running.body.contains("complete years only"), "{b}");
        let klingon = app
            .get_lang(
                "/statistics/report?year=2026&lang=tlh",
                Some(&sup),
                Some("en"),
            )
            .await;
        assert_eq!(klingon.status, StatusCode::BAD_REQUEST, "{b}");
        assert!(
            klingon
                .body
                .contains("printed in Romanian (ro) or English (en)"),
            "{b}"
        );
        let api_klingon = app
            .api_lang(
                "GET",
                "/api/v1/statistics/report?year=2026&lang=tlh",
                Some(&sup_token),
                None,
                Some("ro"),
            )
            .await;
        assert_eq!(api_klingon.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(api_klingon.body.contains("Raportul se tipărește"), "{b}");
        assert_eq!(
            app.get("/statistics/report?year=2026", Some(&cw))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        // The page links the workbook and, for a complete year, the report in both languages.
        let page = app
            .get_lang("/statistics?year=2026", Some(&sup), Some("en"))
            .await;
        assert!(
            page.body
                .contains("href=\"/statistics/report?year=2026&#38;lang=ro\""),
            "{b}: {}",
            page.body
        );
        assert!(page.body.contains("/statistics/workbook?year=2026"), "{b}");
    }
}

/// A case notified at `notified` whose steps reach each state of `steps` at its time, on the main
/// path (each step from the one before).
/// A case of a person of `sex` notified at `notified` that went through `steps`; its id.
async fn seed_path(app: &App, sex: Sex, notified: i64, steps: &[(CaseState, i64)]) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let access = mnir_domain::route("IGPR", "RO-CJ", AgeGroup::Adult)
        .unwrap()
        .into_iter()
        .map(|(org_code, basis)| mnir_store::CaseAccess { org_code, basis })
        .collect();
    let mut history = vec![mnir_store::HistoryEntry {
        from: None,
        to: CaseState::Notified,
        actor_user: None,
        actor_org: "IGPR".into(),
        at_ms: at(notified),
        reason: String::new(),
    }];
    for (to, when) in steps {
        history.push(mnir_store::HistoryEntry {
            from: history.last().map(|h| h.to),
            to: *to,
            actor_user: None,
            actor_org: "ANITP-CJ".into(),
            at_ms: at(*when),
            reason: "seeded".into(),
        });
    }
    let case = mnir_store::NewCase {
        id,
        reference: mnir_domain::case_reference(rand::random()),
        state: history.last().unwrap().to,
        given_name: "Ana".into(),
        family_name: "Performanțescu".into(),
        birth_date: None,
        sex,
        citizenship: "RO".into(),
        found_in_county: "RO-CJ".into(),
        age_years: Some(30),
        age_group: AgeGroup::Adult,
        exploitation: None,
        signals: Vec::new(),
        notes: String::new(),
        notifying_org: "IGPR".into(),
        created_by: None,
        notified_at_ms: at(notified),
        access,
        history,
    };
    app.store
        .create_case(&case, &[], &cli(START_MS))
        .await
        .unwrap();
    case.id
}

/// The mechanism's own performance, worked out by hand: the days from notification to the first
/// identification step fall into their bands, and a step after the year's end counts as not
/// taken in it; assistance and returns count the steps taken before the end.
#[tokio::test]
async fn the_mechanisms_performance_counts_the_steps_taken_before_the_years_end() {
    const DAY: i64 = 86_400_000;
    for app in backends().await {
        let b = app.backend;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let token = app.token(&coordinator).await;
        // Notified on 21 March 2026, 250 days before the tests' clock (27 November 2026).
        let notified = START_MS - 250 * DAY;
        let to = |days: i64| notified + days * DAY;
        let main = |identified: i64| {
            vec![
                (CaseState::PotentialVictim, to(0)),
                (CaseState::PresumedVictim, to(0)),
                (CaseState::IdentifiedVictim, to(identified)),
            ]
        };
        let mut assisted_returned = main(10);
        assisted_returned.extend([
            (CaseState::InAssistance, to(11)),
            (CaseState::Returned, to(12)),
        ]);
        seed_path(&app, Sex::Female, notified, &assisted_returned).await;
        let mut assisted = main(45);
        assisted.push((CaseState::InAssistance, to(46)));
        seed_path(&app, Sex::Male, notified, &assisted).await;
        seed_path(&app, Sex::Female, notified, &main(100)).await;
        seed_path(&app, Sex::Female, notified, &main(200)).await;
        // Identified at the very instant of the notification: an imported history, whose file
        // held one date; identified, at a time not known.
        seed_path(&app, Sex::Male, notified, &main(0)).await;
        // Identified in January 2027: in 2026 still presumed, as is one never identified.
        seed_path(&app, Sex::Female, notified, &main(300)).await;
        seed_path(
            &app,
            Sex::Male,
            notified,
            &[
                (CaseState::PotentialVictim, to(0)),
                (CaseState::PresumedVictim, to(0)),
            ],
        )
        .await;

        let table = |name: &'static str| table_json(&app, &token, name, 2026, false);
        let v = |n: u64| serde_json::json!({ "value": n });
        let times = table("victims-by-identification-time-sex").await;
        assert_eq!(
            times["rows"],
            serde_json::json!([
                "within_30_days",
                "31_90_days",
                "91_180_days",
                "over_180_days",
                "time_not_known",
                "not_identified"
            ]),
            "{b}"
        );
        // Columns: female, male, other or unknown.
        assert_eq!(
            times["cells"],
            serde_json::json!([
                [v(1), v(0), v(0)],
                [v(0), v(1), v(0)],
                [v(1), v(0), v(0)],
                [v(1), v(0), v(0)],
                [v(0), v(1), v(0)],
                [v(1), v(1), v(0)]
            ]),
            "{b}"
        );
        assert_eq!(times["total"], v(7), "{b}");
        // Identified by the year's end after 10, 45, 100 and 200 days (and one at a time not
        // known, left out): by nearest rank, the median is the 2nd of the four, the 90th
        // percentile the 4th.
        assert_eq!(
            times["identification_days"],
            serde_json::json!({"identified": 4, "median_days": 45, "p90_days": 200}),
            "{b}"
        );
        let page = app
            .get(
                "/statistics/victims-by-identification-time-sex?year=2026&view=internal",
                Some(&app.login("coord").await),
            )
            .await;
        assert!(
            page.body.contains("Mediana: 45 de zile; percentila a 90-a: 200 de zile (4 victime identificate până la sfârșitul anului)."),
            "{b}: {}",
            page.body
        );
        // The other tables carry no such summary.
        let assistance_json = table("victims-by-assistance-sex").await;
        assert!(assistance_json.get("identification_days").is_none(), "{b}");
        let assistance = table("victims-by-assistance-sex").await;
        assert_eq!(
            assistance["cells"],
            serde_json::json!([[v(1), v(1), v(0)], [v(3), v(2), v(0)]]),
            "{b}"
        );
        let returns = table("victims-by-return-scope").await;
        // Columns: internal, international, unknown (no victim profile recorded).
        assert_eq!(
            returns["cells"],
            serde_json::json!([[v(0), v(0), v(1)], [v(0), v(0), v(6)]]),
            "{b}"
        );
        // A year counts the victims whose first step to presumed or identified falls in it: the
        // person identified in January 2027 became a presumed victim in 2026, so 2027 counts
        // nobody (counted by the year of identification, it would count one).
        let later = app
            .api(
                "GET",
                "/api/v1/statistics/tables/victims-by-identification-time-sex?year=2027&published=false",
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(later["total"], v(0), "{b}");
    }
}

/// A referral sent and answered, and a reflection period offered, through the API are counted in
/// the mechanism's own tables (in their units, not in victims), and the publication protects
/// those tables apart from the victims' ones.
#[tokio::test]
async fn referrals_and_reflection_periods_are_counted_in_their_own_tables() {
    use serde_json::json;
    for app in backends().await {
        let b = app.backend;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let cw = app.user("cw", "ANITP-CJ", "case_worker").await;
        let police = app.user("pol", "IGPR", "case_worker").await;
        let (coord, cw, police) = (
            app.token(&coordinator).await,
            app.token(&cw).await,
            app.token(&police).await,
        );
        let (case, _) = app
            .seed_case_as(
                "RO-CJ",
                "IGPR",
                AgeGroup::Adult,
                "Referiteanu",
                "MD",
                CaseState::PresumedVictim,
            )
            .await;
        let post = |path: String, token: String, body: serde_json::Value| {
            let app = &app;
            async move {
                let r = app.api("POST", &path, Some(&token), Some(body)).await;
                assert!(r.status.is_success(), "{b}: {path}: {}", r.body);
                r.json()
            }
        };
        post(
            format!("/api/v1/cases/{case}/information"),
            cw.clone(),
            json!({"rights": ["legal_aid"], "language": "ru", "interpreter": true, "notice_version": "2026-1"}),
        )
        .await;
        post(
            format!("/api/v1/cases/{case}/consents"),
            cw.clone(),
            json!({"purpose": "sharing_with_police", "recipient": "IGPR", "given_by": "person", "method": "signed_form"}),
        )
        .await;
        let sent = post(
            format!("/api/v1/cases/{case}/referrals"),
            cw.clone(),
            json!({"to_org": "IGPR", "service": "investigation", "urgent": true}),
        )
        .await;
        let referral = sent["id"].as_str().unwrap().to_string();
        post(
            format!("/api/v1/referrals/{referral}/answer"),
            police.clone(),
            json!({"accept": false, "reason": "Nu este de competența noastră."}),
        )
        .await;
        post(
            format!("/api/v1/cases/{case}/reflection"),
            cw.clone(),
            json!({"accepted": true, "language": "ru"}),
        )
        .await;

        let table = |name: &'static str| table_json(&app, &coord, name, 2026, false);
        let referrals = table("referrals-by-service-answer").await;
        assert_eq!(referrals["unit"], "referrals", "{b}");
        let row = |t: &serde_json::Value, code: &str| {
            t["rows"]
                .as_array()
                .unwrap()
                .iter()
                .position(|r| r == code)
                .unwrap()
        };
        let column = |t: &serde_json::Value, code: &str| {
            t["columns"]
                .as_array()
                .unwrap()
                .iter()
                .position(|c| c == code)
                .unwrap()
        };
        // Declined at once, well within the urgent referral's 24 hours.
        let cell = &referrals["cells"][row(&referrals, "investigation")]
            [column(&referrals, "declined_in_time")];
        assert_eq!(cell, &json!({"value": 1}), "{b}: {referrals}");
        assert_eq!(referrals["total"], json!({"value": 1}), "{b}");
        let periods = table("reflection-periods-by-outcome-citizenship").await;
        assert_eq!(periods["unit"], "reflection_periods", "{b}");
        let cell = &periods["cells"][row(&periods, "running")][column(&periods, "non_eu")];
        assert_eq!(cell, &json!({"value": 1}), "{b}: {periods}");
        assert_eq!(periods["total"], json!({"value": 1}), "{b}");
        // One person, one victim: the victims' tables count her once, as referred.
        let victims = table("victims-by-referral-sex").await;
        assert_eq!(victims["unit"], "victims", "{b}");
        assert_eq!(victims["total"], json!({"value": 1}), "{b}");
        assert_eq!(
            victims["cells"][row(&victims, "referred")][column(&victims, "female")],
            json!({"value": 1}),
            "{b}: {victims}"
        );

        let page = app
            .get_lang(
                "/statistics/referrals-by-service-answer?year=2026&view=internal",
                Some(&app.login("coord").await),
                Some("en"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(
            page.body
                .contains("Referrals sent, by service asked for and answer"),
            "{b}"
        );
        assert!(page.body.contains("Declined in time"), "{b}");
    }
}

/// Twelve referrals of one person are a figure above k that still tells of one person: the
/// published view hides it as it hides a small figure, while the coordinator's exact view shows
/// it.
#[tokio::test]
async fn a_large_figure_of_one_persons_referrals_is_not_published() {
    use mnir_domain::clocks::ClockKind;
    use serde_json::json;
    const DAY: i64 = 86_400_000;
    for app in backends().await {
        let b = app.backend;
        let coordinator = app.user("coord", "ANITP", "coordinator").await;
        let token = app.token(&coordinator).await;
        // 1 March 2025, 09:00 in Bucharest.
        let found = 1_740_812_400_000;
        let case = seed_path(
            &app,
            Sex::Female,
            found - DAY,
            &[
                (CaseState::PotentialVictim, found - DAY),
                (CaseState::PresumedVictim, found),
            ],
        )
        .await;
        let jurisdiction = mnir_domain::jurisdiction::Jurisdiction::romania();
        let mut generated = mnir_store::GeneratedReferrals::default();
        for n in 0..12 {
            let id = format!("{case}-r{n}");
            let sent = found + (n + 1) * DAY;
            let clock = mnir_store::ClockRecord::start(
                &jurisdiction,
                format!("{id}-clock"),
                ClockKind::ReferralResponse,
                &case,
                "ANITP-CJ",
                at(sent),
                false,
            )
            .unwrap();
            generated.clocks.push(mnir_store::ClockRecord {
                referral_id: Some(id.clone()),
                state: mnir_store::ClockState::Stopped,
                stopped_at_ms: Some(at(sent + 5 * 3_600_000)),
                ..clock
            });
            generated.referrals.push(mnir_store::ReferralRecord {
                id,
                case_id: case.clone(),
                case_reference: String::new(),
                from_org: "ANITP-CJ".into(),
                to_org: "DGASPC-CJ".into(),
                service: "accommodation".into(),
                urgent: false,
                status: mnir_domain::referral::ReferralStatus::Accepted,
                sent_by: String::new(),
                sent_at_ms: at(sent),
                answered_by: Some(String::new()),
                answered_at_ms: Some(at(sent + 5 * 3_600_000)),
                decline_reason: None,
            });
        }
        app.store
            .insert_generated_referrals(&generated, &cli(START_MS))
            .await
            .unwrap();
        let table = |published: bool| {
            table_json(&app, &token, "referrals-by-service-answer", 2025, published)
        };
        let exact = table(false).await;
        assert_eq!(exact["cells"][0][0], json!({"value": 12}), "{b}: {exact}");
        assert_eq!(exact["total"], json!({"value": 12}), "{b}");
        let published = table(true).await;
        assert_eq!(
            published["cells"][0][0],
            json!({"suppressed": "primary"}),
            "{b}: {published}"
        );
        assert!(published["total"].get("suppressed").is_some(), "{b}");
        for figure in figures(&published) {
            assert!(
                figure.get("suppressed").is_some() || figure["value"] == 0,
                "{b}: one person's referrals leave nothing but zeros to publish: {published}"
            );
        }
    }
}
