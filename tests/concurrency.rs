//! Several people at once on one database file: nine CLI writers (`nok plans status` on the same
//! and on different plan rows, `nok score`, `nok import orgs`, `nok export busgov`), a reader
//! loading what the terminal UI loads, and an online backup, for a bounded time. No «database is locked» reaches anyone, no update is lost
//! (row versions and the audit log account for every change), and the database checks clean.
//!
//! Extension point: another writer is one more entry in
//! `writers` with its own [`Writer`] variant, its successful runs counted the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rusqlite::Connection;

#[path = "scale_support/mod.rs"]
mod scale_support;

const TODAY: &str = "22.11.2026";
/// How long the writers keep writing.
const RUN_FOR: Duration = Duration::from_secs(4);

fn nok(args: &[&str], db: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nok"))
        .arg("--db")
        .arg(db)
        .arg("--today")
        .arg(TODAY)
        .args(args)
        .env("HOME", db.parent().unwrap())
        .env("XDG_DATA_HOME", db.parent().unwrap().join("data"))
        .env_remove("NOK_DB")
        .env_remove("NOK_METHODOLOGY_DIR")
        .output()
        .expect("run nok")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[derive(Debug, Clone, Copy)]
enum Writer {
    /// Cycles the status of one plan row.
    Status { row: i64 },
    /// Recomputes one cycle.
    Score { cycle: i64 },
    /// Imports a file of new organizations each run.
    Import,
    /// Exports the cycle's bus.gov.ru package (all three kinds) into a new folder each run.
    Export { cycle: i64 },
}

/// Organizations in each file an import writer loads.
const IMPORT_ROWS: u32 = 20;

/// What one writer saw: for each plan-row write that changed something, (row, version after,
/// number of fields changed); for each recompute, the cycle.
#[derive(Debug, Default)]
struct Seen {
    written: Vec<(i64, i64, usize)>,
    unchanged: usize,
    recomputed: Vec<i64>,
    imported: usize,
    exported: usize,
}

/// Runs `writer` again and again until `stop`; every run must succeed.
fn run_writer(db: &Path, me: usize, writer: Writer, stop: &AtomicBool) -> Seen {
    let mut seen = Seen::default();
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        match writer {
            Writer::Status { row } => {
                let id = row.to_string();
                let measures = format!("меры писателя {me}, запись {n}");
                let args: Vec<&str> = match n % 3 {
                    1 => vec!["plans", "status", &id, "в работе"],
                    2 => vec![
                        "plans",
                        "status",
                        &id,
                        "выполнено",
                        "--date",
                        "01.11.2026",
                        "--measures",
                        &measures,
                    ],
                    _ => vec!["plans", "status", &id, "запланировано"],
                };
                let out = nok(&args, db);
                let stdout = text(&out.stdout);
                assert!(
                    out.status.success(),
                    "writer {me}: {args:?}: {}{stdout}",
                    text(&out.stderr)
                );
                if stdout.contains("без изменений") {
                    seen.unchanged += 1;
                    continue;
                }
                // «Строка плана R: записано (версия V), журнал изменений:» then one line a field.
                let version: i64 = stdout
                    .split("(версия ")
                    .nth(1)
                    .and_then(|s| s.split(')').next())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("no version in: {stdout}"));
                let fields = stdout.lines().filter(|l| l.starts_with("  ")).count();
                seen.written.push((row, version, fields));
            }
            Writer::Score { cycle } => {
                let id = cycle.to_string();
                let out = nok(&["score", "--cycle", &id, "--format", "csv"], db);
                assert!(
                    out.status.success(),
                    "writer {me}: score: {}",
                    text(&out.stderr)
                );
                seen.recomputed.push(cycle);
            }
            Writer::Import => {
                // Numbers no other writer or run uses: distinct organizations every time.
                let first = (me as u32 * 10_000 + n as u32) * IMPORT_ROWS;
                let file = db.with_file_name(format!("orgs-{me}-{n}.csv"));
                std::fs::write(&file, scale_support::orgs_csv(first, IMPORT_ROWS)).unwrap();
                let out = nok(&["import", "orgs", file.to_str().unwrap()], db);
                assert!(
                    out.status.success(),
                    "writer {me}: import: {}",
                    text(&out.stderr)
                );
                seen.imported += 1;
            }
            Writer::Export { cycle } => {
                let out_dir = db.with_file_name(format!("export-{me}-{n}"));
                let out = nok(
                    &[
                        "export",
                        "busgov",
                        "--cycle",
                        &cycle.to_string(),
                        "--out",
                        out_dir.to_str().unwrap(),
                    ],
                    db,
                );
                assert!(
                    out.status.success(),
                    "writer {me}: export: {}{}",
                    text(&out.stderr),
                    text(&out.stdout)
                );
                // The package is there under its final name, whole.
                let zips: Vec<_> = std::fs::read_dir(&out_dir)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|x| x == "zip"))
                    .collect();
                assert_eq!(zips.len(), 1, "writer {me}: export: {zips:?}");
                seen.exported += 1;
            }
        }
    }
    seen
}

