//! The built-in sandbox bank: one loopback HTTP server speaking every provider's API, each in
//! its folder here as in `bank/`: J.P. Morgan's Account Balances at the root, Finicity under
//! `/finicity`, Chase's FDX (with its consent pages) under `/chase`, UK Open Banking under
//! `/open-banking`.
//!
//! At the root, `POST /oauth2/token` issues bearer tokens to the client `sandbox`/`sandbox` (or
//! to a client assertion signed for a given certificate); `POST /balance` answers with
//! deterministic balances for any date, at several banks and currencies. Plain HTTP by default;
//! HTTPS, and mutual TLS in place of bearer tokens, when given certificates.

mod auth;
pub mod authorize;
pub mod chase;
pub mod demo_keys;
pub mod finicity;
mod jpmorgan;
pub mod openbanking;
pub mod printed;
mod registry;
mod server;
mod tls;

use std::fmt::Debug;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use auth::ClientCert;
pub use jpmorgan::accounts::MAX_GENERATED as MAX_SANDBOX_ACCOUNTS;
pub use registry::{part, profile, secret_of, served, Part, PARTS};
pub use tls::ServerTls;

pub const CLIENT_ID: &str = "sandbox";
pub const CLIENT_SECRET: &str = "sandbox";
/// Two accounts at each of the six banks.
pub const DEFAULT_ACCOUNTS: usize = 12;

/// How long stopping waits for requests in flight before dropping them.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Where to listen, how many accounts to hold, and how clients may authenticate.
#[derive(Debug, Clone)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    pub accounts: usize,
    /// The secret the client `sandbox` authenticates with over HTTP Basic.
    pub client_secret: String,
    /// The certificate whose key signs client assertions (`private_key_jwt`); `None` refuses
    /// assertions.
    pub client_cert: Option<ClientCert>,
    /// Serve HTTPS, and with a client CA require client certificates, instead of plain HTTP.
    pub tls: Option<ServerTls>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            port: 0,
            accounts: DEFAULT_ACCOUNTS,
            client_secret: CLIENT_SECRET.to_string(),
            client_cert: None,
            tls: None,
        }
    }
}

/// A running sandbox bank. Dropping it asks the server to stop.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    scheme: &'static str,
    stop: Option<oneshot::Sender<()>>,
    served: Option<JoinHandle<std::io::Result<()>>>,
}

impl Sandbox {
    /// Binds 127.0.0.1:port and starts serving on the current tokio runtime in a spawned task.
    pub async fn start(options: Options) -> anyhow::Result<Sandbox> {
        if options.accounts > MAX_SANDBOX_ACCOUNTS {
            bail!(
                "the sandbox holds at most {MAX_SANDBOX_ACCOUNTS} accounts ({} asked)",
                options.accounts
            );
        }
        let port = options.port;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .with_context(|| format!("the sandbox bank cannot listen on 127.0.0.1 port {port}"))?;
        let addr = listener
            .local_addr()
            .with_context(|| format!("the sandbox bank cannot read its address (port {port})"))?;
        let scheme = if options.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let bank = Arc::new(server::Bank {
            book: jpmorgan::accounts::AccountBook::generate(options.accounts),
            tokens: auth::TokenStore::default(),
            client_secret: options.client_secret,
            token_url: format!("{scheme}://{addr}/oauth2/token"),
            client_cert: options.client_cert,
            seen_assertions: auth::SeenAssertions::default(),
            mtls: options
                .tls
                .as_ref()
                .is_some_and(ServerTls::requires_client_cert),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let app = server::router(bank);
        let served = match &options.tls {
            Some(tls) => serve(tls::TlsListener::new(listener, tls)?, app, stopped),
            None => serve(listener, app, stopped),
        };
        tracing::info!(%addr, scheme, accounts = options.accounts, "sandbox bank listening");
        Ok(Sandbox {
            addr,
            scheme,
            stop: Some(stop),
            served: Some(served),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https` with TLS); the balance endpoint is this plus `/balance`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr())
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.base_url())
    }

    /// Serves until the future `shutdown` resolves, then stops.
    pub async fn run_until(mut self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Some(mut served) = self.served.take() else {
            return Ok(());
        };
        tokio::select! {
            finished = &mut served => return server_outcome(finished),
            () = shutdown => {}
        }
        self.request_stop();
        tracing::info!(addr = %self.addr, "sandbox bank stopping");
        match tokio::time::timeout(STOP_GRACE, &mut served).await {
            Ok(finished) => server_outcome(finished),
            Err(_) => {
                served.abort();
                Ok(())
            }
        }
    }

    fn request_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.request_stop();
    }
}

/// Serves `app` on `listener` in a spawned task until `stopped` fires.
fn serve<L>(
    listener: L,
    app: axum::Router,
    stopped: oneshot::Receiver<()>,
) -> JoinHandle<std::io::Result<()>>
where
    L: axum::serve::Listener,
    L::Addr: Debug,
{
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    })
}

fn server_outcome(
    finished: Result<std::io::Result<()>, tokio::task::JoinError>,
) -> anyhow::Result<()> {
    finished
        .context("the sandbox bank failed")?
        .context("the sandbox bank stopped serving")
}

#[cfg(test)]
mod tests;
