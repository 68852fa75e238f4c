//! Helpers of the publication tests: a small demo database with hostile names planted in one
//! cycle, and that cycle published into a temporary folder.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use rusqlite::Connection;

pub const TODAY: &str = "22.11.2026";

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// A name that breaks any page that does not escape it.
pub const HOSTILE_NAME: &str =
    r#"<script>alert("x")</script> & "Ромашка" 'дом' </td></tr></table>"#;
pub const HOSTILE_FULL: &str = r#"ГБУ «<b>Жирное</b>» & Co <img src=x onerror=alert(1)>"#;
pub const HOSTILE_TEXT: &str = r#"Нет раздела </p><script>document.write('x')</script> "кавычки" & <a href="http://example.com">ссылка</a>"#;
pub const HOSTILE_GROUP: &str = r#"<i>группа</i> & "другая""#;

/// A demo database of 60 organizations in a fresh folder, with the cycle to publish: the
/// approved cycle with the most members. One of its organizations gets hostile names, a
/// hostile shortcoming, group and council agenda, and a КПП that tries to leave the folder.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub cycle_id: i64,
    /// The organization with the hostile names.
    pub hostile_org: i64,
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let opts = DemoOptions {
        orgs: 60,
        seed: 2018,
        today: today(),
    };
    let demo = open_or_build(&db, &opts, false, &Methods::builtin().unwrap(), &mut |_| {}).unwrap();
    let conn = demo.conn;
    let cycle_id: i64 = conn
        .query_row(
            "SELECT c.id FROM cycle c JOIN membership m ON m.cycle_id = c.id
             WHERE c.status IN ('approved', 'published') AND c.scores_stale = 0
             GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // The member with the most plan rows, so its page has shortcomings and a plan.
    let hostile_org: i64 = conn
        .query_row(
            "SELECT m.org_id FROM membership m JOIN score s ON s.membership_id = m.id
             WHERE m.cycle_id = ?1
             ORDER BY (SELECT count(*) FROM plan_row p WHERE p.cycle_id = m.cycle_id AND p.org_id = m.org_id) DESC, m.org_id
             LIMIT 1",
            [cycle_id],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE organization SET short_name = ?1, full_name = ?2, kpp = '../../../' WHERE id = ?3",
        rusqlite::params![HOSTILE_NAME, HOSTILE_FULL, hostile_org],
    )
    .unwrap();
    conn.execute(
        "UPDATE membership SET grp = ?1 WHERE cycle_id = ?2 AND org_id = ?3",
        rusqlite::params![HOSTILE_GROUP, cycle_id, hostile_org],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO shortcoming (cycle_id, org_id, criterion, indicator, text) VALUES (?1, ?2, 'К1', '1.1', ?3)",
        rusqlite::params![cycle_id, hostile_org, HOSTILE_TEXT],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO council_meeting (authority_id, cycle_id, date, protocol_number, agenda, decisions)
         SELECT authority_id, id, '2026-11-01', '<9>', ?1, 'Утвердить.' FROM cycle WHERE id = ?2",
        rusqlite::params![HOSTILE_TEXT, cycle_id],
    )
    .unwrap();
    drop(conn);
    Fixture {
        dir,
        db,
        cycle_id,
        hostile_org,
    }
}

impl Fixture {
    pub fn conn(&self) -> Connection {
        nok::store::open_existing(&self.db).unwrap()
    }

    /// Publishes the cycle into `<temp>/site` (the library call the CLI and the TUI make).
    pub fn publish(&self) -> PathBuf {
        let out = self.dir.path().join("site");
        let never = AtomicBool::new(false);
        nok::service::publish::publish(
            &self.conn(),
            self.cycle_id,
            Some(&out),
            today(),
            &mut |_| {},
            &never,
        )
        .unwrap()
    }
}

/// Every `.html` file under `root`, relative paths with `/`, sorted.
pub fn html_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}
