//! A form over one record of a table, for a new record or a stored one: each form field is a
//! field of the record ([`Col`]: a `domain::record` field enum, its label and its [`Input`]);
//! required fields, formats and the form's own rules ([`Rules`]) show their messages inline. It
//! loads the record with `service::write::read_record`; the save either makes a new record
//! (audited; `u` deletes it again) or sends the changed fields as typed changes (the value read,
//! the value to write) with the version check, both through `service::write`, and shows another
//! session's change field by field when it was refused. No column and no SQL value appears here.
//! [`RecordForm`] is the form host around a [`RecordSpec`].

use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::undo::{UndoStep, save_row};
use super::{Field, Form, FormHost, FormSpec, conflict_notice};
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::service::write::{self, EditError, Field as RecordField, FieldChange, Table, Val};
use crate::store::Db;
use crate::tui::screen::{Ctx, Outcome};

/// How a field is typed in the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// One line of text; `null` stores an empty text as NULL.
    Text {
        max: usize,
        null: bool,
    },
    Multiline {
        max: usize,
    },
    /// ДД.ММ.ГГГГ (NULL when empty).
    Date,
    /// A planned date: ДД.ММ.ГГГГ or a period giving one date («IV квартал 2027 г.»), stored as
    /// the date (NULL when empty).
    Due,
    /// A whole number (NULL when empty).
    Int,
    /// One of the options: (stored value, what the person reads).
    Choice(Vec<(Val, String)>),
    /// Yes / no, stored as 1 / 0.
    Check,
}

/// One field of the record in the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Col {
    pub field: RecordField,
    pub label: &'static str,
    pub input: Input,
    /// The form is not saved while the field is empty.
    pub required: bool,
}

impl Col {
    pub fn new(field: impl Into<RecordField>, label: &'static str, input: Input) -> Col {
        Col {
            field: field.into(),
            label,
            input,
            required: false,
        }
    }

    pub fn required(mut self) -> Col {
        self.required = true;
        self
    }

    fn field(&self, v: &Val, today: NaiveDate) -> Field {
        match &self.input {
            Input::Due => Field::due(self.label, v.as_date(), today),
            Input::Text { max, .. } => Field::text(self.label, *max, &text(v)),
            Input::Multiline { max } => Field::multiline(self.label, *max, &text(v)),
            Input::Date => Field::date(self.label, v.as_date()),
            Input::Int => Field::number(self.label, true, v.as_int().map(|i| i as f64)),
            Input::Choice(options) => Field::choice(
                self.label,
                options.iter().map(|(_, s)| s.clone()).collect(),
                options.iter().position(|(o, _)| o == v).unwrap_or(0),
            ),
            Input::Check => Field::check(self.label, v.as_int() == Some(1)),
        }
    }

    /// The value to store from the field.
    fn value(&self, f: &Field) -> Val {
        match &self.input {
            Input::Text { null: true, .. } if f.trimmed().is_empty() => Val::Null,
            Input::Text { .. } | Input::Multiline { .. } => Val::text(f.trimmed()),
            Input::Date | Input::Due => Val::opt_date(f.date_value().ok().flatten()),
            Input::Int => Val::opt_int(f.number_value().ok().flatten().map(|n| n as i64)),
            Input::Choice(options) => options.get(f.choice).map_or(Val::Null, |(v, _)| v.clone()),
            Input::Check => Val::Int(i64::from(f.checked())),
        }
    }

    /// A stored value as a person reads it (in a conflict message).
    fn shown(&self, v: &Val) -> String {
        match (&self.input, v) {
            (_, Val::Null) => "—".to_string(),
            (Input::Date | Input::Due, _) => v
                .as_date()
                .map_or(text(v), |d| d.format("%d.%m.%Y").to_string()),
            (Input::Choice(options), _) => options
                .iter()
                .find(|(o, _)| o == v)
                .map_or(text(v), |(_, s)| s.clone()),
            (Input::Check, _) => if v.as_int() == Some(1) {
                "да"
            } else {
                "нет"
            }
            .to_string(),
            _ => format!("«{}»", cut(&printable(&text(v)), 50)),
        }
    }

    /// What the field should show for a stored value (after another session's change).
    fn field_text(&self, v: &Val) -> (String, usize) {
        // Only the text and the choice are taken: the day a deadline is read against is not.
        let f = self.field(v, NaiveDate::MIN);
        (f.text, f.choice)
    }
}

fn text(v: &Val) -> String {
    v.to_text().unwrap_or_default()
}

