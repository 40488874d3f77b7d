//! A 429 the bank means for the rest of the day: a `Retry-After` longer than we wait, or a
//! body that speaks of a daily limit. Retrying would only spend more of what is gone, so the
//! run ends (exit 6) naming when the bank said it may be asked again.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use reqwest::Url;

use super::{whole_secs, Answer, Http};
use crate::error::Error;

impl Http {
    /// The refusal to retry a 429 whose body speaks of a daily limit ("day" or "daily"); none
    /// for any other answer.
    pub(super) fn daily_limit(&self, url: &Url, answer: &Answer) -> Option<Error> {
        if answer.status != 429 || !speaks_of_a_day(&answer.body) {
            return None;
        }
        let bank = (self.describe_failure)(answer.status, &answer.body);
        let when = match answer.retry_after {
            Some(wait) => format!("the bank may be asked again at {}", at(wait)),
            None => "the bank gave no time; its daily limit frees up within 24 hours".to_string(),
        };
        Some(Error::Unavailable {
            message: format!(
                "the bank's daily limit is reached at {url}: {bank}; not retried: {when}"
            ),
            hint: Some("'treasury history' shows the last recorded balances".into()),
        })
    }
}

/// The time a wait from now ends, as RFC 3339 UTC.
pub(super) fn at(wait: Duration) -> String {
    let secs = i64::try_from(whole_secs(wait)).unwrap_or(i64::MAX / 2);
    (Utc::now() + chrono::Duration::seconds(secs.min(10 * 365 * 86_400)))
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn speaks_of_a_day(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    text.contains("daily") || text.contains("day")
}

#[cfg(test)]
mod tests {
    use super::speaks_of_a_day;

    #[test]
    fn daily_limits_are_told_by_their_words() {
        assert!(speaks_of_a_day(b"{\"Message\":\"Daily quota exceeded\"}"));
        assert!(speaks_of_a_day(b"4 reads per day"));
        assert!(!speaks_of_a_day(b"{\"Message\":\"Too many requests\"}"));
    }
}
