//! `nok import plan` of the portal's own plan documents (ТФФ 1.8.3 `planShortcomingInfoType`):
//! one XML, a folder of them or a zip, as organizations send them to their authority.
//!
//! In stages: **read** ([`read`]: the documents, each parsed or refused with its reason);
//! **match** (`match_document`): each document's organization is the member of the cycle with
//! its ИНН and КПП, RATING_YEAR must be the cycle's year, each row needs a criterion of the
//! cycle's method, a measure, a planned date and an execution that makes sense — a document
//! with anything that cannot be taken is rejected whole; **plan** (`plan_document`): its rows
//! are matched with the organization's plan rows by criterion, shortcoming and measure (texts
//! compared without surrounding spaces): a matched row gets the document's planned date,
//! responsible person and execution where they differ, a row the plan does not have is added,
//! numbered next in its criterion's section (`domain::plan::next_row_number` of the numbers the
//! plan has by then, the rule a new row typed in gets), rows the document does not name are left
//! as they are, and the plan header (council, period, approver, approval date, control, acts) is
//! set from the document; later documents of the same organization see what earlier ones
//! planned; **write** (`write`, a real import only): the planned steps in order, audited. The
//! dry run is read, match and plan in a read transaction: it takes no write lock, and the plan
//! of changes it shows (added, changed old → new, left as stored, rejected) is what the import
//! then writes, down to the new rows' numbers.
//!
//! What the document reports of a row's execution is read back as the export writes it:
//! FACT_DATE and MEASURES — done; MEASURES alone — in progress, or cancelled when it reads
//! «Мероприятие отменено: причина»; neither — planned. Comparisons are made on what the document
//! would say, so importing a file exported from the same data changes nothing.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use rusqlite::Connection;

use super::{Change, Preview, Progress, Rejection, Writer};
use crate::domain::field_names::{field_ru, value_ru};
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

/// Checks the documents against the database without changing anything: the read, match and
/// plan stages in a read transaction (one snapshot, no write lock), rolled back.
pub fn dry_run(
    conn: &mut Connection,
    src: &Source,
    cycle_id: i64,
    methods: &Methods,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut go = || -> anyhow::Result<Preview> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
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

/// The import of the documents: read (already done: [`read`]) → match ([`match_document`]) →
/// plan ([`plan_document`]) → write ([`write`], only when `write`). Matching and planning only
/// read the database; the plan keeps what earlier documents of the same organization would have
/// changed ([`Planning`]), so the dry run shows what the import then writes.
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
    let mut planning = Planning::default();
    let total = src.found.len() as u64;
    for (i, f) in src.found.iter().enumerate() {
        progress(Progress::Checking {
            done: i as u64,
            total,
        });
        let Some(matched) = match_document(conn, &mut preview, f, cycle_id, year, method)? else {
            continue;
        };
        plan_document(
            conn,
            &mut preview,
            &mut planning,
            &matched,
            cycle_id,
            &default_council,
        )?;
    }
    progress(Progress::Checking { done: total, total });
    if write {
        self::write(
            &Writer::new(conn, true, false),
            cycle_id,
            &planning.steps,
            progress,
        )?;
    }
    Ok(preview)
}

/// A document matched with the cycle's member it is of, and its rows with the criterion each
/// is under and the execution it reports.
struct Matched<'d> {
    file: &'d str,
    doc: &'d PortalPlan,
    org_id: i64,
    org_name: String,
    rows: Vec<MatchedRow>,
}

struct MatchedRow {
    criterion: String,
    row: portal_plan::Row,
    plan_date: chrono::NaiveDate,
    execution: Execution,
}

/// Match stage of one document: its organization (the member of the cycle with its ИНН and
/// КПП), its year (the cycle's), and every row's criterion (by the cycle's method), measure,
/// planned date and execution. A document with anything that cannot be taken is rejected whole
/// (`None`), each reason named.
fn match_document<'d>(
    conn: &Connection,
    preview: &mut Preview,
    f: &'d Found,
    cycle_id: i64,
    year: i32,
    method: Option<&Methodology>,
) -> anyhow::Result<Option<Matched<'d>>> {
    let mut rejected = false;
    let mut reject = |preview: &mut Preview, column: &str, reason: String| {
        rejected = true;
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
            reject(preview, "", e.0.clone());
            return Ok(None);
        }
    };
    if doc.rating_year != year {
        reject(
            preview,
            "RATING_YEAR",
            format!(
                "документ об оценке {} года, а цикл {cycle_id} — {year} года: укажите цикл этого года (nok cycles)",
                doc.rating_year
            ),
        );
        return Ok(None);
    }
    let Some((org_id, org_name)) =
        portal_import::member_by_inn_kpp(conn, cycle_id, doc.inn.trim(), doc.kpp.trim())?
    else {
        reject(
            preview,
            "INN",
            format!(
                "организации с ИНН {} и КПП {} нет в цикле {cycle_id}: проверьте реквизиты или включите ее в цикл",
                doc.inn, doc.kpp
            ),
        );
        return Ok(None);
    };
    let mut rows = Vec::new();
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
            let Some(plan_date) = r.plan_date else {
                reject(
                    preview,
                    "PLAN_DATE",
                    format!("строка {}: не указан плановый срок", r.number),
                );
                continue;
            };
            match execution_of(r.fact_date, &r.measures) {
                Ok(execution) => rows.push(MatchedRow {
                    criterion,
                    row: r.clone(),
                    plan_date,
                    execution,
                }),
                Err(why) => reject(preview, "FACT_DATE", format!("строка {}: {why}", r.number)),
            }
        }
    }
    if rejected {
        return Ok(None);
    }
    Ok(Some(Matched {
        file: &f.name,
        doc,
        org_id,
        org_name,
        rows,
    }))
}

