//! Writes one packet (one organization, one document) as XML: the portal's envelope in the
//! default namespace ([`TYPES_NS`]), the root, `body`, `position` and the document's own elements
//! under the prefix `ns2` ([`NOK_NS`]).
//!
//! A packet is a few kilobytes; it is written into a reused buffer and from there to the file, so
//! memory does not grow with the package. The XML is written by hand straight into the buffer
//! (no events, no per-element allocations): elements indented by two spaces, a text element on
//! one line — byte for byte what quick-xml's indenting writer produced before, so content
//! checksums stored by earlier exports stay comparable. Text is cleaned of characters XML forbids
//! and escaped (`<`, `>`, `&`, `'`, `"`, and `\r` as `&#13;`).

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use super::model::{Document, Envelope, Party, PlanDoc, ReportDoc, ResultsDoc};
use super::{NOK_NS, TYPES_NS, hex, xml_char};

/// Appends `text` to `out` without the characters XML forbids, escaped for element content.
pub(crate) fn push_text(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Bytes that may need attention: ASCII controls and specials, DEL, the lead byte of
        // U+0080..U+009F (C2) and of U+FFFE/U+FFFF (EF).
        let special =
            b < 0x20 || matches!(b, b'<' | b'>' | b'&' | b'\'' | b'"' | 0x7f | 0xc2 | 0xef);
        if !special {
            i += 1;
            continue;
        }
        // The character starting here (text is UTF-8, `i` is on a character boundary).
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        let replacement = match c {
            '<' => Some("&lt;"),
            '>' => Some("&gt;"),
            '&' => Some("&amp;"),
            '\'' => Some("&apos;"),
            '"' => Some("&quot;"),
            '\r' => Some("&#13;"),
            c if !xml_char(c) => Some(""),
            _ => None,
        };
        if let Some(r) = replacement {
            out.push_str(&text[from..i]);
            out.push_str(r);
            from = i + len;
        }
        i += len;
    }
    out.push_str(&text[from..]);
}

/// Whether the text, cleaned of characters XML forbids, has nothing besides white space.
fn blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || !xml_char(c))
}

/// Appends a number with a dot and at most two decimals (see [`super::decimal`]).
pub(crate) fn push_decimal(out: &mut String, x: f64) {
    let cents = crate::domain::rounding::to_hundredths(x);
    if cents < 0 {
        out.push('-');
    }
    let abs = cents.unsigned_abs();
    let (int, frac) = (abs / 100, abs % 100);
    push_uint(out, int);
    if frac != 0 {
        out.push('.');
        out.push(char::from(b'0' + (frac / 10) as u8));
        if frac % 10 != 0 {
            out.push(char::from(b'0' + (frac % 10) as u8));
        }
    }
}

fn push_uint(out: &mut String, mut n: u64) {
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

fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_uint(out, n.unsigned_abs());
}

/// `YYYY-MM-DD`, as chrono's `%Y-%m-%d` writes it.
fn push_date(out: &mut String, d: NaiveDate) {
    let y = d.year();
    if (0..=9999).contains(&y) {
        let y = y as u32;
        for digit in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
            out.push(char::from(b'0' + digit as u8));
        }
        for part in [d.month(), d.day()] {
            out.push('-');
            out.push(char::from(b'0' + (part / 10) as u8));
            out.push(char::from(b'0' + (part % 10) as u8));
        }
    } else {
        let _ = write!(out, "{}", d.format("%Y-%m-%d"));
    }
}

struct Xml<'a> {
    out: &'a mut String,
    depth: usize,
    /// Whether the next tag starts on a new line (not right after a text).
    line_break: bool,
}

impl Xml<'_> {
    fn len(&self) -> usize {
        self.out.len()
    }

    fn new_line(&mut self) {
        if self.line_break {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn open(&mut self, name: &str) {
        self.new_line();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.depth += 1;
        self.line_break = true;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.new_line();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self.line_break = true;
    }

    /// `<name>` then the text written by `text`, then `</name>` on the same line.
    fn leaf_with(&mut self, name: &str, text: impl FnOnce(&mut String)) {
        self.open(name);
        text(self.out);
        self.line_break = false;
        self.close(name);
    }

    /// `<name>text</name>`, text cleaned of characters XML forbids and escaped.
    fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_with(name, |out| push_text(out, text));
    }

    /// The element only when the text has something besides spaces.
    fn opt(&mut self, name: &str, text: &str) {
        if !blank(text) {
            self.leaf(name, text);
        }
    }

    fn date(&mut self, name: &str, d: NaiveDate) {
        self.leaf_with(name, |out| push_date(out, d));
    }

    fn num(&mut self, name: &str, x: f64) {
        self.leaf_with(name, |out| push_decimal(out, x));
    }

    fn int(&mut self, name: &str, n: impl Into<i64>) {
        let n = n.into();
        self.leaf_with(name, |out| push_int(out, n));
    }

    fn party(&mut self, name: &str, p: &Party) {
        self.open(name);
        self.leaf("regNum", &p.reg_num);
        self.opt("fullName", &p.full_name);
        self.opt("inn", &p.inn);
        self.opt("kpp", &p.kpp);
        self.close(name);
    }
}

