//! Editing in the terminal UI: the plan-row execution form driven by keys over the demo
//! database — inline messages, saving with the version check and the audit log, a second
//! connection changing the row meanwhile, and `u` undoing the session's last change.

mod common;

use common::*;
use nok::service::session::os_user;
use nok::store::edit::{self, Author, FieldEdit, Table};
use nok::tui::app::App;
use nok::tui::form::record::RecordForm as PlanRowForm;
use nok::tui::screens::plans::PlansScreen;
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;
use rusqlite::types::Value;

fn form(app: &App) -> &PlanRowForm {
    app.current()
        .as_any()
        .downcast_ref()
        .expect("the plan-row form is open")
}

/// (status, actual_date, implemented_measures, cancel_reason, version) of plan row `id`.
fn row(conn: &Connection, id: i64) -> (String, Option<String>, String, Option<String>, i64) {
    conn.query_row(
        "SELECT status, actual_date, implemented_measures, cancel_reason, version
         FROM plan_row WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .unwrap()
}

/// Audit entries of plan row `id`: (user, action, field, old, new, note), oldest first.
type AuditRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);
fn audit(conn: &Connection, id: i64) -> Vec<AuditRow> {
    let mut stmt = conn
        .prepare(
            "SELECT os_user, action, field, old_value, new_value, note FROM audit_log
             WHERE entity = 'plan_row' AND entity_id = ?1 ORDER BY id",
        )
        .unwrap();
    stmt.query_map([id], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Opens «Планы» (overdue rows) and the execution form of the first row; returns its id.
fn open_first(app: &mut App) -> i64 {
    go(app, "Планы");
    let plans: &PlansScreen = app.current().as_any().downcast_ref().unwrap();
    let id = plans.selected_row().unwrap().id;
    type_keys(app, "e");
    assert_eq!(form(app).form.focus, 0);
    id
}

/// «в» steps through the options starting with в (выполняется, выполнено) until «выполнено».
fn to_done(app: &mut App) {
    for _ in 0..2 {
        if nok::tui::forms::plan_row_execution::status(&form(app).form)
            != nok::domain::plan::PlanStatus::Done
        {
            type_keys(app, "в");
        }
    }
    assert_eq!(
        nok::tui::forms::plan_row_execution::status(&form(app).form),
        nok::domain::plan::PlanStatus::Done
    );
}

/// Status → «выполнено», measures, date; the keys a person presses.
fn fill_done(app: &mut App) {
    to_done(app);
    press(app, KeyCode::Tab);
    clear(app);
    type_keys(app, "Установлен пандус");
    press(app, KeyCode::Tab);
    clear(app);
    type_keys(app, "20.11.2026");
}

/// Backspace until the focused field is empty.
fn clear(app: &mut App) {
    let f = &form(app).form;
    for _ in 0..f.fields[f.focus].text.chars().count() {
        press(app, KeyCode::Backspace);
    }
}

#[test]
fn execution_form_is_drawn_over_the_plans_screen() {
    let (_d, mut app) = app();
    open_first(&mut app);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Исполнение строки плана"), "{s}");
    assert!(s.contains("Ctrl-S сохранить"), "{s}");
    insta::assert_snapshot!("edit_plan_row_120x40", s);
    fill_done(&mut app);
    // A letter on the Russian layout is text here, not a command (у = e, г = u).
    let before = form(&app).form.fields[1].text.clone();
    press(&mut app, KeyCode::BackTab);
    type_keys(&mut app, " уг");
    assert_eq!(form(&app).form.fields[1].text, format!("{before} уг"));
    let small = screen(&app, 80, 24);
    for line in small.lines() {
        assert!(line.chars().count() <= 82, "{line}");
    }
    insta::assert_snapshot!("edit_plan_row_filled_80x24", small);
}

#[test]
fn done_needs_a_date_and_measures_and_nothing_is_saved_until_valid() {
    let (d, mut app) = app();
    let id = open_first(&mut app);
    let before = row(&sql(&d), id);
    to_done(&mut app);
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("⚠ для статуса «выполнено» нужна фактическая дата"),
        "{s}"
    );
    ctrl(&mut app, 's');
    assert!(
        app.current().as_any().is::<PlanRowForm>(),
        "the form stays open"
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("не сохранено: исправьте поля с ⚠"), "{s}");
    assert_eq!(form(&app).form.focus, 2, "the focus goes to the date");
    // No measures; a date in the future and a date that is not one.
    press(&mut app, KeyCode::BackTab);
    clear(&mut app);
    assert!(
        screen(&app, 120, 40).contains("⚠ для статуса «выполнено» опишите реализованные меры"),
        "{}",
        screen(&app, 120, 40)
    );
    type_keys(&mut app, "меры");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "31.02.2026");
    assert!(
        screen(&app, 120, 40).contains("⚠ даты 31.02.2026 нет в календаре"),
        "{}",
        screen(&app, 120, 40)
    );
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "01.12.2026");
    assert!(
        screen(&app, 120, 40).contains("⚠ дата позже сегодняшнего дня (22.11.2026)"),
        "{}",
        screen(&app, 120, 40)
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(row(&sql(&d), id), before, "nothing written");
    // Cancelling needs a reason; the reason field opens only for «отменено».
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "о");
    assert!(
        screen(&app, 120, 40).contains("⚠ для статуса «отменено» нужна причина отмены"),
        "{}",
        screen(&app, 120, 40)
    );
    // Esc with changes asks; another key returns to the form, «д» closes it.
    press(&mut app, KeyCode::Esc);
    assert!(
        screen(&app, 120, 40).contains("Закрыть без сохранения?"),
        "{}",
        screen(&app, 120, 40)
    );
    type_keys(&mut app, "n");
    assert!(app.current().as_any().is::<PlanRowForm>());
    press(&mut app, KeyCode::Esc);
    type_keys(&mut app, "д");
    assert_eq!(app.current().title(), "Планы");
    assert_eq!(row(&sql(&d), id), before, "nothing written");
}

