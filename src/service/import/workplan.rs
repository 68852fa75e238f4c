//! `nok import workplan`: an authority's plan document, matched by authority and title; its
//! measures by number, its target indicators by number. In stages: **read** (`read_doc`: the
//! document, its columns and why, title, years, each deadline read within the plan's period;
//! unreadable rows rejected); **match** (`match_plan`: the stored plan of that title and what it
//! holds); **plan** (`plan_changes`: the plan, sections, measures and indicators each added,
//! changed field by field or left as stored — the plan of changes the dry run shows); **write**
//! (`write`, a real import only, each change audited). Matching and planning only read, so the
//! dry run takes no write lock.

use std::collections::HashMap;

use crate::domain::deadline::{Context, Deadline, Events};
use crate::domain::workplan::{
    ItemStatus, TargetIndicator, TargetValue, Workplan, WorkplanItem, WorkplanSection,
};
use crate::exchange::import::Sheet;
use crate::exchange::import::values::parent_number;
use crate::exchange::import::workplan as doc_reader;
use crate::store;
use crate::store::audit::Action;
use crate::store::bulk::BulkWriter;

use super::{Change, Planned, Preview, Progress, Writer};
use crate::exchange::import::layout::{ColumnRole, Role};

/// The column roles in `--columns` form, left to right («№,мероприятие,срок,исполнители»).
pub(super) fn suggested_columns(roles: &[ColumnRole]) -> String {
    let width = roles.iter().map(|r| r.column + 1).max().unwrap_or(0);
    (0..width)
        .map(|c| {
            roles
                .iter()
                .find(|r| r.column == c)
                .map_or("-", |r| r.role.name_ru())
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// What the dry run says about the columns: each one's role and why.
pub(super) fn describe_columns(
    doc: &doc_reader::WorkplanDoc,
    confirmed: bool,
    preview: &mut Preview,
) {
    for r in &doc.roles {
        preview.columns.push((
            r.column + 1,
            r.role.name_ru().to_string(),
            r.header.clone(),
            r.why.clone(),
        ));
    }
    if !doc.dropped.is_empty() {
        preview.notes.push(format!(
            "пропущено строк с мусором переноса страниц и повторами заголовка: {} (строки {})",
            doc.dropped.len(),
            doc.dropped
                .iter()
                .map(|(l, _)| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !confirmed && doc.uncertain.is_none() && !doc.roles.is_empty() {
        preview.notes.push(format!(
            "если колонки прочитаны неверно, укажите их роли: --columns \"{}\"",
            suggested_columns(&doc.roles)
        ));
    }
}

/// The document as the read stage leaves it: the plan's title and years, and each measure's
/// due date as the deadline reader resolves it within the plan's period.
struct Read {
    doc: doc_reader::WorkplanDoc,
    title: String,
    years: (i32, i32),
    /// Each measure's due date (`None`: no single date), in the order of `doc.items`.
    due: Vec<Option<chrono::NaiveDate>>,
}

/// What is stored of the plan with this authority and title (nothing when there is none yet).
#[derive(Default)]
struct Stored {
    workplan_id: Option<i64>,
    items: Vec<store::import::WorkItemRecord>,
    sections: Vec<(i64, String, String)>,
    targets: Vec<store::import::TargetRecord>,
    fields: HashMap<i64, Vec<(String, String)>>,
    /// The position the next new measure takes.
    next_position: i64,
}

/// The import of an authority's plan document: read ([`read_doc`]) → match ([`match_plan`]) →
/// plan ([`plan_changes`]) → write ([`write`], only when `w.apply`).
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    w: &Writer<'_>,
    sheet: &Sheet,
    authority: &str,
    title: Option<&str>,
    columns: Option<&[Role]>,
    today: chrono::NaiveDate,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let (authority_id, authority_name) = store::import::find_authority(w.conn, authority)?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "уполномоченный орган «{authority}» не найден: укажите его ИНН или номер"
            )
        })?;
    let Some(read) = read_doc(
        sheet,
        title,
        columns,
        today,
        &authority_name,
        w.apply,
        preview,
    )?
    else {
        return Ok(());
    };
    if !preview.rejected.is_empty() {
        return Ok(());
    }
    let stored = match_plan(w.conn, authority_id, &read.title)?;
    let plan = plan_changes(&read, &stored, authority_id, preview, progress);
    if w.apply {
        write(w, &read, &stored, &plan)?;
    }
    let total = read.doc.items.len() as u64;
    progress(Progress::Checking { done: total, total });
    Ok(())
}

/// Read stage: the document, its columns described, its title and years, each measure's
/// deadline read with the plan's period; rows that cannot be read are rejected. `None`: an
/// empty form (nothing to add, not an error).
fn read_doc(
    sheet: &Sheet,
    title: Option<&str>,
    columns: Option<&[Role]>,
    today: chrono::NaiveDate,
    authority_name: &str,
    apply: bool,
    preview: &mut Preview,
) -> anyhow::Result<Option<Read>> {
    let doc = doc_reader::read_with(sheet, columns).map_err(anyhow::Error::msg)?;
    describe_columns(&doc, columns.is_some(), preview);
    if let Some(why) = &doc.uncertain {
        let msg = format!(
            "в файле {}: колонки таблицы мероприятий (строка {}) определены неуверенно: {why}. Проверьте, как они прочитаны (--dry-run), и подтвердите роли колонок слева направо: --columns \"{}\"",
            sheet.source,
            doc.plan_header_line,
            suggested_columns(&doc.roles)
        );
        if apply {
            anyhow::bail!(msg);
        }
        preview.columns_uncertain = Some(msg);
    }
    if doc.items.is_empty() && doc.targets.is_empty() {
        // An empty form (a plan's blank as sent with a letter): nothing to add, not an error,
        // and no plan without measures is created.
        preview
            .unknown_columns
            .extend(doc.unknown_columns.iter().cloned());
        for (line, text) in &doc.stray {
            preview
                .notes
                .push(format!("строка {line} пропущена: «{text}»"));
        }
        preview.notes.push(format!(
            "в файле {}: таблица мероприятий (заголовок в строке {}) пуста — добавлять нечего",
            sheet.source, doc.plan_header_line
        ));
        return Ok(None);
    }
    let title = match title {
        Some(t) => t.to_string(),
        None if !doc.title.is_empty() => doc.title.clone(),
        None => anyhow::bail!(
            "в файле {} не найдено название плана (строка, начинающаяся со слова «План»); укажите его: --title",
            sheet.source
        ),
    };
    // A title given on the command line names its own years («План на 2026 год»); the
    // document's years count only when it names none.
    let (given_from, given_to) = doc_reader::years_in(&title);
    let (year_from, year_to) = match (given_from, given_to) {
        (Some(a), Some(b)) => (Some(a), Some(b)),
        _ => (doc.year_from, doc.year_to),
    };
    let (Some(year_from), Some(year_to)) = (year_from, year_to) else {
        anyhow::bail!(
            "в названии плана «{title}» нет года, и в таблице показателей нет колонок по годам; укажите год в названии: --title"
        );
    };
    preview.notes.push(format!(
        "план: «{title}» ({year_from}–{year_to}), {authority_name}"
    ));
    if !doc.approved_by.is_empty() {
        preview
            .notes
            .push(format!("акт об утверждении: {}", doc.approved_by));
    }
    // Deadlines: kept as written, read with the plan's period; a single due date is stored.
    let events = Events::new();
    let ctx = Context {
        period: Some((year_from, year_to)),
        ..Context::on(today, &events)
    };
    let read: Vec<(Option<chrono::NaiveDate>, String)> = doc
        .items
        .iter()
        .map(|it| {
            let d = Deadline::parse(&it.deadline_text);
            let due = d.resolve(&ctx).single_date();
            (due, d.describe(Some((year_from, year_to))))
        })
        .collect();
    let unread = doc
        .items
        .iter()
        .filter(|it| {
            !it.deadline_text.trim().is_empty()
                && !Deadline::parse(&it.deadline_text).is_recognised()
        })
        .count();
    if unread > 0 {
        preview.notes.push(format!(
            "сроков не распознано: {unread} (сохранены как написаны)"
        ));
    }
    preview
        .unknown_columns
        .extend(doc.unknown_columns.iter().cloned());
    for (line, text) in &doc.stray {
        preview
            .notes
            .push(format!("строка {line} пропущена: «{text}»"));
    }
    for (line, column, reason) in &doc.problems {
        preview.reject(*line, column, reason.clone());
    }
    preview.as_read.0 = [
        "№",
        "Мероприятие",
        "Срок как написан",
        "Срок как прочитан",
        "Исполнители",
    ]
    .map(String::from)
    .to_vec();
    for (it, (_, how)) in doc.items.iter().zip(&read) {
        preview.as_read.1.push(vec![
            it.number.clone(),
            it.measure.clone(),
            it.deadline_text.clone(),
            how.clone(),
            it.executors.join("; "),
        ]);
    }
    Ok(Some(Read {
        due: read.into_iter().map(|(due, _)| due).collect(),
        doc,
        title,
        years: (year_from, year_to),
    }))
}

/// Match stage: the authority's plan with this title, and what it holds (sections, measures
/// with their other columns, target indicators), read from the database as it is.
fn match_plan(
    conn: &rusqlite::Connection,
    authority_id: i64,
    title: &str,
) -> anyhow::Result<Stored> {
    let Some(id) = store::import::find_workplan(conn, authority_id, title)? else {
        return Ok(Stored::default());
    };
    Ok(Stored {
        workplan_id: Some(id),
        items: store::import::workplan_items(conn, id)?,
        sections: store::import::workplan_sections(conn, id)?,
        targets: store::import::targets(conn, id)?,
        fields: store::import::work_item_fields(conn, id)?,
        next_position: store::import::next_item_position(conn, id)?,
    })
}

/// The plan of changes: the plan itself when new, each section (stored, or new), each measure
/// (changed, added or left) and each target indicator (changed, added or left).
struct Plan<'r> {
    workplan: Option<Workplan>,
    /// For each section of the document: its stored id, or the section to add.
    sections: Vec<Result<i64, WorkplanSection>>,
    items: Vec<ItemStep<'r>>,
    targets: Vec<TargetStep<'r>>,
}

enum ItemStep<'r> {
    Update {
        id: i64,
        item: &'r doc_reader::DocItem,
        due: Option<chrono::NaiveDate>,
        change: Change,
    },
    /// A new measure; its parent by number (stored, or added above it).
    Add {
        item: Box<WorkplanItem>,
        parent: Option<&'r str>,
        section: Option<usize>,
        extra: &'r [(String, String)],
        what: String,
    },
}

enum TargetStep<'r> {
    Update {
        id: i64,
        target: &'r doc_reader::DocTarget,
        change: Change,
    },
    Add {
        target: TargetIndicator,
        what: String,
    },
}

