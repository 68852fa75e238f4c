//! Forms: fields (text, multiline text, date ДД.ММ.ГГГГ, number, choice, checkbox), moving
//! between them, inline Russian messages under invalid fields, saving only when the form is
//! valid, and closing with a question when there are unsaved changes.
//!
//! Text, date and number fields are edited with `ratatui-textarea`: a cursor (shown as `▏` where
//! it stands, at the end when the form opens), ←/→, Home/End, word moves (Ctrl or Alt with an
//! arrow, Alt+b/f), Backspace and Delete, and text pasted from the terminal (bracketed paste
//! arrives as typed characters; a line break is a new line in a multiline field and a space in a
//! one-line one). The form draws the value itself (wrapped under its label), so the widget is the
//! editing engine, not the drawing.
//!
//! Every form is shown by one screen, [`FormHost`], around its [`FormSpec`] (`host.rs`): it says
//! it is typing while the form is open, so letters are text in the fields (Cyrillic from the
//! Russian layout included), and turns a [`FormEvent::Submit`] into the spec's checks and its
//! write through `service::write`. Forms over one record are specs built from its fields, named
//! by the field enums of `domain::record` (`record.rs`); `undo.rs` is the session's undo stack.

pub mod host;
pub mod record;
pub mod undo;

pub use host::{FormHost, FormSpec};

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use ratatui_textarea::{CursorMove, TextArea};

use super::keymap::latin;
use super::msg::{Action, Caret};
use super::theme::Theme;
use crate::domain::decimal::plain;
use crate::domain::text::printable;

/// What a field holds and how it is typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// One line of text, at most `max` characters.
    Text { max: usize },
    /// Text that may have several lines (Enter starts a new one).
    Multiline { max: usize },
    /// A date typed as ДД.ММ.ГГГГ (may stay empty).
    Date,
    /// A planned date: a date, or a deadline as documents write it that gives one date («IV
    /// квартал 2027 г.», «до 01.03.2027»), read as of `today` by the plan import's rule
    /// ([`crate::service::planned_date`]); may stay empty.
    Due { today: NaiveDate },
    /// A number, comma or point as the decimal separator (may stay empty).
    Number { integer: bool },
    /// One of the options (Space — next, Backspace — previous, a letter — the next option
    /// starting with it).
    Choice(Vec<String>),
    /// Yes or no (Space toggles).
    Check,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: String,
    pub kind: Kind,
    /// The text typed (text, date and number fields).
    pub text: String,
    /// The option chosen (choice), or 1/0 (checkbox).
    pub choice: usize,
    /// The message shown under the field; the form is not saved while any field has one.
    pub error: Option<String>,
    /// Whether the field can be changed now (a disabled field is shown dimmed and skipped).
    pub enabled: bool,
    original: (String, usize),
    /// The editor of a text, date or number field, holding `text` and the cursor.
    editor: Editor,
}

/// The text editor of a field and its cursor. `Field::text` stays the value: a screen or a test
/// may set it, and the editor then starts again from it with the cursor at the end.
#[derive(Debug, Clone, Default)]
struct Editor(Option<TextArea<'static>>);

impl PartialEq for Editor {
    fn eq(&self, other: &Editor) -> bool {
        self.cursor() == other.cursor()
    }
}

impl Editor {
    fn cursor(&self) -> Option<(usize, usize)> {
        self.0.as_ref().map(|t| {
            let c = t.cursor();
            (c.0, c.1)
        })
    }

    /// The editor of `text`, made anew (cursor at the end) when it does not hold `text`.
    fn of(&mut self, text: &str) -> &mut TextArea<'static> {
        let holds = self.0.as_ref().is_some_and(|t| joined(t) == text);
        if !holds {
            let mut t = TextArea::new(text.split('\n').map(str::to_string).collect());
            t.move_cursor(CursorMove::Bottom);
            t.move_cursor(CursorMove::End);
            self.0 = Some(t);
        }
        self.0.get_or_insert_with(TextArea::default)
    }
}

fn joined(t: &TextArea<'_>) -> String {
    t.lines().join("\n")
}

impl Field {
    fn new(label: impl Into<String>, kind: Kind, text: String, choice: usize) -> Field {
        Field {
            label: label.into(),
            kind,
            original: (text.clone(), choice),
            text,
            choice,
            error: None,
            enabled: true,
            editor: Editor::default(),
        }
    }

    /// Whether the field is edited as text (text, multiline text, date, number).
    fn is_text(&self) -> bool {
        !matches!(self.kind, Kind::Choice(_) | Kind::Check)
    }

    /// The cursor of a text field: the position in `text`, in characters (at the end until the
    /// field is edited).
    pub fn cursor(&self) -> usize {
        let end = self.text.chars().count();
        match &self.editor.0 {
            Some(t) if joined(t) == self.text => {
                let c = t.cursor();
                let before: usize = t.lines()[..c.0].iter().map(|l| l.chars().count() + 1).sum();
                (before + c.1).min(end)
            }
            _ => end,
        }
    }

