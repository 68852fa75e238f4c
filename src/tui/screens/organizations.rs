//! «Организации»: every organization with its latest S and place and how its plans are going;
//! incremental search across name, ИНН and regNum, filters (sector, region, cycle, group, plan
//! state: see `org_filter`), sort by any column. The list is a compact key index loaded by the
//! worker; only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::browse::OrgKey;
use crate::tui::app::{Action, Loaded};
use crate::tui::screen::{Ctx, Outcome, Screen, navigate, window};
use crate::tui::views::dec;

use super::org_filter::{FilterPopup, OrgFilters, PopupEvent};

/// The column the organization list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgSort {
    Name,
    Sector,
    Region,
    Total,
    Place,
    Completion,
    Overdue,
}

impl OrgSort {
    const ALL: [OrgSort; 7] = [
        OrgSort::Name,
        OrgSort::Sector,
        OrgSort::Region,
        OrgSort::Total,
        OrgSort::Place,
        OrgSort::Completion,
        OrgSort::Overdue,
    ];

    pub fn title(self) -> &'static str {
        match self {
            OrgSort::Name => "наименование",
            OrgSort::Sector => "сфера",
            OrgSort::Region => "регион",
            OrgSort::Total => "S",
            OrgSort::Place => "место",
            OrgSort::Completion => "выполнение плана",
            OrgSort::Overdue => "просрочено",
        }
    }
}

/// The organization list: all keys, and the filtered, sorted view as indices into them.
#[derive(Debug)]
pub struct OrgList {
    pub keys: Vec<OrgKey>,
    /// Lower-case short and full names for searching and sorting, parallel to `keys`.
    lower: Vec<(String, String)>,
    /// Indices into `keys` of the rows shown, in order.
    pub view: Vec<u32>,
    pub selected: usize,
    pub offset: usize,
    pub query: String,
    pub sort: OrgSort,
    pub descending: bool,
    pub filters: OrgFilters,
}

impl OrgList {
    pub fn new(keys: Vec<OrgKey>) -> OrgList {
        let lower = keys
            .iter()
            .map(|k| (k.name.to_lowercase(), k.full_name.to_lowercase()))
            .collect();
        let mut list = OrgList {
            keys,
            lower,
            view: Vec::new(),
            selected: 0,
            offset: 0,
            query: String::new(),
            sort: OrgSort::Name,
            descending: false,
            filters: OrgFilters::default(),
        };
        list.refresh();
        list
    }

    /// Rebuilds the view from the query, the filters and the sort; keeps the selected
    /// organization selected when it is still shown.
    pub fn refresh(&mut self) {
        let keep = self.selected_key().map(|k| k.id);
        let q = self.query.trim().to_lowercase();
        self.view = (0..self.keys.len() as u32)
            .filter(|&i| {
                let k = &self.keys[i as usize];
                self.filters.matches(k)
                    && (q.is_empty()
                        || self.lower[i as usize].0.contains(&q)
                        || self.lower[i as usize].1.contains(&q)
                        || k.inn.starts_with(&q)
                        || k.reg_num.to_lowercase().starts_with(&q))
            })
            .collect();
        let keys = &self.keys;
        let by = |i: &u32| &keys[*i as usize];
        let cmp_f = |a: Option<f64>, b: Option<f64>| {
            // Missing values go last whatever the direction.
            match (a, b) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        };
        let lower = &self.lower;
        match self.sort {
            OrgSort::Name => self
                .view
                .sort_by(|a, b| lower[*a as usize].0.cmp(&lower[*b as usize].0)),
            OrgSort::Sector => self.view.sort_by_key(|i| by(i).sector),
            OrgSort::Region => self.view.sort_by(|a, b| by(a).region.cmp(&by(b).region)),
            // Best first by default for S.
            OrgSort::Total => self
                .view
                .sort_by(|a, b| cmp_f(by(b).latest_total, by(a).latest_total)),
            OrgSort::Place => self.view.sort_by(|a, b| {
                cmp_f(
                    by(a).latest_place.map(f64::from),
                    by(b).latest_place.map(f64::from),
                )
            }),
            OrgSort::Completion => self
                .view
                .sort_by(|a, b| cmp_f(by(a).plan_completion(), by(b).plan_completion())),
            OrgSort::Overdue => self
                .view
                .sort_by_key(|i| std::cmp::Reverse(by(i).plan_overdue)),
        }
        if self.descending {
            self.view.reverse();
        }
        self.selected = keep
            .and_then(|id| {
                self.view
                    .iter()
                    .position(|&i| self.keys[i as usize].id == id)
            })
            .unwrap_or(0);
        self.offset = self.offset.min(self.selected);
    }

    pub fn selected_key(&self) -> Option<&OrgKey> {
        self.view
            .get(self.selected)
            .map(|&i| &self.keys[i as usize])
    }
}

