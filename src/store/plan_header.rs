//! The plan header (заголовок плана) of an organization in a cycle: what bus.gov.ru's own
//! improvement-plan document (ТФФ 1.8.3 `planShortcomingInfoType`) says about the plan besides
//! its rows — the public council, the period, who approved the plan and when, how its execution
//! is controlled, and the approving acts. The approval date is the membership's
//! `plan_approved_on` (the event «после утверждения плана» counts from).
//!
//! A save names the header version it read (0: there was no header), writes only what differs
//! and records each changed field in the audit log (`plan_header`, `membership`, `plan_act`), in
//! the caller's transaction ([`save_in`]) or its own ([`save`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::audit::{self, Action, Entry};
use super::codec;
use super::edit::{Author, Conflict, EditError, last_change};
use super::{Result, StoreError};
use crate::domain::record::Val;

/// An act that approved the plan (PLAN_SHORTCOMING_DOCUMENTS): all parts optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Act {
    /// Наименование акта (документа).
    pub name: String,
    /// Вид акта: приказ, распоряжение…
    pub kind: String,
    pub date: Option<NaiveDate>,
    pub number: String,
}

impl Act {
    /// «приказ от 15.01.2026 № 12-о "Об утверждении плана"» — for the audit log and the card.
    pub fn describe(&self) -> String {
        let mut s = self.kind.clone();
        if let Some(d) = self.date {
            push_word(&mut s, &format!("от {}", d.format("%d.%m.%Y")));
        }
        if !self.number.is_empty() {
            push_word(&mut s, &format!("№ {}", self.number));
        }
        if !self.name.is_empty() {
            push_word(&mut s, &format!("«{}»", self.name));
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.name.trim().is_empty()
            && self.kind.trim().is_empty()
            && self.date.is_none()
            && self.number.trim().is_empty()
    }
}

fn push_word(s: &mut String, w: &str) {
    if !s.is_empty() {
        s.push(' ');
    }
    s.push_str(w);
}

/// The header's data as stored and as a form or an import writes them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// Общественный совет; empty = the council of the cycle's authority.
    pub social_council: String,
    pub plan_period: Option<i32>,
    /// Организация, утвердившая план.
    pub approved_by: String,
    pub approver_last_name: String,
    pub approver_first_name: String,
    pub approver_middle_name: String,
    /// The approval date (membership `plan_approved_on`).
    pub approved_on: Option<NaiveDate>,
    /// Описание организации контроля.
    pub control: String,
    pub acts: Vec<Act>,
}

/// A header as read: its data, the version (0 when there is no header row yet) and the row's id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stored {
    pub header: Header,
    pub version: i64,
    pub id: Option<i64>,
}

/// The columns of `plan_header` a save writes, with their audit names.
const COLUMNS: [&str; 7] = [
    "social_council",
    "plan_period",
    "approved_by",
    "approver_last_name",
    "approver_first_name",
    "approver_middle_name",
    "control",
];

fn values(h: &Header) -> [Value; 7] {
    [
        Value::Text(h.social_council.clone()),
        h.plan_period
            .map_or(Value::Null, |y| Value::Integer(i64::from(y))),
        Value::Text(h.approved_by.clone()),
        Value::Text(h.approver_last_name.clone()),
        Value::Text(h.approver_first_name.clone()),
        Value::Text(h.approver_middle_name.clone()),
        Value::Text(h.control.clone()),
    ]
}

