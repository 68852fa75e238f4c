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
//!
//! Each value is held to its type in the schema as it is written (lengths, patterns, ranges,
//! required sequences); the order of elements is the schema's by construction. A packet with a
//! doubtful value is marked [`Written::suspect`] and then gets the checker's full look; the rest
//! need no second parse.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use super::check::{
    AMOUNT, COUNT, DOC_NAME, FULL_NAME, INPUT_KEY, PERSON_NAME, POSITIVE, SCORE, SECTORS, SHORT,
    STATUSES, Simple, TEXT, URL, VERSION, YEAR, value_ok,
};
use super::model::{Document, Envelope, Party, PlanDoc, ReportDoc, ResultsDoc};
use super::{NOK_NS, TYPES_NS, clean, hex, xml_char};
use crate::domain::text::push_uint;

mod portal_plan;

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
    /// Whether a value written so far may break the portal's rules (see [`Written::suspect`]).
    suspect: bool,
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

    /// `<name>` then the text written by `text`, then `</name>` on the same line; the text as
    /// written is held to `rule`. (Any escape in it makes it fail every rule but a string's, and
    /// strings are checked by [`Xml::leaf`] on the text itself.)
    fn leaf_with(&mut self, name: &str, rule: Simple, text: impl FnOnce(&mut String)) {
        self.open(name);
        let from = self.out.len();
        text(self.out);
        if !matches!(rule, Simple::Str(..)) && !value_ok(rule, &self.out[from..]) {
            self.suspect = true;
        }
        self.line_break = false;
        self.close(name);
    }

    /// `<name>text</name>`, text cleaned of characters XML forbids and escaped, held to `rule`.
    fn leaf(&mut self, name: &str, text: &str, rule: Simple) {
        self.open(name);
        let from = self.out.len();
        push_text(self.out, text);
        if let Simple::Str(min, max) = rule {
            // What the checker reads back is the text without the characters XML forbids.
            let written = self.out.len() - from;
            let ok = if text.len() <= max {
                // At most as many characters as bytes; escapes only lengthen what is written.
                written >= min.min(1) && (min <= 1 || value_ok(rule, &clean(text)))
            } else {
                value_ok(rule, &clean(text))
            };
            if !ok {
                self.suspect = true;
            }
        } else if !value_ok(rule, &self.out[from..]) {
            self.suspect = true;
        }
        self.line_break = false;
        self.close(name);
    }

    /// The element only when the text has something besides spaces.
    fn opt(&mut self, name: &str, text: &str, rule: Simple) {
        if !blank(text) {
            self.leaf(name, text, rule);
        }
    }

    fn date(&mut self, name: &str, d: NaiveDate) {
        self.leaf_with(name, Simple::Date, |out| push_date(out, d));
    }

    fn num(&mut self, name: &str, x: f64, rule: Simple) {
        self.leaf_with(name, rule, |out| push_decimal(out, x));
    }

    fn int(&mut self, name: &str, n: impl Into<i64>, rule: Simple) {
        let n = n.into();
        self.leaf_with(name, rule, |out| push_int(out, n));
    }

    fn party(&mut self, name: &str, p: &Party) {
        self.open(name);
        self.leaf("regNum", &p.reg_num, Simple::RegNum);
        self.opt("fullName", &p.full_name, FULL_NAME);
        self.opt("inn", &p.inn, Simple::Inn10);
        self.opt("kpp", &p.kpp, Simple::Kpp);
        self.close(name);
    }

    /// A sequence the schema wants at least once is empty.
    fn require(&mut self, present: bool) {
        if !present {
            self.suspect = true;
        }
    }
}

