//! «Предложения» in the terminal UI: opened with `P` on an organization's card, searched as one
//! types («Ёлк»: a capital and «ё»), switched to the whole cycle with `f`, saved with `x`/`X`;
//! every count and every row compared with plain SQL over `survey_proposal`.

mod common;
mod proposals_support;

use common::*;
use nok::tui::app::App;
use nok::tui::screens::proposals::ProposalsScreen;
use proposals_support::*;
use ratatui::crossterm::event::KeyCode;

fn proposals(app: &App) -> &ProposalsScreen {
    app.current()
        .as_any()
        .downcast_ref()
        .expect("the proposals screen is on top")
}

/// Lets the screen's reader (and a save) finish, as the event loop's ticks would.
fn settle(app: &mut App) {
    let started = std::time::Instant::now();
    while proposals(app).busy() {
        app.tick();
        assert!(
            started.elapsed().as_secs() < 60,
            "the reader did not answer"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn card_proposals(app: &mut App, inn: &str) {
    type_keys(app, &format!(":org {inn}"));
    press(app, KeyCode::Enter);
    let s = screen(app, 120, 40);
    assert!(
        s.contains("P предложения"),
        "the card's footer names the key:\n{s}"
    );
    type_keys(app, "P");
    settle(app);
}

#[test]
fn proposals_of_an_organization_searched_in_cyrillic_and_of_the_whole_cycle() {
    let (d, mut app) = app();
    let mut conn = sql(&d);
    let (cycle, orgs) = import(d.path(), &mut conn);
    let a = orgs[0].0;
    card_proposals(&mut app, &orgs[0].1);
    let (_, all_a) = sql_counts(&conn, cycle, Some(a));
    assert_eq!(proposals(&app).counts(), (all_a as usize, all_a as usize));
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("Найдено {all_a} из {all_a}")), "{s}");
    assert!(s.contains("Больше парковочных мест"), "{s}");
    assert!(s.contains("респондент R-03"), "{s}");

    // Typed one key at a time: the count follows each.
    type_keys(&mut app, "/");
    for c in SEARCH.chars() {
        type_keys(&mut app, &c.to_string());
        settle(&mut app);
    }
    let (found_a, _) = sql_counts(&conn, cycle, Some(a));
    assert_eq!(
        (found_a, all_a),
        (3, 4),
        "the fixture as worked out on paper"
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("Найдено {found_a} из {all_a}")), "{s}");
    assert!(s.contains("Поставить ЁЛКУ во дворе"), "{s}");
    assert!(!s.contains("Больше парковочных мест"), "{s}");
    assert!(s.contains(&format!("часть «{PART}»")), "{s}");
    insta::assert_snapshot!("proposals_search_120x40", s);
    insta::assert_snapshot!("proposals_search_80x24", screen(&app, 80, 24));

    // The whole cycle, the search kept.
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "f");
    settle(&mut app);
    let (found, all) = sql_counts(&conn, cycle, None);
    assert_eq!((found, all), (5, 8), "the fixture as worked out on paper");
    assert_eq!(proposals(&app).counts(), (found as usize, all as usize));
    assert!(screen(&app, 120, 40).contains(&format!("Найдено {found} из {all}")));

    // Scrolling to the last one found shows it.
    press(&mut app, KeyCode::End);
    settle(&mut app);
    let s = screen(&app, 120, 24);
    assert!(s.contains(&format!("предложение {found}/{found}")), "{s}");

    // Esc clears the search, a second Esc goes back to the card.
    press(&mut app, KeyCode::Esc);
    settle(&mut app);
    assert_eq!(proposals(&app).counts(), (all as usize, all as usize));
    press(&mut app, KeyCode::Esc);
    assert!(
        app.current()
            .as_any()
            .is::<nok::tui::screens::org_card::OrgCardScreen>()
    );
}

#[test]
fn proposals_found_are_saved_to_csv_and_xlsx_as_listed() {
    let (d, mut app) = app();
    let mut conn = sql(&d);
    let (cycle, orgs) = import(d.path(), &mut conn);
    card_proposals(&mut app, &orgs[1].1);
    type_keys(&mut app, "f/");
    type_keys(&mut app, SEARCH);
    press(&mut app, KeyCode::Enter);
    settle(&mut app);
    type_keys(&mut app, "x");
    settle(&mut app);
    let status = screen(&app, 160, 40);
    let saved: Vec<std::path::PathBuf> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("предложения-цикл"))
        })
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}\n{status}");
    let csv_path = &saved[0];
    assert_eq!(
        csv_path.file_name().unwrap().to_string_lossy(),
        format!("предложения-цикл{cycle}-22.11.2026.csv")
    );
    assert!(status.contains("сохранено 5 предложений"), "{status}");
    assert!(status.contains(&*csv_path.to_string_lossy()), "{status}");

    let rows = read_excel_csv(csv_path);
    assert_eq!(
        rows[0],
        [
            "ИНН",
            "Организация",
            "Часть",
            "Источник",
            "Строка",
            "Респондент",
            "Дата ответа",
            "Предложение"
        ]
    );
    let mut got: Vec<[String; 4]> = rows[1..]
        .iter()
        .map(|r| [r[0].clone(), r[2].clone(), r[5].clone(), r[7].clone()])
        .collect();
    got.sort();
    let want = sql_found(&conn, cycle, None);
    assert_eq!(want.len(), 5);
    assert!(want.iter().any(|r| r[1] == PART), "{want:?}");
    assert_eq!(got, want);
    // The formula-looking proposal is text for Excel: a literal, not a formula.
    let raw = String::from_utf8(std::fs::read(csv_path).unwrap()).unwrap();
    assert!(raw.contains("\"=\"\"=Ёлку убрать из холла\"\"\""), "{raw}");
    // The organization's name, Cyrillic intact.
    assert!(rows[1..].iter().any(|r| r[1] == orgs[0].2), "{rows:?}");

    // The same as a workbook.
    type_keys(&mut app, "X");
    settle(&mut app);
    let xlsx = d
        .path()
        .join(format!("предложения-цикл{cycle}-22.11.2026.xlsx"));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = book.worksheet_range("Предложения").unwrap();
    let mut texts: Vec<String> = range.rows().skip(1).map(|r| r[7].to_string()).collect();
    texts.sort();
    let mut want_texts: Vec<String> = want.iter().map(|r| r[3].clone()).collect();
    want_texts.sort();
    assert_eq!(texts, want_texts);
}

