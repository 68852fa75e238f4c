//! Survey tables generated in the family of shapes forms and spreadsheets export, and how much of
//! them `nok` reads right.
//!
//! - Headers: every question of the general form under the transformations forms and people
//!   apply (numbered, «(обязательный)» appended, cut, case changed, spaces, line breaks and quotes
//!   changed, and all of these at once), and in the long wording regional forms print with the
//!   examples in brackets. Each generated header is matched against the whole questionnaire; the
//!   rates are printed per family, and a wrong question is never accepted.
//! - Whole tables: CSV in UTF-8 and Windows-1251 with `,` or `;`, and xlsx; answers spelt in every
//!   accepted way; organizations by ИНН or by name as people type it; parts of organizations
//!   («Филиал»); skip-logic violations and duplicate rows. All tables are one source, each a
//!   corrected version of the one before. The indicator inputs after the import must equal a count of the same table
//!   done here, by the rules of the method written out in this file (which question feeds which
//!   indicator, which question gates which), not by the questionnaire file.
//!
//! The generator is seeded: a failure prints the seed and the table, and repeats.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use nok::domain::questionnaire::{HeaderMatch, Questionnaire, normalize_header};
use nok::domain::sector::Sector;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::service::survey::{Options, apply};
use rusqlite::Connection;

/// SplitMix64: small, seeded, good enough to pick variants.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// The method, written out here independently of the questionnaire file (приказ № 675н's form and
// приказ № 344н's indicators): which question feeds which indicator's yes/asked, and which
// question's «нет» sends the respondent past which.
// ---------------------------------------------------------------------------------------------

/// (question number, input key prefix): «да» counts into `<prefix>.yes…`, «да» and «нет» into
/// `<prefix>.asked…`.
const FEEDS: [(u32, &str, &str); 11] = [
    (2, "1.3.yes_stand", "1.3.asked_stand"),
    (4, "1.3.yes_site", "1.3.asked_site"),
    (5, "2.2.yes", "2.2.asked"),
    (6, "2.3.yes", "2.3.asked"),
    (8, "3.3.yes", "3.3.asked"),
    (9, "4.1.yes", "4.1.asked"),
    (10, "4.2.yes", "4.2.asked"),
    (12, "4.3.yes", "4.3.asked"),
    (13, "5.1.yes", "5.1.asked"),
    (14, "5.2.yes", "5.2.asked"),
    (15, "5.3.yes", "5.3.asked"),
];

/// (gate question, the question its «нет» skips).
const GATES: [(u32, u32); 4] = [(1, 2), (3, 4), (7, 8), (11, 12)];

/// The long wording regional forms print, with the examples in brackets (questions whose
/// official form carries them); the header of a form built from the order's text looks like this.
const LONG: [(u32, &str); 6] = [
    (
        5,
        "Своевременно ли Вам была предоставлена услуга (в соответствии с записью на прием к специалисту (консультацию), датой госпитализации (диагностического исследования), графиком посещения социального работника на дому и прочее)?",
    ),
    (
        6,
        "Удовлетворены ли Вы комфортностью предоставления услуг организацией (наличие комфортной зоны отдыха (ожидания); наличие и понятность навигации внутри организации; наличие и доступность питьевой воды; наличие и доступность санитарно-гигиенических помещений; удовлетворительное санитарное состояние помещений; транспортная доступность (возможность доехать до организации на общественном транспорте, наличие парковки); доступность записи на получение услуги (по телефону, на официальном сайте организации в сети «Интернет», посредством Единого портала государственных и муниципальных услуг, при личном посещении в регистратуре или у специалиста организации) и прочие условия)?",
    ),
    (
        9,
        "Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, обеспечивающих первичный контакт с посетителями и информирование об услугах при непосредственном обращении в организацию (работники справочной, приемного отделения, регистратуры, кассы и прочие работники)?",
    ),
    (
        10,
        "Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, обеспечивающих непосредственное оказание услуги при обращении в организацию (врачи, социальные работники, работники, осуществляющие экспертно-реабилитационную диагностику, преподаватели, тренеры, инструкторы, библиотекари, экскурсоводы и прочие работники)?",
    ),
    (
        12,
        "Удовлетворены ли Вы доброжелательностью и вежливостью работников организации, с которыми взаимодействовали в дистанционной форме (по телефону, по электронной почте, с помощью электронных сервисов (подачи электронного обращения (жалобы, предложения), записи на прием/получение услуги, получения консультации по оказываемым услугам) и в прочих дистанционных формах)?",
    ),
    (
        14,
        "Удовлетворены ли Вы организационными условиями предоставления услуг (графиком работы организации (подразделения, отдельных специалистов, графиком прихода социального работника на дом и прочее)?",
    ),
];

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Family {
    Exact,
    Long,
    Numbered,
    Required,
    Cut,
    Spelling,
    All,
}

