//! The statistics as documents to take away, each worded in one language: a workbook (XLSX) of
//! tables with a closing sheet of notes, and the annual report (PDF) of the published tables,
//! each with its chart, after a note on method. The pages, the API and the command line all make
//! them here, so a file is the same whichever way it was asked for.

use super::{Label, chart_of, label, region_name};
use crate::kit::i18n::Tr;
use chrono::NaiveDate;
use mnir_app::AppResult;
use mnir_app::statistics::{StatCell, StatisticsTable, WorkbookNotes};
use mnir_pdf::{Block, Document, Table};

/// What is said of a set of tables before them: which year, area and view, when they were made,
/// who is counted, and (when published) how small figures were hidden.
fn method(tr: &Tr, tables: &[StatisticsTable], produced_on: NaiveDate) -> Vec<String> {
    let Some(first) = tables.first() else {
        return Vec::new();
    };
    let view = tr.t(if first.published {
        "stat-view-published"
    } else {
        "stat-view-internal"
    });
    let mut lines = vec![
        tr.t_with(
            "stat-doc-about",
            &[
                ("year", first.year.to_string().into()),
                ("region", region_name(tr, first.region.as_deref()).into()),
                ("view", view.into()),
                ("day", tr.date(produced_on).into()),
            ],
        ),
        tr.t("stat-method-counting"),
        tr.t("stat-method-units"),
    ];
    if first.published {
        lines.push(tr.t_with(
            "stat-method-disclosure",
            &[
                ("below", (first.k as i64 - 1).into()),
                ("k", (first.k as i64).into()),
                ("mark", tr.t("stat-hidden-mark").into()),
            ],
        ));
    } else {
        lines.push(tr.t("stat-note-internal"));
    }
    lines
}

/// The report's title (`stat-report-title`, national figures) or a workbook's
/// (`stat-workbook-title`, which may hold one region's or exact figures).
fn title(tr: &Tr, key: &str, tables: &[StatisticsTable]) -> String {
    tr.t_with(
        key,
        &[(
            "year",
            tables
                .first()
                .map_or_else(String::new, |t| t.year.to_string())
                .into(),
        )],
    )
}

/// The tables as an XLSX workbook: a sheet per table, then the notes.
pub fn workbook(tr: &Tr, tables: &[StatisticsTable], produced_on: NaiveDate) -> AppResult<Vec<u8>> {
    let mut lines = vec![title(tr, "stat-workbook-title", tables)];
    lines.extend(method(tr, tables, produced_on));
    let notes = WorkbookNotes {
        sheet: tr.t("stat-notes-sheet"),
        lines,
    };
    mnir_app::statistics::to_xlsx(tables, &|l| label(tr, l), &notes)
}

/// The report's document: title, note on method, then each table under its heading, its chart
/// first and its figures after.
pub fn report(tr: &Tr, tables: &[StatisticsTable], produced_on: NaiveDate) -> Document {
    let title = title(tr, "stat-report-title", tables);
    let mut blocks = vec![Block::Title(title.clone())];
    let mut about = method(tr, tables, produced_on).into_iter();
    if let Some(line) = about.next() {
        blocks.push(Block::Subtitle(line));
    }
    blocks.push(Block::Heading(tr.t("stat-method")));
    blocks.extend(about.map(Block::Paragraph));
    let figure = |cell: &StatCell| match cell.value() {
        Some(n) => tr.number(n as i64),
        None => tr.t("stat-hidden-mark"),
    };
    for t in tables {
        blocks.push(Block::Heading(label(tr, Label::Table(&t.table))));
        blocks.extend(super::days_summary(tr, t).map(Block::Paragraph));
        blocks.push(Block::Chart(chart_of(tr, t)));
        let mut header = vec![label(tr, Label::Dimension(&t.row_dimension))];
        header.extend(t.columns.iter().map(|code| {
            label(
                tr,
                Label::Category {
                    dimension: &t.column_dimension,
                    code,
                },
            )
        }));
        header.push(tr.t("stat-total"));
        let rows = t
            .rows
            .iter()
            .zip(&t.cells)
            .zip(&t.row_totals)
            .map(|((code, cells), total)| {
                let mut line = vec![label(
                    tr,
                    Label::Category {
                        dimension: &t.row_dimension,
                        code,
                    },
                )];
                line.extend(cells.iter().map(figure));
                line.push(figure(total));
                line
            })
            .collect();
        let mut totals = vec![tr.t("stat-total")];
        totals.extend(t.column_totals.iter().map(figure));
        totals.push(figure(&t.total));
        blocks.push(Block::Table(Table {
            header,
            rows,
            totals: Some(totals),
        }));
    }
    Document {
        title: title.clone(),
        lang: tr.lang.code().to_string(),
        footer: title,
        page_label: tr.t_with(
            "plan-pdf-page",
            &[("n", "{n}".into()), ("total", "{total}".into())],
        ),
        blocks,
    }
}

