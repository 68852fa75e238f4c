//! «Планы» (improvement-plan rows across organizations, spot checks) and «Планы органа» (the
//! authorities' own plans as a tree with target indicators), driven by keys over the demo database.

mod common;

use common::*;
use nok::store::plan_rows::{self, Filter};
use nok::tui::app::App;
use nok::tui::msg::Mode;
use nok::tui::screens::plans::{PlanFilter, PlansScreen};
use nok::tui::screens::workplans::{NodeKey, WorkplansScreen};
use nok::tui::theme::Theme;
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;

fn plans(app: &App) -> &PlansScreen {
    app.current().as_any().downcast_ref().unwrap()
}

fn workplans(app: &App) -> &WorkplansScreen {
    app.current().as_any().downcast_ref().unwrap()
}

fn count(conn: &Connection, sql: &str) -> usize {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize
}

/// Walks the whole filtered list with ↓ and returns each selected row's (id, org name, org id,
/// planned date, status, measures).
fn walk(app: &mut App) -> Vec<(i64, String, i64, String, String, String)> {
    press(app, KeyCode::Home);
    let total = plans(app).total();
    let mut out = Vec::new();
    for i in 0..total {
        let s = plans(app);
        assert_eq!(s.selected(), i);
        let r = s.selected_row().expect("selected row is held");
        out.push((
            r.id,
            r.org_name.clone(),
            r.org_id,
            r.planned_date.to_string(),
            r.status.code().to_string(),
            r.implemented_measures.clone(),
        ));
        press(app, KeyCode::Down);
    }
    out
}

#[test]
fn plans_screen_lists_overdue_rows_grouped_by_organization() {
    let (_d, mut app) = app();
    go(&mut app, "Планы");
    let s = screen(&app, 120, 40);
    assert!(s.contains("строка 1/158 · фильтр: просрочено"), "{s}");
    assert!(s.contains("■ ") && s.contains("в фильтре"), "{s}");
    assert!(s.contains("просрочено на"), "{s}");
    insta::assert_snapshot!("plans_120x40", s);
    let small = screen(&app, 80, 24);
    for line in small.lines() {
        assert!(line.chars().count() <= 82, "{line}");
    }
    insta::assert_snapshot!("plans_80x24", small);
}

#[test]
fn each_filter_counts_what_independent_sql_counts() {
    let (dir, mut app) = app();
    let db = sql(&dir);
    go(&mut app, "Планы");
    let open = "status IN ('planned', 'in_progress')";
    let expected = [
        (
            PlanFilter::Overdue,
            format!("SELECT count(*) FROM plan_row WHERE {open} AND planned_date < '2026-11-22'"),
        ),
        (
            PlanFilter::DueSoon,
            format!(
                "SELECT count(*) FROM plan_row WHERE {open} AND planned_date BETWEEN '2026-11-22' AND '2026-12-22'"
            ),
        ),
        (
            PlanFilter::Done,
            "SELECT count(*) FROM plan_row WHERE status = 'done'".to_string(),
        ),
        (
            PlanFilter::NotReported,
            format!(
                "SELECT count(*) FROM plan_row WHERE {open} AND planned_date < '2026-11-22' AND trim(implemented_measures) = ''"
            ),
        ),
        (PlanFilter::All, "SELECT count(*) FROM plan_row".to_string()),
    ];
    for (i, (filter, q)) in expected.iter().enumerate() {
        if i > 0 {
            type_keys(&mut app, "f");
        }
        assert_eq!(plans(&app).filter(), *filter);
        let n = count(&db, q);
        assert!(n > 0, "{filter:?}: the demo has such rows");
        assert_eq!(plans(&app).total(), n, "{filter:?}");
        let s = screen(&app, 120, 40);
        assert!(s.contains(&format!("строка 1/{n} · фильтр:")), "{s}");
    }
    // f wraps around; ←→ change the horizon of «срок в ближайшие N дней».
    type_keys(&mut app, "ff");
    assert_eq!(plans(&app).filter(), PlanFilter::DueSoon);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    assert_eq!(plans(&app).horizon(), 7);
    let n = count(
        &db,
        &format!(
            "SELECT count(*) FROM plan_row WHERE {open} AND planned_date BETWEEN '2026-11-22' AND '2026-11-29'"
        ),
    );
    assert_eq!(plans(&app).total(), n);
    assert!(screen(&app, 120, 40).contains("фильтр: срок в ближайшие 7 дн."));
}

