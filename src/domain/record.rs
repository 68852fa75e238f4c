//! The write vocabulary: what a form or a command changes, named without the schema. A record
//! belongs to a [`Table`]; each of its fields is a variant of the table's field enum
//! ([`OrgField::FullName`], [`PlanRowField::Status`] …), gathered in [`Field`]; a value is a
//! [`Val`]. A change of one field is a [`FieldChange`] (the value read and the value to write),
//! a change of one row a [`RowChange`].
//!
//! Only `store` knows the column of a field and turns a [`Val`] into the SQL crate's value and
//! back (`store::fields`), so the UI and the command line speak of records in these words alone,
//! and another store (another SQL engine, other column names) changes nothing outside `store`.
//!
//! Why enums and not one struct per table: a form edits some fields of a record (an execution
//! form four of a plan row's fifteen) and keeps what it read to send only what changed, with the
//! value read, for the version check and the audit log. A list of (field, value) pairs says that
//! directly; the enum makes a misspelt field a compile error and a field of another table a
//! refused write.

use chrono::NaiveDate;

/// The tables forms and commands write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    PlanRow,
    Shortcoming,
    CouncilMeeting,
    WorkplanItem,
    Cycle,
    Membership,
    Organization,
}

/// A value of a field as forms read and write it. Dates are ISO text (`YYYY-MM-DD`, as stored),
/// yes/no is 1 / 0.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Val {
    pub fn text(t: impl Into<String>) -> Val {
        Val::Text(t.into())
    }

    /// A text, or NULL when it is empty.
    pub fn text_or_null(t: &str) -> Val {
        if t.is_empty() {
            Val::Null
        } else {
            Val::text(t)
        }
    }

    /// A day as it is stored (ISO text).
    pub fn date(d: NaiveDate) -> Val {
        Val::Text(d.format("%Y-%m-%d").to_string())
    }

    /// A day or NULL.
    pub fn opt_date(d: Option<NaiveDate>) -> Val {
        d.map_or(Val::Null, Val::date)
    }

    /// A whole number or NULL.
    pub fn opt_int(n: Option<i64>) -> Val {
        n.map_or(Val::Null, Val::Int)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A number, whole or not.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Int(i) => Some(*i as f64),
            Val::Real(r) => Some(*r),
            _ => None,
        }
    }

    /// A stored day (ISO text); `None` for anything else.
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Val::Text(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").ok(),
            _ => None,
        }
    }

    /// The value as text, as the audit log keeps it (`None` = NULL).
    pub fn to_text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            Val::Int(i) => Some(i.to_string()),
            Val::Real(r) => Some(r.to_string()),
            Val::Text(t) => Some(t.clone()),
            Val::Bytes(b) => Some(format!("<{} байт>", b.len())),
        }
    }
}

/// Declares the field enum of one table: its variants, `ALL` of them, and its place in [`Field`].
macro_rules! fields {
    ($(#[$doc:meta])* $name:ident of $table:ident { $($(#[$vdoc:meta])* $v:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $v),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
        }

        impl From<$name> for Field {
            fn from(f: $name) -> Field {
                Field::$table(f)
            }
        }
    };
}

fields! {
    /// Fields of an organization.
    OrgField of Organization {
        FullName, ShortName, Inn, Kpp, Ogrn, RegNum, Oktmo, Address, Website,
        /// Still operates (yes / no).
        Active, Sector, Region,
        /// The founding authority (its id; NULL when not known).
        Founder,
    }
}

fields! {
    /// Fields of an assessment cycle.
    CycleField of Cycle {
        Year, Sector,
        /// The authority that runs the cycle (its id).
        Authority, Region, Status, Methodology, OperatorName, OperatorInn, ContractNumber,
        ContractDate, CouncilProtocolNumber, CouncilProtocolDate,
        /// The cycle's scores are older than its inputs (yes / no).
        ScoresStale,
    }
}

fields! {
    /// Fields of an organization's membership in a cycle.
    MembershipField of Membership {
        /// The cycle (its id).
        Cycle,
        /// The organization (its id).
        Org,
        /// The group for the rating.
        Group, Respondents, PlanApprovedOn, Recipients,
    }
}