    /// Runs `edit` on the field's editor and takes the text it leaves.
    fn edit(&mut self, edit: impl FnOnce(&mut TextArea<'static>) -> bool) -> bool {
        let t = self.editor.of(&self.text);
        let changed = edit(t);
        self.text = joined(t);
        changed
    }

    /// Inserts `c` at the cursor, if the field has room for it.
    fn insert(&mut self, c: char) -> bool {
        self.edit(|t| {
            if c == '\n' {
                t.insert_newline();
            } else {
                t.insert_char(c);
            }
            true
        })
    }

    /// Moves the cursor or deletes forward; returns whether the text changed.
    fn caret(&mut self, caret: Caret) -> bool {
        if !self.is_text() {
            return false;
        }
        let before = self.text.clone();
        self.edit(|t| {
            match caret {
                Caret::Left => t.move_cursor(CursorMove::Back),
                Caret::Right => t.move_cursor(CursorMove::Forward),
                Caret::Home => t.move_cursor(CursorMove::Head),
                Caret::End => t.move_cursor(CursorMove::End),
                Caret::WordLeft => t.move_cursor(CursorMove::WordBack),
                Caret::WordRight => t.move_cursor(CursorMove::WordForward),
                Caret::Delete => return t.delete_next_char(),
            }
            false
        });
        before != self.text
    }

    pub fn text(label: impl Into<String>, max: usize, value: &str) -> Field {
        Field::new(label, Kind::Text { max }, value.to_string(), 0)
    }

    pub fn multiline(label: impl Into<String>, max: usize, value: &str) -> Field {
        Field::new(label, Kind::Multiline { max }, value.to_string(), 0)
    }

    pub fn date(label: impl Into<String>, value: Option<NaiveDate>) -> Field {
        let text = value.map_or(String::new(), |d| d.format("%d.%m.%Y").to_string());
        Field::new(label, Kind::Date, text, 0)
    }

    pub fn due(label: impl Into<String>, value: Option<NaiveDate>, today: NaiveDate) -> Field {
        let text = value.map_or(String::new(), |d| d.format("%d.%m.%Y").to_string());
        Field::new(label, Kind::Due { today }, text, 0)
    }

    pub fn number(label: impl Into<String>, integer: bool, value: Option<f64>) -> Field {
        let text = value.map_or(String::new(), plain);
        Field::new(label, Kind::Number { integer }, text, 0)
    }

    pub fn choice<S: Into<String>>(
        label: impl Into<String>,
        options: Vec<S>,
        chosen: usize,
    ) -> Field {
        let options = options.into_iter().map(Into::into).collect();
        Field::new(label, Kind::Choice(options), String::new(), chosen)
    }

    pub fn check(label: impl Into<String>, value: bool) -> Field {
        Field::new(label, Kind::Check, String::new(), usize::from(value))
    }

    /// Whether the value differs from the one the form opened with.
    pub fn changed(&self) -> bool {
        (self.text.as_str(), self.choice) != (self.original.0.as_str(), self.original.1)
    }

    /// After a refused save: a field the person left alone takes the value another session
    /// stored (`text` for text, date and number fields, `choice` for choices and checkboxes), so
    /// that saving over the other change rewrites only what was changed here. Returns whether
    /// it took it.
    pub fn take_other(&mut self, text: String, choice: usize) -> bool {
        if self.changed() {
            return false;
        }
        self.text = text;
        self.choice = choice;
        self.set_original();
        true
    }

    /// Takes the current value as the one the form opened with (after a reload).
    pub fn set_original(&mut self) {
        self.original = (self.text.clone(), self.choice);
    }

    /// The text without surrounding spaces.
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }

    pub fn checked(&self) -> bool {
        self.choice == 1
    }

    /// The date typed: `Ok(None)` when empty.
    pub fn date_value(&self) -> Result<Option<NaiveDate>, String> {
        match self.kind {
            Kind::Due { today } => {
                let text = self.trimmed();
                if text.is_empty() {
                    return Ok(None);
                }
                crate::service::planned_date::one_date(text, today)
                    .map(Some)
                    .ok_or_else(|| {
                        "срок не дает одной даты: дата ДД.ММ.ГГГГ или период вроде «IV квартал 2027 г.»"
                            .to_string()
                    })
            }
            _ => parse_date(self.trimmed()),
        }
    }

    /// The date a deadline typed in words stands for («IV квартал 2027 г.» → 31.12.2027),
    /// shown under it; none for a date typed as a date.
    fn due_hint(&self) -> Option<NaiveDate> {
        match self.kind {
            Kind::Due { .. } if parse_date(self.trimmed()).is_err() => {
                self.date_value().ok().flatten()
            }
            _ => None,
        }
    }

