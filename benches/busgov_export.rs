//! bus.gov.ru export at national scale: all three document kinds for 50,000 organizations
//! (organization-cycle pairs), written into packages with manifests and zips, every value checked
//! against the portal's rules as it is written (a doubtful packet in full). Prints wall time, CPU
//! time of all threads, packets per second and peak memory (VmHWM).
//!
//! `cargo bench --bench busgov_export` — uses `NOK_BENCH_DB` if set, else builds (once) a demo
//! database of `NOK_BENCH_ORGS` organizations (default 50,000) under `target/`. The cycles are
//! taken in id order until `NOK_BENCH_EXPORT_ORGS` (default 50,000) organizations are covered.
//! Earlier exports of those cycles are cleared first, so each run measures a first export.
//! The database is migrated (when older) and checkpointed before the clock starts.
//! The packages are written under `target/` (or `NOK_BENCH_OUT`, e.g. /dev/shm to leave the
//! disk out) and removed at the end. On ext4 without a journal, files created within minutes after
//! many were deleted (the previous run's packages) are slow to create: the kernel skips inodes
//! freed recently (`recently_deleted`), which shows as system time; /dev/shm measures the export
//! itself. The load average before and after is printed with the figures.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::NaiveDate;
use nok::exchange::busgov::Kind;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::export::busgov::{Options, export};
use nok::service::methodology::Methods;
use nok::store;

#[path = "support/measure.rs"]
mod measure;
use measure::{cpu_seconds, env_num, load_average, peak_rss_mb};

fn main() -> anyhow::Result<()> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    let db = match std::env::var_os("NOK_BENCH_DB") {
        Some(p) => PathBuf::from(p),
        None => {
            let orgs = env_num::<u64>("NOK_BENCH_ORGS", 50_000) as u32;
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
    let want = env_num::<u64>("NOK_BENCH_EXPORT_ORGS", 50_000);
    let mut conn = store::open_existing(&db)?;
    let methods = Methods::load()?;

    // Cycles in id order until `want` organizations are covered.
    let mut cycles = Vec::new();
    let mut covered = 0u64;
    {
        let mut stmt = conn.prepare(
            "SELECT c.id, count(m.id) FROM cycle c JOIN membership m ON m.cycle_id = c.id
             WHERE c.scores_stale = 0 GROUP BY c.id ORDER BY c.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if covered >= want {
                break;
            }
            cycles.push(r.get::<_, i64>(0)?);
            covered += r.get::<_, i64>(1)? as u64;
        }
    }
    // A first export each run: forget earlier ones (not timed).
    conn.execute_batch(
        "DELETE FROM export_violation; DELETE FROM export_position; DELETE FROM export_log;",
    )?;
    // Opening migrates an older database, and the deletions above are written too: checkpoint
    // them, so that the timed reads do not go through a write-ahead log of them.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    // A fresh folder each run; the packages are removed after the measurement. (Removing 150,000
    // files just before writing as many would measure ext4's search for inodes not recently
    // freed, not the export.)
    let parent = std::env::var_os("NOK_BENCH_OUT").map_or(target.clone(), PathBuf::from);
    let out = parent.join(format!(
        "bench-busgov-packages-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    ));
    eprintln!(
        "выгрузка: {} циклов, {covered} организаций, все три вида документов",
        cycles.len()
    );

    let cancel = AtomicBool::new(false);
    let load_before = load_average();
    let (user0, sys0) = cpu_seconds();
    let started = Instant::now();
    let mut packets = 0u64;
    let mut bytes = 0u64;
    let mut per_cycle = Vec::new();
    for &cycle_id in &cycles {
        let t = Instant::now();
        let opts = Options {
            cycle_id,
            // The three documents on the portal's envelope, as the figures in BENCHMARKS.md were
            // measured (the portal's own plan document is one more per planned organization).
            kinds: vec![Kind::Results, Kind::Plan, Kind::Report],
            out_dir: out.clone(),
            changed_only: false,
        };
        let outcome = export(&mut conn, &methods, &opts, &cancel, &mut |_| {})?;
        per_cycle.push(t.elapsed().as_secs_f64());
        packets += outcome.written.iter().sum::<u64>();
        if outcome.invalid_total > 0 {
            anyhow::bail!(
                "цикл {cycle_id}: {} пакетов не прошли проверку",
                outcome.invalid_total
            );
        }
        if let Some(p) = outcome.paths {
            bytes += std::fs::metadata(&p.zip).map(|m| m.len()).unwrap_or(0);
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let (user1, sys1) = cpu_seconds();
    per_cycle.sort_by(f64::total_cmp);
    let median = per_cycle.get(per_cycle.len() / 2).copied().unwrap_or(0.0);
    let p99 = per_cycle
        .get((per_cycle.len() * 99 / 100).min(per_cycle.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0);
    println!("organizations: {covered} in {} cycles", cycles.len());
    println!("packets written: {packets}");
    println!(
        "wall time: {wall:.2} s ({:.0} packets/s)",
        packets as f64 / wall
    );
    println!(
        "CPU time: user {:.2} s, system {:.2} s (all threads)",
        user1 - user0,
        sys1 - sys0
    );
    println!("per cycle: median {:.3} s, p99 {:.3} s", median, p99);
    println!("zips: {:.1} MB", bytes as f64 / 1e6);
    println!("peak RSS (VmHWM): {:.1} MB", peak_rss_mb());
    println!(
        "load average: {load_before} before, {} after",
        load_average()
    );
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}
