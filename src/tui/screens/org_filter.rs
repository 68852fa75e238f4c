//! The organization list's filters — sector, region, cycle, rating group, how the plan is going —
//! and the popup that sets them. The popup lists the five with their values; Enter opens a
//! filter's choices (typing narrows them, each with how many organizations it has), Enter picks,
//! Backspace resets the filter under the cursor, Esc closes. The list follows every change.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::domain::sector::Sector;
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::browse::{self, OrgKey};
use crate::store::cycles;
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, navigate, window};

use crate::tui::lists::org_filters::{CycleChoice, DIMS, Dim, OrgFilters, PlanState, Value};

/// The choices of one filter, narrowed by what is typed.
#[derive(Debug)]
struct Choices {
    dim: Dim,
    /// Label (with the count), its lower case for matching, and the value.
    items: Vec<(String, String, Value)>,
    query: String,
    /// Indices into `items` of those shown.
    view: Vec<usize>,
    selected: usize,
    offset: usize,
}

impl Choices {
    fn new(dim: Dim, items: Vec<(String, Value)>, current: &OrgFilters) -> Choices {
        let current = current.value(dim);
        let items: Vec<(String, String, Value)> = items
            .into_iter()
            .map(|(label, v)| (label.clone(), label.to_lowercase(), v))
            .collect();
        let selected = items
            .iter()
            .position(|(l, _, v)| !matches!(v, Value::Any(_)) && l.starts_with(&current))
            .unwrap_or(0);
        let view = (0..items.len()).collect();
        Choices {
            dim,
            items,
            query: String::new(),
            view,
            selected,
            offset: 0,
        }
    }

    fn narrow(&mut self) {
        let q = self.query.trim().to_lowercase();
        self.view = (0..self.items.len())
            .filter(|&i| q.is_empty() || self.items[i].1.contains(&q))
            .collect();
        self.selected = 0;
        self.offset = 0;
    }

    fn chosen(&self) -> Option<&Value> {
        self.view.get(self.selected).map(|&i| &self.items[i].2)
    }
}

/// What a key did in the popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopupEvent {
    /// Nothing to redo.
    Stay,
    /// A filter changed: filter the list again.
    Changed,
    /// The popup closed.
    Closed,
}

/// The filter popup.
#[derive(Debug, Default)]
pub struct FilterPopup {
    dim: usize,
    choices: Option<Choices>,
    /// What went wrong reading the choices.
    error: Option<String>,
}

/// Rows of the choices list shown at most.
const CHOICES_HEIGHT: usize = 14;

impl FilterPopup {
    pub fn new() -> FilterPopup {
        FilterPopup::default()
    }

