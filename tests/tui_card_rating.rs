//! The organization card and the rating screen, drawn into a `TestBackend` over the 60-organization
//! demo database and driven by keys the way a person would.

mod common;

use std::path::Path;

use common::*;
use nok::service::methodology::Methods;
use nok::tui::app::App;
use nok::tui::screens::org_card::OrgCardScreen;
use nok::tui::screens::rating::RatingScreen;
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;

fn card(app: &App) -> &OrgCardScreen {
    app.current()
        .as_any()
        .downcast_ref()
        .expect("the card is on top")
}

fn rating(app: &App) -> &RatingScreen {
    app.current()
        .as_any()
        .downcast_ref()
        .expect("the rating is on top")
}

/// A second connection to the app's database, for checking what is stored.
fn db(dir: &tempfile::TempDir) -> Connection {
    Connection::open(dir.path().join("demo.sqlite")).unwrap()
}

/// The screen below the tab bar: snapshots stay put when other tabs are added (the breadcrumbs
/// on the tab bar are checked by the key-driven tests).
fn below_tabs(s: &str) -> String {
    s.lines().skip(1).collect::<Vec<_>>().join("\n")
}

/// Goes to «Рейтинг» by its name (its tab number depends on the tabs before it).
fn open_rating(app: &mut App) {
    type_keys(app, ":рейтинг");
    press(app, KeyCode::Enter);
    assert_eq!(app.current().title(), "Рейтинг");
}

#[test]
fn card_screen_snapshots() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    for needle in [
        "Реквизиты",
        "ИНН / КПП",
        "ОГРН",
        "regNum",
        "ОКТМО",
        "Учредитель",
        "Адрес",
        "Сайт",
        "Год",
        "В группе",
    ] {
        assert!(s.contains(needle), "{needle}\n{s}");
    }
    insta::assert_snapshot!("card_120x40", below_tabs(&s));
    insta::assert_snapshot!("card_80x24", below_tabs(&screen(&app, 80, 24)));
    // The last section (the plan) at the smallest size.
    type_keys(&mut app, "sss");
    let s = screen(&app, 80, 24);
    assert!(s.contains("План по устранению недостатков"), "{s}");
    insta::assert_snapshot!("card_plan_80x24", below_tabs(&s));
}

#[test]
fn rating_screen_snapshots() {
    let (_d, mut app) = app();
    open_rating(&mut app);
    let s = screen(&app, 120, 40);
    for needle in ["мин ", "среднее", "макс", "Место", "Организация", "█"]
    {
        assert!(s.contains(needle), "{needle}\n{s}");
    }
    insta::assert_snapshot!("rating_120x40", below_tabs(&s));
    insta::assert_snapshot!("rating_80x24", below_tabs(&screen(&app, 80, 24)));
    // By К3 within the first group.
    type_keys(&mut app, "sssf");
    let s = screen(&app, 120, 40);
    assert!(s.contains("К3 — Доступность услуг для инвалидов"), "{s}");
    insta::assert_snapshot!("rating_k3_group_120x40", below_tabs(&s));
}

/// The help of «Рейтинг» explains the «!» the rating puts before an organization whose sample
/// is below the method's rule.
#[test]
fn rating_help_explains_the_sample_mark() {
    let (_d, mut app) = app();
    open_rating(&mut app);
    type_keys(&mut app, "?");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Обозначения"), "{s}");
    assert!(
        s.lines()
            .any(|l| l.contains("!  опрошено меньше, чем требует методика")),
        "{s}"
    );
}

#[test]
fn enter_on_an_organization_opens_its_card_and_esc_returns_to_the_row() {
    let (_d, mut app) = app();
    type_keys(&mut app, "2jjjj");
    let key = list(&app).selected_key().unwrap().clone();
    press(&mut app, KeyCode::Enter);
    let c = card(&app);
    assert_eq!(c.identity().org.inn, key.inn);
    assert_eq!(c.identity().id, key.id);
    assert_eq!(
        app.breadcrumbs(),
        vec!["Организации".to_string(), key.name.clone()]
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("ИНН {}", key.inn)), "{s}");
    assert!(s.contains("Организации › "), "{s}");
    // Cycles newest first, the newest shown.
    let years: Vec<i32> = c.history().iter().map(|h| h.year).collect();
    assert!(!years.is_empty() && years.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(c.cycle().unwrap().year, years[0]);

    press(&mut app, KeyCode::Esc);
    assert_eq!(app.current().title(), "Организации");
    assert_eq!(app.breadcrumbs(), vec!["Организации".to_string()]);
    assert_eq!(list(&app).selected_key().unwrap().id, key.id);
    assert!(screen(&app, 120, 40).contains("строка 5/60"));
}

