//! National statistics (mnir.md §11): a table of one reference year, the whole country or one
//! development region, in its internal view (exact counts) or its published view (after
//! disclosure control, consistent across the whole publication).

use crate::{App, AppError, AppResult, Arg, Message, Who};
use mnir_disclosure::{Counts, TableSpec};
use mnir_domain::statistics::{self, Dimension, TableDefinition};
use mnir_domain::{Action, can, reference};
use mnir_store::{AuditActor, CountQuery, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

/// Why a figure is hidden in a published table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Suppressed {
    /// Its count is from 1 to k − 1.
    Primary,
    /// Its count is k or more, hidden so that a primary figure cannot be worked out from the
    /// others.
    Secondary,
    /// Hidden, for a reader who may not see exact counts: telling them which figures were
    /// hidden for being small would tell them those figures are below k.
    Hidden,
}

/// One figure: `{"value": N}`, or in a published table `{"suppressed": "primary" |
/// "secondary"}` for a reader who may see exact counts and `{"suppressed": "hidden"}` for any
/// other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatCell {
    Value(u64),
    Suppressed(Suppressed),
}

impl StatCell {
    pub fn value(self) -> Option<u64> {
        match self {
            StatCell::Value(n) => Some(n),
            StatCell::Suppressed(_) => None,
        }
    }
}

impl From<mnir_disclosure::Cell> for StatCell {
    fn from(cell: mnir_disclosure::Cell) -> StatCell {
        match cell {
            mnir_disclosure::Cell::Value(n) => StatCell::Value(n),
            mnir_disclosure::Cell::Suppressed(mnir_disclosure::Suppression::Primary) => {
                StatCell::Suppressed(Suppressed::Primary)
            }
            mnir_disclosure::Cell::Suppressed(mnir_disclosure::Suppression::Secondary) => {
                StatCell::Suppressed(Suppressed::Secondary)
            }
        }
    }
}

/// A table of the victims, referrals or reflection periods of one reference year (see `unit`),
/// split by two dimensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatisticsTable {
    /// The table's name, e.g. `victims-by-sex-age-group`.
    pub table: String,
    /// What it counts: `victims`, `referrals` (sent in the year) or `reflection_periods`
    /// (offered in the year).
    pub unit: String,
    pub year: i32,
    /// The development region (NUTS 2 code) the figures are limited to; absent for the country.
    pub region: Option<String>,
    /// Whether disclosure control was applied (the view for publication).
    pub published: bool,
    /// The threshold: a published figure is never from 1 to k − 1.
    pub k: u64,
    /// What the rows split by (`sex`, `age_group`, `exploitation`, `referral_answer`, …: the
    /// dimensions of `mnir_domain::statistics::Dimension`).
    pub row_dimension: String,
    pub column_dimension: String,
    /// The rows' category codes, in order.
    pub rows: Vec<String>,
    /// The columns' category codes, in order.
    pub columns: Vec<String>,
    /// One list per row, one figure per column.
    pub cells: Vec<Vec<StatCell>>,
    pub row_totals: Vec<StatCell>,
    pub column_totals: Vec<StatCell>,
    pub total: StatCell,
    /// For the table of the time from notification to identification: the median and 90th
    /// percentile of its days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identification_days: Option<DaysSummary>,
}

/// The days from the notification to the first identification step of the victims identified
/// by the year's end whose step's time is known (nearest rank). In the published view the
/// number identified is not given (with the table's other figures it would tell the ones
/// hidden), and the percentiles only when every band's total is published: a percentile bounds
/// the share of the victims in the bands beyond it, which would narrow a hidden total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct DaysSummary {
    pub identified: Option<u64>,
    pub median_days: Option<u64>,
    pub p90_days: Option<u64>,
}

/// The summary of the grouped counts `counted` (days as stored, column value, victims) of the
/// identification time's source.
fn days_summary(
    counted: &[mnir_store::GroupedCount],
    published: bool,
    band_totals_published: bool,
) -> DaysSummary {
    let days: Vec<(i64, u64)> = counted
        .iter()
        .filter_map(|(days, _, n, _)| Some((days.parse().ok()?, u64::try_from(*n).ok()?)))
        .collect();
    let identified: u64 = days.iter().map(|(_, n)| n).sum();
    let shown = !published || band_totals_published;
    DaysSummary {
        identified: (!published).then_some(identified),
        median_days: statistics::percentile_days(&days, 50).filter(|_| shown),
        p90_days: statistics::percentile_days(&days, 90).filter(|_| shown),
    }
}

