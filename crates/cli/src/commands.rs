use crate::open::{Location, default_key_file, keys_for, open, redacted};
use crate::{DbArgs, usage};
use mnir_domain::defaults::romanian_organisations;
use mnir_domain::{IdentifyPower, OrgKind, OrgType, RoleSet};
use mnir_store::{
    ApiTokenRecord, AuditActor, AuditVerdict, NewUser, Organisation, Store, StoreError,
};
use mnir_web::{AppState, SystemClock, WebConfig};
use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub async fn migrate(db: &DbArgs) -> anyhow::Result<ExitCode> {
    open(db).await?;
    println!("schema is up to date ({})", redacted(&db.url));
    Ok(ExitCode::SUCCESS)
}

/// Saves the default organisations; returns how many were new.
async fn seed_organisations(store: &dyn Store) -> anyhow::Result<usize> {
    let by = AuditActor::cli(now_ms());
    let mut added = 0;
    for spec in romanian_organisations() {
        if store.organisation(&spec.code).await?.is_some() {
            continue;
        }
        store.upsert_organisation(&spec.into(), &by).await?;
        added += 1;
    }
    Ok(added)
}

pub async fn init(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let added = seed_organisations(store.as_ref()).await?;
    let total = store.list_organisations().await?.len();
    println!("{added} organisations added, {total} in all");
    Ok(ExitCode::SUCCESS)
}

pub async fn org_add(
    db: &DbArgs,
    code: &str,
    name: &str,
    org_type: &str,
    county: Option<&str>,
    kind: &str,
    identifies: &str,
) -> anyhow::Result<ExitCode> {
    let org_type: OrgType = org_type
        .parse()
        .map_err(|e: mnir_domain::org::UnknownOrgType| usage(e.to_string()))?;
    let kind: OrgKind = kind.parse().map_err(usage)?;
    let identify_power: IdentifyPower = identifies.parse().map_err(usage)?;
    let code = code.trim().to_ascii_uppercase();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(usage(format!(
            "organisation code `{code}` must be letters, digits and dashes"
        )));
    }
    if name.trim().is_empty() {
        return Err(usage("--name must not be empty"));
    }
    if let Some(c) = county.filter(|c| mnir_domain::reference::county(c).is_none()) {
        return Err(usage(format!(
            "unknown county `{c}` (ISO 3166-2, e.g. RO-CJ)"
        )));
    }
    let (store, _) = open(db).await?;
    let org = Organisation {
        code: code.clone(),
        name: name.trim().to_string(),
        org_type,
        kind,
        county: county.map(str::to_string),
        identify_power,
        active: true,
    };
    store
        .upsert_organisation(&org, &AuditActor::cli(now_ms()))
        .await?;
    println!("organisation {code} saved");
    Ok(ExitCode::SUCCESS)
}

