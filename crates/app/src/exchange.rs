//! Exchange of the register in HTCDS 2.0 (mnir.md §11): the export for a partner (names and
//! birth dates only to a recipient whose legal basis is recorded), the de-identified open-data
//! extract, and the import of another system's file, all of it or nothing.

use crate::{App, AppError, AppResult, Arg, FieldIssue, Message, Who};
use mnir_domain::htcds::{
    self, Column, ExchangeCase, Identity, ImportProblem, ImportedRow, OpenColumn, OpenVictim,
};
use mnir_domain::statistics::{spreadsheet_safe, spreadsheet_unsafe};
use mnir_domain::{Action, can};
use mnir_store::{AuditActor, CaseAccess, HistoryEntry, NewCase, Timestamp, VictimProfileRecord};
use std::collections::HashSet;

/// Cases read from the database at a time.
pub const PAGE: u32 = 1000;

/// The longest recipient or legal basis kept.
pub const MAX_LEGAL_TEXT: usize = 500;

/// Who receives the identifying fields and on what legal ground: both recorded with every page
/// the export reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalBasis {
    pub recipient: String,
    pub basis: String,
}

impl LegalBasis {
    /// Both as typed, trimmed; each required and at most [`MAX_LEGAL_TEXT`] characters.
    pub fn check(recipient: &str, basis: &str) -> AppResult<LegalBasis> {
        let mut issues = Vec::new();
        for (field, text) in [("recipient", recipient), ("legal_basis", basis)] {
            let text = text.trim();
            if text.is_empty() {
                issues.push(FieldIssue::new(field, "htcds-legal-required"));
            } else if text.chars().count() > MAX_LEGAL_TEXT {
                issues.push(FieldIssue {
                    field: field.into(),
                    message: Message::new("htcds-legal-too-long")
                        .with("max", Arg::Number(MAX_LEGAL_TEXT as i64)),
                    against_records: false,
                });
            }
        }
        if !issues.is_empty() {
            return Err(AppError::Invalid(issues));
        }
        Ok(LegalBasis {
            recipient: recipient.trim().to_string(),
            basis: basis.trim().to_string(),
        })
    }
}

/// What an export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportKind {
    /// A row per case with its reference and no name or birth date.
    Cases,
    /// A row per case with names and birth dates, for this recipient.
    Identifying(LegalBasis),
    /// The de-identified extract: victims' quasi-identifiers generalised to k.
    OpenData,
}

impl ExportKind {
    fn audit_detail(&self) -> String {
        match self {
            ExportKind::Cases => "kind=cases".into(),
            ExportKind::Identifying(l) => {
                format!(
                    "kind=identifying recipient={:?} basis={:?}",
                    l.recipient, l.basis
                )
            }
            ExportKind::OpenData => "kind=open_data".into(),
        }
    }

