//! The spot check (выборочная проверка) of plan rows marked done, opened from «Планы»: a form
//! that draws a random sample (its size and scope), then each row of the sample with its past
//! checks, a verdict (`y`/`n`) and a note, recorded and audited through `service::spot_check`,
//! and a summary. Enter on one done row opens its card alone.
//!
//! It is a modal part of the plans screen, not a screen on the stack: while it is open the
//! plans screen says it is typing (so letters reach it), shows its keys, status and drawing, and
//! reads its list again when it closes with verdicts given.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::plan::PlanStatus;
use crate::domain::text::printable;
use crate::service::spot_check as spot_service;
use crate::service::table::cut;
use crate::store::plan_rows::{self, Detail, ListRow};
use crate::store::spot_check::{self as spot_store, Check, Scope, Verdict};
use crate::tui::format::{ru_date, ru_stamp};
use crate::tui::keymap::latin;
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome};

const DEFAULT_SAMPLE: usize = 10;
const MAX_SAMPLE: usize = 500;

/// What a key did to the spot check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// It stays open.
    Stay,
    /// It is done (Esc, or Enter on the summary): the plans screen closes it.
    Close,
}

/// Where the spot check is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stage {
    /// Choosing the sample: its size (typed) and scope (↑↓).
    Setup,
    /// Looking at one row of the sample.
    Card,
    /// A verdict chosen; the note is typed (may stay empty); Enter saves.
    Note(Verdict),
    /// Every row of the sample has a verdict.
    Summary,
}

/// A spot check in progress.
#[derive(Debug)]
pub(crate) struct SpotCheck {
    stage: Stage,
    /// The sample size as typed.
    size: String,
    /// Scopes offered: what, its label, how many done rows it has.
    scopes: Vec<(Scope, String, usize)>,
    scope: usize,
    /// Ids of the rows drawn, in order.
    sample: Vec<i64>,
    pos: usize,
    /// The row shown and its past checks, read when the position changes.
    card: Option<Detail>,
    history: Vec<Check>,
    /// Verdicts given in this spot check.
    verdicts: HashMap<i64, Verdict>,
    note: String,
    /// A line for the person: what just happened or what went wrong.
    message: Option<String>,
}

impl SpotCheck {
    fn size(&self) -> usize {
        self.size.parse().unwrap_or(0)
    }

    /// Verdicts given so far: confirmed, rejected.
    pub(crate) fn tally(&self) -> (usize, usize) {
        let yes = self
            .verdicts
            .values()
            .filter(|v| **v == Verdict::Confirmed)
            .count();
        (yes, self.verdicts.len() - yes)
    }

    /// Ids of the rows drawn, in order.
    pub(crate) fn sample(&self) -> &[i64] {
        &self.sample
    }

    /// The row shown now.
    pub(crate) fn card(&self) -> Option<&Detail> {
        self.card.as_ref()
    }

    /// Keys that work now.
    pub(crate) fn keys(&self) -> Vec<(&'static str, &'static str)> {
        match &self.stage {
            Stage::Setup => vec![
                ("0-9 + -", "размер"),
                ("↑↓", "охват"),
                ("Enter", "выбрать строки"),
                ("Esc", "отмена"),
            ],
            Stage::Card => vec![
                ("y", "подтверждено"),
                ("n", "не подтверждено"),
                ("↑↓", "строка выборки"),
                ("Esc", "закончить"),
            ],
            Stage::Note(_) => vec![
                ("Enter", "записать"),
                ("Esc", "назад"),
                ("текст", "примечание"),
            ],
            Stage::Summary => vec![("Enter Esc", "закрыть"), ("↑", "к строкам")],
        }
    }

    /// The status line.
    pub(crate) fn status(&self) -> String {
        let (yes, no) = self.tally();
        match self.stage {
            Stage::Setup => " выборочная проверка: настройка".to_string(),
            _ => format!(
                " выборочная проверка: строка {}/{} · подтверждено {yes} · не подтверждено {no}",
                (self.pos + 1).min(self.sample.len()),
                self.sample.len()
            ),
        }
    }

