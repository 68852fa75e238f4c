//! What a text file is before it is split into cells: its encoding (UTF-8 with or without BOM,
//! UTF-16 LE or BE with or without BOM, Windows-1251), whether it is text at all, and the
//! delimiter of its columns (tab, `;`, `,` or `|`).
//!
//! UTF-16 without a BOM is recognised by the pattern of its high bytes: in Russian tables every
//! UTF-16 code unit is ASCII (high byte 0x00) or Cyrillic (0x04), bytes that text in any one-byte
//! encoding or in UTF-8 never holds. Control characters in the decoded text are left to
//! [`super::check_cells`], which names the line and column, unless there are so many that the
//! file is binary.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1251};

use super::ReadError;

/// How many lines the delimiter sniffer looks at.
const SNIFF_LINES: usize = 50;

/// How many bytes the UTF-16 and binary sniffers look at.
const SNIFF_BYTES: usize = 64 * 1024;

/// Column delimiters recognised, in order of preference on a tie.
pub(super) const DELIMITERS: [u8; 4] = [b'\t', b';', b',', b'|'];

/// Decodes the bytes and rejects what is not text. Returns the text and the encoding's name.
pub(super) fn decode(source: &str, bytes: &[u8]) -> Result<(String, &'static str), ReadError> {
    let file = || source.to_string();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty { file: file() });
    }
    let (text, name) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (utf8(source, rest)?, "UTF-8")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (utf16(source, UTF_16LE, rest)?, "UTF-16")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (utf16(source, UTF_16BE, rest)?, "UTF-16")
    } else if let Some(encoding) = utf16_without_bom(bytes) {
        let name = if encoding == UTF_16LE {
            "UTF-16 LE без BOM"
        } else {
            "UTF-16 BE без BOM"
        };
        (utf16(source, encoding, bytes)?, name)
    } else if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(ReadError::Binary {
            file: file(),
            offset: at,
        });
    } else if std::str::from_utf8(bytes).is_ok() {
        (utf8(source, bytes)?, "UTF-8")
    } else if looks_like_utf8(bytes) {
        // Mostly UTF-8 Cyrillic with a broken sequence: not Windows-1251, a damaged file.
        let valid = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
        return Err(ReadError::BrokenUtf8 { file: file(), line });
    } else {
        let (cow, had_errors) = WINDOWS_1251.decode_without_bom_handling(bytes);
        if had_errors {
            // 0x98 is the only byte Windows-1251 leaves undefined.
            let at = bytes.iter().position(|&b| b == 0x98).unwrap_or(0);
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            return Err(ReadError::BadSingleByte { file: file(), line });
        }
        (cow.into_owned(), "Windows-1251")
    };
    if let Some(offset) = mostly_control(&text) {
        return Err(ReadError::Binary {
            file: file(),
            offset,
        });
    }
    Ok((text, name))
}

fn utf8(source: &str, bytes: &[u8]) -> Result<String, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Err(ReadError::BrokenUtf8 {
                file: source.to_string(),
                line,
            })
        }
    }
}

/// UTF-16 text; a lone surrogate or an odd byte at the end is a damaged file, named by line.
fn utf16(source: &str, encoding: &'static Encoding, bytes: &[u8]) -> Result<String, ReadError> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let line = 1 + text
            .split('\u{fffd}')
            .next()
            .map_or(0, |ok| ok.matches('\n').count());
        return Err(ReadError::BrokenUtf16 {
            file: source.to_string(),
            line,
        });
    }
    Ok(text.into_owned())
}

/// UTF-16 without a BOM: an even number of bytes, and in nine code units of ten (in the first
/// [`SNIFF_BYTES`]) the high byte is 0x00 or 0x04 (ASCII or Cyrillic), with at least one NUL
/// among them (the pattern of digits, delimiters and line ends). LE when the high byte comes
/// second, BE when first.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let units = sample.len() / 2;
    let (mut le, mut be, mut nul_le, mut nul_be) = (0usize, 0usize, 0usize, 0usize);
    for unit in sample.chunks_exact(2) {
        le += usize::from(matches!(unit[1], 0x00 | 0x04));
        be += usize::from(matches!(unit[0], 0x00 | 0x04));
        nul_le += usize::from(unit[1] == 0 && unit[0] != 0);
        nul_be += usize::from(unit[0] == 0 && unit[1] != 0);
    }
    let pattern = |hits: usize, nuls: usize| hits * 10 >= units * 9 && nuls > 0;
    match (pattern(le, nul_le), pattern(be, nul_be)) {
        (true, false) => Some(UTF_16LE),
        (false, true) => Some(UTF_16BE),
        _ => None,
    }
}

