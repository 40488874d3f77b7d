//! Unit tests of the balance rows of the history store.

use super::*;

fn row(id: &str, date: &str, ending: &str) -> BalanceRow {
    let d = |t: &str| Decimal::from_str(t).unwrap();
    BalanceRow {
        account: Arc::new(Account {
            account_id: id.into(),
            account_name: "Ops".into(),
            bank_id: "B1".into(),
            bank_name: "Bank".into(),
            branch_id: String::new(),
            currency: Currency {
                code: "USD".into(),
                decimal_places: 2,
            },
        }),
        balance: Balance {
            as_of_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            current_day: false,
            opening_available: None,
            opening_ledger: Some(d("0.00")),
            ending_available: Some(d(ending)),
            ending_ledger: Some(d("9007199254740993.01")),
            record_timestamp: String::new(),
        },
    }
}

fn source() -> Source {
    Source {
        origin: "jpmorgan http://x".into(),
        profile: "p".into(),
        provider: "jpmorgan".into(),
        fetched_at: "2026-03-01T00:00:00Z".into(),
    }
}

#[test]
fn rows_come_back_exact_and_a_later_fetch_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut recorder = Recorder::new(path.clone(), source());
    recorder.record(&[row("A", "2026-03-02", "5.10"), row("A", "2026-03-01", "4")]);
    recorder.record(&[row("A", "2026-03-02", "6.125")]);
    assert_eq!(recorder.finish(), None);
    let store = Store::open(&path).unwrap();
    let mut seen = Vec::new();
    store
        .each_row::<StoreError>(&Filter::default(), |r| {
            seen.push(r);
            Ok(())
        })
        .unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].row.balance.ending_available.unwrap().to_string(),
        "4"
    );
    assert_eq!(
        seen[1].row.balance.ending_available.unwrap().to_string(),
        "6.125"
    );
    assert_eq!(seen[1].amounts[0], None, "absent stays absent");
    assert_eq!(
        seen[1].amounts[3].unwrap().to_string(),
        "9007199254740993.01"
    );
    assert_eq!(seen[1].amounts[1].unwrap().to_string(), "0.00");
}

#[test]
fn an_unwritable_store_is_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut recorder = Recorder::new(dir.path().to_path_buf(), source());
    recorder.record(&[row("A", "2026-03-02", "5.10")]);
    let warning = recorder.finish().unwrap();
    assert!(
        warning.contains(&dir.path().display().to_string()),
        "{warning}"
    );
}
