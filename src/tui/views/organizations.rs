//! «Организации»: every organization with its latest S and place and how its plans are going;
//! incremental search across name, ИНН and regNum, a sector filter, sort by any column. Only the
//! visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::dec;
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::tui::app::{App, Mode, OrgList, OrgSort};

pub fn status(app: &App) -> String {
    let Some(list) = app.orgs.as_ref() else {
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
    if let Some(sector) = list.sector {
        s.push_str(&format!(" · сфера: {sector}"));
    }
    if n != list.keys.len() {
        s.push_str(&format!(" · из {}", list.keys.len()));
    }
    s
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(list) = app.orgs.as_ref() else {
        frame.render_widget(Paragraph::new("Загрузка списка организаций…"), area);
        return;
    };
    let [search, table, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(3),
    ])
    .areas(area);
    draw_search(app, list, frame, search);
    draw_table(app, list, frame, table);
    draw_detail(app, list, frame, detail);
}

fn draw_search(app: &App, list: &OrgList, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let line = if app.mode == Mode::Search {
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

fn draw_table(app: &App, list: &OrgList, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    // Borders take two rows and the header one.
    let height = area.height.saturating_sub(3) as usize;
    app.page.set(height.max(1));
    // The offset is kept by `update`; a resize since then may leave the selection below the
    // window, so clamp here too.
    let mut offset = list.offset.min(list.selected);
    if height > 0 && list.selected >= offset + height {
        offset = list.selected + 1 - height;
    }
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
fn draw_detail(app: &App, list: &OrgList, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
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
