//! Requests with any method and headers (Finicity and the providers after it), retried like
//! every request; credential headers are marked sensitive and never logged.

use reqwest::Url;

use super::*;
use crate::error::{Error, Result};
use crate::secret::Secret;

// ---- Requests with any method and headers (used by the Finicity provider) ----
// Kept as its own block: the retry loop mirrors `send_with_retries`, with the method in the log
// and the choice of whether HTTP answers (429, 5xx) may be retried at all.

/// A header value for [`Http::send`]: plain text, or a credential whose value is never logged.
#[derive(Clone, Copy)]
pub enum HeaderText<'a> {
    Plain(&'a str),
    Secret(&'a Secret),
}

impl Http {
    /// Sends one request (JSON accepted, an optional JSON body), retrying transport failures
    /// and, when `retry_http_errors`, 429 and 5xx answers. Only header names are ever logged,
    /// and never a body: bodies may carry a partner secret.
    pub async fn send(
        &self,
        method: reqwest::Method,
        url: &Url,
        headers: &[(&'static str, HeaderText<'_>)],
        json_body: Option<&[u8]>,
        retry_http_errors: bool,
    ) -> Result<Answer> {
        let headers = header_map(headers)?;
        let build = || {
            let request = self
                .client
                .request(method.clone(), url.clone())
                .header("accept", "application/json")
                .headers(headers.clone());
            match json_body {
                Some(body) => request
                    .header("content-type", "application/json")
                    .body(body.to_vec()),
                None => request,
            }
        };
        let mut attempt = 1;
        loop {
            tracing::info!(target: "treasury::http", "{method} {url} (attempt {attempt})");
            let result = self.send_once(url, build()).await;
            if let Some(refused) = result
                .as_ref()
                .ok()
                .filter(|_| retry_http_errors)
                .and_then(|a| self.daily_limit(url, a))
            {
                return Err(refused);
            }
            let wait = match &result {
                Ok(answer) if retry_http_errors && answer.is_transient() => {
                    answer.retry_after.unwrap_or_else(|| backoff(attempt))
                }
                Err(failure) if failure.retryable => backoff(attempt),
                _ => return result.map_err(|f| f.error),
            };
            if attempt >= self.retry.attempts {
                return result.map_err(|f| f.error);
            }
            if wait > self.retry.max_wait {
                return Err(Error::Unavailable {
                    message: format!(
                        "{url} asked to retry after {} s, longer than the {} s we wait: not retried; the bank may be asked again at {}",
                        wait.as_secs(),
                        self.retry.max_wait.as_secs(),
                        super::daily::at(wait)
                    ),
                    hint: Some(format!("try again in {} s", wait.as_secs())),
                });
            }
            tracing::info!(target: "treasury::http", "{}; retrying in {} ms", describe(&result), wait.as_millis());
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

/// The headers of a request, credentials marked sensitive; a value HTTP cannot carry is named
/// by its header only.
fn header_map(headers: &[(&'static str, HeaderText<'_>)]) -> Result<reqwest::header::HeaderMap> {
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in headers {
        let (text, sensitive) = match value {
            HeaderText::Plain(text) => (*text, false),
            HeaderText::Secret(secret) => (secret.expose(), true),
        };
        let mut value = reqwest::header::HeaderValue::from_str(text).map_err(|_| {
            Error::usage_hint(
                format!("the value for the {name} header has characters HTTP cannot carry"),
                "check the profile for stray spaces, line breaks or non-ASCII characters",
            )
        })?;
        value.set_sensitive(sensitive);
        map.insert(*name, value);
    }
    Ok(map)
}
