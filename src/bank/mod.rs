//! The seam between the CLI and any bank API: connect with credentials, list accounts, fetch
//! balances (many requests at once, merged into one report in the user's order).

pub mod finicity;
pub mod jpmorgan;

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::auth::{AccessToken, Authorizer};
use crate::config::{AuthMode, Profile};
use crate::credentials::Access;
use crate::error::{Error, Result};
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::model::{Account, BalanceRow, Report};
use crate::query::{AccountRef, BalanceRequest};

/// A connected bank: credentials exchanged, ready for requests.
#[derive(Debug, Clone)]
pub struct Bank {
    client: jpmorgan::Client,
}

impl Bank {
    /// Prepares the client for a profile; the token is fetched with the first request.
    pub fn connect(profile: &Profile, access: Access, retry: RetryPolicy) -> Result<Bank> {
        // Mutual TLS presents the certificate on every request, even with a ready token.
        let client_cert = match (profile.auth, &profile.cert, &profile.key) {
            (AuthMode::Mtls, Some(cert), Some(key)) => {
                crate::credentials::file::check_private(key, "private key")?;
                Some((cert.as_path(), key.as_path()))
            }
            _ => None,
        };
        let tls = TlsSettings::load(profile.ca_cert.as_deref(), client_cert)?;
        let http = Http::new(profile.timeout, retry, &tls)?;
        let auth = Arc::new(Authorizer::new(http.clone(), profile, access)?);
        let client = jpmorgan::Client::new(http, &profile.base_url, auth, &profile.name)?;
        Ok(Bank { client })
    }

    /// Proves the credentials work with one request: a token request, or for mutual TLS (which
    /// has no token) an account listing. Returns the token, if there is one.
    pub async fn verify(&self) -> Result<Option<AccessToken>> {
        if self.client.auth.has_token_endpoint() {
            return self.client.auth.fetch().await.map(Some);
        }
        self.accounts().await.map(|_| None)
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        self.client.accounts().await
    }

    /// Runs the requests, at most `concurrency` at once, and merges the answers: accounts in the
    /// order given (the bank's order where none were given), dates ascending.
    pub async fn balances(
        &self,
        requests: Vec<BalanceRequest>,
        order: &[AccountRef],
        concurrency: usize,
        on_done: impl Fn(),
    ) -> Result<Report> {
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for (index, request) in requests.into_iter().enumerate() {
            let client = self.client.clone();
            let permits = Arc::clone(&permits);
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (index, client.balances(&request).await)
            });
        }
        let mut parts = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (index, result) = joined.map_err(|e| Error::Internal(e.into()))?;
            // The first failure ends the run; the remaining tasks are aborted on drop.
            parts.push((index, result?));
            on_done();
        }
        parts.sort_by_key(|(index, _)| *index);
        Ok(merge(parts.into_iter().map(|(_, report)| report), order))
    }
}

/// Concatenates reports and orders them: by the position of each account in `order` (accounts
/// not in it after, in the order they first appeared), then by as-of date.
pub fn merge(parts: impl IntoIterator<Item = Report>, order: &[AccountRef]) -> Report {
    let mut report = Report::default();
    for mut part in parts {
        report.rows.append(&mut part.rows);
        report.errors.append(&mut part.errors);
    }
    let mut positions = Positions::new(order);
    let rows = sort_rows(report.rows, &mut positions);
    let mut errors: Vec<_> = report
        .errors
        .into_iter()
        .map(|e| (positions.of(&e.bank_id, &e.account_id), e))
        .collect();
    errors.sort_by_key(|(position, _)| *position);
    // Split windows each report the same failing account: name it once.
    errors.dedup_by(|(_, a), (_, b)| a == b);
    Report {
        rows,
        errors: errors.into_iter().map(|(_, e)| e).collect(),
    }
}

/// Orders rows by account position, then date, then arrival (the sort is stable). Rows of one
/// account share their `Account`, so its position is looked up once per run of rows; the keys
/// are computed once and the rows permuted in place: this is the hot path of a large report.
fn sort_rows(mut rows: Vec<BalanceRow>, positions: &mut Positions) -> Vec<BalanceRow> {
    let mut last: Option<(*const Account, usize)> = None;
    rows.sort_by_cached_key(|row| {
        let account = Arc::as_ptr(&row.account);
        let position = match last {
            Some((seen, position)) if seen == account => position,
            _ => positions.of(&row.account.bank_id, &row.account.account_id),
        };
        last = Some((account, position));
        (position, row.balance.as_of_date)
    });
    rows
}

struct Positions {
    given: HashMap<(Option<String>, String), usize>,
    seen: HashMap<(String, String), usize>,
}

impl Positions {
    fn new(order: &[AccountRef]) -> Self {
        let mut given = HashMap::new();
        for (i, account) in order.iter().enumerate() {
            given
                .entry((account.bank_id.clone(), account.account_id.clone()))
                .or_insert(i);
        }
        Positions {
            given,
            seen: HashMap::new(),
        }
    }

    fn of(&mut self, bank_id: &str, account_id: &str) -> usize {
        let with_bank = (Some(bank_id.to_string()), account_id.to_string());
        let without_bank = (None, account_id.to_string());
        if let Some(i) = self
            .given
            .get(&with_bank)
            .or_else(|| self.given.get(&without_bank))
        {
            return *i;
        }
        let next = self.given.len() + self.seen.len();
        *self
            .seen
            .entry((bank_id.to_string(), account_id.to_string()))
            .or_insert(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Balance, BalanceRow, Currency};
    use chrono::NaiveDate;

    fn row(bank: &str, id: &str, day: u32) -> BalanceRow {
        BalanceRow {
            account: Arc::new(Account {
                account_id: id.into(),
                account_name: String::new(),
                bank_id: bank.into(),
                bank_name: String::new(),
                branch_id: String::new(),
                currency: Currency {
                    code: "USD".into(),
                    decimal_places: 2,
                },
            }),
            balance: Balance {
                as_of_date: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
                current_day: false,
                opening_available: Default::default(),
                opening_ledger: Default::default(),
                ending_available: Default::default(),
                ending_ledger: Default::default(),
                record_timestamp: String::new(),
            },
        }
    }

    fn keys(report: &Report) -> Vec<String> {
        report
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{}/{}@{}",
                    r.account.bank_id,
                    r.account.account_id,
                    r.balance.as_of_date.format("%d")
                )
            })
            .collect()
    }

    #[test]
    fn rows_follow_the_given_order_then_dates() {
        let order = vec![
            AccountRef {
                bank_id: None,
                account_id: "2".into(),
            },
            AccountRef {
                bank_id: Some("B".into()),
                account_id: "1".into(),
            },
        ];
        let first_window = Report {
            rows: vec![row("B", "1", 2), row("B", "1", 1), row("B", "2", 1)],
            errors: vec![],
        };
        let second_window = Report {
            rows: vec![row("B", "2", 3), row("B", "1", 3)],
            errors: vec![],
        };
        let merged = merge([first_window, second_window], &order);
        assert_eq!(
            keys(&merged),
            ["B/2@01", "B/2@03", "B/1@01", "B/1@02", "B/1@03"]
        );
    }

    #[test]
    fn without_an_order_the_banks_order_stays() {
        let report = Report {
            rows: vec![row("B", "9", 2), row("B", "3", 1), row("B", "9", 1)],
            errors: vec![],
        };
        assert_eq!(keys(&merge([report], &[])), ["B/9@01", "B/9@02", "B/3@01"]);
    }
}
