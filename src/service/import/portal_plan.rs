//! `nok import plan` of the portal's own plan documents (ТФФ 1.8.3 `planShortcomingInfoType`):
//! one XML, a folder of them or a zip, as organizations send them to their authority.
//!
//! Each document's organization is the member of the cycle with its ИНН and КПП; RATING_YEAR
//! must be the cycle's year. Its rows are matched with the organization's plan rows by
//! criterion, shortcoming and measure (texts compared without surrounding spaces): a matched row
//! gets the document's planned date, responsible person and execution where they differ, a row
//! the plan does not have is added (numbered next in its criterion's section); rows the document
//! does not name are left as they are. The plan header (council, period, approver, approval date,
//! control, acts) is set from the document. What the document reports of a row's execution is
//! read back as the export writes it: FACT_DATE and MEASURES — done; MEASURES alone — in
//! progress, or cancelled when it reads «Мероприятие отменено: причина»; neither — planned.
//! Comparisons are made on what the document would say, so importing a file exported from the
//! same data changes nothing.

use std::path::Path;

use anyhow::Context;
use rusqlite::Connection;

use super::{Change, Preview, Progress, Rejection, Writer};
use crate::domain::methodology::Methodology;
use crate::domain::plan::{PlanRow, PlanStatus};
use crate::exchange::busgov::clean;
use crate::exchange::busgov::portal_plan::{
    self, Execution, Found, PortalPlan, execution, execution_of, fio, split_fio,
};
use crate::service::methodology::Methods;
use crate::store::audit::Action;
use crate::store::bulk::BulkWriter;
use crate::store::edit::Author;
use crate::store::plan_header::{self, Act, Header};
use crate::store::portal_import::{self, Row};

/// Whether the file, folder or zip holds the portal's plan documents (then this reader, not the
/// table readers, takes it).
pub fn is_source(path: &Path) -> bool {
    portal_plan::is_source(path)
}

/// The documents read from a file, folder or zip.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub shown: String,
    pub found: Vec<Found>,
    /// XML files that are not the portal's plan (left out).
    pub other: Vec<String>,
}

impl Source {
    /// Refuses the documents of organizations other than the one with this ИНН (`--org`).
    pub fn keep_only_inn(&mut self, inn: &str) {
        for f in &mut self.found {
            if let Ok(d) = &f.doc
                && d.inn.trim() != inn
            {
                f.doc = Err(portal_plan::ReadError(format!(
                    "документ организации с ИНН {}, а загружается только --org {inn}",
                    d.inn.trim()
                )));
            }
        }
    }
}

pub fn read(path: &Path) -> anyhow::Result<Source> {
    let (found, other) = portal_plan::read_path(path)?;
    if found.is_empty() {
        anyhow::bail!(
            "в {} нет документов {} (план по устранению недостатков в формате портала)",
            path.display(),
            portal_plan::ROOT
        );
    }
    Ok(Source {
        shown: path.display().to_string(),
        found,
        other,
    })
}

/// Checks the documents against the database without changing anything.
pub fn dry_run(
    conn: &mut Connection,
    src: &Source,
    cycle_id: i64,
    methods: &Methods,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut go = || -> anyhow::Result<Preview> {
        let tx = conn.transaction()?;
        let preview = run(&tx, src, cycle_id, methods, false, progress)?;
        tx.rollback()?;
        Ok(preview)
    };
    go().map_err(super::sqlite_ru)
}

/// Imports the documents in one transaction; with a rejected document or row nothing is
/// written unless `skip_rejected`.
pub fn apply(
    conn: &mut Connection,
    src: &Source,
    cycle_id: i64,
    methods: &Methods,
    skip_rejected: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut go = || -> anyhow::Result<Preview> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let preview = run(&tx, src, cycle_id, methods, true, progress)?;
        super::finish(tx, preview, skip_rejected)
    };
    go().map_err(super::sqlite_ru)
}

/// Text for comparing: words separated by one space, lowercase, no final dot.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_lowercase()
}

/// The criterion code (`К1`…) of a name in words, by the cycle's method.
fn criterion_code(method: Option<&Methodology>, name: &str) -> Option<String> {
    let n = norm(name);
    method?
        .criteria
        .iter()
        .find(|c| norm(&c.name) == n || norm(&c.code) == n)
        .map(|c| c.code.clone())
}

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_default()
}

