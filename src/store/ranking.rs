//! Read queries behind the «Рейтинг» screen (its cycles come from `store::cycles::list_brief`):
//! a cycle's ranking as a compact id list (one small record per ranked organization, in rating order), and the rows of
//! the visible window only. The ranking by S over the whole cycle — what the screen opens on —
//! is read from the order triggers keep (`rating_order`, migration 018): a few contiguous pages
//! instead of every member's `score` and `organization` row.

use rusqlite::{Connection, params, params_from_iter};

use super::Result;

/// A group of a cycle (the form of service, ДОО/школа…) with the number of scored members.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupCount {
    pub name: String,
    pub scored: i64,
}

/// The groups of the cycle's scored members, by name, and how many members could not be scored
/// (one pass over the cycle's members).
pub fn groups(conn: &Connection, cycle_id: i64) -> Result<(Vec<GroupCount>, i64)> {
    let mut stmt = conn.prepare(
        "SELECT m.grp, count(s.membership_id), count(*) - count(s.membership_id)
         FROM membership m LEFT JOIN score s ON s.membership_id = m.id
         WHERE m.cycle_id = ?1 GROUP BY m.grp ORDER BY m.grp",
    )?;
    let mut groups = Vec::new();
    let mut unscored = 0;
    let mut rows = stmt.query([cycle_id])?;
    while let Some(r) = rows.next()? {
        let scored: i64 = r.get(1)?;
        unscored += r.get::<_, i64>(2)?;
        if scored > 0 {
            groups.push(GroupCount {
                name: r.get(0)?,
                scored,
            });
        }
    }
    Ok((groups, unscored))
}

/// One ranked organization of the list, in rating order: what sorting and the bar need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub membership_id: i64,
    pub org_id: i64,
    /// The value of the column ranked by (S or a criterion).
    pub value: f64,
    /// The stored place: overall, in the group (for S within a group), or by the criterion over
    /// the whole cycle (criterion places are not stored per group).
    pub place: u32,
}

