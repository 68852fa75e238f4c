//! Documents exported to bus.gov.ru: one position per document kind (`results`, `plan`, `report`),
//! organization and cycle, with its stable positionId, the version last exported, the SHA-256 of
//! its content, and the portal's receipt (accepted, rejected with violations, or none yet).

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;

/// A position as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    /// `results`, `plan` or `report`.
    pub kind: String,
    pub org_id: i64,
    pub cycle_id: i64,
    pub position_id: String,
    pub version_number: i64,
    pub content_hash: Option<String>,
    pub exported_at: Option<String>,
    pub header_id: Option<String>,
    pub file: Option<String>,
    pub receipt: ReceiptStatus,
    pub receipt_at: Option<String>,
    pub receipt_url: Option<String>,
}

/// The portal's answer about a position's latest export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptStatus {
    /// No receipt read since the last export.
    None,
    /// Принято порталом.
    Accepted,
    /// Отклонено порталом (see the violations).
    Rejected,
}

impl ReceiptStatus {
    fn from_db(s: Option<&str>) -> ReceiptStatus {
        match s {
            Some("accepted") => ReceiptStatus::Accepted,
            Some("rejected") => ReceiptStatus::Rejected,
            _ => ReceiptStatus::None,
        }
    }

    fn code(self) -> Option<&'static str> {
        match self {
            ReceiptStatus::None => None,
            ReceiptStatus::Accepted => Some("accepted"),
            ReceiptStatus::Rejected => Some("rejected"),
        }
    }

    pub fn name_ru(self) -> &'static str {
        match self {
            ReceiptStatus::None => "нет ответа портала",
            ReceiptStatus::Accepted => "принято",
            ReceiptStatus::Rejected => "отклонено",
        }
    }
}

/// A violation the portal reported.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredViolation {
    pub code: String,
    /// `error` or `warning`.
    pub level: String,
    pub name: String,
    pub description: String,
}

const COLUMNS: &str =
    "kind, org_id, cycle_id, position_id, version_number, content_hash, exported_at,
     header_id, file, receipt_status, receipt_at, receipt_url";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Position> {
    Ok(Position {
        kind: r.get(0)?,
        org_id: r.get(1)?,
        cycle_id: r.get(2)?,
        position_id: r.get(3)?,
        version_number: r.get(4)?,
        content_hash: r.get(5)?,
        exported_at: r.get(6)?,
        header_id: r.get(7)?,
        file: r.get(8)?,
        receipt: ReceiptStatus::from_db(r.get::<_, Option<String>>(9)?.as_deref()),
        receipt_at: r.get(10)?,
        receipt_url: r.get(11)?,
    })
}

/// The position of a document kind, organization and cycle, if it was ever exported.
pub fn get(conn: &Connection, kind: &str, org_id: i64, cycle_id: i64) -> Result<Option<Position>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM export_position WHERE kind = ?1 AND org_id = ?2 AND cycle_id = ?3"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![kind, org_id, cycle_id], from_row)
        .optional()?)
}

/// Every position of a document kind in a cycle, by organization id (one range of the key).
pub fn of_cycle(
    conn: &Connection,
    kind: &str,
    cycle_id: i64,
) -> Result<std::collections::HashMap<i64, Position>> {
    let sql = format!("SELECT {COLUMNS} FROM export_position WHERE cycle_id = ?1 AND kind = ?2");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![cycle_id, kind], from_row)?;
    rows.map(|r| r.map(|p| (p.org_id, p)))
        .collect::<rusqlite::Result<_>>()
        .map_err(Into::into)
}

/// The position with this positionId.
pub fn by_position_id(conn: &Connection, position_id: &str) -> Result<Option<Position>> {
    let sql = format!("SELECT {COLUMNS} FROM export_position WHERE position_id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([position_id], from_row)
        .optional()?)
}

