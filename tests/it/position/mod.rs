//! `treasury position` end to end, real binary against real HTTP servers: the built-in sandbox
//! (J.P. Morgan and Finicity at once), `treasury sandbox serve`, and a closed port for a bank
//! that is down. Totals are recomputed here from the JSON rows with decimal arithmetic.

mod profiles;
mod properties;
mod sandbox;
mod schema;

use crate::support;

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use support::{run, Home, ServedSandbox};

/// The ECB layout (`eurofxref.csv` as it comes): 1 EUR = RATE units of each currency.
const ECB: &str =
    "Date, USD, JPY, GBP, SGD, BHD, \n30 November 2026, 1.0500, 160.12, 0.8400, 1.4500, 0.3950, \n";

const ECB_WITHOUT_SGD: &str =
    "Date, USD, JPY, GBP, BHD, \n30 November 2026, 1.0500, 160.12, 0.8400, 0.3950, \n";

fn sandbox(home: &Home, args: &[&str]) -> support::Run {
    run(home.cmd().arg("--sandbox").arg("position").args(args))
}

/// A JSON number as the exact decimal it was written as.
fn dec(value: &Value) -> Decimal {
    Decimal::from_str(&value.to_string()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// Sums of ending_ledger and ending_available per currency, from the rows, with the number of
/// rows and of absent (`null`) ending_available amounts, which the sums leave out.
fn sums(rows: &[Value]) -> BTreeMap<String, (Decimal, Decimal, usize, usize)> {
    let mut sums: BTreeMap<String, (Decimal, Decimal, usize, usize)> = BTreeMap::new();
    for row in rows {
        let entry = sums
            .entry(row["currency"].as_str().unwrap().to_string())
            .or_default();
        entry.0 += dec(&row["ending_ledger"]);
        match &row["ending_available"] {
            Value::Null => entry.3 += 1,
            amount => entry.1 += dec(amount),
        }
        entry.2 += 1;
    }
    sums
}

fn totals<'a>(doc: &'a Value, scope: &str) -> Vec<&'a Value> {
    doc["totals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["scope"] == scope)
        .collect()
}

// ---- JSON Schema ---------------------------------------------------------------------------

const SCHEMA_BASE: &str = "https://treasury.invalid/schema/";

struct SchemaFiles;

impl jsonschema::Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().strip_prefix(SCHEMA_BASE).ok_or("not ours")?;
        Ok(load_schema(name))
    }
}

fn load_schema(name: &str) -> Value {
    let path = format!("{}/docs/schema/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn assert_valid(doc: &Value) {
    let validator = jsonschema::options()
        .with_base_uri(format!("{SCHEMA_BASE}position.schema.json"))
        .with_retriever(SchemaFiles)
        .build(&load_schema("position.schema.json"))
        .unwrap();
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "schema errors: {errors:?}\n{doc}");
}
