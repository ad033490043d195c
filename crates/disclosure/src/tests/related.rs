//! Publications whose tables are tied by relations beyond their shared margins: victims by
//! sex × age group (A, sexes as rows) and by age band × sex (B, sexes as columns), where each
//! age group is a set of bands, so that each figure of A's interior is a sum of figures of B.

use std::collections::BTreeMap;

use super::*;
use crate::sample::{age_relations, six_tables};

/// The keys of A (sex × age group) and B (age band × sex): the sexes are shared.
const KEYS: [(Option<&str>, Option<&str>); 2] = [
    (Some("sex"), Some("age_group")),
    (Some("age_band"), Some("sex")),
];

/// A (sex × age group) from B (age band × sex).
fn aggregate(fine: &Counts, groups: &[Vec<usize>]) -> Counts {
    Counts::new(
        (0..fine.columns())
            .map(|sex| {
                groups
                    .iter()
                    .map(|bands| bands.iter().map(|&band| fine.cells()[band][sex]).sum())
                    .collect()
            })
            .collect(),
    )
    .unwrap()
}

fn specs<'a>(a: &'a Counts, b: &'a Counts) -> [TableSpec<'a>; 2] {
    [
        TableSpec {
            counts: a,
            row_key: KEYS[0].0,
            column_key: KEYS[0].1,
        },
        TableSpec {
            counts: b,
            row_key: KEYS[1].0,
            column_key: KEYS[1].1,
        },
    ]
}

