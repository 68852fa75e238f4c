//! «Обмен»: publishing a cycle and loading a file from the UI, with the work on its own thread,
//! a progress bar and a preview before anything is written.

mod common;

use common::*;
use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use nok::tui::app::App;
use nok::tui::screens::exchange::ExchangeScreen;
use ratatui::crossterm::event::KeyCode;

fn exchange(app: &App) -> &ExchangeScreen {
    app.current().as_any().downcast_ref().unwrap()
}

/// Lets the background work finish, as the event loop would.
fn wait(app: &mut App) {
    let started = std::time::Instant::now();
    while exchange(app).busy() {
        app.tick();
        assert!(started.elapsed().as_secs() < 120, "work did not finish");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    app.tick();
}

#[test]
fn publishing_a_cycle_from_the_ui_writes_the_site_and_says_where() {
    let (d, mut app) = app();
    type_keys(&mut app, "8");
    assert_eq!(app.current().title(), "Обмен");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Опубликовать цикл на сайте"), "{s}");
    insta::assert_snapshot!("exchange_120x40", s);
    insta::assert_snapshot!("exchange_80x24", screen(&app, 80, 24));
    // Enter: the cycles, newest first; Enter again publishes the first.
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Какой цикл опубликовать"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains("публикация цикла"), "{s}");
    wait(&mut app);
    let (ok, lines) = exchange(&app).result().cloned().expect("a result");
    assert!(ok, "{lines:?}");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Опубликовано"), "{s}");
    let site = std::fs::read_dir(d.path().join("publish"))
        .unwrap()
        .next()
        .expect("a site folder")
        .unwrap()
        .path();
    assert!(site.join("index.html").is_file());
    assert!(site.join("accessible").join("index.html").is_file());
    assert!(lines[0].contains(&site.display().to_string()), "{lines:?}");

    // A page a person added to the site: publishing again from the UI changes nothing, names the
    // file and says what to do from here (the UI has no --force to add).
    std::fs::write(site.join("contacts.html"), "<p>наш адрес</p>").unwrap();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let (ok, lines) = exchange(&app).result().cloned().expect("a result");
    let said = lines.join("\n");
    assert!(!ok, "{said}");
    assert!(said.contains("contacts.html"), "{said}");
    assert!(said.contains("nok publish --cycle"), "{said}");
    assert!(!said.contains("добавьте --force"), "{said}");
    assert!(site.join("contacts.html").is_file());
}

#[test]
fn loading_a_file_shows_what_it_would_change_and_writes_only_on_enter() {
    let (d, mut app) = app();
    let conn = rusqlite::Connection::open(d.path().join("demo.sqlite")).unwrap();
    let orgs = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM organization", [], |r| r.get(0))
            .unwrap()
    };
    let before = orgs(&conn);
    // A file as an operator sends it: BOM, «;», a column nobody knows.
    let inn = {
        let d: [u8; 9] = [7, 8, 0, 1, 2, 3, 4, 5, 6];
        format!("780123456{}", inn10_check_digit(&d))
    };
    let ogrn = {
        let d: [u8; 12] = [1, 0, 2, 7, 8, 0, 0, 0, 0, 0, 0, 1];
        format!("102780000001{}", ogrn_check_digit(&d))
    };
    std::fs::write(
        d.path().join("организации.csv"),
        format!(
            "\u{feff}Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион;Лишняя\r\n\
             \"ГБУК «Музей; история»\";{inn};781001001;{ogrn};780Ж0901;культура;Санкт-Петербург;x\r\n"
        ),
    )
    .unwrap();
    type_keys(&mut app, "8");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    // The file picker lists the work folder: folders first, then files.
    let s = screen(&app, 120, 40);
    assert!(s.contains("организации.csv"), "{s}");
    insta::assert_snapshot!(
        "exchange_files_80x24",
        screen(&app, 80, 24).replace(&d.path().display().to_string(), "ПАПКА")
    );
    while !screen(&app, 120, 40).contains("› организации.csv") {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 120, 40).contains("Что в файле"));
    press(&mut app, KeyCode::Enter); // организации
    wait(&mut app);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Добавится: 1"), "{s}");
    assert!(s.contains("Неизвестная колонка"), "{s}");
    assert!(s.contains("Enter: загрузить"), "{s}");
    assert_eq!(orgs(&conn), before, "a preview writes nothing");
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Загружено: добавлено 1"), "{s}");
    assert_eq!(orgs(&conn), before + 1);
    let name: String = conn
        .query_row(
            "SELECT full_name FROM organization WHERE inn = ?1",
            [&inn],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "ГБУК «Музей; история»");
}