/// The organizations screen: the list (once loaded) and whether the search field has the keys.
#[derive(Debug, Default)]
pub struct OrganizationsScreen {
    pub list: Option<OrgList>,
    searching: bool,
    /// The filter popup, while open.
    popup: Option<FilterPopup>,
}

impl OrganizationsScreen {
    pub fn new() -> OrganizationsScreen {
        OrganizationsScreen::default()
    }
}

impl Screen for OrganizationsScreen {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn title(&self) -> String {
        "Организации".to_string()
    }

    fn typing(&self) -> bool {
        self.searching || self.popup.as_ref().is_some_and(FilterPopup::typing)
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if let Some(popup) = &self.popup {
            popup.keys()
        } else if self.searching {
            vec![
                ("Enter", "готово"),
                ("Esc", "сбросить поиск"),
                ("↑↓", "строка"),
            ]
        } else {
            vec![
                ("↑↓", "строка"),
                ("/", "поиск"),
                ("s S", "сортировка"),
                ("f", "фильтры"),
                ("Esc", "сброс"),
            ]
        }
    }

    fn status(&self) -> String {
        let Some(list) = self.list.as_ref() else {
            return " Организации: загрузка…".to_string();
        };
        let n = list.view.len();
        let pos = if n == 0 { 0 } else { list.selected + 1 };
        let mut s = format!(
            " строка {pos}/{n} · сортировка: {}{}",
            list.sort.title(),
            if list.descending {
                " (обратная)"
            } else {
                ""
            }
        );
        if !list.query.is_empty() {
            s.push_str(&format!(" · поиск «{}»", printable(&list.query)));
        }
        for f in list.filters.describe() {
            s.push_str(&format!(" · {f}"));
        }
        if n != list.keys.len() {
            s.push_str(&format!(" · из {}", list.keys.len()));
        }
        s
    }

    fn loaded(&mut self, msg: Loaded) -> Option<Loaded> {
        match msg {
            Loaded::Orgs(keys) => {
                self.list = Some(OrgList::new(keys));
                None
            }
            other => Some(other),
        }
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        let page = cx.page.get();
        let Some(list) = self.list.as_mut() else {
            return Outcome::Ignored;
        };
        if let Some(popup) = self.popup.as_mut() {
            match popup.update(action, &mut list.filters, &list.keys, cx) {
                PopupEvent::Stay => {}
                PopupEvent::Changed => list.refresh(),
                PopupEvent::Closed => self.popup = None,
            }
            list.offset = window(list.offset, list.selected, page);
            return Outcome::Done;
        }
        let outcome = if self.searching {
            match action {
                Action::Type(c) => {
                    list.query.push(c);
                    list.refresh();
                }
                Action::Backspace => {
                    list.query.pop();
                    list.refresh();
                }
                Action::Accept => self.searching = false,
                Action::Cancel => {
                    list.query.clear();
                    list.refresh();
                    self.searching = false;
                }
                Action::Down | Action::Up => {
                    list.selected = navigate(action, list.selected, list.view.len(), page)
                        .unwrap_or(list.selected);
                }
                _ => {}
            }
            Outcome::Done
        } else if let Some(sel) = navigate(action, list.selected, list.view.len(), page) {
            list.selected = sel;
            Outcome::Done
        } else {
            match action {
                Action::Accept => {
                    if let Some(id) = list.selected_key().map(|k| k.id) {
                        return match super::org_card::OrgCardScreen::open(cx, id) {
                            Ok(card) => Outcome::Open(Box::new(card)),
                            Err(e) => Outcome::Message(format!(
                                "не удалось открыть карточку организации: {e}"
                            )),
                        };
                    }
                }
                Action::StartSearch => self.searching = true,
                Action::Cancel if !list.query.is_empty() || !list.filters.is_empty() => {
                    list.query.clear();
                    list.filters = OrgFilters::default();
                    list.refresh();
                }
                Action::SortNext => {
                    let i = OrgSort::ALL
                        .iter()
                        .position(|s| *s == list.sort)
                        .unwrap_or(0);
                    list.sort = OrgSort::ALL[(i + 1) % OrgSort::ALL.len()];
                    list.descending = false;
                    list.refresh();
                }
                Action::SortReverse => {
                    list.descending = !list.descending;
                    list.refresh();
                }
                Action::Filter => self.popup = Some(FilterPopup::new()),
                _ => return Outcome::Ignored,
            }
            Outcome::Done
        };
        list.offset = window(list.offset, list.selected, page);
        outcome
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let Some(list) = self.list.as_ref() else {
            frame.render_widget(Paragraph::new("Загрузка списка организаций…"), area);
            return;
        };
        let [search, table, detail] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(3),
        ])
        .areas(area);
        draw_search(self.searching, list, frame, search, cx);
        draw_table(list, frame, table, cx);
        draw_detail(list, frame, detail, cx);
        if let Some(popup) = &self.popup {
            popup.draw(&list.filters, frame, table, cx);
        }
    }
}