#[test]
fn overdue_rows_are_all_past_due_and_not_done_in_order() {
    let (dir, mut app) = app();
    go(&mut app, "Планы");
    let rows = walk(&mut app);
    assert_eq!(rows.len(), 158);
    for (id, _, _, date, status, _) in &rows {
        assert!(date.as_str() < "2026-11-22", "{id} {date}");
        assert!(
            status == "planned" || status == "in_progress",
            "{id} {status}"
        );
    }
    // Not reported: past due, open, nothing written.
    type_keys(&mut app, "fff");
    assert_eq!(plans(&app).filter(), PlanFilter::NotReported);
    for (id, _, _, date, status, measures) in walk(&mut app) {
        assert!(date.as_str() < "2026-11-22" && status != "done" && status != "cancelled");
        assert!(measures.trim().is_empty(), "{id}");
    }
    // All rows: every row exactly once, by organization name, organization, date and id —
    // the buffer is read again (forwards and from the end) as the selection walks.
    type_keys(&mut app, "f");
    let all = walk(&mut app);
    let db = sql(&dir);
    let mut stmt = db
        .prepare(
            "SELECT p.id FROM plan_row p JOIN organization o ON o.id = p.org_id
             ORDER BY CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                      o.id, p.planned_date, p.id",
        )
        .unwrap();
    let ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(all.iter().map(|r| r.0).collect::<Vec<_>>(), ids);
    // Going back up from the end reads windows from the back half.
    press(&mut app, KeyCode::End);
    for _ in 0..300 {
        press(&mut app, KeyCode::Up);
    }
    let s = plans(&app);
    assert_eq!(s.selected_row().unwrap().id, ids[ids.len() - 301]);
}

