//! Survey import end to end over a small demo database: the same ten hand-made responses in the
//! three shapes forms export (a Google-Forms-like CSV with timestamps and full numbered question
//! headers, a Windows-1251 `;` file from Excel with cut headers and 1/0, +/− answers, an xlsx
//! with merged header cells written here with rust_xlsxwriter), counted into the inputs and
//! compared with the counts worked out on paper below; the skip rule, duplicates, re-imports,
//! a corrected file, and broken files that must change nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::service::survey::{Options, SurveyPreview, apply, dry_run};
use rusqlite::Connection;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn demo(dir: &Path) -> Connection {
    let opts = DemoOptions {
        orgs: 30,
        seed: 7,
        today: today(),
    };
    open_or_build(
        &dir.join("d.sqlite"),
        &opts,
        false,
        &Methods::builtin().unwrap(),
        &mut |_| {},
    )
    .unwrap()
    .conn
}

/// The newest social-services cycle and two of its organizations: (cycle, [(org id, ИНН,
/// full name)]).
fn social_cycle(conn: &Connection) -> (i64, Vec<(i64, String, String)>) {
    let cycle: i64 = conn
        .query_row(
            "SELECT id FROM cycle WHERE sector = 'social' ORDER BY year DESC, id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT o.id, o.inn, o.full_name FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 AND (SELECT count(*) FROM organization x WHERE x.inn = o.inn) = 1
             ORDER BY o.id LIMIT 2",
        )
        .unwrap();
    let orgs = stmt
        .query_map([cycle], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(orgs.len(), 2);
    (cycle, orgs)
}

/// The question texts of the form, q1 … q15, then proposals, sex, age.
const QUESTIONS: [&str; 18] = [
    "При посещении организации обращались ли Вы к информации о ее деятельности, размещенной на информационных стендах в помещениях организации?",
    "Удовлетворены ли Вы открытостью, полнотой и доступностью информации о деятельности организации, размещенной на информационных стендах в помещении организации?",
    "Пользовались ли Вы официальным сайтом организации, чтобы получить информацию о ее деятельности?",
    "Удовлетворены ли Вы открытостью, полнотой и доступностью информации о деятельности организации, размещенной на ее официальном сайте в информационно-телекоммуникационной сети «Интернет»?",
    "Своевременно ли Вам была предоставлена услуга?",
    "Удовлетворены ли Вы комфортностью предоставления услуг организацией (наличие комфортной зоны отдыха (ожидания); наличие и понятность навигации внутри организации; наличие и доступность питьевой воды)?",
    "Имеете ли Вы (или лицо, представителем которого Вы являетесь) установленную группу инвалидности?",
    "Удовлетворены ли Вы доступностью предоставления услуг для инвалидов в организации?",
    "Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, обеспечивающих первичный контакт с посетителями и информирование об услугах при непосредственном обращении в организацию?",
    "Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, обеспечивающих непосредственное оказание услуги при обращении в организацию?",
    "Пользовались ли Вы какими-либо дистанционными способами взаимодействия с организацией (телефон, электронная почта, электронный сервис)?",
    "Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, с которыми взаимодействовали в дистанционной форме (по телефону, по электронной почте)?",
    "Готовы ли Вы рекомендовать данную организацию родственникам и знакомым (или могли бы Вы ее рекомендовать, если бы была возможность выбора организации)?",
    "Удовлетворены ли Вы организационными условиями предоставления услуг (графиком работы организации)?",
    "Удовлетворены ли Вы в целом условиями оказания услуг в организации?",
    "Ваши предложения по улучшению условий оказания услуг в данной организации",
    "Ваш пол",
    "Ваш возраст",
];

/// The responses: organization (0 = A, 1 = B), timestamp, answers to q1 … q15 (Д/Н/З/empty),
/// proposal, sex, age. Row 4 repeats row 3 (same time, same answers): a duplicate. Row 2
/// answers q2 after «нет» to q1: a skip-logic violation.
/// (organization, timestamp, answers, proposal, sex, age).
type Response = (
    usize,
    &'static str,
    [&'static str; 15],
    &'static str,
    &'static str,
    &'static str,
);

const ROWS: [Response; 7] = [
    (
        0,
        "01.10.2025 10:00:01",
        [
            "Д", "Д", "Д", "Н", "Д", "Д", "Н", "", "Д", "Д", "Д", "Д", "Д", "Д", "Д",
        ],
        "Больше парковочных мест",
        "Женский",
        "45",
    ),
    (
        0,
        "01.10.2025 10:05:00",
        [
            "Н", "Д", "Н", "", "Н", "Н", "Д", "Н", "Д", "Н", "Н", "", "Н", "Д", "Н",
        ],
        "нет",
        "Мужской",
        "70",
    ),
    (
        0,
        "01.10.2025 10:07:00",
        [
            "Д", "Н", "Д", "Д", "Д", "Д", "Д", "Д", "Д", "Д", "Н", "", "Д", "З", "Д",
        ],
        "",
        "Женский",
        "33",
    ),
    (
        0,
        "01.10.2025 10:07:00",
        [
            "Д", "Н", "Д", "Д", "Д", "Д", "Д", "Д", "Д", "Д", "Н", "", "Д", "З", "Д",
        ],
        "",
        "Женский",
        "33",
    ),
    (
        0,
        "01.10.2025 10:09:00",
        [
            "Д", "Д", "Д", "Д", "Д", "Д", "Н", "", "Д", "Д", "Д", "Н", "Д", "Д", "Д",
        ],
        "Удобный график; больше кружков",
        "Женский",
        "50",
    ),
    (
        1,
        "01.10.2025 10:10:00",
        [
            "Д", "Д", "Н", "", "Д", "Д", "Н", "", "Д", "Д", "Н", "", "Д", "Д", "Д",
        ],
        "",
        "Мужской",
        "29",
    ),
    (
        1,
        "01.10.2025 10:11:00",
        [
            "Н", "", "Н", "", "Н", "Н", "Н", "", "Н", "Н", "Н", "", "Н", "Н", "Н",
        ],
        "Отремонтировать крыльцо",
        "Женский",
        "61",
    ),
];

/// Counts worked out on paper from ROWS (see the comments): organization A, then B.
fn paper() -> [BTreeMap<&'static str, f64>; 2] {
    let a = [
        // Stand: r1 да, r2 skipped (q1 нет), r3 нет, r5 да; r4 is a duplicate.
        ("1.3.yes_stand", 2.0),
        ("1.3.asked_stand", 3.0),
        // Website: r1 нет, r2 skipped (q3 нет), r3 да, r5 да.
        ("1.3.yes_site", 2.0),
        ("1.3.asked_site", 3.0),
        ("2.2.yes", 3.0),
        ("2.2.asked", 4.0),
        ("2.3.yes", 3.0),
        ("2.3.asked", 4.0),
        // Disability: only r2 (нет) and r3 (да) have a group.
        ("3.3.yes", 1.0),
        ("3.3.asked", 2.0),
        ("4.1.yes", 4.0),
        ("4.1.asked", 4.0),
        ("4.2.yes", 3.0),
        ("4.2.asked", 4.0),
        // Remote: r1 (да) and r5 (нет) used it.
        ("4.3.yes", 1.0),
        ("4.3.asked", 2.0),
        ("5.1.yes", 3.0),
        ("5.1.asked", 4.0),
        // «Затрудняюсь ответить» (r3) is not counted.
        ("5.2.yes", 3.0),
        ("5.2.asked", 3.0),
        ("5.3.yes", 3.0),
        ("5.3.asked", 4.0),
    ];
    let b = [
        ("1.3.yes_stand", 1.0),
        ("1.3.asked_stand", 1.0),
        ("1.3.yes_site", 0.0),
        ("1.3.asked_site", 0.0),
        ("2.2.yes", 1.0),
        ("2.2.asked", 2.0),
        ("2.3.yes", 1.0),
        ("2.3.asked", 2.0),
        ("3.3.yes", 0.0),
        ("3.3.asked", 0.0),
        ("4.1.yes", 1.0),
        ("4.1.asked", 2.0),
        ("4.2.yes", 1.0),
        ("4.2.asked", 2.0),
        ("4.3.yes", 0.0),
        ("4.3.asked", 0.0),
        ("5.1.yes", 1.0),
        ("5.1.asked", 2.0),
        ("5.2.yes", 1.0),
        ("5.2.asked", 2.0),
        ("5.3.yes", 1.0),
        ("5.3.asked", 2.0),
    ];
    [a.into_iter().collect(), b.into_iter().collect()]
}

fn survey_inputs(conn: &Connection, cycle: i64, org: i64) -> BTreeMap<String, f64> {
    let mut stmt = conn
        .prepare(
            "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             JOIN membership m ON m.id = i.membership_id
             WHERE m.cycle_id = ?1 AND m.org_id = ?2
               AND (k.key LIKE '1.3.%' OR k.key LIKE '2.2.%' OR k.key LIKE '2.3.%'
                    OR k.key LIKE '3.3.%' OR k.key LIKE '4.%' OR k.key LIKE '5.%')
               AND k.key <> '2.2.waiting_points'",
        )
        .unwrap();
    stmt.query_map([cycle, org], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn respondents(conn: &Connection, cycle: i64, org: i64) -> i64 {
    conn.query_row(
        "SELECT respondents FROM membership WHERE cycle_id = ?1 AND org_id = ?2",
        [cycle, org],
        |r| r.get(0),
    )
    .unwrap()
}

fn check_paper(conn: &Connection, cycle: i64, orgs: &[(i64, String, String)]) {
    let want = paper();
    for (i, (id, _, name)) in orgs.iter().enumerate() {
        let got = survey_inputs(conn, cycle, *id);
        let want: BTreeMap<String, f64> =
            want[i].iter().map(|(k, v)| (k.to_string(), *v)).collect();
        assert_eq!(got, want, "organization {name}");
    }
    assert_eq!(respondents(conn, cycle, orgs[0].0), 4);
    assert_eq!(respondents(conn, cycle, orgs[1].0), 2);
}

/// A fingerprint of everything a survey import may touch.
fn digest(conn: &Connection) -> String {
    let q = |sql: &str| -> String {
        conn.query_row(&format!("SELECT CAST(({sql}) AS TEXT)"), [], |r| {
            r.get::<_, Option<String>>(0)
        })
        .unwrap()
        .unwrap_or_default()
    };
    [
        "SELECT count(*) || ':' || total(value) FROM indicator_input",
        "SELECT count(*) || ':' || total(respondents) FROM membership",
        "SELECT count(*) FROM audit_log",
        "SELECT total(scores_stale) FROM cycle",
        "SELECT count(*) || ':' || group_concat(content_hash) FROM survey_source",
        "SELECT count(*) || ':' || group_concat(answers, '') FROM survey_response",
        "SELECT count(*) FROM survey_tally",
        "SELECT count(*) FROM survey_proposal",
    ]
    .iter()
    .map(|s| q(s))
    .collect::<Vec<_>>()
    .join("|")
}

fn yes_no(a: &str, yes: &str, no: &str) -> String {
    match a {
        "Д" => yes.to_string(),
        "Н" => no.to_string(),
        "З" => "Затрудняюсь ответить".to_string(),
        _ => String::new(),
    }
}

fn csv_field(s: &str, d: char) -> String {
    if s.contains(d) || s.contains('"') || s.contains('\n') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Google Forms: «Отметка времени», the organization chosen from a list (its name, here in
/// capitals and without quotes), full questions numbered and with «(обязательный)».
fn google_csv(orgs: &[(i64, String, String)]) -> String {
    let mut header = vec![
        "Отметка времени".to_string(),
        "Выберите организацию".to_string(),
    ];
    for (i, q) in QUESTIONS.iter().enumerate() {
        let mut h = format!("{}. {q}", i + 1);
        if i < 15 {
            h.push_str(" (обязательный)");
        }
        header.push(h);
    }
    let mut out = header
        .iter()
        .map(|h| csv_field(h, ','))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for (org, ts, answers, proposal, sex, age) in ROWS {
        let name = orgs[org].2.to_uppercase().replace(['«', '»', '"'], "");
        let mut cells = vec![ts.to_string(), name];
        cells.extend(answers.iter().map(|a| yes_no(a, "Да", "Нет")));
        cells.extend([proposal.to_string(), sex.to_string(), age.to_string()]);
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c, ','))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// Excel «CSV (разделители — точки с запятой)» in Windows-1251: ИНН column, headers cut at 60
/// characters and numbered «1)», answers 1/0 and +/−, CRLF line ends.
fn excel_1251(orgs: &[(i64, String, String)]) -> Vec<u8> {
    let mut header = vec!["№ анкеты".to_string(), "ИНН".to_string()];
    for (i, q) in QUESTIONS.iter().enumerate() {
        let cut: String = q.chars().take(60).collect();
        header.push(format!("{}) {cut}", i + 1));
    }
    let mut out = header
        .iter()
        .map(|h| csv_field(h, ';'))
        .collect::<Vec<_>>()
        .join(";");
    out.push_str("\r\n");
    // The respondent id makes row 4 a duplicate of row 3 (same paper form keyed twice).
    let ids = ["101", "102", "103", "103", "105", "201", "202"];
    for (n, (org, _, answers, proposal, sex, age)) in ROWS.iter().enumerate() {
        let mut cells = vec![ids[n].to_string(), orgs[*org].1.clone()];
        for (i, a) in answers.iter().enumerate() {
            cells.push(if i % 2 == 0 {
                yes_no(a, "1", "0")
            } else {
                yes_no(a, "+", "-")
            });
        }
        cells.extend([
            proposal.to_string(),
            if sex.starts_with('М') { "м" } else { "ж" }.to_string(),
            format!("{age} лет"),
        ]);
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c, ';'))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    }
    let (bytes, _, bad) = encoding_rs::WINDOWS_1251.encode(&out);
    assert!(!bad);
    bytes.into_owned()
}

/// An xlsx with a two-row header: «Отметка времени» and «ИНН» merged down over both rows, the
/// criteria as merged group cells over their questions in the first row, the questions in the
/// second; answers Yes/No.
fn merged_xlsx(path: &Path, orgs: &[(i64, String, String)]) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let f = Format::new();
    sheet
        .merge_range(0, 0, 1, 0, "Отметка времени", &f)
        .unwrap();
    sheet.merge_range(0, 1, 1, 1, "ИНН", &f).unwrap();
    let groups = [
        (0, 3, "Открытость и доступность информации"),
        (4, 5, "Комфортность условий"),
        (6, 7, "Доступность для инвалидов"),
        (8, 11, "Доброжелательность, вежливость"),
        (12, 14, "Удовлетворенность"),
        (15, 17, "О себе"),
    ];
    for (a, b, title) in groups {
        sheet.merge_range(0, a + 2, 0, b + 2, title, &f).unwrap();
    }
    for (i, q) in QUESTIONS.iter().enumerate() {
        sheet.write_string(1, i as u16 + 2, *q).unwrap();
    }
    for (n, (org, ts, answers, proposal, sex, age)) in ROWS.iter().enumerate() {
        let r = n as u32 + 2;
        sheet.write_string(r, 0, *ts).unwrap();
        sheet.write_string(r, 1, &orgs[*org].1).unwrap();
        for (i, a) in answers.iter().enumerate() {
            let v = yes_no(a, "Yes", "No");
            if !v.is_empty() {
                sheet.write_string(r, i as u16 + 2, &v).unwrap();
            }
        }
        if !proposal.is_empty() {
            sheet.write_string(r, 17, *proposal).unwrap();
        }
        sheet.write_string(r, 18, *sex).unwrap();
        sheet
            .write_number(r, 19, age.parse::<f64>().unwrap())
            .unwrap();
    }
    book.save(path).unwrap();
}

fn opts(cycle: i64) -> Options {
    Options {
        cycle_id: cycle,
        ..Options::default()
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn import(conn: &mut Connection, path: &Path, o: &Options) -> SurveyPreview {
    apply(conn, path, o, &mut |_| {}).unwrap()
}

#[test]
fn google_forms_csv_counts_equal_the_paper_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let file = write(dir.path(), "google.csv", google_csv(&orgs).as_bytes());
    // The preview first: it changes nothing and shows the mapping and the rules.
    let before = digest(&conn);
    let p = dry_run(&mut conn, &file, &opts(cycle), &mut |_| {}).unwrap();
    assert_eq!(digest(&conn), before);
    assert!(p.unmatched.is_empty(), "{:?}", p.unmatched);
    assert!(p.missing.is_empty(), "{:?}", p.missing);
    assert_eq!(p.columns.len(), 20);
    assert_eq!((p.rows, p.counted, p.duplicates), (7, 6, 1));
    assert_eq!(p.duplicate_lines, vec![(5, 4)]);
    assert_eq!(p.skip_violations, 1);
    assert_eq!(p.skip_lines, vec![3]);
    assert!(p.rules.iter().any(|r| r.contains("затрудняюсь")));
    let text = nok::service::survey::preview_lines(&p, true).join("\n");
    assert!(
        text.contains("вопрос 2 → 1.3.yes_stand / 1.3.asked_stand"),
        "{text}"
    );
    // Applied: the inputs are the counts on paper.
    let p = import(&mut conn, &file, &opts(cycle));
    assert!(p.applied);
    check_paper(&conn, cycle, &orgs);
    // Proposals: two of A («нет» is not a proposal), one of B.
    let n: i64 = conn
        .query_row("SELECT count(*) FROM survey_proposal", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3);
    let found = nok::store::survey::proposals(&conn, cycle, None, "КРЫЛЬЦО", 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].org_inn, orgs[1].1);
    // The audit says the inputs came from the survey.
    let notes: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'indicator_input' AND note LIKE 'из анкет%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(notes > 0);
    // The same file again changes nothing.
    let before = digest(&conn);
    let again = import(&mut conn, &file, &opts(cycle));
    assert!(again.same_file && !again.applied);
    assert_eq!(digest(&conn), before);
}

#[test]
fn windows_1251_semicolon_file_gives_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let file = write(dir.path(), "excel.csv", &excel_1251(&orgs));
    let p = import(&mut conn, &file, &opts(cycle));
    assert!(
        p.format.contains("Windows-1251") && p.format.contains("«;»"),
        "{}",
        p.format
    );
    assert!(p.unmatched.is_empty(), "{:?}", p.unmatched);
    // Row 4 has the respondent id of row 3.
    assert_eq!((p.duplicates, p.duplicate_lines.clone()), (1, vec![(5, 4)]));
    check_paper(&conn, cycle, &orgs);
    let ages: i64 = conn
        .query_row("SELECT sum(age) FROM survey_response", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ages, 45 + 70 + 33 + 50 + 29 + 61);
}

#[test]
fn utf16_without_bom_and_answers_with_runs_of_spaces_give_the_same_counts() {
    // The Google-Forms file saved as UTF-16 LE without a BOM (Excel's «Unicode text» without its
    // mark), and the same file whose free-text answers hold runs of spaces (which make a text
    // look like a table laid out with spaces): both are the CSV they are, counted as on paper.
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let csv = google_csv(&orgs);
    let utf16: Vec<u8> = csv.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let file = write(dir.path(), "unicode.csv", &utf16);
    let p = import(&mut conn, &file, &opts(cycle));
    assert!(p.format.contains("UTF-16 LE"), "{}", p.format);
    assert!(p.unmatched.is_empty(), "{:?}", p.unmatched);
    check_paper(&conn, cycle, &orgs);

    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    // Every data line starts with a run of spaces (the timestamp cell as some exports pad it).
    let spaced: String = google_csv(&orgs)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                format!("     {l}\n")
            }
        })
        .collect();
    let file = write(dir.path(), "spaced.csv", spaced.as_bytes());
    let p = import(&mut conn, &file, &opts(cycle));
    assert!(p.unmatched.is_empty(), "{:?}", p.unmatched);
    check_paper(&conn, cycle, &orgs);
}

