//! Packages for bus.gov.ru (официальный сайт ГМУ): the НОК documents nok publishes there, on the
//! portal's envelope, the checker that applies the portal's rules before upload, and the portal's
//! receipt (`confirmation`).
//!
//! The results (and nok's own plan and report, kept on request) are defined by the project's own
//! XSD (`data/xsd/nok-busgov.xsd`, namespace [`NOK_NS`]), which imports the project's
//! restatement of the envelope types (`data/xsd/busgov-types.xsd`, namespace [`TYPES_NS`]). Both
//! are built into the binary. The improvement plan goes out as the portal's own document
//! (ТФФ 1.8.3 `planShortcomingInfoType`, [`portal_plan`]), in [`TYPES_NS`] without the envelope.

pub mod check;
pub mod model;
pub mod package;
pub mod portal_plan;
pub mod receipt;
pub mod writer;
pub mod zipfile;

use std::borrow::Cow;

use sha2::{Digest, Sha256};

/// The portal's envelope types (Types.xsd); the default namespace of every packet.
pub const TYPES_NS: &str = "http://bus.gov.ru/types/1";
/// nok's НОК documents; the prefix `ns2` in every packet.
pub const NOK_NS: &str = "urn:nok:busgov:1";
/// The portal's root elements (External.xsd), where `confirmation` lives.
pub const EXTERNAL_NS: &str = "http://bus.gov.ru/external/1";

/// The project's XSD of the НОК documents (imports [`TYPES_XSD`] as `busgov-types.xsd`).
pub const NOK_XSD: &str = include_str!("../../../data/xsd/nok-busgov.xsd");
/// The project's restatement of the portal's envelope types.
pub const TYPES_XSD: &str = include_str!("../../../data/xsd/busgov-types.xsd");
/// File names of the two schemas, as the import in [`NOK_XSD`] names them.
pub const NOK_XSD_FILE: &str = "nok-busgov.xsd";
pub const TYPES_XSD_FILE: &str = "busgov-types.xsd";

/// A kind of НОК document published on bus.gov.ru.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Результаты независимой оценки (nok's namespace, on the portal's envelope).
    Results,
    /// План по устранению недостатков in nok's own namespace (`nokPlan`), which no portal reads:
    /// kept on request (`--kind nok-plan`).
    Plan,
    /// Сведения о ходе реализации плана in nok's own namespace (`nokReport`), kept on request.
    Report,
    /// The portal's own plan document, ТФФ 1.8.3 `planShortcomingInfoType`: the plan and its
    /// execution, no envelope ([`portal_plan`]). Not kept as a position (it has no positionId
    /// or version).
    PortalPlan,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Results, Kind::Plan, Kind::Report, Kind::PortalPlan];

    /// Stable code used in the database (positions, export log) and in content fingerprints.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Results => "results",
            Kind::Plan => "plan",
            Kind::Report => "report",
            Kind::PortalPlan => "portal-plan",
        }
    }

    /// The start of the kind's file names in a package: the portal's plan is `plan_…`, nok's
    /// own plan and report `nokplan_…`, `nokreport_…`.
    pub fn file_prefix(self) -> &'static str {
        match self {
            Kind::Results => "results",
            Kind::Plan => "nokplan",
            Kind::Report => "nokreport",
            Kind::PortalPlan => "plan",
        }
    }

    /// Whether the document carries the portal's envelope (header, positionId, version), so that
    /// its position is kept in the store.
    pub fn has_position(self) -> bool {
        self != Kind::PortalPlan
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The root element (in [`NOK_NS`]; the portal's plan in [`TYPES_NS`]).
    pub fn root(self) -> &'static str {
        match self {
            Kind::Results => "nokResults",
            Kind::Plan => "nokPlan",
            Kind::Report => "nokReport",
            Kind::PortalPlan => portal_plan::ROOT,
        }
    }

    /// The namespace of the root element.
    pub fn root_ns(self) -> &'static str {
        match self {
            Kind::PortalPlan => TYPES_NS,
            _ => NOK_NS,
        }
    }

    pub fn from_root(root: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.root() == root)
    }

    /// Russian name as shown to users.
    pub fn name_ru(self) -> &'static str {
        match self {
            Kind::Results => "результаты оценки",
            Kind::Plan => "план в формате nok (nokPlan)",
            Kind::Report => "отчет о выполнении плана в формате nok (nokReport)",
            Kind::PortalPlan => "план по устранению недостатков (ТФФ 1.8.3)",
        }
    }
}