/// Plan stage: the document against what is stored — sections matched by number and title,
/// measures and target indicators by number — each added, changed (field: old → new) or left,
/// into the preview and the plan the write stage carries out.
fn plan_changes<'r>(
    read: &'r Read,
    stored: &Stored,
    authority_id: i64,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> Plan<'r> {
    let doc = &read.doc;
    let title = &read.title;
    let (year_from, year_to) = read.years;
    let workplan = match stored.workplan_id {
        Some(_) => None,
        None => {
            preview.plan(Planned::Add(Change {
                line: doc.title_line,
                what: format!("план «{title}»"),
                fields: Vec::new(),
            }));
            Some(Workplan {
                authority_id,
                title: title.clone(),
                year_from: year_from.min(year_to),
                year_to: year_to.max(year_from),
                approved_by: doc.approved_by.clone(),
                approved_on: doc.approved_on,
            })
        }
    };
    let workplan_id = stored.workplan_id.unwrap_or(0);
    // Sections: matched by number and title.
    let sections = doc
        .sections
        .iter()
        .enumerate()
        .map(|(pos, s)| {
            stored
                .sections
                .iter()
                .find(|(_, n, t)| *n == s.number && *t == s.title)
                .map(|x| x.0)
                .ok_or_else(|| WorkplanSection {
                    workplan_id,
                    number: s.number.clone(),
                    title: s.title.clone(),
                    position: (stored.sections.len() + pos) as i64,
                })
        })
        .collect();
    // Measures: matched by number.
    let mut items = Vec::new();
    let mut position = stored.next_position;
    let total = doc.items.len() as u64;
    for (n, (it, due)) in doc.items.iter().zip(&read.due).enumerate() {
        let due = *due;
        progress(Progress::Checking {
            done: n as u64,
            total,
        });
        let what = format!("пункт {}: {}", it.number, it.measure);
        match stored.items.iter().find(|o| o.number == it.number) {
            Some(old) => {
                let old_extra = stored.fields.get(&old.id).cloned().unwrap_or_default();
                let fields = item_changes(old, &old_extra, it, due);
                let change = Change {
                    line: it.line,
                    what,
                    fields,
                };
                if change.fields.is_empty() {
                    preview.plan(Planned::Leave(change));
                    continue;
                }
                preview.plan(Planned::Update(change.clone()));
                items.push(ItemStep::Update {
                    id: old.id,
                    item: it,
                    due,
                    change,
                });
            }
            None => {
                preview.plan(Planned::Add(Change {
                    line: it.line,
                    what: what.clone(),
                    fields: Vec::new(),
                }));
                items.push(ItemStep::Add {
                    item: Box::new(WorkplanItem {
                        workplan_id,
                        section_id: None,
                        parent_id: None,
                        number: it.number.clone(),
                        position,
                        measure: it.measure.clone(),
                        form: it.form.clone(),
                        deadline_text: it.deadline_text.clone(),
                        deadline_due: due,
                        executors: it.executors.clone(),
                        status: ItemStatus::Planned,
                        completed_on: None,
                        note: String::new(),
                    }),
                    parent: parent_number(&it.number),
                    section: it.section,
                    extra: &it.extra,
                    what,
                });
                position += 1;
            }
        }
    }
    // Target indicators: matched by number.
    let mut targets = Vec::new();
    for t in &doc.targets {
        let what = format!("целевой показатель {}: {}", t.number, t.name);
        match stored.targets.iter().find(|o| o.1 == t.number) {
            Some((id, _, name, unit, values)) => {
                let mut fields = Vec::new();
                if *name != t.name {
                    fields.push(("Наименование".to_string(), name.clone(), t.name.clone()));
                }
                if *unit != t.unit {
                    fields.push(("Единица".to_string(), unit.clone(), t.unit.clone()));
                }
                if *values != t.values {
                    fields.push((
                        "Значения".to_string(),
                        values_text(values),
                        values_text(&t.values),
                    ));
                }
                let change = Change {
                    line: t.line,
                    what,
                    fields,
                };
                if change.fields.is_empty() {
                    preview.plan(Planned::Leave(change));
                    continue;
                }
                preview.plan(Planned::Update(change.clone()));
                targets.push(TargetStep::Update {
                    id: *id,
                    target: t,
                    change,
                });
            }
            None => {
                preview.plan(Planned::Add(Change {
                    line: t.line,
                    what: what.clone(),
                    fields: Vec::new(),
                }));
                targets.push(TargetStep::Add {
                    target: TargetIndicator {
                        workplan_id,
                        number: t.number.clone(),
                        name: t.name.clone(),
                        unit: t.unit.clone(),
                        values: t
                            .values
                            .iter()
                            .map(|&(year, planned, actual)| TargetValue {
                                year,
                                planned,
                                actual,
                            })
                            .collect(),
                    },
                    what,
                });
            }
        }
    }
    Plan {
        workplan,
        sections,
        items,
        targets,
    }
}

