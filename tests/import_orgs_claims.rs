//! The keys of the rows of an organizations file are claimed in a temporary table (one
//! organization, one row), and so are the keys a row takes away from a stored organization: the
//! first claim of a key, by line, is the one a later row is rejected by, also far down a file
//! read as a stream. A plan worked out by hand for a file of 400+ rows, the dry run equal to the
//! import, the database counted by plain SQL afterwards; a reader failure deep in a long file ends the import in Russian, naming the
//! line, with nothing written.

mod import_support;

use std::path::Path;

use import_support::{count, dry_run_orgs, inn, ogrn, today};
use nok::service::import::{Kind, Options, Preview, apply_file};
use rusqlite::Connection;

const HEADER: &str =
    "\u{feff}Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\r\n";

/// The library (1, code 780Ж0001) and the museum (2, code 780Ж0002), by plain SQL.
fn two_orgs(path: &Path) -> Connection {
    let conn = nok::store::open(path).unwrap();
    for (n, name) in [(1, "ГБУК «Библиотека № 1»"), (2, "ГБУК «Музей»")]
    {
        conn.execute(
            "INSERT INTO organization (full_name, inn, kpp, ogrn, reg_num, sector, region)
             VALUES (?1, ?2, '781001001', ?3, ?4, 'culture', 'Санкт-Петербург')",
            rusqlite::params![name, inn(n), ogrn(n), format!("780Ж{n:04}")],
        )
        .unwrap();
    }
    conn
}

fn row(n: u32, name: &str, code: &str) -> String {
    format!(
        "{name};{};781001001;{};{code};культура;Санкт-Петербург\r\n",
        inn(n),
        ogrn(n)
    )
}

type Lines = (Vec<usize>, Vec<usize>, Vec<usize>, Vec<usize>);

fn lines(p: &Preview) -> Lines {
    (
        p.added.iter().map(|c| c.line).collect(),
        p.changed.iter().map(|c| c.line).collect(),
        p.left.iter().map(|c| c.line).collect(),
        p.rejected.iter().map(|r| r.line).collect(),
    )
}

#[test]
fn the_first_claim_of_a_key_rejects_a_later_row_also_far_down_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut conn = two_orgs(&db);
    let file = dir.path().join("orgs.csv");
    let mut csv = vec![HEADER.to_string()];
    // Line 2: the library gets code 780Ж0101; its 780Ж0001 is taken away (claimed here, line 2).
    csv.push(row(1, "ГБУК «Библиотека № 1»", "780Ж0101"));
    // Line 3: a new ИНН with the museum's code: rejected (the code is another ИНН's), but the
    // code is claimed by line 3 all the same.
    csv.push(row(3, "ГБУК «Театр»", "780Ж0002"));
    // Lines 4…403: 400 new organizations, n = 100…499, code 780Ж0100 + ….
    for n in 100..500 {
        csv.push(row(
            n,
            &format!("ГБУ «Учреждение № {n}»"),
            &format!("780Ж{:04}", n + 1000),
        ));
    }
    // Line 404: the museum gets code 780Ж0202; its 780Ж0002 is taken away, after line 3 claimed
    // it.
    csv.push(row(2, "ГБУК «Музей»", "780Ж0202"));
    // Line 405: the library's old code: taken away by line 2.
    csv.push(row(900, "ГБУ «Новое № 900»", "780Ж0001"));
    // Line 406: the museum's old code: claimed first by line 3 (not by line 404).
    csv.push(row(901, "ГБУ «Новое № 901»", "780Ж0002"));
    // Line 407: the code of n = 150, line 54.
    csv.push(row(902, "ГБУ «Новое № 902»", "780Ж1150"));
    // Line 408: the ИНН+КПП of n = 499, line 403, with a code of its own.
    csv.push(row(499, "ГБУ «Учреждение № 499»", "780Ж9999"));
    std::fs::write(&file, csv.concat()).unwrap();

    let dry = dry_run_orgs(&mut conn, &file);
    let added: Vec<usize> = (4..=403).collect();
    assert_eq!(
        lines(&dry),
        (added, vec![2, 404], vec![], vec![3, 405, 406, 407, 408])
    );
    let reasons: Vec<&str> = dry.rejected.iter().map(|r| r.reason.as_str()).collect();
    assert!(
        reasons[0]
            .contains("код по Сводному реестру 780Ж0002 принадлежит организации «ГБУК «Музей»»"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("код 780Ж0001 был у организации, которой строка 2 дала другой код"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].contains("код 780Ж0002 уже был в строке 3: одна организация — одна строка"),
        "{reasons:?}"
    );
    assert!(
        reasons[3].contains("код 780Ж1150 уже был в строке 54"),
        "{reasons:?}"
    );
    assert!(
        reasons[4].contains(&format!(
            "ИНН {} и КПП 781001001 уже были в строке 403",
            inn(499)
        )),
        "{reasons:?}"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), 2);

    let real = apply_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(lines(&real), lines(&dry));
    assert_eq!(real.rejected, dry.rejected);
    // By plain SQL: 2 stored + 400 added; the two codes changed; one audit entry per added
    // organization, one per changed field (2) and the import's own.
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), 402);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM organization WHERE reg_num IN ('780Ж0101', '780Ж0202')
               AND inn IN (SELECT inn FROM organization WHERE id <= 2)"
        ),
        2
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM organization WHERE reg_num BETWEEN '780Ж1100' AND '780Ж1499'"
        ),
        400
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM audit_log WHERE action = 'insert'"
        ),
        400
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM audit_log WHERE action = 'update'"
        ),
        2
    );
}

