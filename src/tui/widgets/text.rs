//! Text measured in terminal columns, not characters: a CJK character or most emoji take
//! two columns, a combining accent or a zero-width joiner none. Every helper here works on
//! grapheme clusters (what the eye sees as one character) and measures them with
//! ratatui's own `CellWidth` (unicode-width plus the buffer's adjustments), so a cut never splits "ë" from its accent nor half of "山", and
//! a padded cell ends exactly where the next column starts.

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// What ends a cut text.
pub const ELLIPSIS: char = '…';

/// Columns one grapheme takes, as ratatui draws it: control characters are not drawn.
pub(crate) fn grapheme_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        0
    } else {
        usize::from(g.cell_width())
    }
}

/// How many terminal columns `s` takes.
pub fn width(s: &str) -> usize {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_control()) {
        return s.len();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// `s` cut to at most `width` columns, ending in `…` when something was cut. A wide
/// character that would not fit whole is left out (the result may then be one column
/// narrower than `width`); nothing is allocated when `s` fits.
pub fn truncate(s: &str, width: usize) -> Cow<'_, str> {
    if self::width(s) <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let room = width - 1; // one column for the ellipsis
    let mut used = 0;
    let mut end = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = grapheme_width(g);
        if used + w > room {
            break;
        }
        used += w;
        end = i + g.len();
    }
    let mut out = String::with_capacity(end + ELLIPSIS.len_utf8());
    // No space before the ellipsis: "Dr. Smith …" reads as a separate word.
    out.push_str(s[..end].trim_end());
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// `s` cut (see [`truncate`]) and padded with spaces to exactly `width` columns.
pub fn pad(s: &str, width: usize) -> String {
    let cut = truncate(s, width);
    let w = self::width(&cut);
    let mut out = String::with_capacity(cut.len() + width.saturating_sub(w));
    out.push_str(&cut);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// `s` cut (see [`truncate`]) and padded on the left to exactly `width` columns, for
/// numbers and amounts.
pub fn pad_left(s: &str, width: usize) -> String {
    let cut = truncate(s, width);
    let w = self::width(&cut);
    let mut out: String = std::iter::repeat_n(' ', width.saturating_sub(w)).collect();
    out.push_str(&cut);
    out
}

/// `s` split into rows of at most `width` columns, breaking between words. A word wider
/// than a row is broken across rows (between graphemes); line breaks in `s` start a new
/// row; runs of spaces collapse to one. An empty `s` gives one empty row.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    for paragraph in s.split('\n') {
        let mut row = String::new();
        let mut used = 0;
        for word in paragraph.split_whitespace() {
            let w = self::width(word);
            let needed = if used == 0 { w } else { used + 1 + w };
            if needed <= width {
                if used > 0 {
                    row.push(' ');
                }
                row.push_str(word);
                used = needed;
                continue;
            }
            if w <= width {
                rows.push(std::mem::take(&mut row));
                row.push_str(word);
                used = w;
                continue;
            }
            // A word wider than a row: fill this row, then whole rows of it.
            if used > 0 && used + 1 < width {
                row.push(' ');
                used += 1;
            } else if used > 0 {
                rows.push(std::mem::take(&mut row));
                used = 0;
            }
            for g in word.graphemes(true) {
                let gw = grapheme_width(g);
                if used + gw > width && used > 0 {
                    rows.push(std::mem::take(&mut row));
                    used = 0;
                }
                row.push_str(g);
                used += gw;
            }
        }
        rows.push(row);
    }
    rows
}

