//! Text as the terminal may show it: what the bank sends cannot move the cursor or forge a line.

use std::borrow::Cow;

/// Text with its control characters (C0, DEL, C1: newlines, escape sequences) written as
/// escapes, so what the bank sends cannot move the cursor, retitle the terminal or forge a
/// line. `\n`, `\r` and `\t` as such, others as `\x1b` (C0, DEL) or `\u{9b}` (C1).
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters, and the bidirectional formatting ones (U+202A-U+202E, U+2066-U+2069,
/// U+200E, U+200F, U+061C) that would make a terminal show text in another order than sent
/// (an account id written backwards, an amount's digits moved).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
        )
}
