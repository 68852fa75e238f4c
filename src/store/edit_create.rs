//! New records made in forms: an organization, a cycle, an organization's membership in a
//! cycle, a council meeting, a shortcoming, an improvement-plan row. Each is one transaction that
//! writes the row and every value to the audit log (NULL → value); the undo of a new record
//! deletes it again, provided nobody changed it since.

use rusqlite::types::Value;
use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::audit::{self, Action, Entry};
use super::edit::{Author, EditError, Removed, Table, audit_text, delete_row};

impl Table {
    /// Columns a new row of the table may be given through [`create`] (the names are put into
    /// SQL, so only these are accepted); the rest take their defaults.
    pub fn creatable_columns(self) -> &'static [&'static str] {
        match self {
            Table::PlanRow => &[
                "cycle_id",
                "org_id",
                "number",
                "criterion",
                "shortcoming_id",
                "shortcoming",
                "measure",
                "planned_date",
                "resp_last_name",
                "resp_first_name",
                "resp_middle_name",
                "resp_position",
                "expected_result",
                "result_indicators",
                "status",
            ],
            Table::Shortcoming => &["cycle_id", "org_id", "criterion", "indicator", "text"],
            Table::CouncilMeeting => &[
                "authority_id",
                "cycle_id",
                "date",
                "protocol_number",
                "agenda",
                "decisions",
            ],
            Table::Organization => &[
                "full_name",
                "short_name",
                "inn",
                "kpp",
                "ogrn",
                "reg_num",
                "sector",
                "region",
                "oktmo",
                "address",
                "website",
                "founder_id",
            ],
            Table::Cycle => &[
                "year",
                "sector",
                "authority_id",
                "region",
                "status",
                "methodology",
                "operator_name",
                "operator_inn",
                "contract_number",
                "contract_date",
            ],
            Table::Membership => &["cycle_id", "org_id", "grp", "respondents"],
            Table::WorkplanItem => &[],
        }
    }
}

/// A database refusal of a new row, in words: a taken key or a broken rule.
fn constraint_message(e: &rusqlite::Error) -> Option<String> {
    let rusqlite::Error::SqliteFailure(f, msg) = e else {
        return None;
    };
    if f.code != rusqlite::ErrorCode::ConstraintViolation {
        return None;
    }
    let msg = msg.as_deref().unwrap_or("");
    Some(if msg.contains("UNIQUE") {
        "такая запись уже есть (совпадает ключ: номер, ИНН/КПП, regNum или год, сфера и орган)"
            .to_string()
    } else if let Some(column) = msg.strip_prefix("NOT NULL constraint failed: ") {
        format!("не заполнено обязательное значение ({column}): заполните поле формы")
    } else if msg.contains("FOREIGN KEY") {
        "запись ссылается на то, чего больше нет (организацию, цикл, орган)".to_string()
    } else {
        format!("значения не подходят по правилам базы ({msg})")
    })
}

/// Writes a new row of `table` with `values` (each column at most once, all from
/// [`Table::creatable_columns`]) and audits each value; returns its id. A new organization's
/// membership in a cycle marks the cycle's scores stale (they no longer cover every member).
pub fn create(
    conn: &Connection,
    table: Table,
    values: &[(&'static str, Value)],
    who: Author<'_>,
    note: &str,
) -> Result<i64, EditError> {
    if let Some((bad, _)) = values
        .iter()
        .find(|(c, _)| !table.creatable_columns().contains(c))
    {
        return Err(EditError::Column(bad));
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let names: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
    let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.name(),
        names.join(", "),
        marks.join(", ")
    );
    if let Err(e) = tx.execute(
        &sql,
        rusqlite::params_from_iter(values.iter().map(|(_, v)| v)),
    ) {
        return Err(match constraint_message(&e) {
            Some(m) => EditError::Refused(m),
            None => e.into(),
        });
    }
    let id = tx.last_insert_rowid();
    let entry = |field: &str, old: Option<&str>, new: Option<&str>, entity: &str, id: i64| {
        audit::record(
            &tx,
            &Entry {
                at: who.at,
                os_user: who.os_user,
                action: if old.is_none() {
                    Action::Insert
                } else {
                    Action::Update
                },
                entity,
                entity_id: Some(id),
                field: Some(field),
                old_value: old,
                new_value: new,
                note,
            },
        )
    };
    for (column, value) in values {
        let new = audit_text(value);
        entry(column, None, new.as_deref(), table.name(), id)?;
    }
    if table == Table::Membership
        && let Some((_, Value::Integer(cycle))) = values.iter().find(|(c, _)| *c == "cycle_id")
        && tx.execute(
            "UPDATE cycle SET scores_stale = 1 WHERE id = ?1 AND scores_stale = 0",
            [cycle],
        )? == 1
    {
        entry("scores_stale", Some("0"), Some("1"), "cycle", *cycle)?;
    }
    tx.commit()?;
    Ok(id)
}

/// The undo of [`create`]: deletes the new row `id` if it is still at `version` (nobody changed
/// it since) and nothing has come to depend on it.
pub fn withdraw(
    conn: &Connection,
    table: Table,
    id: i64,
    version: i64,
    who: Author<'_>,
    note: &str,
) -> Result<Removed, EditError> {
    delete_row(conn, table, id, version, who, note)
}

/// Whether organization `org` already has a plan row numbered `number` in cycle `cycle`, other
/// than row `except`.
pub fn plan_number_taken(
    conn: &Connection,
    cycle: i64,
    org: i64,
    number: &str,
    except: Option<i64>,
) -> Result<bool, EditError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2 AND number = ?3
                         AND id IS NOT ?4)",
        rusqlite::params![cycle, org, number, except],
        |r| r.get(0),
    )?)
}

