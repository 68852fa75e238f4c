//! The checker run before upload (`nok check`): a packet is parsed with quick-xml and held to the
//! rules of the project's XSD and the portal's envelope — required elements and their order,
//! lengths, patterns of ИНН/КПП/regNum/GUID, decimals with at most two fraction digits, dates —
//! and to what the portal itself insists on (lowercase GUIDs). Each finding is reported in the
//! portal's shape: code, level, name, description.
//!
//! The rules below restate `data/xsd/nok-busgov.xsd` and `busgov-types.xsd`; the tests run every
//! generated and every damaged packet through both this checker and `xmllint --schema`.

use std::io::Read;
use std::path::Path;

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use super::{Kind, NOK_NS, TYPES_NS, sha256_hex};

mod portal_plan;

/// How serious a finding is, as the portal grades them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    /// The portal's code (`error`, `warning`).
    pub fn code(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }

    pub fn name_ru(self) -> &'static str {
        match self {
            Level::Error => "ошибка",
            Level::Warning => "предупреждение",
        }
    }
}

/// One finding, in the portal's shape (code ≤ 10, name ≤ 200, description ≤ 2000), with the line.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub code: &'static str,
    pub level: Level,
    pub name: &'static str,
    pub description: String,
    /// Line in the file (1-based), when the finding is tied to one.
    pub line: Option<usize>,
}

const NOT_XML: (&str, &str) = ("XML-01", "Файл не является правильным XML");
const BAD_ROOT: (&str, &str) = ("XML-02", "Неизвестный вид документа");
const UNEXPECTED: (&str, &str) = ("STR-01", "Лишний элемент или нарушен порядок элементов");
const MISSING: (&str, &str) = ("STR-02", "Отсутствует обязательный элемент");
const WRONG_NS: (&str, &str) = ("STR-03", "Элемент в чужом пространстве имен");
const MIXED: (&str, &str) = ("STR-04", "Текст или элемент там, где их быть не должно");
const LENGTH: (&str, &str) = ("VAL-01", "Недопустимая длина значения");
const PATTERN: (&str, &str) = ("VAL-02", "Значение не соответствует формату");
const NUMBER: (&str, &str) = ("VAL-03", "Неверное число");
const DATE: (&str, &str) = ("VAL-04", "Неверная дата");
const DATETIME: (&str, &str) = ("VAL-05", "Неверные дата и время");
const ENUM: (&str, &str) = ("VAL-06", "Недопустимое значение");
const CHAR: (&str, &str) = ("VAL-07", "Недопустимый символ");
const GUID_CASE: (&str, &str) = ("VAL-08", "GUID записан не строчными буквами");
const CHECK_DIGIT: (&str, &str) = ("VAL-09", "Неверное контрольное число");
const PKG_MISSING: (&str, &str) = ("PKG-01", "Файл из манифеста отсутствует");
const PKG_SHA: (&str, &str) = (
    "PKG-02",
    "Контрольная сумма файла не совпадает с манифестом",
);
const PKG_EXTRA: (&str, &str) = ("PKG-03", "Файл не указан в манифесте");
const PKG_READ: (&str, &str) = ("PKG-04", "Файл пакета не читается");
const PKG_NO_MANIFEST: (&str, &str) = ("PKG-05", "Нет манифеста пакета");
const PKG_MANIFEST: (&str, &str) = ("PKG-06", "Манифест пакета поврежден");
const PKG_NAME: (&str, &str) = ("PKG-07", "Недопустимое имя файла в архиве");

fn violation(
    (code, name): (&'static str, &'static str),
    level: Level,
    description: String,
    line: Option<usize>,
) -> Violation {
    Violation {
        code,
        level,
        name,
        description,
        line,
    }
}

// ---------------------------------------------------------------------------------------------
// The rules: a small tree restating the XSD.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Types,
    Nok,
}

impl Ns {
    fn uri(self) -> &'static str {
        match self {
            Ns::Types => TYPES_NS,
            Ns::Nok => NOK_NS,
        }
    }
}

/// A simple (text) type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Simple {
    Guid,
    DateTime,
    Date,
    /// xs:int within bounds.
    Int(i64, i64),
    /// Decimal with at most 2 fraction digits, optional bounds.
    Dec(Option<f64>, Option<f64>),
    /// A string of `min..=max` characters.
    Str(usize, usize),
    RegNum,
    /// Exactly 10 digits.
    Inn10,
    /// 10 or 12 digits.
    InnAny,
    Kpp,
    Criterion,
    Indicator,
    Enum(&'static [&'static str]),
}

#[derive(Debug)]
enum Content {
    Simple(Simple),
    Seq(Vec<Item>),
}

#[derive(Debug)]
struct Item {
    /// The alternatives: one element, or several for an `xs:choice`.
    alts: Vec<Elem>,
    min: u32,
    max: u32,
}

#[derive(Debug)]
struct Elem {
    ns: Ns,
    name: &'static str,
    content: Content,
}

const MANY: u32 = u32::MAX;

fn el(ns: Ns, name: &'static str, content: Content, min: u32, max: u32) -> Item {
    Item {
        alts: vec![Elem { ns, name, content }],
        min,
        max,
    }
}
fn t1(name: &'static str, s: Simple) -> Item {
    el(Ns::Types, name, Content::Simple(s), 1, 1)
}
fn t0(name: &'static str, s: Simple) -> Item {
    el(Ns::Types, name, Content::Simple(s), 0, 1)
}
fn n1(name: &'static str, s: Simple) -> Item {
    el(Ns::Nok, name, Content::Simple(s), 1, 1)
}
fn n0(name: &'static str, s: Simple) -> Item {
    el(Ns::Nok, name, Content::Simple(s), 0, 1)
}
fn nseq(name: &'static str, items: Vec<Item>, min: u32, max: u32) -> Item {
    el(Ns::Nok, name, Content::Seq(items), min, max)
}

// The types the writer checks its values against as it writes them (see `writer`).
pub(crate) const SCORE: Simple = Simple::Dec(Some(0.0), Some(100.0));
pub(crate) const AMOUNT: Simple = Simple::Dec(Some(0.0), None);
pub(crate) const SHORT: Simple = Simple::Str(1, 500);
pub(crate) const TEXT: Simple = Simple::Str(1, 4000);
pub(crate) const PERSON_NAME: Simple = Simple::Str(1, 100);
pub(crate) const POSITIVE: Simple = Simple::Int(1, i64::MAX);
pub(crate) const FULL_NAME: Simple = Simple::Str(1, 2000);
pub(crate) const DOC_NAME: Simple = Simple::Str(1, 128);
pub(crate) const URL: Simple = Simple::Str(1, 1024);
pub(crate) const INPUT_KEY: Simple = Simple::Str(1, 100);
pub(crate) const YEAR: Simple = Simple::Int(2013, 2100);
pub(crate) const VERSION: Simple = Simple::Int(i32::MIN as i64, i32::MAX as i64);
pub(crate) const COUNT: Simple = Simple::Int(0, i64::MAX);
pub(crate) const SECTORS: &[&str] = &["social", "health", "culture", "education"];
pub(crate) const STATUSES: &[&str] = &["planned", "in_progress", "done", "cancelled"];

fn party(name: &'static str) -> Item {
    el(
        Ns::Types,
        name,
        Content::Seq(vec![
            t1("regNum", Simple::RegNum),
            t0("fullName", FULL_NAME),
            t0("inn", Simple::Inn10),
            t0("kpp", Simple::Kpp),
        ]),
        0,
        1,
    )
}

