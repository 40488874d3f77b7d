//! Call budgets: reads of each account over a rolling 24 hours, counted in the store. A read
//! is reserved before it is sent (checked and counted in one transaction, so overlapping runs
//! cannot both spend the last one); an account without reads left is refused locally.

use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::params;

use super::{Store, StoreResult};

/// The window a daily budget counts over.
pub const WINDOW: Duration = Duration::hours(24);

/// An account read recently: bank id, account id, and when it may next be read (`None`: now).
pub type KnownAccount = (String, String, Option<DateTime<Utc>>);

/// One profile's budget at one bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub path: PathBuf,
    /// The bank's origin: reads are the bank's to count, whichever profile made them.
    pub origin: String,
    pub profile: String,
    /// Reads allowed per account per 24 hours; `None` counts without a limit (billed calls).
    pub limit: Option<u32>,
}

/// An account whose reads are spent, and when its next read is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub bank_id: String,
    pub account_id: String,
    pub next_at: DateTime<Utc>,
}

/// What `status` shows of a budget: the fewest reads left of any account counted, and when
/// the next read frees up (none counted: the whole limit, nothing to free).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetState {
    pub limit: u32,
    pub used: u32,
    pub left: u32,
    pub frees_at: Option<DateTime<Utc>>,
}

