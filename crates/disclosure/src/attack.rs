//! The attacker, as a public function: what an outsider can infer from published patterns.

use crate::layout::{BuildError, Layout, TableShape};
use crate::lp::{self, LpError};
use crate::{Exposure, HiddenInterval, PatternError, Published, PublishedTable, Relation};

/// Attacks one published table on its own.
pub fn attack_table(published: &Published) -> Result<Vec<HiddenInterval>, PatternError> {
    attack(&[PublishedTable::alone(published)])
}

/// Attacks the tables of a publication together and returns, for every hidden figure, the
/// smallest and largest value consistent with everything published.
///
/// Tables are combined as in [`protect_publication`](crate::protect_publication): margins with
/// the same key are one unknown, and linked tables share the grand total. The result lists the
/// hidden figures table by table, each in the order of [`Position::all`](crate::Position::all);
/// a hidden figure shared by several tables appears once for each, with the same interval.
/// Whether a figure is hidden as primary or secondary makes no difference: an outsider must not
/// be able to tell.
///
/// The attacker knows the convention of [`protect`](crate::protect): zeros are always published,
/// so every hidden figure is at least 1 and every interval starts at 1 or above. A pattern that
/// hides a figure which can only be zero is [`PatternError::Inconsistent`].
pub fn attack(tables: &[PublishedTable<'_>]) -> Result<Vec<HiddenInterval>, PatternError> {
    attack_related(tables, &[])
}

/// Attacks the tables of a publication together, knowing also the relations between their
/// figures (see [`Relation`]): each is one more equation the attacker's programmes respect.
///
/// The result is as for [`attack`]. A relation naming a figure outside its table is refused; a
/// relation the published figures contradict makes the pattern [`PatternError::Inconsistent`].
pub fn attack_related(
    tables: &[PublishedTable<'_>],
    relations: &[Relation],
) -> Result<Vec<HiddenInterval>, PatternError> {
    for (table, spec) in tables.iter().enumerate() {
        spec.published
            .check_shape()
            .map_err(|error| PatternError::Shape { table, error })?;
    }
    let shapes: Vec<TableShape<'_>> = tables
        .iter()
        .map(|spec| TableShape {
            rows: spec.published.rows(),
            columns: spec.published.columns(),
            row_key: spec.row_key,
            column_key: spec.column_key,
        })
        .collect();
    let layout = Layout::build(&shapes, relations).map_err(|error| match error {
        BuildError::Link(error) => PatternError::Link(error),
        BuildError::Relation(error) => PatternError::Relation(error),
    })?;
    let known = layout.gather(|cell| {
        tables[cell.table]
            .published
            .get(cell.position)
            .expect("positions come from the checked shape")
            .value()
    })?;
    let intervals = lp::intervals(&layout, &known).map_err(|error| match error {
        LpError::Inconsistent => PatternError::Inconsistent,
        LpError::Solver(message) => PatternError::Solver(message),
    })?;
    Ok(layout
        .occurrences()
        .filter_map(|(cell, var)| {
            Some(HiddenInterval {
                cell,
                interval: intervals[var]?,
            })
        })
        .collect())
}

/// The hidden figures whose interval breaks the rule for threshold `k`: determined exactly, or
/// provably below `k`.
pub fn exposures(intervals: &[HiddenInterval], k: u64) -> Vec<Exposure> {
    intervals
        .iter()
        .filter_map(|hidden| {
            Some(Exposure {
                cell: hidden.cell,
                interval: hidden.interval,
                kind: hidden.interval.exposure(k)?,
            })
        })
        .collect()
}
