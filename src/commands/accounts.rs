//! `treasury accounts`: list the accounts the credentials can see.

use crate::cli::AccountsArgs;
use crate::commands::Context;
use crate::error::{Outcome, Result};
use crate::output::Document;

pub async fn run(ctx: &mut Context<'_>, _args: &AccountsArgs) -> Result<Outcome> {
    let sink = ctx.open_sink()?;
    let bank = ctx.connect().await?;
    let accounts = bank.accounts().await?;
    ctx.emit(sink, &Document::Accounts(&accounts), accounts.len())?;
    Ok(Outcome::Complete)
}
