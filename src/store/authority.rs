//! The authority (уполномоченный орган) a working database is created for: its row, written
//! with every value in the audit log (NULL → value), as every new record is.

use rusqlite::{Connection, params};

use super::Result;
use super::audit::{self, Action, Entry};
use crate::domain::org::Authority;

/// Writes `a` as a new authority and audits each of its values; returns its id. The caller
/// holds the transaction.
pub fn insert_audited(conn: &Connection, a: &Authority, os_user: &str, at: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO authority (name, short_name, region, sector, inn, kpp, ogrn, reg_num, website)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            a.name,
            a.short_name,
            a.region,
            a.sector.map(|s| s.code()),
            a.inn,
            a.kpp,
            a.ogrn,
            a.reg_num,
            a.website
        ],
    )?;
    let id = conn.last_insert_rowid();
    let sector = a.sector.map(|s| s.code().to_string());
    let values: [(&str, Option<&str>); 8] = [
        ("name", Some(&a.name)),
        ("short_name", Some(&a.short_name)),
        ("region", Some(&a.region)),
        ("sector", sector.as_deref()),
        ("inn", Some(&a.inn)),
        ("kpp", Some(&a.kpp)),
        ("ogrn", Some(&a.ogrn)),
        ("reg_num", Some(&a.reg_num)),
    ];
    for (field, value) in values {
        audit::record(
            conn,
            &Entry {
                at,
                os_user,
                action: Action::Insert,
                entity: "authority",
                entity_id: Some(id),
                field: Some(field),
                old_value: None,
                new_value: value,
                note: "создана рабочая база: реквизиты уполномоченного органа",
            },
        )?;
    }
    Ok(id)
}

/// The authorities of the database as (id, full name, short name), in the order created.
pub fn list(conn: &Connection) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare("SELECT id, name, short_name FROM authority ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An authority as a new cycle needs it: who it is, its region and its sphere.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorityRow {
    pub id: i64,
    pub inn: String,
    /// The short name, or the full one when there is no short one.
    pub name: String,
    pub region: String,
    pub sector: Option<crate::domain::sector::Sector>,
}

/// The authorities of the database with their INN, region and sphere, in the order created.
pub fn rows(conn: &Connection) -> Result<Vec<AuthorityRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, inn, CASE WHEN short_name = '' THEN name ELSE short_name END, region, sector
         FROM authority ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(AuthorityRow {
            id: r.get(0)?,
            inn: r.get(1)?,
            name: r.get(2)?,
            region: r.get(3)?,
            sector: r
                .get::<_, Option<String>>(4)?
                .and_then(|s| crate::domain::sector::Sector::parse(&s)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