const FAMILIES: [Family; 7] = [
    Family::Exact,
    Family::Long,
    Family::Numbered,
    Family::Required,
    Family::Cut,
    Family::Spelling,
    Family::All,
];

fn numbered(rng: &mut Rng, n: u32, h: &str) -> String {
    let forms = [
        format!("{n}. {h}"),
        format!("{n}) {h}"),
        format!("{n}.\u{a0}{h}"),
        format!("Вопрос {n}. {h}"),
        format!("№ {n}. {h}"),
        format!("{n} - {h}"),
        format!("{n}.{h}"),
    ];
    rng.pick(&forms).clone()
}

fn required(rng: &mut Rng, h: &str) -> String {
    let forms = [
        format!("{h} (обязательный)"),
        format!("{h} *"),
        format!("{h}*"),
        format!("{h} (обязательно)"),
        format!("{h} (обязательный вопрос)"),
    ];
    rng.pick(&forms).clone()
}

/// Cut to `keep` characters (a form's or a spreadsheet's column limit), sometimes with an
/// ellipsis.
fn cut(rng: &mut Rng, h: &str, keep: usize) -> String {
    let c: String = h.chars().take(keep).collect();
    match rng.below(3) {
        0 => c,
        1 => format!("{}…", c.trim_end()),
        _ => format!("{}...", c.trim_end()),
    }
}

fn respell(rng: &mut Rng, h: &str) -> String {
    let mut s = h.to_string();
    match rng.below(3) {
        0 => s = s.to_lowercase(),
        1 => s = s.to_uppercase(),
        _ => {}
    }
    if rng.chance(50) {
        s = s.replace(' ', "  ");
    }
    if rng.chance(30) {
        // A line break inside the header cell, where a spreadsheet wrapped it.
        let words: Vec<&str> = s.split(' ').collect();
        let at = words.len() / 2;
        s = format!("{}\n{}", words[..at].join(" "), words[at..].join(" "));
    }
    if rng.chance(50) {
        s = s.replace(['«', '»'], "\"");
    }
    if rng.chance(50) {
        // «ё» where it belongs, as a careful typist writes it.
        for (e, yo) in [
            (" ее ", " её "),
            ("размещенной", "размещённой"),
            ("прием", "приём"),
        ] {
            s = s.replace(e, yo);
        }
    }
    if rng.chance(30) {
        s = s.trim_end_matches('?').to_string();
    }
    s
}

/// What a generated header should be read as: the question, or (for a cut that many questions
/// begin with) any of them, left to the person to choose.
#[derive(Debug)]
enum Expect {
    One(usize),
    AnyOf(Vec<usize>),
}

#[derive(Default, Debug)]
struct Rates {
    right: usize,
    /// Ambiguous between questions that all begin with the cut text: right to ask.
    asked: usize,
    /// Ambiguous or unmatched where one question was meant.
    missed: usize,
    wrong: usize,
}