#[test]
fn spot_check_samples_done_rows_and_records_verdicts() {
    let (dir, mut app) = app();
    let path = dir.path().join("demo.sqlite");
    go(&mut app, "Планы");
    type_keys(&mut app, "s");
    assert_eq!(app.key_mode(), Mode::Search, "the form has the keys");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Размер выборки: 10"), "{s}");
    insta::assert_snapshot!("plans_spot_setup_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_keys(&mut app, "5");
    press(&mut app, KeyCode::Enter);
    let sample = plans(&app).sample().to_vec();
    assert_eq!(sample.len(), 5);
    let db = sql(&dir);
    for id in &sample {
        let status: String = db
            .query_row("SELECT status FROM plan_row WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(status, "done", "row {id}");
    }
    let mut unique = sample.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 5);
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("Реализованные меры") && s.contains("Фактический срок"),
        "{s}"
    );
    assert!(s.contains("строка 1 из 5"), "{s}");

    // y, then a note with letters that are commands elsewhere (q, y, n, j): they are text.
    let first = sample[0];
    type_keys(&mut app, "y");
    type_keys(&mut app, "qynj на месте");
    assert!(!app.quit);
    assert!(screen(&app, 120, 40).contains("qynj на месте"));
    press(&mut app, KeyCode::Enter);
    // The Russian layout: т is n.
    let second = sample[1];
    type_keys(&mut app, "т");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 120, 40).contains("строка 3 из 5"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.key_mode(), Mode::Normal);
    assert!(
        screen(&app, 120, 40).contains("подтверждено 1, не подтверждено 1 из 5"),
        "{}",
        screen(&app, 120, 40)
    );

    let user = nok::service::session::os_user();
    let stored: Vec<(i64, String, String, String)> = db
        .prepare("SELECT plan_row_id, os_user, verdict, note FROM spot_check ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        stored,
        vec![
            (
                first,
                user.clone(),
                "confirmed".into(),
                "qynj на месте".into()
            ),
            (second, user.clone(), "rejected".into(), String::new()),
        ]
    );
    let audit: Vec<(String, String, Option<String>)> = db
        .prepare(
            "SELECT os_user, note, new_value FROM audit_log WHERE entity = 'spot_check' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|a| a.0 == user));
    assert_eq!(audit[0].2.as_deref(), Some("confirmed"));
    assert!(audit[0].1.contains("qynj на месте"), "{}", audit[0].1);
    drop(db);
    drop(app);

    // Reopened: the verdict is there and shown on the row.
    let conn = nok::store::open_existing(&path).unwrap();
    let done_total = plan_rows::count(&conn, Filter::Done, today()).unwrap();
    let done = plan_rows::window(&conn, Filter::Done, today(), 0, done_total, done_total).unwrap();
    let at = done.iter().position(|r| r.id == first).unwrap();
    assert!(done[at].last_check.is_some());
    let mut app = App::new(today(), Theme::plain(), Some(conn));
    go(&mut app, "Планы");
    type_keys(&mut app, "ff");
    assert_eq!(plans(&app).filter(), PlanFilter::Done);
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(plans(&app).selected_row().unwrap().id, first);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Проверка: подтверждено"), "{s}");
    assert!(s.contains('✓'), "{s}");
    // Enter shows the row with its past checks.
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("Проверки (1)") && s.contains("qynj на месте"),
        "{s}"
    );
    assert!(s.contains(&user), "{s}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.key_mode(), Mode::Normal);
}

#[test]
fn enter_on_an_open_row_explains_what_can_be_checked() {
    let (_d, mut app) = app();
    go(&mut app, "Планы");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.key_mode(), Mode::Normal);
    assert!(screen(&app, 120, 40).contains("проверять можно строки, отмеченные выполненными"));
}

#[test]
fn control_characters_in_plan_rows_never_reach_the_terminal() {
    let (_d, mut app) = app_with(|c| {
        c.execute(
            "UPDATE plan_row SET measure = 'Мера \u{1b}[31mкрасная\u{9b}', shortcoming = 'Н\u{1b}]0;x\u{7}едостаток'
             WHERE status IN ('planned', 'in_progress') AND planned_date < '2026-11-22'",
            [],
        )
        .unwrap();
    });
    go(&mut app, "Планы");
    let t = draw(&app, 120, 40);
    let s = t.backend().to_string();
    assert!(
        s.contains("Мера красная") && s.contains("Недостаток"),
        "{s}"
    );
    assert_no_control_chars(&t);
}