/// What [`write_packet`] tells about the packet it wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The content's fingerprint ([`content_hash`]): the placer, the initiator and the
    /// document's own elements — everything that does not change from one export to the next
    /// when the data have not changed (not the ids, dates or version).
    pub content_hash: String,
    /// Where the content is in the packet (the parties, the document's own elements), for
    /// [`content_sha256`].
    pub content: [std::ops::Range<usize>; 2],
    /// Some value may break the portal's rules (a length, a pattern, a range, a required element
    /// with nothing in it). Every value is checked as it is written, against the same types the
    /// checker ([`super::check`]) uses; when this is `false` the checker finds no error in the
    /// packet, so only suspect packets need the full check.
    pub suspect: bool,
}

/// What a content fingerprint starts with: the hash it is made with. Before it, the store kept
/// the bare SHA-256 of the same bytes ([`content_sha256`]).
const CONTENT_HASH: &str = "xxh3-128:";

/// The fingerprint the export compares with the last exported one: XXH3-128 of the document
/// kind and the content, in hex after [`CONTENT_HASH`]. Not a checksum against tampering (the
/// manifest's SHA-256 of each file is that): it only tells a changed document from the same one,
/// and is an order of magnitude quicker than SHA-256 over a hundred thousand packets.
fn content_hash(kind: &str, packet: &str, content: &[std::ops::Range<usize>; 2]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(kind.as_bytes());
    for r in content {
        h.update(&packet.as_bytes()[r.clone()]);
    }
    format!("{CONTENT_HASH}{:032x}", h.digest128())
}

/// The fingerprint as databases written before [`CONTENT_HASH`] hold it: the bare SHA-256 (hex)
/// of the same bytes.
pub fn content_sha256(doc: &Document, packet: &str, written: &Written) -> String {
    let mut h = Sha256::new();
    h.update(doc.kind().code().as_bytes());
    for r in &written.content {
        h.update(&packet.as_bytes()[r.clone()]);
    }
    hex(&h.finalize())
}

/// Whether a stored fingerprint is of the content just written: compared as it was made.
pub fn same_content(stored: &str, doc: &Document, packet: &str, written: &Written) -> bool {
    if stored.starts_with(CONTENT_HASH) {
        stored == written.content_hash
    } else {
        stored == content_sha256(doc, packet, written)
    }
}

/// Writes the packet into `buf` (cleared first), checking each value as it goes.
pub fn write_packet(
    buf: &mut String,
    env: &Envelope,
    placer: &Party,
    initiator: &Party,
    doc: &Document,
) -> Written {
    if let Document::PortalPlan(d) = doc {
        return portal_plan::write(buf, d);
    }
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
        suspect: false,
    };
    x.open("header");
    x.leaf("id", &env.packet_id, Simple::Guid);
    x.leaf("createDateTime", &env.created, Simple::DateTime);
    x.close("header");
    x.open("ns2:body");
    x.open("ns2:position");
    x.leaf("positionId", &env.position_id, Simple::Guid);
    x.leaf("changeDate", &env.change_date, Simple::DateTime);
    let parties_from = x.len();
    x.party("placer", placer);
    x.party("initiator", initiator);
    let parties_to = x.len();
    x.int("versionNumber", env.version, VERSION);
    let own_from = x.len();
    match doc {
        Document::Results(d) => results(&mut x, d),
        Document::Plan(d) => plan(&mut x, d),
        Document::Report(d) => report(&mut x, d),
        Document::PortalPlan(_) => {}
    }
    let own_to = x.len();
    x.close("ns2:position");
    x.close("ns2:body");
    x.depth = 0;
    x.new_line();
    x.out.push_str("</ns2:");
    x.out.push_str(root);
    x.out.push_str(">\n");
    let suspect = x.suspect;
    let content = [parties_from..parties_to, own_from..own_to];
    Written {
        content_hash: content_hash(doc.kind().code(), buf, &content),
        content,
        suspect,
    }
}

fn year_sector(x: &mut Xml<'_>, cycle: &super::model::CycleFacts) {
    x.int("ns2:year", cycle.year, YEAR);
    x.leaf("ns2:sector", &cycle.sector, Simple::Enum(SECTORS));
}

