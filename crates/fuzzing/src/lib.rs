//! What each fuzz target of `fuzz/` runs: every parser of outside input, fed arbitrary bytes.
//! A parser may refuse its input, with the problems it names; it must never panic, loop without
//! end, or accept what it then cannot give back. The same functions replay the corpora and every
//! crash kept under `fuzz/` in the test suite (`tests/corpora.rs`), so a fixed crash stays fixed.

use chrono::{NaiveDate, TimeZone, Utc};
use mnir_domain::identification::Catalogue;
use mnir_domain::jurisdiction::Jurisdiction;
use mnir_domain::training::{Curriculum, VignetteSet, parse_sessions};

/// What a fuzz target runs on one input.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, as `fuzz/fuzz_targets/<name>.rs` and the corpora's folders call
/// them.
pub const TARGETS: &[(&str, Target)] = &[
    ("catalogue_csv", catalogue_csv),
    ("jurisdiction_toml", jurisdiction_toml),
    ("training_data", training_data),
    ("htcds_import", htcds_import),
    ("notification_json", notification_json),
    ("notification_form", notification_form),
];

/// An indicator catalogue imported by a coordinator (CSV). An accepted catalogue has indicators
/// with codes, each reachable by its code.
pub fn catalogue_csv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Catalogue::parse("fuzz", text) {
        Ok(catalogue) => {
            for indicator in &catalogue.indicators {
                assert!(!indicator.code.is_empty(), "an indicator without a code");
                assert!(catalogue.indicator(&indicator.code).is_some());
            }
        }
        Err(problems) => assert!(!problems.is_empty(), "refused without a reason"),
    }
}

/// A jurisdiction profile (TOML) given to `serve --jurisdiction`.
pub fn jurisdiction_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Jurisdiction::parse(text) {
        Ok(profile) => {
            // An accepted profile can place any day of a year in time.
            let day = NaiveDate::from_ymd_opt(2026, 3, 29).expect("a day");
            let _ = profile.start_of_day(day);
        }
        Err(problems) => assert!(!problems.is_empty(), "refused without a reason"),
    }
}

/// A trainer's curriculum, vignettes or record of past sessions: the first byte chooses which.
pub fn training_data(data: &[u8]) {
    let Some((which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match which % 3 {
        0 => {
            if let Err(problems) = Curriculum::parse(text) {
                assert!(!problems.is_empty());
            }
        }
        1 => {
            if let Err(problems) = VignetteSet::parse(text, Catalogue::builtin()) {
                assert!(!problems.is_empty());
            }
        }
        _ => {
            if let Err(problems) = parse_sessions(text, &Curriculum::builtin()) {
                assert!(!problems.is_empty());
            }
        }
    }
}

/// A file of cases in HTCDS (CSV or XLSX) given to the import: the table, its header, then each
/// row.
pub fn htcds_import(data: &[u8]) {
    let Ok(rows) = mnir_app::exchange::read_table(data) else {
        return;
    };
    let Some(((_, header), body)) = rows.split_first() else {
        return;
    };
    let Ok(columns) = mnir_domain::htcds::read_header(header) else {
        return;
    };
    for (_, cells) in body {
        let _ = mnir_domain::htcds::read_row(&columns, cells);
    }
}

/// The screener who notifies in the two notification targets.
fn notifier() -> mnir_store::User {
    let org = mnir_domain::defaults::romanian_organisations()
        .into_iter()
        .find(|o| o.code == "IGPR")
        .expect("IGPR is in the built-in directory");
    mnir_store::User {
        id: "fuzz-user".into(),
        login: "fuzz".into(),
        org: org.into(),
        roles: mnir_domain::RoleSet::new(vec![mnir_domain::Role::Screener]),
        password_hash: String::new(),
        active: true,
        failed_logins: 0,
        two_factor_since: None,
        glass_open_until: None,
        break_glass: Vec::new(),
    }
}

fn validate_notification(input: &mnir_app::notify::NotificationInput) {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("a day");
    match mnir_app::notify::validate(
        input,
        &notifier(),
        now,
        today,
        "fuzz-case".into(),
        "RO-FUZZ0-CASE0".into(),
    ) {
        // An accepted notification is routed somewhere and its person was born before today.
        Ok(case) => {
            assert!(!case.access.is_empty(), "a case routed to no one");
            assert!(case.birth_date.is_none_or(|d| d <= today));
        }
        Err(problems) => assert!(!problems.is_empty(), "refused without a reason"),
    }
}

/// A notification sent to the API as JSON.
pub fn notification_json(data: &[u8]) {
    if let Ok(input) = serde_json::from_slice::<mnir_app::notify::NotificationInput>(data) {
        validate_notification(&input);
    }
}

/// A notification posted by the page's form (`application/x-www-form-urlencoded`).
pub fn notification_form(data: &[u8]) {
    if let Ok(input) = serde_html_form::from_bytes::<mnir_app::notify::NotificationInput>(data) {
        validate_notification(&input);
    }
}