#[test]
fn workplan_tree_nests_items_and_shows_targets_by_year() {
    let (dir, mut app) = app();
    go(&mut app, "Планы органа");
    let s = screen(&app, 120, 40);
    assert!(s.contains("▾ ") && s.contains("План информационно"), "{s}");
    insta::assert_snapshot!("workplans_120x40", s);

    let w = workplans(&app);
    let nodes = w.nodes();
    let pos = |number: &str| {
        nodes
            .iter()
            .position(|n| w.item_number(n.key) == Some(number))
            .unwrap_or_else(|| panic!("no item {number}"))
    };
    let (one, one_one) = (pos("1"), pos("1.1"));
    assert_eq!(one_one, one + 1);
    assert_eq!(nodes[one_one].depth, nodes[one].depth + 1);
    assert!(nodes[one].has_children && nodes[one].expanded);
    assert_eq!(nodes[pos("1.2")].depth, nodes[one_one].depth);
    assert_eq!(nodes[pos("2")].depth, nodes[one].depth);

    // Targets: planned / actual per year, a dash where there is none.
    assert_eq!(w.targets().len(), 3);
    let s = screen(&app, 120, 40);
    let db = sql(&dir);
    let plan_id: i64 = db
        .query_row(
            "SELECT w.id FROM workplan w JOIN authority a ON a.id = w.authority_id
             ORDER BY CASE WHEN a.short_name = '' THEN a.name ELSE a.short_name END, w.year_from, w.id
             LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = db
        .prepare(
            "SELECT v.year, v.planned, v.actual FROM target_value v
             JOIN target_indicator t ON t.id = v.indicator_id WHERE t.workplan_id = ?1 ORDER BY t.id, v.year",
        )
        .unwrap();
    let values: Vec<(i32, Option<f64>, Option<f64>)> = stmt
        .query_map([plan_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!values.is_empty());
    let f = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{x:.0}"));
    for (year, planned, actual) in &values {
        assert!(s.contains(&year.to_string()), "{year}\n{s}");
        let cell = format!("{} / {}", f(*planned), f(*actual));
        assert!(s.contains(&cell), "{cell}\n{s}");
    }
    assert!(values.iter().any(|v| v.1.is_some() && v.2.is_none()));
    assert!(s.contains("Целевые показатели: план / факт"), "{s}");
    insta::assert_snapshot!("workplans_80x24", screen(&app, 80, 24));

    // Collapse «1» with ← and open it again with Enter.
    let w = workplans(&app);
    let one = w
        .nodes()
        .iter()
        .position(|n| w.item_number(n.key) == Some("1"))
        .unwrap();
    let at = w.selected();
    for _ in at..one {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Left);
    let w = workplans(&app);
    assert!(
        !w.nodes()
            .iter()
            .any(|n| w.item_number(n.key) == Some("1.1"))
    );
    press(&mut app, KeyCode::Enter);
    let w = workplans(&app);
    assert!(
        w.nodes()
            .iter()
            .any(|n| w.item_number(n.key) == Some("1.1"))
    );
    // The selected item shows its executors, several of them.
    press(&mut app, KeyCode::Down);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Исполнители:") && s.contains("; "), "{s}");

    // Opening another plan closes the first; its own targets (none here) are shown.
    let second = workplans(&app)
        .nodes()
        .iter()
        .position(|n| n.key == NodeKey::Plan(1))
        .unwrap();
    let at = workplans(&app).selected();
    for _ in at..second {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let w = workplans(&app);
    let node = |key| w.nodes().iter().find(|n| n.key == key).unwrap();
    assert!(node(NodeKey::Plan(1)).expanded);
    assert!(!node(NodeKey::Plan(0)).expanded);
    assert!(w.targets().is_empty());
    let s = screen(&app, 120, 40);
    assert!(s.contains("У плана нет целевых показателей"), "{s}");
    insta::assert_snapshot!("workplans_second_120x40", s);
}

#[test]
fn a_version_1_database_is_upgraded_with_spot_checks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(include_str!("../src/store/migrations/001_initial.sql"))
            .unwrap();
        c.execute_batch(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
               VALUES (1, 'Комитет', 'Регион', '4703083640', '470301001', '1027700132195');
             INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
               VALUES (1, 'Полное имя', 'ГБУ «Тест»', '4703083641', '470301001', '1027700132196', '12345678', 'social', 'Регион');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
               VALUES (1, 2025, 'social', 1, 'Регион', 'published', 'm');
             INSERT INTO membership (id, cycle_id, org_id) VALUES (1, 1, 1);
             INSERT INTO plan_row (id, cycle_id, org_id, number, criterion, measure, planned_date,
                                   implemented_measures, actual_date, status)
               VALUES (1, 1, 1, '1.1', 'К1', 'Мера', '2025-06-01', 'Сделано', '2025-05-20', 'done'),
                      (2, 1, 1, '1.2', 'К1', 'Мера 2', '2025-06-01', '', NULL, 'planned');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let conn = nok::store::open(&path).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, nok::store::schema_version());
    assert!(v >= 2);
    assert_eq!(
        plan_rows::count(&conn, Filter::NotReported, today()).unwrap(),
        1
    );
    use nok::store::spot_check::Verdict;
    let id = nok::service::spot_check::record(&conn, 1, Verdict::Confirmed, "ok").unwrap();
    assert!(id > 0);
    // An open row is refused: only rows marked done are checked.
    let err = nok::service::spot_check::record(&conn, 2, Verdict::Rejected, "").unwrap_err();
    assert!(err.to_string().contains("не отмечена выполненной"), "{err}");
    let sample =
        nok::service::spot_check::draw_sample(&conn, nok::store::spot_check::Scope::All, 10, 1)
            .unwrap();
    assert_eq!(sample, vec![1]);
    // Deleting a row deletes its checks.
    conn.execute("DELETE FROM plan_row WHERE id = 1", [])
        .unwrap();
    assert_eq!(count(&conn, "SELECT count(*) FROM spot_check"), 0);
}

#[test]
fn spot_check_card_of_one_row_fits_the_smallest_terminal() {
    let (_d, mut app) = app();
    go(&mut app, "Планы");
    type_keys(&mut app, "ff");
    assert_eq!(plans(&app).filter(), PlanFilter::Done);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.key_mode(), Mode::Search);
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("Прежних проверок нет") && s.contains("y — подтверждено"),
        "{s}"
    );
    insta::assert_snapshot!("plans_card_80x24", screen(&app, 80, 24));
    // n opens the note; Esc takes the verdict back, Esc again closes the card.
    type_keys(&mut app, "n");
    assert!(screen(&app, 120, 40).contains("не подтверждено — примечание:"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.key_mode(), Mode::Normal);
    assert!(screen(&app, 120, 40).contains("фильтр: выполнено"));
}

#[test]
fn seeking_from_a_row_gives_the_same_rows_as_reading_by_offset() {
    let (d, _app) = app();
    let conn = sql(&d);
    for filter in [
        Filter::All,
        Filter::Overdue,
        Filter::Done,
        Filter::NotReported,
        Filter::DueWithin(365),
    ] {
        let total = plan_rows::count(&conn, filter, today()).unwrap();
        let all = plan_rows::window(&conn, filter, today(), 0, total, total).unwrap();
        assert_eq!(all.len(), total, "{filter:?}");
        for k in [
            0,
            1,
            total / 3,
            total / 2,
            total.saturating_sub(2),
            total - 1,
        ] {
            for n in [1, 7, 50] {
                let after = plan_rows::next_to(&conn, filter, today(), &all[k], true, n).unwrap();
                let want: Vec<i64> = all[k + 1..(k + 1 + n).min(total)]
                    .iter()
                    .map(|r| r.id)
                    .collect();
                let got: Vec<i64> = after.iter().map(|r| r.id).collect();
                assert_eq!(got, want, "{filter:?} after row {k}, {n} rows");
                let before = plan_rows::next_to(&conn, filter, today(), &all[k], false, n).unwrap();
                let want: Vec<i64> = all[k.saturating_sub(n)..k].iter().map(|r| r.id).collect();
                let got: Vec<i64> = before.iter().map(|r| r.id).collect();
                assert_eq!(got, want, "{filter:?} before row {k}, {n} rows");
            }
        }
    }
}

#[test]
fn paging_through_the_whole_list_visits_every_row_once_in_order() {
    let (d, mut app) = app();
    go(&mut app, "Планы");
    // «все» shows every row.
    let conn = sql(&d);
    let total = plan_rows::count(&conn, Filter::All, today()).unwrap();
    let all = plan_rows::window(&conn, Filter::All, today(), 0, total, total).unwrap();
    while plans(&app).filter() != PlanFilter::All {
        type_keys(&mut app, "f");
    }
    assert_eq!(plans(&app).total(), total);
    let _ = draw(&app, 120, 40);
    let mut seen = Vec::new();
    loop {
        let p = plans(&app);
        seen.push(p.selected_row().map(|r| r.id).expect("selected row held"));
        if p.selected() + 1 == total {
            break;
        }
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(seen, all.iter().map(|r| r.id).collect::<Vec<_>>());
    // And back up by pages: the selection lands on the right row each time.
    while plans(&app).selected() > 0 {
        press(&mut app, KeyCode::PageUp);
        let p = plans(&app);
        assert_eq!(p.selected_row().map(|r| r.id), Some(all[p.selected()].id));
    }
}

#[test]
fn counts_come_from_the_worker_after_the_first_and_are_refreshed_on_each_visit() {
    use nok::tui::msg::{Loaded, Request};
    let (d, mut app) = app();
    go(&mut app, "Планы");
    // Shown: counted here once; the worker is asked for every filter, the one shown first.
    let Some(Request::PlanCounts(filters)) = app.requests.last().cloned() else {
        panic!("no count request: {:?}", app.requests);
    };
    assert_eq!(filters.len(), 5);
    assert_eq!(filters[0], Filter::Overdue);
    let conn = sql(&d);
    let overdue = plan_rows::count(&conn, Filter::Overdue, today()).unwrap();
    assert_eq!(plans(&app).total(), overdue);
    // The worker's answers: switching filters then uses them without counting.
    for f in &filters {
        let n = plan_rows::count(&conn, *f, today()).unwrap();
        app.apply(Loaded::PlanCount(*f, n));
    }
    // A count that changed meanwhile (another user's edit) is what the screen shows.
    app.apply(Loaded::PlanCount(Filter::Overdue, overdue - 1));
    assert_eq!(plans(&app).total(), overdue - 1);
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("/{}", overdue - 1)), "{s}");
    type_keys(&mut app, "f");
    assert_eq!(plans(&app).filter(), PlanFilter::DueSoon);
    assert_eq!(
        plans(&app).total(),
        plan_rows::count(
            &conn,
            plans(&app).filter().query(plans(&app).horizon()),
            today()
        )
        .unwrap()
    );
}