fn document() -> Item {
    el(
        Ns::Nok,
        "document",
        Content::Seq(vec![
            t1("name", DOC_NAME),
            t1("date", Simple::Date),
            Item {
                alts: vec![
                    Elem {
                        ns: Ns::Types,
                        name: "url",
                        content: Content::Simple(URL),
                    },
                    Elem {
                        ns: Ns::Types,
                        name: "code",
                        content: Content::Simple(Simple::Guid),
                    },
                    Elem {
                        ns: Ns::Types,
                        name: "content",
                        content: Content::Simple(Simple::Str(0, usize::MAX)),
                    },
                ],
                min: 1,
                max: 1,
            },
        ]),
        0,
        MANY,
    )
}

fn year_sector() -> [Item; 2] {
    [n1("year", YEAR), n1("sector", Simple::Enum(SECTORS))]
}

fn own_items(kind: Kind) -> Vec<Item> {
    let mut v: Vec<Item> = year_sector().into();
    match kind {
        Kind::Results => {
            v.push(n1("methodology", SHORT));
            v.push(n0("group", SHORT));
            v.push(n1("respondents", COUNT));
            v.push(nseq(
                "criterion",
                vec![
                    n1("code", Simple::Criterion),
                    n0("name", TEXT),
                    n1("value", SCORE),
                    n0("place", POSITIVE),
                    nseq(
                        "indicator",
                        vec![
                            n1("code", Simple::Indicator),
                            n0("name", TEXT),
                            n1("value", SCORE),
                            nseq(
                                "input",
                                vec![n1("key", INPUT_KEY), n1("value", AMOUNT)],
                                0,
                                MANY,
                            ),
                        ],
                        0,
                        MANY,
                    ),
                ],
                1,
                MANY,
            ));
            v.push(n1("total", SCORE));
            v.push(nseq(
                "rating",
                vec![
                    n1("place", POSITIVE),
                    n1("ranked", POSITIVE),
                    n1("groupPlace", POSITIVE),
                    n1("groupRanked", POSITIVE),
                ],
                1,
                1,
            ));
            v.push(nseq(
                "part",
                vec![
                    n1("name", SHORT),
                    nseq(
                        "criterion",
                        vec![n1("code", Simple::Criterion), n1("value", SCORE)],
                        0,
                        MANY,
                    ),
                    nseq(
                        "indicator",
                        vec![n1("code", Simple::Indicator), n1("value", SCORE)],
                        0,
                        MANY,
                    ),
                    n0("total", SCORE),
                ],
                0,
                MANY,
            ));
            v.push(nseq(
                "shortcoming",
                vec![
                    n1("criterion", Simple::Criterion),
                    n0("indicator", Simple::Indicator),
                    n1("text", TEXT),
                ],
                0,
                MANY,
            ));
            v.push(nseq(
                "operator",
                vec![
                    n1("name", TEXT),
                    n1("inn", Simple::InnAny),
                    n0("contractNumber", SHORT),
                    n0("contractDate", Simple::Date),
                ],
                0,
                1,
            ));
            v.push(nseq(
                "approval",
                vec![
                    n1("protocolNumber", SHORT),
                    n1("protocolDate", Simple::Date),
                ],
                0,
                1,
            ));
        }
        Kind::Plan => {
            v.push(nseq(
                "section",
                vec![
                    n1("criterion", Simple::Criterion),
                    n0("name", TEXT),
                    nseq(
                        "row",
                        vec![
                            n1("number", SHORT),
                            n0("shortcoming", TEXT),
                            n1("measure", TEXT),
                            n1("plannedDate", Simple::Date),
                            nseq(
                                "responsible",
                                vec![
                                    n1("lastName", PERSON_NAME),
                                    n0("firstName", PERSON_NAME),
                                    n0("middleName", PERSON_NAME),
                                    n0("position", SHORT),
                                ],
                                0,
                                1,
                            ),
                            n0("expectedResult", TEXT),
                            n0("resultIndicators", TEXT),
                        ],
                        1,
                        MANY,
                    ),
                ],
                1,
                MANY,
            ));
        }
        Kind::Report => {
            v.push(nseq(
                "row",
                vec![
                    n1("number", SHORT),
                    n0("implementedMeasures", TEXT),
                    n0("actualDate", Simple::Date),
                    n1("status", Simple::Enum(STATUSES)),
                    n0("cancelReason", TEXT),
                ],
                1,
                MANY,
            ));
        }
        // Its own tree, without the envelope: see `packet`.
        Kind::PortalPlan => {}
    }
    v.push(document());
    v
}

/// The element tree of a packet of `kind`, from the root down.
fn packet(kind: Kind) -> Elem {
    if kind == Kind::PortalPlan {
        return portal_plan::schema();
    }
    let mut position = vec![
        t1("positionId", Simple::Guid),
        t1("changeDate", Simple::DateTime),
        party("placer"),
        party("initiator"),
        t0("versionNumber", VERSION),
    ];
    position.extend(own_items(kind));
    Elem {
        ns: Ns::Nok,
        name: kind.root(),
        content: Content::Seq(vec![
            el(
                Ns::Types,
                "header",
                Content::Seq(vec![
                    t1("id", Simple::Guid),
                    t1("createDateTime", Simple::DateTime),
                ]),
                1,
                1,
            ),
            nseq("body", vec![nseq("position", position, 1, 1)], 1, 1),
        ]),
    }
}

// ---------------------------------------------------------------------------------------------
// Values.

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_guid_shape(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_reg_num(s: &str) -> bool {
    if s.len() == 13 && all_digits(s) {
        return true;
    }
    let mut n = 0;
    for (i, c) in s.chars().enumerate() {
        let ok = if i < 3 {
            c.is_ascii_digit()
        } else {
            c.is_ascii_alphanumeric() || ('А'..='я').contains(&c)
        };
        if !ok || i >= 8 {
            return false;
        }
        n = i + 1;
    }
    n == 8
}

fn is_date(s: &str) -> bool {
    let (date, tz) = split_tz(s);
    if tz.is_none() || date.len() != 10 {
        return false;
    }
    // `YYYY-MM-DD` in digits: a calendar check is enough (what chrono's parser does with it).
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) {
        let num =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        return chrono::NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10)).is_some();
    }
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok()
}

/// Splits an optional time zone (`Z`, `+03:00`) off the end; `None` when it is malformed.
fn split_tz(s: &str) -> (&str, Option<()>) {
    if let Some(rest) = s.strip_suffix('Z') {
        return (rest, Some(()));
    }
    if s.len() > 6 && s.is_char_boundary(s.len() - 6) {
        let (head, tz) = s.split_at(s.len() - 6);
        let b = tz.as_bytes();
        if (b[0] == b'+' || b[0] == b'-') && b[3] == b':' {
            let ok = b[1].is_ascii_digit()
                && b[2].is_ascii_digit()
                && b[4].is_ascii_digit()
                && b[5].is_ascii_digit();
            return (head, ok.then_some(()));
        }
    }
    (s, Some(()))
}

fn is_date_time(s: &str) -> bool {
    let (dt, tz) = split_tz(s);
    if tz.is_none() {
        return false;
    }
    let (main, frac) = match dt.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (dt, None),
    };
    main.len() == 19
        && chrono::NaiveDateTime::parse_from_str(main, "%Y-%m-%dT%H:%M:%S").is_ok()
        && frac.is_none_or(all_digits)
}