/// Writes the packet into `buf` (cleared first) and returns the SHA-256 (hex) of its content:
/// the placer, the initiator and the document's own elements — everything that does not change
/// from one export to the next when the data have not changed (not the ids, dates or version).
pub fn write_packet(
    buf: &mut String,
    env: &Envelope,
    placer: &Party,
    initiator: &Party,
    doc: &Document,
) -> String {
    buf.clear();
    let root = doc.kind().root();
    buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ns2:");
    buf.push_str(root);
    buf.push_str(" xmlns=\"");
    buf.push_str(TYPES_NS);
    buf.push_str("\" xmlns:ns2=\"");
    buf.push_str(NOK_NS);
    buf.push_str("\">");
    let mut x = Xml {
        out: buf,
        depth: 1,
        line_break: true,
    };
    x.open("header");
    x.leaf("id", &env.packet_id);
    x.leaf("createDateTime", &env.created);
    x.close("header");
    x.open("ns2:body");
    x.open("ns2:position");
    x.leaf("positionId", &env.position_id);
    x.leaf("changeDate", &env.change_date);
    let parties_from = x.len();
    x.party("placer", placer);
    x.party("initiator", initiator);
    let parties_to = x.len();
    x.int("versionNumber", env.version);
    let own_from = x.len();
    match doc {
        Document::Results(d) => results(&mut x, d),
        Document::Plan(d) => plan(&mut x, d),
        Document::Report(d) => report(&mut x, d),
    }
    let own_to = x.len();
    x.close("ns2:position");
    x.close("ns2:body");
    x.depth = 0;
    x.new_line();
    x.out.push_str("</ns2:");
    x.out.push_str(root);
    x.out.push_str(">\n");
    let mut h = Sha256::new();
    h.update(doc.kind().code().as_bytes());
    h.update(&buf.as_bytes()[parties_from..parties_to]);
    h.update(&buf.as_bytes()[own_from..own_to]);
    hex(&h.finalize())
}

fn results(x: &mut Xml<'_>, d: &ResultsDoc) {
    x.int("ns2:year", d.cycle.year);
    x.leaf("ns2:sector", &d.cycle.sector);
    x.leaf("ns2:methodology", &d.methodology);
    x.opt("ns2:group", &d.group);
    x.int("ns2:respondents", d.respondents);
    for c in &d.criteria {
        x.open("ns2:criterion");
        x.leaf("ns2:code", &c.code);
        x.opt("ns2:name", &c.name);
        x.num("ns2:value", c.value);
        if let Some(p) = c.place {
            x.int("ns2:place", p);
        }
        for i in &c.indicators {
            x.open("ns2:indicator");
            x.leaf("ns2:code", &i.code);
            x.opt("ns2:name", &i.name);
            x.num("ns2:value", i.value);
            for input in &i.inputs {
                x.open("ns2:input");
                x.leaf("ns2:key", &input.key);
                x.num("ns2:value", input.value);
                x.close("ns2:input");
            }
            x.close("ns2:indicator");
        }
        x.close("ns2:criterion");
    }
    x.num("ns2:total", d.total);
    x.open("ns2:rating");
    x.int("ns2:place", d.rating.place);
    x.int("ns2:ranked", d.rating.ranked);
    x.int("ns2:groupPlace", d.rating.group_place);
    x.int("ns2:groupRanked", d.rating.group_ranked);
    x.close("ns2:rating");
    for s in &d.shortcomings {
        x.open("ns2:shortcoming");
        x.leaf("ns2:criterion", &s.criterion);
        if let Some(i) = &s.indicator {
            x.opt("ns2:indicator", i);
        }
        x.leaf("ns2:text", &s.text);
        x.close("ns2:shortcoming");
    }
    if let Some(op) = &d.operator {
        x.open("ns2:operator");
        x.leaf("ns2:name", &op.name);
        x.leaf("ns2:inn", &op.inn);
        x.opt("ns2:contractNumber", &op.contract_number);
        if let Some(date) = op.contract_date {
            x.date("ns2:contractDate", date);
        }
        x.close("ns2:operator");
    }
    if let Some((number, date)) = &d.approval {
        x.open("ns2:approval");
        x.leaf("ns2:protocolNumber", number);
        x.date("ns2:protocolDate", *date);
        x.close("ns2:approval");
    }
    for doc in &d.documents {
        x.open("ns2:document");
        x.leaf("name", &doc.name);
        x.date("date", doc.date);
        x.leaf("url", &doc.url);
        x.close("ns2:document");
    }
}

