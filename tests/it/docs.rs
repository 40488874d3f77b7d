//! The documentation is tested against the real binary: every `treasury ... --sandbox ...` command
//! line in a code block of `docs/*.md` or `README.md` runs and must end with exit 0 (or the code
//! its `# exit N` comment names); every TOML config example must load; the JSON output must
//! match the schemas in `docs/schema/`; and the sandbox-server walkthrough of
//! `docs/getting-started.md` must work as written.

use crate::support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// Fewer runnable examples than this means the extraction broke, or the docs lost their teeth.
const MIN_EXAMPLES: usize = 30;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `README.md` and the Markdown pages of `docs/`, as (path relative to the root, text).
fn doc_files() -> Vec<(String, String)> {
    let mut paths = vec![root().join("README.md")];
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    paths.extend(pages);
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a readable page");
            let name = p.strip_prefix(root()).unwrap_or(&p).display().to_string();
            (name, text)
        })
        .collect()
}

/// The lines of fenced code blocks, with their info string and 1-based line number; a line
/// ending in `\` is joined with the next.
fn code_lines(text: &str) -> Vec<(String, usize, String)> {
    let mut lines = Vec::new();
    let mut fence: Option<String> = None;
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            fence = match fence {
                None => Some(trimmed.trim_start_matches('`').trim().to_string()),
                Some(_) => None,
            };
            continue;
        }
        let Some(info) = &fence else { continue };
        let (start, mut joined) = pending.take().unwrap_or((i + 1, String::new()));
        joined.push_str(trimmed);
        match joined.strip_suffix('\\') {
            Some(open) => pending = Some((start, format!("{} ", open.trim_end()))),
            None => lines.push((info.clone(), start, joined)),
        }
    }
    lines
}

/// A command line split the way `sh` would for the subset docs use: words, quotes, `|`, a final
/// `> FILE`, and a `#` comment. `Err` names a construct this runner does not support.
struct Parsed {
    segments: Vec<Vec<String>>,
    redirect: Option<String>,
    comment: String,
}

fn parse_line(line: &str) -> Result<Parsed, String> {
    // Words in order; `None` stands for a `|`.
    let mut words: Vec<Option<String>> = Vec::new();
    let mut word: Option<String> = None;
    let mut redirect: Option<Option<String>> = None; // Some(None): the `>` is waiting for its file
    let mut comment = String::new();
    let mut chars = line.chars().peekable();
    let end_word = |word: &mut Option<String>,
                    words: &mut Vec<Option<String>>,
                    redirect: &mut Option<Option<String>>| {
        if let Some(w) = word.take() {
            match redirect {
                Some(target @ None) => *target = Some(w),
                _ => words.push(Some(w)),
            }
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => end_word(&mut word, &mut words, &mut redirect),
            '#' if word.is_none() => comment = chars.by_ref().collect(),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                w.extend(chars.by_ref().take_while(|q| *q != '\''));
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('$' | '`' | '\\') | None => {
                            return Err("expansion inside double quotes".into())
                        }
                        Some(q) => w.push(q),
                    }
                }
            }
            '|' if word.is_none() && redirect.is_none() && chars.peek() != Some(&'|') => {
                words.push(None)
            }
            '>' if word.is_none() && redirect.is_none() && chars.peek() != Some(&'>') => {
                redirect = Some(None)
            }
            '|' | '>' | '<' | '&' | ';' | '$' | '`' | '(' | ')' | '\\' | '*' | '?' => {
                return Err(format!("shell syntax '{c}'"))
            }
            _ => word.get_or_insert_with(String::new).push(c),
        }
    }
    end_word(&mut word, &mut words, &mut redirect);
    let redirect = match redirect {
        Some(None) => return Err("'>' without a file".into()),
        Some(Some(file)) => Some(file),
        None => None,
    };
    let mut segments = vec![Vec::new()];
    for w in words {
        match w {
            Some(w) => segments.last_mut().expect("a segment").push(w),
            None => segments.push(Vec::new()),
        }
    }
    if segments.iter().any(Vec::is_empty) {
        return Err("an empty pipeline segment".into());
    }
    Ok(Parsed {
        segments,
        redirect,
        comment,
    })
}