fn run(
    conn: &Connection,
    src: &Source,
    cycle_id: i64,
    methods: &Methods,
    write: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let (year, authority, methodology) = portal_import::cycle_year_authority(conn, cycle_id)?
        .with_context(|| format!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    let method = methods.get(&methodology);
    let default_council = plan_header::council_of(&authority);
    let mut preview = Preview {
        source: src.shown.clone(),
        format: format!(
            "документы {} (ТФФ 1.8.3), файлов: {}",
            portal_plan::ROOT,
            src.found.len()
        ),
        kind: "план по устранению недостатков (формат портала)".into(),
        ..Preview::default()
    };
    for name in &src.other {
        preview
            .notes
            .push(format!("{name}: не план в формате портала — пропущен"));
    }
    let w = Writer::new(conn, write, false);
    let total = src.found.len() as u64;
    for (i, f) in src.found.iter().enumerate() {
        progress(Progress::Checking {
            done: i as u64,
            total,
        });
        let reject = |preview: &mut Preview, column: &str, reason: String| {
            preview.reject_row(Rejection {
                file: f.name.clone(),
                line: 0,
                column: column.to_string(),
                reason,
            });
        };
        let doc = match &f.doc {
            Ok(d) => d,
            Err(e) => {
                reject(&mut preview, "", e.0.clone());
                continue;
            }
        };
        if doc.rating_year != year {
            reject(
                &mut preview,
                "RATING_YEAR",
                format!(
                    "документ об оценке {} года, а цикл {cycle_id} — {year} года: укажите цикл этого года (nok cycles)",
                    doc.rating_year
                ),
            );
            continue;
        }
        let Some((org_id, org_name)) =
            portal_import::member_by_inn_kpp(conn, cycle_id, doc.inn.trim(), doc.kpp.trim())?
        else {
            reject(
                &mut preview,
                "INN",
                format!(
                    "организации с ИНН {} и КПП {} нет в цикле {cycle_id}: проверьте реквизиты или включите ее в цикл",
                    doc.inn, doc.kpp
                ),
            );
            continue;
        };
        document(
            &w,
            &mut preview,
            f,
            doc,
            cycle_id,
            org_id,
            &org_name,
            method,
            &default_council,
        )?;
    }
    progress(Progress::Checking { done: total, total });
    Ok(preview)
}

/// The header the document gives.
fn header_of(doc: &PortalPlan, default_council: &str) -> Header {
    let council = doc.social_council.trim();
    Header {
        // The default council stays the default (it follows the authority's name).
        social_council: if council == default_council {
            String::new()
        } else {
            council.to_string()
        },
        plan_period: doc.plan_period,
        approved_by: doc.organization_approved.trim().to_string(),
        approver_last_name: doc.last_name.trim().to_string(),
        approver_first_name: doc.first_name.trim().to_string(),
        approver_middle_name: doc.middle_name.trim().to_string(),
        approved_on: doc.approve_date,
        control: doc.description.trim().to_string(),
        acts: doc
            .documents
            .iter()
            .map(|a| Act {
                name: a.name.trim().to_string(),
                kind: a.kind.trim().to_string(),
                date: a.date,
                number: a.number.trim().to_string(),
            })
            .filter(|a| !a.is_empty())
            .collect(),
    }
}

fn header_changes(old: &Header, new: &Header) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut field = |name: &str, o: String, n: String| {
        if o != n {
            out.push((name.to_string(), o, n));
        }
    };
    field(
        "общественный совет",
        old.social_council.clone(),
        new.social_council.clone(),
    );
    field(
        "период плана",
        old.plan_period.map(|y| y.to_string()).unwrap_or_default(),
        new.plan_period.map(|y| y.to_string()).unwrap_or_default(),
    );
    field(
        "утвердившая организация",
        old.approved_by.clone(),
        new.approved_by.clone(),
    );
    field(
        "утвердил (ФИО)",
        format!(
            "{} {} {}",
            old.approver_last_name, old.approver_first_name, old.approver_middle_name
        )
        .trim()
        .to_string(),
        format!(
            "{} {} {}",
            new.approver_last_name, new.approver_first_name, new.approver_middle_name
        )
        .trim()
        .to_string(),
    );
    field(
        "дата утверждения",
        date_text(old.approved_on),
        date_text(new.approved_on),
    );
    field(
        "контроль исполнения",
        old.control.clone(),
        new.control.clone(),
    );
    let acts = |a: &[Act]| a.iter().map(Act::describe).collect::<Vec<_>>().join("; ");
    field("акты об утверждении", acts(&old.acts), acts(&new.acts));
    out
}

/// What a stored row says in the document: (FIO, position, FACT_DATE, MEASURES).
fn as_in_document(r: &Row) -> (String, String, Option<chrono::NaiveDate>, String) {
    let (fact, measures) = execution(
        r.status,
        &r.implemented_measures,
        r.actual_date,
        r.cancel_reason.as_deref(),
    );
    (
        fio(&r.responsible),
        r.responsible.position.trim().to_string(),
        fact,
        measures,
    )
}