/// Plan stage's memory: each organization's plan as the steps planned so far leave it (read
/// from the database at its first document), and the steps in order.
#[derive(Default)]
struct Planning {
    plans: HashMap<i64, OrgPlan>,
    steps: Vec<Step>,
    /// The last id given to a planned new row (new rows get -1, -2, …).
    last_new: i64,
}

struct OrgPlan {
    /// The header as stored, `None` when the organization has no plan header to set.
    header: Option<plan_header::Stored>,
    /// Whether a step of this import saves the header already.
    header_saved: bool,
    /// The rows in plan order (criterion, then id), with the planned changes and additions.
    rows: Vec<Row>,
}

/// Write stage's work: one change to the database.
enum Step {
    /// The plan header set from a document. `version`: the stored version the plan read, or
    /// `None` after an earlier step of this import saved it (read when written).
    Header {
        org_id: i64,
        version: Option<i64>,
        header: Header,
    },
    /// A stored row's date, responsible person or execution (a negative id: a row added by an
    /// earlier step); the change names columns, as the audit records them.
    Update { row: Row, change: Change },
    /// A new row, with the id the plan gave it (negative) and the audit's text.
    Add { id: i64, row: PlanRow, note: String },
}

/// Plan stage of one matched document: the header (set, or left as stored), then each row
/// matched with the organization's rows by criterion, shortcoming and measure (changed, or left
/// as stored), or added, numbered next in its criterion's section
/// ([`crate::domain::plan::next_row_number`] of the numbers its plan has by then).
fn plan_document(
    conn: &Connection,
    preview: &mut Preview,
    planning: &mut Planning,
    m: &Matched<'_>,
    cycle_id: i64,
    default_council: &str,
) -> anyhow::Result<()> {
    let (file, org_name) = (m.file, m.org_name.as_str());
    let plan = match planning.plans.entry(m.org_id) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => e.insert(OrgPlan {
            header: plan_header::get(conn, cycle_id, m.org_id)?,
            header_saved: false,
            rows: portal_import::rows(conn, cycle_id, m.org_id)?,
        }),
    };
    // The header.
    let Some(stored) = &mut plan.header else {
        return Ok(());
    };
    let new_header = header_of(m.doc, default_council);
    let fields = header_changes(&stored.header, &new_header);
    let what = format!("{file}: заголовок плана — {org_name}");
    if fields.is_empty() {
        preview.plan(super::Planned::Leave(Change {
            line: 0,
            what,
            fields,
        }));
    } else {
        planning.steps.push(Step::Header {
            org_id: m.org_id,
            version: (!plan.header_saved).then_some(stored.version),
            header: new_header.clone(),
        });
        let change = Change {
            line: 0,
            what,
            fields,
        };
        if stored.version == 0 && stored.header.approved_on.is_none() {
            preview.plan(super::Planned::Add(change));
        } else {
            preview.plan(super::Planned::Update(change));
        }
        // What the save leaves: this header, at a later version.
        stored.header = new_header;
        stored.version += 1;
        plan.header_saved = true;
    }
    // The rows.
    let rows = &mut plan.rows;
    let mut used = vec![false; rows.len()];
    for p in &m.rows {
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
        match at {
            Some(i) => {
                used[i] = true;
                let old = &rows[i];
                let new = as_document_says(old, p);
                let fields = row_changes(old, &new);
                if fields.is_empty() {
                    preview.plan(super::Planned::Leave(Change {
                        line: 0,
                        what: format!("{file}: {org_name}, строка плана {}", old.number),
                        fields,
                    }));
                    continue;
                }
                let change = Change {
                    line: 0,
                    what: format!("{file}: {org_name}, строка плана {}", old.number),
                    fields,
                };
                preview.plan(super::Planned::Update(in_russian(&change)));
                planning.steps.push(Step::Update {
                    row: new.clone(),
                    change,
                });
                rows[i] = new;
            }
            None => {
                let number = crate::domain::plan::next_row_number(
                    rows.iter().map(|r| r.number.as_str()),
                    &p.criterion,
                );
                planning.last_new -= 1;
                let mut as_row = Row {
                    id: planning.last_new,
                    number: number.clone(),
                    criterion: p.criterion.clone(),
                    shortcoming: r.name.clone(),
                    measure: r.activity.clone(),
                    planned_date: p.plan_date,
                    responsible: split_fio(&r.fio, &r.position),
                    status: PlanStatus::Planned,
                    implemented_measures: String::new(),
                    actual_date: None,
                    cancel_reason: None,
                };
                set_execution(&mut as_row, &p.execution);
                let row = PlanRow {
                    cycle_id,
                    org_id: m.org_id,
                    number: number.clone(),
                    criterion: as_row.criterion.clone(),
                    shortcoming_id: None,
                    shortcoming: as_row.shortcoming.clone(),
                    measure: as_row.measure.clone(),
                    planned_date: p.plan_date,
                    responsible: as_row.responsible.clone(),
                    expected_result: String::new(),
                    result_indicators: String::new(),
                    implemented_measures: as_row.implemented_measures.clone(),
                    actual_date: as_row.actual_date,
                    status: as_row.status,
                    cancel_reason: as_row.cancel_reason.clone(),
                };
                let what = format!(
                    "{file}: {org_name}, новая строка плана {number}: {}",
                    crate::domain::text::printable(r.activity.trim())
                        .chars()
                        .take(80)
                        .collect::<String>()
                );
                planning.steps.push(Step::Add {
                    id: as_row.id,
                    note: format!("{number}: {}", row.measure),
                    row,
                });
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

/// A stored row as a matched document row leaves it: the document's planned date; its
/// responsible person and execution where what the document says of them differs from what the
/// stored row would say.
fn as_document_says(old: &Row, p: &MatchedRow) -> Row {
    let r = &p.row;
    let before = as_in_document(old);
    let mut new = old.clone();
    new.planned_date = p.plan_date;
    let after_fio = fio(&split_fio(&r.fio, &r.position));
    if before.0 != after_fio || before.1 != r.position.trim() {
        new.responsible = split_fio(&r.fio, &r.position);
    }
    let doc_execution = (r.fact_date, r.measures.trim().to_string());
    if (before.2, before.3.clone()) != doc_execution {
        set_execution(&mut new, &p.execution);
    }
    new
}

/// A row's change as the plan of changes shows it: each column by its Russian name (the audit
/// keeps the column), a status by its Russian name.
fn in_russian(change: &Change) -> Change {
    let name = |column: &str| {
        let ru = field_ru(column);
        let mut c = ru.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    let value = |column: &str, v: &str| match column {
        "status" => value_ru(column, v).into_owned(),
        _ => v.to_string(),
    };
    Change {
        fields: change
            .fields
            .iter()
            .map(|(f, o, n)| (name(f), value(f, o), value(f, n)))
            .collect(),
        ..change.clone()
    }
}

/// What differs between a stored row and the row as a document leaves it: (column, old, new).
fn row_changes(old: &Row, new: &Row) -> Vec<(String, String, String)> {
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
    fields
}

/// Write stage (a real import only): the planned steps in order, each audited. New rows are
/// inserted here, with the numbers the plan gave them; a later step's update of a row added by
/// an earlier one goes to the id the insert got.
fn write(
    w: &Writer<'_>,
    cycle_id: i64,
    steps: &[Step],
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let conn = w.conn;
    let mut bulk = BulkWriter::new(conn);
    let mut inserted: HashMap<i64, i64> = HashMap::new();
    let total = steps.len() as u64;
    for (n, step) in steps.iter().enumerate() {
        progress(Progress::Writing {
            done: n as u64,
            total,
        });
        match step {
            Step::Header {
                org_id,
                version,
                header,
            } => {
                let version = match version {
                    Some(v) => *v,
                    None => plan_header::get(conn, cycle_id, *org_id)?.map_or(0, |s| s.version),
                };
                plan_header::save_in(
                    conn,
                    cycle_id,
                    *org_id,
                    version,
                    header,
                    Author {
                        os_user: &w.user,
                        at: &w.at,
                    },
                    "импорт",
                )?;
            }
            Step::Update { row, change } => {
                let id = inserted.get(&row.id).copied().unwrap_or(row.id);
                portal_import::update_row(conn, &Row { id, ..row.clone() })?;
                w.audit_change("plan_row", id, change)?;
            }
            Step::Add { id, row, note } => {
                let new_id = bulk.plan_row(row)?;
                w.audit(
                    Action::Insert,
                    "plan_row",
                    Some(new_id),
                    None,
                    None,
                    Some(note),
                )?;
                inserted.insert(*id, new_id);
            }
        }
    }
    progress(Progress::Writing { done: total, total });
    Ok(())
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