/// The part of `s` that starts `skip` columns in and is at most `width` columns wide: the
/// visible window of a scrolled one-line field. A wide character cut by either edge is
/// left out.
pub fn window(s: &str, skip: usize, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = grapheme_width(g);
        if col < skip {
            col += w;
            continue;
        }
        if used + w > width {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out
}

// Positions in characters, for the editor (widgets/editor.rs).

/// Character index -> byte index in `s`.
pub(crate) fn byte_at(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map_or(s.len(), |(i, _)| i)
}

/// Character counts of the graphemes of `s`, in order.
pub(crate) fn grapheme_chars(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.graphemes(true).map(|g| (g.chars().count(), g))
}

/// The start of the grapheme before character `col` of `s`.
pub(crate) fn prev_boundary(s: &str, col: usize) -> usize {
    let mut at = 0;
    for (n, _) in grapheme_chars(s) {
        if at + n >= col {
            return at;
        }
        at += n;
    }
    at
}

/// The end of the grapheme at character `col` of `s`.
pub(crate) fn next_boundary(s: &str, col: usize) -> usize {
    let mut at = 0;
    for (n, _) in grapheme_chars(s) {
        at += n;
        if at > col {
            return at;
        }
    }
    at
}

/// Where a word move from `col` lands: back to the start of the previous word, or
/// forward past the end of the next one.
pub(crate) fn word_boundary(s: &str, col: usize, forward: bool) -> usize {
    let chars: Vec<char> = s.chars().collect();
    let mut i = col.min(chars.len());
    if forward {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
    } else {
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
    }
    i
}

/// A line's rows at `width` columns, as character ranges, for the editor: words stay
/// whole unless wider than a row; spaces hang at the end of the row they follow; a row
/// may break before or after any wide character (CJK text has no spaces between words).
pub(crate) fn wrap_ranges(line: &str, width: usize) -> Vec<(usize, usize)> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let (mut start, mut used, mut at) = (0, 0, 0);
    // Words, wide characters and runs of spaces: (first char, chars, columns, is space,
    // is wide).
    let mut tokens: Vec<(usize, usize, usize, bool, bool)> = Vec::new();
    for (n, g) in grapheme_chars(line) {
        let space = g.chars().all(char::is_whitespace);
        let w = grapheme_width(g);
        let wide = w > 1;
        match tokens.last_mut() {
            Some(t) if t.3 == space && !t.4 && !wide => {
                t.1 += n;
                t.2 += w;
            }
            _ => tokens.push((at, n, w, space, wide)),
        }
        at += n;
    }
    for (first, n, w, space, _) in tokens {
        if space || used + w <= width {
            used += w;
            continue;
        }
        if first > start {
            rows.push((start, first));
            start = first;
            used = 0;
        }
        if w <= width {
            used = w;
            continue;
        }
        // A word wider than a row: as many graphemes as fit on each row.
        let word: String = line.chars().skip(first).take(n).collect();
        let mut col = first;
        for (gn, g) in grapheme_chars(&word) {
            let gw = grapheme_width(g);
            if used + gw > width && used > 0 {
                rows.push((start, col));
                start = col;
                used = 0;
            }
            used += gw;
            col += gn;
        }
    }
    rows.push((start, at));
    rows
}

