//! The Word documents of a cycle (`nok report operator|plan|council`), written by the real
//! binary for a demo database with hostile text put into it, then read back as a .docx reader
//! reads them: `word/document.xml` parsed with quick-xml into paragraphs (with their styles),
//! tables (with their header-row flags) and sections (size, orientation, margins). Every figure
//! is compared with a value worked out by plain SQL, never with the program's own numbers.
//!
//! LibreOffice (headless) converts each document to PDF; one page with the charts and the first
//! page of the plans are rendered to PNG in `target/test-artifacts/`. Without `soffice` (or
//! `pdftoppm` for the pictures) that part is skipped with a reason; under CI it fails instead.

#[path = "cli_support/mod.rs"]
mod cli_support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use quick_xml::Reader;
use quick_xml::events::Event;
use rusqlite::Connection;

/// A paragraph, a table or the end of a section, in document order.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    P { style: String, text: String },
    Table(Vec<Row>),
    Section(Section),
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Row {
    header: bool,
    cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Section {
    w: u32,
    h: u32,
    landscape: bool,
    /// top, right, bottom, left (twips)
    margins: [u32; 4],
}

#[derive(Debug, Default)]
struct Docx {
    blocks: Vec<Block>,
    page_breaks: usize,
    instructions: Vec<String>,
    styles: String,
    header: String,
    media: usize,
}

impl Docx {
    fn paragraphs(&self, style: &str) -> Vec<String> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::P { style: s, text } if s == style => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    fn tables(&self) -> Vec<&Vec<Row>> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// The table whose first row is `first`.
    fn table(&self, first: &[&str]) -> &Vec<Row> {
        self.tables()
            .into_iter()
            .find(|t| t.first().is_some_and(|r| r.cells == first))
            .unwrap_or_else(|| panic!("no table headed {first:?}"))
    }

    fn sections(&self) -> Vec<&Section> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Section(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    fn all_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::P { text, .. } => out.push_str(text),
                Block::Table(rows) => {
                    for r in rows {
                        out.push_str(&r.cells.join("|"));
                        out.push('\n');
                    }
                }
                Block::Section(_) => {}
            }
            out.push('\n');
        }
        out
    }
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.to_string())
}

