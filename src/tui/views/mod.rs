//! Drawing: one function per screen, all from read-only state.

mod organizations;
mod summary;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, Mode, Screen};

/// The smallest terminal the screens are laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole UI.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let [tabs, main, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_tabs(app, frame, tabs);
    match app.screen {
        Screen::Summary => summary::draw(app, frame, main),
        Screen::Organizations => organizations::draw(app, frame, main),
    }
    let status_text = match app.screen {
        Screen::Summary => summary::status(app),
        Screen::Organizations => organizations::status(app),
    };
    frame.render_widget(Paragraph::new(status_text).style(app.theme.dim()), status);
    draw_keys(app, frame, keys);
    if app.mode == Mode::Help {
        help(app, frame, main);
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("Терминал слишком мал"),
        Line::from(format!(
            "нужно не меньше {MIN_WIDTH}×{MIN_HEIGHT}, сейчас {}×{}",
            area.width, area.height
        )),
        Line::from("увеличьте окно; q — выход"),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn draw_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::styled(" nok ", app.theme.title())];
    for (i, s) in Screen::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, s.title());
        let style = if *s == app.screen {
            app.theme.selected()
        } else {
            app.theme.dim()
        };
        spans.push(Span::styled(label, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The keys that work now, for the bottom bar and the help overlay.
fn keys_now(mode: Mode, screen: Screen) -> Vec<(&'static str, &'static str)> {
    match mode {
        Mode::Help => vec![("Esc", "закрыть справку")],
        Mode::Search => vec![
            ("Enter", "готово"),
            ("Esc", "сбросить поиск"),
            ("↑↓", "строка"),
        ],
        Mode::Normal => {
            let mut k = match screen {
                Screen::Summary => vec![("←→", "год")],
                Screen::Organizations => vec![
                    ("↑↓", "строка"),
                    ("/", "поиск"),
                    ("s S", "сортировка"),
                    ("f", "сфера"),
                    ("Esc", "сброс"),
                ],
            };
            k.extend([("?", "справка"), ("q", "выход")]);
            k
        }
    }
}

fn draw_keys(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (key, what) in keys_now(app.mode, app.screen) {
        spans.push(Span::styled(key, app.theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn help(app: &App, frame: &mut Frame, area: Rect) {
    let w = area.width.min(72);
    let h = area.height.min(24);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let mut lines = vec![
        Line::from(format!("Экран «{}»", app.screen.title())),
        Line::from(""),
    ];
    for (key, what) in keys_now(Mode::Normal, app.screen) {
        lines.push(Line::from(vec![
            Span::styled(format!("{key:>12}  "), app.theme.key()),
            Span::raw(what),
        ]));
    }
    for (key, what) in [
        ("j k ↑ ↓", "строка вниз / вверх"),
        ("PgDn PgUp", "страница"),
        ("g G Home End", "в начало / в конец"),
        ("s / S", "следующая колонка сортировки / обратный порядок"),
        ("Tab 1 2", "другой экран"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("{key:>12}  "), app.theme.key()),
            Span::raw(what),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(
        "Команды работают и в русской раскладке (й = q, о = j, л = k).",
    ));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(" Справка "))
            .wrap(Wrap { trim: false }),
        popup,
    );
}

/// 92.456 → «92,46».
pub(crate) fn dec(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
}
