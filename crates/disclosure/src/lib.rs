//! Statistical disclosure control of published count tables.
//!
//! The mechanism publishes tables of counts (victims by sex × age group, by form of exploitation ×
//! sex, …). A small count in such a table can single a person out, so before publication every
//! table goes through three steps, the classic scheme of cell suppression used by statistical
//! offices (τ-ARGUS, sdcTable and the like; this crate is its own small implementation of the
//! idea, not a port of either):
//!
//! 1. **Primary suppression — the frequency rule with threshold `k`.** Every figure whose count is
//!    between 1 and `k - 1` is hidden: interior cells, row totals, column totals and the grand
//!    total alike. Zeros are published: an empty cell describes nobody.
//! 2. **Complementary (secondary) suppression.** Hiding the small figures alone is not enough: the
//!    table adds up, so a reader can often recompute a hidden figure from the published ones
//!    (a row total minus the other cells of the row). Further figures, never zeros, are hidden
//!    until no hidden figure can be pinned down that way.
//! 3. **An audit by an attacker.** The pattern is then attacked exactly as an outsider would: the
//!    attacker knows every published figure, knows that each row adds up to its row total, each
//!    column to its column total, the totals to the grand total, and that no hidden figure is
//!    zero (zeros are always published, so every hidden figure is at least 1: a row [1, 10 | 11]
//!    with both cells hidden tells a reader that both are from 1 to 10). For each hidden figure
//!    it solves two linear programmes (minimise it, maximise it) and obtains the interval of
//!    values consistent with what was published. A hidden figure is
//!    *exposed* when that interval is a single value, or when its upper end is below `k` (the
//!    attacker would then know it is a small count, which is what primary suppression hides).
//!    [`protect`] runs this audit on its own result and refuses to return a pattern that fails it.
//!
//! The constraint matrix of a two-way table with its margins is totally unimodular and every
//! bound is a whole number, so the bounds of the linear programmes are whole numbers and equal
//! the bounds over integer completions; the rounding of solver output only absorbs
//! floating-point noise. When tables share margins (see below) the joint matrix of a chain of
//! tables is still a network, but a dimension used by three or more tables, or a relation
//! between tables, can make it lose that property; the audit then uses the linear relaxation,
//! the attacker conventionally assumed in disclosure control. (Two tables sharing one dimension
//! whose other dimensions refine one another, such as age groups and age bands by sex, keep it:
//! every figure is then a sum over a set from one of two laminar families of cells, and the
//! tests check such a pair against an enumeration of every completion.)
//!
//! # Tables published together
//!
//! Tables of one publication often show the same figures: "victims by sex × age group" has the
//! sexes as rows, "victims by exploitation × sex" has them as columns, and both grand totals are
//! the number of victims. An attacker combines the tables, so they are protected together with
//! [`protect_publication`]: each table's row margin and column margin may carry a *dimension key*;
//! margins with the same key are the same figures (same categories in the same order, and the
//! values must agree), are one unknown for the attacker, and are hidden in every table or in
//! none. Tables linked by a key also share their grand total.
//!
//! # Relations between tables
//!
//! Figures of different tables can be tied beyond shared margins: with victims by sex × age
//! group and by age band × sex, the girls (a figure of the first) are the girls under 12 plus
//! those from 12 to 17 plus those of unknown age under 18 (figures of the second). A reader can
//! add up, so [`protect_publication_related`] and [`attack_related`] take such ties as
//! [`Relation`]s, each one more equation of every programme: the attacker uses it to narrow
//! intervals, and the search for complements to move figures of one table together with the
//! figures of another that they are tied to, so that both are hidden as needed.
//!
//! # What to publish
//!
//! A [`Published`] pattern records *why* each figure is hidden ([`Suppression::Primary`] or
//! [`Suppression::Secondary`]) for the audit trail. The public rendering must show every hidden
//! figure with the same symbol: telling readers which ones are primary tells them those are below
//! `k`.

mod attack;
mod layout;
mod lp;
mod protect;
#[doc(hidden)]
pub mod sample;
#[cfg(test)]
mod tests;

use std::fmt;

pub use attack::{attack, attack_related, attack_table, exposures};
pub use protect::{
    protect, protect_publication, protect_publication_of_records, protect_publication_related,
};

/// The threshold of the frequency rule when the configuration names none: counts from 1 to 10
/// are hidden.
pub const DEFAULT_THRESHOLD: u64 = 11;