/// `VAR=value` words before the program name, and the rest.
fn split_env(words: &[String]) -> (Vec<(String, String)>, &[String]) {
    let is_assignment = |w: &String| {
        w.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        })
    };
    let n = words.iter().take_while(|w| is_assignment(w)).count();
    let env = words[..n]
        .iter()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (env, &words[n..])
}

/// The exit code a `# ... exit N ...` comment documents; 0 without one.
fn expected_code(comment: &str) -> i32 {
    comment
        .split("exit ")
        .skip(1)
        .find_map(|rest| rest.chars().next().and_then(|c| c.to_digit(10)))
        .map_or(0, |d| d as i32)
}

/// A folder standing in for HOME, with the XDG folders and a working directory inside.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir_all(dir.path().join("work")).expect("a working folder");
        Sandbox { dir }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// `treasury` with HOME, the XDG folders and the working folder here, the keyring off, no
    /// proxy, and none of the user's own TREASURY_* settings.
    fn std_cmd(&self) -> std::process::Command {
        let home = self.dir.path();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_treasury"));
        for var in [
            "TREASURY_PROFILE",
            "TREASURY_CONFIG",
            "TREASURY_FORMAT",
            "TREASURY_CLIENT_SECRET",
            "TREASURY_ACCESS_TOKEN",
            "COMPLETE",
            "NO_COLOR",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("NO_PROXY", "127.0.0.1,localhost,::1")
            .env("no_proxy", "127.0.0.1,localhost,::1")
            .env("TREASURY_NO_KEYRING", "1")
            .current_dir(self.work());
        cmd
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::from_std(self.std_cmd());
        cmd.timeout(Duration::from_secs(60));
        cmd
    }
}

