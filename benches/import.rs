//! Import of an organizations CSV (100,000 rows by default, the size of a federal upload),
//! streamed: read, sniff, match and write in one transaction into a fresh database; then the same
//! file again (everything matched, nothing written), and a dry run of it into a fresh database.
//! Reports the median and worst wall time of each over several runs, rows per second, and the
//! peak resident memory of the process (VmHWM). The file is generated row by row to disk, so it
//! never sits in memory itself.
//!
//! `cargo bench --bench import`; `NOK_BENCH_ROWS` changes the size, `NOK_BENCH_RUNS` the runs.
//! `NOK_BENCH_WRITE=FILE` only writes the CSV of `NOK_BENCH_ROWS` rows to FILE and stops: the
//! peak memory of the real command is then measured with
//! `/usr/bin/time -v nok --db DB import orgs FILE` (see BENCHMARKS.md).

use std::io::Write;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use nok::service::import::{AsRead, Kind, Options, apply_file, dry_run_file};

#[path = "support/measure.rs"]
mod measure;
use measure::{env_num, peak_rss_kib};

fn with_check(prefix: String, check: impl Fn(&[u8]) -> u8) -> String {
    let d: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
    format!("{prefix}{}", check(&d))
}

/// Writes a CSV of `rows` organizations (as Excel saves it: BOM, `;`, CRLF, quoted names) to
/// `out`, a row at a time. Every ИНН, ОГРН and code is distinct and valid.
fn csv(rows: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let sectors = [
        "культура",
        "образование",
        "социальное обслуживание",
        "охрана здоровья",
    ];
    let mut s = String::with_capacity(400);
    s.push('\u{feff}');
    s.push_str("Полное наименование;Сокращенное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион;ОКТМО;Адрес;Сайт\r\n");
    for i in 0..rows {
        let inn = with_check(format!("{:09}", 100_000_000 + i), |d| {
            inn10_check_digit(&d.try_into().unwrap_or([0; 9]))
        });
        let ogrn = with_check(format!("10278{:07}", i), |d| {
            ogrn_check_digit(&d.try_into().unwrap_or([0; 12]))
        });
        s.push_str(&format!(
            "\"Государственное бюджетное учреждение «Организация № {i}»\";ГБУ № {i};{inn};78{:02}01001;{ogrn};{:03}{:05};{};Санкт-Петербург;40{:06};г. Санкт-Петербург, ул. Садовая, д. {};https://org{i}.ru\r\n",
            i % 100,
            100 + i / 100_000,
            i % 100_000,
            sectors[i % 4],
            i % 1_000_000,
            i % 300 + 1,
        ));
        out.write_all(s.as_bytes())?;
        s.clear();
    }
    out.write_all(s.as_bytes())
}

fn write_csv(rows: usize, path: &std::path::Path) {
    let file = std::fs::File::create(path).expect("create CSV");
    let mut out = std::io::BufWriter::new(file);
    csv(rows, &mut out).expect("write CSV");
    out.flush().expect("write CSV");
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let median = v[v.len() / 2].as_secs_f64();
    let worst = v[v.len() - 1].as_secs_f64();
    (median, worst)
}

fn main() {
    let rows = env_num::<usize>("NOK_BENCH_ROWS", 100_000);
    if let Ok(path) = std::env::var("NOK_BENCH_WRITE") {
        write_csv(rows, std::path::Path::new(&path));
        println!("записан {path}: {rows} строк");
        return;
    }
    let runs = env_num::<usize>("NOK_BENCH_RUNS", 5).max(1);
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("nok-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("orgs.csv");
    write_csv(rows, &file);
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!("Файл: {rows} строк, {:.1} МБ", size as f64 / 1e6);

    let options = Options::default();
    let (mut first, mut again, mut dry) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let db = dir.join(format!("b{run}.sqlite"));
        let mut conn = nok::store::open(&db).expect("open db");
        let t = Instant::now();
        let p = dry_run_file(
            &mut conn,
            &file,
            &Kind::Orgs,
            &options,
            AsRead::Drop,
            today,
            &mut |_| {},
        )
        .expect("dry run");
        dry.push(t.elapsed());
        assert_eq!(p.added_count(), rows, "every row would be added");
        let t = Instant::now();
        let p = apply_file(
            &mut conn,
            &file,
            &Kind::Orgs,
            &options,
            today,
            false,
            &mut |_| {},
        )
        .expect("import");
        first.push(t.elapsed());
        assert_eq!(p.added_count(), rows, "every row added");
        let t = Instant::now();
        let p = apply_file(
            &mut conn,
            &file,
            &Kind::Orgs,
            &options,
            today,
            false,
            &mut |_| {},
        )
        .expect("import");
        again.push(t.elapsed());
        assert_eq!(p.unchanged, rows, "second import changes nothing");
        drop(conn);
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
    }
    let per_s = |t: f64| rows as f64 / t;
    let (m0, w0) = stats(dry);
    let (m1, w1) = stats(first);
    let (m2, w2) = stats(again);
    println!(
        "пробный прогон в пустую базу ({runs} прогонов): медиана {m0:.2} с ({:.0} строк/с), худший {w0:.2} с",
        per_s(m0)
    );
    println!(
        "импорт в пустую базу: медиана {m1:.2} с ({:.0} строк/с), худший {w1:.2} с",
        per_s(m1)
    );
    println!(
        "повторный импорт (все без изменений): медиана {m2:.2} с ({:.0} строк/с), худший {w2:.2} с",
        per_s(m2)
    );
    match peak_rss_kib() {
        Some(k) => println!("пик памяти (VmHWM): {:.0} МБ", k as f64 / 1024.0),
        None => println!("пик памяти: /proc/self/status недоступен"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