/// The positions last sent in the packet with this header id.
pub fn by_header_id(conn: &Connection, header_id: &str) -> Result<Vec<Position>> {
    let sql = format!("SELECT {COLUMNS} FROM export_position WHERE header_id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([header_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One document written into a package.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported<'a> {
    pub kind: &'a str,
    pub org_id: i64,
    pub cycle_id: i64,
    pub position_id: &'a str,
    pub version_number: i64,
    pub content_hash: &'a str,
    pub header_id: &'a str,
    /// The file's name inside the package, and the package.
    pub file: &'a str,
    pub file_sha256: &'a str,
    /// Local time, ISO `YYYY-MM-DDThh:mm:ss`.
    pub at: &'a str,
    /// Whether the position was exported before (it may then have a receipt to clear).
    pub known: bool,
}

/// Records an export: the position (created, or updated with the new version and content), a
/// line in the export log, and the previous receipt cleared (the new packet awaits its own).
pub fn record_export(conn: &Connection, e: &Exported<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO export_position (kind, org_id, cycle_id, position_id, version_number,
                                      content_hash, exported_at, header_id, file,
                                      receipt_status, receipt_at, receipt_url)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, NULL, NULL)
         ON CONFLICT (kind, org_id, cycle_id) DO UPDATE SET
             version_number = excluded.version_number, content_hash = excluded.content_hash,
             exported_at = excluded.exported_at, header_id = excluded.header_id,
             file = excluded.file, receipt_status = NULL, receipt_at = NULL, receipt_url = NULL",
    )?
    .execute(params![
        e.kind,
        e.org_id,
        e.cycle_id,
        e.position_id,
        e.version_number,
        e.content_hash,
        e.at,
        e.header_id,
        e.file
    ])?;
    if e.known {
        conn.prepare_cached("DELETE FROM export_violation WHERE position_id = ?1")?
            .execute([e.position_id])?;
    }
    conn.prepare_cached(
        "INSERT INTO export_log (at, kind, org_id, cycle_id, position_id, version_number, file,
                                 sha256, header_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.at,
        e.kind,
        e.org_id,
        e.cycle_id,
        e.position_id,
        e.version_number,
        e.file,
        e.file_sha256,
        e.header_id
    ])?;
    Ok(())
}

/// Whether the export log names files of the package (folder) `name`: its export was committed.
pub fn package_recorded(conn: &Connection, name: &str) -> Result<bool> {
    // `NAME/` ≤ file < `NAME0` ('0' follows '/'): the files inside that folder.
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM export_log WHERE file >= ?1 || '/' AND file < ?1 || '0')",
        )?
        .query_row([name], |r| r.get(0))?)
}

/// Records the portal's answer about a position: accepted or rejected, with its violations
/// (replacing those of an earlier receipt).
pub fn record_receipt(
    conn: &Connection,
    position_id: &str,
    accepted: bool,
    violations: &[StoredViolation],
    url: Option<&str>,
    at: &str,
) -> Result<()> {
    let status = if accepted {
        ReceiptStatus::Accepted
    } else {
        ReceiptStatus::Rejected
    };
    conn.prepare_cached(
        "UPDATE export_position SET receipt_status = ?2, receipt_at = ?3, receipt_url = ?4
         WHERE position_id = ?1",
    )?
    .execute(params![position_id, status.code(), at, url])?;
    conn.prepare_cached("DELETE FROM export_violation WHERE position_id = ?1")?
        .execute([position_id])?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO export_violation (position_id, seq, code, level, name, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, v) in violations.iter().enumerate() {
        let level = if v.level == "warning" {
            "warning"
        } else {
            "error"
        };
        ins.execute(params![
            position_id,
            i as i64,
            v.code,
            level,
            v.name,
            v.description
        ])?;
    }
    Ok(())
}