/// Reads a .docx as a reader does: the archive, then `word/document.xml`.
fn read_docx(path: &Path) -> Docx {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{}: no {name}: {e}", path.display()))
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let xml = part("word/document.xml");
    let styles = part("word/styles.xml");
    let header = part("word/header1.xml");
    let ct = part("[Content_Types].xml");
    assert!(ct.contains("wordprocessingml.document.main+xml"), "{ct}");
    let media = (0..zip.len())
        .filter(|&i| {
            zip.by_index(i)
                .unwrap()
                .name()
                .unwrap()
                .starts_with("word/media/")
        })
        .count();
    let mut doc = Docx {
        styles,
        header,
        media,
        ..Docx::default()
    };
    let mut r = Reader::from_str(&xml);
    r.config_mut().expand_empty_elements = true;
    let mut text = String::new();
    let mut style = String::new();
    let mut in_table = false;
    let mut rows: Vec<Row> = Vec::new();
    let mut in_instr = false;
    let mut in_t = false;
    let mut section = Section::default();
    loop {
        let ev = r
            .read_event()
            .unwrap_or_else(|e| panic!("{}: document.xml is not XML: {e}", path.display()));
        match ev {
            Event::Start(e) => match e.name().as_ref() {
                "w:p" if !in_table => {
                    text.clear();
                    style.clear();
                }
                "w:pStyle" if !in_table => style = attr(&e, "w:val").unwrap_or_default(),
                "w:tbl" => {
                    in_table = true;
                    rows.clear();
                }
                "w:tr" => rows.push(Row::default()),
                "w:tblHeader" => {
                    if let Some(r) = rows.last_mut() {
                        r.header = true;
                    }
                }
                "w:tc" => {
                    if let Some(r) = rows.last_mut() {
                        r.cells.push(String::new());
                    }
                }
                "w:t" => in_t = true,
                "w:instrText" => in_instr = true,
                "w:br" => {
                    if attr(&e, "w:type").as_deref() == Some("page") {
                        doc.page_breaks += 1;
                    } else if in_table {
                        if let Some(c) = rows.last_mut().and_then(|r| r.cells.last_mut()) {
                            c.push('\n');
                        }
                    } else {
                        text.push('\n');
                    }
                }
                "w:pageBreakBefore" => doc.page_breaks += 1,
                "w:sectPr" => section = Section::default(),
                "w:pgSz" => {
                    section.w = attr(&e, "w:w").unwrap().parse().unwrap();
                    section.h = attr(&e, "w:h").unwrap().parse().unwrap();
                    section.landscape = attr(&e, "w:orient").as_deref() == Some("landscape");
                }
                "w:pgMar" => {
                    let m = |k: &str| attr(&e, k).unwrap().parse::<u32>().unwrap();
                    section.margins = [m("w:top"), m("w:right"), m("w:bottom"), m("w:left")];
                }
                _ => {}
            },
            Event::Text(t) => {
                let s = t.xml10_content().into_owned();
                push(&mut doc, in_t, in_instr, in_table, &mut rows, &mut text, &s);
            }
            Event::GeneralRef(g) => {
                let s = match g.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match g.xml10_content().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("entity {other}"),
                    },
                };
                push(&mut doc, in_t, in_instr, in_table, &mut rows, &mut text, &s);
            }
            Event::End(e) => match e.name().as_ref() {
                "w:p" if !in_table => doc.blocks.push(Block::P {
                    style: style.clone(),
                    text: text.clone(),
                }),
                "w:tbl" => {
                    in_table = false;
                    doc.blocks.push(Block::Table(std::mem::take(&mut rows)));
                }
                "w:t" => in_t = false,
                "w:instrText" => in_instr = false,
                "w:sectPr" => doc.blocks.push(Block::Section(section.clone())),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    doc
}

fn push(
    doc: &mut Docx,
    in_t: bool,
    in_instr: bool,
    in_table: bool,
    rows: &mut [Row],
    text: &mut String,
    s: &str,
) {
    if in_instr {
        doc.instructions.push(s.to_string());
    } else if in_t {
        if in_table {
            if let Some(c) = rows.last_mut().and_then(|r| r.cells.last_mut()) {
                c.push_str(s);
            }
        } else {
            text.push_str(s);
        }
    }
}

/// Word's structure every document has: styles, page numbers, A4 with Russian margins.
fn assert_word_structure(d: &Docx, what: &str) {
    for (id, name, level) in [("Heading1", "heading 1", 0), ("Heading2", "heading 2", 1)] {
        let at = d
            .styles
            .find(&format!("w:styleId=\"{id}\""))
            .unwrap_or_else(|| panic!("{what}: no style {id}"));
        let style = &d.styles[at..at + d.styles[at..].find("</w:style>").unwrap()];
        assert!(
            style.contains(&format!("<w:name w:val=\"{name}\"/>")),
            "{style}"
        );
        assert!(
            style.contains(&format!("<w:outlineLvl w:val=\"{level}\"/>")),
            "{style}"
        );
    }
    // Times New Roman 14 pt for text, 12 pt in tables.
    assert!(d.styles.contains("w:ascii=\"Times New Roman\""));
    assert!(d.styles.contains("<w:sz w:val=\"28\"/>"));
    let table = &d.styles[d.styles.find("w:styleId=\"TableText\"").unwrap()..];
    assert!(table[..table.find("</w:style>").unwrap()].contains("<w:sz w:val=\"24\"/>"));
    // The page number field in the page header.
    assert!(d.header.contains(" PAGE "), "{what}: {}", d.header);
    // A4, margins 20/15/20/30 mm = 1134/850/1134/1701 twips.
    let sections = d.sections();
    assert!(!sections.is_empty(), "{what}: no section");
    for s in &sections {
        let a4 = if s.landscape {
            (16_838, 11_906)
        } else {
            (11_906, 16_838)
        };
        assert_eq!((s.w, s.h), a4, "{what}: {s:?}");
        assert_eq!(s.margins, [1134, 850, 1134, 1701], "{what}: {s:?}");
    }
    // Every table's first row repeats on each page.
    for t in d.tables() {
        assert!(
            t[0].header,
            "{what}: a table without a header row: {:?}",
            t[0]
        );
    }
}

const HOSTILE_NAME: &str = "Школа <№1> & \"Ко\" =СУММ(A1)";
const HOSTILE_MEASURE: &str = "=1+2 <b>&amp; @SUM(A1)";
const HOSTILE_SHORTCOMING: &str = "<script>alert(1)</script> и 'кавычки'";

struct Fixture {
    _dir: tempfile::TempDir,
    work: PathBuf,
    db: PathBuf,
    cycle: i64,
    /// The organization given hostile text; it has plan rows and 12 proposals.
    org_id: i64,
    org_inn: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let db = work.join("demo.sqlite");
    let opts = DemoOptions {
        orgs: 150,
        seed: 2018,
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    };
    let demo = open_or_build(&db, &opts, false, &Methods::builtin().unwrap(), &mut |_| {}).unwrap();
    let conn = demo.conn;
    let cycle: i64 = conn
        .query_row(
            "SELECT m.cycle_id FROM membership m JOIN score s ON s.membership_id = m.id
             WHERE EXISTS (SELECT 1 FROM plan_row p WHERE p.cycle_id = m.cycle_id)
               AND EXISTS (SELECT 1 FROM shortcoming x WHERE x.cycle_id = m.cycle_id)
             GROUP BY m.cycle_id ORDER BY count(*) DESC, m.cycle_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (org_id, org_inn, membership): (i64, String, i64) = conn
        .query_row(
            "SELECT o.id, o.inn, m.id FROM membership m JOIN organization o ON o.id = m.org_id
             JOIN score s ON s.membership_id = m.id
             WHERE m.cycle_id = ?1 AND EXISTS (SELECT 1 FROM plan_row p
                 WHERE p.cycle_id = m.cycle_id AND p.org_id = m.org_id)
             ORDER BY o.id LIMIT 1",
            [cycle],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    // Control characters and an escape sequence that must not reach the document.
    let dirty = format!("{HOSTILE_NAME}\u{1}\u{1b}[31m");
    conn.execute(
        "UPDATE organization SET short_name = ?2, full_name = ?2 WHERE id = ?1",
        rusqlite::params![org_id, dirty],
    )
    .unwrap();
    conn.execute(
        "UPDATE plan_row SET measure = ?3 WHERE id = (SELECT min(id) FROM plan_row
             WHERE cycle_id = ?1 AND org_id = ?2)",
        rusqlite::params![cycle, org_id, format!("{HOSTILE_MEASURE}\u{7}")],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO shortcoming (cycle_id, org_id, criterion, text) VALUES (?1, ?2, 'К1', ?3)",
        rusqlite::params![cycle, org_id, HOSTILE_SHORTCOMING],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO survey_source (id, cycle_id, name, content_hash, questionnaire, variant,
                                    questions, imported_at, os_user)
         VALUES (900, ?1, 'анкеты.csv', 'x', '2018', 'general', '', '2026-11-01 10:00', 'тест')",
        [cycle],
    )
    .unwrap();
    for line in 1..=12 {
        conn.execute(
            "INSERT INTO survey_proposal (source_id, membership_id, line, text)
             VALUES (900, ?1, ?2, ?3)",
            rusqlite::params![membership, line + 1, format!("Предложение {line} <&>")],
        )
        .unwrap();
    }
    Fixture {
        _dir: dir,
        work,
        db,
        cycle,
        org_id,
        org_inn,
    }
}

fn run(f: &Fixture, args: &[&str]) -> String {
    let mut all = vec!["--db", f.db.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = cli_support::command(&all, &f.work)
        .current_dir(&f.work)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "nok {args:?}: {text}");
    text
}

fn dec2(v: f64) -> String {
    format!("{v:.2}").replace('.', ",")
}

fn sql(f: &Fixture) -> Connection {
    Connection::open(&f.db).unwrap()
}

fn check_operator(f: &Fixture, path: &Path) {
    let d = read_docx(path);
    assert_word_structure(&d, "operator");
    let conn = sql(f);
    let h1 = d.paragraphs("Heading1");
    for h in [
        "1. Методика независимой оценки",
        "2. Объем выборки",
        "3. Результаты по организациям и критериям",
        "4. Рейтинги организаций",
        "5. Выявленные недостатки",
        "6. Предложения получателей услуг",
    ] {
        assert!(h1.iter().any(|x| x == h), "{h} not in {h1:?}");
    }
    // The table of contents is a TOC field over the headings.
    assert!(d.instructions.iter().any(|i| i.contains("TOC \\o \"1-2\"")));
    assert!(
        d.sections().iter().any(|s| s.landscape),
        "a landscape section"
    );
    assert_eq!(d.media, 2, "two charts");

    // Results: one row per scored organization, figures as stored.
    let t = d.table(&[
        "Место",
        "Организация",
        "ИНН",
        "К1",
        "К2",
        "К3",
        "К4",
        "К5",
        "S",
        "Группа",
        "Место в группе",
    ]);
    let mut stmt = conn
        .prepare(
            "SELECT m.id, s.place, o.inn, s.total, m.grp FROM membership m
             JOIN score s ON s.membership_id = m.id JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 ORDER BY s.place, o.short_name, o.id",
        )
        .unwrap();
    let expected: Vec<(i64, i64, String, f64, String)> = stmt
        .query_map([f.cycle], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let body: Vec<&Row> = t.iter().filter(|r| !r.header).collect();
    assert_eq!(body.len(), expected.len());
    assert!(
        expected.len() >= 5,
        "a cycle of some size: {}",
        expected.len()
    );
    for (row, (mid, place, inn, total, group)) in body.iter().zip(&expected) {
        assert_eq!(row.cells[0], place.to_string());
        assert_eq!(row.cells[2], *inn);
        assert_eq!(row.cells[8], dec2(*total));
        assert_eq!(row.cells[9], *group);
        for (i, code) in ["К1", "К2", "К3", "К4", "К5"].iter().enumerate() {
            let v: Option<f64> = conn
                .query_row(
                    "SELECT value FROM score_part WHERE membership_id = ?1 AND code = ?2",
                    rusqlite::params![mid, code],
                    |r| r.get(0),
                )
                .ok();
            assert_eq!(
                row.cells[3 + i],
                v.map(dec2).unwrap_or("—".into()),
                "{inn} {code}"
            );
        }
    }
    // Criteria means over the scored organizations.
    let means = d.table(&["Критерий", "Наименование", "Среднее, баллов", "Организаций"]);
    for row in means.iter().filter(|r| !r.header) {
        let (avg, n): (f64, i64) = conn
            .query_row(
                "SELECT avg(p.value), count(*) FROM score_part p
                 JOIN membership m ON m.id = p.membership_id JOIN score s ON s.membership_id = m.id
                 WHERE m.cycle_id = ?1 AND p.code = ?2",
                rusqlite::params![f.cycle, row.cells[0]],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(row.cells[2], dec2(avg), "{}", row.cells[0]);
        assert_eq!(row.cells[3], n.to_string());
    }
    // The distribution of S in bins of five points.
    let bins = d.table(&["S, баллов", "Организаций"]);
    let mut counted = 0;
    for row in bins.iter().filter(|r| !r.header) {
        let nums: Vec<f64> = row.cells[0]
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        let last = row.cells[0].contains("включительно");
        let n: i64 = conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM score s JOIN membership m ON m.id = s.membership_id
                     WHERE m.cycle_id = ?1 AND s.total >= ?2 AND s.total {} ?3",
                    if last { "<=" } else { "<" }
                ),
                rusqlite::params![f.cycle, nums[0], nums[1]],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(row.cells[1], n.to_string(), "{:?}", row.cells);
        counted += n;
    }
    assert_eq!(counted as usize, expected.len(), "every S in some bin");
    // Shortcomings: every one of the cycle, once.
    let sh = d.table(&["Критерий", "Недостаток"]);
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM shortcoming WHERE cycle_id = ?1",
            [f.cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        sh.iter().filter(|r| r.cells.len() == 2).count() - 1,
        n as usize
    );
    assert!(sh.iter().any(|r| r.cells == ["К1", HOSTILE_SHORTCOMING]));
    // Proposals: ten of the twelve, then how many more.
    let pr = d.table(&["№", "Предложение"]);
    assert!(pr.iter().any(|r| r.cells == ["10", "Предложение 10 <&>"]));
    let second = |r: &&Row| r.cells.get(1).cloned().unwrap_or_default();
    assert!(!pr.iter().any(|r| second(&r) == "Предложение 11 <&>"));
    assert!(pr.iter().any(|r| second(&r).starts_with("… и еще 2")));
    // Sample: the respondents as stored.
    let respondents: i64 = conn
        .query_row(
            "SELECT sum(respondents) FROM membership WHERE cycle_id = ?1",
            [f.cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        d.all_text()
            .contains(&format!("Всего опрошено респондентов: {respondents};")),
        "respondents {respondents}"
    );
    // Hostile text arrives as text: escaped, controls and escape sequences gone.
    let all = d.all_text();
    assert!(all.contains(HOSTILE_NAME), "the hostile name as text");
    assert!(!all.contains('\u{1b}') && !all.contains('\u{1}') && !all.contains("[31m"));
}

fn check_plan_rows(f: &Fixture, d: &Docx, only_org: Option<i64>) {
    let conn = sql(f);
    let columns = [
        "№ п/п",
        "Наименование мероприятия",
        "Основание реализации (результат независимой оценки качества)",
        "Срок реализации",
        "Ответственный исполнитель (ФИО, должность)",
        "Результат",
        "Показатели, характеризующие результат выполнения мероприятия",
    ];
    let mut stmt = conn
        .prepare(
            "SELECT number, measure, shortcoming, planned_date, resp_last_name, resp_first_name,
                    resp_middle_name, resp_position, expected_result, result_indicators, org_id
             FROM plan_row WHERE cycle_id = ?1 AND (?2 IS NULL OR org_id = ?2)
             ORDER BY org_id, criterion, id",
        )
        .unwrap();
    let expected: Vec<Vec<String>> = stmt
        .query_map(rusqlite::params![f.cycle, only_org], |r| {
            let date: String = r.get(3)?;
            let d = NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
            let names: Vec<String> = (4..7)
                .map(|i| r.get::<_, String>(i))
                .collect::<Result<_, _>>()?;
            let name = names
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let position: String = r.get(7)?;
            let who = [name.as_str(), position.trim()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            let measure: String = r.get(1)?;
            Ok(vec![
                r.get(0)?,
                measure.replace('\u{7}', ""),
                r.get(2)?,
                d.format("%d.%m.%Y").to_string(),
                who,
                r.get(8)?,
                r.get(9)?,
            ])
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let tables = d.tables();
    let orgs: i64 = conn
        .query_row(
            "SELECT count(DISTINCT org_id) FROM plan_row WHERE cycle_id = ?1
               AND (?2 IS NULL OR org_id = ?2)",
            rusqlite::params![f.cycle, only_org],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables.len() as i64, orgs, "a plan table per organization");
    let mut got = Vec::new();
    for t in &tables {
        assert_eq!(t[0].cells, columns);
        assert!(t[0].header && t[1].header, "both header rows repeat");
        assert_eq!(t[1].cells, ["1", "2", "3", "4", "5", "6", "7"]);
        for r in t.iter().skip(2) {
            if r.cells.len() == 1 {
                assert!(
                    r.cells[0].starts_with('К'),
                    "a criterion row: {:?}",
                    r.cells
                );
            } else {
                got.push(r.cells.clone());
            }
        }
    }
    assert_eq!(got, expected);
    // An approval block and a signature block.
    let sig = d.paragraphs("Signature").join("\n");
    assert!(
        sig.contains("УТВЕРЖДЕН") && sig.contains("Руководитель организации"),
        "{sig}"
    );
    assert!(d.sections().iter().all(|s| s.landscape));
}

fn soffice() -> Option<PathBuf> {
    which("soffice")
}

fn which(cmd: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(cmd))
        .find(|p| p.is_file())
}

fn artifacts() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Converts the documents to PDF with LibreOffice; renders the page holding `needle` of the
/// first and the first page of the others to PNG.
fn to_pdf_and_png(f: &Fixture, docs: &[(&Path, &str, &str)]) {
    let Some(soffice) = soffice() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "soffice is missing under CI: install libreoffice-writer-nogui"
        );
        eprintln!("skipped: soffice (LibreOffice) is not installed");
        return;
    };
    let out_dir = f.work.join("pdf");
    let profile = f.work.join("lo-profile");
    let mut cmd = Command::new(&soffice);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ))
    .args(["--headless", "--convert-to", "pdf", "--outdir"])
    .arg(&out_dir);
    for (doc, _, _) in docs {
        cmd.arg(doc);
    }
    let out = cmd.output().unwrap();
    let log =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "soffice: {log}");
    assert!(!log.contains("Error"), "soffice: {log}");
    let pdftoppm = which("pdftoppm");
    for (doc, needle, name) in docs {
        let pdf = out_dir.join(doc.with_extension("pdf").file_name().unwrap());
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}\n{log}", pdf.display()));
        assert!(bytes.starts_with(b"%PDF"), "{}", pdf.display());
        let Some(pdftoppm) = &pdftoppm else {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftoppm is missing under CI: install poppler-utils"
            );
            eprintln!("skipped: pdftoppm (poppler-utils) is not installed, no picture of {name}");
            continue;
        };
        // The page holding the needle, found with pdftotext.
        let mut page = 1;
        if let Some(pdftotext) = which("pdftotext") {
            for p in 1..=60 {
                let t = Command::new(&pdftotext)
                    .args(["-f", &p.to_string(), "-l", &p.to_string()])
                    .arg(&pdf)
                    .arg("-")
                    .output()
                    .unwrap();
                if !t.status.success() {
                    break;
                }
                if String::from_utf8_lossy(&t.stdout).contains(needle) {
                    page = p;
                    break;
                }
            }
        }
        let prefix = artifacts().join(name);
        let st = Command::new(pdftoppm)
            .args([
                "-r",
                "80",
                "-png",
                "-singlefile",
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
            ])
            .arg(&pdf)
            .arg(&prefix)
            .status()
            .unwrap();
        assert!(st.success(), "pdftoppm {name}");
        let png = prefix.with_extension("png");
        let head = std::fs::read(&png).unwrap();
        assert!(head.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", png.display());
        eprintln!("page {page} of {}: {}", pdf.display(), png.display());
    }
}