/// The number a new plan row of organization `org` in cycle `cycle` under criterion `Кk` gets
/// unless the person types another: [`crate::domain::plan::next_row_number`] of the numbers its
/// plan has.
pub fn next_plan_number(
    conn: &Connection,
    cycle: i64,
    org: i64,
    criterion: &str,
) -> Result<String, EditError> {
    let mut stmt =
        conn.prepare_cached("SELECT number FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2")?;
    let numbers: Vec<String> = stmt
        .query_map([cycle, org], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(crate::domain::plan::next_row_number(
        numbers.iter().map(String::as_str),
        criterion,
    ))
}

/// Authorities as (id, «short name — region», region), for a choice in a form.
pub fn authority_choices(conn: &Connection) -> Result<Vec<(i64, String, String)>, EditError> {
    let mut stmt = conn.prepare(
        "SELECT id, CASE WHEN short_name = '' THEN name ELSE short_name END, region
         FROM authority ORDER BY region, 2",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let region: String = r.get(2)?;
            Ok((
                r.get::<_, i64>(0)?,
                format!("{} — {region}", r.get::<_, String>(1)?),
                region,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Cycles organization `org` could join: of its sphere and region, not joined yet, newest
/// first, as (id, «2026 · Минкультуры ТО · сбор сведений»).
pub fn joinable_cycles(conn: &Connection, org: i64) -> Result<Vec<(i64, String)>, EditError> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.year, CASE WHEN a.short_name = '' THEN a.name ELSE a.short_name END,
                c.status
         FROM cycle c JOIN authority a ON a.id = c.authority_id
         JOIN organization o ON o.id = ?1 AND o.sector = c.sector AND o.region = c.region
         WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.cycle_id = c.id AND m.org_id = ?1)
         ORDER BY c.year DESC, c.id DESC",
    )?;
    let rows = stmt
        .query_map([org], |r| {
            let status: String = r.get(3)?;
            let status = crate::domain::cycle::CycleStatus::from_code(&status)
                .map_or(status.clone(), |s| s.name_ru().to_string());
            Ok((
                r.get::<_, i64>(0)?,
                format!(
                    "{} · цикл {} · {} · {status}",
                    r.get::<_, i32>(1)?,
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(2)?
                ),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Cycles as (id, authority id, «2026 · цикл 12 · Минкультуры ТО · культура»), newest first, for
/// a choice in a form.
pub fn cycle_choices(conn: &Connection) -> Result<Vec<(i64, i64, String)>, EditError> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.authority_id, c.year,
                CASE WHEN a.short_name = '' THEN a.name ELSE a.short_name END, c.sector
         FROM cycle c JOIN authority a ON a.id = c.authority_id
         ORDER BY c.year DESC, c.id DESC",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let sector: String = r.get(4)?;
            let sector = crate::domain::sector::Sector::parse(&sector)
                .map_or(sector.clone(), |s| s.name_ru().to_string());
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                format!(
                    "{} · цикл {} · {} · {sector}",
                    r.get::<_, i32>(2)?,
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(3)?
                ),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store;

    fn who() -> Author<'static> {
        Author {
            os_user: "ivanova",
            at: "2026-12-01T10:00:00",
        }
    }

    fn db() -> Connection {
        let conn = store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
               VALUES (1, 'Минкультуры', 'Тверская область', '6900000001', '690001001', '1026900000001');
             INSERT INTO organization (id, full_name, inn, kpp, ogrn, reg_num, sector, region)
               VALUES (1, 'Музей', '6900000002', '690001001', '1026900000002', '12345678', 'culture', 'Тверская область');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology, scores_stale)
               VALUES (1, 2026, 'culture', 1, 'Тверская область', 'collecting', 'm', 0);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn a_new_row_is_audited_and_its_undo_deletes_it() {
        let conn = db();
        let id = create(
            &conn,
            Table::CouncilMeeting,
            &[
                ("authority_id", Value::Integer(1)),
                ("date", Value::Text("2026-11-20".into())),
                ("protocol_number", Value::Text("7".into())),
            ],
            who(),
            "новое заседание",
        )
        .unwrap();
        let audited: Vec<(String, String, Option<String>)> = conn
            .prepare(
                "SELECT action, field, new_value FROM audit_log WHERE entity_id = ?1 ORDER BY id",
            )
            .unwrap()
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(audited.len(), 3);
        assert_eq!(
            audited[1],
            ("insert".into(), "date".into(), Some("2026-11-20".into()))
        );
        withdraw(&conn, Table::CouncilMeeting, id, 1, who(), "отмена").unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM council_meeting", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn a_new_plan_row_is_numbered_in_its_section_or_straight_through() {
        let conn = db();
        create(
            &conn,
            Table::Membership,
            &[
                ("cycle_id", Value::Integer(1)),
                ("org_id", Value::Integer(1)),
            ],
            who(),
            "",
        )
        .unwrap();
        assert_eq!(next_plan_number(&conn, 1, 1, "К2").unwrap(), "1");
        let row = |number: &str| {
            create(
                &conn,
                Table::PlanRow,
                &[
                    ("cycle_id", Value::Integer(1)),
                    ("org_id", Value::Integer(1)),
                    ("number", Value::Text(number.into())),
                    ("criterion", Value::Text("К1".into())),
                    ("measure", Value::Text("мера".into())),
                    ("planned_date", Value::Text("2026-12-01".into())),
                    ("status", Value::Text("planned".into())),
                ],
                who(),
                "",
            )
            .unwrap()
        };
        row("7");
        assert_eq!(next_plan_number(&conn, 1, 1, "К2").unwrap(), "8");
        row("1.1");
        row("1.2");
        assert_eq!(next_plan_number(&conn, 1, 1, "К1").unwrap(), "1.3");
        assert_eq!(next_plan_number(&conn, 1, 1, "К3").unwrap(), "3.1");
        assert!(plan_number_taken(&conn, 1, 1, "1.2", None).unwrap());
        assert!(!plan_number_taken(&conn, 1, 1, "1.3", None).unwrap());
    }

    #[test]
    fn a_taken_key_and_a_foreign_column_are_refused_in_words() {
        let conn = db();
        let dup = create(
            &conn,
            Table::Cycle,
            &[
                ("year", Value::Integer(2026)),
                ("sector", Value::Text("culture".into())),
                ("authority_id", Value::Integer(1)),
                ("region", Value::Text("Тверская область".into())),
                ("status", Value::Text("planned".into())),
                ("methodology", Value::Text("m".into())),
            ],
            who(),
            "",
        );
        assert!(
            matches!(&dup, Err(EditError::Refused(m)) if m.contains("уже есть")),
            "{dup:?}"
        );
        let bad = create(
            &conn,
            Table::Cycle,
            &[("scores_stale", Value::Integer(0))],
            who(),
            "",
        );
        assert!(matches!(bad, Err(EditError::Column("scores_stale"))));
    }

    #[test]
    fn a_new_member_makes_the_cycle_scores_stale() {
        let conn = db();
        create(
            &conn,
            Table::Membership,
            &[
                ("cycle_id", Value::Integer(1)),
                ("org_id", Value::Integer(1)),
                ("grp", Value::Text("музеи".into())),
            ],
            who(),
            "",
        )
        .unwrap();
        let stale: i64 = conn
            .query_row("SELECT scores_stale FROM cycle WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(stale, 1);
        // The organization is now in a cycle: it can no longer be deleted.
        let refused = crate::store::edit::delete(&conn, Table::Organization, 1, 1, who(), "");
        assert!(matches!(refused, Err(EditError::Refused(m)) if m.contains("действует")));
    }
}
