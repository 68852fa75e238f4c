//! Import of a cycle's inputs (исходные данные, `nok import inputs`): 100,000 rows by default,
//! 1,000,000 with `NOK_BENCH_ROWS=1000000`. The files are those of the generator printed in
//! BENCHMARKS.md («Итог сессии 8»), written row by row to a temporary folder: organizations with
//! valid ИНН and ОГРН of one sphere and region, then the cycle's template (`nok export table
//! template`) with every input whose name says «число» at 10 and the other cells empty, one row
//! per organization. The database is built through the service layer: `init`, the organizations
//! imported, a cycle added.
//!
//! Then each step runs the `nok` binary as a child process, timed alone, with the child's own
//! peak resident memory (`ru_maxrss` from `wait4`), its heap apart from its mapped files (the
//! largest `RssAnon` and `RssFile`/`RssShmem`, sampled), the write-ahead log at its largest with
//! its index (`-shm`, mapped, so part of the resident memory), how much the database file grew,
//! and the load average before and after: a dry run; the import (every organization a new member, every value new); the same file again
//! (nothing changes, nothing is written); a file with every tenth row's values changed (10 → 9).
//! The counts of values and audit entries are checked by SQL after each import.
//!
//! `cargo bench --bench import_inputs`. `NOK_BENCH_DIR=DIR` keeps the files and the database built
//! (before any inputs import: `base.sqlite`) in DIR, for timing or profiling the `nok` binary on
//! them; `NOK_BENCH_STEPS=dry` runs the dry run only; `NOK_BENCH_BIN` names another `nok` binary
//! to run (an older build, for old-versus-new figures).

// Only the load average: the steps here sample the child's memory while it runs.
#[allow(dead_code)]
#[path = "support/child.rs"]
mod child;

#[path = "support/measure.rs"]
mod measure;
use measure::{env_num, load_average};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use nok::domain::cycle::CycleStatus;
use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use nok::service::import::{Kind, Options, apply_file};
use nok::service::methodology::Methods;

const DETAILS: [&str; 8] = [
    "Комитет по социальной защите населения Ленинградской области",
    "Комитет соцзащиты ЛО",
    "Ленинградская область",
    "social",
    "7707083893",
    "773601001",
    "1027700132195",
    "41200013",
];

