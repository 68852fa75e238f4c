//! Every command's help and a set of failing calls, read for Latin words: a person sees Russian
//! only, apart from names, paths, option names and codes. Commands are found by reading the
//! help itself, so a new command is covered without touching this file.

mod cli_support;

use std::collections::BTreeSet;
use std::process::Output;

use cli_support::nok;

const TODAY: &str = "22.11.2026";

/// Latin words allowed in Russian text, each for a reason:
/// - the program and the formats it reads and writes by their own names: nok, CSV, XML, xlsx
///   (xls, xlsb, ods),
///   zip, Excel, SQLite, UTF, BOM, GUID, XSD, HTML;
/// - the portal and its documents' element names, which are codes in the portal's schema
///   (bus.gov.ru, confirmation, header, body, result, success, failure, positionId, regNum,
///   refId, versionNumber);
/// - Windows (the encoding «Windows-1251» and «путь Windows»);
/// - roman numerals of quarters («IV квартал»), and anything inside «» (a typed or stored value
///   echoed back, never the program's own words);
/// - the values a command accepts, which a person types (table, csv, rating, …; statuses and
///   sectors as codes).
const ALLOWED: &[&str] = &[
    "nok",
    "CSV",
    "csv",
    "XML",
    "xml",
    "xlsx",
    "xls",
    "xlsb",
    "ods",
    "zip",
    "Excel",
    "SQLite",
    "UTF",
    "BOM",
    "GUID",
    "XSD",
    "HTML",
    "html",
    "Windows",
    "confirmation",
    "header",
    "body",
    "result",
    "success",
    "failure",
    "positionId",
    "regNum",
    "refId",
    "versionNumber",
    "sha256",
    "table",
    "rating",
    "indicators",
    "plans",
    "overdue",
    "results",
    "plan",
    "report",
    "all",
    "planned",
    "in_progress",
    "done",
    "cancelled",
    "social",
    "health",
    "culture",
    "education",
    "busgov",
    "orgs",
    "inputs",
    "workplan",
    "init",
    "survey",
    "proposals",
    "recipients",
    "sample",
    // the questionnaire's forms (values of --variant)
    "general",
    "outpatient",
    "inpatient",
    "demo",
    "cycles",
    "score",
    "backup",
    "export",
    "check",
    "receipt",
    "import",
    "publish",
    "deadline",
    "status",
    "approved",
    "index",
    "accessible",
    "mouse",
    "true",
    "ID",
    "NOK_DB",
    "DB",
    "manifest",
    "exports",
    "publish",
    "SSH",
    "PDF",
    // the three documents' root elements (codes of the project's schema)
    "nokResults",
    "nokPlan",
    "nokReport",
    // the portal's own plan document (ТФФ 1.8.3)
    "planShortcomingInfoType",
    // the Word documents (nok report operator|plan|council)
    "operator",
    "council",
    "Word",
    "docx",
    // nok cycles add and its statuses; nok export table template
    "add",
    "planned",
    "collecting",
    "published",
    "template",
];

/// A token is a code, a path, an option or a number when it holds any of these (`--cycle`,
/// `1.1.stand_present`, `/tmp/x.xml`, `NOK_DB`, `К1`, `sha256`, `0x1b`).
fn is_code(token: &str) -> bool {
    token
        .chars()
        .any(|c| c.is_ascii_digit() || "-_./\\=<>[]@:~$%{}|&#'\"`".contains(c))
}

/// Text in «» is quoted: what the person typed, a name or a value echoed back.
fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '«' => depth += 1,
            '»' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Roman numerals (quarters: «IV квартал»).
fn is_roman(token: &str) -> bool {
    token.chars().all(|c| "IVXLC".contains(c))
}

/// The Latin words of `text` that are neither codes nor allowed.
fn latin_words(text: &str, temp: &str) -> BTreeSet<String> {
    let text = unquoted(&text.replace(temp, "/ВРЕМЕННАЯ"));
    let mut found = BTreeSet::new();
    for raw in text.split(|c: char| c.is_whitespace() || "«»(),;!?…—–".contains(c)) {
        let token = raw.trim_matches(|c: char| ".:;,!?".contains(c));
        if !token.chars().any(|c| c.is_ascii_alphabetic()) || is_code(token) {
            continue;
        }
        // A word mixing Latin and Cyrillic is a name or a code (К1, regNum-like), not prose.
        if token
            .chars()
            .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)))
        {
            continue;
        }
        if !ALLOWED.contains(&token) && !is_roman(token) {
            found.insert(token.to_string());
        }
    }
    found
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The subcommands a help text lists under «Команды:».
fn subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.trim_end() == "Команды:" {
            inside = true;
            continue;
        }
        if inside {
            if line.trim().is_empty() || !line.starts_with("  ") {
                break;
            }
            if let Some(name) = line.split_whitespace().next() {
                out.push(name.to_string());
            }
        }
    }
    out
}