/// Checks a decimal's lexical form; returns the value and its significant fraction digits.
fn parse_decimal(s: &str) -> Option<(f64, usize, usize)> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !(int.is_empty() || all_digits(int)) || !(frac.is_empty() || all_digits(frac)) {
        return None;
    }
    let frac_sig = frac.trim_end_matches('0').len();
    let total = int.trim_start_matches('0').len() + frac_sig;
    Some((s.parse().ok()?, frac_sig, total))
}

/// Whether a value (the element's text as the checker reads it) is of type `s`: what
/// [`check_value`] reports no error for. Allocates nothing; the writer calls it on every value it
/// writes.
pub(crate) fn value_ok(s: Simple, raw: &str) -> bool {
    // Whitespace is collapsed for everything but strings, as the XSD types do.
    let v = raw.trim();
    match s {
        Simple::Guid => is_guid_shape(v),
        Simple::DateTime => is_date_time(v),
        Simple::Date => is_date(v),
        Simple::Int(lo, hi) => v
            .strip_prefix('+')
            .unwrap_or(v)
            .parse::<i64>()
            .is_ok_and(|n| (lo..=hi).contains(&n)),
        Simple::Dec(lo, hi) => parse_decimal(v).is_some_and(|(x, frac, total)| {
            frac <= 2 && total <= 20 && !lo.is_some_and(|lo| x < lo) && !hi.is_some_and(|hi| x > hi)
        }),
        Simple::Str(min, max) => {
            // A character takes at least one byte: most values need no counting.
            if min <= 1 && raw.len() <= max {
                return raw.len() >= min;
            }
            let n = raw.chars().count();
            n >= min && n <= max
        }
        Simple::RegNum => is_reg_num(v),
        Simple::Inn10 => v.len() == 10 && all_digits(v) && inn_digits_ok(v),
        Simple::InnAny => (v.len() == 10 || v.len() == 12) && all_digits(v) && inn_digits_ok(v),
        Simple::Kpp => v.len() == 9 && all_digits(v),
        Simple::Criterion => {
            let mut c = v.chars();
            c.next() == Some('К')
                && c.next().is_some_and(|d| ('1'..='5').contains(&d))
                && c.next().is_none()
        }
        Simple::Indicator => v
            .split_once('.')
            .is_some_and(|(a, b)| all_digits(a) && all_digits(b) && a.len() <= 2 && b.len() <= 2),
        Simple::Enum(values) => values.contains(&v),
    }
}

/// An identifier of the right shape whose check digits are wrong (ИНН): the portal refuses it,
/// and it means the organization was typed or edited wrongly. КПП has no check digit; its
/// shape (9 digits) is what [`value_ok`] holds it to. ОГРН does not appear in the documents.
/// Whether the check digits of an ИНН of 10 or 12 digits are right (no allocation: the writer
/// asks this of every document).
fn inn_digits_ok(v: &str) -> bool {
    use crate::domain::ids::{inn10_check_digit, inn12_check_digits};
    let b = v.as_bytes();
    let d = |i: usize| b[i].wrapping_sub(b'0');
    match b.len() {
        10 => {
            let first: [u8; 9] = std::array::from_fn(d);
            inn10_check_digit(&first) == d(9)
        }
        12 => {
            let first: [u8; 10] = std::array::from_fn(d);
            inn12_check_digits(&first) == (d(10), d(11))
        }
        _ => false,
    }
}

fn check_id_digits(s: Simple, v: &str, path: &str, line: usize, out: &mut Vec<Violation>) {
    if !matches!(s, Simple::Inn10 | Simple::InnAny) {
        return;
    }
    if let Err(e) = crate::domain::ids::validate_inn(v) {
        out.push(violation(
            CHECK_DIGIT,
            Level::Error,
            format!("{path}: {e}"),
            Some(line),
        ));
    }
}

fn check_value(s: Simple, raw: &str, path: &str, line: usize, out: &mut Vec<Violation>) {
    let at = Some(line);
    if value_ok(s, raw) {
        let v = raw.trim();
        if matches!(s, Simple::Guid) && v.bytes().any(|b| b.is_ascii_uppercase()) {
            out.push(violation(
                GUID_CASE,
                Level::Warning,
                format!("{path}: «{v}» — портал ожидает GUID строчными буквами"),
                at,
            ));
        }
        return;
    }
    let err = |k, d: String, out: &mut Vec<Violation>| out.push(violation(k, Level::Error, d, at));
    // Whitespace is collapsed for everything but strings, as the XSD types do.
    let v = raw.trim();
    match s {
        Simple::Guid => {
            if !is_guid_shape(v) {
                err(
                    PATTERN,
                    format!(
                        "{path}: «{}» — не GUID (36 символов вида xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                        short(v)
                    ),
                    out,
                );
            } else if v != v.to_lowercase() {
                out.push(violation(
                    GUID_CASE,
                    Level::Warning,
                    format!("{path}: «{v}» — портал ожидает GUID строчными буквами"),
                    at,
                ));
            }
        }
        Simple::DateTime => {
            if !is_date_time(v) {
                err(
                    DATETIME,
                    format!(
                        "{path}: «{}» — ожидается ГГГГ-ММ-ДДTчч:мм:сс, например 2025-12-01T10:00:00+03:00",
                        short(v)
                    ),
                    out,
                );
            }
        }
        Simple::Date => {
            if !is_date(v) {
                err(
                    DATE,
                    format!(
                        "{path}: «{}» — ожидается дата ГГГГ-ММ-ДД, например 2025-12-01",
                        short(v)
                    ),
                    out,
                );
            }
        }
        Simple::Int(lo, hi) => match v.strip_prefix('+').unwrap_or(v).parse::<i64>() {
            Ok(n) if (lo..=hi).contains(&n) => {}
            Ok(n) => err(
                NUMBER,
                format!(
                    "{path}: {n} — вне допустимого диапазона ({lo}…{})",
                    if hi == i64::MAX {
                        "∞".to_string()
                    } else {
                        hi.to_string()
                    }
                ),
                out,
            ),
            Err(_) => err(
                NUMBER,
                format!("{path}: «{}» — не целое число", short(v)),
                out,
            ),
        },
        Simple::Dec(lo, hi) => match parse_decimal(v) {
            None => err(
                NUMBER,
                format!(
                    "{path}: «{}» — не число; десятичный разделитель — точка, например 92.5",
                    short(v)
                ),
                out,
            ),
            Some((_, frac, _)) if frac > 2 => err(
                NUMBER,
                format!("{path}: «{v}» — больше двух знаков после точки"),
                out,
            ),
            Some((_, _, total)) if total > 20 => {
                err(NUMBER, format!("{path}: «{v}» — больше 20 цифр"), out)
            }
            Some((x, _, _)) => {
                if lo.is_some_and(|lo| x < lo) || hi.is_some_and(|hi| x > hi) {
                    err(
                        NUMBER,
                        format!(
                            "{path}: {v} — вне допустимого диапазона ({}…{})",
                            lo.map_or("-∞".into(), super::decimal),
                            hi.map_or("∞".into(), super::decimal)
                        ),
                        out,
                    );
                }
            }
        },
        Simple::Str(min, max) => {
            let n = raw.chars().count();
            if n < min || n > max {
                err(
                    LENGTH,
                    if n < min {
                        format!("{path}: пустое значение")
                    } else {
                        format!("{path}: {n} символов, допустимо не больше {max}")
                    },
                    out,
                );
            }
        }
        Simple::RegNum => {
            if !is_reg_num(v) {
                err(
                    PATTERN,
                    format!(
                        "{path}: «{}» — код по Сводному реестру должен быть из 13 цифр или 3 цифр и 5 букв или цифр",
                        short(v)
                    ),
                    out,
                );
            }
        }
        Simple::Inn10 => {
            if !(v.len() == 10 && all_digits(v)) {
                err(
                    PATTERN,
                    format!("{path}: «{}» — ИНН должен состоять из 10 цифр", short(v)),
                    out,
                );
            } else {
                check_id_digits(s, v, path, line, out);
            }
        }
        Simple::InnAny => {
            if !((v.len() == 10 || v.len() == 12) && all_digits(v)) {
                err(
                    PATTERN,
                    format!(
                        "{path}: «{}» — ИНН должен состоять из 10 или 12 цифр",
                        short(v)
                    ),
                    out,
                );
            } else {
                check_id_digits(s, v, path, line, out);
            }
        }
        Simple::Kpp => {
            if !(v.len() == 9 && all_digits(v)) {
                err(
                    PATTERN,
                    format!("{path}: «{}» — КПП должен состоять из 9 цифр", short(v)),
                    out,
                );
            }
        }
        Simple::Criterion => {
            let mut c = v.chars();
            let ok = c.next() == Some('К')
                && c.next().is_some_and(|d| ('1'..='5').contains(&d))
                && c.next().is_none();
            if !ok {
                err(
                    PATTERN,
                    format!(
                        "{path}: «{}» — ожидается код критерия К1…К5: общих критериев оценки пять (Федеральный закон от 05.12.2017 № 392-ФЗ; буква К — русская)",
                        short(v)
                    ),
                    out,
                );
            }
        }
        Simple::Indicator => {
            let ok = v.split_once('.').is_some_and(|(a, b)| {
                all_digits(a) && all_digits(b) && a.len() <= 2 && b.len() <= 2
            });
            if !ok {
                err(
                    PATTERN,
                    format!(
                        "{path}: «{}» — ожидается код показателя, например 1.2",
                        short(v)
                    ),
                    out,
                );
            }
        }
        Simple::Enum(values) => {
            if !values.contains(&v) {
                err(
                    ENUM,
                    format!("{path}: «{}» — допустимы: {}", short(v), values.join(", ")),
                    out,
                );
            }
        }
    }
}

