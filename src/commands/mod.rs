//! The commands, one file each; what they share (the context built once from the flags, where
//! the report goes) beside them.

pub mod accounts;
pub mod balances;
mod browser_login;
pub mod check;
pub mod completions;
mod context;
pub mod history;
mod history_file;
pub mod login;
pub mod logout;
pub mod man;
pub mod position;
mod position_fetch;
mod position_since;
pub mod record;
mod report_file;
pub mod sandbox;
pub mod status;

pub use context::Context;
pub use report_file::ReportScope;

/// The report sink lives in `output`; commands name it from here too.
pub use crate::output::sink::{ReportWriter, Sink};
