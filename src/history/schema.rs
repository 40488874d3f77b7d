//! The database's tables, as numbered migrations: a database at `user_version` N gets the
//! migrations after N, in one transaction, so two runs starting at once migrate it once.

use rusqlite::Connection;

/// Every migration, in order; the database's `user_version` is how many it has had.
const MIGRATIONS: &[&str] = &[FIRST, SPANS];

/// 1: accounts, runs and their balances (one row per account, as-of date and current_day),
/// read counts, check state.
pub(super) const FIRST: &str = "CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        origin TEXT NOT NULL,
        bank_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        account_name TEXT NOT NULL,
        bank_name TEXT NOT NULL,
        branch_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        decimal_places INTEGER NOT NULL,
        UNIQUE (origin, bank_id, account_id)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        profile TEXT NOT NULL,
        provider TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE balances (
        account INTEGER NOT NULL REFERENCES accounts (id),
        as_of_date TEXT NOT NULL,
        current_day INTEGER NOT NULL,
        run INTEGER NOT NULL REFERENCES runs (id),
        opening_available TEXT,
        opening_ledger TEXT,
        ending_available TEXT,
        ending_ledger TEXT,
        record_timestamp TEXT NOT NULL,
        PRIMARY KEY (account, as_of_date, current_day)
    ) WITHOUT ROWID;
    CREATE TABLE reads (
        origin TEXT NOT NULL,
        bank_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        profile TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX reads_by_account ON reads (origin, bank_id, account_id, at);
    CREATE TABLE raised_alerts (
        key TEXT PRIMARY KEY NOT NULL,
        profile TEXT NOT NULL,
        line TEXT NOT NULL,
        raised_at TEXT NOT NULL
    ) WITHOUT ROWID;";

/// 2: balances kept as spans, one row per account and fetched batch holding that batch's
/// days as text lines (`spans.rs`): recording writes one row per account instead of one per
/// day, and a later span replaces an earlier one's days when it is read. Each old row becomes
/// a span of one line.
const SPANS: &str = "CREATE TABLE balance_spans (
        id INTEGER PRIMARY KEY,
        account INTEGER NOT NULL REFERENCES accounts (id),
        run INTEGER NOT NULL REFERENCES runs (id),
        first_date TEXT NOT NULL,
        last_date TEXT NOT NULL,
        kinds INTEGER NOT NULL,
        full INTEGER NOT NULL,
        lines TEXT NOT NULL
    );
    CREATE INDEX balance_spans_by_account ON balance_spans (account);
    INSERT INTO balance_spans (account, run, first_date, last_date, kinds, full, lines)
        SELECT account, run, as_of_date, as_of_date, 1 << current_day, 1 << current_day,
            as_of_date || ',' || current_day || ',' || coalesce(opening_available, '') || ','
            || coalesce(opening_ledger, '') || ',' || coalesce(ending_available, '') || ','
            || coalesce(ending_ledger, '') || ','
            || replace(replace(record_timestamp, '\\', '\\\\'), char(10), '\\n') || char(10)
        FROM balances ORDER BY account, as_of_date, current_day;
    DROP TABLE balances;";

/// Brings the database up to the newest schema; a database newer than this program is refused.
pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version = user_version(conn)?;
    if version >= MIGRATIONS.len() {
        return match version == MIGRATIONS.len() {
            true => Ok(()),
            false => Err(newer(version)),
        };
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = apply(conn);
    match result {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Applies what is missing, reading the version again inside the transaction: another run may
/// have migrated while this one waited for the lock.
fn apply(conn: &Connection) -> rusqlite::Result<()> {
    let version = user_version(conn)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        conn.execute_batch(sql)?;
        conn.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
    }
    Ok(())
}

fn user_version(conn: &Connection) -> rusqlite::Result<usize> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

fn newer(version: usize) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
        Some(format!(
            "the database is at schema version {version}, newer than this treasury knows ({}): upgrade treasury",
            MIGRATIONS.len()
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_changes_nothing() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        migrate(&conn).unwrap();
        let version = user_version(&conn).unwrap();
        assert_eq!(version, MIGRATIONS.len());
    }

    #[test]
    fn a_newer_database_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        assert!(migrate(&conn).unwrap_err().to_string().contains("upgrade"));
    }
}
