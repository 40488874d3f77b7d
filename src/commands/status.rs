//! `treasury status`: the profile in use, where its credential comes from and when its cached
//! token expires; for open banking also its consent, as the bank has it (the one request
//! status makes) or as recorded when the bank cannot be reached. Never the secret or the token.

use chrono::Utc;

use crate::commands::Context;
use crate::config;
use crate::credentials::{self, KeyringError, Source, Store};
use crate::error::{Outcome, Result};
use crate::output::{Document, Field};

pub async fn run(ctx: &mut Context<'_>) -> Result<Outcome> {
    let sink = ctx.open_sink()?;
    let fields = if ctx.global.sandbox.is_some() {
        sandbox_fields(ctx.provider()?.name)
    } else {
        let mut fields = profile_fields(ctx)?;
        fields.extend(consent_fields(ctx).await?);
        fields
    };
    // The history store and the profile's read budget (docs/history.md).
    let mut fields = fields;
    fields.extend(super::record::status_fields(
        ctx,
        ctx.profile().ok().as_ref(),
    ));
    ctx.emit(sink, &Document::Fields(&fields), fields.len())?;
    Ok(Outcome::Complete)
}

fn profile_fields(ctx: &Context) -> Result<Vec<Field>> {
    let (file, path, name) = ctx.config_and_name()?;
    let profile = crate::bank::resolve(&file, &name, &path)?;
    if profile.provider.browser_login {
        return login_fields(&name, &path, &profile);
    }
    let status = credentials::status(&profile)?;
    let now = Utc::now();
    let token = status.token.as_ref();
    let keyring = match &status.keyring {
        Ok(()) => "available".to_string(),
        Err(KeyringError::Unavailable(why)) => format!("unavailable ({why})"),
        Err(KeyringError::Failed(why)) => format!("failing ({why})"),
    };
    Ok(vec![
        Field::text("profile", &name),
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
    let jpmorgan = provider == crate::bank::jpmorgan::SPEC.name;
    vec![
        Field::text("profile", "sandbox"),
        Field::maybe("config_file", None),
        Field::text("provider", provider),
        Field::maybe("environment", None),
        Field::text("base_url", "http://127.0.0.1 (started for each command)"),
        Field::text("auth", "client-secret"),
        Field::maybe("client_id", jpmorgan.then_some(crate::sandbox::CLIENT_ID)),
        Field::text("credential_source", Source::Sandbox.name()),
        Field::flag("token_cached", false),
        Field::maybe("token_expires_at", None),
        Field::maybe("keyring", None),
        Field::maybe("credential_env", None),
    ]
}

/// An open-banking profile's consent: id, status and expiry from
/// `GET /account-access-consents/{id}`, else the recorded expiry, saying why.
async fn consent_fields(ctx: &Context<'_>) -> Result<Vec<Field>> {
    use crate::bank::openbanking::{self, state};
    let profile = ctx.profile()?;
    if profile.provider.name != openbanking::NAME {
        return Ok(Vec::new());
    }
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let Some(recorded) = state::load(&profile.name)? else {
        return Ok(vec![
            Field::maybe("consent_id", None),
            Field::text("consent_status", "none recorded: run 'treasury login'"),
            Field::maybe("consent_expires_at", None),
        ]);
    };
    let asked = match credentials::client_access(&profile) {
        Ok(access) => match openbanking::consents(&profile, access, ctx.retry_policy()) {
            Ok(consents) => consents.get(&recorded.consent_id).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    if let Ok(consent) = &asked {
        state::note_bank_expiry(
            &profile.name,
            &recorded,
            consent.expiration_date_time.as_deref(),
        );
    }
    let (status, expires) = match asked {
        Ok(consent) => (
            consent.status,
            consent
                .expiration_date_time
                .or(recorded.expires_at.map(time)),
        ),
        Err(e) => (
            format!(
                "unknown (the bank could not be asked: {e}); the expiry shown is the recorded one"
            ),
            recorded.expires_at.map(time),
        ),
    };
    Ok(vec![
        Field::text("consent_id", &recorded.consent_id),
        Field::text("consent_status", &status),
        Field::maybe("consent_expires_at", expires.as_deref()),
    ])
}
