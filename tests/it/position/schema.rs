//! The JSON Schemas of `treasury position` list the same keys, in the same order, as the field
//! lists the renderers use, so the documented contract and the output cannot drift apart.

use serde_json::Value;
use treasury::position::{CONVERTED_FIELDS, ERROR_FIELDS, ROW_FIELDS, TOTAL_FIELDS};

fn schema(name: &str) -> Value {
    let path = format!("{}/docs/schema/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn names(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("not a list of keys: {other}"),
    }
}

#[test]
fn row_schema_keys_are_the_row_fields_then_the_converted_ones() {
    let row = schema("position-row.schema.json");
    assert_eq!(names(&row["required"]), ROW_FIELDS);
    let all: Vec<&str> = ROW_FIELDS
        .iter()
        .chain(&CONVERTED_FIELDS)
        .copied()
        .collect();
    assert_eq!(names(&row["properties"]), all);
}

#[test]
fn totals_and_errors_schema_keys_are_their_field_lists() {
    let position = schema("position.schema.json");
    assert_eq!(
        names(&position["required"]),
        ["balances", "totals", "errors"]
    );
    let totals = &position["properties"]["totals"]["items"];
    assert_eq!(names(&totals["required"]), TOTAL_FIELDS);
    assert_eq!(names(&totals["properties"]), TOTAL_FIELDS);
    let errors = &position["properties"]["errors"]["items"];
    assert_eq!(names(&errors["required"]), ERROR_FIELDS);
    assert_eq!(names(&errors["properties"]), ERROR_FIELDS);
    assert_eq!(
        position["properties"]["balances"]["items"]["$ref"],
        "position-row.schema.json"
    );
}
