//! The respondents' proposals of a cycle written to CSV and xlsx as the query steps (nothing held
//! whole), through the service and through `nok survey proposals --out` (and as aligned text without
//! `--out`, measured in one pass and printed in another), and the windows the
//! «Предложения» screen reads deep in the list from a proposal already read (keyset) or from the
//! end: every row compared with plain SQL over `survey_proposal`.

mod cli_support;
mod proposals_support;

use std::path::Path;

use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::store::survey::{ProposalFilter, WindowStart, proposal_window_at};
use proposals_support::*;
use rusqlite::Connection;

/// A demo database with the proposals file imported and 300 more proposals of B written as
/// another program would (the trigger makes their search key); returns (cycle, membership of B).
fn database(dir: &Path) -> (Connection, i64, i64) {
    let opts = DemoOptions {
        orgs: 60,
        seed: 2018,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    };
    let mut conn = open_or_build(
        &dir.join("demo.sqlite"),
        &opts,
        false,
        &Methods::builtin().unwrap(),
        &mut |_| {},
    )
    .unwrap()
    .conn;
    let (cycle, orgs) = import(dir, &mut conn);
    let source: i64 = conn
        .query_row(
            "SELECT id FROM survey_source WHERE cycle_id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    for k in 1..=300 {
        conn.execute(
            "INSERT INTO survey_proposal (source_id, membership_id, line, text) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![source, orgs[1].0, 1000 + k, format!("Заявка {k:03}; «кавычки», ёлка")],
        )
        .unwrap();
    }
    (conn, cycle, orgs[1].0)
}

