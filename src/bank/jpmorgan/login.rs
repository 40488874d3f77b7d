//! What `treasury login` asks for a J.P. Morgan profile: the environment or host, the client
//! and how it authenticates (secret, signed assertion, or mutual TLS).

use crate::bank::provider::Ask;
use crate::config::{AuthMode, Environment, ProfileFile, ProfileUpdate};
use crate::error::Result;

/// The settings from the flags, asking for what is missing and needed.
pub fn settings(
    mut update: ProfileUpdate,
    existing: &ProfileFile,
    ask: Ask<'_>,
) -> Result<ProfileUpdate> {
    update.provider_keys.clear();
    let auth = update
        .auth
        .or(existing.auth)
        .unwrap_or(AuthMode::ClientSecret);
    let has = |flag: bool, saved: bool| flag || saved;
    if !has(
        update.environment.is_some() || update.base_url.is_some(),
        existing.environment.is_some() || existing.base_url.is_some(),
    ) {
        let answer = ask(
            "Environment (uat or prod) or API base URL",
            "--environment uat|prod or --base-url URL",
        )?;
        match answer.as_str() {
            "uat" => update.environment = Some(Environment::Uat),
            "prod" => update.environment = Some(Environment::Prod),
            url => update.base_url = Some(url.to_string()),
        }
    }
    let needs_token = auth != AuthMode::Mtls;
    if needs_token && !has(update.client_id.is_some(), existing.client_id.is_some()) {
        update.client_id = Some(ask("Client id", "--client-id ID")?);
    }
    if needs_token && !has(update.token_url.is_some(), existing.token_url.is_some()) {
        update.token_url = Some(ask("Token URL", "--token-url URL")?);
    }
    if auth != AuthMode::ClientSecret {
        if !has(update.cert.is_some(), existing.cert.is_some()) {
            update.cert = Some(ask("Certificate file (PEM)", "--cert FILE")?.into());
        }
        if !has(update.key.is_some(), existing.key.is_some()) {
            update.key = Some(ask("Private key file (PEM)", "--key FILE")?.into());
        }
    }
    if update.auth.is_none() && existing.auth.is_none() {
        update.auth = Some(auth);
    }
    Ok(update)
}
