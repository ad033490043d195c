//! Hand-worked examples, brute-force checks of the attacker and properties of `protect`.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use Position::{ColumnTotal, Interior, RowTotal, Total};

mod related;

fn counts(rows: &[&[u64]]) -> Counts {
    Counts::new(rows.iter().map(|row| row.to_vec()).collect()).unwrap()
}

/// The pattern as a picture: one line per row, `.` published, `P` primary, `S` secondary, the
/// row total after `|`, and a last line for the column totals and grand total.
fn sketch(published: &Published) -> String {
    let mark = |cell: &Cell| match cell {
        Cell::Value(_) => '.',
        Cell::Suppressed(Suppression::Primary) => 'P',
        Cell::Suppressed(Suppression::Secondary) => 'S',
    };
    let mut lines: Vec<String> = published
        .cells
        .iter()
        .zip(&published.row_totals)
        .map(|(row, total)| {
            format!(
                "{}|{}",
                row.iter().map(mark).collect::<String>(),
                mark(total)
            )
        })
        .collect();
    lines.push(format!(
        "{}|{}",
        published.column_totals.iter().map(mark).collect::<String>(),
        mark(&published.total)
    ));
    lines.join("\n")
}

/// The attacker's intervals keyed by (table, position), bounds as `(min, max)`.
fn intervals(hidden: &[HiddenInterval]) -> BTreeMap<(usize, Position), (u64, Option<u64>)> {
    hidden
        .iter()
        .map(|h| {
            (
                (h.cell.table, h.cell.position),
                (h.interval.min, h.interval.max),
            )
        })
        .collect()
}

fn alone(published: &Published) -> BTreeMap<(usize, Position), (u64, Option<u64>)> {
    intervals(&attack_table(published).unwrap())
}

/// Publishes `counts` with exactly the positions in `hide` hidden (as secondary: the attacker
/// does not care why).
fn with_hidden(counts: &Counts, hide: &[Position]) -> Published {
    let cell = |position| {
        if hide.contains(&position) {
            Cell::Suppressed(Suppression::Secondary)
        } else {
            Cell::Value(counts.value(position).unwrap())
        }
    };
    Published::from_fn(counts.rows(), counts.columns(), cell)
}

fn cell(row: usize, column: usize) -> Position {
    Interior { row, column }
}

// ---------------------------------------------------------------------------------------------
// Hand-worked single tables (k = 11 unless said otherwise)

