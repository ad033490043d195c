use crate::Keys;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "key file {path} does not exist (it is created only when allowed, e.g. for a new SQLite database)"
    )]
    Missing { path: String },
    #[error("key file {path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`")]
    TooOpen { path: String, mode: u32 },
    #[error("key file {path} must hold 64 hexadecimal characters (a 256-bit key)")]
    Malformed { path: String },
}

/// Reads the master key from `path`, or creates the file (mode 0600, a fresh random key) when it
/// does not exist and `create` is true.
pub fn load_or_create_key_file(path: &Path, create: bool) -> Result<Keys, KeyFileError> {
    let shown = path.display().to_string();
    let io = |source| KeyFileError::Io {
        path: shown.clone(),
        source,
    };
    if !path.exists() {
        if !create {
            return Err(KeyFileError::Missing { path: shown });
        }
        let master = Keys::generate_master();
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(io)?;
        file.write_all(format!("{}\n", hex::encode(master.as_ref())).as_bytes())
            .map_err(io)?;
        file.sync_all().map_err(io)?;
        return Ok(Keys::from_master(&master));
    }
    let mode = fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::TooOpen { path: shown, mode });
    }
    let text = Zeroizing::new(fs::read_to_string(path).map_err(io)?);
    let mut master = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(text.trim(), master.as_mut())
        .map_err(|_| KeyFileError::Malformed { path: shown })?;
    Ok(Keys::from_master(&master))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_file_is_private_and_reads_back_as_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mnir.key");
        assert!(matches!(
            load_or_create_key_file(&path, false),
            Err(KeyFileError::Missing { .. })
        ));
        let created = load_or_create_key_file(&path, true).unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let loaded = load_or_create_key_file(&path, false).unwrap();
        assert_eq!(created.check_value(), loaded.check_value());
    }

    #[test]
    fn open_permissions_and_garbage_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mnir.key");
        load_or_create_key_file(&path, true).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            load_or_create_key_file(&path, false),
            Err(KeyFileError::TooOpen { .. })
        ));
        fs::write(&path, "not a key").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(
            load_or_create_key_file(&path, false),
            Err(KeyFileError::Malformed { .. })
        ));
    }
}