/// A value as quoted in a message: at most 60 characters.
fn short(v: &str) -> String {
    if v.chars().count() <= 60 {
        v.to_string()
    } else {
        let mut s: String = v.chars().take(59).collect();
        s.push('…');
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Walking a packet.

/// What a packet says about itself, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PacketReport {
    pub kind: Option<Kind>,
    pub packet_id: Option<String>,
    pub position_id: Option<String>,
    pub violations: Vec<Violation>,
}

impl PacketReport {
    pub fn errors(&self) -> usize {
        self.violations
            .iter()
            .filter(|v| v.level == Level::Error)
            .count()
    }
}

struct Frame<'s> {
    elem: &'s Elem,
    /// Length of the path before this element's name was appended.
    start: usize,
    /// For a sequence: the item being matched and how often it matched.
    idx: usize,
    count: u32,
    text: String,
    line: usize,
}

struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.bytes.len());
        if offset >= self.pos {
            self.line += self.bytes[self.pos..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.pos = offset;
        }
        self.line
    }
}

fn ns_of(r: &ResolveResult<'_>) -> Option<std::borrow::Cow<'static, str>> {
    match r {
        ResolveResult::Bound(ns) => Some(match ns.as_ref() {
            TYPES_NS => std::borrow::Cow::Borrowed(TYPES_NS),
            NOK_NS => std::borrow::Cow::Borrowed(NOK_NS),
            other => std::borrow::Cow::Owned(other.to_string()),
        }),
        _ => None,
    }
}

/// The element trees of the three kinds, built once.
fn schemas() -> &'static [Elem] {
    static SCHEMAS: std::sync::OnceLock<Vec<Elem>> = std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| Kind::ALL.into_iter().map(packet).collect())
}

/// Checks one packet (the bytes of one XML file).
pub fn check_packet(bytes: &[u8]) -> PacketReport {
    let mut report = PacketReport::default();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            report.violations.push(violation(
                NOT_XML,
                Level::Error,
                "файл не в кодировке UTF-8".into(),
                Some(line),
            ));
            return report;
        }
    };
    check_packet_str(text)
}

