//! What the sandbox banks' authorize pages share: reading the query and form, HTML escaping,
//! the loopback-only redirect, and the page itself (what is asked, hidden fields carried to the
//! form POST, Approve and Deny).

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// The values of `key` in a form or query string.
pub fn values(form: &[u8], key: &str) -> Vec<String> {
    form_urlencoded::parse(form)
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .collect()
}

pub fn value(form: &[u8], key: &str) -> Option<String> {
    values(form, key).into_iter().next()
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Only loopback redirects: the sandbox has no registered app, and must not send a code
/// anywhere else.
pub fn loopback_redirect(uri: &str) -> Option<reqwest::Url> {
    let url = reqwest::Url::parse(uri).ok()?;
    let addr = crate::oauth::loopback::loopback_addr(&url)?;
    (url.scheme() == "http" && addr.ip().is_loopback()).then_some(url)
}

pub fn bad_request(why: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!("<!doctype html><p>{}</p>", escape(why))),
    )
        .into_response()
}

/// What an authorize page shows: its title and heading, the question (HTML), the fields the
/// form POST carries, and the list (HTML `<li>`s) of what is asked for.
pub struct Page<'a> {
    pub title: &'a str,
    pub heading: &'a str,
    pub question: String,
    pub hidden: &'a [(&'a str, &'a str)],
    pub list: String,
}

pub fn page(page: &Page) -> Response {
    let hidden: String = page
        .hidden
        .iter()
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                escape(value)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body><h1>{}</h1><p>{}</p>\
         <form method=\"post\" action=\"authorize\">{hidden}<ul>{}</ul>\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button> \
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form></body></html>",
        page.title, page.heading, page.question, page.list,
    ))
    .into_response()
}

/// The redirect back to the app: `code` (approved) or `error=access_denied`, then `state`.
pub fn back(mut target: reqwest::Url, code: Option<&str>, state: &str) -> Response {
    {
        let mut query = target.query_pairs_mut();
        match code {
            Some(code) => query.append_pair("code", code),
            None => query.append_pair("error", "access_denied"),
        };
        query.append_pair("state", state);
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, target.to_string())],
    )
        .into_response()
}