#[test]
fn xlsx_with_merged_header_cells_gives_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let file = dir.path().join("merged.xlsx");
    merged_xlsx(&file, &orgs);
    let p = import(&mut conn, &file, &opts(cycle));
    assert_eq!(p.header_line, 2);
    assert!(p.unmatched.is_empty(), "{:?}", p.unmatched);
    assert!(p.columns.iter().any(|c| c.header == "Отметка времени"));
    assert_eq!(p.duplicates, 1);
    check_paper(&conn, cycle, &orgs);
}

#[test]
fn a_corrected_file_replaces_its_source_and_a_second_source_adds() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let file = write(dir.path(), "google.csv", google_csv(&orgs).as_bytes());
    import(&mut conn, &file, &opts(cycle));
    // Corrected: B's last respondent is satisfied overall after all (q15 нет → да).
    let fixed = google_csv(&orgs).replacen("Нет,Отремонтировать", "Да,Отремонтировать", 1);
    assert_ne!(fixed, google_csv(&orgs));
    std::fs::write(&file, fixed).unwrap();
    let p = import(&mut conn, &file, &opts(cycle));
    assert!(p.applied);
    let b = survey_inputs(&conn, cycle, orgs[1].0);
    assert_eq!((b["5.3.yes"], b["5.3.asked"]), (2.0, 2.0));
    assert_eq!(respondents(&conn, cycle, orgs[1].0), 2);
    let n: i64 = conn
        .query_row("SELECT count(*) FROM survey_response", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 6);
    // A paper source of one more respondent of A adds to the online one.
    let paper = format!("ИНН;{}\n{};Да\n", QUESTIONS[14], orgs[0].1);
    let file2 = write(dir.path(), "paper.csv", paper.as_bytes());
    import(&mut conn, &file2, &opts(cycle));
    let a = survey_inputs(&conn, cycle, orgs[0].0);
    assert_eq!((a["5.3.yes"], a["5.3.asked"]), (4.0, 5.0));
    assert_eq!(respondents(&conn, cycle, orgs[0].0), 5);
}

