//! Balance reports as bank files: which requests a format refuses before anything is sent,
//! who a file is from and for (`[export]`), and a position written row by row.

use super::Context;
use crate::error::Result;
use crate::output::sink::Sink;
use crate::output::{self, FileIds};
use crate::query::{self, DateSpan};

/// What a balance report's bank file needs to know before anything is sent.
pub struct ReportScope<'s> {
    /// The days the request can give: camt.053 and MT940 refuse today's.
    pub span: DateSpan,
    /// Who the file is for unless `[export] receiver_id` says.
    pub receiver: &'s str,
    /// The profile rows come from (BAI2's originator for rows without a bank id).
    pub profile: &'s str,
}

impl Context<'_> {
    /// Resolves the format and opens `--output`'s temporary file for a balance report; a bank
    /// file gets its ids, and camt.053 and MT940 refuse a request for today's balances.
    pub fn open_report_sink(&self, scope: ReportScope) -> Result<Sink> {
        let reports = self.reports();
        let format = reports.format()?;
        if !output::is_bank_file(format) {
            return reports.open_file(format, None);
        }
        if output::closed_days_only(format) {
            query::check_closed_days(scope.span, output::format_label(format))?;
        }
        let ids = self.file_ids(scope.receiver, scope.profile)?;
        reports.open_file(format, Some(ids))
    }

    /// Who a bank file is from and for: `[export]`, else `TREASURY` and the receiver given;
    /// `profile` is the originator of rows without a bank id.
    pub(super) fn file_ids(&self, receiver: &str, profile: &str) -> Result<FileIds> {
        let (file, _) = self.config()?;
        let export = crate::config::export(file.export.as_ref())?;
        let receiver = match export.receiver_id {
            Some(id) => id,
            None => crate::config::check_id("receiver_id (the profile name by default)", receiver)?,
        };
        let sender = export
            .sender_id
            .unwrap_or_else(|| output::DEFAULT_SENDER.to_string());
        Ok(FileIds::new(
            &sender,
            &receiver,
            profile,
            chrono::Utc::now(),
        ))
    }

    /// The name of the profile in use, as a bank file's default receiver and originator:
    /// `sandbox` with `--sandbox`.
    pub fn report_profile_name(&self) -> String {
        if self.is_sandbox() {
            return "sandbox".to_string();
        }
        match self.profile_name() {
            Ok(name) => name.to_string(),
            Err(_) => {
                crate::config::profile_name(self.settings.profile.as_deref(), &Default::default())
            }
        }
    }
}
