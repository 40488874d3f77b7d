//! Snapshots (insta) of what a user sees of one run: the exit code, stdout and stderr together,
//! with the values that change from run to run (temporary HOME, ports, creation times, random
//! message ids) replaced by placeholders. The `.snap` files live in `tests/it/snapshots/`.

use std::path::Path;

/// Settings for a snapshot of a run in `home`: placeholders for its path, loopback ports and
/// the creation stamps and random references of bank files.
pub fn settings(home: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex_escape(&home.display().to_string()), "[HOME]");
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    // camt.052/053: the message id and creation time of the file.
    settings.add_filter(r"<MsgId>[^<]*</MsgId>", "<MsgId>[MSG-ID]</MsgId>");
    settings.add_filter(r"<CreDtTm>[^<]*</CreDtTm>", "<CreDtTm>[CREATED]</CreDtTm>");
    // BAI2: the file header's creation date, time and file id.
    settings.add_filter(
        r"(?m)^01,([^,]*),([^,]*),\d{6},\d{4},\d+,",
        "01,$1,$2,[YYMMDD],[HHMM],[FILE-ID],",
    );
    // MT940: every `:20:` reference starts with four random hex digits.
    settings.add_filter(r"(?m)^:20:[0-9A-F]{4}", ":20:[RAND]");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/snapshots"));
    settings
}

/// A literal regex for `text`.
pub fn regex_escape(text: &str) -> String {
    text.chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '/' || c == '_' {
                true => c.to_string(),
                false => format!("\\{c}"),
            },
        )
        .collect()
}

/// Exit code, stdout and stderr as one text; a carriage return shows as `\r`, so a file's
/// CRLF line ends are pinned too.
pub fn shown(code: i32, stdout: &str, stderr: &str) -> String {
    format!("exit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}").replace('\r', "\\r")
}

/// [`settings`], and dates and times of day that move with the clock become `YYYY-MM-DD` and
/// `HH:MM:SS` (the same width, so table columns stay).
pub fn settings_for_today(home: &Path) -> insta::Settings {
    let mut settings = settings(home);
    settings.add_filter(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD");
    settings.add_filter(r"\d{2}:\d{2}:\d{2}", "HH:MM:SS");
    settings
}

/// Asserts the snapshot `name` of a run in `home`.
#[track_caller]
pub fn assert_run(name: &str, home: &Path, code: i32, stdout: &str, stderr: &str) {
    assert_with(settings(home), name, code, stdout, stderr);
}

/// Asserts the snapshot `name` of a run with these settings.
#[track_caller]
pub fn assert_with(settings: insta::Settings, name: &str, code: i32, stdout: &str, stderr: &str) {
    let text = shown(code, stdout, stderr);
    settings.bind(|| insta::assert_snapshot!(name, text));
}