#[test]
fn survey_counts_score_as_the_same_counts_entered_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let methods = Methods::builtin().unwrap();
    // By hand: the paper counts written as inputs, then scored.
    let dir2 = tempfile::tempdir().unwrap();
    let mut hand = demo(dir2.path());
    let m: i64 = hand
        .query_row(
            "SELECT id FROM membership WHERE cycle_id = ?1 AND org_id = ?2",
            [cycle, orgs[0].0],
            |r| r.get(0),
        )
        .unwrap();
    for (k, v) in &paper()[0] {
        nok::store::import::set_input(&hand, m, k, *v).unwrap();
    }
    nok::service::recompute::recompute_cycle(&mut hand, &methods, cycle).unwrap();
    let total = |c: &Connection| -> f64 {
        c.query_row(
            "SELECT s.total FROM score s JOIN membership m ON m.id = s.membership_id
             WHERE m.cycle_id = ?1 AND m.org_id = ?2",
            [cycle, orgs[0].0],
            |r| r.get(0),
        )
        .unwrap()
    };
    let by_hand = total(&hand);
    // From the survey (only A's rows, so B's 0/0 website count does not stop the cycle).
    let only_a: String = google_csv(&orgs)
        .lines()
        .filter(|l| !l.contains(&orgs[1].2.to_uppercase().replace(['«', '»', '"'], "")))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = write(dir.path(), "a.csv", only_a.as_bytes());
    import(&mut conn, &file, &opts(cycle));
    nok::service::recompute::recompute_cycle(&mut conn, &methods, cycle).unwrap();
    assert_eq!(total(&conn), by_hand);
}

