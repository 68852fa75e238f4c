//! The terminal UI drawn into a `TestBackend` over a small deterministic demo database, driven
//! with key sequences the way a person would.

mod common;

use common::*;
use nok::tui::msg::Mode;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Modifier;

#[test]
fn summary_screen() {
    let (_d, app) = app();
    let s = screen(&app, 120, 40);
    for needle in [
        "Сводка",
        "2025 год",
        "Оценено организаций",
        "Средний S по сферам",
        "Критерии: среднее и распределение",
        "Ближайшие сроки",
        "Распределение S",
        "К3",
    ] {
        assert!(s.contains(needle), "{needle}\n{s}");
    }
    insta::assert_snapshot!("summary_120x40", s);
    insta::assert_snapshot!("summary_80x24", screen(&app, 80, 24));
}

#[test]
fn summary_goes_through_the_cycles_of_a_year_and_their_figures_add_up() {
    use nok::store::overview::{self, Scope};
    use nok::tui::msg::{Loaded, Request};
    use nok::tui::screens::summary::SummaryScreen;
    let (d, mut app) = app();
    let conn = rusqlite::Connection::open(d.path().join("demo.sqlite")).unwrap();
    let year = app
        .current()
        .as_any()
        .downcast_ref::<SummaryScreen>()
        .unwrap()
        .scope()
        .unwrap()
        .year;
    let whole = overview::read(&conn, Scope { year, cycle: None }, today()).unwrap();
    // ↓ steps into each cycle of the year in turn; the worker's answer is played by hand.
    let mut assessed = 0;
    let mut histogram = [0u64; 9];
    loop {
        let before = app.requests.len();
        press(&mut app, KeyCode::Down);
        let Some(Request::Summary(scope)) = app.requests.get(before).cloned() else {
            break;
        };
        assert_eq!(scope.year, year);
        let id = scope.cycle.expect("a cycle");
        let part = overview::read(&conn, scope, today()).unwrap();
        assessed += part.assessed;
        for (sum, n) in histogram.iter_mut().zip(part.total_histogram.counts) {
            *sum += n;
        }
        app.apply(Loaded::Summary(part));
        let s = screen(&app, 120, 40);
        assert!(s.contains(&format!("цикл №{id}")), "{s}");
    }
    assert!(whole.cycles > 1);
    assert_eq!(assessed, whole.assessed);
    assert_eq!(histogram, whole.total_histogram.counts);
    // ↑ all the way back to the whole year; ← goes a year back.
    for _ in 0..whole.cycles {
        press(&mut app, KeyCode::Up);
    }
    assert!(matches!(
        app.requests.last(),
        Some(Request::Summary(Scope { cycle: None, .. }))
    ));
    press(&mut app, KeyCode::Left);
    assert_eq!(
        app.requests.last().cloned(),
        Some(Request::Summary(Scope {
            year: year - 1,
            cycle: None
        }))
    );
}

#[test]
fn organizations_screen() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2");
    assert_eq!(app.tab, 1);
    let s = screen(&app, 120, 40);
    assert!(s.contains("строка 1/60"), "{s}");
    assert!(s.contains("Организация▲"), "{s}");
    insta::assert_snapshot!("organizations_120x40", s);
    insta::assert_snapshot!("organizations_80x24", screen(&app, 80, 24));
}

#[test]
fn organizations_filter_popup() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2f");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Выполнение плана"), "{s}");
    insta::assert_snapshot!("organizations_filters_120x40", s);
    insta::assert_snapshot!("organizations_filters_80x24", screen(&app, 80, 24));
    // The choices of «Сфера», with how many organizations each has.
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains("орг.)"), "{s}");
    insta::assert_snapshot!("organizations_filter_sector_120x40", s);
}

#[test]
fn too_small_terminal_gets_a_message_and_no_panic() {
    let (_d, mut app) = app();
    for (w, h) in [(79, 24), (80, 23), (20, 5), (1, 1)] {
        let s = screen(&app, w, h);
        if w >= 20 {
            assert!(s.contains("слишком мал"), "{w}×{h}\n{s}");
        }
    }
    type_keys(&mut app, "2");
    for (w, h) in [(80, 24), (300, 100), (81, 25)] {
        let _ = screen(&app, w, h);
    }
}

