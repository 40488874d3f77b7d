//! `treasury accounts`: list the accounts the credentials can see, from the cache while it is
//! fresh, and refresh the cache.

use chrono::Utc;

use crate::cli::AccountsArgs;
use crate::commands::Context;
use crate::error::{Outcome, Result};
use crate::output::Document;

pub async fn run(ctx: &mut Context<'_>, args: &AccountsArgs) -> Result<Outcome> {
    let sink = ctx.open_sink()?;
    let cached = match args.refresh {
        true => None,
        false => ctx.cached_accounts().filter(|c| c.is_fresh(Utc::now())),
    };
    let accounts = match cached {
        Some(cache) => {
            tracing::info!(
                "account list from the cache fetched at {}",
                cache.fetched_at
            );
            cache.accounts
        }
        None => {
            let accounts = ctx.connect().await?.accounts().await?;
            ctx.store_accounts(&accounts);
            accounts
        }
    };
    ctx.emit(sink, &Document::Accounts(&accounts), accounts.len())?;
    Ok(Outcome::Complete)
}
