//! The figures shown first at start («Сводка», the first page of «Организации», the cycle lists'
//! member counts, the counts of «Планы»'s filters, the rating «Рейтинг» opens on) come from small
//! tables that triggers keep up to date (migrations 011, 015, 018, 020 and 021). Here data is changed through every way
//! a person changes it — a form of the terminal UI and `u` (undo), an import, a recompute, and
//! SQL by hand — and after each change what the screens read is compared with the same figures
//! aggregated afresh from the base tables by plain SQL.

mod cli_support;
mod common;
mod import_support;

use chrono::NaiveDate;
use common::{app, ctrl, press, screen, serve, sql, today, type_keys};
use nok::store::{browse, overview};
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;

/// Bins of the distributions, written out here (not taken from the code).
const FLOORS: [f64; 9] = [0.0, 60.0, 65.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0];

fn bin(v: f64) -> usize {
    FLOORS.iter().rposition(|f| v >= *f).unwrap_or(0)
}

/// The summary's figures, aggregated from scores, parts and plan rows by plain SQL.
#[derive(Debug, PartialEq)]
struct Figures {
    assessed: i64,
    /// (sector code, organizations, mean S rounded to 1e-6)
    by_sector: Vec<(String, i64, i64)>,
    totals: [u64; 9],
    /// (criterion, mean rounded to 1e-6, distribution)
    criteria: Vec<(String, i64, [u64; 9])>,
    plan: [i64; 5],
}

/// Means compare to a millionth: the kept sums are exact hundredths, the fresh ones float sums,
/// and the screen shows two decimals.
fn micro(v: f64) -> i64 {
    (v * 1e6).round() as i64
}

fn same(a: &Figures, b: &Figures) -> bool {
    let close = |x: i64, y: i64| (x - y).abs() <= 1;
    a.assessed == b.assessed
        && a.totals == b.totals
        && a.plan == b.plan
        && a.by_sector.len() == b.by_sector.len()
        && a.by_sector
            .iter()
            .zip(&b.by_sector)
            .all(|(x, y)| x.0 == y.0 && x.1 == y.1 && close(x.2, y.2))
        && a.criteria.len() == b.criteria.len()
        && a.criteria
            .iter()
            .zip(&b.criteria)
            .all(|(x, y)| x.0 == y.0 && x.2 == y.2 && close(x.1, y.1))
}

fn fresh(conn: &Connection, year: i32, cycle: Option<i64>, today: NaiveDate) -> Figures {
    let scope = "c.year = ?1 AND (?2 IS NULL OR c.id = ?2)";
    let mut totals = [0u64; 9];
    let mut sectors: std::collections::BTreeMap<String, (i64, f64)> = Default::default();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT c.sector, s.total FROM score s JOIN membership m ON m.id = s.membership_id
             JOIN cycle c ON c.id = m.cycle_id WHERE {scope}"
        ))
        .unwrap();
    let mut rows = stmt.query(rusqlite::params![year, cycle]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let (sector, total): (String, f64) = (r.get(0).unwrap(), r.get(1).unwrap());
        totals[bin(total)] += 1;
        let e = sectors.entry(sector).or_default();
        e.0 += 1;
        e.1 += total;
    }
    let mut criteria: std::collections::BTreeMap<String, (f64, [u64; 9])> = Default::default();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT p.code, p.value FROM score_part p JOIN membership m ON m.id = p.membership_id
             JOIN cycle c ON c.id = m.cycle_id WHERE {scope} AND p.place IS NOT NULL"
        ))
        .unwrap();
    let mut rows = stmt.query(rusqlite::params![year, cycle]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let (code, v): (String, f64) = (r.get(0).unwrap(), r.get(1).unwrap());
        let e = criteria.entry(code).or_default();
        e.0 += v;
        e.1[bin(v)] += 1;
    }
    let day = today.format("%Y-%m-%d").to_string();
    let plan = conn
        .query_row(
            &format!(
                "SELECT count(*), total(p.status = 'done'), total(p.status = 'cancelled'),
                        total(p.status IN ('planned', 'in_progress') AND p.planned_date < ?3),
                        total(p.status IN ('planned', 'in_progress') AND p.planned_date >= ?3
                              AND p.planned_date <= date(?3, '+30 days'))
                 FROM plan_row p JOIN cycle c ON c.id = p.cycle_id WHERE {scope}"
            ),
            rusqlite::params![year, cycle, day],
            |r| {
                Ok([
                    r.get::<_, i64>(0)?,
                    r.get::<_, f64>(1)? as i64,
                    r.get::<_, f64>(2)? as i64,
                    r.get::<_, f64>(3)? as i64,
                    r.get::<_, f64>(4)? as i64,
                ])
            },
        )
        .unwrap();
    Figures {
        assessed: totals.iter().sum::<u64>() as i64,
        by_sector: sectors
            .into_iter()
            .map(|(s, (n, sum))| (s, n, micro(sum / n as f64)))
            .collect(),
        totals,
        criteria: criteria
            .into_iter()
            .map(|(c, (sum, h))| (c.clone(), micro(sum / h.iter().sum::<u64>() as f64), h))
            .collect(),
        plan,
    }
}

