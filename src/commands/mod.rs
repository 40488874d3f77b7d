//! What every command shares: the resolved profile, the connection to the bank, where the
//! report goes. One file per command beside this one.

pub mod accounts;
pub mod balances;
mod browser_login;
pub mod check;
pub mod completions;
pub mod history;
mod history_file;
pub mod login;
pub mod logout;
pub mod man;
pub mod position;
mod position_fetch;
mod position_since;
pub mod record;
mod report;
mod report_file;
pub mod sandbox;
pub mod status;

pub use report::{ReportWriter, Sink};
pub use report_file::ReportScope;

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;

use crate::bank::{Bank, Spec};
use crate::cache::{self, AccountCache};
use crate::cli::GlobalArgs;
use crate::config::{self, ConfigFile, Profile};
use crate::credentials::{self, Access};
use crate::error::{Error, Result};
use crate::http::RetryPolicy;
use crate::model::Account;
use crate::query::AccountBook;
use crate::sandbox::{Options, Sandbox};
use crate::term::Term;

/// Every command warns when a browser login ends sooner than this.
pub const LOGIN_WARNING_DAYS: i64 = 7;

/// The command's view of the world: flags, terminal, and (with `--sandbox`) the running sandbox.
pub struct Context<'a> {
    pub global: &'a GlobalArgs,
    pub term: &'a Term,
    sandbox: Option<Sandbox>,
    /// The config file and its path, read and parsed once per run, on first use.
    config: std::cell::OnceCell<(ConfigFile, PathBuf)>,
}

impl<'a> Context<'a> {
    pub fn new(global: &'a GlobalArgs, term: &'a Term) -> Self {
        Context {
            global,
            term,
            sandbox: None,
            config: std::cell::OnceCell::new(),
        }
    }

    /// The config file, read and parsed on first use and kept for the rest of the run. A file
    /// that cannot be read is an error each time it is asked for (the run ends at the first).
    fn config(&self) -> Result<(ConfigFile, PathBuf)> {
        if let Some(loaded) = self.config.get() {
            return Ok(loaded.clone());
        }
        let path = config::config_path(self.global.config.as_deref())?;
        let file = config::load(&path, self.global.config.is_some())?;
        Ok(self.config.get_or_init(|| (file, path)).clone())
    }

    /// Refuses `--sandbox` for commands that change stored settings or secrets.
    pub fn refuse_sandbox(&self, command: &str) -> Result<()> {
        match self.global.sandbox.is_some() {
            true => Err(Error::usage_hint(
                format!("{command} does not work with --sandbox: the sandbox needs no credentials"),
                "drop --sandbox; to log in to a sandbox you run, use 'treasury sandbox serve' and the profile it prints",
            )),
            false => Ok(()),
        }
    }

    /// The config file, where it is, and the name of the profile in use.
    pub fn config_and_name(&self) -> Result<(ConfigFile, PathBuf, String)> {
        let (file, path) = self.config()?;
        let name = config::profile_name(self.global.profile.as_deref(), &file);
        Ok((file, path, name))
    }

