//! Requests with any method and headers (the providers' data calls, through
//! `oauth::send_authorized`), retried by the same loop as every request, with the choice of
//! whether HTTP answers (429, 5xx) may be retried at all; credential headers are marked
//! sensitive and never logged.

use reqwest::Url;

use super::*;
use crate::error::{Error, Result};
use crate::secret::Secret;

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

/// The FAPI header naming each request for the bank's support (Chase, open banking).
pub const INTERACTION_ID: &str = "x-fapi-interaction-id";

/// A random UUID (version 4), as FAPI asks for each request's `x-fapi-interaction-id`. The
/// system's random source failing is not worth failing a request over: an all-zero id is still
/// well-formed, and the id only helps support find the request.
pub fn interaction_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `base` with path segments appended, each percent-encoded.
pub fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

#[cfg(test)]
mod tests {
    #[test]
    fn interaction_ids_are_fresh_v4_uuids() {
        let a = super::interaction_id();
        let b = super::interaction_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!("89ab".contains(&a[19..20]), "{a}");
    }

    #[test]
    fn segments_are_appended_percent_encoded() {
        let base = reqwest::Url::parse("https://bank.example/api/v1/").unwrap();
        let url = super::join(&base, &["accounts", "a/b c"]);
        assert_eq!(
            url.as_str(),
            "https://bank.example/api/v1/accounts/a%2Fb%20c"
        );
    }
}
