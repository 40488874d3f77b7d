//! What every command shares, built once from the flags: typed settings, the target (the
//! sandbox's part for a provider, or a configured profile), the config file read once, the
//! profile's name derived once and the profile resolved once, the terminal.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;

use super::record;
use crate::bank::{Bank, Spec};
use crate::cache::{self, AccountCache};
use crate::cli::GlobalArgs;
use crate::config::{self, ConfigFile, Profile};
use crate::credentials::{self, Access};
use crate::error::{Error, Result};
use crate::http::RetryPolicy;
use crate::model::{Account, AccountError};
use crate::output::sink::{ReportWriter, Reports, Sink, SinkSettings};
use crate::output::Document;
use crate::query::AccountBook;
use crate::sandbox::{Options, Sandbox};
use crate::term::Term;

/// Every command warns when a browser login ends sooner than this.
const LOGIN_WARNING_DAYS: i64 = 7;

/// The flags every command shares, as typed values.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--retries` and `--max-wait`.
    pub retry: RetryPolicy,
    /// `--timeout`, which overrides the profile's `timeout_secs`.
    pub timeout: Option<Duration>,
    /// Where and how the report goes.
    pub report: SinkSettings,
    /// `--config` (or `TREASURY_CONFIG`).
    pub config: Option<PathBuf>,
    /// `-p` (or `TREASURY_PROFILE`); the config file's default otherwise.
    pub profile: Option<String>,
}

impl Settings {
    pub fn from_flags(global: &GlobalArgs) -> Settings {
        Settings {
            retry: RetryPolicy {
                attempts: global.retries,
                max_wait: Duration::from_secs(global.max_wait),
            },
            timeout: global.timeout.map(Duration::from_secs),
            report: SinkSettings {
                format: global.format,
                output: global.output.clone(),
                allow_empty: global.allow_empty,
                wide: global.wide,
                totals: global.totals,
            },
            config: global.config.clone(),
            profile: global.profile.clone(),
        }
    }
}

/// Where a single-profile command's requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `--sandbox[=PROVIDER]`: the built-in sandbox's part for that provider (checked when
    /// first used, so commands that need no bank never refuse it).
    Sandbox(String),
    /// A profile of the config file: `-p`, else the file's `default_profile`.
    Configured,
}

/// The command's view of the world: settings, terminal, target, and (with `--sandbox`) the
/// running sandbox.
pub struct Context<'a> {
    pub term: &'a Term,
    pub settings: Settings,
    pub target: Target,
    sandbox: Option<Sandbox>,
    /// The config file and its path, read and parsed once per run, on first use.
    config: OnceCell<(ConfigFile, PathBuf)>,
    /// The name of the configured profile in use, derived once.
    name: OnceCell<String>,
    /// That profile, resolved once (no credentials looked up).
    profile: OnceCell<Profile>,
}

impl<'a> Context<'a> {
    pub fn new(global: &'a GlobalArgs, term: &'a Term) -> Self {
        let target = match &global.sandbox {
            Some(provider) => Target::Sandbox(provider.clone()),
            None => Target::Configured,
        };
        Context {
            term,
            settings: Settings::from_flags(global),
            target,
            sandbox: None,
            config: OnceCell::new(),
            name: OnceCell::new(),
            profile: OnceCell::new(),
        }
    }

    /// Whether the run talks to the built-in sandbox.
    pub fn is_sandbox(&self) -> bool {
        matches!(self.target, Target::Sandbox(_))
    }

    /// The config file, read and parsed on first use and kept for the rest of the run. A file
    /// that cannot be read is an error each time it is asked for (the run ends at the first).
    pub(super) fn config(&self) -> Result<(&ConfigFile, &Path)> {
        if let Some((file, path)) = self.config.get() {
            return Ok((file, path));
        }
        let path = config::config_path(self.settings.config.as_deref())?;
        let file = config::load(&path, self.settings.config.is_some())?;
        let (file, path) = self.config.get_or_init(|| (file, path));
        Ok((file, path))
    }

    /// The name of the configured profile in use: `-p`, else the file's default.
    pub fn profile_name(&self) -> Result<&str> {
        if let Some(name) = self.name.get() {
            return Ok(name);
        }
        let (file, _) = self.config()?;
        let name = config::profile_name(self.settings.profile.as_deref(), file);
        Ok(self.name.get_or_init(|| name))
    }

    /// The configured profile in use, resolved once.
    fn resolved(&self) -> Result<&Profile> {
        if let Some(profile) = self.profile.get() {
            return Ok(profile);
        }
        let (file, path) = self.config()?;
        let profile = crate::bank::resolve(file, self.profile_name()?, path)?;
        Ok(self.profile.get_or_init(|| profile))
    }