/// What a form of one kind of record adds to the common rules.
pub trait Rules: std::fmt::Debug {
    /// Checks of its own after formats and required fields (`form.flag(i, …)`), as typed.
    fn check(&self, _form: &mut Form, _today: NaiveDate) {}
    /// Checks against the database at save (a taken number or identifier): (field, message).
    fn check_stored(&self, _conn: &Db, _form: &Form, _id: Option<i64>) -> Vec<(usize, String)> {
        Vec::new()
    }
    /// Values to store that depend on other fields (a reason kept only for a cancelled row);
    /// `values` are in the order of the fields.
    fn adjust(&self, _form: &Form, _values: &mut [Val]) {}
    /// Values stored with a new record besides the fields (its cycle and organization).
    fn fixed(&self, _form: &Form) -> Vec<(RecordField, Val)> {
        Vec::new()
    }
    /// The record in words for messages and the audit log («строка плана 2.1 (Музей)»).
    fn label(&self, form: &Form) -> String;
}

/// A stored record being changed, or a new one.
#[derive(Debug)]
enum Target {
    Stored {
        id: i64,
        version: i64,
        base: Vec<Val>,
    },
    New,
}

/// The form over one row of a table, as shown: the host around a [`RecordSpec`].
pub type RecordForm = FormHost<RecordSpec>;

/// A form over one record of `table`: its fields, the record it edits and its rules.
#[derive(Debug)]
pub struct RecordSpec {
    table: Table,
    cols: Vec<Col>,
    target: Target,
    rules: Box<dyn Rules>,
    /// Lines over the fields: what the record belongs to.
    header: Vec<(String, String)>,
    pub form: Form,
}

impl FormHost<RecordSpec> {
    /// A form for a new record, its fields holding `initial` values (by field; the rest empty).
    pub fn new_record(
        table: Table,
        title: &str,
        cols: Vec<Col>,
        initial: &[(RecordField, Val)],
        rules: Box<dyn Rules>,
        header: Vec<(String, String)>,
        today: NaiveDate,
    ) -> RecordForm {
        FormHost::new(RecordSpec::new_record(
            table, title, cols, initial, rules, header, today,
        ))
    }

    /// A form over stored row `id` of `table`; `None` when there is no such row.
    #[allow(clippy::too_many_arguments)]
    pub fn stored(
        conn: &Db,
        table: Table,
        id: i64,
        title: &str,
        cols: Vec<Col>,
        rules: Box<dyn Rules>,
        header: Vec<(String, String)>,
        today: NaiveDate,
    ) -> Result<Option<RecordForm>, EditError> {
        Ok(
            RecordSpec::stored(conn, table, id, title, cols, rules, header, today)?
                .map(FormHost::new),
        )
    }
}

impl RecordSpec {
    /// A form for a new record, its fields holding `initial` values (by field; the rest empty).
    pub fn new_record(
        table: Table,
        title: &str,
        cols: Vec<Col>,
        initial: &[(RecordField, Val)],
        rules: Box<dyn Rules>,
        header: Vec<(String, String)>,
        today: NaiveDate,
    ) -> RecordSpec {
        let values: Vec<Val> = cols
            .iter()
            .map(|c| {
                initial
                    .iter()
                    .find(|(k, _)| *k == c.field)
                    .map_or(Val::Null, |(_, v)| v.clone())
            })
            .collect();
        RecordSpec::build(
            table,
            title,
            cols,
            Target::New,
            values,
            rules,
            header,
            today,
        )
    }

    /// A form over stored row `id` of `table`; `None` when there is no such row.
    #[allow(clippy::too_many_arguments)]
    pub fn stored(
        conn: &Db,
        table: Table,
        id: i64,
        title: &str,
        cols: Vec<Col>,
        rules: Box<dyn Rules>,
        header: Vec<(String, String)>,
        today: NaiveDate,
    ) -> Result<Option<RecordSpec>, EditError> {
        let fields: Vec<RecordField> = cols.iter().map(|c| c.field).collect();
        let Some(record) = write::read_record(conn, table, id, &fields)? else {
            return Ok(None);
        };
        let version = record.version;
        let base: Vec<Val> = record.values.into_iter().map(|(_, v)| v).collect();
        let target = Target::Stored {
            id,
            version,
            base: base.clone(),
        };
        Ok(Some(RecordSpec::build(
            table, title, cols, target, base, rules, header, today,
        )))
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        table: Table,
        title: &str,
        cols: Vec<Col>,
        target: Target,
        values: Vec<Val>,
        rules: Box<dyn Rules>,
        header: Vec<(String, String)>,
        today: NaiveDate,
    ) -> RecordSpec {
        let fields = cols
            .iter()
            .zip(&values)
            .map(|(c, v)| c.field(v, today))
            .collect();
        let mut f = RecordSpec {
            table,
            cols,
            target,
            rules,
            header,
            form: Form::new(title, fields),
        };
        f.check(today);
        f
    }

    /// The value field `label` would store now (`None` when there is no such field).
    pub fn value_of(&self, label: &str) -> Option<Val> {
        self.cols
            .iter()
            .zip(&self.form.fields)
            .find(|(c, _)| c.label == label)
            .map(|(c, f)| c.value(f))
    }

    /// Whether the form makes a new record.
    pub fn is_new(&self) -> bool {
        matches!(self.target, Target::New)
    }

