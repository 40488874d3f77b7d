//! `treasury logout`: forget a profile's (or every profile's) stored secret and cached token,
//! wherever they are.

use crate::bank::provider::{LoginKind, Said};
use crate::cli::LogoutArgs;
use crate::commands::Context;
use crate::config::{self, ConfigFile};
use crate::credentials::{self, file, keyring, Store};
use crate::error::{Outcome, Result};
use crate::http::{Http, TlsSettings};
use crate::oauth::authcode;

pub async fn run(ctx: &mut Context<'_>, args: &LogoutArgs) -> Result<Outcome> {
    ctx.refuse_sandbox("logout")?;
    let (config_file, _, name) = ctx.config_and_name()?;
    let credentials_path = config::credentials_path()?;
    let mut profiles: Vec<String> = match args.all {
        true => config_file.profiles.keys().cloned().collect(),
        false => vec![name.clone()],
    };
    // The bank's part goes first: deleting a consent there needs the client secret forgotten below.
    let mut removed_any = false;
    for profile in &profiles {
        removed_any |= end_at_bank(ctx, &config_file, profile).await?;
        revoke_login(ctx, &config_file, profile).await;
    }
    let removed_from_file = file::remove(&credentials_path, (!args.all).then_some(name.as_str()))?;
    for profile in &removed_from_file {
        ctx.term.note(&format!(
            "Removed profile '{profile}' from {}",
            credentials_path.display()
        ));
        if !profiles.contains(profile) {
            profiles.push(profile.clone());
        }
    }
    removed_any |= !removed_from_file.is_empty();
    for profile in &profiles {
        for (entry, what) in [
            (profile.clone(), "client secret"),
            (credentials::token_entry(profile), "cached token"),
            (credentials::login::refresh_entry(profile), "refresh token"),
        ] {
            match keyring::delete(&entry) {
                Ok(true) => {
                    removed_any = true;
                    ctx.term.note(&format!(
                        "Removed the {what} of profile '{profile}' from the OS keyring"
                    ));
                }
                Ok(false) => {}
                Err(e) => tracing::info!("{e}"),
            }
        }
    }
    if !removed_any {
        let which = if args.all {
            "any profile".to_string()
        } else {
            format!("profile '{name}'")
        };
        ctx.term.note(&format!("Nothing was stored for {which}."));
    }
    Ok(Outcome::Complete)
}

/// A browser login (Chase) ends at the bank too where the profile names an RFC 7009
/// revocation endpoint (`revoke_url`); otherwise the person is told it lives on there.
async fn revoke_login(ctx: &Context<'_>, file: &ConfigFile, name: &str) {
    let Ok(LoginKind::Browser(endpoints)) =
        crate::bank::provider_of_named(file, name).map(|s| s.login)
    else {
        return;
    };
    let Ok(profile) = ctx.profile_named(name) else {
        return;
    };
    let stored = [
        Some(Store::Keyring),
        config::credentials_path().ok().map(Store::File),
    ]
    .into_iter()
    .flatten()
    .find_map(|store| store.load_login(name).ok().flatten());
    let Some(stored) = stored else {
        return;
    };
    let ends = stored.refresh_expires_at.map_or_else(
        || "until it expires".to_string(),
        |at| format!("until {}", at.format("%Y-%m-%d")),
    );
    let Some(revoke_url) = profile.settings.get("revoke_url") else {
        ctx.term.warn(&format!(
            "profile '{name}' has no revoke_url, so its login lives on at the bank {ends} unless you revoke the app's access there; it is forgotten here"
        ));
        return;
    };
    let revoked = async {
        let url = config::checked_url(name, "revoke_url", revoke_url)?;
        let login = endpoints(&profile)?;
        let tls = TlsSettings::load(profile.ca_cert.as_deref(), None)?;
        let http = Http::new(profile.timeout, ctx.retry_policy(), &tls)?;
        authcode::revoke(&http, &login, &url, &stored.refresh_token).await
    };
    match revoked.await {
        Ok(()) => ctx.term.note(&format!(
            "Revoked the login of profile '{name}' at the bank"
        )),
        Err(e) => ctx.term.warn(&format!(
            "could not revoke the login of profile '{name}' at the bank ({e}); it lives on there {ends} unless you revoke the app's access there; it is forgotten here"
        )),
    }
}

/// What the profile's provider ends at the bank (open banking: the consent), through its `Spec`
/// hook; whether there was anything to end.
async fn end_at_bank(ctx: &Context<'_>, file: &ConfigFile, name: &str) -> Result<bool> {
    let Some(step) = crate::bank::provider_of_named(file, name)
        .ok()
        .and_then(|spec| spec.logout)
    else {
        return Ok(false);
    };
    let said = step(name, ctx.profile_named(name), ctx.retry_policy()).await?;
    for line in &said {
        match line {
            Said::Note(text) => ctx.term.note(text),
            Said::Warn(text) => ctx.term.warn(text),
        }
    }
    Ok(!said.is_empty())
}