#[test]
fn saving_writes_the_row_bumps_its_version_and_audits_each_field_and_u_undoes_it() {
    let (d, mut app) = app();
    let id = open_first(&mut app);
    let conn = sql(&d);
    let (status0, date0, measures0, _, v0) = row(&conn, id);
    let audit0 = audit(&conn, id).len();
    fill_done(&mut app);
    ctrl(&mut app, 's');
    assert_eq!(app.current().title(), "Планы", "the form closed");
    let msg = app.message.clone().unwrap();
    assert!(msg.starts_with("сохранено: строка плана"), "{msg}");
    assert_eq!(
        row(&conn, id),
        (
            "done".into(),
            Some("2026-11-20".into()),
            "Установлен пандус".into(),
            None,
            v0 + 1
        )
    );
    let entries = audit(&conn, id);
    let new: Vec<_> = entries[audit0..].to_vec();
    let user = os_user();
    let mut fields: Vec<(String, Option<String>, Option<String>)> = new
        .iter()
        .map(|(u, action, f, old, new, _)| {
            assert_eq!(u, &user);
            assert_eq!(action, "update");
            (f.clone(), old.clone(), new.clone())
        })
        .collect();
    fields.sort();
    let mut expected = vec![
        (
            "actual_date".to_string(),
            date0.clone(),
            Some("2026-11-20".to_string()),
        ),
        (
            "implemented_measures".to_string(),
            Some(measures0.clone()),
            Some("Установлен пандус".to_string()),
        ),
        (
            "status".to_string(),
            Some(status0.clone()),
            Some("done".to_string()),
        ),
    ];
    expected.retain(|(_, old, new)| old != new);
    assert_eq!(fields, expected);
    assert!(new[0].5.contains("→ выполнено"), "{}", new[0].5);
    assert_eq!(app.undo.len(), 1);

    // u undoes it: the old values come back, the version moves on, and the undo is audited.
    type_keys(&mut app, "u");
    let msg = app.message.clone().unwrap();
    assert!(msg.starts_with("отменено: строка плана"), "{msg}");
    assert_eq!(row(&conn, id), (status0, date0, measures0, None, v0 + 2));
    let undo_entries = audit(&conn, id)[audit0 + new.len()..].to_vec();
    assert_eq!(undo_entries.len(), new.len());
    for ((_, _, f, old, newv, note), (_, _, f0, old0, new0, _)) in undo_entries.iter().zip(&new) {
        assert_eq!((f, old, newv), (f0, new0, old0), "old and new swapped");
        assert!(note.starts_with("отмена изменения: строка плана"), "{note}");
    }
    // Nothing more to undo.
    type_keys(&mut app, "u");
    assert!(app.message.clone().unwrap().starts_with("отменять нечего"));
}

#[test]
fn a_row_changed_by_another_connection_is_not_overwritten() {
    let (d, mut app) = app();
    let id = open_first(&mut app);
    let other = sql(&d);
    let (status0, date0, _, _, v0) = row(&other, id);
    let (other_status, other_ru) = if status0 == "planned" {
        ("in_progress", "выполняется")
    } else {
        ("planned", "запланировано")
    };
    // Another session changes the status and the measures while the form is open.
    let v1 = edit::update(
        &other,
        Table::PlanRow,
        id,
        v0,
        &[
            FieldEdit {
                column: "status",
                old: Value::Text(row(&other, id).0),
                new: Value::Text(other_status.into()),
            },
            FieldEdit {
                column: "implemented_measures",
                old: Value::Text(row(&other, id).2),
                new: Value::Text("Заказан пандус".into()),
            },
        ],
        Author {
            os_user: "petrova",
            at: "2026-11-22T09:30:00",
        },
        "другой сеанс",
    )
    .unwrap();
    assert_eq!(v1, v0 + 1);
    fill_done(&mut app);
    ctrl(&mut app, 's');
    assert!(app.current().as_any().is::<PlanRowForm>(), "the form stays");
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("запись изменена другим пользователем (petrova, 22.11.2026 09:30)"),
        "{s}"
    );
    let notice = form(&app).form.notice.clone().unwrap();
    assert!(notice.contains("Статус: "), "{notice}");
    assert!(notice.contains(&format!("→ {other_ru}")), "{notice}");
    assert!(notice.contains("«Заказан пандус»"), "{notice}");
    assert!(notice.contains("Ничего не сохранено"), "{notice}");
    insta::assert_snapshot!("edit_plan_row_conflict_120x40", s);
    insta::assert_snapshot!("edit_plan_row_conflict_80x24", screen(&app, 80, 24));
    // Nothing of the form was written over the other change.
    assert_eq!(
        row(&other, id),
        (
            other_status.into(),
            date0,
            "Заказан пандус".into(),
            None,
            v1
        )
    );
    assert!(app.undo.is_empty());
    // A second Ctrl-S, after seeing the other change, writes the form's values knowingly; the
    // audit log has the other session's values as the old ones.
    ctrl(&mut app, 's');
    assert_eq!(app.current().title(), "Планы");
    assert_eq!(row(&other, id).0, "done");
    assert_eq!(row(&other, id).4, v1 + 1);
    let last = audit(&other, id);
    let measures = last
        .iter()
        .rev()
        .find(|e| e.2 == "implemented_measures")
        .unwrap();
    assert_eq!(measures.3.as_deref(), Some("Заказан пандус"));
    assert_eq!(measures.4.as_deref(), Some("Установлен пандус"));
}

