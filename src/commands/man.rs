//! `treasury man`: print the manual page of treasury or of one of its commands, generated from
//! the same definitions as `--help`, so a `cargo install` has its manual without docs/.

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::commands::Context;
use crate::error::{Error, Outcome, Result};

/// The roff page of `treasury` (no name) or of a command (`balances`, `sandbox serve`).
pub fn page(command: Option<&str>) -> Result<String> {
    let target = command_of(command)?;
    let mut text = Vec::new();
    clap_mangen::Man::new(target)
        .render(&mut text)
        .map_err(|e| Error::Internal(e.into()))?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// The command a page is about, or a usage error naming the known ones.
fn command_of(command: Option<&str>) -> Result<clap::Command> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut target = cmd;
    for word in command.unwrap_or_default().split_whitespace() {
        let known: Vec<String> = target
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        target = match target.find_subcommand(word) {
            Some(sub) => sub.clone(),
            None => {
                return Err(Error::usage_hint(
                    format!("no manual page for '{word}'"),
                    format!("give one of: {}", known.join(", ")),
                ))
            }
        };
    }
    Ok(target)
}

/// On a terminal the page is shown by `man` (or, without it, as the command's long help);
/// piped, it is the roff source, for `man -l -` or a file.
pub fn run(ctx: &Context<'_>, args: &ManArgs) -> Result<Outcome> {
    let roff = page(args.command.as_deref())?;
    let help = || {
        command_of(args.command.as_deref())
            .map(|mut cmd| cmd.render_long_help().to_string())
            .unwrap_or_default()
    };
    ctx.term.manual(&roff, help)?;
    Ok(Outcome::Complete)
}