#[test]
fn navigation_search_sort_and_filter_by_keys() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2jjj");
    assert!(screen(&app, 120, 40).contains("строка 4/60"));
    press(&mut app, KeyCode::End);
    assert!(screen(&app, 120, 40).contains("строка 60/60"));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::PageDown);
    let s = screen(&app, 120, 40);
    assert!(!s.contains("строка 1/60"), "{s}");

    // Incremental search in Cyrillic over the full name.
    type_keys(&mut app, "/школ");
    assert_eq!(app.key_mode(), Mode::Search);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Поиск: школ"), "{s}");
    let found = list(&app);
    assert!(!found.view.is_empty() && found.view.len() < 60);
    for &i in &found.view {
        let k = &found.keys[i as usize];
        assert!(
            k.full_name.to_lowercase().contains("школ") || k.name.to_lowercase().contains("школ")
        );
    }
    press(&mut app, KeyCode::Down);
    let chosen = list(&app).selected_key().unwrap().id;
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.key_mode(), Mode::Normal);
    assert!(screen(&app, 120, 40).contains("поиск «школ»"));
    // Clearing the search keeps the chosen organization selected.
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app, 120, 40).contains("/60 · сортировка"));
    assert_eq!(list(&app).selected_key().unwrap().id, chosen);

    // Search by ИНН prefix.
    let inn = list(&app).keys[7].inn.clone();
    type_keys(&mut app, &format!("/{inn}"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(list(&app).view.len(), 1);
    assert!(screen(&app, 120, 40).contains(&format!("ИНН {inn}")));
    press(&mut app, KeyCode::Esc);

    // Sort by S (s three times: sector, region, S), best first; S reverses.
    type_keys(&mut app, "sss");
    let s = screen(&app, 120, 40);
    assert!(s.contains("сортировка: S"), "{s}");
    let totals: Vec<f64> = {
        let l = list(&app);
        l.view
            .iter()
            .filter_map(|&i| l.keys[i as usize].latest_total)
            .collect()
    };
    assert!(totals.windows(2).all(|w| w[0] >= w[1]));
    type_keys(&mut app, "S");
    assert!(screen(&app, 120, 40).contains("(обратная)"));

    // Sector filter, through the filter popup: f, Enter on «Сфера», the first sector.
    type_keys(&mut app, "f");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    let s = screen(&app, 120, 40);
    assert!(s.contains("сфера: социальное обслуживание"), "{s}");
}

/// Opens the filter popup, goes down `dim` rows, opens its choices, types `narrow` and picks the
/// first choice that is not «все».
fn pick_filter(app: &mut nok::tui::app::App, dim: usize, narrow: &str) {
    type_keys(app, "f");
    for _ in 0..dim {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
    type_keys(app, narrow);
    if narrow.is_empty() {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
    press(app, KeyCode::Esc);
}

#[test]
fn filters_by_region_cycle_group_and_plan_state_combine() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2");
    let all = list(&app).view.len();

    // Region: the first region in the list of choices.
    pick_filter(&mut app, 1, "");
    let region = list(&app).filters.region.clone().expect("a region chosen");
    let l = list(&app);
    assert!(
        !l.view.is_empty() && l.view.len() < all,
        "{} of {all}",
        l.view.len()
    );
    assert!(l.view.iter().all(|&i| l.keys[i as usize].region == region));
    assert!(screen(&app, 120, 40).contains(&format!("регион: {region}")));

    // Plan state «есть просроченные строки» (the first state).
    pick_filter(&mut app, 4, "");
    let l = list(&app);
    assert!(l.view.iter().all(|&i| l.keys[i as usize].plan_overdue > 0));

    // Esc clears every filter.
    press(&mut app, KeyCode::Esc);
    assert_eq!(list(&app).view.len(), all);
    assert!(list(&app).filters.is_empty());

    // Cycle: typing narrows the choices; the list then holds exactly the cycle's members.
    pick_filter(&mut app, 2, "");
    let cycle = list(&app).filters.cycle.clone().expect("a cycle chosen");
    let conn = rusqlite::Connection::open(_d.path().join("demo.sqlite")).unwrap();
    let mut stmt = conn
        .prepare("SELECT org_id FROM membership WHERE cycle_id = ?1 ORDER BY org_id")
        .unwrap();
    let members: Vec<i64> = stmt
        .query_map([cycle.id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let l = list(&app);
    let mut shown: Vec<i64> = l.view.iter().map(|&i| l.keys[i as usize].id).collect();
    shown.sort_unstable();
    assert_eq!(shown, members);
    assert!(screen(&app, 120, 40).contains(&format!("цикл №{}", cycle.id)));

    // Group within that cycle: the members of the cycle in that group.
    pick_filter(&mut app, 3, "");
    let group = list(&app).filters.group.clone().expect("a group chosen");
    let in_group: i64 = conn
        .query_row(
            "SELECT count(*) FROM membership WHERE cycle_id = ?1 AND grp = ?2",
            rusqlite::params![cycle.id, group],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(list(&app).view.len() as i64, in_group);
    assert!(in_group > 0);

    // Backspace on a filter's row resets it; the popup shows «все» again.
    type_keys(&mut app, "f");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Backspace);
    assert!(list(&app).filters.group.is_none());
    let s = screen(&app, 120, 40);
    assert!(s.contains("Фильтры"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert!(!screen(&app, 120, 40).contains("Фильтры"));
}

#[test]
fn filter_choices_are_narrowed_by_typing_in_cyrillic() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2f");
    press(&mut app, KeyCode::Enter);
    // Inside the choices, letters are text: «культ» narrows to the culture sector.
    type_keys(&mut app, "культ");
    let s = screen(&app, 120, 40);
    assert!(s.contains("культура"), "{s}");
    assert!(!s.contains("здравоохранение"), "{s}");
    press(&mut app, KeyCode::Enter);
    let l = list(&app);
    assert_eq!(l.filters.sector, Some(nok::domain::sector::Sector::Culture));
    assert!(!app.quit);
}

#[test]
fn russian_layout_commands_work_outside_text() {
    let (_d, mut app) = app();
    // «2», then о/о (j j), ы (s), й (q).
    type_keys(&mut app, "2оо");
    assert!(screen(&app, 120, 40).contains("строка 3/60"));
    type_keys(&mut app, "ы");
    assert!(screen(&app, 120, 40).contains("сортировка: сфера"));
    // Inside search, the same letters are text.
    type_keys(&mut app, ".й");
    assert_eq!(app.key_mode(), Mode::Search);
    assert_eq!(list(&app).query, "й");
    assert!(!app.quit);
    press(&mut app, KeyCode::Esc);
    type_keys(&mut app, "й");
    assert!(app.quit);
}

#[test]
fn help_overlay_lists_the_keys_of_the_screen() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2?");
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("Справка") && s.contains("поиск") && s.contains("русской раскладке"),
        "{s}"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.key_mode(), Mode::Normal);
}

#[test]
fn selection_is_visible_without_colour() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2");
    let t = draw(&app, 120, 40);
    // Row 1 of the table: tabs (1), search line (1), border (1), header (1).
    let cell = &t.backend().buffer()[(5, 4)];
    assert!(cell.modifier.contains(Modifier::REVERSED), "{cell:?}");
    assert_eq!(cell.fg, ratatui::style::Color::Reset);
}

#[test]
fn control_characters_in_stored_text_never_reach_the_terminal() {
    let (_d, mut app) = app_with(|c| {
        c.execute(
            "UPDATE organization SET short_name = 'ААА \u{1b}]0;x\u{7}\u{1b}[31mКрасный\u{9b}', \
             full_name = 'ААА полное\u{1b}[2J' WHERE id = 1",
            [],
        )
        .unwrap();
    });
    type_keys(&mut app, "2");
    let t = draw(&app, 120, 40);
    let s = t.backend().to_string();
    assert!(s.contains("ААА Красный"), "{s}");
    assert_no_control_chars(&t);
}

#[test]
fn command_line_jumps_to_screens_and_organizations_with_completion() {
    let (_d, mut app) = app();
    type_keys(&mut app, ":орг");
    assert_eq!(app.key_mode(), Mode::Command);
    assert!(screen(&app, 120, 40).contains(":орг"));
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.command, "организации ");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, 1);

    let inn = list(&app).keys[11].inn.clone();
    let name = list(&app).keys[11].full_name.clone();
    type_keys(&mut app, &format!(":org {inn}"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(list(&app).view.len(), 1);
    // One organization found: its card is open, with the full name and the ИНН.
    assert_eq!(app.breadcrumbs().len(), 2, "{:?}", app.breadcrumbs());
    let s = screen(&app, 120, 40);
    assert!(
        s.contains(&name[..name.char_indices().nth(40).map_or(name.len(), |(i, _)| i)]),
        "{s}"
    );
    assert!(s.contains(&inn), "{s}");
    press(&mut app, KeyCode::Esc);

    type_keys(&mut app, ":нет-такой");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 120, 40).contains("неизвестная команда «нет-такой»"));
    // :cycle N shows the cycle's rating; Tab completes the numbers.
    let conn = rusqlite::Connection::open(_d.path().join("demo.sqlite")).unwrap();
    let id: i64 = conn
        .query_row("SELECT max(id) FROM cycle", [], |r| r.get(0))
        .unwrap();
    type_keys(&mut app, &format!(":cycle {}", id / 10));
    press(&mut app, KeyCode::Tab);
    let s = screen(&app, 120, 40);
    assert!(
        app.command == format!("cycle {id} ") || s.contains(&format!("{id}")),
        "{s}"
    );
    app.command = format!("cycle {id}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.current().title(), "Рейтинг");
    let rating = app
        .current()
        .as_any()
        .downcast_ref::<nok::tui::screens::rating::RatingScreen>()
        .unwrap();
    assert_eq!(rating.current_cycle().map(|c| c.id), Some(id));
    assert!(
        app.requests.iter().any(|r| matches!(
            r,
            nok::tui::msg::Request::Summary(s) if s.cycle == Some(id)
        )),
        "the summary turns to the cycle too"
    );
    type_keys(&mut app, ":cycle 99999");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 120, 40).contains("цикла №99999 нет"));

    // Shift+Ж on the Russian layout is «:».
    type_keys(&mut app, "Ж");
    assert_eq!(app.key_mode(), Mode::Command);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.key_mode(), Mode::Normal);
}

