//! New records and deletes in the terminal UI, driven by keys over the demo database: a plan row
//! and a shortcoming from the card's lists, an organization, a cycle, a membership and a council
//! meeting; each checked before saving, written with its audit entries, and taken back by `u`.
//! Deletes ask first and are refused, with a message, when something still needs the record.

mod common;

use common::*;
use nok::domain::ids;
use nok::service::session::os_user;
use nok::store::edit::{self, Author, FieldEdit, Table};
use nok::tui::app::App;
use nok::tui::form::record::RecordForm;
use nok::tui::screens::org_card::OrgCardScreen;
use nok::tui::screens::org_plan::{OrgPlanScreen, Pane};
use nok::tui::screens::workplans::{NodeKey, WorkplansScreen};
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;
use rusqlite::types::Value;

fn record(app: &App) -> &RecordForm {
    app.current()
        .as_any()
        .downcast_ref()
        .unwrap_or_else(|| panic!("a record form is open:\n{}", screen(app, 120, 40)))
}

fn lists(app: &App) -> &OrgPlanScreen {
    app.current()
        .as_any()
        .downcast_ref()
        .unwrap_or_else(|| panic!("the plan lists are open:\n{}", screen(app, 120, 40)))
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Moves the focus of the open form to the field labelled `label`.
fn focus(app: &mut App, label: &str) {
    for _ in 0..30 {
        let f = &record(app).form;
        if f.fields[f.focus].label == label {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no field «{label}»");
}

/// Replaces the text of the focused field.
fn retype(app: &mut App, text: &str) {
    let f = &record(app).form;
    for _ in 0..f.fields[f.focus].text.chars().count() {
        press(app, KeyCode::Backspace);
    }
    type_keys(app, text);
}

fn error_of(app: &App, label: &str) -> Option<String> {
    let f = &record(app).form;
    f.fields
        .iter()
        .find(|x| x.label == label)
        .and_then(|x| x.error.clone())
}

/// The card of the third organization of the list, then its plan lists (Enter).
fn open_lists(app: &mut App) -> (i64, i64) {
    type_keys(app, "2jj");
    press(app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let ids = (card.identity().id, card.cycle().unwrap().cycle_id);
    press(app, KeyCode::Enter);
    let _ = lists(app);
    ids
}

#[test]
fn a_plan_row_is_added_from_the_card_checked_audited_and_undone() {
    let (d, mut app) = app();
    let conn = sql(&d);
    let (org, cycle) = open_lists(&mut app);
    assert_eq!(lists(&app).pane(), Pane::Plan);
    let rows_sql =
        format!("SELECT count(*) FROM plan_row WHERE org_id = {org} AND cycle_id = {cycle}");
    let n0 = count(&conn, &rows_sql);
    assert_eq!(lists(&app).plan().len() as i64, n0);
    insta::assert_snapshot!("org_plan_120x40", screen(&app, 120, 40));

    type_keys(&mut app, "a");
    let number = record(&app).form.fields[0].text.clone();
    assert!(!number.is_empty(), "a free number is proposed");
    insta::assert_snapshot!("new_plan_row_120x40", screen(&app, 120, 40));
    // Nothing is saved while the measure and the planned date are missing.
    ctrl(&mut app, 's');
    assert!(record(&app).is_new());
    assert_eq!(
        error_of(&app, "Мероприятие").as_deref(),
        Some("обязательное поле: заполните его")
    );
    assert!(error_of(&app, "Плановый срок").is_some());
    // A number the plan already has is refused at save (the demo organization has a plan).
    let existing = lists_of(&conn, org, cycle);
    assert!(!existing.is_empty(), "the organization has plan rows");
    focus(&mut app, "Номер");
    retype(&mut app, &existing[0].1);
    focus(&mut app, "Мероприятие");
    type_keys(
        &mut app,
        "Разместить на сайте раздел «Часто задаваемые вопросы»",
    );
    focus(&mut app, "Плановый срок");
    type_keys(&mut app, "31.12.2026");
    focus(&mut app, "Ответственный: фамилия");
    type_keys(&mut app, "Петрова");
    ctrl(&mut app, 's');
    let taken = error_of(&app, "Номер").unwrap_or_default();
    assert!(taken.contains("уже есть"), "{taken}");
    assert_eq!(count(&conn, &rows_sql), n0, "nothing written");
    focus(&mut app, "Номер");
    retype(&mut app, &number);
    ctrl(&mut app, 's');
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.starts_with("добавлено: строка плана"), "{msg}");
    assert_eq!(lists(&app).plan().len() as i64, n0 + 1, "the list shows it");
    let (id, status, measure, planned, who): (i64, String, String, String, String) = conn
        .query_row(
            "SELECT id, status, measure, planned_date, resp_last_name FROM plan_row
             WHERE org_id = ?1 AND cycle_id = ?2 AND number = ?3",
            rusqlite::params![org, cycle, number],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(status, "planned");
    assert!(measure.contains("Часто задаваемые"));
    assert_eq!((planned.as_str(), who.as_str()), ("2026-12-31", "Петрова"));
    let audited: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT action, field, os_user FROM audit_log WHERE entity = 'plan_row'
             AND entity_id = ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        audited
            .iter()
            .all(|(a, _, u)| a == "insert" && *u == os_user())
    );
    for field in ["measure", "planned_date", "status", "cycle_id", "org_id"] {
        assert!(audited.iter().any(|(_, f, _)| f == field), "{field}");
    }
    // u takes the new row back, audited as a delete.
    type_keys(&mut app, "u");
    assert_eq!(count(&conn, &rows_sql), n0);
    assert_eq!(lists(&app).plan().len() as i64, n0);
    let deleted = count(
        &conn,
        &format!(
            "SELECT count(*) FROM audit_log WHERE entity = 'plan_row' AND entity_id = {id} AND action = 'delete'"
        ),
    );
    assert!(deleted > 0);
}

/// (id, number) of the plan rows of `org` in `cycle`.
fn lists_of(conn: &Connection, org: i64, cycle: i64) -> Vec<(i64, String)> {
    conn.prepare("SELECT id, number FROM plan_row WHERE org_id = ?1 AND cycle_id = ?2 ORDER BY id")
        .unwrap()
        .query_map([org, cycle], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_plan_rows_content_is_edited_and_a_change_made_meanwhile_is_shown_not_overwritten() {
    let (d, mut app) = app();
    let conn = sql(&d);
    let (org, cycle) = open_lists(&mut app);
    assert!(
        !lists(&app).plan().is_empty(),
        "the organization has plan rows"
    );
    let (id, _) = lists_of(&conn, org, cycle)[0];
    press(&mut app, KeyCode::Home);
    type_keys(&mut app, "e");
    assert!(!record(&app).is_new());
    focus(&mut app, "Мероприятие");
    retype(&mut app, "Обновить стенд с информацией об организации");
    // Another session changes the responsible person and the measure meanwhile.
    let (version, resp, measure): (i64, String, String) = conn
        .query_row(
            "SELECT version, resp_last_name, measure FROM plan_row WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    edit::update(
        &conn,
        Table::PlanRow,
        id,
        version,
        &[
            FieldEdit {
                column: "resp_last_name",
                old: Value::Text(resp),
                new: Value::Text("Сидоров".into()),
            },
            FieldEdit {
                column: "measure",
                old: Value::Text(measure),
                new: Value::Text("Мера другого пользователя".into()),
            },
        ],
        Author {
            os_user: "kolleg",
            at: "2026-11-22T10:00:00",
        },
        "",
    )
    .unwrap();
    ctrl(&mut app, 's');
    let notice = record(&app).form.notice.clone().unwrap();
    assert!(
        notice.contains("запись изменена другим пользователем (kolleg"),
        "{notice}"
    );
    assert!(
        notice.contains("Мероприятие:") && notice.contains("Сидоров"),
        "{notice}"
    );
    let stored: String = conn
        .query_row("SELECT measure FROM plan_row WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, "Мера другого пользователя", "nothing overwritten");
    // The field left alone took the other change; a second Ctrl-S writes only the measure.
    ctrl(&mut app, 's');
    let (measure, resp): (String, String) = conn
        .query_row(
            "SELECT measure, resp_last_name FROM plan_row WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(measure, "Обновить стенд с информацией об организации");
    assert_eq!(resp, "Сидоров");
}

#[test]
fn shortcomings_are_added_checked_deleted_and_refused_while_a_plan_row_refers() {
    let (d, mut app) = app();
    let conn = sql(&d);
    let (org, cycle) = open_lists(&mut app);
    press(&mut app, KeyCode::Left);
    assert_eq!(lists(&app).pane(), Pane::Shortcomings);
    let n0 = lists(&app).shortcomings().len();
    type_keys(&mut app, "a");
    focus(&mut app, "Показатель");
    type_keys(&mut app, "2.1");
    let e = error_of(&app, "Показатель").unwrap();
    assert!(e.contains("показатель критерия К1 пишется как 1.1"), "{e}");
    retype(&mut app, "1.2");
    focus(&mut app, "Недостаток");
    type_keys(&mut app, "Нет раздела «Часто задаваемые вопросы»");
    ctrl(&mut app, 's');
    assert_eq!(lists(&app).shortcomings().len(), n0 + 1);
    let id: i64 = conn
        .query_row(
            "SELECT id FROM shortcoming WHERE org_id = ?1 AND cycle_id = ?2 AND indicator = '1.2'
             AND text LIKE 'Нет раздела%'",
            [org, cycle],
            |r| r.get(0),
        )
        .unwrap();
    // A plan row refers to it: the delete is refused with what to do.
    conn.execute(
        "UPDATE plan_row SET shortcoming_id = ?1 WHERE id = (SELECT min(id) FROM plan_row)",
        [id],
    )
    .unwrap();
    let at = lists(&app)
        .shortcomings()
        .iter()
        .position(|(s, _)| *s == id)
        .unwrap();
    press(&mut app, KeyCode::Home);
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    type_keys(&mut app, "d");
    assert!(screen(&app, 120, 40).contains("Удалить недостаток К1"));
    type_keys(&mut app, "y");
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("на недостаток ссылаются строки плана (1)"),
        "{s}"
    );
    press(&mut app, KeyCode::Esc);
    conn.execute(
        "UPDATE plan_row SET shortcoming_id = NULL WHERE shortcoming_id = ?1",
        [id],
    )
    .unwrap();
    type_keys(&mut app, "d");
    type_keys(&mut app, "y");
    assert_eq!(lists(&app).shortcomings().len(), n0);
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM shortcoming WHERE id = {id}")
        ),
        0
    );
    type_keys(&mut app, "u");
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM shortcoming WHERE id = {id}")
        ),
        1
    );
}

/// A valid ИНН, ОГРН of a legal entity from `seed`.
fn ids_from(seed: u32) -> (String, String) {
    let inn9: Vec<u8> = format!("77{:07}", seed % 10_000_000)
        .bytes()
        .map(|b| b - b'0')
        .collect();
    let inn9: [u8; 9] = inn9.try_into().unwrap();
    let inn = format!(
        "{}{}",
        inn9.iter().map(|d| d.to_string()).collect::<String>(),
        ids::inn10_check_digit(&inn9)
    );
    let ogrn12: Vec<u8> = format!("1027700{:05}", seed % 100_000)
        .bytes()
        .map(|b| b - b'0')
        .collect();
    let ogrn12: [u8; 12] = ogrn12.try_into().unwrap();
    let ogrn = format!(
        "{}{}",
        ogrn12.iter().map(|d| d.to_string()).collect::<String>(),
        ids::ogrn_check_digit(&ogrn12)
    );
    (inn, ogrn)
}

#[test]
fn a_new_organization_is_checked_listed_joins_a_cycle_and_then_cannot_be_deleted() {
    let (d, mut app) = app();
    let conn = sql(&d);
    let n0 = count(&conn, "SELECT count(*) FROM organization");
    go(&mut app, "Организации");
    type_keys(&mut app, "a");
    assert!(record(&app).is_new());
    insta::assert_snapshot!("new_org_120x40", screen(&app, 120, 40));
    type_keys(&mut app, "Музей народных промыслов");
    focus(&mut app, "ИНН");
    type_keys(&mut app, "7700000001");
    assert!(
        error_of(&app, "ИНН").unwrap().contains("контрольная цифра"),
        "the ИНН is checked as typed"
    );
    let (inn, ogrn) = ids_from(4242);
    retype(&mut app, &inn);
    assert_eq!(error_of(&app, "ИНН"), None);
    focus(&mut app, "КПП");
    type_keys(&mut app, "770101001");
    focus(&mut app, "ОГРН");
    type_keys(&mut app, &ogrn);
    focus(&mut app, "regNum");
    type_keys(&mut app, "773Ш4242");
    ctrl(&mut app, 's');
    let msg = app.message.clone().unwrap_or_default();
    assert!(
        msg.starts_with("добавлено: организация «Музей народных промыслов»"),
        "{msg}\n{}",
        screen(&app, 120, 40)
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), n0 + 1);
    // The list is read again on the worker and keeps its place.
    serve(&mut app, &conn);
    assert_eq!(list(&app).keys.len() as i64, n0 + 1);
    type_keys(&mut app, "/");
    type_keys(&mut app, "народных промыслов");
    press(&mut app, KeyCode::Enter);
    assert_eq!(list(&app).view.len(), 1);
    let org: i64 = list(&app).selected_key().unwrap().id;
    // It joins a cycle of its sphere and region from its card (`a`).
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "a");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Включить в цикл оценки"), "{s}");
    focus(&mut app, "Группа для рейтинга");
    type_keys(&mut app, "музеи");
    ctrl(&mut app, 's');
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.starts_with("добавлено: участие в цикле"), "{msg}");
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM membership WHERE org_id = {org}")
        ),
        1
    );
    let stale = count(
        &conn,
        &format!(
            "SELECT scores_stale FROM cycle c JOIN membership m ON m.cycle_id = c.id WHERE m.org_id = {org}"
        ),
    );
    assert_eq!(stale, 1, "the cycle's scores no longer cover every member");
    // Now in a cycle: the delete is refused with what to do instead.
    press(&mut app, KeyCode::Esc);
    type_keys(&mut app, "d");
    type_keys(&mut app, "y");
    let s = screen(&app, 120, 40);
    assert!(s.contains("снимите отметку «действует»"), "{s}");
    press(&mut app, KeyCode::Esc);
    // Undo the membership: then the organization can be deleted, and brought back.
    type_keys(&mut app, "u");
    type_keys(&mut app, "d");
    type_keys(&mut app, "y");
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), n0);
    type_keys(&mut app, "u");
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM organization WHERE id = {org}")
        ),
        1
    );
}

