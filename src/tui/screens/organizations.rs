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
use crate::tui::screen::{Ctx, Outcome, RowHits, Screen, click, navigate, window};
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
///
/// At national scale (100,000 organizations) every keystroke must stay well under a frame's
/// budget, so the work is split: the sort is applied once to all keys (`sorted`) and filtering
/// keeps that order, so typing never sorts; a search that extends the previous one narrows the
/// current view instead of scanning all keys, and Backspace returns to the view it came from.
#[derive(Debug)]
pub struct OrgList {
    pub keys: Vec<OrgKey>,
    /// Lower-case short name, full name, ИНН and regNum of each key, one string to search.
    hay: Vec<String>,
    /// Where each key's regNum starts in `hay` (ИНН and regNum match from their start).
    ids_at: Vec<(u32, u32)>,
    /// Every key in name order, and each key's place in it (ties of other sorts go by it).
    by_name: Vec<u32>,
    name_rank: Vec<u32>,
    /// Each key's region as its place among the regions in alphabetical order.
    region_rank: Vec<u32>,
    /// Every key in the current sort and direction.
    sorted: Vec<u32>,
    /// Indices into `keys` of the rows shown, in order.
    pub view: Vec<u32>,
    /// Views of shorter searches, to go back to on Backspace: (needle, view).
    narrowed: Vec<(String, Vec<u32>)>,
    /// The needle `view` was filtered with.
    needle: String,
    pub selected: usize,
    pub offset: usize,
    pub query: String,
    pub sort: OrgSort,
    pub descending: bool,
    pub filters: OrgFilters,
}

/// A search text, with its substring finder built once for the whole list.
struct Needle<'a> {
    text: &'a str,
    /// `None` for an empty search: everything matches.
    finder: Option<memchr::memmem::Finder<'a>>,
}

impl<'a> Needle<'a> {
    fn new(text: &'a str) -> Needle<'a> {
        Needle {
            text,
            finder: (!text.is_empty()).then(|| memchr::memmem::Finder::new(text.as_bytes())),
        }
    }
}

impl OrgList {
    pub fn new(keys: Vec<OrgKey>) -> OrgList {
        let mut hay = Vec::with_capacity(keys.len());
        let mut ids_at = Vec::with_capacity(keys.len());
        for k in &keys {
            let mut h = format!(
                "{}\n{}\n",
                k.name.to_lowercase(),
                k.full_name.to_lowercase()
            );
            let inn = h.len() as u32;
            h.push_str(&k.inn);
            h.push('\n');
            let reg = h.len() as u32;
            h.push_str(&k.reg_num.to_lowercase());
            hay.push(h);
            ids_at.push((inn, reg));
        }
        let mut by_name: Vec<u32> = (0..keys.len() as u32).collect();
        by_name.sort_by(|a, b| {
            let (x, y) = (&hay[*a as usize], &hay[*b as usize]);
            x[..x.find('\n').unwrap_or(x.len())].cmp(&y[..y.find('\n').unwrap_or(y.len())])
        });
        let mut name_rank = vec![0u32; keys.len()];
        for (rank, &i) in by_name.iter().enumerate() {
            name_rank[i as usize] = rank as u32;
        }
        let regions: std::collections::BTreeSet<&str> =
            keys.iter().map(|k| k.region.as_str()).collect();
        let regions: Vec<&str> = regions.into_iter().collect();
        let region_rank = keys
            .iter()
            .map(|k| regions.binary_search(&k.region.as_str()).unwrap_or(0) as u32)
            .collect();
        let mut list = OrgList {
            keys,
            hay,
            ids_at,
            sorted: by_name.clone(),
            by_name,
            name_rank,
            region_rank,
            view: Vec::new(),
            narrowed: Vec::new(),
            needle: String::new(),
            selected: 0,
            offset: 0,
            query: String::new(),
            sort: OrgSort::Name,
            descending: false,
            filters: OrgFilters::default(),
        };
        list.refilter();
        list
    }

    /// Whether key `i` matches the search `needle` (lower case, trimmed): a part of the short
    /// or full name, or the start of the ИНН or regNum.
    fn found(&self, i: u32, needle: &Needle) -> bool {
        let Some(finder) = &needle.finder else {
            return true;
        };
        let h = self.hay[i as usize].as_bytes();
        let (inn, reg) = self.ids_at[i as usize];
        let text = needle.text.as_bytes();
        finder.find(&h[..inn as usize]).is_some()
            || h[inn as usize..].starts_with(text)
            || h[reg as usize..].starts_with(text)
    }

