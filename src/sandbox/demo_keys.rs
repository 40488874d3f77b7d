//! The demo signing key and certificate of the sandbox's open-banking profile (its request
//! object is signed): an RSA key and a self-signed certificate, made once in the state folder,
//! owner-only, and reused so a pasted profile keeps working across restarts.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::atomic::AtomicFile;

/// Where the demo key and its certificate are.
#[derive(Debug, Clone)]
pub struct DemoKeys {
    pub key: PathBuf,
    pub cert: PathBuf,
}

/// The demo key and certificate in `dir`, made (owner-only) when either is missing.
pub fn ensure(dir: &Path) -> anyhow::Result<DemoKeys> {
    let keys = DemoKeys {
        key: dir.join("open-banking-demo.key"),
        cert: dir.join("open-banking-demo.crt"),
    };
    if keys.key.is_file() && keys.cert.is_file() {
        return Ok(keys);
    }
    create_private_dir(dir)?;
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256)
        .context("cannot make the demo RSA key")?;
    let cert = rcgen::CertificateParams::new(vec!["sandbox.treasury.invalid".to_string()])
        .and_then(|params| params.self_signed(&pair))
        .context("cannot make the demo certificate")?;
    write_private(&keys.key, &pair.serialize_pem())?;
    write_private(&keys.cert, &cert.pem())?;
    Ok(keys)
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let write = || -> std::io::Result<()> {
        let mut file = AtomicFile::create_private(path)?;
        file.write_all(text.as_bytes())?;
        file.commit()
    };
    write().with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_are_owner_only_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("treasury/sandbox");
        let first = ensure(&folder).unwrap();
        let key = std::fs::read_to_string(&first.key).unwrap();
        assert!(key.contains("PRIVATE KEY"), "{key}");
        assert!(std::fs::read_to_string(&first.cert)
            .unwrap()
            .contains("BEGIN CERTIFICATE"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&first.key), 0o600);
            assert_eq!(mode(&first.cert), 0o600);
            assert_eq!(mode(&folder), 0o700);
        }
        let again = ensure(&folder).unwrap();
        assert_eq!(std::fs::read_to_string(&again.key).unwrap(), key);
    }
}