#[test]
fn the_three_documents_read_back_with_the_database_figures_and_convert_to_pdf() {
    let f = fixture();
    let cycle = f.cycle.to_string();

    run(&f, &["report", "operator", "--cycle", &cycle]);
    let operator = f
        .work
        .join(format!("exports/operator_report_cycle{cycle}.docx"));
    check_operator(&f, &operator);

    // Plans: one document, each organization from a new page.
    run(&f, &["report", "plan", "--cycle", &cycle, "--one-file"]);
    let plans = f.work.join(format!("exports/plans_cycle{cycle}.docx"));
    let d = read_docx(&plans);
    assert_word_structure(&d, "plans");
    check_plan_rows(&f, &d, None);
    assert_eq!(
        d.page_breaks + 1,
        d.tables().len(),
        "a page per organization"
    );
    assert!(d.all_text().contains(HOSTILE_MEASURE));

    // A file per organization, named by ИНН and КПП.
    run(&f, &["report", "plan", "--cycle", &cycle]);
    let conn = sql(&f);
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT o.inn, o.kpp FROM plan_row p JOIN organization o ON o.id = p.org_id
             WHERE p.cycle_id = ?1",
        )
        .unwrap();
    let names: Vec<(String, String)> = stmt
        .query_map([f.cycle], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let folder = f.work.join(format!("exports/plans_cycle{cycle}"));
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = names
        .iter()
        .map(|(inn, kpp)| format!("plan_{inn}_{kpp}.docx"))
        .collect();
    want.sort();
    assert_eq!(files, want, "no temporary file left behind");

    // One organization.
    run(
        &f,
        &["report", "plan", "--cycle", &cycle, "--org", &f.org_inn],
    );
    let one = f
        .work
        .join(format!("exports/plan_cycle{cycle}_{}.docx", f.org_inn));
    let d = read_docx(&one);
    check_plan_rows(&f, &d, Some(f.org_id));
    assert!(d.all_text().contains(HOSTILE_NAME));

    // The council's decision.
    run(&f, &["report", "council", "--cycle", &cycle]);
    let council = f
        .work
        .join(format!("exports/council_decision_cycle{cycle}.docx"));
    let d = read_docx(&council);
    assert_word_structure(&d, "council");
    let h1 = d.paragraphs("Heading1");
    for a in [
        "Приложение № 1",
        "Приложение № 2",
        "Приложение № 3",
        "Приложение № 4",
    ] {
        assert!(h1.iter().any(|h| h.starts_with(a)), "{a} in {h1:?}");
    }
    let scored: i64 = conn
        .query_row(
            "SELECT count(*) FROM score s JOIN membership m ON m.id = s.membership_id
             WHERE m.cycle_id = ?1",
            [f.cycle],
            |r| r.get(0),
        )
        .unwrap();
    let rated: usize = d
        .tables()
        .iter()
        .filter(|t| t[0].cells == ["Место", "Организация", "S, баллов"])
        .map(|t| t.len() - 1)
        .sum();
    assert_eq!(
        rated as i64, scored,
        "every scored organization in a group's rating"
    );
    let protocol: Option<String> = conn
        .query_row(
            "SELECT protocol_number FROM council_meeting WHERE cycle_id = ?1
             ORDER BY date DESC, id DESC LIMIT 1",
            [f.cycle],
            |r| r.get(0),
        )
        .ok();
    if let Some(p) = protocol {
        assert!(d.all_text().contains(&format!("№ {p}")), "protocol {p}");
    }
    // The empty plan form of Приложение № 4: the seven columns.
    assert!(
        d.tables()
            .iter()
            .any(|t| t[0].cells.len() == 7 && t[0].cells[0] == "№ п/п")
    );

    to_pdf_and_png(
        &f,
        &[
            (&operator, "Рисунок 1", "report_operator_charts"),
            (&plans, "УТВЕРЖДЕН", "report_plans_page1"),
            (&council, "Протокол заседания", "report_council_page1"),
        ],
    );
}