#[test]
fn council_screen_lists_meetings_with_agenda_and_decisions() {
    let (_d, mut app) = app();
    type_keys(&mut app, ":совет");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("Протокол") && s.contains("Повестка") && s.contains("Решения"),
        "{s}"
    );
    assert!(s.contains("заседание 1/"), "{s}");
    type_keys(&mut app, "j");
    assert!(screen(&app, 120, 40).contains("заседание 2/"));
    type_keys(&mut app, "/утвержд");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains("поиск «утвержд»"), "{s}");
    insta::assert_snapshot!("council_120x40", s);
    insta::assert_snapshot!("council_80x24", screen(&app, 80, 24));
}

#[test]
fn journal_screen_shows_the_audit_log() {
    // The build's entry carries the wall clock and the user: pin them for the snapshot.
    let (_d, mut app) = app_with(|c| {
        c.execute(
            "UPDATE audit_log SET at = '2026-11-22T09:05:00', os_user = 'ivanova'",
            [],
        )
        .unwrap();
    });
    type_keys(&mut app, ":журнал");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains("построена демонстрационная база"), "{s}");
    assert!(
        s.contains("22.11.2026 09:05:00") && s.contains("ivanova"),
        "{s}"
    );
    assert!(s.contains("запись 1/1"), "{s}");
    type_keys(&mut app, "/нет такого");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Записей нет") && s.contains("запись 0/0"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app, 120, 40).contains("запись 1/1"));
    insta::assert_snapshot!("journal_120x40", screen(&app, 120, 40));
    insta::assert_snapshot!("journal_80x24", screen(&app, 80, 24));
}

