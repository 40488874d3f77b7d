//! Report and cache files: a regular file is written to a temporary file in the same folder,
//! then renamed over the target, so a failed or interrupted run leaves the previous file as it
//! was. A symlink is followed and its target replaced the same way; a FIFO, a device or
//! `/dev/stdout` is written directly, as `>` would.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tempfile::NamedTempFile;

/// Temporary files not yet renamed, for a signal or a panic to remove: the process then ends
/// without running destructors.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub struct AtomicFile {
    inner: Inner,
}

enum Inner {
    Replace {
        target: PathBuf,
        temp: BufWriter<NamedTempFile>,
        _pending: Pending,
    },
    Direct(BufWriter<File>),
}

impl AtomicFile {
    /// Creates the temporary file beside `target` (beside the file a symlink points to), or
    /// opens a FIFO or device directly. Fails early when the folder is not writable.
    /// A new file gets the permissions any new file gets under the user's umask (as `>` would
    /// give it); a file that replaces another keeps that one's permissions.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let target = follow_symlinks(target)?;
        if is_special(&target) {
            let file = std::fs::OpenOptions::new().write(true).open(&target)?;
            return Ok(AtomicFile {
                inner: Inner::Direct(BufWriter::new(file)),
            });
        }
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let file = AtomicFile::create_with(&target, &builder)?;
        if let (Ok(meta), Inner::Replace { temp, .. }) = (std::fs::metadata(&target), &file.inner) {
            temp.get_ref()
                .as_file()
                .set_permissions(meta.permissions())?;
        }
        Ok(file)
    }

    /// Like `create`, but the file is readable by its owner only, whatever it replaces, and
    /// `target` is replaced as it is, never followed.
    pub fn create_private(target: &Path) -> io::Result<AtomicFile> {
        AtomicFile::create_with(target, &tempfile::Builder::new())
    }

    /// Like `create_private`, the temporary file named `PREFIX*.tmp` (`PREFIX` starting
    /// `.treasury-`), so what is left of a killed run can be told from other files.
    pub fn create_private_named(target: &Path, prefix: &str) -> io::Result<AtomicFile> {
        AtomicFile::create_named(target, &tempfile::Builder::new(), prefix)
    }

    fn create_with(target: &Path, builder: &tempfile::Builder) -> io::Result<AtomicFile> {
        AtomicFile::create_named(target, builder, ".treasury-")
    }

    fn create_named(
        target: &Path,
        builder: &tempfile::Builder,
        prefix: &str,
    ) -> io::Result<AtomicFile> {
        let mut pending = lock_pending();
        let temp = builder
            .clone()
            .prefix(prefix)
            .suffix(".tmp")
            .tempfile_in(parent_dir(target))?;
        pending.push(temp.path().to_path_buf());
        Ok(AtomicFile {
            inner: Inner::Replace {
                target: target.to_path_buf(),
                _pending: Pending(temp.path().to_path_buf()),
                temp: BufWriter::new(temp),
            },
        })
    }

    /// Flushes, syncs and renames the temporary file over the target, then syncs the folder so
    /// the rename itself survives a crash (or flushes a FIFO).
    pub fn commit(self) -> io::Result<()> {
        match self.inner {
            Inner::Direct(mut file) => file.flush(),
            Inner::Replace {
                target,
                temp,
                _pending,
            } => {
                let temp = temp.into_inner().map_err(io::IntoInnerError::into_error)?;
                temp.as_file().sync_all()?;
                // Held across the rename, so a signal cannot remove the file half way.
                let mut pending = lock_pending();
                pending.retain(|p| p != temp.path());
                let result = temp.persist(&target).map(drop).map_err(|e| e.error);
                drop(pending);
                result?;
                sync_dir(parent_dir(&target));
                Ok(())
            }
        }
    }
}

/// A temporary file's entry in `PENDING`, removed with it.
struct Pending(PathBuf);

impl Drop for Pending {
    fn drop(&mut self) {
        lock_pending().retain(|p| p != &self.0);
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Replace { temp, .. } => temp.write(buf),
            Inner::Direct(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Replace { temp, .. } => temp.flush(),
            Inner::Direct(file) => file.flush(),
        }
    }
}

/// Writes `body` to `target` atomically and owner-only, creating its folder (0700) first: the
/// small state files that hold ids or hashes (consent records, refused partner credentials).
pub fn write_private(target: &Path, body: &[u8]) -> io::Result<()> {
    if let Some(dir) = target.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut file = AtomicFile::create_private(target)?;
    file.write_all(body)?;
    file.commit()
}

/// Work a signal must not cut short (a refresh grant sent until its rotated token is stored).
static DEFERRING: AtomicUsize = AtomicUsize::new(0);
/// Set once a signal arrived: no new such work starts.
static STOPPING: AtomicBool = AtomicBool::new(false);
/// The longest a signal waits for deferred work: past the longest token request.
const DEFER_AT_MOST: Duration = Duration::from_secs(300);

/// While alive, SIGINT and SIGTERM wait for it to be dropped before the run ends.
#[must_use = "signals are deferred only while the guard lives"]
pub struct SignalsDeferred(());

impl Drop for SignalsDeferred {
    fn drop(&mut self) {
        DEFERRING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Defers SIGINT/SIGTERM until the guard is dropped. When a signal has already arrived the
/// work is not started: this never returns, and the run ends.
pub async fn defer_signals() -> SignalsDeferred {
    DEFERRING.fetch_add(1, Ordering::SeqCst);
    if STOPPING.load(Ordering::SeqCst) {
        DEFERRING.fetch_sub(1, Ordering::SeqCst);
        std::future::pending::<()>().await;
    }
    SignalsDeferred(())
}

/// Which signal arrived: 0 none, 1 SIGINT, 2 SIGTERM.
static SIGNALLED: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// For the signal handler: stops new deferred work from starting and waits (bounded) until
/// the work under way is done. `terminated` is SIGTERM (else SIGINT).
pub async fn finish_deferred(terminated: bool) {
    SIGNALLED.store(if terminated { 2 } else { 1 }, Ordering::SeqCst);
    STOPPING.store(true, Ordering::SeqCst);
    let started = std::time::Instant::now();
    while DEFERRING.load(Ordering::SeqCst) > 0 && started.elapsed() < DEFER_AT_MOST {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The signal that arrived while deferred work was under way, if one did: `Some(true)` for
/// SIGTERM. A run whose work ends before the handler wakes still ends as the signal asked.
pub fn signalled() -> Option<bool> {
    match SIGNALLED.load(Ordering::SeqCst) {
        0 => None,
        n => Some(n == 2),
    }
}

/// Removes every temporary file not yet renamed, for a signal or a panic. While the returned
/// guard lives no other file is created or renamed: a signal holds it until the process ends.
pub fn remove_pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    let mut pending = lock_pending();
    for path in pending.drain(..) {
        let _ = std::fs::remove_file(path);
    }
    pending
}

fn lock_pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Makes a rename in `dir` durable (fsync of the folder). Where a folder cannot be opened or
/// synced (not Unix, some network file systems) the rename stands as the OS left it.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The file a chain of symlinks ends at (which need not exist yet). `/dev/...` and `/proc/...`
/// paths are kept as given: `/dev/stdout` is the descriptor, not the file behind it.
pub fn follow_symlinks(target: &Path) -> io::Result<PathBuf> {
    let mut path = target.to_path_buf();
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return Ok(path);
    }
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&path)?;
                path = parent_dir(&path).join(link);
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other(format!(
        "too many levels of symbolic links at {}",
        target.display()
    )))
}

/// A FIFO, socket or device: something to write into, not to replace.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
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
