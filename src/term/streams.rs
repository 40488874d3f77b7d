//! Where a `Term` writes: the process's stdout and stderr, or in-memory buffers a test reads
//! back (`Term::test`), so what a command decides to show can be checked without a process.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The streams behind a `Term`.
pub(super) enum Streams {
    /// The process's own stdout and stderr.
    Process,
    /// Buffers, with the terminal a test pretends to have.
    Buffers(Buffers),
}

/// What a test terminal looks like (`Term::test`). The default: no terminal anywhere, no
/// colour, not quiet, no `COLUMNS`.
#[derive(Debug, Clone, Default)]
pub struct TestTerm {
    /// Whether stdout, stderr and stdin are terminals.
    pub tty: bool,
    /// The width the terminal reports (only read when `tty`).
    pub width: Option<usize>,
    /// `COLUMNS`, as the environment would give it.
    pub columns: Option<usize>,
    pub color: bool,
    /// `-q`.
    pub quiet: bool,
    /// What `--accounts-file -` reads.
    pub stdin: String,
}

/// The output of a test `Term`: what went to stdout and to stderr.
#[derive(Debug, Clone, Default)]
pub struct Buffers {
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stdin: Arc<Mutex<String>>,
    pub(super) width: Option<usize>,
}

impl Buffers {
    pub(super) fn new(stdin: &str, width: Option<usize>) -> Buffers {
        Buffers {
            stdin: Arc::new(Mutex::new(stdin.to_string())),
            width,
            ..Buffers::default()
        }
    }

    /// Everything written to stdout so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&lock(&self.stdout)).into_owned()
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&lock(&self.stderr)).into_owned()
    }
}

impl Buffers {
    /// The rest of the test's stdin.
    pub(super) fn take_stdin(&self) -> String {
        std::mem::take(&mut *lock(&self.stdin))
    }

    /// The next line of the test's stdin, with its line break.
    pub(super) fn take_stdin_line(&self) -> String {
        let mut stdin = lock(&self.stdin);
        let end = stdin.find('\n').map_or(stdin.len(), |i| i + 1);
        stdin.drain(..end).collect()
    }
}

fn lock<T>(buffer: &Mutex<T>) -> MutexGuard<'_, T> {
    buffer.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Streams {
    /// Writes `text` to stdout at once (not a report: those go through `Stdout`).
    pub(super) fn print(&self, text: &str) -> io::Result<()> {
        match self {
            Streams::Process => {
                let mut out = io::stdout().lock();
                out.write_all(text.as_bytes()).and_then(|()| out.flush())
            }
            Streams::Buffers(buffers) => {
                lock(&buffers.stdout).extend_from_slice(text.as_bytes());
                Ok(())
            }
        }
    }

    /// Writes one line to stderr; a failure to write there has nowhere to be told.
    pub(super) fn line(&self, text: std::fmt::Arguments<'_>) {
        match self {
            Streams::Process => {
                let _ = writeln!(io::stderr().lock(), "{text}");
            }
            Streams::Buffers(buffers) => {
                let _ = writeln!(lock(&buffers.stderr), "{text}");
            }
        }
    }

    /// Writes `text` to stderr as it is (a prompt, no line break).
    pub(super) fn prompt(&self, text: std::fmt::Arguments<'_>) -> io::Result<()> {
        match self {
            Streams::Process => {
                let mut err = io::stderr().lock();
                err.write_fmt(text)?;
                err.flush()
            }
            Streams::Buffers(buffers) => lock(&buffers.stderr).write_fmt(text),
        }
    }

    pub(super) fn stdout(&self) -> Stdout {
        match self {
            Streams::Process => {
                Stdout::Process(io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()))
            }
            Streams::Buffers(buffers) => Stdout::Buffer(Arc::clone(&buffers.stdout)),
        }
    }
}

/// Where a report goes when there is no `--output`: stdout, buffered.
pub enum Stdout {
    Process(io::BufWriter<io::StdoutLock<'static>>),
    Buffer(Arc<Mutex<Vec<u8>>>),
}

impl Write for Stdout {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Stdout::Process(out) => out.write(bytes),
            Stdout::Buffer(buffer) => lock(buffer).write(bytes),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Stdout::Process(out) => out.write_all(bytes),
            Stdout::Buffer(buffer) => lock(buffer).write_all(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stdout::Process(out) => out.flush(),
            Stdout::Buffer(_) => Ok(()),
        }
    }
}
