//! `treasury check`'s judgement, pure: `[[alerts]]` rules parsed into typed rules (refused
//! before anything is sent), evaluated over each account's newest balance, and the continuity
//! of closed days. Each finding carries its line, its machine fields and its identity.

mod continuity;
mod evaluate;
mod rules;

pub use continuity::continuity;
pub use evaluate::{evaluate, ProfileData};
pub use rules::{parse_rules, Limit, Rule, Scope, AMOUNT_FIELDS};

use rust_decimal::Decimal;

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Alert,
    Continuity,
    DataNotReceived,
    Cleared,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Alert => "ALERT",
            Kind::Continuity => "CONTINUITY",
            Kind::DataNotReceived => "DATA-NOT-RECEIVED",
            Kind::Cleared => "CLEARED",
        }
    }
}

/// One thing a check judged: raised (an alert, a continuity break, data not received), or
/// not raised, in which case `clear_line` is what a `CLEARED` line says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// The rule's name (empty for continuity).
    pub name: String,
    pub profile: String,
    /// `BANK/ID`, `total USD`, or empty for a whole profile.
    pub account: String,
    pub field: Option<&'static str>,
    pub amount: Option<Decimal>,
    /// The limit crossed: a decimal, or the `stale_after` text.
    pub limit: Option<String>,
    pub currency: Option<String>,
    pub raised: bool,
    /// The line printed when raised.
    pub line: String,
    /// The line printed when it clears.
    pub clear_line: String,
}

impl Finding {
    /// Its identity across runs: kind, rule, profile, account, field.
    pub fn key(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.kind.name(),
            self.name,
            self.profile,
            self.account,
            self.field.unwrap_or_default()
        )
    }
}
