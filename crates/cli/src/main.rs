//! `mnir`: the one binary of the mechanism. Subcommands open the database named by `--db`
//! (`sqlite:PATH` or `postgres://…`) with the key in `--key-file`.

mod backup;
mod commands;
mod connections;
mod exchange;
mod key_ring;
mod open;
mod training;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mnir",
    version,
    about = "National identification and referral mechanism for victims of trafficking"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// Database URL: `sqlite:PATH` (embedded) or `postgres://USER@HOST/DB`.
    #[arg(long = "db", env = "MNIR_DATABASE_URL")]
    pub url: String,
    /// Key file for field encryption (created with mode 0600 when missing). Defaults to
    /// `PATH.key` beside a SQLite database; required for PostgreSQL.
    #[arg(long = "key-file", env = "MNIR_KEY_FILE")]
    pub key_file: Option<std::path::PathBuf>,
    /// Connections to the database (1–64). Default: 8 readers beside the one writer for SQLite
    /// (1 for `generate`), 16 for PostgreSQL.
    #[arg(long = "db-connections", env = "MNIR_DB_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub connections: Option<u32>,
    /// Page cache of each SQLite connection, in MiB (1–4096): resident memory grows to about
    /// (connections + 1) × this. Default: 8 (256 for `generate`).
    #[arg(long = "sqlite-cache-mib", env = "MNIR_SQLITE_CACHE_MIB", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub sqlite_cache_mib: Option<u32>,
}

/// How the server meets its clients: who may vouch for their address, how long they may take,
/// how many may be connected.
#[derive(clap::Args, Clone)]
struct NetArgs {
    /// A reverse proxy (address or CIDR, repeatable) whose `X-Forwarded-For` names the client;
    /// failed sign-ins are then counted per client instead of per proxy. Headers from any other
    /// peer are ignored.
    #[arg(long = "trusted-proxy", value_name = "CIDR", value_parser = address_or_network)]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// Seconds a client has to send a request's headers (1–300).
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Seconds within which a request is answered, or 408 (1–3600).
    #[arg(long, default_value_t = 60)]
    request_timeout: u64,
    /// Connections open at once (8–1000000); keep it below the open-file limit (`ulimit -n`).
    /// When it is reached the longest-idle connection is closed to make room.
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
}

/// `10.0.0.5` (one address) or `10.0.0.0/24` (a network).
fn address_or_network(text: &str) -> Result<ipnet::IpNet, String> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| {
            format!("`{text}` is neither an address (10.0.0.5) nor a network (10.0.0.0/24)")
        })
}