    pub fn file_name(&self, format: FileFormat, today: chrono::NaiveDate) -> String {
        let what = match self {
            ExportKind::Cases => "htcds",
            ExportKind::Identifying(_) => "htcds-identifying",
            ExportKind::OpenData => "htcds-open-data",
        };
        format!("mnir-{what}-{today}.{}", format.extension())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

impl FileFormat {
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

/// What was left out of an open-data extract, and how far it was generalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDataReport {
    pub k: u32,
    pub level: htcds::Generalisation,
    pub kept_rows: usize,
    pub dropped_rows: usize,
    pub dropped_combinations: usize,
}

/// A file made by an export.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub rows: usize,
    pub open_data: Option<OpenDataReport>,
}

/// Whether the user may export the register (and so open the exchange's page).
pub fn may_export(who: &Who<'_>) -> AppResult<()> {
    Ok(can(&who.actor(), Action::ExportCases, None)?)
}

/// The export of a user: ANITP's national coordinators.
pub async fn export(
    app: &App,
    who: &Who<'_>,
    kind: &ExportKind,
    format: FileFormat,
) -> AppResult<ExportFile> {
    may_export(who)?;
    export_as(app, &who.by, kind, format, &|_| {}).await
}

/// The export of the server's operator on the command line (audited as `cli`): the operator holds
/// the database and its key, so no role is checked; the legal basis still is. `progress` is told
/// how many cases are read so far.
pub async fn operator_export(
    app: &App,
    kind: &ExportKind,
    format: FileFormat,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> AppResult<ExportFile> {
    export_as(app, &AuditActor::cli(app.now()), kind, format, progress).await
}

async fn export_as(
    app: &App,
    by: &AuditActor,
    kind: &ExportKind,
    format: FileFormat,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> AppResult<ExportFile> {
    let identifying = matches!(kind, ExportKind::Identifying(_));
    let detail = kind.audit_detail();
    let jurisdiction = app.jurisdiction();
    let columns = htcds::columns(identifying);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut victims: Vec<OpenVictim> = Vec::new();
    let mut after: Option<String> = None;
    let mut read = 0u64;
    loop {
        let page = app
            .store()
            .export_page(after.as_deref(), PAGE, identifying, by, &detail)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.reference.clone());
        read += page.len() as u64;
        progress(read);
        for case in page {
            if *kind == ExportKind::OpenData {
                victims.extend(open_victim(app, &case));
                continue;
            }
            let exchange = ExchangeCase {
                reference: case.reference,
                identity: case
                    .identity
                    .map(|(given_name, family_name, birth_date)| Identity {
                        given_name,
                        family_name,
                        birth_date,
                    }),
                sex: case.sex,
                state: case.state,
                citizenship: case.citizenship,
                exploitation: case.exploitation,
                notifying_org: case.notifying_org,
                notified_on: jurisdiction.local_date(case.notified_at_ms.to_utc()),
                profile: case.profile,
            };
            rows.extend(exchange.row(&columns));
        }
    }
    let (header, rows, open_data) = if *kind == ExportKind::OpenData {
        let k = u32::try_from(jurisdiction.disclosure_threshold).unwrap_or(u32::MAX);
        let extract = htcds::open_extract(&victims, k, &jurisdiction.country);
        let report = OpenDataReport {
            k,
            level: extract.level,
            kept_rows: extract.rows.len(),
            dropped_rows: extract.dropped_rows,
            dropped_combinations: extract.dropped_combinations,
        };
        let header: Vec<String> = std::iter::once(String::new())
            .chain(OpenColumn::ALL.iter().map(|c| c.as_str().to_string()))
            .collect();
        // Numbered as the standard's template numbers its rows: nothing that leads back to a case.
        let rows = extract
            .rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| std::iter::once((i + 1).to_string()).chain(row).collect())
            .collect();
        (header, rows, Some(report))
    } else {
        let header = columns.iter().map(|c| c.as_str().to_string()).collect();
        (header, rows, None)
    };
    let count = rows.len();
    let bytes = match format {
        FileFormat::Csv => to_csv(&header, &rows)?,
        FileFormat::Xlsx => to_xlsx(&header, &rows)?,
    };
    Ok(ExportFile {
        bytes,
        rows: count,
        open_data,
    })
}

/// A victim of the open-data extract: a case whose person became a presumed or identified
/// victim and was not found otherwise since.
fn open_victim(app: &App, case: &mnir_store::ExportedCase) -> Option<OpenVictim> {
    let first = case.first_victim_step_ms?;
    if case.state == mnir_domain::CaseState::NotAVictim {
        return None;
    }
    let citizenship = case
        .profile
        .get(mnir_domain::victim::ProfileField::Citizenship)
        .first()
        .cloned()
        .unwrap_or_else(|| case.citizenship.clone());
    Some(OpenVictim {
        year: chrono::Datelike::year(&app.jurisdiction().local_date(first.to_utc())),
        sex: case.sex,
        age_group: case.age_group,
        age_years: case.age_years,
        citizenship,
        exploitation: case.exploitation,
        identified: case.identified,
    })
}

fn to_csv(header: &[String], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    writer.write_record(header).map_err(failed)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| spreadsheet_safe(cell).into_owned()))
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
}

/// The sheet's name in the standard's Excel template.
const CASE_SHEET: &str = "Case Sheet";

fn to_xlsx(header: &[String], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("writing XLSX: {e}"));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(CASE_SHEET).map_err(failed)?;
    let bold = Format::new().set_bold();
    for (c, name) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, name, &bold)
            .map_err(failed)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // Written as text, which a spreadsheet shows and never runs.
            sheet
                .write_string(r as u32 + 1, c as u16, cell)
                .map_err(failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    workbook.save_to_buffer().map_err(failed)
}

