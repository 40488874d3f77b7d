//! The history store: one SQLite file (`$XDG_DATA_HOME/treasury/history.sqlite3`, owner-only)
//! holding every balance row treasury has seen, the reads each account's call budget counts,
//! and what the last `check` raised. Migrations are versioned in code (`user_version`).

mod balances;
mod budget;
pub mod changes;
mod checks;
mod recorder;
mod schema;
mod spans;

pub use balances::{amounts_of, newest_per_account, Filter, Source, StoredRow};
pub use budget::{Budget, BudgetState, Refusal};
pub use checks::RaisedAlert;
pub use recorder::Recorder;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

/// How long a run waits for another run's write to end before giving up on the store.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The page size of a new store, in bytes.
const PAGE_SIZE: u32 = 16384;

/// Why the store could not be used: the file and the reason, for one warning line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "history {}: {}", self.path.display(), self.reason)
    }
}

pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// An open history database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating, owner-only, and migrating) the database at `path`.
    pub fn open(path: &Path) -> StoreResult<Store> {
        let fail = |reason: String| StoreError {
            path: path.to_path_buf(),
            reason,
        };
        create_private(path).map_err(|e| fail(e.to_string()))?;
        let conn = Connection::open(path).map_err(|e| fail(e.to_string()))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure().map_err(|e| store.error(e))?;
        schema::migrate(&store.conn).map_err(|e| store.error(e))?;
        Ok(store)
    }

    /// Opens the database only if it exists: reading commands never create it.
    pub fn open_existing(path: &Path) -> StoreResult<Option<Store>> {
        match path.exists() {
            true => Store::open(path).map(Some),
            false => Ok(None),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        // Pages that hold several spans of a month (a span is some 2.5 kB): a new file only,
        // SQLite keeps an existing file's page size.
        self.conn
            .execute_batch(&format!("PRAGMA page_size = {PAGE_SIZE};"))?;
        // WAL: readers never block the writer, and overlapping cron runs queue their writes.
        self.conn
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        self.conn.execute_batch("PRAGMA synchronous = NORMAL;")
    }

    /// Readies the connection of a recording run: it folds the WAL that earlier runs left
    /// into the database now, and leaves its own for the next run (or the next reader) to
    /// fold, instead of copying every page twice while the run is still fetching.
    fn for_recording(&self) -> rusqlite::Result<()> {
        use rusqlite::config::DbConfig;
        // Best effort: another run may be folding it already.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        self.conn
            .query_row("PRAGMA wal_autocheckpoint = 0", [], |_| Ok(()))?;
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map(drop)
    }

    fn error(&self, e: rusqlite::Error) -> StoreError {
        StoreError {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }
}

/// Creates the folder (0700) and the empty file (0600) before SQLite opens it: SQLite gives
/// its WAL and shared-memory files the database file's own mode.
fn create_private(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        if !dir.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// The size of the database and its WAL file together, in bytes; none when it does not exist.
pub fn size_of(path: &Path) -> Option<u64> {
    let main = std::fs::metadata(path).ok()?.len();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal = std::fs::metadata(PathBuf::from(wal)).map_or(0, |m| m.len());
    Some(main + wal)
}