    /// A choices list has the keys: letters narrow it.
    pub fn typing(&self) -> bool {
        self.choices.is_some()
    }

    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if self.choices.is_some() {
            vec![("↑↓", "выбор"), ("Enter", "применить"), ("Esc", "назад")]
        } else {
            vec![
                ("↑↓", "фильтр"),
                ("Enter", "значения"),
                ("Backspace", "сбросить"),
                ("Esc", "закрыть"),
            ]
        }
    }

    /// Handles a key; `keys` is the organization index (for regions and counts).
    pub fn update(
        &mut self,
        action: Action,
        filters: &mut OrgFilters,
        keys: &[OrgKey],
        cx: &Ctx,
    ) -> PopupEvent {
        self.error = None;
        if let Some(ch) = self.choices.as_mut() {
            if let Some(sel) = navigate(action, ch.selected, ch.view.len(), CHOICES_HEIGHT) {
                ch.selected = sel;
                ch.offset = window(ch.offset, sel, CHOICES_HEIGHT);
                return PopupEvent::Stay;
            }
            match action {
                Action::Type(c) => {
                    ch.query.push(c);
                    ch.narrow();
                }
                Action::Backspace => {
                    ch.query.pop();
                    ch.narrow();
                }
                Action::Cancel => self.choices = None,
                Action::Accept => {
                    let Some(value) = ch.chosen().cloned() else {
                        return PopupEvent::Stay;
                    };
                    let dim = ch.dim;
                    self.choices = None;
                    return self.apply(dim, value, filters, cx);
                }
                _ => {}
            }
            return PopupEvent::Stay;
        }
        if let Some(sel) = navigate(action, self.dim, DIMS.len(), DIMS.len()) {
            self.dim = sel;
            return PopupEvent::Stay;
        }
        match action {
            Action::Cancel | Action::Filter => PopupEvent::Closed,
            Action::Accept | Action::Right => {
                let dim = DIMS[self.dim];
                match choices(dim, filters, keys, cx) {
                    Ok(items) => self.choices = Some(Choices::new(dim, items, filters)),
                    Err(e) => self.error = Some(e),
                }
                PopupEvent::Stay
            }
            Action::Backspace => {
                self.apply(DIMS[self.dim], Value::Any(DIMS[self.dim]), filters, cx)
            }
            _ => PopupEvent::Stay,
        }
    }

    fn apply(&mut self, dim: Dim, value: Value, filters: &mut OrgFilters, cx: &Ctx) -> PopupEvent {
        filters.set(value);
        // Another cycle may not have the group chosen before.
        if dim == Dim::Cycle && filters.group.is_some() {
            filters.group = None;
        }
        if matches!(dim, Dim::Cycle | Dim::Group)
            && let Some(conn) = cx.conn
            && let Err(e) = filters.load_members(conn)
        {
            self.error = Some(format!("не удалось прочитать участников цикла: {e}"));
        }
        PopupEvent::Changed
    }

    pub fn draw(&self, filters: &OrgFilters, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let width = area.width.saturating_sub(4).min(76);
        let inner_w = width.saturating_sub(2) as usize;
        let mut lines: Vec<Line> = Vec::new();
        let title;
        match &self.choices {
            None => {
                title = " Фильтры ".to_string();
                for (i, dim) in DIMS.iter().enumerate() {
                    let label = format!("{:<18}", dim.title());
                    let value = cut(&printable(&filters.value(*dim)), inner_w.saturating_sub(20));
                    let line = Line::from(vec![
                        Span::raw(if i == self.dim { "› " } else { "  " }),
                        Span::styled(label, t.header()),
                        Span::raw(value),
                    ]);
                    lines.push(if i == self.dim {
                        line.style(t.selected())
                    } else {
                        line
                    });
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    "Enter — выбрать значение · Backspace — сбросить · Esc — закрыть",
                    t.dim(),
                ));
            }
            Some(ch) => {
                title = format!(" {} ", ch.dim.title());
                lines.push(Line::from(vec![
                    Span::styled("Найти: ", t.key()),
                    Span::raw(printable(&ch.query).into_owned()),
                    Span::styled("▏", t.key()),
                ]));
                let offset = window(ch.offset, ch.selected, CHOICES_HEIGHT);
                for (pos, &i) in ch.view.iter().enumerate().skip(offset).take(CHOICES_HEIGHT) {
                    let text = cut(&printable(&ch.items[i].0), inner_w.saturating_sub(2));
                    let line = Line::from(format!(
                        "{}{text}",
                        if pos == ch.selected { "› " } else { "  " }
                    ));
                    lines.push(if pos == ch.selected {
                        line.style(t.selected())
                    } else {
                        line
                    });
                }
                if ch.view.is_empty() {
                    lines.push(Line::styled("  ничего не подходит", t.dim()));
                }
                lines.push(Line::styled(
                    format!("{} из {}", ch.view.len(), ch.items.len()),
                    t.dim(),
                ));
            }
        }
        if let Some(e) = &self.error {
            lines.push(Line::styled(printable(e).into_owned(), t.bad()));
        }
        let height = (lines.len() as u16 + 2).min(area.height);
        let [_, mid, _] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(height),
            Constraint::Fill(1),
        ])
        .areas(area);
        let [_, popup, _] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(width),
            Constraint::Fill(1),
        ])
        .areas(mid);
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
            popup,
        );
    }
}

/// The choices of `dim`, «все» first, each with how many organizations it has.
fn choices(
    dim: Dim,
    filters: &OrgFilters,
    keys: &[OrgKey],
    cx: &Ctx,
) -> Result<Vec<(String, Value)>, String> {
    let any = ("все".to_string(), Value::Any(dim));
    let counted = |n: usize| format!("({n} орг.)");
    let mut out = vec![any];
    match dim {
        Dim::Sector => {
            for s in Sector::ALL {
                let n = keys.iter().filter(|k| k.sector == s).count();
                out.push((format!("{s} {}", counted(n)), Value::Sector(s)));
            }
        }
        Dim::Region => {
            let mut regions: std::collections::BTreeMap<&str, usize> = Default::default();
            for k in keys {
                *regions.entry(k.region.as_str()).or_default() += 1;
            }
            out.extend(
                regions
                    .into_iter()
                    .map(|(r, n)| (format!("{r} {}", counted(n)), Value::Region(r.to_string()))),
            );
        }
        Dim::Plan => {
            for p in PlanState::ALL {
                let n = keys.iter().filter(|k| PlanState::of(k) == p).count();
                out.push((format!("{} {}", p.title(), counted(n)), Value::Plan(p)));
            }
        }
        Dim::Cycle => {
            let conn = cx.conn.ok_or("нет соединения с базой")?;
            let mut list = cycles::list_brief(conn).map_err(|e| e.to_string())?;
            // Newest first: the cycle wanted is usually this year's.
            list.reverse();
            out.extend(list.iter().map(|c| {
                let choice = CycleChoice::of(c);
                (
                    format!(
                        "{} · {} {}",
                        choice.label,
                        c.region,
                        counted(c.orgs as usize)
                    ),
                    Value::Cycle(choice),
                )
            }));
        }
        Dim::Group => {
            let conn = cx.conn.ok_or("нет соединения с базой")?;
            let groups = browse::groups(conn, filters.cycle.as_ref().map(|c| c.id))
                .map_err(|e| e.to_string())?;
            out.extend(
                groups
                    .into_iter()
                    .map(|(g, n)| (format!("{g} {}", counted(n as usize)), Value::Group(g))),
            );
        }
    }
    Ok(out)
}
