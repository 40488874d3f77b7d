//! The seam between the CLI and any bank API: connect with credentials, list accounts, fetch
//! balances (many requests at once, merged into one report in the user's order).

pub mod amount;
pub mod budget;
pub mod chase;
pub mod code_message;
pub mod finicity;
pub mod jpmorgan;
pub mod mapping;
mod merge;
#[cfg(test)]
mod merge_tests;
pub mod openbanking;
pub mod provider;
pub mod records;
mod registry;
pub mod status;
mod stream;

pub use merge::{complete, dedupe_rows, merge, request_label, Fetched, MISSING};
pub use provider::{Options, Provider, Spec};
pub use registry::{
    provider_of_named, resolve, spec, spec_of, DEFAULT_PROVIDER, PROVIDERS, REGISTRY,
};
pub use stream::{Flush, Stream};

use std::sync::Arc;

use tokio::task::JoinSet;

use crate::config::Profile;
use crate::credentials::Access;
use crate::error::{Error, Result};
use crate::http::RetryPolicy;
use crate::model::{Account, AccountError};
use crate::oauth::AccessToken;
use crate::query::{AccountRef, BalanceRequest};
use merge::{batch_not_found, in_request, not_found_report};

/// A connected bank: credentials exchanged, ready for requests.
#[derive(Debug, Clone)]
pub struct Bank {
    client: Arc<dyn Provider>,
    spec: &'static Spec,
}

impl Bank {
    /// Prepares the provider's client for a profile; a token is fetched with the first request.
    pub fn connect(
        profile: &Profile,
        access: Access,
        retry: RetryPolicy,
        options: Options,
    ) -> Result<Bank> {
        let spec = spec_of(profile)?;
        let client = (spec.connect)(profile, access, retry, options)?;
        Ok(Bank { client, spec })
    }

    /// Proves the credentials work with one request: a token request, or where there is no
    /// token an account listing. Returns the token, if there is one.
    pub async fn verify(&self) -> Result<Option<AccessToken>> {
        self.client.verify().await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        self.client.accounts().await
    }

    /// Runs the requests, at most `concurrency` at once, and merges the answers: accounts in the
    /// order given (the bank's order where none were given), dates ascending. Every requested
    /// account ends as rows or as an error; duplicate rows are dropped with a warning.
    pub async fn balances(
        &self,
        requests: Vec<BalanceRequest>,
        order: &[AccountRef],
        concurrency: usize,
        on_done: impl Fn(),
    ) -> Result<Fetched> {
        let mut fetched = Fetched::default();
        let errors = self
            .stream_balances(requests, order, concurrency, on_done, |flush| {
                fetched.report.rows.extend(flush.rows);
                fetched.warnings.extend(flush.warnings);
                Ok(())
            })
            .await?;
        fetched.report.errors = errors;
        Ok(fetched)
    }

    /// Like `balances`, but hands the rows to `on_rows` as soon as their order allows (a batch
    /// of accounts when it and every batch before it are answered), and returns the errors.
    /// Requests are sent in plan order, no further than `concurrency` past the first batch not
    /// yet handed on: what is held is bounded by one batch and what is in flight.
    pub async fn stream_balances(
        &self,
        requests: Vec<BalanceRequest>,
        order: &[AccountRef],
        concurrency: usize,
        on_done: impl Fn(),
        mut on_rows: impl FnMut(Flush) -> Result<()>,
    ) -> Result<Vec<AccountError>> {
        let mut stream = Stream::new(&requests, order);
        let requests: Vec<Arc<BalanceRequest>> = requests.into_iter().map(Arc::new).collect();
        let concurrency = concurrency.max(1);
        let several = requests.len() > 1;
        let mut tasks = JoinSet::new();
        let mut next = 0;
        let mut not_found = Vec::new();
        loop {
            let limit = stream.pending_end() + concurrency;
            while next < requests.len() && tasks.len() < concurrency && next < limit {
                let client = self.client.clone();
                let request = Arc::clone(&requests[next]);
                let index = next;
                tasks.spawn(async move { (index, client.balances(&request).await) });
                next += 1;
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            let (index, result) = joined.map_err(|e| Error::Internal(e.into()))?;
            let request = &requests[index];
            // The first failure ends the run; the remaining tasks are aborted on drop.
            let part = match result {
                Ok(report) => complete(report, &request.accounts),
                Err(Error::Rejected(bank))
                    if several && batch_not_found(self.spec, &bank, request) =>
                {
                    not_found.push(bank.clone());
                    not_found_report(&bank, &request.accounts)
                }
                Err(e) if several => return Err(in_request(e, request, order)),
                Err(e) => return Err(e),
            };
            on_done();
            for flush in stream.add(index, part)? {
                on_rows(flush)?;
            }
        }
        // Every batch unknown is what one unsplit request would have been refused for.
        if not_found.len() == requests.len() {
            if let Some(bank) = not_found.into_iter().next() {
                return Err(Error::Rejected(bank));
            }
        }
        Ok(stream.finish())
    }
}
