//! `treasury logout`: what the profile's provider ends at the bank first (its `Spec` hook: a
//! consent deleted, a login revoked), then the stored secrets and tokens forgotten, wherever they are.

use crate::bank::provider::Said;
use crate::cli::LogoutArgs;
use crate::commands::Context;
use crate::config::{self, ConfigFile};
use crate::credentials::{self, file, keyring};
use crate::error::{Outcome, Result};

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

/// What the profile's provider ends at the bank (open banking: the consent; Chase: the login,
/// revoked), through its `Spec` hook; whether it said anything.
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