/// One problem of an import file, by row (the header is row 1) and column (its field name;
/// empty for the reference column and for a problem of the whole row).
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub message: Message,
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Rows that are new cases (stored, unless a dry run or a problem).
    pub new_cases: usize,
    /// Whether the new cases were stored.
    pub stored: bool,
    /// References already in the register: their rows were left alone.
    pub already_present: Vec<String>,
    /// Fields of the standard in the file that mnir does not keep.
    pub ignored_columns: Vec<String>,
    /// Every problem; nothing is stored while there is one.
    pub problems: Vec<RowProblem>,
}

/// The largest file an import reads.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// Whether the user may import: asked before a file is read, so that nobody else makes the
/// server hold one.
pub fn may_import(who: &Who<'_>) -> AppResult<()> {
    Ok(can(&who.actor(), Action::ImportCases, None)?)
}

/// The import of a user: ANITP's national coordinators.
pub async fn import(
    app: &App,
    who: &Who<'_>,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> AppResult<ImportReport> {
    may_import(who)?;
    import_as(app, &who.by, file_name, bytes, options, &|_, _| {}).await
}

/// How an import runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Check every row and report, storing nothing.
    pub dry_run: bool,
    /// The county a case is filed in when the row tells none (HTCDS has no field for where the
    /// person was found): its regional centre and directorate see the case.
    pub county: Option<String>,
}

impl ImportOptions {
    /// The options as typed: an empty county is none; another must be a county's ISO 3166-2 code.
    pub fn check(dry_run: bool, county: Option<&str>) -> AppResult<ImportOptions> {
        let county = county.map(str::trim).filter(|c| !c.is_empty());
        if let Some(code) = county
            && mnir_domain::reference::county(code).is_none()
        {
            return Err(AppError::Invalid(vec![FieldIssue {
                field: "county".into(),
                message: Message::new("org-county-unknown")
                    .with("county", Arg::Text(code.to_string())),
                against_records: false,
            }]));
        }
        Ok(ImportOptions {
            dry_run,
            county: county.map(str::to_string),
        })
    }
}

/// The import of the server's operator on the command line. `progress` is told the step
/// (`checking` or `storing`) and how many rows are done.
pub async fn operator_import(
    app: &App,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
    progress: &(dyn Fn(&'static str, usize) + Send + Sync),
) -> AppResult<ImportReport> {
    import_as(
        app,
        &AuditActor::cli(app.now()),
        file_name,
        bytes,
        options,
        progress,
    )
    .await
}

fn whole_file(message: Message) -> RowProblem {
    RowProblem {
        row: 0,
        column: String::new(),
        message,
    }
}

/// The most cells a row may have, and the most rows a file: far above any HTCDS file (the
/// standard has fewer than a hundred fields), low enough that a hostile file cannot make the
/// server build millions of empty cells.
pub const MAX_CELLS: usize = 256;
pub const MAX_ROWS: usize = 1_000_000;

/// The rows of a file with the line each begins on: XLSX when it is a zip archive, else CSV in
/// UTF-8.
pub fn read_table(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, Message> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Message::new("htcds-not-utf8").with("offset", Arg::Number(e.valid_up_to() as i64))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            Message::new("htcds-unreadable").with("detail", Arg::Text(e.to_string()))
        })?;
        // The line the record begins on: empty lines are skipped, and a quoted cell may span
        // several, so the count of records is not the line.
        let line = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        check_size(line, record.len(), rows.len())?;
        rows.push((
            line,
            record
                .iter()
                .map(|cell| spreadsheet_unsafe(cell).to_string())
                .collect(),
        ));
    }
    Ok(rows)
}

