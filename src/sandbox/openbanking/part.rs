//! The sandbox's open-banking part: its routes under `/open-banking`, and the ready profile
//! of `--sandbox=open-banking`.

use reqwest::Url;

use super::{router, OpenBanking, API, CLIENT_SECRET, PREAUTHORISED_TOKEN};
use crate::bank::openbanking::SPEC;
use crate::config::Profile;
use crate::credentials::{Access, Secret};
use crate::sandbox::registry::Part;
use crate::sandbox::{Sandbox, CLIENT_ID};

pub static PART: Part = Part {
    name: SPEC.profile.name,
    mount: "/open-banking",
    // Request objects are verified with the certificate `sandbox serve` was given.
    routes: |bank| router(OpenBanking::registering(bank.client_cert.clone())),
    profile,
    secret: CLIENT_SECRET,
    status_client_id: None,
};

/// The pre-authorised consent's public access token: no browser, no login (the sandbox's
/// token endpoint also issues client-credentials tokens, for the consent endpoints).
fn profile(sandbox: &Sandbox) -> anyhow::Result<(Profile, Access)> {
    let root = format!("{}/open-banking", sandbox.base_url());
    let base = Url::parse(&format!("{root}{API}"))?;
    let mut profile = Profile::with_defaults("sandbox", &SPEC.profile, base);
    profile.token_url = Some(Url::parse(&format!("{root}/token"))?);
    profile.client_id = Some(CLIENT_ID.into());
    Ok((profile, Access::Token(Secret::new(PREAUTHORISED_TOKEN))))
}
