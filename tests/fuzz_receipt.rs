//! Fuzzing the reader of the portal's `confirmation` answers (`nok receipt`) with proptest for a
//! fixed budget: random bytes, and real-shaped receipts cut, spliced and stuffed with hostile
//! text, are read or refused with a Russian error naming the file and a line inside it — never a
//! panic; a well-formed receipt built from random values reads back exactly.
//!
//! The budget is `PROPTEST_CASES` (default below, a few seconds in CI); `fuzz/run.sh receipt`
//! reruns it with a bigger one. Failing cases are kept in `fuzz/regressions/fuzz_receipt.txt`.

mod fuzz_support;

use nok::exchange::busgov::receipt::{Outcome, parse};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    fuzz_support::config("fuzz_receipt", 800)
}

/// Text escaped for an XML element.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A violation: code, name, description.
type Violation = (String, String, String);
/// A position's answer: id, accepted, violations.
type Answer = (String, bool, Vec<Violation>);

/// A `confirmation` as the portal writes it.
fn receipt(ref_id: &str, positions: &[Answer]) -> String {
    let mut body = String::new();
    for (pid, ok, violations) in positions {
        body.push_str(&format!(
            "<positionResult><refPositionId>{}</refPositionId><result>{}</result>",
            esc(pid),
            if *ok { "success" } else { "failure" }
        ));
        for (code, name, description) in violations {
            body.push_str(&format!(
                "<violation><code>{}</code><level>error</level><name>{}</name><description>{}</description></violation>",
                esc(code),
                esc(name),
                esc(description)
            ));
        }
        body.push_str("</positionResult>");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <ns2:confirmation xmlns=\"http://bus.gov.ru/types/1\" xmlns:ns2=\"http://bus.gov.ru/external/1\">\n\
         <header><id>0f0f0f0f-0000-4000-8000-000000000001</id><createDateTime>2026-11-23T09:00:00+03:00</createDateTime></header>\n\
         <ns2:body><refId>{}</refId><result>failure</result>{body}</ns2:body>\n\
         </ns2:confirmation>",
        esc(ref_id)
    )
}

/// Printable text without characters XML 1.0 cannot carry, with Cyrillic and markup-ish pieces.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 .,;:-]{1,8}",
            "[а-яА-ЯёЁ ]{1,8}",
            Just("<script>".to_string()),
            Just("&amp;".to_string()),
            Just("\"'".to_string()),
            Just("]]>".to_string()),
        ],
        1..6,
    )
    .prop_map(|parts| parts.concat().trim().to_string())
    .prop_filter("not empty", |s| !s.is_empty())
}

fn position() -> impl Strategy<Value = Answer> {
    (
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        any::<bool>(),
        prop::collection::vec((text(), text(), text()), 0..3),
    )
}

/// An error must name the file and a line within it.
fn check_error(file: &str, bytes: &[u8], e: &nok::exchange::busgov::receipt::ReceiptError) {
    assert_eq!(e.file, file);
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    assert!((1..=lines).contains(&e.line), "line {} of {lines}", e.line);
    assert!(!e.what.is_empty());
    assert!(
        e.what
            .chars()
            .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c))),
        "a Russian message: {}",
        e.what
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_are_read_or_refused_without_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Err(e) = parse("ответ.xml", &bytes) {
            check_error("ответ.xml", &bytes, &e);
        }
    }

    #[test]
    fn a_receipt_of_random_values_reads_back_exactly(
        ref_id in "[0-9a-f-]{36}",
        positions in prop::collection::vec(position(), 0..5),
    ) {
        let xml = receipt(&ref_id, &positions);
        let c = parse("ответ.xml", xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e:?}\n{xml}")))?;
        prop_assert_eq!(c.ref_id.as_deref(), Some(ref_id.as_str()));
        prop_assert_eq!(c.positions.len(), positions.len());
        for (got, (pid, ok, violations)) in c.positions.iter().zip(&positions) {
            prop_assert_eq!(&got.ref_position_id, pid);
            prop_assert_eq!(got.result == Outcome::Success, *ok);
            prop_assert_eq!(got.violations.len(), violations.len());
            for (v, (code, name, description)) in got.violations.iter().zip(violations) {
                prop_assert_eq!(&v.code, code);
                prop_assert_eq!(&v.name, name);
                prop_assert_eq!(&v.description, description);
            }
        }
    }

    #[test]
    fn a_receipt_cut_or_spliced_anywhere_is_read_or_refused_without_a_panic(
        positions in prop::collection::vec(position(), 1..4),
        cut in any::<prop::sample::Index>(),
        splice in any::<prop::sample::Index>(),
        junk in prop::collection::vec(any::<u8>(), 0..32),
    ) {
        let xml = receipt("0f0f0f0f-0000-4000-8000-000000000001", &positions).into_bytes();
        let at = cut.index(xml.len() + 1);
        let mut broken = xml[..at].to_vec();
        let from = splice.index(xml.len() + 1);
        broken.extend_from_slice(&junk);
        broken.extend_from_slice(&xml[from..]);
        if let Err(e) = parse("ответ.xml", &broken) {
            check_error("ответ.xml", &broken, &e);
        }
    }
}