    /// The number typed: `Ok(None)` when empty.
    pub fn number_value(&self) -> Result<Option<f64>, String> {
        let t = self.trimmed();
        if t.is_empty() {
            return Ok(None);
        }
        let integer = matches!(self.kind, Kind::Number { integer: true });
        let n: f64 = t.replace(',', ".").parse().map_err(|_| {
            if integer {
                "нужно целое число, например 120".to_string()
            } else {
                "нужно число, например 12,5".to_string()
            }
        })?;
        if !n.is_finite() || (integer && n.fract() != 0.0) {
            return Err("нужно целое число, например 120".to_string());
        }
        Ok(Some(n))
    }

    /// The format message of the field's own kind (a date or a number that does not read).
    fn format_error(&self) -> Option<String> {
        match self.kind {
            Kind::Date | Kind::Due { .. } => self.date_value().err(),
            Kind::Number { .. } => self.number_value().err(),
            _ => None,
        }
    }

    /// What the field shows.
    fn shown(&self) -> String {
        match &self.kind {
            Kind::Choice(options) => {
                format!(
                    "‹ {} ›",
                    options.get(self.choice).map_or("—", String::as_str)
                )
            }
            Kind::Check => if self.checked() { "[x]" } else { "[ ]" }.to_string(),
            _ => printable(&self.text).into_owned(),
        }
    }

    fn type_char(&mut self, c: char) -> bool {
        let len = self.text.chars().count();
        // Pasted text arrives as typed characters: a line break is a new line only where the
        // field has lines, a tab is a space.
        let c = match (c, &self.kind) {
            ('\n', Kind::Multiline { .. }) => '\n',
            ('\n' | '\t', _) => ' ',
            (c, _) => c,
        };
        match &self.kind {
            Kind::Multiline { max } if len < *max && (c == '\n' || !c.is_control()) => {
                self.insert(c)
            }
            Kind::Text { max } if len < *max && !c.is_control() => self.insert(c),
            // `/` is a point here too (see the date below); words and Roman numerals as typed.
            Kind::Due { .. } if len < 60 && !c.is_control() => {
                self.insert(if c == '/' { '.' } else { c })
            }
            Kind::Date if len < 10 && (c.is_ascii_digit() || matches!(c, '.' | ',' | '/')) => {
                // On the Russian layout the point is where `/` is; a comma is taken as a point.
                self.insert(if c.is_ascii_digit() { c } else { '.' })
            }
            Kind::Number { .. }
                if len < 20 && (c.is_ascii_digit() || matches!(c, '.' | ',' | '-')) =>
            {
                self.insert(c)
            }
            Kind::Choice(options) => {
                let n = options.len();
                if n == 0 {
                    return false;
                }
                if c == ' ' {
                    self.choice = (self.choice + 1) % n;
                    return true;
                }
                let lc = c.to_lowercase().next().unwrap_or(c);
                // The next option after the current one that starts with the letter.
                let next = (1..=n).map(|k| (self.choice + k) % n).find(|&i| {
                    options[i]
                        .chars()
                        .next()
                        .is_some_and(|f| f.to_lowercase().next() == Some(lc))
                });
                match next {
                    Some(i) => {
                        self.choice = i;
                        true
                    }
                    None => false,
                }
            }
            Kind::Check if c == ' ' || matches!(latin(c), 'x') => {
                self.choice = 1 - self.choice.min(1);
                true
            }
            _ => false,
        }
    }

    fn backspace(&mut self) -> bool {
        match &self.kind {
            Kind::Choice(options) if !options.is_empty() => {
                self.choice = (self.choice + options.len() - 1) % options.len();
                true
            }
            Kind::Check => false,
            _ => self.edit(|t| t.delete_char()),
        }
    }
}

/// A date typed as ДД.ММ.ГГГГ; `Ok(None)` for empty text.
pub fn parse_date(text: &str) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = text.split('.').collect();
    let well_formed = parts.len() == 3
        && parts[0].len() == 2
        && parts[1].len() == 2
        && parts[2].len() == 4
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !well_formed {
        return Err("дата в виде ДД.ММ.ГГГГ, например 15.03.2026".to_string());
    }
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(n(parts[2]) as i32, n(parts[1]), n(parts[0]))
        .map(Some)
        .ok_or_else(|| format!("даты {text} нет в календаре"))
}

/// `2026-12-01T10:15:00` → «01.12.2026 10:15».
pub fn ru_stamp(at: &str) -> String {
    let date = at
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match (date, at.get(11..16)) {
        (Some(d), Some(t)) => format!("{} {t}", d.format("%d.%m.%Y")),
        _ => at.to_string(),
    }
}

