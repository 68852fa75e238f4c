//! The Word documents of a 2,000-organization cycle: the operator's report (the target: under
//! 5 s), the plans in one document and the council's decision. Prints wall time, CPU time,
//! the file size and peak memory (VmHWM), with the load average before and after.
//!
//! `cargo bench --bench report_docx` — builds (once) under `target/` a demo database of
//! `NOK_BENCH_ORGS` organizations (default 5,000), then gathers `NOK_BENCH_CYCLE_ORGS` (default
//! 2,000) memberships of the latest year into one cycle, with their shortcomings and plan rows,
//! and gives each organization five respondents' proposals. The documents are written under
//! `target/bench-report/` (or `NOK_BENCH_OUT`).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::NaiveDate;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::service::report::{self, Kind, Options, PlanScope, Texts};

#[path = "support/measure.rs"]
mod measure;
use measure::{cpu_total, env_num, load_average, peak_rss_mb};

/// Gathers `n` memberships of the latest year into the year's first cycle; returns its id and
/// how many organizations it has.
fn gather(conn: &rusqlite::Connection, n: u64) -> anyhow::Result<(i64, i64)> {
    let (year, target): (i64, i64) = conn.query_row(
        "SELECT year, min(id) FROM cycle WHERE year = (SELECT max(year) FROM cycle)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let have: i64 = conn.query_row(
        "SELECT count(*) FROM membership WHERE cycle_id = ?1",
        [target],
        |r| r.get(0),
    )?;
    if have < n as i64 {
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF;
             BEGIN;
             CREATE TEMP TABLE moved AS
                 SELECT m.id, m.cycle_id AS old, m.org_id FROM membership m
                 JOIN cycle c ON c.id = m.cycle_id
                 WHERE c.year = {year} AND m.cycle_id <> {target}
                 ORDER BY m.id LIMIT {};
             UPDATE shortcoming SET cycle_id = {target}
                 WHERE (cycle_id, org_id) IN (SELECT old, org_id FROM moved);
             UPDATE plan_row SET cycle_id = {target}
                 WHERE (cycle_id, org_id) IN (SELECT old, org_id FROM moved);
             DELETE FROM plan_header WHERE (cycle_id, org_id) IN (SELECT old, org_id FROM moved);
             DELETE FROM plan_act WHERE (cycle_id, org_id) IN (SELECT old, org_id FROM moved);
             UPDATE membership SET cycle_id = {target} WHERE id IN (SELECT id FROM moved);
             INSERT INTO survey_source (cycle_id, name, content_hash, questionnaire, variant,
                                        questions, imported_at, os_user)
                 VALUES ({target}, 'bench.csv', 'x', '2018', 'general', '', '2026-11-01', 'bench');
             INSERT INTO survey_proposal (source_id, membership_id, line, text)
                 SELECT (SELECT max(id) FROM survey_source), m.id, k.n,
                        'Предложение получателя услуг номер ' || k.n ||
                        ': расширить часы работы, обновить информацию на стендах и сайте'
                 FROM membership m
                 JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3
                       UNION ALL SELECT 4 UNION ALL SELECT 5) k
                 WHERE m.cycle_id = {target};
             COMMIT;
             PRAGMA foreign_keys = ON;",
            n as i64 - have
        ))?;
    }
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM membership WHERE cycle_id = ?1",
        [target],
        |r| r.get(0),
    )?;
    Ok((target, count))
}

fn main() -> anyhow::Result<()> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let target_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    let orgs = env_num::<u64>("NOK_BENCH_ORGS", 5_000) as u32;
    let cycle_orgs = env_num::<u64>("NOK_BENCH_CYCLE_ORGS", 2_000);
    let db = target_dir.join(format!("bench-report-{orgs}-{cycle_orgs}.sqlite"));
    let methods = Methods::builtin()?;
    let opts = DemoOptions {
        orgs,
        seed: 2018,
        today,
    };
    let demo = open_or_build(&db, &opts, false, &methods, &mut |_| {})?;
    let (cycle, members) = gather(&demo.conn, cycle_orgs)?;
    drop(demo);
    let conn = nok::store::open_existing(&db)?;
    let texts = Texts::builtin()?;
    let out = std::env::var_os("NOK_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir.join("bench-report"));
    std::fs::create_dir_all(&out)?;
    println!(
        "цикл {cycle}: организаций {members}; load average до: {}",
        load_average()
    );
    for (kind, plans, name) in [
        (Kind::Operator, PlanScope::default(), "отчет оператора"),
        (Kind::Plan, PlanScope::OneFile, "планы одним документом"),
        (Kind::Council, PlanScope::default(), "решение совета"),
    ] {
        let cpu = cpu_total();
        let start = Instant::now();
        let written = report::write(
            &conn,
            &methods,
            &texts,
            &Options {
                cycle_id: cycle,
                kind,
                plans,
                out: None,
                exports_dir: out.clone(),
                force: true,
            },
            &AtomicBool::new(false),
            &mut |_| {},
        )?;
        let secs = start.elapsed().as_secs_f64();
        let size: u64 = written
            .files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        println!(
            "{name}: {secs:.2} с (процессор {:.2} с), организаций {}, файл {:.1} МБ",
            cpu_total() - cpu,
            written.organizations,
            size as f64 / 1_048_576.0
        );
    }
    println!(
        "пик памяти {:.0} МБ; load average после: {}",
        peak_rss_mb(),
        load_average()
    );
    Ok(())
}