/// The cycle's scored members ranked by S (`criterion` `None`) or by a criterion (`К1`…), over
/// the whole cycle or within `group`; best first, equal places by name. The list holds only ids,
/// the value and the place: a few thousand of them are a few dozen kilobytes.
pub fn ranked(
    conn: &Connection,
    cycle_id: i64,
    criterion: Option<&str>,
    group: Option<&str>,
) -> Result<Vec<Ranked>> {
    let group_filter = if group.is_some() {
        "AND m.grp = ?3"
    } else {
        "AND ?3 IS NULL"
    };
    let sql = match criterion {
        None if group.is_none() => return stored_order(conn, cycle_id, |_| ()),
        None => {
            let place = if group.is_some() {
                "s.group_place"
            } else {
                "s.place"
            };
            format!(
                "SELECT m.id, m.org_id, s.total, {place}
                 FROM membership m
                 JOIN score s ON s.membership_id = m.id
                 JOIN organization o ON o.id = m.org_id
                 WHERE m.cycle_id = ?1 AND ?2 IS NULL {group_filter}
                 ORDER BY {place}, o.short_name, o.id"
            )
        }
        Some(_) => format!(
            "SELECT m.id, m.org_id, p.value, p.place
             FROM membership m
             JOIN score s ON s.membership_id = m.id
             JOIN score_part p ON p.membership_id = m.id AND p.code = ?2
             JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 {group_filter}
             ORDER BY p.place IS NULL, p.place, o.short_name, o.id"
        ),
    };
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![cycle_id, criterion, group], |r| {
        Ok(Ranked {
            membership_id: r.get(0)?,
            org_id: r.get(1)?,
            value: r.get(2)?,
            place: r.get::<_, Option<u32>>(3)?.unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a visible row of the rating shows besides its value and place.
#[derive(Debug, Clone, PartialEq)]
pub struct RankRow {
    pub membership_id: i64,
    pub org_id: i64,
    /// Short name (full name when there is none).
    pub name: String,
    pub inn: String,
    pub group: String,
    pub total: f64,
    pub place: u32,
    pub ranked: u32,
    pub group_place: u32,
    pub group_ranked: u32,
    /// Respondents surveyed and recipients of services (for the sample mark).
    pub respondents: i64,
    pub recipients: Option<i64>,
}

/// The rows of the given members (the visible window), in no particular order.
pub fn rows(conn: &Connection, membership_ids: &[i64]) -> Result<Vec<RankRow>> {
    if membership_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; membership_ids.len()].join(", ");
    let sql = format!(
        "SELECT m.id, m.org_id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                o.inn, m.grp, s.total, s.place, s.ranked, s.group_place, s.group_ranked,
                m.respondents, m.recipients
         FROM membership m
         JOIN score s ON s.membership_id = m.id
         JOIN organization o ON o.id = m.org_id
         WHERE m.id IN ({marks})"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(membership_ids), |r| {
        Ok(RankRow {
            membership_id: r.get(0)?,
            org_id: r.get(1)?,
            name: r.get(2)?,
            inn: r.get(3)?,
            group: r.get(4)?,
            total: r.get(5)?,
            place: r.get(6)?,
            ranked: r.get(7)?,
            group_place: r.get(8)?,
            group_ranked: r.get(9)?,
            respondents: r.get(10)?,
            recipients: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The cycle «Рейтинг» opens on: the largest cycle of the newest year (the first of equals), as
/// an index into `cycles`.
pub fn default_cycle(cycles: &[super::cycles::CycleInfo]) -> Option<usize> {
    cycles
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (c.year, c.orgs, std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
}

/// What «Рейтинг» shows first, read off the UI thread at start: the ranking of the default
/// cycle ([`default_cycle`]) by S over the whole cycle, its groups, and the rows of the first
/// window (`window` rows from the top).
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub cycles: Vec<super::cycles::CycleInfo>,
    /// Index into `cycles` of the cycle ranked; `None` when there are no cycles.
    pub cycle: Option<usize>,
    pub groups: Vec<GroupCount>,
    pub unscored: i64,
    pub list: Vec<Ranked>,
    pub rows: Vec<RankRow>,
}

/// Reads [`Start`] from the cycles already listed (`store::cycles::list_brief`).
pub fn start(
    conn: &Connection,
    cycles: Vec<super::cycles::CycleInfo>,
    window: usize,
) -> Result<Start> {
    let cycle = default_cycle(&cycles);
    let mut out = Start {
        cycles,
        cycle,
        groups: Vec::new(),
        unscored: 0,
        list: Vec::new(),
        rows: Vec::new(),
    };
    if let Some(i) = cycle {
        let (c, members) = (out.cycles[i].id, out.cycles[i].orgs);
        // The cycle's stored rating order (migration 018): a few contiguous pages, where the
        // members' `score` and `organization` rows lie all over the file.
        let mut by_group: std::collections::BTreeMap<String, i64> = Default::default();
        out.list = stored_order(conn, c, |group| {
            *by_group.entry(group).or_default() += 1;
        })?;
        out.unscored = (members - out.list.len() as i64).max(0);
        out.groups = by_group
            .into_iter()
            .map(|(name, scored)| GroupCount { name, scored })
            .collect();
        let ids: Vec<i64> = out
            .list
            .iter()
            .take(window)
            .map(|r| r.membership_id)
            .collect();
        out.rows = rows(conn, &ids)?;
    }
    Ok(out)
}

/// The cycle's scored members by S over the whole cycle, in rating order (place, then short
/// name in byte order, then organization id), from the order kept by triggers (`rating_order`,
/// migration 018); `group` is called with each member's group.
fn stored_order(
    conn: &Connection,
    cycle_id: i64,
    mut group: impl FnMut(String),
) -> Result<Vec<Ranked>> {
    let mut stmt = conn.prepare_cached(
        "SELECT membership_id, org_id, total, place, grp FROM rating_order
         WHERE cycle_id = ?1 ORDER BY place, short_name, org_id",
    )?;
    let mut list = Vec::new();
    let mut read = stmt.query([cycle_id])?;
    while let Some(r) = read.next()? {
        group(r.get(4)?);
        list.push(Ranked {
            membership_id: r.get(0)?,
            org_id: r.get(1)?,
            value: r.get(2)?,
            place: r.get(3)?,
        });
    }
    Ok(list)
}

/// The stored results of the other members of a cycle: what one member's place is counted
/// against while its inputs change on screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Others {
    /// Each other scored member's S and group.
    pub totals: Vec<(f64, String)>,
    /// The others' criterion values (`К1` …), by code.
    pub criteria: std::collections::BTreeMap<String, Vec<f64>>,
}

/// The stored results of the members of cycle `cycle_id` other than `membership_id`.
pub fn others(conn: &Connection, cycle_id: i64, membership_id: i64) -> Result<Others> {
    let mut out = Others::default();
    let mut stmt = conn.prepare_cached(
        "SELECT s.total, m.grp FROM membership m JOIN score s ON s.membership_id = m.id
         WHERE m.cycle_id = ?1 AND m.id <> ?2",
    )?;
    let rows = stmt.query_map(params![cycle_id, membership_id], |r| {
        Ok((r.get::<_, f64>(0)?, r.get::<_, String>(1)?))
    })?;
    for r in rows {
        out.totals.push(r?);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT p.code, p.value FROM membership m JOIN score_part p ON p.membership_id = m.id
         WHERE m.cycle_id = ?1 AND m.id <> ?2 AND p.place IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![cycle_id, membership_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?))
    })?;
    for r in rows {
        let (code, value) = r?;
        out.criteria.entry(code).or_default().push(value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sector::Sector;

    fn db() -> Connection {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
                 VALUES (1, 'Комитет', 'Область', '7701234567', '770101001', '1027700132195');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
                 VALUES (5, 2025, 'social', 1, 'Область', 'approved', '2018');
             INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
                 VALUES (1, 'Полное А', 'А', '7701234568', '770101001', '1027700132196', '12345678', 'social', 'Область'),
                        (2, 'Полное Б', 'Б', '7701234569', '770101001', '1027700132197', '12345679', 'social', 'Область'),
                        (3, 'Полное В', '', '7701234570', '770101001', '1027700132198', '12345670', 'social', 'Область');
             INSERT INTO membership (id, cycle_id, org_id, grp) VALUES (10, 5, 1, 'x'), (11, 5, 2, 'y'), (12, 5, 3, 'x');
             INSERT INTO score VALUES (10, '2018', 90, 1, 2, 1, 1, 't'), (11, '2018', 80, 2, 2, 1, 1, 't');
             INSERT INTO score_part VALUES (10, 'К1', 70, 2), (11, 'К1', 75, 1), (10, '1.1', 50, NULL);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn ranks_by_total_criterion_and_group() {
        let conn = db();
        let c = crate::store::cycles::list_brief(&conn).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].orgs, c[0].sector), (3, Sector::Social));
        let (g, unscored) = groups(&conn, 5).unwrap();
        assert_eq!(
            g.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
            ["x", "y"]
        );
        assert_eq!(unscored, 1);

        let ids = |r: Vec<Ranked>| r.iter().map(|r| r.org_id).collect::<Vec<_>>();
        assert_eq!(ids(ranked(&conn, 5, None, None).unwrap()), [1, 2]);
        assert_eq!(ids(ranked(&conn, 5, Some("К1"), None).unwrap()), [2, 1]);
        let y = ranked(&conn, 5, None, Some("y")).unwrap();
        assert_eq!((y.len(), y[0].place, y[0].value), (1, 1, 80.0));
        assert!(ranked(&conn, 5, Some("К9"), None).unwrap().is_empty());

        // The start of the screen is what `groups` and `ranked` give, read in one pass.
        let cycles = crate::store::cycles::list_brief(&conn).unwrap();
        let st = start(&conn, cycles, 1).unwrap();
        assert_eq!(st.cycle, Some(0));
        assert_eq!((st.groups.clone(), st.unscored), groups(&conn, 5).unwrap());
        assert_eq!(st.list, ranked(&conn, 5, None, None).unwrap());
        assert_eq!(st.rows.len(), 1);
        assert_eq!(st.rows[0].org_id, 1);

        let r = rows(&conn, &[11]).unwrap();
        assert_eq!((r[0].name.as_str(), r[0].ranked), ("Б", 2));
        assert!(rows(&conn, &[]).unwrap().is_empty());
    }
}
