//! `treasury position`: choose and check the profiles, rates and options locally, fetch every
//! profile at once (`position_fetch`), build the position, warn, render, and say how it went.

use std::path::Path;

use chrono::Utc;

use crate::cli::PositionArgs;
use crate::commands::position_fetch::{self, Chosen};
use crate::commands::position_since;
use crate::commands::{Context, ReportScope};
use crate::config;
use crate::error::{Error, Outcome, Result};
use crate::output::{Document, PositionView};
use crate::position::{self, Position, Rates, Verdict};
use crate::query::{self, AccountArgs, AccountBook, DateArgs, DateSpan};

pub async fn run(ctx: &mut Context<'_>, args: &PositionArgs) -> Result<Outcome> {
    let span = query::resolve_dates(&DateArgs {
        current: args.current,
        prior_day: args.prior_day,
        ..DateArgs::default()
    })?;
    let chosen = choose(ctx, args, span)?;
    let rates = read_rates(ctx, args)?;
    if let (Some(rates), false) = (&rates, args.skip_unrated) {
        rates_cover_cached_currencies(&chosen, rates)?;
    }
    let max_age = args
        .max_age
        .as_deref()
        .map(position::parse_duration)
        .transpose()?;
    if args.dry_run {
        if ctx.settings.report.output.is_some() {
            return Err(Error::usage_hint(
                "--dry-run prints the request bodies on stdout and writes no report",
                "drop --output, or redirect stdout: treasury position --dry-run ... > bodies.ndjson",
            ));
        }
        return position_fetch::print_plans(ctx, &chosen);
    }
    let since = args
        .since
        .as_deref()
        .map(position_since::parse)
        .transpose()?;
    if since.is_some() {
        position_since::check_format(ctx.reports().format()?, args.totals_only)?;
    }
    let receiver = match chosen.as_slice() {
        [only] => only.name.clone(),
        _ => crate::output::DEFAULT_SENDER.to_string(),
    };
    let sink = ctx.open_report_sink(ReportScope {
        span,
        receiver: &receiver,
        profile: &receiver,
    })?;
    if sink.is_bank_file() && args.totals_only {
        return Err(Error::usage_hint(
            "--totals-only has no accounts to put in a bank file",
            "drop --totals-only, or pick -f table, csv, json or ndjson for the totals",
        ));
    }
    let parts = position_fetch::fetch_all(ctx, chosen, usize::from(args.concurrency)).await?;
    let position = position::build(
        parts,
        rates.as_ref(),
        args.skip_unrated,
        max_age,
        Utc::now(),
    )?;
    warn(ctx, &position);
    let verdict = position.verdict();
    if let Verdict::AllFailed { exit_code } = verdict {
        // Nothing answered: no report, and any -o file is left as it was.
        return Ok(Outcome::Failed(exit_code));
    }
    let view = PositionView {
        totals_only: args.totals_only,
    };
    let count = match args.totals_only {
        true => position.total_rows().len(),
        false => position.rows.len(),
    };
    let refused = match since {
        Some(since) if sink.format() != crate::cli::Format::Table => {
            position_since::emit(ctx, sink, &position, view, since)?;
            Vec::new()
        }
        _ => ctx.emit(sink, &Document::Position(&position, view), count)?,
    };
    if let (Some(since), crate::cli::Format::Table) = (since, ctx.reports().format()?) {
        ctx.term.print(&position_since::lines(&position, since)?)?;
    }
    Ok(match verdict {
        Verdict::Complete if refused.is_empty() => Outcome::Complete,
        _ => Outcome::Partial,
    })
}

/// The profiles to fetch, each resolved and checked against what the query needs.
fn choose(ctx: &Context, args: &PositionArgs, span: DateSpan) -> Result<Vec<Chosen>> {
    let chosen = match ctx.is_sandbox() {
        true => sandbox_profiles(&args.profiles)?,
        false => config_profiles(ctx, &args.profiles)?,
    };
    check_prior_day(&chosen, span)?;
    chosen
        .into_iter()
        .map(|mut c| {
            let named = AccountArgs {
                named: args.named.clone(),
                from_file: Vec::new(),
            };
            let selection =
                query::select_accounts(&named, &c.book).map_err(|e| in_profile(e, &c.name))?;
            c.accounts = selection.accounts.into();
            c.requests = query::plan(span, &c.accounts, true, &c.provider.limits)
                .map_err(|e| in_profile(e, &c.name))?;
            Ok(c)
        })
        .collect()
}

