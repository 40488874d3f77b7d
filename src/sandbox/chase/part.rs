//! The sandbox's Chase part: its routes under `/chase`, and the ready profile of
//! `--sandbox=chase`.

use std::sync::Arc;

use reqwest::Url;

use super::{router, Chase, CLIENT_ID, DATA_PATH, DEMO_ACCESS_TOKEN};
use crate::bank::chase::{AUTHORIZE_PATH, SPEC, TOKEN_PATH};
use crate::config::Profile;
use crate::credentials::Access;
use crate::sandbox::printed::{self, Printing};
use crate::sandbox::registry::Part;
use crate::sandbox::{Sandbox, CLIENT_SECRET};
use crate::secret::Secret;

pub static PART: Part = Part {
    name: SPEC.profile.name,
    mount: "/chase",
    // A confidential client: it takes the secret `sandbox serve` was given.
    routes: |bank| router(Arc::new(Chase::with_secret(&bank.client_secret))),
    profile,
    secret: CLIENT_SECRET,
    status_client_id: None,
    printed_login: Some(printed_login),
    printed_settings: None,
};

/// An aggregator is a confidential client (auth = "client-secret", the default): the sandbox's
/// Chase takes the secret `sandbox serve` was given.
fn printed_login(printing: &Printing<'_>) -> String {
    let (title, secret) = (printing.title, printing.served_secret);
    match secret == CLIENT_SECRET {
        true => format!(
            "# {title}: client secret '{secret}' and a browser login. Log in once with\n#   \
             {}\n# and press Approve on the sandbox's consent page.\n",
            printing.login_command(secret)
        ),
        false => format!(
            "# {title}: the secret given to sandbox serve and a browser login. Log in once with\n#   \
             treasury login -p sandbox-{}\n# give it that secret, and press Approve on the sandbox's consent page.\n",
            printing.name
        ),
    }
}

/// The demo sends the sandbox's public access token: no browser, no stored login
/// (docs/providers/chase.md). A real login against the sandbox uses the printed profile.
fn profile(sandbox: &Sandbox) -> anyhow::Result<(Profile, Access)> {
    let root = format!("{}/chase", sandbox.base_url());
    let data = Url::parse(&format!("{root}{DATA_PATH}"))?;
    let mut profile = Profile::with_defaults("sandbox", &SPEC.profile, data);
    profile.client_id = Some(CLIENT_ID.into());
    profile.token_url = Some(Url::parse(&format!("{root}{TOKEN_PATH}"))?);
    for (key, value) in [
        ("authorize_url", format!("{root}{AUTHORIZE_PATH}")),
        ("redirect_uri", printed::REDIRECT_URI.to_string()),
        ("revoke_url", format!("{root}/aggregator-oauth/v1/revoke")),
    ] {
        profile.settings.insert(key, value);
    }
    Ok((profile, Access::Token(Secret::new(DEMO_ACCESS_TOKEN))))
}