/// The report as PDF bytes, laid out off the threads that answer requests (it is processor
/// work); `None` when the layout task died.
pub async fn report_pdf(
    tr: &Tr,
    tables: &[StatisticsTable],
    produced_on: NaiveDate,
) -> Option<Vec<u8>> {
    crate::kit::download::rendered(report(tr, tables, produced_on)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;
    use mnir_app::statistics::Suppressed;

    fn published() -> StatisticsTable {
        StatisticsTable {
            table: "victims-by-sex-age-group".into(),
            unit: "victims".into(),
            year: 2025,
            region: None,
            published: true,
            k: 11,
            row_dimension: "sex".into(),
            column_dimension: "age_group".into(),
            rows: vec!["female".into(), "male".into(), "other_unknown".into()],
            columns: vec!["child".into(), "adult".into(), "unknown".into()],
            cells: vec![
                vec![
                    StatCell::Value(120),
                    StatCell::Value(310),
                    StatCell::Value(0),
                ],
                vec![
                    StatCell::Suppressed(Suppressed::Hidden),
                    StatCell::Value(95),
                    StatCell::Suppressed(Suppressed::Hidden),
                ],
                vec![StatCell::Value(0), StatCell::Value(0), StatCell::Value(0)],
            ],
            row_totals: vec![
                StatCell::Value(430),
                StatCell::Value(112),
                StatCell::Value(0),
            ],
            column_totals: vec![
                StatCell::Suppressed(Suppressed::Hidden),
                StatCell::Value(405),
                StatCell::Suppressed(Suppressed::Hidden),
            ],
            total: StatCell::Value(542),
            identification_days: None,
        }
    }

    #[test]
    fn the_report_says_its_method_and_sets_each_table_with_its_chart() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        for lang in [Lang::Ro, Lang::En] {
            let tr = Tr::new(lang);
            let doc = report(&tr, &[published()], day);
            assert_eq!(doc.lang, lang.code());
            assert!(doc.title.contains("2025"), "{}", doc.title);
            let disclosure = tr.t_with(
                "stat-method-disclosure",
                &[
                    ("below", 10.into()),
                    ("k", 11.into()),
                    ("mark", tr.t("stat-hidden-mark").into()),
                ],
            );
            assert!(doc.blocks.contains(&Block::Paragraph(disclosure)));
            let chart = doc
                .blocks
                .iter()
                .position(|b| matches!(b, Block::Chart(_)))
                .unwrap();
            let Block::Table(table) = &doc.blocks[chart + 1] else {
                panic!("the figures follow their chart");
            };
            assert_eq!(table.rows[0][1], tr.number(120));
            assert_eq!(table.rows[1][1], tr.t("stat-hidden-mark"));
            assert_eq!(table.totals.as_ref().unwrap()[4], tr.number(542));
            assert_eq!(
                table.header[1],
                tr.t("stat-category-age_group-child"),
                "worded in the document's language"
            );
        }
    }
}