pub async fn org_list(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    for o in store.list_organisations().await? {
        println!(
            "{:<12} {:<30} {:<16} {:<6} {:<13} {}",
            o.code,
            o.org_type.as_str(),
            o.kind.as_str(),
            o.county.as_deref().unwrap_or("-"),
            o.identify_power.as_str(),
            o.name
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn user_add(
    db: &DbArgs,
    org: &str,
    login: &str,
    roles: &str,
) -> anyhow::Result<ExitCode> {
    let roles: RoleSet = roles
        .parse()
        .map_err(|e: mnir_domain::role::UnknownRole| usage(e.to_string()))?;
    let login = login.trim();
    if login.is_empty()
        || login.len() > 64
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        return Err(usage(format!(
            "login `{login}` must be 1–64 letters, digits or . _ - @"
        )));
    }
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    if password.chars().count() < mnir_web::MIN_PASSWORD {
        return Err(usage(format!(
            "the password must have at least {} characters",
            mnir_web::MIN_PASSWORD
        )));
    }
    let (store, _) = open(db).await?;
    if store.organisation(org).await?.is_none() {
        return Err(usage(format!(
            "unknown organisation `{org}` (see `mnir org list`)"
        )));
    }
    let hash = tokio::task::spawn_blocking(move || {
        mnir_crypto::hash_password(&password, mnir_crypto::PasswordCost::Standard)
    })
    .await?;
    let new = NewUser {
        login: login.to_string(),
        org_code: org.to_string(),
        roles,
        password_hash: hash,
        now_ms: now_ms(),
    };
    match store.create_user(&new, &AuditActor::cli(now_ms())).await {
        Ok(user) => {
            println!(
                "user {} created in {} with roles {}",
                user.login, user.org.code, user.roles
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Conflict(_)) => Err(usage(format!("login `{login}` already exists"))),
        Err(e) => Err(e.into()),
    }
}

pub async fn user_list(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    for u in store.list_users().await? {
        println!(
            "{:<24} {:<12} {}{}",
            u.login,
            u.org.code,
            u.roles,
            if u.active { "" } else { " (disabled)" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses `30d`, `12h`, `45m` into milliseconds.
pub fn parse_ttl(ttl: &str) -> anyhow::Result<i64> {
    let ttl = ttl.trim();
    let bad = || {
        usage(format!(
            "invalid --ttl `{ttl}` (expected a number followed by d, h or m, e.g. 30d)"
        ))
    };
    let (number, unit) = ttl.split_at(ttl.len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "d" => 86_400_000,
        "h" => 3_600_000,
        "m" => 60_000,
        _ => return Err(bad()),
    };
    if n <= 0 || n > 3650 * 86_400_000 / unit_ms {
        return Err(bad());
    }
    Ok(n * unit_ms)
}

pub async fn token_issue(db: &DbArgs, login: &str, ttl: &str) -> anyhow::Result<ExitCode> {
    let ttl_ms = parse_ttl(ttl)?;
    let (store, _) = open(db).await?;
    let user = store
        .user_by_login(login)
        .await?
        .ok_or_else(|| usage(format!("unknown login `{login}`")))?;
    let token = mnir_crypto::random_secret();
    let now = now_ms();
    let record = ApiTokenRecord {
        token_hash: mnir_crypto::secret_hash(&token),
        user_id: user.id.clone(),
        created_at_ms: now,
        expires_at_ms: now + ttl_ms,
    };
    store
        .create_api_token(&record, &AuditActor::cli(now))
        .await?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

const BATCH: usize = 2000;

/// Inserts `count` synthetic cases in batches, one transaction each; returns the rate.
async fn insert_synthetic(store: &dyn Store, count: usize, seed: u64) -> anyhow::Result<f64> {
    if store.organisation("IGPR").await?.is_none() {
        return Err(usage(
            "the default organisations are missing: run `mnir init` first",
        ));
    }
    let started = Instant::now();
    let mut generator = mnir_synth::Generator::new(seed, mnir_synth::SERIES_END);
    // The generated cases' open clocks run on the built-in profile's lengths.
    let jurisdiction = mnir_domain::jurisdiction::Jurisdiction::romania();
    let mut done = 0;
    while done < count {
        let batch: Vec<_> = generator.by_ref().take(BATCH.min(count - done)).collect();
        let clocks: Vec<_> = batch
            .iter()
            .flat_map(|case| mnir_synth::running_clocks(case, &jurisdiction))
            .collect();
        match store
            .insert_generated_cases(&batch, &clocks, &AuditActor::cli(now_ms()))
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return Err(usage(format!(
                    "cases from seed {seed} are already in the database; choose another --seed"
                )));
            }
            Err(e) => return Err(e.into()),
        }
        done += batch.len();
        if count >= 50_000 && done % 50_000 < BATCH {
            eprintln!("  {done} / {count}");
        }
    }
    Ok(count as f64 / started.elapsed().as_secs_f64().max(1e-9))
}

pub async fn generate(db: &DbArgs, cases: usize, seed: u64) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let started = Instant::now();
    let rate = insert_synthetic(store.as_ref(), cases, seed).await?;
    println!(
        "generated {cases} cases in {:.2} s ({:.0} cases/s) on {}",
        started.elapsed().as_secs_f64(),
        rate,
        store.backend()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn audit_verify(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    match store.verify_audit().await? {
        AuditVerdict::Intact { entries } => {
            println!("audit log intact: {entries} entries");
            Ok(ExitCode::SUCCESS)
        }
        AuditVerdict::Broken { seq, why } => {
            println!("audit log broken at entry {seq}: {why}");
            Ok(ExitCode::from(1))
        }
    }
}

fn web_config(insecure_cookies: bool, default_lang: &str) -> anyhow::Result<WebConfig> {
    let default_lang = mnir_web::Lang::parse(default_lang).ok_or_else(|| {
        usage(format!(
            "unknown --default-lang `{default_lang}` (ro or en)"
        ))
    })?;
    Ok(WebConfig {
        secure_cookies: !insecure_cookies,
        default_lang,
        ..WebConfig::default()
    })
}

/// What a server runs under besides its database: the jurisdiction's clocks and holidays, and
/// how often it looks for expired clocks.
pub struct ServerRules {
    pub jurisdiction: mnir_domain::jurisdiction::Jurisdiction,
    pub clock_check: std::time::Duration,
}

impl Default for ServerRules {
    fn default() -> Self {
        ServerRules {
            jurisdiction: mnir_domain::jurisdiction::Jurisdiction::romania(),
            clock_check: std::time::Duration::from_secs(30),
        }
    }
}

async fn run_server(
    store: Arc<dyn Store>,
    keys: mnir_crypto::Keys,
    config: WebConfig,
    listen: SocketAddr,
    rules: ServerRules,
) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| usage(format!("cannot listen on {listen}: {e}")))?;
    let listen = listener.local_addr().unwrap_or(listen);
    tracing::info!(
        jurisdiction = %rules.jurisdiction.code,
        clock_check_s = rules.clock_check.as_secs(),
        "rules loaded"
    );
    let state = AppState::new(store.clone(), keys, config, Arc::new(SystemClock))
        .with_jurisdiction(rules.jurisdiction);
    let scheduler = tokio::spawn(mnir_app::clocks::run_scheduler(
        state.app.clone(),
        rules.clock_check,
    ));
    let sweeper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired_sessions(now_ms()).await {
                tracing::warn!(%e, "could not remove expired sessions");
            }
        }
    });
    tracing::info!(%listen, "mnir is serving");
    axum::serve(
        listener,
        mnir_web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    sweeper.abort();
    scheduler.abort();
    Ok(ExitCode::SUCCESS)
}

pub async fn serve(
    db: &DbArgs,
    listen: SocketAddr,
    insecure_cookies: bool,
    default_lang: &str,
    jurisdiction_name: &str,
    clock_check_every: u64,
) -> anyhow::Result<ExitCode> {
    let config = web_config(insecure_cookies, default_lang)?;
    // The rules are checked before the database is touched: a broken profile stops the start.
    let jurisdiction = jurisdiction(jurisdiction_name)?;
    if !(1..=3600).contains(&clock_check_every) {
        return Err(usage(format!(
            "--clock-check-every {clock_check_every} is outside 1–3600 seconds"
        )));
    }
    let (store, keys) = open(db).await?;
    if store.organisation("ANITP").await?.is_none() {
        tracing::warn!("the database has no organisations yet: run `mnir init`");
    }
    let rules = ServerRules {
        jurisdiction,
        clock_check: std::time::Duration::from_secs(clock_check_every),
    };
    run_server(store, keys, config, listen, rules).await
}

/// The demo accounts: one per role, in organisations where that role has work to see.
const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("demo.screener", "IGPR", "screener"),
    ("demo.caseworker", "ANITP-B", "case_worker"),
    ("demo.officer", "ANITP-B", "identification_officer"),
    ("demo.supervisor", "ANITP-B", "supervisor"),
    ("demo.coordinator", "ANITP", "coordinator"),
    ("demo.investigator", "DIICOT", "investigator"),
    ("demo.trainer", "ANITP", "trainer"),
    ("demo.admin", "ANITP", "admin"),
    (
        "demo.dgaspc",
        "DGASPC-B",
        "case_worker,identification_officer",
    ),
];

fn demo_password() -> String {
    // Four groups of five lowercase letters and digits: easy to type, about 100 bits.
    let secret = mnir_crypto::random_secret();
    let alphabet: Vec<char> = "abcdefghijkmnpqrstuvwxyz23456789".chars().collect();
    let chars: Vec<char> = secret
        .as_bytes()
        .chunks(2)
        .take(20)
        .map(|p| alphabet[(p[0] as usize * 7 + p[1] as usize) % alphabet.len()])
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

pub async fn demo(
    db: DbArgs,
    listen: SocketAddr,
    fresh: bool,
    cases: usize,
    seed: u64,
) -> anyhow::Result<ExitCode> {
    if fresh {
        match keys_for(&DbArgs {
            url: db.url.clone(),
            key_file: Some(std::env::temp_dir().join("mnir-probe.key")),
        })? {
            (_, Location::Sqlite(path)) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.as_os_str().to_owned();
                    p.push(suffix);
                    let _ = std::fs::remove_file(&p);
                }
                let _ = std::fs::remove_file(
                    db.key_file
                        .clone()
                        .unwrap_or_else(|| default_key_file(&path)),
                );
            }
            (_, Location::Postgres(_)) => {
                return Err(usage("--fresh only removes a SQLite demo database"));
            }
        }
    }
    let (store, keys) = open(&db).await?;
    let added = seed_organisations(store.as_ref()).await?;
    let by = AuditActor::cli(now_ms());
    println!(
        "mnir demo — database {} ({} organisations{})",
        redacted(&db.url),
        store.list_organisations().await?.len(),
        if added > 0 { ", new" } else { "" }
    );
    println!("\nAccounts (passwords are new at every start of the demo):");
    for (login, org, roles) in DEMO_ACCOUNTS {
        let password = demo_password();
        let pw = password.clone();
        let hash = tokio::task::spawn_blocking(move || {
            mnir_crypto::hash_password(&pw, mnir_crypto::PasswordCost::Standard)
        })
        .await?;
        match store.user_by_login(login).await? {
            Some(user) => store.set_password(&user.id, &hash, &by).await?,
            None => {
                let roles: RoleSet = roles
                    .parse()
                    .map_err(|e: mnir_domain::role::UnknownRole| usage(e.to_string()))?;
                store
                    .create_user(
                        &NewUser {
                            login: login.to_string(),
                            org_code: org.to_string(),
                            roles,
                            password_hash: hash,
                            now_ms: now_ms(),
                        },
                        &by,
                    )
                    .await?;
            }
        }
        println!("  {login:<20} {password}   {org:<9} {roles}");
    }
    let existing = store
        .count_cases_by_state(&mnir_store::ScopeFor {
            scope: mnir_domain::CaseScope {
                national: true,
                ..Default::default()
            },
            org_code: "ANITP".into(),
            user_id: String::new(),
        })
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum::<i64>();
    if existing == 0 && cases > 0 {
        let rate = insert_synthetic(store.as_ref(), cases, seed).await?;
        println!("\n{cases} synthetic cases created ({rate:.0} cases/s).");
    } else {
        println!("\n{existing} cases already in the database (use --fresh to start anew).");
    }
    let insecure = listen.ip().is_loopback();
    if !insecure {
        println!("Listening beyond localhost: cookies require HTTPS in front of mnir.");
    }
    println!("\nOpen http://{listen}/ — stop with Ctrl+C.");
    run_server(
        store,
        keys,
        web_config(insecure, "ro")?,
        listen,
        ServerRules::default(),
    )
    .await
}

fn code_list(text: &str) -> std::collections::BTreeSet<String> {
    text.split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect()
}

pub async fn indicators_evaluate(
    db: Option<&DbArgs>,
    profile: &str,
    present: &str,
    asked: Option<&str>,
    act: Option<&str>,
    lang: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use mnir_domain::identification::{Answers, Catalogue, Profile, evaluate};
    let lang = mnir_web::Lang::parse(lang)
        .ok_or_else(|| usage(format!("unknown --lang `{lang}` (ro or en)")))?;
    let tr = mnir_web::Tr::new(lang);
    let profile: Profile = profile.parse().map_err(usage)?;
    let act = match act {
        None => None,
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some(other) => return Err(usage(format!("--act must be yes or no, not `{other}`"))),
    };
    let catalogue: std::sync::Arc<Catalogue> = match db {
        None => std::sync::Arc::new(Catalogue::builtin().clone()),
        Some(db) => {
            let (store, keys) = open(db).await?;
            let state = AppState::new(store, keys, WebConfig::default(), Arc::new(SystemClock));
            state.app.active_catalogue().await?
        }
    };
    let answers = Answers {
        present: code_list(present),
        asked: asked.map(code_list),
        act,
    };
    let evaluation = evaluate(&catalogue, profile, &answers)
        .map_err(|e| usage(mnir_web::identification::api::evaluation_error(&tr, &e)))?;
    let result = mnir_web::explain::evaluation_json(&tr, &catalogue, &evaluation);
    if json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        for sentence in &result.explanation {
            println!("{sentence}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn catalogue_import(
    db: &DbArgs,
    version: &str,
    file: &std::path::Path,
    activate: bool,
) -> anyhow::Result<ExitCode> {
    use mnir_domain::identification::{BUILTIN_VERSION, Catalogue};
    let text = std::fs::read_to_string(file)
        .map_err(|e| usage(format!("cannot read {}: {e}", file.display())))?;
    if version == BUILTIN_VERSION {
        return Err(usage(format!(
            "version {BUILTIN_VERSION} is the built-in catalogue; choose another name"
        )));
    }
    let catalogue = match Catalogue::parse(version, &text) {
        Ok(c) => c,
        Err(errors) => {
            eprintln!(
                "mnir: the catalogue in {} was not loaded ({} problems):",
                file.display(),
                errors.len()
            );
            for e in &errors {
                eprintln!("  {e}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let (store, keys) = open(db).await?;
    // The same use case as the coordinator's page, for the operator of the server.
    let app = AppState::new(store, keys, WebConfig::default(), Arc::new(SystemClock)).app;
    let changer = mnir_app::catalogue::Changer::Operator(AuditActor::cli(now_ms()));
    match mnir_app::catalogue::import(&app, &changer, version, &text, activate).await? {
        Ok(_) => {}
        Err(mnir_app::catalogue::Rejected::VersionExists(_)) => {
            return Err(usage(format!("catalogue version {version} already exists")));
        }
        Err(mnir_app::catalogue::Rejected::Rows(rows)) => {
            return Err(usage(format!("{} problems in the catalogue", rows.len())));
        }
    }
    println!(
        "catalogue {version} loaded: {} indicators{}",
        catalogue.indicators.len(),
        if activate {
            ", active"
        } else {
            " (activate it with `mnir catalogue activate`)"
        }
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn catalogue_list(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let imported = store.list_catalogues().await?;
    let builtin_active = !imported.iter().any(|c| c.active);
    for c in &imported {
        println!(
            "{:<24} {:>4} indicators{}",
            c.version,
            c.indicator_count,
            if c.active { "  active" } else { "" }
        );
    }
    println!(
        "{:<24} {:>4} indicators  built in{}",
        mnir_domain::identification::BUILTIN_VERSION,
        mnir_domain::identification::Catalogue::builtin()
            .indicators
            .len(),
        if builtin_active { ", active" } else { "" }
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn catalogue_activate(db: &DbArgs, version: &str) -> anyhow::Result<ExitCode> {
    let (store, keys) = open(db).await?;
    let app = AppState::new(store, keys, WebConfig::default(), Arc::new(SystemClock)).app;
    let changer = mnir_app::catalogue::Changer::Operator(AuditActor::cli(now_ms()));
    match mnir_app::catalogue::activate(&app, &changer, version).await {
        Ok(()) => {
            println!("catalogue {version} is active");
            Ok(ExitCode::SUCCESS)
        }
        Err(mnir_app::AppError::NotFound) => Err(usage(format!(
            "unknown catalogue version `{version}` (see `mnir catalogue list`)"
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The built-in profile for `ro`, or a profile read from a TOML file.
pub fn jurisdiction(name: &str) -> anyhow::Result<mnir_domain::jurisdiction::Jurisdiction> {
    use mnir_domain::jurisdiction::Jurisdiction;
    if name == "ro" {
        return Ok(Jurisdiction::romania());
    }
    if !name.ends_with(".toml") {
        return Err(usage(format!(
            "unknown jurisdiction `{name}` (ro, or the path of a .toml profile)"
        )));
    }
    let text =
        std::fs::read_to_string(name).map_err(|e| usage(format!("cannot read {name}: {e}")))?;
    Jurisdiction::parse(&text).map_err(|errors| usage(format!("{name}: {}", errors.join("; "))))
}

pub fn calendar_holidays(year: i32, name: &str) -> anyhow::Result<ExitCode> {
    if !(1900..=2099).contains(&year) {
        return Err(usage(format!("--year {year} is outside 1900–2099")));
    }
    for day in jurisdiction(name)?.holidays.holidays(year) {
        println!("{day}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn calendar_add_working_days(from: &str, days: u32, name: &str) -> anyhow::Result<ExitCode> {
    let start = chrono::NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d")
        .map_err(|_| usage(format!("--from `{from}` is not a date (YYYY-MM-DD)")))?;
    if days > 3650 {
        return Err(usage("--days must be at most 3650"));
    }
    println!(
        "{}",
        jurisdiction(name)?.holidays.add_working_days(start, days)
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_read_days_hours_and_minutes() {
        assert_eq!(parse_ttl("30d").unwrap(), 30 * 86_400_000);
        assert_eq!(parse_ttl("12h").unwrap(), 12 * 3_600_000);
        assert_eq!(parse_ttl("45m").unwrap(), 45 * 60_000);
        for bad in ["", "d", "0d", "-1h", "3w", "10", "99999d"] {
            assert!(parse_ttl(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn demo_passwords_are_long_and_fresh() {
        let a = demo_password();
        assert_eq!(a.len(), 23);
        assert_ne!(a, demo_password());
    }
}
