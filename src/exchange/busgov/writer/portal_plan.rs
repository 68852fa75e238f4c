//! Writes the portal's own plan document (ТФФ 1.8.3 `planShortcomingInfoType`): the root in the
//! portal's types namespace as the default namespace, its elements in the schema's order, no
//! envelope. Values are held to the schema's types as they are written, as for the packets; the
//! whole document is its content (it has no ids or dates of its own), so exporting the same data
//! twice gives the same bytes.

use super::super::TYPES_NS;
use super::super::check::{Simple, value_ok};
use super::super::portal_plan::{MAX_100, MAX_200, MAX_500, MAX_2000, PortalPlan, ROOT};
use super::{Written, Xml, blank, content_hash};

const S2000: Simple = Simple::Str(1, MAX_2000);
const S500: Simple = Simple::Str(1, MAX_500);
const S200: Simple = Simple::Str(1, MAX_200);
const S100: Simple = Simple::Str(1, MAX_100);
const XS_INT: Simple = Simple::Int(i32::MIN as i64, i32::MAX as i64);

/// Writes the document into `buf` (cleared first). A required value missing or out of its limits
/// marks it suspect (the export refuses such documents before they get here: see
/// [`super::super::portal_plan::problems`]).
pub(super) fn write(buf: &mut String, d: &PortalPlan) -> Written {
    buf.clear();
    buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
    buf.push_str(ROOT);
    buf.push_str(" xmlns=\"");
    buf.push_str(TYPES_NS);
    buf.push_str("\">");
    let from = buf.len();
    let mut x = Xml {
        out: buf,
        depth: 1,
        line_break: true,
        suspect: false,
    };
    x.int("RATING_YEAR", d.rating_year, XS_INT);
    x.leaf("SOCIAL_COUNCIL", &d.social_council, S2000);
    match d.plan_period {
        Some(p) => x.int("PLAN_PERIOD", p, XS_INT),
        None => x.require(false),
    }
    x.leaf(
        "DESTINATION_ORGANIZATION",
        &d.destination_organization,
        S2000,
    );
    x.leaf("SCOPE_ACTIVITY", &d.scope_activity, S2000);
    x.leaf("INN", &d.inn, Simple::Inn10);
    x.leaf("KPP", &d.kpp, Simple::Kpp);
    x.leaf("ORGANIZATION_APPROVED", &d.organization_approved, S2000);
    x.leaf("LAST_NAME", &d.last_name, S100);
    x.leaf("FIRST_NAME", &d.first_name, S100);
    x.leaf("MIDDLE_NAME", &d.middle_name, S100);
    match d.approve_date {
        Some(date) => x.date("APPROVE_DATE", date),
        None => x.require(false),
    }
    x.opt("DESCRIPTION", &d.description, S2000);
    for g in &d.groups {
        x.open("GROUPS_SHORTCOMINGS");
        if !blank(&g.criterion_name) {
            x.leaf(
                "CRITERION_NAME",
                &g.criterion_name,
                Simple::Str(0, usize::MAX),
            );
        }
        for r in &g.rows {
            x.open("SHORTCOMINGS");
            x.leaf("CRITERION_NAME", &r.criterion_name, S2000);
            x.leaf("NAME", &r.name, S2000);
            x.leaf("ACTIVITY", &r.activity, S2000);
            match r.plan_date {
                Some(date) => x.date("PLAN_DATE", date),
                None => x.require(false),
            }
            x.leaf("FIO", &r.fio, S500);
            x.leaf("POSITION", &r.position, S500);
            if let Some(date) = r.fact_date {
                x.date("FACT_DATE", date);
            }
            x.opt("MEASURES", &r.measures, S2000);
            x.close("SHORTCOMINGS");
        }
        x.close("GROUPS_SHORTCOMINGS");
    }
    for a in &d.documents {
        x.open("PLAN_SHORTCOMING_DOCUMENTS");
        x.opt("DOC_NAME", &a.name, S500);
        x.opt("DOC_TYPE", &a.kind, S200);
        if let Some(date) = a.date {
            x.date("REG_DATE", date);
        }
        x.opt("DOC_NUM", &a.number, S200);
        x.close("PLAN_SHORTCOMING_DOCUMENTS");
    }
    // Strings the schema holds to a length but XML would collapse nothing of: a value of only
    // white space passes the schema, but the portal would show an empty field.
    for v in [
        &d.social_council,
        &d.destination_organization,
        &d.organization_approved,
        &d.last_name,
        &d.first_name,
        &d.middle_name,
    ] {
        if blank(v) {
            x.suspect = true;
        }
    }
    if !value_ok(Simple::Int(2013, 2100), &d.rating_year.to_string()) {
        x.suspect = true;
    }
    let suspect = x.suspect;
    x.depth = 0;
    x.new_line();
    x.out.push_str("</");
    x.out.push_str(ROOT);
    x.out.push_str(">\n");
    let to = buf.len();
    let content = [from..to, to..to];
    Written {
        content_hash: content_hash(super::super::Kind::PortalPlan.code(), buf, &content),
        content,
        suspect,
    }
}