    /// Sorts again (the sort or its direction changed), then filters. Each key's sort value
    /// and its place in name order are packed into one integer, so a sort of all keys is one
    /// unstable sort of 100,000 integers (a few milliseconds) and ties stay in name order.
    pub fn resort(&mut self) {
        let keys = &self.keys;
        // Scores have two decimals: hundredths order them exactly.
        let hundredths = |v: f64| (v * 100.0).round().clamp(0.0, 100_000.0) as u32;
        let primary = |k: &OrgKey, i: usize| -> u32 {
            match self.sort {
                OrgSort::Name => 0,
                OrgSort::Sector => k.sector as u32,
                OrgSort::Region => self.region_rank[i],
                // Best first by default for S; missing values last in every sort.
                OrgSort::Total => k.latest_total.map_or(u32::MAX, |t| 100_000 - hundredths(t)),
                OrgSort::Place => k.latest_place.unwrap_or(u32::MAX),
                OrgSort::Completion => k.plan_completion().map_or(u32::MAX, hundredths),
                OrgSort::Overdue => u32::MAX - k.plan_overdue,
            }
        };
        let mut packed: Vec<u64> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (u64::from(primary(k, i)) << 32) | u64::from(self.name_rank[i]))
            .collect();
        packed.sort_unstable();
        let mut sorted: Vec<u32> = packed
            .iter()
            .map(|p| self.by_name[(p & 0xFFFF_FFFF) as usize])
            .collect();
        if self.descending {
            sorted.reverse();
        }
        self.sorted = sorted;
        self.refilter();
    }

    /// Filters all keys again (filters or search changed other than by typing on); keeps the
    /// selected organization selected when it is still shown.
    pub fn refresh(&mut self) {
        self.refilter();
    }

    fn refilter(&mut self) {
        let keep = self.selected_key().map(|k| k.id);
        let needle = self.query.trim().to_lowercase();
        let search = Needle::new(&needle);
        self.view = self
            .sorted
            .iter()
            .copied()
            .filter(|&i| self.filters.matches(&self.keys[i as usize]) && self.found(i, &search))
            .collect();
        self.narrowed.clear();
        self.needle = needle;
        self.reselect(keep);
    }

    /// The search text changed by one character typed or erased: narrow the view, or go back
    /// to the view of the shorter search.
    pub fn search_changed(&mut self) {
        let keep = self.selected_key().map(|k| k.id);
        let needle = self.query.trim().to_lowercase();
        if needle == self.needle {
            return;
        }
        if let Some(pos) = self.narrowed.iter().rposition(|(n, _)| *n == needle) {
            self.narrowed.truncate(pos + 1);
            if let Some((_, view)) = self.narrowed.pop() {
                self.view = view;
            }
        } else if needle.starts_with(&self.needle) {
            let search = Needle::new(&needle);
            let narrowed: Vec<u32> = self
                .view
                .iter()
                .copied()
                .filter(|&i| self.found(i, &search))
                .collect();
            let before = std::mem::replace(&mut self.view, narrowed);
            self.narrowed
                .push((std::mem::take(&mut self.needle), before));
        } else {
            self.refilter();
            return;
        }
        self.needle = needle;
        self.reselect(keep);
    }

    fn reselect(&mut self, keep: Option<i64>) {
        self.selected = keep
            .and_then(|id| {
                self.view
                    .iter()
                    .position(|&i| self.keys[i as usize].id == id)
            })
            .unwrap_or(0);
        self.offset = self.offset.min(self.selected);
    }

