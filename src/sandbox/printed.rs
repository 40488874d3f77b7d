//! The profiles `treasury sandbox serve` prints for the providers beside the root's (J.P. Morgan): complete
//! config blocks, each under a comment saying how to log in once, so a newcomer can paste them
//! as they are. (The sandbox's secrets are public.)

use super::demo_keys::DemoKeys;
use super::{part, profile, secret_of, Sandbox, PARTS};
use crate::config::Profile;

/// The redirect address the printed browser-login profiles listen on.
pub const REDIRECT_URI: &str = "http://127.0.0.1:8976/callback";

/// A commented profile for each provider the sandbox serves under a mount (all but the root's), blank-line separated.
/// `demo` is the open-banking signing key (or why there is none).
/// `secret` is the client secret sandbox serve was given (J.P. Morgan's and Chase's).
pub fn other_profiles(sandbox: &Sandbox, secret: &str, demo: &anyhow::Result<DemoKeys>) -> String {
    let mut text = String::new();
    for part in PARTS.iter().filter(|part| !part.mount.is_empty()) {
        let Ok((profile, _)) = profile(sandbox, part.name) else {
            continue;
        };
        text.push_str(&how_to_log_in(&profile, secret, demo));
        text.push_str(&settings(&profile, demo));
        text.push('\n');
    }
    text
}

/// The comment above a profile: the provider, its secret, and the login command (the part's
/// own wording where it has one: a browser login).
fn how_to_log_in(profile: &Profile, secret: &str, demo: &anyhow::Result<DemoKeys>) -> String {
    let name = profile.provider.name;
    let printing = Printing {
        title: profile.provider.title,
        name,
        served_secret: secret,
        demo,
    };
    match part(name).and_then(|part| part.printed_login) {
        Some(own) => own(&printing),
        None => format!(
            "# {}: secret '{secret}'. Log in once with\n#   {}\n",
            printing.title,
            printing.login_command(secret_of(name)),
            secret = secret_of(name),
        ),
    }
}

/// What a part's printed login comment is made from.
pub struct Printing<'a> {
    /// What the provider is called.
    pub title: &'static str,
    /// Its `provider =` name (the profile is `sandbox-NAME`).
    pub name: &'static str,
    /// The client secret `sandbox serve` was given.
    pub served_secret: &'a str,
    /// The open-banking signing key, or why there is none.
    pub demo: &'a anyhow::Result<DemoKeys>,
}

impl Printing<'_> {
    /// The one-line login of the printed profile with `secret` piped in.
    pub fn login_command(&self, secret: &str) -> String {
        format!(
            "echo {secret} | treasury login -p sandbox-{} --client-secret-stdin",
            self.name
        )
    }
}

/// The profile's config block: the keys its provider reads, and the part's own lines.
fn settings(profile: &Profile, demo: &anyhow::Result<DemoKeys>) -> String {
    let name = profile.provider.name;
    let mut lines = vec![
        format!("[profiles.sandbox-{name}]"),
        format!("provider = \"{name}\""),
        format!("base_url = \"{}\"", profile.base_url),
    ];
    let reads = |key: &str| profile.provider.profile_keys.contains(&key);
    if let Some(url) = profile.token_url.as_ref().filter(|_| reads("token_url")) {
        lines.push(format!("token_url = \"{url}\""));
    }
    if let Some(id) = profile.client_id.as_ref().filter(|_| reads("client_id")) {
        lines.push(format!("client_id = \"{id}\""));
    }
    for (key, value) in &profile.settings {
        lines.push(format!("{key} = \"{value}\""));
    }
    if let Some(own) = part(name).and_then(|part| part.printed_settings) {
        lines.extend(own(profile, demo));
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// A path as a TOML string, quoted and escaped.
pub fn toml_string(path: &std::path::Path) -> String {
    toml::Value::String(path.display().to_string()).to_string()
}
