//! Call budgets at the bank's door: a provider whose bank limits reads (open banking) or bills
//! them (Finicity's live balance) reserves each read here before sending it. An account whose
//! reads are spent becomes a per-account `BUDGET` error, and nothing is sent for it.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::history::{Budget, Refusal};
use crate::model::AccountError;

/// The per-account error code of a read refused locally.
pub const BUDGET: &str = "BUDGET";

/// Reserves one read of each account; the refused ones come back as their errors. A store
/// that cannot be used counts nothing and refuses nothing (logged): a broken history must
/// not stop the reads it exists to save.
pub fn reserve(budget: &Budget, accounts: &[(String, String)]) -> Vec<AccountError> {
    match budget.reserve(accounts, Utc::now()) {
        Ok(refused) => refused.iter().map(|r| refusal_error(budget, r)).collect(),
        Err(e) => {
            tracing::warn!("reads are not counted: {e}");
            Vec::new()
        }
    }
}

/// The accounts among `wanted` (every account read recently when `wanted` is empty) that
/// have no read left, as errors: all of them, or none when even one may be read.
pub fn refuse_all(
    budget: &Budget,
    wanted: &[(Option<String>, String)],
) -> Option<Vec<AccountError>> {
    budget.limit?;
    let known = budget.known(Utc::now()).ok()?;
    let spent = |bank: &Option<String>, id: &str| {
        known.iter().find_map(|(b, i, next)| {
            (i == id && bank.as_deref().is_none_or(|bank| bank == b)).then_some(*next)?
        })
    };
    let refusals: Vec<Refusal> = match wanted.is_empty() {
        true => known
            .iter()
            .map(|(bank, id, next)| {
                next.map(|next_at| Refusal {
                    bank_id: bank.clone(),
                    account_id: id.clone(),
                    next_at,
                })
            })
            .collect::<Option<Vec<_>>>()?,
        false => wanted
            .iter()
            .map(|(bank, id)| {
                spent(bank, id).map(|next_at| Refusal {
                    bank_id: bank.clone().unwrap_or_default(),
                    account_id: id.clone(),
                    next_at,
                })
            })
            .collect::<Option<Vec<_>>>()?,
    };
    (!refusals.is_empty()).then(|| refusals.iter().map(|r| refusal_error(budget, r)).collect())
}

/// When every account of a run was refused by its budget, nothing was sent for any of them:
/// a usage error (exit 2) rather than a partial report.
pub fn all_refused(rows: usize, errors: &[AccountError]) -> Option<crate::error::Error> {
    if rows > 0 || errors.is_empty() || errors.iter().any(|e| e.code != BUDGET) {
        return None;
    }
    let next = errors
        .iter()
        .filter_map(|e| e.message.split("allowed at ").nth(1))
        .filter_map(|rest| rest.split(' ').next())
        .min()
        .unwrap_or("within 24 hours");
    Some(crate::error::Error::usage_hint(
        format!(
            "every account's daily read budget is spent, so nothing was sent; the next read is allowed at {next}"
        ),
        "'treasury history' shows the last recorded values; daily_reads in the profile sets the budget",
    ))
}

fn refusal_error(budget: &Budget, refusal: &Refusal) -> AccountError {
    AccountError {
        account_id: refusal.account_id.clone(),
        bank_id: refusal.bank_id.clone(),
        code: BUDGET.into(),
        message: format!(
            "the {} reads a day of profile '{}' are spent for this account (daily_reads); its next read is allowed at {} (hint: 'treasury history -p {}' shows the last recorded values)",
            budget.limit.unwrap_or_default(),
            budget.profile,
            when(refusal.next_at),
            budget.profile
        ),
    }
}

fn when(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}
