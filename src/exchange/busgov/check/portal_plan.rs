//! The rules of the portal's own plan document (ТФФ 1.8.3 `planShortcomingInfoType`), restated
//! from the portal's Types.xsd for the checker: every element in the portal's types namespace, in
//! this order, with these lengths and patterns. Tests hold exported and damaged documents to both
//! this and `xmllint --schema` with the real Types.xsd.

use super::{Content, Elem, Item, MANY, Ns, Simple, el, t0, t1};
use crate::exchange::busgov::portal_plan::{MAX_100, MAX_200, MAX_500, MAX_2000, ROOT};

const S2000: Simple = Simple::Str(1, MAX_2000);
const S500: Simple = Simple::Str(1, MAX_500);
const S200: Simple = Simple::Str(1, MAX_200);
const S100: Simple = Simple::Str(1, MAX_100);
/// xs:int.
const INT: Simple = Simple::Int(i32::MIN as i64, i32::MAX as i64);

fn seq(name: &'static str, items: Vec<Item>, min: u32, max: u32) -> Item {
    el(Ns::Types, name, Content::Seq(items), min, max)
}

/// The element tree of the document, from the root down.
pub(super) fn schema() -> Elem {
    let row = seq(
        "SHORTCOMINGS",
        vec![
            t1("CRITERION_NAME", S2000),
            t1("NAME", S2000),
            t1("ACTIVITY", S2000),
            t1("PLAN_DATE", Simple::Date),
            t1("FIO", S500),
            t1("POSITION", S500),
            t0("FACT_DATE", Simple::Date),
            t0("MEASURES", S2000),
        ],
        0,
        MANY,
    );
    Elem {
        ns: Ns::Types,
        name: ROOT,
        content: Content::Seq(vec![
            t1("RATING_YEAR", INT),
            t1("SOCIAL_COUNCIL", S2000),
            t1("PLAN_PERIOD", INT),
            t1("DESTINATION_ORGANIZATION", S2000),
            t1("SCOPE_ACTIVITY", S2000),
            t1("INN", Simple::Inn10),
            t1("KPP", Simple::Kpp),
            t1("ORGANIZATION_APPROVED", S2000),
            t1("LAST_NAME", S100),
            t1("FIRST_NAME", S100),
            t1("MIDDLE_NAME", S100),
            t1("APPROVE_DATE", Simple::Date),
            t0("DESCRIPTION", S2000),
            seq(
                "GROUPS_SHORTCOMINGS",
                vec![t0("CRITERION_NAME", Simple::Str(0, usize::MAX)), row],
                0,
                MANY,
            ),
            seq(
                "PLAN_SHORTCOMING_DOCUMENTS",
                vec![
                    t0("DOC_NAME", S500),
                    t0("DOC_TYPE", S200),
                    t0("REG_DATE", Simple::Date),
                    t0("DOC_NUM", S200),
                ],
                0,
                MANY,
            ),
        ]),
    }
}
