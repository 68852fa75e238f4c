//! The respondents' proposals in a real terminal (tmux): the real binary on a database with a
//! survey imported, an organization's card opened with `:org ИНН`, «Предложения» with `P`, a
//! search typed in Cyrillic with a capital and «ё», the count on screen compared with plain SQL,
//! and the list found saved with `x` and read back as Excel would.

mod proposals_support;
mod tmux_support;

use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use proposals_support::*;

#[test]
fn search_proposals_from_the_card_and_save_them_in_tmux() {
    if !tmux_support::tmux_available() && std::env::var_os("CI").is_none() {
        eprintln!("пропущено: tmux не установлен (apt-get install tmux)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let opts = DemoOptions {
        orgs: 60,
        seed: 2018,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    };
    let mut conn = open_or_build(&db, &opts, false, &Methods::builtin().unwrap(), &mut |_| {})
        .unwrap()
        .conn;
    let (cycle, orgs) = import(dir.path(), &mut conn);
    let (membership, inn, _) = orgs[0].clone();
    let (found, all) = sql_counts(&conn, cycle, Some(membership));
    assert_eq!((found, all), (3, 4), "the fixture as worked out on paper");
    drop(conn);

    let bin = env!("CARGO_BIN_EXE_nok");
    let cmd = format!(
        "cd {} && {bin} --db demo.sqlite --today 22.11.2026; echo ВЫХОД-$?; sleep 30",
        dir.path().display()
    );
    let Some(t) = tmux_support::start("proposals", dir.path(), 120, 40, &[&cmd]) else {
        return;
    };
    t.wait_for("the summary", |s| s.contains("Оценено организаций"));
    t.keys(&[&format!(":org {inn}"), "Enter"]);
    let s = t.wait_for("the card", |s| s.contains("карточка · цикл"));
    assert!(
        s.contains("P предложения"),
        "the footer names the key:\n{s}"
    );
    assert!(
        s.contains(&format!("Предложения респондентов: {all}")),
        "{s}"
    );
    t.keys(&["P"]);
    t.wait_for("the proposals", |s| {
        s.contains(&format!("Найдено {all} из {all}"))
    });
    t.keys(&["/", SEARCH]);
    let s = t.wait_for("the search", |s| {
        s.contains(&format!("Найдено {found} из {all}")) && s.contains("Поиск: Ёлк")
    });
    assert!(s.contains("Поставить ЁЛКУ во дворе"), "{s}");
    assert!(!s.contains("Больше парковочных мест"), "{s}");

    t.keys(&["Enter", "x"]);
    let s = t.wait_for("the save", |s| s.contains("сохранено 3 предложения"));
    let path = dir
        .path()
        .join(format!("предложения-цикл{cycle}-{inn}-22.11.2026.csv"));
    assert!(s.contains("предложения-цикл"), "{s}");
    let rows = read_excel_csv(&path);
    let mut got: Vec<[String; 4]> = rows[1..]
        .iter()
        .map(|r| [r[0].clone(), r[2].clone(), r[5].clone(), r[7].clone()])
        .collect();
    got.sort();
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(got, sql_found(&conn, cycle, Some(membership)));

    // Esc clears the search, Esc again is the card, «й» quits.
    t.keys(&["Escape"]);
    t.wait_for("the search cleared", |s| {
        s.contains(&format!("Найдено {all} из {all}"))
    });
    t.keys(&["Escape", "й"]);
    t.wait_for("exit", |s| s.contains("ВЫХОД-0"));
}