/// What the summary screen is given, in the same shape.
fn shown(conn: &Connection, year: i32, cycle: Option<i64>, today: NaiveDate) -> Figures {
    let o = overview::read(conn, overview::Scope { year, cycle }, today).unwrap();
    let mut by_sector: Vec<(String, i64, i64)> = o
        .by_sector
        .iter()
        .map(|(s, n, mean)| (s.code().to_string(), *n, micro(*mean)))
        .collect();
    by_sector.sort();
    Figures {
        assessed: o.assessed,
        by_sector,
        totals: o.total_histogram.counts,
        criteria: o
            .criteria
            .iter()
            .map(|c| (c.code.clone(), micro(c.mean), c.histogram.counts))
            .collect(),
        plan: [
            o.plan_rows,
            o.plan_done,
            o.plan_cancelled,
            o.plan_overdue,
            o.due_30_days,
        ],
    }
}

/// Every scope the summary can show (each year, and each cycle of it) on two days, and the
/// first page of the organization list, against fresh aggregates.
fn check(conn: &Connection, after: &str) {
    let cycles: Vec<(i64, i32)> = conn
        .prepare("SELECT id, year FROM cycle ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut years: Vec<i32> = cycles.iter().map(|c| c.1).collect();
    years.dedup();
    assert!(!years.is_empty());
    let days = [today(), NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()];
    for day in days {
        for &year in &years {
            let scopes = std::iter::once(None)
                .chain(cycles.iter().filter(|c| c.1 == year).map(|c| Some(c.0)));
            for cycle in scopes {
                let (kept, want) = (shown(conn, year, cycle, day), fresh(conn, year, cycle, day));
                // The nearest deadlines: the first twelve open rows due within 30 days.
                let o = overview::read(conn, overview::Scope { year, cycle }, day).unwrap();
                let near: Vec<(String, String)> = o
                    .nearest
                    .iter()
                    .map(|r| {
                        (
                            r.planned_date.format("%Y-%m-%d").to_string(),
                            r.number.clone(),
                        )
                    })
                    .collect();
                let want_near: Vec<(String, String)> = conn
                    .prepare(
                        "SELECT p.planned_date, p.number FROM plan_row p JOIN cycle c ON c.id = p.cycle_id
                         WHERE p.status IN ('planned', 'in_progress') AND p.planned_date >= ?3
                           AND p.planned_date <= date(?3, '+30 days')
                           AND c.year = ?1 AND (?2 IS NULL OR c.id = ?2)
                         ORDER BY p.planned_date, p.id LIMIT 12",
                    )
                    .unwrap()
                    .query_map(
                        rusqlite::params![year, cycle, day.format("%Y-%m-%d").to_string()],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                assert_eq!(
                    near, want_near,
                    "after {after}: year {year}, cycle {cycle:?}, {day}"
                );
                assert!(
                    same(&kept, &want),
                    "after {after}: year {year}, cycle {cycle:?}, {day}:\n{kept:?}\n{want:?}"
                );
            }
        }
    }
    // Members per cycle, as the cycle lists of «Сводка» and «Рейтинг» show them.
    let listed: Vec<(i64, i64)> = nok::store::cycles::list_brief(conn)
        .unwrap()
        .iter()
        .map(|c| (c.id, c.orgs))
        .collect();
    let counted: Vec<(i64, i64)> = conn
        .prepare(
            "SELECT c.id, (SELECT count(*) FROM membership m WHERE m.cycle_id = c.id)
             FROM cycle c ORDER BY c.year, c.region, c.sector, c.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(listed, counted, "after {after}: members per cycle");
    // The counts of every filter of «Планы», on both days.
    for day in days {
        let d = day.format("%Y-%m-%d").to_string();
        let until = (day + chrono::Days::new(30)).format("%Y-%m-%d").to_string();
        let want: [i64; 5] = conn
            .query_row(
                "SELECT total(status IN ('planned', 'in_progress') AND planned_date < ?1),
                        total(status IN ('planned', 'in_progress') AND planned_date >= ?1
                              AND planned_date <= ?2),
                        total(status = 'done'),
                        total(status IN ('planned', 'in_progress') AND planned_date < ?1
                              AND implemented_measures = ''),
                        count(*)
                 FROM plan_row",
                [&d, &until],
                |r| {
                    Ok([
                        r.get::<_, f64>(0)? as i64,
                        r.get::<_, f64>(1)? as i64,
                        r.get::<_, f64>(2)? as i64,
                        r.get::<_, f64>(3)? as i64,
                        r.get::<_, i64>(4)?,
                    ])
                },
            )
            .unwrap();
        use nok::store::plan_rows::{Filter, count};
        let got = [
            Filter::Overdue,
            Filter::DueWithin(30),
            Filter::Done,
            Filter::NotReported,
            Filter::All,
        ]
        .map(|f| count(conn, f, day).unwrap() as i64);
        assert_eq!(got, want, "after {after}: plan filter counts on {day}");
    }
    // The first page of the list is the start of the whole list in name order.
    let (page, total) = browse::first_page(conn, today(), 30).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM organization", [], |r| r.get(0))
        .unwrap();
    assert_eq!(total as i64, n, "after {after}");
    let whole =
        nok::tui::lists::organizations::OrgList::new(browse::org_index(conn, today()).unwrap());
    let start: Vec<_> = whole
        .view
        .iter()
        .take(30)
        .map(|&i| whole.keys[i as usize].clone())
        .collect();
    assert_eq!(page, start, "after {after}");
    check_rating(conn, after);
}

/// The rating by S of every cycle as «Рейтинг» reads it (`ranking::ranked`) against plain SQL,
/// and the kept order itself, row by row, against the rows derived afresh. Returns the cycles.
fn check_rating_order(conn: &Connection, after: &str) -> Vec<i64> {
    use nok::store::ranking;
    let cycles: Vec<i64> = conn
        .prepare("SELECT id FROM cycle ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for &c in &cycles {
        let read: Vec<Rank> = ranking::ranked(conn, c, None, None)
            .unwrap()
            .iter()
            .map(|r| (r.membership_id, r.org_id, r.value, r.place))
            .collect();
        assert_eq!(
            read,
            fresh_rating(conn, c),
            "after {after}: rating of cycle {c}"
        );
    }

    // The kept order row by row (a missing trigger leaves a row stale even where the order of
    // ids happens to stay the same, e.g. a renamed organization alone on its place).
    let rows = |sql: &str| -> Vec<(i64, i64, u32, String, i64, f64, String)> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let kept = rows(
        "SELECT membership_id, cycle_id, place, short_name, org_id, total, grp FROM rating_order
         ORDER BY membership_id",
    );
    let derived = rows(
        "SELECT m.id, m.cycle_id, s.place, o.short_name, o.id, s.total, m.grp
         FROM membership m JOIN score s ON s.membership_id = m.id
         JOIN organization o ON o.id = m.org_id ORDER BY m.id",
    );
    assert_eq!(kept, derived, "after {after}: the kept rating order");
    cycles
}

/// A member in rating order: (membership id, organization id, S, place).
type Rank = (i64, i64, f64, u32);

/// The cycle's scored members by S, best first, equal places by short name (byte order) and
/// organization id: plain SQL over the base tables.
fn fresh_rating(conn: &Connection, cycle: i64) -> Vec<Rank> {
    conn.prepare(
        "SELECT m.id, m.org_id, s.total, s.place FROM membership m
         JOIN score s ON s.membership_id = m.id JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1 ORDER BY s.place, o.short_name, o.id",
    )
    .unwrap()
    .query_map([cycle], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The rating of every cycle as «Рейтинг» reads it, and what the worker reads for it at start
/// (the default cycle's whole list, its groups, the rows of the first window), against plain
/// SQL; and the kept order itself, row by row, against the rows derived afresh.
fn check_rating(conn: &Connection, after: &str) {
    let cycles = check_rating_order(conn, after);
    let listed = nok::store::cycles::list_brief(conn).unwrap();
    let nok::tui::msg::Loaded::Rating(start) = nok::tui::worker::rating_start(conn, listed) else {
        panic!("the rating's start is a rating");
    };
    let start = (*start).unwrap();
    let Some(i) = start.cycle else {
        assert!(cycles.is_empty(), "after {after}: no cycle ranked at start");
        return;
    };
    let c = start.cycles[i].id;
    let want = fresh_rating(conn, c);
    let list: Vec<Rank> = start
        .list
        .iter()
        .map(|r| (r.membership_id, r.org_id, r.value, r.place))
        .collect();
    assert_eq!(list, want, "after {after}: rating at start, cycle {c}");
    // The first window's rows are the first members of the fresh order, with their names and
    // figures as stored.
    let mut window: Vec<(i64, String, f64, u32, String)> = start
        .rows
        .iter()
        .map(|r| {
            (
                r.membership_id,
                r.name.clone(),
                r.total,
                r.place,
                r.group.clone(),
            )
        })
        .collect();
    window.sort_by_key(|r| r.0);
    let mut first: Vec<(i64, String, f64, u32, String)> = conn
        .prepare(
            "SELECT m.id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                    s.total, s.place, m.grp
             FROM membership m JOIN score s ON s.membership_id = m.id
             JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 ORDER BY s.place, o.short_name, o.id LIMIT 150",
        )
        .unwrap()
        .query_map([c], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    first.sort_by_key(|r| r.0);
    assert_eq!(
        window, first,
        "after {after}: first window at start, cycle {c}"
    );
    // Groups with their scored members, and the members not scored.
    let groups: Vec<(String, i64)> = conn
        .prepare(
            "SELECT m.grp, count(*) FROM membership m JOIN score s ON s.membership_id = m.id
             JOIN organization o ON o.id = m.org_id WHERE m.cycle_id = ?1
             GROUP BY m.grp ORDER BY m.grp",
        )
        .unwrap()
        .query_map([c], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let shown: Vec<(String, i64)> = start
        .groups
        .iter()
        .map(|g| (g.name.clone(), g.scored))
        .collect();
    assert_eq!(shown, groups, "after {after}: groups at start, cycle {c}");
    let unscored: i64 = conn
        .query_row(
            "SELECT count(*) FROM membership m WHERE m.cycle_id = ?1
             AND NOT EXISTS (SELECT 1 FROM score s WHERE s.membership_id = m.id)",
            [c],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(start.unscored, unscored, "after {after}: unscored at start");
}

fn scored_cycle(conn: &Connection) -> (i64, String) {
    conn.query_row(
        "SELECT c.id, c.methodology FROM cycle c WHERE EXISTS (SELECT 1 FROM membership m
         JOIN score s ON s.membership_id = m.id WHERE m.cycle_id = c.id) ORDER BY c.year DESC, c.id LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// Moves the focus of the open form to the field labelled `label` and types `text` into it (as
/// `tests/tui_records.rs` does).
fn field(app: &mut nok::tui::app::App, label: &str, text: &str) {
    for _ in 0..30 {
        let form: &nok::tui::form::record::RecordForm = app
            .current()
            .as_any()
            .downcast_ref()
            .unwrap_or_else(|| panic!("a record form is open:\n{}", screen(app, 120, 40)));
        if form.form.fields[form.form.focus].label == label {
            type_keys(app, text);
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no field «{label}»");
}

#[test]
fn figures_shown_at_start_follow_every_way_of_writing() {
    let (dir, mut app) = app();
    let conn = sql(&dir);
    check(&conn, "building the demo");

    // A form: a plan row added from an organization's card, then taken back by `u`.
    let rows = |c: &Connection| -> i64 {
        c.query_row("SELECT count(*) FROM plan_row", [], |r| r.get(0))
            .unwrap()
    };
    let n0 = rows(&conn);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "a");
    field(&mut app, "Мероприятие", "Установить пандус у входа");
    field(&mut app, "Плановый срок", "01.12.2026");
    ctrl(&mut app, 's');
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.starts_with("добавлено: строка плана"), "{msg}");
    assert_eq!(rows(&conn), n0 + 1);
    check(&conn, "a plan row saved by a form");
    type_keys(&mut app, "u");
    assert_eq!(rows(&conn), n0);
    check(&conn, "undo of the form");

    // The summary screen shows what was read: its totals line after the worker's answers.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    type_keys(&mut app, "1");
    let c = sql(&dir);
    serve(&mut app, &c);
    let year: i32 = conn
        .query_row("SELECT max(year) FROM cycle", [], |r| r.get(0))
        .unwrap();
    let f = fresh(&conn, year, None, today());
    let text = screen(&app, 120, 40);
    assert!(
        text.contains(&format!("Оценено организаций: {}", f.assessed)),
        "{text}"
    );
    assert!(
        text.contains(&format!("Строк планов: {} ", f.plan[0])),
        "{text}"
    );

    // A form: an organization renamed on its card (`r`), so that it sorts first among its
    // equals in the rating, then taken back by `u`.
    type_keys(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "r");
    let name = "0 Переименованная";
    field(&mut app, "Краткое наименование", "");
    for _ in 0..500 {
        press(&mut app, KeyCode::Backspace);
    }
    type_keys(&mut app, name);
    ctrl(&mut app, 's');
    let (renamed, members): (i64, i64) = conn
        .query_row(
            "SELECT o.id, (SELECT count(*) FROM membership m JOIN score s ON s.membership_id = m.id
                           WHERE m.org_id = o.id)
             FROM organization o WHERE o.short_name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or_else(|e| panic!("renamed by the form: {e}\n{}", screen(&app, 120, 40)));
    assert!(members > 0, "the organization renamed is ranked somewhere");
    check(&conn, "an organization renamed by a form");
    type_keys(&mut app, "u");
    let back: String = conn
        .query_row(
            "SELECT short_name FROM organization WHERE id = ?1",
            [renamed],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(back, name, "undo took the name back");
    check(&conn, "undo of the rename");
    press(&mut app, KeyCode::Esc);

    // An import of an improvement plan (the real `nok`, as a person runs it).
    let (cycle, inn): (i64, String) = conn
        .query_row(
            "SELECT m.cycle_id, o.inn FROM membership m JOIN organization o ON o.id = m.org_id
             ORDER BY m.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let db = dir.path().join("demo.sqlite");
    let plan =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/plan.txt");
    let out = cli_support::nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            "plan",
            plan.to_str().unwrap(),
            "--cycle",
            &cycle.to_string(),
            "--org",
            &inn,
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check(&conn, "nok import plan");

    // An import of inputs: the cycle's template with one count set to nothing done for its
    // first member (the scores go stale; the recompute below takes them in).
    let (cycle, _) = scored_cycle(&conn);
    let template = dir.path().join("шаблон.csv");
    let out = cli_support::nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "export",
            "table",
            "template",
            "--cycle",
            &cycle.to_string(),
            "--out",
            template.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&template).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(';').collect();
    let col = header
        .iter()
        .position(|h| h.starts_with("1.1 Число материалов, размещенных на информационных стендах"))
        .expect("a count of 1.1 in the template");
    let mut cells: Vec<String> = lines[1].split(';').map(str::to_string).collect();
    cells[col] = "0".to_string();
    lines[1] = cells.join(";");
    std::fs::write(&template, lines.join("\r\n")).unwrap();
    let out = cli_support::nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            "inputs",
            template.to_str().unwrap(),
            "--cycle",
            &cycle.to_string(),
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    check(&conn, "nok import inputs");

    // An import of organizations: two new ones whose names sort first (the load writes their
    // sort keys and the row count itself, with the per-row insert triggers stood aside), and a
    // stored one renamed so that it sorts first of all (the update trigger of its sort key).
    let orgs_before: i64 = conn
        .query_row("SELECT count(*) FROM organization", [], |r| r.get(0))
        .unwrap();
    let (stored_inn, stored_kpp, stored_reg): (String, String, String) = conn
        .query_row(
            "SELECT inn, kpp, reg_num FROM organization ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let orgs = dir.path().join("организации.csv");
    std::fs::write(
        &orgs,
        format!(
            "\u{feff}Полное наименование;Сокращенное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\r\n\
             ГБУ «Абажур»;ааб из файла;{};781001001;{};780Щ0001;культура;Санкт-Петербург\r\n\
             ;ААА переименована;{stored_inn};{stored_kpp};;{stored_reg};;\r\n\
             ГБУ «Абрикос»;ааа из файла;{};781001001;{};780Щ0002;культура;Санкт-Петербург\r\n",
            import_support::inn(9001),
            import_support::ogrn(9001),
            import_support::inn(9002),
            import_support::ogrn(9002),
        ),
    )
    .unwrap();
    let out = cli_support::nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            "orgs",
            orgs.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let n: i64 = conn
        .query_row("SELECT count(*) FROM organization", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, orgs_before + 2, "two organizations added");
    // Their sort keys, written out by hand: the short name, capitals made small.
    for (reg, key) in [
        ("780Щ0001", "ааб из файла"),
        ("780Щ0002", "ааа из файла"),
        (stored_reg.as_str(), "ааа переименована"),
    ] {
        let got: String = conn
            .query_row(
                "SELECT s.name_key FROM organization_sort s
                 JOIN organization o ON o.id = s.org_id WHERE o.reg_num = ?1",
                [reg],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(got, key, "the sort key of {reg}");
    }
    check(&conn, "nok import orgs");

    // A recompute after inputs changed (by hand and by the import), through `nok score`.
    let sum_sql = "SELECT total(s.total) FROM score s JOIN membership m ON m.id = s.membership_id
                   WHERE m.cycle_id = ?1";
    let sum_before: f64 = conn.query_row(sum_sql, [cycle], |r| r.get(0)).unwrap();
    conn.execute(
        "UPDATE indicator_input SET value = CAST(value / 2 AS INTEGER)
         WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1 ORDER BY id LIMIT 5)",
        [cycle],
    )
    .unwrap();
    let out = cli_support::nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "score",
            "--cycle",
            &cycle.to_string(),
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sum_after: f64 = conn.query_row(sum_sql, [cycle], |r| r.get(0)).unwrap();
    assert_ne!(sum_before, sum_after, "the recompute changed scores");
    check(&conn, "nok score");

    // SQL by hand: a plan row's status and date, an organization's name, a member deleted with
    // its score, parts and plan rows, a score changed, then a whole cycle deleted.
    conn.execute_batch(
        "UPDATE plan_row SET status = 'in_progress', planned_date = '2026-12-01'
             WHERE id = (SELECT min(id) FROM plan_row WHERE status = 'planned');
         UPDATE organization SET short_name = 'ААА первая' WHERE id = (SELECT max(id) FROM organization);
         UPDATE organization SET short_name = 'ааб вторая' WHERE id = (SELECT min(id) FROM organization);",
    )
    .unwrap();
    check(&conn, "plan row and names changed by hand");
    conn.execute_batch(
        "INSERT INTO organization (full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
             VALUES ('Новая организация', 'Новая', '7701234568', '770101001', '1027700132196',
                     '99999999', 'social', 'Область');
         DELETE FROM organization WHERE id = (SELECT min(o.id) FROM organization o
             WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.org_id = o.id)
               AND o.short_name <> 'Новая');",
    )
    .unwrap();
    check(&conn, "an organization added and another deleted by hand");
    conn.execute(
        "UPDATE membership SET cycle_id = (SELECT max(id) FROM cycle)
         WHERE id = (SELECT min(m.id) FROM membership m WHERE m.cycle_id <> (SELECT max(id) FROM cycle)
           AND NOT EXISTS (SELECT 1 FROM membership x WHERE x.org_id = m.org_id
                           AND x.cycle_id = (SELECT max(id) FROM cycle))
           AND NOT EXISTS (SELECT 1 FROM plan_row p WHERE p.cycle_id = m.cycle_id AND p.org_id = m.org_id))",
        [],
    )
    .unwrap();
    check(&conn, "a member moved to another cycle by hand");
    // A scored member moved to another group, then to another cycle.
    conn.execute(
        "UPDATE membership SET grp = 'другая группа'
         WHERE id = (SELECT max(m.id) FROM membership m JOIN score s ON s.membership_id = m.id
                     WHERE m.cycle_id = ?1)",
        [cycle],
    )
    .unwrap();
    check(&conn, "a scored member moved to another group by hand");
    // (Its plan rows, shortcomings and plan header refer to its place in the cycle: they go
    // first.)
    let (member, org): (i64, i64) = conn
        .query_row(
            "SELECT max(m.id), m.org_id FROM membership m JOIN score s ON s.membership_id = m.id
             WHERE m.cycle_id = ?1 AND NOT EXISTS (SELECT 1 FROM membership x
                 WHERE x.org_id = m.org_id
                   AND x.cycle_id = (SELECT min(c.id) FROM cycle c WHERE c.id <> ?1))",
            [cycle],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    for table in ["plan_act", "plan_row", "plan_header", "shortcoming"] {
        conn.execute(
            &format!("DELETE FROM {table} WHERE cycle_id = ?1 AND org_id = ?2"),
            [cycle, org],
        )
        .unwrap();
    }
    let moved = conn
        .execute(
            "UPDATE membership SET cycle_id = (SELECT min(c.id) FROM cycle c WHERE c.id <> ?1)
             WHERE id = ?2",
            [cycle, member],
        )
        .unwrap();
    assert_eq!(moved, 1, "a scored member can move");
    check(&conn, "a scored member moved to another cycle by hand");
    // An organization added with a score in the cycle, then removed with its member and score
    // (the foreign keys' cascade, as `nok` deletes).
    conn.execute_batch(&format!(
        "INSERT INTO organization (full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
             VALUES ('Еще одна организация', 'Еще одна', '7701234569', '770101001', '1027700132197',
                     '99999998', 'social', 'Область');
         INSERT INTO membership (cycle_id, org_id, grp)
             VALUES ({cycle}, (SELECT id FROM organization WHERE reg_num = '99999998'), '');
         INSERT INTO score (membership_id, methodology, total, place, ranked, group_place,
                            group_ranked, computed_at)
             SELECT max(id), '2018', 100, 1, 1, 1, 1, 'вручную' FROM membership;"
    ))
    .unwrap();
    check(
        &conn,
        "an organization added to a cycle with a score by hand",
    );
    let keys: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         DELETE FROM membership
             WHERE org_id = (SELECT id FROM organization WHERE reg_num = '99999998');
         DELETE FROM organization WHERE reg_num = '99999998';",
    )
    .unwrap();
    conn.pragma_update(None, "foreign_keys", keys).unwrap();
    check(&conn, "an organization removed with its member by hand");
    // An organization deleted by hand with foreign keys off (as the sqlite3 shell runs): its
    // members stay behind, pointing nowhere, and drop out of the rating; the kept order must
    // too. Then its members go as well.
    let gone: i64 = conn
        .query_row(
            "SELECT max(m.org_id) FROM membership m JOIN score s ON s.membership_id = m.id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // (Its plan rows, shortcomings and plan headers go first, as the shell would refuse
    // nothing and leave them pointing nowhere too.)
    for table in ["plan_act", "plan_row", "plan_header", "shortcoming"] {
        conn.execute(&format!("DELETE FROM {table} WHERE org_id = ?1"), [gone])
            .unwrap();
    }
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF; DELETE FROM organization WHERE id = {gone};"
    ))
    .unwrap();
    check_rating_order(&conn, "an organization deleted by hand, foreign keys off");
    conn.pragma_update(None, "foreign_keys", keys).unwrap();
    conn.execute("DELETE FROM membership WHERE org_id = ?1", [gone])
        .unwrap();
    check(
        &conn,
        "the members of a deleted organization deleted by hand",
    );
    // A ranked member deleted by hand with foreign keys off: its score stays behind, pointing
    // nowhere, and drops out of the rating; then it goes too.
    let (member, cycle_of, org_of): (i64, i64, i64) = conn
        .query_row(
            "SELECT m.id, m.cycle_id, m.org_id FROM membership m
             WHERE m.id = (SELECT max(s.membership_id) FROM score s
                           JOIN membership x ON x.id = s.membership_id)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    for table in ["plan_act", "plan_row", "plan_header", "shortcoming"] {
        conn.execute(
            &format!("DELETE FROM {table} WHERE cycle_id = ?1 AND org_id = ?2"),
            [cycle_of, org_of],
        )
        .unwrap();
    }
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF; DELETE FROM membership WHERE id = {member};"
    ))
    .unwrap();
    check_rating_order(&conn, "a member deleted by hand, foreign keys off");
    conn.execute("DELETE FROM score WHERE membership_id = ?1", [member])
        .unwrap();
    conn.execute("DELETE FROM score_parts WHERE membership_id = ?1", [member])
        .unwrap();
    conn.pragma_update(None, "foreign_keys", keys).unwrap();
    check(&conn, "the score of a deleted member deleted by hand");
    conn.execute(
        "DELETE FROM membership WHERE id = (SELECT min(m.id) FROM membership m
         JOIN score s ON s.membership_id = m.id WHERE m.cycle_id = ?1)",
        [cycle],
    )
    .unwrap();
    check(&conn, "a member deleted");
    conn.execute(
        "UPDATE score SET total = 59.99 WHERE membership_id = (SELECT max(membership_id) FROM score)",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE score_part SET value = 99.5 WHERE membership_id = (SELECT max(membership_id) FROM score)
         AND code = (SELECT min(code) FROM score_part WHERE place IS NOT NULL
                     AND membership_id = (SELECT max(membership_id) FROM score))",
        [],
    )
    .unwrap();
    check(&conn, "a score and a criterion changed by hand");
    conn.execute(
        "DELETE FROM score WHERE membership_id = (SELECT min(membership_id) FROM score)",
        [],
    )
    .unwrap();
    check(
        &conn,
        "a member's score deleted by hand (the member stays, unscored)",
    );
    conn.execute("DELETE FROM cycle WHERE id = ?1", [cycle])
        .unwrap();
    check(&conn, "a cycle deleted");
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM cycle_value_bin WHERE cycle_id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "a deleted cycle leaves no figures");
}

/// The figures after a recompute of one cycle, both ways it keeps them (migration 019): writing
/// most of the cycle's results (a first computation, many scores changed) the per-row triggers
/// stand aside and the cycle's figures and rating order are rebuilt set-based; writing a few, the
/// triggers follow each row. A recompute that fails half-way leaves the triggers on and the
/// figures as they were.
#[test]
fn a_recompute_keeps_the_figures_whether_it_writes_many_rows_or_few() {
    use nok::service::methodology::Methods;
    use nok::service::recompute::recompute_cycle;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let methods = Methods::builtin().unwrap();
    let opts = nok::service::demo::DemoOptions {
        orgs: 400,
        seed: 19,
        today: today(),
    };
    let mut conn = nok::service::demo::open_or_build(&path, &opts, false, &methods, &mut |_| {})
        .unwrap()
        .conn;
    check(&conn, "building the demo");
    let (cycle, members): (i64, i64) = conn
        .query_row(
            "SELECT m.cycle_id, count(*) FROM membership m JOIN score s ON s.membership_id = m.id
             GROUP BY m.cycle_id ORDER BY count(*) DESC, m.cycle_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(members >= 20, "a cycle of {members} members");
    let totals = |conn: &Connection| -> Vec<(i64, f64)> {
        conn.prepare(
            "SELECT s.membership_id, s.total FROM score s JOIN membership m ON m.id = s.membership_id
             WHERE m.cycle_id = ?1 ORDER BY 1",
        )
        .unwrap()
        .query_map([cycle], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let mark_left = |conn: &Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM recompute_bulk_write", [], |r| {
            r.get(0)
        })
        .unwrap()
    };

    // A first computation: the cycle's results deleted by hand (the triggers take them out of
    // the figures), then every row written anew.
    let before = totals(&conn);
    conn.execute_batch(&format!(
        "DELETE FROM score_parts WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});
         DELETE FROM score WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});"
    ))
    .unwrap();
    check(&conn, "the cycle's results deleted by hand");
    let done = recompute_cycle(&mut conn, &methods, cycle).unwrap();
    assert!(done.rebuilt_in_bulk, "a first computation writes every row");
    assert_eq!(
        totals(&conn),
        before,
        "the same inputs give the same totals"
    );
    assert_eq!(mark_left(&conn), 0, "the mark is gone with the transaction");
    check(&conn, "a first computation");

    // A re-run that changes nothing writes nothing.
    let done = recompute_cycle(&mut conn, &methods, cycle).unwrap();
    assert!(!done.rebuilt_in_bulk);
    check(&conn, "a re-run that changes nothing");

    // A re-run that changes one score: the stored total of the last-placed member changed by
    // hand (its place stays), then put right by the recompute — two rows, kept by the triggers.
    let last: i64 = conn
        .query_row(
            "SELECT s.membership_id FROM score s JOIN membership m ON m.id = s.membership_id
             WHERE m.cycle_id = ?1 ORDER BY s.place DESC, s.membership_id DESC LIMIT 1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE score SET total = total / 2 WHERE membership_id = ?1",
        [last],
    )
    .unwrap();
    check(&conn, "a stored total changed by hand");
    let done = recompute_cycle(&mut conn, &methods, cycle).unwrap();
    assert!(!done.rebuilt_in_bulk, "one row of {members} written");
    assert_eq!(totals(&conn), before);
    check(&conn, "a re-run that puts one score right");

    // A re-run that changes many scores: every count of two thirds of the members halved (some
    // become unscorable and lose their results).
    conn.execute(
        "UPDATE indicator_input SET value = CAST(value / 2 AS INTEGER)
         WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1 AND id % 3 <> 0)",
        [cycle],
    )
    .unwrap();
    let done = recompute_cycle(&mut conn, &methods, cycle).unwrap();
    assert!(done.rebuilt_in_bulk, "most rows written");
    let after = totals(&conn);
    assert_ne!(after, before, "the recompute changed scores");
    assert_eq!(mark_left(&conn), 0);
    check(&conn, "a re-run that changes many scores");

    // A first computation that fails half-way (a trigger of this connection refuses the parts of
    // a member whose inputs were left alone): nothing of it stays, the mark included, and the
    // triggers work for the next writes.
    let refused: i64 = conn
        .query_row(
            "SELECT max(s.membership_id) FROM score s JOIN membership m ON m.id = s.membership_id
             WHERE m.cycle_id = ?1 AND m.id % 3 = 0",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch(&format!(
        "DELETE FROM score_parts WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});
         DELETE FROM score WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});
         CREATE TEMP TRIGGER refuse AFTER INSERT ON main.score_parts
         WHEN NEW.membership_id = {refused}
         BEGIN SELECT RAISE(ABORT, 'refused'); END;"
    ))
    .unwrap();
    assert!(recompute_cycle(&mut conn, &methods, cycle).is_err());
    assert_eq!(mark_left(&conn), 0, "a rollback takes the mark away");
    assert!(totals(&conn).is_empty());
    check(&conn, "a recompute that failed");
    conn.execute_batch("DROP TRIGGER temp.refuse").unwrap();
    let done = recompute_cycle(&mut conn, &methods, cycle).unwrap();
    assert!(done.rebuilt_in_bulk);
    assert_eq!(totals(&conn), after);
    check(&conn, "the first computation again");
    let changed = conn
        .execute(
            "UPDATE score SET total = 1 WHERE membership_id = ?1",
            [refused],
        )
        .unwrap();
    assert_eq!(changed, 1);
    check(&conn, "a total changed by hand after the recompute");
}

