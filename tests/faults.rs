//! Faults against the real binary: SIGKILL in the middle of work, a full disk, a read-only folder,
//! a missing, corrupt or newer database. Each ends with a clear Russian error (exit 1) or, for a
//! kill, a database that passes `PRAGMA integrity_check` and holds all or none of the work.
//!
//! Extension point: a new long-running command gets a kill test by calling
//! [`kill_when`] with a condition that shows the work has visibly started (a growing -wal, a
//! temporary file in the target folder), then checking all-or-nothing like the tests below; and a
//! full-disk test by running it through [`nok_limited`].
#![cfg(unix)]

#[path = "scale_support/mod.rs"]
mod scale_support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;

const TODAY: &str = "22.11.2026";

fn command(args: &[&str], home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nok"));
    c.args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("NOK_DB")
        .env_remove("NOK_METHODOLOGY_DIR")
        .stdin(Stdio::null());
    c
}

fn nok(args: &[&str], home: &Path) -> Output {
    command(args, home).output().expect("run nok")
}

/// Runs `nok` with files limited to `max_bytes` (RLIMIT_FSIZE), as on a full disk: a write past
/// the limit fails with EFBIG (SIGXFSZ is ignored so the process sees the error).
fn nok_limited(args: &[&str], home: &Path, max_bytes: u64) -> Output {
    let mut c = command(args, home);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        c.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: max_bytes as libc::rlim_t,
                rlim_max: max_bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.output().expect("run nok")
}

