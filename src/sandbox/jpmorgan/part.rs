//! The sandbox's J.P. Morgan part: the contract's API at the root (token endpoint, balances),
//! and the ready profile of `--sandbox=jpmorgan`.

use reqwest::Url;

use crate::bank::jpmorgan::SPEC;
use crate::config::Profile;
use crate::credentials::Access;
use crate::sandbox::registry::{sandbox_access, Part};
use crate::sandbox::{server, Sandbox, CLIENT_ID, CLIENT_SECRET};

pub static PART: Part = Part {
    name: SPEC.profile.name,
    mount: "",
    routes: |_| server::root_routes(),
    profile,
    secret: CLIENT_SECRET,
    status_client_id: Some(CLIENT_ID),
    printed_login: None,
    printed_settings: None,
};

fn profile(sandbox: &Sandbox) -> anyhow::Result<(Profile, Access)> {
    let mut profile =
        Profile::with_defaults("sandbox", &SPEC.profile, Url::parse(&sandbox.base_url())?);
    profile.token_url = Some(Url::parse(&sandbox.token_url())?);
    profile.client_id = Some(CLIENT_ID.into());
    Ok((profile, sandbox_access(CLIENT_ID, CLIENT_SECRET)))
}