impl Budget {
    /// Reserves one read of each account that has one left and refuses the others; nothing
    /// is counted for a refused account.
    pub fn reserve(
        &self,
        accounts: &[(String, String)],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Refusal>> {
        let mut store = Store::open(&self.path)?;
        let path = store.path.clone();
        let fail = |e: rusqlite::Error| super::StoreError {
            path: path.clone(),
            reason: e.to_string(),
        };
        let tx = store
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        let mut refused = Vec::new();
        for (bank_id, account_id) in accounts {
            let next = match self.limit {
                Some(limit) => next_allowed(&tx, &self.origin, bank_id, account_id, limit, now),
                None => Ok(None),
            };
            match next.map_err(fail)? {
                Some(next_at) => refused.push(Refusal {
                    bank_id: bank_id.clone(),
                    account_id: account_id.clone(),
                    next_at,
                }),
                None => count(&tx, &self.origin, &self.profile, bank_id, account_id, now)
                    .map_err(fail)?,
            }
        }
        tx.commit().map_err(fail)?;
        Ok(refused)
    }

    /// The accounts read at this bank in the last 24 hours and when each may next be read
    /// (`None`: it has reads left), for a run that names no accounts.
    pub fn known(&self, now: DateTime<Utc>) -> StoreResult<Vec<KnownAccount>> {
        let Some(store) = Store::open_existing(&self.path)? else {
            return Ok(Vec::new());
        };
        let accounts = recent_accounts(&store, &self.origin, now).map_err(|e| store.error(e))?;
        accounts
            .into_iter()
            .map(|(bank, id)| {
                let next = match self.limit {
                    Some(limit) => next_allowed(&store.conn, &self.origin, &bank, &id, limit, now)
                        .map_err(|e| store.error(e))?,
                    None => None,
                };
                Ok((bank, id, next))
            })
            .collect()
    }

    /// The budget as `status` shows it; none when there is no limit.
    pub fn state(&self, now: DateTime<Utc>) -> StoreResult<Option<BudgetState>> {
        let Some(limit) = self.limit else {
            return Ok(None);
        };
        let mut state = BudgetState {
            limit,
            used: 0,
            left: limit,
            frees_at: None,
        };
        let Some(store) = Store::open_existing(&self.path)? else {
            return Ok(Some(state));
        };
        for (bank, id) in recent_accounts(&store, &self.origin, now).map_err(|e| store.error(e))? {
            let times = reads_since(&store.conn, &self.origin, &bank, &id, now - WINDOW)
                .map_err(|e| store.error(e))?;
            let used = u32::try_from(times.len()).unwrap_or(u32::MAX);
            let frees = times.first().map(|t| *t + WINDOW);
            if used > state.used || (used == state.used && frees < state.frees_at) {
                state.used = used;
                state.left = limit.saturating_sub(used);
                state.frees_at = frees;
            }
        }
        Ok(Some(state))
    }
}

/// When the account may next be read, or `None` when it has a read left now.
fn next_allowed(
    conn: &rusqlite::Connection,
    origin: &str,
    bank_id: &str,
    account_id: &str,
    limit: u32,
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let times = reads_since(conn, origin, bank_id, account_id, now - WINDOW)?;
    let limit = limit as usize;
    if times.len() < limit {
        return Ok(None);
    }
    // The read that must leave the window before one is free again.
    Ok(Some(times[times.len() - limit] + WINDOW))
}

fn reads_since(
    conn: &rusqlite::Connection,
    origin: &str,
    bank_id: &str,
    account_id: &str,
    since: DateTime<Utc>,
) -> rusqlite::Result<Vec<DateTime<Utc>>> {
    let mut statement = conn.prepare_cached(
        "SELECT at FROM reads WHERE origin = ?1 AND bank_id = ?2 AND account_id = ?3 AND at > ?4 ORDER BY at",
    )?;
    let times = statement.query_map(
        params![origin, bank_id, account_id, since.timestamp_millis()],
        |r| r.get::<_, i64>(0),
    )?;
    times
        .map(|t| t.map(|ms| Utc.timestamp_millis_opt(ms).single().unwrap_or_default()))
        .collect()
}

fn recent_accounts(
    store: &Store,
    origin: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut statement = store.conn.prepare(
        "SELECT DISTINCT bank_id, account_id FROM reads WHERE origin = ?1 AND at > ?2 ORDER BY bank_id, account_id",
    )?;
    let rows = statement.query_map(params![origin, (now - WINDOW).timestamp_millis()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    rows.collect()
}

fn count(
    conn: &rusqlite::Connection,
    origin: &str,
    profile: &str,
    bank_id: &str,
    account_id: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO reads (origin, bank_id, account_id, profile, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        origin,
        bank_id,
        account_id,
        profile,
        now.timestamp_millis()
    ])?;
    // Reads older than the window count for nothing: dropped as new ones come.
    conn.prepare_cached(
        "DELETE FROM reads WHERE origin = ?1 AND bank_id = ?2 AND account_id = ?3 AND at <= ?4",
    )?
    .execute(params![
        origin,
        bank_id,
        account_id,
        (now - WINDOW).timestamp_millis()
    ])
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(dir: &tempfile::TempDir, limit: Option<u32>) -> Budget {
        Budget {
            path: dir.path().join("h.sqlite3"),
            origin: "bank https://ob".into(),
            profile: "ob".into(),
            limit,
        }
    }

    fn accounts(ids: &[&str]) -> Vec<(String, String)> {
        ids.iter()
            .map(|id| (String::new(), id.to_string()))
            .collect()
    }

    #[test]
    fn the_fifth_read_in_a_day_is_refused_until_the_first_leaves_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let budget = budget(&dir, Some(4));
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        for hour in 0..4 {
            let refused = budget
                .reserve(&accounts(&["A"]), start + Duration::hours(hour))
                .unwrap();
            assert!(refused.is_empty());
        }
        let refused = budget
            .reserve(&accounts(&["A", "B"]), start + Duration::hours(5))
            .unwrap();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].account_id, "A");
        assert_eq!(refused[0].next_at, start + WINDOW);
        let state = budget.state(start + Duration::hours(5)).unwrap().unwrap();
        assert_eq!((state.used, state.left), (4, 0));
        assert_eq!(state.frees_at, Some(start + WINDOW));
        let later = start + WINDOW + Duration::minutes(1);
        assert!(budget.reserve(&accounts(&["A"]), later).unwrap().is_empty());
    }

    #[test]
    fn without_a_limit_reads_are_counted_never_refused() {
        let dir = tempfile::tempdir().unwrap();
        let budget = budget(&dir, None);
        let now = Utc::now();
        for _ in 0..10 {
            assert!(budget.reserve(&accounts(&["A"]), now).unwrap().is_empty());
        }
        let known = budget.known(now).unwrap();
        assert_eq!(known, vec![(String::new(), "A".to_string(), None)]);
    }
}