/// Checks one packet already known to be text (as the export writes it).
pub fn check_packet_str(text: &str) -> PacketReport {
    let mut report = PacketReport::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = true;
    let mut lines = Lines {
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let schemas = schemas();
    let mut stack: Vec<Frame<'_>> = Vec::new();
    // Text buffers of closed elements, reused by the next ones (no allocation per element).
    let mut spare: Vec<String> = Vec::new();
    // The path of the open element (`nokPlan/body/position/…`), grown and cut as elements open
    // and close.
    let mut path = String::with_capacity(128);
    let mut seen_root = false;
    let out = &mut report.violations;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_resolved_event();
        let line = lines.at(before);
        let (ns, ev) = match event {
            Ok((ns, ev)) => (ns_of(&ns), ev),
            Err(e) => {
                let line = lines.at(reader.error_position() as usize);
                out.push(violation(
                    NOT_XML,
                    Level::Error,
                    crate::exchange::xml_error::describe(&e),
                    Some(line),
                ));
                return report;
            }
        };
        match ev {
            Event::Start(e) => {
                let local_name = e.local_name();
                let local: &str = local_name.as_ref();
                let ns = ns.unwrap_or_default();
                if stack.is_empty() {
                    if seen_root {
                        out.push(violation(
                            NOT_XML,
                            Level::Error,
                            "второй корневой элемент".into(),
                            Some(line),
                        ));
                        return report;
                    }
                    seen_root = true;
                    let kind = Kind::from_root(local).filter(|k| ns == k.root_ns());
                    let Some(kind) = kind else {
                        out.push(violation(
                            BAD_ROOT,
                            Level::Error,
                            format!(
                                "корневой элемент <{local}> (пространство имен «{ns}»); ожидается planShortcomingInfoType в пространстве имен {TYPES_NS} или nokResults, nokPlan, nokReport в пространстве имен {NOK_NS}"
                            ),
                            Some(line),
                        ));
                        return report;
                    };
                    report.kind = Some(kind);
                    let elem = &schemas[Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)];
                    path.push_str(local);
                    stack.push(Frame {
                        elem,
                        start: 0,
                        idx: 0,
                        count: 0,
                        text: spare.pop().unwrap_or_default(),
                        line,
                    });
                    continue;
                }
                let Some(parent) = stack.last_mut() else {
                    continue;
                };
                let child = match &parent.elem.content {
                    Content::Simple(_) => {
                        out.push(violation(
                            MIXED,
                            Level::Error,
                            format!("{path}: внутри простого значения элемент <{local}>"),
                            Some(line),
                        ));
                        None
                    }
                    Content::Seq(items) => match_child(items, parent, &path, local, &ns, line, out),
                };
                match child {
                    Some(elem) => {
                        let start = path.len();
                        path.push('/');
                        path.push_str(local);
                        stack.push(Frame {
                            elem,
                            start,
                            idx: 0,
                            count: 0,
                            text: spare.pop().unwrap_or_default(),
                            line,
                        });
                    }
                    None => {
                        // Skip the unexpected element with everything inside it.
                        if let Err(e) = reader.read_to_end(e.name()) {
                            let line = lines.at(reader.error_position() as usize);
                            out.push(violation(
                                NOT_XML,
                                Level::Error,
                                crate::exchange::xml_error::describe(&e),
                                Some(line),
                            ));
                            return report;
                        }
                    }
                }
            }
            Event::End(_) => {
                let Some(frame) = stack.pop() else { continue };
                match &frame.elem.content {
                    Content::Simple(s) => {
                        check_value(*s, &frame.text, &path, frame.line, out);
                        remember(
                            &mut report.packet_id,
                            &mut report.position_id,
                            &path,
                            &frame.text,
                        );
                    }
                    Content::Seq(items) => {
                        if !frame.text.trim().is_empty() {
                            out.push(violation(
                                MIXED,
                                Level::Error,
                                format!(
                                    "{path}: текст «{}» между элементами",
                                    short(frame.text.trim())
                                ),
                                Some(frame.line),
                            ));
                        }
                        missing_from(items, frame.idx, frame.count, &path, None, line, out);
                    }
                }
                path.truncate(frame.start);
                let mut text = frame.text;
                text.clear();
                spare.push(text);
            }
            Event::Text(t) => {
                if let Some(f) = stack.last_mut() {
                    let s = t.xml10_content();
                    if let Some(bad) = s.chars().find(|&c| !super::xml_char(c)) {
                        out.push(violation(
                            CHAR,
                            Level::Error,
                            format!(
                                "{path}: управляющий символ U+{:04X} не допускается в XML",
                                bad as u32
                            ),
                            Some(line),
                        ));
                    }
                    f.text.push_str(&s);
                } else if !t.xml10_content().trim().is_empty() {
                    out.push(violation(
                        NOT_XML,
                        Level::Error,
                        "текст вне корневого элемента".into(),
                        Some(line),
                    ));
                }
            }
            Event::CData(t) => {
                if let Some(f) = stack.last_mut() {
                    f.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => match r.xml10_content().as_ref() {
                        "amp" => Some("&".into()),
                        "lt" => Some("<".into()),
                        "gt" => Some(">".into()),
                        "quot" => Some("\"".into()),
                        "apos" => Some("'".into()),
                        _ => None,
                    },
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => {
                        if let Some(f) = stack.last_mut() {
                            if let Some(bad) = s.chars().find(|&c| !super::xml_char(c)) {
                                out.push(violation(
                                    CHAR,
                                    Level::Error,
                                    format!(
                                        "{path}: символ U+{:04X} не допускается в XML",
                                        bad as u32
                                    ),
                                    Some(line),
                                ));
                            }
                            f.text.push_str(&s);
                        }
                    }
                    None => {
                        out.push(violation(
                            NOT_XML,
                            Level::Error,
                            format!("неизвестная ссылка на сущность &{};", r.xml10_content()),
                            Some(line),
                        ));
                        return report;
                    }
                }
            }
            Event::DocType(_) => {
                out.push(violation(
                    NOT_XML,
                    Level::Error,
                    "объявление DOCTYPE в пакете не допускается".into(),
                    Some(line),
                ));
                return report;
            }
            Event::Eof => {
                if !seen_root {
                    out.push(violation(
                        NOT_XML,
                        Level::Error,
                        "в файле нет корневого элемента".into(),
                        Some(line),
                    ));
                } else if !stack.is_empty() {
                    out.push(violation(
                        NOT_XML,
                        Level::Error,
                        "файл оборван: не закрыты элементы".into(),
                        Some(line),
                    ));
                }
                return report;
            }
            _ => {}
        }
    }
}

fn remember(
    packet_id: &mut Option<String>,
    position_id: &mut Option<String>,
    path: &str,
    text: &str,
) {
    if path.ends_with("/header/id") {
        *packet_id = Some(text.trim().to_string());
    } else if path.ends_with("/position/positionId") {
        *position_id = Some(text.trim().to_string());
    }
}

fn matches(e: &Elem, local: &str) -> bool {
    e.name == local
}

/// Finds the item of `items` the child `<local>` stands for, reporting missing required items it
/// skips over and an element that fits nowhere.
fn match_child<'s>(
    items: &'s [Item],
    parent: &mut Frame<'s>,
    ppath: &str,
    local: &str,
    ns: &str,
    line: usize,
    out: &mut Vec<Violation>,
) -> Option<&'s Elem> {
    // Is it anywhere ahead? If not, it is unexpected and the position does not move.
    let ahead = items[parent.idx.min(items.len())..]
        .iter()
        .enumerate()
        .find_map(|(k, it)| {
            it.alts
                .iter()
                .find(|e| matches(e, local))
                .map(|e| (k, it, e))
        });
    let Some((k, item, elem)) = ahead else {
        let earlier = items[..parent.idx.min(items.len())]
            .iter()
            .any(|it| it.alts.iter().any(|e| matches(e, local)));
        out.push(violation(
            UNEXPECTED,
            Level::Error,
            if earlier {
                format!(
                    "{}: элемент <{local}> не на своем месте или повторен сверх допустимого",
                    ppath
                )
            } else {
                format!("{}: элемент <{local}> здесь не предусмотрен", ppath)
            },
            Some(line),
        ));
        return None;
    };
    let target = parent.idx + k;
    if k == 0 && parent.count >= item.max {
        // The current item is full; the same name further ahead?
        let later = items[target + 1..]
            .iter()
            .enumerate()
            .find_map(|(j, it)| it.alts.iter().find(|e| matches(e, local)).map(|e| (j, e)));
        match later {
            Some((j, e)) => {
                // Required items skipped over on the way are missing.
                missing_until(items, target, target + 1 + j, ppath, local, line, out);
                parent.idx = target + 1 + j;
                parent.count = 1;
                return check_ns(Some(e), ppath, local, ns, line, out);
            }
            None => {
                out.push(violation(
                    UNEXPECTED,
                    Level::Error,
                    format!("{}: элемент <{local}> повторен сверх допустимого", ppath),
                    Some(line),
                ));
                return None;
            }
        }
    }
    if k > 0 {
        missing_from(
            items,
            parent.idx,
            parent.count,
            ppath,
            Some(local),
            line,
            out,
        );
        missing_until(items, parent.idx, target, ppath, local, line, out);
        parent.idx = target;
        parent.count = 0;
    }
    parent.count += 1;
    check_ns(Some(elem), ppath, local, ns, line, out)
}

fn check_ns<'s>(
    elem: Option<&'s Elem>,
    ppath: &str,
    local: &str,
    ns: &str,
    line: usize,
    out: &mut Vec<Violation>,
) -> Option<&'s Elem> {
    let elem = elem?;
    if ns != elem.ns.uri() {
        out.push(violation(
            WRONG_NS,
            Level::Error,
            format!(
                "{}/{local}: пространство имен «{ns}», ожидается «{}»",
                ppath,
                elem.ns.uri()
            ),
            Some(line),
        ));
    }
    Some(elem)
}

/// Reports the current item (matched `count` times) when still short of its minimum; used when
/// the walk moves past it. Items after it up to the end are reported when `before` is `None`
/// (the parent closed).
fn missing_from(
    items: &[Item],
    idx: usize,
    count: u32,
    path: &str,
    before: Option<&str>,
    line: usize,
    out: &mut Vec<Violation>,
) {
    let Some(item) = items.get(idx) else { return };
    let first_short = count < item.min;
    let mut report = |it: &Item| {
        let names: Vec<&str> = it.alts.iter().map(|e| e.name).collect();
        let what = names.join("> или <");
        out.push(violation(
            MISSING,
            Level::Error,
            match before {
                Some(b) => format!("{path}: перед <{b}> должен быть элемент <{what}>"),
                None => format!("{path}: нет обязательного элемента <{what}>"),
            },
            Some(line),
        ));
    };
    if first_short {
        report(item);
    }
    if before.is_none() {
        for it in &items[idx + 1..] {
            if it.min > 0 {
                report(it);
            }
        }
    }
}

