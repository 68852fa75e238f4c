//! «Чьи исходные данные»: `e` on the card of an organization assessed in parts asks whose inputs
//! to edit — the organization's own (what its parts share: the website, a check of the whole
//! organization) or one part's — and opens the inputs form for it. A popup over the card.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::domain::text::printable;
use crate::store::card::CardCycle;
use crate::store::org_parts::PartResult;
use crate::tui::format::dec;
use crate::tui::msg::Action;
use crate::tui::popup::{centered, wrapped_rows};
use crate::tui::screen::{Ctx, Outcome, Screen, step};

/// The choice between the organization's inputs and each part's.
#[derive(Debug)]
pub struct HolderChoice {
    org: String,
    cycle: CardCycle,
    /// (part id, name, S, own inputs, inputs taken from the organization).
    parts: Vec<(i64, String, Option<f64>, usize, usize)>,
    /// 0: the organization; 1…: the parts.
    selected: usize,
    /// A save (or an undo, or a recompute) happened since the parts were read.
    stale: bool,
}

impl HolderChoice {
    /// The choice for `org` in cycle `cycle`, whose parts are `parts`.
    pub fn new(org: &str, cycle: &CardCycle, parts: &[PartResult]) -> HolderChoice {
        HolderChoice {
            org: org.to_string(),
            cycle: cycle.clone(),
            parts: Self::rows(parts),
            selected: 0,
            stale: false,
        }
    }

    fn rows(parts: &[PartResult]) -> Vec<(i64, String, Option<f64>, usize, usize)> {
        parts
            .iter()
            .map(|p| {
                (
                    p.part_id,
                    p.name.clone(),
                    p.value("S"),
                    p.inputs.len().saturating_sub(p.inherited.len()),
                    p.inherited.len(),
                )
            })
            .collect()
    }

    fn lines(&self) -> Vec<String> {
        let mut out = vec![
            "Организация в целом: общие для частей данные (сайт, проверка всей организации)"
                .to_string(),
        ];
        for (_, name, total, own, inherited) in &self.parts {
            let s = total.map_or("S не рассчитан".to_string(), |v| {
                format!("S = {}", dec(v))
            });
            out.push(format!(
                "Часть «{name}» · {s} · своих значений {own}, у организации взято {inherited}"
            ));
        }
        out
    }

    fn open(&self, cx: &Ctx) -> Outcome {
        match self.selected.checked_sub(1).and_then(|i| self.parts.get(i)) {
            None => crate::tui::forms::inputs::open(cx, &self.org, &self.cycle),
            Some((id, name, ..)) => {
                crate::tui::forms::inputs::open_part(cx, &self.org, &self.cycle, (*id, name))
            }
        }
    }
}

impl Screen for HolderChoice {
    fn title(&self) -> String {
        "Исходные данные: чьи".to_string()
    }

    /// Back from a part's form that saved (or after a recompute): the parts' S and counts as
    /// they are now.
    fn activate(&mut self, cx: &Ctx) {
        if !std::mem::take(&mut self.stale) {
            return;
        }
        let Some(conn) = cx.conn else {
            return;
        };
        if let Ok(parts) = crate::store::org_parts::for_membership(conn, self.cycle.membership_id)
            && !parts.is_empty()
        {
            self.parts = Self::rows(&parts);
            self.selected = self.selected.min(self.parts.len());
        }
    }

    fn data_changed(&mut self) {
        self.stale = true;
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        let len = self.parts.len() + 1;
        match action {
            Action::Down => self.selected = step(self.selected, len, 1),
            Action::Up => self.selected = step(self.selected, len, -1),
            Action::Home => self.selected = 0,
            Action::End => self.selected = len - 1,
            Action::Select(i) if i < len => self.selected = i,
            Action::Accept | Action::Edit => return self.open(cx),
            Action::Cancel | Action::Quit => return Outcome::Close,
            _ => return Outcome::Ignored,
        }
        Outcome::Done
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let w = area.width.min(100);
        let mut lines = vec![
            Line::styled(
                format!("{} оценивается по частям.", printable(&self.org)),
                t.title(),
            ),
            Line::styled("Чьи исходные данные изменить?", t.title()),
            Line::styled(
                "Часть считается по своим данным; чего у нее нет, берется у организации.",
                t.dim(),
            ),
            Line::from(""),
        ];
        for (i, text) in self.lines().into_iter().enumerate() {
            let style = if i == self.selected {
                t.selected()
            } else {
                t.header()
            };
            let mark = if i == self.selected { "▶ " } else { "  " };
            lines.push(Line::styled(format!("{mark}{}", printable(&text)), style));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(
            "↑↓ выбор · Enter открыть форму · Esc назад",
            t.accent(),
        ));
        // Lines longer than the popup wrap: count the rows they take.
        let rows = wrapped_rows(&lines, usize::from(w.saturating_sub(2)));
        let popup = centered(area, w, rows as u16 + 2);
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(lines)
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(format!(" Исходные данные · {} год ", self.cycle.year)),
                )
                .wrap(Wrap { trim: false }),
            popup,
        );
    }

    fn status(&self) -> String {
        format!(
            " исходные данные: чьи · строка {}/{}",
            self.selected + 1,
            self.parts.len() + 1
        )
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        vec![("↑↓", "выбор"), ("Enter", "открыть"), ("Esc", "назад")]
    }
}