/// The message of a refused save: who changed the record last and when, and what they changed
/// («поле: было → стало»).
pub fn conflict_notice(by: Option<&(String, String)>, changes: &[String]) -> String {
    let by = by
        .map(|(u, at)| format!(" ({u}, {})", ru_stamp(at)))
        .unwrap_or_default();
    let what = if changes.is_empty() {
        "значения те же".to_string()
    } else {
        changes.join("; ")
    };
    format!(
        "запись изменена другим пользователем{by}: {what}. Ничего не сохранено. \
         Ctrl-S — записать ваши значения поверх, Esc — закрыть"
    )
}

/// The notice of a save that failed: a busy database is said so, with what to do (the form
/// stays open with what was typed); anything else as «не сохранено: …».
pub fn not_saved(e: &crate::service::write::EditError) -> String {
    if e.is_busy() {
        "база занята: сейчас в нее пишет другой пользователь или фоновая работа (загрузка, \
         пересчет). Не сохранено, введенное не потеряно; сохранение повторяется само каждую \
         секунду (Ctrl-S — сразу; изменение поля отменяет повтор)"
            .to_string()
    } else {
        format!("не сохранено: {e}")
    }
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    /// Nothing changed.
    None,
    /// The focus moved or a question was asked/answered.
    Moved,
    /// A value changed: check the form again (live results are recomputed here).
    Changed,
    /// Enter or Ctrl-S: check and save.
    Submit,
    /// Close without saving.
    Close,
}

