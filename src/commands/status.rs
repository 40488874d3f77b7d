//! `treasury status`: the profile in use, where its credential comes from and when its cached
//! token expires; what its provider adds (open banking: its consent, as the bank has it (the one request
//! status makes, or as recorded when the bank cannot be reached). Never the secret or the token.

use chrono::Utc;

use crate::commands::Context;
use crate::config;
use crate::credentials::{self, KeyringError, Source, Store};
use crate::error::{Outcome, Result};
use crate::output::{Document, Field};

pub async fn run(ctx: &mut Context<'_>) -> Result<Outcome> {
    let sink = ctx.open_sink()?;
    let mut fields = if ctx.is_sandbox() {
        sandbox_fields(ctx.provider()?.name)
    } else {
        let mut fields = profile_fields(ctx)?;
        fields.extend(provider_fields(ctx).await?);
        fields
    };
    // The history store and the profile's read budget (docs/history.md).
    fields.extend(super::record::status_fields(ctx, ctx.configured().ok()));
    ctx.emit(sink, &Document::Fields(&fields), fields.len())?;
    Ok(Outcome::Complete)
}

fn profile_fields(ctx: &Context) -> Result<Vec<Field>> {
    let profile = ctx.configured()?;
    let name = ctx.profile_name()?;
    let (_, path) = ctx.config_file()?;
    if profile.provider.browser_login {
        return login_fields(name, path, profile);
    }
    let status = credentials::status(profile)?;
    let now = Utc::now();
    let token = status.token.as_ref();
    let keyring = match &status.keyring {
        Ok(()) => "available".to_string(),
        Err(KeyringError::Unavailable(why)) => format!("unavailable ({why})"),
        Err(KeyringError::Failed(why)) => format!("failing ({why})"),
    };
    Ok(vec![
        Field::text("profile", name),
        Field::text("config_file", &path.display().to_string()),
        Field::text("provider", profile.provider.name),
        Field::maybe("environment", profile.environment.map(|e| e.name())),
        Field::text("base_url", profile.base_url.as_str()),
        Field::text("auth", profile.auth.name()),
        Field::maybe("client_id", profile.client_id.as_deref()),
        Field::text(
            "credential_source",
            status.source.map_or("none", Source::name),
        ),
        Field::flag("token_cached", token.is_some_and(|t| t.is_usable(now))),
        Field::maybe(
            "token_expires_at",
            token
                .map(|t| {
                    t.expires_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                })
                .as_deref(),
        ),
        Field::text("keyring", &keyring),
        Field::maybe("credential_env", status.env_var),
    ])
}

/// A browser login: where its refresh token is, and when the access token and the login end.
/// A credentials file that cannot be used (others can read it, not TOML) is exit 3, as for
/// every other profile; a login the bank refused has been forgotten, so it shows logged out.
fn login_fields(
    name: &str,
    path: &std::path::Path,
    profile: &config::Profile,
) -> Result<Vec<Field>> {
    let file = Store::File(config::credentials_path()?);
    let (store, login) = match Store::Keyring.load_login(name).ok().flatten() {
        Some(login) => (Some(Store::Keyring), Some(login)),
        None => match file.load_login(name)? {
            Some(login) => (Some(file), Some(login)),
            None => (None, None),
        },
    };
    let source = match crate::env::text(credentials::ACCESS_TOKEN_ENV) {
        Some(_) => Source::Env.name(),
        None => store.as_ref().map_or("none", Store::name),
    };
    let time = |at: chrono::DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let access = login.as_ref().and_then(|l| l.access.clone());
    Ok(vec![
        Field::text("profile", name),
        Field::text("config_file", &path.display().to_string()),
        Field::text("provider", profile.provider.name),
        Field::maybe("environment", profile.environment.map(|e| e.name())),
        Field::text("base_url", profile.base_url.as_str()),
        Field::text("auth", "browser"),
        Field::maybe("client_id", profile.client_id.as_deref()),
        Field::text("credential_source", source),
        Field::flag(
            "token_cached",
            access.as_ref().is_some_and(|t| t.is_usable(Utc::now())),
        ),
        Field::maybe(
            "token_expires_at",
            access.map(|t| time(t.expires_at)).as_deref(),
        ),
        Field::flag("logged_in", login.is_some()),
        Field::maybe(
            "login_expires_at",
            login
                .and_then(|l| l.refresh_expires_at)
                .map(time)
                .as_deref(),
        ),
    ])
}

/// The built-in sandbox's part for `provider` (`--sandbox[=NAME]`); the same fields as a profile.
fn sandbox_fields(provider: &str) -> Vec<Field> {
    let client_id = crate::sandbox::part(provider).and_then(|part| part.status_client_id);
    vec![
        Field::text("profile", "sandbox"),
        Field::maybe("config_file", None),
        Field::text("provider", provider),
        Field::maybe("environment", None),
        Field::text("base_url", "http://127.0.0.1 (started for each command)"),
        Field::text("auth", "client-secret"),
        Field::maybe("client_id", client_id),
        Field::text("credential_source", Source::Sandbox.name()),
        Field::flag("token_cached", false),
        Field::maybe("token_expires_at", None),
        Field::maybe("keyring", None),
        Field::maybe("credential_env", None),
    ]
}

/// The fields the profile's provider adds (open banking: its consent), through its `Spec` hook.
async fn provider_fields(ctx: &Context<'_>) -> Result<Vec<Field>> {
    let profile = ctx.configured()?;
    let Some(fields) = crate::bank::spec_of(profile)?.status_fields else {
        return Ok(Vec::new());
    };
    Ok(fields(profile, ctx.retry_policy())
        .await?
        .into_iter()
        .map(|(name, value)| Field::maybe(name, value.as_deref()))
        .collect())
}
