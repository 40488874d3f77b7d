//! `treasury history`: rows recorded by earlier runs, in every report format, with `--change`
//! against each account's previous stored as-of date; `prune` and `--path`. No bank is called.

use std::io::Write;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::cli::{Format, HistoryArgs, HistoryCommand, PruneArgs};
use crate::commands::{history_file, Context};
use crate::config;
use crate::error::{Error, Outcome, Result};
use crate::history::{Filter, Store, StoreError, StoredRow};
use crate::output::history::{HistoryRow, HistoryWriter};
use crate::query::{self, AccountArgs, AccountRef};

pub async fn run(ctx: &mut Context<'_>, args: &HistoryArgs) -> Result<Outcome> {
    let path = config::history_path()?;
    if args.path {
        ctx.term.print(&format!("{}\n", path.display()))?;
        return Ok(Outcome::Complete);
    }
    if let Some(HistoryCommand::Prune(prune_args)) = &args.command {
        return prune(ctx, prune_args, &path);
    }
    let wanted = Wanted {
        from: date(args.from.as_deref(), "--from")?,
        to: date(args.to.as_deref(), "--to")?,
        accounts: accounts(ctx, args)?,
    };
    if let (Some(from), Some(to)) = (wanted.from, wanted.to) {
        if to < from {
            return Err(Error::usage_hint(
                format!("--to {to} is before --from {from}"),
                "give --from the earlier date",
            ));
        }
    }
    let filter = Filter {
        profiles: args.profiles.clone(),
        accounts: wanted
            .accounts
            .iter()
            .map(|a| (a.bank_id.clone(), a.account_id.clone()))
            .collect(),
        // `--change` needs the row before `--from`: rows before it are read, not printed.
        from: wanted.from.filter(|_| !args.change),
        to: wanted.to,
        closed_only: false,
    };
    let format = ctx.reports().format()?;
    if crate::output::is_bank_file(format) {
        return history_file::write(ctx, args, &path, filter, format, || {
            nothing_recorded(args, &wanted)
        });
    }
    let sink = ctx.open_sink()?;
    let (format, file) = sink.into_parts();
    let Some(store) = Store::open_existing(&path).map_err(read_error)? else {
        return Err(nothing_recorded(args, &wanted));
    };
    let count = match file {
        Some((target, mut file)) => {
            let count = write_rows(&store, &filter, args, &wanted, &mut file, format)?;
            if count > 0 {
                file.commit().map_err(|e| {
                    Error::Internal(anyhow::anyhow!("cannot write {}: {e}", target.display()))
                })?;
                ctx.term
                    .note(&format!("Wrote {count} rows to {}", target.display()));
            }
            count
        }
        None => {
            let mut out = ctx.term.stdout();
            write_rows(&store, &filter, args, &wanted, &mut out, format)?
        }
    };
    match count {
        0 => Err(nothing_recorded(args, &wanted)),
        _ => Ok(Outcome::Complete),
    }
}

/// What was asked for, for the filter and the "nothing recorded" message.
struct Wanted {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    accounts: Vec<AccountRef>,
}

/// Streams the rows into `out`; nothing is written when there is none.
fn write_rows(
    store: &Store,
    filter: &Filter,
    args: &HistoryArgs,
    wanted: &Wanted,
    out: &mut dyn Write,
    format: Format,
) -> Result<usize> {
    let mut writer = HistoryWriter::new(format, args.change, out);
    let mut changes = Changes::default();
    store.each_row(filter, |stored: StoredRow| -> Result<()> {
        let change = changes.next(&stored);
        if wanted
            .from
            .is_some_and(|from| stored.row.balance.as_of_date < from)
        {
            return Ok(());
        }
        let row = HistoryRow {
            stored,
            changes: args.change.then_some(change),
        };
        writer.row(&row).map_err(write_error)
    })?;
    let count = writer.count();
    if count > 0 {
        writer.finish().map_err(write_error)?;
    }
    Ok(count)
}

/// Each amount minus the same amount of the account's latest stored row with an earlier
/// as-of date, over rows in key order (account, as-of date, closed day first).
#[derive(Default)]
struct Changes {
    account: Option<(String, String, String)>,
    /// The amounts of the account's previous as-of date.
    earlier: Option<[Option<Decimal>; 4]>,
    /// The as-of date being read and its first row's amounts (the closed day's, if any).
    current: Option<(NaiveDate, [Option<Decimal>; 4])>,
}

