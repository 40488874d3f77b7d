//! Unit tests of Chase profiles as the registry resolves them: its environments (prod and qa,
//! only prod with a documented data host), its own keys, and the keys it refuses.

use std::path::Path;

use crate::bank;
use crate::config::ConfigFile;
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
fn prod_has_the_documented_host_and_qa_needs_base_url() {
    let uat = parse("[profiles.a]\nprovider = \"chase\"\nenvironment = \"uat\"\n");
    let text = refusal(&uat);
    assert!(text.contains("use one of: prod, qa"), "{text}");
    let qa = parse("[profiles.a]\nprovider = \"chase\"\nenvironment = \"qa\"\n");
    let text = refusal(&qa);
    assert!(
        text.contains("documents no API host for environment 'qa'"),
        "{text}"
    );
    let prod = parse("[profiles.a]\nprovider = \"chase\"\nenvironment = \"prod\"\nredirect_uri = \"http://127.0.0.1:1/cb\"\n");
    let profile = bank::resolve(&prod, "a", Path::new("c")).unwrap();
    assert_eq!(
        profile.base_url.as_str(),
        "https://api2.chase.com/jpmc/servicing/inquiry-maintenance/fdx/v4"
    );
    assert_eq!(profile.settings["redirect_uri"], "http://127.0.0.1:1/cb");
}

#[test]
fn a_key_of_another_provider_is_refused() {
    let foreign =
        parse("[profiles.a]\nprovider = \"chase\"\nenvironment = \"prod\"\napp_key = \"k\"\n");
    let text = refusal(&foreign);
    assert!(
        text.contains("sets app_key, which provider 'chase' does not read"),
        "{text}"
    );
}