    pub(crate) fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        draw_spot(self, frame, area, cx);
    }

    /// The form that sets up a spot check, with the scopes the selected row suggests; `Err`
    /// with what the plans screen answers instead (no database, or an error reading it).
    pub(crate) fn setup(selected: Option<&ListRow>, cx: &Ctx) -> Result<SpotCheck, Outcome> {
        let Some(conn) = cx.conn else {
            return Err(Outcome::Ignored);
        };
        let mut scopes = vec![(
            Scope::All,
            "все строки, отмеченные выполненными".to_string(),
        )];
        if let Some(r) = selected {
            scopes.push((
                Scope::Cycle(r.cycle_id),
                format!(
                    "цикл {} года выбранной строки ({})",
                    r.year,
                    printable(&r.org_name)
                ),
            ));
            scopes.push((
                Scope::Org(r.org_id),
                format!("организация {}", printable(&r.org_name)),
            ));
        }
        let mut counted = Vec::new();
        for (scope, label) in scopes {
            match spot_store::count_done(conn, scope) {
                Ok(n) => counted.push((scope, label, n)),
                Err(e) => return Err(Outcome::Message(format!("ошибка чтения базы: {e}"))),
            }
        }
        Ok(SpotCheck {
            stage: Stage::Setup,
            size: DEFAULT_SAMPLE.to_string(),
            scopes: counted,
            scope: 0,
            sample: Vec::new(),
            pos: 0,
            card: None,
            history: Vec::new(),
            verdicts: HashMap::new(),
            note: String::new(),
            message: None,
        })
    }

    /// The card of one row, to check it alone (Enter on a done row).
    pub(crate) fn single(id: i64, cx: &Ctx) -> SpotCheck {
        let mut spot = SpotCheck {
            stage: Stage::Card,
            size: "1".into(),
            scopes: Vec::new(),
            scope: 0,
            sample: vec![id],
            pos: 0,
            card: None,
            history: Vec::new(),
            verdicts: HashMap::new(),
            note: String::new(),
            message: None,
        };
        load_card(&mut spot, cx);
        spot
    }

    /// What a key does in the spot check: a verdict is recorded (audited) as soon as its note
    /// is confirmed with Enter.
    pub(crate) fn update(&mut self, action: Action, cx: &Ctx) -> Step {
        let spot = self;
        spot.message = None;
        match spot.stage.clone() {
            Stage::Setup => match action {
                Action::Type(c) if c.is_ascii_digit() => {
                    if spot.size == "0" {
                        spot.size.clear();
                    }
                    if spot.size.len() < 3 {
                        spot.size.push(c);
                    }
                }
                Action::Type('+') => spot.size = (spot.size() + 1).min(MAX_SAMPLE).to_string(),
                Action::Type('-') => spot.size = spot.size().saturating_sub(1).to_string(),
                Action::Backspace => {
                    spot.size.pop();
                }
                Action::Down => {
                    spot.scope = (spot.scope + 1).min(spot.scopes.len().saturating_sub(1))
                }
                Action::Up => spot.scope = spot.scope.saturating_sub(1),
                Action::Cancel => return Step::Close,
                Action::Accept => {
                    let size = spot.size().min(MAX_SAMPLE);
                    if size == 0 {
                        spot.message = Some("укажите размер выборки: число от 1".into());
                        return Step::Stay;
                    }
                    let Some(conn) = cx.conn else {
                        return Step::Stay;
                    };
                    let scope = spot.scopes.get(spot.scope).map_or(Scope::All, |s| s.0);
                    match spot_service::draw_sample(conn, scope, size, spot_service::fresh_seed()) {
                        Ok(ids) if ids.is_empty() => {
                            spot.message = Some("в этом охвате нет выполненных строк".into());
                        }
                        Ok(ids) => {
                            spot.sample = ids;
                            spot.pos = 0;
                            spot.stage = Stage::Card;
                            load_card(spot, cx);
                        }
                        Err(e) => spot.message = Some(format!("ошибка: {e}")),
                    }
                }
                _ => {}
            },
            Stage::Card => {
                let key = match action {
                    Action::Type(c) => Some(latin(c)),
                    _ => None,
                };
                match (action, key) {
                    (_, Some('y')) => {
                        spot.note.clear();
                        spot.stage = Stage::Note(Verdict::Confirmed);
                    }
                    (_, Some('n')) => {
                        spot.note.clear();
                        spot.stage = Stage::Note(Verdict::Rejected);
                    }
                    (Action::Down, _) | (_, Some('j')) if spot.pos + 1 < spot.sample.len() => {
                        spot.pos += 1;
                        load_card(spot, cx);
                    }
                    (Action::Up, _) | (_, Some('k')) if spot.pos > 0 => {
                        spot.pos -= 1;
                        load_card(spot, cx);
                    }
                    (Action::Cancel, _) => return Step::Close,
                    _ => {}
                }
            }
            Stage::Note(verdict) => match action {
                Action::Type(c) if spot.note.chars().count() < spot_service::NOTE_MAX => {
                    spot.note.push(c);
                }
                Action::Backspace => {
                    spot.note.pop();
                }
                Action::Cancel => spot.stage = Stage::Card,
                Action::Accept => {
                    let (Some(conn), Some(&id)) = (cx.conn, spot.sample.get(spot.pos)) else {
                        return Step::Stay;
                    };
                    match spot_service::record(conn, id, verdict, &spot.note) {
                        Ok(_) => {
                            spot.verdicts.insert(id, verdict);
                            spot.note.clear();
                            let next = (spot.pos + 1..spot.sample.len())
                                .chain(0..spot.pos)
                                .find(|i| !spot.verdicts.contains_key(&spot.sample[*i]));
                            match next {
                                Some(i) => {
                                    spot.pos = i;
                                    spot.stage = Stage::Card;
                                    load_card(spot, cx);
                                    spot.message = Some(format!("записано: {}", verdict.name_ru()));
                                }
                                None => {
                                    load_card(spot, cx);
                                    spot.stage = Stage::Summary;
                                }
                            }
                        }
                        Err(e) => {
                            spot.message = Some(format!("не записано: {e:#}"));
                        }
                    }
                }
                _ => {}
            },
            Stage::Summary => match action {
                Action::Up => spot.stage = Stage::Card,
                Action::Type(c) if latin(c) == 'k' => spot.stage = Stage::Card,
                Action::Cancel | Action::Accept => return Step::Close,
                _ => {}
            },
        }
        Step::Stay
    }
}

