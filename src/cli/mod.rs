//! Command-line definitions, and nothing else: their doc comments are `--help`, the man page and
//! the completion scripts. The global options and the command list are here; the arguments of
//! the report commands and of the setup commands each have their file.

mod reports;
mod setup;
mod workflow;

pub use reports::*;
use reports::{ACCOUNTS_EXAMPLES, BALANCES_EXAMPLES, POSITION_EXAMPLES};
pub use setup::*;
use setup::{login_examples, COMPLETIONS_HELP, LOGOUT_EXAMPLES, MAN_HELP, STATUS_EXAMPLES};
pub use workflow::*;
use workflow::{CHECK_EXAMPLES, HISTORY_EXAMPLES};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use crate::query::AccountName;

/// Treasury balance reporter: current, prior-day and date-range balances from your bank's
/// balance API, as a table, CSV, JSON or NDJSON.
#[derive(Debug, Parser)]
#[command(
    name = "treasury",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = TOP_EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

const TOP_EXAMPLES: &str = "\
Examples:
  treasury --sandbox balances --prior-day        try it without an account
  treasury login -p uat                          set up a profile (asks for what is missing)
  treasury balances --month 2026-01 --split -o jan.csv

Environment: TREASURY_PROFILE, TREASURY_CONFIG, TREASURY_FORMAT, TREASURY_CLIENT_SECRET,
TREASURY_ACCESS_TOKEN, TREASURY_NO_KEYRING, TREASURY_NO_HISTORY, NO_COLOR, XDG_CONFIG_HOME,
XDG_CACHE_HOME, XDG_DATA_HOME.
Exit codes: 0 ok, 1 internal error, 2 bad input (nothing sent), 3 credentials, 4 bank refused,
5 some accounts failed (report written), 6 bank unreachable or failing, 7 check raised an alert.
Docs: 'treasury man' prints the manual page (man -l <(treasury man)); docs/ in the source tree.";

/// Options every command accepts, before or after the command name.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Profile from the config file [default: the file's default_profile, else "default"]
    #[arg(
        short,
        long,
        global = true,
        help_heading = "Global options",
        env = "TREASURY_PROFILE",
        value_name = "NAME",
        add = ArgValueCompleter::new(crate::complete::profiles)
    )]
    pub profile: Option<String>,

    /// Config file [default: $XDG_CONFIG_HOME/treasury/config.toml]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        env = "TREASURY_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    #[arg(
        long,
        help = sandbox_help(),
        global = true,
        help_heading = "Global options",
        value_name = "PROVIDER",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = crate::bank::DEFAULT_PROVIDER,
        add = ArgValueCompleter::new(crate::complete::sandbox_providers)
    )]
    pub sandbox: Option<String>,

    /// Report format [default: from the --output extension, else $TREASURY_FORMAT, else table]
    #[arg(
        short,
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "FORMAT"
    )]
    pub format: Option<Format>,

    /// Write the report to FILE atomically; on any failure FILE is left as it was
    #[arg(
        short,
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub output: Option<PathBuf>,

    /// When to use colour [default: auto, never when NO_COLOR is set]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "WHEN"
    )]
    pub color: Option<ColorChoice>,

    /// More logs on stderr (-v requests, -vv details); never any secret
    #[arg(short, long, global = true, help_heading = "Global options", action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr, and the per-account errors of a partial report (exit 5)
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,

    /// Seconds to wait for each answer of the bank [default: the profile's timeout_secs, else 60]
    #[arg(long, global = true, value_name = "SECS", help_heading = "Network", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,

    /// Attempts per request on connection errors, timeouts, 429 and 5xx answers
    #[arg(long, global = true, value_name = "N", default_value_t = 3, help_heading = "Network", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub retries: u32,

    /// Longest Retry-After we wait for; a longer one gives up with exit 6
    #[arg(
        long,
        global = true,
        value_name = "SECS",
        default_value_t = 60,
        help_heading = "Network"
    )]
    pub max_wait: u64,

    /// Never prompt (implied when stdin is not a terminal)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_input: bool,

    /// Tables: show every column, even wider than the terminal
    #[arg(long, global = true, help_heading = "Output")]
    pub wide: bool,

    /// Write the report even when it has no row (by default an empty report is refused and
    /// an existing --output file is left as it was)
    #[arg(long, global = true, help_heading = "Output")]
    pub allow_empty: bool,

    /// Tables: TOTAL rows for the last as-of date only, for each as-of date, or none
    #[arg(
        long,
        global = true,
        help_heading = "Output",
        value_enum,
        value_name = "WHICH",
        default_value_t = Totals::Last
    )]
    pub totals: Totals,
}

