//! The key ring written beside a backup (mnir.md §13, crypto-shredding): a backup holds the
//! cases' sealed fields but none of their keys; the keys are written to one file, kept with the
//! key file and replaced at every backup. A case erased after a backup has no key in any ring
//! written since, so the backup, restored with the newest ring, cannot show its names.
//!
//! The file is text: a header line, the key file's check value, one line per case (its id and
//! its wrapped key in hex, in the order of the ids), one line per case erased (`erased` and its
//! id: a restore erases it again, whether or not it had a key of its own), and a seal over all of
//! it that only the key file can make, so a ring cut short or edited is refused.

use anyhow::{Context, anyhow};
use mnir_crypto::Keys;
use std::io::Write;
use std::path::{Path, PathBuf};

const HEADER: &str = "mnir case keys 1";
const ERASED: &str = "erased";

/// What a ring holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ring {
    /// Each case's id and wrapped key.
    pub keys: Vec<(String, Vec<u8>)>,
    /// The cases erased by the time the ring was written.
    pub erased: Vec<String>,
}

/// The ring beside a key file: `KEY.ring`.
pub fn default_path(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".ring");
    PathBuf::from(name)
}

fn seal_of(keys: &Keys, body: &str) -> String {
    keys.audit_seal(&format!("case keys {}", mnir_crypto::secret_hash(body)))
}

/// Writes the ring to `path`, replacing the one there only once the new one is whole and on the
/// disk; readable by its owner only.
pub fn write(path: &Path, keys: &Keys, ring: &Ring) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut body = format!("{HEADER}\ncheck {}\n", keys.check_value());
    for (case_id, wrapped) in &ring.keys {
        body.push_str(&format!("{case_id}\t{}\n", hex::encode(wrapped)));
    }
    for case_id in &ring.erased {
        body.push_str(&format!("{ERASED}\t{case_id}\n"));
    }
    let seal = seal_of(keys, &body);
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&partial)?;
        file.write_all(body.as_bytes())?;
        writeln!(file, "seal {seal}")?;
        file.sync_all()?;
        std::fs::rename(&partial, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok::<(), std::io::Error>(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written.with_context(|| format!("the key ring {} could not be written", path.display()))
}

/// Reads a ring written by [`write`] with the same key file; `None` when there is no file.
pub fn read(path: &Path, keys: &Keys) -> anyhow::Result<Option<Ring>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("the key ring {} could not be read", path.display()));
        }
    };
    let bad = |why: &str| {
        anyhow!(
            "{} is not a key ring of this key file: {why}",
            path.display()
        )
    };
    let (body, seal_line) = text
        .trim_end_matches('\n')
        .rsplit_once('\n')
        .ok_or_else(|| bad("it is cut short"))?;
    let body = format!("{body}\n");
    let seal = seal_line
        .strip_prefix("seal ")
        .ok_or_else(|| bad("it has no seal"))?;
    if !mnir_crypto::constant_time_eq(seal, &seal_of(keys, &body)) {
        return Err(bad(
            "its seal does not match (another key file, or the file was changed)",
        ));
    }
    let mut lines = body.lines();
    if lines.next() != Some(HEADER) {
        return Err(bad("its first line is not the ring's"));
    }
    if lines.next() != Some(&format!("check {}", keys.check_value())) {
        return Err(bad("it was written with another key file"));
    }
    let mut ring = Ring::default();
    for line in lines {
        let (first, second) = line
            .split_once('\t')
            .ok_or_else(|| bad("a line has no key"))?;
        if first == ERASED {
            ring.erased.push(second.to_string());
        } else {
            let wrapped = hex::decode(second).map_err(|_| bad("a key is not hexadecimal"))?;
            ring.keys.push((first.to_string(), wrapped));
        }
    }
    Ok(Some(ring))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_reads_back_only_whole_and_with_its_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mnir.key.ring");
        let keys = Keys::from_master(&Keys::generate_master());
        assert_eq!(read(&path, &keys).unwrap(), None);
        let ring = Ring {
            keys: vec![
                ("case-a".to_string(), vec![1, 2, 3]),
                ("case-b".to_string(), vec![4, 5]),
            ],
            erased: vec!["case-c".to_string()],
        };
        write(&path, &keys, &ring).unwrap();
        assert_eq!(read(&path, &keys).unwrap(), Some(ring.clone()));
        // Replaced whole by the next one.
        let smaller = Ring {
            keys: ring.keys[..1].to_vec(),
            erased: Vec::new(),
        };
        write(&path, &keys, &smaller).unwrap();
        assert_eq!(read(&path, &keys).unwrap(), Some(smaller));
        let other = Keys::from_master(&Keys::generate_master());
        assert!(read(&path, &other).is_err());
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("010203", "010204")).unwrap();
        assert!(read(&path, &keys).unwrap_err().to_string().contains("seal"));
        let cut: String = text.lines().take(2).collect::<Vec<_>>().join("\n");
        std::fs::write(&path, cut).unwrap();
        assert!(read(&path, &keys).is_err());
    }
}
