//! `treasury check`: the `[[alerts]]` rules, checked before anything is sent; the balances of
//! the profiles they name, fetched (or the latest recorded); every rule and each account's
//! continuity judged; one line (or JSON object) per alert; exit 0, 7 or the failure's code.

use chrono::{SecondsFormat, Utc};

use crate::alerts::{self, Finding, Kind, ProfileData, Rule};
use crate::cli::{CheckArgs, Format};
use crate::commands::position_fetch::{self, Chosen};
use crate::commands::Context;
use crate::config::{self, ConfigFile};
use crate::error::{Error, Outcome, Result};
use crate::history::{Filter, RaisedAlert, Store};
use crate::model::BalanceRow;
use crate::query::{self, AccountArgs, AccountBook, AccountName, DateArgs};

pub async fn run(ctx: &mut Context<'_>, args: &CheckArgs) -> Result<Outcome> {
    let format = output_format(ctx)?;
    let (rules, profiles) = load_rules(ctx, args)?;
    let gathered = match args.from_history {
        true => from_history(&rules, &profiles)?,
        false => fetch(ctx, args, &profiles).await?,
    };
    for (profile, failure) in &gathered.failures {
        ctx.term.problem_with_hint(
            &format!("profile '{profile}': {}", failure.message),
            failure.hint.as_deref(),
        );
    }
    let mut findings = alerts::evaluate(&rules, &gathered.data, Utc::now());
    let had: Vec<String> = gathered.data.iter().map(|d| d.profile.clone()).collect();
    let store = open_store(ctx);
    if let Some(store) = &store {
        findings.extend(continuity(store, &had)?);
    }
    let (shown, new_alerts) = changes(ctx, args, store, &had, &findings);
    print(ctx, format, &shown)?;
    Ok(verdict(&gathered, new_alerts))
}

/// What the check had to judge: each profile's newest balances, and the profiles it could
/// not have (with the exit code of their failure).
#[derive(Default)]
struct Gathered {
    data: Vec<ProfileData>,
    failures: Vec<(String, crate::position::Failure)>,
    partial: bool,
}

/// The failure's code wins (a failed fetch is never "no alert"); then 7 for an alert, then
/// 5 for accounts that failed.
fn verdict(gathered: &Gathered, alerts: bool) -> Outcome {
    match gathered.failures.first() {
        Some((_, failure)) => Outcome::Failed(failure.exit_code),
        None if alerts => Outcome::Alert,
        None if gathered.partial => Outcome::Partial,
        None => Outcome::Complete,
    }
}

fn output_format(ctx: &Context) -> Result<Format> {
    match ctx.settings.report.format {
        None | Some(Format::Table) => Ok(Format::Table),
        Some(Format::Json) => Ok(Format::Json),
        Some(Format::Ndjson) => Ok(Format::Ndjson),
        Some(_) => Err(Error::usage_hint(
            "check prints alert lines, or JSON objects with -f json or -f ndjson",
            "drop -f, or pass -f json|ndjson",
        )),
    }
}

/// The rules (every one checked) and the profiles the run covers: `-p`, else those the
/// rules name, else the default profile.
fn load_rules(ctx: &Context, args: &CheckArgs) -> Result<(Vec<Rule>, Vec<String>)> {
    let (file, path) = ctx.config_file()?;
    let sandbox = ctx.is_sandbox();
    let default = match sandbox {
        true => ctx.provider()?.name.to_string(),
        false => config::profile_name(crate::env::text(crate::env::PROFILE).as_deref(), file),
    };
    let mut rules = alerts::parse_rules(&file.alerts, &default, |profile, names| {
        if !sandbox && !file.profiles.contains_key(profile) {
            return Err(Error::usage(format!(
                "profile '{profile}' is not in {}",
                path.display()
            )));
        }
        resolve_accounts(file, profile, names)
    })?;
    let mut profiles: Vec<String> = match args.profiles.is_empty() {
        true => rules.iter().map(|r| r.profile.clone()).collect(),
        false => args.profiles.clone(),
    };
    if profiles.is_empty() {
        profiles.push(default);
    }
    profiles.dedup();
    let mut seen = Vec::new();
    profiles.retain(|p| match seen.contains(p) {
        true => false,
        false => {
            seen.push(p.clone());
            true
        }
    });
    rules.retain(|r| profiles.contains(&r.profile));
    Ok((rules, profiles))
}

fn resolve_accounts(
    file: &ConfigFile,
    profile: &str,
    names: &[String],
) -> Result<Vec<query::AccountRef>> {
    let book = config::account_book(file, profile);
    let named = names
        .iter()
        .map(|n| match book.groups.contains_key(n) {
            true => AccountName::Group(n.clone()),
            false => AccountName::Account(n.clone()),
        })
        .collect();
    let args = AccountArgs {
        named,
        from_file: Vec::new(),
    };
    Ok(query::select_accounts(&args, &book)?.accounts)
}

