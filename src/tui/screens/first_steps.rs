//! «Начало работы»: the guide the summary shows on a database that has no rating yet — the steps
//! from an empty working database to the first rating, each ticked when the database shows it
//! done, and Enter taking the next one (the file picker of «Обмен», the new-cycle form).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::sector::Sector;
use crate::domain::text::printable;
use crate::store::first_steps::FirstSteps;
use crate::tui::screen::{Ctx, Outcome};
use crate::tui::screens::exchange::FileKind;

/// The step Enter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    LoadOrgs,
    NewCycle,
    LoadInputs,
    /// Inputs are in; the scores come by themselves (or the cards say why not).
    SeeRating,
}

/// The step to take now.
pub fn next(s: &FirstSteps) -> Next {
    if s.orgs == 0 {
        Next::LoadOrgs
    } else if s.cycle.is_none() {
        Next::NewCycle
    } else if s.with_inputs == 0 {
        Next::LoadInputs
    } else {
        Next::SeeRating
    }
}

/// What Enter does on the guide.
pub fn enter(s: &FirstSteps, cx: &Ctx) -> Outcome {
    match next(s) {
        Next::LoadOrgs => Outcome::Open(Box::new(super::exchange::ExchangeScreen::picking_file(
            cx.save_dir(),
            FileKind::Orgs,
        ))),
        Next::LoadInputs => Outcome::Open(Box::new(super::exchange::ExchangeScreen::picking_file(
            cx.save_dir(),
            FileKind::Inputs,
        ))),
        Next::NewCycle => crate::tui::forms::new_cycle::new_cycle_in(
            cx,
            None,
            s.sector.as_deref().and_then(Sector::parse),
        ),
        Next::SeeRating => Outcome::Message(
            "баллы рассчитываются после загрузки исходных данных; если расчета нет — причины на \
             карточках организаций (экран «Организации», Enter)"
                .into(),
        ),
    }
}

/// `x` / `X` on the guide once a cycle exists: saves the template of the newest cycle's inputs
/// (CSV for Excel / a workbook) in the work folder.
pub fn save_template(s: &FirstSteps, cx: &Ctx, xlsx: bool) -> Outcome {
    let (Some((cycle, _)), Some(conn)) = (s.cycle, cx.conn) else {
        return Outcome::Message("шаблон исходных данных — после создания цикла".into());
    };
    let saved = crate::service::methodology::Methods::load()
        .and_then(|m| crate::service::inputs_template::build(conn, &m, cycle))
        .and_then(|table| {
            crate::service::table::save(
                &cx.save_dir(),
                &format!("{}{cycle}", crate::service::inputs_template::FILE_STEM),
                "Исходные данные",
                &table,
                xlsx,
            )
            .map(|path| (path, table.rows.len()))
        });
    Outcome::Message(match saved {
        Ok((path, rows)) => format!(
            "шаблон сохранен: {} (организаций: {rows}); заполните в Excel и загрузите: Enter",
            path.display()
        ),
        Err(e) => format!("шаблон не сохранен: {e:#}"),
    })
}

/// What Enter does, for the bottom bar.
pub fn enter_key(s: &FirstSteps) -> &'static str {
    match next(s) {
        Next::LoadOrgs => "загрузить организации",
        Next::NewCycle => "новый цикл",
        Next::LoadInputs => "загрузить исходные данные",
        Next::SeeRating => "что дальше",
    }
}

