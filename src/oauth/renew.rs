//! Renew once after a 401: every provider's data calls go through here, so a cached token the
//! bank no longer accepts is replaced by a fresh one exactly once, whatever the provider.

use std::future::Future;

use super::Authorizer;
use crate::error::Result;
use crate::http::Answer;
use crate::secret::Secret;

impl Authorizer {
    /// Sends with the current bearer token (none for mutual TLS); when the bank answers 401 to a
    /// token that can be renewed, renews it and sends once more.
    pub async fn send_authorized<F, Fut>(&self, send: F) -> Result<Answer>
    where
        F: Fn(Option<Secret>) -> Fut,
        Fut: Future<Output = Result<Answer>>,
    {
        let bearer = self.bearer().await?;
        let answer = send(bearer.clone()).await?;
        match (answer.status, bearer) {
            (401, Some(rejected)) if self.renew(&rejected).await? => {
                send(self.bearer().await?).await
            }
            _ => Ok(answer),
        }
    }
}