/// Whether XML 1.0 allows this character in text (`Char` production), and it is not a C1 control.
fn xml_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// Text as it may go into a packet: characters XML 1.0 forbids (control characters other than
/// tab and line breaks, U+FFFE/U+FFFF) and C1 controls are removed. Escaping of `<`, `&` is the
/// writer's job.
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| xml_char(c)).collect())
    }
}

/// A decimal as the portal takes it: a dot, at most 2 fraction digits, no trailing zeros
/// (`92.5`, `100`, `0.07`). Rounds half away from zero to hundredths.
pub fn decimal(x: f64) -> String {
    let cents = crate::domain::rounding::to_hundredths(x);
    let (sign, abs) = if cents < 0 {
        ("-", cents.unsigned_abs())
    } else {
        ("", cents.unsigned_abs())
    };
    let (int, frac) = (abs / 100, abs % 100);
    match frac {
        0 => format!("{sign}{int}"),
        f if f % 10 == 0 => format!("{sign}{int}.{}", f / 10),
        f => format!("{sign}{int}.{f:02}"),
    }
}

/// The first 16 bytes of the SHA-256 of the parts (each preceded by its length, so that
/// `["ab", "c"]` and `["a", "bc"]` differ).
fn hash16(parts: &[&str]) -> [u8; 16] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b
}

