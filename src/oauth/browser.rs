//! Opening the system browser on the authorization URL: `$BROWSER` when set, whatever the
//! display (as gh, git and Python do: a user who sets it means it); otherwise the platform's
//! opener when there is a display; otherwise nothing (the URL is printed anyway).
//!
//! `$BROWSER` is a list of commands separated like `PATH` (`:`, `;` on Windows), each split into
//! words; `%s` in a command stands for the URL, else the URL is its last argument. The first
//! command that starts is used; one that ends with a failure within `SETTLE` did not open it.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Url;

/// How long a browser command may take to fail before it counts as started.
const SETTLE: Duration = Duration::from_secs(2);

/// What became of opening the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// A browser was started (or is starting).
    Started,
    /// No way to open one here: no `$BROWSER` and no display. The printed URL is the way.
    NotTried,
    /// `$BROWSER` or the platform's opener failed: the person must be told at once.
    Failed,
}

/// Opens `url` in the browser the environment names; the caller says so when it `Failed`.
pub async fn open(url: &Url) -> Opened {
    let url = url.to_string();
    let opened = tokio::task::spawn_blocking(move || open_now(&url)).await;
    opened.unwrap_or(Opened::Failed)
}

fn open_now(url: &str) -> Opened {
    if let Some(list) = std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        let list = list.to_string_lossy().into_owned();
        let started = commands(&list).iter().any(|words| run(words, url));
        return if started {
            Opened::Started
        } else {
            Opened::Failed
        };
    }
    if !has_display() {
        return Opened::NotTried;
    }
    match platform_open(url) {
        true => Opened::Started,
        false => Opened::Failed,
    }
}

/// The commands of a `$BROWSER` list, each as its words.
fn commands(list: &str) -> Vec<Vec<String>> {
    let separator = if cfg!(windows) { ';' } else { ':' };
    list.split(separator)
        .map(words)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Words split at unquoted whitespace; single or double quotes keep spaces in a word.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// Starts one browser command; `false` when it cannot start or fails within `SETTLE`.
fn run(words: &[String], url: &str) -> bool {
    let Some((program, rest)) = words.split_first() else {
        return false;
    };
    let mut args: Vec<String> = rest.iter().map(|w| w.replace("%s", url)).collect();
    if !words.iter().any(|w| w.contains("%s")) {
        args.push(url.to_string());
    }
    let program = program.replace("%s", url);
    // A text browser (w3m over SSH) needs the terminal: stdin is left to it (the listener does
    // not read stdin); its output goes to our stderr, our stdout being the report's.
    let child = Command::new(&program)
        .args(&args)
        .stdout(Stdio::from(std::io::stderr()))
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    let deadline = Instant::now() + SETTLE;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if Instant::now() >= deadline => {
                // Still running: a browser that stays in the foreground. Reap it when it ends.
                std::thread::spawn(move || child.wait());
                return true;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => return false,
        }
    }
}

/// Whether a browser can be opened here: not on a Linux or BSD session without a display
/// (an SSH login, a server), where the opener would start a text browser in our terminal.
fn has_display() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// The platform's opener (`open`, `xdg-open` and the like, via `webbrowser`).
fn platform_open(url: &str) -> bool {
    webbrowser::open_browser_with_options(
        webbrowser::Browser::Default,
        url,
        webbrowser::BrowserOptions::new().with_suppress_output(true),
    )
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_lists_split_into_commands_and_words() {
        let list = if cfg!(windows) {
            "a b;'my browser' --new %s"
        } else {
            "a b:'my browser' --new %s"
        };
        assert_eq!(
            commands(list),
            vec![
                vec!["a".to_string(), "b".to_string()],
                vec!["my browser".into(), "--new".into(), "%s".into()],
            ]
        );
        assert_eq!(words("  x  \"\"  y "), vec!["x", "", "y"]);
        assert!(commands("").is_empty());
    }
}
