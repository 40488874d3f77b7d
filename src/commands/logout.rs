//! `treasury logout`: forget a profile's (or every profile's) stored secret and cached token,
//! wherever they are.

use crate::bank::openbanking::{self, state};
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
    // The consent goes first: deleting it at the bank needs the client secret forgotten below.
    let mut removed_any = false;
    for profile in &profiles {
        removed_any |= forget_consent(ctx, &config_file, profile).await?;
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

/// An open-banking profile's recorded consent: deleted at the bank, then forgotten here, also
/// when the bank cannot be reached (said so: the consent then ends on its own at its expiry).
async fn forget_consent(ctx: &Context<'_>, file: &ConfigFile, name: &str) -> Result<bool> {
    let is_open_banking =
        config::provider_of_named(file, name).is_ok_and(|spec| spec.name == openbanking::NAME);
    if !is_open_banking {
        return Ok(false);
    }
    let Some(recorded) = state::load(name)? else {
        return Ok(false);
    };
    let id = &recorded.consent_id;
    let deleted = match ctx.profile_named(name) {
        Ok(profile) => match credentials::client_access(&profile)
            .and_then(|access| openbanking::consents(&profile, access, ctx.retry_policy()))
        {
            Ok(consents) => consents.delete(id).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match deleted {
        Ok(()) => ctx
            .term
            .note(&format!("Deleted consent {id} of profile '{name}' at the bank")),
        Err(e) => ctx.term.warn(&format!(
            "could not delete consent {id} of profile '{name}' at the bank ({e}); it is forgotten here only and ends at its expiry unless revoked at the bank"
        )),
    }
    state::forget(name)?;
    ctx.term
        .note(&format!("Forgot the consent record of profile '{name}'"));
    Ok(true)
}
