//! Replays every input kept under `fuzz/`: each target's corpus (the inputs that reached new code
//! in the campaigns, minimised) and every crash found and fixed (`fuzz/regressions/<target>/`).
//! A crash that comes back fails here, in the ordinary test run, without a nightly toolchain.

use std::path::PathBuf;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable folder").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("a readable input");
            (p, bytes)
        })
        .collect()
}

#[test]
fn every_target_has_a_fuzz_target_file_and_a_seeded_corpus() {
    for (name, _) in mnir_fuzzing::TARGETS {
        let target = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        assert!(target.is_file(), "{} is missing", target.display());
        assert!(
            !inputs("corpus", name).is_empty(),
            "the corpus of {name} is empty"
        );
    }
}

#[test]
fn the_kept_corpora_and_crashes_run_without_a_panic() {
    for (name, run) in mnir_fuzzing::TARGETS {
        for kind in ["corpus", "regressions"] {
            for (path, bytes) in inputs(kind, name) {
                let outcome = std::panic::catch_unwind(|| run(&bytes));
                assert!(outcome.is_ok(), "{name} panics on {}", path.display());
            }
        }
    }
}