/// A form: its fields, which has the keys, and what it tells the person.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Esc with unsaved changes asks first.
    pub confirm_close: bool,
    /// A message over the whole form (a refused save, a conflict).
    pub notice: Option<String>,
    /// The last save found the database locked by another session and nothing was changed
    /// since: the app repeats the save ([`crate::tui::screen::Screen::retry_save`]).
    pub busy: bool,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        let mut f = Form {
            title: title.into(),
            fields,
            focus: 0,
            confirm_close: false,
            notice: None,
            busy: false,
        };
        f.check_formats();
        f
    }

    /// Whether any field differs from what the form opened with.
    pub fn dirty(&self) -> bool {
        self.fields.iter().any(Field::changed)
    }

    /// Whether no field has a message.
    pub fn valid(&self) -> bool {
        self.fields.iter().all(|f| f.error.is_none())
    }

    /// Sets each field's message to its format error (or clears it); the screen adds the
    /// messages of its own rules after this.
    pub fn check_formats(&mut self) {
        for f in &mut self.fields {
            f.error = f.format_error();
        }
    }

    /// Sets the message of field `i` unless it already has one.
    pub fn flag(&mut self, i: usize, message: impl Into<String>) {
        if let Some(f) = self.fields.get_mut(i)
            && f.error.is_none()
        {
            f.error = Some(message.into());
        }
    }

    fn step_focus(&mut self, forward: bool) {
        let n = self.fields.len();
        for k in 1..=n {
            let i = if forward {
                (self.focus + k) % n
            } else {
                (self.focus + n * 2 - k) % n
            };
            if self.fields[i].enabled {
                self.focus = i;
                return;
            }
        }
    }

    /// Moves the focus to the first field with a message.
    pub fn focus_first_error(&mut self) {
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
    }

    /// Before a save: when a field has a message, points at the first such field, says why
    /// nothing was saved and returns true (the save stops there).
    pub fn refuse_invalid(&mut self) -> bool {
        if self.valid() {
            return false;
        }
        self.focus_first_error();
        self.notice = Some("не сохранено: исправьте поля с ⚠".to_string());
        true
    }

    /// Handles one intent.
    pub fn handle(&mut self, action: Action) -> FormEvent {
        if self.confirm_close {
            self.confirm_close = false;
            return match action {
                Action::Type(c) if matches!(latin(c), 'y') || matches!(c, 'д' | 'Д') => {
                    FormEvent::Close
                }
                _ => FormEvent::Moved,
            };
        }
        if self.fields.is_empty() {
            return match action {
                Action::Cancel => FormEvent::Close,
                _ => FormEvent::None,
            };
        }
        let field = &mut self.fields[self.focus];
        match action {
            Action::Cancel => {
                if self.dirty() {
                    self.confirm_close = true;
                    FormEvent::Moved
                } else {
                    FormEvent::Close
                }
            }
            Action::NextField | Action::Down => {
                self.step_focus(true);
                FormEvent::Moved
            }
            Action::PrevField | Action::Up => {
                self.step_focus(false);
                FormEvent::Moved
            }
            Action::Save => FormEvent::Submit,
            Action::Accept => {
                if let Kind::Multiline { .. } = field.kind {
                    if field.push_newline() {
                        return self.changed();
                    }
                    return FormEvent::None;
                }
                FormEvent::Submit
            }
            Action::Type(c) if field.enabled => {
                if field.type_char(c) {
                    self.changed()
                } else {
                    FormEvent::None
                }
            }
            Action::Backspace if field.enabled => {
                if field.backspace() {
                    self.changed()
                } else {
                    FormEvent::None
                }
            }
            Action::Caret(caret) if field.enabled => {
                if field.caret(caret) {
                    self.changed()
                } else {
                    FormEvent::Moved
                }
            }
            _ => FormEvent::None,
        }
    }

    /// After a failed save: says why (see [`not_saved`]) and, when the database was only
    /// busy, lets the app repeat the save.
    pub fn save_failed(&mut self, e: &crate::service::write::EditError) {
        self.notice = Some(not_saved(e));
        self.busy = e.is_busy();
    }

    fn changed(&mut self) -> FormEvent {
        self.notice = None;
        self.busy = false;
        self.check_formats();
        FormEvent::Changed
    }

    /// Keys of the form, for the bottom bar and `?`.
    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if self.confirm_close {
            return vec![("y д", "закрыть без сохранения"), ("другая", "вернуться")];
        }
        let mut k = vec![("Tab ↑↓", "поле"), ("Ctrl-S", "сохранить")];
        match self.fields.get(self.focus).map(|f| &f.kind) {
            Some(Kind::Multiline { .. }) => k.push(("Enter", "новая строка")),
            _ => k.push(("Enter", "сохранить")),
        }
        match self.fields.get(self.focus).map(|f| &f.kind) {
            Some(Kind::Choice(_)) => k.push(("Пробел", "выбор")),
            Some(Kind::Check) => k.push(("Пробел", "отметить")),
            _ => {}
        }
        k.push(("Esc", "отмена"));
        k
    }

    /// Draws the form as a window over `area`: `header` (what is edited), the fields with their
    /// messages, `footer` (live results), the notice and the close question. When the fields do
    /// not fit, the ones around the focused field are shown.
    pub fn draw(
        &self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        header: Vec<Line<'static>>,
        footer: Vec<Line<'static>>,
    ) {
        let t = theme;
        let w = area.width.min(110);
        let inner_w = w.saturating_sub(2).max(1) as usize;
        // Labels take at most 40% of the width; longer ones are cut.
        let label_w = self
            .fields
            .iter()
            .map(|f| f.label.chars().count() + 1)
            .max()
            .unwrap_or(0)
            .min(inner_w * 2 / 5);
        let fields: Vec<Vec<Line<'static>>> = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| field_lines(f, i == self.focus, label_w, inner_w, t))
            .collect();
        let mut tail = Vec::new();
        if !footer.is_empty() {
            tail.push(Line::from(""));
            tail.extend(footer);
        }
        if let Some(n) = &self.notice {
            tail.push(Line::from(""));
            tail.push(Line::styled(printable(n).into_owned(), t.bad()));
        }
        if self.confirm_close {
            tail.push(Line::from(""));
            tail.push(Line::styled(
                "Есть несохраненные изменения. Закрыть без сохранения? y/д — да, другая клавиша — нет",
                t.accent(),
            ));
        } else if !self.valid() {
            tail.push(Line::from(""));
            tail.push(Line::styled(
                "Форма не будет сохранена, пока есть ошибки (⚠).",
                t.dim(),
            ));
        }
        let rows = |lines: &[Line]| crate::tui::popup::wrapped_rows(lines, inner_w);
        let mut head = header;
        if !head.is_empty() {
            head.push(Line::from(""));
        }
        let fixed = rows(&head) + rows(&tail) + 2;
        let room = usize::from(area.height).saturating_sub(fixed).max(1);
        let all: usize = fields.iter().map(|l| rows(l)).sum();
        let (from, to) = if all <= room {
            (0, fields.len())
        } else {
            visible(
                &fields.iter().map(|l| rows(l)).collect::<Vec<_>>(),
                self.focus,
                room.saturating_sub(2),
            )
        };
        let mut lines = head;
        if all > room {
            lines.push(Line::styled(
                if from > 0 {
                    format!("  ↑ ещё полей: {from}")
                } else {
                    String::new()
                },
                t.dim(),
            ));
        }
        for l in &fields[from..to] {
            lines.extend(l.iter().cloned());
        }
        if all > room {
            let below = fields.len() - to;
            lines.push(Line::styled(
                if below > 0 {
                    format!("  ↓ ещё полей: {below}")
                } else {
                    String::new()
                },
                t.dim(),
            ));
        }
        lines.extend(tail);
        let h = ((rows(&lines) + 2) as u16).min(area.height);
        let popup = crate::tui::popup::centered(area, w, h);
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(lines)
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(format!(" {} ", self.title))
                        .title_style(t.title()),
                )
                .wrap(Wrap { trim: false }),
            popup,
        );
    }
}