    /// Refuses `--sandbox` for commands that change stored settings or secrets.
    pub fn refuse_sandbox(&self, command: &str) -> Result<()> {
        match self.is_sandbox() {
            true => Err(Error::usage_hint(
                format!("{command} does not work with --sandbox: the sandbox needs no credentials"),
                "drop --sandbox; to log in to a sandbox you run, use 'treasury sandbox serve' and the profile it prints",
            )),
            false => Ok(()),
        }
    }

    /// A copy of the config file, where it is, and the name of the profile in use, for
    /// commands that change the file.
    pub fn config_and_name(&self) -> Result<(ConfigFile, PathBuf, String)> {
        let (file, path) = self.config()?;
        let name = self.profile_name()?;
        Ok((file.clone(), path.to_path_buf(), name.to_string()))
    }

    /// The provider of the profile in use (checked before anything is sent), or the sandbox's
    /// (a `--dry-run` needs no complete profile).
    pub fn provider(&self) -> Result<&'static Spec> {
        match &self.target {
            Target::Sandbox(name) => {
                self.refuse_typed_profile(name)?;
                sandbox_provider(name)
            }
            Target::Configured => {
                let (file, _) = self.config()?;
                crate::bank::provider_of_named(file, self.profile_name()?)
            }
        }
    }

    /// Refuses `-p NAME` typed beside `--sandbox` for a single-profile command: the sandbox's
    /// profile is used, and NAME would be silently ignored. (An exported TREASURY_PROFILE is
    /// left alone: it names the profile of runs without `--sandbox`.)
    fn refuse_typed_profile(&self, provider: &str) -> Result<()> {
        let exported = crate::env::text(crate::env::PROFILE);
        match &self.settings.profile {
            Some(name) if exported.as_ref() != Some(name) => Err(Error::usage_hint(
                format!("-p {name} does not work with --sandbox: the sandbox's own {provider} profile is used"),
                format!("drop -p {name} to use the sandbox, or drop --sandbox to use profile '{name}'; --sandbox=PROVIDER picks the sandbox's provider"),
            )),
            _ => Ok(()),
        }
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.settings.retry
    }

    /// The profile's aliases and groups; none with `--sandbox` or when the profile is missing.
    pub fn account_book(&self) -> Result<AccountBook> {
        if self.is_sandbox() {
            return Ok(AccountBook::default());
        }
        let (file, _) = self.config()?;
        Ok(config::account_book(file, self.profile_name()?))
    }

    /// The account cache of the profile in use; none with `--sandbox`, when missing, when
    /// fetched from another bank, environment or client, or when unreadable (with a warning).
    pub fn cached_accounts(&self) -> Option<AccountCache> {
        let (path, origin) = self.cache_path()?;
        cache::load(&path, &origin).unwrap_or_else(|warning| {
            self.term.warn(&warning);
            None
        })
    }

    /// Refreshes the account cache; a failure only warns, the listing itself worked.
    pub fn store_accounts(&self, accounts: &[Account]) {
        if let Some((path, origin)) = self.cache_path() {
            if let Err(e) = cache::store(&path, &origin, accounts, Utc::now()) {
                self.term.warn(&format!(
                    "cannot update the account cache {}: {e}",
                    path.display()
                ));
            }
        }
    }

    /// The cache file of the profile in use and the origin its list must come from.
    fn cache_path(&self) -> Option<(PathBuf, cache::Origin)> {
        if self.is_sandbox() {
            return None;
        }
        let profile = self.resolved().ok()?;
        let origin = cache::Origin {
            provider: profile.provider.name.to_string(),
            base_url: profile.base_url.to_string(),
            client_id: profile.client_id.clone(),
        };
        Some((
            config::account_cache_path(self.profile_name().ok()?).ok()?,
            origin,
        ))
    }

    /// The configured profile in use, resolved (no credentials looked up); none with --sandbox.
    pub fn profile(&self) -> Result<Profile> {
        self.configured().cloned()
    }

    /// The configured profile in use, borrowed; none with --sandbox.
    pub(super) fn configured(&self) -> Result<&Profile> {
        match self.target {
            Target::Sandbox(_) => Err(Error::usage("the sandbox has no configured profile")),
            Target::Configured => self.resolved(),
        }
    }

    /// A named configured profile, resolved (no credentials looked up).
    pub fn profile_named(&self, name: &str) -> Result<Profile> {
        let (file, path) = self.config()?;
        crate::bank::resolve(file, name, path)
    }

    /// The config file and its path, for commands that use several of its profiles.
    pub fn config_file(&self) -> Result<(&ConfigFile, &Path)> {
        self.config()
    }

    /// The profile and credentials to use, or the built-in sandbox, started on first use.
    async fn profile_and_access(&mut self) -> Result<(Profile, Access)> {
        if self.is_sandbox() {
            let provider = self.provider()?;
            return self.sandbox_profile(provider.name).await;
        }
        let profile = self.resolved()?.clone();
        let name = profile_name_of(self)?;
        let access = credentials::resolve(&profile)?;
        if let Access::Login { store, .. } = &access {
            self.warn_login_ending(store, &name);
        }
        if let Some(warning) = crate::bank::spec_of(&profile)?
            .ending_warning
            .and_then(|warning| warning(&name, Utc::now()))
        {
            self.term.warn(&warning);
        }
        Ok((profile, access))
    }

    /// The ready profile of the sandbox's `provider` part; the sandbox starts on first use and
    /// is shared by every profile asked for later (one sandbox serves every provider).
    pub async fn sandbox_profile(&mut self, provider: &str) -> Result<(Profile, Access)> {
        let sandbox = match self.sandbox.take() {
            Some(sandbox) => sandbox,
            None => Sandbox::start(Options {
                port: 0,
                accounts: crate::sandbox::DEFAULT_ACCOUNTS,
                ..Options::default()
            })
            .await
            .map_err(Error::Internal)?,
        };
        let ready = crate::sandbox::profile(&sandbox, provider).map_err(Error::Internal);
        self.sandbox = Some(sandbox);
        ready
    }

    /// One line on stderr when a browser login ends within `LOGIN_WARNING_DAYS`.
    fn warn_login_ending(&self, store: &credentials::Store, name: &str) {
        let ends = store
            .load_login(name)
            .ok()
            .flatten()
            .and_then(|login| login.refresh_expires_at);
        let Some(ends) = ends else { return };
        let left = ends - Utc::now();
        if left < chrono::Duration::days(LOGIN_WARNING_DAYS) {
            self.term.warn(&format!(
                "the login of profile '{name}' ends {} (in {} days): run 'treasury login -p {name}' before then",
                ends.format("%Y-%m-%d %H:%M UTC"),
                left.num_days().max(0)
            ));
        }
    }

    pub async fn connect(&mut self) -> Result<Bank> {
        self.connect_with(crate::bank::Options::default()).await
    }

    /// Connects the profile in use with provider options (`balances --live`).
    pub async fn connect_with(&mut self, options: crate::bank::Options) -> Result<Bank> {
        let (profile, access) = self.profile_and_access().await?;
        self.connect_profile_with(profile, access, options)
    }

    /// Connects one given profile with its own credentials, with the global retry policy and
    /// `--timeout` (which overrides the profile's `timeout_secs`).
    pub fn connect_profile(&self, profile: Profile, access: Access) -> Result<Bank> {
        self.connect_profile_with(profile, access, crate::bank::Options::default())
    }

    fn connect_profile_with(
        &self,
        mut profile: Profile,
        access: Access,
        options: crate::bank::Options,
    ) -> Result<Bank> {
        if let Some(timeout) = self.settings.timeout {
            profile.timeout = timeout;
        }
        let options = crate::bank::Options {
            budget: record::budget_of(&profile, self.is_sandbox()),
            ..options
        };
        Bank::connect(&profile, access, self.retry_policy(), options)
    }

    /// Where reports go: the terminal and the report settings.
    pub fn reports(&self) -> Reports<'_> {
        Reports {
            term: self.term,
            settings: &self.settings.report,
        }
    }

    /// Opens the sink of a document that is not a balance report (bank files refused).
    pub fn open_sink(&self) -> Result<Sink> {
        self.reports().open_sink()
    }

    /// Renders a whole document into the sink (see `Reports::emit`).
    pub fn emit(&self, sink: Sink, document: &Document, count: usize) -> Result<Vec<AccountError>> {
        self.reports().emit(sink, document, count)
    }

    /// A balance report written as its rows arrive (see `Reports::writer`).
    pub fn report_writer(&self, sink: Sink) -> ReportWriter<'_> {
        self.reports().writer(sink)
    }
}

/// The profile name as an owned string, for use beside a mutable borrow of the context.
fn profile_name_of(ctx: &Context) -> Result<String> {
    ctx.profile_name().map(str::to_string)
}

/// The provider `--sandbox=NAME` names, if the sandbox serves it.
fn sandbox_provider(name: &str) -> Result<&'static Spec> {
    crate::bank::spec(name)
        .filter(|spec| crate::sandbox::part(spec.name).is_some())
        .ok_or_else(|| {
            Error::usage_hint(
                format!("the sandbox does not serve provider '{name}'"),
                format!("pick one of: {}", crate::sandbox::served().join(", ")),
            )
        })
}
