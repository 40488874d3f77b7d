//! The sandbox's registry: one `Part` for each provider it serves, exported by that provider's
//! folder (its routes, where they are mounted, the ready profile `--sandbox=NAME` uses, its
//! public secret). A new provider adds its line to `PARTS`.

use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;

use super::demo_keys::DemoKeys;
use super::printed::Printing;
use super::server::Bank;
use super::{chase, finicity, jpmorgan, openbanking, Sandbox};
use crate::config::Profile;
use crate::credentials::{Access, Source};
use crate::secret::Secret;

/// The lines a part adds to its printed profile, given the ready profile and the demo key.
pub type PrintedSettings = fn(&Profile, &anyhow::Result<DemoKeys>) -> Vec<String>;

/// One provider the sandbox serves.
pub struct Part {
    /// The `provider =` name it serves.
    pub name: &'static str,
    /// Where its routes are mounted; empty for the root (J.P. Morgan's, the contract's own API).
    pub mount: &'static str,
    /// Its routes, given the server's shared state (client secret, client certificate).
    pub routes: fn(&Bank) -> Router<Arc<Bank>>,
    /// The ready profile and credentials of `--sandbox=NAME`.
    pub profile: fn(&Sandbox) -> anyhow::Result<(Profile, Access)>,
    /// Its public secret (the printed profiles log in with it).
    pub secret: &'static str,
    /// The client id `status --sandbox=NAME` shows, where the ready profile has one to show.
    pub status_client_id: Option<&'static str>,
    /// The comment `sandbox serve` prints above its profile, where "pipe the secret into
    /// login" is not the way (a browser login).
    pub printed_login: Option<fn(&Printing<'_>) -> String>,
    /// Lines `sandbox serve` prints in its profile beyond the ready profile's settings.
    pub printed_settings: Option<PrintedSettings>,
}

/// Every provider the sandbox serves, in the provider registry's order.
pub static PARTS: &[&Part] = &[
    &jpmorgan::PART,
    &finicity::PART,
    &chase::PART,
    &openbanking::PART,
];

/// The providers the sandbox serves, by `provider =` name.
pub fn served() -> Vec<&'static str> {
    PARTS.iter().map(|part| part.name).collect()
}

/// The part serving `provider`, if the sandbox serves it.
pub fn part(provider: &str) -> Option<&'static Part> {
    PARTS.iter().copied().find(|part| part.name == provider)
}

/// The profile and credentials of the sandbox's `provider` part.
pub fn profile(sandbox: &Sandbox, provider: &str) -> anyhow::Result<(Profile, Access)> {
    (part(provider).context("unknown provider")?.profile)(sandbox)
}

/// The public secret of the sandbox's `provider` part.
pub fn secret_of(provider: &str) -> &'static str {
    part(provider).map_or(super::CLIENT_SECRET, |part| part.secret)
}

/// Client credentials of a ready profile: the sandbox's public ones.
pub(super) fn sandbox_access(client_id: &str, secret: &str) -> Access {
    Access::ClientSecret {
        client_id: client_id.to_string(),
        secret: Secret::new(secret),
        source: Source::Sandbox,
        cache: None,
    }
}

#[cfg(test)]
mod tests {
    /// Completion offers the registry's providers for `--sandbox=`: the sandbox serves them all.
    #[test]
    fn the_sandbox_serves_every_registered_provider() {
        let registered: Vec<&str> = crate::bank::PROVIDERS.iter().map(|s| s.name).collect();
        assert_eq!(super::served(), registered);
    }
}