fields! {
    /// Fields of an improvement-plan row.
    PlanRowField of PlanRow {
        /// The cycle (its id).
        Cycle,
        /// The organization (its id).
        Org, Number, Criterion,
        /// The shortcoming record the row answers (its id).
        ShortcomingRef,
        /// The shortcoming's text as the plan states it.
        Shortcoming, Measure, PlannedDate, RespLastName, RespFirstName, RespMiddleName,
        RespPosition, ExpectedResult, ResultIndicators, Status, ImplementedMeasures, ActualDate,
        CancelReason,
    }
}

fields! {
    /// Fields of a shortcoming found in an assessment.
    ShortcomingField of Shortcoming {
        /// The cycle (its id).
        Cycle,
        /// The organization (its id).
        Org, Criterion, Indicator, Text,
    }
}

fields! {
    /// Fields of a council meeting.
    MeetingField of CouncilMeeting {
        /// The authority whose council met (its id).
        Authority,
        /// The cycle the meeting dealt with (its id; NULL when none).
        Cycle, Date, ProtocolNumber, Agenda, Decisions,
    }
}

fields! {
    /// Fields of an item of an authority's plan.
    WorkplanItemField of WorkplanItem {
        Status, CompletedOn, Note,
    }
}

/// A field of a record of any table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Organization(OrgField),
    Cycle(CycleField),
    Membership(MembershipField),
    PlanRow(PlanRowField),
    Shortcoming(ShortcomingField),
    CouncilMeeting(MeetingField),
    WorkplanItem(WorkplanItemField),
}

impl Field {
    /// The table whose field this is.
    pub fn table(self) -> Table {
        match self {
            Field::Organization(_) => Table::Organization,
            Field::Cycle(_) => Table::Cycle,
            Field::Membership(_) => Table::Membership,
            Field::PlanRow(_) => Table::PlanRow,
            Field::Shortcoming(_) => Table::Shortcoming,
            Field::CouncilMeeting(_) => Table::CouncilMeeting,
            Field::WorkplanItem(_) => Table::WorkplanItem,
        }
    }

    /// Every field of every table.
    pub fn all() -> impl Iterator<Item = Field> {
        let all: [Vec<Field>; 7] = [
            OrgField::ALL.iter().map(|&f| f.into()).collect(),
            CycleField::ALL.iter().map(|&f| f.into()).collect(),
            MembershipField::ALL.iter().map(|&f| f.into()).collect(),
            PlanRowField::ALL.iter().map(|&f| f.into()).collect(),
            ShortcomingField::ALL.iter().map(|&f| f.into()).collect(),
            MeetingField::ALL.iter().map(|&f| f.into()).collect(),
            WorkplanItemField::ALL.iter().map(|&f| f.into()).collect(),
        ];
        all.into_iter().flatten()
    }
}

/// One field to change: the value the form read, the value to write.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: Field,
    pub old: Val,
    pub new: Val,
}

impl FieldChange {
    pub fn new(field: impl Into<Field>, old: Val, new: Val) -> FieldChange {
        FieldChange {
            field: field.into(),
            old,
            new,
        }
    }

    /// The change that puts the old value back.
    pub fn reversed(&self) -> FieldChange {
        FieldChange {
            field: self.field,
            old: self.new.clone(),
            new: self.old.clone(),
        }
    }
}

/// The changes of one row: its table and id, the version read (or, in a saved change, the
/// version right after it), the fields.
#[derive(Debug, Clone, PartialEq)]
pub struct RowChange {
    pub table: Table,
    pub id: i64,
    pub version: i64,
    pub fields: Vec<FieldChange>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_listed_once_under_its_own_table() {
        let all: Vec<Field> = Field::all().collect();
        let unique: std::collections::HashSet<Field> = all.iter().copied().collect();
        assert_eq!(all.len(), unique.len());
        // 13 + 13 + 6 + 18 + 5 + 6 + 3, counted from the enums above by hand.
        assert_eq!(all.len(), 64);
        assert_eq!(Field::from(PlanRowField::Status).table(), Table::PlanRow);
        assert_eq!(
            Field::from(WorkplanItemField::Status).table(),
            Table::WorkplanItem
        );
    }

    #[test]
    fn values_read_back_as_written() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        assert_eq!(Val::date(d), Val::Text("2026-03-09".into()));
        assert_eq!(Val::date(d).as_date(), Some(d));
        assert_eq!(Val::text_or_null(""), Val::Null);
        assert_eq!(Val::Int(3).as_f64(), Some(3.0));
        assert_eq!(Val::Real(2.5).to_text().as_deref(), Some("2.5"));
        assert_eq!(Val::Null.to_text(), None);
    }
}
