//! Atomic files (reports, caches): written to a temporary file in the same folder, then renamed over the
//! target, so a failed run leaves the previous file as it was.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

pub struct AtomicFile {
    target: PathBuf,
    temp: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    /// Creates the temporary file beside `target`. Fails early when the folder is not writable.
    /// The file gets the permissions of the one it replaces, or those any new file gets under
    /// the user's umask (as `>` would give it).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let file = AtomicFile::create_with(target, &builder)?;
        if let Ok(meta) = std::fs::metadata(target) {
            file.temp
                .get_ref()
                .as_file()
                .set_permissions(meta.permissions())?;
        }
        Ok(file)
    }

    /// Like `create`, but the file is readable by its owner only, whatever it replaces.
    pub fn create_private(target: &Path) -> io::Result<AtomicFile> {
        AtomicFile::create_with(target, &tempfile::Builder::new())
    }

    fn create_with(target: &Path, builder: &tempfile::Builder) -> io::Result<AtomicFile> {
        let temp = builder
            .clone()
            .prefix(".treasury-")
            .suffix(".tmp")
            .tempfile_in(parent_dir(target))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp: BufWriter::new(temp),
        })
    }

    /// Flushes, syncs and renames the temporary file over the target.
    pub fn commit(self) -> io::Result<()> {
        let temp = self
            .temp
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        temp.as_file().sync_all()?;
        temp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

fn parent_dir(target: &Path) -> &Path {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncommitted_file_leaves_the_old_one_and_no_litter() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.csv");
        std::fs::write(&target, "old\n").unwrap();
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"half a rep").unwrap();
        drop(file);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"new\n").unwrap();
        file.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
    }
}
