//! National scale: building the 100,000-organization demo database, recomputing one cycle of
//! 100,000 organizations, and an online backup of the result — wall time (median and p99 where
//! there are several runs) and peak memory.
//!
//! `cargo bench --bench scale`. Settings (environment):
//! - `NOK_BENCH_ORGS` — organizations in the demo database (100000);
//! - `NOK_BENCH_MEMBERS` — members of the assembled cycle (100000);
//! - `NOK_BENCH_RUNS` — recompute runs (7);
//! - `NOK_BENCH_DB` — an existing demo database to copy instead of building one (the build is
//!   then not measured);
//! - `NOK_BENCH_WORK` — the folder for the scratch databases (`target/bench-scale`); a tmpfs such
//!   as `/dev/shm` keeps 5 GB of copies off a tight disk;
//! - `NOK_BENCH_ONLY=recompute` — stop after the in-process recompute (no `nok score`, no backup);
//! - `NOK_BENCH_KEEP` — keep the scratch database.
//!
//! The real binary does the build, `nok score` and `nok backup` (peak memory from `wait4`, the
//! child's own maximum resident set); the recompute is also timed in-process, through the same
//! service the CLI calls, for the median and p99 (peak memory from `VmHWM`, reset before): a first
//! computation (nothing stored), a re-run over stored results with nothing changed, re-runs after
//! the inputs of 1 and of 1,000 members changed, and a full recompute (`--full`), with the CPU
//! time beside the wall time (the machine may be shared).
//!
//! Why a bench and not `nok bench`: the figures need an optimized build and a 2.6 GB scratch
//! database, and nothing a user does calls for them; a bench keeps that out of the binary.
//!
//! Extension point: an import or export figure is one more step at the end of `main`: run the
//! command on the database through [`measure_child`] (wall time and peak memory of the child),
//! or several times in-process for a median and p99 with [`median_p99`], and print a line.

#[path = "../tests/scale_support/mod.rs"]
mod scale_support;

#[path = "support/child.rs"]
mod child;
use child::measure_child;
#[path = "support/measure.rs"]
mod measure;
use measure::{cpu_total, env_num, load_average, peak_rss_kib, reset_peak};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nok::service::methodology::Methods;
use nok::service::recompute::{recompute_cycle, recompute_cycle_full};

/// What is done to the cycle before each timed recompute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    /// Its results deleted (a first computation).
    Fresh,
    /// Nothing.
    Nothing,
    /// One input of this many members changed.
    Changed(u32),
    /// Nothing, and the recompute scores every member (`--full`).
    Full,
}

/// Changes one input (the one of the smallest key) of `k` members of the cycle, spread over it,
/// differently in every run `run`: a count one lower or higher, as an import of corrected data
/// would. One transaction, outside the timing.
fn change_inputs(
    conn: &rusqlite::Connection,
    cycle: i64,
    members: u32,
    k: u32,
    run: u32,
) -> rusqlite::Result<()> {
    let step = (members / k).max(1);
    let changed = conn.execute(
        "UPDATE indicator_input
         SET value = CASE WHEN value >= 1 THEN value - 1 ELSE value + 1 END
         WHERE (membership_id, key_id) IN (
             SELECT i.membership_id, min(i.key_id) FROM indicator_input i
             WHERE i.membership_id IN (
                 SELECT id FROM membership WHERE cycle_id = ?1 AND (id + ?4) % ?3 = 0 LIMIT ?2)
             GROUP BY i.membership_id)",
        rusqlite::params![cycle, k, step, run],
    )?;
    eprintln!("  изменено значений: {changed}");
    Ok(())
}

const TODAY: &str = "22.11.2026";

fn nok() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nok"));
    c.env_remove("NOK_DB")
        .env_remove("NOK_METHODOLOGY_DIR")
        .stdout(std::process::Stdio::null());
    c
}

fn mib(kib: u64) -> String {
    format!("{:.0} МБ", kib as f64 / 1024.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} с", d.as_secs_f64()).replace('.', ",")
}

/// Median and p99 (nearest rank) of `times`.
fn median_p99(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort_unstable();
    let n = times.len();
    let rank = ((n as f64) * 0.99).ceil() as usize;
    (times[n / 2], times[rank.clamp(1, n) - 1])
}

/// The processor the figures come from (`model name` in `/proc/cpuinfo`) and how many cores:
/// the same code on the same data took twice the CPU time on 06.12.2026 (an Intel Xeon) as on
/// 01.12.2026 (an AMD EPYC), and nothing in the output showed that the machine had changed.
fn processor() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
        .map_or("?", |(_, m)| m.trim());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, ядер: {cores}")
}

fn gb(bytes: u64) -> String {
    format!("{:.2} ГБ", bytes as f64 / 1e9).replace('.', ",")
}

fn file_size(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

fn remove_db(p: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(s));
    }
}

