//! Day one in a real terminal, as a new user: an empty folder with a file of organizations,
//! `nok --db работа.sqlite` → the form asks for the authority's details (a wrong ИНН is refused
//! with the reason) → the database is made → «Начало работы» leads: Enter opens the file picker,
//! the organizations load → Enter opens the new-cycle form → `x` saves the inputs template,
//! which is filled in as a person would in Excel → Enter loads it → the cycle is recomputed by
//! itself → «Рейтинг» shows the rating. Scores are checked by plain SQL against values worked out
//! on paper: every input at its best gives every indicator 100, so S = 100,00; every numerator,
//! checklist item and waiting score at zero gives S = 0,00.

mod first_day_support;
mod tmux_support;

use first_day_support::{fill_template, orgs_csv};
use tmux_support::start;

#[test]
fn from_an_empty_folder_to_the_first_rating() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("организации.csv"), orgs_csv()).unwrap();
    let bin = env!("CARGO_BIN_EXE_nok");
    let cmd = format!(
        "cd {} && {bin} --db работа.sqlite --today 22.11.2026; echo ВЫХОД-$?; sleep 60",
        dir.path().display()
    );
    let Some(t) = start("firstday", dir.path(), 120, 40, &["sh", "-c", &cmd]) else {
        return;
    };
    let s = t.wait_for("the first-start form", |s| {
        s.contains("реквизиты уполномоченного органа")
    });
    assert!(s.contains("Базы данных работа.sqlite еще нет"), "{s}");

    // The details, Enter from field to field; a wrong check digit is refused with the reason.
    for text in [
        "Комитет по социальной защите населения Ленинградской области",
        "Комитет соцзащиты ЛО",
        "Ленинградская область",
    ] {
        t.keys(&["-l", text]);
        t.keys(&["Enter"]);
    }
    t.keys(&["Enter"]); // the sector: социальное обслуживание, the first
    t.keys(&["-l", "7707083894"]);
    t.wait_for("the check digit refused", |s| {
        s.contains("ИНН 7707083894: неверная контрольная цифра (ожидается 3)")
    });
    t.keys(&["BSpace", "3", "Enter"]);
    for text in ["773601001", "1027700132195"] {
        t.keys(&["-l", text]);
        t.keys(&["Enter"]);
    }
    t.keys(&["-l", "41200013"]);
    t.wait_for("the last field", |s| s.contains("Enter создать базу"));
    assert!(!dir.path().join("работа.sqlite").exists(), "nothing yet");
    t.keys(&["Enter"]);
    // The status line names the guide at once; the guide itself comes with the data.
    let s = t.wait_for("the guide", |s| {
        s.contains("[✓] Рабочая база создана: Комитет соцзащиты ЛО")
    });
    assert!(s.contains("┌ Начало работы"), "{s}");
    assert!(
        s.contains("[ ] Загрузить организации из файла   ← Enter"),
        "{s}"
    );

    // Enter: the file picker on the first file, what it holds, the preview, the load.
    t.keys(&["Enter"]);
    t.wait_for("the picker", |s| s.contains("› организации.csv"));
    t.keys(&["Enter"]);
    t.wait_for("what the file holds", |s| s.contains("› организации"));
    t.keys(&["Enter"]);
    t.wait_for("the preview", |s| {
        s.contains("Добавится: 3 · изменится: 0 · без изменений: 0 · отклонено: 0")
    });
    t.keys(&["Enter"]);
    t.wait_for("loaded", |s| s.contains("Загружено: добавлено 3"));
    t.keys(&["Escape"]);
    t.wait_for("organizations ticked", |s| {
        s.contains("[✓] Организации загружены: 3")
            && s.contains("[ ] Создать цикл оценки: год, сфера, уполномоченный орган   ← Enter")
    });

    // Enter: the new-cycle form, with the authority's sector; Ctrl-S.
    t.keys(&["Enter"]);
    // The breadcrumb comes first in the frame: wait for the form's own fields as well.
    let s = t.wait_for("the new-cycle form", |s| {
        s.contains("Новый цикл оценки")
            && s.contains("Комитет соцзащиты ЛО — Ленинградская область")
    });
    assert!(s.contains("‹ социальное обслуживание ›"), "{s}");
    assert!(
        s.contains("‹ Комитет соцзащиты ЛО — Ленинградская область ›"),
        "{s}"
    );
    t.keys(&["C-s"]);
    t.wait_for("the cycle ticked", |s| {
        s.contains("[✓] Цикл оценки создан: №1, 2026 год")
    });

    // x: the inputs template, filled in «Excel», loaded back through the picker.
    t.keys(&["x"]);
    let s = t.wait_for("the template saved", |s| s.contains("шаблон сохранен"));
    assert!(
        s.contains("исходные-данные-цикл-1.csv (организаций: 3)"),
        "{s}"
    );
    fill_template(
        &dir.path().join("исходные-данные-цикл-1.csv"),
        "ГБУ СО ЛО «Дом-интернат для престарелых № 1»",
    );
    t.keys(&["Enter"]);
    t.wait_for("the picker", |s| s.contains("› исходные-данные-цикл-1.csv"));
    t.keys(&["Enter"]);
    // The guide's step is the inputs: the list opens on them, not on «организации».
    t.wait_for("what the file holds", |s| {
        s.contains("› исходные данные цикла") && s.contains("  организации")
    });
    t.keys(&["Enter"]);
    t.wait_for("which cycle", |s| s.contains("Для какого цикла"));
    t.keys(&["Enter"]);
    let s = t.wait_for("the preview", |s| {
        s.contains("Что изменит загрузка") && s.contains("Добавится:")
    });
    assert!(
        s.contains("Добавится: 3 · изменится: 0 · без изменений: 0 · отклонено: 0"),
        "{s}"
    );
    assert!(!s.contains("Неизвестная колонка"), "{s}");
    t.keys(&["Enter"]);
    t.wait_for("recomputed", |s| {
        s.contains("цикл 1 пересчитан после изменения данных: 3 организации")
    });

    // The summary now has figures; the rating ranks the three.
    t.keys(&["Escape"]);
    t.wait_for("the summary with figures", |s| {
        s.contains("Оценено организаций: 3") && !s.contains("Начало работы")
    });
    t.keys(&["3"]);
    let s = t.wait_for("the rating", |s| {
        s.contains("в рейтинге 3") && s.contains("S: мин") && s.contains("3 ГБУ СО ЛО")
    });
    assert!(
        s.contains("S: мин 0,00 · среднее 66,67 · макс 100,00"),
        "{s}"
    );
    assert!(
        s.contains("3 ГБУ СО ЛО «Дом-интернат для престарелых № 1»"),
        "{s}"
    );
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("ВЫХОД-0"));

    // By plain SQL: the rating as worked out above, and nothing but what was done today.
    let conn = rusqlite::Connection::open(dir.path().join("работа.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT o.inn, s.total, s.place FROM score s
             JOIN membership m ON m.id = s.membership_id JOIN organization o ON o.id = m.org_id
             ORDER BY o.inn",
        )
        .unwrap();
    let scores: Vec<(String, f64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        scores,
        [
            ("4700001007".to_string(), 0.0, 3),
            ("4700001014".to_string(), 100.0, 1),
            ("4700001021".to_string(), 100.0, 1),
        ]
    );
    let counts: (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM authority), (SELECT count(*) FROM organization),
                    (SELECT count(*) FROM cycle)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(counts, (1, 3, 1));
}

