//! Ready profiles for the running sandbox, one per provider it serves: what `--sandbox[=NAME]`
//! talks to. Its credentials are public, so they live here and nowhere else.

use anyhow::Context as _;
use reqwest::Url;

use super::{chase, finicity, openbanking, Sandbox, CLIENT_ID, CLIENT_SECRET};
use crate::bank::{self, Spec};
use crate::config::Profile;
use crate::credentials::{Access, Secret, Source};

/// The providers the sandbox serves, by `provider =` name.
pub const SERVED: &[&str] = &["jpmorgan", "finicity", "chase", "open-banking"];

/// The profile and credentials of the sandbox's `provider` part.
pub fn profile(sandbox: &Sandbox, provider: &str) -> anyhow::Result<(Profile, Access)> {
    let spec = bank::spec(provider).context("unknown provider")?;
    match provider {
        "finicity" => Ok(finicity_profile(sandbox, spec)?),
        "chase" => Ok(chase_profile(sandbox, spec)?),
        "open-banking" => Ok(openbanking_profile(sandbox, spec)?),
        _ => Ok(jpmorgan_profile(sandbox, spec)?),
    }
}

fn jpmorgan_profile(sandbox: &Sandbox, spec: &'static Spec) -> anyhow::Result<(Profile, Access)> {
    let mut profile = Profile::with_defaults("sandbox", spec, Url::parse(&sandbox.base_url())?);
    profile.token_url = Some(Url::parse(&sandbox.token_url())?);
    profile.client_id = Some(CLIENT_ID.into());
    Ok((profile, access(CLIENT_ID, CLIENT_SECRET)))
}

fn finicity_profile(sandbox: &Sandbox, spec: &'static Spec) -> anyhow::Result<(Profile, Access)> {
    let base = Url::parse(&format!("{}/finicity", sandbox.base_url()))?;
    let mut profile = Profile::with_defaults("sandbox", spec, base);
    profile.client_id = Some(finicity::PARTNER_ID.into());
    for (key, value) in [
        ("app_key", finicity::APP_KEY),
        ("partner_id", finicity::PARTNER_ID),
        ("customer_id", finicity::data::CUSTOMER_ID),
    ] {
        profile.settings.insert(key, value.to_string());
    }
    Ok((
        profile,
        access(finicity::PARTNER_ID, finicity::PARTNER_SECRET),
    ))
}

/// The pre-authorised consent's public access token: no browser, no login (the sandbox's
/// token endpoint also issues client-credentials tokens, for the consent endpoints).
fn openbanking_profile(
    sandbox: &Sandbox,
    spec: &'static Spec,
) -> anyhow::Result<(Profile, Access)> {
    let root = format!("{}/open-banking", sandbox.base_url());
    let base = Url::parse(&format!("{root}{}", openbanking::API))?;
    let mut profile = Profile::with_defaults("sandbox", spec, base);
    profile.token_url = Some(Url::parse(&format!("{root}/token"))?);
    profile.client_id = Some(CLIENT_ID.into());
    Ok((
        profile,
        Access::Token(Secret::new(openbanking::PREAUTHORISED_TOKEN)),
    ))
}

/// The public secret of the sandbox's `provider` part.
pub fn secret_of(provider: &str) -> &'static str {
    match provider {
        "finicity" => finicity::PARTNER_SECRET,
        "open-banking" => openbanking::CLIENT_SECRET,
        _ => CLIENT_SECRET,
    }
}

/// The demo sends the sandbox's public access token: no browser, no stored login
/// (docs/providers/chase.md). A real login against the sandbox uses the printed profile.
fn chase_profile(sandbox: &Sandbox, spec: &'static Spec) -> anyhow::Result<(Profile, Access)> {
    let root = format!("{}/chase", sandbox.base_url());
    let mut profile = Profile::with_defaults(
        "sandbox",
        spec,
        Url::parse(&format!("{root}{}", chase::DATA_PATH))?,
    );
    profile.client_id = Some(chase::CLIENT_ID.into());
    profile.token_url = Some(Url::parse(&format!("{root}{}", bank::chase::TOKEN_PATH))?);
    for (key, value) in [
        (
            "authorize_url",
            format!("{root}{}", bank::chase::AUTHORIZE_PATH),
        ),
        ("redirect_uri", super::printed::REDIRECT_URI.to_string()),
        ("revoke_url", format!("{root}/aggregator-oauth/v1/revoke")),
    ] {
        profile.settings.insert(key, value);
    }
    Ok((
        profile,
        Access::Token(Secret::new(chase::DEMO_ACCESS_TOKEN)),
    ))
}

fn access(client_id: &str, secret: &str) -> Access {
    Access::ClientSecret {
        client_id: client_id.to_string(),
        secret: Secret::new(secret),
        source: Source::Sandbox,
        cache: None,
    }
}

#[cfg(test)]
mod served_tests {
    /// Completion offers the registry's providers for `--sandbox=`: the sandbox serves them all.
    #[test]
    fn the_sandbox_serves_every_registered_provider() {
        let registered: Vec<&str> = crate::bank::PROVIDERS.iter().map(|s| s.name).collect();
        assert_eq!(super::SERVED, registered.as_slice());
    }
}
