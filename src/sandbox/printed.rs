//! The profiles `treasury sandbox serve` prints for the providers beside the root's (J.P. Morgan): complete
//! config blocks, each under a comment saying how to log in once, so a newcomer can paste them
//! as they are. (The sandbox's secrets are public.)

use super::demo_keys::DemoKeys;
use super::{openbanking, profile, Sandbox, PARTS};
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

/// The comment above a profile: the provider, its secret, and the login command.
fn how_to_log_in(profile: &Profile, secret: &str, demo: &anyhow::Result<DemoKeys>) -> String {
    let title = profile.provider.title;
    let login = |secret: &str| {
        format!(
            "echo {secret} | treasury login -p sandbox-{} --client-secret-stdin",
            profile.provider.name
        )
    };
    match profile.provider.name {
        // An aggregator is a confidential client (auth = "client-secret", the default): the
        // sandbox's Chase takes the secret sandbox serve was given.
        "chase" if secret == super::CLIENT_SECRET => format!(
            "# {title}: client secret '{secret}' and a browser login. Log in once with\n#   \
             {}\n# and press Approve on the sandbox's consent page.\n",
            login(secret)
        ),
        "chase" => format!(
            "# {title}: the secret given to sandbox serve and a browser login. Log in once with\n#   \
             treasury login -p sandbox-chase\n# give it that secret, and press Approve on the sandbox's consent page.\n"
        ),
        "open-banking" => {
            let mut text = format!(
                "# {title}: client secret '{secret}' and a browser login. Log in once with\n#   \
                 {}\n# and press Approve on the sandbox's consent page.\n",
                login(openbanking::CLIENT_SECRET),
                secret = openbanking::CLIENT_SECRET,
            );
            if let Err(e) = demo {
                text.push_str(&format!(
                    "# No demo signing key ({e:#}): set key and cert to an RSA key and its certificate.\n"
                ));
            }
            text
        }
        name => format!(
            "# {title}: secret '{secret}'. Log in once with\n#   {}\n",
            login(super::secret_of(name)),
            secret = super::secret_of(name),
        ),
    }
}

/// The profile's config block: the keys its provider reads, and the open-banking login's.
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
    if name == "open-banking" {
        let root = profile.base_url.as_str().trim_end_matches(openbanking::API);
        lines.push(format!("authorize_url = \"{root}/authorize\""));
        lines.push(format!("redirect_uri = \"{REDIRECT_URI}\""));
        if let Ok(keys) = demo {
            lines.push(format!("key = {}", toml_string(&keys.key)));
            lines.push(format!("cert = {}", toml_string(&keys.cert)));
        }
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// A path as a TOML string, quoted and escaped.
fn toml_string(path: &std::path::Path) -> String {
    toml::Value::String(path.display().to_string()).to_string()
}