/// Fields `from..to` to show so that `focus` is among them and they take at most `room` rows
/// (`heights` are the rows of each field): the focused field, then the ones after it, then the
/// ones before.
fn visible(heights: &[usize], focus: usize, room: usize) -> (usize, usize) {
    let focus = focus.min(heights.len().saturating_sub(1));
    let (mut from, mut to) = (focus, focus + 1);
    let mut used = heights.get(focus).copied().unwrap_or(0);
    // Keep about a third of the room for the fields before the focused one.
    let before = room / 3;
    while from > 0 && used + heights[from - 1] <= before.max(used) {
        from -= 1;
        used += heights[from];
    }
    while to < heights.len() && used + heights[to] <= room {
        used += heights[to];
        to += 1;
    }
    while from > 0 && used + heights[from - 1] <= room {
        from -= 1;
        used += heights[from];
    }
    (from, to)
}

/// The lines of one field: label and value (several lines for multiline text), then its message.
fn field_lines(
    f: &Field,
    focused: bool,
    label_w: usize,
    inner_w: usize,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mark = if focused { "▶ " } else { "  " };
    let label_style = if !f.enabled {
        t.dim()
    } else if focused {
        t.key()
    } else {
        t.header()
    };
    let label = crate::service::table::cut(&format!("{}:", f.label), label_w);
    let pad = label_w.saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()));
    let label = format!("{mark}{label}{} ", " ".repeat(pad));
    let cursor = if focused && !matches!(f.kind, Kind::Choice(_) | Kind::Check) {
        "▏"
    } else {
        ""
    };
    // The cursor inside the text is marked by a character of no width, so that the value wraps
    // as it would without it; at the end it is drawn after the last line.
    let inside = (!cursor.is_empty())
        .then(|| f.cursor())
        .filter(|&i| i < f.text.chars().count());
    let shown = match inside {
        Some(i) => {
            let at = f
                .text
                .char_indices()
                .nth(i)
                .map_or(f.text.len(), |(b, _)| b);
            let clean = |t: &str| printable(t).replace(CARET, "");
            format!("{}{CARET}{}", clean(&f.text[..at]), clean(&f.text[at..]))
        }
        None => f.shown(),
    };
    let end_cursor = if inside.is_some() { "" } else { cursor };
    // Values are wrapped here, so that their continuation lines stay under the value.
    let value_w = inner_w.saturating_sub(label_w + 4).max(10);
    let shown: Vec<String> = shown.split('\n').flat_map(|p| wrap(p, value_w)).collect();
    let mut parts = shown.iter().map(String::as_str).peekable();
    let first = parts.next().unwrap_or("");
    let value_style = if focused { t.selected() } else { t.title() };
    let value = |p: &str| -> Vec<Span<'static>> {
        match p.split_once(CARET) {
            Some((a, b)) => vec![
                Span::styled(a.to_string(), value_style),
                Span::styled(cursor, t.key()),
                Span::styled(b.to_string(), value_style),
            ],
            None => vec![Span::styled(p.to_string(), value_style)],
        }
    };
    let mut spans = vec![Span::styled(label, label_style)];
    spans.extend(value(first));
    if parts.peek().is_none() {
        spans.push(Span::styled(end_cursor, t.key()));
    }
    let mut lines = vec![Line::from(spans)];
    let indent = " ".repeat(label_w + 3);
    while let Some(p) = parts.next() {
        let mut spans = vec![Span::raw(indent.clone())];
        spans.extend(value(p));
        if parts.peek().is_none() {
            spans.push(Span::styled(end_cursor, t.key()));
        }
        lines.push(Line::from(spans));
    }
    if let Some(d) = f.due_hint().filter(|_| f.error.is_none()) {
        lines.push(Line::from(vec![
            Span::raw(indent.clone()),
            Span::styled(format!("= {}", d.format("%d.%m.%Y")), t.dim()),
        ]));
    }
    if let Some(e) = &f.error {
        for (i, part) in wrap(&format!("⚠ {e}"), value_w).into_iter().enumerate() {
            let part = if i == 0 { part } else { format!("  {part}") };
            lines.push(Line::from(vec![
                Span::raw(indent.clone()),
                Span::styled(part, t.bad()),
            ]));
        }
    }
    lines
}

/// Where the cursor stands in a value being wrapped (a word joiner: no width, never typed in a
/// form's value by the person, since the value shown is scrubbed first).
const CARET: char = '\u{2060}';

/// Splits `text` into lines of at most `width` columns, at spaces where it can.
fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut w = 0;
    for word in text.split_inclusive(' ') {
        let ww: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        if w + ww > width && w > 0 {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            w = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if w + cw > width && w > 0 {
                lines.push(std::mem::take(&mut line));
                w = 0;
            }
            line.push(c);
            w += cw;
        }
    }
    lines.push(line);
    lines
}