#[test]
fn every_help_is_russian() {
    let dir = tempfile::tempdir().unwrap();
    let temp = dir.path().to_str().unwrap().to_string();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    let mut problems = Vec::new();
    while let Some(path) = todo.pop() {
        for flag in ["--help", "-h"] {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push(flag);
            let out = nok(&args, dir.path());
            let t = text(&out);
            assert!(out.status.success(), "{args:?}: {t}");
            assert!(t.contains("Использование:"), "{args:?}: {t}");
            let words = latin_words(&t, &temp);
            if !words.is_empty() {
                problems.push(format!("nok {}: {words:?}\n{t}", args.join(" ")));
            }
            if flag == "--help" {
                for sub in subcommands(&t) {
                    let mut p = path.clone();
                    p.push(sub);
                    todo.push(p);
                }
            }
        }
        seen += 1;
    }
    // nok, its 12+ commands and the subcommands of export, import and plans.
    assert!(seen >= 20, "only {seen} commands found");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));

    // The help lists what a command takes: statuses, and the input keys of the methodology.
    let out = nok(&["plans", "status", "--help"], dir.path());
    let t = text(&out);
    for s in ["запланировано", "в работе", "выполнено", "отменено"]
    {
        assert!(t.contains(s), "{t}");
    }
    let out = nok(&["import", "inputs", "--help"], dir.path());
    let t = text(&out);
    assert!(
        t.contains("1.1.stand_present") && t.contains("5.3.asked"),
        "{t}"
    );
}

