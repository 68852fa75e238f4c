//! Each organization's improvement plan on the form of the council's decision (Приложение № 4
//! of seed 002): № п/п, мероприятие, основание (the shortcoming the assessment found), срок,
//! ответственный (ФИО, должность), результат, показатели; rows grouped under their criterion;
//! an approval block for the authority at the top and the head's signature block at the foot.
//! Landscape A4, the header rows repeated on every page.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use rusqlite::Connection;

use super::{Options, PlanScope, Progress, Texts, Written, check_cancel};
use crate::domain::plan::PlanRow;
use crate::exchange::docx::{Align, Cell, Document, Orientation, Para};
use crate::service::methodology::Methods;
use crate::store::export_data::{self, CycleHead, PartyRow, PlanMember};
use crate::store::report_data::{self, PlanApproval};

/// «Фамилия Имя Отчество, должность».
pub fn responsible(r: &PlanRow) -> String {
    let p = &r.responsible;
    let name = [&p.last_name, &p.first_name, &p.middle_name]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim())
        .collect::<Vec<_>>()
        .join(" ");
    match (name.is_empty(), p.position.trim().is_empty()) {
        (false, false) => format!("{name}, {}", p.position.trim()),
        (false, true) => name,
        (true, false) => p.position.trim().to_string(),
        (true, true) => String::new(),
    }
}

/// What every organization's plan of a cycle shares.
struct Common<'a> {
    texts: &'a Texts,
    head: &'a CycleHead,
    criteria: &'a [(String, String)],
}

