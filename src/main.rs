//! `treasury`: parse the command line, dispatch to the command, print any error with its hint,
//! and turn the outcome into the exit code.

#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use treasury::atomic;
use treasury::cli::{Cli, Command, SandboxCommand};
use treasury::commands::{self, Context};
use treasury::credentials;
use treasury::error::{self, Error, Outcome, Result};
use treasury::term::{self, Term};

fn main() -> ExitCode {
    keep_the_heap_small();
    // A shell asking for completions (COMPLETE=<shell>) is answered here, and the process ends.
    if let Some(answer) = treasury::complete::answer_shell(
        <Cli as clap::CommandFactory>::command,
        commands::completions::COMPLETE_ENV,
    ) {
        term::write_completions(&answer);
        return ExitCode::SUCCESS;
    }
    let cli = match Cli::parse_ordered() {
        Ok(cli) => cli,
        Err(err) => {
            term::print_clap_error(&err);
            return ExitCode::from(error::clap_exit_code(&err));
        }
    };
    let term = Term::new(&cli.global);
    credentials::lock::tell_waits_with(term::waiting_for_lock);
    term.init_logging(cli.global.verbose);
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(e.into()))
        .and_then(|runtime| {
            remove_temporaries_on_panic();
            if writes_report(&cli.command) {
                runtime.spawn(remove_temporaries_on_signal());
            }
            runtime.block_on(dispatch(&cli, &term))
        });
    // A signal that arrived during a refresh waited for it; the run may have finished first,
    // but it still ends as the signal asked.
    if let Some(terminated) = atomic::signalled() {
        let _held = atomic::remove_pending();
        term::interrupted(terminated);
        return ExitCode::from(error::signal_exit_code(terminated));
    }
    match outcome {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            term.error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

/// The commands that write reports, and so may leave a temporary file when interrupted.
/// Others keep the default signal handling (`sandbox serve` and `login` handle Ctrl-C
/// themselves, the latter to restore the terminal).
fn writes_report(command: &Command) -> bool {
    matches!(
        command,
        Command::Balances(_) | Command::Accounts(_) | Command::Position(_) | Command::History(_)
    )
}

/// On SIGINT or SIGTERM: remove the temporary report file, say so, exit 130 or 143.
async fn remove_temporaries_on_signal() {
    #[cfg(unix)]
    let terminated = {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        tokio::select! {
            _ = int.recv() => false,
            _ = term.recv() => true,
        }
    };
    #[cfg(not(unix))]
    let terminated = {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        false
    };
    // A refresh under way finishes storing its rotated token first.
    atomic::finish_deferred(terminated).await;
    let _held = atomic::remove_pending();
    term::interrupted(terminated);
    std::process::exit(error::signal_exit_code(terminated).into());
}

/// A panic unwinds and drops its temporary files, except in threads that never return; the
/// hook removes them all first.
fn remove_temporaries_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        drop(atomic::remove_pending());
        previous(info);
    }));
}

async fn dispatch(cli: &Cli, term: &Term) -> Result<Outcome> {
    let mut ctx = Context::new(&cli.global, term);
    match &cli.command {
        Command::Login(args) => commands::login::run(&mut ctx, args).await,
        Command::Logout(args) => commands::logout::run(&mut ctx, args).await,
        Command::Status => commands::status::run(&mut ctx).await,
        Command::Accounts(args) => commands::accounts::run(&mut ctx, args).await,
        Command::Balances(args) => commands::balances::run(&mut ctx, args).await,
        Command::Position(args) => commands::position::run(&mut ctx, args).await,
        Command::History(args) => commands::history::run(&mut ctx, args).await,
        Command::Check(args) => commands::check::run(&mut ctx, args).await,
        Command::Completions(args) => commands::completions::run(&ctx, args),
        Command::Man(args) => commands::man::run(&ctx, args),
        Command::Sandbox(SandboxCommand::Serve(args)) => commands::sandbox::serve(&ctx, args).await,
    }
}

/// glibc's allocator, tuned before any thread starts: large buffers (a bank's answer, the account
/// list) are mapped and unmapped on their own instead of growing the heap, where they left holes
/// the process kept; and two arenas instead of one per thread. A 100,000-account export peaks
/// at about 43 MB instead of 63 MB (benches/README.md). A `MALLOC_*` variable the user set wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_the_heap_small() {
    const MAPPED_FROM_BYTES: libc::c_int = 128 * 1024;
    const ARENAS: libc::c_int = 2;
    let set = |name: &str| std::env::var_os(name).is_some();
    // SAFETY: mallopt only sets allocator parameters; it is called before any thread exists.
    unsafe {
        if !set("MALLOC_MMAP_THRESHOLD_") {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED_FROM_BYTES);
        }
        if !set("MALLOC_ARENA_MAX") {
            libc::mallopt(libc::M_ARENA_MAX, ARENAS);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_the_heap_small() {}
