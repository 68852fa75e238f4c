//! The shortcomings of an organization in a cycle (недостатки, выявленные в ходе оценки), one
//! text field each, grouped by criterion. Each shortcoming keeps its own version; a save writes
//! the changed ones in one transaction and is refused whole when any was changed meanwhile.

use crate::domain::text::printable;
use crate::service::table::cut;
use crate::service::write::{EditError, FieldChange, RowChange, ShortcomingField, Table, Val};
use crate::store::edit::{self, ShortcomingText};
use crate::tui::form::undo::save_rows;
use crate::tui::form::{Field, Form, FormHost, FormSpec, conflict_notice};
use crate::tui::screen::{Ctx, Outcome};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The form as shown: the host around its spec.
pub type ShortcomingsForm = FormHost<ShortcomingsSpec>;

/// The shortcomings form of one organization's cycle.
#[derive(Debug)]
pub struct ShortcomingsSpec {
    cycle: i64,
    org: String,
    year: i32,
    rows: Vec<ShortcomingText>,
    pub form: Form,
}

/// Opens the form for organization `org_id` (named `org`) in cycle `cycle` of `year`.
pub fn open(cx: &Ctx, cycle: i64, year: i32, org_id: i64, org: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match edit::shortcomings(conn, cycle, org_id) {
        Ok(rows) if rows.is_empty() => Outcome::Message(format!(
            "недостатков за {year} год не записано; p — проект плана из оценки"
        )),
        Ok(rows) => Outcome::Open(Box::new(FormHost::new(ShortcomingsSpec::new(
            cycle, year, org, rows,
        )))),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

impl ShortcomingsSpec {
    pub fn new(cycle: i64, year: i32, org: &str, rows: Vec<ShortcomingText>) -> ShortcomingsSpec {
        let fields = rows
            .iter()
            .map(|r| {
                let label = match &r.indicator {
                    Some(i) => format!("{} · {i}", r.criterion),
                    None => r.criterion.clone(),
                };
                Field::multiline(label, 2000, &r.text)
            })
            .collect();
        let mut f = ShortcomingsSpec {
            cycle,
            org: org.to_string(),
            year,
            rows,
            form: Form::new(format!("Недостатки по оценке {year} года"), fields),
        };
        f.check();
        f
    }

    fn check(&mut self) {
        self.form.check_formats();
        for i in 0..self.form.fields.len() {
            if self.form.fields[i].trimmed().is_empty() {
                self.form.flag(i, "текст недостатка не может быть пустым");
            }
        }
    }
}

impl FormSpec for ShortcomingsSpec {
    crate::form_in_field!();

    fn title(&self) -> String {
        "Недостатки".to_string()
    }

    fn recheck(&mut self, _today: chrono::NaiveDate) {
        self.check()
    }

    fn submit(&mut self, cx: &Ctx) -> Outcome {
        self.check();
        if self.form.refuse_invalid() {
            return Outcome::Done;
        }
        let Some(conn) = cx.conn else {
            return Outcome::Done;
        };
        let changed: Vec<RowChange> = self
            .rows
            .iter()
            .zip(&self.form.fields)
            .filter(|(r, f)| r.text != f.trimmed())
            .map(|(r, f)| RowChange {
                table: Table::Shortcoming,
                id: r.id,
                version: r.version,
                fields: vec![FieldChange::new(
                    ShortcomingField::Text,
                    Val::text(r.text.clone()),
                    Val::text(f.trimmed()),
                )],
            })
            .collect();
        let label = format!("недостатки «{}», {} год", self.org, self.year);
        match save_rows(conn, changed, label) {
            Ok(saved) => saved,
            Err((id, EditError::Conflict(c))) => {
                let mut changes = Vec::new();
                if let Some(r) = self.rows.iter_mut().find(|r| r.id == id) {
                    let now = c
                        .value(ShortcomingField::Text)
                        .and_then(Val::to_text)
                        .unwrap_or_default();
                    changes.push(format!(
                        "{}: «{}» → «{}»",
                        r.criterion,
                        cut(&printable(&r.text), 40),
                        cut(&printable(&now), 40)
                    ));
                    r.version = c.version;
                    if let Some(i) = self.rows.iter().position(|x| x.id == id) {
                        self.form.fields[i].take_other(now.clone(), 0);
                        self.rows[i].text = now;
                    }
                }
                self.form.notice = Some(conflict_notice(c.by.as_ref(), &changes));
                Outcome::Done
            }
            Err((_, e)) => self.failed(&e),
        }
    }

    fn header(&self, cx: &Ctx, _area: Rect) -> Vec<Line<'static>> {
        let t = &cx.theme;
        vec![Line::from(vec![
            Span::styled(printable(&self.org).into_owned(), t.title()),
            Span::styled(
                format!(" · цикл №{} · {} год", self.cycle, self.year),
                t.dim(),
            ),
        ])]
    }

    fn status(&self) -> String {
        format!(
            " форма: недостатки · {}/{}",
            self.form.focus + 1,
            self.form.fields.len()
        )
    }
}