fn digits(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

/// The generator's `inn10('47%07d' % i)`.
fn inn(i: usize) -> String {
    let p = format!("47{i:07}");
    let d: [u8; 9] = digits(&p).try_into().unwrap_or([0; 9]);
    format!("{p}{}", inn10_check_digit(&d))
}

/// The generator's `ogrn13('10247%07d' % i)`.
fn ogrn(i: usize) -> String {
    let p = format!("10247{i:07}");
    let d: [u8; 12] = digits(&p).try_into().unwrap_or([0; 12]);
    format!("{p}{}", ogrn_check_digit(&d))
}

fn create(path: &Path) -> std::io::BufWriter<std::fs::File> {
    std::io::BufWriter::new(std::fs::File::create(path).expect("create file"))
}

/// The organizations file: BOM, `;`, CRLF, as Python's csv module writes it.
fn write_orgs(rows: usize, path: &Path) {
    let mut out = create(path);
    out.write_all(
        "\u{feff}Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\r\n"
            .as_bytes(),
    )
    .expect("write");
    for i in 0..rows {
        write!(
            out,
            "ГБУ СО ЛО «Центр социального обслуживания № {}»;{};470101001;{};{:08};социальное обслуживание;Ленинградская область\r\n",
            i + 1,
            inn(i),
            ogrn(i),
            30_000_000 + i
        )
        .expect("write");
    }
    out.flush().expect("write");
}

/// The inputs file: the template's header, then per organization its ИНН and КПП, an empty name,
/// `value` in every column whose header says «число», the others empty; rows whose number is a
/// multiple of `every` (if given) get `changed` instead.
fn write_inputs(
    rows: usize,
    header: &[String],
    value: &str,
    changed: Option<(usize, &str)>,
    path: &Path,
) {
    let mut out = create(path);
    out.write_all("\u{feff}".as_bytes()).expect("write");
    out.write_all(header.join(";").as_bytes()).expect("write");
    out.write_all(b"\r\n").expect("write");
    let numeric: Vec<bool> = header[3..]
        .iter()
        .map(|h| h.to_lowercase().contains("число"))
        .collect();
    let mut line = String::with_capacity(512);
    for i in 0..rows {
        let v = match changed {
            Some((every, other)) if i % every == 0 => other,
            _ => value,
        };
        line.clear();
        line.push_str(&inn(i));
        line.push_str(";470101001;");
        for n in &numeric {
            line.push(';');
            if *n {
                line.push_str(v);
            }
        }
        line.push_str("\r\n");
        out.write_all(line.as_bytes()).expect("write");
    }
    out.flush().expect("write");
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

/// What a step's child used at its largest, sampled every 100 ms from `/proc/PID/status` and
/// the files beside the database: the heap and other private memory (`RssAnon`), the mapped
/// files (`RssFile`: the binary and the database's `-shm`; `RssShmem`: the `-shm` when the
/// database is on tmpfs), and the sizes of the write-ahead log and its index (`-wal`, `-shm`).
/// The `-wal` is largest just before the commit's checkpoint, and the process removes it as it
/// closes the database.
#[derive(Default)]
struct Sampled {
    anon_kib: u64,
    file_kib: u64,
    shmem_kib: u64,
    wal: u64,
    shm: u64,
}

impl Sampled {
    fn sample(&mut self, pid: u32, db: &Path) {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            for line in status.lines() {
                let mut it = line.split_whitespace();
                let (Some(name), Some(kib)) = (it.next(), it.next().and_then(|v| v.parse().ok()))
                else {
                    continue;
                };
                let slot = match name {
                    "RssAnon:" => &mut self.anon_kib,
                    "RssFile:" => &mut self.file_kib,
                    "RssShmem:" => &mut self.shmem_kib,
                    _ => continue,
                };
                *slot = (*slot).max(kib);
            }
        }
        let size =
            |ext: &str| std::fs::metadata(format!("{}{ext}", db.display())).map_or(0, |m| m.len());
        self.wal = self.wal.max(size("-wal"));
        self.shm = self.shm.max(size("-shm"));
    }
}

/// Runs one step as a child `nok` process: its time, rows per second, its own peak resident
/// memory (`ru_maxrss`) with the heap and the mapped files apart ([`Sampled`]), the write-ahead
/// log at its largest, how much the database file grew, and the load average before and after.
fn step(name: &str, rows: usize, db: &Path, cmd: &mut Command) {
    let before = load_average();
    let size_before = std::fs::metadata(db).map_or(0, |m| m.len());
    let child = cmd.spawn().expect("run nok");
    let pid = child.id();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        let db = db.to_path_buf();
        std::thread::spawn(move || {
            let mut s = Sampled::default();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                s.sample(pid, &db);
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            s
        })
    };
    let started = Instant::now();
    // SAFETY: plain FFI call with valid pointers; the child is ours and not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut status = 0;
    let reaped = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    let secs = started.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let s = sampler.join().expect("sampler");
    assert_eq!(reaped, pid as libc::pid_t, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{name}: nok failed (status {status})"
    );
    drop(child);
    let size_after = std::fs::metadata(db).map_or(0, |m| m.len());
    let mb = |kib: u64| kib as f64 / 1024.0;
    println!(
        "{name}: {secs:.2} с ({:.0} строк/с), процессор {:.2} + {:.2} с; пик памяти {:.1} МБ \
         (куча и прочее свое, RssAnon, до {:.1} МБ; файлы, RssFile + RssShmem, до {:.1} + {:.1} МБ); \
         WAL до {:.1} МБ, его индекс -shm до {:.2} МБ; база выросла на {:.1} МБ; load average {before} → {}",
        rows as f64 / secs,
        usage.ru_utime.tv_sec as f64 + usage.ru_utime.tv_usec as f64 / 1e6,
        usage.ru_stime.tv_sec as f64 + usage.ru_stime.tv_usec as f64 / 1e6,
        mb(usage.ru_maxrss as u64),
        mb(s.anon_kib),
        mb(s.file_kib),
        mb(s.shmem_kib),
        s.wal as f64 / 1e6,
        s.shm as f64 / 1e6,
        (size_after as f64 - size_before as f64) / 1e6,
        load_average()
    );
}

