use crate::open::{Location, default_key_file, keys_for, open, redacted};
use crate::{DbArgs, usage};
use mnir_app::operator::{self, NewAccount, NewOrganisation, SyntheticBatch};
use mnir_app::{AccountPolicy, App, AppError, Arg, Message};
use mnir_domain::{IdentifyPower, OrgKind, OrgType, RoleSet};
use mnir_store::{AuditActor, AuditVerdict, Store};
use mnir_web::{AppState, SystemClock, WebConfig};
use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

pub async fn migrate(db: &DbArgs) -> anyhow::Result<ExitCode> {
    open(db).await?;
    println!("schema is up to date ({})", redacted(&db.url));
    Ok(ExitCode::SUCCESS)
}

/// The use cases over an opened database, as its operator: no web configuration is needed.
pub(crate) fn operator_app(store: Arc<dyn Store>) -> App {
    App::new(store, Arc::new(SystemClock), AccountPolicy::default())
}

/// A text argument of a refusal's message (the value the operator typed, as the use case read it).
fn text_arg(message: &Message, name: &str) -> String {
    message
        .args
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, arg)| match arg {
            Arg::Text(s) | Arg::Term(_, s) => s.clone(),
            Arg::Number(n) => n.to_string(),
        })
        .unwrap_or_default()
}

/// The one English line an operator's use case refusal is printed as (exit status 2); any other
/// failure stays an error of the server (exit status 1).
pub(crate) fn refusal(e: AppError) -> anyhow::Error {
    let message = match &e {
        AppError::Invalid(issues) => issues.first().map(|i| &i.message),
        AppError::Conflict(m) => Some(m),
        _ => None,
    };
    let line = match message {
        Some(m) => match m.id {
            "org-code-invalid" => format!(
                "organisation code `{}` must be letters, digits and dashes",
                text_arg(m, "code")
            ),
            "org-name-required" => "--name must not be empty".to_string(),
            "user-screener-uncertified" => "the screener role needs a valid training certificate under this profile, and the account holds none: create it without the role, record its training and e-learning, then give the role with `mnir user roles`".to_string(),
            "org-county-unknown" => format!(
                "unknown county `{}` (ISO 3166-2, e.g. RO-CJ)",
                text_arg(m, "county")
            ),
            "user-login-invalid" => format!(
                "login `{}` must be 1–64 letters, digits or . _ - @",
                text_arg(m, "login")
            ),
            "account-too-short" => format!(
                "the password must have at least {} characters",
                mnir_app::accounts::MIN_PASSWORD
            ),
            "user-org-unknown" => format!(
                "unknown organisation `{}` (see `mnir org list`)",
                text_arg(m, "org")
            ),
            "user-login-exists" => format!("login `{}` already exists", text_arg(m, "login")),
            "token-needs-two-factor" => format!(
                "{} must set up two-factor sign-in (on its account page) before it gets an API token: the jurisdiction requires it of the account's roles",
                text_arg(m, "login")
            ),
            "statistics-year-out-of-range" => "--year must be between 2000 and 2100".to_string(),
            "statistics-region-unknown" => format!(
                "unknown development region `{}` (RO11…RO42)",
                text_arg(m, "region")
            ),
            "statistics-published-complete-years" => format!(
                "--published figures are for complete years only: {} or earlier",
                match m.args.iter().find(|(n, _)| *n == "last") {
                    Some((_, Arg::Number(n))) => n.to_string(),
                    _ => "last year".to_string(),
                }
            ),
            "statistics-published-national-only" => {
                "--published figures are national: the regions are published in victims-by-region-exploitation; leave out --region, or --published".to_string()
            }
            "statistics-table-unknown" => format!(
                "unknown table `{}` (see `mnir stats tables`)",
                text_arg(m, "name")
            ),
            "synthetic-no-organisations" => {
                "the default organisations are missing: run `mnir init` first".to_string()
            }
            _ => return e.into(),
        },
        None => return e.into(),
    };
    usage(line)
}

pub async fn init(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let added = operator::seed_organisations(&app).await?;
    let total = mnir_app::accounts::organisations(&app).await?.len();
    println!("{added} organisations added, {total} in all");
    Ok(ExitCode::SUCCESS)
}

/// `mnir org add` as typed: codes still to be read.
pub struct OrgAdd<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub org_type: &'a str,
    pub county: Option<&'a str>,
    pub kind: &'a str,
    pub identifies: &'a str,
    pub investigates: Option<bool>,
    pub country: Option<&'a str>,
}

pub async fn org_add(db: &DbArgs, typed: OrgAdd<'_>) -> anyhow::Result<ExitCode> {
    let OrgAdd {
        code,
        name,
        org_type,
        county,
        kind,
        identifies,
        investigates,
        country,
    } = typed;
    let org_type: OrgType = org_type
        .parse()
        .map_err(|e: mnir_domain::org::UnknownOrgType| usage(e.to_string()))?;
    let kind: OrgKind = kind.parse().map_err(usage)?;
    let identify_power: IdentifyPower = identifies.parse().map_err(usage)?;
    let org = NewOrganisation {
        code,
        name,
        org_type,
        kind,
        county,
        identify_power,
        investigates,
        country,
    }
    .check()
    .map_err(refusal)?;
    let (store, _) = open(db).await?;
    operator::save_organisation(&operator_app(store), &org).await?;
    println!("organisation {} saved", org.code());
    Ok(ExitCode::SUCCESS)
}

