//! `[[alerts]]` as written in the config file; `treasury check` turns them into rules.

use serde::Deserialize;

/// One `[[alerts]]` table: what it watches (accounts or a currency total, or how old the
/// data may be) and its limits, all as text until `check` parses them.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AlertFile {
    pub name: String,
    /// Aliases, groups, `BANK/ID` or account ids of the rule's profile.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// The total of this currency over the rule's profile.
    pub currency: Option<String>,
    pub below: Option<String>,
    pub above: Option<String>,
    /// Which amount: `ending_available` by default.
    pub field: Option<String>,
    /// The rule's profile; the default profile when not given.
    pub profile: Option<String>,
    /// `26h`, `2d`...: the newest balance dated longer ago is DATA-NOT-RECEIVED.
    pub stale_after: Option<String>,
}