fn check_size(line: usize, cells: usize, rows_so_far: usize) -> Result<(), Message> {
    if cells > MAX_CELLS {
        return Err(Message::new("htcds-too-many-cells")
            .with("row", Arg::Number(line as i64))
            .with("max", Arg::Number(MAX_CELLS as i64)));
    }
    if rows_so_far >= MAX_ROWS {
        return Err(Message::new("htcds-too-many-rows").with("max", Arg::Number(MAX_ROWS as i64)));
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, Message> {
    // calamine 0.38 multiplies a cell reference's digits without checking for overflow (the
    // fuzzing campaign found a reference that overflows): where overflow checks are on, that is
    // a panic inside the library. Whatever panics in reading a file is a file that cannot be
    // read, told as such, with nothing stored.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_xlsx_cells(bytes)))
        .unwrap_or_else(|_| {
            Err(Message::new("htcds-unreadable").with(
                "detail",
                Arg::Text("a cell reference of the workbook cannot be read".into()),
            ))
        })
}

fn read_xlsx_cells(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, Message> {
    use calamine::{Data, DataType, Reader, Xlsx};
    let unreadable =
        |e: String| Message::new("htcds-unreadable").with("detail", Arg::Text(e.to_string()));
    let mut workbook: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(|e| unreadable(e.to_string()))?;
    let names = workbook.sheet_names();
    let sheet = names
        .iter()
        .find(|n| *n == CASE_SHEET)
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| unreadable("the workbook has no sheet".into()))?;
    // Cell by cell rather than as a range: a range is allocated whole from the sheet's extent,
    // which a small file can declare enormous. A cell beyond the limits ends the reading.
    let mut reader = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|e| unreadable(e.to_string()))?;
    // The sheet's rows by their number (from 0), each its cells by column, as read.
    let mut by_row: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(e.to_string()))? {
        let (row, column) = cell.get_position();
        // The rows before this one in the sheet, read or empty, count towards the limit.
        check_size(row as usize + 1, column as usize + 1, row as usize)?;
        let value = Data::from(cell.get_value().clone());
        let text = match &value {
            Data::Empty => continue,
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::DateTime(_) | Data::DateTimeIso(_) => value
                .as_date()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| value.to_string()),
            other => other.to_string(),
        };
        let cells = by_row.entry(row).or_default();
        if cells.len() <= column as usize {
            cells.resize(column as usize + 1, String::new());
        }
        cells[column as usize] = text;
    }
    // Numbered as the sheet numbers them (from 1), the first column the sheet's first.
    Ok(by_row
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells))
        .collect())
}

fn problem_message(problem: &ImportProblem) -> (String, Message) {
    let text = |id: &'static str, name: &'static str, value: &str| {
        Message::new(id).with(name, Arg::Text(value.to_string()))
    };
    match problem {
        ImportProblem::UnknownColumn(name) => {
            (name.clone(), text("htcds-unknown-column", "name", name))
        }
        ImportProblem::RepeatedColumn(name) => {
            (name.clone(), text("htcds-repeated-column", "name", name))
        }
        ImportProblem::MissingColumn(c) => (
            c.as_str().into(),
            text("htcds-missing-column", "name", column_label(*c)),
        ),
        ImportProblem::Missing(c) => (c.as_str().into(), Message::new("htcds-missing")),
        ImportProblem::UnknownValue { column, value } => (
            column.as_str().into(),
            text("htcds-unknown-value", "value", value),
        ),
        ImportProblem::BadDate { column, value } => (
            column.as_str().into(),
            text("htcds-bad-date", "value", value),
        ),
        ImportProblem::BadAge(value) => (
            Column::AgeWhenTrafficked.as_str().into(),
            text("htcds-bad-age", "value", value),
        ),
        ImportProblem::OneOnly(c) => (c.as_str().into(), Message::new("htcds-one-only")),
        ImportProblem::NoSuchState {
            status,
            case_status,
        } => (
            Column::CaseStatus.as_str().into(),
            text("htcds-no-such-state", "status", status)
                .with("case_status", Arg::Text(case_status.clone())),
        ),
        ImportProblem::BadReference(value) => (
            String::new(),
            text("htcds-bad-reference", "value", value)
                .with("max", Arg::Number(htcds::MAX_REFERENCE as i64)),
        ),
        ImportProblem::RepeatedReference(value) => (
            String::new(),
            text("htcds-repeated-reference", "value", value),
        ),
        ImportProblem::UnknownOrganisation(value) => (
            Column::ReferringOrganisation.as_str().into(),
            text("htcds-unknown-organisation", "value", value),
        ),
        ImportProblem::NoCounty => (
            Column::ReferringOrganisation.as_str().into(),
            Message::new("htcds-no-county"),
        ),
        ImportProblem::Inconsistent { column } => {
            (column.as_str().into(), Message::new("htcds-inconsistent"))
        }
        ImportProblem::BornAfterNotification => (
            Column::Birthdate.as_str().into(),
            Message::new("htcds-born-after-notification"),
        ),
        ImportProblem::NumberedRow(value) => {
            (String::new(), text("htcds-numbered-row", "value", value))
        }
        ImportProblem::BadName(c) => (
            c.as_str().into(),
            Message::new("htcds-bad-name").with("max", Arg::Number(htcds::MAX_NAME as i64)),
        ),
        ImportProblem::Future(c) => (c.as_str().into(), Message::new("htcds-future-date")),
    }
}