#[test]
fn mouse_click_selects_a_row_opens_it_on_a_second_click_and_switches_tabs() {
    use nok::tui::msg::Action;
    let (_d, mut app) = app();
    type_keys(&mut app, "2");
    // The frame records where rows and tabs are.
    let s = screen(&app, 120, 40);
    let lines: Vec<&str> = s.lines().collect();
    let third = list(&app).view[2];
    let name = list(&app).keys[third as usize].name.clone();
    let y = lines
        .iter()
        .position(|l| {
            l.contains(&name[..name.char_indices().nth(20).map_or(name.len(), |(i, _)| i)])
        })
        .expect("the third row on screen") as u16;
    app.update(Action::Click { column: 10, row: y });
    assert_eq!(list(&app).selected, 2);
    assert_eq!(app.breadcrumbs().len(), 1);
    app.update(Action::Click { column: 10, row: y });
    assert_eq!(
        app.breadcrumbs().len(),
        2,
        "a click on the selected row opens it"
    );
    press(&mut app, KeyCode::Esc);
    // A click outside the rows does nothing.
    let _ = screen(&app, 120, 40);
    app.update(Action::Click {
        column: 10,
        row: 39,
    });
    assert_eq!(list(&app).selected, 2);
    // A click on «3 Рейтинг» in the tab bar.
    let x = lines[0]
        .find("3 Рейтинг")
        .map(|b| lines[0][..b].chars().count())
        .unwrap() as u16;
    app.update(Action::Click {
        column: x + 2,
        row: 0,
    });
    assert_eq!(app.current().title(), "Рейтинг");
}