#[test]
fn init_at_a_terminal_asks_again_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_nok");
    let cmd = format!(
        "cd {} && {bin} init --db база.sqlite --name 'Министерство культуры Тверской области' \
         --region 'Тверская область'; echo ВЫХОД-$?; sleep 60",
        dir.path().display()
    );
    let Some(t) = start("initask", dir.path(), 120, 40, &["sh", "-c", &cmd]) else {
        return;
    };
    // Given flags are not asked again; the first missing detail is.
    let s = t.wait_for("the first question", |s| {
        s.contains("Сокращенное наименование (")
    });
    assert!(s.contains("Новая рабочая база: база.sqlite"), "{s}");
    assert!(!s.contains("Полное наименование органа ("), "{s}");
    t.keys(&["-l", "Минкультуры ТО"]);
    t.keys(&["Enter"]);
    t.wait_for("the sector", |s| s.contains("Сфера ("));
    t.keys(&["-l", "спорт"]);
    t.keys(&["Enter"]);
    t.wait_for("the sector refused", |s| {
        s.contains("✗ сфера «спорт» неизвестна") && s.matches("Сфера (").count() == 2
    });
    t.keys(&["-l", "культура"]);
    t.keys(&["Enter"]);
    t.wait_for("the ИНН", |s| s.contains("ИНН (10 цифр)"));
    t.keys(&["-l", "7707083894"]);
    t.keys(&["Enter"]);
    t.wait_for("the ИНН refused", |s| {
        s.contains("✗ ИНН 7707083894: неверная контрольная цифра (ожидается 3). Введите еще раз.")
    });
    for v in ["7707083893", "773601001", "1027700132195", "41200013"] {
        t.keys(&["-l", v]);
        t.keys(&["Enter"]);
    }
    let s = t.wait_for("made", |s| s.contains("ВЫХОД-0"));
    assert!(s.contains("Рабочая база создана: база.sqlite"), "{s}");
    let conn = rusqlite::Connection::open(dir.path().join("база.sqlite")).unwrap();
    let got: (String, String, String, String) = conn
        .query_row(
            "SELECT name, short_name, sector, inn FROM authority",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        got,
        (
            "Министерство культуры Тверской области".to_string(),
            "Минкультуры ТО".to_string(),
            "culture".to_string(),
            "7707083893".to_string()
        )
    );
}

#[test]
fn leaving_the_first_form_makes_nothing_and_says_how_to_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_nok");
    let cmd = format!(
        "cd {} && {bin} --db новая.sqlite; echo ВЫХОД-$?; sleep 60",
        dir.path().display()
    );
    let Some(t) = start("firstleave", dir.path(), 100, 30, &["sh", "-c", &cmd]) else {
        return;
    };
    t.wait_for("the first-start form", |s| {
        s.contains("реквизиты уполномоченного органа")
    });
    // Something typed: Esc asks first; «д» leaves.
    t.keys(&["-l", "Комитет"]);
    t.keys(&["Escape"]);
    t.wait_for("the question", |s| s.contains("Закрыть без сохранения?"));
    t.keys(&["д"]);
    let s = t.wait_for("exit", |s| s.contains("ВЫХОД-0"));
    assert!(
        s.contains("База не создана. Создать позже: nok --db новая.sqlite init"),
        "{s}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
