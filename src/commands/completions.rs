//! `treasury completions`: print the completion script of a shell, generated from the same
//! definitions as `--help`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::Context;
use crate::error::{Outcome, Result};

/// The completion script for a shell, as text.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "treasury", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

pub fn run(ctx: &Context<'_>, args: &CompletionsArgs) -> Result<Outcome> {
    ctx.term.print(&script(args.shell))?;
    Ok(Outcome::Complete)
}