impl Field {
    fn push_newline(&mut self) -> bool {
        match self.kind {
            Kind::Multiline { max } if self.text.chars().count() < max => self.insert('\n'),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_are_read_as_dd_mm_yyyy() {
        assert_eq!(parse_date("15.03.2026"), Ok(Some(d(2026, 3, 15))));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("15.3.2026").unwrap_err().contains("ДД.ММ.ГГГГ"));
        assert_eq!(
            parse_date("30.02.2026").unwrap_err(),
            "даты 30.02.2026 нет в календаре"
        );
    }

    #[test]
    fn a_planned_date_is_typed_as_a_date_or_as_documents_write_it() {
        let today = d(2026, 12, 7);
        let mut f = Form::new("т", vec![Field::due("Плановый срок", None, today)]);
        for c in "IV квартал 2027 г.".chars() {
            f.handle(Action::Type(c));
        }
        assert_eq!(f.fields[0].text, "IV квартал 2027 г.");
        assert_eq!(f.fields[0].error, None);
        // The fourth quarter's last day, and the date shown under the words.
        assert_eq!(f.fields[0].date_value(), Ok(Some(d(2027, 12, 31))));
        assert_eq!(f.fields[0].due_hint(), Some(d(2027, 12, 31)));
        // A date typed as a date: no hint; a recurring deadline gives no date.
        let date = Field::due("с", Some(d(2027, 3, 1)), today);
        assert_eq!((date.text.as_str(), date.due_hint()), ("01.03.2027", None));
        let mut f = Form::new("т", vec![Field::due("Плановый срок", None, today)]);
        for c in "ежеквартально".chars() {
            f.handle(Action::Type(c));
        }
        assert!(
            f.fields[0]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("не дает одной даты")),
            "{:?}",
            f.fields[0].error
        );
    }

    #[test]
    fn typing_keys_edit_fields_and_tab_moves() {
        let mut f = Form::new(
            "т",
            vec![
                Field::text("Имя", 5, ""),
                Field::date("Дата", None),
                Field::choice("Статус", vec!["запланировано", "выполнено"], 0),
                Field::check("Флаг", false),
                Field::number("Число", true, Some(3.0)),
            ],
        );
        for c in "Йод42x".chars() {
            f.handle(Action::Type(c));
        }
        assert_eq!(f.fields[0].text, "Йод42", "at most 5 characters");
        f.handle(Action::NextField);
        for c in "01/12/2026".chars() {
            f.handle(Action::Type(c));
        }
        assert_eq!(f.fields[1].text, "01.12.2026");
        assert_eq!(f.fields[1].error, None);
        f.handle(Action::Backspace);
        assert!(f.fields[1].error.is_some());
        f.handle(Action::Down);
        f.handle(Action::Type('в'));
        assert_eq!(f.fields[2].choice, 1);
        f.handle(Action::Type(' '));
        assert_eq!(f.fields[2].choice, 0);
        f.handle(Action::NextField);
        f.handle(Action::Type(' '));
        assert!(f.fields[3].checked());
        f.handle(Action::NextField);
        f.handle(Action::Type('.'));
        f.handle(Action::Type('5'));
        assert_eq!(
            f.fields[4].error.as_deref(),
            Some("нужно целое число, например 120")
        );
        f.handle(Action::NextField);
        assert_eq!(f.focus, 0, "Tab wraps around");
        f.handle(Action::PrevField);
        assert_eq!(f.focus, 4);
        assert!(!f.valid());
        assert_eq!(f.handle(Action::Save), FormEvent::Submit);
    }