pub async fn org_list(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    for o in mnir_app::accounts::organisations(&operator_app(store)).await? {
        println!(
            "{:<12} {:<30} {:<16} {:<6} {:<13} {}{}{}",
            o.code,
            o.org_type.as_str(),
            o.kind.as_str(),
            // A partner abroad has a country where ours have a county.
            o.county.as_deref().or(o.country.as_deref()).unwrap_or("-"),
            o.identify_power.as_str(),
            o.name,
            if o.investigates {
                " (investigates)"
            } else {
                ""
            },
            if o.active { "" } else { " (disabled)" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn user_add(
    db: &DbArgs,
    org: &str,
    login: &str,
    roles: &str,
    jurisdiction_name: &str,
) -> anyhow::Result<ExitCode> {
    let rules = jurisdiction(jurisdiction_name)?;
    let roles: RoleSet = roles
        .parse()
        .map_err(|e: mnir_domain::role::UnknownRole| usage(e.to_string()))?;
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let account = NewAccount {
        login,
        org_code: org,
        roles,
        password: password.trim_end_matches(['\n', '\r']),
    }
    .check()
    .map_err(refusal)?;
    let (store, _) = open(db).await?;
    let user = operator::create_account(&operator_app(store).with_jurisdiction(rules), account)
        .await
        .map_err(refusal)?;
    println!(
        "user {} created in {} with roles {}",
        user.login, user.org.code, user.roles
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn user_roles(
    db: &DbArgs,
    login: &str,
    roles: &str,
    jurisdiction_name: &str,
) -> anyhow::Result<ExitCode> {
    let rules = jurisdiction(jurisdiction_name)?;
    let roles: RoleSet = roles
        .parse()
        .map_err(|e: mnir_domain::role::UnknownRole| usage(e.to_string()))?;
    let (store, _) = open(db).await?;
    let app = operator_app(store).with_jurisdiction(rules);
    match operator::set_roles(&app, login, roles).await {
        Ok(user) => {
            println!("account {} now holds the roles {}", user.login, user.roles);
            Ok(ExitCode::SUCCESS)
        }
        Err(mnir_app::AppError::NotFound) => Err(usage(format!("unknown login `{login}`"))),
        Err(e) => Err(refusal(e)),
    }
}

pub async fn user_set_active(db: &DbArgs, login: &str, active: bool) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    match operator::set_user_active(&operator_app(store), login, active).await {
        Ok(()) => {
            println!(
                "account {login} {}",
                if active {
                    "enabled"
                } else {
                    "disabled: its sessions and API tokens are ended"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(mnir_app::AppError::NotFound) => Err(usage(format!("unknown login `{login}`"))),
        Err(e) => Err(e.into()),
    }
}

pub async fn user_totp_reset(db: &DbArgs, login: &str) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    match operator::reset_two_factor(&operator_app(store), login).await {
        Ok(()) => {
            println!(
                "two-factor sign-in of {login} reset: its sessions and API tokens are ended; it sets up a new key at its next sign-in"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(mnir_app::AppError::NotFound) => Err(usage(format!("unknown login `{login}`"))),
        Err(e) => Err(e.into()),
    }
}

pub async fn org_set_active(db: &DbArgs, code: &str, active: bool) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    match operator::set_organisation_active(&operator_app(store), code, active).await {
        Ok(()) => {
            println!(
                "organisation {code} {}",
                if active { "enabled" } else { "disabled" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(mnir_app::AppError::NotFound) => Err(usage(format!("unknown organisation `{code}`"))),
        Err(e) => Err(e.into()),
    }
}

pub async fn token_list(db: &DbArgs, login: &str) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    match operator::tokens_of(&operator_app(store), login).await {
        Ok(tokens) => {
            for t in &tokens {
                println!(
                    "{}  issued {}  expires {}",
                    operator::token_id(t),
                    t.created_at_ms.to_utc().format("%Y-%m-%d %H:%M UTC"),
                    t.expires_at_ms.to_utc().format("%Y-%m-%d %H:%M UTC")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(mnir_app::AppError::NotFound) => Err(usage(format!("unknown login `{login}`"))),
        Err(e) => Err(e.into()),
    }
}

pub async fn token_revoke(db: &DbArgs, login: &str, id: &str) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    match operator::revoke_token(&operator_app(store), login, id).await {
        Ok(()) => {
            println!("token {id} of {login} revoked");
            Ok(ExitCode::SUCCESS)
        }
        Err(mnir_app::AppError::NotFound) => Err(usage(format!(
            "{login} has no token `{id}` (see `mnir token list --login {login}`)"
        ))),
        Err(e) => Err(e.into()),
    }
}

pub async fn user_list(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    for u in operator::users(&operator_app(store)).await? {
        println!(
            "{:<24} {:<12} {}{}{}",
            u.login,
            u.org.code,
            u.roles,
            if u.two_factor_since.is_some() {
                " (two-factor)"
            } else {
                ""
            },
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

pub async fn token_issue(
    db: &DbArgs,
    login: &str,
    ttl: &str,
    jurisdiction_name: &str,
) -> anyhow::Result<ExitCode> {
    let ttl_ms = parse_ttl(ttl)?;
    let rules = jurisdiction(jurisdiction_name)?;
    let (store, _) = open(db).await?;
    let app = operator_app(store).with_jurisdiction(rules);
    let token = match operator::issue_token(&app, login, ttl_ms).await {
        Ok(token) => token,
        Err(AppError::NotFound) => return Err(usage(format!("unknown login `{login}`"))),
        Err(e) => return Err(refusal(e)),
    };
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

const BATCH: usize = 10_000;

/// Inserts `count` synthetic cases in batches, one transaction each; returns the rate.
async fn insert_synthetic(app: &App, count: usize, seed: u64) -> anyhow::Result<f64> {
    let loaded = load_synthetic(app, count, seed).await;
    // Whatever became of the load, the database is left as serving expects it; the load's own
    // error is the one reported.
    let finished = operator::finish_bulk_load(app).await;
    let rate = loaded?;
    finished.map_err(refusal)?;
    Ok(rate)
}

async fn load_synthetic(app: &App, count: usize, seed: u64) -> anyhow::Result<f64> {
    let started = Instant::now();
    // Made on a thread of their own, one batch at a time and at most two ahead of the database,
    // so a million cases never sit in memory at once and making them overlaps writing them.
    let (sender, batches) = tokio::sync::mpsc::channel(2);
    let making = std::thread::spawn(move || {
        let mut generator = mnir_synth::Generator::new(seed, mnir_synth::SERIES_END);
        // The generated cases' open clocks run on the built-in profile's lengths.
        let jurisdiction = mnir_domain::jurisdiction::Jurisdiction::romania();
        let mut left = count;
        while left > 0 {
            let cases: Vec<_> = generator.by_ref().take(BATCH.min(left)).collect();
            left -= cases.len();
            let mut clocks: Vec<_> = cases
                .iter()
                .flat_map(|case| mnir_synth::running_clocks(case, &jurisdiction))
                .collect();
            let mut assessments = Vec::new();
            let mut plans = Vec::new();
            let mut deliveries = Vec::new();
            let mut proceedings = Vec::new();
            let mut flags = Vec::new();
            let mut disclosures = Vec::new();
            let mut profiles = Vec::new();
            let mut referrals = mnir_store::GeneratedReferrals::default();
            let mut repatriations = Vec::new();
            let end = mnir_store::Timestamp::from_utc(mnir_synth::SERIES_END);
            for case in &cases {
                let (versions, review) = mnir_synth::risk::assessments(case, &jurisdiction, end);
                let (plan, delivered) =
                    mnir_synth::plan::plans(case, &versions, &jurisdiction, end);
                let track = mnir_synth::justice::track(case, &versions, &jurisdiction, end);
                proceedings.extend(track.proceedings);
                flags.extend(track.flags);
                disclosures.extend(track.disclosures);
                profiles.extend(mnir_synth::victim::profile(case, end));
                referrals.extend(mnir_synth::referral::track(case, &jurisdiction, end));
                let returned =
                    mnir_synth::repatriation::procedure(case, &versions, &jurisdiction, end);
                referrals.consents.extend(returned.consents);
                clocks.extend(returned.clocks);
                repatriations.extend(returned.procedures);
                assessments.extend(versions);
                assessments.extend(returned.assessments);
                clocks.extend(review);
                plans.extend(plan);
                deliveries.extend(delivered);
            }
            // The receiver is gone when the load stopped on an error: nothing more to make.
            if sender
                .blocking_send(SyntheticBatch {
                    cases,
                    clocks,
                    assessments,
                    plans,
                    deliveries,
                    proceedings,
                    flags,
                    disclosures,
                    profiles,
                    referrals,
                    repatriations,
                })
                .is_err()
            {
                return;
            }
        }
    });
    // Drawn on standard error, and only when it is a terminal: a script's output stays clean.
    let bar = indicatif::ProgressBar::new(count as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {human_pos}/{human_len} cases, {rate} cases/s, {eta} left",
    ) {
        bar.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}", state.per_sec());
            },
        ));
    }
    let progress = |done: usize| bar.set_position(done as u64);
    let defer = operator::load_defers_indexes(app, count)
        .await
        .map_err(refusal)?;
    if defer {
        operator::defer_list_indexes(app).await.map_err(refusal)?;
    }
    let outcome = operator::insert_synthetic(app, batches, progress).await;
    bar.finish_and_clear();
    // It ends once its batches are taken or refused. A maker that died stopped the batches short,
    // which must not read as a finished load.
    let made_all = making.join().is_ok();
    // Built again even when the load failed, so the lists are fast whatever happened.
    if defer {
        let building = spinner("building the lists' indexes");
        let built = operator::build_list_indexes(app).await;
        building.finish_and_clear();
        built.map_err(refusal)?;
    }
    match outcome {
        Ok(done) if done == count && made_all => {}
        Ok(done) => {
            return Err(anyhow::anyhow!(
                "the synthetic cases stopped after {done} of {count}: their generator failed"
            ));
        }
        Err(AppError::Conflict(m)) if m.id == "synthetic-seed-used" => {
            return Err(usage(format!(
                "cases from seed {seed} are already in the database; choose another --seed"
            )));
        }
        Err(e) => return Err(refusal(e)),
    }
    Ok(count as f64 / started.elapsed().as_secs_f64().max(1e-9))
}

pub async fn generate(db: &DbArgs, cases: usize, seed: u64) -> anyhow::Result<ExitCode> {
    let (store, _) = crate::open::open_for_bulk(db).await?;
    let backend = store.backend();
    let started = Instant::now();
    let rate = insert_synthetic(&operator_app(store), cases, seed).await?;
    println!(
        "generated {cases} cases in {:.2} s ({:.0} cases/s) on {}",
        started.elapsed().as_secs_f64(),
        rate,
        backend
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn audit_verify(
    db: &DbArgs,
    anchor: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let anchor_text = match anchor {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| usage(format!("cannot read the anchor {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let verdict = match &anchor_text {
        Some(text) => operator::verify_audit_against(&app, text).await?,
        None => operator::verify_audit(&app).await?,
    };
    match verdict {
        AuditVerdict::Intact { entries } => {
            let missing = operator::missing_audit_guards(&app).await?;
            if !missing.is_empty() {
                println!(
                    "audit log not protected: its {} trigger(s) {} are missing or disabled, so entries can be changed or deleted",
                    missing.len(),
                    missing.join(", ")
                );
                return Ok(ExitCode::from(1));
            }
            println!("audit log intact: {entries} entries");
            Ok(ExitCode::SUCCESS)
        }
        AuditVerdict::Broken { seq, why } => {
            println!("audit log broken at entry {seq}: {why}");
            Ok(ExitCode::from(1))
        }
    }
}

pub(crate) fn spinner(message: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

pub fn stats_tables() -> anyhow::Result<ExitCode> {
    for t in mnir_domain::statistics::TABLES {
        println!("{}\trows: {}\tcolumns: {}", t.name, t.rows, t.columns);
    }
    Ok(ExitCode::SUCCESS)
}

/// Where and how `mnir stats table` writes.
pub struct StatsOutput<'a> {
    pub format: crate::StatsFormat,
    /// Word the labels in this language; codes when absent (a workbook: Romanian).
    pub lang: Option<&'a str>,
    pub out: Option<&'a std::path::Path>,
}

fn language(code: &str) -> anyhow::Result<mnir_web::Lang> {
    mnir_web::Lang::parse(code).ok_or_else(|| usage(format!("unknown language `{code}`: ro or en")))
}

/// Writes `bytes` to `out`, or to standard output when there is none. A file made here is
/// readable by its owner only: exact counts are not for every account on the machine.
pub(crate) fn write_out(out: Option<&std::path::Path>, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let Some(path) = out else {
        return Ok(std::io::stdout().write_all(bytes)?);
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))
}

/// Tables of the national statistics: CSV or JSON with category codes as labels (what a script
/// reads) unless a language is asked for, or an XLSX workbook worded in one.
pub async fn stats_table(
    db: &DbArgs,
    name: &str,
    request: mnir_app::statistics::TableRequest,
    output: StatsOutput<'_>,
    jurisdiction_name: &str,
) -> anyhow::Result<ExitCode> {
    use crate::StatsFormat;
    use mnir_app::statistics::Label;
    let rules = jurisdiction(jurisdiction_name)?;
    let lang = output.lang.map(language).transpose()?;
    if name == "all" && matches!(output.format, StatsFormat::Csv) {
        return Err(usage(
            "a CSV file holds one table: name one, or ask for all of them with --format json or xlsx",
        ));
    }
    if matches!(output.format, StatsFormat::Xlsx) && output.out.is_none() {
        return Err(usage(
            "a workbook is written to a file: say where with --out FILE.xlsx",
        ));
    }
    let (store, _) = open(db).await?;
    let app = operator_app(store).with_jurisdiction(rules);
    let names: Vec<String> = if name == "all" {
        mnir_domain::statistics::TABLES
            .iter()
            .map(|t| t.name.to_string())
            .collect()
    } else {
        vec![name.to_string()]
    };
    let counting = spinner("counting the victims of the year");
    let tables = mnir_app::statistics::operator_tables(&app, &names, &request).await;
    counting.finish_and_clear();
    let tables = tables.map_err(refusal)?;
    let bytes = match output.format {
        StatsFormat::Json => {
            let json = if tables.len() == 1 {
                serde_json::to_string_pretty(&tables[0])?
            } else {
                serde_json::to_string_pretty(&tables)?
            };
            format!("{json}\n").into_bytes()
        }
        StatsFormat::Csv => {
            let words = lang.map(mnir_web::Tr::new);
            let label = |l: Label<'_>| match (&words, l) {
                (Some(tr), l) => mnir_web::statistics::label(tr, l),
                (None, Label::Dimension(d)) => d.to_string(),
                (None, Label::Category { code, .. }) => code.to_string(),
                (None, Label::Total) => "total".to_string(),
                (None, Label::Suppressed) => "suppressed".to_string(),
                (None, Label::Table(name)) => name.to_string(),
            };
            tables
                .iter()
                .map(|t| mnir_app::statistics::to_csv(t, &label))
                .collect::<String>()
                .into_bytes()
        }
        StatsFormat::Xlsx => {
            let tr = mnir_web::Tr::new(lang.unwrap_or(mnir_web::Lang::Ro));
            mnir_web::statistics::documents::workbook(&tr, &tables, app.today()).map_err(refusal)?
        }
    };
    write_out(output.out, &bytes)?;
    if let Some(path) = output.out {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the annual report of a complete year (the published tables) as PDF.
pub async fn stats_report(
    db: &DbArgs,
    year: i32,
    lang: &str,
    out: &std::path::Path,
    jurisdiction_name: &str,
) -> anyhow::Result<ExitCode> {
    let rules = jurisdiction(jurisdiction_name)?;
    let lang = language(lang)?;
    let (store, _) = open(db).await?;
    let app = operator_app(store).with_jurisdiction(rules);
    let names: Vec<String> = mnir_domain::statistics::TABLES
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    let request = mnir_app::statistics::annual_report_request(year);
    let working = spinner("counting the victims of the year and protecting the tables");
    let tables = mnir_app::statistics::operator_tables(&app, &names, &request).await;
    working.set_message("laying out the report");
    let today = app.today();
    let tables = match tables {
        Ok(tables) => tables,
        Err(e) => {
            working.finish_and_clear();
            return Err(refusal(e));
        }
    };
    let bytes =
        mnir_web::statistics::documents::report_pdf(&mnir_web::Tr::new(lang), &tables, today).await;
    working.finish_and_clear();
    let bytes = bytes.ok_or_else(|| anyhow::anyhow!("laying out the report failed"))?;
    write_out(Some(out), &bytes)?;
    eprintln!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn tallies_verify(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let counting = spinner("counting every case, decision, open task and return");
    let drift = operator::tally_drift(&app).await;
    counting.finish_and_clear();
    let drift = drift.map_err(refusal)?;
    if drift.is_empty() {
        println!("the kept counts agree with a full count");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} kept counts differ from a full count (mnir tallies rebuild repairs them):",
        drift.len()
    );
    for d in drift.iter().take(20) {
        println!(
            "  {} {}: kept {}, counted {}",
            d.table, d.key, d.kept, d.counted
        );
    }
    if drift.len() > 20 {
        println!("  … and {} more", drift.len() - 20);
    }
    Ok(ExitCode::from(1))
}

pub async fn tallies_rebuild(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let rebuilding = spinner("recomputing the kept counts");
    let rebuilt = operator::rebuild_tallies(&app).await;
    rebuilding.finish_and_clear();
    rebuilt.map_err(refusal)?;
    println!("the kept counts were recomputed from the rows");
    Ok(ExitCode::SUCCESS)
}

/// Appends one line to the anchor file, created readable by its owner only, and makes sure it is
/// on disk before saying so.
fn append_to_anchor(path: &std::path::Path, line: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    writeln!(file, "{line}")?;
    file.sync_data()
}

/// Writes a checkpoint of the log's head to the anchor unless it is the one written last.
async fn write_checkpoint(
    app: &App,
    path: &std::path::Path,
    last_seq: &mut i64,
) -> anyhow::Result<()> {
    if let Some(checkpoint) = operator::audit_checkpoint(app).await?
        && checkpoint.seq != *last_seq
    {
        append_to_anchor(path, &checkpoint.line())?;
        *last_seq = checkpoint.seq;
    }
    Ok(())
}

pub async fn audit_checkpoint(db: &DbArgs, anchor: &std::path::Path) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    match operator::audit_checkpoint(&app).await? {
        Some(checkpoint) => {
            append_to_anchor(anchor, &checkpoint.line())
                .map_err(|e| usage(format!("cannot write the anchor {}: {e}", anchor.display())))?;
            println!(
                "checkpoint of entry {} written to {}",
                checkpoint.seq,
                anchor.display()
            );
        }
        None => println!("the audit log is empty: no checkpoint written"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `mnir duplicates scan`: compares every case, with a progress bar, and prints the counts.
pub async fn duplicates_scan(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let total = operator::case_count(&app).await.map_err(refusal)?;
    let bar = crate::exchange::LateBar::new(
        total as u64,
        "{bar:40} {pos}/{len} cases compared, {eta} left",
    );
    let by = mnir_store::AuditActor::cli(app.now());
    let (compared, found) = mnir_app::duplicates::scan(&app, &by, &|done, _| bar.set(done))
        .await
        .map_err(refusal)?;
    bar.finish();
    println!("compared: cases={compared} new_pairs={found}");
    Ok(ExitCode::SUCCESS)
}

/// `mnir retention run`: erases what the schedules bring due now, with a progress bar over the
/// cases, then prints what was due and what was done.
pub async fn retention_run(
    db: &DbArgs,
    jurisdiction_name: &str,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let rules = jurisdiction(jurisdiction_name)?;
    let (store, _) = open(db).await?;
    let app = operator_app(store).with_jurisdiction(rules);
    let bar = crate::exchange::LateBar::new(0, "{bar:40} {pos}/{len} cases erased, {eta} left");
    let by = mnir_store::AuditActor::cli(app.now());
    let report = mnir_app::retention::run_as(&app, &by, dry_run, &|done, total| {
        bar.set_total(total);
        bar.set(done);
    })
    .await
    .map_err(refusal)?;
    bar.finish();
    println!("due: {}", report.due.summary());
    if dry_run {
        println!("dry run: nothing erased");
    } else {
        println!(
            "erased: cases={} skipped={} sessions={} api_tokens={} training_participants={}",
            report.erased_cases,
            report.skipped_cases,
            report.purged.sessions,
            report.purged.api_tokens,
            report.purged.training_participants
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `mnir retention erasures`: the register of erasures from a day on.
pub async fn retention_erasures(
    db: &DbArgs,
    since: chrono::NaiveDate,
    jurisdiction_name: &str,
) -> anyhow::Result<ExitCode> {
    const PAGE: u32 = 1000;
    let rules = jurisdiction(jurisdiction_name)?;
    let (store, _) = open(db).await?;
    let app = operator_app(store).with_jurisdiction(rules);
    let zone = app.jurisdiction().time_zone;
    let since_at = mnir_store::Timestamp::from_utc(app.jurisdiction().start_of_day(since));
    let by = mnir_store::AuditActor::cli(app.now());
    println!("erased	case	basis	request");
    let mut after: Option<mnir_store::ListPlace> = None;
    let mut count = 0usize;
    loop {
        let page = mnir_app::retention::register_as(&app, &by, since_at, after.as_ref(), PAGE)
            .await
            .map_err(refusal)?;
        for e in &page {
            println!(
                "{}	{}	{}	{}",
                e.erased_at_ms
                    .to_utc()
                    .with_timezone(&zone)
                    .format("%Y-%m-%d %H:%M"),
                e.case_reference,
                e.basis.as_str(),
                e.request_id.as_deref().unwrap_or("")
            );
        }
        count += page.len();
        after = mnir_store::ListPlace::after_full(&page, PAGE, mnir_store::ListPlace::of_erasure);
        if after.is_none() {
            break;
        }
    }
    println!("erasures: {count}");
    Ok(ExitCode::SUCCESS)
}

/// `mnir audit break-glass`: the register of break-glass accesses from a day on.
pub async fn audit_break_glass(
    db: &DbArgs,
    since: chrono::NaiveDate,
    unreviewed: bool,
) -> anyhow::Result<ExitCode> {
    use mnir_store::GlassTaskKind;
    const PAGE: u32 = 500;
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let zone = app.jurisdiction().time_zone;
    let local = |at: mnir_store::Timestamp| {
        at.to_utc()
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let since_at = mnir_store::Timestamp::from_utc(app.jurisdiction().start_of_day(since));
    println!("opened\tcase\tuser\torganisation\treason\tclosed\treviews\twords");
    let (mut shown, mut open_reviews, mut not_justified) = (0usize, 0usize, 0usize);
    let mut after: Option<mnir_store::ListPlace> = None;
    loop {
        let page = mnir_app::break_glass::register(&app, since_at, after.as_ref(), PAGE)
            .await
            .map_err(refusal)?;
        let full = page.len() == PAGE as usize;
        for (access, tasks) in &page {
            let reviews: Vec<&mnir_store::GlassTask> = tasks
                .iter()
                .filter(|t| t.kind == GlassTaskKind::Review)
                .collect();
            let waiting = reviews.iter().filter(|t| t.done_at_ms.is_none()).count();
            if unreviewed && waiting == 0 {
                continue;
            }
            shown += 1;
            open_reviews += waiting;
            // An access found not justified by any reviewer counts once.
            not_justified +=
                usize::from(reviews.iter().any(|t| {
                    t.finding == Some(mnir_domain::break_glass::ReviewFinding::NotJustified)
                }));
            let findings: Vec<String> = reviews
                .iter()
                .map(|t| {
                    format!(
                        "{}: {}",
                        t.org_code,
                        t.finding.map_or("open", |f| f.as_str())
                    )
                })
                .collect();
            // The words on one line: a tab or a line break in them would split the record.
            let words: String = access
                .note
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                local(access.opened_at_ms),
                access.case_reference,
                access.user_login,
                access.org_code,
                access.reason,
                local(access.closes_at()),
                findings.join("; "),
                words
            );
        }
        after = page.last().map(|(a, _)| mnir_store::ListPlace {
            at_ms: a.opened_at_ms,
            id: a.id.clone(),
        });
        if !full {
            break;
        }
    }
    eprintln!(
        "{shown} accesses; {open_reviews} reviews still open; {not_justified} found not justified."
    );
    Ok(ExitCode::SUCCESS)
}

pub fn web_config(insecure_cookies: bool, default_lang: &str) -> anyhow::Result<WebConfig> {
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
    /// The anchor file and the time between two checkpoints.
    pub audit_anchor: Option<(std::path::PathBuf, std::time::Duration)>,
    pub connections: crate::connections::ConnectionLimits,
}

impl Default for ServerRules {
    fn default() -> Self {
        ServerRules {
            jurisdiction: mnir_domain::jurisdiction::Jurisdiction::romania(),
            clock_check: std::time::Duration::from_secs(30),
            audit_anchor: None,
            connections: crate::connections::ConnectionLimits::default(),
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
    // A server whose audit log can be rewritten must not take requests: one line, exit 2.
    let missing = operator::missing_audit_guards(&operator_app(store.clone())).await?;
    if !missing.is_empty() {
        return Err(usage(format!(
            "the audit log is not protected: trigger(s) {} missing or disabled; restore them (they are created by the migrations) before starting",
            missing.join(", ")
        )));
    }
    // The anchor is written once before the server listens, so a failing file stops the start.
    let mut anchored = -1;
    if let Some((path, _)) = &rules.audit_anchor {
        write_checkpoint(&operator_app(store.clone()), path, &mut anchored)
            .await
            .map_err(|e| usage(format!("cannot write the anchor {}: {e}", path.display())))?;
    }
    // Ctrl+C by hand, SIGTERM from systemd or a container runtime: both end the server cleanly,
    // with its last checkpoint. Their handlers are in place before the port is bound, so a signal
    // sent as soon as the port answers stops the server rather than killing it.
    use tokio::signal::unix::{SignalKind, signal};
    let listening_for = |kind: SignalKind| {
        signal(kind).map_err(|e| usage(format!("cannot listen for signals: {e}")))
    };
    let mut interrupt = listening_for(SignalKind::interrupt())?;
    let mut terminate = listening_for(SignalKind::terminate())?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| usage(format!("cannot listen on {listen}: {e}")))?;
    let listen = listener.local_addr().unwrap_or(listen);
    tracing::info!(
        jurisdiction = %rules.jurisdiction.code,
        clock_check_s = rules.clock_check.as_secs(),
        "rules loaded"
    );
    let state = AppState::new(store, keys, config, Arc::new(SystemClock))
        .with_jurisdiction(rules.jurisdiction);
    if mnir_app::accounts::organisation(&state.app, "ANITP")
        .await?
        .is_none()
    {
        tracing::warn!("the database has no organisations yet: run `mnir init`");
    }
    mnir_app::accounts::prepare_sign_in(&state.app).await;
    let scheduler = tokio::spawn(mnir_app::clocks::run_scheduler(
        state.app.clone(),
        rules.clock_check,
    ));
    let app = state.app.clone();
    let sweeper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = mnir_app::accounts::end_expired_sessions(&app).await {
                tracing::warn!(%e, "could not remove expired sessions");
            }
        }
    });
    let anchor = rules.audit_anchor.clone().map(|(path, every)| {
        let app = state.app.clone();
        tokio::spawn(async move {
            let mut last = anchored;
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = write_checkpoint(&app, &path, &mut last).await {
                    tracing::warn!(%e, "could not write the audit anchor");
                }
            }
        })
    });
    let final_app = state.app.clone();
    tracing::info!(%listen, "mnir is serving");
    tracing::info!(
        max_connections = rules.connections.max_connections,
        header_timeout_s = rules.connections.header_timeout.as_secs(),
        request_timeout_s = rules.connections.request_timeout.as_secs(),
        "connection limits"
    );
    crate::connections::serve(
        listener,
        mnir_web::router(state),
        rules.connections.clone(),
        async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        },
    )
    .await;
    sweeper.abort();
    scheduler.abort();
    if let Some(task) = anchor {
        task.abort();
    }
    // The last checkpoint, at shutdown, covers everything the server wrote.
    if let Some((path, _)) = &rules.audit_anchor {
        write_checkpoint(&final_app, path, &mut -1).await?;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn serve(
    db: &DbArgs,
    listen: SocketAddr,
    config: WebConfig,
    jurisdiction_name: &str,
    clock_check_every: u64,
    audit_anchor: Option<(std::path::PathBuf, u64)>,
    connections: crate::connections::ConnectionLimits,
) -> anyhow::Result<ExitCode> {
    if let Some((_, every)) = &audit_anchor
        && !(1..=86_400).contains(every)
    {
        return Err(usage(format!(
            "--audit-anchor-every {every} is outside 1–86400 seconds"
        )));
    }
    // The rules are checked before the database is touched: a broken profile stops the start.
    let jurisdiction = jurisdiction(jurisdiction_name)?;
    if !(1..=3600).contains(&clock_check_every) {
        return Err(usage(format!(
            "--clock-check-every {clock_check_every} is outside 1–3600 seconds"
        )));
    }
    let (store, keys) = open(db).await?;
    let rules = ServerRules {
        jurisdiction,
        clock_check: std::time::Duration::from_secs(clock_check_every),
        audit_anchor: audit_anchor
            .map(|(path, every)| (path, std::time::Duration::from_secs(every))),
        connections,
    };
    run_server(store, keys, config, listen, rules).await
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
            connections: None,
            sqlite_cache_mib: None,
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
    let app = operator_app(store.clone());
    let added =
        operator::seed_organisations(&app).await? + operator::seed_demo_partners(&app).await?;
    println!(
        "mnir demo — database {} ({} organisations{})",
        redacted(&db.url),
        mnir_app::accounts::organisations(&app).await?.len(),
        if added > 0 { ", new" } else { "" }
    );
    println!("\nAccounts (passwords are new at every start of the demo):");
    for a in operator::reset_demo_accounts(&app).await? {
        println!(
            "  {:<20} {}   {:<9} {}",
            a.login, a.password, a.org_code, a.roles
        );
    }
    let existing = operator::case_count(&app).await?;
    if existing == 0 && cases > 0 {
        let rate = insert_synthetic(&app, cases, seed).await?;
        println!("\n{cases} synthetic cases created ({rate:.0} cases/s).");
        let renewed = operator::renew_demo_disclosures(&app, 5)
            .await
            .map_err(refusal)?;
        println!(
            "{renewed} disclosures to DIICOT in force (see /disclosures as demo.investigator)."
        );
    } else {
        println!("\n{existing} cases already in the database (use --fresh to start anew).");
    }
    let (sessions, certificates) = crate::training::seed_demo(&app, seed).await?;
    if sessions > 0 {
        println!(
            "{sessions} training sessions recorded (the project's 17 of 2018–2019, an earlier one and a recent one); {certificates} certificates issued (demo.screener's, and demo.officer's, which ends within weeks)."
        );
    }
    if existing == 0
        && let Some(reference) = mnir_app::break_glass::seed_demo(&app)
            .await
            .map_err(refusal)?
    {
        println!(
            "demo.caseworker opened and closed case {reference} of Cluj by break-glass: its reviews wait for demo.supervisor and demo.coordinator."
        );
    }
    if existing == 0
        && let Some((first, again)) = mnir_app::duplicates::seed_demo(&app)
            .await
            .map_err(refusal)?
    {
        println!(
            "demo.screener notified again the person of case {first} (as {again}): the pair waits for demo.caseworker at /duplicates."
        );
    }
    if existing == 0
        && let Some((held, erased)) = mnir_app::retention::seed_demo(&app)
            .await
            .map_err(refusal)?
    {
        println!(
            "demo.supervisor placed a legal hold on case {held} and recorded a request to erase case {erased}, which was erased; the server erases what the retention periods bring due at its start and daily (see /retention as demo.admin or demo.coordinator)."
        );
    }
    let insecure = listen.ip().is_loopback();
    if !insecure {
        println!("Listening beyond localhost: cookies require HTTPS in front of mnir.");
    }
    // A newcomer may have no authenticator app at hand: in the demo no role needs a second
    // factor, and anyone may still set one up to see how it works.
    let mut rules = ServerRules::default();
    rules.jurisdiction.two_factor_roles.clear();
    // The demo shows erasure at work: its synthetic cases past their periods are erased at the
    // start (the register is on /retention).
    rules.jurisdiction.retention.daily = true;
    println!(
        "\nTwo-factor sign-in is optional in the demo, so every account opens with its password;\n`mnir serve` requires it of the roles that see case data. Try it at /account/two-factor."
    );
    println!("\nOpen http://{listen}/ — stop with Ctrl+C.");
    run_server(store, keys, web_config(insecure, "ro")?, listen, rules).await
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
            let (store, _) = open(db).await?;
            operator_app(store).active_catalogue().await?
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
    let (store, _) = open(db).await?;
    // The same use case as the coordinator's page, for the operator of the server.
    let app = operator_app(store);
    let changer = mnir_app::catalogue::Changer::Operator(AuditActor::cli(app.now()));
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
    for c in mnir_app::catalogue::all(&operator_app(store)).await? {
        let note = match (
            c.version == mnir_domain::identification::BUILTIN_VERSION,
            c.active,
        ) {
            (true, true) => "  built in, active",
            (true, false) => "  built in",
            (false, true) => "  active",
            (false, false) => "",
        };
        println!(
            "{:<24} {:>4} indicators{note}",
            c.version, c.indicator_count
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn catalogue_activate(db: &DbArgs, version: &str) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let changer = mnir_app::catalogue::Changer::Operator(AuditActor::cli(app.now()));
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
}