#[test]
fn undo_is_refused_when_the_row_changed_since() {
    let (d, mut app) = app();
    let id = open_first(&mut app);
    fill_done(&mut app);
    ctrl(&mut app, 's');
    let other = sql(&d);
    let (_, _, m, _, v) = row(&other, id);
    edit::update(
        &other,
        Table::PlanRow,
        id,
        v,
        &[FieldEdit {
            column: "implemented_measures",
            old: Value::Text(m),
            new: Value::Text("Пандус принят комиссией".into()),
        }],
        Author {
            os_user: "petrova",
            at: "2026-11-22T10:00:00",
        },
        "",
    )
    .unwrap();
    type_keys(&mut app, "u");
    let msg = app.message.clone().unwrap();
    assert!(
        msg.contains("нельзя отменить") && msg.contains("petrova"),
        "{msg}"
    );
    assert_eq!(row(&other, id).2, "Пандус принят комиссией");
    assert_eq!(row(&other, id).4, v + 1);
}

#[test]
fn the_store_refuses_columns_a_form_may_not_write() {
    let (d, _app) = app();
    let conn = sql(&d);
    let e = edit::update(
        &conn,
        Table::PlanRow,
        1,
        1,
        &[FieldEdit {
            column: "org_id",
            old: Value::Integer(1),
            new: Value::Integer(2),
        }],
        Author {
            os_user: "x",
            at: "2026-11-22T10:00:00",
        },
        "",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "поле «org_id» нельзя изменить в этой таблице"
    );
}

// ---- indicator inputs of an organization's cycle, from its card ----

use nok::domain::scoring::{Inputs, score};
use nok::service::methodology::Methods;
use nok::store::edit_inputs::{self, InputEdit};
use nok::tui::forms::inputs::InputsForm;
use nok::tui::screens::org_card::OrgCardScreen;

fn inputs_form(app: &App) -> &InputsForm {
    app.current()
        .as_any()
        .downcast_ref()
        .expect("the inputs form is open")
}

