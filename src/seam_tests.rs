//! The provider seam holds: provider names appear in code only in the two registries,
//! src/bank/ and src/sandbox/. A fifth provider then touches its two folders, two registry
//! lines and its docs page (docs/contributing-providers.md).

use std::path::{Path, PathBuf};

/// The provider names as they would appear in code: string literals and module paths.
const NAMES: [&str; 4] = ["jpmorgan", "finicity", "chase", "openbanking"];

/// Where provider names belong: each provider's folder and the registries beside them.
const REGISTRIES: [&str; 2] = ["bank", "sandbox"];

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Test code names providers freely (it runs them): test files, and what follows
/// `#[cfg(test)]` on a `mod ... {` line.
fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs" || name.ends_with("_tests.rs")
}

/// The code lines of a file (comments and inline test modules left out), numbered from 1.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut after_cfg_test = false;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if after_cfg_test && trimmed.starts_with("mod ") && trimmed.ends_with('{') {
            break;
        }
        after_cfg_test = trimmed.starts_with("#[cfg(test)]");
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        lines.push((number + 1, code));
    }
    lines
}

/// Where a line names a provider: as a string literal (`"chase"`, `"open-banking"`) or a path
/// (`chase::`).
fn names_a_provider(code: &str) -> Option<&'static str> {
    let literal = |name: &str| code.contains(&format!("\"{name}\""));
    let path = |name: &str| code.contains(&format!("{name}::"));
    NAMES
        .into_iter()
        .find(|name| literal(name) || path(name))
        .or(literal("open-banking").then_some("open-banking"))
}

#[test]
fn provider_names_appear_only_in_the_registries() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let outside = |path: &Path| {
        let rel = path.strip_prefix(&src).unwrap_or(path);
        !REGISTRIES.iter().any(|dir| rel.starts_with(dir))
    };
    let mut found = Vec::new();
    for path in files.iter().filter(|p| outside(p) && !is_test_file(p)) {
        let text = std::fs::read_to_string(path).expect("source is readable");
        for (number, code) in code_lines(&text) {
            if let Some(name) = names_a_provider(code) {
                found.push(format!("{}:{number}: {name}", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "provider names outside src/bank/ and src/sandbox/ (put what the provider does \
         differently behind a Spec hook; see docs/contributing-providers.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_literals_and_paths_but_not_comments() {
    assert_eq!(names_a_provider(r#"Some("finicity") =>"#), Some("finicity"));
    assert_eq!(
        names_a_provider("use crate::bank::chase::NAME;"),
        Some("chase")
    );
    assert_eq!(
        names_a_provider(r#"x == "open-banking""#),
        Some("open-banking")
    );
    assert_eq!(names_a_provider("let chased = 1;"), None);
    let code = code_lines("let a = 1; // \"jpmorgan\"\n#[cfg(test)]\nmod tests {\n\"chase\"\n");
    assert!(code
        .iter()
        .all(|(_, line)| names_a_provider(line).is_none()));
}