/// Builds the database (`base.sqlite`, before any inputs import) and the two inputs files in
/// `dir`, and notes in `built.txt` the rows, the cycle and the number of value columns. Runs in a
/// child process of its own (see `main`).
fn build(dir: &Path, rows: usize) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let db = dir.join("build.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    let _ = std::fs::remove_file(dir.join("base.sqlite"));
    let t = Instant::now();
    let details: [String; 8] = DETAILS.map(str::to_string);
    let authority = nok::service::init::authority(&details).expect("authority");
    nok::service::init::create(&db, &authority).expect("init");
    let orgs = dir.join("orgs.csv");
    write_orgs(rows, &orgs);
    let mut conn = nok::store::open(&db).expect("open db");
    let p = apply_file(
        &mut conn,
        &orgs,
        &Kind::Orgs,
        &Options::default(),
        today,
        false,
        &mut |_| {},
    )
    .expect("orgs import");
    assert_eq!(p.added_count(), rows, "every organization added");
    let methods = Methods::load().expect("methods");
    let cycle = nok::service::new_cycle::create(
        &conn,
        &nok::service::new_cycle::NewCycle {
            year: 2026,
            sector: None,
            authority_inn: None,
            status: CycleStatus::Planned,
            methodology: None,
            operator_name: None,
            operator_inn: None,
            contract_number: None,
            contract_date: None,
        },
        &methods,
        today,
    )
    .expect("cycle");
    let header = nok::service::inputs_template::build(&conn, &methods, cycle.id)
        .expect("template")
        .headers;
    let inputs = dir.join("inputs.csv");
    write_inputs(rows, &header, "10", None, &inputs);
    let changed = dir.join("inputs-changed.csv");
    write_inputs(rows, &header, "10", Some((10, "9")), &changed);
    nok::store::checkpoint(&conn).expect("checkpoint");
    conn.execute(
        "VACUUM INTO ?1",
        [dir.join("base.sqlite").to_string_lossy()],
    )
    .expect("copy");
    let numbers = header
        .iter()
        .filter(|h| h.to_lowercase().contains("число"))
        .count();
    let size = std::fs::metadata(&inputs).map(|m| m.len()).unwrap_or(0);
    println!(
        "Файл исходных данных: {rows} строк, {:.1} МБ, {} колонок, из них с числами {numbers}; база построена за {:.1} с",
        size as f64 / 1e6,
        header.len(),
        t.elapsed().as_secs_f64()
    );
    drop(conn);
    let _ = std::fs::remove_file(&db);
    std::fs::write(
        dir.join("built.txt"),
        format!("{rows} {} {numbers}\n", cycle.id),
    )
    .expect("write built.txt");
}

/// What `build` noted: the rows, the cycle and the number of value columns.
fn built(dir: &Path) -> Option<(usize, i64, usize)> {
    let text = std::fs::read_to_string(dir.join("built.txt")).ok()?;
    let mut it = text.split_whitespace().map(|w| w.parse::<i64>().ok());
    Some((it.next()?? as usize, it.next()??, it.next()?? as usize))
}

fn main() {
    let rows = env_num::<usize>("NOK_BENCH_ROWS", 100_000);
    let kept = std::env::var("NOK_BENCH_DIR").ok().map(PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("nok-inputs-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).expect("temp dir");
    if std::env::var("NOK_BENCH_ROLE").is_ok_and(|r| r == "build") {
        build(&dir, rows);
        return;
    }
    // The database is built by a child of its own: a child's peak memory (`ru_maxrss`) counts
    // the peak of the process it was started from, so this one must stay small.
    let reuse = built(&dir).is_some_and(|(r, _, _)| r == rows) && dir.join("base.sqlite").exists();
    if !reuse {
        let exe = std::env::current_exe().expect("bench binary");
        let status = Command::new(exe)
            .env("NOK_BENCH_ROLE", "build")
            .env("NOK_BENCH_DIR", &dir)
            .status()
            .expect("build the database");
        assert!(status.success(), "building the database failed");
    }
    let (_, cycle_id, numbers) = built(&dir).expect("built.txt");
    let db = dir.join("work.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    std::fs::copy(dir.join("base.sqlite"), &db).expect("copy the database");
    let inputs = dir.join("inputs.csv");
    let changed = dir.join("inputs-changed.csv");
    let this = std::env::var_os("NOK_BENCH_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_nok")), PathBuf::from);
    let cycle_arg = cycle_id.to_string();
    let nok = |file: &Path, extra: &[&str]| {
        let mut c = Command::new(&this);
        c.env_remove("NOK_DB")
            .env_remove("NOK_METHODOLOGY_DIR")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .arg("--db")
            .arg(&db)
            .args(["--today", "22.11.2026", "import", "inputs"])
            .arg(file)
            .args(["--cycle", &cycle_arg])
            .args(extra);
        c
    };
    step(
        "пробный прогон",
        rows,
        &db,
        &mut nok(&inputs, &["--dry-run"]),
    );
    let only_dry = std::env::var("NOK_BENCH_STEPS").is_ok_and(|v| v == "dry");
    if !only_dry {
        let values = (rows * numbers) as i64;
        step(
            "импорт (все организации новые)",
            rows,
            &db,
            &mut nok(&inputs, &[]),
        );
        assert_eq!(
            count(&db, "SELECT count(*) FROM indicator_input"),
            values,
            "every value written"
        );
        assert_eq!(
            count(
                &db,
                "SELECT count(*) FROM audit_log WHERE entity = 'indicator_input'"
            ),
            values,
            "every value audited"
        );
        step(
            "повторный импорт того же файла",
            rows,
            &db,
            &mut nok(&inputs, &[]),
        );
        assert_eq!(
            count(
                &db,
                "SELECT count(*) FROM audit_log WHERE entity = 'indicator_input'"
            ),
            values,
            "nothing written the second time"
        );
        step(
            "импорт с изменениями в каждой десятой строке",
            rows,
            &db,
            &mut nok(&changed, &[]),
        );
        assert_eq!(
            count(&db, "SELECT count(*) FROM indicator_input WHERE value = 9"),
            (rows.div_ceil(10) * numbers) as i64,
            "every tenth row changed"
        );
    }
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
