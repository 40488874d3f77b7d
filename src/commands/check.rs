//! `treasury check`: alert rules and continuity over fresh or recorded balances.

use crate::cli::CheckArgs;
use crate::commands::Context;
use crate::error::{Error, Outcome, Result};

pub async fn run(_ctx: &mut Context<'_>, _args: &CheckArgs) -> Result<Outcome> {
    Err(Error::usage("treasury check is not built yet"))
}
