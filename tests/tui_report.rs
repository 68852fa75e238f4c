//! «Обмен» → «Документы Word»: a cycle's documents written from the UI on their own thread, with
//! the result naming the file, which is a Word document.

mod common;

use std::io::Read;

use common::*;
use nok::tui::app::App;
use nok::tui::screens::exchange::ExchangeScreen;
use ratatui::crossterm::event::KeyCode;

fn exchange(app: &App) -> &ExchangeScreen {
    app.current().as_any().downcast_ref().unwrap()
}

fn wait(app: &mut App) {
    let started = std::time::Instant::now();
    while exchange(app).busy() {
        app.tick();
        assert!(started.elapsed().as_secs() < 120, "work did not finish");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    app.tick();
}

/// The document.xml of a .docx.
fn document_xml(path: &std::path::Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn the_operator_report_and_the_council_decision_are_written_from_the_exchange_screen() {
    let (d, mut app) = app();
    type_keys(&mut app, "8");
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    let s = screen(&app, 120, 40);
    assert!(s.contains("› Документы Word"), "{s}");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 120, 40).contains("Документы Word: какой цикл"));
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains("› аналитический отчет оператора"), "{s}");
    assert!(s.contains("планы мероприятий: все одним документом"), "{s}");
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let (ok, lines) = exchange(&app).result().cloned().expect("a result");
    assert!(ok, "{lines:?}");
    assert!(lines[0].starts_with("Готово"), "{lines:?}");
    let file = std::path::PathBuf::from(&lines[1]);
    assert!(file.starts_with(d.path().join("exports")), "{lines:?}");
    assert!(document_xml(&file).contains("Методика независимой оценки"));
    assert!(screen(&app, 120, 40).contains("Готово"));

    // The council's decision: the fourth document of the list.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let (ok, lines) = exchange(&app).result().cloned().expect("a result");
    assert!(ok, "{lines:?}");
    let file = std::path::PathBuf::from(&lines[1]);
    assert!(
        file.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("council_decision_cycle"),
        "{lines:?}"
    );
    assert!(document_xml(&file).contains("Приложение № 1"));
}
