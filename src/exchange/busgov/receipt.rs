//! The portal's receipt (протокол загрузки): the `confirmation` packet it answers an upload with.
//! `body` holds `refId` (the uploaded packet's header id), `result` (`success` | `failure`),
//! `positionResult` items (`refPositionId`, `result`, `violation`*, `url`) and packet-level
//! `violation` items (`code`, `level`, `name`, `description`).

use quick_xml::NsReader;

/// A position result being read: id, result, violations, url.
type PendingPosition = (
    String,
    Option<Outcome>,
    Vec<PortalViolation>,
    Option<String>,
);
use quick_xml::events::Event;

/// `success` or `failure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    fn parse(s: &str) -> Option<Outcome> {
        match s.trim() {
            "success" => Some(Outcome::Success),
            "failure" => Some(Outcome::Failure),
            _ => None,
        }
    }
}

/// A violation the portal found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PortalViolation {
    pub code: String,
    /// `error` or `warning`.
    pub level: String,
    pub name: String,
    pub description: String,
}

/// The portal's verdict on one position.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionResult {
    pub ref_position_id: String,
    pub result: Outcome,
    pub violations: Vec<PortalViolation>,
    pub url: Option<String>,
}

/// A parsed `confirmation`.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    /// The uploaded packet's header id.
    pub ref_id: Option<String>,
    pub result: Outcome,
    pub positions: Vec<PositionResult>,
    /// Violations of the packet as a whole.
    pub violations: Vec<PortalViolation>,
}

/// A file that is not a readable `confirmation`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}, строка {line}: {what}")]
pub struct ReceiptError {
    pub file: String,
    pub line: usize,
    pub what: String,
}

