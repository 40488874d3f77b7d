//! `treasury completions`: print the completion script of a shell, generated from the same
//! definitions as `--help`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::Context;
use crate::error::{Outcome, Result};

/// The environment variable through which a shell asks `treasury` for completions.
pub const COMPLETE_ENV: &str = "COMPLETE";

/// The completion script for a shell, as text: it registers `treasury` as its own completer,
/// so values from the config file (profiles, aliases, groups) complete too.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    let name = Cli::command().get_name().to_string();
    let registered = clap_complete::env::Shells::builtins()
        .completer(&shell.to_string())
        .map(|completer| completer.write_registration(COMPLETE_ENV, &name, &name, &name, &mut out));
    match registered {
        // Bash splits `--sandbox=fi` at `=`: the line as typed goes along, to be rejoined.
        Some(Ok(())) if shell == clap_complete::Shell::Bash => String::from_utf8_lossy(&out)
            .replace(
                "        COMPLETE=\"bash\" \\\n",
                &format!(
                    "        {}=\"${{COMP_LINE:0:COMP_POINT}}\" \\\n        COMPLETE=\"bash\" \\\n",
                    crate::complete::BASH_LINE_VAR
                ),
            ),
        Some(Ok(())) => String::from_utf8_lossy(&out).into_owned(),
        // A shell clap_complete cannot complete dynamically gets the static script.
        _ => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), name, &mut out);
            String::from_utf8_lossy(&out).into_owned()
        }
    }
}

pub fn run(ctx: &Context<'_>, args: &CompletionsArgs) -> Result<Outcome> {
    ctx.term.print(&script(args.shell))?;
    Ok(Outcome::Complete)
}
