//! What every command shares: the resolved profile, the connection to the bank, where the
//! report goes. One file per command beside this one.

pub mod accounts;
pub mod balances;
mod browser_login;
pub mod completions;
pub mod login;
pub mod logout;
pub mod man;
pub mod position;
mod position_fetch;
pub mod sandbox;
pub mod status;

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;

use crate::atomic::AtomicFile;
use crate::bank::{Bank, Spec};
use crate::cache::{self, AccountCache};
use crate::cli::{Format, GlobalArgs};
use crate::config::{self, ConfigFile, Profile};
use crate::credentials::{self, Access};
use crate::error::{Error, Result};
use crate::http::RetryPolicy;
use crate::model::{Account, AccountError, BalanceRow, Report};
use crate::output::{self, BalanceWriter, Document, TableOptions};
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

/// Where a report goes, opened before anything is fetched so a bad path fails early.
pub struct Sink {
    format: Format,
    file: Option<(PathBuf, AtomicFile)>,
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
            return sandbox_provider(name);
        }
        let (file, _, name) = self.config_and_name()?;
        config::provider_of_named(&file, &name)
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
        Bank::connect(&profile, access, self.retry_policy(), options)
    }

    /// Resolves the format and opens `--output`'s temporary file.
    pub fn open_sink(&self) -> Result<Sink> {
        let env = crate::env::text(crate::env::FORMAT);
        let format = output::resolve_format(
            self.global.format,
            self.global.output.as_deref(),
            env.as_deref(),
        )
        .map_err(|message| match self.global.output.as_deref() {
            Some(path) if self.global.format.is_none() && env.is_none() => Error::usage_hint(
                message,
                format!(
                    "name the file with one of those extensions, or pass -f table|csv|json|ndjson: treasury ... -f csv -o {}",
                    path.display()
                ),
            ),
            _ => Error::usage_hint(message, "unset TREASURY_FORMAT or pass -f FORMAT"),
        })?;
        if let Some(warning) =
            output::format_mismatch(self.global.format, self.global.output.as_deref())
        {
            self.term.warn(&warning);
        }
        let file = match &self.global.output {
            None => None,
            Some(path) if path.is_dir() => {
                return Err(Error::usage_hint(
                    format!("--output {} is a folder", path.display()),
                    "give --output a file name, such as reports/balances.csv",
                ))
            }
            Some(path) => {
                let file = AtomicFile::create(path).map_err(|e| {
                    Error::usage_hint(
                        format!("cannot write a report beside {}: {e}", path.display()),
                        "give --output a path in an existing, writable folder",
                    )
                })?;
                Some((path.clone(), file))
            }
        };
        Ok(Sink { format, file })
    }

    /// Renders the document into the sink: stdout, or the file committed atomically. A report
    /// without rows is refused (unless `--allow-empty`), leaving any `-o` file as it was.
    pub fn emit(&self, sink: Sink, document: &Document, count: usize) -> Result<()> {
        if count == 0 && !self.global.allow_empty {
            if let Some(refusal) = empty_refusal(document, sink.file.as_ref().map(|f| &f.0)) {
                return Err(refusal);
            }
        }
        match sink.file {
            Some((path, mut file)) => {
                output::render_with(
                    document,
                    sink.format,
                    &TableOptions::plain_with(self.global.totals),
                    &mut file,
                )
                .and_then(|()| file.commit())
                .map_err(|e| write_error(&path, e))?;
                self.term.note(&format!(
                    "Wrote {count} {} to {}",
                    if count == 1 { "row" } else { "rows" },
                    path.display()
                ));
            }
            None => {
                self.emit_to_stdout(sink.format, document)?;
                self.summarize_errors(document);
            }
        }
        Ok(())
    }

    /// A balance report written as its rows arrive, into the sink: stdout (nothing before the
    /// first row, so an empty report can still be refused), or the temporary `-o` file.
    pub fn report_writer<'s>(&'s self, sink: Sink) -> ReportWriter<'s> {
        let target = match sink.file {
            Some((path, file)) => Target::File(
                path,
                BalanceWriter::new(
                    sink.format,
                    TableOptions::plain_with(self.global.totals),
                    file,
                ),
            ),
            None => Target::Stdout(BalanceWriter::new(
                sink.format,
                self.stdout_table_options(),
                StdoutOut {
                    term: self.term,
                    closed: false,
                },
            )),
        };
        let terminal = self.term.table_style() == output::TableStyle::Terminal;
        ReportWriter {
            ctx: self,
            target,
            with_rows: terminal.then(HashSet::new),
        }
    }

    fn stdout_table_options(&self) -> TableOptions {
        TableOptions {
            style: self.term.table_style(),
            width: self.term.table_width(self.global.wide),
            totals: self.global.totals,
        }
    }

    fn emit_to_stdout(&self, format: Format, document: &Document) -> Result<()> {
        if self.term.stdout_closed() {
            return Err(crate::term::stdout_closed_error());
        }
        let options = self.stdout_table_options();
        let mut out = self.term.stdout();
        let result =
            output::render_with(document, format, &options, &mut out).and_then(|()| out.flush());
        match result {
            // `| head` closing the pipe early is how a reader says it has enough.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => {
                other.map_err(|e| Error::Internal(anyhow::anyhow!("cannot write to stdout: {e}")))
            }
        }
    }

    /// After a partial report on a terminal, one line that points back at the warnings above
    /// it, which a long report has scrolled away. Files and pipes leave stderr as it was.
    fn summarize_errors(&self, document: &Document) {
        if self.term.table_style() != output::TableStyle::Terminal {
            return;
        }
        if let Document::Balances(report) = document {
            let with_rows = report
                .rows
                .iter()
                .map(|r| (r.account.bank_id.clone(), r.account.account_id.clone()))
                .collect();
            self.summarize_account_errors(&report.errors, &with_rows);
        }
    }

    fn summarize_account_errors(
        &self,
        errors: &[AccountError],
        with_rows: &HashSet<(String, String)>,
    ) {
        if errors.is_empty() || self.term.table_style() != output::TableStyle::Terminal {
            return;
        }
        let failed = distinct_accounts(errors.iter().map(|e| (&e.bank_id, &e.account_id)));
        let all = distinct_accounts(
            errors
                .iter()
                .map(|e| (&e.bank_id, &e.account_id))
                .chain(with_rows.iter().map(|(bank, id)| (bank, id))),
        );
        let verb = if failed == 1 { "has" } else { "have" };
        self.term.summary(&format!(
            "{failed} of {all} accounts {verb} errors, listed above"
        ));
    }
}

