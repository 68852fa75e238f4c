//! `nok import workplan`: an authority's plan document, matched by authority and title; its
//! measures by number, its target indicators by number.

use std::collections::HashMap;

use crate::domain::deadline::{Context, Deadline, Events, Resolution};
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
    let conn = w.conn;
    let (authority_id, authority_name) = store::import::find_authority(conn, authority)?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "уполномоченный орган «{authority}» не найден: укажите его ИНН или номер"
            )
        })?;
    let doc = doc_reader::read_with(sheet, columns).map_err(anyhow::Error::msg)?;
    describe_columns(&doc, columns.is_some(), preview);
    if let Some(why) = &doc.uncertain {
        let msg = format!(
            "в файле {}: колонки таблицы мероприятий (строка {}) определены неуверенно: {why}. Проверьте, как они прочитаны (--dry-run), и подтвердите роли колонок слева направо: --columns \"{}\"",
            sheet.source,
            doc.plan_header_line,
            suggested_columns(&doc.roles)
        );
        if w.apply {
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
        return Ok(());
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
            .push(format!("утвержден: {}", doc.approved_by));
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
            let due = match d.resolve(&ctx) {
                Resolution::Due {
                    current,
                    recurring: false,
                    awaiting: None,
                    ..
                } => Some(current),
                _ => None,
            };
            (due, d.describe(Some((year_from, year_to))))
        })
        .collect();
    let unread = doc
        .items
        .iter()
        .zip(&read)
        .filter(|(it, _)| {
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
    if !preview.rejected.is_empty() {
        return Ok(());
    }
    let mut bulk = BulkWriter::new(conn);
    let existing = store::import::find_workplan(conn, authority_id, &title)?;
    let workplan_id = match existing {
        Some(id) => id,
        None => {
            preview.plan(Planned::Add(Change {
                line: doc.title_line,
                what: format!("план «{title}»"),
                fields: Vec::new(),
            }));
            if w.apply {
                let id = bulk.workplan(&Workplan {
                    authority_id,
                    title: title.clone(),
                    year_from: year_from.min(year_to),
                    year_to: year_to.max(year_from),
                    approved_by: doc.approved_by.clone(),
                    approved_on: doc.approved_on,
                })?;
                w.audit(
                    Action::Insert,
                    "workplan",
                    Some(id),
                    None,
                    None,
                    Some(&title),
                )?;
                id
            } else {
                0
            }
        }
    };
    let (old_items, old_sections, old_targets, old_fields) = if existing.is_some() {
        (
            store::import::workplan_items(conn, workplan_id)?,
            store::import::workplan_sections(conn, workplan_id)?,
            store::import::targets(conn, workplan_id)?,
            store::import::work_item_fields(conn, workplan_id)?,
        )
    } else {
        Default::default()
    };
    // Sections: matched by number and title.
    let mut section_ids: Vec<Option<i64>> = Vec::new();
    for (pos, s) in doc.sections.iter().enumerate() {
        let found = old_sections
            .iter()
            .find(|(_, n, t)| *n == s.number && *t == s.title)
            .map(|x| x.0);
        let id = match found {
            Some(id) => Some(id),
            None if w.apply => Some(bulk.workplan_section(&WorkplanSection {
                workplan_id,
                number: s.number.clone(),
                title: s.title.clone(),
                position: (old_sections.len() + pos) as i64,
            })?),
            None => None,
        };
        section_ids.push(id);
    }
    // Measures: matched by number; parents by the number's head.
    let mut ids: HashMap<String, i64> =
        old_items.iter().map(|i| (i.number.clone(), i.id)).collect();
    let mut position = if existing.is_some() {
        store::import::next_item_position(conn, workplan_id)?
    } else {
        0
    };
    let total = doc.items.len() as u64;
    for (n, (it, (due, _))) in doc.items.iter().zip(&read).enumerate() {
        let due = *due;
        progress(Progress::Checking {
            done: n as u64,
            total,
        });
        let what = format!("пункт {}: {}", it.number, it.measure);
        match old_items.iter().find(|o| o.number == it.number) {
            Some(old) => {
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
                let old_extra = old_fields.get(&old.id).cloned().unwrap_or_default();
                if old_extra != it.extra {
                    let show = |f: &[(String, String)]| {
                        f.iter()
                            .map(|(t, v)| format!("{t}: {v}"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    };
                    fields.push((
                        "Другие колонки".to_string(),
                        show(&old_extra),
                        show(&it.extra),
                    ));
                }
                if fields.is_empty() {
                    preview.unchanged += 1;
                    continue;
                }
                let change = Change {
                    line: it.line,
                    what,
                    fields,
                };
                if w.apply {
                    store::import::update_work_item(
                        conn,
                        old.id,
                        &it.measure,
                        &it.form,
                        &it.deadline_text,
                        due,
                        &it.executors,
                    )?;
                    store::import::set_work_item_fields(conn, old.id, &it.extra)?;
                    w.audit_change("workplan_item", old.id, &change)?;
                }
                preview.plan(Planned::Update(change));
            }
            None => {
                let change = Change {
                    line: it.line,
                    what,
                    fields: Vec::new(),
                };
                if w.apply {
                    let parent_id = parent_number(&it.number).and_then(|p| ids.get(p).copied());
                    let id = bulk.workplan_item(&WorkplanItem {
                        workplan_id,
                        section_id: it
                            .section
                            .and_then(|s| section_ids.get(s).copied().flatten()),
                        parent_id,
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
                    })?;
                    if !it.extra.is_empty() {
                        store::import::set_work_item_fields(conn, id, &it.extra)?;
                    }
                    w.audit(
                        Action::Insert,
                        "workplan_item",
                        Some(id),
                        None,
                        None,
                        Some(&change.what),
                    )?;
                    ids.insert(it.number.clone(), id);
                }
                position += 1;
                preview.plan(Planned::Add(change));
            }
        }
    }
    // Target indicators: matched by number.
    for t in &doc.targets {
        let what = format!("целевой показатель {}: {}", t.number, t.name);
        match old_targets.iter().find(|o| o.1 == t.number) {
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
                        format!("{values:?}"),
                        format!("{:?}", t.values),
                    ));
                }
                if fields.is_empty() {
                    preview.unchanged += 1;
                    continue;
                }
                let change = Change {
                    line: t.line,
                    what,
                    fields,
                };
                if w.apply {
                    store::import::update_target(conn, *id, &t.name, &t.unit, &t.values)?;
                    w.audit_change("target_indicator", *id, &change)?;
                }
                preview.plan(Planned::Update(change));
            }
            None => {
                let change = Change {
                    line: t.line,
                    what,
                    fields: Vec::new(),
                };
                if w.apply {
                    let id = bulk.target_indicator(&TargetIndicator {
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
                    })?;
                    w.audit(
                        Action::Insert,
                        "target_indicator",
                        Some(id),
                        None,
                        None,
                        Some(&change.what),
                    )?;
                }
                preview.plan(Planned::Add(change));
            }
        }
    }
    progress(Progress::Checking { done: total, total });
    Ok(())
}
