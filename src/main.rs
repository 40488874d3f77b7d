//! `treasury`: parse the command line, dispatch to the command, print any error with its hint,
//! and turn the outcome into the exit code.

#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use treasury::cli::{Cli, Command, SandboxCommand};
use treasury::commands::{self, Context};
use treasury::error::{self, Error, Outcome, Result};
use treasury::term::{self, Term};

fn main() -> ExitCode {
    // A shell asking for completions (COMPLETE=<shell>) is answered here, and the process ends.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command)
        .var(commands::completions::COMPLETE_ENV)
        .complete();
    let cli = match Cli::parse_ordered() {
        Ok(cli) => cli,
        Err(err) => {
            term::print_clap_error(&err);
            return ExitCode::from(error::clap_exit_code(&err));
        }
    };
    let term = Term::new(&cli.global);
    term.init_logging(cli.global.verbose);
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(e.into()))
        .and_then(|runtime| runtime.block_on(dispatch(&cli, &term)));
    match outcome {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            term.error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

async fn dispatch(cli: &Cli, term: &Term) -> Result<Outcome> {
    let mut ctx = Context::new(&cli.global, term);
    match &cli.command {
        Command::Login(args) => commands::login::run(&mut ctx, args).await,
        Command::Logout(args) => commands::logout::run(&mut ctx, args).await,
        Command::Status => commands::status::run(&mut ctx).await,
        Command::Accounts(args) => commands::accounts::run(&mut ctx, args).await,
        Command::Balances(args) => commands::balances::run(&mut ctx, args).await,
        Command::Completions(args) => commands::completions::run(&ctx, args),
        Command::Man(args) => commands::man::run(&ctx, args),
        Command::Sandbox(SandboxCommand::Serve(args)) => commands::sandbox::serve(&ctx, args).await,
    }
}