/// Rows rejected by the read stage (a formula, a short ИНН) are listed in order, and a reader that
/// fails far down a long file (a broken byte past its first buffers) fails the import in Russian,
/// naming the line, with nothing written.
#[test]
fn read_rejections_and_a_reader_failure_far_down_a_streamed_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut conn = two_orgs(&db);
    let file = dir.path().join("orgs.csv");
    let mut csv = HEADER.as_bytes().to_vec();
    csv.extend_from_slice(
        "=1+1;7800000001;781001001;;;культура;Санкт-Петербург\r\n;12345;781001001;;;культура;Санкт-Петербург\r\n".as_bytes(),
    );
    // Lines 4…5003: valid new rows, then line 5004 with a byte that is not UTF-8.
    for n in 1000..6000 {
        csv.extend_from_slice(row(n, &format!("ГБУ № {n}"), &format!("78{n:06}")).as_bytes());
    }
    csv.extend_from_slice(b"\xff;7800000001;781001001;;;;\r\n");
    std::fs::write(&file, &csv).unwrap();
    let e = apply_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("строка 5004"), "{e}");
    assert!(e.contains("UTF-8"), "{e}");
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), 2);
    assert_eq!(count(&conn, "SELECT count(*) FROM audit_log"), 0);

    csv.truncate(csv.len() - b"\xff;7800000001;781001001;;;;\r\n".len());
    std::fs::write(&file, &csv).unwrap();
    let dry = dry_run_orgs(&mut conn, &file);
    assert_eq!(dry.added_count(), 5000);
    let rejected: Vec<(usize, &str)> = dry
        .rejected
        .iter()
        .map(|r| (r.line, r.column.as_str()))
        .collect();
    assert_eq!(rejected, [(2, "Полное наименование"), (3, "ИНН")]);
}

/// A stored organization matched by a row is claimed for that row: a later row finding it by a
/// key the first row did not give (its code, after a row without one) is rejected naming the
/// organization and the first row. A row naming it by both its stored keys (ИНН+КПП and code)
/// needs no such claim: a later row finding it is rejected by the key it repeats. The messages
/// are written out by hand.
#[test]
fn a_stored_organization_is_one_row_whichever_key_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut conn = two_orgs(&db);
    let file = dir.path().join("orgs.csv");
    let no_code = |n: u32, name: &str, kpp: &str| {
        format!(
            "{name};{};{kpp};{};;культура;Санкт-Петербург\r\n",
            inn(n),
            ogrn(n)
        )
    };
    let with_code = |n: u32, name: &str, kpp: &str, code: &str| {
        format!(
            "{name};{};{kpp};{};{code};культура;Санкт-Петербург\r\n",
            inn(n),
            ogrn(n)
        )
    };
    let csv = [
        HEADER.to_string(),
        // Line 2: the library by both its keys, as stored: left as it is.
        row(1, "ГБУК «Библиотека № 1»", "780Ж0001"),
        // Line 3: the library by its ИНН+КПП again, without a code.
        no_code(1, "ГБУК «Библиотека № 1»", "781001001"),
        // Line 4: the museum by its ИНН+КПП, without a code: left as it is.
        no_code(2, "ГБУК «Музей»", "781001001"),
        // Line 5: the museum's code with its ИНН and another КПП: found by the code alone.
        with_code(2, "ГБУК «Музей»", "782001001", "780Ж0002"),
        // Line 6: the library's code with its ИНН and another КПП.
        with_code(1, "ГБУК «Библиотека № 1»", "782001001", "780Ж0001"),
    ];
    std::fs::write(&file, csv.concat()).unwrap();
    let expected = [
        (
            3,
            "",
            format!(
                "ИНН {} и КПП 781001001 уже были в строке 2: одна организация — одна строка",
                inn(1)
            ),
        ),
        (
            5,
            "",
            format!(
                "организация «ГБУК «Музей»» (ИНН {}, КПП 781001001, код 780Ж0002) уже была в строке 4: одна организация — одна строка",
                inn(2)
            ),
        ),
        (
            6,
            "Код по Сводному реестру",
            "код 780Ж0001 уже был в строке 2: одна организация — одна строка".to_string(),
        ),
    ];
    let check = |p: &Preview| {
        assert_eq!(lines(p), (vec![], vec![], vec![2, 4], vec![3, 5, 6]));
        let got: Vec<(usize, &str, &str)> = p
            .rejected
            .iter()
            .map(|r| (r.line, r.column.as_str(), r.reason.as_str()))
            .collect();
        let want: Vec<(usize, &str, &str)> = expected
            .iter()
            .map(|(l, c, r)| (*l, *c, r.as_str()))
            .collect();
        assert_eq!(got, want);
    };
    let dry = dry_run_orgs(&mut conn, &file);
    check(&dry);
    let real = apply_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap();
    check(&real);
    // Nothing changed, by plain SQL: the two organizations as stored, no КПП 782001001.
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), 2);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM organization WHERE kpp = '781001001'
               AND reg_num IN ('780Ж0001', '780Ж0002')"
        ),
        2
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM audit_log WHERE entity = 'organization'"
        ),
        0
    );
}