impl Changes {
    fn next(&mut self, stored: &StoredRow) -> [Option<Decimal>; 4] {
        let (origin, bank, id) = stored.key();
        let key = (origin.to_string(), bank.to_string(), id.to_string());
        if self.account.as_ref() != Some(&key) {
            *self = Changes {
                account: Some(key),
                ..Changes::default()
            };
        }
        let date = stored.row.balance.as_of_date;
        match self.current {
            Some((current, _)) if current == date => {}
            Some((_, amounts)) => {
                self.earlier = Some(amounts);
                self.current = Some((date, stored.amounts));
            }
            None => self.current = Some((date, stored.amounts)),
        }
        let earlier = self.earlier.unwrap_or_default();
        let mut change = [None; 4];
        for (i, slot) in change.iter_mut().enumerate() {
            *slot = match (stored.amounts[i], earlier[i]) {
                (Some(now), Some(before)) => now.checked_sub(before),
                _ => None,
            };
        }
        change
    }
}

fn prune(ctx: &Context, args: &PruneArgs, path: &std::path::Path) -> Result<Outcome> {
    let before = query::parse_date("--before", &args.before)?;
    let deleted = match Store::open_existing(path).map_err(read_error)? {
        Some(store) => store.prune_before(before).map_err(read_error)?,
        None => 0,
    };
    ctx.term.note(&format!(
        "Deleted {deleted} recorded {} dated before {before} from {}",
        if deleted == 1 { "row" } else { "rows" },
        path.display()
    ));
    Ok(Outcome::Complete)
}

fn date(text: Option<&str>, flag: &str) -> Result<Option<NaiveDate>> {
    text.map(|t| query::parse_date(flag, t)).transpose()
}

/// The accounts asked for: `-a`, `--group` (the first `-p` profile's aliases and groups, else
/// the default profile's) and `--accounts-file`.
fn accounts(ctx: &Context, args: &HistoryArgs) -> Result<Vec<AccountRef>> {
    let from_file = match &args.selection.accounts_file {
        Some(path) => super::balances::read_accounts_file(ctx, path)?,
        None => Vec::new(),
    };
    if args.named.is_empty() && from_file.is_empty() {
        return Ok(Vec::new());
    }
    let book = match (args.profiles.first(), ctx.config_file()) {
        (Some(name), Ok((file, _))) => config::account_book(file, name),
        _ => ctx.account_book().unwrap_or_default(),
    };
    let named = AccountArgs {
        named: args.named.clone(),
        from_file,
    };
    Ok(query::select_accounts(&named, &book)?.accounts)
}

fn nothing_recorded(args: &HistoryArgs, wanted: &Wanted) -> Error {
    let mut what = Vec::new();
    if !args.profiles.is_empty() {
        what.push(format!("profile {}", args.profiles.join(", ")));
    }
    if !wanted.accounts.is_empty() {
        let names: Vec<String> = wanted.accounts.iter().map(ToString::to_string).collect();
        what.push(format!("account {}", names.join(", ")));
    }
    match (wanted.from, wanted.to) {
        (Some(from), Some(to)) => what.push(format!("{from} to {to}")),
        (Some(from), None) => what.push(format!("from {from}")),
        (None, Some(to)) => what.push(format!("up to {to}")),
        (None, None) => {}
    }
    let what = match what.is_empty() {
        true => "any account".to_string(),
        false => what.join(", "),
    };
    Error::Empty {
        message: format!("nothing recorded for {what}"),
        hint: Some(
            "balances are recorded by 'treasury balances' and 'treasury position' runs; 'treasury history --path' shows where".into(),
        ),
        account_errors: false,
    }
}

pub(super) fn read_error(e: StoreError) -> Error {
    Error::Internal(anyhow::anyhow!("cannot read the {e}"))
}

fn write_error(e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::BrokenPipe => Error::Internal(anyhow::anyhow!("stdout was closed")),
        _ => Error::Internal(anyhow::anyhow!("cannot write the report: {e}")),
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        read_error(e)
    }
}