fn results(x: &mut Xml<'_>, d: &ResultsDoc) {
    year_sector(x, &d.cycle);
    x.leaf("ns2:methodology", &d.methodology, SHORT);
    x.opt("ns2:group", &d.group, SHORT);
    x.int("ns2:respondents", d.respondents, COUNT);
    x.require(!d.criteria.is_empty());
    for c in &d.criteria {
        x.open("ns2:criterion");
        x.leaf("ns2:code", &c.code, Simple::Criterion);
        x.opt("ns2:name", &c.name, TEXT);
        x.num("ns2:value", c.value, SCORE);
        if let Some(p) = c.place {
            x.int("ns2:place", p, POSITIVE);
        }
        for i in &c.indicators {
            x.open("ns2:indicator");
            x.leaf("ns2:code", &i.code, Simple::Indicator);
            x.opt("ns2:name", &i.name, TEXT);
            x.num("ns2:value", i.value, SCORE);
            for input in &i.inputs {
                x.open("ns2:input");
                x.leaf("ns2:key", &input.key, INPUT_KEY);
                x.num("ns2:value", input.value, AMOUNT);
                x.close("ns2:input");
            }
            x.close("ns2:indicator");
        }
        x.close("ns2:criterion");
    }
    x.num("ns2:total", d.total, SCORE);
    x.open("ns2:rating");
    x.int("ns2:place", d.rating.place, POSITIVE);
    x.int("ns2:ranked", d.rating.ranked, POSITIVE);
    x.int("ns2:groupPlace", d.rating.group_place, POSITIVE);
    x.int("ns2:groupRanked", d.rating.group_ranked, POSITIVE);
    x.close("ns2:rating");
    for p in &d.parts {
        x.open("ns2:part");
        x.leaf("ns2:name", &p.name, SHORT);
        for (code, value) in &p.criteria {
            x.open("ns2:criterion");
            x.leaf("ns2:code", code, Simple::Criterion);
            x.num("ns2:value", *value, SCORE);
            x.close("ns2:criterion");
        }
        for (code, value) in &p.indicators {
            x.open("ns2:indicator");
            x.leaf("ns2:code", code, Simple::Indicator);
            x.num("ns2:value", *value, SCORE);
            x.close("ns2:indicator");
        }
        if let Some(t) = p.total {
            x.num("ns2:total", t, SCORE);
        }
        x.close("ns2:part");
    }
    for s in &d.shortcomings {
        x.open("ns2:shortcoming");
        x.leaf("ns2:criterion", &s.criterion, Simple::Criterion);
        if let Some(i) = &s.indicator {
            x.opt("ns2:indicator", i, Simple::Indicator);
        }
        x.leaf("ns2:text", &s.text, TEXT);
        x.close("ns2:shortcoming");
    }
    if let Some(op) = &d.operator {
        x.open("ns2:operator");
        x.leaf("ns2:name", &op.name, TEXT);
        x.leaf("ns2:inn", &op.inn, Simple::InnAny);
        x.opt("ns2:contractNumber", &op.contract_number, SHORT);
        if let Some(date) = op.contract_date {
            x.date("ns2:contractDate", date);
        }
        x.close("ns2:operator");
    }
    if let Some((number, date)) = &d.approval {
        x.open("ns2:approval");
        x.leaf("ns2:protocolNumber", number, SHORT);
        x.date("ns2:protocolDate", *date);
        x.close("ns2:approval");
    }
    for doc in &d.documents {
        x.open("ns2:document");
        x.leaf("name", &doc.name, DOC_NAME);
        x.date("date", doc.date);
        x.leaf("url", &doc.url, URL);
        x.close("ns2:document");
    }
}

