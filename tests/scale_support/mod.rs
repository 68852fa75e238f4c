//! Test and benchmark support at scale: a cycle of any size assembled inside a demo database.
//!
//! Demo cycles are per authority (at most about two thousand members), so one cycle with, say,
//! 100,000 members is assembled here: that many new organizations of one sector, one new cycle
//! holding them all, and each member's inputs copied round-robin from the real demo assessments
//! of that sector (so every input set is one the scoring engine accepts). Shared by
//! `tests/faults.rs` and `benches/scale.rs` (included there by path).
#![allow(dead_code)] // each user takes what it needs

use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use rusqlite::{Connection, params};

fn digits<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0u8; N];
    for (d, b) in out.iter_mut().zip(text.bytes()) {
        *d = b - b'0';
    }
    out
}

/// Adds `members` new organizations of the sector of the demo's largest cycle and one new cycle
/// (year 2100, marked stale, not yet scored) holding them all; returns the new cycle's id.
pub fn assemble_cycle(conn: &Connection, members: u32) -> rusqlite::Result<i64> {
    let (sector, authority, region, methodology): (String, i64, String, String) = conn.query_row(
        "SELECT c.sector, c.authority_id, c.region, c.methodology FROM cycle c
         JOIN membership m ON m.cycle_id = c.id
         GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let done = (|| {
        conn.execute(
            "INSERT INTO cycle (year, sector, authority_id, region, status, methodology, scores_stale)
             VALUES (2100, ?1, ?2, ?3, 'collecting', ?4, 1)",
            params![sector, authority, region, methodology],
        )?;
        let cycle = conn.last_insert_rowid();
        // Input sets of the sector's scored members: the sources to copy from, numbered from 0.
        conn.execute_batch(
            "DROP TABLE IF EXISTS temp.source;
             CREATE TEMP TABLE source (n INTEGER PRIMARY KEY, membership_id INTEGER, grp TEXT);",
        )?;
        conn.execute(
            "INSERT INTO temp.source (n, membership_id, grp)
             SELECT row_number() OVER (ORDER BY m.id) - 1, m.id, m.grp
             FROM membership m JOIN cycle c ON c.id = m.cycle_id
             WHERE c.sector = ?1 AND m.score_error IS NULL AND c.id <> ?2",
            params![sector, cycle],
        )?;
        let base: i64 =
            conn.query_row("SELECT coalesce(max(id), 0) FROM organization", [], |r| {
                r.get(0)
            })?;
        // Identifiers with valid check digits, so `nok check-db` has nothing to say about them.
        let mut org = conn.prepare(
            "INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
             VALUES (?1, ?2, ?3, ?4, '770101001', ?5, ?6, ?7, ?8)",
        )?;
        for i in 1..=i64::from(members) {
            let inn9 = format!("9{i:08}");
            let ogrn12 = format!("1{i:011}");
            let inn = format!("{inn9}{}", inn10_check_digit(&digits(&inn9)));
            let ogrn = format!("{ogrn12}{}", ogrn_check_digit(&digits(&ogrn12)));
            org.execute(params![
                base + i,
                format!("Учреждение для замера № {i}"),
                format!("Учреждение № {i}"),
                inn,
                ogrn,
                format!("9{i:012}"),
                sector,
                region
            ])?;
        }
        conn.execute(
            "INSERT INTO membership (cycle_id, org_id, grp, respondents)
             SELECT ?1, o.id, s.grp, src.respondents
             FROM organization o
             JOIN temp.source s ON s.n = (o.id - ?2 - 1) % (SELECT count(*) FROM temp.source)
             JOIN membership src ON src.id = s.membership_id
             WHERE o.id > ?2",
            params![cycle, base],
        )?;
        conn.execute(
            "INSERT INTO indicator_input (membership_id, key_id, value)
             SELECT m.id, i.key_id, i.value
             FROM membership m
             JOIN temp.source s ON s.n = (m.org_id - ?2 - 1) % (SELECT count(*) FROM temp.source)
             JOIN indicator_input i ON i.membership_id = s.membership_id
             WHERE m.cycle_id = ?1",
            params![cycle, base],
        )?;
        conn.execute_batch("DROP TABLE temp.source")?;
        Ok(cycle)
    })();
    match done {
        Ok(cycle) => {
            conn.execute_batch("COMMIT")?;
            Ok(cycle)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Removes the cycle's stored scores, as before its first computation.
pub fn clear_results(conn: &Connection, cycle: i64) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "BEGIN IMMEDIATE;
         DELETE FROM score_parts WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});
         DELETE FROM score WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});
         UPDATE cycle SET scores_stale = 1 WHERE id = {cycle};
         DELETE FROM recompute_basis WHERE cycle_id = {cycle};
         COMMIT;"
    ))
}

/// An organizations file as operators send it (Excel CSV: BOM, `;`, CRLF), `rows` organizations
/// with valid identifiers numbered from `first` — distinct numbers give distinct organizations.
pub fn orgs_csv(first: u32, rows: u32) -> Vec<u8> {
    let sectors = [
        "культура",
        "образование",
        "социальное обслуживание",
        "охрана здоровья",
    ];
    let mut s = String::with_capacity(rows as usize * 220);
    s.push('\u{feff}');
    s.push_str(
        "Полное наименование;Сокращенное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион;Адрес\r\n",
    );
    for i in first..first + rows {
        let inn9 = format!("8{i:08}");
        let ogrn12 = format!("2{i:011}");
        let inn = format!("{inn9}{}", inn10_check_digit(&digits(&inn9)));
        let ogrn = format!("{ogrn12}{}", ogrn_check_digit(&digits(&ogrn12)));
        s.push_str(&format!(
            "\"Государственное бюджетное учреждение «Организация для проверки № {i}»\";ГБУ № {i};{inn};780101001;{ogrn};8{i:012};{};Санкт-Петербург;г. Санкт-Петербург, ул. Садовая, д. {}\r\n",
            sectors[i as usize % 4],
            i % 300 + 1,
        ));
    }
    s.into_bytes()
}