fn main() -> anyhow::Result<()> {
    let orgs = env_num::<u32>("NOK_BENCH_ORGS", 100_000);
    let members = env_num::<u32>("NOK_BENCH_MEMBERS", 100_000);
    let runs = env_num::<u32>("NOK_BENCH_RUNS", 7).max(1);
    let work = std::env::var_os("NOK_BENCH_WORK").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target")
                .join("bench-scale")
        },
        PathBuf::from,
    );
    let only_recompute = std::env::var("NOK_BENCH_ONLY").is_ok_and(|v| v == "recompute");
    std::fs::create_dir_all(&work)?;
    let db = work.join(format!("scale-{orgs}.sqlite"));
    remove_db(&db);

    println!("== nok: замер на национальном масштабе ==");
    println!("процессор: {}", processor());
    // 1. The demo database.
    match std::env::var_os("NOK_BENCH_DB") {
        Some(src) => {
            std::fs::copy(&src, &db).with_context(|| format!("copy {src:?}"))?;
            println!(
                "база: копия {} (построение не замерялось)",
                PathBuf::from(src).display()
            );
        }
        None => {
            let m = measure_child(
                nok().args([
                    "demo",
                    "--db",
                    db.to_str().context("path")?,
                    "--orgs",
                    &orgs.to_string(),
                    "--today",
                    TODAY,
                ]),
                0,
            )?;
            println!(
                "построение демонстрационной базы ({orgs} организаций): {}, пик памяти {}, файл {}",
                secs(m.wall),
                mib(m.peak_kib),
                gb(file_size(&db))
            );
        }
    }

    // 2. One cycle of `members` organizations.
    let started = Instant::now();
    let cycle = {
        let conn = nok::store::open_existing(&db)?;
        scale_support::assemble_cycle(&conn, members)?
    };
    println!(
        "цикл {cycle} из {members} организаций собран за {} (подготовка, не замер)",
        secs(started.elapsed())
    );

    // 3. Recompute in-process, through the service the CLI and the UI call. The cases: the first
    // computation (nothing stored: every score and part is written); a re-run over stored
    // results with nothing changed; re-runs after one input of 1 and of 1,000 members (spread
    // over the cycle) changed, by SQL like an import's (the change is outside the timing); and a
    // full recompute (`nok score --full`: every member scored from its inputs).
    let methods = Methods::builtin()?;
    let mut conn = nok::store::open_existing(&db)?;
    for (case, setup) in [
        ("первый расчет, результатов еще нет", Setup::Fresh),
        ("повторный пересчет, ничего не менялось", Setup::Nothing),
        (
            "повторный пересчет, изменены данные 1 участника",
            Setup::Changed(1),
        ),
        (
            "повторный пересчет, изменены данные 1 000 участников",
            Setup::Changed(1000),
        ),
        ("полный пересчет (--full), ничего не менялось", Setup::Full),
    ] {
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut peak = 0;
        let n = if setup == Setup::Fresh {
            runs.div_ceil(2)
        } else {
            runs
        };
        let mut redone = 0;
        for run in 0..n {
            match setup {
                Setup::Fresh => scale_support::clear_results(&conn, cycle)?,
                Setup::Changed(k) => change_inputs(&conn, cycle, members, k, run)?,
                Setup::Nothing | Setup::Full => {}
            }
            reset_peak();
            let cpu_before = Duration::from_secs_f64(cpu_total());
            let t = Instant::now();
            let done = if setup == Setup::Full {
                recompute_cycle_full(&mut conn, &methods, cycle)?
            } else {
                recompute_cycle(&mut conn, &methods, cycle)?
            };
            let took = t.elapsed();
            cpu.push(Duration::from_secs_f64(cpu_total()).saturating_sub(cpu_before));
            peak = peak.max(peak_rss_kib().unwrap_or(0));
            if done.scored + done.failed.len() != members as usize {
                bail!(
                    "recompute scored {} of {members}",
                    done.scored + done.failed.len()
                );
            }
            redone = redone.max(done.redone);
            eprintln!("  {case}, прогон {}: {}", run + 1, secs(took));
            times.push(took);
        }
        let (median, p99) = median_p99(&mut times);
        let (cpu_median, _) = median_p99(&mut cpu);
        println!(
            "пересчет цикла из {members} организаций ({case}; {n} прогонов; заново по исходным \
             данным до {redone}): медиана {}, p99 {}, процессорное время (медиана) {}, \
             пик памяти процесса {}; load average {}",
            secs(median),
            secs(p99),
            secs(cpu_median),
            mib(peak),
            load_average()
        );
    }
    drop(conn);
    if only_recompute {
        if std::env::var_os("NOK_BENCH_KEEP").is_none() {
            remove_db(&db);
        } else {
            println!("база оставлена: {}", db.display());
        }
        return Ok(());
    }

    // 4. The same through the CLI, with the rating printed (CSV to /dev/null).
    scale_support::clear_results(&nok::store::open_existing(&db)?, cycle)?;
    let m = measure_child(
        nok().args([
            "--db",
            db.to_str().context("path")?,
            "score",
            "--cycle",
            &cycle.to_string(),
            "--format",
            "csv",
        ]),
        0,
    )?;
    println!(
        "nok score --cycle {cycle} (первый расчет и рейтинг {members} строк в CSV): {}, пик памяти {}",
        secs(m.wall),
        mib(m.peak_kib)
    );

    // 5. An online backup of the whole database, checked.
    let copy = work.join("backup.sqlite");
    remove_db(&copy);
    let m = measure_child(
        nok().args([
            "--db",
            db.to_str().context("path")?,
            "backup",
            copy.to_str().context("path")?,
        ]),
        0,
    )?;
    println!(
        "nok backup ({}, с проверкой целостности копии): {}, пик памяти {}",
        gb(file_size(&copy)),
        secs(m.wall),
        mib(m.peak_kib)
    );
    remove_db(&copy);

    // Import and export figures are added here when `nok import` and `nok export` land.
    if std::env::var_os("NOK_BENCH_KEEP").is_none() {
        remove_db(&db);
    } else {
        println!("база оставлена: {}", db.display());
    }
    Ok(())
}
