//! Where the bearer token of a provider's requests comes from. One trait for every way a
//! profile gets one (client credentials, a browser login renewed with its refresh token,
//! Finicity's partner token, a ready token), so that one `send_authorized` serves them all.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use super::AccessToken;
use crate::error::Result;
use crate::secret::Secret;

/// A token source's answer; boxed so the trait can be used as `dyn TokenSource`.
pub type TokenFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// The bearer tokens of one profile's requests in one run, shared by every request.
pub trait TokenSource: Send + Sync + Debug {
    /// The token to send: the one in use, a cached one, or a new one; none where the connection
    /// itself proves the client (mutual TLS).
    fn token(&self) -> TokenFuture<'_, Option<Secret>>;

    /// After the bank answered 401 to `rejected`: the token to send once more (a new one, or
    /// the one another request already renewed), or none where a new one cannot help (a ready
    /// token, a token just issued and refused all the same).
    fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a, Option<Secret>>;

    /// A new token from the source's own token endpoint, proving the credentials without a data
    /// call; none where the source has no such endpoint.
    fn issue(&self) -> TokenFuture<'_, Option<AccessToken>> {
        Box::pin(async { Ok(None) })
    }
}

/// A ready token (the sandbox's, or `TREASURY_ACCESS_TOKEN`), sent as it is and never renewed;
/// none for mutual TLS.
#[derive(Debug)]
pub struct ReadyToken(pub Option<Secret>);

impl TokenSource for ReadyToken {
    fn token(&self) -> TokenFuture<'_, Option<Secret>> {
        Box::pin(async { Ok(self.0.clone()) })
    }

    fn renew<'a>(&'a self, _: &'a Secret) -> TokenFuture<'a, Option<Secret>> {
        Box::pin(async { Ok(None) })
    }
}
