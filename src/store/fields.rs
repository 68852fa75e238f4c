//! The write vocabulary (`domain::record`) in SQL terms, and the typed writes built on it. This
//! is the one place that knows the column of each [`Field`] and turns a [`Val`] into the SQL
//! crate's value and back. [`read`] gives a form the record it edits ([`Record`]), [`update`],
//! [`update_many`] and [`create`] write typed field changes through the column-level writes of
//! `store::edit` and `store::edit_create`, which keep the version check, the audit log and the
//! lists of columns a form may write.

use rusqlite::types::Value;

use super::edit::{self, Author, Conflict, EditError, FieldEdit, Table};
use super::edit_create;
use crate::domain::record::{
    CycleField, Field, FieldChange, MeetingField, MembershipField, OrgField, PlanRowField,
    RowChange, ShortcomingField, Val, WorkplanItemField,
};

/// The column of `field` in its table.
pub(crate) fn column(field: Field) -> &'static str {
    match field {
        Field::Organization(f) => match f {
            OrgField::FullName => "full_name",
            OrgField::ShortName => "short_name",
            OrgField::Inn => "inn",
            OrgField::Kpp => "kpp",
            OrgField::Ogrn => "ogrn",
            OrgField::RegNum => "reg_num",
            OrgField::Oktmo => "oktmo",
            OrgField::Address => "address",
            OrgField::Website => "website",
            OrgField::Active => "active",
            OrgField::Sector => "sector",
            OrgField::Region => "region",
            OrgField::Founder => "founder_id",
        },
        Field::Cycle(f) => match f {
            CycleField::Year => "year",
            CycleField::Sector => "sector",
            CycleField::Authority => "authority_id",
            CycleField::Region => "region",
            CycleField::Status => "status",
            CycleField::Methodology => "methodology",
            CycleField::OperatorName => "operator_name",
            CycleField::OperatorInn => "operator_inn",
            CycleField::ContractNumber => "contract_number",
            CycleField::ContractDate => "contract_date",
            CycleField::CouncilProtocolNumber => "council_protocol_number",
            CycleField::CouncilProtocolDate => "council_protocol_date",
            CycleField::ScoresStale => "scores_stale",
        },
        Field::Membership(f) => match f {
            MembershipField::Cycle => "cycle_id",
            MembershipField::Org => "org_id",
            MembershipField::Group => "grp",
            MembershipField::Respondents => "respondents",
            MembershipField::PlanApprovedOn => "plan_approved_on",
            MembershipField::Recipients => "recipients",
        },
        Field::PlanRow(f) => match f {
            PlanRowField::Cycle => "cycle_id",
            PlanRowField::Org => "org_id",
            PlanRowField::Number => "number",
            PlanRowField::Criterion => "criterion",
            PlanRowField::ShortcomingRef => "shortcoming_id",
            PlanRowField::Shortcoming => "shortcoming",
            PlanRowField::Measure => "measure",
            PlanRowField::PlannedDate => "planned_date",
            PlanRowField::RespLastName => "resp_last_name",
            PlanRowField::RespFirstName => "resp_first_name",
            PlanRowField::RespMiddleName => "resp_middle_name",
            PlanRowField::RespPosition => "resp_position",
            PlanRowField::ExpectedResult => "expected_result",
            PlanRowField::ResultIndicators => "result_indicators",
            PlanRowField::Status => "status",
            PlanRowField::ImplementedMeasures => "implemented_measures",
            PlanRowField::ActualDate => "actual_date",
            PlanRowField::CancelReason => "cancel_reason",
        },
        Field::Shortcoming(f) => match f {
            ShortcomingField::Cycle => "cycle_id",
            ShortcomingField::Org => "org_id",
            ShortcomingField::Criterion => "criterion",
            ShortcomingField::Indicator => "indicator",
            ShortcomingField::Text => "text",
        },
        Field::CouncilMeeting(f) => match f {
            MeetingField::Authority => "authority_id",
            MeetingField::Cycle => "cycle_id",
            MeetingField::Date => "date",
            MeetingField::ProtocolNumber => "protocol_number",
            MeetingField::Agenda => "agenda",
            MeetingField::Decisions => "decisions",
        },
        Field::WorkplanItem(f) => match f {
            WorkplanItemField::Status => "status",
            WorkplanItemField::CompletedOn => "completed_on",
            WorkplanItemField::Note => "note",
        },
    }
}

