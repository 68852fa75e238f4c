//! «Планы органа»: the authorities' own plans as a tree — plan → sections → items nested by
//! their parent — each item with its deadline as written, the due date when known, executors,
//! status and where it stands today; and the selected plan's target indicators by year, planned
//! against actual. Plans are few, so the list is read whole; one plan's items are read when it
//! is opened (one plan open at a time).

use std::collections::{HashMap, HashSet};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::deadline::{self, Deadline, Events, ItemState};
use crate::domain::text::printable;
use crate::domain::workplan::{TargetIndicator, WorkplanItem, WorkplanSection};
use crate::service::table::cut;
use crate::store::workplans::{self, PlanHead, Tree};
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen, navigate, window};
use crate::tui::theme::Theme;

/// Items due within this many days are «due soon».
pub const DUE_SOON_DAYS: i64 = 30;

/// The style of an item's state in the tree.
fn state_style(state: ItemState, t: &Theme) -> Style {
    match state {
        ItemState::Done(_) => t.good(),
        ItemState::Overdue { .. } | ItemState::Unrecognised => t.bad(),
        ItemState::DueSoon { .. } => t.accent(),
        ItemState::Cancelled
        | ItemState::Continuous
        | ItemState::AsNeeded
        | ItemState::Delegated
        | ItemState::NoDeadline
        | ItemState::AwaitingEvent(_) => t.dim(),
        ItemState::InTime { .. } => Style::default(),
    }
}

/// What a line of the tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKey {
    /// Index into the plan list.
    Plan(usize),
    /// Section id.
    Section(i64),
    /// Item id.
    Item(i64),
}

/// A visible line of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub key: NodeKey,
    pub depth: usize,
    pub has_children: bool,
    pub expanded: bool,
}

/// The plan that is open: its tree, and what hangs under what.
#[derive(Debug)]
struct OpenPlan {
    index: usize,
    sections: HashMap<i64, WorkplanSection>,
    items: HashMap<i64, WorkplanItem>,
    /// Children of the plan itself, of sections and of items, in document order.
    roots: Vec<NodeKey>,
    children: HashMap<NodeKey, Vec<NodeKey>>,
    /// Recorded dates of the events its deadlines count from.
    events: Events,
}

impl OpenPlan {
    fn new(index: usize, tree: Tree, events: Events) -> OpenPlan {
        let item_ids: HashSet<i64> = tree.items.iter().map(|(id, _)| *id).collect();
        let section_ids: HashSet<i64> = tree.sections.iter().map(|(id, _)| *id).collect();
        let mut children: HashMap<NodeKey, Vec<NodeKey>> = HashMap::new();
        let mut loose = Vec::new();
        for (id, item) in &tree.items {
            let parent = match (item.parent_id, item.section_id) {
                (Some(p), _) if p != *id && item_ids.contains(&p) => Some(NodeKey::Item(p)),
                (_, Some(s)) if section_ids.contains(&s) => Some(NodeKey::Section(s)),
                _ => None,
            };
            match parent {
                Some(p) => children.entry(p).or_default().push(NodeKey::Item(*id)),
                None => loose.push(NodeKey::Item(*id)),
            }
        }
        // Items outside any section come first, then the sections in order.
        let roots = loose
            .into_iter()
            .chain(tree.sections.iter().map(|(id, _)| NodeKey::Section(*id)))
            .collect();
        OpenPlan {
            index,
            sections: tree.sections.into_iter().collect(),
            items: tree.items.into_iter().collect(),
            roots,
            children,
            events,
        }
    }
}

/// The authority-plans screen.
#[derive(Debug, Default)]
pub struct WorkplansScreen {
    plans: Option<Vec<PlanHead>>,
    open: Option<OpenPlan>,
    /// Nodes of the open plan that are collapsed (everything starts expanded).
    collapsed: HashSet<NodeKey>,
    nodes: Vec<Node>,
    selected: usize,
    offset: usize,
    /// Target indicators of the plan of the selection: (plan index, indicators).
    targets: Option<(usize, Vec<TargetIndicator>)>,
    error: Option<String>,
}