    fn check(&mut self, today: NaiveDate) {
        self.form.check_formats();
        for (i, c) in self.cols.iter().enumerate() {
            let f = &self.form.fields[i];
            let empty = match c.input {
                Input::Choice(_) | Input::Check => false,
                _ => f.trimmed().is_empty(),
            };
            if c.required && empty {
                self.form.flag(i, "обязательное поле: заполните его");
            }
        }
        self.rules.check(&mut self.form, today);
    }

    fn values(&self) -> Vec<Val> {
        let mut values: Vec<Val> = self
            .cols
            .iter()
            .zip(&self.form.fields)
            .map(|(c, f)| c.value(f))
            .collect();
        self.rules.adjust(&self.form, &mut values);
        values
    }

    fn create(&self, conn: &Db, values: Vec<Val>, what: &str) -> Result<Outcome, EditError> {
        let mut row: Vec<(RecordField, Val)> =
            self.cols.iter().map(|c| c.field).zip(values).collect();
        row.extend(self.rules.fixed(&self.form));
        let change = write::create(conn, self.table, &row, &format!("добавлено: {what}"))?;
        Ok(Outcome::Saved {
            message: format!("добавлено: {what}; u — отменить"),
            undo: Some(UndoStep {
                change,
                label: format!("добавление: {what}"),
            }),
        })
    }

    /// After a refused save: shows what the other session changed, takes its values into the
    /// fields left alone here, and makes the next save knowingly over them.
    fn take_conflict(&mut self, c: write::Conflict, today: NaiveDate) {
        let Target::Stored { version, base, .. } = &mut self.target else {
            return;
        };
        let mut changes = Vec::new();
        for (i, col) in self.cols.iter().enumerate() {
            let Some(v) = c.value(col.field).cloned() else {
                continue;
            };
            if v != base[i] {
                changes.push(format!(
                    "{}: {} → {}",
                    col.label,
                    col.shown(&base[i]),
                    col.shown(&v)
                ));
                let (t, choice) = col.field_text(&v);
                self.form.fields[i].take_other(t, choice);
                base[i] = v;
            }
        }
        *version = c.version;
        self.form.notice = Some(conflict_notice(c.by.as_ref(), &changes));
        self.check(today);
    }
}

impl FormSpec for RecordSpec {
    crate::form_in_field!();

    fn title(&self) -> String {
        self.form.title.clone()
    }

    fn recheck(&mut self, today: NaiveDate) {
        self.check(today)
    }

    fn submit(&mut self, cx: &Ctx) -> Outcome {
        self.check(cx.today);
        if self.form.refuse_invalid() {
            return Outcome::Done;
        }
        let Some(conn) = cx.conn else {
            return Outcome::Done;
        };
        let id = match &self.target {
            Target::Stored { id, .. } => Some(*id),
            Target::New => None,
        };
        let taken = self.rules.check_stored(conn, &self.form, id);
        if !taken.is_empty() {
            for (i, m) in taken {
                self.form.flag(i, m);
            }
            self.form.refuse_invalid();
            return Outcome::Done;
        }
        let what = self.rules.label(&self.form);
        let values = self.values();
        let result = match &self.target {
            Target::New => self.create(conn, values, &what),
            Target::Stored { id, version, base } => {
                let edits = self
                    .cols
                    .iter()
                    .zip(base.iter().zip(values))
                    .map(|(c, (old, new))| FieldChange {
                        field: c.field,
                        old: old.clone(),
                        new,
                    })
                    .collect();
                save_row(conn, self.table, *id, *version, edits, what)
            }
        };
        match result {
            Ok(outcome) => outcome,
            Err(EditError::Conflict(c)) => {
                self.take_conflict(c, cx.today);
                Outcome::Done
            }
            Err(EditError::Gone) => {
                self.form.notice =
                    Some("запись удалена другим пользователем; Esc — закрыть".to_string());
                Outcome::Done
            }
            Err(e) => self.failed(&e),
        }
    }

    fn header(&self, cx: &Ctx, area: Rect) -> Vec<Line<'static>> {
        let t = &cx.theme;
        let w = area.width.min(110).saturating_sub(20) as usize;
        self.header
            .iter()
            .map(|(k, v)| {
                Line::from(vec![
                    Span::styled(format!("{k}: "), t.dim()),
                    Span::raw(cut(&printable(v).replace('\n', " "), w.max(20))),
                ])
            })
            .collect()
    }

    fn status(&self) -> String {
        // «Строка плана» → «форма: строка плана».
        let mut title = self.form.title.chars();
        let title: String = title
            .next()
            .map(|c| c.to_lowercase().chain(title).collect())
            .unwrap_or_default();
        match &self.target {
            Target::New => format!(" форма: {title} · новая запись"),
            Target::Stored { version, .. } => {
                format!(" форма: {title} · версия записи {version}")
            }
        }
    }
}
