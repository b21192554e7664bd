//! Text that reaches a terminal: which characters a field may not hold, and how text
//! from a person or a database is written out without letting it drive the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Why a piece of text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// A control character (ESC, BEL, a line break in a one-line field, DEL, C1 codes) or
    /// a bidirectional override that would reorder what follows it on screen.
    Control,
}

/// Characters that change how a terminal shows the text around them rather than show
/// themselves: C0/C1 control codes, DEL, and the Unicode bidirectional embeddings,
/// overrides and isolates.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What is wrong with `text` for a field; `allow_newlines` for multi-line notes.
pub fn problem(text: &str, allow_newlines: bool) -> Option<TextProblem> {
    text.chars()
        .any(|c| is_unsafe(c) && !(allow_newlines && c == '\n'))
        .then_some(TextProblem::Control)
}

/// `text` with every unsafe character written as a visible escape (`\e`, `\n`, `\t`,
/// `\u{7}` …), for command-line output and error messages: nothing stored can move the
/// cursor, change colours, ring the bell or split a row.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        for t in [
            "Zoë O'Neill",
            "Кузнецова",
            "山田 太郎",
            "O'Brien; DROP TABLE x",
            "",
        ] {
            assert!(problem(t, false).is_none(), "{t}");
            assert!(matches!(escape_control(t), Cow::Borrowed(_)), "{t}");
        }
    }

    #[test]
    fn control_characters_are_found_and_escaped() {
        let red = "\u{1b}[31mRed\u{1b}[0m\u{7}";
        assert_eq!(problem(red, false), Some(TextProblem::Control));
        assert_eq!(escape_control(red), "\\e[31mRed\\e[0m\\u{7}");
        assert_eq!(escape_control("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(escape_control("x\u{202E}y\u{9b}"), "x\\u{202e}y\\u{9b}");
        assert_eq!(problem("one\ntwo", false), Some(TextProblem::Control));
        assert_eq!(problem("one\ntwo", true), None);
        assert_eq!(problem("one\n\u{1b}[2J", true), Some(TextProblem::Control));
        assert_eq!(problem("\u{7f}", false), Some(TextProblem::Control));
    }
}
