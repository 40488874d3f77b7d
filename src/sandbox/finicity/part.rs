//! The sandbox's Finicity part: its routes under `/finicity`, and the ready profile of
//! `--sandbox=finicity`.

use reqwest::Url;

use super::{data, router, APP_KEY, PARTNER_ID, PARTNER_SECRET};
use crate::bank::finicity::SPEC;
use crate::config::Profile;
use crate::credentials::Access;
use crate::sandbox::registry::{sandbox_access, Part};
use crate::sandbox::Sandbox;

pub static PART: Part = Part {
    name: SPEC.profile.name,
    mount: "/finicity",
    routes: |_| router(Default::default()),
    profile,
    secret: PARTNER_SECRET,
    status_client_id: None,
    printed_login: None,
    printed_settings: None,
};

fn profile(sandbox: &Sandbox) -> anyhow::Result<(Profile, Access)> {
    let base = Url::parse(&format!("{}/finicity", sandbox.base_url()))?;
    let mut profile = Profile::with_defaults("sandbox", &SPEC.profile, base);
    profile.client_id = Some(PARTNER_ID.into());
    for (key, value) in [
        ("app_key", APP_KEY),
        ("partner_id", PARTNER_ID),
        ("customer_id", data::CUSTOMER_ID),
    ] {
        profile.settings.insert(key, value.to_string());
    }
    Ok((profile, sandbox_access(PARTNER_ID, PARTNER_SECRET)))
}
