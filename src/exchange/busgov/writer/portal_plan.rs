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

#[cfg(test)]
mod tests {
    use super::super::super::check::check_packet_str;
    use super::super::super::portal_plan::{Act, Group, Row, problems};
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    /// Text near the schema's limits, with what XML forbids or escapes, or blank.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            100 => "[a-zА-я][a-zА-я <>&'\"]{0,12}",
            1 => Just(String::new()),
            1 => Just(" \u{1}\t".to_string()),
            1 => Just("a]]>b\u{1}\u{b}\r\n\u{7f}\u{85}\u{fffe}c".to_string()),
            1 => prop::sample::select(vec![99usize, 100, 101, 199, 200, 201, 499, 500, 501, 1999, 2000, 2001, 3000])
                .prop_map(|n| "ё".repeat(n)),
            1 => (90usize..110).prop_map(|n| format!("{}\u{1}", "a".repeat(n))),
        ]
    }

    fn date() -> impl Strategy<Value = Option<NaiveDate>> {
        prop_oneof![
            12 => (2015i32..2030, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            1 => Just(None),
        ]
    }

    fn digits(n: usize) -> impl Strategy<Value = String> {
        prop_oneof![
            20 => proptest::string::string_regex(&format!("[0-9]{{{n}}}")).unwrap(),
            1 => Just("47101564191".to_string()),
            1 => Just(" 4710156419".to_string()),
        ]
    }

    fn row() -> impl Strategy<Value = Row> {
        (
            (text(), text(), text(), date()),
            (text(), text(), date(), text()),
        )
            .prop_map(
                |(
                    (criterion_name, name, activity, plan_date),
                    (fio, position, fact_date, measures),
                )| Row {
                    criterion_name,
                    name,
                    activity,
                    plan_date,
                    fio,
                    position,
                    fact_date,
                    measures,
                    number: "1".into(),
                },
            )
    }

    fn doc() -> impl Strategy<Value = PortalPlan> {
        (
            (
                prop_oneof![10 => Just(2025), 1 => Just(2012), 1 => Just(2101)],
                text(),
                prop_oneof![10 => Just(Some(2026)), 1 => Just(None)],
                text(),
                text(),
                digits(10),
                digits(9),
            ),
            (text(), text(), text(), text(), date(), text()),
            prop::collection::vec((text(), prop::collection::vec(row(), 1..3)), 1..3),
            prop::collection::vec((text(), text(), date(), text()), 0..2),
        )
            .prop_map(|(a, b, groups, acts)| PortalPlan {
                rating_year: a.0,
                social_council: a.1,
                plan_period: a.2,
                destination_organization: a.3,
                scope_activity: a.4,
                inn: a.5,
                kpp: a.6,
                organization_approved: b.0,
                last_name: b.1,
                first_name: b.2,
                middle_name: b.3,
                approve_date: b.4,
                description: b.5,
                groups: groups
                    .into_iter()
                    .map(|(criterion_name, rows)| Group {
                        criterion_name,
                        rows,
                    })
                    .collect(),
                documents: acts
                    .into_iter()
                    .map(|(name, kind, date, number)| Act {
                        name,
                        kind,
                        date,
                        number,
                    })
                    .collect(),
            })
    }

    #[test]
    fn hostile_but_short_text_is_written_valid() {
        let nasty = "Пандус ]]> <b>&amp;</b>\u{1}\u{b}\r\n\u{7f}";
        let row = Row {
            criterion_name: "Доступность услуг для инвалидов".into(),
            name: nasty.into(),
            activity: nasty.into(),
            plan_date: NaiveDate::from_ymd_opt(2026, 3, 1),
            fio: "Иванова Анна Петровна".into(),
            position: "директор".into(),
            fact_date: None,
            measures: String::new(),
            number: "1".into(),
        };
        let d = PortalPlan {
            rating_year: 2025,
            social_council: nasty.into(),
            plan_period: Some(2026),
            destination_organization: "ГБУ".into(),
            scope_activity: "культура".into(),
            inn: "4710156419".into(),
            kpp: "471001001".into(),
            organization_approved: "ГБУ".into(),
            last_name: "Иванова".into(),
            first_name: "Анна".into(),
            middle_name: "Петровна".into(),
            approve_date: NaiveDate::from_ymd_opt(2026, 1, 15),
            description: String::new(),
            groups: vec![Group {
                criterion_name: row.criterion_name.clone(),
                rows: vec![row],
            }],
            documents: vec![Act::default()],
        };
        assert_eq!(problems(&d), Vec::<String>::new());
        let mut buf = String::new();
        let w = write(&mut buf, &d);
        assert!(!w.suspect);
        let report = check_packet_str(&buf);
        assert_eq!(report.errors(), 0, "{:?}", report.violations);
        assert!(
            buf.contains("<NAME>Пандус ]]&gt; &lt;b&gt;&amp;amp;&lt;/b&gt;&#13;\n</NAME>"),
            "{buf}"
        );
        // An empty act is written as an empty element (all its parts are optional).
        assert!(
            buf.contains("<PLAN_SHORTCOMING_DOCUMENTS>\n  </PLAN_SHORTCOMING_DOCUMENTS>"),
            "{buf}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// A document the export lets through (no problems named) is one the full checker finds
        /// no error in, and the writer does not doubt it; a document the writer does not doubt
        /// passes the checker too. Never written invalid.
        #[test]
        fn what_passes_the_problems_is_valid(d in doc()) {
            let mut buf = String::new();
            let written = write(&mut buf, &d);
            let report = check_packet_str(&buf);
            let refused = problems(&d);
            if refused.is_empty() {
                prop_assert_eq!(report.errors(), 0, "{:?}\n{}", report.violations, buf);
                prop_assert!(!written.suspect, "{}", buf);
            }
            if !written.suspect {
                prop_assert_eq!(report.errors(), 0, "{:?}\n{}", report.violations, buf);
            }
            // Whatever was written is well-formed XML without a forbidden character.
            prop_assert!(!report.violations.iter().any(|v| v.code == "XML-01" || v.code == "VAL-07"), "{:?}", report.violations);
        }
    }
}
