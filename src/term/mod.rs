//! The only place that touches stdout and stderr: data on stdout, messages and logs on stderr,
//! terminal detection, colour and progress.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod streams;
#[cfg(test)]
mod tests;
mod text;

pub use streams::{Buffers, Stdout, TestTerm};
pub use text::printable;

use std::io::{self, IsTerminal, Write};

use streams::Streams;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::cli::{ColorChoice, GlobalArgs};
use crate::error::Error;

/// What `--accounts-file -` says when it waits for a person to type.
pub const STDIN_NOTE: &str = "reading account ids from stdin, one per line; end with Ctrl-D";

/// How a table looks: box characters on a terminal, plain aligned columns elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStyle {
    Terminal,
    Plain,
}

/// The terminal as it was when the run started, checked once.
pub struct Term {
    streams: Streams,
    stdout_tty: bool,
    stdout_closed: bool,
    stderr_tty: bool,
    stdin_tty: bool,
    color: bool,
    quiet: bool,
    no_input: bool,
    /// `COLUMNS`, when set to a width.
    columns: Option<usize>,
}

impl Term {
    pub fn new(global: &GlobalArgs) -> Term {
        let stderr_tty = io::stderr().is_terminal();
        let no_color = crate::env::os(crate::env::NO_COLOR).is_some();
        let color = match global.color {
            Some(ColorChoice::Always) => true,
            Some(ColorChoice::Never) => false,
            Some(ColorChoice::Auto) | None => stderr_tty && !no_color,
        };
        Term {
            streams: Streams::Process,
            stdout_tty: io::stdout().is_terminal(),
            stdout_closed: stdout_was_closed(),
            stderr_tty,
            stdin_tty: io::stdin().is_terminal(),
            color,
            quiet: global.quiet,
            no_input: global.no_input,
            columns: crate::env::text(crate::env::COLUMNS)
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|c| *c > 0),
        }
    }

    /// A terminal over in-memory buffers, as `settings` describe it; the `Buffers` read back
    /// what a command wrote. Nothing reaches the process's own stdout or stderr.
    pub fn test(settings: TestTerm) -> (Term, Buffers) {
        let buffers = Buffers::new(&settings.stdin, settings.width);
        let term = Term {
            streams: Streams::Buffers(buffers.clone()),
            stdout_tty: settings.tty,
            stdout_closed: false,
            stderr_tty: settings.tty,
            stdin_tty: settings.tty,
            color: settings.color,
            quiet: settings.quiet,
            no_input: false,
            columns: settings.columns.filter(|c| *c > 0),
        };
        (term, buffers)
    }

    /// Logs of this crate only (never of the HTTP stack, which could carry headers) on stderr.
    pub fn init_logging(&self, verbose: u8) {
        let level = match (self.quiet, verbose) {
            (true, _) => LevelFilter::ERROR,
            (false, 0) => LevelFilter::WARN,
            (false, 1) => LevelFilter::INFO,
            (false, 2) => LevelFilter::DEBUG,
            (false, _) => LevelFilter::TRACE,
        };
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(io::stderr)
            .with_ansi(self.color)
            .without_time();
        let _ = tracing_subscriber::registry()
            .with(layer)
            .with(Targets::new().with_target("treasury", level))
            .try_init();
    }

    /// Where the report goes when there is no `--output`.
    pub fn stdout(&self) -> Stdout {
        self.streams.stdout()
    }

    /// Whether treasury started with stdout closed (`>&-`): a report there would go nowhere.
    pub fn stdout_closed(&self) -> bool {
        self.stdout_closed
    }

    /// The width a table on stdout must fit: `COLUMNS` if set, else the terminal's; none
    /// with `--wide` or when stdout is not a terminal (scripts get every column).
    pub fn table_width(&self, wide: bool) -> Option<usize> {
        if wide {
            return None;
        }
        match self.columns {
            Some(columns) => Some(columns),
            // A terminal that reports no size (0) is as good as none.
            None if self.stdout_tty => self.terminal_width().filter(|w| *w > 0),
            None => None,
        }
    }

    fn terminal_width(&self) -> Option<usize> {
        match &self.streams {
            Streams::Process => comfy_table::Table::new().width().map(usize::from),
            Streams::Buffers(buffers) => buffers.width,
        }
    }

    pub fn table_style(&self) -> TableStyle {
        if self.stdout_tty {
            TableStyle::Terminal
        } else {
            TableStyle::Plain
        }
    }

    /// Whether prompting is allowed: a terminal on stdin and no `--no-input`.
    pub fn can_prompt(&self) -> bool {
        self.stdin_tty && !self.no_input
    }

    /// Text for stdout that is not a report (e.g. `--dry-run` bodies).
    pub fn print(&self, text: &str) -> Result<(), Error> {
        if self.stdout_closed {
            return Err(stdout_closed_error());
        }
        match self.streams.print(text) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::Internal(
                anyhow::anyhow!("cannot write to stdout: {e}"),
            )),
            _ => Ok(()),
        }
    }

    /// A manual page: on a terminal, paged through `man -l -` (the reader's pager and width),
    /// else `rendered` when `man` cannot show it; piped or redirected, the roff source as it is.
    pub fn manual(&self, roff: &str, rendered: impl FnOnce() -> String) -> Result<(), Error> {
        if !self.stdout_tty {
            return self.print(roff);
        }
        if let Streams::Buffers(_) = self.streams {
            return self.print(&rendered());
        }
        match page_with_man(roff) {
            Ok(true) => Ok(()),
            _ => self.print(&rendered()),
        }
    }

    /// All of stdin, for `--accounts-file -`; on a terminal, first says what it waits for.
    pub fn read_stdin(&self) -> io::Result<String> {
        if let Some(note) = stdin_note(self.stdin_tty) {
            self.note(note);
        }
        if let Streams::Buffers(buffers) = &self.streams {
            return Ok(buffers.take_stdin());
        }
        let mut text = String::new();
        io::Read::read_to_string(&mut io::stdin().lock(), &mut text)?;
        Ok(text)
    }

    /// Asks for a value on the terminal; an empty answer takes `default`.
    pub fn prompt(&self, label: &str, default: Option<&str>) -> io::Result<String> {
        match default {
            Some(d) => self.streams.prompt(format_args!("{label} [{d}]: "))?,
            None => self.streams.prompt(format_args!("{label}: "))?,
        }
        let answer = self.read_line()?;
        let answer = answer.trim();
        Ok(match (answer.is_empty(), default) {
            (true, Some(d)) => d.to_string(),
            _ => answer.to_string(),
        })
    }

    /// Asks for a secret on the terminal without echoing it.
    pub fn prompt_secret(&self, label: &str) -> io::Result<String> {
        if let Streams::Buffers(_) = self.streams {
            self.streams.prompt(format_args!("{label}: "))?;
            let line = self.read_line()?;
            return Ok(line.trim_end_matches(['\r', '\n']).to_string());
        }
        rpassword::prompt_password(format!("{label}: "))
    }

    /// The first line of stdin, for `--client-secret-stdin`.
    pub fn read_stdin_line(&self) -> io::Result<String> {
        let line = self.read_line()?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }

    /// One line of stdin, with its line break.
    fn read_line(&self) -> io::Result<String> {
        if let Streams::Buffers(buffers) = &self.streams {
            return Ok(buffers.take_stdin_line());
        }
        let mut line = String::new();
        io::stdin().read_line(&mut line)?;
        Ok(line)
    }

    /// A progress bar on stderr for `total` requests; nothing when stderr is not a terminal,
    /// with `-q`, or for a single request.
    pub fn progress(&self, total: usize) -> Progress {
        if !self.stderr_tty || self.quiet || total <= 1 {
            return Progress(None);
        }
        let style =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} requests {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        if let Streams::Buffers(_) = self.streams {
            let hidden = indicatif::ProgressDrawTarget::hidden();
            return Progress(Some(indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                hidden,
            )));
        }
        let bar = indicatif::ProgressBar::new(total as u64).with_style(style);
        *lock_drawn() = Some(bar.clone());
        Progress(Some(bar))
    }

    /// A warning line on stderr, unless `-q`.
    pub fn warn(&self, message: &str) {
        if !self.quiet {
            self.line(&self.paint("warning", "33"), message);
        }
    }

    /// A warning about the data itself (an account the bank answered with an error): shown
    /// even with `-q`, because a report that lacks an account must say which.
    pub fn problem(&self, message: &str) {
        self.line(&self.paint("warning", "33"), message);
    }

    /// A `problem` with the next step for it on a `hint:` line of its own, as errors have.
    pub fn problem_with_hint(&self, message: &str, hint: Option<&str>) {
        self.problem(message);
        if let Some(hint) = hint {
            self.line(&self.paint("hint", "36"), hint);
        }
    }

    /// A line about the data that closes a report on stderr (the count of failed accounts),
    /// shown even with `-q`, like the warnings it points back at. No label: it is not one
    /// more warning to count.
    pub fn summary(&self, message: &str) {
        self.streams.line(format_args!("{}", printable(message)));
    }

    /// What the user must act on (an address to open, what to paste): shown even with `-q`,
    /// which silences chatter, not the steps of a login. Its own line breaks stay.
    pub fn instruct(&self, message: &str) {
        let lines: Vec<_> = message.split('\n').map(printable).collect();
        self.streams.line(format_args!("{}", lines.join("\n")));
    }

    /// A status line on stderr, unless `-q`. Its own line breaks stay; other control
    /// characters are escaped.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            let lines: Vec<_> = message.split('\n').map(printable).collect();
            self.streams.line(format_args!("{}", lines.join("\n")));
        }
    }

    /// The error, its causes, and its hint.
    pub fn error(&self, err: &Error) {
        let mut text = err.to_string();
        let mut source = std::error::Error::source(err);
        if let Error::Internal(inner) = err {
            text = format!("{inner:#}");
            source = None;
        }
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        self.line(&self.paint("error", "31;1"), &text);
        if let Some(hint) = err.hint() {
            self.line(&self.paint("hint", "36"), &hint);
        }
    }

    /// One `label: message` line: control characters in the message (which can carry the
    /// bank's text) are escaped, so it stays one line and cannot forge another.
    fn line(&self, label: &str, message: &str) {
        self.streams
            .line(format_args!("{label}: {}", printable(message)));
    }

    fn paint(&self, label: &str, code: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{label}\u{1b}[0m")
        } else {
            label.to_string()
        }
    }
}