/// The rows of a rendered buffer as text, trailing spaces trimmed, each wide character
/// once (the cell it hides is skipped). For tests.
#[cfg(test)]
pub(crate) fn screen_rows(buffer: &ratatui::buffer::Buffer) -> Vec<String> {
    let area = buffer.area;
    (area.y..area.y + area.height)
        .map(|y| {
            let mut row = String::new();
            let mut hidden = 0;
            for x in area.x..area.x + area.width {
                if hidden > 0 {
                    hidden -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                hidden = width(symbol).saturating_sub(1);
                row.push_str(symbol);
            }
            row.trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Zoë" with the ë written as e + U+0308 (combining diaeresis).
    const ZOE_COMBINING: &str = "Zoe\u{308}";

    #[test]
    fn width_counts_columns_not_characters() {
        assert_eq!(width("Zoë"), 3);
        assert_eq!(width(ZOE_COMBINING), 3);
        assert_eq!(ZOE_COMBINING.chars().count(), 4);
        assert_eq!(width("山田 太郎"), 9);
        assert_eq!(width("💊"), 2);
        assert_eq!(width("a\u{200B}b"), 2, "zero-width space");
        assert_eq!(width(""), 0);
        assert_eq!(width("tab\there"), 7, "control characters are not drawn");
    }

    #[test]
    fn text_that_fits_is_borrowed_unchanged() {
        for s in ["", "Zoë", ZOE_COMBINING, "山田", "💊x"] {
            assert!(matches!(truncate(s, 4), Cow::Borrowed(t) if t == s), "{s}");
        }
        assert!(matches!(truncate("abcd", 4), Cow::Borrowed("abcd")));
    }

    #[test]
    fn a_cut_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(truncate("Kuznetsova", 6), "Kuzne…");
        assert_eq!(truncate("abc", 1), "…");
        assert_eq!(truncate("abc", 0), "");
        // No dangling space before the ellipsis.
        assert_eq!(truncate("Dr. Ann Smith", 8), "Dr. Ann…");
    }

    #[test]
    fn a_wide_character_is_never_split() {
        // 山田太郎 is 8 columns; in 6 there is room for two characters and the ellipsis.
        assert_eq!(truncate("山田太郎", 6), "山田…");
        assert_eq!(width(&truncate("山田太郎", 6)), 5);
        // 5 columns: two wide characters (4) and the ellipsis.
        assert_eq!(truncate("山田太郎", 5), "山田…");
        assert_eq!(truncate("山田太郎", 4), "山…");
        assert_eq!(truncate("💊💊💊", 4), "💊…");
        assert_eq!(truncate("💊💊💊", 2), "…");
    }

    #[test]
    fn a_combining_accent_stays_with_its_letter() {
        assert_eq!(truncate("Zoe\u{308}lle", 4), "Zoe\u{308}…");
        assert_eq!(truncate("Zoe\u{308}lle", 3), "Zo…");
        assert_eq!(pad(ZOE_COMBINING, 5), "Zoe\u{308}  ");
    }

    #[test]
    fn zero_width_characters_cost_nothing() {
        let zw = "a\u{200B}b\u{200B}c\u{200B}d";
        assert_eq!(width(zw), 4);
        assert!(matches!(truncate(zw, 4), Cow::Borrowed(_)));
        assert_eq!(width(&truncate(zw, 3)), 3);
    }

    #[test]
    fn pad_gives_the_exact_width() {
        for s in [
            "",
            "Zoë",
            ZOE_COMBINING,
            "山田太郎",
            "💊 pills",
            "Kuznetsova Anna",
        ] {
            for w in 0..12 {
                assert_eq!(width(&pad(s, w)), w, "{s:?} at {w}");
                assert_eq!(width(&pad_left(s, w)), w, "{s:?} at {w}");
            }
        }
        assert_eq!(pad("山田太郎", 6), "山田… ");
        assert_eq!(pad_left("12.50", 8), "   12.50");
    }

    #[test]
    fn wrap_breaks_between_words() {
        assert_eq!(
            wrap("Use digits with an optional decimal point.", 20),
            ["Use digits with an", "optional decimal", "point."]
        );
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("one\n\ntwo", 10), ["one", "", "two"]);
        assert_eq!(wrap("a   b", 10), ["a b"]);
    }

    #[test]
    fn wrap_measures_wide_characters_and_breaks_long_words() {
        assert_eq!(wrap("山田 太郎 花子", 5), ["山田", "太郎", "花子"]);
        assert_eq!(wrap("山田太郎花子", 5), ["山田", "太郎", "花子"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("ok abcdefghij", 6), ["ok abc", "defghi", "j"]);
        for row in wrap("Zoe\u{308} 💊💊💊 山田太郎 supercalifragilistic", 7) {
            assert!(width(&row) <= 7, "{row:?}");
        }
    }

    #[test]
    fn window_shows_the_scrolled_part() {
        assert_eq!(window("abcdef", 2, 3), "cde");
        assert_eq!(window("山田太郎", 2, 4), "田太");
        assert_eq!(
            window("山田太郎", 2, 3),
            "田",
            "a half-visible wide char is left out"
        );
        assert_eq!(window("Zoe\u{308}x", 2, 5), "e\u{308}x");
    }
}
