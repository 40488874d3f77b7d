//! The arguments of the setup commands: `login`, `logout`, `completions`, `man`, `sandbox`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

pub(super) const MAN_HELP: &str = "\
Examples:
  treasury man | man -l -
  treasury man balances > ~/.local/share/man/man1/treasury-balances.1";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print [default: treasury itself]
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

const LOGIN_INTRO: &str = "\
The secret is looked up in this order: TREASURY_CLIENT_SECRET, the profile's
client_secret_command, the OS keyring, the owner-only credentials file
($XDG_CONFIG_HOME/treasury/credentials.toml). TREASURY_ACCESS_TOKEN skips all of them.

Examples:
";

/// The text after `treasury login --help`'s options: the secret chain, then each provider's
/// examples, from the registry.
pub(super) fn login_examples() -> String {
    let examples: String = crate::bank::PROVIDERS
        .iter()
        .map(|spec| spec.login_examples)
        .collect();
    format!("{LOGIN_INTRO}{}", examples.trim_end())
}

pub(super) const LOGOUT_EXAMPLES: &str = "\
Removes the client secret and cached token from the OS keyring and from the credentials file;
the profile's settings stay in the config file. A secret in TREASURY_CLIENT_SECRET or a
client_secret_command is not stored by treasury, so there is nothing to forget.

Examples:
  treasury logout -p uat
  treasury logout --all";

pub(super) const STATUS_EXAMPLES: &str = "\
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
    #[arg(long, value_name = "PROVIDER", value_parser = provider_names(), help = provider_help())]
    pub provider: Option<String>,

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

    /// Which of the provider's documented hosts to use
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

    /// Finicity: the app key (Finicity-App-Key)
    #[arg(long, value_name = "KEY", help_heading = "Finicity")]
    pub app_key: Option<String>,

    /// Finicity: the partner id (the partner secret is read like a client secret)
    #[arg(long, value_name = "ID", help_heading = "Finicity")]
    pub partner_id: Option<String>,

    /// Finicity: the customer whose accounts are reported
    #[arg(long, value_name = "ID", help_heading = "Finicity")]
    pub customer_id: Option<String>,

    /// Save without one request to the bank proving the credentials work
    #[arg(long)]
    pub no_verify: bool,

    /// Browser logins (chase, open-banking): do not listen or open a browser; print the address
    /// to open and read the address the browser lands on (or the code) from stdin, e.g. over SSH
    #[arg(long)]
    pub no_browser: bool,

    /// Browser logins: seconds to wait for the browser to come back with the answer
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub wait: u64,
}

impl LoginArgs {
    /// The provider keys given by their own flags (`--app-key` sets `app_key`...), by key.
    pub fn provider_keys(&self) -> Vec<(&'static str, String)> {
        [
            ("app_key", &self.app_key),
            ("partner_id", &self.partner_id),
            ("customer_id", &self.customer_id),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value.clone()?)))
        .collect()
    }
}

/// The help of `--provider`: the registry's default named.
fn provider_help() -> String {
    format!(
        "The bank's API [default: the profile's, else {}]",
        crate::bank::DEFAULT_PROVIDER
    )
}

/// The provider names `--provider` takes: every provider this version knows, from its registry.
fn provider_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::bank::PROVIDERS.iter().map(|spec| spec.name))
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Forget the secrets and tokens of every profile
    #[arg(long)]
    pub all: bool,
}

pub(super) const COMPLETIONS_HELP: &str = "\
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

    /// How many accounts the sandbox bank holds (two at each of its six banks by default)
    #[arg(long, value_name = "N", default_value_t = 12)]
    pub accounts: usize,

    /// The client secret the token endpoint accepts for client id 'sandbox' [default: sandbox]
    /// (visible in ps: prefer the environment variable or --client-secret-stdin)
    #[arg(
        long,
        value_name = "SECRET",
        env = "TREASURY_SANDBOX_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub client_secret: Option<String>,

    /// Read the client secret from stdin (first line) instead
    #[arg(long, conflicts_with = "client_secret")]
    pub client_secret_stdin: bool,

    /// Accept private_key_jwt client assertions signed by the key of this certificate (PEM); the
    /// open-banking authorization server then also verifies request objects with it
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