#[test]
fn broken_files_are_named_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let good = google_csv(&orgs);
    let before = digest(&conn);
    // A quote opened in the last row and never closed.
    let unclosed = format!("{good}01.10.2025 11:00:00,\"{},Да\n", orgs[0].2);
    let f = write(dir.path(), "unclosed.csv", unclosed.as_bytes());
    let e = apply(&mut conn, &f, &opts(cycle), &mut |_| {}).unwrap_err();
    assert!(format!("{e:#}").contains("unclosed.csv"), "{e:#}");
    assert_eq!(digest(&conn), before);
    // No question anywhere.
    let f = write(
        dir.path(),
        "other.csv",
        "Фамилия;Имя\nИванов;Иван\n".as_bytes(),
    );
    let e = apply(&mut conn, &f, &opts(cycle), &mut |_| {}).unwrap_err();
    let msg = format!("{e:#}");
    assert!(
        msg.contains("other.csv") && msg.contains("заголов"),
        "{msg}"
    );
    assert_eq!(digest(&conn), before);
    // An organization that is not in the database: listed, nothing written.
    let unknown = good.replacen(
        &orgs[1].2.to_uppercase().replace(['«', '»', '"'], ""),
        "ГБУ НЕСУЩЕСТВУЮЩИЙ ЦЕНТР",
        1,
    );
    let f = write(dir.path(), "unknown.csv", unknown.as_bytes());
    let e = apply(&mut conn, &f, &opts(cycle), &mut |_| {}).unwrap_err();
    let msg = format!("{e:#}");
    assert!(
        msg.contains("НЕСУЩЕСТВУЮЩИЙ") && msg.contains("строка 7"),
        "{msg}"
    );
    assert_eq!(digest(&conn), before);
    // Not text at all.
    let f = write(dir.path(), "binary.csv", b"\x00\x01\x02garbage");
    assert!(apply(&mut conn, &f, &opts(cycle), &mut |_| {}).is_err());
    assert_eq!(digest(&conn), before);
}

