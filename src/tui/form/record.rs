//! A form over one row of a table, for a new record or a stored one: each field is a column
//! ([`Col`]), typed by its [`Input`]; required fields, formats and the form's own rules
//! ([`Rules`]) show their messages inline; the save either writes a new row (audited; `u`
//! deletes it again) or changes the stored one with the version check, showing another
//! session's change field by field when it was refused.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use rusqlite::Connection;
use rusqlite::types::Value;

use super::undo::{Change, UndoStep, save_row};
use super::{Field, Form, FormScreen, conflict_notice, route};
use crate::domain::text::printable;
use crate::service::session::{now_stamp, os_user};
use crate::service::table::cut;
use crate::store::edit::{self, Author, EditError, FieldEdit, Table};
use crate::store::{edit_create, iso};
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen};

/// How a column is typed in the form.
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
    /// ДД.ММ.ГГГГ, stored as ISO text (NULL when empty).
    Date,
    /// A whole number (NULL when empty).
    Int,
    /// One of the options: (stored value, what the person reads).
    Choice(Vec<(Value, String)>),
    /// Yes / no, stored as 1 / 0.
    Check,
}

/// One column of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Col {
    pub column: &'static str,
    pub label: &'static str,
    pub input: Input,
    /// The form is not saved while the field is empty.
    pub required: bool,
}

impl Col {
    pub fn new(column: &'static str, label: &'static str, input: Input) -> Col {
        Col {
            column,
            label,
            input,
            required: false,
        }
    }

    pub fn required(mut self) -> Col {
        self.required = true;
        self
    }

    fn field(&self, v: &Value) -> Field {
        match &self.input {
            Input::Text { max, .. } => Field::text(self.label, *max, &text(v)),
            Input::Multiline { max } => Field::multiline(self.label, *max, &text(v)),
            Input::Date => Field::date(self.label, date(v)),
            Input::Int => Field::number(
                self.label,
                true,
                match v {
                    Value::Integer(i) => Some(*i as f64),
                    _ => None,
                },
            ),
            Input::Choice(options) => Field::choice(
                self.label,
                options.iter().map(|(_, s)| s.clone()).collect(),
                options.iter().position(|(o, _)| o == v).unwrap_or(0),
            ),
            Input::Check => Field::check(self.label, matches!(v, Value::Integer(1))),
        }
    }

    /// The value to store from the field.
    fn value(&self, f: &Field) -> Value {
        match &self.input {
            Input::Text { null: true, .. } if f.trimmed().is_empty() => Value::Null,
            Input::Text { .. } | Input::Multiline { .. } => Value::Text(f.trimmed().to_string()),
            Input::Date => match f.date_value() {
                Ok(Some(d)) => Value::Text(iso(d)),
                _ => Value::Null,
            },
            Input::Int => match f.number_value() {
                Ok(Some(n)) => Value::Integer(n as i64),
                _ => Value::Null,
            },
            Input::Choice(options) => options
                .get(f.choice)
                .map_or(Value::Null, |(v, _)| v.clone()),
            Input::Check => Value::Integer(i64::from(f.checked())),
        }
    }

    /// A stored value as a person reads it (in a conflict message).
    fn shown(&self, v: &Value) -> String {
        match (&self.input, v) {
            (_, Value::Null) => "—".to_string(),
            (Input::Date, _) => date(v).map_or(text(v), |d| d.format("%d.%m.%Y").to_string()),
            (Input::Choice(options), _) => options
                .iter()
                .find(|(o, _)| o == v)
                .map_or(text(v), |(_, s)| s.clone()),
            (Input::Check, _) => if matches!(v, Value::Integer(1)) {
                "да"
            } else {
                "нет"
            }
            .to_string(),
            _ => format!("«{}»", cut(&printable(&text(v)), 50)),
        }
    }

    /// What the field should show for a stored value (after another session's change).
    fn field_text(&self, v: &Value) -> (String, usize) {
        let f = self.field(v);
        (f.text, f.choice)
    }
}

fn text(v: &Value) -> String {
    edit::audit_text(v).unwrap_or_default()
}

fn date(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::Text(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").ok(),
        _ => None,
    }
}

/// What a form of one kind of record adds to the common rules.
pub trait Rules: std::fmt::Debug {
    /// Checks of its own after formats and required fields (`form.flag(i, …)`), as typed.
    fn check(&self, _form: &mut Form, _today: NaiveDate) {}
    /// Checks against the database at save (a taken number or identifier): (field, message).
    fn check_stored(
        &self,
        _conn: &Connection,
        _form: &Form,
        _id: Option<i64>,
    ) -> Vec<(usize, String)> {
        Vec::new()
    }
    /// Values to store that depend on other fields (a reason kept only for a cancelled row);
    /// `values` are in the order of the columns.
    fn adjust(&self, _form: &Form, _values: &mut [Value]) {}
    /// Values stored with a new record besides the fields (its cycle and organization).
    fn fixed(&self, _form: &Form) -> Vec<(&'static str, Value)> {
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
        base: Vec<Value>,
    },
    New,
}

