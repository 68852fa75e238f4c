//! Text as it may be shown on a terminal, text as it is stored (letters composed), Russian
//! counts, and numbers written without a formatter (the export and the packed scores write
//! millions of them).

use std::borrow::Cow;

/// Stored text made safe to print on a terminal, on one line: escape sequences (CSI `ESC [ …
/// final` and its one-character form U+009B, OSC/DCS/APC/PM/SOS `ESC ] … BEL/ST` and their C1
/// forms U+009D, U+0090, U+009F, U+009E, U+0098, and two-character `ESC x`) are removed whole,
/// other control characters (C0, DEL, C1, bidi overrides) are dropped, and line breaks and tabs
/// become spaces. A name containing ESC must never drive the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    scrub(text, false)
}

/// The same cleaning for text of several lines (CLI output, CSV cells): escape sequences and
/// control characters go as in [`printable`], but `\n`, `\t` and `\r\n` are kept; a lone `\r`
/// (which would let a line overwrite another on screen) is dropped.
pub fn printable_text(text: &str) -> Cow<'_, str> {
    scrub(text, true)
}

fn scrub(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let safe = |c: char| !is_unsafe(c) || (keep_lines && matches!(c, '\n' | '\t'));
    if text.chars().all(safe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut s = Scrubber::new(keep_lines);
    for c in text.chars() {
        s.push(c, &mut out);
    }
    Cow::Owned(out)
}

/// What [`Scrubber`] is in the middle of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// After ESC.
    Esc,
    /// Inside a control sequence (CSI), up to its final character.
    Csi,
    /// Inside a string (OSC, DCS, APC, PM, SOS), up to BEL or ST.
    Str,
    /// ESC seen inside a string: `\` ends it.
    StrEsc,
    /// A `\r` waiting to see whether `\n` follows (kept only as `\r\n`).
    Cr,
}

/// The terminal-text cleaner as a state machine fed one character at a time, so text that
/// arrives in pieces (a stream written by a CLI command) is cleaned exactly as the whole text
/// would be. [`printable`] and [`printable_text`] are this machine run over a string.
#[derive(Debug, Clone)]
pub struct Scrubber {
    state: State,
    keep_lines: bool,
}

impl Scrubber {
    /// `keep_lines`: keep `\n`, `\t` and `\r\n` (else they become spaces).
    pub fn new(keep_lines: bool) -> Scrubber {
        Scrubber {
            state: State::Text,
            keep_lines,
        }
    }

    /// Feeds one character; what is safe to show goes to `out`.
    pub fn push(&mut self, c: char, out: &mut String) {
        match self.state {
            State::Esc => {
                self.state = match c {
                    '[' => State::Csi,
                    ']' | 'P' | '_' | '^' | 'X' => State::Str,
                    // `ESC x`: the pair is dropped (a stray ESC before ESC starts anew).
                    '\u{1b}' => State::Esc,
                    _ => State::Text,
                };
                return;
            }
            State::Csi => {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    self.state = State::Text;
                } else if c == '\u{1b}' {
                    self.state = State::Esc;
                } else if !(('\u{20}'..='\u{3f}').contains(&c)) {
                    // Not a parameter or intermediate: the sequence was broken; this character
                    // is text again.
                    self.state = State::Text;
                    self.text(c, out);
                }
                return;
            }
            State::Str => {
                match c {
                    '\u{7}' | '\u{9c}' => self.state = State::Text,
                    '\u{1b}' => self.state = State::StrEsc,
                    _ => {}
                }
                return;
            }
            State::StrEsc => {
                self.state = if c == '\\' { State::Text } else { State::Str };
                return;
            }
            State::Cr => {
                self.state = State::Text;
                if c == '\n' {
                    out.push_str("\r\n");
                    return;
                }
            }
            State::Text => {}
        }
        self.text(c, out);
    }

    fn text(&mut self, c: char, out: &mut String) {
        match c {
            '\u{1b}' => self.state = State::Esc,
            '\u{9b}' => self.state = State::Csi,
            '\u{9d}' | '\u{90}' | '\u{9f}' | '\u{9e}' | '\u{98}' => self.state = State::Str,
            '\n' | '\t' if self.keep_lines => out.push(c),
            '\r' if self.keep_lines => self.state = State::Cr,
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
}

/// Text as it is stored: letters written as a base and a combining mark (`и` + U+0306, `е` +
/// U+0308, as text copied from a PDF or a Mac file name has them) composed into one (`й`, `ё`:
/// Unicode NFC), so that a name typed, pasted or imported is the same string and matches.
pub fn composed(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_combining) {
        use unicode_normalization::UnicodeNormalization;
        return Cow::Owned(text.nfc().collect());
    }
    Cow::Borrowed(text)
}

/// A combining mark (U+0300–U+036F) that NFC may join to the letter before it.
pub fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A count with its noun in the right Russian form: «1 день», «2 дня», «5 дней», «11 дней».
pub fn plural(n: u64, one: &str, few: &str, many: &str) -> String {
    let word = match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    };
    format!("{n} {word}")
}

/// Appends the decimal digits of `n`, as `write!(out, "{n}")` would, without a formatter.
pub fn push_uint(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_with_a_combining_mark_are_stored_composed() {
        // «Йошкар-Ола, ёлка» as a PDF gives it: И + U+0306, е + U+0308.
        let pasted = "\u{418}\u{306}ошкар-Ола, \u{435}\u{308}лка";
        let c = composed(pasted);
        assert_eq!(c, "Йошкар-Ола, ёлка");
        assert_eq!(c.chars().count(), 16);
        assert!(matches!(composed("Йошкар-Ола"), Cow::Borrowed(_)));
    }

    #[test]
    fn unsigned_integers_are_written_as_the_formatter_writes_them() {
        for n in [0, 7, 10, 99, 100, 4_294_967_295, u64::MAX] {
            let mut out = String::from("x");
            push_uint(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn escape_sequences_are_removed_whole() {
        assert_eq!(printable("ГБУ\u{1b}[31;1m «Ромашка»"), "ГБУ «Ромашка»");
        assert_eq!(
            printable("\u{1b}]0;pwned\u{7}ЦБС\u{1b}]8;;http://x\u{1b}\\"),
            "ЦБС"
        );
        // U+009B opens a control sequence: «d» is its final character.
        assert_eq!(printable("a\nb\tc\u{9b}d\u{7f}\u{202e}e"), "a b ce");
        assert_eq!(printable("a\u{85}b\u{7f}\u{202e}c"), "abc");
        assert_eq!(printable("конец\u{1b}"), "конец");
        assert!(matches!(printable("обычный текст"), Cow::Borrowed(_)));
    }

    #[test]
    fn eight_bit_controls_start_sequences_too() {
        // U+009B is CSI, U+009D is OSC: their parameters go with them.
        assert_eq!(printable("а\u{9b}31;1mб"), "аб");
        assert_eq!(printable("а\u{9d}0;title\u{7}б"), "аб");
        assert_eq!(printable("а\u{9d}0;title\u{9c}б"), "аб");
        assert_eq!(printable("а\u{0}б\u{7}в"), "абв");
    }

    #[test]
    fn text_of_several_lines_keeps_its_lines_but_not_a_lone_return() {
        assert_eq!(printable_text("а\nб\tв\r\nг"), "а\nб\tв\r\nг");
        assert_eq!(printable_text("сумма: 10\rсумма: 99"), "сумма: 10сумма: 99");
        assert_eq!(printable_text("x\u{1b}]0;pwned\u{7}\ny\u{1b}[2J"), "x\ny");
    }
}
