//! One full-profile evaluation of the identification engine, against a baseline measured in the
//! same run: a single pass over the profile's indicators (the least any evaluation must do).

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use mnir_domain::identification::{Answers, Catalogue, Profile, evaluate};

fn full_profile(c: &mut Criterion) {
    let catalogue = Catalogue::builtin();
    let profile = Profile::AdultLabour;
    let codes: Vec<String> = catalogue
        .profile_indicators(profile)
        .map(|i| i.code.clone())
        .collect();
    // Every indicator asked, every other one present: all six dimensions have work to do.
    let answers = Answers {
        present: codes.iter().step_by(2).cloned().collect(),
        asked: Some(codes.iter().cloned().collect()),
        act: None,
    };
    let mut group = c.benchmark_group("identification");
    group.bench_function("baseline: one pass over the profile", |b| {
        b.iter(|| {
            black_box(
                catalogue
                    .profile_indicators(black_box(profile))
                    .filter(|i| answers.present.contains(&i.code))
                    .count(),
            )
        })
    });
    group.bench_function("evaluate: full adult-labour profile", |b| {
        b.iter(|| {
            evaluate(
                black_box(catalogue),
                black_box(profile),
                black_box(&answers),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, full_profile);
criterion_main!(benches);