/// Runs one documented pipeline; `Err` says what went wrong.
fn run_example(sandbox: &Sandbox, parsed: &Parsed, expected: i32) -> Result<(), String> {
    let mut input: Vec<u8> = Vec::new();
    let last = parsed.segments.len() - 1;
    for (i, segment) in parsed.segments.iter().enumerate() {
        let (env, argv) = split_env(segment);
        if argv[0] == "grep" {
            let text = String::from_utf8_lossy(&input).into_owned();
            let kept: String = text
                .lines()
                .filter(|l| l.contains(argv[1].as_str()))
                .map(|l| format!("{l}\n"))
                .collect();
            input = kept.into_bytes();
            continue;
        }
        let out = sandbox
            .cmd()
            .envs(env)
            .args(&argv[1..])
            .write_stdin(std::mem::take(&mut input))
            .output()
            .map_err(|e| format!("cannot run: {e}"))?;
        let code = out.status.code().unwrap_or(-1);
        let want = if i == last { expected } else { 0 };
        if code != want {
            return Err(format!(
                "`{}` exited {code}, the docs say {want}\n    stderr: {}",
                argv.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        input = out.stdout;
    }
    if let Some(file) = &parsed.redirect {
        std::fs::write(sandbox.work().join(file), &input).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// What a runnable example needs: treasury first, `--sandbox` given, and only treasury or
/// `grep WORD` in the pipeline. `None` for lines that are not sandbox examples at all.
fn runnable(parsed: &Parsed) -> Option<Result<(), String>> {
    let (_, first) = split_env(&parsed.segments[0]);
    let sandboxed = parsed
        .segments
        .iter()
        .any(|s| s.iter().any(|w| w == "--sandbox"));
    if first.first().map(String::as_str) != Some("treasury") || !sandboxed {
        return None;
    }
    for segment in &parsed.segments {
        let (_, argv) = split_env(segment);
        match argv.first().map(String::as_str) {
            Some("treasury") => {}
            Some("grep") if argv.len() == 2 && !argv[1].starts_with('-') => {}
            other => return Some(Err(format!("pipes into {other:?}"))),
        }
    }
    Some(Ok(()))
}

#[test]
fn documented_sandbox_commands_work() {
    let mut ran = 0;
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for (file, text) in doc_files() {
        let sandbox = Sandbox::new();
        for (_, line_no, line) in code_lines(&text) {
            let rest = line.strip_prefix("$ ").unwrap_or(&line);
            if !rest.contains("treasury") || !rest.contains("--sandbox") {
                continue;
            }
            let where_ = format!("{file}:{line_no}");
            let parsed = match parse_line(rest) {
                Ok(parsed) => parsed,
                Err(why) => {
                    skipped.push(format!("{where_}: {why}"));
                    continue;
                }
            };
            match runnable(&parsed) {
                None => continue,
                Some(Err(why)) => {
                    skipped.push(format!("{where_}: {why}"));
                    continue;
                }
                Some(Ok(())) => {}
            }
            ran += 1;
            if let Err(why) = run_example(&sandbox, &parsed, expected_code(&parsed.comment)) {
                failures.push(format!("{where_}: {why}"));
            }
        }
    }
    for skip in &skipped {
        eprintln!("not run: {skip}");
    }
    assert!(
        failures.is_empty(),
        "{} documented example(s) failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    assert!(
        ran >= MIN_EXAMPLES,
        "only {ran} documented sandbox examples ran; expected at least {MIN_EXAMPLES}"
    );
    eprintln!("{ran} documented sandbox examples ran");
}

#[test]
fn the_example_extractor_reads_what_the_docs_write() {
    let p = parse_line("TREASURY_FORMAT=csv treasury --sandbox accounts -a 'a b' | grep GBP > x.csv  # exit 5: why").unwrap();
    assert_eq!(
        p.segments,
        [
            vec![
                "TREASURY_FORMAT=csv",
                "treasury",
                "--sandbox",
                "accounts",
                "-a",
                "a b"
            ],
            vec!["grep", "GBP"]
        ]
    );
    assert_eq!(p.redirect.as_deref(), Some("x.csv"));
    assert_eq!(expected_code(&p.comment), 5);
    assert_eq!(expected_code(" the exit code"), 0);
    for unsupported in [
        "treasury --sandbox x || echo",
        "treasury --sandbox x; y",
        "a $(b)",
        "a \"$B\"",
    ] {
        assert!(parse_line(unsupported).is_err(), "{unsupported}");
    }
    let block = "text\n```sh\ntreasury a \\\n  --sandbox b\n```\n";
    assert_eq!(
        code_lines(block),
        [("sh".to_string(), 3, "treasury a --sandbox b".to_string())]
    );
}

/// Every TOML example with profiles must load: the keys exist, each profile resolves (URLs,
/// base_url or environment), and each group resolves to valid accounts.
#[test]
fn documented_config_files_load() {
    let mut checked = 0;
    for (file, text) in doc_files() {
        let mut block: Option<(usize, String)> = None;
        let mut blocks = Vec::new();
        for (i, line) in text.lines().enumerate() {
            match (&mut block, line.trim()) {
                (None, "```toml") => block = Some((i + 1, String::new())),
                (Some(_), "```") => blocks.extend(block.take()),
                (Some((_, body)), _) => body.push_str(&format!("{line}\n")),
                _ => {}
            }
        }
        for (line_no, body) in blocks {
            let value: toml::Table = body
                .parse()
                .unwrap_or_else(|e| panic!("{file}:{line_no}: not TOML: {e}"));
            let Some(profiles) = value.get("profiles").and_then(|p| p.as_table()) else {
                continue;
            };
            let sandbox = Sandbox::new();
            let config = sandbox.work().join("config.toml");
            std::fs::write(&config, &body).unwrap();
            for (name, profile) in profiles {
                let mut runs = vec![vec!["status".to_string()]];
                for group in profile
                    .get("groups")
                    .and_then(|g| g.as_table())
                    .into_iter()
                    .flatten()
                {
                    runs.push(vec![
                        "balances".into(),
                        "--dry-run".into(),
                        "--group".into(),
                        group.0.clone(),
                    ]);
                }
                for args in runs {
                    let out = sandbox
                        .cmd()
                        .arg("--config")
                        .arg(&config)
                        .args(["-p", name])
                        .args(&args)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{file}:{line_no}: profile '{name}': `treasury {}` exited {:?}: {}",
                        args.join(" "),
                        out.status.code(),
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} config examples found");
}

// ---- JSON Schema: docs/schema, checked with the `jsonschema` crate ------------------------

/// The base URI the schemas are read under: they carry no `$id`, and refer to each other by
/// file name (`"$ref": "balance-row.schema.json"`), which resolves against it.
const SCHEMA_BASE: &str = "https://treasury.invalid/schema/";

/// Serves `$ref`s under `SCHEMA_BASE` from docs/schema, and nothing else: no network.
struct SchemaFiles;

impl jsonschema::Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .strip_prefix(SCHEMA_BASE)
            .ok_or_else(|| format!("{uri} is not a schema in docs/schema"))?;
        Ok(load_schema(name))
    }
}

fn load_schema(name: &str) -> Value {
    let path = root().join("docs").join("schema").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A validator for one schema file; the schema itself is checked against its metaschema.
fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_base_uri(format!("{SCHEMA_BASE}{name}"))
        .with_retriever(SchemaFiles)
        .build(&load_schema(name))
        .unwrap_or_else(|e| panic!("docs/schema/{name} is not a valid schema: {e}"))
}

/// Every way `value` breaks the schema, as `$.path: what`, a missing key as
/// `missing required key 'KEY'`.
fn schema_errors(name: &str, value: &Value) -> Vec<String> {
    validator(name)
        .iter_errors(value)
        .map(|error| {
            let at = json_path(value, error.instance_path().as_str());
            match error.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    let key = property
                        .as_str()
                        .map_or_else(|| property.to_string(), str::to_string);
                    format!("{at}: missing required key '{key}'")
                }
                _ => format!("{at}: {error}"),
            }
        })
        .collect()
}

/// A JSON pointer into `value` (`/balances/0/amount`) as a path (`$.balances[0].amount`).
fn json_path(value: &Value, pointer: &str) -> String {
    let mut path = "$".to_string();
    let mut node = Some(value);
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        node = match node {
            Some(Value::Array(items)) => {
                path.push_str(&format!("[{key}]"));
                key.parse::<usize>().ok().and_then(|i| items.get(i))
            }
            other => {
                path.push_str(&format!(".{key}"));
                other.and_then(|v| v.get(&key))
            }
        };
    }
    path
}

fn assert_valid(name: &str, value: &Value, what: &str) {
    let errors = schema_errors(name, value);
    assert!(
        errors.is_empty(),
        "{what} does not match {name}:\n  {}",
        errors.join("\n  ")
    );
}

/// The keys of an object, in order: `required` lists them in the documented order.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn required(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

fn sandbox_output(args: &[&str], code: i32) -> String {
    let out = Sandbox::new()
        .cmd()
        .arg("--sandbox")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "treasury --sandbox {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn json_output_matches_the_schemas() {
    let row_schema = load_schema("balance-row.schema.json");
    let fields = required(&row_schema);
    assert_eq!(fields.len(), 13);

    let text = sandbox_output(&["balances", "--prior-day", "-f", "json"], 0);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_valid("balances.schema.json", &doc, "balances -f json");
    assert_eq!(doc["balances"].as_array().unwrap().len(), 12);
    assert_eq!(keys(&doc["balances"][0]), fields, "key order of a JSON row");

    let args = [
        "balances",
        "--prior-day",
        "-a",
        "0041000001",
        "-a",
        "99999",
        "-f",
        "json",
    ];
    let doc: Value = serde_json::from_str(&sandbox_output(&args, 5)).unwrap();
    assert_valid(
        "balances.schema.json",
        &doc,
        "balances -f json with an error",
    );
    assert_eq!(doc["errors"][0]["code"], "GCA-010");

    let text = sandbox_output(&["balances", "--prior-day", "-f", "ndjson"], 0);
    assert_eq!(text.lines().count(), 12);
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        assert_valid("balance-row.schema.json", &row, line);
        assert_eq!(keys(&row), fields, "key order of an NDJSON line");
    }

    let doc: Value = serde_json::from_str(&sandbox_output(&["accounts", "-f", "json"], 0)).unwrap();
    assert_valid("accounts.schema.json", &doc, "accounts -f json");
    let account_schema = &load_schema("accounts.schema.json")["properties"]["accounts"]["items"];
    assert_eq!(keys(&doc["accounts"][0]), required(account_schema));
    assert_eq!(required(account_schema), fields[..6]);
}

#[test]
fn the_schema_validator_rejects_real_mismatches() {
    let line = sandbox_output(
        &[
            "balances",
            "--prior-day",
            "-a",
            "0041000001",
            "-f",
            "ndjson",
        ],
        0,
    );
    let good: Value = serde_json::from_str(line.trim()).unwrap();
    assert!(schema_errors("balance-row.schema.json", &good).is_empty());

    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("ending_ledger");
    let errors = schema_errors("balance-row.schema.json", &missing);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("missing required key 'ending_ledger'")),
        "{errors:?}"
    );

    let mut string_amount = good.clone();
    string_amount["opening_available"] = Value::String("37523477.14".into());
    let errors = schema_errors("balance-row.schema.json", &string_amount);
    assert!(
        errors.iter().any(|e| e.contains("$.opening_available")),
        "{errors:?}"
    );

    let mut extra = good.clone();
    extra["balance"] = Value::from(1);
    assert!(!schema_errors("balance-row.schema.json", &extra).is_empty());

    let doc = serde_json::json!({"balances": [string_amount], "errors": [{"account_id": "1"}]});
    let errors = schema_errors("balances.schema.json", &doc);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("$.balances[0].opening_available")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("$.errors[0]: missing required key 'code'")),
        "{errors:?}"
    );
    assert!(
        !schema_errors("accounts.schema.json", &serde_json::json!({"accounts": {}})).is_empty()
    );
}