fn draw_search(typing: bool, list: &OrgList, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let line = if typing {
        Line::from(vec![
            Span::styled("Поиск: ", t.key()),
            Span::raw(printable(&list.query).into_owned()),
            Span::styled("▏", t.key()),
            Span::styled("  наименование, ИНН или regNum", t.dim()),
        ])
    } else if !list.query.is_empty() {
        Line::from(vec![
            Span::styled("Поиск: ", t.dim()),
            Span::raw(printable(&list.query).into_owned()),
            Span::styled("  (Esc — сбросить)", t.dim()),
        ])
    } else {
        Line::styled("/ — поиск по наименованию, ИНН, regNum", t.dim())
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Columns: header, width (None = takes the rest), and the sort each shows.
const COLUMNS: [(&str, Option<u16>, OrgSort); 7] = [
    ("Организация", None, OrgSort::Name),
    ("Сфера", Some(11), OrgSort::Sector),
    ("Регион", Some(20), OrgSort::Region),
    ("S", Some(6), OrgSort::Total),
    ("Место", Some(9), OrgSort::Place),
    ("План,%", Some(7), OrgSort::Completion),
    ("Просрочено", Some(10), OrgSort::Overdue),
];

/// The region column is shown only when the name still gets this much room.
const MIN_NAME_WITH_REGION: u16 = 36;

fn draw_table(list: &OrgList, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    // Borders take two rows and the header one.
    let height = area.height.saturating_sub(3) as usize;
    cx.page.set(height.max(1));
    // The offset is kept by `update`; a resize since then may leave the selection below the
    // window, so clamp here too.
    let offset = window(list.offset, list.selected, height);
    let inner = area.width.saturating_sub(2);
    let fixed = |with_region: bool| -> u16 {
        COLUMNS
            .iter()
            .filter(|c| with_region || c.2 != OrgSort::Region)
            .map(|c| c.1.map_or(0, |w| w + 1))
            .sum()
    };
    let with_region = inner.saturating_sub(fixed(true)) >= MIN_NAME_WITH_REGION;
    let name_width = inner.saturating_sub(fixed(with_region)).max(8) as usize;
    let shown: Vec<&(&str, Option<u16>, OrgSort)> = COLUMNS
        .iter()
        .filter(|c| with_region || c.2 != OrgSort::Region)
        .collect();

    let rows: Vec<Row> = list
        .view
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, &k)| {
            let k = &list.keys[k as usize];
            let cells = shown.iter().map(|c| match c.2 {
                OrgSort::Name => Cell::from(cut(&printable(&k.name), name_width)),
                OrgSort::Sector => Cell::from(short_sector(k.sector)),
                OrgSort::Region => Cell::from(cut(&printable(&k.region), 20)),
                OrgSort::Total => right(k.latest_total.map_or("—".into(), dec)),
                OrgSort::Place => right(match (k.latest_place, k.latest_ranked) {
                    (Some(p), Some(n)) => format!("{p}/{n}"),
                    _ => "—".to_string(),
                }),
                OrgSort::Completion => right(
                    k.plan_completion()
                        .map_or("—".into(), |c| format!("{c:.0}")),
                ),
                OrgSort::Overdue => Cell::from(
                    Line::from(if k.plan_overdue > 0 {
                        Span::styled(k.plan_overdue.to_string(), t.bad())
                    } else {
                        Span::raw("0")
                    })
                    .alignment(Alignment::Right),
                ),
            });
            let row = Row::new(cells);
            if i == list.selected {
                row.style(t.selected())
            } else {
                row
            }
        })
        .collect();
    let widths: Vec<Constraint> = shown
        .iter()
        .map(|c| c.1.map_or(Constraint::Fill(1), Constraint::Length))
        .collect();
    let header = Row::new(shown.iter().map(|c| {
        let mark = match (c.2 == list.sort, list.descending) {
            (true, false) => "▲",
            (true, true) => "▼",
            _ => "",
        };
        Cell::from(format!("{}{mark}", c.0))
    }))
    .style(t.header());
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(Block::default().borders(Borders::ALL)),
        area,
    );
}

/// A number, aligned right in its column.
fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).alignment(Alignment::Right))
}

fn short_sector(s: crate::domain::sector::Sector) -> &'static str {
    use crate::domain::sector::Sector::*;
    match s {
        Social => "соцобслуж.",
        Health => "здравоохр.",
        Culture => "культура",
        Education => "образование",
    }
}

/// The selected organization in full: the name may be cut in the table.
fn draw_detail(list: &OrgList, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let lines = match list.selected_key() {
        Some(k) => vec![
            Line::from(Span::styled(
                printable(&k.full_name).into_owned(),
                t.header(),
            )),
            Line::from(Span::styled(
                format!(
                    "ИНН {} · regNum {} · {} · {}",
                    k.inn,
                    printable(&k.reg_num),
                    k.sector,
                    printable(&k.region)
                ),
                t.dim(),
            )),
        ],
        None => vec![Line::styled("Ничего не найдено", t.dim())],
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