#[test]
fn an_existing_out_file_is_kept_without_force_and_a_wrong_cycle_is_named() {
    let f = fixture();
    let cycle = f.cycle.to_string();
    let out = f.work.join("мой отчет.docx");
    std::fs::write(&out, "старое").unwrap();
    let mut all = vec!["--db", f.db.to_str().unwrap()];
    all.extend_from_slice(&[
        "report",
        "operator",
        "--cycle",
        &cycle,
        "--out",
        out.to_str().unwrap(),
    ]);
    let o = cli_support::command(&all, &f.work)
        .current_dir(&f.work)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "старое");
    run(
        &f,
        &[
            "report",
            "operator",
            "--cycle",
            &cycle,
            "--out",
            out.to_str().unwrap(),
            "--force",
        ],
    );
    read_docx(&out);

    let o = cli_support::command(
        &[
            "--db",
            f.db.to_str().unwrap(),
            "report",
            "council",
            "--cycle",
            "999",
        ],
        &f.work,
    )
    .current_dir(&f.work)
    .output()
    .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("цикл 999 не найден"), "{err}");
    let o = cli_support::command(
        &[
            "--db",
            f.db.to_str().unwrap(),
            "report",
            "plan",
            "--cycle",
            &cycle,
            "--org",
            "0000000000",
        ],
        &f.work,
    )
    .current_dir(&f.work)
    .output()
    .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ИНН 0000000000"), "{err}");
}

#[test]
fn a_region_edits_the_texts_in_reports_toml_beside_the_database() {
    let f = fixture();
    std::fs::write(
        f.work.join("reports.toml"),
        "[council]\ntitle = \"Решение совета при министерстве\"\n",
    )
    .unwrap();
    let cycle = f.cycle.to_string();
    run(&f, &["report", "council", "--cycle", &cycle]);
    let d = read_docx(
        &f.work
            .join(format!("exports/council_decision_cycle{cycle}.docx")),
    );
    assert!(
        d.paragraphs("Heading1")
            .contains(&"Решение совета при министерстве".to_string())
    );
    // A misspelt key is refused with the file and the key named.
    std::fs::write(f.work.join("reports.toml"), "[council]\ntitel = \"x\"\n").unwrap();
    let o = cli_support::command(
        &[
            "--db",
            f.db.to_str().unwrap(),
            "report",
            "council",
            "--cycle",
            &cycle,
        ],
        &f.work,
    )
    .current_dir(&f.work)
    .output()
    .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("reports.toml") && err.contains("titel"),
        "{err}"
    );
}
