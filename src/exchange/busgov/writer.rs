//! Writes one packet (one organization, one document) as XML with quick-xml: the portal's
//! envelope in the default namespace ([`TYPES_NS`]), the root, `body`, `position` and the
//! document's own elements under the prefix `ns2` ([`NOK_NS`]).
//!
//! A packet is a few kilobytes; it is written into a reused buffer and from there to the file, so
//! memory does not grow with the package.

use std::io;

use chrono::NaiveDate;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use sha2::{Digest, Sha256};

use super::model::{Document, Envelope, Party, PlanDoc, ReportDoc, ResultsDoc};
use super::{NOK_NS, TYPES_NS, clean, decimal, hex};

struct Xml<'a> {
    w: Writer<&'a mut Vec<u8>>,
}

impl Xml<'_> {
    fn len(&self) -> usize {
        self.w.get_ref().len()
    }

    fn open(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::Start(BytesStart::new(name)))
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    /// `<name>text</name>`, text cleaned of characters XML forbids and escaped.
    fn leaf(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.open(name)?;
        self.w
            .write_event(Event::Text(BytesText::new(&clean(text))))?;
        self.close(name)
    }

    /// The element only when the text has something besides spaces.
    fn opt(&mut self, name: &str, text: &str) -> io::Result<()> {
        if clean(text).trim().is_empty() {
            return Ok(());
        }
        self.leaf(name, text)
    }

    fn date(&mut self, name: &str, d: NaiveDate) -> io::Result<()> {
        self.leaf(name, &d.format("%Y-%m-%d").to_string())
    }

    fn num(&mut self, name: &str, x: f64) -> io::Result<()> {
        self.leaf(name, &decimal(x))
    }

    fn int(&mut self, name: &str, n: impl std::fmt::Display) -> io::Result<()> {
        self.leaf(name, &n.to_string())
    }

    fn party(&mut self, name: &str, p: &Party) -> io::Result<()> {
        self.open(name)?;
        self.leaf("regNum", &p.reg_num)?;
        self.opt("fullName", &p.full_name)?;
        self.opt("inn", &p.inn)?;
        self.opt("kpp", &p.kpp)?;
        self.close(name)
    }
}

/// Writes the packet into `buf` (cleared first) and returns the SHA-256 (hex) of its content:
/// the placer, the initiator and the document's own elements — everything that does not change
/// from one export to the next when the data have not changed (not the ids, dates or version).
pub fn write_packet(
    buf: &mut Vec<u8>,
    env: &Envelope,
    placer: &Party,
    initiator: &Party,
    doc: &Document,
) -> io::Result<String> {
    buf.clear();
    let root = format!("ns2:{}", doc.kind().root());
    let mut x = Xml {
        w: Writer::new_with_indent(buf, b' ', 2),
    };
    x.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut start = BytesStart::new(root.as_str());
    start.push_attribute(("xmlns", TYPES_NS));
    start.push_attribute(("xmlns:ns2", NOK_NS));
    x.w.write_event(Event::Start(start))?;
    x.open("header")?;
    x.leaf("id", &env.packet_id)?;
    x.leaf("createDateTime", &env.created)?;
    x.close("header")?;
    x.open("ns2:body")?;
    x.open("ns2:position")?;
    x.leaf("positionId", &env.position_id)?;
    x.leaf("changeDate", &env.change_date)?;
    let parties_from = x.len();
    x.party("placer", placer)?;
    x.party("initiator", initiator)?;
    let parties_to = x.len();
    x.int("versionNumber", env.version)?;
    let own_from = x.len();
    match doc {
        Document::Results(d) => results(&mut x, d)?,
        Document::Plan(d) => plan(&mut x, d)?,
        Document::Report(d) => report(&mut x, d)?,
    }
    let own_to = x.len();
    x.close("ns2:position")?;
    x.close("ns2:body")?;
    x.close(&root)?;
    x.w.get_mut().push(b'\n');
    let mut h = Sha256::new();
    h.update(doc.kind().code().as_bytes());
    h.update(&buf[parties_from..parties_to]);
    h.update(&buf[own_from..own_to]);
    Ok(hex(&h.finalize()))
}