/// The largest grand total accepted. The attacker works in floating point, which holds whole
/// numbers exactly only up to 2^53; staying far below that keeps the solver's tolerances
/// meaningful. No count of people comes anywhere near it.
pub const MAX_TOTAL: u64 = 1 << 40;

/// The true counts of one table: `rows × columns` interior cells. The margins and the grand
/// total are computed from them, so they always add up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    cells: Vec<Vec<u64>>,
    row_totals: Vec<u64>,
    column_totals: Vec<u64>,
    total: u64,
}

impl Counts {
    /// Takes the interior cells, one vector per row.
    ///
    /// A table needs at least one row and one column: a table without categories is a mistake
    /// of the caller, not something to publish.
    pub fn new(cells: Vec<Vec<u64>>) -> Result<Self, ShapeError> {
        let columns = check_rectangle(cells.iter().map(Vec::len))?;
        let mut row_totals = Vec::with_capacity(cells.len());
        let mut column_totals = vec![0u64; columns];
        let mut total = 0u64;
        let too_large = ShapeError::TooLarge { limit: MAX_TOTAL };
        for row in &cells {
            let mut row_total = 0u64;
            for (column, &value) in row.iter().enumerate() {
                // Every partial sum is at most the running grand total, so bounding that first
                // rules out overflow in the row and column sums.
                total = total
                    .checked_add(value)
                    .filter(|&total| total <= MAX_TOTAL)
                    .ok_or(too_large.clone())?;
                row_total += value;
                column_totals[column] += value;
            }
            row_totals.push(row_total);
        }
        Ok(Self {
            cells,
            row_totals,
            column_totals,
            total,
        })
    }

    pub fn rows(&self) -> usize {
        self.cells.len()
    }

    pub fn columns(&self) -> usize {
        self.column_totals.len()
    }

    pub fn cells(&self) -> &[Vec<u64>] {
        &self.cells
    }

    pub fn row_totals(&self) -> &[u64] {
        &self.row_totals
    }

    pub fn column_totals(&self) -> &[u64] {
        &self.column_totals
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The figure at `position`, or `None` when the position is outside the table.
    pub fn value(&self, position: Position) -> Option<u64> {
        match position {
            Position::Interior { row, column } => self.cells.get(row)?.get(column).copied(),
            Position::RowTotal(row) => self.row_totals.get(row).copied(),
            Position::ColumnTotal(column) => self.column_totals.get(column).copied(),
            Position::Total => Some(self.total),
        }
    }
}

/// Checks that rows all have the same, non-zero length and returns it.
fn check_rectangle(lengths: impl Iterator<Item = usize>) -> Result<usize, ShapeError> {
    let mut columns = None;
    for (row, found) in lengths.enumerate() {
        match columns {
            None => columns = Some(found),
            Some(expected) if expected != found => {
                return Err(ShapeError::Ragged {
                    row,
                    expected,
                    found,
                });
            }
            Some(_) => {}
        }
    }
    match columns {
        None => Err(ShapeError::NoRows),
        Some(0) => Err(ShapeError::NoColumns),
        Some(columns) => Ok(columns),
    }
}

/// Where a figure sits in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Position {
    Interior { row: usize, column: usize },
    RowTotal(usize),
    ColumnTotal(usize),
    Total,
}

impl Position {
    /// Every position of a `rows × columns` table in the order used throughout the crate:
    /// interior cells row by row, then the row totals, the column totals and the grand total.
    pub fn all(rows: usize, columns: usize) -> impl Iterator<Item = Position> {
        let interior = (0..rows).flat_map(move |row| {
            (0..columns).map(move |column| Position::Interior { row, column })
        });
        interior
            .chain((0..rows).map(Position::RowTotal))
            .chain((0..columns).map(Position::ColumnTotal))
            .chain(std::iter::once(Position::Total))
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Interior { row, column } => write!(f, "cell ({row}, {column})"),
            Position::RowTotal(row) => write!(f, "row total {row}"),
            Position::ColumnTotal(column) => write!(f, "column total {column}"),
            Position::Total => f.write_str("grand total"),
        }
    }
}

/// A figure of a publication: the index of its table (in the slice given to
/// [`protect_publication`] or [`attack`]) and its position there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub table: usize,
    pub position: Position,
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "table {}, {}", self.table, self.position)
    }
}

/// Why a figure is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suppression {
    /// The count is between 1 and `k - 1`.
    Primary,
    /// The count is `k` or more, hidden so that primary figures cannot be recomputed.
    Secondary,
}

/// One figure as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cell {
    Value(u64),
    Suppressed(Suppression),
}