#[test]
fn a_saved_mapping_resolves_an_ambiguous_cut_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    // Cut where the stand and website questions still read the same.
    let cut: String = QUESTIONS[1].chars().take(70).collect();
    let csv = format!("ИНН;{};{}\n{};Да;Да\n", QUESTIONS[0], cut, orgs[0].1);
    let file = write(dir.path(), "cut.csv", csv.as_bytes());
    let p = dry_run(&mut conn, &file, &opts(cycle), &mut |_| {}).unwrap();
    assert_eq!(p.unmatched.len(), 1, "{:?}", p.unmatched);
    assert!(p.unmatched[0].2.contains("вопрос 2"), "{:?}", p.unmatched);
    let mut mapping = p.mapping.clone();
    mapping.columns.insert(cut.clone(), "q2".to_string());
    let mpath = dir.path().join("m.toml");
    nok::service::survey::write_mapping(&mpath, &mapping).unwrap();
    let o = Options {
        mapping: Some(nok::service::survey::read_mapping(&mpath).unwrap()),
        ..opts(cycle)
    };
    let p = import(&mut conn, &file, &o);
    assert!(p.unmatched.is_empty(), "{:?}", p.unmatched);
    let a = survey_inputs(&conn, cycle, orgs[0].0);
    assert_eq!((a["1.3.yes_stand"], a["1.3.asked_stand"]), (1.0, 1.0));
}