#[test]
fn generated_headers_are_read_right() {
    let q = Questionnaire::builtin().unwrap();
    let candidates: Vec<usize> = (0..q.questions.len())
        .filter(|&i| q.questions[i].applies(Sector::Social, "general"))
        .collect();
    let keys: Vec<(usize, String)> = candidates
        .iter()
        .map(|&i| (i, normalize_header(&q.questions[i].text)))
        .collect();
    let mut rng = Rng(2_018_675);
    let mut rates: BTreeMap<Family, Rates> = BTreeMap::new();
    let mut failures = Vec::new();
    for round in 0..60 {
        for &i in &candidates {
            let question = &q.questions[i];
            if question.number == 0 {
                continue;
            }
            let n = question.number;
            let text = question.text.as_str();
            for fam in FAMILIES {
                let long = LONG.iter().find(|(m, _)| *m == n).map(|(_, t)| *t);
                let base = match (fam, long) {
                    (Family::Long, Some(t)) => t,
                    (Family::Long, None) => continue,
                    (Family::All, Some(t)) if rng.chance(50) => t,
                    _ => text,
                };
                let len = base.chars().count();
                // Cuts keep at least 40 characters (forms and spreadsheets cut titles at 50, 60,
                // 100 or 255), and at most all but one.
                let keep = 40 + rng.below(len.saturating_sub(40).max(1));
                let header = match fam {
                    Family::Exact | Family::Long => base.to_string(),
                    Family::Numbered => numbered(&mut rng, n, base),
                    Family::Required => required(&mut rng, base),
                    Family::Cut => cut(&mut rng, base, keep),
                    Family::Spelling => respell(&mut rng, base),
                    Family::All => {
                        let mut h = if rng.chance(50) {
                            cut(&mut rng, base, keep)
                        } else {
                            base.to_string()
                        };
                        h = respell(&mut rng, &h);
                        if rng.chance(70) {
                            h = numbered(&mut rng, n, &h);
                        }
                        if rng.chance(50) {
                            h = required(&mut rng, &h);
                        }
                        h
                    }
                };
                let cut_to = matches!(fam, Family::Cut | Family::All)
                    .then(|| normalize_header(&base.chars().take(keep).collect::<String>()))
                    .filter(|c| c.chars().count() < normalize_header(base).chars().count());
                // A cut is fairly ambiguous when another question also begins with it.
                let expect = match &cut_to {
                    Some(c) => {
                        let begins: Vec<usize> = keys
                            .iter()
                            .filter(|(_, k)| k.starts_with(c.as_str()))
                            .map(|(j, _)| *j)
                            .collect();
                        if begins.len() > 1 {
                            Expect::AnyOf(begins)
                        } else {
                            Expect::One(i)
                        }
                    }
                    None => Expect::One(i),
                };
                let got = q.match_header(&header, &candidates);
                let r = rates.entry(fam).or_default();
                match (&expect, &got) {
                    (Expect::One(w), HeaderMatch::Question(g)) if w == g => r.right += 1,
                    (Expect::AnyOf(ws), HeaderMatch::Question(g)) if ws.contains(g) => r.right += 1,
                    (Expect::AnyOf(ws), HeaderMatch::Ambiguous(gs))
                        if gs.contains(&i) && gs.iter().all(|g| ws.contains(g)) =>
                    {
                        r.asked += 1
                    }
                    (_, HeaderMatch::Question(g)) => {
                        r.wrong += 1;
                        failures.push(format!(
                            "[{round}] {fam:?} вопрос {n}: «{header}» прочитан как вопрос {}",
                            q.questions[*g].number
                        ));
                    }
                    _ => {
                        r.missed += 1;
                        failures.push(format!(
                            "[{round}] {fam:?} вопрос {n}: «{header}» → {got:?} (ожидалось {expect:?})"
                        ));
                    }
                }
            }
        }
    }
    println!("семейство      верно  спрошено  пропущено  неверно  доля верных");
    let mut total = Rates::default();
    for (fam, r) in &rates {
        let all = r.right + r.asked + r.missed + r.wrong;
        println!(
            "{:<13} {:>6} {:>9} {:>10} {:>8}  {:.1} %",
            format!("{fam:?}"),
            r.right,
            r.asked,
            r.missed,
            r.wrong,
            100.0 * (r.right + r.asked) as f64 / all as f64
        );
        total.right += r.right;
        total.asked += r.asked;
        total.missed += r.missed;
        total.wrong += r.wrong;
    }
    let all = total.right + total.asked + total.missed + total.wrong;
    println!(
        "всего: {all} заголовков, верно {}, спрошено {}, пропущено {}, неверно {}",
        total.right, total.asked, total.missed, total.wrong
    );
    for f in failures.iter().take(40) {
        println!("{f}");
    }
    assert_eq!(total.wrong, 0, "a header read as another question");
    for (fam, r) in &rates {
        let all = r.right + r.asked + r.missed + r.wrong;
        assert!(
            (r.right + r.asked) * 1000 >= all * 995,
            "{fam:?}: {} of {all} read right",
            r.right + r.asked
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Whole tables
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ans {
    Yes,
    No,
    Unsure,
    Blank,
}

fn spell(rng: &mut Rng, a: Ans) -> &'static str {
    let spellings: &[&'static str] = match a {
        Ans::Yes => &["Да", "да", "ДА", "Да.", "1", "+", "Yes", "yes", " да "],
        Ans::No => &["Нет", "нет", "НЕТ", "0", "-", "No", "Нет."],
        Ans::Unsure => &["Затрудняюсь ответить", "затрудняюсь", "Не знаю"],
        Ans::Blank => &["", " "],
    };
    spellings[rng.below(spellings.len())]
}

struct Respondent {
    org: usize,
    /// The part of the organization («» for the organization itself).
    part: &'static str,
    stamp: String,
    /// Answers to questions 1–15 (index 0 = question 1).
    answers: [Ans; 15],
    proposal: String,
    /// Health forms: the days waited, as answered (None: left empty).
    waiting: Option<u32>,
}

fn respondent(rng: &mut Rng, org: usize, part: &'static str, stamp: String) -> Respondent {
    let mut answers = [Ans::Blank; 15];
    for a in answers.iter_mut() {
        *a = match rng.below(20) {
            0..=11 => Ans::Yes,
            12..=16 => Ans::No,
            17 => Ans::Unsure,
            _ => Ans::Blank,
        };
    }
    // Fewer people have a disability group or used remote channels.
    if rng.chance(60) {
        answers[6] = Ans::No;
    }
    for (gate, gated) in GATES {
        if answers[gate as usize - 1] == Ans::No && !rng.chance(8) {
            // The form says to skip: blank, unless the person answered anyway (8 %).
            answers[gated as usize - 1] = Ans::Blank;
        }
    }
    let proposal = if rng.chance(20) {
        rng.pick(&["Сделать пандус", "Больше парковочных мест", "нет", ""])
            .to_string()
    } else {
        String::new()
    };
    let waiting = rng.chance(85).then(|| rng.below(40) as u32);
    Respondent {
        org,
        part,
        stamp,
        answers,
        proposal,
        waiting,
    }
}

/// The count of a table by the method's rules, by (organization index, part).
type Counts = BTreeMap<(usize, &'static str), BTreeMap<String, f64>>;

/// The count of the table by the method's rules: the inputs of each organization and part that
/// has respondents; the respondents of each organization (its parts included); the skip
/// violations.
fn count(rows: &[&Respondent], orgs: usize, asked_q: &[u32]) -> (Counts, Vec<i64>, u64) {
    let feeds: Vec<(u32, &str, &str)> = FEEDS
        .iter()
        .copied()
        .filter(|(q, _, _)| asked_q.contains(q))
        .collect();
    let mut out = Counts::new();
    let mut people = vec![0; orgs];
    let mut violations = 0;
    for r in rows {
        people[r.org] += 1;
        let m = out.entry((r.org, r.part)).or_insert_with(|| {
            feeds
                .iter()
                .flat_map(|(_, y, a)| [(y.to_string(), 0.0), (a.to_string(), 0.0)])
                .collect()
        });
        for &(q, yes, asked) in &feeds {
            let a = r.answers[q as usize - 1];
            let skipped = GATES
                .iter()
                .any(|&(g, s)| s == q && r.answers[g as usize - 1] == Ans::No);
            if skipped {
                if a != Ans::Blank {
                    violations += 1;
                }
                continue;
            }
            match a {
                Ans::Yes => {
                    *m.get_mut(yes).unwrap() += 1.0;
                    *m.get_mut(asked).unwrap() += 1.0;
                }
                Ans::No => *m.get_mut(asked).unwrap() += 1.0,
                Ans::Unsure | Ans::Blank => {}
            }
        }
    }
    (out, people, violations)
}

#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Google-Forms-like: UTF-8, `,`, «Отметка времени», the organization by name.
    GoogleCsv,
    /// Excel «CSV (разделители — точки с запятой)»: Windows-1251, CRLF, ИНН.
    Excel1251,
    /// UTF-8 with BOM, `;`, a respondent number, ИНН and the part («Филиал»).
    BomSemicolon,
    /// xlsx: timestamp, ИНН.
    Xlsx,
}

fn csv_cell(s: &str, d: char) -> String {
    if s.contains(d) || s.contains('"') || s.contains('\n') || s.starts_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// How a person types an organization's name into a form: case, quotes and spaces vary.
fn typed_name(rng: &mut Rng, name: &str) -> String {
    let mut s = name.to_string();
    match rng.below(4) {
        0 => s = s.to_uppercase(),
        1 => s = s.replace(['«', '»'], "\""),
        2 => s = format!("  {s} "),
        _ => {}
    }
    s
}

fn demo(dir: &Path) -> Connection {
    let opts = DemoOptions {
        orgs: 80,
        seed: 7,
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
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

/// The newest cycle of a sector and two or three of its organizations with a unique ИНН and
/// name: (cycle, [(org id, ИНН, full name)]).
fn cycle_of(conn: &Connection, sector: &str) -> (i64, Vec<(i64, String, String)>) {
    let cycle: i64 = conn
        .query_row(
            "SELECT id FROM cycle WHERE sector = ?1 ORDER BY year DESC, id DESC LIMIT 1",
            [sector],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT o.id, o.inn, o.full_name FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1
               AND (SELECT count(*) FROM organization x WHERE x.inn = o.inn) = 1
               AND (SELECT count(*) FROM organization x WHERE x.full_name = o.full_name) = 1
             ORDER BY o.id LIMIT 3",
        )
        .unwrap();
    let orgs: Vec<(i64, String, String)> = stmt
        .query_map([cycle], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(orgs.len() >= 2, "{orgs:?}");
    (cycle, orgs)
}

/// The stored inputs fed by the survey of an organization (`part` «») or of its part.
fn stored(conn: &Connection, cycle: i64, org: i64, part: &str) -> BTreeMap<String, f64> {
    let sql = if part.is_empty() {
        "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
         JOIN membership m ON m.id = i.membership_id
         WHERE m.cycle_id = ?1 AND m.org_id = ?2 AND ?3 = ''"
    } else {
        "SELECT k.key, i.value FROM org_part_input i JOIN input_key k ON k.id = i.key_id
         JOIN org_part p ON p.id = i.part_id JOIN membership m ON m.id = p.membership_id
         WHERE m.cycle_id = ?1 AND m.org_id = ?2 AND p.name = ?3"
    };
    let mut stmt = conn.prepare(sql).unwrap();
    let wanted: Vec<&str> = FEEDS.iter().flat_map(|(_, y, a)| [*y, *a]).collect();
    stmt.query_map(rusqlite::params![cycle, org, part], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .filter(|(k, _)| wanted.contains(&k.as_str()))
    .collect()
}

/// Headers for questions 1–15 that a form of this shape might print: one of the header families
/// that name one question (a cut is kept long enough to be unique: the stand and website
/// questions share their first 96 characters).
fn table_headers(
    rng: &mut Rng,
    q: &Questionnaire,
    asked_q: &[u32],
    numbering: FileNumbers,
) -> Vec<String> {
    asked_q
        .iter()
        .enumerate()
        .map(|(pos, &n)| {
            // The number the file prints: the general form's, or the sector form's own.
            let shown = match numbering {
                FileNumbers::General | FileNumbers::BareGeneral => n,
                FileNumbers::Own | FileNumbers::BareOwn => pos as u32 + 1,
            };
            if matches!(numbering, FileNumbers::BareGeneral | FileNumbers::BareOwn) {
                return match rng.below(3) {
                    0 => shown.to_string(),
                    1 => format!("Вопрос {shown}"),
                    _ => format!("{shown}."),
                };
            }
            let i = q.questions.iter().position(|x| x.number == n).unwrap();
            let text = &q.questions[i].text;
            let long = LONG.iter().find(|(m, _)| *m == n).map(|(_, t)| *t);
            let base = match long {
                Some(t) if rng.chance(40) => t,
                _ => text.as_str(),
            };
            let len = base.chars().count();
            let mut h = base.to_string();
            if rng.chance(40) && len > 110 {
                let keep = 110 + rng.below(len - 110);
                h = cut(rng, base, keep);
            }
            if rng.chance(40) {
                h = respell(rng, &h);
            }
            if rng.chance(60) {
                h = numbered(rng, shown, &h);
            }
            if rng.chance(40) {
                h = required(rng, &h);
            }
            h
        })
        .collect()
}

/// How a generated table numbers its questions.
#[derive(Clone, Copy, Debug)]
enum FileNumbers {
    /// Texts, numbered (where numbered) as the general form.
    General,
    /// Texts, numbered as the sector's own form (1, 2, 3… without a gap where it leaves one out).
    Own,
    /// Only numbers, the general form's.
    BareGeneral,
    /// Only numbers, the sector form's own.
    BareOwn,
}

/// The waiting-time question of a health form's variant.
fn waiting_question(variant: Option<&str>) -> Option<&'static str> {
    match variant {
        Some("outpatient") => {
            Some("Сколько дней прошло с момента записи на прием к врачу до дня приема?")
        }
        Some("inpatient") => {
            Some("Сколько дней Вы ожидали плановой госпитализации с момента получения направления?")
        }
        _ => None,
    }
}

#[test]
fn generated_social_tables_count_as_an_independent_count() {
    tables("social", None, 675_000);
}

#[test]
fn generated_culture_tables_count_as_an_independent_count() {
    tables("culture", None, 676_000);
}

#[test]
fn generated_health_tables_count_as_an_independent_count() {
    tables("health", Some("outpatient"), 677_000);
    tables("health", Some("inpatient"), 678_000);
}

/// Sixteen tables of one sector (and health form), imported as one source in turn, each compared
/// with the count of the same table.
fn tables(sector: &str, variant: Option<&'static str>, seeds: u64) {
    let q = Questionnaire::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = cycle_of(&conn, sector);
    // Question 5 (timeliness, 2.2) is asked in social services and health only.
    let asked_q: Vec<u32> = (1..=15)
        .filter(|&n| n != 5 || matches!(sector, "social" | "health"))
        .collect();
    let waiting = waiting_question(variant);
    let shapes = [
        Shape::GoogleCsv,
        Shape::Excel1251,
        Shape::BomSemicolon,
        Shape::Xlsx,
    ];
    let mut read = 0;
    let mut guessed = 0;
    let mut seen: std::collections::BTreeSet<(usize, &'static str)> = Default::default();
    for t in 0..16u64 {
        let seed = seeds + t;
        let mut rng = Rng(seed);
        let shape = shapes[t as usize % shapes.len()];
        let numbering = match (t % 4, sector) {
            (0, _) => FileNumbers::General,
            (1, "culture" | "education") => FileNumbers::Own,
            (2, "culture" | "education") => FileNumbers::BareOwn,
            (3, _) => FileNumbers::BareGeneral,
            _ => FileNumbers::General,
        };
        let headers = table_headers(&mut rng, &q, &asked_q, numbering);
        // Respondents, then exact duplicates of some (the same form sent twice: same stamp).
        let mut people = Vec::new();
        let n = 5 + rng.below(40);
        for k in 0..n {
            let org = rng.below(orgs.len());
            // With a part column, an organization is surveyed by parts (every row of it names
            // one) or as a whole (none does): a row without a part in an organization surveyed
            // by parts is refused (`tests/survey.rs`).
            let part = match shape {
                Shape::BomSemicolon if org.is_multiple_of(2) => {
                    *rng.pick(&["Филиал № 1", "Отделение на дому"])
                }
                _ => "",
            };
            let stamp = format!(
                "2026/11/{:02} 1{}:{:02}:{:02}",
                1 + k % 28,
                k % 10,
                k % 60,
                (k * 7) % 60
            );
            people.push(respondent(&mut rng, org, part, stamp));
        }
        let mut order: Vec<usize> = (0..people.len()).collect();
        let dups = rng.below(4);
        for _ in 0..dups {
            let k = rng.below(people.len());
            order.insert(rng.below(order.len() + 1), k);
        }
        // What the file says for each row, and the unique respondents the count sees.
        let unique: Vec<&Respondent> = people.iter().collect();
        let (want, want_people, want_violations) = count(&unique, orgs.len(), &asked_q);
        let want_days: u64 = unique.iter().filter_map(|p| p.waiting.map(u64::from)).sum();

        let path = match shape {
            Shape::Xlsx => dir.path().join(format!("анкеты-{t}.xlsx")),
            _ => dir.path().join(format!("анкеты-{t}.csv")),
        };
        let mut header_row: Vec<String> = match shape {
            Shape::GoogleCsv => vec!["Отметка времени".into(), "Выберите организацию".into()],
            Shape::Excel1251 | Shape::Xlsx => vec!["Отметка времени".into(), "ИНН".into()],
            Shape::BomSemicolon => {
                vec!["№ анкеты".into(), "ИНН организации".into(), "Филиал".into()]
            }
        };
        header_row.extend(headers.iter().cloned());
        header_row.extend(waiting.map(str::to_string));
        header_row.extend([
            "Ваши предложения по улучшению условий оказания услуг в данной организации".into(),
            "Ваш пол".into(),
            "Ваш возраст".into(),
        ]);
        // Each respondent's row is spelt once: a duplicate repeats it cell for cell.
        let spelt: Vec<Vec<String>> = people
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let (_, inn, name) = &orgs[p.org];
                let mut cells = match shape {
                    Shape::GoogleCsv => vec![p.stamp.clone(), typed_name(&mut rng, name)],
                    Shape::Excel1251 | Shape::Xlsx => vec![p.stamp.clone(), inn.clone()],
                    Shape::BomSemicolon => {
                        vec![format!("{}", 1000 + k), inn.clone(), p.part.to_string()]
                    }
                };
                cells.extend(
                    asked_q
                        .iter()
                        .map(|&n| spell(&mut rng, p.answers[n as usize - 1]).to_string()),
                );
                if waiting.is_some() {
                    cells.push(match p.waiting {
                        Some(d) if rng.chance(30) => format!("{d} дн."),
                        Some(d) => d.to_string(),
                        None => String::new(),
                    });
                }
                cells.extend([
                    p.proposal.clone(),
                    rng.pick(&["Женский", "Мужской", "ж", "м", ""]).to_string(),
                    format!("{}", 18 + rng.below(70)),
                ]);
                cells
            })
            .collect();
        let rows: Vec<Vec<String>> = order.iter().map(|&k| spelt[k].clone()).collect();
        match shape {
            Shape::Xlsx => {
                use rust_xlsxwriter::Workbook;
                let mut book = Workbook::new();
                let sheet = book.add_worksheet();
                for (r, row) in std::iter::once(&header_row).chain(&rows).enumerate() {
                    for (c, cell) in row.iter().enumerate() {
                        sheet.write_string(r as u32, c as u16, cell).unwrap();
                    }
                }
                book.save(&path).unwrap();
            }
            _ => {
                let (d, eol) = match shape {
                    Shape::GoogleCsv => (',', "\n"),
                    _ => (';', "\r\n"),
                };
                let mut text = String::new();
                for row in std::iter::once(&header_row).chain(&rows) {
                    let line: Vec<String> = row.iter().map(|c| csv_cell(c, d)).collect();
                    text.push_str(&line.join(&d.to_string()));
                    text.push_str(eol);
                }
                let bytes = match shape {
                    Shape::Excel1251 => {
                        let (b, _, bad) = encoding_rs::WINDOWS_1251.encode(&text);
                        assert!(!bad);
                        b.into_owned()
                    }
                    Shape::BomSemicolon => {
                        let mut b = vec![0xEF, 0xBB, 0xBF];
                        b.extend(text.as_bytes());
                        b
                    }
                    _ => text.into_bytes(),
                };
                std::fs::write(&path, bytes).unwrap();
            }
        }
        let opts = Options {
            cycle_id: cycle,
            variant: variant.map(str::to_string),
            source_name: Some("генератор".into()),
            ..Options::default()
        };
        // «Обмен» offers the file as survey responses first.
        match nok::service::import::guess::guess(&path).map(|g| g.kind) {
            Some(nok::service::import::guess::Guessed::Survey) => guessed += 1,
            other => panic!("seed {seed}, {shape:?}: угадано {other:?}"),
        }
        let p = match apply(&mut conn, &path, &opts, &mut |_| {}) {
            Ok(p) => p,
            Err(e) => panic!("seed {seed}, {shape:?}, {numbering:?}: {e:#}\n{header_row:#?}"),
        };
        assert!(
            p.unmatched.is_empty() && p.missing.is_empty(),
            "seed {seed}, {shape:?}, {numbering:?}: unmatched {:?}, missing {:?}",
            p.unmatched,
            p.missing
        );
        assert_eq!(
            p.duplicates, dups as u64,
            "seed {seed}, {shape:?}: duplicates"
        );
        assert_eq!(
            p.skip_violations, want_violations,
            "seed {seed}, {shape:?}: skip violations"
        );
        for ((i, part), want) in &want {
            let (id, _, name) = &orgs[*i];
            assert_eq!(
                &stored(&conn, cycle, *id, part),
                want,
                "seed {seed}, {shape:?}: organization {name}, part «{part}»"
            );
        }
        // A corrected file replaces its source: a part (or organization) the earlier version
        // had and this one has not keeps none of the counts that came from it.
        for &(i, part) in &seen {
            if !want.contains_key(&(i, part)) {
                assert_eq!(
                    stored(&conn, cycle, orgs[i].0, part),
                    BTreeMap::new(),
                    "seed {seed}: counts of «{part}» of {} outlive their source",
                    orgs[i].2
                );
            }
        }
        seen.extend(want.keys().copied());
        for (i, (id, _, name)) in orgs.iter().enumerate() {
            if want_people[i] == 0 {
                continue;
            }
            let respondents: i64 = conn
                .query_row(
                    "SELECT respondents FROM membership WHERE cycle_id = ?1 AND org_id = ?2",
                    [cycle, *id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(
                respondents, want_people[i],
                "seed {seed}: respondents of {name}"
            );
        }
        // Scored: a part has its survey counts, and takes the rest from the organization.
        let done = nok::service::recompute::recompute_cycle(
            &mut conn,
            &Methods::builtin().unwrap(),
            cycle,
        )
        .unwrap();
        // Every organization with answers in this version whose parts all have answers in it is
        // scored (one whose part lost all its answers lacks that part's counts: named, not scored).
        for (i, (id, _, _)) in orgs.iter().enumerate() {
            let complete = want_people[i] > 0
                && seen
                    .iter()
                    .filter(|(j, part)| *j == i && !part.is_empty())
                    .all(|key| want.contains_key(key));
            if !complete {
                continue;
            }
            let shown: String = conn
                .query_row(
                    "SELECT CASE WHEN short_name = '' THEN full_name ELSE short_name END
                     FROM organization WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(
                !done.failed.iter().any(|(name, _)| *name == shown),
                "seed {seed}: {:?}",
                done.failed
            );
        }
        if waiting.is_some() {
            let days: i64 = conn
                .query_row(
                    "SELECT coalesce(sum(waiting_days), 0) FROM survey_response",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(days as u64, want_days, "seed {seed}: days waited");
        }
        read += 1;
    }
    println!(
        "{sector} {variant:?}: прочитано верно {read} таблиц из 16, вид файла угадан в {guessed}"
    );
}

#[test]
fn a_number_the_file_does_not_explain_is_asked_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo(dir.path());
    let (cycle, orgs) = cycle_of(&conn, "culture");
    // Culture asks no question 5: «6» is disability (the general form) or comfort (the culture
    // form's own numbers), and nothing in this file tells which; «3» is the same in both.
    let inn = &orgs[0].1;
    let path = dir.path().join("numbers.csv");
    std::fs::write(&path, format!("ИНН;3;6;7\n{inn};Да;Нет;Да\n")).unwrap();
    let opts = Options {
        cycle_id: cycle,
        ..Options::default()
    };
    let p = nok::service::survey::dry_run(&mut conn, &path, &opts, &mut |_| {}).unwrap();
    let unmatched: Vec<&str> = p.unmatched.iter().map(|(_, h, _)| h.as_str()).collect();
    assert_eq!(unmatched, ["6", "7"], "{:?}", p.unmatched);
    assert!(
        p.unmatched[0].2.contains("по файлу не видно"),
        "{:?}",
        p.unmatched
    );
    assert!(p.columns.iter().any(|c| c.header == "3"), "{:?}", p.columns);
}