/// Reports required items strictly between `from` and `to` (skipped over).
#[allow(clippy::too_many_arguments)]
fn missing_until(
    items: &[Item],
    from: usize,
    to: usize,
    path: &str,
    before: &str,
    line: usize,
    out: &mut Vec<Violation>,
) {
    for it in items.iter().take(to).skip(from + 1) {
        if it.min > 0 {
            let names: Vec<&str> = it.alts.iter().map(|e| e.name).collect();
            out.push(violation(
                MISSING,
                Level::Error,
                format!(
                    "{path}: перед <{before}> должен быть элемент <{}>",
                    names.join("> или <")
                ),
                Some(line),
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Files, folders, zips.

/// The most one file of a package (an XML document, the manifest) may hold, unpacked. A packet
/// of the largest organization is well under a megabyte; anything near this is not a packet.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The most a whole package may hold, unpacked: a national package (50 000 organizations,
/// 141 654 documents) is about 4 GiB.
pub const MAX_TOTAL_BYTES: u64 = 16 << 30;
/// A zip whose files unpack to more than this many times its own size, and to more than
/// [`MAX_FILE_BYTES`], is refused before anything is unpacked (the portal's XML packs about 10
/// times; a «zip bomb» thousands of times).
pub const MAX_PACK_RATIO: u64 = 200;

/// Findings of one file of a package.
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    /// The name inside the package (or the path given).
    pub file: String,
    pub packet: PacketReport,
}

/// Findings of a package, a zip or a single file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Findings about the package as a whole (manifest, names in the archive).
    pub package: Vec<Violation>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.files.iter().map(|f| f.packet.errors()).sum::<usize>()
            + self
                .package
                .iter()
                .filter(|v| v.level == Level::Error)
                .count()
    }
    pub fn warnings(&self) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.packet.violations)
            .chain(&self.package)
            .filter(|v| v.level == Level::Warning)
            .count()
    }
}

/// A failure to read what was asked to be checked (not a finding in it).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(
        "не удалось прочитать {path}: {}",
        crate::domain::io_error::describe(source)
    )]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} — не zip-архив или архив поврежден: {detail}")]
    Zip { path: String, detail: String },
    #[error("в {0} нет файлов .xml: укажите папку пакета, его zip-архив или файл .xml")]
    Empty(String),
    #[error(
        "{0} — не обычный файл (устройство, канал или сокет); укажите папку пакета, его zip-архив или файл .xml"
    )]
    NotRegular(String),
    #[error(
        "{path}: {what} — {} при допустимых {}; это не пакет nok (возможно, архив-«бомба»), проверка остановлена",
        size_ru(*size),
        size_ru(*limit)
    )]
    TooBig {
        path: String,
        /// What is too big («файл …», «содержимое архива»).
        what: String,
        size: u64,
        limit: u64,
    },
}

/// Bytes in the units a person reads: «512 байт», «3,4 МБ», «2,0 ГБ».
fn size_ru(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("ГБ", 1 << 30), ("МБ", 1 << 20), ("КБ", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let tenths = (u128::from(bytes) * 10 + u128::from(size) / 2) / u128::from(size);
            return format!("{},{} {unit}", tenths / 10, tenths % 10);
        }
    }
    format!("{bytes} байт")
}

/// A zip library error in Russian.
pub(crate) fn zip_error_ru(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError as Z;
    match e {
        Z::Io(io) => crate::domain::io_error::describe(io),
        Z::InvalidArchive(_) => {
            "структура архива нарушена (файл оборван, испорчен или это не zip)".into()
        }
        Z::UnsupportedArchive(_) | Z::CompressionMethodNotSupported(_) => {
            "архив этого вида не поддерживается (шифрование или другой способ сжатия); \
             упакуйте пакет заново обычным zip"
                .into()
        }
        Z::InvalidPassword => "архив защищен паролем".into(),
        Z::FileNotFound => "в архиве нет нужного файла".into(),
        _ => "архив не читается".into(),
    }
}

/// What is wrong with a name inside a zip, if anything: a name that would leave the package's
/// folder when unpacked (`../x.xml`, `/abs/x.xml`, `C:\x.xml`) is never a package's file.
fn bad_entry_name(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    if name.starts_with('/') {
        Some("абсолютный путь")
    } else if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        Some("путь с именем диска Windows")
    } else if name.contains('\\') {
        Some("обратная косая черта в имени (путь Windows)")
    } else if name.split('/').any(|c| c == "..") {
        Some("«..» в пути: файл выходит за папку пакета")
    } else if name.chars().any(char::is_control) {
        Some("управляющие символы в имени")
    } else {
        None
    }
}

/// Reads at most `limit` bytes of `r`; `Err(read)` with the bytes read when there are more.
fn read_limited(r: impl Read, limit: u64, hint: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    let mut bytes = Vec::with_capacity(hint.min(limit) as usize);
    r.take(limit + 1).read_to_end(&mut bytes)?;
    let n = bytes.len() as u64;
    Ok(if n > limit { Err(n) } else { Ok(bytes) })
}

/// Opens `path` only if it is a regular file (after links), with its size.
fn open_regular(path: &Path, shown: &str) -> Result<(std::fs::File, u64), CheckError> {
    let io = |source| CheckError::Io {
        path: shown.to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(CheckError::NotRegular(shown.to_string()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // Checked again on the open file: the name may have been swapped in between.
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(CheckError::NotRegular(shown.to_string()));
    }
    Ok((file, meta.len()))
}

/// Reads one file of a package, or a receipt: a regular file (never a device or a pipe) of at
/// most [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path, shown: &str) -> Result<Vec<u8>, CheckError> {
    let (file, size) = open_regular(path, shown)?;
    let too_big = |size| CheckError::TooBig {
        path: shown.to_string(),
        what: "файл".into(),
        size,
        limit: MAX_FILE_BYTES,
    };
    if size > MAX_FILE_BYTES {
        return Err(too_big(size));
    }
    read_limited(file, MAX_FILE_BYTES, size)
        .map_err(|source| CheckError::Io {
            path: shown.to_string(),
            source,
        })?
        .map_err(too_big)
}

/// What a folder or a zip holds: the manifest and the XML files, with their checksums.
#[derive(Default)]
struct Contents {
    manifest: Option<Vec<u8>>,
    /// (name in the manifest, sha256) of every XML file read.
    hashes: Vec<(String, String)>,
    total: u64,
}

/// Checks a package folder, its zip, or a single `.xml` file. Files are read one at a time, each
/// limited to [`MAX_FILE_BYTES`] and the whole to [`MAX_TOTAL_BYTES`]; devices, pipes and
/// sockets are refused. A folder or a zip must carry a manifest that lists every XML file with
/// its checksum; a single file is compared with `manifest.csv` beside it when there is one.
pub fn check_path(path: &Path) -> Result<Report, CheckError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| CheckError::Io {
        path: shown.clone(),
        source,
    })?;
    let mut report = Report::default();
    let mut contents = Contents::default();
    if meta.is_dir() {
        read_folder(path, &mut contents, &mut report)?;
    } else if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        read_zip(path, &shown, &mut contents, &mut report)?;
    } else {
        let bytes = read_file(path, &shown)?;
        report.files.push(FileReport {
            file: shown.clone(),
            packet: check_packet(&bytes),
        });
        check_beside_manifest(path, &bytes, &mut report)?;
        return Ok(report);
    }
    // A zip whose only documents were refused for their names is reported, not «empty».
    if report.files.is_empty() && report.package.is_empty() {
        return Err(CheckError::Empty(shown));
    }
    match &contents.manifest {
        Some(m) => check_manifest(m, &contents.hashes, true, &mut report.package),
        None => report.package.push(violation(
            PKG_NO_MANIFEST,
            Level::Error,
            format!(
                "в пакете нет {}: без него нельзя проверить, что файлы не изменены после \
                 выгрузки; выгрузите пакет заново (nok export busgov)",
                super::package::MANIFEST
            ),
            None,
        )),
    }
    Ok(report)
}

