//! The `[export]` table: who bank files are from and for (WORKFLOW.md section 2).

use serde::Deserialize;

use crate::error::{Error, Result};

/// Most characters of an identifier: what camt's `Max35Text` holds.
const MAX_ID: usize = 35;

/// `[export]` as written.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExportFile {
    pub sender_id: Option<String>,
    pub receiver_id: Option<String>,
}

/// `[export]`, checked: each id as given, or `None` for the default.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Export {
    pub sender_id: Option<String>,
    pub receiver_id: Option<String>,
}

/// Checks `[export]`: every format must be able to carry each id as it is.
pub fn export(file: Option<&ExportFile>) -> Result<Export> {
    let Some(file) = file else {
        return Ok(Export::default());
    };
    Ok(Export {
        sender_id: file
            .sender_id
            .as_deref()
            .map(|id| check_id("sender_id", id))
            .transpose()?,
        receiver_id: file
            .receiver_id
            .as_deref()
            .map(|id| check_id("receiver_id", id))
            .transpose()?,
    })
}

/// An identifier every bank file can carry as it is: 1 to 35 letters, digits, spaces, `-`,
/// `.` or `_` (BAI2 fields cannot hold `,` or `/`, camt ids have at most 35 characters).
pub fn check_id(key: &str, id: &str) -> Result<String> {
    let fits = !id.trim().is_empty()
        && id.chars().count() <= MAX_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " -._".contains(c));
    match fits {
        true => Ok(id.to_string()),
        false => Err(Error::usage_hint(
            format!(
                "[export] {key} '{}' cannot go in a bank file",
                crate::query::quoted(id)
            ),
            format!("set {key} to 1 to {MAX_ID} letters, digits, spaces, '-', '.' or '_' in the config file's [export] table"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_and_defaults_left_to_the_caller() {
        assert_eq!(export(None).unwrap(), Export::default());
        let ok = ExportFile {
            sender_id: Some("ACME TREASURY".into()),
            receiver_id: Some("TMS-01".into()),
        };
        assert_eq!(
            export(Some(&ok)).unwrap().receiver_id.as_deref(),
            Some("TMS-01")
        );
        for bad in ["", "A,B", "A/B", &"X".repeat(36), "é"] {
            let file = ExportFile {
                sender_id: Some(bad.to_string()),
                receiver_id: None,
            };
            let err = export(Some(&file)).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(err.to_string().contains("sender_id"), "{err}");
        }
    }
}