/// Fresh balances of every profile, at once; each recorded in the history as it comes.
async fn fetch(ctx: &mut Context<'_>, args: &CheckArgs, profiles: &[String]) -> Result<Gathered> {
    let span = query::resolve_dates(&DateArgs {
        prior_day: args.prior_day,
        ..DateArgs::default()
    })?;
    let chosen = choose(ctx, profiles, span)?;
    let parts = position_fetch::fetch_all(ctx, chosen, 4).await?;
    let mut gathered = Gathered::default();
    for part in parts {
        match part.report {
            Err(failure) => gathered.failures.push((part.profile, failure)),
            Ok(report) => {
                for e in &report.errors {
                    ctx.term.problem(&format!(
                        "profile '{}' account {}: {} {}",
                        part.profile, e.account_id, e.code, e.message
                    ));
                }
                if let Some(refused) =
                    crate::bank::budget::all_refused(report.rows.len(), &report.errors)
                {
                    gathered.failures.push((part.profile, failure_of(&refused)));
                    continue;
                }
                gathered.partial |= !report.errors.is_empty();
                gathered.data.push(ProfileData {
                    profile: part.profile,
                    rows: crate::history::newest_per_account(report.rows),
                });
            }
        }
    }
    Ok(gathered)
}

fn failure_of(error: &Error) -> crate::position::Failure {
    crate::position::Failure {
        message: error.to_string(),
        hint: error.hint(),
        exit_code: error.exit_code(),
    }
}

fn choose(ctx: &Context, profiles: &[String], span: query::DateSpan) -> Result<Vec<Chosen>> {
    profiles
        .iter()
        .map(|name| {
            let mut chosen = match ctx.is_sandbox() {
                true => {
                    let spec = crate::bank::spec(name)
                        .filter(|s| crate::sandbox::part(s.name).is_some())
                        .ok_or_else(|| {
                            Error::usage(format!("the sandbox has no profile '{name}'"))
                        })?;
                    Chosen::new(name.clone(), spec, None, AccountBook::default())
                }
                false => {
                    let profile = ctx.profile_named(name)?;
                    let book = profile.book.clone();
                    Chosen::new(
                        name.clone(),
                        crate::bank::spec_of(&profile)?,
                        Some(profile),
                        book,
                    )
                }
            };
            if span == query::DateSpan::PriorDay && !chosen.provider.limits.prior_day {
                return Err(Error::usage_hint(
                    format!(
                        "--prior-day: profile '{name}' ({}) cannot give prior-day balances",
                        chosen.provider.name
                    ),
                    "drop --prior-day, or leave the profile out with -p",
                ));
            }
            chosen.requests = query::plan(span, &chosen.accounts, true, &chosen.provider.limits)?;
            Ok(chosen)
        })
        .collect()
}

/// The latest recorded row of each account of each profile; no bank is called. A profile
/// with nothing recorded cannot be judged (exit 4), unless a `stale_after` rule watches it:
/// then that is its finding.
fn from_history(rules: &[Rule], profiles: &[String]) -> Result<Gathered> {
    let path = config::history_path()?;
    let store = Store::open_existing(&path)?;
    let mut gathered = Gathered::default();
    for profile in profiles {
        let mut rows = Vec::new();
        if let Some(store) = &store {
            let filter = Filter {
                profiles: vec![profile.clone()],
                ..Filter::default()
            };
            store.each_row(&filter, |stored| -> Result<()> {
                rows.push(stored.row);
                Ok(())
            })?;
        }
        let watched = rules
            .iter()
            .any(|r| &r.profile == profile && r.stale_after.is_some());
        if rows.is_empty() && !watched {
            gathered.failures.push((
                profile.clone(),
                crate::position::Failure {
                    message: format!("nothing recorded for profile {profile} in {}", path.display()),
                    hint: Some("run 'treasury check' without --from-history, or 'treasury balances', to record some".into()),
                    exit_code: 4,
                },
            ));
            continue;
        }
        gathered.data.push(ProfileData {
            profile: profile.clone(),
            rows: crate::history::newest_per_account(rows),
        });
    }
    Ok(gathered)
}

/// The continuity of each account's newest stored closed day, for the profiles judged.
fn continuity(store: &Store, profiles: &[String]) -> Result<Vec<Finding>> {
    if profiles.is_empty() {
        return Ok(Vec::new());
    }
    let filter = Filter {
        profiles: profiles.to_vec(),
        closed_only: true,
        ..Filter::default()
    };
    let mut findings = Vec::new();
    let mut last: Option<(String, BalanceRow, Option<BalanceRow>)> = None;
    let mut judge = |last: Option<(String, BalanceRow, Option<BalanceRow>)>| {
        if let Some((profile, newest, Some(previous))) = last {
            findings.extend(alerts::continuity(&profile, &previous, &newest));
        }
    };
    store.each_row(&filter, |stored| -> Result<()> {
        let same = last.as_ref().is_some_and(|(_, newest, _)| {
            newest.account.account_id == stored.row.account.account_id
                && newest.account.bank_id == stored.row.account.bank_id
        });
        last = match (same, last.take()) {
            (true, Some((_, newest, _))) => Some((stored.profile, stored.row, Some(newest))),
            (_, previous) => {
                judge(previous);
                Some((stored.profile, stored.row, None))
            }
        };
        Ok(())
    })?;
    judge(last);
    Ok(findings)
}