impl Cell {
    pub fn is_suppressed(self) -> bool {
        matches!(self, Cell::Suppressed(_))
    }

    /// The published value, `None` when hidden.
    pub fn value(self) -> Option<u64> {
        match self {
            Cell::Value(value) => Some(value),
            Cell::Suppressed(_) => None,
        }
    }
}

/// What a table looks like once published: each figure is its value or hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Vec<Cell>,
    pub total: Cell,
}

impl Published {
    /// A table of `rows` × `columns` whose every figure, margins and total included, is what
    /// `cell` says of its position.
    pub(crate) fn from_fn(rows: usize, columns: usize, cell: impl Fn(Position) -> Cell) -> Self {
        Published {
            cells: (0..rows)
                .map(|row| {
                    (0..columns)
                        .map(|column| cell(Position::Interior { row, column }))
                        .collect()
                })
                .collect(),
            row_totals: (0..rows).map(|row| cell(Position::RowTotal(row))).collect(),
            column_totals: (0..columns)
                .map(|column| cell(Position::ColumnTotal(column)))
                .collect(),
            total: cell(Position::Total),
        }
    }

    pub fn rows(&self) -> usize {
        self.cells.len()
    }

    pub fn columns(&self) -> usize {
        self.column_totals.len()
    }

    /// The figure at `position`, or `None` when the position is outside the table.
    pub fn get(&self, position: Position) -> Option<Cell> {
        match position {
            Position::Interior { row, column } => self.cells.get(row)?.get(column).copied(),
            Position::RowTotal(row) => self.row_totals.get(row).copied(),
            Position::ColumnTotal(column) => self.column_totals.get(column).copied(),
            Position::Total => Some(self.total),
        }
    }

    /// The hidden positions, in the order of [`Position::all`].
    pub fn suppressed(&self) -> Vec<Position> {
        Position::all(self.rows(), self.columns())
            .filter(|&position| self.get(position).is_some_and(Cell::is_suppressed))
            .collect()
    }

    /// Checks that the margins match the interior, so that positions mean what they say.
    fn check_shape(&self) -> Result<(), ShapeError> {
        let columns = check_rectangle(self.cells.iter().map(Vec::len))?;
        if self.row_totals.len() != self.cells.len() {
            return Err(ShapeError::RowTotalsLength {
                expected: self.cells.len(),
                found: self.row_totals.len(),
            });
        }
        if self.column_totals.len() != columns {
            return Err(ShapeError::ColumnTotalsLength {
                expected: columns,
                found: self.column_totals.len(),
            });
        }
        let too_large = Position::all(self.rows(), columns)
            .filter_map(|position| self.get(position)?.value())
            .any(|value| value > MAX_TOTAL);
        if too_large {
            return Err(ShapeError::TooLarge { limit: MAX_TOTAL });
        }
        Ok(())
    }
}

/// A linear relation between figures of a publication that a reader knows beyond the sums of
/// each table and the margins shared through dimension keys: the figures in `left` add up to the
/// same number as those in `right`.
///
/// The typical case is a dimension that refines another: with victims by sex × age group in one
/// table and by age band × sex in another, each age group's figure for a sex is the sum of the
/// figures of its age bands for that sex. Figures may belong to any tables of the publication
/// (indices as in the slice given to [`protect_publication_related`] or [`attack_related`]); a
/// figure named twice on one side counts twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Relation {
    pub left: Vec<CellRef>,
    pub right: Vec<CellRef>,
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |cells: &[CellRef]| {
            if cells.is_empty() {
                return "0".to_owned();
            }
            let items: Vec<String> = cells.iter().map(ToString::to_string).collect();
            items.join(" + ")
        };
        write!(f, "{} = {}", side(&self.left), side(&self.right))
    }
}

/// One table of a publication to protect, with the dimension keys of its margins.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec<'a> {
    pub counts: &'a Counts,
    /// Margins of all tables with the same key are the same figures.
    pub row_key: Option<&'a str>,
    pub column_key: Option<&'a str>,
}

impl<'a> TableSpec<'a> {
    /// A table that shares nothing with the others.
    pub fn alone(counts: &'a Counts) -> Self {
        Self {
            counts,
            row_key: None,
            column_key: None,
        }
    }
}

/// One published table as an outsider sees it, with the dimension keys of its margins.
#[derive(Debug, Clone, Copy)]
pub struct PublishedTable<'a> {
    pub published: &'a Published,
    pub row_key: Option<&'a str>,
    pub column_key: Option<&'a str>,
}