fn results(x: &mut Xml<'_>, d: &ResultsDoc) -> io::Result<()> {
    x.int("ns2:year", d.cycle.year)?;
    x.leaf("ns2:sector", &d.cycle.sector)?;
    x.leaf("ns2:methodology", &d.methodology)?;
    x.opt("ns2:group", &d.group)?;
    x.int("ns2:respondents", d.respondents)?;
    for c in &d.criteria {
        x.open("ns2:criterion")?;
        x.leaf("ns2:code", &c.code)?;
        x.opt("ns2:name", &c.name)?;
        x.num("ns2:value", c.value)?;
        if let Some(p) = c.place {
            x.int("ns2:place", p)?;
        }
        for i in &c.indicators {
            x.open("ns2:indicator")?;
            x.leaf("ns2:code", &i.code)?;
            x.opt("ns2:name", &i.name)?;
            x.num("ns2:value", i.value)?;
            for input in &i.inputs {
                x.open("ns2:input")?;
                x.leaf("ns2:key", &input.key)?;
                x.num("ns2:value", input.value)?;
                x.close("ns2:input")?;
            }
            x.close("ns2:indicator")?;
        }
        x.close("ns2:criterion")?;
    }
    x.num("ns2:total", d.total)?;
    x.open("ns2:rating")?;
    x.int("ns2:place", d.rating.place)?;
    x.int("ns2:ranked", d.rating.ranked)?;
    x.int("ns2:groupPlace", d.rating.group_place)?;
    x.int("ns2:groupRanked", d.rating.group_ranked)?;
    x.close("ns2:rating")?;
    for s in &d.shortcomings {
        x.open("ns2:shortcoming")?;
        x.leaf("ns2:criterion", &s.criterion)?;
        if let Some(i) = &s.indicator {
            x.opt("ns2:indicator", i)?;
        }
        x.leaf("ns2:text", &s.text)?;
        x.close("ns2:shortcoming")?;
    }
    if let Some(op) = &d.operator {
        x.open("ns2:operator")?;
        x.leaf("ns2:name", &op.name)?;
        x.leaf("ns2:inn", &op.inn)?;
        x.opt("ns2:contractNumber", &op.contract_number)?;
        if let Some(date) = op.contract_date {
            x.date("ns2:contractDate", date)?;
        }
        x.close("ns2:operator")?;
    }
    if let Some((number, date)) = &d.approval {
        x.open("ns2:approval")?;
        x.leaf("ns2:protocolNumber", number)?;
        x.date("ns2:protocolDate", *date)?;
        x.close("ns2:approval")?;
    }
    for doc in &d.documents {
        x.open("ns2:document")?;
        x.leaf("name", &doc.name)?;
        x.date("date", doc.date)?;
        x.leaf("url", &doc.url)?;
        x.close("ns2:document")?;
    }
    Ok(())
}

fn plan(x: &mut Xml<'_>, d: &PlanDoc) -> io::Result<()> {
    x.int("ns2:year", d.cycle.year)?;
    x.leaf("ns2:sector", &d.cycle.sector)?;
    for s in &d.sections {
        x.open("ns2:section")?;
        x.leaf("ns2:criterion", &s.criterion)?;
        x.opt("ns2:name", &s.name)?;
        for r in &s.rows {
            x.open("ns2:row")?;
            x.leaf("ns2:number", &r.number)?;
            x.opt("ns2:shortcoming", &r.shortcoming)?;
            x.leaf("ns2:measure", &r.measure)?;
            x.date("ns2:plannedDate", r.planned_date)?;
            let p = &r.responsible;
            if !clean(&p.last_name).trim().is_empty() {
                x.open("ns2:responsible")?;
                x.leaf("ns2:lastName", &p.last_name)?;
                x.opt("ns2:firstName", &p.first_name)?;
                x.opt("ns2:middleName", &p.middle_name)?;
                x.opt("ns2:position", &p.position)?;
                x.close("ns2:responsible")?;
            }
            x.opt("ns2:expectedResult", &r.expected_result)?;
            x.opt("ns2:resultIndicators", &r.result_indicators)?;
            x.close("ns2:row")?;
        }
        x.close("ns2:section")?;
    }
    Ok(())
}

fn report(x: &mut Xml<'_>, d: &ReportDoc) -> io::Result<()> {
    x.int("ns2:year", d.cycle.year)?;
    x.leaf("ns2:sector", &d.cycle.sector)?;
    for r in &d.rows {
        x.open("ns2:row")?;
        x.leaf("ns2:number", &r.number)?;
        x.opt("ns2:implementedMeasures", &r.implemented_measures)?;
        if let Some(date) = r.actual_date {
            x.date("ns2:actualDate", date)?;
        }
        x.leaf("ns2:status", r.status.code())?;
        x.opt("ns2:cancelReason", &r.cancel_reason)?;
        x.close("ns2:row")?;
    }
    Ok(())
}