#[test]
fn a_long_list_of_a_cycle_scrolls_a_window_at_a_time_from_the_rating() {
    let (d, mut app) = app();
    let mut conn = sql(&d);
    let (cycle, orgs) = import(d.path(), &mut conn);
    // 500 more proposals of B, written as another program would (no key: the trigger makes it).
    let source: i64 = conn
        .query_row(
            "SELECT id FROM survey_source WHERE cycle_id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    for k in 1..=500 {
        let text = if k % 5 == 0 {
            format!("Заявка {k:03}: нужна ЁЛКА в холле")
        } else {
            format!("Заявка {k:03}: покрасить забор")
        };
        conn.execute(
            "INSERT INTO survey_proposal (source_id, membership_id, line, text)
             VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![source, orgs[1].0, 1000 + k, text],
        )
        .unwrap();
    }
    let (found, all) = sql_counts(&conn, cycle, None);
    assert_eq!((found, all), (5 + 100, 8 + 500), "worked out on paper");

    // The cycle's proposals from «Рейтинг» turned to the cycle.
    type_keys(&mut app, &format!(":cycle {cycle}"));
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "P");
    settle(&mut app);
    assert_eq!(app.current().title(), format!("Предложения цикла №{cycle}"));
    assert_eq!(proposals(&app).counts(), (all as usize, all as usize));
    // The order promised: by organization name, then file and line.
    let ordered: Vec<String> = conn
        .prepare(
            "SELECT p.text FROM survey_proposal p JOIN survey_source s ON s.id = p.source_id
             JOIN membership m ON m.id = p.membership_id JOIN organization o ON o.id = m.org_id
             WHERE s.cycle_id = ?1 ORDER BY o.full_name, o.id, s.name, p.line",
        )
        .unwrap()
        .query_map([cycle], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ordered.len() as i64, all);
    // The proposal the status line says is selected, and whether its text is on screen.
    let selected = |s: &str| -> usize {
        let from = s.find("предложение ").unwrap() + "предложение ".len();
        s[from..].split('/').next().unwrap().parse().unwrap()
    };
    let _ = screen(&app, 120, 40);
    press(&mut app, KeyCode::End);
    settle(&mut app);
    let s = screen(&app, 120, 40);
    assert_eq!(selected(&s), all as usize, "{s}");
    assert!(s.contains(ordered.last().unwrap().as_str()), "{s}");
    // The screen is filled with the ones before it, not left empty below the last one.
    assert!(s.contains(ordered[ordered.len() - 4].as_str()), "{s}");
    insta::assert_snapshot!("proposals_cycle_end_120x40", s);
    // A page up moves by what fits; what it shows was read, in that order.
    press(&mut app, KeyCode::PageUp);
    settle(&mut app);
    let s = screen(&app, 120, 40);
    let at = selected(&s);
    assert!(at < all as usize - 5, "{s}");
    assert!(s.contains(ordered[at - 1].as_str()), "{s}");
    assert!(!s.contains(ordered.last().unwrap().as_str()), "{s}");
    // Home and down through the first organization's into the second's.
    press(&mut app, KeyCode::Home);
    for _ in 0..6 {
        press(&mut app, KeyCode::Down);
        settle(&mut app);
    }
    let s = screen(&app, 120, 40);
    assert_eq!(selected(&s), 7, "{s}");
    assert!(s.contains(ordered[6].as_str()), "{s}");
    // Page by page down past the first windows (read by OFFSET) into those read from a
    // proposal already read (keyset), then back up: each page shows the one selected, the one
    // after it where it fits, in the order plain SQL gives.
    let mut last = 7;
    while last < all as usize - 40 {
        press(&mut app, KeyCode::PageDown);
        settle(&mut app);
        let s = screen(&app, 120, 40);
        let at = selected(&s);
        assert!(at > last, "{s}");
        assert!(s.contains(ordered[at - 1].as_str()), "{at}: {s}");
        last = at;
    }
    assert!(last > 200, "deep in the list: {last}");
    for _ in 0..10 {
        press(&mut app, KeyCode::PageUp);
        settle(&mut app);
        let s = screen(&app, 120, 40);
        let at = selected(&s);
        assert!(at < last, "{s}");
        assert!(s.contains(ordered[at - 1].as_str()), "{at}: {s}");
        last = at;
    }

    type_keys(&mut app, "/");
    type_keys(&mut app, SEARCH);
    settle(&mut app);
    assert_eq!(proposals(&app).counts(), (found as usize, all as usize));
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("Найдено {found} из {all}")), "{s}");
    // The help names the keys.
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "?");
    let s = screen(&app, 120, 40);
    assert!(s.contains("x X") && s.contains("в CSV/xlsx"), "{s}");
}