#[test]
fn a_file_that_cannot_be_read_is_reported_and_changes_nothing() {
    let (d, mut app) = app();
    std::fs::write(d.path().join("мусор.xlsx"), [0u8, 159, 146, 150, 1, 2, 3]).unwrap();
    type_keys(&mut app, "8");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    while !screen(&app, 120, 40).contains("› мусор.xlsx") {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let (ok, lines) = exchange(&app).result().cloned().expect("a result");
    assert!(!ok);
    assert!(lines.join(" ").contains("мусор.xlsx"), "{lines:?}");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Итог"), "{s}");
}

#[test]
fn a_bus_gov_ru_package_is_written_from_the_ui_with_its_zip_and_manifest() {
    let (d, mut app) = app();
    type_keys(&mut app, "8");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 120, 40).contains("Какой цикл выгрузить для bus.gov.ru"));
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("результаты и планы (то, что принимает портал)"),
        "{s}"
    );
    insta::assert_snapshot!("exchange_busgov_kinds_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let (ok, lines) = exchange(&app).result().cloned().expect("a result");
    assert!(ok, "{lines:?}");
    let text = lines.join("\n");
    assert!(text.contains("Архив для загрузки"), "{text}");
    let exports = d.path().join("exports");
    let mut zips = 0;
    let mut xml = 0;
    for e in std::fs::read_dir(&exports).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "zip") {
            zips += 1;
        } else if p.is_dir() {
            for f in std::fs::read_dir(&p).unwrap() {
                let f = f.unwrap().path();
                xml += usize::from(f.extension().is_some_and(|x| x == "xml"));
            }
            assert!(std::fs::read_dir(&p).unwrap().any(|f| {
                f.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("manifest")
            }));
        }
    }
    assert_eq!(zips, 1);
    assert!(xml > 0);
    // Only what changed since: nothing, so no package this time.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let (_, lines) = exchange(&app).result().cloned().expect("a result");
    assert!(lines.join(" ").contains("Нечего выгружать"), "{lines:?}");
}

/// A file picked in «Обмен» is offered as what its header says it is: the inputs of a cycle
/// (ИНН and columns of the method's inputs), though its first kind in the list is
/// «организации»; the line above the list says why. A file nothing fits stays on the first kind.
#[test]
fn a_picked_file_is_offered_as_what_its_header_says() {
    let (d, mut app) = app();
    // An organization that is a member of one cycle only, not the newest (not first in the list).
    let conn = rusqlite::Connection::open(d.path().join("demo.sqlite")).unwrap();
    let (inn, kpp, cycle): (String, String, i64) = conn
        .query_row(
            "SELECT o.inn, o.kpp, min(m.cycle_id) FROM organization o
             JOIN membership m ON m.org_id = o.id
             GROUP BY o.id
             HAVING count(*) = 1 AND min(m.cycle_id) < (SELECT max(id) FROM cycle)
             ORDER BY o.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    std::fs::write(
        d.path().join("данные-оператора.csv"),
        format!(
            "\u{feff}ИНН;КПП;Организация;1.1 Число материалов, размещенных на информационных стендах;1.2 телефон\r\n\
             {inn};{kpp};ГБУ;12;да\r\n"
        ),
    )
    .unwrap();
    std::fs::write(
        d.path().join("прочее.csv"),
        "Фамилия;Имя\r\nИванов;Иван\r\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("анкеты.csv"),
        format!(
            "Отметка времени;ИНН организации;1. Стенды?;2. Сайт?;3. Комфортность?;4. Доступность?;5. Вежливость?\r\n\
             01.03.2026 10:00;{inn};Да;Да;Нет;Да;Да\r\n"
        ),
    )
    .unwrap();
    type_keys(&mut app, "8");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let pick = |app: &mut App, name: &str| {
        while !screen(app, 120, 40).contains(&format!("› {name}")) {
            press(app, KeyCode::Down);
        }
        press(app, KeyCode::Enter);
        let started = std::time::Instant::now();
        let mut s = screen(app, 120, 40);
        while s.contains("читаю заголовок") {
            assert!(started.elapsed().as_secs() < 60, "no answer: {s}");
            std::thread::sleep(std::time::Duration::from_millis(10));
            app.tick();
            s = screen(app, 120, 40);
        }
        s
    };
    let s = pick(&mut app, "данные-оператора.csv");
    assert!(
        s.contains("похоже на «исходные данные цикла (показатели по организациям)»: «ИНН»"),
        "{s}"
    );
    assert!(s.contains("› исходные данные цикла"), "{s}");
    // The cycles: the cursor on the one its organization is a member of.
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("› №{cycle} ·")), "cycle {cycle}:\n{s}");
    // Survey responses of the same organization: offered as responses, then on its cycle
    // (the first of its form's variants where the sector has two).
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    let s = pick(&mut app, "анкеты.csv");
    assert!(s.contains("› анкеты получателей услуг"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("› №{cycle} ·")), "cycle {cycle}:\n{s}");
    // Back to the files: a file that is none of the kinds stays on the first.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    let s = pick(&mut app, "прочее.csv");
    assert!(!s.contains("похоже на"), "{s}");
    assert!(s.contains("› организации"), "{s}");
}
