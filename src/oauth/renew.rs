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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use super::*;
    use crate::oauth::{ReadyToken, TokenFuture};

    /// A source whose tokens are "t1", "t2", ...; `renews` says whether a refused one is renewed.
    #[derive(Debug)]
    struct Counting {
        renews: bool,
        issued: AtomicUsize,
    }

    impl TokenSource for Counting {
        fn token(&self) -> TokenFuture<'_, Option<Secret>> {
            Box::pin(async { Ok(Some(Secret::new("t1"))) })
        }

        fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a, Option<Secret>> {
            Box::pin(async move {
                assert_eq!(rejected.expose(), "t1");
                let n = self.issued.fetch_add(1, Ordering::SeqCst) + 2;
                Ok(self.renews.then(|| Secret::new(format!("t{n}"))))
            })
        }
    }

    /// Sends with whatever token, answering 401 to all but `accepted`; records what was sent.
    async fn send_to(
        tokens: &dyn TokenSource,
        accepted: Option<&str>,
    ) -> (u16, Vec<Option<String>>) {
        let sent = Mutex::new(Vec::new());
        let answer = send_authorized(tokens, |token: Option<Secret>| {
            let token = token.map(|t| t.expose().to_string());
            sent.lock().unwrap().push(token.clone());
            let status = match token.as_deref() == accepted {
                true => 200,
                false => 401,
            };
            async move { Ok(Answer::new(status, Vec::new())) }
        })
        .await
        .unwrap();
        (answer.status, sent.into_inner().unwrap())
    }

    #[tokio::test]
    async fn a_refused_token_is_renewed_once_and_sent_again() {
        let source = Counting {
            renews: true,
            issued: AtomicUsize::new(0),
        };
        let t = |s: &str| Some(s.to_string());
        assert_eq!(
            send_to(&source, Some("t2")).await,
            (200, vec![t("t1"), t("t2")])
        );
        // Refused again after the renewal: that answer is the caller's, no third try.
        assert_eq!(
            send_to(&source, Some("never")).await,
            (401, vec![t("t1"), t("t3")])
        );
    }

    #[tokio::test]
    async fn a_token_that_cannot_be_renewed_or_no_token_is_sent_once() {
        let source = Counting {
            renews: false,
            issued: AtomicUsize::new(0),
        };
        assert_eq!(
            send_to(&source, None).await,
            (401, vec![Some("t1".to_string())])
        );
        let ready = ReadyToken(Some(Secret::new("ready")));
        assert_eq!(
            send_to(&ready, None).await,
            (401, vec![Some("ready".to_string())])
        );
        // Mutual TLS: no token, so a 401 is not the token's to cure.
        assert_eq!(
            send_to(&ReadyToken(None), Some("x")).await,
            (401, vec![None])
        );
    }
}