fn plan(x: &mut Xml<'_>, d: &PlanDoc) {
    year_sector(x, &d.cycle);
    x.require(!d.sections.is_empty());
    for s in &d.sections {
        x.open("ns2:section");
        x.leaf("ns2:criterion", &s.criterion, Simple::Criterion);
        x.opt("ns2:name", &s.name, TEXT);
        x.require(!s.rows.is_empty());
        for r in &s.rows {
            x.open("ns2:row");
            x.leaf("ns2:number", &r.number, SHORT);
            x.opt("ns2:shortcoming", &r.shortcoming, TEXT);
            x.leaf("ns2:measure", &r.measure, TEXT);
            x.date("ns2:plannedDate", r.planned_date);
            let p = &r.responsible;
            if !blank(&p.last_name) {
                x.open("ns2:responsible");
                x.leaf("ns2:lastName", &p.last_name, PERSON_NAME);
                x.opt("ns2:firstName", &p.first_name, PERSON_NAME);
                x.opt("ns2:middleName", &p.middle_name, PERSON_NAME);
                x.opt("ns2:position", &p.position, SHORT);
                x.close("ns2:responsible");
            }
            x.opt("ns2:expectedResult", &r.expected_result, TEXT);
            x.opt("ns2:resultIndicators", &r.result_indicators, TEXT);
            x.close("ns2:row");
        }
        x.close("ns2:section");
    }
}