#[test]
fn failing_calls_say_what_is_wrong_in_russian() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let temp = d.to_str().unwrap().to_string();
    let db = d.join("demo.sqlite");
    let out = nok(
        &[
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--orgs",
            "20",
            "--today",
            TODAY,
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out));
    let db_s = db.to_str().unwrap().to_string();
    std::fs::write(d.join("fake.zip"), "это не архив").unwrap();
    std::fs::write(d.join("bad.xml"), "<a><b></a>").unwrap();
    std::fs::write(d.join("half.xml"), "<confirmation").unwrap();
    std::fs::write(d.join("bin.csv"), [0u8, 159, 146, 150, 0, 1, 2, 255, 254]).unwrap();
    std::fs::write(d.join("fake.xlsx"), "PK\u{3}\u{4}это не книга").unwrap();
    std::fs::create_dir(d.join("folder")).unwrap();
    std::fs::write(d.join("exists.csv"), "x").unwrap();
    let p = |name: &str| d.join(name).to_str().unwrap().to_string();

    let cases: Vec<(Vec<String>, i32)> = [
        // Bad dates and numbers.
        (vec!["--today", "31.02.2025", "cycles"], 2),
        (vec!["--today", "вчера", "cycles"], 2),
        (vec!["score", "--cycle", "abc"], 2),
        (vec!["score", "--cycle", "99999999999999999999"], 2),
        (vec!["score", "--cycle", ""], 2),
        (vec!["demo", "--orgs", "0"], 2),
        (vec!["demo", "--orgs", "-5"], 2),
        (vec!["demo", "--seed", "x"], 2),
        (vec!["plans", "status", "x", "выполнено"], 2),
        (
            vec![
                "plans",
                "approved",
                "--cycle",
                "1",
                "--org",
                "1",
                "--date",
                "32.13.2025",
            ],
            2,
        ),
        // Unknown commands, options and values.
        (vec!["frobnicate"], 2),
        (vec!["cycle"], 2),
        (vec!["export", "frob"], 2),
        (vec!["export"], 2),
        (vec!["plans"], 2),
        (vec!["score", "--cycel", "1"], 2),
        (vec!["cycles", "--format", "xml"], 2),
        (vec!["export", "table", "foo", "--cycle", "1"], 2),
        (vec!["export", "busgov", "--cycle", "1", "--kind", "x"], 2),
        (vec!["plans", "status", "1", "почти"], 2),
        (vec!["score"], 2),
        // Missing files, folders instead of files, files that are not what they claim.
        (vec!["check", "/nonexistent/x.zip"], 1),
        (vec!["check", &p("fake.zip")], 1),
        (vec!["check", &p("bad.xml")], 1),
        (vec!["check", &p("folder")], 1),
        (vec!["check", "/dev/zero"], 1),
        (vec!["--db", &db_s, "receipt", "/nonexistent.xml"], 1),
        (vec!["--db", &db_s, "receipt", &p("folder")], 1),
        (vec!["--db", &db_s, "receipt", &p("half.xml")], 1),
        (vec!["--db", &db_s, "receipt", &p("bad.xml")], 1),
        (vec!["--db", &db_s, "import", "orgs", "/nonexistent.csv"], 1),
        (vec!["--db", &db_s, "import", "orgs", &p("folder")], 1),
        (vec!["--db", &db_s, "import", "orgs", &p("bin.csv")], 1),
        (vec!["--db", &db_s, "import", "orgs", &p("fake.xlsx")], 1),
        (vec!["--db", "/nonexistent/x.sqlite", "cycles"], 1),
        (vec!["--db", &p("folder"), "cycles"], 1),
        (vec!["--db", &p("fake.zip"), "cycles"], 1),
        (vec!["--db", &db_s, "score", "--cycle", "99999"], 1),
        (vec!["--db", &db_s, "backup", &p("folder")], 1),
        (vec!["--db", &db_s, "backup", "/dev/null", "--force"], 1),
        (
            vec!["--db", &db_s, "backup", "/nonexistent/dir/copy.sqlite"],
            1,
        ),
        (
            vec![
                "--db",
                &db_s,
                "export",
                "table",
                "rating",
                "--cycle",
                "1",
                "--out",
                &p("exists.csv"),
            ],
            1,
        ),
        (
            vec![
                "--db",
                &db_s,
                "export",
                "table",
                "rating",
                "--cycle",
                "1",
                "--out",
                "/nonexistent/dir/x.csv",
            ],
            1,
        ),
        (
            vec![
                "--db", &db_s, "export", "table", "rating", "--cycle", "1", "--format", "xlsx",
                "--out", "-",
            ],
            1,
        ),
        (
            vec![
                "--db",
                &db_s,
                "publish",
                "--cycle",
                "1",
                "--out",
                &p("fake.zip"),
            ],
            1,
        ),
        (
            vec!["--db", &db_s, "plans", "status", "999999", "выполнено"],
            1,
        ),
    ]
    .into_iter()
    .map(|(a, c)| (a.into_iter().map(String::from).collect(), c))
    .collect();

    let mut problems = Vec::new();
    for (args, code) in &cases {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = nok(&argv, d);
        let t = text(&out);
        if out.status.code() != Some(*code) {
            problems.push(format!(
                "nok {}: exit {:?}, expected {code}\n{t}",
                args.join(" "),
                out.status.code()
            ));
        }
        if !t.contains("ошибка") {
            problems.push(format!("nok {}: no error said\n{t}", args.join(" ")));
        }
        let words = latin_words(&t, &temp);
        if !words.is_empty() || t.contains("os error") || t.contains("panicked") {
            problems.push(format!("nok {}: {words:?}\n{t}", args.join(" ")));
        }
    }

    // A locked database: another connection holds the write lock past the wait.
    let holder = nok::store::open_existing(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = nok(&["--db", &db_s, "score", "--cycle", "1"], d);
    let t = text(&out);
    if out.status.code() != Some(1) || !t.contains("занята") {
        problems.push(format!(
            "locked database: exit {:?}\n{t}",
            out.status.code()
        ));
    }
    let words = latin_words(&t, &temp);
    if !words.is_empty() {
        problems.push(format!("locked database: {words:?}\n{t}"));
    }
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_word_check_itself_finds_english() {
    // The checker of this file must be able to fail.
    let found = latin_words("ошибка: No such file or directory (os error 2)", "/tmp/x");
    assert!(
        found.contains("No") && found.contains("directory"),
        "{found:?}"
    );
    let found = latin_words("Использование: nok [OPTIONS] <COMMAND>", "/tmp/x");
    // Bracketed markers hold «[]<>», so they are read as codes: checked by name below.
    assert!(found.is_empty(), "{found:?}");
    let found = latin_words(
        "ключ 1.1.stand_present, параметр --cycle, файл /tmp/x.csv",
        "/tmp/x",
    );
    assert!(found.is_empty(), "{found:?}");
    let found = latin_words(
        "значение «abc» — не число; IV квартал; Cannot detect",
        "/tmp/x",
    );
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["Cannot", "detect"]);
}

#[test]
fn clap_markers_are_translated() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["export", "--help"],
        &["export", "table", "--help"],
        &["cycles", "--help"],
    ] {
        let t = text(&nok(args, dir.path()));
        for marker in [
            "[OPTIONS]",
            "<COMMAND>",
            "[COMMAND]",
            "Possible values",
            "[default:",
            "Arguments:",
            "Options:",
            "Commands:",
            "Usage:",
        ] {
            assert!(!t.contains(marker), "{args:?}: {marker}\n{t}");
        }
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = nok(
        &[
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--orgs",
            "300",
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    assert!(out.status.success());
    for args in [
        &["cycles"][..],
        &["export", "table", "plans", "--cycle", "1", "--out", "-"],
        &[
            "export",
            "table",
            "indicators",
            "--cycle",
            "1",
            "--out",
            "-",
        ],
        &["plans", "overdue", "--format", "csv"],
    ] {
        let mut all = vec!["--db", db.to_str().unwrap(), "--today", TODAY];
        all.extend_from_slice(args);
        let mut child = cli_support::command(&all, dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Read one byte, then close the pipe: what `| head -c 1` does.
        {
            use std::io::Read;
            let mut stdout = child.stdout.take().unwrap();
            let mut one = [0u8; 1];
            stdout.read_exact(&mut one).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}