/// A target indicator's values as a person reads them: «2024: факт 4; 2025: —; 2026: план 3»
/// (a decimal comma, a dash for a year without values).
fn values_text(values: &[(i32, Option<f64>, Option<f64>)]) -> String {
    let number = crate::domain::decimal::plain;
    values
        .iter()
        .map(|&(year, planned, actual)| {
            let parts: Vec<String> = [("план", planned), ("факт", actual)]
                .into_iter()
                .filter_map(|(name, v)| v.map(|v| format!("{name} {}", number(v))))
                .collect();
            if parts.is_empty() {
                format!("{year}: —")
            } else {
                format!("{year}: {}", parts.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What differs between a stored measure and the document's: (field, old, new).
fn item_changes(
    old: &store::import::WorkItemRecord,
    old_extra: &[(String, String)],
    it: &doc_reader::DocItem,
    due: Option<chrono::NaiveDate>,
) -> Vec<(String, String, String)> {
    let mut fields = Vec::new();
    for (name, a, b) in [
        ("Мероприятие", &old.measure, &it.measure),
        ("Форма реализации", &old.form, &it.form),
        ("Срок исполнения", &old.deadline_text, &it.deadline_text),
    ] {
        if a != b {
            fields.push((name.to_string(), a.clone(), b.clone()));
        }
    }
    let old_due = old.deadline_due.clone().unwrap_or_default();
    let new_due = due.map(store::iso).unwrap_or_default();
    if old_due != new_due {
        fields.push(("Дата срока".to_string(), old_due, new_due));
    }
    if old.executors != it.executors {
        fields.push((
            "Исполнители".to_string(),
            old.executors.join("; "),
            it.executors.join("; "),
        ));
    }
    if old_extra != it.extra.as_slice() {
        let show = |f: &[(String, String)]| {
            f.iter()
                .map(|(t, v)| format!("{t}: {v}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        fields.push((
            "Другие колонки".to_string(),
            show(old_extra),
            show(&it.extra),
        ));
    }
    fields
}

/// Write stage (a real import only): the plan carried out in order — the plan itself, new
/// sections, measures (a new one's parent is the stored or just added measure its number
/// names), target indicators — each audited.
fn write(w: &Writer<'_>, read: &Read, stored: &Stored, plan: &Plan<'_>) -> anyhow::Result<()> {
    let conn = w.conn;
    let mut bulk = BulkWriter::new(conn);
    let workplan_id = match (&plan.workplan, stored.workplan_id) {
        (Some(new), _) => {
            let id = bulk.workplan(new)?;
            w.audit(
                Action::Insert,
                "workplan",
                Some(id),
                None,
                None,
                Some(&read.title),
            )?;
            id
        }
        (None, Some(id)) => id,
        (None, None) => anyhow::bail!("план «{}» не найден и не создан", read.title),
    };
    let mut section_ids = Vec::new();
    for s in &plan.sections {
        section_ids.push(match s {
            Ok(id) => *id,
            Err(new) => bulk.workplan_section(&WorkplanSection {
                workplan_id,
                ..new.clone()
            })?,
        });
    }
    let mut ids: HashMap<&str, i64> = stored
        .items
        .iter()
        .map(|i| (i.number.as_str(), i.id))
        .collect();
    for step in &plan.items {
        match step {
            ItemStep::Update {
                id,
                item: it,
                due,
                change,
            } => {
                store::import::update_work_item(
                    conn,
                    *id,
                    &it.measure,
                    &it.form,
                    &it.deadline_text,
                    *due,
                    &it.executors,
                )?;
                store::import::set_work_item_fields(conn, *id, &it.extra)?;
                w.audit_change("workplan_item", *id, change)?;
            }
            ItemStep::Add {
                item,
                parent,
                section,
                extra,
                what,
            } => {
                let id = bulk.workplan_item(&WorkplanItem {
                    workplan_id,
                    section_id: section.and_then(|s| section_ids.get(s).copied()),
                    parent_id: parent.and_then(|p| ids.get(p).copied()),
                    ..item.as_ref().clone()
                })?;
                if !extra.is_empty() {
                    store::import::set_work_item_fields(conn, id, extra)?;
                }
                w.audit(
                    Action::Insert,
                    "workplan_item",
                    Some(id),
                    None,
                    None,
                    Some(what),
                )?;
                ids.insert(&item.number, id);
            }
        }
    }
    for step in &plan.targets {
        match step {
            TargetStep::Update { id, target, change } => {
                store::import::update_target(
                    conn,
                    *id,
                    &target.name,
                    &target.unit,
                    &target.values,
                )?;
                w.audit_change("target_indicator", *id, change)?;
            }
            TargetStep::Add { target, what } => {
                let id = bulk.target_indicator(&TargetIndicator {
                    workplan_id,
                    ..target.clone()
                })?;
                w.audit(
                    Action::Insert,
                    "target_indicator",
                    Some(id),
                    None,
                    None,
                    Some(what),
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_values_are_shown_in_words() {
        assert_eq!(
            values_text(&[
                (2024, None, Some(4.0)),
                (2025, None, None),
                (2026, Some(50.5), Some(48.0))
            ]),
            "2024: факт 4; 2025: —; 2026: план 50,5, факт 48"
        );
        assert_eq!(values_text(&[]), "");
    }
}