/// With `--sandbox` the profiles are the providers the sandbox serves, named by provider.
fn sandbox_profiles(names: &[String]) -> Result<Vec<Chosen>> {
    let served = crate::sandbox::served();
    let names: Vec<String> = match names.is_empty() {
        true => served.iter().map(|s| s.to_string()).collect(),
        false => names.to_vec(),
    };
    names
        .into_iter()
        .map(|name| {
            let spec = crate::bank::spec(&name)
                .filter(|spec| served.contains(&spec.name))
                .ok_or_else(|| {
                    Error::usage_hint(
                        format!("the sandbox has no profile '{name}'"),
                        format!(
                            "with --sandbox the profiles are the providers it serves: {}",
                            served.join(", ")
                        ),
                    )
                })?;
            Ok(Chosen::new(name, spec, None, AccountBook::default()))
        })
        .collect()
}

/// The named profiles of the config file, or all of them; each must resolve.
fn config_profiles(ctx: &Context, names: &[String]) -> Result<Vec<Chosen>> {
    let (file, path) = ctx.config_file()?;
    let names: Vec<String> = match names.is_empty() {
        true => file.profiles.keys().cloned().collect(),
        false => dedup(names),
    };
    if names.is_empty() {
        return Err(Error::usage_hint(
            format!("{} has no profiles to take a position of", path.display()),
            "set one up with 'treasury login -p NAME', or try 'treasury --sandbox position'",
        ));
    }
    let chosen: Vec<Chosen> = names
        .into_iter()
        .map(|name| {
            let profile = crate::bank::resolve(file, &name, path)?;
            let book = config::account_book(file, &name);
            Ok(Chosen::new(
                name,
                crate::bank::spec_of(&profile)?,
                Some(profile),
                book,
            ))
        })
        .collect::<Result<_>>()?;
    refuse_same_bank_twice(&chosen)?;
    Ok(chosen)
}

/// Two profiles that reach the same accounts (same provider, API root, client and provider
/// settings) would count them twice in the totals: refused, naming both.
fn refuse_same_bank_twice(chosen: &[Chosen]) -> Result<()> {
    let origin = |c: &Chosen| {
        c.profile.as_ref().map(|p| {
            let settings: Vec<_> = p.settings.iter().collect();
            (
                p.provider.name,
                p.base_url.to_string(),
                p.client_id.clone(),
                format!("{settings:?}"),
            )
        })
    };
    for (i, first) in chosen.iter().enumerate() {
        let Some(mine) = origin(first) else { continue };
        if let Some(twin) = chosen[i + 1..]
            .iter()
            .find(|c| origin(c).as_ref() == Some(&mine))
        {
            return Err(Error::usage_hint(
                format!(
                    "profiles '{}' and '{}' reach the same accounts ({} at {}): their balances would count twice",
                    first.name, twin.name, mine.0, mine.1
                ),
                "pick one of them with -p",
            ));
        }
    }
    Ok(())
}

/// A profile named twice is fetched once: its accounts must not count twice in the totals.
fn dedup(names: &[String]) -> Vec<String> {
    let mut seen = Vec::new();
    for name in names {
        if !seen.contains(name) {
            seen.push(name.clone());
        }
    }
    seen
}

/// `--prior-day` needs every chosen provider to serve it; the refusal names those that cannot.
fn check_prior_day(chosen: &[Chosen], span: DateSpan) -> Result<()> {
    if span != DateSpan::PriorDay {
        return Ok(());
    }
    let cannot: Vec<String> = chosen
        .iter()
        .filter(|c| !c.provider.limits.prior_day)
        .map(|c| format!("'{}' ({})", c.name, c.provider.name))
        .collect();
    if cannot.is_empty() {
        return Ok(());
    }
    Err(Error::usage_hint(
        format!(
            "--prior-day: {} cannot give prior-day balances",
            cannot.join(", ")
        ),
        "drop --prior-day for current balances, or leave those profiles out with -p",
    ))
}

