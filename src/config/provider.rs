//! What config knows of a provider, as data: its name, the profile keys it reads, its
//! environments and hosts. The registry (`bank::REGISTRY`) hands these in; config imports no
//! provider and names none.

use reqwest::Url;

use super::{AuthMode, Environment};

/// A provider's profiles, as config checks and resolves them. Each provider's `Spec` embeds one.
#[derive(Debug)]
pub struct ProfileSpec {
    /// The `provider =` value of a profile.
    pub name: &'static str,
    /// What `status` and the docs call it.
    pub title: &'static str,
    /// Profile keys this provider reads beyond the shared ones (`SHARED_KEYS`).
    pub profile_keys: &'static [&'static str],
    /// The `environment =` values it has documented hosts for.
    pub environments: &'static [Environment],
    /// The API root when the profile gives no `base_url`: from its environment, or the one host.
    pub default_base_url: fn(Option<Environment>, AuthMode) -> Option<Url>,
    /// Whether the account holder logs in through a browser (a refresh token is stored)
    /// rather than the client proving itself with a secret or a key. The registry's tests check
    /// it against how the provider logs in.
    pub browser_login: bool,
    /// Whether a profile may be a public client (`auth = "none"`, proven by PKCE alone).
    pub public_client: bool,
    /// The provider key that plays the client id's part where `client_id` is not one of its
    /// keys (the secret chain and the token cache are keyed by it).
    pub client_id_key: Option<&'static str>,
    /// Reads allowed per account per 24 hours when the profile sets no `daily_reads`.
    pub daily_reads: Option<u32>,
}

impl ProfileSpec {
    /// Whether profiles of this provider read `key` (shared keys included).
    pub fn reads(&self, key: &str) -> bool {
        super::SHARED_KEYS.contains(&key) || self.profile_keys.contains(&key)
    }
}

/// The providers this version knows, handed to config by the registry.
#[derive(Debug, Clone, Copy)]
pub struct Providers {
    /// The provider of a profile that names none.
    pub default: &'static str,
    /// Every provider, in the registry's order.
    pub all: fn() -> Vec<&'static ProfileSpec>,
}

impl Providers {
    /// The provider named `name`, if this version knows it.
    pub fn find(&self, name: &str) -> Option<&'static ProfileSpec> {
        (self.all)().into_iter().find(|spec| spec.name == name)
    }

    /// The names of every provider, in the registry's order.
    pub fn names(&self) -> Vec<&'static str> {
        (self.all)().into_iter().map(|spec| spec.name).collect()
    }

    /// The provider of a profile that names none.
    pub fn default_spec(&self) -> &'static ProfileSpec {
        self.find(self.default)
            .expect("the registry's default provider is registered")
    }
}
