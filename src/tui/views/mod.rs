//! Drawing the frame around the current screen: tabs and breadcrumbs, the status line, the keys
//! that work now, the help overlay and the command line. Everything is drawn from read-only state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::App;
use super::msg::Mode;
use crate::domain::text::printable;

/// The smallest terminal the screens are laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Keys every screen has, after its own.
const GLOBAL_KEYS: [(&str, &str); 3] = [(":", "команда"), ("?", "справка"), ("q", "выход")];

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
    let cx = app.ctx();
    app.current().draw(frame, main, &cx);
    draw_status(app, frame, status);
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

/// Tabs with their digits; while drilled down, the path instead (it needs the room).
fn draw_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.env.theme;
    let mut spans = vec![Span::styled(" nok ", t.title())];
    let crumbs = app.breadcrumbs();
    if crumbs.len() > 1 {
        app.tab_hits.borrow_mut().clear();
        spans.push(Span::styled(format!(" {} ", app.tab + 1), t.dim()));
        spans.push(Span::styled(
            printable(&crumbs.join(" › ")).into_owned(),
            t.accent(),
        ));
        spans.push(Span::styled("  (Esc — назад)", t.dim()));
    } else {
        let titles = app.tab_titles();
        let full: usize = titles.iter().map(|t| t.chars().count() + 4).sum::<usize>() + 5;
        // When every title does not fit, only the current tab keeps its name.
        let compact = full > area.width as usize;
        // " nok " comes first.
        let mut x = area.x + 5;
        let mut hits = app.tab_hits.borrow_mut();
        hits.clear();
        for (i, title) in titles.iter().enumerate() {
            let current = i == app.tab;
            let style = if current { t.selected() } else { t.dim() };
            let label = if compact && !current {
                format!(" {} ", i + 1)
            } else {
                format!(" {} {title} ", i + 1)
            };
            let w = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
            hits.push((x, x + w, i));
            x += w;
            spans.push(Span::styled(label, style));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.env.theme;
    // Work running in the background for the whole app.
    let busy = app
        .recomputing()
        .map(|c| format!(" · пересчет цикла {c}…"))
        .unwrap_or_default();
    let line = if app.mode == Mode::Command {
        let mut spans = vec![
            Span::styled(":", t.key()),
            Span::raw(printable(&app.command).into_owned()),
            Span::styled("▏", t.key()),
        ];
        // What Tab found (several variants) stays in sight while typing goes on.
        if let Some(m) = &app.message {
            spans.push(Span::styled(format!("   {}", printable(m)), t.dim()));
        }
        Line::from(spans)
    } else if let Some(m) = &app.message {
        // The background work first: a long message must not hide it.
        let busy = busy.trim_start_matches(" · ");
        let mut spans = Vec::new();
        if !busy.is_empty() {
            spans.push(Span::styled(format!(" {busy} ·"), t.dim()));
        }
        spans.push(Span::styled(format!(" {}", printable(m)), t.accent()));
        Line::from(spans)
    } else {
        Line::styled(
            format!(
                "{}{busy} · сегодня {}",
                app.current().status(),
                app.env.today.format("%d.%m.%Y")
            ),
            t.dim(),
        )
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The keys that work now.
fn keys_now(app: &App) -> Vec<(&'static str, &'static str)> {
    match app.key_mode() {
        Mode::Help => vec![("Esc", "закрыть справку")],
        Mode::Command => vec![
            ("Enter", "выполнить"),
            ("Tab", "дополнить"),
            ("Esc", "отмена"),
        ],
        Mode::Search => app.current().keys(),
        Mode::Normal => {
            let mut k = app.current().keys();
            k.extend(GLOBAL_KEYS);
            k
        }
    }
}

fn draw_keys(app: &App, frame: &mut Frame, area: Rect) {
    let width = |k: &(&str, &str)| {
        unicode_width::UnicodeWidthStr::width(k.0) + unicode_width::UnicodeWidthStr::width(k.1) + 3
    };
    let mut keys = keys_now(app);
    let room = area.width as usize;
    if app.key_mode() == Mode::Normal && keys.iter().map(width).sum::<usize>() > room {
        // Too many for the line: the screen's first keys, then always the way to all of them
        // (?) and out (q).
        let tail = [("?", "все клавиши"), ("q", "выход")];
        let mut left = room.saturating_sub(tail.iter().map(width).sum());
        keys = app
            .current()
            .keys()
            .into_iter()
            .take_while(|k| {
                let w = width(k);
                let fits = w <= left;
                left = left.saturating_sub(w);
                fits
            })
            .collect();
        keys.extend(tail);
    }
    let mut spans = Vec::new();
    for (key, what) in keys {
        spans.push(Span::styled(key, app.env.theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn help(app: &App, frame: &mut Frame, area: Rect) {
    let w = area.width.min(76);
    let h = area.height.min(26);
    let popup = crate::tui::popup::centered(area, w, h);
    let key_line = |key: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!("{key:>14}  "), app.env.theme.key()),
            Span::raw(what.to_string()),
        ])
    };
    let mut lines = vec![
        Line::from(format!("Экран «{}»", app.current().title())),
        Line::from(""),
    ];
    lines.extend(
        app.current()
            .keys()
            .into_iter()
            .map(|(k, w)| key_line(k, w)),
    );
    let legend = app.current().legend();
    if !legend.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from("Обозначения"));
        lines.extend(legend.into_iter().map(|(k, w)| key_line(k, w)));
    }
    lines.push(Line::from(""));
    for (key, what) in [
        ("j k ↑ ↓", "строка вниз / вверх"),
        ("PgDn PgUp", "страница"),
        ("g G Home End", "в начало / в конец"),
        ("Enter / Esc", "подробнее / назад"),
        ("Tab 1…9", "другой экран"),
        (":", "команда: имя экрана, org ИНН; Tab дополняет"),
        ("u", "отменить последнее изменение сеанса"),
        ("?", "эта справка"),
        ("q", "выход"),
    ] {
        lines.push(key_line(key, what));
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