fn acts_of(conn: &Connection, cycle_id: i64, org_id: i64) -> Result<Vec<Act>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, kind, date, number FROM plan_act
         WHERE cycle_id = ?1 AND org_id = ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map([cycle_id, org_id], |r| {
        Ok(Act {
            name: r.get(0)?,
            kind: r.get(1)?,
            date: codec::opt_date(r, 2)?,
            number: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The header of the organization in the cycle (an empty one, version 0, when none is stored);
/// `None` when the organization is not a member of the cycle.
pub fn get(conn: &Connection, cycle_id: i64, org_id: i64) -> Result<Option<Stored>> {
    let approved: Option<Option<NaiveDate>> = conn
        .query_row(
            "SELECT plan_approved_on FROM membership WHERE cycle_id = ?1 AND org_id = ?2",
            [cycle_id, org_id],
            |r| codec::opt_date(r, 0),
        )
        .optional()?;
    let Some(approved_on) = approved else {
        return Ok(None);
    };
    let row = conn
        .query_row(
            "SELECT id, version, social_council, plan_period, approved_by, approver_last_name,
                    approver_first_name, approver_middle_name, control
             FROM plan_header WHERE cycle_id = ?1 AND org_id = ?2",
            [cycle_id, org_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    Header {
                        social_council: r.get(2)?,
                        plan_period: r.get(3)?,
                        approved_by: r.get(4)?,
                        approver_last_name: r.get(5)?,
                        approver_first_name: r.get(6)?,
                        approver_middle_name: r.get(7)?,
                        approved_on,
                        control: r.get(8)?,
                        acts: Vec::new(),
                    },
                ))
            },
        )
        .optional()?;
    let mut stored = match row {
        Some((id, version, header)) => Stored {
            header,
            version,
            id: Some(id),
        },
        None => Stored {
            header: Header {
                approved_on,
                ..Header::default()
            },
            version: 0,
            id: None,
        },
    };
    stored.header.acts = acts_of(conn, cycle_id, org_id)?;
    Ok(Some(stored))
}

/// The headers of every member of the cycle that has one or an approval date, by organization id.
pub fn of_cycle(conn: &Connection, cycle_id: i64) -> Result<HashMap<i64, Header>> {
    let mut out: HashMap<i64, Header> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT m.org_id, m.plan_approved_on, h.social_council, h.plan_period, h.approved_by,
                h.approver_last_name, h.approver_first_name, h.approver_middle_name, h.control
         FROM membership m LEFT JOIN plan_header h ON h.cycle_id = m.cycle_id AND h.org_id = m.org_id
         WHERE m.cycle_id = ?1 AND (h.id IS NOT NULL OR m.plan_approved_on IS NOT NULL)",
    )?;
    let rows = stmt.query_map([cycle_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Header {
                approved_on: codec::opt_date(r, 1)?,
                social_council: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                plan_period: r.get(3)?,
                approved_by: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                approver_last_name: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                approver_first_name: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                approver_middle_name: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                control: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                acts: Vec::new(),
            },
        ))
    })?;
    for row in rows {
        let (org, h) = row?;
        out.insert(org, h);
    }
    let mut stmt = conn.prepare(
        "SELECT org_id, name, kind, date, number FROM plan_act WHERE cycle_id = ?1
         ORDER BY org_id, seq",
    )?;
    let rows = stmt.query_map([cycle_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Act {
                name: r.get(1)?,
                kind: r.get(2)?,
                date: codec::opt_date(r, 3)?,
                number: r.get(4)?,
            },
        ))
    })?;
    for row in rows {
        let (org, act) = row?;
        out.entry(org).or_default().acts.push(act);
    }
    Ok(out)
}

/// The default public council of a cycle: the council of its authority.
pub fn default_council(conn: &Connection, cycle_id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT a.name FROM cycle c JOIN authority a ON a.id = c.authority_id WHERE c.id = ?1",
            [cycle_id],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .map(|a| council_of(&a)))
}

