//! The public council's decision on the assessment's results, shaped like seed 002: the decision
//! text (a region's own, from the texts file) with the meeting's protocol and decisions, then
//! the annexes — 1: the ratings by group; 2: the criteria of every organization (landscape);
//! 3: the proposals to improve; 4: the form of the improvement plan.

use std::sync::atomic::AtomicBool;

use rusqlite::Connection;

use super::{Progress, Texts, Vars, check_cancel, date_ru};
use crate::exchange::docx::{Align, Cell, Document, Orientation, Para};
use crate::service::methodology::Methods;
use crate::store::report_data;

/// Builds the decision; returns it with the number of organizations of the cycle.
pub fn build(
    conn: &Connection,
    methods: &Methods,
    texts: &Texts,
    cycle_id: i64,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<(Document, u64)> {
    let t = &texts.council;
    let head = super::head(conn, cycle_id)?;
    let method = methods.get(&head.methodology);
    let criteria = super::criteria(method);
    let members = crate::store::export_data::member_count(conn, cycle_id)?;
    progress(Progress { done: 0, total: 3 });
    let meeting = report_data::council_meeting(conn, cycle_id)?;
    let protocol = match (
        &meeting,
        &head.council_protocol_number,
        head.council_protocol_date,
    ) {
        (Some(m), _, _) => format!("№ {} от {}", m.protocol_number, date_ru(m.date)),
        (None, Some(n), Some(d)) => format!("№ {n} от {}", date_ru(d)),
        (None, Some(n), None) => format!("№ {n}"),
        _ => "№ _____ от «___» ____________ 20___ г.".to_string(),
    };
    let vars = Vars::new(texts, &head, method, members, protocol);
    let rating = super::rating(conn, cycle_id, &criteria)?;
    let title = vars.fill(&t.title);
    let mut doc = Document::new(&title, Orientation::Portrait);
    doc.para(&Para::new(&head.authority.full_name).style("Title"));
    doc.heading(1, &title);
    doc.para(
        &Para::new(&vars.fill(&t.protocol))
            .align(Align::Center)
            .no_indent(),
    );
    doc.para(&Para::empty());
    for p in &t.text {
        doc.para(&Para::new(&vars.fill(p)));
    }
    if let Some(m) = &meeting
        && !m.decisions.trim().is_empty()
    {
        doc.heading(2, &t.decisions_heading);
        for line in m.decisions.lines().filter(|l| !l.trim().is_empty()) {
            doc.para(&Para::new(line));
        }
    }
    doc.para(&Para::empty());
    let sig: Vec<String> = t.signature.iter().map(|l| vars.fill(l)).collect();
    super::block(&mut doc, None, &sig, 0.0);
    progress(Progress { done: 1, total: 3 });

    // Annex 1: ratings.
    check_cancel(cancel)?;
    doc.heading_on_new_page(1, &vars.fill(&t.annex_ratings));
    if rating.is_empty() {
        doc.para(&Para::new(
            "Итоговые показатели не рассчитаны: nok score --cycle ID.",
        ));
    }
    super::ratings_by_group(&mut doc, &rating);

    // Annex 2: values of the criteria, landscape.
    check_cancel(cancel)?;
    doc.section(Orientation::Landscape);
    doc.heading(1, &vars.fill(&t.annex_values));
    let legend: Vec<String> = criteria
        .iter()
        .filter(|(_, n)| !n.is_empty())
        .map(|(c, n)| format!("{c} — {n}"))
        .collect();
    if !legend.is_empty() {
        doc.para(&Para::new(&format!("{}.", legend.join("; "))));
    }
    super::results_table(&mut doc, &rating, &criteria);
    progress(Progress { done: 2, total: 3 });

    // Annex 3: proposals (the region's text).
    doc.section(Orientation::Portrait);
    doc.heading(1, &vars.fill(&t.annex_proposals));
    for p in &t.proposals {
        doc.para(&Para::new(&vars.fill(p)));
    }

    // Annex 4: the plan form, empty.
    doc.section(Orientation::Landscape);
    doc.heading(1, &vars.fill(&t.annex_plan_form));
    doc.heading(2, &texts.plan.title);
    doc.para(
        &Para::new("____________________________________________")
            .align(Align::Center)
            .no_indent(),
    );
    doc.para(&Para::new(&texts.plan.org_caption).style("Caption"));
    super::plan_form_start(&mut doc, texts);
    let blank = [Cell::new(""); 7];
    doc.row(&blank);
    doc.row(&blank);
    doc.table_end();
    progress(Progress { done: 3, total: 3 });
    Ok((doc, members))
}
