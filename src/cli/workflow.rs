//! The arguments of the commands over recorded balances: `history` and `check`.

use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCompleter;

use super::reports::AccountSelection;
use crate::query::AccountName;

pub(super) const HISTORY_EXAMPLES: &str = "\
Every balances and position run records its rows in $XDG_DATA_HOME/treasury/history.sqlite3
(history = false in the config file, or TREASURY_NO_HISTORY=1, stops that). No bank is called.

Examples:
  treasury history -p uat --from 2026-03-01 --change
  treasury history -a ops-usd -f csv -o ops-usd.csv
  treasury history prune --before 2025-01-01
  treasury history --path

Exit codes: 0 ok, 2 bad input, 4 nothing recorded for what was asked.";

pub(super) const CHECK_EXAMPLES: &str = "\
Rules are [[alerts]] tables of the config file (docs/check.md). One line per alert on stdout.

Examples:
  treasury check
  treasury check --prior-day -f json
  treasury check --from-history          # the latest recorded rows, no bank called
  treasury check --changes-only || mail -s 'treasury alert' ops@example.com

Exit codes: 0 no alert, 7 at least one alert, else the failure's own code (2, 3, 4, 6): a fetch
that failed is never \"no alert\".";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,

    /// Only rows fetched by this profile; repeat for more [default: every profile]
    #[arg(
        short = 'p',
        long = "profile",
        id = "profile",
        value_name = "NAME",
        action = clap::ArgAction::Append,
        add = ArgValueCompleter::new(crate::complete::profiles)
    )]
    pub profiles: Vec<String>,

    /// First as-of date, ISO (2026-01-31)
    #[arg(long, value_name = "DATE", help_heading = "Dates")]
    pub from: Option<String>,

    /// Last as-of date, inclusive
    #[arg(long, value_name = "DATE", help_heading = "Dates")]
    pub to: Option<String>,

    #[command(flatten)]
    pub selection: AccountSelection,

    /// Append each amount's change against the account's previous stored as-of date
    #[arg(long)]
    pub change: bool,

    /// Print where the history file is, and nothing else
    #[arg(long)]
    pub path: bool,

    /// `-a` and `--group` values in the order typed (filled by `Cli::parse_ordered`).
    #[arg(skip)]
    pub named: Vec<AccountName>,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Delete recorded rows with an as-of date before DATE
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Rows dated before this day (ISO, 2026-01-01) are deleted; that day is kept
    #[arg(long, value_name = "DATE", required = true)]
    pub before: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check only the rules of this profile; repeat for more [default: every rule]
    #[arg(
        short = 'p',
        long = "profile",
        id = "profile",
        value_name = "NAME",
        action = clap::ArgAction::Append,
        add = ArgValueCompleter::new(crate::complete::profiles)
    )]
    pub profiles: Vec<String>,

    /// Prior-day balances instead of current ones
    #[arg(long, conflicts_with = "from_history")]
    pub prior_day: bool,

    /// The latest recorded rows of each account: no bank is called
    #[arg(long)]
    pub from_history: bool,

    /// Print only alerts the previous check did not raise, and CLEARED for those gone;
    /// exit 7 only when something new was raised
    #[arg(long)]
    pub changes_only: bool,
}