impl WorkplansScreen {
    pub fn new() -> WorkplansScreen {
        WorkplansScreen::default()
    }

    /// The visible lines of the tree (tests look at them).
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The number of an item as written (`1.1`), when the line is an item of the open plan.
    pub fn item_number(&self, key: NodeKey) -> Option<&str> {
        match key {
            NodeKey::Item(id) => self
                .open
                .as_ref()
                .and_then(|o| o.items.get(&id))
                .map(|i| i.number.as_str()),
            _ => None,
        }
    }

    /// The target indicators shown (of the plan of the selection).
    pub fn targets(&self) -> &[TargetIndicator] {
        self.targets.as_ref().map_or(&[], |t| &t.1)
    }

    fn load_plans(&mut self, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        match workplans::plans(conn) {
            Ok(plans) => {
                let first = !plans.is_empty() && self.plans.is_none();
                self.plans = Some(plans);
                self.error = None;
                if first {
                    self.open_plan(0, cx);
                } else {
                    self.rebuild();
                }
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Opens plan `index` (closing the one open), reading its items.
    fn open_plan(&mut self, index: usize, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        let Some(id) = self.plan(index).map(|p| p.id) else {
            return;
        };
        let loaded = workplans::tree(conn, id)
            .and_then(|tree| Ok((tree, crate::store::overdue::workplan_events(conn, id)?)));
        match loaded {
            Ok((tree, events)) => {
                self.open = Some(OpenPlan::new(index, tree, events));
                self.collapsed.clear();
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        self.rebuild();
        if let Some(i) = self
            .nodes
            .iter()
            .position(|n| n.key == NodeKey::Plan(index))
        {
            self.selected = i;
        }
    }

    /// Reads the open plan's items again (after a change saved from a form), keeping what is
    /// collapsed and the selected line.
    fn reload_open(&mut self, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        let Some(index) = self.open.as_ref().map(|o| o.index) else {
            return;
        };
        let Some(id) = self.plan(index).map(|p| p.id) else {
            return;
        };
        let loaded = workplans::tree(conn, id)
            .and_then(|tree| Ok((tree, crate::store::overdue::workplan_events(conn, id)?)));
        match loaded {
            Ok((tree, events)) => self.open = Some(OpenPlan::new(index, tree, events)),
            Err(e) => self.error = Some(e.to_string()),
        }
        self.rebuild();
    }

    /// The item on the selected line (with its id), if the line is an item.
    fn selected_item(&self) -> Option<(i64, &WorkplanItem)> {
        match self.nodes.get(self.selected).map(|n| n.key) {
            Some(NodeKey::Item(id)) => self
                .open
                .as_ref()
                .and_then(|o| o.items.get(&id))
                .map(|i| (id, i)),
            _ => None,
        }
    }

    /// `e` on an item: its form.
    fn edit_selected(&self, cx: &Ctx) -> Outcome {
        match self.selected_item() {
            Some((id, i)) => crate::tui::forms::workplan_item::open(
                cx,
                id,
                &i.number,
                &i.measure,
                &i.deadline_text,
            ),
            None => match self.nodes.get(self.selected).map(|n| n.key) {
                Some(NodeKey::Plan(i)) => match self.plan(i) {
                    Some(p) => crate::tui::forms::targets::open(cx, p.id, &p.title),
                    None => Outcome::Done,
                },
                _ => Outcome::Message(
                    "e на мероприятии — его исполнение, на плане — целевые показатели".into(),
                ),
            },
        }
    }

    /// `d` on an item: asks, then deletes it with its executors (`u` puts them back).
    fn delete_selected(&self, cx: &Ctx) -> Outcome {
        match self.selected_item() {
            Some((id, i)) => super::edit_delete::ask(
                cx,
                crate::service::write::Table::WorkplanItem,
                id,
                &format!(
                    "мероприятие {} «{}»",
                    i.number,
                    crate::service::table::cut(&i.measure, 60)
                ),
            ),
            None => Outcome::Message("d удаляет мероприятие плана: выберите его строку".into()),
        }
    }

    fn plan(&self, index: usize) -> Option<&PlanHead> {
        self.plans.as_ref().and_then(|p| p.get(index))
    }

    /// Flattens the tree into visible lines, keeping the selected line selected.
    fn rebuild(&mut self) {
        let keep = self.nodes.get(self.selected).map(|n| n.key);
        let mut nodes = Vec::new();
        let plans = self.plans.as_ref().map_or(0, Vec::len);
        for index in 0..plans {
            let open = self.open.as_ref().filter(|o| o.index == index);
            let expanded = open.is_some() && !self.collapsed.contains(&NodeKey::Plan(index));
            nodes.push(Node {
                key: NodeKey::Plan(index),
                depth: 0,
                has_children: true,
                expanded,
            });
            if let (Some(open), true) = (open, expanded) {
                let mut seen = HashSet::new();
                for key in &open.roots {
                    push_subtree(open, &self.collapsed, *key, 1, &mut seen, &mut nodes);
                }
            }
        }
        self.nodes = nodes;
        self.selected = keep
            .and_then(|k| self.nodes.iter().position(|n| n.key == k))
            .unwrap_or(self.selected)
            .min(self.nodes.len().saturating_sub(1));
    }

    /// The plan index the selected line belongs to.
    fn selected_plan(&self) -> Option<usize> {
        match self.nodes.get(self.selected)?.key {
            NodeKey::Plan(i) => Some(i),
            _ => self.open.as_ref().map(|o| o.index),
        }
    }

    /// Reads the target indicators when the selection moved to another plan.
    fn follow_targets(&mut self, cx: &Ctx) {
        let Some(index) = self.selected_plan() else {
            return;
        };
        if self.targets.as_ref().is_some_and(|t| t.0 == index) {
            return;
        }
        let (Some(conn), Some(id)) = (cx.conn, self.plan(index).map(|p| p.id)) else {
            return;
        };
        match workplans::targets(conn, id) {
            Ok(t) => self.targets = Some((index, t)),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Enter / →: opens a closed plan, expands a collapsed line; `toggle` also collapses.
    fn expand(&mut self, toggle: bool, cx: &Ctx) {
        let Some(node) = self.nodes.get(self.selected).copied() else {
            return;
        };
        match node.key {
            NodeKey::Plan(i) if self.open.as_ref().is_none_or(|o| o.index != i) => {
                self.open_plan(i, cx)
            }
            key if node.has_children => {
                if node.expanded && toggle {
                    self.collapsed.insert(key);
                } else if node.expanded {
                    // → on an expanded line goes to its first child.
                    self.selected = (self.selected + 1).min(self.nodes.len().saturating_sub(1));
                } else {
                    self.collapsed.remove(&key);
                }
                self.rebuild();
            }
            _ => {}
        }
    }

    /// ←: collapses an expanded line, else goes to the parent line.
    fn collapse(&mut self) {
        let Some(node) = self.nodes.get(self.selected).copied() else {
            return;
        };
        if node.has_children && node.expanded {
            self.collapsed.insert(node.key);
            self.rebuild();
        } else if let Some(parent) = self.nodes[..self.selected]
            .iter()
            .rposition(|n| n.depth < node.depth)
        {
            self.selected = parent;
        }
    }
}

fn push_subtree(
    open: &OpenPlan,
    collapsed: &HashSet<NodeKey>,
    key: NodeKey,
    depth: usize,
    seen: &mut HashSet<NodeKey>,
    out: &mut Vec<Node>,
) {
    // A loop in the parent links must not hang the screen.
    if !seen.insert(key) {
        return;
    }
    let kids = open.children.get(&key).map_or(&[][..], Vec::as_slice);
    let expanded = !kids.is_empty() && !collapsed.contains(&key);
    out.push(Node {
        key,
        depth,
        has_children: !kids.is_empty(),
        expanded,
    });
    if expanded {
        for k in kids {
            push_subtree(open, collapsed, *k, depth + 1, seen, out);
        }
    }
}

impl Screen for WorkplansScreen {
    fn title(&self) -> String {
        "Планы органа".to_string()
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("↑↓", "строка"),
            ("Enter ←→", "раскрыть/свернуть"),
            ("e", "правка"),
            ("d", "удалить"),
        ]
    }

    fn status(&self) -> String {
        let Some(plans) = &self.plans else {
            return " Планы органа: загрузка…".to_string();
        };
        let n = self.nodes.len();
        let pos = if n == 0 { 0 } else { self.selected + 1 };
        let mut s = format!(" строка {pos}/{n}");
        if let Some(i) = self.selected_plan() {
            s.push_str(&format!(" · план {}/{}", i + 1, plans.len()));
            if let Some(open) = self.open.as_ref().filter(|o| o.index == i) {
                s.push_str(&format!(" · мероприятий {}", open.items.len()));
            }
        }
        s
    }

    fn activate(&mut self, cx: &Ctx) {
        self.load_plans(cx);
        self.reload_open(cx);
        self.follow_targets(cx);
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        if self.plans.is_none() {
            self.load_plans(cx);
        }
        let page = cx.page.get();
        if let Some(sel) = navigate(action, self.selected, self.nodes.len(), page) {
            self.selected = sel;
        } else {
            match action {
                Action::Accept => self.expand(true, cx),
                Action::Right => self.expand(false, cx),
                Action::Left => self.collapse(),
                Action::Edit => return self.edit_selected(cx),
                Action::Delete => return self.delete_selected(cx),
                _ => return Outcome::Ignored,
            }
        }
        self.offset = window(self.offset, self.selected, page);
        self.follow_targets(cx);
        Outcome::Done
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        if let Some(e) = &self.error {
            frame.render_widget(
                Paragraph::new(format!("Ошибка: {}", printable(e)))
                    .style(t.bad())
                    .wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        let Some(plans) = &self.plans else {
            frame.render_widget(Paragraph::new("Загрузка планов…"), area);
            return;
        };
        if plans.is_empty() {
            frame.render_widget(
                Paragraph::new("Планов уполномоченных органов в базе нет.").style(t.dim()),
                area,
            );
            return;
        }
        let indicators = self.targets();
        // Borders and the header take three lines; at most five indicators are shown.
        let target_h = if indicators.is_empty() {
            3
        } else {
            indicators.len().min(5) as u16 + 3
        };
        let [tree, detail, targets] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(3),
            Constraint::Length(target_h),
        ])
        .areas(area);
        self.draw_tree(frame, tree, cx);
        self.draw_detail(frame, detail, cx);
        self.draw_targets(frame, targets, cx);
    }
}

/// Text cut to `width` columns and padded to exactly that.
fn col(text: &str, width: usize) -> String {
    let mut s = cut(text, width);
    let w = s.width();
    if w < width {
        s.push_str(&" ".repeat(width - w));
    }
    s
}

/// Text cut to `width` columns and padded on the left.
fn rcol(text: &str, width: usize) -> String {
    let s = cut(text, width);
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

const W_DEADLINE: usize = 24;
const W_DUE: usize = 10;
const W_STATE: usize = 22;
/// The deadline-as-written column is shown only when the measure still gets this much room.
const MIN_LABEL_WITH_DEADLINE: usize = 40;

/// 60.0 → «60», 3.5 → «3,5», none → «—».
fn num(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Some(x) => crate::domain::decimal::fixed(x, 1),
    }
}

impl WorkplansScreen {
    fn draw_tree(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let block = Block::default().borders(Borders::ALL);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let height = inner.height.saturating_sub(1) as usize;
        cx.page.set(height.max(1));
        let width = inner.width as usize;
        let fixed = W_DUE + W_STATE + 2;
        let with_deadline = width.saturating_sub(fixed + W_DEADLINE + 1) >= MIN_LABEL_WITH_DEADLINE;
        let label_w = width
            .saturating_sub(fixed + if with_deadline { W_DEADLINE + 1 } else { 0 })
            .max(10);
        let row = |label: &str, deadline: &str, due: &str, state: &str| -> (String, String) {
            let mut s = format!("{} ", col(label, label_w));
            if with_deadline {
                s.push_str(&col(deadline, W_DEADLINE));
                s.push(' ');
            }
            s.push_str(&col(due, W_DUE));
            s.push(' ');
            (s, col(state, W_STATE))
        };
        let (h1, h2) = row("Мероприятие", "Срок исполнения", "Дата", "Состояние");
        let mut lines = vec![Line::styled(format!("{h1}{h2}"), t.header())];
        let offset = window(self.offset, self.selected, height);
        for (i, node) in self.nodes.iter().enumerate().skip(offset).take(height) {
            let indent = "  ".repeat(node.depth);
            let marker = match (node.has_children, node.expanded) {
                (true, true) => "▾ ",
                (true, false) => "▸ ",
                _ => "  ",
            };
            let (label, deadline, due, state, base) = match node.key {
                NodeKey::Plan(p) => {
                    let Some(h) = self.plan(p) else { continue };
                    let years = if h.year_from == h.year_to {
                        h.year_from.to_string()
                    } else {
                        format!("{}–{}", h.year_from, h.year_to)
                    };
                    (
                        format!(
                            "{} · {years} · {}",
                            printable(&h.authority),
                            printable(&h.title)
                        ),
                        String::new(),
                        String::new(),
                        None,
                        t.title(),
                    )
                }
                NodeKey::Section(id) => {
                    let s = self.open.as_ref().and_then(|o| o.sections.get(&id));
                    let text = s.map_or(String::new(), |s| {
                        let dot = if s.number.is_empty() { "" } else { ". " };
                        format!("{}{dot}{}", printable(&s.number), printable(&s.title))
                    });
                    (text, String::new(), String::new(), None, t.header())
                }
                NodeKey::Item(id) => {
                    let Some(open) = self.open.as_ref() else {
                        continue;
                    };
                    let Some(item) = open.items.get(&id) else {
                        continue;
                    };
                    let state = deadline::item_state(
                        item.status,
                        item.completed_on,
                        &Deadline::parse(&item.deadline_text),
                        &deadline::Context {
                            today: cx.today,
                            period: self.plan(open.index).map(|h| (h.year_from, h.year_to)),
                            events: &open.events,
                            calendar: None,
                        },
                        DUE_SOON_DAYS,
                    );
                    (
                        format!("{} {}", printable(&item.number), printable(&item.measure)),
                        printable(&item.deadline_text).into_owned(),
                        state
                            .due()
                            .or(item.deadline_due)
                            .map_or(String::new(), |d| d.format("%d.%m.%Y").to_string()),
                        Some(state),
                        Style::default(),
                    )
                }
            };
            let (left, right) = match state {
                Some(state) => row(
                    &format!("{indent}{marker}{label}"),
                    &deadline,
                    &due,
                    &state.label_ru(),
                ),
                // Plans and sections have no columns: their title takes the whole line.
                None => (
                    col(&format!("{indent}{marker}{label}"), width),
                    String::new(),
                ),
            };
            lines.push(if i == self.selected {
                Line::styled(format!("{left}{right}"), t.selected())
            } else {
                Line::from(vec![
                    Span::styled(left, base),
                    Span::styled(right, state.map_or(Style::default(), |s| state_style(s, t))),
                ])
            });
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_detail(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let w = area.width as usize;
        let Some(node) = self.nodes.get(self.selected) else {
            return;
        };
        let field = |label: &str, value: String| -> Line<'static> {
            let rest = w.saturating_sub(label.width() + 2);
            Line::from(vec![
                Span::styled(format!("{label}: "), t.dim()),
                Span::raw(cut(&value, rest)),
            ])
        };
        let lines = match node.key {
            NodeKey::Plan(p) => {
                let Some(h) = self.plan(p) else { return };
                let mut approved = printable(&h.approved_by).into_owned();
                if let Some(d) = h.approved_on.map(|d| d.format("%d.%m.%Y").to_string())
                    && !approved.contains(&d)
                {
                    approved.push_str(&format!(" от {d}"));
                }
                vec![
                    Line::styled(cut(&printable(&h.title), w), t.header()),
                    field(
                        "Акт об утверждении",
                        if approved.is_empty() {
                            "—".into()
                        } else {
                            approved
                        },
                    ),
                    field("Мероприятий", h.items.to_string()),
                ]
            }
            NodeKey::Section(id) => {
                let Some(s) = self.open.as_ref().and_then(|o| o.sections.get(&id)) else {
                    return;
                };
                vec![Line::styled(cut(&printable(&s.title), w), t.header())]
            }
            NodeKey::Item(id) => {
                let Some(item) = self.open.as_ref().and_then(|o| o.items.get(&id)) else {
                    return;
                };
                let mut status = item.status.name_ru().to_string();
                if let Some(d) = item.completed_on {
                    status.push_str(&format!(" {}", d.format("%d.%m.%Y")));
                }
                status.push_str(&format!(
                    " · срок: {}",
                    if item.deadline_text.is_empty() {
                        "не указан".into()
                    } else {
                        printable(&item.deadline_text).into_owned()
                    }
                ));
                if item.deadline_due.is_none() && !item.deadline_text.is_empty() {
                    status.push_str(" (без даты)");
                }
                if !item.note.is_empty() {
                    status.push_str(&format!(" · {}", printable(&item.note)));
                }
                let executors = item
                    .executors
                    .iter()
                    .map(|e| printable(e).into_owned())
                    .collect::<Vec<_>>()
                    .join("; ");
                vec![
                    field(
                        "Форма",
                        if item.form.is_empty() {
                            "—".into()
                        } else {
                            printable(&item.form).into_owned()
                        },
                    ),
                    field(
                        "Исполнители",
                        if executors.is_empty() {
                            "—".into()
                        } else {
                            executors
                        },
                    ),
                    field("Статус", status),
                ]
            }
        };
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn draw_targets(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" Целевые показатели: план / факт ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let indicators = self.targets();
        if indicators.is_empty() {
            frame.render_widget(
                Paragraph::new("У плана нет целевых показателей").style(t.dim()),
                inner,
            );
            return;
        }
        let mut years: Vec<i32> = indicators
            .iter()
            .flat_map(|i| i.values.iter().map(|v| v.year))
            .collect();
        years.sort_unstable();
        years.dedup();
        const W_NO: usize = 3;
        const W_UNIT: usize = 4;
        const W_YEAR: usize = 11;
        const MIN_NAME: usize = 20;
        let width = inner.width as usize;
        // The latest years that fit beside a readable name.
        let fit = width.saturating_sub(W_NO + W_UNIT + MIN_NAME + 2) / (W_YEAR + 1);
        let years = &years[years.len().saturating_sub(fit.max(1))..];
        let name_w = width
            .saturating_sub(W_NO + W_UNIT + 2 + years.len() * (W_YEAR + 1))
            .max(8);
        let mut header = format!(
            "{} {} {}",
            col("№", W_NO),
            col("Показатель", name_w),
            col("Ед.", W_UNIT)
        );
        for y in years {
            header.push(' ');
            header.push_str(&rcol(&y.to_string(), W_YEAR));
        }
        let mut lines = vec![Line::styled(header, t.header())];
        for ind in indicators
            .iter()
            .take(inner.height.saturating_sub(1) as usize)
        {
            let mut spans = vec![Span::raw(format!(
                "{} {} {}",
                col(&printable(&ind.number), W_NO),
                col(&printable(&ind.name), name_w),
                col(&printable(&ind.unit), W_UNIT)
            ))];
            for y in years {
                let v = ind.values.iter().find(|v| v.year == *y);
                let (planned, actual) = (v.and_then(|v| v.planned), v.and_then(|v| v.actual));
                let style = match (planned, actual) {
                    (Some(p), Some(a)) if a < p => t.bad(),
                    (Some(_), Some(_)) => t.good(),
                    _ => Style::default(),
                };
                spans.push(Span::raw(" "));
                spans.push(Span::styled(
                    rcol(&format!("{} / {}", num(planned), num(actual)), W_YEAR),
                    style,
                ));
            }
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_the_russian_way() {
        assert_eq!(num(Some(60.0)), "60");
        assert_eq!(num(Some(3.5)), "3,5");
        assert_eq!(num(None), "—");
    }
}
