//! Command-line definitions, and nothing else: their doc comments are `--help`, the man page and
//! the completion scripts.

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
TREASURY_ACCESS_TOKEN, TREASURY_NO_KEYRING, NO_COLOR, XDG_CONFIG_HOME, XDG_CACHE_HOME.
Exit codes: 0 ok, 1 internal error, 2 bad input (nothing sent), 3 credentials, 4 bank refused,
5 some accounts failed (report written), 6 bank unreachable or failing.
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

    /// Talk to the built-in sandbox bank on 127.0.0.1 (no config or credentials needed);
    /// --sandbox=finicity picks another provider [default: jpmorgan]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PROVIDER",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "jpmorgan"
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

    /// Only errors on stderr
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
    #[command(after_help = LOGIN_EXAMPLES)]
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

const MAN_HELP: &str = "\
Examples:
  treasury man | man -l -
  treasury man balances > ~/.local/share/man/man1/treasury-balances.1";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print [default: treasury itself]
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

const BALANCES_EXAMPLES: &str = "\
Examples:
  treasury --sandbox balances --prior-day
  treasury balances --from 2026-01-01 --to 2026-01-31 -a 02100002/000000010013324 -o jan.csv
  treasury accounts -f csv | grep GBP | treasury balances --accounts-file - --prior-day

Limits checked before sending (exit 2): at most 31 days between --from and --to, at most 200
accounts, no --current/--prior-day together with dates.
Exit codes: 0 ok, 2 bad input, 3 credentials, 4 bank refused, 5 some accounts failed, 6 bank unreachable.";

const ACCOUNTS_EXAMPLES: &str = "\
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

    /// Cut an oversized request into valid ones (31-day windows, 200-account batches) and merge
    #[arg(long)]
    pub split: bool,

    /// Requests in flight at once with --split
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Print the request bodies that would be sent, one JSON object per line, and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// `-a` and `--group` values in the order typed (filled by `Cli::parse_ordered`).
    #[arg(skip)]
    pub named: Vec<AccountName>,
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

const LOGIN_EXAMPLES: &str = "\
The secret is looked up in this order: TREASURY_CLIENT_SECRET, the profile's
client_secret_command, the OS keyring, the owner-only credentials file
($XDG_CONFIG_HOME/treasury/credentials.toml). TREASURY_ACCESS_TOKEN skips all of them.

Examples:
  treasury login -p uat --environment uat --client-id ID --token-url https://id.example/oauth2/token
  printf '%s' \"$SECRET\" | treasury login -p uat --client-secret-stdin --store file --no-input
  treasury login -p prod --auth mtls --environment prod --cert client.crt --key client.key";

const LOGOUT_EXAMPLES: &str = "\
Removes the client secret and cached token from the OS keyring and from the credentials file;
the profile's settings stay in the config file. A secret in TREASURY_CLIENT_SECRET or a
client_secret_command is not stored by treasury, so there is nothing to forget.

Examples:
  treasury logout -p uat
  treasury logout --all";

const STATUS_EXAMPLES: &str = "\
Sends nothing and never prints a secret or token. credential_source is one of env, command,
keyring, file, key-file, sandbox or none.

Examples:
  treasury status -p uat
  treasury status -f json | jq -r .token_expires_at";

const SANDBOX_EXAMPLES: &str = "\
Client id and secret are sandbox/sandbox; it prints a profile to paste into your config.

Examples:
  treasury sandbox serve --port 8080 --accounts 500
  treasury sandbox serve --port 0 --accounts 10000      (any free port; benchmarks)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    /// The OS keyring (Secret Service, keyutils, Keychain, Credential Manager)
    Keyring,
    /// The owner-only file $XDG_CONFIG_HOME/treasury/credentials.toml
    File,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// OAuth client id
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,

    /// Read the client secret from stdin (first line) instead of prompting
    #[arg(long)]
    pub client_secret_stdin: bool,

    /// OAuth token endpoint (https, or http on a loopback host)
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,

    /// API root, overriding the environment's documented host
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Which documented J.P. Morgan hosts to use
    #[arg(long, value_enum)]
    pub environment: Option<crate::config::Environment>,

    /// How to authenticate [default: client-secret]
    #[arg(long, value_enum)]
    pub auth: Option<crate::config::AuthMode>,

    /// Client certificate, PEM (private-key-jwt and mtls)
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,

    /// Private key, PEM, readable by you only (private-key-jwt and mtls)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,

    /// OAuth scope to ask for
    #[arg(long)]
    pub scope: Option<String>,

    /// Resource id sent with a client assertion (private-key-jwt)
    #[arg(long)]
    pub resource: Option<String>,

    /// Where to keep the client secret
    #[arg(long, value_enum, default_value_t = StoreKind::Keyring)]
    pub store: StoreKind,

    /// Save without asking the token endpoint whether the credentials work
    #[arg(long)]
    pub no_verify: bool,

    /// Browser logins (chase): do not listen or open a browser; print the address to open
    /// and read the address the browser lands on (or the code) from stdin, e.g. over SSH
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Forget the secrets and tokens of every profile
    #[arg(long)]
    pub all: bool,
}

const COMPLETIONS_HELP: &str = "\
The scripts ask treasury itself for completions (profile names, aliases and groups from
the config file included); it never contacts a bank for that.

Install:
  bash:        treasury completions bash > ~/.local/share/bash-completion/completions/treasury
  zsh:         treasury completions zsh > ~/.zfunc/_treasury   (with fpath+=~/.zfunc before compinit)
  fish:        treasury completions fish > ~/.config/fish/completions/treasury.fish
  powershell:  treasury completions powershell >> $PROFILE
  elvish:      treasury completions elvish >> ~/.config/elvish/rc.elv";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Run the sandbox bank on 127.0.0.1 in the foreground until Ctrl-C
    #[command(after_help = SANDBOX_EXAMPLES)]
    Serve(SandboxServeArgs),
}

#[derive(Debug, Args)]
pub struct SandboxServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 8080)]
    pub port: u16,

    /// How many accounts the sandbox bank holds
    #[arg(long, value_name = "N", default_value_t = crate::sandbox::DEFAULT_ACCOUNTS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=crate::sandbox::MAX_SANDBOX_ACCOUNTS as u64))]
    pub accounts: usize,

    /// The client secret the token endpoint accepts for client id 'sandbox' (visible in ps:
    /// prefer the environment variable or --client-secret-stdin)
    #[arg(long, value_name = "SECRET", env = "TREASURY_SANDBOX_CLIENT_SECRET",
          hide_env_values = true, default_value = crate::sandbox::CLIENT_SECRET)]
    pub client_secret: String,

    /// Read the client secret from stdin (first line) instead
    #[arg(long, conflicts_with = "client_secret")]
    pub client_secret_stdin: bool,

    /// Accept private_key_jwt client assertions signed by the key of this certificate (PEM)
    #[arg(long, value_name = "FILE")]
    pub client_cert: Option<PathBuf>,

    /// Serve HTTPS with this server certificate chain (PEM); needs --tls-key
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// Private key of --tls-cert (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Require a client certificate signed by this CA (PEM): mutual TLS, which then stands in
    /// for the bearer token on /balance
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub client_ca: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
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
