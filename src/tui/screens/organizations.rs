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
use crate::tui::format::dec;
use crate::tui::msg::{Action, Loaded};
use crate::tui::screen::{Ctx, Outcome, RowHits, Screen, click, navigate, window};

use super::org_filter::{FilterPopup, PopupEvent};
use crate::tui::lists::org_filters::OrgFilters;
use crate::tui::lists::organizations::{OrgList, OrgSort};

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
            cx.outbox.borrow_mut().push(crate::tui::msg::Request::Orgs);
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
        if let Some(total) = list.partial {
            return format!(
                " строка {pos}/{total} · сортировка: {} · загрузка поиска и сортировки…",
                list.sort.title()
            );
        }
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
                // The first page never replaces a whole list (it may come second).
                if list.partial.is_some() && self.list.as_ref().is_some_and(|l| l.partial.is_none())
                {
                    return None;
                }
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
        if list.partial.is_some() {
            // Only the first page is here: it can be looked through; the rest waits for the
            // whole list (a moment).
            return match navigate(action, list.selected, list.view.len(), page) {
                Some(sel) => {
                    list.selected = sel;
                    list.offset = window(list.offset, list.selected, page);
                    Outcome::Done
                }
                None => Outcome::Ignored,
            };
        }
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
                    return crate::tui::forms::organization::new_org(
                        cx,
                        like.as_ref().map(|(s, r)| (*s, r.as_str())),
                    );
                }
                Action::Delete => {
                    return match list.selected_key() {
                        Some(k) => super::edit_delete::ask(
                            cx,
                            crate::service::write::Table::Organization,
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