impl From<Val> for Value {
    fn from(v: Val) -> Value {
        match v {
            Val::Null => Value::Null,
            Val::Int(i) => Value::Integer(i),
            Val::Real(r) => Value::Real(r),
            Val::Text(t) => Value::Text(t),
            Val::Bytes(b) => Value::Blob(b),
        }
    }
}

impl From<Value> for Val {
    fn from(v: Value) -> Val {
        match v {
            Value::Null => Val::Null,
            Value::Integer(i) => Val::Int(i),
            Value::Real(r) => Val::Real(r),
            Value::Text(t) => Val::Text(t),
            Value::Blob(b) => Val::Bytes(b),
        }
    }
}

/// A stored record as a form reads it: the fields asked for with their values, and the row
/// version they were read at.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: i64,
    pub version: i64,
    pub values: Vec<(Field, Val)>,
}

impl Record {
    /// The value of `field` (NULL when it was not read).
    pub fn get(&self, field: impl Into<Field>) -> Val {
        let field = field.into();
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(Val::Null, |(_, v)| v.clone())
    }
}

impl Conflict {
    /// The value of `field` as the other session left it (`None` when the conflict does not
    /// name it).
    pub fn value(&self, field: impl Into<Field>) -> Option<&Val> {
        let name = column(field.into());
        self.now.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// The columns of `fields`, each of `table`.
fn columns_of(
    table: Table,
    fields: impl IntoIterator<Item = Field>,
) -> Result<Vec<&'static str>, EditError> {
    fields
        .into_iter()
        .map(|f| {
            if f.table() == table {
                Ok(column(f))
            } else {
                Err(EditError::Column(column(f)))
            }
        })
        .collect()
}

fn field_edits(table: Table, changes: &[FieldChange]) -> Result<Vec<FieldEdit>, EditError> {
    let columns = columns_of(table, changes.iter().map(|c| c.field))?;
    Ok(columns
        .into_iter()
        .zip(changes)
        .map(|(column, c)| FieldEdit {
            column,
            old: c.old.clone().into(),
            new: c.new.clone().into(),
        })
        .collect())
}

/// Reads `fields` of row `id` of `table` with its version; `None` when there is no such row.
/// Fields of another table are refused.
pub fn read(
    conn: &rusqlite::Connection,
    table: Table,
    id: i64,
    fields: &[Field],
) -> Result<Option<Record>, EditError> {
    let columns = columns_of(table, fields.iter().copied())?;
    Ok(
        edit::read(conn, table, id, &columns)?.map(|(values, version)| Record {
            id,
            version,
            values: fields
                .iter()
                .copied()
                .zip(values.into_iter().map(Val::from))
                .collect(),
        }),
    )
}

/// [`edit::update`] with typed changes: writes the fields whose value differs from the one
/// read, version-checked and audited; returns the version after the change.
pub fn update(
    conn: &rusqlite::Connection,
    table: Table,
    id: i64,
    version: i64,
    changes: &[FieldChange],
    who: Author<'_>,
    note: &str,
) -> Result<i64, EditError> {
    let edits = field_edits(table, changes)?;
    edit::update(conn, table, id, version, &edits, who, note)
}

/// [`edit::update_many`] with typed changes: several rows in one transaction, the first
/// conflict refusing them all (with the id of its row).
pub fn update_many(
    conn: &rusqlite::Connection,
    rows: &[RowChange],
    who: Author<'_>,
    note: &str,
) -> Result<Vec<i64>, (i64, EditError)> {
    let rows: Vec<edit::RowEdit> = rows
        .iter()
        .map(|r| Ok((r.table, r.id, r.version, field_edits(r.table, &r.fields)?)))
        .collect::<Result<_, EditError>>()
        .map_err(|e| (0, e))?;
    edit::update_many(conn, &rows, who, note)
}

/// [`edit_create::create`] with typed values: a new row of `table`, audited; returns its id.
pub fn create(
    conn: &rusqlite::Connection,
    table: Table,
    values: &[(Field, Val)],
    who: Author<'_>,
    note: &str,
) -> Result<i64, EditError> {
    let columns = columns_of(table, values.iter().map(|(f, _)| *f))?;
    let row: Vec<(&'static str, Value)> = columns
        .into_iter()
        .zip(values.iter().map(|(_, v)| Value::from(v.clone())))
        .collect();
    edit_create::create(conn, table, &row, who, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field's column exists in its table of the schema as migrated, so a column renamed
    /// in a migration fails here rather than in a form.
    #[test]
    fn every_field_names_a_column_of_its_table() {
        let conn = crate::store::open_in_memory().unwrap();
        let mut checked = 0;
        for field in Field::all() {
            let table = field.table().name();
            let mut stmt = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap();
            let names: Vec<String> = stmt
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(!names.is_empty(), "no table {table}");
            assert!(
                names.iter().any(|n| n == column(field)),
                "{field:?}: no column {} in {table} ({names:?})",
                column(field)
            );
            checked += 1;
        }
        assert_eq!(checked, 64);
    }

    fn who(at: &'static str) -> Author<'static> {
        Author {
            os_user: "ivanova",
            at,
        }
    }

    /// A typed change lands in the column of its field, bumps the version and is audited under
    /// the column's name; a second change naming the old version is refused with the value now.
    #[test]
    fn a_typed_change_is_written_audited_and_version_checked() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
               VALUES (1, 'Музей', 'Музей', '6900000002', '690001001', '1026900000002', '12345678',
                       'culture', 'Тверская область');",
        )
        .unwrap();
        let record = read(&conn, Table::Organization, 1, &[OrgField::ShortName.into()])
            .unwrap()
            .unwrap();
        assert_eq!(record.version, 1);
        assert_eq!(record.get(OrgField::ShortName), Val::text("Музей"));
        let change = FieldChange::new(OrgField::ShortName, Val::text("Музей"), Val::text("ТКМ"));
        let v = update(
            &conn,
            Table::Organization,
            1,
            1,
            std::slice::from_ref(&change),
            who("2026-12-01T10:00:00"),
            "реквизиты",
        )
        .unwrap();
        assert_eq!(v, 2);
        let row: (String, i64) = conn
            .query_row(
                "SELECT short_name, version FROM organization WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(row, ("ТКМ".to_string(), 2));
        let audit: (String, String, String, String) = conn
            .query_row(
                "SELECT entity, field, old_value, new_value FROM audit_log WHERE entity_id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            audit,
            (
                "organization".into(),
                "short_name".into(),
                "Музей".into(),
                "ТКМ".into()
            )
        );
        // The same change again from version 1: someone else's write came first.
        let again = FieldChange::new(OrgField::ShortName, Val::text("Музей"), Val::text("ГКМ"));
        let e = update(
            &conn,
            Table::Organization,
            1,
            1,
            &[again],
            who("2026-12-01T10:05:00"),
            "",
        )
        .unwrap_err();
        let EditError::Conflict(c) = e else {
            panic!("not a conflict: {e:?}")
        };
        assert_eq!(c.version, 2);
        assert_eq!(c.value(OrgField::ShortName), Some(&Val::text("ТКМ")));
        assert_eq!(c.value(OrgField::FullName), Some(&Val::text("Музей")));
        assert_eq!(
            c.by,
            Some(("ivanova".to_string(), "2026-12-01T10:00:00".to_string()))
        );
    }

    #[test]
    fn a_field_of_another_table_is_refused() {
        let conn = crate::store::open_in_memory().unwrap();
        let e = read(&conn, Table::PlanRow, 1, &[OrgField::Inn.into()]).unwrap_err();
        assert!(matches!(e, EditError::Column("inn")), "{e:?}");
    }

    #[test]
    fn values_cross_to_sql_and_back_unchanged() {
        for v in [
            Val::Null,
            Val::Int(-7),
            Val::Real(0.25),
            Val::text("Музей"),
            Val::Bytes(vec![1, 2]),
        ] {
            assert_eq!(Val::from(Value::from(v.clone())), v);
        }
        assert_eq!(Value::from(Val::Int(3)), Value::Integer(3));
        assert_eq!(Value::from(Val::text("а")), Value::Text("а".into()));
    }
}
