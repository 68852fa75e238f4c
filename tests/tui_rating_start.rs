//! «Рейтинг» at start: the screen reads nothing on the UI thread; it says «Загрузка…» until the
//! worker's first ranking comes (`worker::rating_start`), then shows it, ranked as plain SQL
//! ranks the largest cycle of the newest year.

mod common;

use common::{go, screen, today};
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::tui::app::App;
use nok::tui::theme::Theme;
use nok::tui::worker;

#[test]
fn rating_waits_for_the_workers_first_ranking_and_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let opts = DemoOptions {
        orgs: 60,
        seed: 2018,
        today: today(),
    };
    let demo = open_or_build(
        &path,
        &opts,
        false,
        &Methods::builtin().unwrap(),
        &mut |_| {},
    )
    .unwrap();
    let conn = demo.conn;
    // The worker's summary thread has answered; the rating thread has not yet.
    let mut loaded = Vec::new();
    assert!(worker::summary_reads(&conn, today(), &mut |l| {
        loaded.push(l.unwrap());
        true
    }));
    let reader = nok::store::open_existing(&path).unwrap();
    let mut app = App::new(today(), Theme::plain(), Some(conn));
    for l in loaded {
        app.apply(l);
    }
    go(&mut app, "Рейтинг");
    let text = screen(&app, 120, 40);
    assert!(text.contains("Загрузка…"), "{text}");
    assert!(!text.contains("строка 1/"), "{text}");

    app.apply(worker::rating_start(
        &reader,
        nok::store::cycles::list_brief(&reader).unwrap(),
    ));
    // The largest cycle of the newest year (the first of equals), its scored members by place,
    // then short name, then id — by plain SQL.
    let (cycle, year): (i64, i32) = reader
        .query_row(
            "SELECT c.id, c.year FROM cycle c
             ORDER BY c.year DESC, (SELECT count(*) FROM membership m WHERE m.cycle_id = c.id) DESC,
                      c.year, c.region, c.sector, c.id
             LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let order: Vec<String> = reader
        .prepare(
            "SELECT CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END
             FROM membership m JOIN score s ON s.membership_id = m.id
             JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 ORDER BY s.place, o.short_name, o.id",
        )
        .unwrap()
        .query_map([cycle], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(order.len() > 1);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains(&format!("строка 1/{}", order.len())),
        "{text}"
    );
    assert!(text.contains(&format!("{year} год")), "{text}");
    assert!(text.contains(&format!("цикл {cycle}")), "{text}");
    // The first row under the header is the first of the order.
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("Место") && l.contains("Организация"))
        .unwrap_or_else(|| panic!("{text}"));
    let first: String = order[0].chars().take(20).collect();
    assert!(lines[header + 1].contains(&first), "{first}\n{text}");
}
