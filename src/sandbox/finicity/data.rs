//! The sandbox's Finicity customers: fixed account records covering every mapping case.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::bank::finicity::wire::{AccountDetail, CustomerAccount};

/// The customer a newcomer's profile names.
pub const CUSTOMER_ID: &str = "1005061234";
/// A second customer, with one account.
pub const OTHER_CUSTOMER_ID: &str = "1005065678";
pub const INSTITUTION_ID: &str = "101732";
pub const OTHER_INSTITUTION_ID: &str = "102105";

/// 2026-01-15T14:30:00Z: when the sandbox's balances were captured.
pub const BALANCE_DATE: i64 = 1_768_487_400;
/// 2026-01-09T06:00:00Z: the last successful aggregation of the stale account.
pub const STALE_SINCE: i64 = 1_767_938_400;
/// 2026-01-15T09:00:00Z: the stale account's last (failed) aggregation attempt.
pub const STALE_ATTEMPT: i64 = 1_768_467_600;
/// The stale account's `aggregationStatusCode` (Finicity: "the institution is unavailable").
pub const STALE_CODE: i64 = 185;

/// The accounts of a customer, or `None` for a customer the sandbox does not know.
pub fn accounts_of(customer_id: &str) -> Option<Vec<CustomerAccount>> {
    match customer_id {
        CUSTOMER_ID => Some(main_customer()),
        OTHER_CUSTOMER_ID => Some(vec![record(
            Spec::new(
                "5011700001",
                "Kuwait Operating",
                "checking",
                "KWD",
                "30500.250",
            )
            .available("30250.125")
            .at(OTHER_INSTITUTION_ID),
            OTHER_CUSTOMER_ID,
        )]),
        _ => None,
    }
}

fn main_customer() -> Vec<CustomerAccount> {
    let specs = [
        Spec::new(
            "5011648371",
            "Operating Checking",
            "checking",
            "USD",
            "1250.10",
        )
        .available("1190.55"),
        Spec::new(
            "5011648372",
            "Reserve Savings",
            "savings",
            "USD",
            "250000.00",
        )
        .available("250000.00"),
        Spec::new(
            "5011648373",
            "Corporate Card",
            "creditCard",
            "USD",
            "-1547.62",
        ),
        Spec::new(
            "5011648374",
            "Revolving Credit Line",
            "lineOfCredit",
            "USD",
            "-25000.00",
        ),
        Spec::new(
            "5011648375",
            "Tokyo Operating",
            "checking",
            "JPY",
            "1500000",
        )
        .available("1480000"),
        Spec::new(
            "5011648376",
            "Manama Treasury",
            "savings",
            "BHD",
            "12500.125",
        )
        .available("12500.125")
        .at(OTHER_INSTITUTION_ID),
        Spec::new(
            "5011648377",
            "Payroll Checking",
            "checking",
            "USD",
            "98765.43",
        )
        .available("98000.00")
        .stale(),
        Spec::new(
            "5011648378",
            "New Money Market",
            "moneyMarket",
            "USD",
            "5000.00",
        )
        .pending(),
    ];
    let mut records: Vec<_> = specs.into_iter().map(|s| record(s, CUSTOMER_ID)).collect();
    // A credit card's detail has a limit and the credit left, not an available balance.
    records[2].detail = Some(AccountDetail {
        credit_max_amount: Some(amount("10000.00")),
        credit_available_amount: Some(amount("8452.38")),
        ..AccountDetail::default()
    });
    records
}

struct Spec {
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    currency: &'static str,
    balance: &'static str,
    available: Option<&'static str>,
    institution: &'static str,
    stale: bool,
    pending: bool,
}

impl Spec {
    fn new(
        id: &'static str,
        name: &'static str,
        kind: &'static str,
        currency: &'static str,
        balance: &'static str,
    ) -> Spec {
        Spec {
            id,
            name,
            kind,
            currency,
            balance,
            available: None,
            institution: INSTITUTION_ID,
            stale: false,
            pending: false,
        }
    }

    fn available(self, amount: &'static str) -> Spec {
        Spec {
            available: Some(amount),
            ..self
        }
    }

    fn at(self, institution: &'static str) -> Spec {
        Spec {
            institution,
            ..self
        }
    }

    fn stale(self) -> Spec {
        Spec {
            stale: true,
            ..self
        }
    }

    fn pending(self) -> Spec {
        Spec {
            pending: true,
            ..self
        }
    }
}

fn record(spec: Spec, customer_id: &str) -> CustomerAccount {
    let last4 = &spec.id[spec.id.len() - 4..];
    let partial = CustomerAccount {
        id: spec.id.to_string(),
        number: Some(format!("XXXX-XXXXXX-{last4}")),
        name: Some(spec.name.to_string()),
        balance: Some(amount(spec.balance)),
        account_type: Some(spec.kind.to_string()),
        status: Some(if spec.pending { "pending" } else { "active" }.to_string()),
        ..CustomerAccount::default()
    };
    if spec.pending {
        // Finicity's partial record for an account still in discovery: these fields only.
        return partial;
    }
    let (success, attempt) = match spec.stale {
        true => (STALE_SINCE, STALE_ATTEMPT),
        false => (BALANCE_DATE, BALANCE_DATE),
    };
    CustomerAccount {
        account_number_display: Some(last4.to_string()),
        aggregation_status_code: Some(if spec.stale { STALE_CODE } else { 0 }),
        customer_id: Some(customer_id.to_string()),
        institution_id: Some(spec.institution.to_string()),
        balance_date: Some(if spec.stale {
            STALE_SINCE
        } else {
            BALANCE_DATE
        }),
        aggregation_success_date: Some(success),
        aggregation_attempt_date: Some(attempt),
        created_date: Some(1_764_590_400),
        currency: Some(spec.currency.to_string()),
        institution_login_id: Some(1_007_302_745),
        display_position: Some(spec.id[spec.id.len() - 1..].parse().unwrap_or(1)),
        detail: spec.available.map(|a| AccountDetail {
            available_balance_amount: Some(amount(a)),
            ..AccountDetail::default()
        }),
        ..partial
    }
}

/// A fixed amount, exactly as written (scale kept: `1250.10` stays two places).
pub fn amount(text: &str) -> Decimal {
    Decimal::from_str(text).expect("sandbox amounts are valid decimals")
}
