//! The HTTP client: timeouts, proxies, retries of transient failures, bounded bodies, and the
//! authorisation header, which is never logged. TLS settings and requests with any method and
//! headers each have their file.

mod daily;
mod send;
mod tls;

pub use send::{interaction_id, join, HeaderText, INTERACTION_ID};
pub use tls::TlsSettings;
use tls::{root_cause, tls_error, tls_failure};

use std::time::Duration;

use reqwest::{RequestBuilder, StatusCode, Url};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The largest answer we read; anything bigger is not a balance report.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// When to try a request again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub max_wait: Duration,
}

/// An HTTP answer read in full: status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    /// The answer's headers (e.g. an echoed `x-fapi-interaction-id`).
    pub headers: reqwest::header::HeaderMap,
    retry_after: Option<Duration>,
}

impl Answer {
    /// An answer with no headers, for tests of the code that reads answers.
    #[cfg(test)]
    pub fn new(status: u16, body: Vec<u8>) -> Answer {
        Answer {
            status,
            body,
            headers: Default::default(),
            retry_after: None,
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A header of the answer as text, if present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The wait a 429 or 503 asked for (`Retry-After`), if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    fn is_transient(&self) -> bool {
        matches!(self.status, 429 | 500 | 502 | 503 | 504)
    }
}

#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    timeout: Duration,
    retry: RetryPolicy,
    /// How the provider names a failing answer (its code and text); see `describing`.
    describe_failure: fn(u16, &[u8]) -> String,
}

impl Http {
    /// A client with the given per-request timeout and TLS settings. Loopback hosts bypass any
    /// proxy.
    pub fn new(timeout: Duration, retry: RetryPolicy, tls: &TlsSettings) -> Result<Http> {
        let mut builder = reqwest::Client::builder();
        for root in &tls.extra_roots {
            builder = builder.add_root_certificate(root.clone());
        }
        if let Some(identity) = &tls.identity {
            builder = builder.identity(identity.clone());
        }
        let client = builder
            .connect_timeout(timeout.min(Duration::from_secs(30)))
            .timeout(timeout)
            .user_agent(concat!("treasury/", env!("CARGO_PKG_VERSION")))
            // A redirect could carry a body to a host the https rule never checked.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy_for_loopback()
            .build()
            .map_err(|e| {
                Error::Internal(anyhow::anyhow!(
                    "cannot build the HTTP client: {}",
                    root_cause(&e)
                ))
            })?;
        Ok(Http {
            client,
            timeout,
            retry,
            describe_failure: |status, body| format!("HTTP {status} {}", body_excerpt(body)),
        })
    }

    /// How many attempts a request gets and the longest wait it accepts.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The same client sending each request once: for requests that spend something single-use
    /// (an authorization code, a refresh token the server rotates), where a retry after a lost
    /// answer would be refused and lose the login.
    pub fn once(&self) -> Http {
        let mut once = self.clone();
        once.retry.attempts = 1;
        once
    }

    /// The same client, naming failing answers the provider's way (its error codes and text).
    pub fn describing(mut self, describe: fn(u16, &[u8]) -> String) -> Http {
        self.describe_failure = describe;
        self
    }

    /// POSTs a JSON body with a bearer token (none for mutual TLS), retrying transient failures.
    pub async fn post_json(
        &self,
        url: &Url,
        body: &impl serde::Serialize,
        bearer: Option<&Secret>,
    ) -> Result<Answer> {
        let body = serde_json::to_vec(body).map_err(|e| Error::Internal(e.into()))?;
        tracing::debug!(target: "treasury::http", "request body: {}", String::from_utf8_lossy(&body));
        self.send_with_retries(&reqwest::Method::POST, url, true, || {
            let request = self
                .client
                .post(url.clone())
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(body.clone());
            match bearer {
                Some(token) => request.bearer_auth(token.expose()),
                None => request,
            }
        })
        .await
    }

    /// POSTs a token request form, with HTTP Basic client authentication where given. The form
    /// is never logged: it may carry a client assertion.
    pub async fn post_form(
        &self,
        url: &Url,
        form: &[(&str, String)],
        basic: Option<(&str, &Secret)>,
    ) -> Result<Answer> {
        self.send_with_retries(&reqwest::Method::POST, url, true, || {
            let request = self
                .client
                .post(url.clone())
                .header("accept", "application/json")
                .form(form);
            match basic {
                // RFC 6749 2.3.1: both are form-urlencoded before Basic encoding.
                Some((user, secret)) => {
                    request.basic_auth(form_encode(user), Some(form_encode(secret.expose())))
                }
                None => request,
            }
        })
        .await
    }