#[test]
fn a_plan_row_is_deleted_after_a_question_and_put_back_with_u_but_not_once_spot_checked() {
    let (d, mut app) = app();
    let conn = sql(&d);
    go(&mut app, "Планы");
    let rows = || count(&sql(&d), "SELECT count(*) FROM plan_row");
    let n0 = rows();
    let id = plans(&app).selected_row().expect("a row").id;
    type_keys(&mut app, "d");
    let s = screen(&app, 120, 40);
    assert!(s.contains("Удалить мероприятие плана №"), "{s}");
    type_keys(&mut app, "y");
    assert_eq!(rows(), n0 - 1);
    assert!(
        app.message
            .clone()
            .unwrap_or_default()
            .starts_with("удалено: мероприятие плана")
    );
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'plan_row' AND entity_id = ?1
             AND action = 'delete'",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audited >= 10, "every column of the row: {audited}");
    // The list no longer shows it.
    assert_ne!(plans(&app).selected_row().map(|r| r.id), Some(id));
    type_keys(&mut app, "u");
    assert_eq!(rows(), n0);
    let back: i64 = conn
        .query_row("SELECT count(*) FROM plan_row WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(back, 1);

    // A row someone has spot-checked stays: the check would go with it.
    conn.execute(
        "INSERT INTO spot_check (plan_row_id, checked_at, os_user, verdict) VALUES (?1, '2026-11-20T10:00:00', 'ivanova', 'confirmed')",
        [id],
    )
    .unwrap();
    let _ = screen(&app, 120, 40);
    let sel = plans(&app).selected_row().map(|r| r.id);
    assert_eq!(sel, Some(id), "the restored row is selected again");
    type_keys(&mut app, "d");
    type_keys(&mut app, "y");
    assert_eq!(rows(), n0);
    let s = screen(&app, 120, 40);
    assert!(s.contains("проверяли выборочно"), "{s}");
}