fn open_store(ctx: &Context) -> Option<Store> {
    let path = config::history_path().ok()?;
    match Store::open_existing(&path) {
        Ok(store) => store,
        Err(e) => {
            ctx.term.warn(&format!(
                "continuity and --changes-only skipped: cannot open the {e}"
            ));
            None
        }
    }
}

/// What to print, and whether a new alert is among it. Without `--changes-only`: every raised
/// finding. With it: those the previous check did not raise, and CLEARED for those gone.
/// Either way the raised ones are kept for the next check (of the profiles judged).
fn changes(
    ctx: &Context,
    args: &CheckArgs,
    store: Option<Store>,
    judged: &[String],
    findings: &[Finding],
) -> (Vec<(Kind, Finding)>, bool) {
    let raised: Vec<&Finding> = findings.iter().filter(|f| f.raised).collect();
    let previous = store
        .as_ref()
        .and_then(|s| s.raised_alerts(judged).ok())
        .unwrap_or_default();
    if let Some(mut store) = store {
        let keep: Vec<RaisedAlert> = raised
            .iter()
            .map(|f| RaisedAlert {
                key: f.key(),
                profile: f.profile.clone(),
                line: f.line.clone(),
            })
            .collect();
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        if let Err(e) = store.keep_raised(judged, &keep, &now) {
            ctx.term
                .warn(&format!("cannot keep this check's alerts: {e}"));
        }
    }
    if !args.changes_only {
        let shown: Vec<(Kind, Finding)> = raised.iter().map(|f| (f.kind, (*f).clone())).collect();
        let any = !shown.is_empty();
        return (shown, any);
    }
    let before: Vec<&str> = previous.iter().map(|p| p.key.as_str()).collect();
    let mut shown: Vec<(Kind, Finding)> = raised
        .iter()
        .filter(|f| !before.contains(&f.key().as_str()))
        .map(|f| (f.kind, (*f).clone()))
        .collect();
    let new = !shown.is_empty();
    for gone in previous
        .iter()
        .filter(|p| !raised.iter().any(|f| f.key() == p.key))
    {
        shown.push((Kind::Cleared, cleared(gone, findings)));
    }
    (shown, new)
}

/// The CLEARED finding of an alert raised before: with the current value where it was judged.
fn cleared(gone: &RaisedAlert, findings: &[Finding]) -> Finding {
    match findings.iter().find(|f| f.key() == gone.key) {
        Some(now) => Finding {
            kind: Kind::Cleared,
            line: now.clear_line.clone(),
            ..now.clone()
        },
        None => {
            let rest = gone.line.split_once(' ').map_or("", |(_, rest)| rest);
            let mut parts = gone.key.split('\u{1f}');
            Finding {
                kind: Kind::Cleared,
                name: parts.nth(1).unwrap_or_default().to_string(),
                profile: gone.profile.clone(),
                account: parts.nth(1).unwrap_or_default().to_string(),
                field: None,
                amount: None,
                limit: None,
                currency: None,
                raised: false,
                line: format!("CLEARED {rest}"),
                clear_line: String::new(),
            }
        }
    }
}

fn print(ctx: &Context, format: Format, shown: &[(Kind, Finding)]) -> Result<()> {
    let mut text = String::new();
    match format {
        Format::Json => {
            let objects: Vec<serde_json::Value> =
                shown.iter().map(|(k, f)| object(*k, f)).collect();
            text = serde_json::to_string_pretty(&serde_json::json!({ "alerts": objects }))
                .map_err(|e| Error::Internal(e.into()))?;
            text.push('\n');
        }
        Format::Ndjson => {
            for (kind, finding) in shown {
                text.push_str(&object(*kind, finding).to_string());
                text.push('\n');
            }
        }
        _ => {
            for (_, finding) in shown {
                text.push_str(&finding.line);
                text.push('\n');
            }
        }
    }
    ctx.term.print(&text)
}

/// A finding for machines: kind, name, profile, account, field, amount, limit, currency.
fn object(kind: Kind, f: &Finding) -> serde_json::Value {
    let number = |d: Option<String>| match d {
        Some(text) => serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .filter(|v| v.is_number())
            .unwrap_or(serde_json::Value::String(text)),
        None => serde_json::Value::Null,
    };
    serde_json::json!({
        "kind": kind.name(),
        "name": f.name,
        "profile": f.profile,
        "account": f.account,
        "field": f.field,
        "amount": number(f.amount.map(|a| a.to_string())),
        "limit": number(f.limit.clone()),
        "currency": f.currency,
        "line": f.line,
    })
}