/// 16 bytes as a GUID: lowercase hex in groups of 8-4-4-4-12.
fn guid_text(b: &[u8; 16]) -> String {
    let hex = hex(b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The stable positionId of a document: the same kind, organization (regNum, ИНН) and cycle
/// (year, sector, authority ИНН) always give the same id, in any database. The store keeps the id
/// once minted, so it never changes even if those details are corrected later.
///
/// A name-based GUID (RFC 9562 version 8) whose first 5 bytes depend on the cycle and kind only
/// and the rest on everything: the positions of one export sort next to each other, so the
/// indexes of positionIds take them into a few neighbouring pages rather than one page each
/// anywhere in the index (which made every export rewrite most of those indexes).
pub fn position_id(
    kind: Kind,
    org_reg_num: &str,
    org_inn: &str,
    year: i32,
    sector: &str,
    authority_inn: &str,
) -> String {
    let year = year.to_string();
    let cycle = [
        "nok busgov position",
        kind.code(),
        &year,
        sector,
        authority_inn,
    ];
    let mut b = hash16(&cycle);
    let whole = hash16(&[
        "nok busgov position",
        kind.code(),
        org_reg_num,
        org_inn,
        &year,
        sector,
        authority_inn,
    ]);
    b[5..].copy_from_slice(&whole[5..]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // RFC variant
    guid_text(&b)
}

/// A new packet id (header id): different for every packet written, and in the order written
/// (RFC 9562 version 7: the time in milliseconds, then a counter, then bits of a hash of the
/// position, version, process and counter). Ids in time order go into the index of packets one
/// after another instead of at random places.
pub fn new_packet_id(position_id: &str, version: i64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let mut h = Sha256::new();
    for p in [
        position_id,
        &version.to_string(),
        &std::process::id().to_string(),
        &n.to_string(),
    ] {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    // Version 7, then 12 bits of the counter; 14 more of it after the variant.
    b[6] = 0x70 | ((n >> 22) & 0x0f) as u8;
    b[7] = (n >> 14) as u8;
    b[8] = 0x80 | ((n >> 8) & 0x3f) as u8;
    b[9] = n as u8;
    b[10..].copy_from_slice(&d[..6]);
    guid_text(&b)
}

/// Lowercase hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// A piece of a file name: letters (Latin or Cyrillic) and digits kept, anything else becomes `_`,
/// at most 40 characters. It can never contain a path separator or `..`.
pub fn file_part(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric()
                && (c.is_ascii() || ('А'..='я').contains(&c) || c == 'Ё' || c == 'ё')
            {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// A package name: like [`file_part`] but `-` and `_` are kept, at most 80 characters.
pub fn file_part_keep(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c == '-' || c == '_' {
                c
            } else {
                file_part(&c.to_string()).chars().next().unwrap_or('_')
            }
        })
        .take(80)
        .collect();
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// The file name of a packet: kind, year, regNum (ИНН when there is none) and ИНН, e.g.
/// `results_2025_41493880_4710156419.xml`.
pub fn file_name(kind: Kind, year: i32, reg_num: &str, inn: &str) -> String {
    let id = if reg_num.trim().is_empty() {
        inn
    } else {
        reg_num
    };
    format!(
        "{}_{}_{}_{}.xml",
        kind.file_prefix(),
        year,
        file_part(id),
        file_part(inn)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_have_a_dot_and_at_most_two_digits() {
        assert_eq!(decimal(92.456), "92.46");
        assert_eq!(decimal(92.5), "92.5");
        assert_eq!(decimal(100.0), "100");
        assert_eq!(decimal(0.07), "0.07");
        assert_eq!(decimal(0.005), "0.01");
        assert_eq!(decimal(-1.25), "-1.25");
    }

    #[test]
    fn guids_are_lowercase_stable_and_distinct() {
        let a = position_id(
            Kind::Results,
            "41493880",
            "4710156419",
            2025,
            "social",
            "7701234567",
        );
        assert_eq!(a.len(), 36);
        assert_eq!(a, a.to_lowercase());
        assert_eq!(&a[14..15], "8");
        assert_eq!(
            a,
            position_id(
                Kind::Results,
                "41493880",
                "4710156419",
                2025,
                "social",
                "7701234567"
            )
        );
        assert_ne!(
            a,
            position_id(
                Kind::Plan,
                "41493880",
                "4710156419",
                2025,
                "social",
                "7701234567"
            )
        );
        assert_ne!(
            a,
            position_id(
                Kind::Results,
                "41493880",
                "4710156419",
                2024,
                "social",
                "7701234567"
            )
        );
        assert_ne!(new_packet_id(&a, 1), new_packet_id(&a, 1));
    }

    #[test]
    fn position_ids_of_one_cycle_and_kind_sort_together() {
        let of = |kind, reg: &str, inn: &str, year| {
            position_id(kind, reg, inn, year, "social", "7701234567")
        };
        let a = of(Kind::Results, "41493880", "4710156419", 2025);
        let b = of(Kind::Results, "41493881", "4710156420", 2025);
        assert_ne!(a, b);
        // 5 bytes: the first 8 hex digits, the dash, and 2 more.
        assert_eq!(a[..11], b[..11], "{a} {b}");
        assert_ne!(a[11..], b[11..], "{a} {b}");
        for other in [
            of(Kind::Plan, "41493880", "4710156419", 2025),
            of(Kind::Results, "41493880", "4710156419", 2024),
        ] {
            assert_ne!(a[..11], other[..11], "{a} {other}");
        }
        for id in [&a, &b] {
            assert_eq!(&id[14..15], "8", "{id}");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        }
    }

    #[test]
    fn packet_ids_are_version_7_and_sort_in_the_order_written() {
        let ids: Vec<String> = (0..5000)
            .map(|i| new_packet_id("0a4b3c2d-1111-8222-9333-444455556667", i % 3))
            .collect();
        for id in &ids {
            assert_eq!(id.len(), 36);
            assert_eq!(id, &id.to_lowercase());
            assert_eq!(&id[14..15], "7", "{id}");
            assert!(
                matches!(&id[19..20], "8" | "9" | "a" | "b"),
                "RFC variant: {id}"
            );
        }
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids, "written order is sorted order");
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "all different");
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(clean("ГБУ\u{1}\u{1b} «Ромашка»\t\n"), "ГБУ «Ромашка»\t\n");
        assert!(matches!(
            clean("обычный <текст> & «кавычки»"),
            Cow::Borrowed(_)
        ));
        assert_eq!(clean("a\u{85}b\u{ffff}"), "ab");
    }

    #[test]
    fn file_names_cannot_escape_the_folder() {
        assert_eq!(
            file_name(Kind::PortalPlan, 2025, "414Ж5506", "4710156419"),
            "plan_2025_414Ж5506_4710156419.xml"
        );
        let evil = file_name(Kind::Report, 2025, "../../etc/passwd", "4710156419");
        assert!(!evil.contains('/') && !evil.contains(".."), "{evil}");
        assert_eq!(
            file_name(Kind::Results, 2025, "", "4710156419"),
            "results_2025_4710156419_4710156419.xml"
        );
    }
}
