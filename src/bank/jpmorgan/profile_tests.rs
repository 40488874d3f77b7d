//! Unit tests of J.P. Morgan profiles as the registry resolves them: the documented hosts of
//! each environment and authentication, and the keys and environments it refuses.

use std::path::Path;
use std::time::Duration;

use super::documented_host;
use crate::bank;
use crate::config::{profile_name, AuthMode, ConfigFile, Environment};
use crate::error::Error;

fn parse(text: &str) -> ConfigFile {
    toml::from_str(text).unwrap()
}

fn refusal(file: &ConfigFile) -> String {
    match bank::resolve(file, "a", Path::new("c")).unwrap_err() {
        Error::Usage { message, hint } => format!("{message} | {}", hint.unwrap_or_default()),
        other => panic!("expected usage error, got {other:?}"),
    }
}

#[test]
fn the_documented_example_resolves() {
    let file = parse(
        r#"
default_profile = "uat"
[profiles.uat]
provider = "jpmorgan"
environment = "uat"
auth = "client-secret"
token_url = "https://id.example/oauth2/token"
client_id = "abc"
timeout_secs = 30
[profiles.uat.accounts]
ops-usd = "02100002/000000010013324"
[profiles.uat.groups]
emea = ["ops-gbp", "CHASGB2L/0041034035"]
"#,
    );
    let name = profile_name(None, &file);
    let profile = bank::resolve(&file, &name, Path::new("c.toml")).unwrap();
    assert_eq!(profile.provider.name, "jpmorgan");
    assert_eq!(
        profile.base_url.as_str(),
        "https://openbankinguat.jpmorgan.com/accessapi"
    );
    assert_eq!(profile.timeout, Duration::from_secs(30));
    assert_eq!(profile.book.aliases["ops-usd"], "02100002/000000010013324");
    assert_eq!(profile.book.groups["emea"].len(), 2);
}

#[test]
fn environments_map_to_documented_hosts() {
    let host = |env, auth| documented_host(env, auth).to_string();
    assert_eq!(
        host(Environment::Prod, AuthMode::ClientSecret),
        "https://openbanking.jpmorgan.com/accessapi"
    );
    assert_eq!(
        host(Environment::Prod, AuthMode::Mtls),
        "https://apigateway.jpmorgan.com/accessapi"
    );
    assert_eq!(
        host(Environment::Uat, AuthMode::PrivateKeyJwt),
        "https://openbankinguat.jpmorgan.com/accessapi"
    );
    assert_eq!(
        host(Environment::Uat, AuthMode::Mtls),
        "https://apigatewayqaf.jpmorgan.com/accessapi"
    );
}

#[test]
fn a_profile_without_provider_is_jpmorgan_and_refuses_keys_it_does_not_read() {
    let typo = parse("[profiles.a]\nenvironment = \"uat\"\nbase_ur = \"x\"\n");
    let text = refusal(&typo);
    assert!(
        text.contains("sets base_ur, which provider 'jpmorgan' does not read")
            && text.contains("the keys of this provider are: provider, base_url"),
        "{text}"
    );
    let redirect =
        parse("[profiles.a]\nenvironment = \"uat\"\nredirect_uri = \"http://127.0.0.1:1/cb\"\n");
    let text = refusal(&redirect);
    assert!(
        text.contains("sets redirect_uri, which provider 'jpmorgan' does not read"),
        "{text}"
    );
    let file = parse("[profiles.a]\nclient_id = \"x\"\n");
    assert!(refusal(&file).contains("neither base_url nor environment"));
}

#[test]
fn only_prod_and_uat_are_its_environments() {
    let qa = parse("[profiles.a]\nenvironment = \"qa\"\n");
    let text = refusal(&qa);
    assert!(
        text.contains("environment = \"qa\", which provider 'jpmorgan' does not have")
            && text.contains("use one of: prod, uat"),
        "{text}"
    );
}