fn count(conn: &Connection, sql: &str, id: i64) -> i64 {
    conn.query_row(sql, [id], |r| r.get(0)).unwrap()
}

#[test]
fn nine_writers_a_reader_and_a_backup_lose_nothing_and_never_see_a_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("work.sqlite");
    let out = Command::new(env!("CARGO_BIN_EXE_nok"))
        .args(["demo", "--db", db.to_str().unwrap(), "--today", TODAY])
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let conn = Connection::open(&db).unwrap();
    let rows: Vec<(i64, i64)> = conn
        .prepare("SELECT id, version FROM plan_row WHERE status = 'planned' ORDER BY id LIMIT 3")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 3);
    let cycle: i64 = conn
        .query_row(
            "SELECT cycle_id FROM membership GROUP BY cycle_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let audit_before: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    drop(conn);

    let orgs_before: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM organization", [], |r| r.get(0))
        .unwrap();

    // Three writers on one row, two on another, one on a third, one recomputing, one importing,
    // one exporting the cycle being recomputed.
    let (a, b, c) = (rows[0].0, rows[1].0, rows[2].0);
    let writers = [
        Writer::Status { row: a },
        Writer::Status { row: a },
        Writer::Status { row: a },
        Writer::Status { row: b },
        Writer::Status { row: b },
        Writer::Status { row: c },
        Writer::Score { cycle },
        Writer::Import,
        Writer::Export { cycle },
    ];
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let seen: Vec<Seen> = std::thread::scope(|s| {
        let handles: Vec<_> = writers
            .iter()
            .enumerate()
            .map(|(me, w)| {
                let (db, stop) = (&db, &stop);
                s.spawn(move || run_writer(db, me, *w, stop))
            })
            .collect();

        // The reader loads what the terminal UI loads, again and again, while they write.
        let reader = s.spawn(|| {
            let conn = nok::store::open_existing(&db).unwrap();
            let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
            let mut loads = 0;
            while !stop.load(Ordering::Relaxed) {
                let cycles = nok::store::cycles::list_brief(&conn).unwrap();
                let scope = nok::store::overview::Scope {
                    year: cycles.last().unwrap().year,
                    cycle: None,
                };
                nok::store::overview::read(&conn, scope, today).unwrap();
                let index = nok::store::browse::org_index(&conn, today).unwrap();
                assert!(index.len() >= 300);
                loads += 1;
            }
            loads
        });

        // An online backup in the middle of it all.
        std::thread::sleep(RUN_FOR / 2);
        let copy = dir.path().join("copy.sqlite");
        let out = nok(&["backup", copy.to_str().unwrap()], &db);
        assert!(out.status.success(), "backup: {}", text(&out.stderr));
        let check = Connection::open(&copy)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap();
        assert_eq!(check, "ok");

        std::thread::sleep(RUN_FOR.saturating_sub(started.elapsed()));
        stop.store(true, Ordering::Relaxed);
        let loads = reader.join().unwrap();
        assert!(loads > 0, "the reader never finished a load");
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let conn = Connection::open(&db).unwrap();
    // Every row: versions handed out once each, in a run with no gap, ending at the stored one;
    // one audit entry per changed field.
    let mut versions: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut fields: BTreeMap<i64, usize> = BTreeMap::new();
    for s in &seen {
        for (row, version, n) in &s.written {
            versions.entry(*row).or_default().push(*version);
            *fields.entry(*row).or_default() += n;
        }
    }
    for (row, v0) in &rows {
        let mut got = versions.remove(row).unwrap_or_default();
        got.sort_unstable();
        let expected: Vec<i64> = (v0 + 1..=v0 + got.len() as i64).collect();
        assert_eq!(
            got, expected,
            "row {row}: a version was handed out twice or skipped"
        );
        let stored = count(&conn, "SELECT version FROM plan_row WHERE id = ?1", *row);
        assert_eq!(
            stored,
            v0 + got.len() as i64,
            "row {row}: an update was lost"
        );
        let audited = count(
            &conn,
            "SELECT count(*) FROM audit_log WHERE entity = 'plan_row' AND entity_id = ?1",
            *row,
        );
        assert_eq!(audited as usize, fields[row], "row {row}: audit log");
        // The status entries chain: each change starts from where the previous one ended, and
        // the last one ends at the stored status.
        let chain: Vec<(String, String)> = conn
            .prepare(
                "SELECT old_value, new_value FROM audit_log
                 WHERE entity = 'plan_row' AND entity_id = ?1 AND field = 'status' ORDER BY id",
            )
            .unwrap()
            .query_map([row], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(!chain.is_empty(), "row {row} was never written");
        assert_eq!(chain[0].0, "planned");
        for w in chain.windows(2) {
            assert_eq!(
                w[0].1, w[1].0,
                "row {row}: a change was made from a stale state"
            );
        }
        let status: String = conn
            .query_row("SELECT status FROM plan_row WHERE id = ?1", [row], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(chain.last().unwrap().1, status);
    }

    // Every recompute is in the audit log, and the cycle's scores are current and whole.
    let recomputes: usize = seen.iter().map(|s| s.recomputed.len()).sum();
    assert!(recomputes > 0);
    let audited = count(
        &conn,
        "SELECT count(*) FROM audit_log WHERE entity = 'cycle' AND entity_id = ?1",
        cycle,
    );
    assert_eq!(audited as usize, recomputes);
    let (stale, members, scored): (i64, i64, i64) = conn
        .query_row(
            "SELECT scores_stale,
                    (SELECT count(*) FROM membership WHERE cycle_id = ?1),
                    (SELECT count(*) FROM score s JOIN membership m ON m.id = s.membership_id
                     WHERE m.cycle_id = ?1)
             FROM cycle WHERE id = ?1",
            [cycle],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((stale, scored), (0, members));

    // Every import is whole and in the audit log.
    let imports: usize = seen.iter().map(|s| s.imported).sum();
    assert!(imports > 0);
    let orgs_after: i64 = conn
        .query_row("SELECT count(*) FROM organization", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        orgs_after - orgs_before,
        (imports as u32 * IMPORT_ROWS) as i64
    );
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'import'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited as usize, imports);
    let inserted: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'organization' AND action = 'insert'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        inserted,
        orgs_after - orgs_before,
        "one audit entry per organization added"
    );

    // Every export is in the audit log, and its positions are recorded.
    let exports: usize = seen.iter().map(|s| s.exported).sum();
    assert!(exports > 0);
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'export_position'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited as usize, exports);
    let positions = count(
        &conn,
        "SELECT count(*) FROM export_position WHERE cycle_id = ?1",
        cycle,
    );
    assert!(positions > 0);

    // Nothing else was written.
    let audit_after: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let changed_fields: usize = fields.values().sum();
    assert_eq!(
        audit_after - audit_before,
        (changed_fields + recomputes + imports + exports) as i64 + inserted
    );
    let writes: usize = seen.iter().map(|s| s.written.len()).sum();
    let unchanged: usize = seen.iter().map(|s| s.unchanged).sum();
    eprintln!(
        "{writes} status changes ({unchanged} without change), {recomputes} recomputes, {imports} imports, {exports} exports in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop(conn);
    let out = nok(&["check-db"], &db);
    assert!(out.status.success(), "{}", text(&out.stdout));
}
