//! HTTPS for the sandbox: its server certificate, optionally a CA that every client certificate
//! must chain to (mutual TLS, as on J.P. Morgan's `apigateway` hosts), and the listener that
//! completes TLS handshakes before axum sees a connection.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// A client that has not finished its handshake by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshaken connections waiting for axum to take them.
const READY_QUEUE: usize = 64;
/// Pause after a failed `accept` (out of file descriptors, say) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// How long a refused client gets to read the alert before the connection goes.
const LINGER: Duration = Duration::from_secs(1);

/// The sandbox's TLS settings, ready to serve.
#[derive(Debug, Clone)]
pub struct ServerTls {
    config: Arc<ServerConfig>,
    client_auth: bool,
}

impl ServerTls {
    /// A server certificate chain and its key (PEM); with `client_ca` (PEM), every client must
    /// present a certificate signed by it.
    pub fn from_pem_files(
        cert: &Path,
        key: &Path,
        client_ca: Option<&Path>,
    ) -> anyhow::Result<ServerTls> {
        let chain = read_certs(cert, "TLS certificate")?;
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| anyhow::anyhow!("cannot read TLS key {}: {e}", key.display()))?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .context("no TLS protocol version to offer")?;
        let builder = match client_ca {
            Some(ca) => {
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots(ca)?), provider)
                        .build()
                        .with_context(|| {
                            format!("cannot verify client certificates with {}", ca.display())
                        })?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_single_cert(chain, key).with_context(|| {
            format!(
                "the TLS key does not suit the certificate {}",
                cert.display()
            )
        })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(ServerTls {
            config: Arc::new(config),
            client_auth: client_ca.is_some(),
        })
    }

    /// Whether every connection carries a verified client certificate.
    pub fn requires_client_cert(&self) -> bool {
        self.client_auth
    }
}

fn read_certs(path: &Path, what: &str) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow::anyhow!("cannot read {what} {}: {e}", path.display()))?;
    if certs.is_empty() {
        bail!("{what} {} holds no PEM certificate", path.display());
    }
    Ok(certs)
}

fn roots(path: &Path) -> anyhow::Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    for cert in read_certs(path, "client CA")? {
        roots
            .add(cert)
            .with_context(|| format!("client CA {} is not a usable CA", path.display()))?;
    }
    Ok(roots)
}

/// A TCP listener whose connections reach axum only after a completed TLS handshake. Handshakes
/// run concurrently, so one slow or failing client holds up no one; failures are logged and the
/// listener keeps accepting.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accepting: JoinHandle<()>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, tls: &ServerTls) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let (send, ready) = mpsc::channel(READY_QUEUE);
        let acceptor = TlsAcceptor::from(Arc::clone(&tls.config));
        let accepting = tokio::spawn(accept_loop(tcp, acceptor, send));
        Ok(TlsListener {
            ready,
            local,
            accepting,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accepting task is gone: nothing will ever connect again.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

async fn accept_loop(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    while !ready.is_closed() {
        match tcp.accept().await {
            Ok((stream, peer)) => {
                tokio::spawn(handshake(acceptor.clone(), stream, peer, ready.clone()));
            }
            Err(e) => {
                tracing::warn!("sandbox: cannot accept a connection: {e}");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

async fn handshake(
    acceptor: TlsAcceptor,
    stream: TcpStream,
    peer: SocketAddr,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    let accepting = acceptor.accept(stream).into_fallible();
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, accepting).await {
        Ok(Ok(tls)) => {
            let _ = ready.send((tls, peer)).await;
        }
        Ok(Err((e, tcp))) => {
            tracing::warn!("sandbox: TLS handshake with {peer} failed: {e}");
            close_gently(tcp).await;
        }
        Err(_) => tracing::warn!(
            "sandbox: TLS handshake with {peer} took over {} s; dropped",
            HANDSHAKE_TIMEOUT.as_secs()
        ),
    }
}

/// Closes a connection whose handshake failed (the alert already sent) without resetting it:
/// closing with unread data makes the kernel send a reset, and the client would then see
/// "connection reset" instead of the alert that says what was wrong.
async fn close_gently(mut tcp: TcpStream) {
    let _ = tcp.shutdown().await;
    let mut unread = [0u8; 4096];
    let drain = async { while matches!(tcp.read(&mut unread).await, Ok(n) if n > 0) {} };
    let _ = tokio::time::timeout(LINGER, drain).await;
}
