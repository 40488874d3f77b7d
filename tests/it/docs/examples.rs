//! Every `treasury ... --sandbox ...` line in a code block of `docs/*.md` or `README.md` runs and
//! ends with exit 0 (or its `# exit N`); the example extractor itself; every TOML config example loads.

use super::*;

/// Fewer runnable examples than this means the extraction broke, or the docs lost their teeth.
const MIN_EXAMPLES: usize = 30;

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
