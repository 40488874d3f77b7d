//! JSON Schema: the JSON output of `balances`, `accounts`, `position`, `history` and `check` matches
//! `docs/schema/`, checked with the `jsonschema` crate, and the validator rejects real mismatches.

use super::*;

// ---- JSON Schema: docs/schema, checked with the `jsonschema` crate ------------------------

/// The base URI the schemas are read under: they carry no `$id`, and refer to each other by
/// file name (`"$ref": "balance-row.schema.json"`), which resolves against it.
const SCHEMA_BASE: &str = "https://treasury.invalid/schema/";

/// Serves `$ref`s under `SCHEMA_BASE` from docs/schema, and nothing else: no network.
struct SchemaFiles;

impl jsonschema::Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .strip_prefix(SCHEMA_BASE)
            .ok_or_else(|| format!("{uri} is not a schema in docs/schema"))?;
        Ok(load_schema(name))
    }
}

fn load_schema(name: &str) -> Value {
    let path = root().join("docs").join("schema").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A validator for one schema file; the schema itself is checked against its metaschema.
fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_base_uri(format!("{SCHEMA_BASE}{name}"))
        .with_retriever(SchemaFiles)
        .build(&load_schema(name))
        .unwrap_or_else(|e| panic!("docs/schema/{name} is not a valid schema: {e}"))
}

/// Every way `value` breaks the schema, as `$.path: what`, a missing key as
/// `missing required key 'KEY'`.
fn schema_errors(name: &str, value: &Value) -> Vec<String> {
    validator(name)
        .iter_errors(value)
        .map(|error| {
            let at = json_path(value, error.instance_path().as_str());
            match error.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    let key = property
                        .as_str()
                        .map_or_else(|| property.to_string(), str::to_string);
                    format!("{at}: missing required key '{key}'")
                }
                _ => format!("{at}: {error}"),
            }
        })
        .collect()
}

/// A JSON pointer into `value` (`/balances/0/amount`) as a path (`$.balances[0].amount`).
fn json_path(value: &Value, pointer: &str) -> String {
    let mut path = "$".to_string();
    let mut node = Some(value);
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        node = match node {
            Some(Value::Array(items)) => {
                path.push_str(&format!("[{key}]"));
                key.parse::<usize>().ok().and_then(|i| items.get(i))
            }
            other => {
                path.push_str(&format!(".{key}"));
                other.and_then(|v| v.get(&key))
            }
        };
    }
    path
}

fn assert_valid(name: &str, value: &Value, what: &str) {
    let errors = schema_errors(name, value);
    assert!(
        errors.is_empty(),
        "{what} does not match {name}:\n  {}",
        errors.join("\n  ")
    );
}

/// The keys of an object, in order: `required` lists them in the documented order.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn required(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

fn sandbox_output(args: &[&str], code: i32) -> String {
    let out = Sandbox::new()
        .cmd()
        .arg("--sandbox")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "treasury --sandbox {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn json_output_matches_the_schemas() {
    let row_schema = load_schema("balance-row.schema.json");
    let fields = required(&row_schema);
    assert_eq!(fields.len(), 13);

    let text = sandbox_output(&["balances", "--prior-day", "-f", "json"], 0);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_valid("balances.schema.json", &doc, "balances -f json");
    assert_eq!(doc["balances"].as_array().unwrap().len(), 12);
    assert_eq!(keys(&doc["balances"][0]), fields, "key order of a JSON row");

    let args = [
        "balances",
        "--prior-day",
        "-a",
        "0041000001",
        "-a",
        "99999",
        "-f",
        "json",
    ];
    let doc: Value = serde_json::from_str(&sandbox_output(&args, 5)).unwrap();
    assert_valid(
        "balances.schema.json",
        &doc,
        "balances -f json with an error",
    );
    assert_eq!(doc["errors"][0]["code"], "GCA-010");

    let text = sandbox_output(&["balances", "--prior-day", "-f", "ndjson"], 0);
    assert_eq!(text.lines().count(), 12);
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        assert_valid("balance-row.schema.json", &row, line);
        assert_eq!(keys(&row), fields, "key order of an NDJSON line");
    }

    let doc: Value = serde_json::from_str(&sandbox_output(&["accounts", "-f", "json"], 0)).unwrap();
    assert_valid("accounts.schema.json", &doc, "accounts -f json");
    let account_schema = &load_schema("accounts.schema.json")["properties"]["accounts"]["items"];
    assert_eq!(keys(&doc["accounts"][0]), required(account_schema));
    assert_eq!(required(account_schema), fields[..6]);
}

#[test]
fn the_schema_validator_rejects_real_mismatches() {
    let line = sandbox_output(
        &[
            "balances",
            "--prior-day",
            "-a",
            "0041000001",
            "-f",
            "ndjson",
        ],
        0,
    );
    let good: Value = serde_json::from_str(line.trim()).unwrap();
    assert!(schema_errors("balance-row.schema.json", &good).is_empty());

    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("ending_ledger");
    let errors = schema_errors("balance-row.schema.json", &missing);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("missing required key 'ending_ledger'")),
        "{errors:?}"
    );

    let mut string_amount = good.clone();
    string_amount["opening_available"] = Value::String("37523477.14".into());
    let errors = schema_errors("balance-row.schema.json", &string_amount);
    assert!(
        errors.iter().any(|e| e.contains("$.opening_available")),
        "{errors:?}"
    );

    let mut extra = good.clone();
    extra["balance"] = Value::from(1);
    assert!(!schema_errors("balance-row.schema.json", &extra).is_empty());

    let doc = serde_json::json!({"balances": [string_amount], "errors": [{"account_id": "1"}]});
    let errors = schema_errors("balances.schema.json", &doc);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("$.balances[0].opening_available")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("$.errors[0]: missing required key 'code'")),
        "{errors:?}"
    );
    assert!(
        !schema_errors("accounts.schema.json", &serde_json::json!({"accounts": {}})).is_empty()
    );
}

#[test]
fn history_and_check_json_match_their_schemas() {
    let sandbox = Sandbox::new();
    let run = |args: &[&str]| {
        let out = sandbox.cmd().arg("--sandbox").args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).expect("UTF-8 output"),
        )
    };
    let (code, _) = run(&[
        "balances",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-04",
        "-f",
        "csv",
    ]);
    assert_eq!(code, Some(0));
    let (code, text) = run(&["history", "--change", "-f", "json"]);
    assert_eq!(code, Some(0), "{text}");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["errors"], serde_json::json!([]));
    let rows = doc["balances"].as_array().unwrap();
    assert!(!rows.is_empty());
    let schema = load_schema("history-row.schema.json");
    let fields = required(&schema);
    for row in rows {
        assert_valid("history-row.schema.json", row, "history --change -f json");
        assert_eq!(
            &keys(row)[..fields.len()],
            fields,
            "key order of a history row"
        );
    }
    // A check that finds nothing prints no object; the schema is held to a built finding.
    let finding = serde_json::json!({
        "kind": "ALERT", "name": "low", "profile": "p", "account": "B/1",
        "field": "ending_available", "amount": 812000.00, "limit": 1000000.00,
        "currency": "USD", "line": "ALERT low: B/1 ending_available 812,000.00 USD below 1,000,000.00"
    });
    assert_valid("check-alert.schema.json", &finding, "a check finding");
}