/// Which per-currency totals a table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Totals {
    /// Totals of the latest as-of date in the report (the closing position)
    Last,
    /// Totals for every as-of date
    Each,
    /// No totals
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Ndjson,
    // Bank files (WORKFLOW.md): balances and position only.
    Bai2,
    Camt052,
    Camt053,
    Mt940,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Store credentials for a profile and verify them
    #[command(after_help = login_examples())]
    Login(LoginArgs),
    /// Forget the profile's stored secret and cached token
    #[command(after_help = LOGOUT_EXAMPLES)]
    Logout(LogoutArgs),
    /// Show the profile, where its credential comes from and when its token expires
    #[command(after_help = STATUS_EXAMPLES)]
    Status,
    /// List the accounts the credentials can see
    #[command(after_help = ACCOUNTS_EXAMPLES)]
    Accounts(AccountsArgs),
    /// Current, prior-day or date-range balances
    #[command(after_help = BALANCES_EXAMPLES)]
    Balances(BalancesArgs),
    /// One cash position across profiles (banks) and currencies, with totals
    #[command(after_help = POSITION_EXAMPLES)]
    Position(PositionArgs),
    /// Balances recorded by earlier runs (no bank called)
    #[command(after_help = HISTORY_EXAMPLES)]
    History(HistoryArgs),
    /// Alert rules and continuity over fresh or recorded balances (exit 7 on an alert)
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) of treasury or of one of its commands
    #[command(after_help = MAN_HELP)]
    Man(ManArgs),
    /// Run the built-in sandbox bank
    #[command(subcommand)]
    Sandbox(SandboxCommand),
}

impl Cli {
    /// Parses the command line, keeping the order of `-a` and `--group` values across both flags.
    pub fn parse_ordered() -> Result<Cli, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().try_get_matches()?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        if let (Command::Balances(args), Some(sub)) =
            (&mut cli.command, matches.subcommand_matches("balances"))
        {
            args.named = named_in_order(sub);
        }
        if let (Command::Position(args), Some(sub)) =
            (&mut cli.command, matches.subcommand_matches("position"))
        {
            args.named = named_in_order(sub);
            // An exported TREASURY_PROFILE picks the profile of single-profile commands; a
            // position still defaults to every profile, so only a typed -p narrows it.
            if sub.value_source("profile") == Some(clap::parser::ValueSource::EnvVariable) {
                args.profiles.clear();
            }
        }
        let from_env = |sub: &clap::ArgMatches| {
            sub.value_source("profile") == Some(clap::parser::ValueSource::EnvVariable)
        };
        if let (Command::History(args), Some(sub)) =
            (&mut cli.command, matches.subcommand_matches("history"))
        {
            args.named = named_in_order(sub);
            if from_env(sub) {
                args.profiles.clear();
            }
        }
        if let (Command::Check(args), Some(sub)) =
            (&mut cli.command, matches.subcommand_matches("check"))
        {
            if from_env(sub) {
                args.profiles.clear();
            }
        }
        Ok(cli)
    }
}

fn named_in_order(matches: &clap::ArgMatches) -> Vec<AccountName> {
    let values = |id: &str, make: fn(String) -> AccountName| -> Vec<(usize, AccountName)> {
        let indices = matches.indices_of(id).into_iter().flatten();
        let values = matches.get_many::<String>(id).into_iter().flatten();
        indices
            .zip(values)
            .map(|(i, v)| (i, make(v.clone())))
            .collect()
    };
    let mut named = values("accounts", AccountName::Account);
    named.extend(values("groups", AccountName::Group));
    named.sort_by_key(|(index, _)| *index);
    named.into_iter().map(|(_, name)| name).collect()
}

/// The help of `--sandbox`, from the provider registry: its default, and another to pick.
fn sandbox_help() -> String {
    let other = crate::bank::PROVIDERS
        .iter()
        .map(|spec| spec.name)
        .find(|name| *name != crate::bank::DEFAULT_PROVIDER)
        .unwrap_or(crate::bank::DEFAULT_PROVIDER);
    format!(
        "Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed); \
         --sandbox={other} picks another provider [default: {}]",
        crate::bank::DEFAULT_PROVIDER
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    /// The CLI states the login's wait without importing the OAuth code: they must agree.
    #[test]
    fn the_login_wait_is_the_browser_logins_default() {
        let cli = Cli::parse_from(["treasury", "login"]);
        let Command::Login(args) = cli.command else {
            panic!("login parses");
        };
        assert_eq!(args.wait, crate::oauth::authcode::DEFAULT_WAIT.as_secs());
        let zero = Cli::try_parse_from(["treasury", "login", "--wait", "0"]);
        assert!(zero.is_err());
    }

    #[test]
    fn accounts_and_groups_keep_the_order_typed() {
        let matches = Cli::command()
            .try_get_matches_from([
                "treasury", "balances", "-a", "1", "--group", "emea", "-a", "2",
            ])
            .unwrap();
        let named = named_in_order(matches.subcommand_matches("balances").unwrap());
        assert_eq!(
            named,
            vec![
                AccountName::Account("1".into()),
                AccountName::Group("emea".into()),
                AccountName::Account("2".into())
            ]
        );
    }
}
