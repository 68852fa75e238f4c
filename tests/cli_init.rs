//! `nok init` from a script: a working database with the authority's details only, each detail
//! checked, never over anything that exists; and every command on a missing database naming
//! `nok init`. Contents are counted by plain SQL.

mod cli_support;
mod first_day_support;

use std::path::Path;

use cli_support::nok;
use first_day_support::DETAILS;

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// `nok --db DB init` with the details, `replace` swapping one flag's value (or dropping it
/// when the value is `None`).
fn init(db: &Path, home: &Path, replace: Option<(&str, Option<&str>)>) -> std::process::Output {
    let mut args = vec!["--db", db.to_str().unwrap(), "init"];
    for (flag, value) in DETAILS {
        let value = match replace {
            Some((f, v)) if f == flag => v,
            _ => Some(value),
        };
        if let Some(v) = value {
            args.push(flag);
            args.push(v);
        }
    }
    nok(&args, home)
}

fn count(conn: &rusqlite::Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn init_makes_a_private_empty_database_with_the_authority_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("папка").join("работа.sqlite");
    let out = init(&db, dir.path(), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("Рабочая база создана"), "{said}");
    assert!(
        said.contains("import orgs"),
        "the next step is named: {said}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, nok::store::schema_version());
    let a: (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = conn
        .query_row(
            "SELECT name, short_name, region, sector, inn, kpp, ogrn, reg_num FROM authority",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        a,
        (
            DETAILS[0].1.into(),
            DETAILS[1].1.into(),
            DETAILS[2].1.into(),
            DETAILS[3].1.into(),
            DETAILS[4].1.into(),
            DETAILS[5].1.into(),
            DETAILS[6].1.into(),
            DETAILS[7].1.into()
        )
    );
    assert_eq!(count(&conn, "authority"), 1);
    for table in [
        "organization",
        "cycle",
        "membership",
        "indicator_input",
        "score",
        "shortcoming",
        "plan_row",
        "workplan",
        "council_meeting",
    ] {
        assert_eq!(count(&conn, table), 0, "no demo rows in {table}");
    }
    let kind: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'kind'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kind, "work");
    // Each detail in the audit log, NULL → value, under the OS user.
    let audited: Vec<(String, String)> = conn
        .prepare(
            "SELECT field, new_value FROM audit_log
             WHERE entity = 'authority' AND action = 'insert' AND old_value IS NULL ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(audited.len(), 8, "{audited:?}");
    assert!(audited.contains(&("inn".into(), "7707083893".into())));
    drop(conn);

    // `nok check-db` finds nothing wrong, and organizations load at once.
    let out = nok(&["--db", db.to_str().unwrap(), "check-db"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let orgs = dir.path().join("организации.csv");
    std::fs::write(
        &orgs,
        "\u{feff}Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\r\n\
         \"ГБУ СО ЛО «Дом-интернат № 1»\";4700001007;470101001;1024700001006;412Ж0000;social;Ленинградская область\r\n\
         \"ГАУ СО ЛО «Надежда»\";4700001014;470101001;1024700001017;412Ж0001;social;Ленинградская область\r\n",
    )
    .unwrap();
    let out = nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            "orgs",
            orgs.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(count(&conn, "organization"), 2);
}

#[test]
fn a_bad_detail_is_refused_with_its_reason_and_nothing_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("работа.sqlite");
    // 7707083893 is valid (Σ = 267, 267 mod 11 = 3): its last digit changed is not.
    let cases = [
        (
            ("--inn", Some("7707083894")),
            "параметр --inn: ИНН 7707083894: неверная контрольная цифра (ожидается 3)",
        ),
        // 102770013219 mod 11 = 5.
        (
            ("--ogrn", Some("1027700132194")),
            "параметр --ogrn: ОГРН 1027700132194: неверная контрольная цифра (ожидается 5)",
        ),
        (("--kpp", Some("7736010")), "параметр --kpp: КПП 7736010"),
        (
            ("--reg-num", Some("4120")),
            "параметр --reg-num: Код по Сводному реестру 4120",
        ),
        (("--sector", Some("спорт")), "сфера «спорт» неизвестна"),
        (("--name", Some("  ")), "параметр --name"),
        (
            ("--inn", Some("500100732259")),
            "у органа власти (юридического лица) ИНН из 10 цифр",
        ),
        (("--reg-num", None), "не указан параметр --reg-num"),
        (("--name", None), "не указан параметр --name"),
    ];
    for ((flag, value), expected) in cases {
        let out = init(&db, dir.path(), Some((flag, value)));
        assert_eq!(out.status.code(), Some(1), "{flag} {value:?}");
        let err = text(&out.stderr);
        assert!(err.contains(expected), "{flag} {value:?}: {err}");
        assert!(!db.exists(), "nothing made for {flag} {value:?}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !left.iter().any(|n| n.to_string_lossy().contains("sqlite")),
        "{left:?}"
    );
}

#[test]
fn nothing_that_exists_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("был.sqlite");
    std::fs::write(&file, b"not a database, but mine").unwrap();
    let folder = dir.path().join("папка");
    std::fs::create_dir(&folder).unwrap();
    let empty = dir.path().join("пустой.sqlite");
    std::fs::write(&empty, b"").unwrap();
    let mut paths = vec![file.clone(), folder.clone(), empty.clone()];
    #[cfg(unix)]
    {
        let link = dir.path().join("ссылка.sqlite");
        std::os::unix::fs::symlink(dir.path().join("нет-такого"), &link).unwrap();
        paths.push(link);
        paths.push("/dev/null".into());
    }
    for p in &paths {
        let out = init(p, dir.path(), None);
        assert_eq!(out.status.code(), Some(1), "{}", p.display());
        let err = text(&out.stderr);
        assert!(err.contains("уже существует"), "{}: {err}", p.display());
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"not a database, but mine");
    assert!(folder.is_dir() && std::fs::read_dir(&folder).unwrap().next().is_none());
    assert_eq!(std::fs::read(&empty).unwrap(), b"");
    assert!(!dir.path().join("нет-такого").exists(), "the link's target");
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
    // A second init over a database made by the first is refused too.
    let db = dir.path().join("работа.sqlite");
    assert!(init(&db, dir.path(), None).status.success());
    let before = std::fs::read(&db).unwrap();
    let out = init(&db, dir.path(), Some(("--name", Some("Другой орган"))));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_missing_database_names_init_and_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("нет.sqlite");
    for args in [
        vec!["cycles"],
        vec!["score", "--cycle", "1"],
        vec!["check-db"],
        vec!["backup", "копия.sqlite"],
        vec![],
    ] {
        let mut all = vec!["--db", db.to_str().unwrap()];
        all.extend(args.iter().copied());
        let out = nok(&all, dir.path());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("не найдена"), "{args:?}: {err}");
        assert!(
            err.contains(&format!("nok init --db {}", db.display())),
            "{args:?}: {err}"
        );
        assert!(err.contains("nok demo"), "{args:?}: {err}");
        assert!(!db.exists());
    }
    // Without --db: the user's data folder, named, and init without --db.
    let out = nok(&["cycles"], dir.path());
    let err = text(&out.stderr);
    assert!(err.contains("nok.sqlite не найдена"), "{err}");
    assert!(err.contains("Новая рабочая база: nok init ("), "{err}");
}