pub fn draw(s: &FirstSteps, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let now = next(s);
    let mut lines: Vec<Line> = vec![
        Line::styled(
            "Начало работы: от пустой базы до рейтинга. Шаги отмечаются сами, когда сделаны.",
            t.title(),
        ),
        Line::from(""),
    ];
    let mut step = |done: bool, current: bool, title: String, how: &[&str]| {
        let (mark, style) = if done {
            ("[✓] ", t.good())
        } else if current {
            ("[ ] ", t.accent())
        } else {
            ("[ ] ", t.dim())
        };
        let mut head = vec![Span::styled(mark, style), Span::styled(title, style)];
        if current {
            head.push(Span::styled("   ← Enter", t.key()));
        }
        lines.push(Line::from(head));
        if !done {
            for h in how {
                lines.push(Line::styled(format!("      {h}"), t.dim()));
            }
        }
    };
    step(
        true,
        false,
        format!(
            "Рабочая база создана{}",
            s.authority
                .as_deref()
                .map(|a| format!(": {}", printable(a)))
                .unwrap_or_default()
        ),
        &[],
    );
    step(
        s.orgs > 0,
        now == Next::LoadOrgs,
        if s.orgs > 0 {
            format!("Организации загружены: {}", s.orgs)
        } else {
            "Загрузить организации из файла".into()
        },
        &[
            "CSV или Excel, строка заголовка с колонками: Полное наименование, ИНН, КПП, ОГРН,",
            "Код по Сводному реестру, Сфера, Регион (еще можно: ОКТМО, Адрес, Сайт, ИНН учредителя).",
            "Перед записью показано, что добавится и что отклонено. Одну организацию — a на «Организациях».",
        ],
    );
    step(
        s.cycle.is_some(),
        now == Next::NewCycle,
        match s.cycle {
            Some((id, year)) => format!("Цикл оценки создан: №{id}, {year} год"),
            None => "Создать цикл оценки: год, сфера, уполномоченный орган".into(),
        },
        &["Форма нового цикла — Enter или a на «Сводке»."],
    );
    step(
        s.with_inputs > 0,
        now == Next::LoadInputs,
        if s.with_inputs > 0 {
            format!(
                "Исходные данные есть: организаций в циклах {}, с данными {}",
                s.members, s.with_inputs
            )
        } else {
            "Загрузить исходные данные цикла (показатели по организациям)".into()
        },
        &[
            "x — шаблон файла для Excel (CSV), X — шаблон xlsx: строка на организацию, колонка на",
            "показатель методики; счетчики — целые числа, пункты перечней — 1 или 0 (да/нет).",
            "Организации из файла входят в цикл сами. По одной: карточка организации (Enter на",
            "«Организациях»), a — включить в цикл, e — ввести исходные данные.",
        ],
    );
    step(
        s.scored,
        now == Next::SeeRating,
        "Баллы и рейтинг".into(),
        &[
            "Считаются сами после загрузки или ввода данных (строка состояния: «пересчет цикла…»).",
            "Рейтинг — экран «Рейтинг» (3), карточки — «Организации» (2).",
        ],
    );
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "Дальше: выгрузка для bus.gov.ru и публикация на сайте — «Обмен» (8); планы по устранению \
         недостатков — карточка организации (p — проект плана) и «Планы» (4). Справка — ?",
        t.dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Начало работы "),
        ),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn the_current_step_shows_in_the_smallest_terminal() {
        let s = FirstSteps {
            authority: Some("Комитет соцзащиты ЛО".into()),
            orgs: 3,
            cycle: Some((1, 2026)),
            working: true,
            ..FirstSteps::default()
        };
        let env = crate::tui::screen::Env::new(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            crate::tui::theme::Theme::plain(),
            None,
        );
        env.page.set(1);
        let cx = env.ctx();
        // The screen's area in an 80×24 terminal: all but the tab, status and key lines.
        let mut t = Terminal::new(TestBackend::new(80, 21)).unwrap();
        t.draw(|f| draw(&s, f, f.area(), &cx)).unwrap();
        let screen = t.backend().to_string();
        assert!(
            screen.contains("[✓] Цикл оценки создан: №1, 2026 год"),
            "{screen}"
        );
        assert!(screen.contains("← Enter"), "{screen}");
        assert!(screen.contains("x — шаблон файла"), "{screen}");
    }

    #[test]
    fn the_next_step_follows_what_is_in_the_database() {
        let mut s = FirstSteps::default();
        assert_eq!(next(&s), Next::LoadOrgs);
        s.orgs = 3;
        assert_eq!(next(&s), Next::NewCycle);
        s.cycle = Some((1, 2026));
        assert_eq!(next(&s), Next::LoadInputs);
        s.members = 3;
        assert_eq!(next(&s), Next::LoadInputs, "members without inputs");
        s.with_inputs = 2;
        assert_eq!(next(&s), Next::SeeRating);
    }
}