/// Reads the row at the sample position and its past checks.
fn load_card(spot: &mut SpotCheck, cx: &Ctx) {
    let (Some(conn), Some(&id)) = (cx.conn, spot.sample.get(spot.pos)) else {
        return;
    };
    let result = plan_rows::detail(conn, id).and_then(|d| Ok((d, spot_store::history(conn, id)?)));
    match result {
        Ok((card, history)) => {
            if card.is_none() {
                spot.message = Some("строку удалили, пока шла проверка".into());
            }
            spot.card = card;
            spot.history = history;
        }
        Err(e) => spot.message = Some(format!("ошибка чтения базы: {e}")),
    }
}

/// The end of `text` that fits in `width` columns, after «…» when cut (what is being typed).
fn tail(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out: Vec<char> = Vec::new();
    let mut w = 1;
    for c in text.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    std::iter::once('…').chain(out.into_iter().rev()).collect()
}

/// The spot check: the form, a row of the sample, or the summary.
fn draw_spot(spot: &SpotCheck, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let title = match spot.stage {
        Stage::Setup => " Выборочная проверка выполненных строк ".to_string(),
        _ => format!(
            " Выборочная проверка · строка {} из {} ",
            (spot.pos + 1).min(spot.sample.len()),
            spot.sample.len()
        ),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    match &spot.stage {
        Stage::Setup => {
            lines.push(Line::from(vec![
                Span::raw("Размер выборки: "),
                Span::styled(spot.size.clone(), t.key()),
                Span::styled("▏", t.key()),
                Span::styled("  (цифры, + и −)", t.dim()),
            ]));
            lines.push(Line::from(""));
            lines.push(Line::from(
                "Из каких строк (↑↓), выполненных строк в охвате:",
            ));
            for (i, (_, label, n)) in spot.scopes.iter().enumerate() {
                let text = cut(&format!("{n:>9}  {label}"), w);
                lines.push(if i == spot.scope {
                    Line::styled(text, t.selected())
                } else {
                    Line::from(text)
                });
            }
            lines.push(Line::from(""));
            lines.push(Line::styled(
                "Строки выбираются случайно, каждая с равной вероятностью. Enter — выбрать.",
                t.dim(),
            ));
        }
        Stage::Summary => {
            let (yes, no) = spot.tally();
            lines.push(Line::styled("Проверка закончена.", t.title()));
            lines.push(Line::from(format!(
                "Проверено строк: {} из {}",
                yes + no,
                spot.sample.len()
            )));
            lines.push(Line::styled(format!("Подтверждено: {yes}"), t.good()));
            lines.push(Line::styled(format!("Не подтверждено: {no}"), t.bad()));
            lines.push(Line::from(""));
            lines.push(Line::styled(
                "Вердикты записаны в базу и в журнал изменений. Enter — закрыть.",
                t.dim(),
            ));
        }
        Stage::Card | Stage::Note(_) => {
            // The body may wrap and be cut on a small terminal; the past checks and the prompt
            // below it always show.
            let mut footer = Vec::new();
            card_lines(spot, w, cx, &mut lines, &mut footer);
            if let Some(m) = &spot.message {
                footer.push(Line::styled(cut(&printable(m), w), t.accent()));
            }
            let [body, foot] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(footer.len() as u16)])
                    .areas(inner);
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
            frame.render_widget(Paragraph::new(footer), foot);
            return;
        }
    }
    if let Some(m) = &spot.message {
        lines.push(Line::from(""));
        lines.push(Line::styled(cut(&printable(m), w), t.accent()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn card_lines(
    spot: &SpotCheck,
    w: usize,
    cx: &Ctx,
    lines: &mut Vec<Line<'static>>,
    footer: &mut Vec<Line<'static>>,
) {
    let t = &cx.theme;
    let Some(d) = &spot.card else {
        lines.push(Line::styled("Строка не найдена.", t.dim()));
        return;
    };
    let r = &d.row;
    let field = |label: &str, value: &str| -> Line<'static> {
        Line::from(vec![
            Span::styled(format!("{label}: "), t.dim()),
            Span::raw(printable(value).into_owned()),
        ])
    };
    lines.push(Line::styled(
        cut(&printable(&d.org_full_name), w),
        t.header(),
    ));
    lines.push(Line::styled(
        cut(
            &format!(
                "Цикл {} · {} · строка № {} · {}",
                r.year,
                d.sector.name_ru(),
                printable(&r.number),
                printable(&r.criterion)
            ),
            w,
        ),
        t.dim(),
    ));
    lines.push(field("Недостаток", &r.shortcoming));
    lines.push(field("Мероприятие", &r.measure));
    let late = r
        .actual_date
        .map(|a| (a - r.planned_date).num_days())
        .unwrap_or(0);
    lines.push(Line::from(vec![
        Span::styled("Плановый срок: ", t.dim()),
        Span::raw(ru_date(r.planned_date)),
        Span::styled("   Фактический срок: ", t.dim()),
        Span::raw(r.actual_date.map_or("—".into(), ru_date)),
        if late > 0 {
            Span::styled(format!("  (позже плана на {late} дн.)"), t.bad())
        } else {
            Span::raw("")
        },
    ]));
    let p = &r.responsible;
    lines.push(field(
        "Ответственный",
        &format!(
            "{} {} {}{}",
            p.last_name,
            p.first_name,
            p.middle_name,
            if p.position.is_empty() {
                String::new()
            } else {
                format!(", {}", p.position)
            }
        ),
    ));
    lines.push(Line::from(vec![
        Span::styled("Реализованные меры: ", t.dim()),
        Span::styled(printable(&r.implemented_measures).into_owned(), t.title()),
    ]));
    if !d.result_indicators.is_empty() {
        lines.push(field("Показатели результата", &d.result_indicators));
    }
    if r.status != PlanStatus::Done {
        lines.push(Line::styled(
            format!(
                "Статус сейчас: {} — проверка не записывается",
                r.status.name_ru()
            ),
            t.bad(),
        ));
    }
    footer.push(Line::from(""));
    if spot.history.is_empty() {
        footer.push(Line::styled("Прежних проверок нет.", t.dim()));
    } else {
        footer.push(Line::styled(
            format!("Проверки ({}):", spot.history.len()),
            t.dim(),
        ));
        for c in spot.history.iter().take(3) {
            let mut text = format!(
                "  {} {} — {}",
                ru_stamp(&c.checked_at),
                printable(&c.os_user),
                c.verdict.name_ru()
            );
            if !c.note.is_empty() {
                text.push_str(&format!(": {}", printable(&c.note)));
            }
            footer.push(Line::styled(
                cut(&text, w),
                if c.verdict == Verdict::Rejected {
                    t.bad()
                } else {
                    t.good()
                },
            ));
        }
    }
    footer.push(Line::from(""));
    match &spot.stage {
        Stage::Note(v) => {
            let prompt = format!("{} — примечание: ", v.name_ru());
            footer.push(Line::from(vec![
                Span::styled(prompt.clone(), t.key()),
                Span::raw(tail(
                    &printable(&spot.note),
                    w.saturating_sub(prompt.width() + 1),
                )),
                Span::styled("▏", t.key()),
            ]));
            footer.push(Line::styled(
                "Enter — записать, Esc — назад (без записи)",
                t.dim(),
            ));
        }
        _ => {
            let given = spot
                .sample
                .get(spot.pos)
                .and_then(|id| spot.verdicts.get(id));
            footer.push(match given {
                Some(v) => Line::styled(format!("Ваш вердикт: {}", v.name_ru()), t.key()),
                None => Line::styled(
                    "y — подтверждено, n — не подтверждено (затем примечание и Enter)",
                    t.key(),
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_typed_shows_its_end_when_cut() {
        assert_eq!(tail("абвгдеж", 4), "…деж");
        assert_eq!(tail("аб", 4), "аб");
    }
}