fn read_folder(path: &Path, c: &mut Contents, report: &mut Report) -> Result<(), CheckError> {
    let shown = path.display().to_string();
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map_err(|source| CheckError::Io {
            path: shown.clone(),
            source,
        })?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let is_manifest = name == super::package::MANIFEST;
        if !is_manifest && !name.ends_with(".xml") {
            continue;
        }
        let full = path.join(&name);
        let bytes = read_file(&full, &full.display().to_string())?;
        c.total += bytes.len() as u64;
        if c.total > MAX_TOTAL_BYTES {
            return Err(CheckError::TooBig {
                path: shown,
                what: "файлы папки".into(),
                size: c.total,
                limit: MAX_TOTAL_BYTES,
            });
        }
        if is_manifest {
            c.manifest = Some(bytes);
        } else {
            c.hashes.push((name.clone(), sha256_hex(&bytes)));
            report.files.push(FileReport {
                file: name,
                packet: check_packet(&bytes),
            });
        }
    }
    Ok(())
}

fn read_zip(
    path: &Path,
    shown: &str,
    c: &mut Contents,
    report: &mut Report,
) -> Result<(), CheckError> {
    let (file, zip_size) = open_regular(path, shown)?;
    let zip_err = |e: zip::result::ZipError| CheckError::Zip {
        path: shown.to_string(),
        detail: zip_error_ru(&e),
    };
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(zip_err)?;
    // What the archive says it unpacks to, before anything is unpacked.
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(zip_err)?;
        let size = entry.size();
        if size > MAX_FILE_BYTES {
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            return Err(CheckError::TooBig {
                path: shown.to_string(),
                what: format!("файл {name} в архиве"),
                size,
                limit: MAX_FILE_BYTES,
            });
        }
        declared = declared.saturating_add(size);
    }
    let ratio_limit = zip_size.saturating_mul(MAX_PACK_RATIO).max(MAX_FILE_BYTES);
    let limit = MAX_TOTAL_BYTES.min(ratio_limit);
    if declared > limit {
        return Err(CheckError::TooBig {
            path: shown.to_string(),
            what: "содержимое архива".into(),
            size: declared,
            limit,
        });
    }
    let mut seen = std::collections::HashSet::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(zip_err)?;
        let name = match entry.name() {
            Ok(n) => n.into_owned(),
            Err(e) => {
                report.package.push(violation(
                    PKG_READ,
                    Level::Error,
                    format!("запись {}: {}", i + 1, zip_error_ru(&e)),
                    None,
                ));
                continue;
            }
        };
        if let Some(why) = bad_entry_name(&name) {
            report.package.push(violation(
                PKG_NAME,
                Level::Error,
                format!("«{}»: {why}; такой архив не выгружен nok", short(&name)),
                None,
            ));
            continue;
        }
        if entry.is_dir() {
            continue;
        }
        let base = name.rsplit('/').next().unwrap_or(&name).to_string();
        let is_manifest = base == super::package::MANIFEST;
        if !is_manifest && !base.ends_with(".xml") {
            continue;
        }
        if !seen.insert(base.clone()) {
            report.package.push(violation(
                PKG_NAME,
                Level::Error,
                format!(
                    "{name}: файл с именем {base} в архиве уже есть; в пакете имена не повторяются"
                ),
                None,
            ));
            continue;
        }
        let hint = entry.size();
        let bytes = match read_limited(&mut entry, MAX_FILE_BYTES, hint) {
            Ok(Ok(b)) => b,
            Ok(Err(size)) => {
                return Err(CheckError::TooBig {
                    path: shown.to_string(),
                    what: format!("файл {name} в архиве"),
                    size,
                    limit: MAX_FILE_BYTES,
                });
            }
            Err(e) => {
                report.package.push(violation(
                    PKG_READ,
                    Level::Error,
                    format!("{name}: {}", crate::domain::io_error::describe(&e)),
                    None,
                ));
                continue;
            }
        };
        c.total += bytes.len() as u64;
        if c.total > limit {
            return Err(CheckError::TooBig {
                path: shown.to_string(),
                what: "содержимое архива".into(),
                size: c.total,
                limit,
            });
        }
        if is_manifest {
            c.manifest = Some(bytes);
        } else {
            c.hashes.push((base, sha256_hex(&bytes)));
            report.files.push(FileReport {
                file: name,
                packet: check_packet(&bytes),
            });
        }
    }
    Ok(())
}

/// A single XML file: compared with the manifest in its folder when there is one (a file of an
/// exported package); otherwise a warning says its integrity was not checked.
fn check_beside_manifest(path: &Path, bytes: &[u8], report: &mut Report) -> Result<(), CheckError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let manifest = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .map(|p| p.join(super::package::MANIFEST));
    match manifest {
        Some(m) if m.exists() => {
            let text = read_file(&m, &m.display().to_string())?;
            let found = [(name, sha256_hex(bytes))];
            check_manifest(&text, &found, false, &mut report.package);
        }
        _ => report.package.push(violation(
            PKG_NO_MANIFEST,
            Level::Warning,
            format!(
                "рядом с файлом нет {}: проверено только содержание, не то, что файл не изменен \
                 после выгрузки (проверьте папку пакета или его zip)",
                super::package::MANIFEST
            ),
            None,
        )),
    }
    Ok(())
}

/// A CSV error of the manifest in Russian.
fn csv_error_ru(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("в строке {len} полей, а в заголовке {expected_len}"),
        ::csv::ErrorKind::Utf8 { .. } => "строка не в кодировке UTF-8".into(),
        ::csv::ErrorKind::Io(io) => crate::domain::io_error::describe(io),
        _ => "строка не читается как CSV".into(),
    }
}