/// What a user asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRequest {
    pub year: i32,
    /// A development region's NUTS 2 code, or `None` for the whole country.
    pub region: Option<String>,
    pub published: bool,
}

/// Whether the user may see exact counts (else only the published view).
pub fn may_view_internal(user: &mnir_store::User) -> bool {
    can(
        &user.actor(),
        Action::ViewStatistics { published: false },
        None,
    )
    .is_ok()
}

/// The tables there are, in the order of the publication, for a user who may see at least
/// their published view.
pub fn tables(who: &Who<'_>) -> AppResult<&'static [TableDefinition]> {
    can(
        &who.actor(),
        Action::ViewStatistics { published: true },
        None,
    )?;
    Ok(statistics::TABLES)
}

/// The year a statistics page opens on: the last complete year in the jurisdiction's time, the
/// one an annual report is about.
pub fn default_year(app: &App) -> i32 {
    use chrono::Datelike;
    app.today().year() - 1
}

/// What the annual report of `year` shows, whoever asks: the published view of the whole
/// country (a complete year only, which [`publication`] checks).
pub fn annual_report_request(year: i32) -> TableRequest {
    TableRequest {
        year,
        region: None,
        published: true,
    }
}

/// The name an annual report's PDF is saved under.
pub fn annual_report_file_name(year: i32, lang: &str) -> String {
    format!("statistics-report-{year}-{lang}.pdf")
}

/// One table, for a signed-in user: the internal view is an ANITP coordinator's; the published
/// view is open to supervisors too. Each look is audited with what was asked.
pub async fn table(
    app: &App,
    who: &Who<'_>,
    name: &str,
    request: &TableRequest,
) -> AppResult<StatisticsTable> {
    allowed(who, request)?;
    let definition = statistics::table(name).ok_or(AppError::NotFound)?;
    let reasons = may_view_internal(who.user);
    let mut tables = compute(app, &who.by, &[*definition], request, reasons).await?;
    Ok(tables.remove(0))
}

fn allowed(who: &Who<'_>, request: &TableRequest) -> AppResult<()> {
    let action = Action::ViewStatistics {
        published: request.published,
    };
    Ok(can(&who.actor(), action, None)?)
}

/// Every table of the publication, for a signed-in user (as [`table`]).
pub async fn publication(
    app: &App,
    who: &Who<'_>,
    request: &TableRequest,
) -> AppResult<Vec<StatisticsTable>> {
    allowed(who, request)?;
    compute(
        app,
        &who.by,
        statistics::TABLES,
        request,
        may_view_internal(who.user),
    )
    .await
}

/// The tables asked for, by the server's operator on the command line (audited as `cli`): the
/// operator holds the database and its key, so no role is checked.
pub async fn operator_tables(
    app: &App,
    names: &[String],
    request: &TableRequest,
) -> AppResult<Vec<StatisticsTable>> {
    let mut definitions = Vec::with_capacity(names.len());
    for name in names {
        definitions.push(*statistics::table(name).ok_or_else(|| {
            AppError::Invalid(vec![crate::FieldIssue {
                field: "table".into(),
                message: Message::new("statistics-table-unknown")
                    .with("name", Arg::Text(name.clone())),
                against_records: false,
            }])
        })?);
    }
    // What the operator prints for publication says no more than the published pages: which
    // figures were hidden for being small is for the internal view alone.
    compute(
        app,
        &AuditActor::cli(app.now()),
        &definitions,
        request,
        false,
    )
    .await
}

fn check(app: &App, request: &TableRequest) -> AppResult<Option<Vec<String>>> {
    let mut issues = Vec::new();
    if request.published {
        // Figures of a year still running change with every victim registered: two looks a
        // day apart would tell who came in between.
        if request.year > default_year(app) {
            issues.push(crate::FieldIssue {
                field: "year".into(),
                message: Message::new("statistics-published-complete-years")
                    .with("last", Arg::Number(default_year(app).into())),
                against_records: false,
            });
        }
        // A region's published tables would be protected apart from the national ones whose
        // figures they add up to, and the two patterns together could give a hidden figure
        // away; the regions are published in the table by region.
        if request.region.is_some() {
            issues.push(crate::FieldIssue {
                field: "region".into(),
                message: Message::new("statistics-published-national-only"),
                against_records: false,
            });
        }
    }
    if !(statistics::FIRST_YEAR..=statistics::LAST_YEAR).contains(&request.year) {
        issues.push(crate::FieldIssue {
            field: "year".into(),
            message: Message::new("statistics-year-out-of-range")
                .with("first", Arg::Number(statistics::FIRST_YEAR.into()))
                .with("last", Arg::Number(statistics::LAST_YEAR.into())),
            against_records: false,
        });
    }
    let counties = match &request.region {
        None => None,
        Some(code) => match reference::region(code) {
            Some(region) => Some(
                reference::counties()
                    .iter()
                    .filter(|c| c.development_region == region.code)
                    .map(|c| c.code.clone())
                    .collect(),
            ),
            None => {
                issues.push(crate::FieldIssue {
                    field: "region".into(),
                    message: Message::new("statistics-region-unknown")
                        .with("region", Arg::Text(code.clone())),
                    against_records: false,
                });
                None
            }
        },
    };
    if issues.is_empty() {
        Ok(counties)
    } else {
        Err(AppError::Invalid(issues))
    }
}

/// Counts the tables asked for, and for the published view protects the whole publication at
/// once, so that a total two tables share is hidden in both or in neither; then returns the
/// tables asked for.
async fn compute(
    app: &App,
    by: &AuditActor,
    asked: &[TableDefinition],
    request: &TableRequest,
    reasons: bool,
) -> AppResult<Vec<StatisticsTable>> {
    let counties = check(app, request)?;
    let jurisdiction = app.jurisdiction();
    let (from, to) = statistics::year_bounds_ms(request.year, jurisdiction);
    let instant = |ms: i64| {
        Timestamp::from_millis(ms)
            .ok_or_else(|| AppError::Internal(format!("statistics: {ms} is off the calendar")))
    };
    let (from, to) = (instant(from)?, instant(to)?);
    // The published view needs every table the asked ones are published with.
    let counted: &[TableDefinition] = if request.published {
        statistics::TABLES
    } else {
        asked
    };
    let queries: Vec<CountQuery> = counted
        .iter()
        .map(|t| CountQuery {
            unit: t.unit,
            from,
            to,
            counties: counties.clone(),
            rows: t.rows.source(),
            columns: t.columns.source(),
        })
        .collect();
    let names: Vec<&str> = counted.iter().map(|t| t.name).collect();
    let detail = format!(
        "tables={} year={} region={} view={}",
        names.join(","),
        request.year,
        request.region.as_deref().unwrap_or("all"),
        if request.published {
            "published"
        } else {
            "internal"
        }
    );
    let answers = app.store().count_grouped(&queries, by, &detail).await?;
    let country = jurisdiction.country.as_str();
    let k = jurisdiction.disclosure_threshold;
    let mut all_counts = Vec::with_capacity(counted.len());
    let mut few_people = Vec::with_capacity(counted.len());
    for (definition, rows) in counted.iter().zip(&answers) {
        let cells = statistics::fold(
            definition,
            rows.iter().map(|(r, c, n, _)| (r.as_str(), c.as_str(), *n)),
            country,
        );
        all_counts
            .push(Counts::new(cells).map_err(|e| AppError::Internal(format!("statistics: {e}")))?);
        few_people.push(if definition.unit == statistics::Unit::Victims {
            Vec::new()
        } else {
            let people = statistics::people(
                definition,
                rows.iter()
                    .filter_map(|(r, c, _, case)| Some((r.as_str(), c.as_str(), case.as_deref()?))),
                country,
            );
            few(&people, k)
        });
    }
    let figures: Vec<Figures> = if request.published {
        protect(statistics::TABLES, all_counts, few_people, k, reasons).await?
    } else {
        all_counts.iter().map(Figures::exact).collect()
    };
    let mut out = Vec::with_capacity(asked.len());
    for definition in asked {
        let index = counted
            .iter()
            .position(|t| t.name == definition.name)
            .expect("every asked table is counted");
        let f = figures[index].clone();
        let band_totals_published = f.row_totals.iter().all(|c| matches!(c, StatCell::Value(_)));
        let identification_days = (definition.rows == Dimension::IdentificationTime)
            .then(|| days_summary(&answers[index], request.published, band_totals_published));
        out.push(StatisticsTable {
            table: definition.name.to_string(),
            unit: definition.unit.as_str().to_string(),
            year: request.year,
            region: request.region.clone(),
            published: request.published,
            k,
            row_dimension: definition.rows.as_str().to_string(),
            column_dimension: definition.columns.as_str().to_string(),
            rows: labels(definition.rows),
            columns: labels(definition.columns),
            cells: f.cells,
            row_totals: f.row_totals,
            column_totals: f.column_totals,
            total: f.total,
            identification_days,
        });
    }
    Ok(out)
}

/// Protects the whole publication at once: tables sharing a dimension share its totals, and
/// tables whose dimensions refine one another (age bands and age groups) are tied by the sums a
/// reader can check, so a figure hidden in one cannot be worked out from another. The linear
/// programmes run on a thread for blocking work, not on the server's request threads.
async fn protect(
    tables: &'static [TableDefinition],
    counts: Vec<Counts>,
    few_people: Vec<Vec<mnir_disclosure::Position>>,
    k: u64,
    reasons: bool,
) -> AppResult<Vec<Figures>> {
    let relations = relations(tables);
    let protected = tokio::task::spawn_blocking(move || {
        let keys: Vec<(String, String)> = tables
            .iter()
            .map(|t| (t.key(t.rows), t.key(t.columns)))
            .collect();
        let specs: Vec<TableSpec<'_>> = counts
            .iter()
            .zip(&keys)
            .map(|(counts, (row_key, column_key))| TableSpec {
                counts,
                row_key: Some(row_key),
                column_key: Some(column_key),
            })
            .collect();
        mnir_disclosure::protect_publication_of_records(&specs, &relations, &few_people, k)
    })
    .await
    .map_err(|e| AppError::Internal(format!("statistics: protecting the tables failed: {e}")))?;
    let protected = protected.map_err(|refusal| {
        // Only the kind of refusal is logged: its details name hidden figures' values.
        AppError::Internal(format!(
            "statistics: the published pattern failed its check ({})",
            refusal_kind(&refusal)
        ))
    })?;
    let cell = |c: mnir_disclosure::Cell| {
        let c = StatCell::from(c);
        match c {
            StatCell::Suppressed(_) if !reasons => StatCell::Suppressed(Suppressed::Hidden),
            other => other,
        }
    };
    Ok(protected
        .into_iter()
        .map(|p| Figures {
            cells: p
                .cells
                .into_iter()
                .map(|row| row.into_iter().map(cell).collect())
                .collect(),
            row_totals: p.row_totals.into_iter().map(cell).collect(),
            column_totals: p.column_totals.into_iter().map(cell).collect(),
            total: cell(p.total),
        })
        .collect())
}

/// The figures of a table of records that belong to 1 to k − 1 people, whatever their count of
/// records: published, they would tell of so few people as a small count does.
fn few(people: &statistics::People, k: u64) -> Vec<mnir_disclosure::Position> {
    use mnir_disclosure::Position;
    let small = |n: u64| (1..k).contains(&n);
    let mut out = Vec::new();
    for (row, cells) in people.cells.iter().enumerate() {
        for (column, n) in cells.iter().enumerate() {
            if small(*n) {
                out.push(Position::Interior { row, column });
            }
        }
    }
    out.extend(
        people
            .row_totals
            .iter()
            .enumerate()
            .filter(|(_, n)| small(**n))
            .map(|(row, _)| Position::RowTotal(row)),
    );
    out.extend(
        people
            .column_totals
            .iter()
            .enumerate()
            .filter(|(_, n)| small(**n))
            .map(|(column, _)| Position::ColumnTotal(column)),
    );
    if small(people.total) {
        out.push(Position::Total);
    }
    out
}

fn refusal_kind(refusal: &mnir_disclosure::Refusal) -> String {
    use mnir_disclosure::Refusal;
    match refusal {
        Refusal::Exposed(exposures) => format!("{} hidden figures exposed", exposures.len()),
        Refusal::ZeroThreshold => "a threshold of zero".into(),
        Refusal::Link(_) => "tables whose shared totals differ".into(),
        Refusal::Relation(_) => "a relation between tables that does not hold".into(),
        Refusal::Solver(_) => "the solver failed".into(),
    }
}

/// The sums a reader of two tables can check beyond their shared totals: where both tables
/// split by one dimension and the other dimension of one refines the other's (age bands within
/// age groups), each coarse figure equals the sum of its fine ones, category by category of the
/// shared dimension.
fn relations(tables: &[TableDefinition]) -> Vec<mnir_disclosure::Relation> {
    use mnir_disclosure::{CellRef, Position, Relation};
    /// One dimension of one table: which table, the dimension, whether it runs along the rows,
    /// and the table's other dimension.
    struct Axis {
        table: usize,
        unit: statistics::Unit,
        dimension: Dimension,
        by_row: bool,
        other: Dimension,
    }
    impl Axis {
        /// The figure at category `own` of this axis and `shared` of the other.
        fn at(&self, own: usize, shared: usize) -> CellRef {
            let (row, column) = if self.by_row {
                (own, shared)
            } else {
                (shared, own)
            };
            CellRef {
                table: self.table,
                position: Position::Interior { row, column },
            }
        }
    }
    let axes: Vec<Axis> = tables
        .iter()
        .enumerate()
        .flat_map(|(table, t)| {
            [
                Axis {
                    table,
                    unit: t.unit,
                    dimension: t.rows,
                    by_row: true,
                    other: t.columns,
                },
                Axis {
                    table,
                    unit: t.unit,
                    dimension: t.columns,
                    by_row: false,
                    other: t.rows,
                },
            ]
        })
        .collect();
    let index = |dimension: Dimension, code: &str| {
        dimension
            .categories()
            .iter()
            .position(|c| *c == code)
            .expect("a refinement names the categories of its dimensions")
    };
    let mut out = Vec::new();
    for coarse in &axes {
        for fine in &axes {
            let Some(split) = statistics::refinement(fine.dimension, coarse.dimension) else {
                continue;
            };
            // Figures of different units are not sums of one another.
            if coarse.other != fine.other || coarse.unit != fine.unit {
                continue;
            }
            for shared in 0..coarse.other.categories().len() {
                for (group, parts) in &split {
                    out.push(Relation {
                        left: vec![coarse.at(index(coarse.dimension, group), shared)],
                        right: parts
                            .iter()
                            .map(|part| fine.at(index(fine.dimension, part), shared))
                            .collect(),
                    });
                }
            }
        }
    }
    out
}

#[derive(Clone)]
struct Figures {
    cells: Vec<Vec<StatCell>>,
    row_totals: Vec<StatCell>,
    column_totals: Vec<StatCell>,
    total: StatCell,
}

impl Figures {
    fn exact(c: &Counts) -> Figures {
        let value = |n: &u64| StatCell::Value(*n);
        Figures {
            cells: c
                .cells()
                .iter()
                .map(|row| row.iter().map(value).collect())
                .collect(),
            row_totals: c.row_totals().iter().map(value).collect(),
            column_totals: c.column_totals().iter().map(value).collect(),
            total: StatCell::Value(c.total()),
        }
    }
}

fn labels(dimension: Dimension) -> Vec<String> {
    dimension
        .categories()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// A text a table's export needs, which the caller words (in the reader's language, or as codes
/// for a machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label<'a> {
    /// The name of a dimension (`sex`, `region`, …).
    Dimension(&'a str),
    /// A category of a dimension.
    Category { dimension: &'a str, code: &'a str },
    /// The heading of the totals.
    Total,
    /// What stands in a hidden figure's place.
    Suppressed,
    /// A table's title, from its name.
    Table(&'a str),
}

/// The sheet of notes that ends a workbook: its name and its lines (method, threshold, when),
/// worded by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookNotes {
    pub sheet: String,
    pub lines: Vec<String>,
}

/// The tables as an XLSX workbook: a sheet per table, named by the table's code without its
/// common prefix ([`statistics::sheet_name`], the same in every language), holding its title, its heading line, a
/// line per row with its total, and the totals' line; a hidden figure is written as the mark
/// [`Label::Suppressed`] on a shaded background, never as a number. The notes' sheet comes last.
///
/// Texts are written as strings, which a spreadsheet shows and never evaluates, so unlike the
/// CSV they need no guard.
pub fn to_xlsx(
    tables: &[StatisticsTable],
    label: &dyn Fn(Label<'_>) -> String,
    notes: &WorkbookNotes,
) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook};
    let broken = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("workbook: {e}"));
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(13);
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let total = Format::new()
        .set_bold()
        .set_border_top(rust_xlsxwriter::FormatBorder::Thin);
    let hidden = Format::new()
        .set_align(FormatAlign::Right)
        .set_background_color(Color::RGB(0xD9D9D9));
    let hidden_total = hidden
        .clone()
        .set_bold()
        .set_border_top(rust_xlsxwriter::FormatBorder::Thin);
    for table in tables {
        let sheet = book.add_worksheet();
        sheet
            .set_name(statistics::sheet_name(&table.table))
            .map_err(broken)?;
        sheet
            .write_string_with_format(0, 0, label(Label::Table(&table.table)), &title)
            .map_err(broken)?;
        sheet.set_column_width(0, 34).map_err(broken)?;
        let columns = table.columns.len() as u16;
        sheet
            .set_column_range_width(1, columns + 1, 14)
            .map_err(broken)?;
        let head_row = 2;
        sheet
            .write_string_with_format(
                head_row,
                0,
                label(Label::Dimension(&table.row_dimension)),
                &heading,
            )
            .map_err(broken)?;
        for (c, code) in table.columns.iter().enumerate() {
            let text = label(Label::Category {
                dimension: &table.column_dimension,
                code,
            });
            sheet
                .write_string_with_format(head_row, c as u16 + 1, text, &heading)
                .map_err(broken)?;
        }
        sheet
            .write_string_with_format(head_row, columns + 1, label(Label::Total), &heading)
            .map_err(broken)?;
        let mark = label(Label::Suppressed);
        let plain = Format::new();
        let mut figure = |row: u32, col: u16, cell: &StatCell, is_total: bool| {
            match cell.value() {
                Some(n) => sheet.write_number_with_format(
                    row,
                    col,
                    n as f64,
                    if is_total { &total } else { &plain },
                ),
                None => sheet.write_string_with_format(
                    row,
                    col,
                    &mark,
                    if is_total { &hidden_total } else { &hidden },
                ),
            }
            .map(|_| ())
            .map_err(broken)
        };
        let mut row = head_row + 1;
        for (cells, row_total) in table.cells.iter().zip(&table.row_totals) {
            for (c, cell) in cells.iter().enumerate() {
                figure(row, c as u16 + 1, cell, false)?;
            }
            figure(row, columns + 1, row_total, false)?;
            row += 1;
        }
        for (c, cell) in table.column_totals.iter().enumerate() {
            figure(row, c as u16 + 1, cell, true)?;
        }
        figure(row, columns + 1, &table.total, true)?;
        for (n, code) in table.rows.iter().enumerate() {
            let text = label(Label::Category {
                dimension: &table.row_dimension,
                code,
            });
            sheet
                .write_string(head_row + 1 + n as u32, 0, text)
                .map_err(broken)?;
        }
        sheet
            .write_string_with_format(row, 0, label(Label::Total), &total)
            .map_err(broken)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name(&notes.sheet).map_err(broken)?;
    sheet.set_column_width(0, 110).map_err(broken)?;
    let wrapped = Format::new().set_text_wrap();
    for (n, line) in notes.lines.iter().enumerate() {
        let format = if n == 0 { &title } else { &wrapped };
        sheet
            .write_string_with_format(n as u32, 0, line, format)
            .map_err(broken)?;
    }
    book.save_to_buffer().map_err(broken)
}

/// The table as CSV: a heading line (the rows' dimension, the columns' categories, the total),
/// a line per row with its total, and the totals' line. Every text goes through
/// [`statistics::spreadsheet_safe`], so nothing in the file runs as a formula.
pub fn to_csv(table: &StatisticsTable, label: &dyn Fn(Label<'_>) -> String) -> String {
    let safe = |text: String| statistics::spreadsheet_safe(&text).into_owned();
    let figure = |cell: &StatCell| match cell.value() {
        Some(n) => n.to_string(),
        None => safe(label(Label::Suppressed)),
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut heading = vec![safe(label(Label::Dimension(&table.row_dimension)))];
    heading.extend(table.columns.iter().map(|code| {
        safe(label(Label::Category {
            dimension: &table.column_dimension,
            code,
        }))
    }));
    heading.push(safe(label(Label::Total)));
    let mut lines = vec![heading];
    for ((code, cells), total) in table.rows.iter().zip(&table.cells).zip(&table.row_totals) {
        let mut line = vec![safe(label(Label::Category {
            dimension: &table.row_dimension,
            code,
        }))];
        line.extend(cells.iter().map(figure));
        line.push(figure(total));
        lines.push(line);
    }
    let mut totals = vec![safe(label(Label::Total))];
    totals.extend(table.column_totals.iter().map(figure));
    totals.push(figure(&table.total));
    lines.push(totals);
    for line in lines {
        writer
            .write_record(&line)
            .expect("writing to memory does not fail");
    }
    String::from_utf8(
        writer
            .into_inner()
            .expect("writing to memory does not fail"),
    )
    .expect("the records are text")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_days_summary_is_published_only_beside_every_bands_total_and_never_with_its_number() {
        let grouped = |pairs: &[(&str, i64)]| -> Vec<mnir_store::GroupedCount> {
            pairs
                .iter()
                .map(|(days, n)| (days.to_string(), "female".to_string(), *n, None))
                .collect()
        };
        // 10 with a known time (3 after 5 days, 7 after 40), 2 imported (time not known), 4
        // not identified (no days).
        let counted = grouped(&[("5", 3), ("40", 7), ("unknown", 2), ("", 4)]);
        assert_eq!(
            days_summary(&counted, false, false),
            DaysSummary {
                identified: Some(10),
                median_days: Some(40),
                p90_days: Some(40)
            }
        );
        assert_eq!(
            days_summary(&counted, true, false),
            DaysSummary {
                identified: None,
                median_days: None,
                p90_days: None
            },
            "a band's total hidden"
        );
        let published = days_summary(&counted, true, true);
        assert_eq!(published.identified, None, "the number is never published");
        assert_eq!(
            (published.median_days, published.p90_days),
            (Some(40), Some(40))
        );
    }

    fn table() -> StatisticsTable {
        StatisticsTable {
            table: "victims-by-sex-age-group".into(),
            unit: "victims".into(),
            year: 2025,
            region: None,
            published: true,
            k: 11,
            row_dimension: "sex".into(),
            column_dimension: "age_group".into(),
            rows: vec!["female".into(), "male".into()],
            columns: vec!["child".into(), "adult".into()],
            cells: vec![
                vec![StatCell::Value(20), StatCell::Value(31)],
                vec![
                    StatCell::Suppressed(Suppressed::Primary),
                    StatCell::Suppressed(Suppressed::Secondary),
                ],
            ],
            row_totals: vec![StatCell::Value(51), StatCell::Value(15)],
            column_totals: vec![
                StatCell::Suppressed(Suppressed::Secondary),
                StatCell::Value(43),
            ],
            total: StatCell::Value(66),
            identification_days: None,
        }
    }

    /// The relations tie each age group of each sex to its bands, and hold on any people at all
    /// (an inconsistent group and age, a missing age, an unknown group): a relation that did not
    /// hold would make the publication refuse to be protected.
    #[test]
    fn age_bands_are_tied_to_age_groups_and_the_ties_hold() {
        let all = relations(statistics::TABLES);
        let sexes = Dimension::Sex.categories().len();
        let groups = Dimension::AgeGroup.categories().len();
        let statuses = Dimension::Status.categories().len();
        // Each age group of each sex to its bands; each status of each sex to the bands of the
        // time to identification (identified: the bands; presumed: not identified).
        assert_eq!(all.len(), sexes * groups + sexes * statuses);
        let by_group = statistics::table("victims-by-sex-age-group").unwrap();
        let by_band = statistics::table("victims-by-age-band-sex").unwrap();
        let by_status = statistics::table("victims-by-status-sex").unwrap();
        let by_time = statistics::table("victims-by-identification-time-sex").unwrap();
        let index = |name: &str| {
            statistics::TABLES
                .iter()
                .position(|t| t.name == name)
                .unwrap()
        };
        let (relations, timed): (Vec<_>, Vec<_>) = all
            .into_iter()
            .partition(|r| r.left.iter().all(|c| c.table == index(by_group.name)));
        assert_eq!(relations.len(), sexes * groups);
        for r in &relations {
            assert!(r.right.iter().all(|c| c.table == index(by_band.name)));
        }
        for r in &timed {
            assert!(r.left.iter().all(|c| c.table == index(by_status.name)));
            assert!(r.right.iter().all(|c| c.table == index(by_time.name)));
        }
        let sexes_stored = ["female", "male", "other", "unknown"];
        let groups_stored = ["child", "adult", "unknown"];
        let ages = [
            "", "0", "11", "12", "17", "18", "30", "44", "45", "90", "-2",
        ];
        let mut people = Vec::new();
        let mut n = 1;
        for sex in sexes_stored {
            for group in groups_stored {
                for age in ages {
                    people.push((sex, group, age, n));
                    n = n % 7 + 1;
                }
            }
        }
        let coarse: Vec<(String, String, i64)> = people
            .iter()
            .map(|(sex, group, _, n)| (sex.to_string(), group.to_string(), *n))
            .collect();
        let fine: Vec<(String, String, i64)> = people
            .iter()
            .map(|(sex, group, age, n)| (format!("{group}:{age}"), sex.to_string(), *n))
            .collect();
        let tables = [
            statistics::fold(
                by_group,
                coarse.iter().map(|(r, c, n)| (r.as_str(), c.as_str(), *n)),
                "RO",
            ),
            statistics::fold(
                by_band,
                fine.iter().map(|(r, c, n)| (r.as_str(), c.as_str(), *n)),
                "RO",
            ),
        ];
        let value = |c: &mnir_disclosure::CellRef| {
            let t = if c.table == index(by_group.name) {
                0
            } else {
                1
            };
            match c.position {
                mnir_disclosure::Position::Interior { row, column } => tables[t][row][column],
                other => panic!("a relation between interior figures, not {other:?}"),
            }
        };
        for r in &relations {
            let left: u64 = r.left.iter().map(value).sum();
            let right: u64 = r.right.iter().map(value).sum();
            assert_eq!(left, right, "{r:?}");
        }
        let total: u64 = tables[0].iter().flatten().sum();
        assert!(total > 0);
    }

    fn code_label(label: Label<'_>) -> String {
        match label {
            Label::Dimension(d) => d.to_string(),
            Label::Category { code, .. } => code.to_string(),
            Label::Total => "total".into(),
            Label::Suppressed => "c".into(),
            Label::Table(name) => format!("Table {name}"),
        }
    }

    #[test]
    fn a_table_is_written_with_its_totals_and_hidden_figures_marked() {
        let csv = to_csv(&table(), &code_label);
        assert_eq!(
            csv,
            "sex,child,adult,total\nfemale,20,31,51\nmale,c,c,15\ntotal,c,43,66\n"
        );
    }

    /// The workbook read back by a reader crate: a sheet per table in order, then the notes;
    /// figures are numbers, hidden ones the mark (never a number), totals where they belong.
    #[test]
    fn a_workbook_reads_back_with_a_sheet_per_table_and_the_notes_last() {
        use calamine::Reader;
        let mut second = table();
        second.table = "victims-by-status-sex".into();
        second.cells[0][0] = StatCell::Value(7);
        let notes = WorkbookNotes {
            sheet: "notes".into(),
            lines: vec!["How the figures were made".into(), "k = 11".into()],
        };
        let bytes = to_xlsx(&[table(), second], &code_label, &notes).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["sex-age-group", "status-sex", "notes"]);
        let read = |book: &mut calamine::Xlsx<_>, sheet: &str| -> Vec<Vec<String>> {
            let range = book.worksheet_range(sheet).unwrap();
            assert_eq!(range.start(), Some((0, 0)));
            range
                .rows()
                .map(|row| row.iter().map(|c| c.to_string()).collect())
                .collect()
        };
        let first = read(&mut book, "sex-age-group");
        assert_eq!(first[0][0], "Table victims-by-sex-age-group");
        assert_eq!(
            first[2..],
            [
                ["sex", "child", "adult", "total"],
                ["female", "20", "31", "51"],
                ["male", "c", "c", "15"],
                ["total", "c", "43", "66"],
            ]
        );
        // A figure is a number cell; a hidden one is text.
        let range = book.worksheet_range("sex-age-group").unwrap();
        assert_eq!(range.get_value((3, 1)), Some(&calamine::Data::Float(20.0)));
        assert_eq!(
            range.get_value((4, 1)),
            Some(&calamine::Data::String("c".into()))
        );
        assert_eq!(read(&mut book, "status-sex")[3][1], "7");
        let notes_sheet = read(&mut book, "notes");
        assert_eq!(notes_sheet, [["How the figures were made"], ["k = 11"]]);
    }

    #[test]
    fn hostile_labels_do_not_become_formulas() {
        let csv = to_csv(&table(), &|label| match label {
            Label::Dimension(_) => "=cmd|' /C calc'!A0".into(),
            Label::Category { code, .. } => format!("@{code}"),
            Label::Total => "+total".into(),
            Label::Suppressed => "-".into(),
            Label::Table(_) => "=HYPERLINK(\"x\")".into(),
        });
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes());
        let mut texts = 0;
        for record in reader.records() {
            for field in record.unwrap().iter() {
                if field.parse::<u64>().is_ok() {
                    continue;
                }
                texts += 1;
                assert!(
                    !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "`{field}` would run as a formula"
                );
            }
        }
        // Heading (4), two row labels, totals label, three hidden figures.
        assert_eq!(texts, 10);
    }
}