/// Requests done so far, shown while a multi-request report is fetched.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// Whether a bar counts the requests (on a terminal; hidden behind a test `Term`).
    pub fn is_shown(&self) -> bool {
        self.0.is_some()
    }

    pub fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
            lock_drawn().take();
        }
    }
}

/// The progress bar on the terminal, for a signal to clear: the process then ends without
/// dropping it.
static DRAWN: std::sync::Mutex<Option<indicatif::ProgressBar>> = std::sync::Mutex::new(None);

fn lock_drawn() -> std::sync::MutexGuard<'static, Option<indicatif::ProgressBar>> {
    DRAWN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The note `--accounts-file -` shows first: only when a person at a terminal must type.
fn stdin_note(stdin_tty: bool) -> Option<&'static str> {
    stdin_tty.then_some(STDIN_NOTE)
}

/// Runs `man -l -` on the terminal with `roff` on its stdin; whether it showed the page.
fn page_with_man(roff: &str) -> io::Result<bool> {
    let mut child = std::process::Command::new("man")
        .args(["-l", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // A pager quit early closes the pipe: not an error.
        let _ = stdin.write_all(roff.as_bytes());
    }
    Ok(child.wait()?.success())
}

/// The candidates a shell asked for (`COMPLETE=bash`), on stdout: the process ends after.
pub fn write_completions(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

pub fn stdout_closed_error() -> Error {
    Error::Internal(anyhow::anyhow!(
        "stdout is closed, so the report would go nowhere; nothing was written (give -o FILE, or an open stdout)"
    ))
}

/// Whether descriptor 1 was closed when the process started. The Rust runtime then opens
/// `/dev/null` read-write on it, where a shell's `>/dev/null` opens it write-only; only
/// Linux shows the open mode (in `/proc`), elsewhere a closed stdout goes unnoticed.
fn stdout_was_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
            return false;
        };
        let read_write = info
            .lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            .is_some_and(|flags| flags & 0o3 == 0o2);
        let device = |path: &str| {
            std::fs::metadata(path)
                .ok()
                .filter(|m| m.file_type().is_char_device())
                .map(|m| m.rdev())
        };
        read_write && device("/proc/self/fd/1").is_some_and(|d| Some(d) == device("/dev/null"))
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Said on stderr (once) when a run has waited a second for the credentials lock.
pub fn waiting_for_lock(pid: Option<u32>, lock: &std::path::Path) {
    let who = pid.map_or_else(|| "another process".to_string(), |p| format!("PID {p}"));
    let _ = writeln!(
        io::stderr().lock(),
        "waiting for the login lock held by {who} ({})",
        printable(&lock.display().to_string())
    );
}

/// Said on stderr when a signal ends a run, after its temporary files are removed.
pub fn interrupted(terminated: bool) {
    let signal = if terminated { "SIGTERM" } else { "SIGINT" };
    if let Some(bar) = lock_drawn().take() {
        bar.finish_and_clear();
    }
    let mut stderr = io::stderr().lock();
    // The terminal echoed `^C` where the cursor was: the message starts on a clean line.
    if stderr.is_terminal() {
        let _ = write!(stderr, "\r\x1b[K");
    }
    let _ = writeln!(
        stderr,
        "error: stopped by {signal}; the report is incomplete, and an -o file is left as it was"
    );
}

/// A command-line error, or the help or version text clap produced, where clap wants it.
pub fn print_clap_error(err: &clap::Error) {
    let _ = err.print();
}
