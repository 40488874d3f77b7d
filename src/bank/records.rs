//! A bank's list answer read one record at a time: a record that cannot be read (a string
//! where a number belongs, a `null` date) is a per-account `UNREADABLE` error, never the loss
//! of the whole answer; an answer without its list at all is told apart from an empty list.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::AccountError;

/// The code of a record that could not be read.
pub const UNREADABLE: &str = "UNREADABLE";

/// What a list answer held.
#[derive(Debug)]
pub enum ListAnswer<T> {
    /// The list (maybe empty), and an error per record that could not be read.
    List {
        records: Vec<T>,
        unreadable: Vec<AccountError>,
    },
    /// A JSON body without the list: an error body sent with a 2xx status, or another shape.
    NoList,
}

/// Reads the array under `path` (keys, outermost first) record by record. `id_of` names the
/// account of a record that cannot be read (its id, as text, when it has one).
pub fn read_list<T: DeserializeOwned>(
    body: &[u8],
    path: &[&str],
    bank: &str,
    id_of: fn(&Value) -> String,
) -> Result<ListAnswer<T>, serde_json::Error> {
    let value: Value = serde_json::from_slice(body)?;
    Ok(read_list_value(&value, path, bank, id_of))
}

/// `read_list` of a body already parsed.
pub fn read_list_value<T: DeserializeOwned>(
    value: &Value,
    path: &[&str],
    bank: &str,
    id_of: fn(&Value) -> String,
) -> ListAnswer<T> {
    let Some(items) = path
        .iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(Value::as_array)
    else {
        return ListAnswer::NoList;
    };
    let mut records = Vec::with_capacity(items.len());
    let mut unreadable = Vec::new();
    for item in items {
        match T::deserialize(item) {
            Ok(record) => records.push(record),
            Err(why) => unreadable.push(unreadable_record(item, bank, id_of, &why)),
        }
    }
    ListAnswer::List {
        records,
        unreadable,
    }
}

fn unreadable_record(
    item: &Value,
    bank: &str,
    id_of: fn(&Value) -> String,
    why: &serde_json::Error,
) -> AccountError {
    let id = id_of(item);
    AccountError {
        account_id: if id.is_empty() { "?".into() } else { id },
        bank_id: String::new(),
        code: UNREADABLE.into(),
        message: format!(
            "{bank} sent a record treasury cannot read ({why}); the other accounts are reported"
        ),
    }
}

/// A field as text: a string as is, a number as written, anything else empty.
pub fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Record {
        #[allow(dead_code)]
        id: String,
        #[allow(dead_code)]
        n: u32,
    }

    fn id(v: &Value) -> String {
        text_of(v.get("id"))
    }

    #[test]
    fn one_bad_record_is_one_error_and_no_list_is_told_apart() {
        let body = br#"{"data":{"list":[{"id":"a","n":1},{"id":"b","n":"x"},{"n":2}]}}"#;
        let ListAnswer::List {
            records,
            unreadable,
        } = read_list::<Record>(body, &["data", "list"], "Bank", id).unwrap()
        else {
            panic!("a list");
        };
        assert_eq!(records.len(), 1);
        assert_eq!(unreadable.len(), 2);
        assert_eq!(unreadable[0].account_id, "b");
        assert_eq!(unreadable[0].code, "UNREADABLE");
        assert_eq!(unreadable[1].account_id, "?");
        let none = read_list::<Record>(br#"{"code":1,"message":"x"}"#, &["list"], "B", id);
        assert!(matches!(none, Ok(ListAnswer::NoList)));
        assert!(read_list::<Record>(b"<html>", &["list"], "B", id).is_err());
    }
}
