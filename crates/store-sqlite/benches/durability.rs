//! What surviving a power cut costs: one audited write (a failed sign-in counted on an account,
//! the smallest write the server makes) with every commit synced to the disk, against the same
//! write synced only at checkpoints, measured in the same run. Report the ratio, not the times.

use criterion::{Criterion, criterion_group, criterion_main};
use mnir_crypto::Keys;
use mnir_store::prelude::*;
use mnir_store::{AuditActor, NewUser, Organisation, Timestamp};
use mnir_store_sqlite::{Durability, SqliteStore};

async fn store_with_user(dir: &std::path::Path, durability: Durability) -> (SqliteStore, String) {
    let store = SqliteStore::open_with(
        &dir.join("bench.db"),
        Keys::from_master(&Keys::generate_master()),
        durability,
    )
    .await
    .unwrap();
    let by = AuditActor::cli(Timestamp::EPOCH);
    let org: Organisation = mnir_domain::defaults::romanian_organisations()
        .into_iter()
        .next()
        .unwrap()
        .into();
    store.upsert_organisation(&org, &by).await.unwrap();
    let user = store
        .create_user(
            &NewUser {
                login: "bench".into(),
                org_code: org.code.clone(),
                roles: "screener".parse().unwrap(),
                password_hash: "h".into(),
                now_ms: Timestamp::EPOCH,
            },
            &by,
        )
        .await
        .unwrap();
    (store, user.id)
}

fn audited_write(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut group = c.benchmark_group("audited_write");
    group.sample_size(30);
    for (name, durability) in [
        ("process_crash_baseline", Durability::ProcessCrash),
        ("power_cut", Durability::PowerCut),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (store, user_id) = runtime.block_on(store_with_user(dir.path(), durability));
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                store
                    .record_login_attempt(&user_id, false, Timestamp::EPOCH)
                    .await
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, audited_write);
criterion_main!(benches);
