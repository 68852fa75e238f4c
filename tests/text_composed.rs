//! Text typed or pasted into a form is stored as imports store it: a letter written as a base and
//! a combining mark (`И` + U+0306, `е` + U+0308, as a PDF or a Mac file name gives it) is stored
//! as the one composed letter (`Й`, `ё`), in the record and in its audit entry, so a name pasted
//! from a document matches the same name typed or imported.

mod common;

use common::*;
use nok::service::init::Detail;
use nok::tui::form::record::RecordForm as OrgForm;
use nok::tui::screens::org_card::OrgCardScreen;
use ratatui::crossterm::event::KeyCode;

fn org_form(app: &nok::tui::app::App) -> &OrgForm {
    app.current()
        .as_any()
        .downcast_ref()
        .expect("the identifiers form is open")
}

#[test]
fn a_name_pasted_with_combining_marks_is_stored_composed_and_audited_so() {
    let (d, mut app) = app();
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let org = card.identity().id;
    // «к» is r on the Russian layout: the identifiers form.
    type_keys(&mut app, "к");
    press(&mut app, KeyCode::Tab);
    assert_eq!(org_form(&app).form.focus, 1, "the short name");
    let f = &org_form(&app).form;
    for _ in 0..f.fields[1].text.chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    // «Йошкар-Олинский КЦСОН «Ёлочка»» with decomposed Й and Ё: 2 characters more.
    let pasted = "\u{418}\u{306}ошкар-Олинский КЦСОН «\u{415}\u{308}лочка»";
    let expected = "Йошкар-Олинский КЦСОН «Ёлочка»";
    assert_eq!(pasted.chars().count(), expected.chars().count() + 2);
    type_keys(&mut app, pasted);
    ctrl(&mut app, 's');
    assert!(app.current().as_any().is::<OrgCardScreen>(), "saved");
    let (stored, length): (String, i64) = conn
        .query_row(
            "SELECT short_name, length(short_name) FROM organization WHERE id = ?1",
            [org],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stored, expected);
    assert_eq!(
        length, 30,
        "SQLite counts 30 characters: none left decomposed"
    );
    let audited: String = conn
        .query_row(
            "SELECT new_value FROM audit_log WHERE entity = 'organization' AND entity_id = ?1 \
             AND field = 'short_name' ORDER BY id DESC LIMIT 1",
            [org],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, expected);
    // The same name typed composed finds it.
    let found: i64 = conn
        .query_row(
            "SELECT count(*) FROM organization WHERE short_name = ?1",
            [expected],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 1);
}

#[test]
fn the_authoritys_name_typed_at_init_is_stored_composed() {
    assert_eq!(
        Detail::Name
            .check("  Министерство социального развития Республики Марий Эл, г. \u{418}\u{306}ошкар-Ола ")
            .unwrap(),
        "Министерство социального развития Республики Марий Эл, г. Йошкар-Ола"
    );
}