fn report(x: &mut Xml<'_>, d: &ReportDoc) {
    year_sector(x, &d.cycle);
    x.require(!d.rows.is_empty());
    for r in &d.rows {
        x.open("ns2:row");
        x.leaf("ns2:number", &r.number, SHORT);
        x.opt("ns2:implementedMeasures", &r.implemented_measures, TEXT);
        if let Some(date) = r.actual_date {
            x.date("ns2:actualDate", date);
        }
        x.leaf("ns2:status", r.status.code(), Simple::Enum(STATUSES));
        x.opt("ns2:cancelReason", &r.cancel_reason, TEXT);
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

    mod checked_as_written {
        use super::super::*;
        use crate::domain::plan::{Person, PlanStatus};
        use crate::exchange::busgov::check::check_packet_str;
        use crate::exchange::busgov::model::*;
        use proptest::prelude::*;

        /// Mostly `good`, now and then `bad`: a packet then often has exactly one wrong value,
        /// which the writer must notice.
        fn rare<T: std::fmt::Debug + Clone + 'static>(
            good: impl Strategy<Value = T> + 'static,
            bad: impl Strategy<Value = T> + 'static,
        ) -> BoxedStrategy<T> {
            prop_oneof![60 => good, 1 => bad].boxed()
        }

        /// Text near the limits the schema sets, and text with what XML forbids or escapes.
        fn odd_text() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(String::new()),
                Just(" ".to_string()),
                Just("\u{1}".to_string()),
                Just("\u{1}\u{2}a".to_string()),
                Just("\r".to_string()),
                "[a-zА-я<>&'\" \\r\\n\\t\u{1}\u{85}\u{ffff}]{0,12}",
                (
                    0usize..5000,
                    prop::sample::select(vec!['a', 'Ж', '&', '\u{1}', ' '])
                )
                    .prop_map(|(n, c)| std::iter::repeat_n(c, n).collect()),
                prop::sample::select(vec![
                    98usize, 99, 100, 101, 127, 128, 129, 499, 500, 501, 1023, 1024, 1025, 1999,
                    2000, 2001, 3999, 4000, 4001,
                ])
                .prop_map(|n| "ё".repeat(n)),
            ]
        }

        fn text() -> BoxedStrategy<String> {
            rare(
                "[a-zА-я<>&'\"][a-zА-я<>&'\" \\r\\n\\t\u{1}]{0,10}",
                odd_text(),
            )
        }

        /// Codes, numbers and identifiers, some well formed, most not.
        fn code() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("К10".to_string()),
                Just("K1".to_string()),
                Just("1.234".to_string()),
                Just("414Ж5506".to_string()),
                Just("1234567890123".to_string()),
                Just("471015641912".to_string()),
                Just(" 770101001 ".to_string()),
                Just("0A4B3C2D-1111-8222-9333-444455556667".to_string()),
                Just("2025-13-01T10:00:00".to_string()),
                Just("&amp;".to_string()),
                "[0-9К.a-f-]{0,14}",
                odd_text(),
            ]
        }

        fn pattern(good: &'static str) -> BoxedStrategy<String> {
            rare(good, code())
        }

        fn guid() -> BoxedStrategy<String> {
            pattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        }

        fn date_time() -> BoxedStrategy<String> {
            pattern("20[0-9]{2}-1[0-2]-[12][0-9]T[01][0-9]:[0-5][0-9]:[0-5][0-9](\\+03:00|Z)?")
        }

        fn score() -> BoxedStrategy<f64> {
            rare(
                0.0..=100.0f64,
                prop_oneof![
                    Just(100.004),
                    Just(100.005),
                    Just(-0.004),
                    Just(-0.005),
                    Just(f64::NAN),
                    Just(1e30),
                    -5.0..105.0f64,
                ],
            )
        }

        fn amount() -> BoxedStrategy<f64> {
            rare(
                0.0..1e6f64,
                prop_oneof![Just(-0.005), Just(-1.0), Just(1e30)],
            )
        }

        fn positive() -> BoxedStrategy<u32> {
            rare(1u32..100, Just(0u32))
        }

        fn date() -> BoxedStrategy<NaiveDate> {
            rare(
                (2000i32..2100, 1u32..13, 1u32..29)
                    .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
                prop::sample::select(vec![0, -1, 10000, 1])
                    .prop_map(|y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap()),
            )
        }

        /// Mostly one to three, now and then none.
        fn some<T: std::fmt::Debug + Clone + 'static>(
            item: impl Strategy<Value = T> + Clone + 'static,
        ) -> BoxedStrategy<Vec<T>> {
            rare(
                prop::collection::vec(item.clone(), 1..3),
                prop::collection::vec(item, 0..1),
            )
        }

        fn party() -> impl Strategy<Value = Party> {
            (
                pattern("[0-9]{3}[0-9A-ZА-Я]{5}|[0-9]{13}"),
                text(),
                // Mostly a real ИНН (right check digit), rarely any ten digits.
                rare(
                    "[0-9]{9}".prop_map(|s| {
                        let d: [u8; 9] = std::array::from_fn(|i| s.as_bytes()[i] - b'0');
                        format!("{s}{}", crate::domain::ids::inn10_check_digit(&d))
                    }),
                    pattern("[0-9]{10}"),
                ),
                pattern("[0-9]{9}"),
            )
                .prop_map(|(reg_num, full_name, inn, kpp)| Party {
                    reg_num,
                    full_name,
                    inn,
                    kpp,
                })
        }

        fn cycle() -> impl Strategy<Value = CycleFacts> {
            (
                rare(2013..=2100i32, prop::sample::select(vec![2012, 2101])),
                rare(
                    prop::sample::select(vec!["social", "health", "culture", "education"]),
                    prop::sample::select(vec!["sport", "", " social"]),
                ),
            )
                .prop_map(|(year, sector)| CycleFacts {
                    year,
                    sector: sector.to_string(),
                })
        }

        fn results() -> impl Strategy<Value = Document> {
            let indicator = (
                pattern("[0-9]{1,2}\\.[0-9]{1,2}"),
                text(),
                score(),
                prop::collection::vec((rare("[a-z0-9.]{1,20}", odd_text()), amount()), 0..3),
            )
                .prop_map(|(code, name, value, inputs)| IndicatorValue {
                    code,
                    name: name.into(),
                    value,
                    inputs: inputs
                        .into_iter()
                        .map(|(key, value)| InputValue {
                            key: key.into(),
                            value,
                        })
                        .collect(),
                });
            let criterion = (
                pattern("К[1-5]"),
                text(),
                score(),
                prop::option::of(positive()),
                prop::collection::vec(indicator, 0..3),
            )
                .prop_map(|(code, name, value, place, indicators)| CriterionValue {
                    code,
                    name: name.into(),
                    value,
                    place,
                    indicators,
                });
            (
                cycle(),
                (text(), text(), 0u32..3),
                some(criterion),
                (score(), positive(), positive()),
                prop::collection::vec(
                    (
                        pattern("К[1-5]"),
                        prop::option::of(pattern("[0-9]{1,2}\\.[0-9]{1,2}")),
                        text(),
                    ),
                    0..2,
                ),
                prop::option::of((
                    text(),
                    pattern("[0-9]{10}|[0-9]{12}"),
                    text(),
                    prop::option::of(date()),
                )),
                prop::option::of((text(), date())),
                prop::collection::vec((text(), date(), text()), 0..2),
            )
                .prop_map(
                    |(
                        cycle,
                        (methodology, group, respondents),
                        criteria,
                        (total, p, r),
                        sh,
                        op,
                        ap,
                        docs,
                    )| {
                        Document::Results(Box::new(ResultsDoc {
                            cycle,
                            methodology,
                            group,
                            respondents,
                            criteria,
                            total,
                            rating: Rating {
                                place: p,
                                ranked: r,
                                group_place: p,
                                group_ranked: r,
                            },
                            parts: Vec::new(),
                            shortcomings: sh
                                .into_iter()
                                .map(|(criterion, indicator, text)| ShortcomingOut {
                                    criterion,
                                    indicator,
                                    text,
                                })
                                .collect(),
                            operator: op.map(|(name, inn, contract_number, contract_date)| {
                                OperatorOut {
                                    name,
                                    inn,
                                    contract_number,
                                    contract_date,
                                }
                            }),
                            approval: ap,
                            documents: docs
                                .into_iter()
                                .map(|(name, date, url)| DocLink { name, date, url })
                                .collect(),
                        }))
                    },
                )
        }

        fn plan() -> impl Strategy<Value = Document> {
            let row = (
                (text(), text(), text(), date()),
                (text(), text(), text(), text()),
                (text(), text()),
            )
                .prop_map(
                    |((number, shortcoming, measure, planned_date), (l, f, m, p), (e, r))| {
                        PlanRowOut {
                            number,
                            shortcoming,
                            measure,
                            planned_date,
                            responsible: Person {
                                last_name: l,
                                first_name: f,
                                middle_name: m,
                                position: p,
                            },
                            expected_result: e,
                            result_indicators: r,
                        }
                    },
                );
            let section =
                (pattern("К[1-5]"), text(), some(row)).prop_map(|(criterion, name, rows)| {
                    PlanSection {
                        criterion,
                        name,
                        rows,
                    }
                });
            (cycle(), some(section))
                .prop_map(|(cycle, sections)| Document::Plan(PlanDoc { cycle, sections }))
        }

        fn report() -> impl Strategy<Value = Document> {
            let status = prop::sample::select(vec![
                PlanStatus::Planned,
                PlanStatus::InProgress,
                PlanStatus::Done,
                PlanStatus::Cancelled,
            ]);
            let row = (text(), text(), prop::option::of(date()), status, text()).prop_map(
                |(number, implemented_measures, actual_date, status, cancel_reason)| ReportRowOut {
                    number,
                    implemented_measures,
                    actual_date,
                    status,
                    cancel_reason,
                },
            );
            (cycle(), some(row))
                .prop_map(|(cycle, rows)| Document::Report(ReportDoc { cycle, rows }))
        }

        /// A packet not marked suspect is one the full checker finds no error in: the export
        /// relies on this to skip the second parse. Both kinds must turn up often enough for the
        /// test to mean something.
        #[test]
        fn a_packet_not_suspect_passes_the_full_check() {
            let packet = (
                prop_oneof![results(), plan(), report()],
                party(),
                party(),
                (guid(), date_time(), guid(), date_time()),
                rare(-5i64..100, Just(1i64 << 40)),
            );
            let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
                cases: 1500,
                ..ProptestConfig::default()
            });
            let suspect = std::cell::Cell::new(0u32);
            runner
                .run(&packet, |(doc, placer, initiator, ids, version)| {
                    let env = Envelope {
                        packet_id: ids.0,
                        created: ids.1,
                        position_id: ids.2,
                        change_date: ids.3,
                        version,
                    };
                    let mut buf = String::new();
                    let written = write_packet(&mut buf, &env, &placer, &initiator, &doc);
                    let report = check_packet_str(&buf);
                    suspect.set(suspect.get() + u32::from(written.suspect));
                    prop_assert!(
                        written.suspect || report.errors() == 0,
                        "not suspect, but the checker finds {:?}\n{buf}",
                        report.violations
                    );
                    Ok(())
                })
                .unwrap();
            let suspect = suspect.get();
            assert!((300..1200).contains(&suspect), "{suspect} of 1500 suspect");
        }

        #[test]
        fn a_good_packet_is_not_suspect() {
            let env = Envelope {
                packet_id: "0a4b3c2d-1111-8222-9333-444455556667".into(),
                created: "2025-12-01T10:00:00+03:00".into(),
                position_id: "1a4b3c2d-1111-8222-9333-444455556667".into(),
                change_date: "2025-12-01T10:00:00+03:00".into(),
                version: 1,
            };
            let party = Party {
                reg_num: "41493880".into(),
                full_name: "ГБУ «Ромашка» & <дети>".into(),
                inn: "4710156419".into(),
                kpp: "770101001".into(),
            };
            let doc = Document::Report(ReportDoc {
                cycle: CycleFacts {
                    year: 2025,
                    sector: "social".into(),
                },
                rows: vec![ReportRowOut {
                    number: "1".into(),
                    implemented_measures: "сделано\r\nвсё".into(),
                    actual_date: NaiveDate::from_ymd_opt(2025, 3, 1),
                    status: PlanStatus::Done,
                    cancel_reason: String::new(),
                }],
            });
            let mut buf = String::new();
            let written = write_packet(&mut buf, &env, &party, &party, &doc);
            assert!(!written.suspect, "{buf}");
            assert_eq!(check_packet_str(&buf).violations, vec![]);
            // An empty report breaks the schema (a row is required): suspect.
            let empty = Document::Report(ReportDoc {
                cycle: CycleFacts {
                    year: 2025,
                    sector: "social".into(),
                },
                rows: vec![],
            });
            assert!(write_packet(&mut buf, &env, &party, &party, &empty).suspect);
            assert!(check_packet_str(&buf).errors() > 0);

            // The content's fingerprint: the same whatever the ids, dates and version; another
            // for other content; a SHA-256 stored by an earlier version is compared as one.
            let first = write_packet(&mut buf, &env, &party, &party, &doc);
            assert!(first.content_hash.starts_with("xxh3-128:"));
            assert_eq!(first.content_hash.len(), 9 + 32);
            let legacy = content_sha256(&doc, &buf, &first);
            assert_eq!(legacy.len(), 64);
            let again = Envelope {
                packet_id: "0a4b3c2d-1111-8222-9333-444455556668".into(),
                created: "2026-01-15T09:30:00+03:00".into(),
                change_date: "2026-01-15T09:30:00+03:00".into(),
                version: 7,
                ..env.clone()
            };
            let second = write_packet(&mut buf, &again, &party, &party, &doc);
            assert_eq!(second.content_hash, first.content_hash);
            assert!(same_content(&first.content_hash, &doc, &buf, &second));
            assert!(same_content(&legacy, &doc, &buf, &second));
            let other = write_packet(&mut buf, &env, &party, &party, &empty);
            assert_ne!(other.content_hash, first.content_hash);
            assert!(!same_content(&first.content_hash, &empty, &buf, &other));
            assert!(!same_content(&legacy, &empty, &buf, &other));
        }
    }
}