/// Runs `nok` as a user without the rights root has (nobody when the tests run as root), with a
/// permissive umask so that any privacy of the files made comes from `nok` itself.
fn nok_unprivileged(args: &[&str], home: &Path) -> Output {
    let root = unsafe { libc::geteuid() } == 0;
    let mut c = command(args, home);
    if root {
        // nobody may not reach the build folder: run a copy from the test's own folder.
        let bin = home.join(".nok-bin");
        if !bin.exists() {
            std::fs::hard_link(env!("CARGO_BIN_EXE_nok"), &bin)
                .or_else(|_| std::fs::copy(env!("CARGO_BIN_EXE_nok"), &bin).map(|_| ()))
                .unwrap();
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut with_copy = Command::new(&bin);
        with_copy
            .args(args)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env_remove("NOK_DB")
            .env_remove("NOK_METHODOLOGY_DIR")
            .stdin(Stdio::null());
        c = with_copy;
    }
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        c.pre_exec(move || {
            libc::umask(0);
            if root && (libc::setgid(65534) != 0 || libc::setuid(65534) != 0) {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.output().expect("run nok")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A failure as the user sees it: exit 1 and one Russian «ошибка: …» that names `needle`.
#[track_caller]
fn assert_error(out: &Output, needle: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(err.starts_with("ошибка: "), "{err}");
    assert!(err.contains(needle), "«{needle}» not in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn demo(dir: &Path, name: &str, orgs: &str) -> PathBuf {
    let db = dir.join(name);
    let out = nok(
        &[
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--orgs",
            orgs,
            "--today",
            TODAY,
        ],
        dir,
    );
    assert!(out.status.success(), "demo: {}", text(&out.stderr));
    db
}

fn integrity(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut s = c.prepare("PRAGMA integrity_check").unwrap();
    s.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The state of a cycle's scores: (stale flag, members, scored, failed to score).
fn cycle_state(db: &Path, cycle: i64) -> (i64, i64, i64, i64) {
    let c = Connection::open(db).unwrap();
    c.query_row(
        "SELECT c.scores_stale,
                (SELECT count(*) FROM membership m WHERE m.cycle_id = c.id),
                (SELECT count(*) FROM score s JOIN membership m ON m.id = s.membership_id
                 WHERE m.cycle_id = c.id),
                (SELECT count(*) FROM membership m WHERE m.cycle_id = c.id
                 AND m.score_error IS NOT NULL)
         FROM cycle c WHERE c.id = ?1",
        [cycle],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .unwrap()
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

fn side(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Waits until `started` says the child's work has visibly begun, then kills it with SIGKILL.
/// Fails if the child ends first or nothing shows within a minute.
fn kill_when(child: &mut Child, what: &str, mut started: impl FnMut() -> bool) {
    // A guard against a hang, not a timing: the loop ends as soon as the work shows on disk or
    // the child ends. Under a heavily loaded machine a build can take minutes to start writing.
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        if started() {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("nok ended ({status}) before {what} began; make the work bigger");
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not begin in ten minutes"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(libc::SIGKILL),
        "nok was to be killed mid-work, ended with {status}"
    );
}

fn leftovers(dir: &Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(needle))
        .collect()
}

#[test]
fn sigkill_in_the_middle_of_a_recompute_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "work.sqlite", "300");
    // One cycle big enough that its scores take many pages to write.
    let cycle = scale_support::assemble_cycle(&Connection::open(&db).unwrap(), 20_000).unwrap();
    let (stale, members, scored, _) = cycle_state(&db, cycle);
    assert_eq!((stale, members, scored), (1, 20_000, 0));
    let wal = side(&db, "-wal");
    assert_eq!(size(&wal), 0, "a clean close leaves no WAL");

    let id = cycle.to_string();
    let mut child = command(
        &["--db", db.to_str().unwrap(), "score", "--cycle", &id],
        dir.path(),
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    // The transaction spills its pages into the WAL while it writes the results.
    kill_when(&mut child, "writing the scores", || size(&wal) > 256 * 1024);

    assert_eq!(integrity(&db), ["ok"]);
    let (stale, members, scored, failed) = cycle_state(&db, cycle);
    let none = stale == 1 && scored == 0 && failed == 0;
    let all = stale == 0 && scored + failed == members;
    eprintln!(
        "killed {} the commit",
        if none { "before" } else { "after" }
    );
    assert!(
        none || all,
        "half a recompute is stored: stale {stale}, scored {scored}, failed {failed} of {members}"
    );

    // Work goes on: the recompute runs to the end and the database checks clean.
    let out = nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "score",
            "--cycle",
            &id,
            "--format",
            "csv",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (stale, members, scored, failed) = cycle_state(&db, cycle);
    assert_eq!((stale, scored + failed), (0, members));
    let check = nok(&["--db", db.to_str().unwrap(), "check-db"], dir.path());
    assert!(check.status.success(), "{}", text(&check.stdout));
}

#[test]
fn sigkill_in_the_middle_of_a_demo_build_leaves_no_file_under_the_final_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let args = [
        "demo",
        "--db",
        db.to_str().unwrap(),
        "--orgs",
        "20000",
        "--today",
        TODAY,
    ];
    let mut child = command(&args, dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let temp = dir
        .path()
        .join(format!(".demo.sqlite.building-{}", child.id()));
    kill_when(&mut child, "the build", || size(&temp) > 1024 * 1024);
    assert!(
        !db.exists(),
        "a half-built database is under the final name"
    );
    assert!(temp.exists());

    // The next build clears what the killed one left and puts a whole database in place.
    let out = nok(
        &[
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--orgs",
            "50",
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!temp.exists(), "the abandoned build file is left");
    assert_eq!(leftovers(dir.path(), "building"), Vec::<String>::new());
    assert_eq!(integrity(&db), ["ok"]);
}

#[test]
fn sigkill_in_the_middle_of_a_backup_leaves_no_file_under_the_final_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "work.sqlite", "300");
    let cycle = scale_support::assemble_cycle(&Connection::open(&db).unwrap(), 20_000).unwrap();
    let copy = dir.path().join("copy.sqlite");
    let mut child = command(
        &[
            "--db",
            db.to_str().unwrap(),
            "backup",
            copy.to_str().unwrap(),
        ],
        dir.path(),
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let temp = dir
        .path()
        .join(format!(".copy.sqlite.backup-{}", child.id()));
    kill_when(&mut child, "the copy", || size(&temp) > 0);
    assert!(!copy.exists(), "a partial copy is under the final name");
    assert_eq!(integrity(&db), ["ok"]);
    assert_eq!(cycle_state(&db, cycle).1, 20_000);

    // The next backup to the same name works and clears what the killed one left.
    let out = nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "backup",
            copy.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(integrity(&copy), ["ok"]);
    assert!(!temp.exists(), "the abandoned copy is left");
    assert_eq!(leftovers(dir.path(), ".backup-"), Vec::<String>::new());
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn sigkill_in_the_middle_of_an_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "work.sqlite", "300");
    let rows = 30_000;
    let file = dir.path().join("orgs.csv");
    std::fs::write(&file, scale_support::orgs_csv(1, rows)).unwrap();
    let orgs = "SELECT count(*) FROM organization";
    let imports = "SELECT count(*) FROM audit_log WHERE entity = 'import'";
    let (orgs_before, imports_before) = (count(&db, orgs), count(&db, imports));
    let wal = side(&db, "-wal");
    assert_eq!(size(&wal), 0);

    let args = [
        "--db",
        db.to_str().unwrap(),
        "import",
        "orgs",
        file.to_str().unwrap(),
    ];
    let mut child = command(&args, dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    kill_when(&mut child, "writing the organizations", || {
        size(&wal) > 256 * 1024
    });

    assert_eq!(integrity(&db), ["ok"]);
    let added = count(&db, orgs) - orgs_before;
    let audited = count(&db, imports) - imports_before;
    eprintln!(
        "killed {} the commit",
        if added == 0 { "before" } else { "after" }
    );
    assert!(
        (added, audited) == (0, 0) || (added, audited) == (i64::from(rows), 1),
        "half an import is stored: {added} organizations, {audited} audit entries"
    );

    // Run again, it completes; once more, nothing changes.
    let out = nok(&args, dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(count(&db, orgs) - orgs_before, i64::from(rows));
    let out = nok(&args, dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(count(&db, orgs) - orgs_before, i64::from(rows));
    let check = nok(&["--db", db.to_str().unwrap(), "check-db"], dir.path());
    assert!(check.status.success(), "{}", text(&check.stdout));
}

/// Names in `dir` that do not start with a dot: what a person sees as finished files.
fn finished(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn sigkill_in_the_middle_of_an_export_leaves_no_package_under_its_final_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "work.sqlite", "3000");
    let db_s = db.to_str().unwrap();
    let cycle: i64 = count(
        &db,
        "SELECT cycle_id FROM membership GROUP BY cycle_id ORDER BY count(*) DESC LIMIT 1",
    );
    let id = cycle.to_string();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let positions = "SELECT count(*) FROM export_position";
    let before = count(&db, positions);
    let args = [
        "--db",
        db_s,
        "--today",
        TODAY,
        "export",
        "busgov",
        "--cycle",
        &id,
        "--out",
        out_dir.to_str().unwrap(),
    ];
    let mut child = command(&args, dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    kill_when(&mut child, "writing the package", || {
        leftovers(&out_dir, ".partial")
            .iter()
            .any(|n| std::fs::read_dir(out_dir.join(n)).is_ok_and(|rd| rd.count() > 3))
    });
    assert_eq!(
        finished(&out_dir),
        Vec::<String>::new(),
        "a partial package is under its name"
    );
    assert_eq!(integrity(&db), ["ok"]);
    assert_eq!(
        count(&db, positions),
        before,
        "positions of an export that never finished"
    );

    // The export runs again to the end: one package and its zip.
    let out = nok(&args, dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut done = finished(&out_dir);
    done.sort();
    assert_eq!(done.len(), 2, "{done:?}");
    assert!(
        done[1].ends_with(".zip") && done[1].starts_with(&done[0]),
        "{done:?}"
    );
    assert!(count(&db, positions) > before);
}

#[test]
fn new_database_files_are_private_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = nok_unprivileged(
        &[
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--orgs",
            "30",
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);

    // A write: SQLite makes -wal and -shm with the database's own permissions.
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch("UPDATE cycle SET scores_stale = 1 WHERE id = 1")
        .unwrap();
    assert_eq!(mode(&side(&db, "-wal")), 0o600);
    assert_eq!(mode(&side(&db, "-shm")), 0o600);
    drop(conn);

    let copy = dir.path().join("copy.sqlite");
    let out = nok_unprivileged(
        &[
            "--db",
            db.to_str().unwrap(),
            "backup",
            copy.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("проверка целостности пройдена"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(mode(&copy), 0o600);
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "work.sqlite", "300");
    let cycle = scale_support::assemble_cycle(&Connection::open(&db).unwrap(), 5_000).unwrap();
    let id = cycle.to_string();
    let db_s = db.to_str().unwrap();
    // Room for the database as it is, none for the WAL a recompute writes.
    let limit = 64 * 1024;

    let out = nok_limited(&["--db", db_s, "score", "--cycle", &id], dir.path(), limit);
    assert_error(&out, "диск");
    assert_eq!(integrity(&db), ["ok"]);
    assert_eq!(cycle_state(&db, cycle), (1, 5_000, 0, 0));

    // A backup that does not fit leaves neither the copy nor its temporary file.
    let copy = dir.path().join("copy.sqlite");
    let out = nok_limited(
        &["--db", db_s, "backup", copy.to_str().unwrap()],
        dir.path(),
        limit,
    );
    assert_error(&out, "диск");
    assert!(!copy.exists());
    assert_eq!(leftovers(dir.path(), ".backup-"), Vec::<String>::new());

    // Nor does a demo build.
    let fresh = dir.path().join("fresh.sqlite");
    let out = nok_limited(
        &[
            "demo",
            "--db",
            fresh.to_str().unwrap(),
            "--orgs",
            "300",
            "--today",
            TODAY,
        ],
        dir.path(),
        limit,
    );
    assert_error(&out, "диск");
    assert!(!fresh.exists());
    assert_eq!(leftovers(dir.path(), "building"), Vec::<String>::new());

    // Nor does an import: no organization of the file is stored.
    let file = dir.path().join("orgs.csv");
    std::fs::write(&file, scale_support::orgs_csv(1, 5_000)).unwrap();
    let orgs = count(&db, "SELECT count(*) FROM organization");
    let out = nok_limited(
        &["--db", db_s, "import", "orgs", file.to_str().unwrap()],
        dir.path(),
        limit,
    );
    assert_error(&out, "диск");
    assert_eq!(integrity(&db), ["ok"]);
    assert_eq!(count(&db, "SELECT count(*) FROM organization"), orgs);

    // Nor does an export: no package under its name, no positions recorded.
    let out_dir = dir.path().join("out");
    let positions = count(&db, "SELECT count(*) FROM export_position");
    let out = nok_limited(
        &[
            "--db",
            db_s,
            "--today",
            TODAY,
            "export",
            "busgov",
            "--cycle",
            "1",
            "--out",
            out_dir.to_str().unwrap(),
        ],
        dir.path(),
        limit,
    );
    // Exit 1 with «ошибка: не удалось записать ФАЙЛ: …; освободите место …», in Russian only (the
    // package has its own zip writer: nothing prints from a Drop).
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("ошибка: не удалось записать")),
        "{err}"
    );
    assert!(err.contains("освободите место"), "{err}");
    assert!(
        !err.contains("ZipWriter") && !err.contains("File too large"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(finished(&out_dir), Vec::<String>::new());
    assert_eq!(
        count(&db, "SELECT count(*) FROM export_position"),
        positions
    );

    // With room again everything works on the same database.
    let out = nok(&["--db", db_s, "score", "--cycle", &id], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(cycle_state(&db, cycle).0, 0);
}

#[test]
fn a_read_only_folder_is_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "work.sqlite", "50");
    let folder = dir.path().join("ro");
    std::fs::create_dir(&folder).unwrap();
    let ro_db = folder.join("work.sqlite");
    std::fs::copy(&db, &ro_db).unwrap();
    // The file itself may be written; the folder may not (no room for -wal and -shm).
    std::fs::set_permissions(&ro_db, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = std::fs::read(&ro_db).unwrap();

    let out = nok_unprivileged(&["--db", ro_db.to_str().unwrap(), "check-db"], dir.path());
    assert_error(&out, "нет права записи");
    let out = nok_unprivileged(
        &[
            "--db",
            ro_db.to_str().unwrap(),
            "plans",
            "status",
            "1",
            "в работе",
        ],
        dir.path(),
    );
    assert_error(&out, "нет права записи");
    let fresh = folder.join("fresh.sqlite");
    let out = nok_unprivileged(
        &["demo", "--db", fresh.to_str().unwrap(), "--orgs", "5"],
        dir.path(),
    );
    assert_error(&out, "нет прав на запись в папку");
    // A copy needs only to read the database: into the read-only folder it cannot be written,
    // elsewhere it is made.
    let out = nok_unprivileged(
        &[
            "--db",
            ro_db.to_str().unwrap(),
            "backup",
            folder.join("copy.sqlite").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_error(&out, "не удалось записать копию");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let copy = out_dir.join("copy.sqlite");
    let out = nok_unprivileged(
        &[
            "--db",
            ro_db.to_str().unwrap(),
            "backup",
            copy.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(integrity(&copy), ["ok"]);

    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        std::fs::read(&ro_db).unwrap(),
        before,
        "the database changed"
    );
    assert_eq!(leftovers(&folder, "sqlite"), ["work.sqlite"]);
    assert!(leftovers(&folder, "").iter().all(|n| n == "work.sqlite"));
}

#[test]
fn missing_corrupt_and_newer_databases_are_clear_errors_and_are_left_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "work.sqlite", "50");
    let run = |path: &Path, args: &[&str]| {
        let mut all = vec!["--db", path.to_str().unwrap()];
        all.extend_from_slice(args);
        nok(&all, dir.path())
    };
    let commands: [&[&str]; 4] = [
        &["check-db"],
        &["score", "--cycle", "1"],
        &["plans", "status", "1", "в работе"],
        &["backup", "/nonexistent-folder-nok/copy.sqlite"],
    ];

    let missing = dir.path().join("missing.sqlite");
    for args in commands {
        assert_error(&run(&missing, args), "не найдена");
        assert!(!missing.exists(), "{args:?} created the missing file");
    }

    // Random bytes.
    let garbage = dir.path().join("garbage.sqlite");
    let mut noise = vec![0u8; 64 * 1024];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in noise.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    std::fs::write(&garbage, &noise).unwrap();
    for args in commands {
        assert_error(&run(&garbage, args), "не является базой данных nok");
        assert_eq!(std::fs::read(&garbage).unwrap(), noise);
    }

    // A database cut short (a copy that did not finish).
    let cut = dir.path().join("cut.sqlite");
    let whole = std::fs::read(&db).unwrap();
    let half = whole[..whole.len() / 2].to_vec();
    std::fs::write(&cut, &half).unwrap();
    for args in commands {
        assert_error(&run(&cut, args), "поврежден");
        assert_eq!(std::fs::read(&cut).unwrap(), half);
    }

    // From a newer nok.
    let newer = dir.path().join("newer.sqlite");
    std::fs::copy(&db, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let before = std::fs::read(&newer).unwrap();
    for args in commands {
        assert_error(&run(&newer, args), "более новой версией nok");
        assert_eq!(std::fs::read(&newer).unwrap(), before);
    }
    assert_eq!(integrity(&newer), ["ok"]);
}

#[test]
fn an_empty_file_is_not_taken_for_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    let path = empty.to_str().unwrap();
    for args in [
        &["--db", path, "check-db"][..],
        &["--db", path, "cycles"],
        &["--db", path, "score", "--cycle", "1"],
        &[
            "--db",
            path,
            "backup",
            dir.path().join("copy.sqlite").to_str().unwrap(),
        ],
        &["demo", "--db", path, "--orgs", "5", "--today", TODAY],
    ] {
        let out = nok(args, dir.path());
        assert_error(&out, "empty.sqlite не является базой данных nok");
        assert_error(&out, "файл пустой (0 байт)");
        assert_eq!(size(&empty), 0, "{args:?} wrote into the file");
        assert!(!side(&empty, "-wal").exists() && !side(&empty, "-shm").exists());
        assert!(!dir.path().join("copy.sqlite").exists());
    }
    // The demo builds over an empty file when asked to (it holds nothing to lose) ...
    let out = nok(
        &[
            "demo", "--db", path, "--orgs", "5", "--today", TODAY, "--force",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(integrity(&empty), ["ok"]);
    // ... and a path that does not exist is still created.
    let fresh = dir.path().join("fresh.sqlite");
    let out = nok(
        &[
            "demo",
            "--db",
            fresh.to_str().unwrap(),
            "--orgs",
            "5",
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(size(&fresh) > 0);
}

#[test]
fn backup_needs_only_read_access_to_the_database_and_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = demo(dir.path(), "work.sqlite", "30");
    // Used once by nok: the file is in WAL mode now (a demo is sealed in rollback mode).
    assert!(
        nok(&["--db", db.to_str().unwrap(), "check-db"], dir.path())
            .status
            .success()
    );
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let orgs = count(&db, "SELECT count(*) FROM organization");
    let read_only = |folder: &Path, mode: u32| {
        for entry in std::fs::read_dir(folder).unwrap() {
            let p = entry.unwrap().path();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    };
    let copy_as_nobody = |src: &Path, name: &str| {
        let copy = out_dir.join(name);
        let out = nok_unprivileged(
            &[
                "--db",
                src.to_str().unwrap(),
                "backup",
                copy.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(integrity(&copy), ["ok"]);
        copy
    };

    // 1. Nobody has it open (no -wal, no -shm) and none can be made beside it.
    let quiet = dir.path().join("quiet");
    std::fs::create_dir(&quiet).unwrap();
    std::fs::copy(&db, quiet.join("work.sqlite")).unwrap();
    read_only(&quiet, 0o444);
    let before = std::fs::read(quiet.join("work.sqlite")).unwrap();
    let copy = copy_as_nobody(&quiet.join("work.sqlite"), "quiet.sqlite");
    assert_eq!(count(&copy, "SELECT count(*) FROM organization"), orgs);
    assert_eq!(std::fs::read(quiet.join("work.sqlite")).unwrap(), before);
    assert_eq!(leftovers(&quiet, ""), ["work.sqlite"]);

    // 2. Someone with the right to write has it open, with changes still in the -wal: the copy
    // reads them through the existing -shm and -wal, which it may only read.
    let busy = dir.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    let busy_db = busy.join("work.sqlite");
    std::fs::copy(&db, &busy_db).unwrap();
    let writer = Connection::open(&busy_db).unwrap();
    writer
        .execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
             INSERT INTO meta (key, value) VALUES ('only-in-the-wal', 'yes');",
        )
        .unwrap();
    assert!(side(&busy_db, "-wal").exists() && side(&busy_db, "-shm").exists());
    read_only(&busy, 0o644);
    let copy = copy_as_nobody(&busy_db, "busy.sqlite");
    assert_eq!(
        count(
            &copy,
            "SELECT count(*) FROM meta WHERE key = 'only-in-the-wal'"
        ),
        1
    );
    drop(writer);
    for folder in [&quiet, &busy] {
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
