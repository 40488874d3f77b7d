//! A run's link to the history store: recording the rows `balances` and `position` fetch,
//! and the read budget each connected profile counts against.

use std::sync::Arc;

use chrono::{SecondsFormat, Utc};

use super::Context;
use crate::config::{self, Profile};
use crate::history::{Budget, Recorder};

/// The origin of the sandbox's rows: its port changes every run, the bank it plays does not.
const SANDBOX_ORIGIN: &str = "sandbox";

/// The bank a profile reaches: its provider and API root.
pub fn origin_of(profile: &Profile) -> String {
    format!("{} {}", profile.provider.name, profile.base_url)
}

/// The origin of the sandbox's part for a provider.
pub fn sandbox_origin(provider: &str) -> String {
    format!("{provider} {SANDBOX_ORIGIN}")
}

impl Context<'_> {
    /// Whether balances are recorded: not with `history = false` in the config file or
    /// `TREASURY_NO_HISTORY` set (to anything but `0`).
    pub fn records_history(&self) -> bool {
        let off_by_env = crate::env::text(crate::env::NO_HISTORY).is_some_and(|v| v != "0");
        let off_by_file = self
            .config()
            .ok()
            .is_some_and(|(file, _)| file.history == Some(false));
        !off_by_env && !off_by_file
    }

    /// A recorder for the rows of one profile, fetched now; none when history is off or has
    /// no place (a warning says why).
    pub fn recorder(&self, profile: &str, provider: &str, origin: String) -> Option<Recorder> {
        if !self.records_history() {
            return None;
        }
        let path = match config::history_path() {
            Ok(path) => path,
            Err(e) => {
                self.term
                    .warn(&format!("balances are not recorded in the history: {e}"));
                return None;
            }
        };
        let source = crate::history::Source {
            origin,
            profile: profile.to_string(),
            provider: provider.to_string(),
            fetched_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        };
        Some(Recorder::new(path, source))
    }

    /// The recorder of the single-profile run: the profile in use, or the sandbox's part.
    pub fn run_recorder(&self) -> Option<Recorder> {
        let provider = self.provider().ok()?;
        match self.is_sandbox() {
            true => self.recorder(provider.name, provider.name, sandbox_origin(provider.name)),
            false => {
                let profile = self.configured().ok()?;
                self.recorder(&profile.name, provider.name, origin_of(profile))
            }
        }
    }

    /// Ends a recording: one warning when the store could not be written.
    pub fn finish_recording(&self, recorder: Option<Recorder>) {
        if let Some(warning) = recorder.and_then(Recorder::finish) {
            self.term.warn(&warning);
        }
    }
}

/// The read budget of a profile: its `daily_reads`, else its provider's default (0: none).
/// Without either, reads are counted with no limit (Finicity's billed live calls); so are the
/// sandbox's, which limits nobody.
pub fn budget_of(profile: &Profile, sandbox: bool) -> Option<Arc<Budget>> {
    let path = config::history_path().ok()?;
    let limit = match sandbox {
        true => None,
        false => profile.daily_reads.or(profile.provider.daily_reads),
    };
    let origin = match sandbox {
        true => sandbox_origin(profile.provider.name),
        false => origin_of(profile),
    };
    Some(Arc::new(Budget {
        path,
        origin,
        profile: profile.name.clone(),
        limit: limit.filter(|&n| n > 0),
    }))
}

/// What `status` says of the history: where the file is, how big, whether runs record into
/// it, and the profile's read budget (reads used and left, when the next one frees up).
pub fn status_fields(ctx: &Context, profile: Option<&Profile>) -> Vec<crate::output::Field> {
    use crate::output::Field;
    let Ok(path) = config::history_path() else {
        return Vec::new();
    };
    let number = |name, value: Option<u64>| Field {
        name,
        value: value.map_or(serde_json::Value::Null, Into::into),
    };
    let mut fields = vec![
        Field::text("history_file", &path.display().to_string()),
        number("history_bytes", crate::history::size_of(&path)),
        Field::flag("history_recording", ctx.records_history()),
    ];
    let budget = profile.and_then(|p| budget_of(p, ctx.is_sandbox()));
    let state = budget.and_then(|b| b.state(Utc::now()).ok().flatten());
    let time = |at: chrono::DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
    fields.extend([
        number("daily_reads", state.as_ref().map(|s| s.limit.into())),
        number("reads_used", state.as_ref().map(|s| s.used.into())),
        number("reads_left", state.as_ref().map(|s| s.left.into())),
        Field::maybe(
            "next_read_frees_at",
            state.and_then(|s| s.frees_at).map(time).as_deref(),
        ),
    ]);
    fields
}
