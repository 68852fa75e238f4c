//! The first start of the UI where there is no database: a form for the authority's details (the
//! same as `nok init` asks, each checked as typed), which creates the working database; then the
//! UI opens on it, and its summary leads through the next steps («Начало работы»).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::form::{Field, Form, FormEvent};
use super::keymap;
use super::msg::{Action, Mode};
use super::theme::Theme;
use crate::domain::sector::Sector;
use crate::domain::text::printable;
use crate::service::init::{self, Created, Detail};

/// Where the sector is among the fields (a choice; the rest are text).
const SECTOR: usize = 3;

/// The form and what became of it.
#[derive(Debug)]
pub struct FirstStart {
    pub form: Form,
    path: std::path::PathBuf,
    /// A save was tried: empty fields are flagged from then on.
    tried: bool,
}

/// What a key led to.
#[derive(Debug)]
pub enum Step {
    Continue,
    /// The database is made.
    Created(Created),
    /// The person left without making one.
    Left,
}

impl FirstStart {
    pub fn new(path: &Path) -> FirstStart {
        let fields = Detail::ALL
            .iter()
            .map(|d| match d {
                Detail::Sector => Field::choice(
                    d.label(),
                    Sector::ALL.iter().map(|s| s.name_ru()).collect(),
                    0,
                ),
                _ => Field::text(d.label(), 2000, ""),
            })
            .collect();
        FirstStart {
            form: Form::new(
                "Новая рабочая база: реквизиты уполномоченного органа",
                fields,
            ),
            path: path.to_path_buf(),
            tried: false,
        }
    }

    /// The values as `init` takes them, in the order of [`Detail::ALL`].
    fn values(&self) -> [String; 8] {
        std::array::from_fn(|i| {
            if i == SECTOR {
                Sector::ALL
                    .get(self.form.fields[i].choice)
                    .map_or("", |s| s.code())
                    .to_string()
            } else {
                self.form.fields[i].text.clone()
            }
        })
    }

    /// Each field's message: why its value is refused (empty fields only after a save was
    /// tried).
    fn recheck(&mut self) {
        self.form.check_formats();
        let values = self.values();
        for (i, d) in Detail::ALL.iter().enumerate() {
            let empty = values[i].trim().is_empty();
            if empty && !self.tried {
                continue;
            }
            if let Err(why) = d.check(&values[i]) {
                self.form.flag(i, why);
            }
        }
    }

    /// Changes the form for one intent (every key goes to the form: it is all there is).
    pub fn update(&mut self, action: Action) -> Step {
        if action == Action::Quit {
            return Step::Left;
        }
        // Enter goes on to the next field, as one fills a paper form; on the last it creates.
        let last = self.form.fields.len() - 1;
        let action = match action {
            Action::Accept if self.form.focus < last && !self.form.confirm_close => {
                Action::NextField
            }
            a => a,
        };
        match self.form.handle(action) {
            FormEvent::Changed => {
                self.recheck();
                Step::Continue
            }
            FormEvent::Close => Step::Left,
            FormEvent::Submit => self.submit(),
            FormEvent::Moved | FormEvent::None => Step::Continue,
        }
    }

