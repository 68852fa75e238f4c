//! Import of a cycle's inputs (исходные данные, `nok import inputs`): 100,000 rows by default,
//! 1,000,000 with `NOK_BENCH_ROWS=1000000`. The files are those of the generator printed in
//! BENCHMARKS.md («Итог сессии 8»), written row by row to a temporary folder: organizations with
//! valid ИНН and ОГРН of one sphere and region, then the cycle's template (`nok export table
//! template`) with every input whose name says «число» at 10 and the other cells empty, one row
//! per organization. The database is built through the service layer: `init`, the organizations
//! imported, a cycle added.
//!
//! Then, each timed alone, with the peak resident memory of the process over that step alone
//! (VmHWM after resetting it through `/proc/self/clear_refs`) and the load average:
//! a dry run; the import (every organization a new member, every value new); the same file again
//! (nothing changes, nothing is written); a file with every tenth row's values changed (10 → 9).
//!
//! `cargo bench --bench import_inputs`. `NOK_BENCH_DIR=DIR` keeps the files and the database built
//! (before any inputs import: `base.sqlite`) in DIR, for timing the `nok` binary itself on them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use nok::domain::cycle::CycleStatus;
use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use nok::service::import::{AsRead, Kind, Options, Preview, apply_file, dry_run_file};
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

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

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

fn reset_peak() {
    // «5» resets VmHWM to the current resident size (Linux ≥ 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Runs one step alone: its time, rows per second, peak memory over it and the load average.
fn step(name: &str, rows: usize, f: impl FnOnce() -> Preview) -> Preview {
    let before = load();
    reset_peak();
    let start_kib = status_kib("VmRSS:").unwrap_or(0);
    let t = Instant::now();
    let p = f();
    let secs = t.elapsed().as_secs_f64();
    let peak = status_kib("VmHWM:").unwrap_or(0);
    println!(
        "{name}: {secs:.2} с ({:.0} строк/с); пик памяти {:.1} МБ (в начале {:.1} МБ); load average {before} → {}",
        rows as f64 / secs,
        peak as f64 / 1024.0,
        start_kib as f64 / 1024.0,
        load()
    );
    println!(
        "  добавлено {}, изменено {}, без изменений {}, отклонено {}",
        p.added_count(),
        p.changed_count(),
        p.unchanged,
        p.rejected_count()
    );
    p
}

fn main() {
    let rows = env_num("NOK_BENCH_ROWS", 100_000);
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let kept = std::env::var("NOK_BENCH_DIR").ok().map(PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("nok-inputs-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("work.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }

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
    if kept.is_some() {
        nok::store::checkpoint(&conn).expect("checkpoint");
        conn.execute(
            "VACUUM INTO ?1",
            [dir.join("base.sqlite").to_string_lossy()],
        )
        .expect("copy");
    }
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

    let kind = Kind::Inputs { cycle_id: cycle.id };
    let options = Options::default();
    step("пробный прогон", rows, || {
        dry_run_file(
            &mut conn,
            &inputs,
            &kind,
            &options,
            AsRead::Drop,
            today,
            &mut |_| {},
        )
        .expect("dry run")
    });
    // The real imports, each of a whole file (not a dry run).
    let mut import = |file: &Path| {
        apply_file(&mut conn, file, &kind, &options, today, false, &mut |_| {}).expect("import")
    };
    let p = step("импорт (все организации новые)", rows, || import(&inputs));
    assert_eq!(p.added_count(), rows, "every row added");
    let p = step("повторный импорт того же файла", rows, || import(&inputs));
    assert_eq!(p.unchanged, rows, "nothing changes the second time");
    let p = step(
        "импорт с изменениями в каждой десятой строке",
        rows,
        || import(&changed),
    );
    assert_eq!(
        p.changed_count(),
        rows.div_ceil(10),
        "every tenth row changed"
    );
    drop(conn);
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