fn published_specs<'a>(a: &'a Published, b: &'a Published) -> [PublishedTable<'a>; 2] {
    [
        PublishedTable {
            published: a,
            row_key: KEYS[0].0,
            column_key: KEYS[0].1,
        },
        PublishedTable {
            published: b,
            row_key: KEYS[1].0,
            column_key: KEYS[1].1,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// The age groups and bands by hand (k = 11)

/// Bands: under 12, 12 to 17, child of unknown age, 18 to 34, 35 or over, unknown; sexes:
/// female, male. Groups: child (the first three bands), adult (the next two), unknown.
fn age_example() -> (Counts, Counts, Vec<Vec<usize>>) {
    let by_band = counts(&[
        &[3, 15],
        &[20, 25],
        &[0, 0],
        &[12, 30],
        &[40, 14],
        &[11, 13],
    ]);
    let groups = vec![vec![0, 1, 2], vec![3, 4], vec![5]];
    let by_group = aggregate(&by_band, &groups);
    assert_eq!(by_group.cells(), &[vec![23, 52, 11], vec![40, 44, 13]]);
    (by_group, by_band, groups)
}

#[test]
fn without_the_relation_a_hidden_band_is_recomputed_from_its_age_group() {
    let (by_group, by_band, groups) = age_example();
    let relations = age_relations(0, 1, &groups, 2);
    let published = protect_publication(&specs(&by_group, &by_band), 11).unwrap();
    let (a, b) = (&published[0], &published[1]);
    // Female under 12 (3) is hidden, yet female 12 to 17 (20), female child of unknown age (0)
    // and female children (23) are all published...
    assert_eq!(b.cells[0][0], Cell::Suppressed(Suppression::Primary));
    assert_eq!(b.cells[1][0], Cell::Value(20));
    assert_eq!(b.cells[2][0], Cell::Value(0));
    assert_eq!(a.cells[0][0], Cell::Value(23));
    // ...which is safe against an attacker who ignores how bands make up groups...
    assert_protected(&[&by_group, &by_band], &[a, b], &KEYS, 11);
    // ...but a reader who adds up bands finds 23 - 20 - 0 = 3.
    let hidden = attack_related(&published_specs(a, b), &relations).unwrap();
    let under_12 = CellRef {
        table: 1,
        position: cell(0, 0),
    };
    assert!(exposures(&hidden, 11).contains(&Exposure {
        cell: under_12,
        interval: Interval {
            min: 3,
            max: Some(3)
        },
        kind: ExposureKind::Exact,
    }));
}

#[test]
fn with_the_relation_the_age_groups_are_protected_with_their_bands() {
    let (by_group, by_band, groups) = age_example();
    let relations = age_relations(0, 1, &groups, 2);
    let published =
        protect_publication_related(&specs(&by_group, &by_band), &relations, 11).unwrap();
    let (a, b) = (&published[0], &published[1]);
    assert_protected_related(&[&by_group, &by_band], &[a, b], &KEYS, &relations, 11);
    // Lifting female under 12 from 3 to 11 must now keep the children's figures of A, or hide
    // them. The cheapest change stays inside the child group: eight girls from 12 to 17 become
    // under 12, eight boys the other way. A is published whole; B hides its first two rows.
    assert_eq!(sketch(a), "...|.\n...|.\n...|.");
    assert_eq!(sketch(b), "PS|.\nSS|.\n..|.\n..|.\n..|.\n..|.\n..|.");
    // With x the girls under 12: x + u = 18 (the band's total), x + y = 23 (female children
    // in A, less the 0 of unknown age), u + v = 40 (male children in A); all at least 1.
    let expected = BTreeMap::from([
        ((1, cell(0, 0)), (1, Some(17))),
        ((1, cell(0, 1)), (1, Some(17))),
        ((1, cell(1, 0)), (6, Some(22))),
        ((1, cell(1, 1)), (23, Some(39))),
    ]);
    let hidden = attack_related(&published_specs(a, b), &relations).unwrap();
    assert_eq!(intervals(&hidden), expected);
}

// ---------------------------------------------------------------------------------------------
// Checking the relations

#[test]
fn a_relation_that_does_not_hold_is_refused() {
    let (by_group, by_band, groups) = age_example();
    let mut relations = age_relations(0, 1, &groups, 2);
    // Female adults (52) said to be female 18 to 34 alone (12).
    relations[1].right.pop();
    let refusal = protect_publication_related(&specs(&by_group, &by_band), &relations, 11);
    let Err(Refusal::Relation(error)) = refusal else {
        panic!("{refusal:?}");
    };
    assert_eq!(
        error,
        RelationError::DoesNotHold {
            relation: 1,
            text: "table 0, cell (0, 1) = table 1, cell (3, 0)".to_owned(),
            left: 52,
            right: 12,
        }
    );
    assert_eq!(
        error.to_string(),
        "relation 1 (table 0, cell (0, 1) = table 1, cell (3, 0)) does not hold: \
         its left side adds up to 52, its right side to 12"
    );
}

#[test]
fn a_relation_naming_a_figure_outside_the_tables_is_refused() {
    let (by_group, by_band, groups) = age_example();
    let published = protect_publication(&specs(&by_group, &by_band), 11).unwrap();
    let outside = [
        CellRef {
            table: 1,
            position: cell(6, 0),
        },
        CellRef {
            table: 0,
            position: ColumnTotal(3),
        },
        CellRef {
            table: 1,
            position: RowTotal(6),
        },
        CellRef {
            table: 2,
            position: Total,
        },
    ];
    for cell in outside {
        let mut relations = age_relations(0, 1, &groups, 2);
        relations[4].right.push(cell);
        let error = RelationError::Outside {
            relation: 4,
            text: relations[4].to_string(),
            cell,
        };
        assert_eq!(
            protect_publication_related(&specs(&by_group, &by_band), &relations, 11),
            Err(Refusal::Relation(error.clone())),
            "{cell}"
        );
        assert_eq!(
            attack_related(&published_specs(&published[0], &published[1]), &relations),
            Err(PatternError::Relation(error)),
            "{cell}"
        );
    }
}

#[test]
fn published_figures_contradicting_a_relation_are_inconsistent() {
    let (by_group, by_band, _) = age_example();
    let (a, b) = (with_hidden(&by_group, &[]), with_hidden(&by_band, &[]));
    // Female unknown age is 11 in both; said to be female 12 to 17 (20) instead.
    let relation = Relation {
        left: vec![CellRef {
            table: 0,
            position: cell(0, 2),
        }],
        right: vec![CellRef {
            table: 1,
            position: cell(1, 0),
        }],
    };
    assert_eq!(
        attack_related(&published_specs(&a, &b), &[relation]),
        Err(PatternError::Inconsistent)
    );
}

#[test]
fn a_relation_between_one_figure_seen_twice_says_nothing() {
    // A's female total and B's female total are one figure (the key "sex"): a relation between
    // them, or with a figure on both sides, cancels out and changes no interval.
    let (by_group, by_band, _) = age_example();
    let published = protect_publication(&specs(&by_group, &by_band), 11).unwrap();
    let tables = published_specs(&published[0], &published[1]);
    let female = |table, position| CellRef { table, position };
    let relations = [
        Relation {
            left: vec![female(0, RowTotal(0))],
            right: vec![female(1, ColumnTotal(0))],
        },
        Relation {
            left: vec![female(1, cell(0, 0)), female(0, Total)],
            right: vec![female(1, Total), female(1, cell(0, 0))],
        },
        Relation {
            left: vec![],
            right: vec![],
        },
    ];
    assert_eq!(relations[2].to_string(), "0 = 0");
    assert_eq!(
        attack_related(&tables, &relations).unwrap(),
        attack(&tables).unwrap()
    );
}

#[test]
fn a_relation_counts_a_figure_named_twice_twice() {
    // 2 · (cell 0) = cell 1 on [5, 10 | 15], only the row and grand totals published: x + y =
    // 15 and y = 2x give x = 5 exactly; without the relation x ranges over 1..=14.
    let table = counts(&[&[5, 10]]);
    let published = with_hidden(
        &table,
        &[cell(0, 0), cell(0, 1), ColumnTotal(0), ColumnTotal(1)],
    );
    let at = |position| CellRef { table: 0, position };
    let twice = Relation {
        left: vec![at(cell(0, 0)), at(cell(0, 0))],
        right: vec![at(cell(0, 1))],
    };
    let tables = [PublishedTable::alone(&published)];
    assert_eq!(alone(&published)[&(0, cell(0, 0))], (1, Some(14)));
    let related = intervals(&attack_related(&tables, &[twice]).unwrap());
    assert_eq!(related[&(0, cell(0, 0))], (5, Some(5)));
    assert_eq!(related[&(0, cell(0, 1))], (10, Some(10)));
}

// ---------------------------------------------------------------------------------------------
// Tables tied only by a relation, and the last resort

/// A = [4] on its own, B = [4, 20]; A's figure is B's first cell, but no key links them.
fn tied_tables() -> (Counts, Counts, Vec<Relation>) {
    let relations = vec![Relation {
        left: vec![CellRef {
            table: 0,
            position: cell(0, 0),
        }],
        right: vec![CellRef {
            table: 1,
            position: cell(0, 0),
        }],
    }];
    (counts(&[&[4]]), counts(&[&[4, 20]]), relations)
}

#[test]
fn a_complement_moves_what_a_relation_ties_it_to() {
    let (a, b, relations) = tied_tables();
    let specs = [TableSpec::alone(&a), TableSpec::alone(&b)];
    let published = protect_publication_related(&specs, &relations, 11).unwrap();
    // Lifting B's 4 to 11 lifts A's 4 with it (all of A is primary anyway); in B the 20 gives
    // the seven people back, so the row and grand totals stay published.
    assert_eq!(sketch(&published[0]), "P|P\nP|P");
    assert_eq!(sketch(&published[1]), "PS|.\nPS|.");
    let unlinked = [(None, None), (None, None)];
    assert_protected_related(
        &[&a, &b],
        &[&published[0], &published[1]],
        &unlinked,
        &relations,
        11,
    );
    // x + y = 24 in B, both at least 1, and A's figures all equal x.
    let hidden = intervals(
        &attack_related(
            &[
                PublishedTable::alone(&published[0]),
                PublishedTable::alone(&published[1]),
            ],
            &relations,
        )
        .unwrap(),
    );
    assert!(hidden.values().all(|&bounds| bounds == (1, Some(23))));
    assert_eq!(hidden.len(), 8);
}

#[test]
fn hiding_every_figure_of_a_table_is_not_enough_when_a_relation_ties_it_to_a_published_one() {
    // The last resort hides every non-zero figure of the exposed figure's component: tables
    // linked by keys *or relations*. Hiding all of A alone would not do: B's published 4 gives
    // A's figure away through the relation. Hiding B's too leaves every figure unbounded.
    let (a, b, relations) = tied_tables();
    let a_hidden = with_hidden(&a, &Position::all(1, 1).collect::<Vec<_>>());
    let tables = |b: &Published| {
        attack_related(
            &[PublishedTable::alone(&a_hidden), PublishedTable::alone(b)],
            &relations,
        )
        .unwrap()
    };
    let b_published = with_hidden(&b, &[]);
    assert_eq!(exposures(&tables(&b_published), 11).len(), 4);
    assert!(tables(&b_published).iter().all(|h| h.interval
        == Interval {
            min: 4,
            max: Some(4)
        }));
    let b_hidden = with_hidden(&b, &Position::all(1, 2).collect::<Vec<_>>());
    let everything = tables(&b_hidden);
    assert_eq!(everything.len(), 4 + 6);
    assert!(everything.iter().all(|h| h.interval.max.is_none()));

    // The layout puts the two tables in one component because of the relation alone.
    let shapes = [
        crate::layout::TableShape {
            rows: 1,
            columns: 1,
            row_key: None,
            column_key: None,
        },
        crate::layout::TableShape {
            rows: 1,
            columns: 2,
            row_key: None,
            column_key: None,
        },
    ];
    let unrelated = crate::layout::Layout::build(&shapes, &[]).unwrap();
    assert_eq!(unrelated.component.iter().filter(|&&c| c == 0).count(), 4);
    let related = crate::layout::Layout::build(&shapes, &relations).unwrap();
    assert!(related.component.iter().all(|&c| c == 0));
    // A relation does not make the tables share a grand total.
    assert_ne!(related.total_of[0], related.total_of[4]);
}

// ---------------------------------------------------------------------------------------------
// Against brute force, and properties

/// Bounds of the hidden figures of A (table 0) and B (table 1) over every completion: B's
/// hidden cells from 1 up to the tightest published figure containing them, A's interior
/// computed from B through the relations (each of A's cells is a sum of B's), kept when both
/// tables show every published figure and no hidden figure is zero.
fn related_brute_force(pa: &Published, pb: &Published, groups: &[Vec<usize>]) -> Bounds {
    let group_of = |band: usize| {
        groups
            .iter()
            .position(|bands| bands.contains(&band))
            .unwrap()
    };
    let free = hidden_cells(pb);
    let limits: Vec<u64> = free
        .iter()
        .map(|&(band, sex)| {
            let in_a = pa.cells[sex][group_of(band)].value().unwrap_or(u64::MAX);
            cell_limit(pb, (band, sex)).min(in_a)
        })
        .collect();
    let mut bounds = Bounds::new();
    each_assignment(&limits, |values| {
        let b = complete(pb, values);
        let a = aggregate(&b, groups);
        if fits(pa, &a) && fits(pb, &b) {
            note(&mut bounds, 0, pa, &a);
            note(&mut bounds, 1, pb, &b);
        }
    });
    bounds
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Three bands (two in the first group, one in the second) × two sexes, with any non-zero
    /// figures hidden, the shared sexes decided once (by A), the grand total published.
    #[test]
    fn the_related_attacker_matches_brute_force(
        fine in prop::collection::vec(prop::collection::vec(0u64..=2, 2), 3),
        hide_a in prop::collection::vec(any::<bool>(), 8),
        hide_b in prop::collection::vec(any::<bool>(), 9),
    ) {
        let groups = vec![vec![0, 1], vec![2]];
        let b = Counts::new(fine).unwrap();
        let a = aggregate(&b, &groups);
        let a_positions: Vec<Position> = Position::all(2, 2).filter(|&p| p != Total).collect();
        let hide_in_a: Vec<Position> = a_positions
            .iter()
            .zip(&hide_a)
            .filter(|&(&p, _)| a.value(p) != Some(0))
            .filter_map(|(&p, &h)| h.then_some(p))
            .collect();
        let b_own: Vec<Position> = Position::all(3, 2)
            .filter(|p| matches!(p, Interior { .. } | RowTotal(_)))
            .collect();
        let mut hide_in_b: Vec<Position> = b_own
            .iter()
            .zip(&hide_b)
            .filter(|&(&p, _)| b.value(p) != Some(0))
            .filter_map(|(&p, &h)| h.then_some(p))
            .collect();
        hide_in_b.extend((0..2).filter(|&s| hide_in_a.contains(&RowTotal(s))).map(ColumnTotal));
        let (pa, pb) = (with_hidden(&a, &hide_in_a), with_hidden(&b, &hide_in_b));
        let relations = age_relations(0, 1, &groups, 2);
        let related = intervals(&attack_related(&published_specs(&pa, &pb), &relations).unwrap());
        prop_assert_eq!(related, related_brute_force(&pa, &pb, &groups));
    }
}

/// A fine table B (bands × sexes) whose bands fall into 2 or 3 age groups of 1 to 3 bands, with
/// counts as a mechanism sees them; returns the groups and B.
fn fine_table() -> impl Strategy<Value = (Vec<Vec<usize>>, Counts)> {
    (prop::collection::vec(1usize..=3, 2..=3), 1usize..=3).prop_flat_map(|(sizes, sexes)| {
        let mut groups = Vec::new();
        let mut next = 0;
        for size in sizes {
            groups.push((next..next + size).collect::<Vec<usize>>());
            next += size;
        }
        let cells = prop::collection::vec(prop::collection::vec(count(), sexes), next);
        (
            Just(groups),
            cells.prop_map(|cells| Counts::new(cells).unwrap()),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_publication_with_age_relations_is_protected(
        (groups, by_band) in fine_table(),
        k in 2u64..=15,
    ) {
        let by_group = aggregate(&by_band, &groups);
        let relations = age_relations(0, 1, &groups, by_band.columns());
        let published =
            protect_publication_related(&specs(&by_group, &by_band), &relations, k).unwrap();
        let (a, b) = (&published[0], &published[1]);
        for sex in 0..by_band.columns() {
            prop_assert_eq!(a.row_totals[sex], b.column_totals[sex]);
        }
        assert_protected_related(&[&by_group, &by_band], &[a, b], &KEYS, &relations, k);
    }

    /// The audit-and-repair loop of `protect`, without the greedy pass, on related tables: it
    /// must reach a safe pattern by itself.
    #[test]
    fn the_repair_loop_alone_protects_related_tables(
        (groups, by_band) in fine_table(),
        k in 2u64..=15,
    ) {
        let by_group = aggregate(&by_band, &groups);
        let relations = age_relations(0, 1, &groups, by_band.columns());
        let tables = [&by_group, &by_band];
        let shapes: Vec<crate::layout::TableShape<'_>> = tables
            .iter()
            .zip(&KEYS)
            .map(|(counts, &(row_key, column_key))| crate::layout::TableShape {
                rows: counts.rows(),
                columns: counts.columns(),
                row_key,
                column_key,
            })
            .collect();
        let layout = crate::layout::Layout::build(&shapes, &relations).unwrap();
        let values = layout
            .gather(|cell| tables[cell.table].value(cell.position).unwrap())
            .unwrap();
        let hidden = crate::protect::suppress(&layout, &values, &[], k, false).unwrap();
        let published: Vec<Published> = tables
            .iter()
            .enumerate()
            .map(|(table, counts)| {
                let hide: Vec<Position> = layout
                    .occurrences()
                    .filter(|(cell, var)| cell.table == table && hidden[*var])
                    .map(|(cell, _)| cell.position)
                    .collect();
                with_hidden(counts, &hide)
            })
            .collect();
        let (a, b) = (&published[0], &published[1]);
        for (table, counts) in tables.iter().enumerate() {
            for position in Position::all(counts.rows(), counts.columns()) {
                let value = counts.value(position).unwrap();
                let hidden = published[table].get(position).unwrap().is_suppressed();
                prop_assert!(!(hidden && value == 0));
                prop_assert!(hidden || !(1..k).contains(&value));
            }
        }
        let hidden = attack_related(&published_specs(a, b), &relations).unwrap();
        prop_assert!(exposures(&hidden, k).is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// The mechanism's publication

#[test]
fn the_six_tables_of_the_publication_are_protected_with_age_relations() {
    for (seed, people) in [(11u64, 30usize), (12, 150)] {
        let (tables, keys, relations) = six_tables(seed, people);
        let specs: Vec<TableSpec<'_>> = tables
            .iter()
            .zip(&keys)
            .map(|(counts, &(row_key, column_key))| TableSpec {
                counts,
                row_key,
                column_key,
            })
            .collect();
        let published = protect_publication_related(&specs, &relations, 11).unwrap();
        let truth: Vec<&Counts> = tables.iter().collect();
        let refs: Vec<&Published> = published.iter().collect();
        assert_protected_related(&truth, &refs, &keys, &relations, 11);
    }
}
