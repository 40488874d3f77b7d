//! Renew once after a 401: every provider's data calls go through `send_authorized`, so a token
//! the bank no longer accepts is replaced exactly once, whatever its source.

use std::future::Future;

use super::TokenSource;
use crate::error::Result;
use crate::http::Answer;
use crate::secret::Secret;

/// Sends with the source's token (none for mutual TLS); when the bank answers 401 to a token the
/// source can renew, sends once more with the renewed one. The answer is the caller's to read.
pub async fn send_authorized<F, Fut>(tokens: &dyn TokenSource, send: F) -> Result<Answer>
where
    F: Fn(Option<Secret>) -> Fut,
    Fut: Future<Output = Result<Answer>>,
{
    let token = tokens.token().await?;
    let answer = send(token.clone()).await?;
    let Some(rejected) = token.filter(|_| answer.status == 401) else {
        return Ok(answer);
    };
    tracing::info!(target: "treasury::http", "the bank refused the token (HTTP 401); renewing it once");
    match tokens.renew(&rejected).await? {
        Some(renewed) => send(Some(renewed)).await,
        None => Ok(answer),
    }
}