fn plan(x: &mut Xml<'_>, d: &PlanDoc) {
    x.int("ns2:year", d.cycle.year);
    x.leaf("ns2:sector", &d.cycle.sector);
    for s in &d.sections {
        x.open("ns2:section");
        x.leaf("ns2:criterion", &s.criterion);
        x.opt("ns2:name", &s.name);
        for r in &s.rows {
            x.open("ns2:row");
            x.leaf("ns2:number", &r.number);
            x.opt("ns2:shortcoming", &r.shortcoming);
            x.leaf("ns2:measure", &r.measure);
            x.date("ns2:plannedDate", r.planned_date);
            let p = &r.responsible;
            if !blank(&p.last_name) {
                x.open("ns2:responsible");
                x.leaf("ns2:lastName", &p.last_name);
                x.opt("ns2:firstName", &p.first_name);
                x.opt("ns2:middleName", &p.middle_name);
                x.opt("ns2:position", &p.position);
                x.close("ns2:responsible");
            }
            x.opt("ns2:expectedResult", &r.expected_result);
            x.opt("ns2:resultIndicators", &r.result_indicators);
            x.close("ns2:row");
        }
        x.close("ns2:section");
    }
}

fn report(x: &mut Xml<'_>, d: &ReportDoc) {
    x.int("ns2:year", d.cycle.year);
    x.leaf("ns2:sector", &d.cycle.sector);
    for r in &d.rows {
        x.open("ns2:row");
        x.leaf("ns2:number", &r.number);
        x.opt("ns2:implementedMeasures", &r.implemented_measures);
        if let Some(date) = r.actual_date {
            x.date("ns2:actualDate", date);
        }
        x.leaf("ns2:status", r.status.code());
        x.opt("ns2:cancelReason", &r.cancel_reason);
        x.close("ns2:row");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::busgov::{clean, decimal};

    #[test]
    fn text_is_cleaned_and_escaped_as_quick_xml_did() {
        for text in [
            "",
            "обычный текст",
            "ГБУ «Ромашка» & <дети> \"кавычки\" 'апостроф'",
            "a\u{1}b\u{7f}c\u{85}d\u{9f}e\u{fffe}f\u{ffff}g\u{fffd}h",
            "строка\r\nвторая\tтаб",
            "\u{c0}\u{ef}\u{feff}€",
            "&amp;",
        ] {
            let mut out = String::new();
            push_text(&mut out, text);
            let want = quick_xml::escape::escape(clean(text).into_owned()).into_owned();
            assert_eq!(out, want, "{text:?}");
            assert_eq!(blank(text), clean(text).trim().is_empty(), "{text:?}");
        }
        assert!(blank(" \u{1}\u{a0}\n"));
    }

    #[test]
    fn numbers_and_dates_are_written_as_before() {
        for x in [
            0.0, 92.456, 92.5, 100.0, 0.07, 0.005, -1.25, -0.001, 1e9, 12345.678,
        ] {
            let mut out = String::new();
            push_decimal(&mut out, x);
            assert_eq!(out, decimal(x), "{x}");
        }
        for (y, m, d) in [
            (2025, 1, 9),
            (1, 12, 31),
            (9999, 10, 1),
            (-5, 3, 4),
            (12000, 1, 1),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut out = String::new();
            push_date(&mut out, date);
            assert_eq!(out, date.format("%Y-%m-%d").to_string());
        }
        let mut out = String::new();
        push_int(&mut out, -42);
        push_int(&mut out, i64::MIN);
        assert_eq!(out, format!("-42{}", i64::MIN));
    }
}
