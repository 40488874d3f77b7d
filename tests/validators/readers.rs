//! The independent readers of the bank-file tests, installed on first use by `bootstrap.py`
//! (a Python venv with `bai2` and `xmlschema`, and the `mt940` crate's `sta2json`) into a cache
//! folder under `target/`. A reader that cannot be installed fails the tests: they never pass
//! without having checked a file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

pub struct Readers {
    python: PathBuf,
    sta2json: PathBuf,
}

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators")
}

/// The readers, installed once per test process (and once per machine: the cache stays).
pub fn readers() -> &'static Readers {
    static READERS: OnceLock<Readers> = OnceLock::new();
    READERS.get_or_init(|| {
        let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validators");
        let out = Command::new("python3")
            .arg(here().join("bootstrap.py"))
            .arg(&cache)
            .output()
            .expect("python3 runs (the bank-file tests need it to install their readers)");
        assert!(
            out.status.success(),
            "cannot install the independent bank-file readers:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Readers {
            python: cache.join("venv/bin/python"),
            sta2json: cache.join("bin/sta2json"),
        }
    })
}

/// Which schema a camt file must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Camt {
    Report052,
    Statement053,
}

impl Readers {
    /// A BAI2 file as the strict `bai2` parser reads it (integrity checks on).
    pub fn bai2(&self, file: &Path) -> Value {
        self.python_reader(&["bai2".as_ref(), file.as_os_str()], file)
    }

    /// A camt file, validated against its ISO 20022 XSD, then decoded.
    pub fn camt(&self, kind: Camt, file: &Path) -> Value {
        let xsd = here().join("xsd").join(match kind {
            Camt::Report052 => "camt.052.001.08.xsd",
            Camt::Statement053 => "camt.053.001.08.xsd",
        });
        self.python_reader(&["camt".as_ref(), xsd.as_os_str(), file.as_os_str()], file)
    }

    /// An MT940 file as `sta2json --strict` reads it: one object per message.
    pub fn mt940(&self, file: &Path) -> Value {
        let out = Command::new(&self.sta2json)
            .arg("--strict")
            .arg(file)
            .output()
            .expect("sta2json runs");
        parsed("sta2json --strict", file, out)
    }

    fn python_reader(&self, args: &[&std::ffi::OsStr], file: &Path) -> Value {
        let out = Command::new(&self.python)
            .arg(here().join("read.py"))
            .args(args)
            .output()
            .expect("the venv's python runs");
        parsed("read.py", file, out)
    }
}

fn parsed(reader: &str, file: &Path, out: std::process::Output) -> Value {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    assert!(
        out.status.success(),
        "{reader} refused {}:\n{}\n--- the file:\n{text}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{reader} printed no JSON: {e}"))
}