/// The organization as the portal's plan document names it (regNum, full name, ИНН, КПП).
pub fn org_party(conn: &Connection, org_id: i64) -> Result<Option<super::export_data::PartyRow>> {
    Ok(conn
        .query_row(
            "SELECT reg_num, full_name, inn, kpp FROM organization WHERE id = ?1",
            [org_id],
            |r| {
                Ok(super::export_data::PartyRow {
                    reg_num: r.get(0)?,
                    full_name: r.get(1)?,
                    inn: r.get(2)?,
                    kpp: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// The council of an authority, named without declining the authority's name (which would
/// take a dictionary): «Общественный совет при уполномоченном органе (Комитет …)».
pub fn council_of(authority: &str) -> String {
    format!("Общественный совет при уполномоченном органе ({authority})")
}

fn text(v: &Value) -> Option<String> {
    super::edit::audit_text(v)
}

/// Writes `new` as the header of the organization in the cycle, read at `version` (0: none was
/// stored). Only what differs is written and audited; returns whether anything changed. Runs in
/// the caller's transaction.
pub fn save_in(
    tx: &Connection,
    cycle_id: i64,
    org_id: i64,
    version: i64,
    new: &Header,
    who: Author<'_>,
    note: &str,
) -> std::result::Result<bool, EditError> {
    let Some(now) = get(tx, cycle_id, org_id)? else {
        return Err(EditError::Gone);
    };
    if now.version != version {
        let by = match now.id {
            Some(id) => last_change(tx, "plan_header", id)?,
            None => None,
        };
        let names = COLUMNS.iter().map(|c| c.to_string());
        return Err(EditError::Conflict(Conflict {
            version: now.version,
            now: names
                .zip(values(&now.header).into_iter().map(Val::from))
                .collect(),
            by,
        }));
    }
    let old = &now.header;
    let audit = |action: Action,
                 entity: &str,
                 id: Option<i64>,
                 field: Option<&str>,
                 o: Option<&str>,
                 n: Option<&str>|
     -> Result<()> {
        audit::record(
            tx,
            &Entry {
                at: who.at,
                os_user: who.os_user,
                action,
                entity,
                entity_id: id,
                field,
                old_value: o,
                new_value: n,
                note,
            },
        )?;
        Ok(())
    };
    let mut changed = false;
    let (old_v, new_v) = (values(old), values(new));
    let fields_differ = old_v != new_v;
    let acts_differ = old.acts != new.acts;
    let header_id = match now.id {
        Some(id) => id,
        None if fields_differ || acts_differ => {
            tx.execute(
                "INSERT INTO plan_header (cycle_id, org_id) VALUES (?1, ?2)",
                [cycle_id, org_id],
            )
            .map_err(StoreError::from)?;
            let id = tx.last_insert_rowid();
            audit(Action::Insert, "plan_header", Some(id), None, None, None)?;
            id
        }
        None => 0,
    };
    if fields_differ {
        let sets: Vec<String> = COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 2))
            .collect();
        let sql = format!(
            "UPDATE plan_header SET {}, version = version + 1 WHERE id = ?1",
            sets.join(", ")
        );
        let mut params: Vec<Value> = vec![Value::Integer(header_id)];
        params.extend(new_v.iter().cloned());
        tx.execute(&sql, rusqlite::params_from_iter(params))
            .map_err(StoreError::from)?;
        for ((c, o), n) in COLUMNS.iter().zip(&old_v).zip(&new_v) {
            if o != n {
                audit(
                    Action::Update,
                    "plan_header",
                    Some(header_id),
                    Some(c),
                    text(o).as_deref(),
                    text(n).as_deref(),
                )?;
            }
        }
        changed = true;
    }
    if acts_differ {
        tx.execute(
            "DELETE FROM plan_act WHERE cycle_id = ?1 AND org_id = ?2",
            [cycle_id, org_id],
        )
        .map_err(StoreError::from)?;
        for a in &old.acts {
            audit(
                Action::Delete,
                "plan_act",
                Some(header_id),
                None,
                Some(&a.describe()),
                None,
            )?;
        }
        for (seq, a) in new.acts.iter().enumerate() {
            tx.execute(
                "INSERT INTO plan_act (cycle_id, org_id, seq, name, kind, date, number)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    cycle_id,
                    org_id,
                    seq as i64 + 1,
                    a.name,
                    a.kind,
                    a.date.map(|d| d.format("%Y-%m-%d").to_string()),
                    a.number
                ],
            )
            .map_err(StoreError::from)?;
            audit(
                Action::Insert,
                "plan_act",
                Some(header_id),
                None,
                None,
                Some(&a.describe()),
            )?;
        }
        if !fields_differ {
            tx.execute(
                "UPDATE plan_header SET version = version + 1 WHERE id = ?1",
                [header_id],
            )
            .map_err(StoreError::from)?;
        }
        changed = true;
    }
    if old.approved_on != new.approved_on {
        let iso = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let membership: i64 = tx
            .query_row(
                "UPDATE membership SET plan_approved_on = ?3, version = version + 1
                 WHERE cycle_id = ?1 AND org_id = ?2 RETURNING id",
                params![cycle_id, org_id, iso(new.approved_on)],
                |r| r.get(0),
            )
            .map_err(StoreError::from)?;
        audit(
            Action::Update,
            "membership",
            Some(membership),
            Some("plan_approved_on"),
            iso(old.approved_on).as_deref(),
            iso(new.approved_on).as_deref(),
        )?;
        if !changed && header_id != 0 {
            tx.execute(
                "UPDATE plan_header SET version = version + 1 WHERE id = ?1",
                [header_id],
            )
            .map_err(StoreError::from)?;
        }
        changed = true;
    }
    Ok(changed)
}

/// Inserts a header where there is none, without the audit of each field: for a build that
/// records one audit entry for everything it writes (the demo). An empty `approved_by` becomes
/// the organization's own full name (its head approves the plan).
pub fn insert_new(conn: &Connection, cycle_id: i64, org_id: i64, h: &Header) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO plan_header (cycle_id, org_id, social_council, plan_period, approved_by,
                                  approver_last_name, approver_first_name, approver_middle_name,
                                  control)
         SELECT ?1, ?2, ?3, ?4, CASE WHEN ?5 = '' THEN o.full_name ELSE ?5 END, ?6, ?7, ?8, ?9
         FROM organization o WHERE o.id = ?2",
    )?
    .execute(params![
        cycle_id,
        org_id,
        h.social_council,
        h.plan_period,
        h.approved_by,
        h.approver_last_name,
        h.approver_first_name,
        h.approver_middle_name,
        h.control
    ])?;
    let iso = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    conn.prepare_cached(
        "UPDATE membership SET plan_approved_on = ?3 WHERE cycle_id = ?1 AND org_id = ?2",
    )?
    .execute(params![cycle_id, org_id, iso(h.approved_on)])?;
    for (seq, a) in h.acts.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO plan_act (cycle_id, org_id, seq, name, kind, date, number)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            cycle_id,
            org_id,
            seq as i64 + 1,
            a.name,
            a.kind,
            iso(a.date),
            a.number
        ])?;
    }
    Ok(())
}