#[test]
fn the_filtered_list_is_saved_as_excel_csv_with_x() {
    let (d, mut app) = app();
    type_keys(&mut app, "2/школ");
    press(&mut app, KeyCode::Enter);
    let shown = list(&app).view.len();
    assert!(shown > 0 && shown < 60);
    type_keys(&mut app, "x");
    let started = std::time::Instant::now();
    while !screen(&app, 120, 40).contains("список сохранен") {
        app.tick();
        assert!(
            started.elapsed().as_secs() < 30,
            "{}",
            screen(&app, 120, 40)
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let file = d.path().join("организации-22.11.2026.csv");
    let bytes = std::fs::read(&file).unwrap();
    // As Excel with a Russian locale reads it: BOM, «;», CRLF, Cyrillic intact, decimal comma.
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), shown + 1, "{text}");
    assert!(lines[0].starts_with("Организация;Краткое наименование;ИНН;"));
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    for row in r.records() {
        let row = row.unwrap();
        assert!(row[1].to_lowercase().contains("школ") || row[0].to_lowercase().contains("школ"));
        if !row[7].is_empty() {
            assert!(
                row[7].contains(',') && !row[7].contains('.'),
                "{:?}",
                &row[7]
            );
        }
    }
    // A second save does not overwrite the first.
    type_keys(&mut app, "x");
    while !screen(&app, 120, 40).contains("-2.csv") {
        app.tick();
        assert!(started.elapsed().as_secs() < 30);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(d.path().join("организации-22.11.2026-2.csv").is_file());
    // X: the same list as a workbook, numbers as numbers.
    type_keys(&mut app, "X");
    while !screen(&app, 120, 40).contains(".xlsx") {
        app.tick();
        assert!(started.elapsed().as_secs() < 30);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(d.path().join("организации-22.11.2026.xlsx")).unwrap();
    let range = book.worksheet_range("Организации").unwrap();
    assert_eq!(range.height(), shown + 1);
    assert!(range.rows().skip(1).any(|r| matches!(r[7], Data::Float(_))));
}
