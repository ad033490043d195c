//! `mnir export htcds` and `mnir import htcds`: the register exchanged in HTCDS 2.0.

use crate::DbArgs;
use crate::ExchangeFormat;
use crate::commands::{jurisdiction, operator_app, refusal, write_out};
use crate::open::open;
use crate::usage;
use mnir_app::exchange::{self, ExportKind, FileFormat, LegalBasis};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// A bar on standard error that appears once the work has taken a second (a short job prints
/// nothing but its result), and only on a terminal.
pub(crate) struct LateBar {
    bar: indicatif::ProgressBar,
    started: Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl LateBar {
    pub(crate) fn new(total: u64, template: &str) -> LateBar {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::hidden(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        LateBar {
            bar,
            started: Instant::now(),
            shown: false.into(),
        }
    }

    pub(crate) fn set_total(&self, total: u64) {
        self.bar.set_length(total);
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    pub(crate) fn set(&self, done: u64) {
        use std::sync::atomic::Ordering;
        if !self.shown.load(Ordering::Relaxed) && self.started.elapsed() > Duration::from_secs(1) {
            self.shown.store(true, Ordering::Relaxed);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_position(done);
    }
}

pub async fn export_htcds(
    db: &DbArgs,
    open_data: bool,
    legal: Option<(String, String)>,
    format: ExchangeFormat,
    out: &std::path::Path,
    jurisdiction_name: &str,
) -> anyhow::Result<ExitCode> {
    let rules = jurisdiction(jurisdiction_name)?;
    let kind = match legal {
        Some((recipient, basis)) => {
            ExportKind::Identifying(LegalBasis::check(&recipient, &basis).map_err(|_| {
                usage(format!(
                    "--recipient and --legal-basis must each be 1 to {} characters",
                    exchange::MAX_LEGAL_TEXT
                ))
            })?)
        }
        None if open_data => ExportKind::OpenData,
        None => ExportKind::Cases,
    };
    let format = match format {
        ExchangeFormat::Csv => FileFormat::Csv,
        ExchangeFormat::Xlsx => FileFormat::Xlsx,
    };
    let (store, _) = open(db).await?;
    let app = operator_app(store).with_jurisdiction(rules);
    let total = mnir_app::operator::case_count(&app)
        .await
        .map_err(refusal)?;
    let bar = LateBar::new(
        u64::try_from(total).unwrap_or(0),
        "{bar:40} {human_pos}/{human_len} cases read, {eta} left",
    );
    let file = exchange::operator_export(&app, &kind, format, &|n| bar.set(n)).await;
    bar.bar.finish_and_clear();
    let file = file.map_err(refusal)?;
    write_out(Some(out), &file.bytes)?;
    eprintln!("wrote {} ({} rows)", out.display(), file.rows);
    if let Some(report) = file.open_data {
        eprintln!(
            "open data: k = {}, generalised to {}, {} victims kept, {} left out ({} combinations shared by fewer than k)",
            report.k,
            report.level,
            report.kept_rows,
            report.dropped_rows,
            report.dropped_combinations
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn import_htcds(
    db: &DbArgs,
    file: &std::path::Path,
    dry_run: bool,
    county: Option<&str>,
    lang: &str,
    jurisdiction_name: &str,
) -> anyhow::Result<ExitCode> {
    let rules = jurisdiction(jurisdiction_name)?;
    let options = exchange::ImportOptions::check(dry_run, county).map_err(|_| {
        usage(format!(
            "unknown county `{}` (ISO 3166-2, e.g. RO-CJ)",
            county.unwrap_or_default()
        ))
    })?;
    let lang = mnir_web::Lang::parse(lang)
        .ok_or_else(|| usage(format!("unknown language `{lang}`: ro or en")))?;
    let bytes =
        std::fs::read(file).map_err(|e| usage(format!("cannot read {}: {e}", file.display())))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (store, _) = open(db).await?;
    let app = operator_app(store).with_jurisdiction(rules);
    let bar = LateBar::new(0, "{msg} {human_pos} rows");
    let report = exchange::operator_import(&app, &name, &bytes, &options, &|step, n| {
        bar.bar.set_message(step);
        bar.set(n as u64);
    })
    .await;
    bar.bar.finish_and_clear();
    let report = report.map_err(refusal)?;
    let tr = mnir_web::Tr::new(lang);
    for p in &report.problems {
        let column = if p.column.is_empty() {
            String::new()
        } else {
            format!(" {}", p.column)
        };
        println!("row {}{column}: {}", p.row, tr.message(&p.message));
    }
    if !report.ignored_columns.is_empty() {
        eprintln!(
            "fields of the standard mnir does not keep, left out: {}",
            report.ignored_columns.join(", ")
        );
    }
    if !report.problems.is_empty() {
        eprintln!(
            "{} problems in {} rows: nothing was stored",
            report.problems.len(),
            report.rows
        );
        return Ok(ExitCode::from(1));
    }
    let present = report.already_present.len();
    if report.stored {
        eprintln!(
            "imported {} cases of {} rows; {present} already in the register, left alone",
            report.new_cases, report.rows
        );
    } else if dry_run {
        eprintln!(
            "dry run: {} rows read without a problem; {} would be imported, {present} are already in the register; nothing was stored",
            report.rows, report.new_cases
        );
    } else {
        eprintln!(
            "nothing to import: all {} rows are already in the register",
            report.rows
        );
    }
    Ok(ExitCode::SUCCESS)
}