    /// Sends the request `build` makes until it is answered, retrying failed exchanges and,
    /// when `retry_answers`, 429 and 5xx answers; a 429 that speaks of a daily limit is not
    /// retried. Only a wait the bank asked for is weighed against --max-wait: our own backoff
    /// is short, and the answer that prompted it must not be hidden behind it.
    async fn send_with_retries(
        &self,
        method: &reqwest::Method,
        url: &Url,
        retry_answers: bool,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<Answer> {
        let mut attempt = 1;
        loop {
            tracing::info!(target: "treasury::http", "{method} {url} (attempt {attempt})");
            let result = self.send_once(url, build()).await;
            if let Some(refused) = result
                .as_ref()
                .ok()
                .filter(|_| retry_answers)
                .and_then(|a| self.daily_limit(url, a))
            {
                return Err(refused);
            }
            let wait = match &result {
                Ok(answer) if retry_answers && answer.is_transient() => answer.retry_after,
                Err(failure) if failure.retryable => None,
                _ => return result.map_err(|f| f.error),
            };
            if attempt >= self.retry.attempts {
                return result.map_err(|f| f.error);
            }
            let wait = match (wait, &result) {
                (Some(asked), Ok(answer)) if asked > self.retry.max_wait => {
                    return Err(self.wait_refused(url, answer, asked))
                }
                (Some(asked), _) => asked,
                (None, _) => backoff(attempt),
            };
            tracing::info!(target: "treasury::http", "{}; retrying in {} ms", describe(&result), wait.as_millis());
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// A transient answer whose `Retry-After` is longer than we wait: what the bank said, and
    /// when to try again.
    fn wait_refused(&self, url: &Url, answer: &Answer, asked: Duration) -> Error {
        // The provider's error shape; the answer itself is what the user needs to see.
        let bank = (self.describe_failure)(answer.status, &answer.body);
        Error::Unavailable {
            message: format!(
                "the bank is failing: {bank}; {url} asked to retry after {} s, longer than the {} s we wait: not retried; the bank may be asked again at {}",
                whole_secs(asked),
                self.retry.max_wait.as_secs(),
                daily::at(asked)
            ),
            hint: Some(format!("try again in {} s", whole_secs(asked))),
        }
    }

    async fn send_once(&self, url: &Url, request: RequestBuilder) -> Result<Answer, Failure> {
        let mut response = request
            .send()
            .await
            .map_err(|e| self.transport_error(url, &e))?;
        let status = response.status();
        tracing::info!(target: "treasury::http", "{url} answered HTTP {}", status.as_u16());
        let retry_after = retry_after(&response);
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(url, &e))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Failure {
                    error: Error::unavailable(format!(
                        "{url} sent an answer larger than {} MiB; refusing to read it",
                        MAX_BODY_BYTES / 1024 / 1024
                    )),
                    retryable: false,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status: status.as_u16(),
            body,
            headers,
            retry_after,
        })
    }

    /// A failed exchange; TLS refusals are not retried, since the same handshake fails again.
    fn transport_error(&self, url: &Url, err: &reqwest::Error) -> Failure {
        let host = url.host_str().unwrap_or("the bank");
        if let Some(error) = tls_error(err).and_then(|tls| tls_failure(host, tls)) {
            return Failure {
                error,
                retryable: false,
            };
        }
        let message = if err.is_timeout() {
            format!("no answer from {host} within {} s", self.timeout.as_secs())
        } else if err.is_connect() {
            format!("cannot connect to {host}: {}", root_cause(err))
        } else {
            format!("the connection to {host} failed: {}", root_cause(err))
        };
        Failure {
            error: Error::Unavailable {
                message,
                hint: Some(
                    "check the network and base_url, or raise timeout_secs in the profile".into(),
                ),
            },
            retryable: true,
        }
    }
}

/// An attempt that got no usable answer, and whether another attempt could get one.
#[derive(Debug)]
struct Failure {
    error: Error,
    retryable: bool,
}

trait NoProxyForLoopback {
    fn no_proxy_for_loopback(self) -> Self;
}

impl NoProxyForLoopback for reqwest::ClientBuilder {
    /// Proxies from the environment apply, except to 127.0.0.1, ::1 and localhost.
    fn no_proxy_for_loopback(self) -> Self {
        let mut builder = self;
        if let Some(proxy) = env_proxy() {
            builder = builder.no_proxy().proxy(proxy);
        }
        builder
    }
}

fn env_proxy() -> Option<reqwest::Proxy> {
    let https = crate::env::first(crate::env::HTTPS_PROXY);
    let http = crate::env::first(crate::env::HTTP_PROXY);
    if https.is_none() && http.is_none() {
        return None;
    }
    let no_proxy = crate::env::first(crate::env::NO_PROXY).unwrap_or_default();
    let no_proxy = reqwest::NoProxy::from_string(&format!("{no_proxy},127.0.0.1,::1,localhost"));
    let proxy = reqwest::Proxy::custom(move |url| {
        let target = if url.scheme() == "https" {
            https.as_ref().or(http.as_ref())
        } else {
            http.as_ref()
        };
        target.and_then(|t| Url::parse(t).ok())
    });
    Some(proxy.no_proxy(no_proxy))
}

fn form_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    parse_retry_after(value, std::time::SystemTime::now())
}

/// `Retry-After` as seconds or as an HTTP date (RFC 9110); a date in the past means now.
fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// Seconds, rounded up: a wait of 1.4 s is "2 s", never shorter than what was asked.
fn whole_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, ...
fn backoff(attempt: u32) -> Duration {
    let base = 500u64.saturating_mul(1 << attempt.saturating_sub(1).min(6));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    Duration::from_millis(base / 2 + nanos % (base / 2 + 1))
}

fn describe(result: &Result<Answer, Failure>) -> String {
    match result {
        Ok(answer) => format!(
            "HTTP {} {}",
            answer.status,
            StatusCode::from_u16(answer.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
        ),
        Err(failure) => failure.error.to_string(),
    }
}

/// A short, printable excerpt of an answer's body for error messages.
pub fn body_excerpt(body: &[u8]) -> String {
    const MAX: usize = 120;
    if body.is_empty() {
        return "with an empty body".to_string();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX)]);
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let more = if body.len() > MAX { "..." } else { "" };
    format!("'{}{more}'", text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_encoded_first() {
        assert_eq!(form_encode("a+b c%/"), "a%2Bb+c%25%2F");
        assert_eq!(form_encode("plain-id_1.x"), "plain-id_1.x");
    }

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        // IMF-fixdate, and the two obsolete forms RFC 9110 still asks recipients to read.
        for date in [
            "Wed, 21 Oct 2015 07:28:02 GMT",
            "Wednesday, 21-Oct-15 07:28:02 GMT",
            "Wed Oct 21 07:28:02 2015",
        ] {
            assert_eq!(
                parse_retry_after(date, now),
                Some(Duration::from_secs(2)),
                "{date}"
            );
        }
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        for attempt in 1..10 {
            let wait = backoff(attempt);
            let base = 500u64 << (attempt - 1).min(6);
            assert!(
                wait.as_millis() as u64 >= base / 2 && wait.as_millis() as u64 <= base,
                "{attempt}: {wait:?}"
            );
        }
    }

    /// A failing token endpoint on loopback: `once` sends a single-use grant one time only.
    #[tokio::test]
    async fn once_sends_a_single_request_where_the_client_retries() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&hits);
        let app = axum::Router::new().route(
            "/token",
            axum::routing::post(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy") }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}/token", listener.local_addr().unwrap())).unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let retry = RetryPolicy {
            attempts: 3,
            max_wait: Duration::from_secs(5),
        };
        let http = Http::new(Duration::from_secs(5), retry, &TlsSettings::default()).unwrap();
        let form = [("grant_type", "refresh_token".to_string())];
        let answer = http.once().post_form(&url, &form, None).await.unwrap();
        assert_eq!((answer.status, hits.load(Ordering::SeqCst)), (503, 1));
        let answer = http.post_form(&url, &form, None).await.unwrap();
        assert_eq!((answer.status, hits.load(Ordering::SeqCst)), (503, 4));
    }
}