/// A form over one row of `table`.
#[derive(Debug)]
pub struct RecordForm {
    table: Table,
    cols: Vec<Col>,
    target: Target,
    rules: Box<dyn Rules>,
    /// Lines over the fields: what the record belongs to.
    header: Vec<(String, String)>,
    pub form: Form,
}

impl RecordForm {
    /// A form for a new record, its fields holding `initial` values (by column; the rest empty).
    pub fn new_record(
        table: Table,
        title: &str,
        cols: Vec<Col>,
        initial: &[(&'static str, Value)],
        rules: Box<dyn Rules>,
        header: Vec<(String, String)>,
        today: NaiveDate,
    ) -> RecordForm {
        let values: Vec<Value> = cols
            .iter()
            .map(|c| {
                initial
                    .iter()
                    .find(|(k, _)| *k == c.column)
                    .map_or(Value::Null, |(_, v)| v.clone())
            })
            .collect();
        RecordForm::build(
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
        conn: &Connection,
        table: Table,
        id: i64,
        title: &str,
        cols: Vec<Col>,
        rules: Box<dyn Rules>,
        header: Vec<(String, String)>,
        today: NaiveDate,
    ) -> Result<Option<RecordForm>, EditError> {
        let columns: Vec<&'static str> = cols.iter().map(|c| c.column).collect();
        let Some((base, version)) = edit::read(conn, table, id, &columns)? else {
            return Ok(None);
        };
        let target = Target::Stored {
            id,
            version,
            base: base.clone(),
        };
        Ok(Some(RecordForm::build(
            table, title, cols, target, base, rules, header, today,
        )))
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        table: Table,
        title: &str,
        cols: Vec<Col>,
        target: Target,
        values: Vec<Value>,
        rules: Box<dyn Rules>,
        header: Vec<(String, String)>,
        today: NaiveDate,
    ) -> RecordForm {
        let fields = cols.iter().zip(&values).map(|(c, v)| c.field(v)).collect();
        let mut f = RecordForm {
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
    pub fn value_of(&self, label: &str) -> Option<Value> {
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

    fn values(&self) -> Vec<Value> {
        let mut values: Vec<Value> = self
            .cols
            .iter()
            .zip(&self.form.fields)
            .map(|(c, f)| c.value(f))
            .collect();
        self.rules.adjust(&self.form, &mut values);
        values
    }

    fn save(&mut self, cx: &Ctx) -> Outcome {
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
                    .map(|(c, (old, new))| FieldEdit {
                        column: c.column,
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
            Err(e) => {
                self.form.save_failed(&e);
                Outcome::Done
            }
        }
    }

    fn create(
        &self,
        conn: &Connection,
        values: Vec<Value>,
        what: &str,
    ) -> Result<Outcome, EditError> {
        let user = os_user();
        let at = now_stamp();
        let who = Author {
            os_user: &user,
            at: &at,
        };
        let mut row: Vec<(&'static str, Value)> =
            self.cols.iter().map(|c| c.column).zip(values).collect();
        row.extend(self.rules.fixed(&self.form));
        let id = edit_create::create(conn, self.table, &row, who, &format!("добавлено: {what}"))?;
        Ok(Outcome::Saved {
            message: format!("добавлено: {what}; u — отменить"),
            undo: Some(UndoStep {
                change: Change::Created {
                    table: self.table,
                    id,
                    version: 1,
                },
                label: format!("добавление: {what}"),
            }),
        })
    }

    /// After a refused save: shows what the other session changed, takes its values into the
    /// fields left alone here, and makes the next save knowingly over them.
    fn take_conflict(&mut self, c: edit::Conflict, today: NaiveDate) {
        let Target::Stored { version, base, .. } = &mut self.target else {
            return;
        };
        let now = |column: &str| {
            c.now
                .iter()
                .find(|(n, _)| n == column)
                .map(|(_, v)| v.clone())
        };
        let mut changes = Vec::new();
        for (i, col) in self.cols.iter().enumerate() {
            let Some(v) = now(col.column) else { continue };
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

impl FormScreen for RecordForm {
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn recheck(&mut self, today: NaiveDate) {
        self.check(today)
    }

    fn submit(&mut self, cx: &Ctx) -> Outcome {
        self.save(cx)
    }
}

impl Screen for RecordForm {
    fn retry_save(&self) -> bool {
        self.form.busy
    }

    fn title(&self) -> String {
        self.form.title.clone()
    }

    fn typing(&self) -> bool {
        true
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        route(self, action, cx)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let w = area.width.min(110).saturating_sub(20) as usize;
        let header = self
            .header
            .iter()
            .map(|(k, v)| {
                Line::from(vec![
                    Span::styled(format!("{k}: "), t.dim()),
                    Span::raw(cut(&printable(v).replace('\n', " "), w.max(20))),
                ])
            })
            .collect();
        self.form.draw(frame, area, t, header, Vec::new());
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

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.form.keys()
    }
}
