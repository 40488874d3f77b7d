//! The provider registry: every provider this version knows, by its `provider =` name, and the
//! one a profile without `provider =` uses. A new provider adds its line to `PROVIDERS`.

use crate::config::{self, ConfigFile, Profile, ProfileSpec, Providers};
use crate::error::{Error, Result};

use super::{chase, finicity, jpmorgan, openbanking, Spec};

/// Every provider, by its `provider =` name. A new provider adds its line here.
pub static PROVIDERS: &[&Spec] = &[
    &jpmorgan::SPEC,
    &finicity::SPEC,
    &chase::SPEC,
    &openbanking::SPEC,
];

/// The provider of a profile that names none (and of `--sandbox` without a name).
pub const DEFAULT_PROVIDER: &str = jpmorgan::SPEC.profile.name;

/// The providers as config knows them: what `config::resolve` checks a profile against.
pub static REGISTRY: Providers = Providers {
    default: DEFAULT_PROVIDER,
    all: profile_specs,
};

fn profile_specs() -> Vec<&'static ProfileSpec> {
    PROVIDERS.iter().map(|spec| &spec.profile).collect()
}

/// The provider named `name`, if this version knows it.
pub fn spec(name: &str) -> Option<&'static Spec> {
    PROVIDERS.iter().copied().find(|spec| spec.name == name)
}

/// The provider of a resolved profile.
pub fn spec_of(profile: &Profile) -> Result<&'static Spec> {
    spec(profile.provider.name).ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "profile '{}' has provider '{}', which is not registered",
            profile.name,
            profile.provider.name
        ))
    })
}

/// The provider of the named profile; the default one when there is no such profile or it
/// names none.
pub fn provider_of_named(file: &ConfigFile, name: &str) -> Result<&'static Spec> {
    let profile = config::provider_of_named(file, name, &REGISTRY)?;
    spec(profile.name).ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "provider '{}' is not registered",
            profile.name
        ))
    })
}

/// Resolves a named profile of the config file against the registered providers.
pub fn resolve(file: &ConfigFile, name: &str, path: &std::path::Path) -> Result<Profile> {
    config::resolve(file, name, path, &REGISTRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_provider_is_registered() {
        assert_eq!(REGISTRY.default_spec().name, DEFAULT_PROVIDER);
    }

    #[test]
    fn names_are_unique_and_browser_logins_say_so() {
        for spec in PROVIDERS {
            assert_eq!(PROVIDERS.iter().filter(|s| s.name == spec.name).count(), 1);
            assert_eq!(spec.browser_login, spec.login.is_browser(), "{}", spec.name);
        }
    }

    #[test]
    fn a_profile_is_checked_against_the_provider_it_names() {
        let parse = |text: &str| -> ConfigFile { toml::from_str(text).unwrap() };
        let path = std::path::Path::new("c");
        let jpmorgan = parse("[profiles.a]\nenvironment = \"uat\"\n");
        assert_eq!(
            resolve(&jpmorgan, "a", path).unwrap().provider.name,
            "jpmorgan"
        );
        let finicity = parse("[profiles.a]\nprovider = \"finicity\"\nenvironment = \"uat\"\n");
        let err = resolve(&finicity, "a", path).unwrap_err();
        assert!(
            matches!(&err, Error::Usage { message, .. } if message.contains("provider 'finicity'")),
            "{err:?}"
        );
    }
}
