//! The one-shot listener the browser is sent back to (the `redirect_uri` on 127.0.0.1 or
//! [::1]), the page it shows there, and opening the system browser.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{Error, Result};

/// The largest request head read from the browser.
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

    /// The query of the first request to the redirect path, answered with a short page; other
    /// requests (a favicon) get 404. Gives up after `wait`.
    pub async fn wait(&self, wait: Duration) -> Result<String> {
        let waited = tokio::time::timeout(wait, async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else {
                    continue;
                };
                if let Some(query) = self.answer(stream).await {
                    return query;
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

    async fn answer(&self, mut stream: TcpStream) -> Option<String> {
        let head = read_head(&mut stream).await?;
        let target = head.lines().next()?.split_whitespace().nth(1)?.to_string();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        if path != self.path {
            let _ = respond(&mut stream, "404 Not Found", "Not the login redirect.").await;
            return None;
        }
        let page = match query.contains("error=") {
            true => "The login was not completed. You can close this window and return to the terminal.",
            false => "treasury received the bank's answer. You can close this window and return to the terminal.",
        };
        let _ = respond(&mut stream, "200 OK", page).await;
        Some(query.to_string())
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .ok()?
            .ok()?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buf[..read]);
    }
    String::from_utf8(head).ok()
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>treasury login</title></head>\
         <body><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// Whether a browser can be opened here: not on a Linux or BSD session without a display
/// (an SSH login, a server), where `webbrowser` would start a text browser in our terminal.
pub fn has_display() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// Opens the URL in the system browser; `false` when that failed (the URL is printed anyway).
pub fn open_browser(url: &Url) -> bool {
    webbrowser::open_browser_with_options(
        webbrowser::Browser::Default,
        url.as_str(),
        webbrowser::BrowserOptions::new().with_suppress_output(true),
    )
    .is_ok()
}