    fn submit(&mut self) -> Step {
        self.tried = true;
        self.recheck();
        if self.form.refuse_invalid() {
            return Step::Continue;
        }
        let created = init::authority(&self.values())
            .map_err(anyhow::Error::msg)
            .and_then(|a| init::create(&self.path, &a));
        match created {
            Ok(c) => Step::Created(c),
            Err(e) => {
                self.form.notice = Some(format!("база не создана: {e:#}"));
                Step::Continue
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame, theme: &Theme) {
        let t = theme;
        let area = frame.area();
        if area.width < super::views::MIN_WIDTH || area.height < super::views::MIN_HEIGHT {
            let text = vec![
                Line::from("Терминал слишком мал"),
                Line::from(format!(
                    "нужно не меньше {}×{}, сейчас {}×{}",
                    super::views::MIN_WIDTH,
                    super::views::MIN_HEIGHT,
                    area.width,
                    area.height
                )),
                Line::from("увеличьте окно; Esc — выход"),
            ];
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
            return;
        }
        let [top, body, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        frame.render_widget(
            Paragraph::new(Line::styled("nok — начало работы", t.title())),
            top,
        );
        let header = vec![
            Line::from(format!(
                "Базы данных {} еще нет. Создадим рабочую базу вашего уполномоченного органа.",
                printable(&self.path.display().to_string())
            )),
            Line::styled(
                "Реквизиты проверяются по мере ввода (контрольные цифры ИНН и ОГРН). Потом: \
                 загрузить организации, создать цикл, загрузить исходные данные — рейтинг.",
                t.dim(),
            ),
            Line::styled(
                "Демонстрационные данные (отдельная база): Esc, затем nok demo.",
                t.dim(),
            ),
        ];
        self.form.draw(frame, body, t, header, Vec::new());
        let mut keys = self.form.keys();
        for k in &mut keys {
            if k.0 == "Enter" && self.form.focus + 1 < self.form.fields.len() {
                k.1 = "следующее поле";
            } else if k.0 == "Enter" || k.0 == "Ctrl-S" {
                k.1 = "создать базу";
            }
        }
        let mut spans = Vec::new();
        for (k, what) in keys {
            spans.push(Span::styled(format!(" {k} "), t.key()));
            spans.push(Span::styled(format!("{what} "), t.dim()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), bottom);
    }
}

/// Shows the form on the terminal until the database is made (`Some`), the person leaves, or a
/// stop signal comes (`None`).
pub fn ask(
    terminal: &mut ratatui::DefaultTerminal,
    path: &Path,
    theme: Theme,
    stop: &AtomicBool,
) -> anyhow::Result<Option<Created>> {
    let mut screen = FirstStart::new(path);
    let mut dirty = true;
    while !stop.load(Ordering::Relaxed) {
        if dirty {
            terminal.draw(|f| screen.draw(f, &theme))?;
            dirty = false;
        }
        let ready = match event::poll(Duration::from_millis(50)) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => false,
            other => other?,
        };
        if !ready {
            continue;
        }
        let read = match event::read() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => other?,
        };
        match read {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                if let Some(action) = keymap::action(Mode::Search, key) {
                    dirty = true;
                    match screen.update(action) {
                        Step::Continue => {}
                        Step::Created(c) => return Ok(Some(c)),
                        Step::Left => return Ok(None),
                    }
                }
            }
            Event::Resize(..) => dirty = true,
            _ => {}
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn drawn(s: &FirstStart, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| s.draw(f, &Theme::plain())).unwrap();
        t.backend().to_string()
    }

    #[test]
    fn the_form_fits_the_smallest_terminal_and_smaller_ones_are_told() {
        let s = FirstStart::new(Path::new("работа.sqlite"));
        let screen = drawn(&s, 80, 24);
        for label in [
            "Полное наименование органа",
            "Код по Сводному реестру",
            "Esc отмена",
        ] {
            assert!(screen.contains(label), "{screen}");
        }
        // 1×1 only must not panic; from 20 columns the message is readable.
        drawn(&s, 1, 1);
        for (w, h) in [(20, 5), (79, 40), (120, 23)] {
            assert!(drawn(&s, w, h).contains("Терминал"), "{w}×{h}");
        }
    }

    fn type_text(s: &mut FirstStart, text: &str) {
        for c in text.chars() {
            s.update(Action::Type(c));
        }
    }

    #[test]
    fn the_form_checks_as_typed_and_creates_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("work.sqlite");
        let mut s = FirstStart::new(&path);
        // Nothing typed: a save flags every text field, nothing is made.
        assert!(matches!(s.update(Action::Save), Step::Continue));
        assert!(!path.exists());
        assert_eq!(
            s.form.fields.iter().filter(|f| f.error.is_some()).count(),
            7
        );
        for (i, text) in [
            "Комитет по культуре Тверской области",
            "Минкультуры ТО",
            "Тверская область",
        ]
        .iter()
        .enumerate()
        {
            s.form.focus = i;
            type_text(&mut s, text);
        }
        s.form.focus = SECTOR;
        s.update(Action::Type('к')); // культура
        s.form.focus = 4;
        type_text(&mut s, "7707083894");
        let e = s.form.fields[4].error.clone().unwrap();
        assert!(e.contains("контрольная цифра"), "{e}");
        s.update(Action::Backspace);
        s.update(Action::Type('3'));
        assert_eq!(s.form.fields[4].error, None);
        for (i, text) in [(5, "773601001"), (6, "1027700132195"), (7, "41200013")] {
            s.form.focus = i;
            type_text(&mut s, text);
        }
        match s.update(Action::Save) {
            Step::Created(c) => assert_eq!(c.path, path),
            other => panic!("not created: {other:?} {:?}", s.form),
        }
        let conn = crate::store::Db::open(&path).unwrap();
        let sector: String = conn
            .query_row("SELECT sector FROM authority", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sector, "culture");
    }
}