/// Sets a row's execution as the document reports it.
fn set_execution(r: &mut Row, e: &Execution) {
    match e {
        Execution::None => {
            r.status = PlanStatus::Planned;
            r.actual_date = None;
            r.cancel_reason = None;
        }
        Execution::InProgress(m) => {
            r.status = PlanStatus::InProgress;
            r.implemented_measures = m.clone();
            r.actual_date = None;
            r.cancel_reason = None;
        }
        Execution::Done(d, m) => {
            r.status = PlanStatus::Done;
            r.implemented_measures = m.clone();
            r.actual_date = Some(*d);
            r.cancel_reason = None;
        }
        Execution::Cancelled(reason) => {
            r.status = PlanStatus::Cancelled;
            r.actual_date = None;
            r.cancel_reason = Some(reason.clone());
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn document(
    w: &Writer<'_>,
    preview: &mut Preview,
    f: &Found,
    doc: &PortalPlan,
    cycle_id: i64,
    org_id: i64,
    org_name: &str,
    method: Option<&Methodology>,
    default_council: &str,
) -> anyhow::Result<()> {
    let conn = w.conn;
    let file = &f.name;
    let mut rejected = false;
    let mut reject = |preview: &mut Preview, column: &str, reason: String| {
        rejected = true;
        preview.reject_row(Rejection {
            file: file.clone(),
            line: 0,
            column: column.to_string(),
            reason,
        });
    };
    // The rows first: a document with a row that cannot be taken changes nothing.
    struct Planned {
        criterion: String,
        row: portal_plan::Row,
        execution: Execution,
    }
    let mut planned = Vec::new();
    for g in &doc.groups {
        for r in &g.rows {
            let name = if r.criterion_name.trim().is_empty() {
                &g.criterion_name
            } else {
                &r.criterion_name
            };
            let Some(criterion) = criterion_code(method, name) else {
                reject(
                    preview,
                    "CRITERION_NAME",
                    format!(
                        "строка {}: критерий «{}» не найден в методике цикла (нужно наименование критерия словами)",
                        r.number,
                        name.trim()
                    ),
                );
                continue;
            };
            if r.activity.trim().is_empty() {
                reject(
                    preview,
                    "ACTIVITY",
                    format!("строка {}: не указано мероприятие", r.number),
                );
                continue;
            }
            if r.plan_date.is_none() {
                reject(
                    preview,
                    "PLAN_DATE",
                    format!("строка {}: не указан плановый срок", r.number),
                );
                continue;
            }
            match execution_of(r.fact_date, &r.measures) {
                Ok(execution) => planned.push(Planned {
                    criterion,
                    row: r.clone(),
                    execution,
                }),
                Err(why) => reject(preview, "FACT_DATE", format!("строка {}: {why}", r.number)),
            }
        }
    }
    if rejected {
        return Ok(());
    }
    // The header.
    let Some(stored) = plan_header::get(conn, cycle_id, org_id)? else {
        return Ok(());
    };
    let new_header = header_of(doc, default_council);
    let fields = header_changes(&stored.header, &new_header);
    if fields.is_empty() {
        preview.unchanged += 1;
    } else {
        if w.apply {
            plan_header::save_in(
                conn,
                cycle_id,
                org_id,
                stored.version,
                &new_header,
                Author {
                    os_user: &w.user,
                    at: &w.at,
                },
                "импорт",
            )?;
        }
        let change = Change {
            line: 0,
            what: format!("{file}: заголовок плана — {org_name}"),
            fields,
        };
        if stored.version == 0 && stored.header.approved_on.is_none() {
            preview.plan(super::Planned::Add(change));
        } else {
            preview.plan(super::Planned::Update(change));
        }
    }
    // The rows.
    let mut rows = portal_import::rows(conn, cycle_id, org_id)?;
    let mut used = vec![false; rows.len()];
    let mut bulk = BulkWriter::new(conn);
    for p in planned {
        let r = &p.row;
        // Texts as a document carries them: without what XML forbids (a stored text with a
        // control character still matches the row it was exported from).
        let key = (
            p.criterion.as_str(),
            clean(&r.name).trim().to_string(),
            clean(&r.activity).trim().to_string(),
        );
        let at = rows.iter().enumerate().position(|(i, s)| {
            !used[i]
                && s.criterion == key.0
                && clean(&s.shortcoming).trim() == key.1
                && clean(&s.measure).trim() == key.2
        });
        let Some(plan_date) = r.plan_date else {
            continue;
        };
        match at {
            Some(i) => {
                used[i] = true;
                let old = rows[i].clone();
                let before = as_in_document(&old);
                let mut new = old.clone();
                new.planned_date = plan_date;
                let after_fio = fio(&split_fio(&r.fio, &r.position));
                if before.0 != after_fio || before.1 != r.position.trim() {
                    new.responsible = split_fio(&r.fio, &r.position);
                }
                let doc_execution = (r.fact_date, r.measures.trim().to_string());
                if (before.2, before.3.clone()) != doc_execution {
                    set_execution(&mut new, &p.execution);
                }
                let mut fields = Vec::new();
                let mut field = |name: &str, o: String, n: String| {
                    if o != n {
                        fields.push((name.to_string(), o, n));
                    }
                };
                field(
                    "planned_date",
                    old.planned_date.to_string(),
                    new.planned_date.to_string(),
                );
                field(
                    "resp_last_name",
                    old.responsible.last_name.clone(),
                    new.responsible.last_name.clone(),
                );
                field(
                    "resp_first_name",
                    old.responsible.first_name.clone(),
                    new.responsible.first_name.clone(),
                );
                field(
                    "resp_middle_name",
                    old.responsible.middle_name.clone(),
                    new.responsible.middle_name.clone(),
                );
                field(
                    "resp_position",
                    old.responsible.position.clone(),
                    new.responsible.position.clone(),
                );
                field("status", old.status.code().into(), new.status.code().into());
                field(
                    "implemented_measures",
                    old.implemented_measures.clone(),
                    new.implemented_measures.clone(),
                );
                field(
                    "actual_date",
                    old.actual_date.map(|d| d.to_string()).unwrap_or_default(),
                    new.actual_date.map(|d| d.to_string()).unwrap_or_default(),
                );
                field(
                    "cancel_reason",
                    old.cancel_reason.clone().unwrap_or_default(),
                    new.cancel_reason.clone().unwrap_or_default(),
                );
                if fields.is_empty() {
                    preview.unchanged += 1;
                    continue;
                }
                let change = Change {
                    line: 0,
                    what: format!("{file}: {org_name}, строка плана {}", old.number),
                    fields,
                };
                if w.apply {
                    portal_import::update_row(conn, &new)?;
                    w.audit_change("plan_row", old.id, &change)?;
                }
                rows[i] = new;
                preview.plan(super::Planned::Update(change));
            }
            None => {
                let number = crate::store::edit_create::next_plan_number(
                    conn,
                    cycle_id,
                    org_id,
                    &p.criterion,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                let mut row = PlanRow {
                    cycle_id,
                    org_id,
                    number: number.clone(),
                    criterion: p.criterion.clone(),
                    shortcoming_id: None,
                    shortcoming: r.name.clone(),
                    measure: r.activity.clone(),
                    planned_date: plan_date,
                    responsible: split_fio(&r.fio, &r.position),
                    expected_result: String::new(),
                    result_indicators: String::new(),
                    implemented_measures: String::new(),
                    actual_date: None,
                    status: PlanStatus::Planned,
                    cancel_reason: None,
                };
                let mut as_row = Row {
                    id: 0,
                    number: number.clone(),
                    criterion: row.criterion.clone(),
                    shortcoming: row.shortcoming.clone(),
                    measure: row.measure.clone(),
                    planned_date: plan_date,
                    responsible: row.responsible.clone(),
                    status: PlanStatus::Planned,
                    implemented_measures: String::new(),
                    actual_date: None,
                    cancel_reason: None,
                };
                set_execution(&mut as_row, &p.execution);
                row.status = as_row.status;
                row.implemented_measures = as_row.implemented_measures.clone();
                row.actual_date = as_row.actual_date;
                row.cancel_reason = as_row.cancel_reason.clone();
                let what = format!(
                    "{file}: {org_name}, новая строка плана {number}: {}",
                    crate::domain::text::printable(r.activity.trim())
                        .chars()
                        .take(80)
                        .collect::<String>()
                );
                if w.apply {
                    let id = bulk.plan_row(&row)?;
                    w.audit(
                        Action::Insert,
                        "plan_row",
                        Some(id),
                        None,
                        None,
                        Some(&format!("{number}: {}", row.measure)),
                    )?;
                    as_row.id = id;
                } else {
                    // A dry run: later rows of the section get the numbers after this one.
                    bulk.plan_row(&row)?;
                }
                rows.push(as_row);
                used.push(true);
                preview.plan(super::Planned::Add(Change {
                    line: 0,
                    what,
                    fields: Vec::new(),
                }));
            }
        }
    }
    Ok(())
}