/// The fingerprints of the portal's plan documents last exported for the cycle, by organization.
pub fn exported_hashes(conn: &Connection, cycle_id: i64) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare(
        "SELECT org_id, exported_hash FROM plan_header
         WHERE cycle_id = ?1 AND exported_hash IS NOT NULL",
    )?;
    let rows = stmt.query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records the fingerprint of the portal's plan document just exported (the header's version
/// stays: this is not an edit).
pub fn record_export(
    conn: &Connection,
    cycle_id: i64,
    org_id: i64,
    hash: &str,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE plan_header SET exported_hash = ?3, exported_at = ?4
         WHERE cycle_id = ?1 AND org_id = ?2",
    )?
    .execute(params![cycle_id, org_id, hash, at])?;
    Ok(())
}

/// [`save_in`] in a transaction of its own; the header's version after the save, `None` when
/// nothing differed.
pub fn save(
    conn: &Connection,
    cycle_id: i64,
    org_id: i64,
    version: i64,
    new: &Header,
    who: Author<'_>,
    note: &str,
) -> std::result::Result<Option<i64>, EditError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    if !save_in(&tx, cycle_id, org_id, version, new, who, note)? {
        return Ok(None);
    }
    let saved = get(&tx, cycle_id, org_id)?.map_or(0, |s| s.version);
    tx.commit()?;
    Ok(Some(saved))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
               VALUES (1, 'Комитет', 'Регион', '7701234567', '770101001', '1027700000000');
             INSERT INTO organization (id, full_name, inn, kpp, ogrn, reg_num, sector, region)
               VALUES (1, 'ГБУ', '4710156419', '471001001', '1024700000000', '41493880', 'social', 'Регион');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
               VALUES (1, 2025, 'social', 1, 'Регион', 'approved', '2018');
             INSERT INTO membership (id, cycle_id, org_id) VALUES (7, 1, 1);",
        )
        .unwrap();
        conn
    }

    const WHO: Author<'static> = Author {
        os_user: "tester",
        at: "2026-11-22T10:00:00",
    };

    fn audit_rows(conn: &Connection) -> Vec<(String, String, Option<String>, Option<String>)> {
        let mut s = conn
            .prepare("SELECT action, entity, field, new_value FROM audit_log ORDER BY id")
            .unwrap();
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_header_is_written_audited_and_the_same_again_changes_nothing() {
        let conn = db();
        let empty = get(&conn, 1, 1).unwrap().unwrap();
        assert_eq!(empty.version, 0);
        assert_eq!(get(&conn, 1, 2).unwrap(), None);
        let h = Header {
            plan_period: Some(2026),
            approved_by: "Комитет".into(),
            approver_last_name: "Иванова".into(),
            approver_first_name: "Анна".into(),
            approver_middle_name: "Петровна".into(),
            approved_on: NaiveDate::from_ymd_opt(2026, 1, 15),
            acts: vec![Act {
                name: "Об утверждении плана".into(),
                kind: "приказ".into(),
                date: NaiveDate::from_ymd_opt(2026, 1, 15),
                number: "12-о".into(),
            }],
            ..Header::default()
        };
        assert_eq!(save(&conn, 1, 1, 0, &h, WHO, "форма").unwrap(), Some(2));
        let got = get(&conn, 1, 1).unwrap().unwrap();
        assert_eq!(got.header, h);
        assert_eq!(got.version, 2, "inserted at 1, one bump for the save");
        // Worked out by hand: one insert of the header, four non-empty fields changed (the
        // empty ones stay as they were), one act, the membership's date.
        let rows = audit_rows(&conn);
        let fields: Vec<&str> = rows.iter().filter_map(|r| r.2.as_deref()).collect();
        assert_eq!(
            fields,
            [
                "plan_period",
                "approved_by",
                "approver_last_name",
                "approver_first_name",
                "approver_middle_name",
                "plan_approved_on"
            ]
        );
        assert_eq!(rows.len(), 8, "{rows:?}");
        let date: String = conn
            .query_row(
                "SELECT plan_approved_on FROM membership WHERE id = 7",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(date, "2026-01-15");
        // The same again: nothing.
        assert_eq!(
            save(&conn, 1, 1, got.version, &h, WHO, "форма").unwrap(),
            None
        );
        assert_eq!(audit_rows(&conn).len(), 8);
        // A stale version is a conflict, and nothing is written.
        let mut other = h.clone();
        other.control = "ежеквартально".into();
        assert!(matches!(
            save(&conn, 1, 1, 1, &other, WHO, "форма"),
            Err(EditError::Conflict(_))
        ));
        assert_eq!(get(&conn, 1, 1).unwrap().unwrap().header, h);
    }
}
