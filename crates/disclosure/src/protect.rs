//! Primary and complementary suppression, audited by the attacker before anything is returned.

use std::collections::BTreeSet;

use crate::layout::{BuildError, Layout, TableShape};
use crate::lp::{self, LpError};
use crate::{
    Cell, CellRef, Counts, Exposure, Position, Published, Refusal, Relation, RelationError,
    Suppression, TableSpec,
};

/// Protects one table with threshold `k` (see the crate documentation for the rule).
pub fn protect(counts: &Counts, k: u64) -> Result<Published, Refusal> {
    let mut tables = protect_publication(&[TableSpec::alone(counts)], k)?;
    Ok(tables.remove(0))
}

/// Protects the tables of one publication together: margins with the same dimension key are the
/// same figures, hidden everywhere or nowhere, and the attacker combines all tables.
///
/// Returns one pattern per table, in the order given.
///
/// # How the complements are chosen
///
/// 1. Every figure from 1 to `k - 1` is hidden (primary).
/// 2. The primary figures are taken one at a time, smallest first (it needs the largest
///    protection; ties in publication order). For each, a linear programme finds the cheapest
///    change of the whole publication that raises the figure to `k` while keeping every sum
///    (and every relation, see [`protect_publication_related`]) and leaving every non-zero
///    count at least 1, where touching a published figure costs its value and touching a
///    hidden one is free. (At least 1, not 0: zeros are always published, so a reader knows
///    that no hidden figure is zero, and a change that empties one is one they rule out.)
///    Every published figure that change touches is hidden (secondary). The change is then
///    indistinguishable from the truth, so the primary figure's upper bound is at least `k`
///    and each new complement can move too. Later steps reuse what earlier ones hid for free,
///    so complements are shared between primary figures, and a primary figure that an earlier
///    change already raises to `k` is skipped.
/// 3. The attacker audits the whole pattern: the same programmes as [`attack`](crate::attack),
///    with the same verdict as [`exposures`](crate::exposures), though each optimal point also
///    vouches for the other figures it shows moving, so most figures need no programme of their
///    own. Should the audit find an exposed figure (never seen in the tests; rounding of a
///    fractional relaxation of linked tables could cause it), step 2 is repeated for each
///    exposed figure (lifting a figure of `k` or more by one); if that hides nothing new, every
///    non-zero figure of the tables concerned is hidden, and of every table linked to them by a
///    key or a relation, directly or through others. That always protects: only zeros of those
///    tables are then published, so any multiple (by 1 or more) of their true counts is as
///    consistent as the truth, and no hidden figure is bounded above. If the audit still
///    objects, the exposures are returned as [`Refusal::Exposed`].
///
/// Each step is one linear programme; there is no search over combinations. The result is
/// deterministic: the same tables give the same pattern.
pub fn protect_publication(tables: &[TableSpec<'_>], k: u64) -> Result<Vec<Published>, Refusal> {
    protect_publication_related(tables, &[], k)
}

/// Protects the tables of one publication together, as [`protect_publication`], when a reader
/// also knows linear relations between their figures (see [`Relation`]): a figure hidden in one
/// table must not be recoverable from the figures of another it is tied to.
///
/// The relations are equations of every programme: the attacker's, and the complement search's,
/// so a change that lets a hidden figure of one table move also moves what the relations tie it
/// to in the others, and those figures are hidden as well. Each relation must name figures of
/// the tables given and must hold on the true counts; otherwise it is refused with a
/// [`Refusal::Relation`] naming it.
pub fn protect_publication_related(
    tables: &[TableSpec<'_>],
    relations: &[Relation],
    k: u64,
) -> Result<Vec<Published>, Refusal> {
    protect_publication_of_records(tables, relations, &[], k)
}

/// Protects tables whose figures count records of people (referrals, say) rather than people,
/// as [`protect_publication_related`]: a figure of `k` records or more may still be about fewer
/// than `k` people, so the figures at `few_people[t]` of table `t` (those whose records belong
/// to 1 to `k - 1` people) are primary too, whatever their value. Each is hidden so that it
/// cannot be worked out exactly; being `k` or more, its upper bound is never below `k`. A table
/// missing from `few_people` has none.
pub fn protect_publication_of_records(
    tables: &[TableSpec<'_>],
    relations: &[Relation],
    few_people: &[Vec<Position>],
    k: u64,
) -> Result<Vec<Published>, Refusal> {
    if k == 0 {
        return Err(Refusal::ZeroThreshold);
    }
    let shapes: Vec<TableShape<'_>> = tables
        .iter()
        .map(|spec| TableShape {
            rows: spec.counts.rows(),
            columns: spec.counts.columns(),
            row_key: spec.row_key,
            column_key: spec.column_key,
        })
        .collect();
    let layout = Layout::build(&shapes, relations).map_err(|error| match error {
        BuildError::Link(error) => Refusal::Link(error),
        BuildError::Relation(error) => Refusal::Relation(error),
    })?;
    let value = |cell: CellRef| {
        tables[cell.table]
            .counts
            .value(cell.position)
            .expect("positions come from the table's own shape or were checked by the layout")
    };
    let values = layout.gather(value)?;
    let mut forced = vec![false; layout.var_count];
    for (table, positions) in few_people.iter().enumerate() {
        let Some(vars) = layout.tables.get(table) else {
            continue;
        };
        for position in positions {
            forced[vars.var(*position)] = true;
        }
    }
    for (index, relation) in relations.iter().enumerate() {
        // A sum of many figures may pass u64; u128 holds any that fits in memory.
        let sum = |cells: &[CellRef]| cells.iter().map(|&cell| u128::from(value(cell))).sum();
        let (left, right): (u128, u128) = (sum(&relation.left), sum(&relation.right));
        if left != right {
            return Err(Refusal::Relation(RelationError::DoesNotHold {
                relation: index,
                text: relation.to_string(),
                left,
                right,
            }));
        }
    }
    let primary = primaries(&values, &forced, k);
    let hidden = suppress(&layout, &values, &forced, k, true)?;

    Ok(layout
        .tables
        .iter()
        .enumerate()
        .map(|(table, vars)| {
            let counts = tables[table].counts;
            let cell = |position| {
                let var = vars.var(position);
                if !hidden[var] {
                    Cell::Value(values[var])
                } else if primary[var] {
                    Cell::Suppressed(Suppression::Primary)
                } else {
                    Cell::Suppressed(Suppression::Secondary)
                }
            };
            Published::from_fn(counts.rows(), counts.columns(), cell)
        })
        .collect())
}

/// Decides which variables to hide (steps 1 to 3 of [`protect_publication`]). `greedy` turns
/// step 2 on; without it the audit-and-repair loop does all the work, which the tests use to
/// exercise that loop.
pub(crate) fn suppress(
    layout: &Layout,
    values: &[u64],
    forced: &[bool],
    k: u64,
    greedy: bool,
) -> Result<Vec<bool>, Refusal> {
    let primary = primaries(values, forced, k);
    let mut hidden = primary.clone();

    if greedy {
        // The largest rise of each figure shown possible by a change found so far: a primary
        // figure that an earlier change already lifts to k needs no programme of its own.
        let mut reach = vec![0.0f64; layout.var_count];
        let mut order: Vec<usize> = (0..layout.var_count).filter(|&v| primary[v]).collect();
        order.sort_by_key(|&var| (values[var], var));
        for var in order {
            // A figure forced primary at k or more needs only to move.
            let lift = k.saturating_sub(values[var]).max(1);
            if reach[var] >= lift as f64 - 1e-6 {
                continue;
            }
            let change = hide_complements(layout, values, &mut hidden, var, lift)?;
            for (reach, change) in reach.iter_mut().zip(change) {
                *reach = reach.max(change);
            }
        }
    }

    // The components whose every non-zero figure has been hidden, the last resort.
    let mut hid_everything: BTreeSet<usize> = BTreeSet::new();
    // Every pass hides at least one more figure or gives up one more component entirely, or
    // returns: the loop ends after at most as many passes as there are variables and
    // components.
    loop {
        let exposed = audit(layout, values, &hidden, k)?;
        if exposed.is_empty() {
            break;
        }
        let before = hidden.iter().filter(|&&h| h).count();
        for &var in &exposed {
            let lift = if values[var] < k { k - values[var] } else { 1 };
            hide_complements(layout, values, &mut hidden, var, lift)?;
        }
        if hidden.iter().filter(|&&h| h).count() > before {
            continue;
        }
        // Hiding every non-zero figure of a component always protects it: only zeros of it are
        // then published, every equation is homogeneous and stays inside one component, so any
        // multiple `t ≥ 1` of its true counts fits what is published as well as the truth (its
        // hidden figures, all at least 1 in truth, stay at least 1), and every hidden figure of
        // it is unbounded above. The component, not just the linked tables, must go: a relation
        // to a table whose figures stay published would pin the scale.
        let fresh: BTreeSet<usize> = exposed
            .iter()
            .map(|&var| layout.component[var])
            .filter(|component| !hid_everything.contains(component))
            .collect();
        if fresh.is_empty() {
            return Err(Refusal::Exposed(exposures_of(
                layout, values, &hidden, &exposed, k,
            )?));
        }
        for var in 0..layout.var_count {
            if values[var] > 0 && fresh.contains(&layout.component[var]) {
                hidden[var] = true;
            }
        }
        hid_everything.extend(fresh);
    }
    Ok(hidden)
}

/// The frequency rule: counts from 1 to `k - 1` identify too few people to publish.
fn is_small(value: u64, k: u64) -> bool {
    (1..k).contains(&value)
}

/// The primary figures: the small ones, and those forced (records of too few people).
fn primaries(values: &[u64], forced: &[bool], k: u64) -> Vec<bool> {
    values
        .iter()
        .enumerate()
        .map(|(var, &value)| is_small(value, k) || forced.get(var).copied().unwrap_or(false))
        .collect()
}

/// Hides what [`lp::complement`] names and returns the change it found.
fn hide_complements(
    layout: &Layout,
    values: &[u64],
    hidden: &mut [bool],
    var: usize,
    lift: u64,
) -> Result<Vec<f64>, Refusal> {
    let complement = lp::complement(layout, values, hidden, var, lift).map_err(solver)?;
    for var in complement.hide {
        hidden[var] = true;
    }
    Ok(complement.change)
}

/// The hidden variables the attacker exposes, in variable order.
fn audit(layout: &Layout, values: &[u64], hidden: &[bool], k: u64) -> Result<Vec<usize>, Refusal> {
    lp::exposed(layout, &known(values, hidden), values, k).map_err(solver)
}

/// What the attacker sees: the value of each published variable, `None` for hidden ones.
fn known(values: &[u64], hidden: &[bool]) -> Vec<Option<u64>> {
    values
        .iter()
        .zip(hidden)
        .map(|(&value, &hidden)| (!hidden).then_some(value))
        .collect()
}

/// Every figure behind the exposed variables, for the refusal.
fn exposures_of(
    layout: &Layout,
    values: &[u64],
    hidden: &[bool],
    exposed: &[usize],
    k: u64,
) -> Result<Vec<Exposure>, Refusal> {
    let intervals = lp::intervals(layout, &known(values, hidden)).map_err(solver)?;
    Ok(layout
        .occurrences()
        .filter(|(_, var)| exposed.contains(var))
        .filter_map(|(cell, var)| {
            let interval = intervals[var]?;
            Some(Exposure {
                cell,
                interval,
                kind: interval.exposure(k)?,
            })
        })
        .collect())
}

fn solver(error: LpError) -> Refusal {
    match error {
        // The true counts satisfy every programme `protect` builds, so a claim of
        // infeasibility is the solver failing.
        LpError::Inconsistent => Refusal::Solver(
            "a programme satisfied by the true counts was reported infeasible".to_owned(),
        ),
        LpError::Solver(message) => Refusal::Solver(message),
    }
}