/// The violations stored for a position, in the portal's order.
pub fn violations(conn: &Connection, position_id: &str) -> Result<Vec<StoredViolation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, level, name, description FROM export_violation
         WHERE position_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([position_id], |r| {
        Ok(StoredViolation {
            code: r.get(0)?,
            level: r.get(1)?,
            name: r.get(2)?,
            description: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the organization card shows about one exported document.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgExport {
    pub position: Position,
    pub year: i32,
    pub violations: Vec<StoredViolation>,
}

/// Every document of the organization exported to bus.gov.ru, newest cycle first, then by kind
/// (results, plan, report), with the receipt state and the portal's violations. Found through
/// the organization's memberships (positions are keyed by cycle; an organization is exported
/// only as a member of the cycle, and memberships are never deleted).
pub fn for_org(conn: &Connection, org_id: i64) -> Result<Vec<OrgExport>> {
    let sql = format!(
        "SELECT {cols}, c.year FROM membership m
         JOIN cycle c ON c.id = m.cycle_id
         JOIN export_position e ON e.cycle_id = m.cycle_id
                               AND e.kind IN ('results', 'plan', 'report')
                               AND e.org_id = m.org_id
         WHERE m.org_id = ?1
         ORDER BY c.year DESC, e.cycle_id DESC,
                  CASE e.kind WHEN 'results' THEN 0 WHEN 'plan' THEN 1 ELSE 2 END",
        cols = COLUMNS
            .split(',')
            .map(|c| format!("e.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map([org_id], |r| Ok((from_row(r)?, r.get::<_, i32>(12)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(position, year)| {
            let violations = violations(conn, &position.position_id)?;
            Ok(OrgExport {
                position,
                year,
                violations,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
                 VALUES (1, 'Комитет', 'Область', '7701234567', '770101001', '1027700132195');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
                 VALUES (5, 2025, 'social', 1, 'Область', 'approved', '2018');
             INSERT INTO organization (id, full_name, inn, kpp, ogrn, reg_num, sector, region)
                 VALUES (1, 'Полное А', '7701234568', '770101001', '1027700132196', '12345678', 'social', 'Область');
             INSERT INTO membership (cycle_id, org_id) VALUES (5, 1);",
        )
        .unwrap();
        conn
    }

    fn exported<'a>(
        kind: &'a str,
        pid: &'a str,
        v: i64,
        sha: &'a str,
        header: &'a str,
    ) -> Exported<'a> {
        Exported {
            kind,
            org_id: 1,
            cycle_id: 5,
            position_id: pid,
            version_number: v,
            content_hash: sha,
            header_id: header,
            file: "f.xml",
            file_sha256: "ff",
            at: "2026-11-22T10:00:00",
            known: v > 1,
        }
    }

    #[test]
    fn export_then_receipt_then_re_export() {
        let conn = db();
        let pid = "0a4b3c2d-1111-8222-9333-444455556667";
        record_export(&conn, &exported("plan", pid, 1, "aa", "h1")).unwrap();
        let p = get(&conn, "plan", 1, 5).unwrap().unwrap();
        assert_eq!(of_cycle(&conn, "plan", 5).unwrap()[&1], p);
        assert_eq!((p.version_number, p.receipt), (1, ReceiptStatus::None));
        assert_eq!(by_header_id(&conn, "h1").unwrap().len(), 1);

        let v = StoredViolation {
            code: "E1".into(),
            level: "error".into(),
            name: "Неверно".into(),
            description: "подробно".into(),
        };
        record_receipt(
            &conn,
            pid,
            false,
            std::slice::from_ref(&v),
            None,
            "2026-11-23T10:00:00",
        )
        .unwrap();
        let card = for_org(&conn, 1).unwrap();
        assert_eq!(card.len(), 1);
        assert_eq!(card[0].year, 2025);
        assert_eq!(card[0].position.receipt, ReceiptStatus::Rejected);
        assert_eq!(card[0].violations, vec![v]);

        record_export(&conn, &exported("plan", pid, 2, "bb", "h2")).unwrap();
        let p = by_position_id(&conn, pid).unwrap().unwrap();
        assert_eq!((p.version_number, p.receipt), (2, ReceiptStatus::None));
        assert!(violations(&conn, pid).unwrap().is_empty());
        let log: i64 = conn
            .query_row("SELECT count(*) FROM export_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(log, 2);
    }
}