/// Opens the card of the third organization and its inputs form; returns the card's cycle.
fn open_inputs(app: &mut App) -> nok::store::card::CardCycle {
    type_keys(app, "2jj");
    press(app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let cycle = card.cycle().unwrap().clone();
    type_keys(app, "e");
    assert!(
        app.current().as_any().is::<InputsForm>(),
        "{}",
        screen(app, 120, 40)
    );
    cycle
}

/// The stored inputs of membership `id`.
fn stored_inputs(conn: &Connection, id: i64) -> Inputs {
    let mut stmt = conn
        .prepare(
            "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             WHERE i.membership_id = ?1",
        )
        .unwrap();
    stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn inputs_form_recomputes_s_as_typed_and_saving_marks_the_cycle_stale() {
    let (d, mut app) = app();
    let conn = sql(&d);
    conn.execute("UPDATE cycle SET scores_stale = 0", [])
        .unwrap();
    let c = open_inputs(&mut app);
    let methods = Methods::builtin().unwrap();
    let m = methods.get(&c.methodology).unwrap();
    let stored = stored_inputs(&conn, c.membership_id);
    // Unchanged inputs give the stored S.
    let live = inputs_form(&app).live().unwrap().total;
    assert_eq!(
        live,
        score(m, c.sector, "x", &stored).unwrap().total,
        "the live S is the domain's"
    );
    if let Some(s) = &c.score {
        assert_eq!(live, s.total, "the stored S follows from the stored inputs");
    }
    let s = screen(&app, 120, 40);
    assert!(s.contains("S = ") && s.contains("Критерии: К1"), "{s}");
    insta::assert_snapshot!("edit_inputs_120x40", s);
    let small = screen(&app, 80, 24);
    assert!(small.contains("↓ ещё полей"), "{small}");
    insta::assert_snapshot!("edit_inputs_80x24", small);

    // The first field is a count; set it to 0 and the result changes on screen at once.
    let key = m.indicators_for(c.sector)[0].inputs[0].key.clone();
    let f = &inputs_form(&app).form;
    for _ in 0..f.fields[0].text.chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "0");
    let mut changed = stored.clone();
    changed.set(key.clone(), 0.0);
    let expected = score(m, c.sector, "x", &changed).unwrap();
    let live = inputs_form(&app).live().unwrap().clone();
    assert_eq!(live, expected);
    let s = screen(&app, 120, 40);
    let shown = format!("S = {:.2}", expected.total).replace('.', ",");
    assert!(s.contains(&shown), "{shown}\n{s}");
    // The place it would take among the others' stored results, as the rating counts places.
    let mut totals: Vec<f64> = conn
        .prepare(
            "SELECT s.total FROM score s JOIN membership m ON m.id = s.membership_id
             WHERE m.cycle_id = ?1 AND m.id <> ?2",
        )
        .unwrap()
        .query_map([c.cycle_id, c.membership_id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    totals.push(expected.total);
    let place = nok::domain::rating::places(&totals, 2)[totals.len() - 1];
    let shown = format!("место {place} из {}", totals.len());
    assert!(s.contains(&shown), "{shown}\n{s}");

    let v0: i64 = conn
        .query_row(
            "SELECT version FROM membership WHERE id = ?1",
            [c.membership_id],
            |r| r.get(0),
        )
        .unwrap();
    ctrl(&mut app, 's');
    let msg = app.message.clone().unwrap();
    assert!(msg.starts_with("сохранено: исходные данные"), "{msg}");
    assert!(app.current().as_any().is::<OrgCardScreen>());
    assert_eq!(stored_inputs(&conn, c.membership_id).get(&key), Some(0.0));
    let v1: i64 = conn
        .query_row(
            "SELECT version FROM membership WHERE id = ?1",
            [c.membership_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(v1, v0 + 1);
    // The save marked the scores stale and started recomputing the cycle in the background.
    assert_eq!(app.recomputing(), Some(c.cycle_id));
    let s = screen(&app, 120, 40);
    assert!(
        s.contains(&format!("пересчет цикла {}…", c.cycle_id)),
        "{s}"
    );
    finish_recompute(&mut app);
    let msg = app.message.clone().unwrap();
    assert!(
        msg.contains(&format!("цикл {} пересчитан", c.cycle_id)),
        "{msg}"
    );
    assert_eq!(stored_score(&conn, c.membership_id), (expected.total, 0));
    let (field, old, new, user): (String, Option<String>, Option<String>, String) = conn
        .query_row(
            "SELECT field, old_value, new_value, os_user FROM audit_log
             WHERE entity = 'indicator_input' AND entity_id = ?1 ORDER BY id DESC LIMIT 1",
            [c.membership_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(field, key);
    assert_eq!(old, stored.get(&key).map(|v| v.to_string()));
    assert_eq!(new.as_deref(), Some("0"));
    assert_eq!(user, os_user());
    let stale_audit: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'cycle' AND entity_id = ?1
             AND field = 'scores_stale' AND old_value = '0' AND new_value = '1'",
            [c.cycle_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stale_audit, 1);

    // u puts the value back.
    type_keys(&mut app, "u");
    assert!(
        app.message
            .clone()
            .unwrap()
            .starts_with("отменено: исходные данные")
    );
    assert_eq!(stored_inputs(&conn, c.membership_id), stored);
    // The undo recomputes the cycle again: S is back to what the stored inputs give.
    assert_eq!(app.recomputing(), Some(c.cycle_id));
    finish_recompute(&mut app);
    let back = score(m, c.sector, "x", &stored).unwrap().total;
    assert_eq!(stored_score(&conn, c.membership_id), (back, 0));
}

/// Lets the background recompute finish (the event loop's ticks), with a guard against a hang.
fn finish_recompute(app: &mut App) {
    for _ in 0..6000 {
        app.tick();
        if app.recomputing().is_none() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the recompute did not finish");
}

/// The stored S of membership `id` and its cycle's stale flag.
fn stored_score(conn: &Connection, id: i64) -> (f64, i64) {
    conn.query_row(
        "SELECT s.total, c.scores_stale FROM score s JOIN membership m ON m.id = s.membership_id
         JOIN cycle c ON c.id = m.cycle_id WHERE s.membership_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

#[test]
fn inputs_form_flags_a_numerator_over_its_denominator_and_saves_nothing() {
    let (d, mut app) = app();
    let conn = sql(&d);
    let c = open_inputs(&mut app);
    let before = stored_inputs(&conn, c.membership_id);
    type_keys(&mut app, "99999");
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("⚠ значение") && s.contains("больше знаменателя"),
        "{s}"
    );
    ctrl(&mut app, 's');
    assert!(app.current().as_any().is::<InputsForm>());
    assert_eq!(stored_inputs(&conn, c.membership_id), before);
}

#[test]
fn inputs_changed_by_another_connection_are_not_overwritten() {
    let (d, mut app) = app();
    let conn = sql(&d);
    let c = open_inputs(&mut app);
    let stored = stored_inputs(&conn, c.membership_id);
    let key = inputs_form(&app).form.fields[0].label.clone();
    let m = Methods::builtin().unwrap();
    let first = m.get(&c.methodology).unwrap().indicators_for(c.sector)[0].inputs[0]
        .key
        .clone();
    assert!(key.starts_with(&first[..3]), "{key} / {first}");
    let (_, v) = edit_inputs::read(&conn, c.membership_id).unwrap().unwrap();
    edit_inputs::save(
        &conn,
        c.membership_id,
        c.cycle_id,
        v,
        &[InputEdit {
            key: first.clone(),
            old: stored.get(&first),
            new: Some(1.0),
        }],
        Author {
            os_user: "petrova",
            at: "2026-11-22T11:00:00",
        },
        "другой сеанс",
    )
    .unwrap();
    let n = inputs_form(&app).form.fields[0].text.chars().count();
    for _ in 0..n {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "0");
    ctrl(&mut app, 's');
    let notice = inputs_form(&app).form.notice.clone().unwrap();
    assert!(
        notice.starts_with("запись изменена другим пользователем (petrova, 22.11.2026 11:00)"),
        "{notice}"
    );
    assert!(
        notice.contains(&format!("{first}: ")) && notice.contains("→ 1"),
        "{notice}"
    );
    assert_eq!(stored_inputs(&conn, c.membership_id).get(&first), Some(1.0));
}

// ---- authority plan items, from «Планы органа» ----

use nok::tui::form::record::RecordForm as WorkplanItemForm;
use nok::tui::screens::workplans::{NodeKey, WorkplansScreen};

/// Moves down «Планы органа» to the first item and opens its form; returns the item id.
fn open_item(app: &mut App) -> i64 {
    go(app, "Планы органа");
    for _ in 0..50 {
        let w: &WorkplansScreen = app.current().as_any().downcast_ref().unwrap();
        if let NodeKey::Item(id) = w.nodes()[w.selected()].key {
            type_keys(app, "e");
            assert!(app.current().as_any().is::<WorkplanItemForm>());
            return id;
        }
        press(app, KeyCode::Down);
    }
    panic!("no item in the first plan:\n{}", screen(app, 120, 40));
}

#[test]
fn workplan_item_form_records_done_with_a_date_audits_and_undoes() {
    let (d, mut app) = app();
    let conn = sql(&d);
    let id = open_item(&mut app);
    let item = |conn: &Connection| -> (String, Option<String>, String, i64) {
        conn.query_row(
            "SELECT status, completed_on, note, version FROM workplan_item WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
    };
    let before = item(&conn);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Дата выполнения"), "{s}");
    insta::assert_snapshot!("edit_workplan_item_120x40", s);
    insta::assert_snapshot!("edit_workplan_item_80x24", screen(&app, 80, 24));
    // To «выполнено» without a date: flagged, not saved.
    let form = |app: &App| -> &'static str {
        let f: &WorkplanItemForm = app.current().as_any().downcast_ref().unwrap();
        nok::tui::forms::workplan_item::status(&f.form).name_ru()
    };
    for _ in 0..2 {
        if form(&app) != "выполнено" {
            type_keys(&mut app, "в");
        }
    }
    assert_eq!(form(&app), "выполнено");
    press(&mut app, KeyCode::Tab);
    let f: &WorkplanItemForm = app.current().as_any().downcast_ref().unwrap();
    for _ in 0..f.form.fields[1].text.chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    let s = screen(&app, 80, 24);
    assert!(s.contains("⚠ для статуса «выполнено» нужна дата"), "{s}");
    insta::assert_snapshot!("edit_workplan_item_invalid_80x24", s);
    ctrl(&mut app, 's');
    assert_eq!(item(&conn), before);
    type_keys(&mut app, "15.11.2026");
    ctrl(&mut app, 's');
    assert_eq!(app.current().title(), "Планы органа");
    let after = item(&conn);
    assert_eq!(
        (after.0.as_str(), after.1.as_deref(), after.3),
        ("done", Some("2026-11-15"), before.3 + 1)
    );
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'workplan_item' AND entity_id = ?1
             AND field = 'completed_on' AND new_value = '2026-11-15'",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    // The tree shows the new status at once.
    let s = screen(&app, 120, 40);
    assert!(s.contains("выполнено"), "{s}");
    type_keys(&mut app, "u");
    let undone = item(&conn);
    assert_eq!(
        (undone.0, undone.1, undone.2),
        (before.0, before.1, before.2)
    );
    assert_eq!(undone.3, before.3 + 2);
}

// ---- target indicators' actual values, from «Планы органа» ----

use nok::tui::forms::targets::TargetsForm;

#[test]
fn target_values_form_saves_actual_values_and_refuses_a_value_changed_meanwhile() {
    let (d, mut app) = app();
    let conn = sql(&d);
    go(&mut app, "Планы органа");
    press(&mut app, KeyCode::Home);
    type_keys(&mut app, "e");
    assert!(
        app.current().as_any().is::<TargetsForm>(),
        "{}",
        screen(&app, 120, 40)
    );
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("· план ") && s.contains("фактические значения"),
        "{s}"
    );
    insta::assert_snapshot!("edit_targets_120x40", s);
    insta::assert_snapshot!("edit_targets_80x24", screen(&app, 80, 24));
    // The first value: which indicator and year it is.
    let f: &TargetsForm = app.current().as_any().downcast_ref().unwrap();
    let (ind, year, v0) = (
        f.rows()[0].indicator_id,
        f.rows()[0].year,
        f.rows()[0].version,
    );
    let actual = |conn: &Connection| -> (Option<f64>, i64) {
        conn.query_row(
            "SELECT actual, version FROM target_value WHERE indicator_id = ?1 AND year = ?2",
            rusqlite::params![ind, year],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let f: &TargetsForm = app.current().as_any().downcast_ref().unwrap();
    for _ in 0..f.form.fields[0].text.chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "55,5");
    // Another session records a value first.
    conn.execute(
        "UPDATE target_value SET actual = 40, version = version + 1
         WHERE indicator_id = ?1 AND year = ?2",
        rusqlite::params![ind, year],
    )
    .unwrap();
    ctrl(&mut app, 's');
    let f: &TargetsForm = app.current().as_any().downcast_ref().unwrap();
    let notice = f.form.notice.clone().unwrap();
    assert!(
        notice.starts_with("запись изменена другим пользователем")
            && notice.contains(&format!("{year}: "))
            && notice.contains("→ 40"),
        "{notice}"
    );
    assert_eq!(actual(&conn), (Some(40.0), v0 + 1));
    // Saved knowingly over it.
    ctrl(&mut app, 's');
    assert_eq!(app.current().title(), "Планы органа");
    assert_eq!(actual(&conn), (Some(55.5), v0 + 2));
    let (old, new): (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT old_value, new_value FROM audit_log WHERE entity = 'target_value'
             AND entity_id = ?1 AND field = ?2 ORDER BY id DESC LIMIT 1",
            rusqlite::params![ind, format!("actual {year}")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((old.as_deref(), new.as_deref()), (Some("40"), Some("55.5")));
    type_keys(&mut app, "u");
    assert_eq!(actual(&conn), (Some(40.0), v0 + 3));
}

// ---- organization identifiers, from its card ----

use nok::tui::form::record::RecordForm as OrgForm;

fn org_form(app: &App) -> &OrgForm {
    app.current()
        .as_any()
        .downcast_ref()
        .expect("the identifiers form is open")
}

fn clear_field(app: &mut App) {
    let f = &org_form(app).form;
    for _ in 0..f.fields[f.focus].text.chars().count() {
        press(app, KeyCode::Backspace);
    }
}

#[test]
fn identifiers_are_checked_as_typed_and_a_taken_reg_num_is_refused() {
    let (d, mut app) = app();
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let org = card.identity().id;
    let inn = card.identity().org.inn.clone();
    // «к» is r on the Russian layout.
    type_keys(&mut app, "к");
    let _ = org_form(&app);
    insta::assert_snapshot!("edit_org_120x40", screen(&app, 120, 40));
    insta::assert_snapshot!("edit_org_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Backspace);
    let s = screen(&app, 120, 40);
    assert!(s.contains("должно быть 10 или 12 знаков, введено 9"), "{s}");
    // The last digit wrong: the check digit is named.
    let last = inn.chars().last().unwrap().to_digit(10).unwrap();
    type_keys(&mut app, &((last + 1) % 10).to_string());
    let s = screen(&app, 120, 40);
    assert!(
        s.contains(&format!("неверная контрольная цифра (ожидается {last})")),
        "{s}"
    );
    ctrl(&mut app, 's');
    assert!(app.current().as_any().is::<OrgForm>());
    press(&mut app, KeyCode::Backspace);
    type_keys(&mut app, &last.to_string());
    assert!(org_form(&app).form.valid());
    // regNum of another organization.
    let other: String = conn
        .query_row(
            "SELECT reg_num FROM organization WHERE id <> ?1 LIMIT 1",
            [org],
            |r| r.get(0),
        )
        .unwrap();
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(org_form(&app).form.focus, 5);
    let own = org_form(&app).form.fields[5].text.clone();
    clear_field(&mut app);
    type_keys(&mut app, &other);
    ctrl(&mut app, 's');
    let f = &org_form(&app).form;
    let taken = f.fields[5].error.clone().unwrap_or_default();
    assert!(taken.contains("уже у организации"), "{taken}");
    assert_eq!(f.focus, 5, "the refused save points at the field");
    assert!(
        f.notice
            .clone()
            .unwrap_or_default()
            .contains("не сохранено")
    );
    // Back to its own regNum, a new short name: saved and audited.
    clear_field(&mut app);
    type_keys(&mut app, &own);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    assert_eq!(org_form(&app).form.focus, 1);
    clear_field(&mut app);
    type_keys(&mut app, "КЦСОН «Тест»");
    ctrl(&mut app, 's');
    assert!(app.current().as_any().is::<OrgCardScreen>());
    let short: String = conn
        .query_row(
            "SELECT short_name FROM organization WHERE id = ?1",
            [org],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(short, "КЦСОН «Тест»");
    let fields: Vec<String> = conn
        .prepare("SELECT field FROM audit_log WHERE entity = 'organization' AND entity_id = ?1")
        .unwrap()
        .query_map([org], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(fields, vec!["short_name".to_string()]);
    assert!(
        screen(&app, 120, 40).contains("КЦСОН «Тест»"),
        "the card shows the new name"
    );
}

// ---- council meetings ----

use nok::tui::form::record::RecordForm as CouncilForm;

#[test]
fn council_meeting_form_edits_the_protocol_and_refuses_a_future_date() {
    let (d, mut app) = app();
    let conn = sql(&d);
    go(&mut app, "Совет");
    press(&mut app, KeyCode::Home);
    type_keys(&mut app, "e");
    assert!(
        app.current().as_any().is::<CouncilForm>(),
        "{}",
        screen(&app, 120, 40)
    );
    insta::assert_snapshot!("edit_council_120x40", screen(&app, 120, 40));
    insta::assert_snapshot!("edit_council_80x24", screen(&app, 80, 24));
    let f: &CouncilForm = app.current().as_any().downcast_ref().unwrap();
    let date = f.form.fields[0].text.clone();
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "01.01.2027");
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("⚠ дата позже сегодняшнего дня (22.11.2026)"),
        "{s}"
    );
    insta::assert_snapshot!("edit_council_invalid_80x24", s);
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, &date);
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "-доп");
    ctrl(&mut app, 's');
    assert_eq!(app.current().title(), "Совет");
    let (protocol, version): (String, i64) = conn
        .query_row(
            "SELECT protocol_number, version FROM council_meeting
             WHERE protocol_number LIKE '%-доп'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(version, 2);
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'council_meeting'
             AND field = 'protocol_number' AND new_value = ?1",
            [&protocol],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    assert!(screen(&app, 120, 40).contains(&protocol));
}

#[test]
fn deleting_a_meeting_asks_first_is_audited_and_u_puts_it_back() {
    let (d, mut app) = app();
    let conn = sql(&d);
    go(&mut app, "Совет");
    press(&mut app, KeyCode::Home);
    let count = |conn: &Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM council_meeting", [], |r| r.get(0))
            .unwrap()
    };
    let n0 = count(&conn);
    let row = |conn: &Connection, id: i64| -> Option<(String, String, String, String, i64)> {
        conn.query_row(
            "SELECT date, protocol_number, agenda, decisions, version FROM council_meeting
             WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .ok()
    };
    // «в» is d on the Russian layout; any key but y/д keeps the meeting.
    type_keys(&mut app, "в");
    let s = screen(&app, 80, 24);
    assert!(s.contains("Удалить заседание совета"), "{s}");
    insta::assert_snapshot!("delete_meeting_80x24", s);
    insta::assert_snapshot!("delete_meeting_120x40", screen(&app, 120, 40));
    type_keys(&mut app, "n");
    assert_eq!(app.current().title(), "Совет");
    assert_eq!(count(&conn), n0);
    type_keys(&mut app, "d");
    type_keys(&mut app, "д");
    assert_eq!(count(&conn), n0 - 1);
    let msg = app.message.clone().unwrap();
    assert!(msg.starts_with("удалено: заседание совета"), "{msg}");
    let (id, deleted): (i64, i64) = conn
        .query_row(
            "SELECT entity_id, count(*) FROM audit_log WHERE entity = 'council_meeting'
             AND action = 'delete' AND new_value IS NULL GROUP BY entity_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(deleted >= 5, "every column of the row: {deleted}");
    assert_eq!(row(&conn, id), None);
    let old_protocol: String = conn
        .query_row(
            "SELECT old_value FROM audit_log WHERE entity = 'council_meeting' AND entity_id = ?1
             AND field = 'protocol_number' AND action = 'delete'",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    type_keys(&mut app, "u");
    assert_eq!(count(&conn), n0);
    let back = row(&conn, id).unwrap();
    assert_eq!(back.1, old_protocol);
    let inserted: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'council_meeting' AND entity_id = ?1
             AND action = 'insert'",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(inserted, deleted);
}

// ---- a plan drafted from the assessment ----

use nok::tui::forms::plan_draft::DraftForm;

#[test]
fn a_plan_is_drafted_from_the_gaps_edited_accepted_and_undone() {
    let (d, mut app) = app_with(|c| {
        c.execute("DELETE FROM shortcoming", []).unwrap();
    });
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let c = card.cycle().unwrap().clone();
    let org = card.identity().id;
    let m = Methods::builtin().unwrap();
    let item = m.get(&c.methodology).unwrap().indicators_for(c.sector)[1].checklist[0].clone();
    conn.execute(
        "UPDATE indicator_input SET value = 0 WHERE membership_id = ?1
         AND key_id = (SELECT id FROM input_key WHERE key = ?2)",
        rusqlite::params![c.membership_id, item.key],
    )
    .unwrap();
    let rows = |conn: &Connection| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2",
            [c.cycle_id, org],
            |r| r.get(0),
        )
        .unwrap()
    };
    let n0 = rows(&conn);
    type_keys(&mut app, "p");
    let f: &DraftForm = app
        .current()
        .as_any()
        .downcast_ref()
        .unwrap_or_else(|| panic!("{:?}\n{}", app.message, screen(&app, 120, 40)));
    let proposals = f.accepted().len();
    assert!(proposals >= 1);
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("Отсутствует: {}", item.name)), "{s}");
    assert!(
        s.contains(&format!("Будет добавлено строк: {proposals}")),
        "{s}"
    );
    insta::assert_snapshot!("draft_plan_120x40", s);
    insta::assert_snapshot!("draft_plan_80x24", screen(&app, 80, 24));
    ctrl(&mut app, 's');
    assert!(screen(&app, 120, 40).contains("⚠ укажите плановый срок строк"));
    type_keys(&mut app, "01.06.2027");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "Иванова");
    ctrl(&mut app, 's');
    let msg = app.message.clone().unwrap();
    assert!(
        msg.starts_with(&format!("добавлено строк плана: {proposals}")),
        "{msg}"
    );
    assert_eq!(rows(&conn), n0 + proposals as i64);
    let (number, measure, resp, date): (String, String, String, String) = conn
        .query_row(
            "SELECT p.number, p.measure, p.resp_last_name, p.planned_date FROM plan_row p
             JOIN shortcoming s ON s.id = p.shortcoming_id WHERE s.input_key = ?1
             AND p.cycle_id = ?2 AND p.org_id = ?3",
            rusqlite::params![item.key, c.cycle_id, org],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(number.starts_with("1."), "{number}");
    assert_eq!(measure, format!("Обеспечить наличие: {}", item.name));
    assert_eq!((resp.as_str(), date.as_str()), ("Иванова", "2027-06-01"));
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'plan_row' AND action = 'insert'
             AND field = 'measure'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, proposals as i64);
    // The card shows the new rows; u takes them back.
    type_keys(&mut app, "u");
    assert_eq!(rows(&conn), n0, "{:?}", app.message);
    let left: i64 = conn
        .query_row("SELECT count(*) FROM shortcoming", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

// ---- shortcomings ----

use nok::tui::forms::shortcomings::ShortcomingsForm;

#[test]
fn shortcomings_are_edited_together_and_undone_together() {
    let (d, mut app) = app();
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let c = card.cycle().unwrap().clone();
    let org = card.identity().id;
    let texts = |conn: &Connection| -> Vec<(String, i64)> {
        conn.prepare(
            "SELECT text, version FROM shortcoming WHERE cycle_id = ?1 AND org_id = ?2
             ORDER BY criterion, indicator, id",
        )
        .unwrap()
        .query_map([c.cycle_id, org], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let before = texts(&conn);
    assert!(
        before.len() >= 2,
        "the demo records shortcomings: {before:?}"
    );
    // «т» is n on the Russian layout.
    type_keys(&mut app, "т");
    assert!(app.current().as_any().is::<ShortcomingsForm>());
    insta::assert_snapshot!("edit_shortcomings_120x40", screen(&app, 120, 40));
    insta::assert_snapshot!("edit_shortcomings_80x24", screen(&app, 80, 24));
    // Empty text is refused; then the first two are changed.
    let f: &ShortcomingsForm = app.current().as_any().downcast_ref().unwrap();
    for _ in 0..f.form.fields[0].text.chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    assert!(screen(&app, 120, 40).contains("⚠ текст недостатка не может быть пустым"));
    type_keys(&mut app, "Нет пандуса");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, " (уточнено)");
    ctrl(&mut app, 's');
    assert!(
        app.current().as_any().is::<OrgCardScreen>(),
        "{:?}",
        app.message
    );
    let after = texts(&conn);
    assert_eq!(after[0], ("Нет пандуса".to_string(), before[0].1 + 1));
    assert_eq!(after[1].0, format!("{} (уточнено)", before[1].0));
    type_keys(&mut app, "u");
    let undone = texts(&conn);
    assert_eq!(undone[0].0, before[0].0);
    assert_eq!(undone[0].1, before[0].1 + 2);
    assert_eq!(undone[1].0, before[1].0);
}

// ---- cycle and membership ----

use nok::tui::forms::cycle::CycleForm;

#[test]
fn cycle_and_membership_are_saved_together_and_a_changed_membership_is_refused() {
    let (d, mut app) = app();
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let c = card.cycle().unwrap().clone();
    // «с» is c on the Russian layout.
    type_keys(&mut app, "с");
    assert!(
        app.current().as_any().is::<CycleForm>(),
        "{:?}",
        app.message
    );
    fn form(app: &App) -> &CycleForm {
        app.current().as_any().downcast_ref().unwrap()
    }
    insta::assert_snapshot!("edit_cycle_120x40", screen(&app, 120, 40));
    insta::assert_snapshot!("edit_cycle_80x24", screen(&app, 80, 24));
    let state = |conn: &Connection| -> (Option<String>, i64, String, i64, i64) {
        conn.query_row(
            "SELECT c.council_protocol_number, c.version, m.grp, m.respondents, m.version
             FROM cycle c JOIN membership m ON m.cycle_id = c.id WHERE m.id = ?1",
            [c.membership_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
    };
    let before = state(&conn);
    // Protocol number and a future protocol date.
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    let n = form(&app).form.fields[5].text.chars().count();
    for _ in 0..n {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "7-П");
    press(&mut app, KeyCode::Tab);
    let n = form(&app).form.fields[6].text.chars().count();
    for _ in 0..n {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "01.12.2026");
    assert!(screen(&app, 120, 40).contains("⚠ дата позже сегодняшнего дня (22.11.2026)"));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "20.11.2026");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let n = form(&app).form.fields[8].text.chars().count();
    for _ in 0..n {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "321");
    // Another session changes the group meanwhile: refused, shown; the group, left alone
    // here, takes the other change.
    conn.execute(
        "UPDATE membership SET grp = 'Другая', version = version + 1 WHERE id = ?1",
        [c.membership_id],
    )
    .unwrap();
    ctrl(&mut app, 's');
    let notice = form(&app).form.notice.clone().unwrap();
    assert!(
        notice.contains("Группа организации:") && notice.contains("→ «Другая»"),
        "{notice}"
    );
    assert_eq!(state(&conn).0, before.0, "the cycle was not written either");
    assert_eq!(form(&app).form.fields[7].text, "Другая");
    ctrl(&mut app, 's');
    assert!(
        app.current().as_any().is::<OrgCardScreen>(),
        "{:?}",
        app.message
    );
    let after = state(&conn);
    assert_eq!(after.0.as_deref(), Some("7-П"));
    assert_eq!(after.1, before.1 + 1);
    assert_eq!(
        (after.2.as_str(), after.3, after.4),
        ("Другая", 321, before.4 + 2)
    );
    type_keys(&mut app, "u");
    let undone = state(&conn);
    assert_eq!((undone.0, undone.3), (before.0, before.3));
}

/// The number of recipients of services (the base of the survey's sample rule) is entered on
/// the card's cycle form: fewer recipients than respondents is flagged, a valid number is saved
/// with its audit row, and `u` empties it again.
#[test]
fn recipients_of_services_are_entered_on_the_cycle_form_checked_audited_and_undone() {
    let (d, mut app) = app();
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let c = card.cycle().unwrap().clone();
    let stored = |conn: &Connection| -> (Option<i64>, i64) {
        conn.query_row(
            "SELECT recipients, respondents FROM membership WHERE id = ?1",
            [c.membership_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (before, respondents) = stored(&conn);
    assert!(respondents > 1, "the demo membership has respondents");
    type_keys(&mut app, "с");
    fn form(app: &App) -> &CycleForm {
        app.current().as_any().downcast_ref().unwrap()
    }
    for _ in 0..10 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(form(&app).form.fields[10].label, "Получателей услуг");
    let n = form(&app).form.fields[10].text.chars().count();
    for _ in 0..n {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, "1");
    let shown = screen(&app, 120, 40);
    assert!(
        shown.contains(&format!(
            "получателей меньше, чем опрошенных ({respondents})"
        )),
        "{shown}"
    );
    ctrl(&mut app, 's');
    assert!(app.current().as_any().is::<CycleForm>(), "not saved");
    assert_eq!(stored(&conn).0, before);
    press(&mut app, KeyCode::Backspace);
    type_keys(&mut app, "5000");
    ctrl(&mut app, 's');
    assert!(
        app.current().as_any().is::<OrgCardScreen>(),
        "{:?}",
        app.message
    );
    assert_eq!(stored(&conn).0, Some(5000));
    let audit: (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT old_value, new_value FROM audit_log
             WHERE entity = 'membership' AND entity_id = ?1 AND field = 'recipients'
             ORDER BY id DESC LIMIT 1",
            [c.membership_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(audit, (before.map(|n| n.to_string()), Some("5000".into())));
    type_keys(&mut app, "u");
    assert_eq!(stored(&conn).0, before);
}

#[test]
fn saving_over_a_conflict_keeps_the_other_change_to_fields_left_alone() {
    let (d, mut app) = app();
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let org = card.identity().id;
    type_keys(&mut app, "r");
    // Here: the short name. Meanwhile another session: the full name.
    press(&mut app, KeyCode::Tab);
    clear_field(&mut app);
    type_keys(&mut app, "Новое краткое");
    conn.execute(
        "UPDATE organization SET full_name = 'Другое полное', version = version + 1 WHERE id = ?1",
        [org],
    )
    .unwrap();
    ctrl(&mut app, 's');
    let notice = org_form(&app).form.notice.clone().unwrap();
    assert!(
        notice.contains("Полное наименование:") && notice.contains("«Другое полное»"),
        "{notice}"
    );
    assert_eq!(org_form(&app).form.fields[0].text, "Другое полное");
    ctrl(&mut app, 's');
    let (full, short): (String, String) = conn
        .query_row(
            "SELECT full_name, short_name FROM organization WHERE id = ?1",
            [org],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (full.as_str(), short.as_str()),
        ("Другое полное", "Новое краткое")
    );
}

/// A cycle without groups (every member in the group ""): its group is the whole cycle, so the
/// card and the inputs form say the place once («место 2 из 3»), not again «в группе 2 из 3».
/// A cycle with groups says both (the snapshots above).
#[test]
fn a_cycle_without_groups_gives_the_place_once() {
    let (_d, mut app) = app_with(|conn| {
        conn.execute_batch("UPDATE membership SET grp = ''")
            .unwrap();
    });
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(s.contains(" · место "), "{s}");
    assert!(!s.contains("в группе"), "{s}");
    type_keys(&mut app, "e");
    assert!(app.current().as_any().is::<InputsForm>());
    let s = screen(&app, 120, 40);
    assert!(s.contains(" · место ") && s.contains("(было "), "{s}");
    assert!(!s.contains("в группе"), "{s}");
}
