//! `treasury logout`: forget a profile's (or every profile's) stored secret and cached token,
//! wherever they are.

use crate::cli::LogoutArgs;
use crate::commands::Context;
use crate::config;
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
    let mut removed_any = !removed_from_file.is_empty();
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
