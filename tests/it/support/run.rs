//! One run of `treasury` as the user saw it (exit code, stdout, stderr), with the checks every
//! test uses, and readers of the CSV reports it prints.

/// What a run showed the user.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the command to the end; a panic of `treasury` fails the test.
pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let output = cmd.output().expect("treasury runs");
    let run = Run {
        code: output
            .status
            .code()
            .expect("treasury exits, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "treasury panicked:\n{run}"
    );
    run
}

impl Run {
    /// Fails with everything the user saw, so a failing assertion explains itself.
    #[track_caller]
    pub fn check(&self, ok: bool, what: &str) -> &Self {
        assert!(ok, "{what}\n{self}");
        self
    }

    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        self.check(self.code == code, &format!("expected exit code {code}"))
    }

    #[track_caller]
    pub fn stderr_empty(&self) -> &Self {
        self.check(self.stderr.is_empty(), "expected an empty stderr")
    }

    #[track_caller]
    pub fn stdout_empty(&self) -> &Self {
        self.check(self.stdout.is_empty(), "expected an empty stdout")
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        self.check(
            self.stderr.contains(text),
            &format!("expected stderr to contain {text:?}"),
        )
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        self.check(
            self.stdout.contains(text),
            &format!("expected stdout to contain {text:?}"),
        )
    }

    /// The stderr lines starting with `label: ` (`warning`, `error`, `hint`).
    pub fn stderr_lines(&self, label: &str) -> Vec<&str> {
        let prefix = format!("{label}: ");
        self.stderr
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .collect()
    }

    /// stdout and stderr together, for leak checks.
    pub fn everything(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// The CSV rows after the header.
    pub fn csv_rows(&self) -> usize {
        self.stdout
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .count()
    }

    /// A `-f json` document on stdout.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is JSON ({e})\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit code: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The rows of a CSV report (after its header) as text fields.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines().skip(1).map(split_csv_line).collect()
}

/// Splits one RFC 4180 line (quoted fields may hold commas, `""` is a quote).
pub fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

pub const CSV_HEADER: &str = "account_id,account_name,bank_id,bank_name,branch_id,currency,as_of_date,current_day,opening_available,opening_ledger,ending_available,ending_ledger,record_timestamp";

/// Whether `amount` is written with exactly `places` fraction digits: `-?\d+(\.\d{places})?`.
pub fn has_exact_places(amount: &str, places: usize) -> bool {
    let digits = amount.strip_prefix('-').unwrap_or(amount);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int)
        && match (frac, places) {
            (None, 0) => true,
            (Some(frac), n) if n > 0 => frac.len() == n && all_digits(frac),
            _ => false,
        }
}

/// Fraction digits of each currency in the sandbox and the fixture.
pub fn places_of(currency: &str) -> usize {
    match currency {
        "JPY" => 0,
        "BHD" => 3,
        _ => 2,
    }
}

/// A CSV report's (account_id, as_of_date) pairs, in order.
pub fn keys(csv: &str) -> Vec<(String, String)> {
    csv_rows(csv)
        .into_iter()
        .map(|r| (r[0].clone(), r[6].clone()))
        .collect()
}