/// The plan totals per cycle and status (migration 020) follow every kind of change of a planned
/// day (migration 021 answers a change of the count alone with one statement, a move of the day
/// to another cycle or status with two): counts changed by plan rows added, moved and deleted,
/// and days moved by hand to another status and another cycle. Compared with the days added up
/// by plain SQL.
#[test]
fn plan_totals_follow_a_day_changed_in_count_status_or_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let methods = nok::service::methodology::Methods::builtin().unwrap();
    let opts = nok::service::demo::DemoOptions {
        orgs: 60,
        seed: 21,
        today: today(),
    };
    let conn = nok::service::demo::open_or_build(&path, &opts, false, &methods, &mut |_| {})
        .unwrap()
        .conn;
    type Totals = Vec<(i64, String, i64)>;
    let totals = |conn: &Connection| -> (Totals, Totals) {
        let read = |sql: &str| -> Totals {
            conn.prepare(sql)
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        (
            read("SELECT cycle_id, status, n FROM cycle_plan_status WHERE n <> 0 ORDER BY 1, 2"),
            read("SELECT cycle_id, status, count(*) FROM plan_row GROUP BY 1, 2 ORDER BY 1, 2"),
        )
    };
    let (kept, want) = totals(&conn);
    assert!(
        want.len() >= 3,
        "the demo has plan rows in several statuses: {want:?}"
    );
    assert_eq!(kept, want, "after building the demo");

    // Counts: rows moved between statuses in bulk, a row deleted, a row added by copying one.
    conn.execute_batch(
        "UPDATE plan_row SET status = 'in_progress' WHERE status = 'planned' AND id % 2 = 0;
         DELETE FROM plan_row WHERE id = (SELECT max(id) FROM plan_row);
         INSERT INTO plan_row (cycle_id, org_id, number, criterion, measure, planned_date, status)
             SELECT cycle_id, org_id, number || '.1', criterion, measure, planned_date, 'planned'
             FROM plan_row WHERE id = (SELECT min(id) FROM plan_row);",
    )
    .unwrap();
    let (kept, want) = totals(&conn);
    assert_eq!(kept, want, "after plan rows moved, deleted and added");

    // Days moved by hand: to another status, then to another cycle. The totals follow the days
    // (not the plan rows now), so compare with the days added up.
    let by_days = |conn: &Connection| -> Totals {
        conn.prepare(
            "SELECT cycle_id, status, sum(n) FROM cycle_plan_day GROUP BY 1, 2 HAVING sum(n) <> 0
             ORDER BY 1, 2",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    conn.execute_batch(
        "UPDATE cycle_plan_day SET status = 'cancelled'
             WHERE (cycle_id, status, planned_date) =
                 (SELECT cycle_id, status, planned_date FROM cycle_plan_day
                  WHERE status = 'in_progress' ORDER BY n DESC, planned_date LIMIT 1);",
    )
    .unwrap();
    assert_eq!(
        totals(&conn).0,
        by_days(&conn),
        "after a day moved to another status"
    );
    let cycles: i64 = conn
        .query_row(
            "SELECT count(DISTINCT cycle_id) FROM cycle_plan_day",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(cycles >= 2, "plan days in {cycles} cycles");
    conn.execute_batch(
        "UPDATE cycle_plan_day SET cycle_id = (SELECT max(cycle_id) FROM cycle_plan_day),
                                   planned_date = '1999-01-01'
             WHERE (cycle_id, status, planned_date) =
                 (SELECT cycle_id, status, planned_date FROM cycle_plan_day
                  WHERE cycle_id = (SELECT min(cycle_id) FROM cycle_plan_day)
                  ORDER BY n DESC, planned_date LIMIT 1);",
    )
    .unwrap();
    assert_eq!(
        totals(&conn).0,
        by_days(&conn),
        "after a day moved to another cycle"
    );
}