    /// Takes the search, filters, sort and selection of `old` (a list read again after a change).
    pub fn carry_over(&mut self, old: &OrgList) {
        self.query.clone_from(&old.query);
        self.filters = old.filters.clone();
        self.sort = old.sort;
        self.descending = old.descending;
        let keep = old.selected_key().map(|k| k.id);
        self.resort();
        self.reselect(keep);
        self.offset = old.offset.min(self.selected);
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
    /// Where the rows were drawn, for mouse clicks.
    hits: RowHits,
    /// A list being saved to a file on its own thread.
    saving: Option<std::sync::mpsc::Receiver<Result<std::path::PathBuf, String>>>,
    /// What happened to the last save, for the status line.
    notice: Option<String>,
    /// The data changed since the list was read (it is read again when shown).
    stale: bool,
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
                ("x X", "в CSV/xlsx"),
                ("a", "добавить"),
                ("d", "удалить"),
                ("Esc", "сброс"),
            ]
        }
    }

    fn data_changed(&mut self) {
        self.stale = true;
    }

    /// Shown again after a change of the data: the list is read again on the worker (it keeps
    /// its search, filters, sort and selection).
    fn activate(&mut self, cx: &Ctx) {
        if self.stale && self.list.is_some() {
            self.stale = false;
            cx.outbox.borrow_mut().push(crate::tui::app::Request::Orgs);
        }
    }

    fn tick(&mut self) -> bool {
        let Some(rx) = &self.saving else {
            return false;
        };
        match rx.try_recv() {
            Ok(saved) => {
                self.notice = Some(match saved {
                    Ok(path) => format!("список сохранен: {}", path.display()),
                    Err(e) => e,
                });
                self.saving = None;
                true
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.saving = None;
                self.notice = Some("сохранение прервано сбоем".into());
                true
            }
        }
    }

    fn status(&self) -> String {
        if let Some(n) = &self.notice {
            return format!(" {}", printable(n));
        }
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
            Loaded::Orgs(list) => {
                let mut list = *list;
                if let Some(old) = &self.list {
                    list.carry_over(old);
                }
                self.list = Some(list);
                None
            }
            other => Some(other),
        }
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        let page = cx.page.get();
        if self.saving.is_none() {
            self.notice = None;
        }
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
                    list.search_changed();
                }
                Action::Backspace => {
                    list.query.pop();
                    list.search_changed();
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
        } else if let Action::Click { row, .. } = action {
            return match click(&self.hits, row, list.selected) {
                Some(a) => self.update(a, cx),
                None => Outcome::Ignored,
            };
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
                Action::Add => {
                    let like = list.selected_key().map(|k| (k.sector, k.region.clone()));
                    return super::edit_org::new_org(
                        cx,
                        like.as_ref().map(|(s, r)| (*s, r.as_str())),
                    );
                }
                Action::Delete => {
                    return match list.selected_key() {
                        Some(k) => super::edit_delete::ask(
                            cx,
                            crate::store::edit::Table::Organization,
                            k.id,
                            &format!("организацию «{}» (ИНН {})", k.name, k.inn),
                        ),
                        None => Outcome::Done,
                    };
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
                    list.resort();
                }
                Action::SortReverse => {
                    list.descending = !list.descending;
                    list.resort();
                }
                Action::Filter => self.popup = Some(FilterPopup::new()),
                Action::Export { xlsx } => {
                    let table = export_table(list);
                    let rows = table.rows.len();
                    let dir = cx.save_dir();
                    let stem = format!("организации-{}", cx.today.format("%d.%m.%Y"));
                    let (tx, rx) = std::sync::mpsc::channel();
                    std::thread::spawn(move || {
                        let saved =
                            crate::service::table::save(&dir, &stem, "Организации", &table, xlsx)
                                .map_err(|e| {
                                    format!(
                                        "не удалось сохранить список в {}: {e:#}",
                                        dir.display()
                                    )
                                });
                        let _ = tx.send(saved);
                    });
                    self.saving = Some(rx);
                    self.notice = Some(format!("сохраняю {rows} строк…"));
                }
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
        draw_table(list, &self.hits, frame, table, cx);
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

fn draw_table(list: &OrgList, hits: &RowHits, frame: &mut Frame, area: Rect, cx: &Ctx) {
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

    hits.clear();
    let rows: Vec<Row> = list
        .view
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, &k)| {
            // Below the top border and the header.
            hits.add(area.y + 2 + (i - offset) as u16, i);
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

/// The list as shown (filtered, sorted), whole, for a file: full names and every column.
fn export_table(list: &OrgList) -> crate::service::table::Table {
    use crate::service::table::{Cell as C, Table};
    let mut t = Table::new(&[
        "Организация",
        "Краткое наименование",
        "ИНН",
        "regNum",
        "Сфера",
        "Регион",
        "Год оценки",
        "S",
        "Место",
        "Из",
        "Строк плана",
        "Выполнено",
        "Выполнение плана, %",
        "Просрочено",
    ]);
    let opt_int = |v: Option<u32>| v.map_or(C::Empty, |n| C::Int(i64::from(n)));
    for &i in &list.view {
        let k = &list.keys[i as usize];
        t.push(vec![
            C::Text(printable(&k.full_name).into_owned()),
            C::Text(printable(&k.name).into_owned()),
            C::Text(k.inn.clone()),
            C::Text(printable(&k.reg_num).into_owned()),
            C::Text(k.sector.to_string()),
            C::Text(printable(&k.region).into_owned()),
            k.latest_year.map_or(C::Empty, |y| C::Int(i64::from(y))),
            k.latest_total.map_or(C::Empty, |v| C::Dec(v, 2)),
            opt_int(k.latest_place),
            opt_int(k.latest_ranked),
            C::Int(i64::from(k.plan_rows)),
            C::Int(i64::from(k.plan_done)),
            k.plan_completion().map_or(C::Empty, |v| C::Dec(v, 1)),
            C::Int(i64::from(k.plan_overdue)),
        ]);
    }
    t
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sector::Sector;
    use proptest::prelude::*;

    fn key(id: i64, name: &str, inn: &str, reg: &str, total: Option<f64>) -> OrgKey {
        OrgKey {
            id,
            name: name.to_string(),
            full_name: format!("Полное {name}"),
            inn: inn.to_string(),
            reg_num: reg.to_string(),
            sector: Sector::ALL[(id % 4) as usize],
            region: format!("Регион {}", id % 3),
            latest_year: Some(2025),
            latest_total: total,
            latest_place: total.map(|t| (101.0 - t) as u32),
            latest_ranked: Some(100),
            plan_rows: (id % 5) as u32,
            plan_done: (id % 3).min(id % 5) as u32,
            plan_cancelled: 0,
            plan_overdue: (id % 2) as u32,
        }
    }

    fn keys() -> Vec<OrgKey> {
        let names = [
            "Школа № 1",
            "школа № 12",
            "Центр соцобслуживания",
            "Музей",
            "Библиотека",
            "ШКОЛА искусств",
            "Детский сад",
            "Центр",
        ];
        names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let id = i as i64 + 1;
                let total = (i % 3 != 0).then_some(60.0 + i as f64 * 4.5);
                key(id, n, &format!("47{i:08}"), &format!("41{i}В{i:04}"), total)
            })
            .collect()
    }

    /// What the view must be, computed the slow, obvious way.
    fn naive(list: &OrgList) -> Vec<i64> {
        let needle = list.query.trim().to_lowercase();
        let mut all = list.sorted.clone();
        all.retain(|&i| {
            let k = &list.keys[i as usize];
            list.filters.matches(k)
                && (needle.is_empty()
                    || k.name.to_lowercase().contains(&needle)
                    || k.full_name.to_lowercase().contains(&needle)
                    || k.inn.starts_with(&needle)
                    || k.reg_num.to_lowercase().starts_with(&needle))
        });
        all.iter().map(|&i| list.keys[i as usize].id).collect()
    }

    fn shown(list: &OrgList) -> Vec<i64> {
        list.view
            .iter()
            .map(|&i| list.keys[i as usize].id)
            .collect()
    }

    #[derive(Debug, Clone)]
    enum Op {
        Type(char),
        Backspace,
        Sort,
        Reverse,
        Sector(Option<usize>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => prop::sample::select(vec!['ш', 'к', 'о', 'л', 'а', ' ', '1', '4', 'ц', 'е']).prop_map(Op::Type),
            3 => Just(Op::Backspace),
            1 => Just(Op::Sort),
            1 => Just(Op::Reverse),
            1 => prop::option::of(0..4usize).prop_map(Op::Sector),
        ]
    }

    proptest! {
        #[test]
        fn narrowing_and_going_back_gives_what_filtering_from_scratch_gives(
            ops in prop::collection::vec(op(), 0..40)
        ) {
            let mut list = OrgList::new(keys());
            for op in ops {
                match op {
                    Op::Type(c) => {
                        list.query.push(c);
                        list.search_changed();
                    }
                    Op::Backspace => {
                        list.query.pop();
                        list.search_changed();
                    }
                    Op::Sort => {
                        let i = OrgSort::ALL.iter().position(|s| *s == list.sort).unwrap_or(0);
                        list.sort = OrgSort::ALL[(i + 1) % OrgSort::ALL.len()];
                        list.resort();
                    }
                    Op::Reverse => {
                        list.descending = !list.descending;
                        list.resort();
                    }
                    Op::Sector(s) => {
                        list.filters.sector = s.map(|i| Sector::ALL[i]);
                        list.refresh();
                    }
                }
                prop_assert_eq!(shown(&list), naive(&list), "query {:?}", list.query);
            }
        }
    }

    #[test]
    fn search_matches_names_anywhere_and_identifiers_from_their_start() {
        let mut list = OrgList::new(keys());
        for (q, want) in [
            ("школа", 3),
            ("ШКОЛА № 1", 2),
            ("полное музей", 1),
            ("4700000002", 1),
            ("00000002", 0),
            ("41", 8),
            ("в0002", 0),
        ] {
            list.query = q.to_string();
            list.refresh();
            assert_eq!(list.view.len(), want, "{q}");
        }
    }

    #[test]
    fn sorts_keep_missing_values_last_and_ties_in_name_order() {
        let mut list = OrgList::new(keys());
        list.sort = OrgSort::Total;
        list.resort();
        let totals: Vec<Option<f64>> = list
            .view
            .iter()
            .map(|&i| list.keys[i as usize].latest_total)
            .collect();
        let known = totals.iter().take_while(|t| t.is_some()).count();
        assert!(totals[known..].iter().all(Option::is_none));
        assert!(totals[..known].windows(2).all(|w| w[0] >= w[1]));
        list.sort = OrgSort::Sector;
        list.resort();
        for pair in list.view.windows(2) {
            let (a, b) = (&list.keys[pair[0] as usize], &list.keys[pair[1] as usize]);
            assert!(
                a.sector < b.sector
                    || (a.sector == b.sector && a.name.to_lowercase() <= b.name.to_lowercase())
            );
        }
    }
}