impl NetArgs {
    fn limits(&self) -> anyhow::Result<connections::ConnectionLimits> {
        let within = |name: &str, value: u64, range: std::ops::RangeInclusive<u64>| {
            if range.contains(&value) {
                Ok(std::time::Duration::from_secs(value))
            } else {
                Err(usage(format!(
                    "--{name} {value} is outside {}–{}",
                    range.start(),
                    range.end()
                )))
            }
        };
        if !(8..=1_000_000).contains(&self.max_connections) {
            return Err(usage(format!(
                "--max-connections {} is outside 8–1000000",
                self.max_connections
            )));
        }
        Ok(connections::ConnectionLimits {
            header_timeout: within("header-timeout", self.header_timeout, 1..=300)?,
            request_timeout: within("request-timeout", self.request_timeout, 1..=3600)?,
            max_connections: self.max_connections,
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server and API.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Send cookies without `Secure` and the `__Host-` prefix. Only for a plain-HTTP demo on
        /// localhost; behind HTTPS never use it.
        #[arg(long)]
        insecure_cookies: bool,
        /// Language shown before a user chooses one (ro or en).
        #[arg(long, default_value = "ro")]
        default_lang: String,
        /// Legal clocks and public holidays: `ro` (built in) or the path of a jurisdiction
        /// profile (.toml), checked before the server starts.
        #[arg(long, env = "MNIR_JURISDICTION", default_value = "ro")]
        jurisdiction: String,
        /// Seconds between two looks for expired clocks (1–3600). Several servers may share one
        /// database: each expiry still fires once.
        #[arg(long, default_value_t = 30)]
        clock_check_every: u64,
        /// Append a sealed checkpoint of the audit log's head to this file at intervals and at
        /// shutdown (one line each); keep it on another host or send it to syslog, and check the
        /// log against it with `mnir audit verify --anchor`.
        #[arg(long, env = "MNIR_AUDIT_ANCHOR")]
        audit_anchor: Option<std::path::PathBuf>,
        /// Seconds between two checkpoints of the anchor file (1–86400).
        #[arg(long, default_value_t = 60)]
        audit_anchor_every: u64,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Create a demo database (Romanian organisations, one account per role, synthetic cases)
    /// and serve it on http://127.0.0.1:8080.
    Demo {
        #[arg(
            long = "db",
            env = "MNIR_DATABASE_URL",
            default_value = "sqlite:mnir-demo.db"
        )]
        url: String,
        #[arg(long = "key-file", env = "MNIR_KEY_FILE")]
        key_file: Option<std::path::PathBuf>,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Delete an existing demo database (SQLite) and start anew.
        #[arg(long)]
        fresh: bool,
        /// Synthetic cases to create in a new database.
        #[arg(long, default_value_t = 700)]
        cases: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Apply pending schema migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Create the schema and the default Romanian organisations.
    Init {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Issue API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Add synthetic cases (deterministic for a seed), for demos and benchmarks.
    Generate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        cases: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The identification engine.
    Indicators {
        #[command(subcommand)]
        command: IndicatorsCommand,
    },
    /// Indicator catalogue versions.
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
    },
    /// Training data (curriculum, vignettes, past sessions) and certificates.
    Training {
        #[command(subcommand)]
        command: TrainingCommand,
    },
    /// Public holidays and working days of a jurisdiction profile.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Possible duplicates (mnir.md §13): compare every case of the register by its matching
    /// keys (after an import or an upgrade; each notification is compared as it is made).
    Duplicates {
        #[command(subcommand)]
        command: DuplicatesCommand,
    },
    /// Retention and erasure (mnir.md §13): run the profile's schedules, read the register.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Copy the database to a new file while it serves (SQLite: VACUUM INTO; PostgreSQL:
    /// pg_dump's custom format). Neither the key file nor the cases' keys are in the copy: the
    /// keys are written to the key ring, which replaces the one there. Back both up apart.
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write; it must not exist yet.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The key ring to write (replaced whole). Default: the key file's path with `.ring`.
        #[arg(long = "key-ring")]
        key_ring: Option<std::path::PathBuf>,
    },
    /// Put a backup made by `mnir backup` into a new database (SQLite: a file that does not
    /// exist yet; PostgreSQL: an empty database), keeping it only if the key file matches and the
    /// audit chain verifies.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file.
        #[arg(long = "from")]
        from: std::path::PathBuf,
        /// The newest key ring (see `backup`): a case erased since the backup has no key in it
        /// and is restored erased. Default: the key file's path with `.ring`.
        #[arg(long = "key-ring")]
        key_ring: Option<std::path::PathBuf>,
    },
    /// Check or rebuild the kept counts of cases, decisions, open tasks and returns the lists,
    /// dashboards and inbox read.
    Tallies {
        #[command(subcommand)]
        command: TalliesCommand,
    },
    /// The national statistics: victims of a reference year split by two dimensions, exact or
    /// after disclosure control (mnir.md §11).
    Stats {
        #[command(subcommand)]
        command: StatsCommand,
    },
    /// Export the register for a partner or for open data (mnir.md §11).
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Import another system's cases (a migration).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Every case as a row of HTCDS 2.0 fields (multi-selects joined with `;`), its reference in
    /// the unnamed first column; names and birth dates only with `--recipient` and
    /// `--legal-basis`, which the audit log records. `--open-data` writes the de-identified
    /// extract instead: victims by year, sex, age, citizenship group and form of exploitation,
    /// each combination shared by at least k of them.
    Htcds {
        #[command(flatten)]
        db: DbArgs,
        /// The de-identified extract for publication.
        #[arg(long, conflicts_with_all = ["recipient", "legal_basis"])]
        open_data: bool,
        /// Who receives names and birth dates (with `--legal-basis`).
        #[arg(long, requires = "legal_basis")]
        recipient: Option<String>,
        /// The legal ground on which the recipient receives them (with `--recipient`).
        #[arg(long, requires = "recipient")]
        legal_basis: Option<String>,
        /// `csv`, or `xlsx` (the standard's template sheet "Case Sheet").
        #[arg(long, value_enum, default_value = "csv")]
        format: ExchangeFormat,
        /// The file to write (readable by its owner only).
        #[arg(long)]
        out: std::path::PathBuf,
        /// `ro` (built in) or the path of a jurisdiction profile (.toml): its time zone gives the
        /// dates, its threshold the k of the open-data extract.
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Cases from an HTCDS 2.0 file (CSV in UTF-8 or XLSX), all of them or, when any row has a
    /// problem, none: every problem is listed by row and field. A row whose reference (the
    /// unnamed first column) is already in the register is left alone, so a second import of a
    /// file stores nothing twice. Exit 0 when imported (or, with `--dry-run`, importable), 1
    /// when the file has problems.
    Htcds {
        #[command(flatten)]
        db: DbArgs,
        /// The file to read.
        file: std::path::PathBuf,
        /// Check every row and report, storing nothing.
        #[arg(long)]
        dry_run: bool,
        /// The county (ISO 3166-2, e.g. RO-B) a case is filed in when its row tells none: the
        /// referring organisation is not a county's and neither place is a county. HTCDS has no
        /// field for where the person was found.
        #[arg(long)]
        county: Option<String>,
        /// The language of the problems listed (`ro`, `en`).
        #[arg(long, default_value = "en")]
        lang: String,
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExchangeFormat {
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
enum StatsCommand {
    /// List the tables: name, what the rows and the columns split by.
    Tables,
    /// Print one table (or every table with `all`) as CSV or JSON, category codes as labels
    /// (worded with `--lang`), or write them as an XLSX workbook (`--out`).
    Table {
        #[command(flatten)]
        db: DbArgs,
        /// The table's name (see `mnir stats tables`), or `all`.
        name: String,
        /// The reference year, counted in the jurisdiction's time.
        #[arg(long)]
        year: i32,
        /// A development region's NUTS 2 code (RO11…RO42); the whole country by default.
        #[arg(long)]
        region: Option<String>,
        /// Apply disclosure control, as for publication (otherwise exact counts).
        #[arg(long)]
        published: bool,
        #[arg(long, value_enum, default_value = "csv")]
        format: StatsFormat,
        /// Word the labels in this language (`ro`, `en`) instead of codes; a workbook is always
        /// worded, in Romanian unless told.
        #[arg(long)]
        lang: Option<String>,
        /// Write to this file instead of standard output (required for `xlsx`).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// `ro` (built in) or the path of a jurisdiction profile (.toml): its time zone places
        /// victims in years, and its threshold is the k of disclosure control.
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
    /// Write the annual report of a complete year as PDF: the published tables of the whole
    /// country, each with its chart, after a note on method.
    Report {
        #[command(flatten)]
        db: DbArgs,
        /// The reference year, a complete one.
        #[arg(long)]
        year: i32,
        /// `ro` or `en`.
        #[arg(long, default_value = "ro")]
        lang: String,
        /// The PDF file to write.
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum StatsFormat {
    Csv,
    Json,
    Xlsx,
}

#[derive(Subcommand)]
enum TalliesCommand {
    /// Count every case, decision, open task and return and compare with the kept counts and
    /// marks; exit 0 when they agree, 1 listing the differences.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Recompute the kept counts from the rows, in one transaction (audited).
    Rebuild {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add or update an organisation.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// HTCDS org_Type, e.g. NGO, LawEnforcement, LocalGovernmentOrganisation.
        #[arg(long = "type")]
        org_type: String,
        /// ISO 3166-2 county code, e.g. RO-CJ.
        #[arg(long)]
        county: Option<String>,
        /// anitp_central, anitp_regional, child_protection or other.
        #[arg(long, default_value = "other")]
        kind: String,
        /// Authority to take identification decisions: none, children_only or all.
        #[arg(long, default_value = "none")]
        identifies: String,
        /// An investigating body (e.g. a labour inspectorate), yes or no: its staff see the
        /// investigative summary, never a support record without a disclosure. Law enforcement
        /// always is; left out, an existing organisation keeps what it is.
        #[arg(long, value_parser = ["yes", "no"])]
        investigates: Option<String>,
        /// For a partner abroad (the receiving organisation of a return from Romania): its
        /// country, ISO 3166-1 alpha-2, e.g. MD. Such a partner has no county.
        #[arg(long)]
        country: Option<String>,
    },
    /// List organisations.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Disable an organisation: its users can no longer sign in or use the API.
    Disable {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        code: String,
    },
    /// Enable a disabled organisation again.
    Enable {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        code: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        org: String,
        #[arg(long)]
        login: String,
        /// One or more roles, comma-separated.
        #[arg(long = "role")]
        roles: String,
        /// Read the password from standard input (the only way, so it never shows in `ps`).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// The profile the server runs under (`ro`, built in, or a .toml path): it says whether
        /// the screener role needs a training certificate (which a new account cannot hold).
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
    /// Replace an account's roles. Where the profile says so, the screener role needs a valid
    /// training certificate.
    Roles {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        login: String,
        /// One or more roles, comma-separated.
        #[arg(long = "role")]
        roles: String,
        /// The profile the server runs under (`ro`, built in, or a .toml path).
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Disable an account: its sessions and API tokens stop at once.
    Disable {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        login: String,
    },
    /// Enable a disabled account again (it signs in anew).
    Enable {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        login: String,
    },
    /// Remove an account's two-factor sign-in (a lost phone): its key and recovery codes go,
    /// its sessions and API tokens end, and it sets two-factor sign-in up again when it next
    /// signs in (if its roles require it).
    TotpReset {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        login: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new bearer token for the API; only its hash is stored.
    Issue {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        login: String,
        /// Lifetime, e.g. 30d, 12h, 45m.
        #[arg(long, default_value = "30d")]
        ttl: String,
        /// The profile the server runs under (`ro`, built in, or a .toml path): it says which
        /// roles need two-factor sign-in, and so which accounts may get a token before enrolling.
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
    /// List an account's API tokens: id, issued, expires.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        login: String,
    },
    /// Revoke one of an account's API tokens by the id `token list` shows.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        login: String,
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand)]
enum IndicatorsCommand {
    /// Evaluate indicators and explain the advice (the built-in catalogue, or the active one of
    /// the database given with --db).
    Evaluate {
        /// adult-labour, adult-sexual, child-labour or child-sexual.
        #[arg(long)]
        profile: String,
        /// Codes of the indicators present, comma-separated.
        #[arg(long, default_value = "")]
        present: String,
        /// Codes of the indicators asked, comma-separated (default: all of the profile).
        #[arg(long)]
        asked: Option<String>,
        /// For a child profile: did an act take place (yes or no)?
        #[arg(long)]
        act: Option<String>,
        /// Language of the explanation: ro or en.
        #[arg(long, default_value = "ro")]
        lang: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        #[arg(long = "db", env = "MNIR_DATABASE_URL")]
        url: Option<String>,
        #[arg(long = "key-file", env = "MNIR_KEY_FILE")]
        key_file: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum CatalogueCommand {
    /// Load a catalogue CSV (the shape of data/indicators-ilo-ec-2009.csv) as a new version.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// The new version's name, e.g. ro-2026-1.
        #[arg(long = "version")]
        catalogue_version: String,
        #[arg(long)]
        file: std::path::PathBuf,
        /// Make it the active catalogue at once.
        #[arg(long)]
        activate: bool,
    },
    /// List catalogue versions.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Make a version the one new interviews use (ilo-ec-2009 is the built-in one).
    Activate {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long = "version")]
        catalogue_version: String,
    },
}

/// Which training data a command is about.
#[derive(Clone, Copy, clap::ValueEnum)]
enum TrainingKind {
    Curriculum,
    Vignettes,
}

impl TrainingKind {
    fn data(self) -> mnir_store::TrainingData {
        match self {
            TrainingKind::Curriculum => mnir_store::TrainingData::Curriculum,
            TrainingKind::Vignettes => mnir_store::TrainingData::Vignettes,
        }
    }
}

#[derive(Subcommand)]
enum TrainingCommand {
    /// Import a version of the curriculum or of the vignettes (TOML, the shape of
    /// data/training/curriculum.toml and data/training/vignettes.toml), all or nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum)]
        kind: TrainingKind,
        #[arg(long)]
        file: std::path::PathBuf,
        /// Use it at once.
        #[arg(long)]
        activate: bool,
    },
    /// Import past sessions (CSV: date,city,county,audience,trainers,modules), all or none.
    ImportSessions {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        file: std::path::PathBuf,
        /// The organisation that records them.
        #[arg(long, default_value = "ANITP")]
        org: String,
    },
    /// List the versions of the curriculum or of the vignettes.
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum)]
        kind: TrainingKind,
    },
    /// Say whether a certificate is valid, expired or revoked, by its verification code.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        code: String,
    },
}

#[derive(Subcommand)]
enum DuplicatesCommand {
    /// Compare every case with those of its exact key or born within a year of it, keep the new
    /// pairs for ANITP, and print how many cases were compared and pairs found.
    Scan {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Erase what the profile's `[retention]` schedules bring due now (as `serve` does once a
    /// day): every case due and not under a legal hold, then the sessions, API tokens and
    /// training participants' names due. Prints the counts; audited as the operator.
    Run {
        #[command(flatten)]
        db: DbArgs,
        /// `ro` (built in) or the path of a jurisdiction profile (.toml): its schedules and time
        /// zone.
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
        /// Count what is due without erasing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// The register of erasures from a day on, oldest first, one tab-separated line each:
    /// erased, case, basis, request.
    Erasures {
        #[command(flatten)]
        db: DbArgs,
        /// The first day (YYYY-MM-DD, in the jurisdiction's time zone).
        #[arg(long, value_parser = day_arg)]
        since: chrono::NaiveDate,
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Print the public holidays of a year, one ISO date per line.
    Holidays {
        #[arg(long)]
        year: i32,
        /// `ro` (built in) or the path of a jurisdiction profile (.toml).
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
    /// Print the date N working days after a date (the start day itself does not count).
    AddWorkingDays {
        /// YYYY-MM-DD.
        #[arg(long)]
        from: String,
        #[arg(long)]
        days: u32,
        #[arg(long, default_value = "ro")]
        jurisdiction: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain; exit 0 with the entry count, or 1 naming the first broken entry.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// Also hold the log against every checkpoint of this anchor file: a log shorter than,
        /// or different from, a checkpoint was cut or rewritten.
        #[arg(long)]
        anchor: Option<std::path::PathBuf>,
    },
    /// The register of break-glass accesses (mnir.md §13) opened from a day on, oldest first,
    /// one tab-separated line each: opened, case, user, organisation, reason, closed, reviews,
    /// the user's words; then the counts. For the auditor and the data protection officer.
    BreakGlass {
        #[command(flatten)]
        db: DbArgs,
        /// The first day (YYYY-MM-DD, in the jurisdiction's time zone).
        #[arg(long, value_parser = day_arg)]
        since: chrono::NaiveDate,
        /// Only the accesses some review of which is still open.
        #[arg(long)]
        unreviewed: bool,
    },
    /// Append a sealed checkpoint of the log's head to an anchor file (as `serve` does at
    /// intervals), e.g. from cron on a host that keeps the file.
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        anchor: std::path::PathBuf,
    },
}

/// An error the user can fix: printed as one line, exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for UsageError {}

pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MNIR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mnir: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => {
            eprintln!("mnir: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("mnir: {e:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    use commands::*;
    use exchange::{export_htcds, import_htcds};
    match command {
        Command::Serve {
            db,
            listen,
            insecure_cookies,
            default_lang,
            jurisdiction,
            clock_check_every,
            audit_anchor,
            audit_anchor_every,
            net,
        } => {
            serve(
                &db,
                listen,
                mnir_web::WebConfig {
                    trusted_proxies: net.trusted_proxies.clone(),
                    ..web_config(insecure_cookies, &default_lang)?
                },
                &jurisdiction,
                clock_check_every,
                audit_anchor.map(|path| (path, audit_anchor_every)),
                net.limits()?,
            )
            .await
        }
        Command::Demo {
            url,
            key_file,
            listen,
            fresh,
            cases,
            seed,
        } => {
            let db = DbArgs {
                url,
                key_file,
                connections: None,
                sqlite_cache_mib: None,
            };
            demo(db, listen, fresh, cases, seed).await
        }
        Command::Migrate { db } => migrate(&db).await,
        Command::Init { db } => init(&db).await,
        Command::Org {
            command:
                OrgCommand::Add {
                    db,
                    code,
                    name,
                    org_type,
                    county,
                    kind,
                    identifies,
                    investigates,
                    country,
                },
        } => {
            org_add(
                &db,
                OrgAdd {
                    code: &code,
                    name: &name,
                    org_type: &org_type,
                    county: county.as_deref(),
                    kind: &kind,
                    identifies: &identifies,
                    investigates: investigates.as_deref().map(|answer| answer == "yes"),
                    country: country.as_deref(),
                },
            )
            .await
        }
        Command::Org {
            command: OrgCommand::List { db },
        } => org_list(&db).await,
        Command::Org {
            command: OrgCommand::Disable { db, code },
        } => org_set_active(&db, &code, false).await,
        Command::Org {
            command: OrgCommand::Enable { db, code },
        } => org_set_active(&db, &code, true).await,
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    org,
                    login,
                    roles,
                    password_stdin: _,
                    jurisdiction,
                },
        } => user_add(&db, &org, &login, &roles, &jurisdiction).await,
        Command::User {
            command:
                UserCommand::Roles {
                    db,
                    login,
                    roles,
                    jurisdiction,
                },
        } => user_roles(&db, &login, &roles, &jurisdiction).await,
        Command::User {
            command: UserCommand::List { db },
        } => user_list(&db).await,
        Command::User {
            command: UserCommand::Disable { db, login },
        } => user_set_active(&db, &login, false).await,
        Command::User {
            command: UserCommand::Enable { db, login },
        } => user_set_active(&db, &login, true).await,
        Command::User {
            command: UserCommand::TotpReset { db, login },
        } => user_totp_reset(&db, &login).await,
        Command::Token {
            command:
                TokenCommand::Issue {
                    db,
                    login,
                    ttl,
                    jurisdiction,
                },
        } => token_issue(&db, &login, &ttl, &jurisdiction).await,
        Command::Token {
            command: TokenCommand::List { db, login },
        } => token_list(&db, &login).await,
        Command::Token {
            command: TokenCommand::Revoke { db, login, id },
        } => token_revoke(&db, &login, &id).await,
        Command::Generate { db, cases, seed } => generate(&db, cases, seed).await,
        Command::Audit {
            command: AuditCommand::Verify { db, anchor },
        } => audit_verify(&db, anchor.as_deref()).await,
        Command::Audit {
            command: AuditCommand::Checkpoint { db, anchor },
        } => audit_checkpoint(&db, &anchor).await,
        Command::Audit {
            command:
                AuditCommand::BreakGlass {
                    db,
                    since,
                    unreviewed,
                },
        } => audit_break_glass(&db, since, unreviewed).await,
        Command::Duplicates {
            command: DuplicatesCommand::Scan { db },
        } => duplicates_scan(&db).await,
        Command::Retention {
            command:
                RetentionCommand::Run {
                    db,
                    jurisdiction,
                    dry_run,
                },
        } => retention_run(&db, &jurisdiction, dry_run).await,
        Command::Retention {
            command:
                RetentionCommand::Erasures {
                    db,
                    since,
                    jurisdiction,
                },
        } => retention_erasures(&db, since, &jurisdiction).await,
        Command::Backup { db, out, key_ring } => backup::backup(&db, &out, key_ring).await,
        Command::Restore { db, from, key_ring } => backup::restore(&db, &from, key_ring).await,
        Command::Stats {
            command: StatsCommand::Tables,
        } => stats_tables(),
        Command::Stats {
            command:
                StatsCommand::Table {
                    db,
                    name,
                    year,
                    region,
                    published,
                    format,
                    lang,
                    out,
                    jurisdiction,
                },
        } => {
            stats_table(
                &db,
                &name,
                mnir_app::statistics::TableRequest {
                    year,
                    region,
                    published,
                },
                StatsOutput {
                    format,
                    lang: lang.as_deref(),
                    out: out.as_deref(),
                },
                &jurisdiction,
            )
            .await
        }
        Command::Stats {
            command:
                StatsCommand::Report {
                    db,
                    year,
                    lang,
                    out,
                    jurisdiction,
                },
        } => stats_report(&db, year, &lang, &out, &jurisdiction).await,
        Command::Export {
            command:
                ExportCommand::Htcds {
                    db,
                    open_data,
                    recipient,
                    legal_basis,
                    format,
                    out,
                    jurisdiction,
                },
        } => {
            let legal = recipient.zip(legal_basis);
            export_htcds(&db, open_data, legal, format, &out, &jurisdiction).await
        }
        Command::Import {
            command:
                ImportCommand::Htcds {
                    db,
                    file,
                    dry_run,
                    county,
                    lang,
                    jurisdiction,
                },
        } => import_htcds(&db, &file, dry_run, county.as_deref(), &lang, &jurisdiction).await,
        Command::Tallies {
            command: TalliesCommand::Verify { db },
        } => tallies_verify(&db).await,
        Command::Tallies {
            command: TalliesCommand::Rebuild { db },
        } => tallies_rebuild(&db).await,
        Command::Indicators {
            command:
                IndicatorsCommand::Evaluate {
                    profile,
                    present,
                    asked,
                    act,
                    lang,
                    json,
                    url,
                    key_file,
                },
        } => {
            let db = url.map(|url| DbArgs {
                url,
                key_file,
                connections: None,
                sqlite_cache_mib: None,
            });
            indicators_evaluate(
                db.as_ref(),
                &profile,
                &present,
                asked.as_deref(),
                act.as_deref(),
                &lang,
                json,
            )
            .await
        }
        Command::Catalogue {
            command:
                CatalogueCommand::Import {
                    db,
                    catalogue_version,
                    file,
                    activate,
                },
        } => catalogue_import(&db, &catalogue_version, &file, activate).await,
        Command::Catalogue {
            command: CatalogueCommand::List { db },
        } => catalogue_list(&db).await,
        Command::Training { command } => match command {
            TrainingCommand::Import {
                db,
                kind,
                file,
                activate,
            } => training::import(&db, kind.data(), &file, activate).await,
            TrainingCommand::ImportSessions { db, file, org } => {
                training::import_sessions(&db, &file, &org).await
            }
            TrainingCommand::List { db, kind } => training::list(&db, kind.data()).await,
            TrainingCommand::Verify { db, code } => training::verify(&db, &code).await,
        },
        Command::Catalogue {
            command:
                CatalogueCommand::Activate {
                    db,
                    catalogue_version,
                },
        } => catalogue_activate(&db, &catalogue_version).await,
        Command::Calendar {
            command: CalendarCommand::Holidays { year, jurisdiction },
        } => calendar_holidays(year, &jurisdiction),
        Command::Calendar {
            command:
                CalendarCommand::AddWorkingDays {
                    from,
                    days,
                    jurisdiction,
                },
        } => calendar_add_working_days(&from, days, &jurisdiction),
    }
}

/// A day as the command line takes it: `YYYY-MM-DD`.
fn day_arg(text: &str) -> Result<chrono::NaiveDate, String> {
    mnir_domain::parse_iso_date(text).ok_or_else(|| format!("`{text}` is not a day (YYYY-MM-DD)"))
}
