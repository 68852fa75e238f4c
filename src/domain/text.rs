//! Text as it may be shown on a terminal, Russian counts, and numbers written without a
//! formatter (the export and the packed scores write millions of them).

use std::borrow::Cow;

/// Stored text made safe to print on a terminal: escape sequences (CSI `ESC [ … final`, OSC
/// `ESC ] … BEL/ST`, and two-character `ESC x`) are removed whole, other control characters (C0,
/// DEL, C1, bidi overrides) are dropped, and line breaks and tabs become spaces. A name containing
/// ESC must never drive the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, then one final byte 0x40–0x7E.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS, APC, PM, SOS: up to BEL or ESC \.
                Some(']' | 'P' | '_' | '^' | 'X') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' {
                            break;
                        }
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {}
            },
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
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
        assert_eq!(printable("a\nb\tc\u{9b}d\u{7f}\u{202e}e"), "a b cde");
        assert_eq!(printable("конец\u{1b}"), "конец");
        assert!(matches!(printable("обычный текст"), Cow::Borrowed(_)));
    }
}