/// Every proposal of the cycle by plain SQL, in the list's order, as the export's eight columns
/// read back from a file (empty text for what is not known).
fn sql_rows(conn: &Connection, cycle: i64) -> Vec<Vec<String>> {
    conn.prepare(
        "SELECT o.inn, o.full_name, coalesce(r.part, ''), s.name, p.line,
                coalesce(r.respondent, ''), coalesce(r.answered_at, ''), p.text
         FROM survey_proposal p JOIN survey_source s ON s.id = p.source_id
         JOIN membership m ON m.id = p.membership_id JOIN organization o ON o.id = m.org_id
         LEFT JOIN survey_response r ON r.source_id = p.source_id AND r.line = p.line
         WHERE s.cycle_id = ?1 ORDER BY o.full_name, o.id, s.name, p.line, p.id",
    )
    .unwrap()
    .query_map([cycle], |r| {
        Ok(vec![
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get::<_, i64>(4)?.to_string(),
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        ])
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The ids of the cycle's proposals by plain SQL, in the list's order.
fn sql_ids(conn: &Connection, cycle: i64) -> Vec<i64> {
    conn.prepare(
        "SELECT p.id FROM survey_proposal p JOIN survey_source s ON s.id = p.source_id
         JOIN membership m ON m.id = p.membership_id JOIN organization o ON o.id = m.org_id
         WHERE s.cycle_id = ?1 ORDER BY o.full_name, o.id, s.name, p.line, p.id",
    )
    .unwrap()
    .query_map([cycle], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

const HEADERS: [&str; 8] = [
    "ИНН",
    "Организация",
    "Часть",
    "Источник",
    "Строка",
    "Респондент",
    "Дата ответа",
    "Предложение",
];

#[test]
fn the_export_streams_every_proposal_as_plain_sql_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, cycle, _) = database(dir.path());
    let want = sql_rows(&conn, cycle);
    assert_eq!(want.len(), 8 + 300, "the file's eight and the 300 written");
    let filter = ProposalFilter {
        cycle_id: cycle,
        ..Default::default()
    };
    // CSV for Excel: BOM, «;», the rows in the list's order, Cyrillic and quotes intact.
    let (path, n) =
        nok::service::survey::export_proposals(&conn, &filter, dir.path(), "предложения", false)
            .unwrap();
    assert_eq!(path, dir.path().join("предложения.csv"));
    assert_eq!(n, want.len());
    let rows = read_excel_csv(&path);
    assert_eq!(rows[0], HEADERS);
    assert_eq!(rows[1..], want[..]);
    // A second export takes the next free name; no temporary file is left.
    let (again, _) =
        nok::service::survey::export_proposals(&conn, &filter, dir.path(), "предложения", false)
            .unwrap();
    assert_eq!(again, dir.path().join("предложения-2.csv"));
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // xlsx: the same rows.
    let (book_path, _) =
        nok::service::survey::export_proposals(&conn, &filter, dir.path(), "предложения", true)
            .unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&book_path).unwrap();
    let range = book.worksheet_range("Предложения").unwrap();
    let got: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(got[0], HEADERS);
    assert_eq!(got[1..], want[..]);
    // The CLI writes the same file to the path it is given, a search narrowing it.
    let out = dir.path().join("ёлки.csv");
    let db = dir.path().join("demo.sqlite");
    let cycle_id = cycle.to_string();
    let proposals = |more: &[&str]| {
        let mut args = vec![
            "--db",
            db.to_str().unwrap(),
            "survey",
            "proposals",
            "--cycle",
            &cycle_id,
            "--search",
            SEARCH,
        ];
        args.extend_from_slice(more);
        cli_support::nok(&args, dir.path())
    };
    let run = proposals(&["--out", out.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows = read_excel_csv(&out);
    let (found, _) = sql_counts(&conn, cycle, None);
    assert_eq!(rows.len() as i64 - 1, found);
    assert_eq!(
        found,
        5 + 300,
        "the file's five with «ёлк» and the 300 written"
    );
    assert!(
        String::from_utf8_lossy(&run.stdout).contains(&format!("Предложений: {found}; записано")),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    // Without `--out`: the same rows as aligned text on the screen (measured in one pass over
    // the query, printed in another), each row's ИНН and line where the file has them.
    let run = proposals(&[]);
    assert!(run.status.success());
    let text = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.last(),
        Some(&format!("Предложений: {found}").as_str())
    );
    assert!(lines[0].starts_with("ИНН  "), "{}", lines[0]);
    assert!(lines[1].starts_with("──"), "{}", lines[1]);
    let shown = &lines[2..lines.len() - 1];
    assert_eq!(shown.len() as i64, found);
    // Every row's name column starts where the header's does: the columns are aligned.
    let name_at = lines[0].chars().take_while(|&c| c != 'О').count();
    for (line, row) in shown.iter().zip(&rows[1..]) {
        assert!(line.starts_with(&format!("{}  ", row[0])), "{line}");
        assert_eq!(line.chars().nth(name_at), row[1].chars().next(), "{line}");
        assert!(
            line.split_whitespace().any(|w| w == row[4]),
            "line {} of the file in {line}",
            row[4]
        );
    }
}

#[test]
fn windows_read_from_a_key_or_from_the_end_are_those_of_plain_sql() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, cycle, b) = database(dir.path());
    let ids = sql_ids(&conn, cycle);
    let filter = ProposalFilter {
        cycle_id: cycle,
        ..Default::default()
    };
    let window = |start: WindowStart, limit: usize| -> Vec<i64> {
        proposal_window_at(&conn, &filter, &start, limit)
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    let all = proposal_window_at(&conn, &filter, &WindowStart::Offset(0), usize::MAX).unwrap();
    assert_eq!(all.iter().map(|p| p.id).collect::<Vec<_>>(), ids);
    for from in [1, 7, 8, 9, 150, 290, 300] {
        // After the one before `from`: the next ten, as OFFSET `from` finds them.
        let after = window(WindowStart::After(all[from - 1].key()), 10);
        assert_eq!(after, ids[from..(from + 10).min(ids.len())], "after {from}");
        // Up to the tenth from `from`, itself included.
        let to = (from + 9).min(ids.len() - 1);
        let up_to = window(WindowStart::UpTo(all[to].key()), 10);
        assert_eq!(up_to, ids[to + 1 - 10..=to], "up to {to}");
    }
    assert_eq!(window(WindowStart::Last, 7), ids[ids.len() - 7..]);
    assert_eq!(window(WindowStart::Offset(100), 5), ids[100..105]);
    // One organization and a search: the same from its own list.
    let of_b = ProposalFilter {
        cycle_id: cycle,
        membership_id: Some(b),
        query: "ЁЛКА".into(),
    };
    let found = proposal_window_at(&conn, &of_b, &WindowStart::Offset(0), usize::MAX).unwrap();
    assert_eq!(found.len(), 1 + 300, "«ёлка у входа…» and the 300 written");
    let last = proposal_window_at(&conn, &of_b, &WindowStart::Last, 3).unwrap();
    assert_eq!(last, found[found.len() - 3..]);
    let next = proposal_window_at(&conn, &of_b, &WindowStart::After(found[99].key()), 4).unwrap();
    assert_eq!(next, found[100..104]);
}