/// Compares the manifest's file names and checksums with the files found. Every XML file must be
/// listed once with its SHA-256; a row that cannot be read is an error, never skipped. `whole`:
/// the files found are the whole package (else one file is checked, and rows naming other files
/// are not looked for).
fn check_manifest(
    manifest: &[u8],
    found: &[(String, String)],
    whole: bool,
    out: &mut Vec<Violation>,
) {
    use super::package::{COL_FILE, COL_SHA, MANIFEST};
    let bad = |d: String, line: Option<usize>, out: &mut Vec<Violation>| {
        out.push(violation(PKG_MANIFEST, Level::Error, d, line));
    };
    let Ok(text) = std::str::from_utf8(manifest) else {
        bad(
            format!("{MANIFEST} не в кодировке UTF-8: файл поврежден; выгрузите пакет заново"),
            None,
            out,
        );
        return;
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rd = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .from_reader(body.as_bytes());
    let headers = match rd.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            bad(
                format!("{MANIFEST}, заголовок: {}", csv_error_ru(&e)),
                Some(1),
                out,
            );
            return;
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(fcol), Some(scol)) = (col(COL_FILE), col(COL_SHA)) else {
        bad(
            format!(
                "{MANIFEST}: в заголовке нет колонок «{COL_FILE}» и «{COL_SHA}»; выгрузите пакет заново"
            ),
            Some(1),
            out,
        );
        return;
    };
    let found_map: std::collections::HashMap<&str, &str> = found
        .iter()
        .map(|(n, h)| (n.as_str(), h.as_str()))
        .collect();
    let mut listed = std::collections::HashSet::new();
    let mut rec = ::csv::StringRecord::new();
    let mut n = 1;
    loop {
        n += 1;
        let line = Some(rd.position().line() as usize);
        match rd.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(line, |p| Some(p.line() as usize));
                bad(
                    format!("{MANIFEST}, запись {}: {}", n - 1, csv_error_ru(&e)),
                    at,
                    out,
                );
                continue;
            }
        }
        let line = Some(rec.position().map_or(n, |p| p.line() as usize));
        let file = rec.get(fcol).unwrap_or("").trim();
        let sha = rec.get(scol).unwrap_or("").trim();
        if file.is_empty() {
            bad(format!("{MANIFEST}: в строке не указан файл"), line, out);
            continue;
        }
        if !(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit())) {
            bad(
                format!(
                    "{MANIFEST}, файл {file}: «{}» — не контрольная сумма sha256 (64 шестнадцатеричные цифры)",
                    short(sha)
                ),
                line,
                out,
            );
            // The file counts as listed: its own finding is this one.
            listed.insert(file.to_string());
            continue;
        }
        if !listed.insert(file.to_string()) {
            bad(
                format!("{MANIFEST}: файл {file} указан второй раз"),
                line,
                out,
            );
            continue;
        }
        match found_map.get(file) {
            None if whole => out.push(violation(
                PKG_MISSING,
                Level::Error,
                format!("{MANIFEST}: файла {file} нет в пакете"),
                line,
            )),
            None => {}
            Some(h) if !h.eq_ignore_ascii_case(sha) => out.push(violation(
                PKG_SHA,
                Level::Error,
                format!("{file}: файл изменен после выгрузки (sha256 {h}, в манифесте {sha})"),
                line,
            )),
            Some(_) => {}
        }
    }
    for (name, _) in found {
        if !listed.contains(name) {
            out.push(violation(
                PKG_EXTRA,
                Level::Error,
                format!("{name}: файла нет в {MANIFEST}, его целостность не подтверждена; выгрузите пакет заново"),
                None,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ns2:nokReport xmlns="http://bus.gov.ru/types/1" xmlns:ns2="urn:nok:busgov:1">
  <header><id>0a4b3c2d-1111-8222-9333-444455556666</id><createDateTime>2026-11-22T10:00:00+03:00</createDateTime></header>
  <ns2:body><ns2:position>
    <positionId>0a4b3c2d-1111-8222-9333-444455556667</positionId><changeDate>2026-11-22T10:00:00</changeDate>
    <placer><regNum>414Ж5506</regNum><fullName>Комитет &amp; «Ко»</fullName><inn>4710156419</inn><kpp>471001001</kpp></placer>
    <initiator><regNum>41493880</regNum></initiator>
    <versionNumber>1</versionNumber>
    <ns2:year>2025</ns2:year><ns2:sector>social</ns2:sector>
    <ns2:row><ns2:number>1</ns2:number><ns2:status>done</ns2:status></ns2:row>
  </ns2:position></ns2:body>
</ns2:nokReport>
"#;

    fn codes(xml: &str) -> Vec<&'static str> {
        check_packet(xml.as_bytes())
            .violations
            .iter()
            .map(|v| v.code)
            .collect()
    }

    #[test]
    fn a_good_packet_passes() {
        let r = check_packet(GOOD.as_bytes());
        assert!(r.violations.is_empty(), "{:#?}", r.violations);
        assert_eq!(r.kind, Some(Kind::Report));
        assert_eq!(
            r.position_id.as_deref(),
            Some("0a4b3c2d-1111-8222-9333-444455556667")
        );
    }

    #[test]
    fn each_kind_of_damage_is_found() {
        assert_eq!(
            codes(&GOOD.replace("<versionNumber>1</versionNumber>", "")),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(&GOOD.replace("<ns2:sector>social</ns2:sector>", "")),
            ["STR-02"]
        );
        assert_eq!(
            codes(&GOOD.replace(
                "<ns2:year>2025</ns2:year><ns2:sector>social</ns2:sector>",
                "<ns2:sector>social</ns2:sector><ns2:year>2025</ns2:year>"
            )),
            ["STR-02", "STR-01"]
        );
        assert_eq!(
            codes(&GOOD.replace("<kpp>471001001</kpp>", "<kpp>47100100</kpp>")),
            ["VAL-02"]
        );
        assert_eq!(
            codes(&GOOD.replace("<inn>4710156419</inn>", "<inn>47101564</inn>")),
            ["VAL-02"]
        );
        assert_eq!(codes(&GOOD.replace("414Ж5506", "41Ж5506")), ["VAL-02"]);
        assert_eq!(
            codes(&GOOD.replace("444455556667", "44445555666G")),
            ["VAL-02"]
        );
        assert_eq!(
            codes(&GOOD.replace("444455556667", "44445555666A")),
            ["VAL-08"]
        );
        assert_eq!(
            codes(&GOOD.replace("2026-11-22T10:00:00<", "2026-11-22 10:00<")),
            ["VAL-05"]
        );
        assert_eq!(
            codes(&GOOD.replace("<ns2:status>done", "<ns2:status>finished")),
            ["VAL-06"]
        );
        assert_eq!(
            codes(&GOOD.replace("<ns2:year>2025", "<ns2:year>2012")),
            ["VAL-03"]
        );
        assert_eq!(
            codes(&GOOD.replace("Комитет &amp;", &"Я".repeat(2001))),
            ["VAL-01"]
        );
        assert_eq!(codes(&GOOD.replace("Комитет &amp;", "Ком&#1;")), ["VAL-07"]);
        assert_eq!(codes(&GOOD.replace("ns2:body", "body")), ["STR-03"]);
        assert_eq!(
            codes(&GOOD.replace(
                "<ns2:row><ns2:number>1</ns2:number><ns2:status>done</ns2:status></ns2:row>",
                ""
            )),
            ["STR-02"]
        );
        assert_eq!(codes(&GOOD.replace("</ns2:body>", "")), ["XML-01"]);
        assert_eq!(codes(&GOOD.replace("nokReport", "nokOther")), ["XML-02"]);
        assert_eq!(
            codes(&GOOD.replace("<ns2:status>", "<ns2:extra>x</ns2:extra><ns2:status>")),
            ["STR-01"]
        );
    }

    #[test]
    fn decimals_follow_the_portal() {
        let mut out = Vec::new();
        for good in ["92.5", "100", "0.07", "92.50", "0"] {
            check_value(SCORE, good, "x", 1, &mut out);
        }
        assert!(out.is_empty(), "{out:?}");
        for bad in ["92,5", "92.555", "100.01", "-1", "", "1e3"] {
            check_value(SCORE, bad, "x", 1, &mut out);
        }
        assert_eq!(out.len(), 6, "{out:?}");
    }
}
