//! The one-shot listener the browser is sent back to (the `redirect_uri` on 127.0.0.1 or
//! [::1]) and the page it shows there.
//!
//! Anyone on this machine can connect to the port, so (RFC 6749 10.12, RFC 8252 8.3) only a
//! request to the redirect path whose `state` is this login's (compared in constant time) ends
//! the wait; anything else, a forged `error=access_denied` included, gets 404 and the wait goes
//! on. Each connection is served by hyper on its own task with a deadline for its request head
//! and one for the whole exchange, so idle or slow connections cannot hold up the browser's.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use reqwest::Url;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// How long a connection has to send its whole request head.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// How long a connection may last in all, its answer included.
const CONNECTION_DEADLINE: Duration = Duration::from_secs(15);
/// The largest request head read from a connection.
const MAX_HEAD: usize = 16 * 1024;

/// The loopback address of a redirect URI, or `None` when the user must paste the landing
/// address (a redirect to any other host, or one with no port).
pub fn loopback_addr(redirect: &Url) -> Option<SocketAddr> {
    let port = redirect.port()?;
    let host = redirect.host_str()?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let ip = match bare.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => ip,
        Err(_) if host.eq_ignore_ascii_case("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// A listener waiting for the browser's one redirect.
#[derive(Debug)]
pub struct Listener {
    listener: TcpListener,
    path: String,
}

/// What each connection's task needs: the redirect path, this login's `state`, and where to
/// hand the one answer that carries it.
#[derive(Clone)]
struct Expected {
    path: std::sync::Arc<str>,
    state: Secret,
    answer: mpsc::Sender<String>,
}

impl Listener {
    /// Binds the redirect's address; a port in use is bad input (exit 2), named with the way out.
    pub async fn bind(addr: SocketAddr, redirect: &Url) -> Result<Listener> {
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            Error::usage_hint(
                format!("cannot listen on {addr} for the browser's return to {redirect}: {e}"),
                "stop the program using that port, or log in with --no-browser and paste the address the browser lands on",
            )
        })?;
        Ok(Listener {
            listener,
            path: redirect.path().to_string(),
        })
    }

    /// The query of the first request to the redirect path that carries `state`, answered with
    /// a short page; every other request gets 404. Gives up after `wait`.
    pub async fn wait(&self, wait: Duration, state: &Secret) -> Result<String> {
        let (answer, mut answers) = mpsc::channel(1);
        let expected = Expected {
            path: self.path.as_str().into(),
            state: state.clone(),
            answer,
        };
        let waited = tokio::time::timeout(wait, async {
            loop {
                tokio::select! {
                    Some(query) = answers.recv() => return query,
                    accepted = self.listener.accept() => match accepted {
                        Ok((stream, _)) => {
                            tokio::spawn(serve(stream, expected.clone()));
                        }
                        // Out of descriptors, say: let connections in flight end first.
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    },
                }
            }
        })
        .await;
        waited.map_err(|_| {
            Error::auth(
                format!(
                    "login failed: the browser did not come back within {} s; nothing was stored",
                    wait.as_secs()
                ),
                "run 'treasury login' again (raise the wait with --wait SECS), or use --no-browser",
            )
        })
    }
}

/// One connection: one request, its head within `HEAD_DEADLINE`, all within
/// `CONNECTION_DEADLINE`; then closed.
async fn serve(stream: TcpStream, expected: Expected) {
    let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let expected = expected.clone();
        async move { Ok::<_, Infallible>(answer(&request, &expected).await) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_DEADLINE)
        .max_buf_size(MAX_HEAD)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(CONNECTION_DEADLINE, connection).await;
}

/// 200 and the query handed over for this login's redirect; 404 for anything else.
async fn answer<B>(request: &Request<B>, expected: &Expected) -> Response<Body> {
    let query = request.uri().query().unwrap_or_default();
    let ours = request.method() == Method::GET
        && request.uri().path() == &*expected.path
        && carries_state(query, &expected.state);
    if !ours {
        return page(StatusCode::NOT_FOUND, "Not the answer to this login.");
    }
    let text = match query_has(query, "error") {
        true => "The login was not completed. You can close this window and return to the terminal.",
        false => "treasury received the bank's answer. You can close this window and return to the terminal.",
    };
    let _ = expected.answer.try_send(query.to_string());
    page(StatusCode::OK, text)
}

/// Whether the query's one `state` is this login's, compared in constant time.
fn carries_state(query: &str, state: &Secret) -> bool {
    let mut states = form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k == "state");
    match (states.next(), states.next()) {
        (Some((_, given)), None) => aws_lc_rs::constant_time::verify_slices_are_equal(
            given.as_bytes(),
            state.expose().as_bytes(),
        )
        .is_ok(),
        _ => false,
    }
}

fn query_has(query: &str, key: &str) -> bool {
    form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == key)
}

fn page(status: StatusCode, text: &str) -> Response<Body> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>treasury login</title></head>\
         <body><p>{text}</p></body></html>"
    );
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_matching_state_is_ours() {
        let state = Secret::new("s3cr3t-state");
        assert!(carries_state("code=a&state=s3cr3t-state", &state));
        assert!(!carries_state("code=a&state=s3cr3t-statf", &state));
        assert!(!carries_state("code=a&state=s3cr3t", &state));
        assert!(!carries_state("error=access_denied", &state));
        assert!(!carries_state("state=s3cr3t-state&state=forged", &state));
    }
}