impl<'a> PublishedTable<'a> {
    pub fn alone(published: &'a Published) -> Self {
        Self {
            published,
            row_key: None,
            column_key: None,
        }
    }
}

/// The values of a hidden figure consistent with everything published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    /// At least 1: a hidden figure is never zero.
    pub min: u64,
    /// `None` when nothing published bounds the figure from above.
    pub max: Option<u64>,
}

impl Interval {
    /// What the attacker learns that the rule forbids, if anything.
    pub fn exposure(&self, k: u64) -> Option<ExposureKind> {
        match self.max {
            Some(max) if max <= self.min => Some(ExposureKind::Exact),
            Some(max) if max < k => Some(ExposureKind::BelowThreshold),
            _ => None,
        }
    }
}

/// A hidden figure and the attacker's interval for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HiddenInterval {
    pub cell: CellRef,
    pub interval: Interval,
}

/// How a hidden figure is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExposureKind {
    /// The attacker can compute the exact value.
    Exact,
    /// The attacker can prove the value is below the threshold.
    BelowThreshold,
}

/// A hidden figure the attacker can disclose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Exposure {
    pub cell: CellRef,
    pub interval: Interval,
    pub kind: ExposureKind,
}

impl fmt::Display for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let max = match self.interval.max {
            Some(max) => max.to_string(),
            None => "unbounded".to_owned(),
        };
        let kind = match self.kind {
            ExposureKind::Exact => "is determined exactly",
            ExposureKind::BelowThreshold => "is provably below the threshold",
        };
        write!(
            f,
            "{} {kind} (interval {}..={max})",
            self.cell, self.interval.min
        )
    }
}

/// A table whose figures do not form a valid table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("a table needs at least one row")]
    NoRows,
    #[error("a table needs at least one column")]
    NoColumns,
    #[error("row {row} has {found} cells where the first row has {expected}")]
    Ragged {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("{found} row totals for {expected} rows")]
    RowTotalsLength { expected: usize, found: usize },
    #[error("{found} column totals for {expected} columns")]
    ColumnTotalsLength { expected: usize, found: usize },
    #[error("the figures exceed {limit}")]
    TooLarge { limit: u64 },
}

/// Tables that claim to share a margin but do not show the same figures there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error(
        "dimension key {key:?} has {expected} categories in table {first_table} but {found} in table {table}"
    )]
    Length {
        key: String,
        first_table: usize,
        table: usize,
        expected: usize,
        found: usize,
    },
    #[error("{first} and {second} are the same figure but differ")]
    Values { first: CellRef, second: CellRef },
}

/// A [`Relation`] that cannot be used: it names a figure that does not exist, or, given the true
/// counts, it does not hold (an attacker told so would find no table matching the publication).
/// `relation` is the relation's index in the slice given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelationError {
    #[error("relation {relation} ({text}) names {cell}, which is not a figure of the publication")]
    Outside {
        relation: usize,
        text: String,
        cell: CellRef,
    },
    #[error(
        "relation {relation} ({text}) does not hold: its left side adds up to {left}, its right side to {right}"
    )]
    DoesNotHold {
        relation: usize,
        text: String,
        left: u128,
        right: u128,
    },
}

/// Why [`protect`], [`protect_publication`] or [`protect_publication_related`] returned no
/// pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the threshold k must be at least 1")]
    ZeroThreshold,
    #[error("tables linked by a dimension key disagree: {0}")]
    Link(#[from] LinkError),
    #[error("{0}")]
    Relation(#[from] RelationError),
    /// The audit found hidden figures it could disclose. [`protect`] hides more figures before it
    /// gets here, so this reports a defect rather than an unlucky table.
    #[error("the suppression pattern discloses {}", list(.0))]
    Exposed(Vec<Exposure>),
    #[error("the linear-programming solver failed: {0}")]
    Solver(String),
}

fn list(exposures: &[Exposure]) -> String {
    let items: Vec<String> = exposures.iter().map(ToString::to_string).collect();
    items.join("; ")
}

/// Why [`attack`] or [`attack_related`] could not judge a published pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("table {table}: {error}")]
    Shape { table: usize, error: ShapeError },
    #[error("tables linked by a dimension key disagree: {0}")]
    Link(#[from] LinkError),
    #[error("{0}")]
    Relation(#[from] RelationError),
    #[error(
        "the published figures do not add up: no table of counts matches them with every hidden figure at least 1"
    )]
    Inconsistent,
    #[error("the linear-programming solver failed: {0}")]
    Solver(String),
}
