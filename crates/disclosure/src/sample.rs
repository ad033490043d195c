//! Sample publications for the crate's tests and its benchmark (not part of the API): the six
//! tables of the mechanism's publication drawn at random, the age relations that tie two of
//! them, and a random table of a given shape.

use crate::{CellRef, Counts, Position, Relation};

/// The keys of a table's row and column margins.
pub type Keys = (Option<&'static str>, Option<&'static str>);

/// A `rows` × `columns` table from `seed`: three figures in ten are 0, three are from 1 to 10,
/// the rest from 10 to 99, so that primary suppression has work to do.
pub fn random_table(seed: u64, rows: usize, columns: usize) -> Counts {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = state >> 33;
        match r % 10 {
            0..=2 => 0,
            3..=5 => 1 + r / 10 % 10,
            _ => 10 + r / 10 % 90,
        }
    };
    Counts::new(
        (0..rows)
            .map(|_| (0..columns).map(|_| next()).collect())
            .collect(),
    )
    .expect("a non-empty rectangle")
}

/// What a reader of A (table `a`) and B (table `b`) knows: for each sex and age group, A's
/// figure is the sum of B's figures of the group's bands (`groups[g]` lists them).
pub fn age_relations(a: usize, b: usize, groups: &[Vec<usize>], sexes: usize) -> Vec<Relation> {
    (0..sexes)
        .flat_map(|sex| {
            groups
                .iter()
                .enumerate()
                .map(move |(group, bands)| Relation {
                    left: vec![CellRef {
                        table: a,
                        position: Position::Interior {
                            row: sex,
                            column: group,
                        },
                    }],
                    right: bands
                        .iter()
                        .map(|&band| CellRef {
                            table: b,
                            position: Position::Interior {
                                row: band,
                                column: sex,
                            },
                        })
                        .collect(),
                })
        })
        .collect()
}

/// The six tables of the mechanism's publication from `people` random victims.
pub fn six_tables(seed: u64, people: usize) -> (Vec<Counts>, Vec<Keys>, Vec<Relation>) {
    // Age bands: under 12, 12 to 17, child of unknown age, four adult bands, adult of unknown
    // age, unknown; the age groups child, adult and unknown are sets of them.
    let groups = vec![vec![0, 1, 2], vec![3, 4, 5, 6, 7], vec![8]];
    let mut state = seed;
    let mut draw = |weights: &[u64]| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let mut r = (state >> 33) % weights.iter().sum::<u64>();
        weights
            .iter()
            .position(|&w| {
                if r < w {
                    true
                } else {
                    r -= w;
                    false
                }
            })
            .unwrap()
    };
    let mut sex_group = vec![vec![0u64; 3]; 3];
    let mut form_sex = vec![vec![0u64; 3]; 6];
    let mut band_sex = vec![vec![0u64; 3]; 9];
    let mut citizenship_sex = vec![vec![0u64; 3]; 4];
    let mut status_sex = vec![vec![0u64; 3]; 2];
    let mut region_form = vec![vec![0u64; 6]; 9];
    for _ in 0..people {
        let sex = draw(&[60, 38, 2]);
        let band = draw(&[6, 12, 1, 25, 25, 14, 8, 3, 6]);
        let group = groups.iter().position(|g| g.contains(&band)).unwrap();
        let form = draw(&[45, 35, 8, 6, 4, 2]);
        let citizenship = draw(&[80, 5, 12, 3]);
        let status = draw(&[40, 60]);
        let region = draw(&[20, 15, 12, 10, 10, 9, 8, 14, 2]);
        sex_group[sex][group] += 1;
        form_sex[form][sex] += 1;
        band_sex[band][sex] += 1;
        citizenship_sex[citizenship][sex] += 1;
        status_sex[status][sex] += 1;
        region_form[region][form] += 1;
    }
    let tables = [
        sex_group,
        form_sex,
        band_sex,
        citizenship_sex,
        status_sex,
        region_form,
    ]
    .into_iter()
    .map(|cells| Counts::new(cells).unwrap())
    .collect();
    let keys = vec![
        (Some("sex"), Some("age_group")),
        (Some("exploitation"), Some("sex")),
        (Some("age_band"), Some("sex")),
        (Some("citizenship"), Some("sex")),
        (Some("status"), Some("sex")),
        (Some("region"), Some("exploitation")),
    ];
    (tables, keys, age_relations(0, 2, &groups, 3))
}
