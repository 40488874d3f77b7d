//! Requests with any method and headers (the providers' data calls, through
//! `oauth::send_authorized`), retried by the same loop as every request, with the choice of
//! whether HTTP answers (429, 5xx) may be retried at all; credential headers are marked
//! sensitive and never logged.

use reqwest::Url;

use super::*;
use crate::credentials::Secret;
use crate::error::{Error, Result};

/// A header value for [`Http::send`]: plain text, or a credential whose value is never logged.
#[derive(Clone, Copy)]
pub enum HeaderText<'a> {
    Plain(&'a str),
    Secret(&'a Secret),
}

impl Http {
    /// Sends one request (JSON accepted, an optional JSON body), retrying failed exchanges
    /// and, when `retry_http_errors`, 429 and 5xx answers (`send_with_retries`). Only header
    /// names are ever logged, and never a body: bodies may carry a partner secret.
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
        self.send_with_retries(&method, url, retry_http_errors, build)
            .await
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
