//! The arguments of the report commands: `accounts`, `balances`, `position`.

use std::path::PathBuf;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use crate::query::AccountName;

pub(super) const BALANCES_EXAMPLES: &str = "\
Examples:
  treasury --sandbox balances --prior-day
  treasury balances --from 2026-01-01 --to 2026-01-31 -a 02100002/000000010013324 -o jan.csv
  treasury accounts -f csv | grep GBP | treasury balances --accounts-file - --prior-day

Limits checked before sending (exit 2): at most 31 days between --from and --to, at most 200
accounts, no --current/--prior-day together with dates.
Exit codes: 0 ok, 2 bad input, 3 credentials, 4 bank refused, 5 some accounts failed, 6 bank unreachable.";

pub(super) const ACCOUNTS_EXAMPLES: &str = "\
The API has no accounts endpoint: the list comes from an empty balance request, and is cached
for an hour per profile ($XDG_CACHE_HOME/treasury/accounts/). The cache also fills in the bank
id of accounts given to `balances` without one.

Examples:
  treasury --sandbox accounts
  treasury accounts -f csv --refresh > accounts.csv
  treasury accounts -f csv | grep GBP | treasury balances --accounts-file - --prior-day";

#[derive(Debug, Args)]
pub struct AccountsArgs {
    /// Ask the bank even when the cached list is less than an hour old
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, Args)]
pub struct BalancesArgs {
    /// Current-day (intraday) balances; the default
    #[arg(long, help_heading = "Dates")]
    pub current: bool,

    /// Prior-day balances, by each account's own timezone
    #[arg(long, help_heading = "Dates")]
    pub prior_day: bool,

    /// First date, ISO (2026-01-31); alone it means --to = DATE + 31 days
    #[arg(long, value_name = "DATE", help_heading = "Dates")]
    pub from: Option<String>,

    /// Last date, inclusive; alone it means --from = DATE - 31 days
    #[arg(long, value_name = "DATE", help_heading = "Dates")]
    pub to: Option<String>,

    /// A calendar month (2026-01)
    #[arg(long, value_name = "YYYY-MM", help_heading = "Dates")]
    pub month: Option<String>,

    #[command(flatten)]
    pub selection: AccountSelection,

    /// Cut an oversized request into valid ones (31-day windows, 200-account batches) and merge
    #[arg(long)]
    pub split: bool,

    /// Requests in flight at once with --split
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Print the request bodies that would be sent, one JSON object per line, and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Finicity: read each deposit account's available balance live from the institution
    /// (one billed call per account) instead of the last aggregation
    #[arg(long)]
    pub live: bool,

    /// `-a` and `--group` values in the order typed (filled by `Cli::parse_ordered`).
    #[arg(skip)]
    pub named: Vec<AccountName>,
}

pub(super) const POSITION_EXAMPLES: &str = "\
Each -p names one profile (one bank's credentials); without -p every profile of the config
file is fetched, at once. With --sandbox: every provider the sandbox serves.

Examples:
  treasury --sandbox position
  treasury position -p us -p emea
  treasury position -p us -p emea --in EUR --rates eurofxref.csv
  treasury position -p us -p emea --max-age 36h -f json -o position.json
  treasury position --in EUR --rates eurofxref.csv --totals-only -f csv

Rates file: CURRENCY,RATE lines (units of CURRENCY per 1 unit of the --in currency), or the
ECB eurofxref.csv as it comes. Rounded once, half-even, at the total. docs/position.md.
Exit codes: 0 ok, 2 bad input or a currency without a rate, 5 a profile failed, accounts failed
or rows are stale, else the failing profile's own code when every profile failed.";

#[derive(Debug, Args)]
pub struct PositionArgs {
    /// A profile to include; repeat for each bank [default: every profile in the config file]
    // Same id as the global -p: clap then does not propagate the global one into this
    // command, so here -p repeats (position -p us -p emea) and elsewhere it stays single.
    #[arg(
        short = 'p',
        long = "profile",
        id = "profile",
        value_name = "NAME",
        action = clap::ArgAction::Append,
        add = ArgValueCompleter::new(crate::complete::profiles)
    )]
    pub profiles: Vec<String>,

    /// Current-day (intraday) balances; the default
    #[arg(long, help_heading = "Dates", conflicts_with = "prior_day")]
    pub current: bool,

    /// Prior-day balances, refused unless every chosen provider serves them
    #[arg(long, help_heading = "Dates")]
    pub prior_day: bool,

    /// Account id, BANK_ID/ACCOUNT_ID or alias, in every profile; repeat for more [default: all]
    #[arg(
        short,
        long = "account",
        value_name = "[BANK_ID/]ACCOUNT_ID",
        help_heading = "Accounts"
    )]
    pub accounts: Vec<String>,

    /// A group of accounts of each profile; repeat for more
    #[arg(long = "group", value_name = "NAME", help_heading = "Accounts")]
    pub groups: Vec<String>,

    /// Also convert into CURRENCY (ISO 4217, such as EUR) and give a grand total; needs --rates
    #[arg(
        long = "in",
        value_name = "CURRENCY",
        requires = "rates",
        help_heading = "Currency"
    )]
    pub reporting: Option<String>,

    /// Exchange rates (CURRENCY,RATE lines or the ECB eurofxref.csv); - reads stdin
    #[arg(
        long,
        value_name = "FILE",
        requires = "reporting",
        help_heading = "Currency"
    )]
    pub rates: Option<PathBuf>,

    /// Leave currencies without a rate out of the grand total instead of refusing (exit 2)
    #[arg(long, requires = "reporting", help_heading = "Currency")]
    pub skip_unrated: bool,

    /// Mark rows recorded longer ago as stale (exit 5): 45s, 90m, 36h, 2d
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,

    /// Print only the totals, as rows
    #[arg(long)]
    pub totals_only: bool,

    /// Also the change of each total since DATE (or Nd: N days before the newest as-of
    /// date), against the latest recorded row of each account on or before it
    #[arg(long, value_name = "DATE|Nd")]
    pub since: Option<String>,

    /// Profiles fetched at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Print each profile's request bodies, one JSON object per line, and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// `-a` and `--group` values in the order typed (filled by `Cli::parse_ordered`).
    #[arg(skip)]
    pub named: Vec<AccountName>,
}

/// Which accounts: `-a` ids or aliases, `--accounts-file`, `--group` (balances and history).
#[derive(Debug, Default, Args)]
pub struct AccountSelection {
    /// Account id, BANK_ID/ACCOUNT_ID or alias; repeat for more [default: all accounts]
    #[arg(
        short,
        long = "account",
        value_name = "[BANK_ID/]ACCOUNT_ID",
        help_heading = "Accounts",
        add = ArgValueCompleter::new(crate::complete::aliases)
    )]
    pub accounts: Vec<String>,

    /// Accounts from a file (one per line, or CSV with an account_id column); - for stdin
    #[arg(long, value_name = "FILE", help_heading = "Accounts")]
    pub accounts_file: Option<PathBuf>,

    /// A group of accounts from the profile; repeat for more
    #[arg(long = "group", value_name = "NAME", help_heading = "Accounts",
          add = ArgValueCompleter::new(crate::complete::groups))]
    pub groups: Vec<String>,
}