/// A balance report being written as its rows arrive; `finish` ends and commits it.
pub struct ReportWriter<'s> {
    ctx: &'s Context<'s>,
    target: Target<'s>,
    /// The accounts with rows, for the summary line under a terminal's table.
    with_rows: Option<HashSet<(String, String)>>,
}

enum Target<'s> {
    File(PathBuf, BalanceWriter<AtomicFile>),
    Stdout(BalanceWriter<StdoutOut<'s>>),
}

impl ReportWriter<'_> {
    /// Writes rows that follow every row written before.
    pub fn rows(&mut self, rows: Vec<BalanceRow>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if let Some(seen) = &mut self.with_rows {
            for row in &rows {
                let a = &row.account;
                if !seen.contains(&(a.bank_id.clone(), a.account_id.clone())) {
                    seen.insert((a.bank_id.clone(), a.account_id.clone()));
                }
            }
        }
        match &mut self.target {
            Target::File(path, writer) => writer.rows(rows).map_err(|e| write_error(path, e)),
            Target::Stdout(writer) => {
                if self.ctx.term.stdout_closed() {
                    return Err(crate::term::stdout_closed_error());
                }
                writer.rows(rows).map_err(stdout_error)
            }
        }
    }

    /// Ends the report with its errors: refused when it has no rows (unless `--allow-empty`),
    /// leaving any `-o` file as it was; else the `-o` file is committed.
    pub fn finish(self, errors: &[AccountError]) -> Result<()> {
        let ctx = self.ctx;
        let count = match &self.target {
            Target::File(_, writer) => writer.count(),
            Target::Stdout(writer) => writer.count(),
        };
        if count == 0 && !ctx.global.allow_empty {
            let report = Report {
                rows: Vec::new(),
                errors: errors.to_vec(),
            };
            let file = match &self.target {
                Target::File(path, _) => Some(path),
                Target::Stdout(_) => None,
            };
            if let Some(refusal) = empty_refusal(&Document::Balances(&report), file) {
                return Err(refusal);
            }
        }
        match self.target {
            Target::File(path, writer) => {
                writer
                    .finish(errors)
                    .and_then(AtomicFile::commit)
                    .map_err(|e| write_error(&path, e))?;
                ctx.term.note(&format!(
                    "Wrote {count} {} to {}",
                    if count == 1 { "row" } else { "rows" },
                    path.display()
                ));
            }
            Target::Stdout(writer) => {
                if ctx.term.stdout_closed() {
                    return Err(crate::term::stdout_closed_error());
                }
                writer.finish(errors).map_err(stdout_error)?;
                ctx.summarize_account_errors(errors, &self.with_rows.unwrap_or_default());
            }
        }
        Ok(())
    }
}

/// Stdout for a streamed report: each batch written and flushed; once the reader has closed
/// the pipe (`| head`: it has enough), the rest is dropped quietly.
struct StdoutOut<'t> {
    term: &'t crate::term::Term,
    closed: bool,
}

impl Write for StdoutOut<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let mut out = self.term.stdout();
        match out.write_all(buf).and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::Internal(anyhow::anyhow!("cannot write to stdout: {e}"))
}

fn distinct_accounts<'a>(keys: impl Iterator<Item = (&'a String, &'a String)>) -> usize {
    keys.collect::<HashSet<_>>().len()
}

/// Why a report without rows is not written, or nothing for documents that are not reports.
fn empty_refusal(document: &Document, file: Option<&PathBuf>) -> Option<Error> {
    let (what, account_errors) = match document {
        Document::Balances(report) if !report.errors.is_empty() => (
            "every account came back with an error (listed above), so there is no balance to report",
            true,
        ),
        Document::Balances(_) => ("the bank returned no balances", false),
        Document::Accounts(_) => ("the bank returned no accounts", false),
        Document::Position(position, _) => (
            "no profile returned any balance",
            !position.is_complete(),
        ),
        Document::Fields(_) => return None,
    };
    let kept = match file {
        Some(path) if path.exists() => format!("; {} is left as it was", path.display()),
        Some(_) => "; no file was written".to_string(),
        None => String::new(),
    };
    Some(Error::Empty {
        message: format!("{what}{kept}"),
        hint: Some("pass --allow-empty to write an empty report anyway".into()),
        account_errors,
    })
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

fn write_error(path: &std::path::Path, err: std::io::Error) -> Error {
    Error::Internal(anyhow::anyhow!(
        "cannot write {}: {err}; the previous file, if any, is unchanged",
        path.display()
    ))
}