/// Writes one organization's plan into `doc` (from a new page unless `first`).
fn org_plan(
    doc: &mut Document,
    c: &Common<'_>,
    org: &PartyRow,
    rows: &[PlanRow],
    approval: Option<&PlanApproval>,
    first: bool,
) {
    let (texts, head, criteria) = (c.texts, c.head, c.criteria);
    let t = &texts.plan;
    if !first {
        doc.page_break();
    }
    let authority = approval
        .map(|a| a.approved_by.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or(&head.authority.full_name)
        .to_string();
    let approver = approval
        .map(|a| a.approver.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "_______________".into());
    let year = approval
        .and_then(|a| a.period)
        .unwrap_or(head.year + 1)
        .to_string();
    let fill = |s: &str| {
        super::texts::fill(
            s,
            &[
                ("орган", &authority),
                ("утверждающий", &approver),
                ("организация", &org.full_name),
                ("год_плана", &year),
                ("год", &head.year.to_string()),
            ],
        )
    };
    let lines: Vec<String> = t.approval_lines.iter().map(|l| fill(l)).collect();
    // The approval block at the right third of the landscape page.
    super::block(doc, Some(&t.approval_title), &lines, 160.0);
    doc.para(&Para::empty());
    doc.heading(1, &fill(&t.title));
    doc.para(
        &Para::empty()
            .bold(&org.full_name)
            .align(Align::Center)
            .no_indent(),
    );
    doc.para(&Para::new(&t.org_caption).style("Caption"));
    doc.para(&Para::new(&fill(&t.period)).align(Align::Center).no_indent());
    super::plan_form_start(doc, texts);
    if rows.is_empty() {
        let blank = [Cell::new(""); 7];
        doc.row(&blank);
        doc.row(&blank);
    }
    let mut current: Option<&str> = None;
    for r in rows {
        if current != Some(r.criterion.as_str()) {
            let name = criteria
                .iter()
                .find(|c| c.0 == r.criterion)
                .map(|c| c.1.as_str())
                .unwrap_or("");
            let label = super::texts::fill(
                &t.criterion_row,
                &[("код", &r.criterion), ("критерий", name)],
            );
            let label = label.trim_end_matches([' ', '.']).to_string();
            doc.row(&[Cell::new(&label).bold().span(7).keep_next()]);
            current = Some(r.criterion.as_str());
        }
        let date = super::date_ru(r.planned_date);
        let who = responsible(r);
        doc.row(&[
            Cell::center(&r.number),
            Cell::new(&r.measure),
            Cell::new(&r.shortcoming),
            Cell::center(&date),
            Cell::new(&who),
            Cell::new(&r.expected_result),
            Cell::new(&r.result_indicators),
        ]);
    }
    doc.table_end();
    doc.para(&Para::empty());
    let sig: Vec<String> = t.signature.iter().map(|l| fill(l)).collect();
    super::block(doc, None, &sig, 0.0);
}

fn default_file(opts: &Options, name: &str) -> PathBuf {
    opts.exports_dir.join(name)
}

/// Writes the plans as `opts.plans` says.
pub fn write(
    conn: &Connection,
    methods: &Methods,
    texts: &Texts,
    opts: &Options,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Written> {
    let cycle_id = opts.cycle_id;
    let head = super::head(conn, cycle_id)?;
    let criteria = super::criteria(methods.get(&head.methodology));
    let approvals: HashMap<i64, PlanApproval> = report_data::plan_approvals(conn, cycle_id)?;
    let total = export_data::member_count(conn, cycle_id)?;
    let title = texts.plan.title.clone();
    let common = Common {
        texts,
        head: &head,
        criteria: &criteria,
    };
    match &opts.plans {
        PlanScope::Org(inn) => {
            let found = report_data::member_by_inn(conn, cycle_id, inn.trim())?;
            let (org_id, full_name, kpp) = match found.as_slice() {
                [one] => one.clone(),
                [] => anyhow::bail!(
                    "организации с ИНН {} нет в цикле {cycle_id}; список: карточки цикла в nok или nok export table indicators --cycle {cycle_id}",
                    inn.trim()
                ),
                _ => anyhow::bail!(
                    "в цикле {cycle_id} несколько организаций с ИНН {} (разные КПП); выгрузите все планы: nok report plan --cycle {cycle_id}",
                    inn.trim()
                ),
            };
            let mut rows = Vec::new();
            let mut party = PartyRow {
                full_name,
                inn: inn.trim().to_string(),
                kpp: kpp.clone(),
                ..PartyRow::default()
            };
            export_data::for_each_plan::<anyhow::Error>(conn, cycle_id, |m| {
                if m.org_id == org_id {
                    rows = std::mem::take(&mut m.rows);
                    party = m.org.clone();
                }
                Ok(())
            })?;
            let mut doc = Document::new(&title, Orientation::Landscape);
            org_plan(
                &mut doc,
                &common,
                &party,
                &rows,
                approvals.get(&org_id),
                true,
            );
            let path = opts.out.clone().unwrap_or_else(|| {
                default_file(opts, &format!("plan_cycle{cycle_id}_{}.docx", party.inn))
            });
            super::save(doc, &path, "")?;
            progress(Progress { done: 1, total: 1 });
            Ok(Written {
                files: vec![path],
                organizations: 1,
            })
        }
        PlanScope::OneFile => {
            let mut doc = Document::new(&title, Orientation::Landscape);
            let mut n = 0u64;
            export_data::for_each_plan::<anyhow::Error>(conn, cycle_id, |m: &mut PlanMember| {
                check_cancel(cancel)?;
                org_plan(
                    &mut doc,
                    &common,
                    &m.org,
                    &m.rows,
                    approvals.get(&m.org_id),
                    n == 0,
                );
                n += 1;
                progress(Progress { done: n, total });
                Ok(())
            })?;
            if n == 0 {
                anyhow::bail!(
                    "в цикле {cycle_id} нет строк планов; загрузите планы: nok import plan ФАЙЛ --cycle {cycle_id}"
                );
            }
            let path = opts
                .out
                .clone()
                .unwrap_or_else(|| default_file(opts, &format!("plans_cycle{cycle_id}.docx")));
            super::save(doc, &path, "")?;
            Ok(Written {
                files: vec![path],
                organizations: n,
            })
        }
        PlanScope::FilePerOrg => {
            let dir = opts
                .out
                .clone()
                .unwrap_or_else(|| default_file(opts, &format!("plans_cycle{cycle_id}")));
            let mut files = Vec::new();
            export_data::for_each_plan::<anyhow::Error>(conn, cycle_id, |m: &mut PlanMember| {
                check_cancel(cancel)?;
                let mut doc = Document::new(&title, Orientation::Landscape);
                org_plan(
                    &mut doc,
                    &common,
                    &m.org,
                    &m.rows,
                    approvals.get(&m.org_id),
                    true,
                );
                let path = dir.join(format!("plan_{}_{}.docx", m.org.inn, m.org.kpp));
                if opts.out.is_some() {
                    crate::store::target::check(&path, opts.force)?;
                }
                super::save(doc, &path, "")?;
                files.push(path);
                progress(Progress {
                    done: files.len() as u64,
                    total,
                });
                Ok(())
            })?;
            if files.is_empty() {
                anyhow::bail!(
                    "в цикле {cycle_id} нет строк планов; загрузите планы: nok import plan ФАЙЛ --cycle {cycle_id}"
                );
            }
            let n = files.len() as u64;
            Ok(Written {
                files,
                organizations: n,
            })
        }
    }
}