#[test]
fn a_new_cycle_is_made_in_the_summary_and_a_taken_year_sphere_and_authority_is_refused() {
    let (d, mut app) = app();
    let conn = sql(&d);
    go(&mut app, "Сводка");
    let n0 = count(&conn, "SELECT count(*) FROM cycle");
    type_keys(&mut app, "a");
    insta::assert_snapshot!("new_cycle_120x40", screen(&app, 120, 40));
    // The first sphere and authority with the year shown: the demo has that cycle already.
    let (year, sector, authority): (i64, String, i64) = conn
        .query_row(
            "SELECT year, sector, authority_id FROM cycle ORDER BY year DESC, id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    focus(&mut app, "Год оценки");
    retype(&mut app, &year.to_string());
    choose(&mut app, "Сфера", |v| {
        *v == Value::Text(sector.clone())
    });
    choose(&mut app, "Уполномоченный орган", |v| {
        *v == Value::Integer(authority)
    });
    ctrl(&mut app, 's');
    let notice = record(&app).form.notice.clone().unwrap_or_default();
    assert!(notice.contains("такая запись уже есть"), "{notice}");
    assert_eq!(count(&conn, "SELECT count(*) FROM cycle"), n0);
    // Another year is free.
    focus(&mut app, "Год оценки");
    retype(&mut app, &(year + 1).to_string());
    ctrl(&mut app, 's');
    assert_eq!(count(&conn, "SELECT count(*) FROM cycle"), n0 + 1);
    let (region, status): (String, String) = conn
        .query_row(
            "SELECT c.region, c.status FROM cycle c WHERE c.year = ?1 AND c.authority_id = ?2",
            [year + 1, authority],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let authority_region: String = conn
        .query_row(
            "SELECT region FROM authority WHERE id = ?1",
            [authority],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        region, authority_region,
        "the cycle takes its authority's region"
    );
    assert_eq!(status, "planned");
    // The summary reads its cycles again.
    serve(&mut app, &conn);
    type_keys(&mut app, "u");
    assert_eq!(count(&conn, "SELECT count(*) FROM cycle"), n0);
}

/// Moves the choice of field `label` until its option satisfies `wanted` (by its stored value,
/// through the form's own values).
fn choose(app: &mut App, label: &str, wanted: impl Fn(&Value) -> bool) {
    focus(app, label);
    let f = &record(app).form;
    let Some(nok::tui::form::Kind::Choice(options)) = Some(f.fields[f.focus].kind.clone()) else {
        panic!("{label} is not a choice");
    };
    for _ in 0..options.len() {
        if record(app)
            .value_of(label)
            .map(Value::from)
            .is_some_and(|v| wanted(&v))
        {
            return;
        }
        type_keys(app, " ");
    }
    panic!("no option of {label} fits");
}

#[test]
fn a_council_meeting_is_added_for_an_authority_and_undone() {
    let (d, mut app) = app();
    let conn = sql(&d);
    go(&mut app, "Совет");
    let n0 = count(&conn, "SELECT count(*) FROM council_meeting");
    type_keys(&mut app, "a");
    insta::assert_snapshot!("new_meeting_120x40", screen(&app, 120, 40));
    focus(&mut app, "Дата");
    retype(&mut app, "01.01.2027");
    assert!(
        error_of(&app, "Дата")
            .unwrap()
            .contains("позже сегодняшнего дня")
    );
    retype(&mut app, "20.11.2026");
    // A cycle of another authority does not fit.
    let authority = record(&app).value_of("Совет при").map(Value::from).unwrap();
    choose(&mut app, "Цикл оценки", |v| {
        matches!(v, Value::Integer(c) if conn.query_row(
            "SELECT authority_id FROM cycle WHERE id = ?1", [c], |r| r.get::<_, i64>(0)
        ).ok().map(Value::Integer) != Some(authority.clone()))
    });
    assert!(error_of(&app, "Цикл оценки").is_some());
    choose(&mut app, "Цикл оценки", |v| *v == Value::Null);
    focus(&mut app, "Номер протокола");
    type_keys(&mut app, "15-нок");
    ctrl(&mut app, 's');
    assert_eq!(count(&conn, "SELECT count(*) FROM council_meeting"), n0 + 1);
    assert!(
        screen(&app, 120, 40).contains("15-нок"),
        "the list shows it"
    );
    type_keys(&mut app, "u");
    assert_eq!(count(&conn, "SELECT count(*) FROM council_meeting"), n0);
}

#[test]
fn an_authority_plan_item_is_deleted_with_its_executors_and_u_brings_both_back() {
    let (d, mut app) = app();
    let conn = sql(&d);
    go(&mut app, "Планы органа");
    let mut item = None;
    for _ in 0..60 {
        let w: &WorkplansScreen = app.current().as_any().downcast_ref().unwrap();
        if let NodeKey::Item(id) = w.nodes()[w.selected()].key {
            let leaf = count(
                &conn,
                &format!("SELECT count(*) FROM workplan_item WHERE parent_id = {id}"),
            ) == 0;
            let executors = count(
                &conn,
                &format!("SELECT count(*) FROM workplan_executor WHERE item_id = {id}"),
            );
            if leaf && executors > 0 {
                item = Some((id, executors));
                break;
            }
        }
        press(&mut app, KeyCode::Down);
    }
    let (id, executors) = item.expect("an item with executors");
    type_keys(&mut app, "d");
    assert!(screen(&app, 120, 40).contains("Удалить мероприятие"));
    type_keys(&mut app, "y");
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM workplan_item WHERE id = {id}")
        ),
        0
    );
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM workplan_executor WHERE item_id = {id}")
        ),
        0
    );
    let audited = count(
        &conn,
        &format!(
            "SELECT count(*) FROM audit_log WHERE entity = 'workplan_executor' AND entity_id = {id} AND action = 'delete'"
        ),
    );
    assert!(audited >= executors);
    type_keys(&mut app, "u");
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM workplan_item WHERE id = {id}")
        ),
        1
    );
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM workplan_executor WHERE item_id = {id}")
        ),
        executors
    );
}