/// Parses the bytes of a `confirmation` packet; `file` names it in errors.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Confirmation, ReceiptError> {
    let line_at = |offset: usize| {
        bytes[..offset.min(bytes.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    let fail = |line: usize, what: String| ReceiptError {
        file: file.to_string(),
        line,
        what,
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|e| fail(line_at(e.valid_up_to()), "файл не в кодировке UTF-8".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut path: Vec<String> = Vec::new();
    let mut buf = String::new();
    let mut ref_id = None;
    let mut result = None;
    let mut positions: Vec<PositionResult> = Vec::new();
    let mut violations: Vec<PortalViolation> = Vec::new();
    let mut pos: Option<PendingPosition> = None;
    let mut viol: Option<PortalViolation> = None;
    loop {
        let at = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|e| {
            fail(
                line_at(reader.error_position() as usize),
                format!(
                    "неправильный XML: {}",
                    crate::exchange::xml_error::describe(&e)
                ),
            )
        })?;
        match ev {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_string();
                if path.is_empty() && local != "confirmation" {
                    return Err(fail(
                        line_at(at),
                        format!(
                            "это не протокол загрузки bus.gov.ru: корневой элемент <{local}>, ожидается <confirmation>"
                        ),
                    ));
                }
                match (path.len(), local.as_str()) {
                    (2, "positionResult") => pos = Some((String::new(), None, Vec::new(), None)),
                    (2 | 3, "violation") => viol = Some(PortalViolation::default()),
                    _ => {}
                }
                path.push(local);
                buf.clear();
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(t) => buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    buf.push(c);
                } else {
                    buf.push_str(match r.xml10_content().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(_) => {
                let Some(local) = path.pop() else { continue };
                let value = buf.trim().to_string();
                let depth = path.len();
                let in_violation = path.last().is_some_and(|p| p == "violation");
                if in_violation {
                    if let Some(v) = viol.as_mut() {
                        match local.as_str() {
                            "code" => v.code = value,
                            "level" => v.level = value,
                            "name" => v.name = value,
                            "description" => v.description = value,
                            _ => {}
                        }
                    }
                } else if local == "violation" {
                    let v = viol.take().unwrap_or_default();
                    match pos.as_mut() {
                        Some(p) if depth == 3 => p.2.push(v),
                        _ => violations.push(v),
                    }
                } else if local == "positionResult" {
                    if let Some((id, outcome, vs, url)) = pos.take() {
                        let outcome = outcome.ok_or_else(|| {
                            fail(
                                line_at(at),
                                format!("у позиции {id} нет result (success или failure)"),
                            )
                        })?;
                        positions.push(PositionResult {
                            ref_position_id: id,
                            result: outcome,
                            violations: vs,
                            url,
                        });
                    }
                } else if let Some(p) = pos.as_mut().filter(|_| depth == 3) {
                    match local.as_str() {
                        "refPositionId" => p.0 = value.to_lowercase(),
                        "result" => {
                            p.1 = Some(Outcome::parse(&value).ok_or_else(|| {
                                fail(
                                    line_at(at),
                                    format!("result «{value}»: ожидается success или failure"),
                                )
                            })?)
                        }
                        "url" => p.3 = Some(value),
                        _ => {}
                    }
                } else if depth == 2 {
                    match local.as_str() {
                        "refId" => ref_id = Some(value.to_lowercase()),
                        "result" => {
                            result = Some(Outcome::parse(&value).ok_or_else(|| {
                                fail(
                                    line_at(at),
                                    format!("result «{value}»: ожидается success или failure"),
                                )
                            })?)
                        }
                        _ => {}
                    }
                }
                buf.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let result = result.ok_or_else(|| {
        fail(
            line_at(text.len()),
            "в протоколе нет body/result (success или failure)".into(),
        )
    })?;
    Ok(Confirmation {
        ref_id,
        result,
        positions,
        violations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_positions_and_violations() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ns2:confirmation xmlns="http://bus.gov.ru/types/1" xmlns:ns2="http://bus.gov.ru/external/1">
  <header><id>11111111-1111-1111-1111-111111111111</id><createDateTime>2026-11-23T10:00:00</createDateTime></header>
  <ns2:body>
    <refId>22222222-2222-2222-2222-222222222222</refId>
    <result>failure</result>
    <positionResult>
      <refPositionId>AAAAAAAA-2222-2222-2222-222222222222</refPositionId>
      <result>failure</result>
      <violation><code>E-17</code><level>error</level><name>Неверный ИНН &amp; КПП</name><description>ИНН не найден в Сводном реестре</description></violation>
    </positionResult>
    <positionResult><refPositionId>bbbbbbbb-2222-2222-2222-222222222222</refPositionId><result>success</result><url>https://bus.gov.ru/x</url></positionResult>
    <violation><code>W1</code><level>warning</level><name>Пакет</name></violation>
  </ns2:body>
</ns2:confirmation>"#;
        let c = parse("r.xml", xml.as_bytes()).unwrap();
        assert_eq!(c.result, Outcome::Failure);
        assert_eq!(
            c.ref_id.as_deref(),
            Some("22222222-2222-2222-2222-222222222222")
        );
        assert_eq!(c.positions.len(), 2);
        assert_eq!(
            c.positions[0].ref_position_id,
            "aaaaaaaa-2222-2222-2222-222222222222"
        );
        assert_eq!(c.positions[0].violations[0].name, "Неверный ИНН & КПП");
        assert_eq!(c.positions[1].url.as_deref(), Some("https://bus.gov.ru/x"));
        assert_eq!(c.violations.len(), 1);
        assert_eq!(c.violations[0].level, "warning");
    }

    #[test]
    fn other_files_are_refused_with_the_line() {
        let e = parse("x.xml", b"<?xml version=\"1.0\"?>\n<nokPlan/>").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("не протокол загрузки"), "{e}");
        let e = parse(
            "x.xml",
            b"<confirmation><body><result>maybe</result></body></confirmation>",
        )
        .unwrap_err();
        assert!(e.to_string().contains("maybe"), "{e}");
    }
}