    #[test]
    fn values_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("один два три", 8), vec!["один", "два три"]);
        assert_eq!(wrap("абвгдеёжзи", 4), vec!["абвг", "деёж", "зи"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn esc_asks_when_there_are_unsaved_changes() {
        let mut f = Form::new("т", vec![Field::text("Имя", 10, "а")]);
        assert_eq!(f.handle(Action::Cancel), FormEvent::Close);
        f.handle(Action::Type('б'));
        assert_eq!(f.handle(Action::Cancel), FormEvent::Moved);
        assert!(f.confirm_close);
        assert_eq!(f.handle(Action::Type('n')), FormEvent::Moved);
        assert!(!f.confirm_close);
        f.handle(Action::Cancel);
        assert_eq!(f.handle(Action::Type('д')), FormEvent::Close);
        f.handle(Action::Backspace);
        assert!(!f.dirty(), "back to the original value is not a change");
    }

    /// The form drawn on a test terminal, one string per row.
    fn drawn(f: &Form, w: u16, h: u16) -> Vec<String> {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|frame| f.draw(frame, frame.area(), &Theme::plain(), Vec::new(), Vec::new()))
            .unwrap();
        let buf = t.backend().buffer();
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect()
    }

    fn caret(f: &mut Form, c: Caret, times: usize) {
        for _ in 0..times {
            f.handle(Action::Caret(c));
        }
    }

    #[test]
    fn the_cursor_moves_by_characters_words_and_line_ends_and_is_drawn_where_it_stands() {
        let mut f = Form::new(
            "т",
            vec![Field::multiline("Мероприятие", 100, "один два три четыре")],
        );
        // Opened: the cursor is after the last character (19 characters).
        assert_eq!(f.fields[0].cursor(), 19);
        caret(&mut f, Caret::Home, 1);
        assert_eq!(f.fields[0].cursor(), 0);
        // Words start at 0, 5 («два»), 9 («три»), 13 («четыре»).
        caret(&mut f, Caret::WordRight, 2);
        assert_eq!(f.fields[0].cursor(), 9);
        let rows = drawn(&f, 60, 8);
        assert!(
            rows.iter().any(|r| r.contains("один два ▏три четыре")),
            "{rows:#?}"
        );
        caret(&mut f, Caret::Left, 1);
        assert_eq!(f.fields[0].cursor(), 8);
        caret(&mut f, Caret::Right, 1);
        // «три» deleted forward, «пять» typed in its place; the rest of the text stays.
        caret(&mut f, Caret::Delete, 3);
        assert_eq!(f.fields[0].text, "один два  четыре");
        for c in "пять".chars() {
            f.handle(Action::Type(c));
        }
        assert_eq!(f.fields[0].text, "один два пять четыре");
        assert_eq!(f.fields[0].cursor(), 13);
        // Backspace deletes before the cursor: «пять» → «пят».
        f.handle(Action::Backspace);
        assert_eq!(f.fields[0].text, "один два пят четыре");
        caret(&mut f, Caret::End, 1);
        assert_eq!(f.fields[0].cursor(), 19);
        caret(&mut f, Caret::WordLeft, 1);
        assert_eq!(f.fields[0].cursor(), 13);
        let rows = drawn(&f, 60, 8);
        assert!(
            rows.iter().any(|r| r.contains("один два пят ▏четыре")),
            "{rows:#?}"
        );
        assert!(f.dirty());
    }

    #[test]
    fn pasted_lines_are_new_lines_in_a_multiline_field_and_spaces_in_a_line() {
        let mut f = Form::new(
            "т",
            vec![
                Field::text("Номер", 10, ""),
                Field::multiline("Мероприятие", 100, "x"),
            ],
        );
        for c in "1.2\nа".chars() {
            f.handle(Action::Type(c));
        }
        assert_eq!(f.fields[0].text, "1.2 а");
        f.handle(Action::NextField);
        caret(&mut f, Caret::Home, 1);
        for c in "Йод\nЁж ".chars() {
            f.handle(Action::Type(c));
        }
        assert_eq!(f.fields[1].text, "Йод\nЁж x");
        // A line too long for the field is cut at its limit.
        let mut g = Form::new("т", vec![Field::text("Номер", 4, "")]);
        for c in "абвгде".chars() {
            g.handle(Action::Type(c));
        }
        assert_eq!(g.fields[0].text, "абвг");
    }

    #[test]
    fn a_value_set_by_the_screen_is_edited_from_its_end() {
        let mut f = Form::new("т", vec![Field::text("Имя", 20, "абв")]);
        caret(&mut f, Caret::Home, 1);
        f.fields[0].text = "другое".to_string();
        f.handle(Action::Type('!'));
        assert_eq!(f.fields[0].text, "другое!");
    }

    #[test]
    fn keys_inside_a_field_move_the_cursor_and_letters_stay_text() {
        use crate::tui::keymap::action;
        use crate::tui::msg::Mode;
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let key = |code, m| action(Mode::Search, KeyEvent::new(code, m));
        let none = KeyModifiers::NONE;
        for (code, m, caret) in [
            (KeyCode::Left, none, Caret::Left),
            (KeyCode::Right, none, Caret::Right),
            (KeyCode::Home, none, Caret::Home),
            (KeyCode::End, none, Caret::End),
            (KeyCode::Delete, none, Caret::Delete),
            (KeyCode::Left, KeyModifiers::CONTROL, Caret::WordLeft),
            (KeyCode::Right, KeyModifiers::CONTROL, Caret::WordRight),
            (KeyCode::Left, KeyModifiers::ALT, Caret::WordLeft),
            (KeyCode::Char('f'), KeyModifiers::ALT, Caret::WordRight),
            (KeyCode::Char('и'), KeyModifiers::ALT, Caret::WordLeft),
        ] {
            assert_eq!(key(code, m), Some(Action::Caret(caret)), "{code:?} {m:?}");
        }
        assert_eq!(key(KeyCode::Char('и'), none), Some(Action::Type('и')));
        assert_eq!(key(KeyCode::Backspace, none), Some(Action::Backspace));
        // Outside a field the arrows and Home keep their list meanings.
        let normal = |code| action(Mode::Normal, KeyEvent::new(code, none));
        assert_eq!(normal(KeyCode::Left), Some(Action::Left));
        assert_eq!(normal(KeyCode::Home), Some(Action::Home));
    }
}
