//! Replays every input kept under `fuzz/`: each target's seeds (the project's own files and a
//! sample of what the campaigns found, `fuzz/seeds/<target>/`), every crash found and fixed
//! (`fuzz/regressions/<target>/`), and the local campaign's corpus when there is one. A crash
//! that comes back fails here, in the ordinary test run, without a nightly toolchain.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `fuzz/<kind>/<target>/`: none when the folder does not exist, a failure when it
/// exists and cannot be read (a misnamed or unreadable folder would otherwise pass unseen).
fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => panic!("{}: {e}", dir.display()),
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

/// The fuzz targets `fuzz/Cargo.toml` declares.
fn declared_targets(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).expect("fuzz/Cargo.toml");
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|name| *name != "mnir-fuzz")
        .map(String::from)
        .collect()
}

#[test]
fn every_target_is_declared_has_its_file_and_seeds_and_nothing_else_is_kept() {
    let mut names: Vec<String> = mnir_fuzzing::TARGETS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    names.sort();
    let mut declared = declared_targets(&fuzz_dir().join("Cargo.toml"));
    declared.sort();
    assert_eq!(declared, names, "fuzz/Cargo.toml and TARGETS differ");
    for name in &names {
        let target = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        assert!(target.is_file(), "{} is missing", target.display());
        assert!(
            !inputs("seeds", name).is_empty(),
            "the seeds of {name} are missing"
        );
    }
    // A folder of seeds or crashes for no target would never be replayed.
    for kind in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(kind)) else {
            continue;
        };
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(names.contains(&name), "fuzz/{kind}/{name} names no target");
        }
    }
}

#[test]
fn the_kept_inputs_and_crashes_run_without_a_panic() {
    let mut replayed = 0;
    for (name, run) in mnir_fuzzing::TARGETS {
        for kind in ["seeds", "regressions", "corpus"] {
            for (path, bytes) in inputs(kind, name) {
                let outcome = std::panic::catch_unwind(|| run(&bytes));
                assert!(outcome.is_ok(), "{name} panics on {}", path.display());
                replayed += 1;
            }
        }
    }
    assert!(
        replayed >= mnir_fuzzing::TARGETS.len(),
        "only {replayed} inputs replayed"
    );
}