/// A local refusal about one profile names it.
fn in_profile(error: Error, name: &str) -> Error {
    match error {
        Error::Usage { message, hint } => Error::Usage {
            message: format!("profile '{name}': {message}"),
            hint,
        },
        other => other,
    }
}

/// `--rates`, read and parsed before anything is sent.
fn read_rates(ctx: &Context, args: &PositionArgs) -> Result<Option<Rates>> {
    let (Some(target), Some(path)) = (&args.reporting, &args.rates) else {
        return Ok(None);
    };
    let (name, text) = match path == Path::new("-") {
        true => ("stdin".to_string(), ctx.term.read_stdin()),
        false => (path.display().to_string(), std::fs::read_to_string(path)),
    };
    let text = text.map_err(|e| {
        Error::usage_hint(
            format!("cannot read rates file {name}: {e}"),
            "give --rates an existing file, or - for stdin",
        )
    })?;
    position::parse_rates(&name, &text, target).map(Some)
}

/// Refuses, before anything is sent, a rates file without a rate for a currency the chosen
/// profiles' cached account lists hold (where a profile has a cache from its own bank): the
/// same refusal as after the fetch, but with nothing sent.
fn rates_cover_cached_currencies(chosen: &[Chosen], rates: &Rates) -> Result<()> {
    let mut unrated: Vec<String> = Vec::new();
    for one in chosen {
        let Some(profile) = &one.profile else {
            continue;
        };
        let origin = crate::cache::Origin {
            provider: profile.provider.name.to_string(),
            base_url: profile.base_url.to_string(),
            client_id: profile.client_id.clone(),
        };
        let Ok(path) = config::account_cache_path(&one.name) else {
            continue;
        };
        let Ok(Some(cache)) = crate::cache::load(&path, &origin) else {
            continue;
        };
        let wanted =
            |id: &str| one.accounts.is_empty() || one.accounts.iter().any(|a| a.account_id == id);
        for account in cache.accounts.iter().filter(|a| wanted(&a.account_id)) {
            let code = &account.currency.code;
            if !code.is_empty() && !rates.has(code) && !unrated.contains(code) {
                unrated.push(code.clone());
            }
        }
    }
    match unrated.is_empty() {
        true => Ok(()),
        false => Err(Error::usage_hint(
            format!(
                "{} has no rate for {} (a currency of the cached account lists); nothing was sent",
                rates.source,
                unrated.join(", ")
            ),
            format!(
                "add the rates to {}, or pass --skip-unrated to leave {} out of the {} total",
                rates.source,
                unrated.join(", "),
                rates.target
            ),
        )),
    }
}

/// One line on stderr per failed profile (with its hint), account error, stale row and
/// currency left unrated.
fn warn(ctx: &Context, position: &Position) {
    for failed in &position.failed {
        ctx.term.problem_with_hint(
            &format!(
                "profile '{}' ({}) failed and is not in the totals: {}",
                failed.profile, failed.provider, failed.failure.message
            ),
            failed.failure.hint.as_deref(),
        );
    }
    for entry in position.errors().iter().skip(position.failed.len()) {
        let account = match entry.bank_id.is_empty() {
            true => entry.account_id.clone(),
            false => format!("{}/{}", entry.bank_id, entry.account_id),
        };
        let line = match entry.kind {
            position::ErrorKind::Unrated => entry.message.clone(),
            position::ErrorKind::Account => format!(
                "profile '{}' account {account}: {} {}",
                entry.profile, entry.code, entry.message
            ),
            _ => format!(
                "profile '{}' account {account}: stale: {}",
                entry.profile, entry.message
            ),
        };
        // Data problems are shown even with -q; a currency skipped on request is not one.
        match entry.kind {
            position::ErrorKind::Unrated => ctx.term.warn(&line),
            _ => ctx.term.problem(&line),
        }
    }
    for repeated in &position.repeated {
        ctx.term.warn(repeated);
    }
}
