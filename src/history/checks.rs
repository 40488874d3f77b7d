//! What the last `treasury check` raised, so `--changes-only` prints only what is new and a
//! `CLEARED` line for what is gone.

use rusqlite::params;

use super::{Store, StoreResult};

/// One alert raised by a check: its identity (rule, profile, account, field) and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaisedAlert {
    pub key: String,
    pub profile: String,
    pub line: String,
}

impl Store {
    /// The alerts the previous check raised for these profiles.
    pub fn raised_alerts(&self, profiles: &[String]) -> StoreResult<Vec<RaisedAlert>> {
        let mut statement = self
            .conn
            .prepare("SELECT key, profile, line FROM raised_alerts ORDER BY key")
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([], |r| {
                Ok(RaisedAlert {
                    key: r.get(0)?,
                    profile: r.get(1)?,
                    line: r.get(2)?,
                })
            })
            .map_err(|e| self.error(e))?;
        let all: rusqlite::Result<Vec<RaisedAlert>> = rows.collect();
        let all = all.map_err(|e| self.error(e))?;
        Ok(all
            .into_iter()
            .filter(|a| profiles.contains(&a.profile))
            .collect())
    }

    /// Replaces the alerts of these profiles by the ones raised now.
    pub fn keep_raised(
        &mut self,
        profiles: &[String],
        raised: &[RaisedAlert],
        now: &str,
    ) -> StoreResult<()> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| store_error(&self.path, e))?;
        for profile in profiles {
            tx.execute("DELETE FROM raised_alerts WHERE profile = ?1", [profile])
                .map_err(|e| store_error(&self.path, e))?;
        }
        for alert in raised {
            tx.execute(
                "INSERT OR REPLACE INTO raised_alerts (key, profile, line, raised_at) VALUES (?1, ?2, ?3, ?4)",
                params![alert.key, alert.profile, alert.line, now],
            )
            .map_err(|e| store_error(&self.path, e))?;
        }
        tx.commit().map_err(|e| store_error(&self.path, e))
    }
}

fn store_error(path: &std::path::Path, e: rusqlite::Error) -> super::StoreError {
    super::StoreError {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}
