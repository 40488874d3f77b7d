//! What `treasury login` asks for a Finicity profile: app key, partner id and customer id (the
//! host has a default); the partner secret is read like a client secret.

use super::NAME;
use crate::bank::provider::Ask;
use crate::config::{text_of, ProfileFile, ProfileUpdate};
use crate::error::Result;

/// The profile keys login asks for when neither the flags nor the profile give them:
/// (key, question, flag).
const ASKED: [(&str, &str, &str); 3] = [
    ("app_key", "App key", "--app-key KEY"),
    ("partner_id", "Partner id", "--partner-id ID"),
    ("customer_id", "Customer id", "--customer-id ID"),
];

/// The settings from the flags, asking for what is missing and needed. Of the shared flags
/// only `--base-url` applies.
pub fn settings(
    given: ProfileUpdate,
    existing: &ProfileFile,
    ask: Ask<'_>,
) -> Result<ProfileUpdate> {
    let mut update = ProfileUpdate {
        provider: Some(NAME.into()),
        base_url: given.base_url,
        ..ProfileUpdate::default()
    };
    for (key, label, flag) in ASKED {
        let value = match given.provider_keys.get(key) {
            Some(value) => Some(value.clone()),
            None if text_of(existing, key).is_some() => None,
            None => Some(ask(label, flag)?),
        };
        if let Some(value) = value {
            update.provider_keys.insert(key.to_string(), value);
        }
    }
    Ok(update)
}
