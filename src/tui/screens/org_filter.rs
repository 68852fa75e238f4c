//! The organization list's filters — sector, region, cycle, rating group, how the plan is going —
//! and the popup that sets them. The popup lists the five with their values; Enter opens a
//! filter's choices (typing narrows them, each with how many organizations it has), Enter picks,
//! Backspace resets the filter under the cursor, Esc closes. The list follows every change.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use rusqlite::Connection;

use crate::domain::sector::Sector;
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::browse::{self, OrgKey};
use crate::store::cycles;
use crate::tui::app::Action;
use crate::tui::screen::{Ctx, navigate, window};

/// How an organization's improvement plans are going, over all its cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    /// At least one open row is past its planned date.
    Overdue,
    /// Open rows remain, none overdue.
    InTime,
    /// Every row done or cancelled.
    Complete,
    /// No plan rows at all.
    NoPlan,
}

impl PlanState {
    pub const ALL: [PlanState; 4] = [
        PlanState::Overdue,
        PlanState::InTime,
        PlanState::Complete,
        PlanState::NoPlan,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PlanState::Overdue => "есть просроченные строки",
            PlanState::InTime => "выполняется в срок",
            PlanState::Complete => "план выполнен",
            PlanState::NoPlan => "нет плана",
        }
    }

    pub fn of(k: &OrgKey) -> PlanState {
        if k.plan_rows == 0 {
            PlanState::NoPlan
        } else if k.plan_overdue > 0 {
            PlanState::Overdue
        } else if k.plan_done + k.plan_cancelled >= k.plan_rows {
            PlanState::Complete
        } else {
            PlanState::InTime
        }
    }
}

/// A chosen cycle: its id and how it is named on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleChoice {
    pub id: i64,
    pub label: String,
}

impl CycleChoice {
    pub fn of(c: &cycles::CycleInfo) -> CycleChoice {
        CycleChoice {
            id: c.id,
            label: format!("№{} · {} · {} · {}", c.id, c.year, c.sector, c.authority),
        }
    }
}

/// The filters of the organization list; an organization is shown when it passes all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgFilters {
    pub sector: Option<Sector>,
    pub region: Option<String>,
    pub cycle: Option<CycleChoice>,
    pub group: Option<String>,
    pub plan: Option<PlanState>,
    /// Ids of the organizations in the chosen cycle and group, ascending; `None` when neither
    /// is chosen.
    members: Option<Vec<i64>>,
}

impl OrgFilters {
    pub fn is_empty(&self) -> bool {
        self.sector.is_none()
            && self.region.is_none()
            && self.cycle.is_none()
            && self.group.is_none()
            && self.plan.is_none()
    }

    pub fn matches(&self, k: &OrgKey) -> bool {
        self.sector.is_none_or(|s| k.sector == s)
            && self.region.as_ref().is_none_or(|r| &k.region == r)
            && self.plan.is_none_or(|p| PlanState::of(k) == p)
            && self
                .members
                .as_ref()
                .is_none_or(|m| m.binary_search(&k.id).is_ok())
    }

    /// Reads again which organizations the chosen cycle and group hold.
    pub fn load_members(&mut self, conn: &Connection) -> crate::store::Result<()> {
        self.members = if self.cycle.is_none() && self.group.is_none() {
            None
        } else {
            Some(browse::members(
                conn,
                self.cycle.as_ref().map(|c| c.id),
                self.group.as_deref(),
            )?)
        };
        Ok(())
    }

    /// The active filters, as the status line names them.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = self.sector {
            out.push(format!("сфера: {s}"));
        }
        if let Some(r) = &self.region {
            out.push(format!("регион: {}", printable(r)));
        }
        if let Some(c) = &self.cycle {
            out.push(format!("цикл №{}", c.id));
        }
        if let Some(g) = &self.group {
            out.push(format!("группа: {}", printable(g)));
        }
        if let Some(p) = self.plan {
            out.push(format!("план: {}", p.title()));
        }
        out
    }

    fn value(&self, dim: Dim) -> String {
        let text = match dim {
            Dim::Sector => self.sector.map(|s| s.to_string()),
            Dim::Region => self.region.clone(),
            Dim::Cycle => self.cycle.as_ref().map(|c| c.label.clone()),
            Dim::Group => self.group.clone(),
            Dim::Plan => self.plan.map(|p| p.title().to_string()),
        };
        text.unwrap_or_else(|| "все".to_string())
    }

    fn set(&mut self, value: Value) {
        match value {
            Value::Any(Dim::Sector) => self.sector = None,
            Value::Any(Dim::Region) => self.region = None,
            Value::Any(Dim::Cycle) => self.cycle = None,
            Value::Any(Dim::Group) => self.group = None,
            Value::Any(Dim::Plan) => self.plan = None,
            Value::Sector(s) => self.sector = Some(s),
            Value::Region(r) => self.region = Some(r),
            Value::Cycle(c) => self.cycle = Some(c),
            Value::Group(g) => self.group = Some(g),
            Value::Plan(p) => self.plan = Some(p),
        }
    }
}

/// One of the filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Sector,
    Region,
    Cycle,
    Group,
    Plan,
}

const DIMS: [Dim; 5] = [Dim::Sector, Dim::Region, Dim::Cycle, Dim::Group, Dim::Plan];

impl Dim {
    fn title(self) -> &'static str {
        match self {
            Dim::Sector => "Сфера",
            Dim::Region => "Регион",
            Dim::Cycle => "Цикл оценки",
            Dim::Group => "Группа",
            Dim::Plan => "Выполнение плана",
        }
    }
}

/// A value a filter can take.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// No filter on this dimension.
    Any(Dim),
    Sector(Sector),
    Region(String),
    Cycle(CycleChoice),
    Group(String),
    Plan(PlanState),
}

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
