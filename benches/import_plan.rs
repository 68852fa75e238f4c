//! `nok import plan` of a region's plan table for a whole cycle (CSV as Excel saves it: BOM, `;`,
//! CRLF; one row per measure, several per organization, an «ИНН организации» column), run by the
//! real binary: a dry run, the import, and the same file imported again (everything as stored).
//! Reports the wall time of each, rows per second, and the child's peak resident memory
//! (`ru_maxrss` from `wait4`), with the machine's load average beside every figure.
//!
//! The database (one authority, `NOK_BENCH_ORGS` organizations, one cycle holding them all) is
//! built once by plain SQL and copied for every run; the plan file is written row by row to
//! disk. Every organization gets `rows / orgs` measures numbered «1.1», «2.1», … under the
//! method's criteria, with deadlines as regions write them («IV квартал 2026 г.», «до
//! 31.12.2026», «31.03.2027»); one row in fifty says «постоянно» (no single date: rejected, and
//! the import runs with `--skip-rejected`).
//!
//! `cargo bench --bench import_plan`. Settings (environment):
//! - `NOK_BENCH_ROWS` — rows of the plan file (100000), `NOK_BENCH_ORGS` — organizations
//!   (rows / 5);
//! - `NOK_BENCH_RUNS` — runs of each binary (1);
//! - `NOK_BENCH_BIN` — the `nok` binary measured (the one built with the bench), named in the
//!   output by `NOK_BENCH_LABEL` («новый»);
//! - `NOK_BENCH_OLD_BIN` — another build of `nok` (e.g. the one before the streamed plan import)
//!   run in turn with it, on copies of the same database, for old-versus-new figures;
//! - `NOK_BENCH_STEPS=dry` — the dry run only (for the largest files); `NOK_BENCH_KEEP=1` keeps
//!   the database (`base.sqlite`) and the file (`plan.csv`) in the work folder;
//! - `NOK_BENCH_WORK` — the folder for the database and the file (a temporary folder).

#[path = "support/child.rs"]
mod child;
use child::measure_child;
#[path = "support/measure.rs"]
mod measure;
use measure::{env_num, load_average};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::bail;
use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use rusqlite::params;

const TODAY: &str = "22.11.2026";

fn digits<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0u8; N];
    for (d, b) in out.iter_mut().zip(text.bytes()) {
        *d = b - b'0';
    }
    out
}

/// The ИНН of organization `i` (valid check digit).
fn inn(i: usize) -> String {
    let inn9 = format!("7{i:08}");
    format!("{inn9}{}", inn10_check_digit(&digits(&inn9)))
}

/// A fresh database with one authority, `orgs` organizations and one cycle (id 1, method 2018)
/// holding them all.
fn build_db(path: &Path, orgs: usize) -> anyhow::Result<()> {
    let conn = nok::store::open(path)?;
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         INSERT INTO authority (id, name, region, inn, kpp, ogrn)
           VALUES (1, 'Комитет по социальной политике', 'Санкт-Петербург', '4703083640',
                   '470301001', '1027700132195');
         INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
           VALUES (1, 2026, 'social', 1, 'Санкт-Петербург', 'collecting', '2018');",
    )?;
    {
        let mut org = conn.prepare(
            "INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector,
                                       region)
             VALUES (?1, ?2, ?3, ?4, '780101001', ?5, ?6, 'social', 'Санкт-Петербург')",
        )?;
        for i in 1..=orgs {
            let ogrn12 = format!("1{i:011}");
            let ogrn = format!("{ogrn12}{}", ogrn_check_digit(&digits(&ogrn12)));
            org.execute(params![
                i as i64,
                format!("Санкт-Петербургское государственное бюджетное учреждение социального обслуживания «Комплексный центр № {i}»"),
                format!("СПб ГБУ СО «КЦСОН № {i}»"),
                inn(i),
                ogrn,
                format!("7{i:012}"),
            ])?;
        }
    }
    conn.execute_batch(
        "INSERT INTO membership (cycle_id, org_id) SELECT 1, id FROM organization;
         COMMIT;",
    )?;
    Ok(())
}