#[test]
fn card_criteria_are_the_stored_ones_and_s_is_their_mean() {
    let (d, mut app) = app();
    let conn = db(&d);
    type_keys(&mut app, "2");
    let mut checked = 0;
    for row in 0..10 {
        press(&mut app, KeyCode::Enter);
        let n = card(&app).history().len();
        for i in 0..n {
            let c = card(&app);
            assert_eq!(c.history()[i].cycle_id, c.cycle().unwrap().cycle_id);
            let cycle = c.cycle().unwrap();
            let stored: Vec<(String, f64)> = conn
                .prepare(
                    "SELECT code, value FROM score_part
                     WHERE membership_id = ?1 AND place IS NOT NULL ORDER BY code",
                )
                .unwrap()
                .query_map([cycle.membership_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let shown: Vec<(String, f64)> = c
                .detail()
                .unwrap()
                .parts
                .iter()
                .filter(|p| p.place.is_some())
                .map(|p| (p.code.clone(), p.value))
                .collect();
            assert_eq!(shown, stored, "row {row}, cycle {}", cycle.cycle_id);
            if let Some(score) = cycle.score {
                assert_eq!(stored.len(), 5);
                let mean = stored.iter().map(|(_, v)| v).sum::<f64>() / 5.0;
                assert!(
                    (score.total - mean).abs() <= 0.01 + 1e-9,
                    "S {} vs mean {mean}",
                    score.total
                );
                // Each criterion value is on the screen, as the card prints it (the section
                // jump counts the lines of the frame last drawn, as in the terminal).
                let _ = screen(&app, 120, 40);
                type_keys(&mut app, "s");
                let s = screen(&app, 120, 40);
                let first = format!("{:.2}", stored[0].1).replace('.', ",");
                assert!(s.contains(&format!("К1  {first:>6}")), "{first}\n{s}");
                let total = format!("S = {:.2}", score.total).replace('.', ",");
                assert!(s.contains(&total), "{total}\n{s}");
                type_keys(&mut app, "g");
                checked += 1;
            }
            // ← goes back in time to the next cycle.
            press(&mut app, KeyCode::Left);
        }
        press(&mut app, KeyCode::Esc);
        type_keys(&mut app, "j");
    }
    assert!(checked >= 10, "{checked}");
}

#[test]
fn card_lists_inputs_checklists_shortcomings_and_plan_states() {
    let (d, mut app) = app();
    let conn = db(&d);
    // An organization with a plan row overdue today.
    let (inn, cycle_id, planned): (String, i64, String) = conn
        .query_row(
            "SELECT o.inn, p.cycle_id, p.planned_date FROM plan_row p
             JOIN organization o ON o.id = p.org_id
             WHERE p.status IN ('planned', 'in_progress') AND p.planned_date < '2026-11-22'
             ORDER BY p.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    type_keys(&mut app, &format!(":org {inn}"));
    press(&mut app, KeyCode::Enter);
    // `:org ИНН` opens the card itself when one organization matches.
    if !app.current().as_any().is::<OrgCardScreen>() {
        press(&mut app, KeyCode::Enter);
    }
    assert_eq!(card(&app).identity().org.inn, inn);
    while card(&app).cycle().unwrap().cycle_id != cycle_id {
        press(&mut app, KeyCode::Left);
    }
    let planned = chrono::NaiveDate::parse_from_str(&planned, "%Y-%m-%d").unwrap();
    let days = (today() - planned).num_days();
    let mut text = String::new();
    // Scroll through the whole body a page at a time, collecting what is shown.
    for _ in 0..40 {
        text.push_str(&screen(&app, 120, 40));
        press(&mut app, KeyCode::PageDown);
    }
    for needle in [
        "Число материалов, размещенных на информационных стендах",
        "✓",
        "✗",
        "телефон",
        "Недостатки (",
        "План по устранению недостатков",
        "Мероприятие:",
        "Ответственный:",
        &format!("просрочено на {days} дн."),
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    let d = card(&app).detail().unwrap();
    assert!(!d.shortcomings.is_empty() && !d.plan.is_empty());
    // The end of the body is reached and stays put.
    let end = card(&app).scroll();
    press(&mut app, KeyCode::PageDown);
    assert_eq!(card(&app).scroll(), end);
    press(&mut app, KeyCode::Home);
    assert_eq!(card(&app).scroll(), 0);
}

/// Makes the first two members of every 2025 cycle score the same (same inputs), recomputed.
fn with_ties(conn: &Connection) {
    let path = conn.path().unwrap().to_string();
    let mut w = nok::store::open_existing(Path::new(&path)).unwrap();
    let cycles: Vec<i64> = w
        .prepare("SELECT id FROM cycle WHERE year = 2025")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for c in &cycles {
        let m: Vec<i64> = w
            .prepare("SELECT id FROM membership WHERE cycle_id = ?1 ORDER BY id LIMIT 2")
            .unwrap()
            .query_map([c], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        if let [a, b] = m[..] {
            w.execute("DELETE FROM indicator_input WHERE membership_id = ?1", [b])
                .unwrap();
            w.execute(
                "INSERT INTO indicator_input (membership_id, key_id, value)
                 SELECT ?2, key_id, value FROM indicator_input WHERE membership_id = ?1",
                [a, b],
            )
            .unwrap();
        }
    }
    let methods = Methods::builtin().unwrap();
    for c in cycles {
        nok::service::recompute::recompute_cycle(&mut w, &methods, c).unwrap();
    }
}

#[test]
fn rating_places_are_stored_ones_non_decreasing_and_ties_share_a_place() {
    let (d, mut app) = app_with(with_ties);
    let conn = db(&d);
    open_rating(&mut app);
    let cycle = rating(&app).current_cycle().unwrap().clone();
    assert_eq!(cycle.year, 2025);
    // Every column over the whole cycle: S, К1…К5.
    for column in 0..6 {
        let r = rating(&app).ranking();
        assert!(r.len() >= 2);
        assert!(r.windows(2).all(|w| w[0].2 <= w[1].2), "places {r:?}");
        assert!(r.windows(2).all(|w| w[0].1 >= w[1].1), "values {r:?}");
        assert_eq!(r[0].2, 1);
        for (i, (_, v, p)) in r.iter().enumerate() {
            // Competition ranking: 1 + the number of better values.
            let better = r.iter().filter(|(_, x, _)| x > v).count();
            assert_eq!(*p as usize, better + 1, "row {i} of {r:?}");
        }
        // The tie made above: the first two members share their place.
        let tied: Vec<i64> = conn
            .prepare("SELECT org_id FROM membership WHERE cycle_id = ?1 ORDER BY id LIMIT 2")
            .unwrap()
            .query_map([cycle.id], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let place_of = |org: i64| r.iter().find(|x| x.0 == org).map(|x| x.2);
        assert_eq!(place_of(tied[0]), place_of(tied[1]), "column {column}");
        if column == 0 {
            // As stored.
            for (org, _, p) in &r {
                let stored: u32 = conn
                    .query_row(
                        "SELECT s.place FROM score s JOIN membership m ON m.id = s.membership_id
                         WHERE m.cycle_id = ?1 AND m.org_id = ?2",
                        [cycle.id, *org],
                        |x| x.get(0),
                    )
                    .unwrap();
                assert_eq!(*p, stored);
            }
            let s = screen(&app, 120, 40);
            let p = place_of(tied[0]).unwrap();
            assert!(
                s.matches(&format!("│{p:>6} ")).count() >= 2,
                "shared place {p}\n{s}"
            );
        }
        type_keys(&mut app, "s");
    }
    assert_eq!(rating(&app).column(), None, "s cycles back to S");
}

#[test]
fn switching_criterion_and_group_changes_the_order() {
    let (d, mut app) = app();
    let conn = db(&d);
    open_rating(&mut app);
    // Walk back through the cycles until one ranks differently by some criterion than by S.
    let mut differs = false;
    for _ in 0..40 {
        let by_s: Vec<i64> = rating(&app).ranking().iter().map(|r| r.0).collect();
        for _ in 0..5 {
            type_keys(&mut app, "s");
            let by_k: Vec<i64> = rating(&app).ranking().iter().map(|r| r.0).collect();
            let mut a = by_s.clone();
            let mut b = by_k.clone();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "the same organizations");
            differs |= by_k != by_s;
        }
        type_keys(&mut app, "s");
        assert_eq!(rating(&app).column(), None);
        if differs {
            break;
        }
        press(&mut app, KeyCode::Left);
    }
    assert!(differs, "some criterion reorders some cycle");
    let s = screen(&app, 120, 40);
    assert!(s.contains("S — итоговый показатель"), "{s}");
    type_keys(&mut app, "s");
    assert_eq!(rating(&app).column(), Some("К1"));
    let s = screen(&app, 120, 40);
    assert!(s.contains("К1 — Открытость") && s.contains("по К1"), "{s}");
    type_keys(&mut app, "S");
    assert_eq!(rating(&app).column(), None);

    // Groups: each shows only its members, ranked by the stored group place.
    let cycle = rating(&app).current_cycle().unwrap().id;
    let all = rating(&app).ranking();
    let mut seen = 0;
    loop {
        type_keys(&mut app, "f");
        let Some(group) = rating(&app).group().map(str::to_string) else {
            break;
        };
        let r = rating(&app).ranking();
        assert_ne!(r.len(), all.len(), "a group is a part of the cycle");
        for (org, _, place) in &r {
            let (grp, gp): (String, u32) = conn
                .query_row(
                    "SELECT m.grp, s.group_place FROM membership m
                     JOIN score s ON s.membership_id = m.id WHERE m.cycle_id = ?1 AND m.org_id = ?2",
                    [cycle, *org],
                    |x| Ok((x.get(0)?, x.get(1)?)),
                )
                .unwrap();
            assert_eq!((grp.as_str(), *place), (group.as_str(), gp));
        }
        assert!(screen(&app, 120, 40).contains(&format!("группа «{group}»")));
        seen += r.len();
    }
    assert_eq!(seen, all.len(), "the groups cover the cycle");
    assert_eq!(
        rating(&app).ranking(),
        all,
        "f comes back to the whole cycle"
    );
}

#[test]
fn enter_on_a_rating_row_opens_the_card_at_that_cycle() {
    let (_d, mut app) = app();
    open_rating(&mut app);
    type_keys(&mut app, "j");
    let cycle = rating(&app).current_cycle().unwrap().id;
    let org = rating(&app).ranking()[1].0;
    press(&mut app, KeyCode::Enter);
    let c = card(&app);
    assert_eq!(c.identity().id, org);
    assert_eq!(c.cycle().unwrap().cycle_id, cycle);
    assert_eq!(app.breadcrumbs()[0], "Рейтинг");
    press(&mut app, KeyCode::Esc);
    assert_eq!(rating(&app).selected(), 1);
}

#[test]
fn rating_cycle_search_and_arrows_choose_the_cycle() {
    let (_d, mut app) = app();
    open_rating(&mut app);
    let first = rating(&app).current_cycle().unwrap().id;
    press(&mut app, KeyCode::Left);
    let older = rating(&app).current_cycle().unwrap().clone();
    assert_ne!(older.id, first);
    press(&mut app, KeyCode::Right);
    assert_eq!(rating(&app).current_cycle().unwrap().id, first);

    type_keys(&mut app, "/2023 культ");
    let c = rating(&app).current_cycle().unwrap();
    assert_eq!((c.year, c.sector.code()), (2023, "culture"));
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("Поиск: 2023 культ") && s.contains("найдено"),
        "{s}"
    );
    press(&mut app, KeyCode::Enter);
    // ←→ stay within the matches.
    for _ in 0..5 {
        press(&mut app, KeyCode::Left);
        let c = rating(&app).current_cycle().unwrap();
        assert_eq!((c.year, c.sector.code()), (2023, "culture"));
    }
    press(&mut app, KeyCode::Esc);
    assert!(screen(&app, 120, 40).contains("2023 год · культура"));
}

#[test]
fn russian_layout_keys_work_on_both_screens() {
    let (_d, mut app) = app();
    open_rating(&mut app);
    type_keys(&mut app, "о");
    assert_eq!(rating(&app).selected(), 1);
    type_keys(&mut app, "л");
    assert_eq!(rating(&app).selected(), 0);
    type_keys(&mut app, "ы");
    assert_eq!(rating(&app).column(), Some("К1"));
    type_keys(&mut app, "Ы");
    assert_eq!(rating(&app).column(), None);
    type_keys(&mut app, "а");
    assert!(rating(&app).group().is_some());
    let before = rating(&app).current_cycle().unwrap().id;
    type_keys(&mut app, "р"); // h: the previous cycle
    assert_ne!(rating(&app).current_cycle().unwrap().id, before);

    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "оо");
    assert_eq!(card(&app).scroll(), 2);
    type_keys(&mut app, "ы");
    assert!(card(&app).scroll() > 2);
    type_keys(&mut app, "п");
    assert_eq!(card(&app).scroll(), 0);
    assert!(!app.quit);
}

#[test]
fn control_characters_in_the_card_never_reach_the_terminal() {
    let (_d, mut app) = app_with(|c| {
        c.execute(
            "UPDATE organization SET short_name = 'ААА \u{1b}]0;x\u{7}Красный\u{9b}',
                    address = 'ул. \u{1b}[2JЛенина', website = 'http://x\u{1b}\\'
             WHERE id = 1",
            [],
        )
        .unwrap();
        c.execute(
            "UPDATE shortcoming SET text = 'Недостаток\u{1b}[31m красный' WHERE org_id = 1",
            [],
        )
        .unwrap();
    });
    type_keys(&mut app, "2");
    while list(&app).selected_key().unwrap().id != 1 {
        type_keys(&mut app, "j");
    }
    press(&mut app, KeyCode::Enter);
    for _ in 0..30 {
        assert_no_control_chars(&draw(&app, 120, 40));
        press(&mut app, KeyCode::PageDown);
    }
    assert!(app.breadcrumbs()[1].contains("ААА Красный"));
}

#[test]
fn the_rating_of_the_cycle_shown_is_saved_with_x() {
    let (d, mut app) = app();
    type_keys(&mut app, "3");
    let (id, ranked) = {
        let r = app
            .current()
            .as_any()
            .downcast_ref::<nok::tui::screens::rating::RatingScreen>()
            .unwrap();
        (r.current_cycle().unwrap().id, r.ranking().len())
    };
    type_keys(&mut app, "x");
    let started = std::time::Instant::now();
    while !screen(&app, 120, 40).contains("рейтинг сохранен") {
        app.tick();
        assert!(
            started.elapsed().as_secs() < 30,
            "{}",
            screen(&app, 120, 40)
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let text = std::fs::read_to_string(d.path().join(format!("rating_cycle{id}.csv"))).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert_eq!(text.lines().count(), ranked + 1, "{text}");
}

#[test]
fn the_card_shows_what_was_sent_to_bus_gov_ru_and_what_the_portal_answered() {
    use nok::exchange::busgov::Kind;
    use nok::service::export::busgov::{Options, export};
    use nok::store::exports::{self, StoredViolation};
    let (d, mut app) = app();
    let mut conn = Connection::open(d.path().join("demo.sqlite")).unwrap();
    let (org, cycle): (i64, i64) = conn
        .query_row(
            "SELECT m.org_id, m.cycle_id FROM membership m JOIN score s ON s.membership_id = m.id
             JOIN cycle c ON c.id = m.cycle_id WHERE c.scores_stale = 0 ORDER BY c.year DESC, m.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let opts = Options {
        cycle_id: cycle,
        kinds: vec![Kind::Results],
        out_dir: d.path().join("exports"),
        changed_only: false,
    };
    let never = std::sync::atomic::AtomicBool::new(false);
    export(
        &mut conn,
        &Methods::builtin().unwrap(),
        &opts,
        &never,
        &mut |_| {},
    )
    .unwrap();
    let pos = exports::get(&conn, "results", org, cycle)
        .unwrap()
        .expect("exported");
    exports::record_receipt(
        &conn,
        &pos.position_id,
        false,
        &[StoredViolation {
            code: "E-017".into(),
            level: "error".into(),
            name: "Неверный ИНН".into(),
            description: "ИНН учреждения не найден в реестре".into(),
        }],
        None,
        "2026-11-23T10:00:00",
    )
    .unwrap();
    let inn: String = conn
        .query_row("SELECT inn FROM organization WHERE id = ?1", [org], |r| {
            r.get(0)
        })
        .unwrap();
    type_keys(&mut app, &format!(":org {inn}"));
    press(&mut app, KeyCode::Enter);
    // The card opens on the latest cycle; step to the exported one if needed.
    for _ in 0..5 {
        if screen(&app, 120, 40).contains("bus.gov.ru")
            && card(&app).cycle().map(|c| c.cycle_id) == Some(cycle)
        {
            break;
        }
        press(&mut app, KeyCode::Right);
    }
    // Jump to the last section.
    for _ in 0..5 {
        type_keys(&mut app, "s");
    }
    let s = screen(&app, 120, 40);
    assert!(s.contains("результаты оценки: версия 1"), "{s}");
    assert!(s.contains("отклонен порталом (1 замечание)"), "{s}");
    assert!(s.contains("E-017") && s.contains("Неверный ИНН"), "{s}");
}