/// How a column is named in a message: the unnamed reference column by what it holds.
fn column_label(column: Column) -> &'static str {
    match column {
        Column::Reference => "(reference)",
        other => other.as_str(),
    }
}

async fn import_as(
    app: &App,
    by: &AuditActor,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
    progress: &(dyn Fn(&'static str, usize) + Send + Sync),
) -> AppResult<ImportReport> {
    let dry_run = options.dry_run;
    let mut report = ImportReport {
        dry_run,
        ..Default::default()
    };
    if bytes.len() > MAX_IMPORT_BYTES {
        report
            .problems
            .push(whole_file(Message::new("htcds-too-large").with(
                "size",
                Arg::Text(format!("{} MiB", MAX_IMPORT_BYTES / (1024 * 1024))),
            )));
        return Ok(report);
    }
    let table = match read_table(bytes) {
        Ok(table) => table,
        Err(message) => {
            report.problems.push(whole_file(message));
            return Ok(report);
        }
    };
    // Rows a spreadsheet leaves empty below the data are not rows.
    let mut lines = table
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_line, header)) = lines.next() else {
        report
            .problems
            .push(whole_file(Message::new("htcds-empty")));
        return Ok(report);
    };
    let columns = match htcds::read_header(&header) {
        Ok(columns) => columns,
        Err(problems) => {
            report.problems.extend(problems.iter().map(|p| {
                let (column, message) = problem_message(p);
                RowProblem {
                    row: header_line,
                    column,
                    message,
                }
            }));
            return Ok(report);
        }
    };
    report.ignored_columns = header
        .iter()
        .zip(&columns)
        .filter(|(name, column)| column.is_none() && !name.trim().is_empty())
        .map(|(name, _)| name.trim().to_string())
        .collect();
    let organisations = app.organisations().await?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut read: Vec<(ImportedRow, String)> = Vec::new();
    let today = app.today();
    for (row, cells) in lines {
        report.rows += 1;
        if cells.len() > header.len() {
            report.problems.push(RowProblem {
                row,
                column: String::new(),
                message: Message::new("htcds-row-too-long")
                    .with("cells", Arg::Number(cells.len() as i64))
                    .with("columns", Arg::Number(header.len() as i64)),
            });
            continue;
        }
        let mut problems = Vec::new();
        let imported = match htcds::read_row(&columns, &cells) {
            Ok(imported) => Some(imported),
            Err(found) => {
                problems = found;
                None
            }
        };
        // The organisation is checked whatever else is wrong with the row, so that a file's
        // unknown organisations are all named at once.
        let org_code = columns
            .iter()
            .zip(&cells)
            .find(|(c, _)| **c == Some(Column::ReferringOrganisation))
            .map(|(_, cell)| cell.trim())
            .unwrap_or("");
        let org = organisations.iter().find(|o| o.code == org_code);
        if org.is_none() && !org_code.is_empty() {
            problems.push(ImportProblem::UnknownOrganisation(org_code.to_string()));
        }
        if let Some(imported) = &imported {
            let reference = &imported.case.reference;
            if !seen.insert(reference.clone()) {
                problems.push(ImportProblem::RepeatedReference(reference.clone()));
            }
            if imported.case.notified_on > today {
                problems.push(ImportProblem::Future(Column::IncomingReferralDate));
            }
            // A birth date after today is after the notification too, or the notification's
            // own date is in the future: either is named already.
        }
        let mut county = None;
        if let (Some(imported), Some(org)) = (&imported, org) {
            county = imported
                .county(org.county.as_deref())
                .or_else(|| options.county.clone());
            if county.is_none() {
                problems.push(ImportProblem::NoCounty);
            }
        }
        for problem in &problems {
            let (column, message) = problem_message(problem);
            report.problems.push(RowProblem {
                row,
                column,
                message,
            });
        }
        if let (Some(imported), Some(county), true) = (imported, county, problems.is_empty()) {
            read.push((imported, county));
        }
        progress("checking", report.rows);
    }
    if report.rows == 0 {
        report
            .problems
            .push(whole_file(Message::new("htcds-no-rows")));
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    let references: Vec<String> = read.iter().map(|(r, _)| r.case.reference.clone()).collect();
    let present: HashSet<String> = app
        .store()
        .existing_references(&references)
        .await?
        .into_iter()
        .collect();
    report.already_present = references
        .iter()
        .filter(|r| present.contains(*r))
        .cloned()
        .collect();
    let new: Vec<(ImportedRow, String)> = read
        .into_iter()
        .filter(|(r, _)| !present.contains(&r.case.reference))
        .collect();
    report.new_cases = new.len();
    if dry_run || new.is_empty() {
        return Ok(report);
    }
    let mut cases = Vec::with_capacity(new.len());
    let mut profiles = Vec::new();
    for (imported, county) in new {
        let (case, profile) = new_case(app, by, file_name, imported, &county);
        cases.push(case);
        profiles.extend(profile);
    }
    let sealed = app.store().seal_cases(cases);
    let detail = format!("file={file_name:?}");
    app.store()
        .import_cases(&sealed, &profiles, by, &detail, &|n| progress("storing", n))
        .await
        .map_err(|e| match e {
            // Another import stored one of these references meanwhile: nothing of this one is.
            mnir_store::StoreError::Conflict(_) => AppError::conflict("htcds-imported-meanwhile"),
            other => other.into(),
        })?;
    report.stored = true;
    Ok(report)
}

/// The case an imported row becomes: notified at the start of its day, routed as a notification
/// of its organisation in its county, and walked through the transition table to its state at
/// that instant (each step in its history, its reason the file it came from).
fn new_case(
    app: &App,
    by: &AuditActor,
    file_name: &str,
    imported: ImportedRow,
    county: &str,
) -> (NewCase, Option<VictimProfileRecord>) {
    let age_group = imported.age_group();
    let case = imported.case;
    let jurisdiction = app.jurisdiction();
    let notified_at_ms = Timestamp::from_utc(jurisdiction.start_of_day(case.notified_on));
    let access: Vec<CaseAccess> = mnir_domain::route(&case.notifying_org, county, age_group)
        .unwrap_or_default()
        .into_iter()
        .map(|(org_code, basis)| CaseAccess { org_code, basis })
        .collect();
    let id = uuid::Uuid::new_v4().to_string();
    let path = htcds::path_to(case.state);
    let history = path
        .iter()
        .enumerate()
        .map(|(i, to)| HistoryEntry {
            from: i.checked_sub(1).map(|p| path[p]),
            to: *to,
            actor_user: by.user_id.clone(),
            actor_org: case.notifying_org.clone(),
            at_ms: notified_at_ms,
            reason: format!("HTCDS: {file_name}"),
        })
        .collect();
    let profile = (case.profile != Default::default()).then(|| VictimProfileRecord {
        case_id: id.clone(),
        profile: case.profile.clone(),
        org_code: by
            .org_code
            .clone()
            .unwrap_or_else(|| case.notifying_org.clone()),
        recorded_by: by.user_id.clone().unwrap_or_default(),
        updated_at_ms: by.now_ms,
    });
    let identity = case.identity.unwrap_or_default();
    let new = NewCase {
        id,
        reference: case.reference,
        state: case.state,
        given_name: identity.given_name,
        family_name: identity.family_name,
        birth_date: identity.birth_date,
        sex: case.sex,
        citizenship: case.citizenship,
        found_in_county: county.to_string(),
        age_years: imported.age_years,
        age_group,
        exploitation: case.exploitation,
        signals: Vec::new(),
        notes: String::new(),
        notifying_org: case.notifying_org,
        created_by: by.user_id.clone(),
        notified_at_ms,
        access,
        history,
    };
    (new, profile)
}