/// Whether invalid UTF-8 is still mostly UTF-8: many well-formed two-byte Cyrillic sequences
/// (D0/D1 followed by a continuation byte), which Windows-1251 text almost never has.
fn looks_like_utf8(bytes: &[u8]) -> bool {
    let pairs = bytes
        .windows(2)
        .filter(|w| matches!(w[0], 0xD0 | 0xD1) && (0x80..0xC0).contains(&w[1]))
        .count();
    let high = bytes.iter().filter(|&&b| b >= 0x80).count();
    high > 0 && pairs * 2 * 10 >= high * 8
}

/// Text with control characters (other than tab, line ends and form feed) in more than one
/// character of fifty at its start, and at least [`MIN_BINARY_CONTROLS`] of them, is binary data
/// decoded by chance: the offset of the first.
/// A few such characters in a table are named cell by cell instead ([`super::check_cells`]).
fn mostly_control(text: &str) -> Option<usize> {
    let mut first = None;
    let (mut seen, mut control) = (0usize, 0usize);
    for (at, c) in text.char_indices() {
        if at >= SNIFF_BYTES {
            break;
        }
        seen += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') {
            control += 1;
            first.get_or_insert(at);
        }
    }
    (control >= MIN_BINARY_CONTROLS && control * 50 > seen)
        .then_some(first)
        .flatten()
}

/// Fewest control characters that make a text binary data rather than a table with a few bad
/// cells.
const MIN_BINARY_CONTROLS: usize = 8;

/// Picks the delimiter that splits the first lines most consistently: tab, `;`, `,` or `|` (in
/// that order of preference on a tie). `None` when no line has any of them (a one-column file).
pub(super) fn delimiter(text: &str) -> Option<u8> {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(SNIFF_LINES)
        .collect();
    let mut best: Option<(u8, usize)> = None; // (delimiter, lines with its most common count)
    for d in DELIMITERS {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let mut freq = std::collections::HashMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        // How many lines share its most common count (above zero).
        let Some(&n) = freq.values().max() else {
            continue;
        };
        // Tab text pasted from documents has cells with commas: a tab anywhere wins.
        if d == b'\t' {
            return Some(d);
        }
        // More lines agreeing wins; among as many, the first in DELIMITERS: `;`, what Excel
        // writes in a Russian locale, before `,`, which addresses and names hold unquoted.
        if best.is_none_or(|(_, bn)| n > bn) {
            best = Some((d, n));
        }
    }
    best.map(|(d, _)| d)
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf16_without_a_bom_is_recognised_both_ways() {
        let text = "ИНН;Наименование\r\n4703083640;ГБУ «Ромашка»\r\n";
        let (t, name) = decode("le.csv", &utf16(text, false)).unwrap();
        assert_eq!((t.as_str(), name), (text, "UTF-16 LE без BOM"));
        let (t, name) = decode("be.csv", &utf16(text, true)).unwrap();
        assert_eq!((t.as_str(), name), (text, "UTF-16 BE без BOM"));
    }

    #[test]
    fn other_text_is_not_taken_for_utf16() {
        // UTF-8 and Windows-1251 never hold 0x00 or 0x04.
        assert_eq!(utf16_without_bom("ИНН;КПП\n12;34\n".as_bytes()), None);
        let (cp, _, _) = WINDOWS_1251.encode("ИНН;КПП\n12;34\n");
        assert_eq!(utf16_without_bom(&cp), None);
        // Binary with NULs in both halves of its units.
        assert_eq!(utf16_without_bom(&[0, 0, 0, 0, 1, 0, 0, 1]), None);
        // An odd number of bytes cannot be UTF-16.
        let mut odd = utf16("ИНН;КПП\n", false);
        odd.push(b'1');
        assert_eq!(utf16_without_bom(&odd), None);
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(delimiter("ИНН|Имя\n1|А, Б\n2|В\n"), Some(b'|'));
        assert_eq!(delimiter("ИНН;Имя\n1;А|Б\n2;В\n"), Some(b';'));
        assert_eq!(delimiter("ИНН,Имя\n1,\"А|Б\"\n"), Some(b','));
        assert_eq!(delimiter("ИНН\tИмя\n1\tА, Б\n"), Some(b'\t'));
        assert_eq!(delimiter("ИНН\n1\n"), None);
        // As many lines with `;` as with `,` (found by the fuzz test): Excel's `;` wins, though
        // each line has more commas.
        assert_eq!(delimiter("A,;a,\r\nA;a,,\r\n"), Some(b';'));
    }

    #[test]
    fn dense_control_characters_are_binary_and_a_few_are_not() {
        let junk: String = (0..200).map(|i| char::from(b"\x01\x02ab"[i % 4])).collect();
        assert!(matches!(
            decode("j.bin", junk.as_bytes()),
            Err(ReadError::Binary { offset: 0, .. })
        ));
        let one = "ИНН;Имя\n4703083640;ГБУ \u{1b}]0;x\u{7}Ромашка\n";
        assert!(decode("o.csv", one.as_bytes()).is_ok());
    }
}
