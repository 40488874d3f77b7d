//! Opening the system browser on the authorization URL.

use reqwest::Url;

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