/// Writes the plan file: `rows` rows over `orgs` organizations, a row at a time.
fn write_plan(path: &Path, rows: usize, orgs: usize) -> anyhow::Result<usize> {
    let shortcomings = [
        (
            "1",
            "На официальном сайте нет сведений о порядке подачи жалоб",
            "Разместить на официальном сайте сведения о порядке подачи жалоб и образцы обращений",
            "Информация размещена на сайте",
        ),
        (
            "2",
            "Нет питьевой воды в зоне ожидания",
            "Установить кулер с питьевой водой в зоне ожидания",
            "Зона ожидания оборудована",
        ),
        (
            "3",
            "Нет сменных кресел-колясок и выделенной стоянки для инвалидов",
            "Приобрести сменное кресло-коляску, оборудовать стоянку для автотранспорта инвалидов",
            "Доступность для инвалидов повышена",
        ),
        (
            "4",
            "Получатели услуг недовольны доброжелательностью работников регистратуры",
            "Провести обучение работников по этике общения с получателями услуг",
            "Доля удовлетворенных получателей не ниже 95 %",
        ),
        (
            "5",
            "Получатели услуг не готовы рекомендовать организацию",
            "Провести анкетирование получателей услуг и разобрать предложения на совещании",
            "Предложения рассмотрены, план доработан",
        ),
    ];
    let deadlines = [
        "IV квартал 2026 г.",
        "до 31.12.2026",
        "31.03.2027",
        "I полугодие 2027 г.",
        "до 01.09.2027 г.",
    ];
    let people = [
        "Иванова Анна Петровна, заместитель директора",
        "Петров О.Ю., директор",
        "Смирнова Е.В., специалист по связям с общественностью",
    ];
    let per_org = rows.div_ceil(orgs).max(1);
    let file = std::fs::File::create(path)?;
    let mut out = std::io::BufWriter::new(file);
    out.write_all(
        "\u{feff}ИНН организации;№ п/п;Недостатки, выявленные в ходе независимой оценки;Наименование мероприятия по устранению недостатков;Плановый срок реализации мероприятия;Ответственный исполнитель (с указанием фамилии, имени, отчества и должности);Результат;Показатели\r\n"
            .as_bytes(),
    )?;
    let mut rejected = 0;
    let mut s = String::with_capacity(600);
    for r in 0..rows {
        let org = r / per_org % orgs + 1;
        let k = r % per_org;
        let (criterion, shortcoming, measure, result) = shortcomings[k % shortcomings.len()];
        let number = format!("{criterion}.{}", k / shortcomings.len() + 1);
        let deadline = if r % 50 == 49 {
            rejected += 1;
            "постоянно"
        } else {
            deadlines[r % deadlines.len()]
        };
        s.clear();
        s.push_str(&format!(
            "{};{number};\"{shortcoming}\";\"{measure} (№ {org})\";{deadline};\"{}\";{result};\"Доля удовлетворенных, %\"\r\n",
            inn(org),
            people[r % people.len()],
        ));
        out.write_all(s.as_bytes())?;
    }
    out.flush()?;
    Ok(rejected)
}

fn remove_db(p: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(s));
    }
}

fn count(db: &Path, sql: &str) -> anyhow::Result<i64> {
    let conn = rusqlite::Connection::open(db)?;
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

fn main() -> anyhow::Result<()> {
    let rows = env_num::<usize>("NOK_BENCH_ROWS", 100_000);
    let orgs = env_num::<usize>("NOK_BENCH_ORGS", rows.div_ceil(5)).max(1);
    let runs = env_num::<usize>("NOK_BENCH_RUNS", 1).max(1);
    let work = match std::env::var_os("NOK_BENCH_WORK") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::temp_dir().join(format!("nok-plan-bench-{}", std::process::id())),
    };
    std::fs::create_dir_all(&work)?;
    let base = work.join("base.sqlite");
    let file = work.join("plan.csv");
    remove_db(&base);
    let t = Instant::now();
    build_db(&base, orgs)?;
    let rejected = write_plan(&file, rows, orgs)?;
    let size = std::fs::metadata(&file).map_or(0, |m| m.len());
    println!(
        "база: {orgs} организаций в цикле; файл плана: {rows} строк ({rejected} со сроком «постоянно»), {:.1} МБ; подготовка {:.1} с",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let this = std::env::var_os("NOK_BENCH_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_nok")), PathBuf::from);
    let label = std::env::var("NOK_BENCH_LABEL").unwrap_or_else(|_| "новый".into());
    let mut bins = vec![(label.as_str(), this)];
    if let Some(old) = std::env::var_os("NOK_BENCH_OLD_BIN") {
        bins.push(("старый", PathBuf::from(old)));
    }
    let db = work.join("run.sqlite");
    for run in 0..runs {
        for (name, bin) in &bins {
            remove_db(&db);
            std::fs::copy(&base, &db)?;
            let nok = |extra: &[&str]| {
                let mut c = Command::new(bin);
                c.env_remove("NOK_DB")
                    .env_remove("NOK_METHODOLOGY_DIR")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .arg("--db")
                    .arg(&db)
                    .arg("--today")
                    .arg(TODAY)
                    .args(["import", "plan"])
                    .arg(&file)
                    .args(["--cycle", "1"])
                    .args(extra);
                c
            };
            let steps: [(&str, &[&str]); 3] = [
                ("пробный прогон", &["--dry-run"]),
                ("импорт", &["--skip-rejected"]),
                ("повторный импорт", &["--skip-rejected"]),
            ];
            let only_dry = std::env::var("NOK_BENCH_STEPS").is_ok_and(|v| v == "dry");
            let steps = if only_dry { &steps[..1] } else { &steps[..] };
            for (step, extra) in steps.iter().copied() {
                let load = load_average();
                let m = measure_child(&mut nok(extra), 1)?;
                let secs = m.wall.as_secs_f64();
                println!(
                    "{name} (прогон {}): {step}: {secs:.2} с, {:.0} строк/с, пик памяти {:.1} МБ; загрузка {load}",
                    run + 1,
                    rows as f64 / secs,
                    m.peak_kib as f64 / 1024.0,
                );
            }
            if only_dry {
                continue;
            }
            let stored = count(&db, "SELECT count(*) FROM plan_row")?;
            let audited = count(
                &db,
                "SELECT count(*) FROM audit_log WHERE entity = 'plan_row' AND action = 'insert'",
            )?;
            let expected = (rows - rejected) as i64;
            if stored != expected || audited != expected {
                bail!(
                    "{name}: строк плана {stored}, записей журнала {audited}, ожидалось {expected}"
                );
            }
        }
    }
    remove_db(&db);
    if std::env::var_os("NOK_BENCH_KEEP").is_none() {
        remove_db(&base);
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_dir(&work);
    }
    Ok(())
}
