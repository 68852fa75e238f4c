//! Import of survey responses: a Google-Forms-like CSV of one million respondents (timestamp,
//! ИНН, the 15 questions of the social-services form, proposals from one in twenty, sex, age)
//! spread over the organizations of a demo cycle, imported in one transaction into the demo
//! database; then the same file again (recognised, nothing written). Reports the wall time of
//! each, the file's size, the peak resident memory (VmHWM) and the load average.
//!
//! `cargo bench --bench survey_import`; `NOK_BENCH_ROWS` changes the number of respondents
//! (run it at 100,000 and at 1,000,000 to see that memory does not grow with the file).

use std::io::{BufWriter, Write};
use std::time::Instant;

use chrono::NaiveDate;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::service::survey::{Options, apply};

#[path = "support/measure.rs"]
mod measure;
use measure::{cpu_total, env_num, load_average, peak_rss_kib};

const QUESTIONS: [&str; 15] = [
    "1. При посещении организации обращались ли Вы к информации о ее деятельности, размещенной на информационных стендах в помещениях организации?",
    "2. Удовлетворены ли Вы открытостью, полнотой и доступностью информации о деятельности организации, размещенной на информационных стендах в помещении организации?",
    "3. Пользовались ли Вы официальным сайтом организации, чтобы получить информацию о ее деятельности?",
    "4. Удовлетворены ли Вы открытостью, полнотой и доступностью информации о деятельности организации, размещенной на ее официальном сайте в информационно-телекоммуникационной сети «Интернет»?",
    "5. Своевременно ли Вам была предоставлена услуга?",
    "6. Удовлетворены ли Вы комфортностью предоставления услуг организацией?",
    "7. Имеете ли Вы (или лицо, представителем которого Вы являетесь) установленную группу инвалидности?",
    "8. Удовлетворены ли Вы доступностью предоставления услуг для инвалидов в организации?",
    "9. Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, обеспечивающих первичный контакт с посетителями и информирование об услугах при непосредственном обращении в организацию?",
    "10. Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, обеспечивающих непосредственное оказание услуги при обращении в организацию?",
    "11. Пользовались ли Вы какими-либо дистанционными способами взаимодействия с организацией?",
    "12. Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, с которыми взаимодействовали в дистанционной форме?",
    "13. Готовы ли Вы рекомендовать данную организацию родственникам и знакомым?",
    "14. Удовлетворены ли Вы организационными условиями предоставления услуг?",
    "15. Удовлетворены ли Вы в целом условиями оказания услуг в организации?",
];

fn main() {
    let rows = env_num::<usize>("NOK_BENCH_ROWS", 1_000_000);
    let dir = std::env::temp_dir().join(format!("nok-survey-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let methods = Methods::builtin().expect("method");
    let demo = open_or_build(
        &dir.join("bench.sqlite"),
        &DemoOptions {
            orgs: 300,
            seed: 7,
            today,
        },
        false,
        &methods,
        &mut |_| {},
    )
    .expect("demo");
    let mut conn = demo.conn;
    let cycle: i64 = conn
        .query_row(
            "SELECT id FROM cycle WHERE sector = 'social' ORDER BY year DESC, id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("social cycle");
    let inns: Vec<String> = conn
        .prepare(
            "SELECT o.inn FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 AND (SELECT count(*) FROM organization x WHERE x.inn = o.inn) = 1",
        )
        .expect("query")
        .query_map([cycle], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    // The file, written as it is generated (not held in memory).
    let file = dir.join("responses.csv");
    {
        let mut out = BufWriter::new(std::fs::File::create(&file).expect("file"));
        let mut header = vec!["Отметка времени".to_string(), "ИНН".to_string()];
        header.extend(QUESTIONS.iter().map(|q| format!("\"{q}\"")));
        header.extend([
            "Ваши предложения".into(),
            "Ваш пол".into(),
            "Ваш возраст".into(),
        ]);
        writeln!(out, "{}", header.join(",")).expect("write");
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..rows {
            // xorshift: a fixed, cheap stream of answers.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let bits = state;
            let yn = |k: u32| if bits >> k & 7 == 0 { "Нет" } else { "Да" };
            let gate = |k: u32| if bits >> k & 3 == 0 { "Нет" } else { "Да" };
            let ts = format!(
                "{:02}.10.2025 {:02}:{:02}:{:02}",
                1 + i % 28,
                i / 3600 % 24,
                i / 60 % 60,
                i % 60
            );
            let inn = &inns[i % inns.len()];
            let (q1, q3, q7, q11) = (gate(1), gate(3), gate(5), gate(7));
            let cond = |g: &str, k: u32| if g == "Да" { yn(k) } else { "" };
            let proposal = if i % 20 == 0 {
                "Больше мест в зоне ожидания"
            } else {
                ""
            };
            writeln!(
                out,
                "{ts},{inn},{q1},{},{q3},{},{},{},{q7},{},{},{},{q11},{},{},{},{},{proposal},{},{}",
                cond(q1, 9),
                cond(q3, 12),
                yn(15),
                yn(18),
                cond(q7, 21),
                yn(24),
                yn(27),
                cond(q11, 30),
                yn(33),
                yn(36),
                yn(39),
                if bits >> 42 & 1 == 0 {
                    "Женский"
                } else {
                    "Мужской"
                },
                18 + (bits >> 43) % 70,
            )
            .expect("write");
        }
        out.flush().expect("flush");
    }
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let rss_before = peak_rss_kib().unwrap_or(0);
    let opts = Options {
        cycle_id: cycle,
        ..Options::default()
    };
    let load = load_average();
    let cpu0 = cpu_total();
    let t = Instant::now();
    let p = apply(&mut conn, &file, &opts, &mut |_| {}).expect("import");
    let first = t.elapsed().as_secs_f64();
    let cpu = cpu_total() - cpu0;
    assert_eq!(p.rows as usize, rows);
    let t = Instant::now();
    let again = apply(&mut conn, &file, &opts, &mut |_| {}).expect("import again");
    let second = t.elapsed().as_secs_f64();
    assert!(again.same_file);
    println!(
        "анкеты: {rows} строк, {:.1} МБ, {} организаций; импорт {first:.2} с (процессор {cpu:.2} с), повторный (тот же файл) {second:.2} с; учтено {}, дублей {}; пик памяти {} МБ (до импорта {} МБ); load average {load} → {}",
        size as f64 / 1e6,
        p.orgs.len(),
        p.counted,
        p.duplicates,
        peak_rss_kib().unwrap_or(0) / 1024,
        rss_before / 1024,
        load_average(),
    );
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}
