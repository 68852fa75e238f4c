//! Publishing a large cycle: the whole site (both versions) of the biggest cycle of a
//! national-scale database, written a few times; prints each wall time, the median, the number of
//! pages and bytes, and the peak resident memory of the publication (the database build, when
//! the bench makes one, is not counted).
//!
//! `cargo bench --bench publish` — uses `NOK_BENCH_DB` if set, else builds (once) a demo
//! database of `NOK_BENCH_ORGS` organizations (default 60,000) under `target/`. The demo's
//! regional cycles have at most about a thousand members, so unless the database already has a
//! cycle of `NOK_BENCH_MEMBERS` (default and minimum 5,000), one is assembled once from the
//! members of one year and sector and scored (see [`big_cycle`]). `NOK_BENCH_RUNS` sets the
//! number of runs (default 5).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::service::publish::publish;
use nok::service::recompute::recompute_cycle;
use nok::store;
use rusqlite::{Connection, OptionalExtension, params};

#[path = "support/measure.rs"]
mod measure;
use measure::{peak_rss_kib, reset_peak};

/// The cycle must be at least this big for the figure to mean what the issue asks.
const MIN_MEMBERS: i64 = 5_000;

fn main() -> anyhow::Result<()> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).context("date")?;
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    let db = match std::env::var_os("NOK_BENCH_DB") {
        Some(p) => PathBuf::from(p),
        None => {
            let orgs: u32 = std::env::var("NOK_BENCH_ORGS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(60_000);
            let path = target.join(format!("bench-demo-{orgs}.sqlite"));
            let opts = DemoOptions {
                orgs,
                seed: 2018,
                today,
            };
            eprintln!("база для замера: {} ({orgs} организаций)", path.display());
            let started = Instant::now();
            let demo = open_or_build(&path, &opts, false, &Methods::builtin()?, &mut |_| {})?;
            if demo.built {
                eprintln!("построена за {:.1} с", started.elapsed().as_secs_f64());
            }
            path
        }
    };
    let runs: usize = std::env::var("NOK_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let mut conn = store::open_existing(&db)?;
    let wanted: i64 = std::env::var("NOK_BENCH_MEMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MIN_MEMBERS)
        .max(MIN_MEMBERS);
    let (cycle_id, members) = big_cycle(&mut conn, wanted)?;
    println!("цикл {cycle_id}: {members} организаций");
    reset_peak();

    let out = target.join("bench-publish").join("site");
    let never = AtomicBool::new(false);
    let mut times = Vec::with_capacity(runs);
    for run in 1..=runs {
        let started = Instant::now();
        let dir = publish(&conn, cycle_id, Some(&out), today, &mut |_| {}, &never)?;
        let t = started.elapsed();
        times.push(t);
        let (files, bytes) = tally(&dir)?;
        println!(
            "прогон {run}: {:.2} с, файлов {files}, {:.1} МБ",
            t.as_secs_f64(),
            bytes as f64 / 1e6
        );
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "публикация {members} организаций: медиана {:.2} с, лучший {:.2} с, худший {:.2} с",
        median.as_secs_f64(),
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64()
    );
    match peak_rss_kib() {
        Some(kib) => println!("пик памяти (VmHWM): {:.0} МБ", kib as f64 / 1024.0),
        None => println!("пик памяти: неизвестен (нет /proc)"),
    }
    println!(
        "на организацию: {:.2} мс",
        median.as_secs_f64() * 1000.0 / members as f64
    );
    Ok(())
}

/// Authority of the cycle the bench assembles (the demo spreads organizations over many regional
/// cycles of a few hundred to a thousand members each).
const BENCH_AUTHORITY: &str = "Сводный цикл для замера публикации";

/// A scored cycle of at least `wanted` members: an existing one, or one assembled once from the
/// members of the year and sector with the most assessments — each with its inputs,
/// shortcomings and plan rows copied from its own regional cycle — and then scored by
/// `recompute_cycle`, as a real cycle of that size would be.
fn big_cycle(conn: &mut Connection, wanted: i64) -> anyhow::Result<(i64, i64)> {
    let existing: Option<(i64, i64)> = conn
        .query_row(
            "SELECT c.id, count(*) FROM cycle c JOIN membership m ON m.cycle_id = c.id
             WHERE c.scores_stale = 0 GROUP BY c.id HAVING count(*) >= ?1
             ORDER BY count(*), c.id LIMIT 1",
            [wanted],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some(found) = existing {
        return Ok(found);
    }
    let (year, sector, available): (i32, String, i64) = conn.query_row(
        "SELECT c.year, c.sector, count(*) FROM membership m JOIN cycle c ON c.id = m.cycle_id
         WHERE c.scores_stale = 0 GROUP BY c.year, c.sector ORDER BY count(*) DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if available < wanted {
        bail!(
            "в базе нет {wanted} оценок одного года и одной сферы (больше всего — {available}); \
             возьмите базу побольше (NOK_BENCH_ORGS)"
        );
    }
    eprintln!("собираю цикл из {wanted} организаций ({sector}, {year})…");
    let started = Instant::now();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO authority (name, short_name, region, inn, kpp, ogrn)
         VALUES (?1, 'Замер', 'Российская Федерация', '9909909909', '990901001', '1099909909909')",
        [BENCH_AUTHORITY],
    )?;
    let authority = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO cycle (year, sector, authority_id, region, status, methodology,
                            council_protocol_number, council_protocol_date, operator_name)
         VALUES (?1, ?2, ?3, 'Российская Федерация', 'approved', '2018', '1', ?4, 'Оператор')",
        params![year, sector, authority, format!("{year}-12-01")],
    )?;
    let cycle = tx.last_insert_rowid();
    tx.execute_batch(&format!(
        "CREATE TEMP TABLE bench_source AS
             SELECT m.id AS old_id, m.cycle_id AS old_cycle, m.org_id, m.grp, m.respondents
             FROM membership m JOIN cycle c ON c.id = m.cycle_id
             WHERE c.year = {year} AND c.sector = '{sector}' AND c.scores_stale = 0
             ORDER BY m.id LIMIT {wanted};
         INSERT INTO membership (cycle_id, org_id, grp, respondents)
             SELECT {cycle}, org_id, grp, respondents FROM bench_source;
         INSERT INTO indicator_input (membership_id, key_id, value)
             SELECT n.id, i.key_id, i.value FROM bench_source s
             JOIN membership n ON n.cycle_id = {cycle} AND n.org_id = s.org_id
             JOIN indicator_input i ON i.membership_id = s.old_id;
         INSERT INTO shortcoming (cycle_id, org_id, criterion, indicator, input_key, text)
             SELECT {cycle}, x.org_id, x.criterion, x.indicator, x.input_key, x.text
             FROM bench_source s JOIN shortcoming x ON x.cycle_id = s.old_cycle AND x.org_id = s.org_id;
         INSERT INTO plan_row (cycle_id, org_id, number, criterion, shortcoming, measure,
                               planned_date, resp_last_name, resp_first_name, resp_middle_name,
                               resp_position, expected_result, result_indicators,
                               implemented_measures, actual_date, status, cancel_reason)
             SELECT {cycle}, p.org_id, p.number, p.criterion, p.shortcoming, p.measure,
                    p.planned_date, p.resp_last_name, p.resp_first_name, p.resp_middle_name,
                    p.resp_position, p.expected_result, p.result_indicators,
                    p.implemented_measures, p.actual_date, p.status, p.cancel_reason
             FROM bench_source s JOIN plan_row p ON p.cycle_id = s.old_cycle AND p.org_id = s.org_id;
         INSERT INTO council_meeting (authority_id, cycle_id, date, protocol_number, agenda, decisions)
             SELECT {authority}, {cycle}, date, protocol_number, agenda, decisions
             FROM council_meeting WHERE cycle_id IN (SELECT DISTINCT old_cycle FROM bench_source)
             ORDER BY date LIMIT 4;
         DROP TABLE bench_source;"
    ))?;
    tx.commit()?;
    let done = recompute_cycle(conn, &Methods::builtin()?, cycle)?;
    eprintln!(
        "собран и рассчитан за {:.1} с: {} организаций",
        started.elapsed().as_secs_f64(),
        done.scored
    );
    Ok((cycle, wanted))
}

/// Files and bytes under `dir`.
fn tally(dir: &Path) -> anyhow::Result<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let meta = e.metadata()?;
            if meta.is_dir() {
                stack.push(e.path());
            } else {
                files += 1;
                bytes += meta.len();
            }
        }
    }
    Ok((files, bytes))
}
