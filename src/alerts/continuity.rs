//! Continuity: a closed day's opening ledger must be the previous stored closed day's ending
//! ledger when only a weekend lies between them (a larger gap proves nothing).

use chrono::{Datelike, NaiveDate, Weekday};

use super::evaluate::account_label;
use super::{Finding, Kind};
use crate::model::{format_amount_grouped, BalanceRow};

/// The finding for one account's newest stored closed day and the closed day stored before
/// it; none when a gap holds a weekday or either ledger is absent.
pub fn continuity(profile: &str, previous: &BalanceRow, newest: &BalanceRow) -> Option<Finding> {
    let (before, after) = (previous.balance.as_of_date, newest.balance.as_of_date);
    if before >= after || !only_weekend_between(before, after) {
        return None;
    }
    let opening = newest.balance.opening_ledger?;
    let ending = previous.balance.ending_ledger?;
    let places = newest.account.currency.decimal_places;
    let account = account_label(newest);
    let line = format!(
        "CONTINUITY {account}: opening_ledger {} on {after}, ending_ledger {} on {before}",
        format_amount_grouped(opening, places),
        format_amount_grouped(ending, places)
    );
    Some(Finding {
        kind: Kind::Continuity,
        name: String::new(),
        profile: profile.to_string(),
        account: account.clone(),
        field: Some("opening_ledger"),
        amount: Some(opening),
        limit: Some(ending.to_string()),
        currency: Some(newest.account.currency.code.clone()),
        raised: opening != ending,
        line,
        clear_line: format!(
            "CLEARED CONTINUITY {account}: opening_ledger {} on {after} follows {before}",
            format_amount_grouped(opening, places)
        ),
    })
}

fn only_weekend_between(before: NaiveDate, after: NaiveDate) -> bool {
    before
        .iter_days()
        .skip(1)
        .take_while(|d| *d < after)
        .all(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn only_saturdays_and_sundays_may_lie_between() {
        // Friday 2026-03-06 to Monday 2026-03-09: a weekend.
        assert!(only_weekend_between(d("2026-03-06"), d("2026-03-09")));
        assert!(only_weekend_between(d("2026-03-09"), d("2026-03-10")));
        // Thursday to Monday: Friday is missing.
        assert!(!only_weekend_between(d("2026-03-05"), d("2026-03-09")));
    }
}
