//! The sandbox's open-banking part: its routes under `/open-banking`, and the ready profile
//! of `--sandbox=open-banking`.

use reqwest::Url;

use super::{router, OpenBanking, API, CLIENT_SECRET, PREAUTHORISED_TOKEN};
use crate::bank::openbanking::SPEC;
use crate::config::Profile;
use crate::credentials::Access;
use crate::sandbox::demo_keys::DemoKeys;
use crate::sandbox::printed::{self, Printing};
use crate::sandbox::registry::Part;
use crate::sandbox::{Sandbox, CLIENT_ID};
use crate::secret::Secret;

pub static PART: Part = Part {
    name: SPEC.profile.name,
    mount: "/open-banking",
    // Request objects are verified with the certificate `sandbox serve` was given.
    routes: |bank| router(OpenBanking::registering(bank.client_cert.clone())),
    profile,
    secret: CLIENT_SECRET,
    status_client_id: None,
    printed_login: Some(printed_login),
    printed_settings: Some(printed_settings),
};

/// A browser login with the part's own public client secret; without a demo signing key the
/// person is told what to set.
fn printed_login(printing: &Printing<'_>) -> String {
    let mut text = format!(
        "# {}: client secret '{CLIENT_SECRET}' and a browser login. Log in once with\n#   \
         {}\n# and press Approve on the sandbox's consent page.\n",
        printing.title,
        printing.login_command(CLIENT_SECRET),
    );
    if let Err(e) = printing.demo {
        text.push_str(&format!(
            "# No demo signing key ({e:#}): set key and cert to an RSA key and its certificate.\n"
        ));
    }
    text
}

/// The login's authorize and redirect addresses, and the demo signing key and certificate.
fn printed_settings(profile: &Profile, demo: &anyhow::Result<DemoKeys>) -> Vec<String> {
    let root = profile.base_url.as_str().trim_end_matches(API);
    let mut lines = vec![
        format!("authorize_url = \"{root}/authorize\""),
        format!("redirect_uri = \"{}\"", printed::REDIRECT_URI),
    ];
    if let Ok(keys) = demo {
        lines.push(format!("key = {}", printed::toml_string(&keys.key)));
        lines.push(format!("cert = {}", printed::toml_string(&keys.cert)));
    }
    lines
}

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
