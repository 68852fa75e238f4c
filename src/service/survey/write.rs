//! Write stage: the plan carried out in the import's transaction — this source's counts stored,
//! each changed input set or removed (the organization's, or its part's, a part created when the
//! file names a new one), the number of respondents, every change audited with the source named,
//! the source's totals, and the cycle's scores marked stale.

use rusqlite::Connection;

use super::num;
use super::plan::Plan;
use super::responses::Staged;
use crate::store;
use crate::store::audit::{self, Action, Entry};

/// Who writes, and the source the audit names.
pub(super) struct Writer<'a> {
    pub cycle_id: i64,
    pub source_id: i64,
    pub source_name: &'a str,
    pub at: &'a str,
    pub user: &'a str,
}

/// Writes the plan; returns whether any input or number of respondents changed.
pub(super) fn write_plan(
    conn: &Connection,
    w: &Writer<'_>,
    plan: &mut Plan,
    staged: &Staged,
) -> anyhow::Result<bool> {
    for (m, part, key, v) in &plan.tallies {
        store::survey::insert_tally(conn, w.source_id, *m, part, key, *v)?;
    }
    store::survey::finish_source(
        conn,
        w.source_id,
        staged.rows as i64,
        staged.duplicates as i64,
        staged.skip_violations as i64,
        staged.unknown_total as i64,
    )?;
    let note = format!("из анкет: источник «{}»", w.source_name);
    let audit_change =
        |entity: &str, id: i64, field: &str, old: Option<String>, new: Option<String>| {
            audit::record(
                conn,
                &Entry {
                    at: w.at,
                    os_user: w.user,
                    action: Action::Update,
                    entity,
                    entity_id: Some(id),
                    field: Some(field),
                    old_value: old.as_deref(),
                    new_value: new.as_deref(),
                    note: &note,
                },
            )
        };
    for org in &mut plan.orgs {
        let m = org.membership_id;
        for (key, old, new) in &org.changes {
            match new {
                Some(v) => store::import::set_input(conn, m, key, *v)?,
                None => store::survey::delete_input(conn, m, key)?,
            }
            audit_change(
                store::edit_inputs::ENTITY,
                m,
                key,
                old.map(num),
                new.map(num),
            )?;
        }
        for part in &mut org.parts {
            if part.changes.is_empty() {
                continue;
            }
            let id = match part.part_id {
                Some(id) => id,
                None => {
                    let id = store::org_parts::add(conn, m, &part.name)?;
                    audit::record(
                        conn,
                        &Entry {
                            at: w.at,
                            os_user: w.user,
                            action: Action::Insert,
                            entity: "org_part",
                            entity_id: Some(id),
                            field: None,
                            old_value: None,
                            new_value: Some(&part.name),
                            note: &note,
                        },
                    )?;
                    part.part_id = Some(id);
                    id
                }
            };
            for (key, old, new) in &part.changes {
                match new {
                    Some(v) => store::org_parts::set_input(conn, id, key, *v)?,
                    None => store::survey::delete_part_input(conn, id, key)?,
                }
                audit_change("org_part_input", id, key, old.map(num), new.map(num))?;
            }
        }
        if org.old_respondents != org.total_respondents {
            store::survey::set_respondents(conn, m, org.total_respondents)?;
            audit_change(
                "membership",
                m,
                "respondents",
                Some(org.old_respondents.to_string()),
                Some(org.total_respondents.to_string()),
            )?;
        }
    }
    let changed = plan.changes_inputs();
    if changed {
        store::import::mark_stale(conn, w.cycle_id)?;
    }
    Ok(changed)
}