#[test]
fn a_table_without_small_counts_is_published_whole() {
    let table = counts(&[&[12, 40, 0], &[25, 11, 30]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "...|.\n...|.\n...|.");
    for position in Position::all(2, 3) {
        assert_eq!(
            published.get(position),
            Some(Cell::Value(table.value(position).unwrap()))
        );
    }
    assert!(attack_table(&published).unwrap().is_empty());
}

#[test]
fn one_small_cell_in_a_two_by_two_hides_the_rectangle() {
    // 3 is primary. Raising it to 11 means moving 8 people around a cycle of the table; the
    // cheapest cycle is the other three interior cells (20 + 30 + 40 = 90 per person) rather
    // than anything through the margins (e.g. 20 + 60 + 33 through the column totals).
    let table = counts(&[&[3, 20], &[30, 40]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "PS|.\nSS|.\n..|.");
    // With x the hidden 3: x + b = 23, x + c = 33, c + d = 70, so b = 23 - x, c = 33 - x,
    // d = 37 + x; every hidden figure is at least 1, so 1 <= x <= 22 (b >= 1).
    let expected = BTreeMap::from([
        ((0, cell(0, 0)), (1, Some(22))),
        ((0, cell(0, 1)), (1, Some(22))),
        ((0, cell(1, 0)), (11, Some(32))),
        ((0, cell(1, 1)), (38, Some(59))),
    ]);
    assert_eq!(alone(&published), expected);
}

#[test]
fn the_complement_must_let_the_small_count_reach_k() {
    // One column: each row's cell equals its row total. Hiding the 2 and the 3 alone tells the
    // attacker they add up to 95 - 40 - 50 = 5, and neither is zero, so both are in 1..=4.
    let table = counts(&[&[2], &[3], &[40], &[50]]);
    let naive = with_hidden(&table, &[cell(0, 0), cell(1, 0), RowTotal(0), RowTotal(1)]);
    let naive_exposures = exposures(&attack_table(&naive).unwrap(), 11);
    assert_eq!(naive_exposures.len(), 4);
    assert!(
        naive_exposures
            .iter()
            .all(|e| e.kind == ExposureKind::BelowThreshold
                && e.interval
                    == Interval {
                        min: 1,
                        max: Some(4)
                    })
    );

    // So a third row is hidden: the smaller of the two that are large enough. The three hidden
    // rows add up to 45, each at least 1.
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "P|P\nP|P\nS|S\n.|.\n.|.");
    let intervals = alone(&published);
    assert_eq!(intervals.len(), 6);
    assert!(intervals.values().all(|&bounds| bounds == (1, Some(43))));
}

#[test]
fn a_single_small_row_of_a_one_column_table_takes_the_smallest_other_row() {
    let table = counts(&[&[5], &[30], &[40]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "P|P\nS|S\n.|.\n.|.");
    assert!(
        alone(&published)
            .values()
            .all(|&bounds| bounds == (1, Some(34)))
    );
}

#[test]
fn zeros_are_published_and_never_used_as_complements() {
    let table = counts(&[&[0, 4, 30], &[12, 25, 40], &[15, 0, 50]]);
    let published = protect(&table, 11).unwrap();
    // The zero beside the 4 cannot move, so the cycle goes through the 30, 25 and 40.
    assert_eq!(sketch(&published), ".PS|.\n.SS|.\n...|.\n...|.");
    assert_eq!(published.cells[0][0], Cell::Value(0));
    assert_eq!(published.cells[2][1], Cell::Value(0));
    // x + y = 34 (row 0), x + u = 29 (column 1), u + v = 65 (row 1), all at least 1.
    let expected = BTreeMap::from([
        ((0, cell(0, 1)), (1, Some(28))),
        ((0, cell(0, 2)), (6, Some(33))),
        ((0, cell(1, 1)), (1, Some(28))),
        ((0, cell(1, 2)), (37, Some(64))),
    ]);
    assert_eq!(alone(&published), expected);
}

#[test]
fn a_small_row_total_is_primary_and_protected() {
    // Row 0 adds up to 5: its total is primary like its cells. The row below is the cheapest
    // way to let the row grow: publishing the column totals and the grand total is still safe.
    let table = counts(&[&[2, 3], &[20, 30]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "PP|P\nSS|S\n..|.");
    assert_eq!(
        published.row_totals[0],
        Cell::Suppressed(Suppression::Primary)
    );
    // The column totals 22 and 33 each split over two hidden cells of at least 1.
    let expected = BTreeMap::from([
        ((0, cell(0, 0)), (1, Some(21))),
        ((0, cell(0, 1)), (1, Some(32))),
        ((0, cell(1, 0)), (1, Some(21))),
        ((0, cell(1, 1)), (1, Some(32))),
        ((0, RowTotal(0)), (2, Some(53))),
        ((0, RowTotal(1)), (2, Some(53))),
    ]);
    assert_eq!(alone(&published), expected);
}

#[test]
fn a_reader_knows_hidden_figures_are_not_zero() {
    // The row [1, 10 | 11] with both cells hidden and the rest published. Were hidden figures
    // allowed to be 0, each cell would seem to range over 0..=11 and reach k; but zeros are
    // always published, so a reader knows both are at least 1 and hence at most 10.
    let table = counts(&[&[1, 10], &[20, 30]]);
    let pair = with_hidden(&table, &[cell(0, 0), cell(0, 1), cell(1, 0), cell(1, 1)]);
    let small = Interval {
        min: 1,
        max: Some(10),
    };
    let exposed: Vec<(Position, Interval, ExposureKind)> =
        exposures(&attack_table(&pair).unwrap(), 11)
            .iter()
            .map(|e| (e.cell.position, e.interval, e.kind))
            .collect();
    let below = ExposureKind::BelowThreshold;
    assert_eq!(
        exposed,
        vec![(cell(0, 0), small, below), (cell(0, 1), small, below)]
    );

    // So `protect` may not lower the 10 to 0 to lift the 1 to 11: it lowers it to 1 at most,
    // the row's total must grow by one, and the other row gives that person back. Both row
    // totals are hidden; the column totals bound the cells: 1 + c = 21, 10 + d = 40.
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "PP|S\nSS|S\n..|.");
    let expected = BTreeMap::from([
        ((0, cell(0, 0)), (1, Some(20))),
        ((0, cell(0, 1)), (1, Some(39))),
        ((0, cell(1, 0)), (1, Some(20))),
        ((0, cell(1, 1)), (1, Some(39))),
        ((0, RowTotal(0)), (2, Some(59))),
        ((0, RowTotal(1)), (2, Some(59))),
    ]);
    assert_eq!(alone(&published), expected);
    assert_protected(&[&table], &[&published], &[(None, None)], 11);

    // A table of that one row has nothing else to take the person from: everything non-zero is
    // hidden, the row and grand totals included.
    let row = counts(&[&[1, 10]]);
    let published = protect(&row, 11).unwrap();
    assert_eq!(sketch(&published), "PP|S\nPP|S");
    assert_protected(&[&row], &[&published], &[(None, None)], 11);
}

#[test]
fn a_single_non_zero_cell() {
    // Small: the cell, its row and column totals and the grand total are one number, hidden
    // everywhere, and nothing bounds it above.
    let table = counts(&[&[0, 0], &[0, 7]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "..|.\n.P|P\n.P|P");
    let intervals = alone(&published);
    assert_eq!(intervals.len(), 4);
    assert!(intervals.values().all(|&bounds| bounds == (1, None)));
    // Large: published whole.
    let table = counts(&[&[0, 0], &[0, 30]]);
    assert_eq!(sketch(&protect(&table, 11).unwrap()), "..|.\n..|.\n..|.");
}

#[test]
fn a_small_column_total_is_protected_through_another_column() {
    let table = counts(&[&[1, 30, 20], &[0, 25, 40], &[2, 14, 50]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(
        published.column_totals[0],
        Cell::Suppressed(Suppression::Primary)
    );
    assert_eq!(published.cells[1][0], Cell::Value(0));
    assert_protected(&[&table], &[&published], &[(None, None)], 11);
}

#[test]
fn a_grand_total_below_k_hides_every_non_zero_figure() {
    let table = counts(&[&[2, 3], &[1, 0]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "PP|P\nP.|P\nPP|P");
    assert_eq!(published.cells[1][1], Cell::Value(0));
    // Only a zero is published, so any multiple of the truth fits: nothing is bounded above.
    // Each hidden figure is at least the number of hidden cells it adds up (each at least 1).
    let expected = BTreeMap::from([
        ((0, cell(0, 0)), (1, None)),
        ((0, cell(0, 1)), (1, None)),
        ((0, cell(1, 0)), (1, None)),
        ((0, RowTotal(0)), (2, None)),
        ((0, RowTotal(1)), (1, None)),
        ((0, ColumnTotal(0)), (2, None)),
        ((0, ColumnTotal(1)), (1, None)),
        ((0, Total), (3, None)),
    ]);
    assert_eq!(alone(&published), expected);
    assert!(exposures(&attack_table(&published).unwrap(), 11).is_empty());
}

#[test]
fn an_all_zero_table_is_published_whole() {
    let table = counts(&[&[0, 0], &[0, 0], &[0, 0]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "..|.\n..|.\n..|.\n..|.");
    assert_eq!(published.total, Cell::Value(0));
}

#[test]
fn a_one_by_one_table() {
    let large = protect(&counts(&[&[11]]), 11).unwrap();
    assert_eq!(sketch(&large), ".|.\n.|.");
    let small = protect(&counts(&[&[4]]), 11).unwrap();
    assert_eq!(sketch(&small), "P|P\nP|P");
    assert_eq!(alone(&small).len(), 4);
    assert!(alone(&small).values().all(|&bounds| bounds == (1, None)));
}

#[test]
fn tables_without_rows_or_columns_are_rejected() {
    assert_eq!(Counts::new(vec![]), Err(ShapeError::NoRows));
    assert_eq!(
        Counts::new(vec![vec![], vec![]]),
        Err(ShapeError::NoColumns)
    );
    assert_eq!(
        Counts::new(vec![vec![1, 2], vec![3]]),
        Err(ShapeError::Ragged {
            row: 1,
            expected: 2,
            found: 1
        })
    );
}

#[test]
fn the_threshold_zero_is_refused_and_one_hides_nothing() {
    let table = counts(&[&[1, 2], &[3, 0]]);
    assert_eq!(protect(&table, 0), Err(Refusal::ZeroThreshold));
    assert_eq!(sketch(&protect(&table, 1).unwrap()), "..|.\n..|.\n..|.");
    // At k = 2 only the 1 is small, and a 2 or a 3 is a large enough complement.
    let at_two = protect(&table, 2).unwrap();
    assert_eq!(at_two.cells[0][0], Cell::Suppressed(Suppression::Primary));
    assert_protected(&[&table], &[&at_two], &[(None, None)], 2);
}

#[test]
fn the_default_threshold_is_eleven() {
    assert_eq!(DEFAULT_THRESHOLD, 11);
    let table = counts(&[&[10, 30], &[30, 40]]);
    let published = protect(&table, DEFAULT_THRESHOLD).unwrap();
    assert_eq!(
        published.cells[0][0],
        Cell::Suppressed(Suppression::Primary)
    );
}

#[test]
fn very_large_counts_keep_exact_intervals() {
    let big = 100_000_000_000u64;
    let table = counts(&[&[3, big], &[big + 7, 4 * big]]);
    let published = protect(&table, 11).unwrap();
    assert_eq!(sketch(&published), "PS|.\nSS|.\n..|.");
    // x + y = big + 3, x + c = big + 10, c + d = 5·big + 7, every hidden figure at least 1:
    // 1 <= x <= big + 2.
    let expected = BTreeMap::from([
        ((0, cell(0, 0)), (1, Some(big + 2))),
        ((0, cell(0, 1)), (1, Some(big + 2))),
        ((0, cell(1, 0)), (8, Some(big + 9))),
        ((0, cell(1, 1)), (4 * big - 2, Some(5 * big - 1))),
    ]);
    assert_eq!(alone(&published), expected);
}

#[test]
fn counts_beyond_the_limit_are_rejected() {
    let too_large = ShapeError::TooLarge { limit: MAX_TOTAL };
    assert_eq!(
        Counts::new(vec![vec![MAX_TOTAL, 1]]),
        Err(too_large.clone())
    );
    assert_eq!(
        Counts::new(vec![vec![u64::MAX], vec![u64::MAX]]),
        Err(too_large)
    );
    assert!(Counts::new(vec![vec![MAX_TOTAL - 1, 1]]).is_ok());
}

#[test]
fn protect_is_deterministic() {
    let table = counts(&[
        &[3, 0, 14, 22, 5],
        &[40, 2, 0, 13, 9],
        &[1, 17, 25, 0, 30],
        &[12, 8, 6, 44, 11],
        &[0, 0, 3, 19, 27],
    ]);
    let first = protect(&table, 11).unwrap();
    for _ in 0..5 {
        assert_eq!(protect(&table, 11).unwrap(), first);
    }
    assert_protected(&[&table], &[&first], &[(None, None)], 11);
}

// ---------------------------------------------------------------------------------------------
// The attacker on its own

#[test]
fn the_attacker_finds_an_exact_value_and_a_small_one() {
    let table = counts(&[&[3, 20], &[30, 40]]);
    // Only the primary cell hidden: its row total gives it away.
    let exposed = exposures(
        &attack_table(&with_hidden(&table, &[cell(0, 0)])).unwrap(),
        11,
    );
    assert_eq!(
        exposed,
        vec![Exposure {
            cell: CellRef {
                table: 0,
                position: cell(0, 0)
            },
            interval: Interval {
                min: 3,
                max: Some(3)
            },
            kind: ExposureKind::Exact,
        }]
    );
    // Hidden with its row neighbour: the pair adds up to 23, so the 3 may be up to 23: safe.
    let pair = with_hidden(
        &table,
        &[cell(0, 0), cell(0, 1), ColumnTotal(0), ColumnTotal(1)],
    );
    let hidden = attack_table(&pair).unwrap();
    assert_eq!(hidden.len(), 4);
    assert!(exposures(&hidden, 11).is_empty());
    // At k = 24 the same pattern proves the 3 is below the threshold.
    assert!(
        exposures(&hidden, 24)
            .iter()
            .any(|e| e.kind == ExposureKind::BelowThreshold)
    );
}

#[test]
fn the_attacker_rejects_figures_that_do_not_add_up() {
    let mut published = with_hidden(&counts(&[&[3, 20], &[30, 40]]), &[cell(0, 0)]);
    published.row_totals[1] = Cell::Value(71);
    assert_eq!(attack_table(&published), Err(PatternError::Inconsistent));
    // Hidden figures that would have to be negative.
    let mut negative = with_hidden(&counts(&[&[3, 20], &[30, 40]]), &[cell(0, 0)]);
    negative.cells[0][1] = Cell::Value(30);
    negative.column_totals[1] = Cell::Value(70);
    negative.row_totals[0] = Cell::Value(23);
    assert_eq!(attack_table(&negative), Err(PatternError::Inconsistent));
}

#[test]
fn the_attacker_rejects_malformed_patterns() {
    let mut published = with_hidden(&counts(&[&[3, 20], &[30, 40]]), &[]);
    published.row_totals.pop();
    assert_eq!(
        attack_table(&published),
        Err(PatternError::Shape {
            table: 0,
            error: ShapeError::RowTotalsLength {
                expected: 2,
                found: 1
            }
        })
    );
    let mut wide = with_hidden(&counts(&[&[3, 20], &[30, 40]]), &[]);
    wide.column_totals.push(Cell::Value(0));
    assert!(matches!(
        attack_table(&wide),
        Err(PatternError::Shape {
            error: ShapeError::ColumnTotalsLength { .. },
            ..
        })
    ));
}

#[test]
fn an_unbounded_figure_is_reported_without_an_upper_bound() {
    let table = counts(&[&[3, 20], &[30, 40]]);
    let everything: Vec<Position> = Position::all(2, 2).collect();
    let hidden = attack_table(&with_hidden(&table, &everything)).unwrap();
    assert_eq!(hidden.len(), 9);
    // Unbounded above; below, each is at least the number of cells it adds up.
    for h in &hidden {
        let cells = match h.cell.position {
            Interior { .. } => 1,
            RowTotal(_) | ColumnTotal(_) => 2,
            Total => 4,
        };
        assert_eq!(
            h.interval,
            Interval {
                min: cells,
                max: None
            },
            "{}",
            h.cell
        );
    }
    assert!(exposures(&hidden, 11).is_empty());
}

#[test]
fn exposures_read_well() {
    let exposure = Exposure {
        cell: CellRef {
            table: 1,
            position: RowTotal(2),
        },
        interval: Interval {
            min: 0,
            max: Some(5),
        },
        kind: ExposureKind::BelowThreshold,
    };
    assert_eq!(
        exposure.to_string(),
        "table 1, row total 2 is provably below the threshold (interval 0..=5)"
    );
    let refusal = Refusal::Exposed(vec![exposure]);
    assert!(refusal.to_string().contains("table 1, row total 2"));
}

// ---------------------------------------------------------------------------------------------
// Publications whose tables share margins

/// Victims by sex × age group (A) and by form of exploitation × sex (B): the sexes are A's
/// rows and B's columns. "Other" has 2 victims.
fn sex_tables() -> (Counts, Counts) {
    let by_age = counts(&[&[20, 35, 12], &[15, 40, 25], &[0, 2, 0]]);
    let by_exploitation = counts(&[&[40, 10, 1], &[15, 55, 1], &[12, 15, 0]]);
    assert_eq!(by_age.row_totals(), by_exploitation.column_totals());
    (by_age, by_exploitation)
}

#[test]
fn a_small_shared_margin_is_hidden_in_both_tables_and_the_joint_attack_finds_nothing() {
    let (by_age, by_exploitation) = sex_tables();
    let keys = [(Some("sex"), None), (None, Some("sex"))];
    let specs = [
        TableSpec {
            counts: &by_age,
            row_key: keys[0].0,
            column_key: keys[0].1,
        },
        TableSpec {
            counts: &by_exploitation,
            row_key: keys[1].0,
            column_key: keys[1].1,
        },
    ];
    let published = protect_publication(&specs, 11).unwrap();
    let (a, b) = (&published[0], &published[1]);
    assert_eq!(a.row_totals[2], Cell::Suppressed(Suppression::Primary));
    assert_eq!(b.column_totals[2], Cell::Suppressed(Suppression::Primary));
    for sex in 0..3 {
        assert_eq!(a.row_totals[sex], b.column_totals[sex], "sex {sex}");
    }
    assert_eq!(a.total, b.total);
    assert_protected(&[&by_age, &by_exploitation], &[a, b], &keys, 11);
}

#[test]
fn shared_margins_must_show_the_same_figures() {
    let (by_age, _) = sex_tables();
    let other = counts(&[&[40, 10, 2], &[15, 55, 1], &[12, 15, 0]]);
    let refusal = protect_publication(
        &[
            TableSpec {
                counts: &by_age,
                row_key: Some("sex"),
                column_key: None,
            },
            TableSpec {
                counts: &other,
                row_key: None,
                column_key: Some("sex"),
            },
        ],
        11,
    );
    assert_eq!(
        refusal,
        Err(Refusal::Link(LinkError::Values {
            first: CellRef {
                table: 0,
                position: RowTotal(2)
            },
            second: CellRef {
                table: 1,
                position: ColumnTotal(2)
            },
        }))
    );
    let two_sexes = counts(&[&[40, 10], &[15, 55]]);
    let refusal = protect_publication(
        &[
            TableSpec {
                counts: &by_age,
                row_key: Some("sex"),
                column_key: None,
            },
            TableSpec {
                counts: &two_sexes,
                row_key: None,
                column_key: Some("sex"),
            },
        ],
        11,
    );
    assert!(matches!(
        refusal,
        Err(Refusal::Link(LinkError::Length {
            first_table: 0,
            table: 1,
            expected: 3,
            found: 2,
            ..
        }))
    ));
}

#[test]
fn unlinked_tables_are_protected_independently() {
    let (by_age, by_exploitation) = sex_tables();
    let together = protect_publication(
        &[
            TableSpec::alone(&by_age),
            TableSpec::alone(&by_exploitation),
        ],
        11,
    )
    .unwrap();
    assert_eq!(together[0], protect(&by_age, 11).unwrap());
    assert_eq!(together[1], protect(&by_exploitation, 11).unwrap());
}

#[test]
fn the_joint_attack_sees_more_than_each_table_alone() {
    // Checked by hand (k = 3; every hidden figure is at least 1). Shared: A's rows are B's
    // columns (S1 = 7, S2 = 13), and the grand total 20.
    //  A: x + 6 = S1, x + y = 8 (published column total)          → alone, 1 <= x <= 7
    //  B: 4 + u = S1, u + v = 5 (published row total)              → alone, 1 <= v <= 4
    //  together: u = x + 2, so v = 3 - x and 1 <= x, v <= 2: both proven below 3.
    let a = counts(&[&[1, 6], &[7, 6]]);
    let b = counts(&[&[4, 11], &[3, 2]]);
    let shared_hidden = [RowTotal(0), RowTotal(1), Total];
    let pa = with_hidden(
        &a,
        &[
            &[cell(0, 0), cell(1, 0), cell(1, 1), ColumnTotal(1)][..],
            &shared_hidden,
        ]
        .concat(),
    );
    let pb = with_hidden(
        &b,
        &[
            cell(0, 1),
            cell(1, 0),
            cell(1, 1),
            RowTotal(0),
            ColumnTotal(0),
            ColumnTotal(1),
            Total,
        ],
    );
    assert!(exposures(&attack_table(&pa).unwrap(), 3).is_empty());
    assert!(exposures(&attack_table(&pb).unwrap(), 3).is_empty());
    assert_eq!(alone(&pa)[&(0, cell(0, 0))], (1, Some(7)));
    assert_eq!(alone(&pb)[&(0, cell(1, 1))], (1, Some(4)));

    let joint = attack(&[
        PublishedTable {
            published: &pa,
            row_key: Some("sex"),
            column_key: None,
        },
        PublishedTable {
            published: &pb,
            row_key: None,
            column_key: Some("sex"),
        },
    ])
    .unwrap();
    let exposed: Vec<(usize, Position, Interval)> = exposures(&joint, 3)
        .iter()
        .map(|e| (e.cell.table, e.cell.position, e.interval))
        .collect();
    let small = Interval {
        min: 1,
        max: Some(2),
    };
    assert_eq!(
        exposed,
        vec![(0, cell(0, 0), small), (1, cell(1, 1), small)]
    );
    // The shared figure is one unknown, reported once per table with the same bounds.
    let joint = intervals(&joint);
    assert_eq!(joint[&(0, RowTotal(0))], (7, Some(8)));
    assert_eq!(joint[&(1, ColumnTotal(0))], (7, Some(8)));
}

#[test]
fn a_published_pattern_must_agree_on_shared_figures() {
    let (by_age, by_exploitation) = sex_tables();
    let pa = with_hidden(&by_age, &[RowTotal(2)]);
    let pb = with_hidden(&by_exploitation, &[]);
    let result = attack(&[
        PublishedTable {
            published: &pa,
            row_key: Some("sex"),
            column_key: None,
        },
        PublishedTable {
            published: &pb,
            row_key: None,
            column_key: Some("sex"),
        },
    ]);
    assert!(matches!(
        result,
        Err(PatternError::Link(LinkError::Values { .. }))
    ));
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the examples and the properties

/// Everything `protect` promises about its result, checked from the outside.
fn assert_protected(
    truth: &[&Counts],
    published: &[&Published],
    keys: &[(Option<&str>, Option<&str>)],
    k: u64,
) {
    assert_protected_related(truth, published, keys, &[], k);
}

/// Everything `protect_publication_related` promises, checked by an attacker who knows the
/// relations: nothing from 1 to `k - 1` published, no zero hidden, the true values published,
/// and every hidden figure's interval holding the truth, not a single value, reaching `k`.
fn assert_protected_related(
    truth: &[&Counts],
    published: &[&Published],
    keys: &[(Option<&str>, Option<&str>)],
    relations: &[Relation],
    k: u64,
) {
    assert_eq!(truth.len(), published.len());
    for (table, (counts, published)) in truth.iter().zip(published).enumerate() {
        assert_eq!(published.rows(), counts.rows());
        assert_eq!(published.columns(), counts.columns());
        for position in Position::all(counts.rows(), counts.columns()) {
            let value = counts.value(position).unwrap();
            let at = format!("table {table}, {position}");
            match published.get(position).unwrap() {
                Cell::Value(shown) => {
                    assert_eq!(shown, value, "{at} published wrongly");
                    assert!(value == 0 || value >= k, "{at}: {value} published");
                }
                Cell::Suppressed(Suppression::Primary) => {
                    assert!((1..k).contains(&value), "{at}: {value} is not primary");
                }
                Cell::Suppressed(Suppression::Secondary) => {
                    assert!(value >= k, "{at}: {value} is not a secondary");
                }
            }
        }
    }
    let specs: Vec<PublishedTable<'_>> = published
        .iter()
        .zip(keys)
        .map(|(published, &(row_key, column_key))| PublishedTable {
            published,
            row_key,
            column_key,
        })
        .collect();
    let hidden = attack_related(&specs, relations).unwrap();
    let hidden_count: usize = published.iter().map(|p| p.suppressed().len()).sum();
    assert_eq!(hidden.len(), hidden_count);
    for h in &hidden {
        let value = truth[h.cell.table].value(h.cell.position).unwrap();
        let Interval { min, max } = h.interval;
        assert!(min >= 1, "{}: a hidden figure may be 0", h.cell);
        assert!(min <= value, "{}: {min} > {value}", h.cell);
        if let Some(max) = max {
            assert!(value <= max, "{}: {value} > {max}", h.cell);
            assert!(min < max, "{} is determined", h.cell);
            assert!(max >= k, "{}: at most {max}", h.cell);
        }
    }
    assert!(exposures(&hidden, k).is_empty());
}

// ---------------------------------------------------------------------------------------------
// The attacker against brute force

/// Bounds of hidden figures over enumerated completions, keyed by (table, position).
type Bounds = BTreeMap<(usize, Position), (u64, Option<u64>)>;

/// Calls `visit` with every assignment of a value in `1..=limits[i]` to each `i` (hidden
/// figures are never zero), or once with nothing when there is nothing to assign.
fn each_assignment(limits: &[u64], mut visit: impl FnMut(&[u64])) {
    if limits.contains(&0) {
        return;
    }
    let mut odometer = vec![1u64; limits.len()];
    loop {
        visit(&odometer);
        let mut digit = 0;
        loop {
            if digit == odometer.len() {
                return;
            }
            odometer[digit] += 1;
            if odometer[digit] <= limits[digit] {
                break;
            }
            odometer[digit] = 1;
            digit += 1;
        }
    }
}

/// The interior cells a pattern hides, row by row.
fn hidden_cells(published: &Published) -> Vec<(usize, usize)> {
    (0..published.rows())
        .flat_map(|r| (0..published.columns()).map(move |c| (r, c)))
        .filter(|&(r, c)| published.cells[r][c].is_suppressed())
        .collect()
}

/// `published` with its hidden interior cells set to `values` (in the order of
/// [`hidden_cells`]), and the margins recomputed.
fn complete(published: &Published, values: &[u64]) -> Counts {
    let mut grid: Vec<Vec<u64>> = published
        .cells
        .iter()
        .map(|row| row.iter().map(|cell| cell.value().unwrap_or(0)).collect())
        .collect();
    for (&(r, c), &value) in hidden_cells(published).iter().zip(values) {
        grid[r][c] = value;
    }
    Counts::new(grid).unwrap()
}

/// Whether a completed table shows every published figure and has no hidden figure at zero.
fn fits(published: &Published, candidate: &Counts) -> bool {
    Position::all(published.rows(), published.columns()).all(|position| {
        let value = candidate.value(position).unwrap();
        match published.get(position).unwrap() {
            Cell::Value(shown) => value == shown,
            Cell::Suppressed(_) => value >= 1,
        }
    })
}

/// Widens the bounds of `table`'s hidden figures to take in `candidate`.
fn note(bounds: &mut Bounds, table: usize, published: &Published, candidate: &Counts) {
    for position in published.suppressed() {
        let value = candidate.value(position).unwrap();
        let entry = bounds
            .entry((table, position))
            .or_insert((value, Some(value)));
        entry.0 = entry.0.min(value);
        entry.1 = entry.1.max(Some(value));
    }
}

/// The tightest published figure bounding interior cell `(r, c)`: its row or column total, or
/// the grand total (which must be published).
fn cell_limit(published: &Published, (r, c): (usize, usize)) -> u64 {
    let Cell::Value(total) = published.total else {
        panic!("brute force needs the grand total");
    };
    let row = published.row_totals[r].value().unwrap_or(total);
    let column = published.column_totals[c].value().unwrap_or(total);
    row.min(column)
}

/// The true attacker's bounds by enumeration: every way to fill the hidden interior cells with
/// 1..=their published bound, keeping the completions that reproduce every published figure and
/// leave no hidden figure at zero.
fn brute_force(published: &Published) -> Bounds {
    let limits: Vec<u64> = hidden_cells(published)
        .into_iter()
        .map(|free| cell_limit(published, free))
        .collect();
    let mut bounds = Bounds::new();
    each_assignment(&limits, |values| {
        let candidate = complete(published, values);
        if fits(published, &candidate) {
            note(&mut bounds, 0, published, &candidate);
        }
    });
    bounds
}

#[test]
fn brute_force_agrees_on_a_protected_table() {
    let published = protect(&counts(&[&[1, 3], &[4, 5]]), 3).unwrap();
    assert_eq!(sketch(&published), "PS|.\nSS|.\n..|.");
    // x + y = 4, x + c = 5, c + d = 9, all at least 1: 1 <= x <= 3.
    let expected = BTreeMap::from([
        ((0, cell(0, 0)), (1, Some(3))),
        ((0, cell(0, 1)), (1, Some(3))),
        ((0, cell(1, 0)), (2, Some(4))),
        ((0, cell(1, 1)), (5, Some(7))),
    ]);
    assert_eq!(brute_force(&published), expected);
    assert_eq!(alone(&published), expected);
}

#[test]
fn a_pattern_hiding_a_figure_that_must_be_zero_is_inconsistent() {
    // Hiding the zero beside a published row total of 5 with the 5 published: the hidden cell
    // can only be 0, which a reader knows a hidden figure is not.
    let table = counts(&[&[5, 0], &[20, 30]]);
    let published = with_hidden(&table, &[cell(0, 1)]);
    assert_eq!(attack_table(&published), Err(PatternError::Inconsistent));
    assert!(brute_force(&published).is_empty());
}

/// Small tables with an arbitrary set of hidden non-zero figures (zeros are always published),
/// the grand total always published.
fn small_pattern() -> impl Strategy<Value = (Counts, Vec<Position>)> {
    (1usize..=2, 2usize..=3)
        .prop_flat_map(|(rows, columns)| {
            (
                prop::collection::vec(prop::collection::vec(0u64..=3, columns), rows),
                prop::collection::vec(any::<bool>(), rows * columns + rows + columns),
            )
        })
        .prop_map(|(cells, hide)| {
            let table = Counts::new(cells).unwrap();
            let positions: Vec<Position> = Position::all(table.rows(), table.columns()).collect();
            let hidden = positions
                .into_iter()
                .zip(hide)
                .filter(|&(position, _)| table.value(position) != Some(0))
                .filter_map(|(position, hide)| hide.then_some(position))
                .collect();
            (table, hidden)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_attacker_matches_brute_force((table, hide) in small_pattern()) {
        let published = with_hidden(&table, &hide);
        prop_assert_eq!(alone(&published), brute_force(&published));
    }

    #[test]
    fn the_joint_attacker_matches_brute_force(
        cube in prop::collection::vec(0u64..=2, 8),
        hide_a in prop::collection::vec(any::<bool>(), 8),
        hide_b in prop::collection::vec(any::<bool>(), 6),
    ) {
        // A = s × a and B = e × s from one 2 × 2 × 2 table; A's row totals are B's column
        // totals. Hidden figures: any non-zero ones, the shared ones decided once (by A); the
        // grand total stays published so that enumeration up to it is exhaustive.
        let (a, b) = slices(&cube, 2, 2, 2);
        let a_positions: Vec<Position> = Position::all(2, 2).filter(|&p| p != Total).collect();
        let hide_in_a: Vec<Position> = a_positions
            .iter()
            .zip(&hide_a)
            .filter(|&(&p, _)| a.value(p) != Some(0))
            .filter_map(|(&p, &h)| h.then_some(p))
            .collect();
        let b_own = [cell(0, 0), cell(0, 1), cell(1, 0), cell(1, 1), RowTotal(0), RowTotal(1)];
        let mut hide_in_b: Vec<Position> = b_own
            .iter()
            .zip(&hide_b)
            .filter(|&(&p, _)| b.value(p) != Some(0))
            .filter_map(|(&p, &h)| h.then_some(p))
            .collect();
        hide_in_b.extend((0..2).filter(|&s| hide_in_a.contains(&RowTotal(s))).map(ColumnTotal));
        let (pa, pb) = (with_hidden(&a, &hide_in_a), with_hidden(&b, &hide_in_b));
        let joint = intervals(&attack(&[
            PublishedTable { published: &pa, row_key: Some("s"), column_key: None },
            PublishedTable { published: &pb, row_key: None, column_key: Some("s") },
        ]).unwrap());
        prop_assert_eq!(joint, joint_brute_force(&pa, &pb));
    }
}

/// Splits an `s × a × e` table (index `(s·a_len + a)·e_len + e`) into A = s × a and B = e × s.
fn slices(cube: &[u64], sexes: usize, ages: usize, forms: usize) -> (Counts, Counts) {
    let at = |s: usize, a: usize, e: usize| cube[(s * ages + a) * forms + e];
    let by_age = (0..sexes)
        .map(|s| {
            (0..ages)
                .map(|a| (0..forms).map(|e| at(s, a, e)).sum())
                .collect()
        })
        .collect();
    let by_form = (0..forms)
        .map(|e| {
            (0..sexes)
                .map(|s| (0..ages).map(|a| at(s, a, e)).sum())
                .collect()
        })
        .collect();
    (Counts::new(by_age).unwrap(), Counts::new(by_form).unwrap())
}

/// Brute force for the joint pattern of `slices`: completions of A and of B are enumerated
/// separately and paired when they agree on the shared sexes (which fixes the grand total).
fn joint_brute_force(pa: &Published, pb: &Published) -> Bounds {
    let completions = |published: &Published, shared_is_rows: bool| {
        let limits: Vec<u64> = hidden_cells(published)
            .into_iter()
            .map(|free| cell_limit(published, free))
            .collect();
        let mut found = Vec::new();
        each_assignment(&limits, |values| {
            let candidate = complete(published, values);
            if fits(published, &candidate) {
                let shared = if shared_is_rows {
                    candidate.row_totals().to_vec()
                } else {
                    candidate.column_totals().to_vec()
                };
                found.push((shared, candidate));
            }
        });
        found
    };
    let of_a = completions(pa, true);
    let of_b = completions(pb, false);
    let mut bounds = Bounds::new();
    for (shared_a, a) in &of_a {
        for (shared_b, b) in &of_b {
            if shared_a == shared_b {
                note(&mut bounds, 0, pa, a);
                note(&mut bounds, 1, pb, b);
            }
        }
    }
    bounds
}

// ---------------------------------------------------------------------------------------------
// Properties of `protect`

/// Counts as a mechanism sees them: many zeros and small counts, some large ones.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => Just(0u64),
        5 => 1u64..=12,
        3 => 10u64..=80,
    ]
}

fn table() -> impl Strategy<Value = Counts> {
    (1usize..=6, 1usize..=5).prop_flat_map(|(rows, columns)| {
        prop::collection::vec(prop::collection::vec(count(), columns), rows)
            .prop_map(|cells| Counts::new(cells).unwrap())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn protect_never_refuses_and_its_pattern_survives_the_attacker(
        table in table(),
        k in 2u64..=15,
    ) {
        let published = protect(&table, k).unwrap();
        assert_protected(&[&table], &[&published], &[(None, None)], k);
    }

    #[test]
    fn a_publication_sharing_a_margin_is_protected_jointly(
        (sexes, ages, forms, cube) in (1usize..=3, 1usize..=4, 1usize..=4).prop_flat_map(
            |(s, a, e)| (Just(s), Just(a), Just(e), prop::collection::vec(
                prop_oneof![3 => Just(0u64), 4 => 1u64..=6, 2 => 5u64..=30], s * a * e))
        ),
        k in 2u64..=15,
    ) {
        let (by_age, by_form) = slices(&cube, sexes, ages, forms);
        let keys = [(Some("sex"), None), (None, Some("sex"))];
        let published = protect_publication(&[
            TableSpec { counts: &by_age, row_key: keys[0].0, column_key: keys[0].1 },
            TableSpec { counts: &by_form, row_key: keys[1].0, column_key: keys[1].1 },
        ], k).unwrap();
        let (a, b) = (&published[0], &published[1]);
        for sex in 0..sexes {
            prop_assert_eq!(a.row_totals[sex], b.column_totals[sex]);
        }
        prop_assert_eq!(a.total, b.total);
        assert_protected(&[&by_age, &by_form], &[a, b], &keys, k);
        // Each table is also safe on its own: an attacker with less information learns less.
        prop_assert!(exposures(&attack_table(a).unwrap(), k).is_empty());
        prop_assert!(exposures(&attack_table(b).unwrap(), k).is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Step 3 of `protect` on its own, without the greedy pass: starting from the primary
    /// figures only, the audit-and-repair loop must reach a safe pattern by itself.
    #[test]
    fn the_repair_loop_alone_protects(table in table(), k in 2u64..=15) {
        let shape = [crate::layout::TableShape {
            rows: table.rows(),
            columns: table.columns(),
            row_key: None,
            column_key: None,
        }];
        let layout = crate::layout::Layout::build(&shape, &[]).unwrap();
        let values = layout.gather(|cell| table.value(cell.position).unwrap()).unwrap();
        let hidden = crate::protect::suppress(&layout, &values, &[], k, false).unwrap();
        let hide: Vec<Position> = layout
            .occurrences()
            .filter_map(|(cell, var)| hidden[var].then_some(cell.position))
            .collect();
        for position in Position::all(table.rows(), table.columns()) {
            let value = table.value(position).unwrap();
            prop_assert_eq!(hide.contains(&position) && value == 0, false);
            prop_assert_eq!(!hide.contains(&position) && (1..k).contains(&value), false);
        }
        prop_assert!(exposures(&attack_table(&with_hidden(&table, &hide)).unwrap(), k).is_empty());
    }

    /// The audit inside `protect` takes shortcuts; its verdict must be the one the full
    /// intervals give, for any pattern that publishes every zero (small figures published
    /// included). The shortcuts need the truth to be a table the attacker cannot rule out,
    /// which a hidden zero would make it.
    #[test]
    fn the_audit_agrees_with_the_intervals(
        table in table(),
        hide in prop::collection::vec(prop::bool::weighted(0.6), 6 * 5 + 6 + 5 + 1),
        k in 2u64..=15,
    ) {
        let shape = [crate::layout::TableShape {
            rows: table.rows(),
            columns: table.columns(),
            row_key: None,
            column_key: None,
        }];
        let layout = crate::layout::Layout::build(&shape, &[]).unwrap();
        let truth = layout.gather(|cell| table.value(cell.position).unwrap()).unwrap();
        let known: Vec<Option<u64>> = truth
            .iter()
            .zip(&hide)
            .map(|(&value, &hide)| (!hide || value == 0).then_some(value))
            .collect();
        let by_intervals: Vec<usize> = crate::lp::intervals(&layout, &known)
            .unwrap()
            .iter()
            .enumerate()
            .filter_map(|(var, interval)| interval.and_then(|i| i.exposure(k)).map(|_| var))
            .collect();
        prop_assert_eq!(crate::lp::exposed(&layout, &known, &truth, k).unwrap(), by_intervals);
    }

    /// The last resort of `protect`: with every non-zero figure hidden, only zeros are
    /// published, and nothing can be exposed: every figure is unbounded above (any multiple of
    /// the truth fits). Below, each is at least the number of non-zero cells it adds up, the
    /// table with those cells all at 1 being a completion.
    #[test]
    fn hiding_every_non_zero_figure_exposes_nothing(table in table()) {
        let hide: Vec<Position> = Position::all(table.rows(), table.columns())
            .filter(|&position| table.value(position) != Some(0))
            .collect();
        let hidden = attack_table(&with_hidden(&table, &hide)).unwrap();
        prop_assert_eq!(hidden.len(), hide.len());
        let ones = Counts::new(
            table
                .cells()
                .iter()
                .map(|row| row.iter().map(|&value| value.min(1)).collect())
                .collect(),
        )
        .unwrap();
        for h in &hidden {
            let min = ones.value(h.cell.position).unwrap();
            prop_assert_eq!(h.interval, Interval { min, max: None });
        }
        prop_assert!(exposures(&hidden, u64::MAX).is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Three tables sharing the sexes (rows of two, columns of one), linked also through a
    /// second key between two of them: the joint system is then no longer a network, and the
    /// guarantees must still hold.
    #[test]
    fn three_tables_sharing_dimensions_are_protected_jointly(
        (sexes, ages, forms, cube) in (1usize..=3, 1usize..=3, 1usize..=3).prop_flat_map(
            |(s, a, e)| (Just(s), Just(a), Just(e), prop::collection::vec(
                prop_oneof![3 => Just(0u64), 4 => 1u64..=6, 2 => 5u64..=30], s * a * e))
        ),
        k in 2u64..=15,
    ) {
        let at = |s: usize, a: usize, e: usize| cube[(s * ages + a) * forms + e];
        let sum = |f: &dyn Fn(usize, usize, usize) -> bool| -> u64 {
            (0..sexes)
                .flat_map(|s| (0..ages).flat_map(move |a| (0..forms).map(move |e| (s, a, e))))
                .filter(|&(s, a, e)| f(s, a, e))
                .map(|(s, a, e)| at(s, a, e))
                .sum()
        };
        let by_age = Counts::new((0..sexes).map(|s| (0..ages).map(|a| sum(&|x, y, _| x == s && y == a)).collect()).collect()).unwrap();
        let by_form = Counts::new((0..forms).map(|e| (0..sexes).map(|s| sum(&|x, _, z| x == s && z == e)).collect()).collect()).unwrap();
        let age_by_form = Counts::new((0..ages).map(|a| (0..forms).map(|e| sum(&|_, y, z| y == a && z == e)).collect()).collect()).unwrap();
        let keys = [(Some("sex"), Some("age")), (Some("form"), Some("sex")), (Some("age"), Some("form"))];
        let tables = [&by_age, &by_form, &age_by_form];
        let specs: Vec<TableSpec<'_>> = tables
            .iter()
            .zip(&keys)
            .map(|(counts, &(row_key, column_key))| TableSpec { counts, row_key, column_key })
            .collect();
        let published = protect_publication(&specs, k).unwrap();
        let refs: Vec<&Published> = published.iter().collect();
        assert_protected(&tables, &refs, &keys, k);
    }
}

#[test]
fn a_threshold_above_the_grand_total_hides_every_non_zero_figure() {
    let table = counts(&[&[3, 20], &[30, 0]]);
    for k in [54, 1000, 1 << 40, u64::MAX] {
        let published = protect(&table, k).unwrap();
        assert_eq!(sketch(&published), "PP|P\nP.|P\nPP|P", "k = {k}");
        assert_protected(&[&table], &[&published], &[(None, None)], k);
    }
}

/// Records of too few people: a figure of 30 referrals made for 2 people is hidden as primary
/// although 30 is far above k, with a complement so that it cannot be worked out from its
/// totals; the same table without the people's count publishes it.
#[test]
fn records_of_too_few_people_are_hidden_like_small_figures() {
    let table = counts(&[&[30, 40], &[50, 60]]);
    let spec = TableSpec::alone(&table);
    let plain = protect_publication_of_records(&[spec], &[], &[], 11).unwrap();
    assert_eq!(sketch(&plain[0]), "..|.\n..|.\n..|.");
    let few = vec![vec![Interior { row: 0, column: 0 }]];
    let protected = protect_publication_of_records(&[spec], &[], &few, 11).unwrap();
    assert_eq!(
        protected[0].get(Interior { row: 0, column: 0 }),
        Some(Cell::Suppressed(Suppression::Primary))
    );
    let (min, max) = alone(&protected[0])[&(0, Interior { row: 0, column: 0 })];
    assert!(max != Some(min), "{min}..{max:?}: not worked out exactly");
    assert_eq!(
        sketch(&protected[0]).matches(['P', 'S']).count(),
        4,
        "the cheapest complement: a rectangle of four"
    );
}