#[test]
fn a_sample_below_the_rule_is_flagged_not_excluded() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let file = write(dir.path(), "google.csv", google_csv(&orgs).as_bytes());
    import(&mut conn, &file, &opts(cycle));
    // A has 4 respondents. 20 recipients need 40 % = 8: short; 10 need 4: enough.
    nok::service::survey::set_recipients(&mut conn, cycle, &orgs[0].1, 20).unwrap();
    let rows = nok::service::survey::sample_check(&conn, cycle).unwrap();
    let a = rows.iter().find(|r| r.inn == orgs[0].1).unwrap();
    assert_eq!((a.respondents, a.required, a.below()), (4, Some(8), true));
    let findings = nok::service::check::check(&conn).unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f.text.contains("выборка мала") && f.text.contains("требуется 8")),
        "{findings:?}"
    );
    // Still ranked: the cycle scores A (a mark, not an exclusion).
    let methods = Methods::builtin().unwrap();
    let done = nok::service::recompute::recompute_cycle(&mut conn, &methods, cycle).unwrap();
    let scored: i64 = conn
        .query_row(
            "SELECT count(*) FROM score s JOIN membership m ON m.id = s.membership_id
             WHERE m.cycle_id = ?1 AND m.org_id = ?2",
            [cycle, orgs[0].0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(scored, 1, "{:?}", done.failed);
    nok::service::survey::set_recipients(&mut conn, cycle, &orgs[0].1, 10).unwrap();
    let rows = nok::service::survey::sample_check(&conn, cycle).unwrap();
    let a = rows.iter().find(|r| r.inn == orgs[0].1).unwrap();
    assert_eq!((a.required, a.below()), (Some(4), false));
    // The audit names the change of recipients.
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE field = 'recipients'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn health_asks_for_the_form_and_keeps_the_waiting_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, org, inn): (i64, i64, String) = conn
        .query_row(
            "SELECT c.id, o.id, o.inn FROM cycle c JOIN membership m ON m.cycle_id = c.id
             JOIN organization o ON o.id = m.org_id
             WHERE c.sector = 'health'
               AND (SELECT count(*) FROM organization x WHERE x.inn = o.inn) = 1
             ORDER BY c.year DESC, o.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let csv = format!(
        "ИНН;Сколько дней прошло с момента записи на прием к врачу до дня приема?;{};{}\n\
         {inn};3;Да;Да\n{inn};14 дней;Нет;Да\n{inn};;Да;Нет\n",
        QUESTIONS[4], QUESTIONS[14]
    );
    let file = write(dir.path(), "amb.csv", csv.as_bytes());
    let before = digest(&conn);
    let e = apply(&mut conn, &file, &opts(cycle), &mut |_| {}).unwrap_err();
    assert!(format!("{e:#}").contains("--variant"), "{e:#}");
    assert_eq!(digest(&conn), before);
    let o = Options {
        variant: Some("outpatient".into()),
        ..opts(cycle)
    };
    let p = import(&mut conn, &file, &o);
    assert!(p.unmatched.is_empty(), "{:?}", p.unmatched);
    let got = survey_inputs(&conn, cycle, org);
    assert_eq!((got["2.2.yes"], got["2.2.asked"]), (2.0, 3.0));
    assert_eq!((got["5.3.yes"], got["5.3.asked"]), (2.0, 3.0));
    let days: i64 = conn
        .query_row("SELECT sum(waiting_days) FROM survey_response", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(days, 17);
}

/// The inputs of a part of an organization in a cycle, by key.
fn part_inputs(conn: &Connection, cycle: i64, org: i64, part: &str) -> BTreeMap<String, f64> {
    let mut stmt = conn
        .prepare(
            "SELECT k.key, i.value FROM org_part_input i JOIN input_key k ON k.id = i.key_id
             JOIN org_part p ON p.id = i.part_id JOIN membership m ON m.id = p.membership_id
             WHERE m.cycle_id = ?1 AND m.org_id = ?2 AND p.name = ?3",
        )
        .unwrap();
    stmt.query_map(rusqlite::params![cycle, org, part], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn unrecognised_answers_are_listed_only_from_rows_that_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let (a, b) = (&orgs[0].1, &orgs[1].1);
    // A is surveyed by parts, so its row without a part (line 3) is refused; B has no parts.
    //   line org part         q1 (stand)        how it is read
    //   2    A   Филиал № 1   «не помню точно»  counted: unrecognised
    //   3    A   (empty)      «спросите позже»  refused row: not listed
    //   4    B   (empty)      «как-то так»      counted: unrecognised
    //   5    B   (empty)      «как-то так»      counted: unrecognised (a second time)
    //   6    A   Филиал № 1   «не помню точно»  same respondent as line 2: a duplicate, not listed
    let q1 = "1. При посещении организации обращались ли Вы к информации о ее деятельности, размещенной на информационных стендах в помещениях организации?";
    let text = format!(
        "ИНН;Филиал;Код респондента;{q1}\n\
         {a};Филиал № 1;r1;не помню точно\n\
         {a};;r2;спросите позже\n\
         {b};;r3;как-то так\n\
         {b};;r4;как-то так\n\
         {a};Филиал № 1;r1;не помню точно\n"
    );
    let file = write(dir.path(), "unknown.csv", text.as_bytes());
    let p = dry_run(&mut conn, &file, &opts(cycle), &mut |_| {}).unwrap();
    let shown = nok::service::survey::preview_lines(&p, true).join("\n");
    assert_eq!(p.duplicates, 1, "{shown}");
    assert_eq!(p.rejected.len(), 1, "{shown}");
    assert_eq!(
        p.unknown_answers,
        vec![
            ("как-то так".to_string(), 2),
            ("не помню точно".to_string(), 1)
        ],
        "{shown}"
    );
    assert!(!shown.contains("спросите позже"), "{shown}");
}

#[test]
fn a_part_column_counts_each_row_into_its_part_and_refuses_rows_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = social_cycle(&conn);
    let (a, b) = (&orgs[0].1, &orgs[1].1);
    // Nine respondents (file lines 2…10) of two organizations. A is assessed in parts (the file
    // names two); B has no parts.
    //   line org part               q1   q2   q13  proposal
    //   2    A   Филиал № 1         Да   Да   Да   «Пандус у входа»
    //   3    A   Филиал № 1         Да   Нет  Нет
    //   4    A   Филиал № 1         Нет  —    Да
    //   5    A   Отделение на дому  Да   Да   Да
    //   6    A   Отделение на дому  Нет  Да   Нет   (q2 after «нет»: a skip violation)
    //   7    A   (empty)            Да   Нет  Да   «Больше кресел в холле»
    //   8    B   (empty)            Да   Да   Да   «Продлить часы работы»
    //   9    A   (empty)            Да   Да   Да
    //   10   B   (empty)            Нет  —    Нет
    // On paper: Филиал № 1: 1.3 stand yes 1 of 2 asked, 5.1 yes 2 of 3, respondents 3;
    // Отделение на дому: stand 1 of 1, 5.1 1 of 2, respondents 2. Lines 7 and 9 name no part of
    // an organization assessed in parts: refused, and with --skip-rejected neither stored nor
    // counted (A's own inputs keep what they had; its respondents are 3 + 2 = 5; its proposal
    // on line 7 is not kept). B, without parts, counts its rows as before: stand 1 of 1,
    // 5.1 1 of 2, respondents 2. Counted in all: 9 − 2 = 7; proposals kept: 2.
    let q1 = "1. При посещении организации обращались ли Вы к информации о ее деятельности, размещенной на информационных стендах в помещениях организации?";
    let q2 = "2. Удовлетворены ли Вы открытостью, полнотой и доступностью информации о деятельности организации, размещенной на информационных стендах в помещении организации?";
    let q13 = "Готовы ли Вы рекомендовать данную организацию родственникам и знакомым?";
    let q16 = QUESTIONS[15];
    let rows = [
        (a, "Филиал № 1", "Да", "Да", "Да", "Пандус у входа"),
        (a, "Филиал № 1", "Да", "Нет", "Нет", ""),
        (a, "Филиал № 1", "Нет", "", "Да", ""),
        (a, "Отделение на дому", "Да", "Да", "Да", ""),
        (a, "Отделение на дому", "Нет", "Да", "Нет", ""),
        (a, "", "Да", "Нет", "Да", "Больше кресел в холле"),
        (b, "", "Да", "Да", "Да", "Продлить часы работы"),
        (a, "", "Да", "Да", "Да", ""),
        (b, "", "Нет", "", "Нет", ""),
    ];
    let mut text = format!("ИНН;Филиал;{q1};{q2};{q13};{q16}\n");
    for (inn, part, a1, a2, a13, p) in rows {
        text.push_str(&format!("{inn};{part};{a1};{a2};{a13};{p}\n"));
    }
    let file = write(dir.path(), "parts.csv", text.as_bytes());
    let own_before = survey_inputs(&conn, cycle, orgs[0].0);
    let before = digest(&conn);
    let preview = dry_run(&mut conn, &file, &opts(cycle), &mut |_| {}).unwrap();
    let shown = nok::service::survey::preview_lines(&preview, true).join("\n");
    assert!(
        shown.contains("часть «Филиал № 1»: по 3 анкетам; часть создается"),
        "{shown}"
    );
    assert!(
        shown.contains("в организации, опрошенной по частям (у какой-либо ее части есть анкеты"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "Анкеты без части в организациях, оцениваемых по частям (строки не загружаются):"
        ),
        "{shown}"
    );
    assert_eq!(preview.rejected.len(), 1, "{shown}");
    let r = preview.rejected[0].to_string();
    assert!(r.contains("строка 7, колонка «Филиал»"), "{r}");
    assert!(
        r.contains("анкета без части в организации, оцениваемой по частям"),
        "{r}"
    );
    assert!(r.contains(&format!("ИНН {a}")), "{r}");
    assert!(r.contains("строк: 2 (7, 9)"), "{r}");
    assert_eq!((preview.counted, preview.proposals), (7, 2));
    // Without --skip-rejected the import is refused and changes nothing.
    let err = apply(&mut conn, &file, &opts(cycle), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("строка 7"), "{err}");
    assert_eq!(digest(&conn), before);
    // With it, the other rows load.
    let skip = Options {
        skip_rejected: true,
        ..opts(cycle)
    };
    let p = import(&mut conn, &file, &skip);
    assert_eq!(p.counted, 7);
    assert_eq!(p.skip_violations, 1);
    let want = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    assert_eq!(
        part_inputs(&conn, cycle, orgs[0].0, "Филиал № 1"),
        want(&[
            ("1.3.yes_stand", 1.0),
            ("1.3.asked_stand", 2.0),
            ("5.1.yes", 2.0),
            ("5.1.asked", 3.0),
        ])
    );
    assert_eq!(
        part_inputs(&conn, cycle, orgs[0].0, "Отделение на дому"),
        want(&[
            ("1.3.yes_stand", 1.0),
            ("1.3.asked_stand", 1.0),
            ("5.1.yes", 1.0),
            ("5.1.asked", 2.0),
        ])
    );
    assert_eq!(survey_inputs(&conn, cycle, orgs[0].0), own_before);
    assert_eq!(respondents(&conn, cycle, orgs[0].0), 5);
    let own_b = survey_inputs(&conn, cycle, orgs[1].0);
    assert_eq!(own_b.get("1.3.yes_stand"), Some(&1.0));
    assert_eq!(own_b.get("1.3.asked_stand"), Some(&1.0));
    assert_eq!(own_b.get("5.1.yes"), Some(&1.0));
    assert_eq!(own_b.get("5.1.asked"), Some(&2.0));
    assert_eq!(respondents(&conn, cycle, orgs[1].0), 2);
    // What is stored, by plain SQL: the seven counted lines, and the two kept proposals.
    let lines: Vec<i64> = conn
        .prepare(
            "SELECT r.line FROM survey_response r JOIN survey_source s ON s.id = r.source_id
             WHERE s.name = 'parts.csv' ORDER BY r.line",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 8, 10]);
    let kept: Vec<String> = conn
        .prepare(
            "SELECT p.text FROM survey_proposal p JOIN survey_source s ON s.id = p.source_id
             WHERE s.name = 'parts.csv' ORDER BY p.line",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept, vec!["Пандус у входа", "Продлить часы работы"]);
    // The parts were created, and the audit names them.
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'org_part' AND action = 'insert'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2);
    // The same file again changes nothing.
    let before = digest(&conn);
    let again = import(&mut conn, &file, &skip);
    assert!(again.same_file);
    assert_eq!(digest(&conn), before);
    // A file of A alone (--org) without a part column: A has stored parts now, so every row is
    // refused, and the message says the column is missing.
    let whole = write(
        dir.path(),
        "whole.csv",
        format!("{q1};{q13}\nДа;Да\nНет;Да\n").as_bytes(),
    );
    let o = Options {
        org: Some(a.clone()),
        ..opts(cycle)
    };
    let p = dry_run(&mut conn, &whole, &o, &mut |_| {}).unwrap();
    assert_eq!(p.counted, 0);
    let r = p
        .rejected
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(r.contains("строк: 2 (2, 3)"), "{r}");
    assert!(r.contains("добавьте колонку «Часть»"), "{r}");
    // B gets a part with no responses (one for the expert's inputs): a survey of B as a whole
    // still counts into B's own inputs, which the part takes; the preview says so.
    //   line q1  q2   q13
    //   2    Да  Да   Да
    //   3    Да  Нет  Нет
    // On paper: B's own stand 1 + 1 = 2 of 1 + 2 = 3 asked, 5.1 1 + 1 = 2 of 2 + 2 = 4 (with
    // parts.csv's), respondents 2 + 2 = 4.
    conn.execute(
        "INSERT INTO org_part (membership_id, name)
         SELECT id, 'Корпус 2' FROM membership WHERE cycle_id = ?1 AND org_id = ?2",
        [cycle, orgs[1].0],
    )
    .unwrap();
    let whole_b = write(
        dir.path(),
        "whole-b.csv",
        format!("{q1};{q2};{q13}\nДа;Да;Да\nДа;Нет;Нет\n").as_bytes(),
    );
    let o = Options {
        org: Some(b.clone()),
        ..opts(cycle)
    };
    let p = import(&mut conn, &whole_b, &o);
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert_eq!(p.counted, 2);
    let shown = nok::service::survey::preview_lines(&p, false).join("\n");
    assert!(
        shown.contains("анкеты без части (2) считаются в данные самой организации — у ее частей «Корпус 2» своих анкет нет"),
        "{shown}"
    );
    let own_b = survey_inputs(&conn, cycle, orgs[1].0);
    assert_eq!(own_b.get("1.3.yes_stand"), Some(&2.0));
    assert_eq!(own_b.get("1.3.asked_stand"), Some(&3.0));
    assert_eq!(own_b.get("5.1.yes"), Some(&2.0));
    assert_eq!(own_b.get("5.1.asked"), Some(&4.0));
    assert_eq!(respondents(&conn, cycle, orgs[1].0), 4);
}
