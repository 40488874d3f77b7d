//! `treasury balances`: validate the request locally, fetch it, render the report.

use std::path::Path;

use crate::bank::Spec;
use crate::cli::BalancesArgs;
use crate::commands::{Context, ReportScope};
use crate::error::{Error, Outcome, Result};
use crate::model::AccountError;
use crate::query::{self, AccountArgs, AccountList, AccountRef, BalanceRequest, DateArgs};

pub async fn run(ctx: &mut Context<'_>, args: &BalancesArgs) -> Result<Outcome> {
    let provider = ctx.provider()?;
    if args.live && !provider.live_balances {
        return Err(Error::usage_hint(
            format!("provider '{}' has no separate live balance", provider.name),
            "drop --live: its balances are as current as the bank gives them",
        ));
    }
    let span = query::resolve_dates(&date_args(args))?;
    query::check_not_future(span, chrono::Utc::now())?;
    let accounts: AccountList = select_accounts(ctx, args)?.into();
    let requests = query::plan(span, &accounts, args.split, &provider.limits)?;
    if args.dry_run {
        if ctx.settings.report.output.is_some() {
            return Err(Error::usage_hint(
                "--dry-run prints the request bodies on stdout and writes no report",
                "drop --output, or redirect stdout: treasury balances --dry-run ... > bodies.ndjson",
            ));
        }
        return print_bodies(ctx, provider, &requests);
    }
    let name = ctx.report_profile_name();
    let sink = ctx.open_report_sink(ReportScope {
        span,
        receiver: &name,
        profile: &name,
    })?;
    let bank = ctx
        .connect_with(crate::bank::Options {
            live: args.live,
            ..Default::default()
        })
        .await?;
    let mut recorder = ctx.run_recorder();
    let mut fetched_rows = 0;
    let progress = ctx.term.progress(requests.len());
    let concurrency = usize::from(args.concurrency);
    let ctx = &*ctx;
    let mut writer = ctx.report_writer(sink);
    // Warnings wait for the end: they would break into the progress line.
    let mut warnings = Vec::new();
    let mut errors = bank
        .stream_balances(
            requests,
            &accounts,
            concurrency,
            || progress.tick(),
            |flush| {
                warnings.extend(flush.warnings);
                fetched_rows += flush.rows.len();
                match &mut recorder {
                    // Recorded once written: handed over, not copied.
                    Some(recorder) => writer.rows_then(flush.rows, |rows| recorder.take(rows)),
                    None => writer.rows(flush.rows),
                }
            },
        )
        .await?;
    drop(progress);
    ctx.finish_recording(recorder);
    for warning in &warnings {
        ctx.term.warn(warning);
    }
    // Rows a bank file could not carry are accounts with errors too.
    errors.extend(writer.refused().iter().cloned());
    warn_account_errors(ctx, &errors);
    if let Some(refused) = crate::bank::budget::all_refused(fetched_rows, &errors) {
        return Err(refused);
    }
    writer.finish(&errors)?;
    Ok(if errors.is_empty() {
        Outcome::Complete
    } else {
        Outcome::Partial
    })
}

/// One warning line per account the bank answered with an error.
fn warn_account_errors(ctx: &Context, errors: &[AccountError]) {
    for error in errors {
        let account = AccountRef {
            bank_id: Some(error.bank_id.clone()).filter(|b| !b.is_empty()),
            account_id: error.account_id.clone(),
        };
        ctx.term.problem(&format!(
            "account {account}: {} {}",
            error.code, error.message
        ));
    }
}

fn date_args(args: &BalancesArgs) -> DateArgs {
    DateArgs {
        current: args.current,
        prior_day: args.prior_day,
        from: args.from.clone(),
        to: args.to.clone(),
        month: args.month.clone(),
    }
}

/// The accounts to ask for, in the order given, duplicates warned about and dropped.
fn select_accounts(ctx: &Context, args: &BalancesArgs) -> Result<Vec<AccountRef>> {
    let from_file = match &args.selection.accounts_file {
        Some(path) => read_accounts_file(ctx, path)?,
        None => Vec::new(),
    };
    if args.selection.accounts_file.is_some() && from_file.is_empty() && args.named.is_empty() {
        return Err(Error::usage_hint(
            format!(
                "{} lists no accounts",
                display_path(args.selection.accounts_file.as_deref())
            ),
            "without accounts treasury would fetch every account; drop --accounts-file for that",
        ));
    }
    let account_args = AccountArgs {
        named: args.named.clone(),
        from_file,
    };
    let mut selection = query::select_accounts_from(account_args, &ctx.account_book()?)?;
    if selection.accounts.iter().any(|a| a.bank_id.is_none()) {
        if let Some(cache) = ctx.cached_accounts() {
            selection = query::fill_bank_ids(selection, &cache.bank_ids());
        }
    }
    for duplicate in &selection.duplicates {
        ctx.term.warn(&format!(
            "account {duplicate} is given more than once; asking for it once"
        ));
    }
    Ok(selection.accounts)
}

pub(super) fn read_accounts_file(ctx: &Context, path: &Path) -> Result<Vec<AccountRef>> {
    let text = if path == Path::new("-") {
        ctx.term.read_stdin()
    } else {
        std::fs::read_to_string(path)
    };
    let text = text.map_err(|e| {
        Error::usage_hint(
            format!(
                "cannot read accounts file {}: {e}",
                display_path(Some(path))
            ),
            "give --accounts-file an existing file, or - for stdin",
        )
    })?;
    query::parse_accounts_file(&display_path(Some(path)), &text)
}

fn display_path(path: Option<&Path>) -> String {
    match path {
        Some(p) if p == Path::new("-") => "stdin".to_string(),
        Some(p) => p.display().to_string(),
        None => String::new(),
    }
}

fn print_bodies(ctx: &Context, provider: &Spec, requests: &[BalanceRequest]) -> Result<Outcome> {
    let profile = ctx.profile().ok();
    let mut lines = String::new();
    for request in requests {
        let body = serde_json::to_string(&(provider.plan)(request, profile.as_ref()))
            .map_err(|e| Error::Internal(e.into()))?;
        lines.push_str(&body);
        lines.push('\n');
    }
    ctx.term.print(&lines)?;
    Ok(Outcome::Complete)
}