    /// The provider of the profile in use (checked before anything is sent), J.P. Morgan's
    /// with `--sandbox` or when there is no such profile (a `--dry-run` needs none).
    pub fn provider(&self) -> Result<&'static Spec> {
        if let Some(name) = &self.global.sandbox {
            self.refuse_typed_profile(name)?;
            return sandbox_provider(name);
        }
        let (file, _, name) = self.config_and_name()?;
        config::provider_of_named(&file, &name)
    }

    /// Refuses `-p NAME` typed beside `--sandbox` for a single-profile command: the sandbox's
    /// profile is used, and NAME would be silently ignored. (An exported TREASURY_PROFILE is
    /// left alone: it names the profile of runs without `--sandbox`.)
    fn refuse_typed_profile(&self, provider: &str) -> Result<()> {
        let exported = crate::env::text("TREASURY_PROFILE");
        match &self.global.profile {
            Some(name) if exported.as_ref() != Some(name) => Err(Error::usage_hint(
                format!("-p {name} does not work with --sandbox: the sandbox's own {provider} profile is used"),
                format!("drop -p {name} to use the sandbox, or drop --sandbox to use profile '{name}'; --sandbox=PROVIDER picks the sandbox's provider"),
            )),
            _ => Ok(()),
        }
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            attempts: self.global.retries,
            max_wait: Duration::from_secs(self.global.max_wait),
        }
    }

    /// The profile's aliases and groups; none with `--sandbox` or when the profile is missing.
    pub fn account_book(&self) -> Result<AccountBook> {
        if self.global.sandbox.is_some() {
            return Ok(AccountBook::default());
        }
        let (file, _) = self.config()?;
        let name = config::profile_name(self.global.profile.as_deref(), &file);
        Ok(config::account_book(&file, &name))
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
        if self.global.sandbox.is_some() {
            return None;
        }
        let (file, config_path) = self.config().ok()?;
        let name = config::profile_name(self.global.profile.as_deref(), &file);
        let profile = config::resolve(&file, &name, &config_path).ok()?;
        let origin = cache::Origin {
            provider: profile.provider.name.to_string(),
            base_url: profile.base_url.to_string(),
            client_id: profile.client_id.clone(),
        };
        Some((config::account_cache_path(&name).ok()?, origin))
    }

    /// The configured profile in use, resolved (no credentials looked up); none with --sandbox.
    pub fn profile(&self) -> Result<Profile> {
        if self.global.sandbox.is_some() {
            return Err(Error::usage("the sandbox has no configured profile"));
        }
        let (file, path, name) = self.config_and_name()?;
        config::resolve(&file, &name, &path)
    }

    /// A named configured profile, resolved (no credentials looked up).
    pub fn profile_named(&self, name: &str) -> Result<Profile> {
        let (file, path) = self.config()?;
        config::resolve(&file, name, &path)
    }

    /// The profile and credentials to use, or the built-in sandbox, started on first use.
    async fn profile_and_access(&mut self) -> Result<(Profile, Access)> {
        if self.global.sandbox.is_some() {
            let provider = self.provider()?;
            return self.sandbox_profile(provider.name).await;
        }
        let (file, path) = self.config()?;
        let name = config::profile_name(self.global.profile.as_deref(), &file);
        let profile = config::resolve(&file, &name, &path)?;
        let access = credentials::resolve(&profile)?;
        if let Access::Login { store, .. } = &access {
            self.warn_login_ending(store, &name);
        }
        if let Some(warning) = profile
            .provider
            .ending_warning
            .and_then(|warning| warning(&name, chrono::Utc::now()))
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

    /// The config file and its path, for commands that use several of its profiles.
    pub fn config_file(&self) -> Result<(ConfigFile, PathBuf)> {
        self.config()
    }

    /// One line on stderr when a browser login ends within `LOGIN_WARNING_DAYS`.
    fn warn_login_ending(&self, store: &credentials::Store, name: &str) {
        let ends = store
            .load_login(name)
            .ok()
            .flatten()
            .and_then(|login| login.refresh_expires_at);
        let Some(ends) = ends else { return };
        let left = ends - chrono::Utc::now();
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
        if let Some(secs) = self.global.timeout {
            profile.timeout = Duration::from_secs(secs);
        }
        let options = crate::bank::Options {
            budget: record::budget_of(&profile, self.global.sandbox.is_some()),
            ..options
        };
        Bank::connect(&profile, access, self.retry_policy(), options)
    }
}

/// The provider `--sandbox=NAME` names, if the sandbox serves it.
fn sandbox_provider(name: &str) -> Result<&'static Spec> {
    crate::bank::spec(name)
        .filter(|spec| crate::sandbox::SERVED.contains(&spec.name))
        .ok_or_else(|| {
            Error::usage_hint(
                format!("the sandbox does not serve provider '{name}'"),
                format!("pick one of: {}", crate::sandbox::SERVED.join(", ")),
            )
        })
}