// ---- docs/getting-started.md, section 3: sandbox serve + a profile -----------------------

/// The `sandbox serve` child, stopped when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What `sandbox serve` printed from its "Profiles for it" line to "Press Ctrl-C".
fn printed_profiles(stderr: std::process::ChildStderr) -> String {
    let mut printed = String::new();
    let mut started = false;
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("the server's stderr");
        if line.starts_with("Press Ctrl-C") {
            break;
        }
        if started {
            printed.push_str(&format!("{line}\n"));
        }
        started |= line.starts_with("Profiles for it");
    }
    printed
}

#[test]
fn getting_started_server_walkthrough_works_as_written() {
    let page = std::fs::read_to_string(root().join("docs/getting-started.md")).unwrap();
    let commands = [
        "echo sandbox | treasury login -p sandbox --client-secret-stdin --store file",
        "treasury -p sandbox status",
        "treasury -p sandbox balances --prior-day",
        "echo sandbox | treasury login -p sandbox-chase --client-secret-stdin --store file",
        "treasury -p sandbox-chase balances",
        "env -i HOME=\"$HOME\" \"$(command -v treasury)\" -p sandbox-chase --no-input balances -o \"$HOME/chase-balances.csv\"",
    ];
    for command in commands {
        assert!(
            page.contains(command),
            "getting-started.md no longer shows `{command}`"
        );
    }

    let sandbox = Sandbox::new();
    let mut child = sandbox
        .std_cmd()
        .args(["sandbox", "serve", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting treasury sandbox serve");
    let stderr = child.stderr.take().unwrap();
    let _server = Server(child);
    let printed = printed_profiles(stderr);
    let port = printed
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(['"', '/']).next());
    let port = port.unwrap_or_else(|| panic!("no port in {printed}"));

    // What the page shows is what the server prints, for port 8080 and HOME /home/you.
    let home = sandbox.dir.path().display().to_string();
    let documented = printed
        .trim()
        .replace(&format!(":{port}"), ":8080")
        .replace(&home, "/home/you");
    assert!(
        page.contains(&format!("```text\n{documented}\n```")),
        "getting-started.md should show the profiles `sandbox serve --port 8080` prints:\n{documented}"
    );

    let config = sandbox.dir.path().join(".config/treasury/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    // As printed, but for the loopback port the browser login listens on: a free one here.
    let port = support::chase::free_port();
    let pasted = printed.replace("127.0.0.1:8976", &format!("127.0.0.1:{port}"));
    std::fs::write(&config, pasted).unwrap();
    let run = |args: &[&str], stdin: &str| {
        let out = sandbox
            .cmd()
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "treasury {}: exit {:?}: {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(
        &[
            "login",
            "-p",
            "sandbox",
            "--client-secret-stdin",
            "--store",
            "file",
        ],
        "sandbox\n",
    );
    let status: BTreeMap<String, Value> =
        serde_json::from_str(&run(&["-p", "sandbox", "status", "-f", "json"], "")).unwrap();
    assert_eq!(status["credential_source"], "file");
    assert_eq!(status["token_cached"], true);
    let report = run(
        &["-p", "sandbox", "balances", "--prior-day", "-f", "csv"],
        "",
    );
    assert_eq!(
        report.lines().count(),
        13,
        "a header and 12 accounts:\n{report}"
    );
    assert!(Path::new(&sandbox.dir.path().join(".config/treasury/credentials.toml")).exists());

    chase_login_then_cron(&sandbox, &run);
}

/// The browser-login part of the walk: `login -p sandbox-chase` with the secret piped in, the
/// consent approved as a browser would, a report, and the cron line under `env -i` with HOME
/// alone.
fn chase_login_then_cron(sandbox: &Sandbox, run: &dyn Fn(&[&str], &str) -> String) {
    let mut login = sandbox.std_cmd();
    login.args([
        "login",
        "-p",
        "sandbox-chase",
        "--client-secret-stdin",
        "--store",
        "file",
    ]);
    let mut login = support::chase::Login::spawn(login);
    login.paste("sandbox");
    let landing =
        support::chase::consent(&login.authorize_url(), "approve", support::chase::MAPPED);
    assert_eq!(support::chase::http("GET", &landing, "").0, 200);
    login.finish().code(0);
    assert!(run(&["-p", "sandbox-chase", "balances"], "").contains("chk-1001"));

    let home = sandbox.dir.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_treasury"))
        .env_clear()
        .env("HOME", home)
        .current_dir(home)
        .args(["-p", "sandbox-chase", "--no-input", "balances", "-o"])
        .arg(home.join("chase-balances.csv"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the cron run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(home.join("chase-balances.csv")).unwrap();
    assert!(csv.contains("chk-1001"), "{csv}");
}

#[test]
fn history_and_check_json_match_their_schemas() {
    let sandbox = Sandbox::new();
    let run = |args: &[&str]| {
        let out = sandbox.cmd().arg("--sandbox").args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).expect("UTF-8 output"),
        )
    };
    let (code, _) = run(&[
        "balances",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-04",
        "-f",
        "csv",
    ]);
    assert_eq!(code, Some(0));
    let (code, text) = run(&["history", "--change", "-f", "json"]);
    assert_eq!(code, Some(0), "{text}");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["errors"], serde_json::json!([]));
    let rows = doc["balances"].as_array().unwrap();
    assert!(!rows.is_empty());
    let schema = load_schema("history-row.schema.json");
    let fields = required(&schema);
    for row in rows {
        assert_valid("history-row.schema.json", row, "history --change -f json");
        assert_eq!(
            &keys(row)[..fields.len()],
            fields,
            "key order of a history row"
        );
    }
    // A check that finds nothing prints no object; the schema is held to a built finding.
    let finding = serde_json::json!({
        "kind": "ALERT", "name": "low", "profile": "p", "account": "B/1",
        "field": "ending_available", "amount": 812000.00, "limit": 1000000.00,
        "currency": "USD", "line": "ALERT low: B/1 ending_available 812,000.00 USD below 1,000,000.00"
    });
    assert_valid("check-alert.schema.json", &finding, "a check finding");
}
