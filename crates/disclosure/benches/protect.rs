//! Protecting a table and the mechanism's publication, each against a baseline measured in the
//! same run: the full attack on the pattern protection produced (the least and the greatest value
//! of every hidden figure, as a reader would compute them). Protection chooses the complements
//! and audits its pattern with fewer programmes (an optimum that already moves a figure settles
//! it), so the ratio says what publishing costs next to checking a publication by hand.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use mnir_disclosure::sample::{random_table, six_tables};
use mnir_disclosure::{
    PublishedTable, TableSpec, attack_related, attack_table, protect, protect_publication_related,
};

fn one_table(c: &mut Criterion) {
    let table = random_table(7, 10, 5);
    let published = protect(&table, 11).expect("a random table is protected");
    let mut group = c.benchmark_group("one table, 10 × 5");
    group.bench_function("baseline: attack the protected pattern", |b| {
        b.iter(|| attack_table(black_box(&published)))
    });
    group.bench_function("protect", |b| b.iter(|| protect(black_box(&table), 11)));
    group.finish();
}

fn publication(c: &mut Criterion) {
    let (tables, keys, relations) = six_tables(2, 150);
    let specs: Vec<TableSpec<'_>> = tables
        .iter()
        .zip(&keys)
        .map(|(counts, &(row_key, column_key))| TableSpec {
            counts,
            row_key,
            column_key,
        })
        .collect();
    let published = protect_publication_related(&specs, &relations, 11)
        .expect("the sample publication is protected");
    let seen: Vec<PublishedTable<'_>> = published
        .iter()
        .zip(&keys)
        .map(|(published, &(row_key, column_key))| PublishedTable {
            published,
            row_key,
            column_key,
        })
        .collect();
    let mut group = c.benchmark_group("six tables, 150 victims, age relations");
    group.sample_size(20);
    group.bench_function("baseline: attack the protected publication", |b| {
        b.iter(|| attack_related(black_box(&seen), &relations))
    });
    group.bench_function("protect the publication", |b| {
        b.iter(|| protect_publication_related(black_box(&specs), &relations, 11))
    });
    group.finish();
}

criterion_group!(benches, one_table, publication);
criterion_main!(benches);
