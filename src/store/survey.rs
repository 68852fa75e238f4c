//! Survey responses (анкеты): sources (imported files), one row per respondent, the counts of
//! each source per organization and part, and the free-text proposals. The inputs the survey
//! feeds are the sums of the counts over a membership's sources: of part `''` into the
//! organization's inputs, of a named part into that part's inputs.

use std::collections::BTreeMap;

use rusqlite::{CachedStatement, Connection, OptionalExtension, params};

use super::Result;

/// A stored source (one imported file of a cycle).
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: i64,
    pub cycle_id: i64,
    pub name: String,
    pub content_hash: String,
    pub questionnaire: String,
    pub variant: String,
    pub imported_at: String,
    pub os_user: String,
    pub rows_read: i64,
    pub duplicates: i64,
    pub skip_violations: i64,
    pub unknown_answers: i64,
}

/// The source of a cycle by name.
pub fn find_source(conn: &Connection, cycle_id: i64, name: &str) -> Result<Option<Source>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, cycle_id, name, content_hash, questionnaire, variant, imported_at, os_user,
                    rows_read, duplicates, skip_violations, unknown_answers
             FROM survey_source WHERE cycle_id = ?1 AND name = ?2",
        )?
        .query_row(params![cycle_id, name], source_row)
        .optional()?)
}

fn source_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Source> {
    Ok(Source {
        id: r.get(0)?,
        cycle_id: r.get(1)?,
        name: r.get(2)?,
        content_hash: r.get(3)?,
        questionnaire: r.get(4)?,
        variant: r.get(5)?,
        imported_at: r.get(6)?,
        os_user: r.get(7)?,
        rows_read: r.get(8)?,
        duplicates: r.get(9)?,
        skip_violations: r.get(10)?,
        unknown_answers: r.get(11)?,
    })
}

/// A count a source had: (membership, part, key).
pub type OldCount = (i64, String, String);

/// Creates the source, or empties the one of the same name (its responses, counts and
/// proposals) and rewrites its fields; returns its id and the (membership, part, key) counts it
/// had.
pub fn replace_source(
    conn: &Connection,
    s: &Source,
    questions: &str,
) -> Result<(i64, Vec<OldCount>)> {
    let old = find_source(conn, s.cycle_id, &s.name)?;
    let Some(old) = old else {
        conn.prepare_cached(
            "INSERT INTO survey_source (cycle_id, name, content_hash, questionnaire, variant,
                 questions, imported_at, os_user)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            s.cycle_id,
            s.name,
            s.content_hash,
            s.questionnaire,
            s.variant,
            questions,
            s.imported_at,
            s.os_user
        ])?;
        return Ok((conn.last_insert_rowid(), Vec::new()));
    };
    let members: Vec<OldCount> = conn
        .prepare_cached("SELECT membership_id, part, key FROM survey_tally WHERE source_id = ?1")?
        .query_map([old.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for table in ["survey_response", "survey_tally", "survey_proposal"] {
        conn.execute(
            &format!("DELETE FROM {table} WHERE source_id = ?1"),
            [old.id],
        )?;
    }
    conn.prepare_cached(
        "UPDATE survey_source SET content_hash = ?2, questionnaire = ?3, variant = ?4,
             questions = ?5, imported_at = ?6, os_user = ?7 WHERE id = ?1",
    )?
    .execute(params![
        old.id,
        s.content_hash,
        s.questionnaire,
        s.variant,
        questions,
        s.imported_at,
        s.os_user
    ])?;
    Ok((old.id, members))
}

/// Totals of the source after the import.
pub fn finish_source(
    conn: &Connection,
    id: i64,
    rows: i64,
    duplicates: i64,
    skip_violations: i64,
    unknown: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE survey_source SET rows_read = ?2, duplicates = ?3, skip_violations = ?4,
             unknown_answers = ?5 WHERE id = ?1",
    )?
    .execute(params![id, rows, duplicates, skip_violations, unknown])?;
    Ok(())
}

/// One response to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<'a> {
    pub source_id: i64,
    pub line: i64,
    pub membership_id: i64,
    /// The part of the organization (`""`: the organization itself).
    pub part: &'a str,
    pub respondent: Option<&'a str>,
    pub answered_at: Option<&'a str>,
    pub answers: &'a str,
    pub sex: Option<&'a str>,
    pub age: Option<i64>,
    pub waiting_days: Option<i64>,
    pub dedup_key: i64,
}

/// Stores the responses and proposals of an import through statements prepared once.
pub struct ResponseWriter<'c> {
    response: CachedStatement<'c>,
    proposal: CachedStatement<'c>,
}

impl<'c> ResponseWriter<'c> {
    pub fn new(conn: &'c Connection) -> Result<ResponseWriter<'c>> {
        Ok(ResponseWriter {
            response: conn.prepare_cached(
                "INSERT INTO survey_response (source_id, line, membership_id, part, respondent,
                     answered_at, answers, sex, age, dedup_key, waiting_days)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (source_id, dedup_key) DO NOTHING",
            )?,
            proposal: conn.prepare_cached(
                "INSERT INTO survey_proposal (source_id, membership_id, line, text, search_key)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
        })
    }

    /// Stores a response; `false` when the source already has one with its identity (a
    /// duplicate, not stored).
    pub fn response(&mut self, r: &Response<'_>) -> Result<bool> {
        let n = self.response.execute(params![
            r.source_id,
            r.line,
            r.membership_id,
            r.part,
            r.respondent,
            r.answered_at,
            r.answers,
            r.sex,
            r.age,
            r.dedup_key,
            r.waiting_days
        ])?;
        Ok(n == 1)
    }

    /// Stores a proposal with its [`search_key`].
    pub fn proposal(
        &mut self,
        source_id: i64,
        membership_id: i64,
        line: i64,
        text: &str,
    ) -> Result<()> {
        self.proposal.execute(params![
            source_id,
            membership_id,
            line,
            text,
            search_key(text)
        ])?;
        Ok(())
    }
}

/// Removes the responses of a source that name no part for a member, and their proposals (the
/// rows of an organization assessed in parts that say no part: refused by the import); returns
/// how many responses were removed.
pub fn drop_without_part(conn: &Connection, source_id: i64, membership_id: i64) -> Result<usize> {
    conn.prepare_cached(
        "DELETE FROM survey_proposal WHERE source_id = ?1 AND membership_id = ?2
           AND line IN (SELECT line FROM survey_response
                        WHERE source_id = ?1 AND membership_id = ?2 AND part = '')",
    )?
    .execute(params![source_id, membership_id])?;
    Ok(conn
        .prepare_cached(
            "DELETE FROM survey_response WHERE source_id = ?1 AND membership_id = ?2 AND part = ''",
        )?
        .execute(params![source_id, membership_id])?)
}

/// The first stored line with this identity (for naming the original of a duplicate).
pub fn line_of(conn: &Connection, source_id: i64, dedup_key: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT line FROM survey_response WHERE source_id = ?1 AND dedup_key = ?2")?
        .query_row(params![source_id, dedup_key], |r| r.get(0))
        .optional()?)
}

/// Stores a count of the source for a membership's part (`""`: the organization itself).
pub fn insert_tally(
    conn: &Connection,
    source_id: i64,
    membership_id: i64,
    part: &str,
    key: &str,
    value: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO survey_tally (source_id, membership_id, part, key, value)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![source_id, membership_id, part, key, value])?;
    Ok(())
}

/// The counts of the organization itself (part `''`) summed over its sources, by key, and
/// `respondents`: the respondents of the organization and all its parts.
pub fn sums(conn: &Connection, membership_id: i64) -> Result<BTreeMap<String, i64>> {
    let mut by_part = sums_by_part(conn, membership_id)?;
    let total: Option<i64> = by_part
        .values()
        .filter_map(|k| k.get("respondents"))
        .copied()
        .reduce(|a, b| a + b);
    let mut own = by_part.remove("").unwrap_or_default();
    own.remove("respondents");
    if let Some(total) = total {
        own.insert("respondents".to_string(), total);
    }
    Ok(own)
}

/// The counts of a membership summed over its sources: part (`''`: the organization itself) →
/// key (`respondents` among them) → sum.
pub fn sums_by_part(
    conn: &Connection,
    membership_id: i64,
) -> Result<BTreeMap<String, BTreeMap<String, i64>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT part, key, SUM(value) FROM survey_tally WHERE membership_id = ?1
         GROUP BY part, key",
    )?;
    let mut out: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let mut rows = stmt.query([membership_id])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?)
            .or_default()
            .insert(r.get(1)?, r.get(2)?);
    }
    Ok(out)
}

/// The parts of the cycle's members that have survey responses counted (by any source stored),
/// by membership id.
pub fn surveyed_parts(conn: &Connection, cycle_id: i64) -> Result<BTreeMap<i64, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT t.membership_id, t.part FROM survey_tally t
         JOIN survey_source s ON s.id = t.source_id
         WHERE s.cycle_id = ?1 AND t.part <> '' AND t.key = 'respondents' AND t.value > 0
         ORDER BY t.membership_id, t.part",
    )?;
    let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let rows = stmt.query_map([cycle_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (m, part) = row?;
        out.entry(m).or_default().push(part);
    }
    Ok(out)
}

/// Removes an input of a part (one the survey no longer feeds).
pub fn delete_part_input(conn: &Connection, part_id: i64, key: &str) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM org_part_input WHERE part_id = ?1
             AND key_id = (SELECT id FROM input_key WHERE key = ?2)",
    )?
    .execute(params![part_id, key])?;
    Ok(())
}

/// Removes an input (one the survey no longer feeds).
pub fn delete_input(conn: &Connection, membership_id: i64, key: &str) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM indicator_input WHERE membership_id = ?1
             AND key_id = (SELECT id FROM input_key WHERE key = ?2)",
    )?
    .execute(params![membership_id, key])?;
    Ok(())
}

/// Sets the number of respondents of a membership.
pub fn set_respondents(conn: &Connection, membership_id: i64, n: i64) -> Result<()> {
    conn.prepare_cached("UPDATE membership SET respondents = ?2 WHERE id = ?1")?
        .execute(params![membership_id, n])?;
    Ok(())
}

/// Sets the number of recipients of services of a membership (for the sample rule).
pub fn set_recipients(conn: &Connection, membership_id: i64, n: Option<i64>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE membership SET recipients = ?2, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![membership_id, n])?;
    Ok(())
}

/// What the card shows of a membership's survey.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Respondents counted (duplicates not included), over all sources.
    pub respondents: i64,
    /// Counts by input key, summed over sources.
    pub counts: BTreeMap<String, i64>,
    /// (source name, imported at, by whom).
    pub sources: Vec<(String, String, String)>,
    pub proposals: i64,
    /// Recipients of services, when entered.
    pub recipients: Option<i64>,
}

/// The survey of a membership; `None` when no survey was imported for it.
pub fn summary(conn: &Connection, membership_id: i64) -> Result<Option<Summary>> {
    let mut counts = sums(conn, membership_id)?;
    let recipients: Option<i64> = conn
        .prepare_cached("SELECT recipients FROM membership WHERE id = ?1")?
        .query_row([membership_id], |r| r.get(0))
        .optional()?
        .flatten();
    let Some(respondents) = counts.remove("respondents") else {
        return Ok(None);
    };
    let sources = conn
        .prepare_cached(
            "SELECT s.name, s.imported_at, s.os_user FROM survey_source s
             WHERE s.id IN (SELECT source_id FROM survey_tally WHERE membership_id = ?1)
             ORDER BY s.imported_at, s.name",
        )?
        .query_map([membership_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let proposals = conn
        .prepare_cached("SELECT count(*) FROM survey_proposal WHERE membership_id = ?1")?
        .query_row([membership_id], |r| r.get(0))?;
    Ok(Some(Summary {
        respondents,
        counts,
        sources,
        proposals,
        recipients,
    }))
}

/// The input keys of a membership computed from survey responses, with the number of
/// respondents; empty when no survey was imported for it.
pub fn survey_keys(conn: &Connection, membership_id: i64) -> Result<(Vec<String>, i64)> {
    let sums = sums(conn, membership_id)?;
    let respondents = sums.get("respondents").copied().unwrap_or(0);
    Ok((
        sums.into_keys().filter(|k| k != "respondents").collect(),
        respondents,
    ))
}

/// Whether the membership's inputs came from a survey (it has survey counts).
pub fn from_survey(conn: &Connection, membership_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM survey_tally WHERE membership_id = ?1 AND part = '' LIMIT 1",
        )?
        .query_row([membership_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A proposal with its organization and the response it came with, for reading and export.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub id: i64,
    /// The organization's id (its place in the list's order, with its name).
    pub org_id: i64,
    pub org_inn: String,
    pub org_name: String,
    /// The short name (the full one when there is none).
    pub org_short: String,
    /// The part of the organization the response was counted into (`""`: the organization
    /// itself).
    pub part: String,
    pub source: String,
    pub line: i64,
    /// The respondent's id and the time of the answer, as the file gave them.
    pub respondent: Option<String>,
    pub answered_at: Option<String>,
    pub text: String,
}

/// Which proposals: those of a cycle, or of one membership of it, whose text contains a text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProposalFilter {
    pub cycle_id: i64,
    pub membership_id: Option<i64>,
    /// What the text must contain, compared by [`search_key`] (empty: every proposal).
    pub query: String,
}

impl ProposalFilter {
    /// The query as the `search_key` column holds text: trimmed, by [`search_key`].
    fn needle(&self) -> String {
        search_key(self.query.trim())
    }
}

/// The search key of a proposal's text (the column `survey_proposal.search_key`, migration 016,
/// whose trigger computes the same in SQL): Latin and Cyrillic (Russian, Ukrainian, Belarusian)
/// capitals made small and «ё» read as «е»; every other character as it is.
pub fn search_key(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            'Ё' | 'ё' => 'е',
            'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            'І' => 'і',
            'Ї' => 'ї',
            'Є' => 'є',
            'Ґ' => 'ґ',
            'Ў' => 'ў',
            _ => c,
        })
        .collect()
}

/// The conditions shared by the count and the window: ?1 cycle, ?2 membership or NULL, ?3 the
/// needle ('' for all).
const PROPOSAL_WHERE: &str = "s.cycle_id = ?1 AND (?2 IS NULL OR p.membership_id = ?2)
     AND (?3 = '' OR instr(p.search_key, ?3) > 0)";

/// How many proposals the filter finds (a COUNT in SQL).
pub fn proposal_count(conn: &Connection, f: &ProposalFilter) -> Result<usize> {
    let n: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM survey_proposal p JOIN survey_source s ON s.id = p.source_id
             WHERE {PROPOSAL_WHERE}"
        ))?
        .query_row(params![f.cycle_id, f.membership_id, f.needle()], |r| {
            r.get(0)
        })?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Proposals `offset..offset + limit` of those the filter finds, in organization, source and
/// file order ([`ProposalKey`]'s order).
pub fn proposal_window(
    conn: &Connection,
    f: &ProposalFilter,
    offset: usize,
    limit: usize,
) -> Result<Vec<Proposal>> {
    proposal_window_at(conn, f, &WindowStart::Offset(offset), limit)
}

/// Where a window of proposals starts. Deep in a long list a window is read from a proposal
/// already read ([`WindowStart::After`], [`WindowStart::UpTo`]) or from the end
/// ([`WindowStart::Last`]), not by OFFSET: the rows before it are then filtered out by the
/// condition on the key instead of being sorted and stepped over.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowStart {
    /// The `n`th proposal found (from 0): for the first windows.
    Offset(usize),
    /// The proposals after this one.
    After(ProposalKey),
    /// The proposals up to this one, itself included (the window ends with it).
    UpTo(ProposalKey),
    /// The last proposals found.
    Last,
}

/// A proposal's place in the list's order: organization name and id, source name, line, id (the
/// id makes it unique).
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalKey {
    pub org_name: String,
    pub org_id: i64,
    pub source: String,
    pub line: i64,
    pub id: i64,
}

impl Proposal {
    /// Its place in the list's order.
    pub fn key(&self) -> ProposalKey {
        ProposalKey {
            org_name: self.org_name.clone(),
            org_id: self.org_id,
            source: self.source.clone(),
            line: self.line,
            id: self.id,
        }
    }
}

/// At most `limit` proposals the filter finds from `start`, in the list's order (a window read
/// up to its key, or the last ones, is read backwards and turned round).
pub fn proposal_window_at(
    conn: &Connection,
    f: &ProposalFilter,
    start: &WindowStart,
    limit: usize,
) -> Result<Vec<Proposal>> {
    let mut out = Vec::new();
    for_each_proposal_in::<super::StoreError>(conn, f, start, limit, &mut |p| {
        out.push(p);
        Ok(())
    })?;
    if matches!(start, WindowStart::UpTo(_) | WindowStart::Last) {
        out.reverse();
    }
    Ok(out)
}

/// Calls `each` with every proposal the filter finds, in the order of [`proposal_window`],
/// one at a time, as the query steps (for an export: nothing is held whole here).
pub fn for_each_proposal<E: From<super::StoreError>>(
    conn: &Connection,
    f: &ProposalFilter,
    each: &mut dyn FnMut(Proposal) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    for_each_proposal_in(conn, f, &WindowStart::Offset(0), usize::MAX, each)
}

/// The list's order, and the same backwards.
const PROPOSAL_ORDER: &str = "o.full_name, o.id, s.name, p.line, p.id";
const PROPOSAL_ORDER_DESC: &str =
    "o.full_name DESC, o.id DESC, s.name DESC, p.line DESC, p.id DESC";

fn for_each_proposal_in<E: From<super::StoreError>>(
    conn: &Connection,
    f: &ProposalFilter,
    start: &WindowStart,
    limit: usize,
    each: &mut dyn FnMut(Proposal) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let (offset, key, from, order) = match start {
        WindowStart::Offset(n) => (*n, None, "", PROPOSAL_ORDER),
        WindowStart::After(k) => (
            0,
            Some(k),
            "AND (o.full_name, o.id, s.name, p.line, p.id) > (?6, ?7, ?8, ?9, ?10)",
            PROPOSAL_ORDER,
        ),
        WindowStart::UpTo(k) => (
            0,
            Some(k),
            "AND (o.full_name, o.id, s.name, p.line, p.id) <= (?6, ?7, ?8, ?9, ?10)",
            PROPOSAL_ORDER_DESC,
        ),
        WindowStart::Last => (0, None, "", PROPOSAL_ORDER_DESC),
    };
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT p.id, o.inn, o.full_name, coalesce(r.part, ''), s.name, p.line,
                    r.respondent, r.answered_at, p.text,
                    CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END, o.id
             FROM survey_proposal p
             JOIN survey_source s ON s.id = p.source_id
             JOIN membership m ON m.id = p.membership_id
             JOIN organization o ON o.id = m.org_id
             LEFT JOIN survey_response r ON r.source_id = p.source_id AND r.line = p.line
             WHERE {PROPOSAL_WHERE} {from}
             ORDER BY {order}
             LIMIT ?4 OFFSET ?5"
        ))
        .map_err(super::StoreError::from)?;
    let base = params![f.cycle_id, f.membership_id, f.needle(), limit, offset];
    let mut rows = match key {
        None => stmt.query(base),
        Some(k) => stmt.query(params![
            f.cycle_id,
            f.membership_id,
            f.needle(),
            limit,
            offset,
            k.org_name,
            k.org_id,
            k.source,
            k.line,
            k.id
        ]),
    }
    .map_err(super::StoreError::from)?;
    while let Some(r) = rows.next().map_err(super::StoreError::from)? {
        let p = (|| -> rusqlite::Result<Proposal> {
            Ok(Proposal {
                id: r.get(0)?,
                org_inn: r.get(1)?,
                org_name: r.get(2)?,
                part: r.get(3)?,
                source: r.get(4)?,
                line: r.get(5)?,
                respondent: r.get(6)?,
                answered_at: r.get(7)?,
                text: r.get(8)?,
                org_short: r.get(9)?,
                org_id: r.get(10)?,
            })
        })()
        .map_err(super::StoreError::from)?;
        each(p)?;
    }
    Ok(())
}

/// Proposals of a cycle (or of one membership), whose text contains `query` (compared by
/// [`search_key`]; empty: all), in organization then file order; at most `limit`.
pub fn proposals(
    conn: &Connection,
    cycle_id: i64,
    membership_id: Option<i64>,
    query: &str,
    limit: usize,
) -> Result<Vec<Proposal>> {
    let f = ProposalFilter {
        cycle_id,
        membership_id,
        query: query.to_string(),
    };
    proposal_window(conn, &f, 0, limit)
}

/// (membership id, org ИНН, name, respondents, recipients).
pub type SampleRecord = (i64, String, String, i64, Option<i64>);

/// Memberships of a cycle with a survey: (membership id, org ИНН, name, respondents,
/// recipients).
pub fn cycle_samples(conn: &Connection, cycle_id: i64) -> Result<Vec<SampleRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, o.inn, o.full_name, m.respondents, m.recipients
         FROM membership m JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1 ORDER BY o.full_name",
    )?;
    let rows = stmt.query_map([cycle_id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every membership with the number of recipients entered: (cycle, organization name,
/// respondents, recipients).
pub fn entered_samples(conn: &Connection) -> Result<Vec<(i64, String, i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT m.cycle_id, o.full_name, m.respondents, m.recipients
         FROM membership m JOIN organization o ON o.id = m.org_id
         WHERE m.recipients IS NOT NULL ORDER BY m.cycle_id, o.full_name",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// (cycle, organization name, key, input, survey count).
pub type OffSurvey = (i64, String, String, f64, i64);

/// Inputs that differ from the survey's counts (edited by hand after an import): (cycle,
/// organization name, key, input, survey count).
pub fn inputs_off_survey(conn: &Connection) -> Result<Vec<OffSurvey>> {
    let mut stmt = conn.prepare(
        "SELECT m.cycle_id, o.full_name, t.key, i.value, t.total
         FROM (SELECT membership_id, key, SUM(value) AS total FROM survey_tally
               WHERE key <> 'respondents' AND part = '' GROUP BY membership_id, key) t
         JOIN membership m ON m.id = t.membership_id
         JOIN organization o ON o.id = m.org_id
         JOIN input_key k ON k.key = t.key
         JOIN indicator_input i ON i.membership_id = t.membership_id AND i.key_id = k.id
         WHERE i.value <> t.total
         ORDER BY m.cycle_id, o.full_name, t.key",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database whose proposals need no cycle or organization behind them.
    fn loose() -> Connection {
        let conn = crate::store::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        conn
    }

    fn insert_raw(conn: &Connection, text: &str) {
        conn.execute(
            "INSERT INTO survey_proposal (source_id, membership_id, line, text) VALUES (1, 1, 1, ?1)",
            [text],
        )
        .unwrap();
    }

    fn stored_keys(conn: &Connection) -> Vec<String> {
        conn.prepare("SELECT search_key FROM survey_proposal ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Every character of Latin-1, Cyrillic and a few others, one text a block of 32.
    fn all_kinds_of_text() -> Vec<String> {
        let chars: Vec<char> = (0x20..0x250)
            .chain(0x400..0x530)
            .chain([0x1E9E, 0x2116, 0x1F600])
            .filter_map(char::from_u32)
            .collect();
        chars.chunks(32).map(|c| c.iter().collect()).collect()
    }

    #[test]
    fn the_trigger_and_the_migration_key_text_as_search_key_does() {
        let conn = loose();
        let texts = all_kinds_of_text();
        for t in &texts {
            insert_raw(&conn, t);
        }
        let expected: Vec<String> = texts.iter().map(|t| search_key(t)).collect();
        assert_eq!(stored_keys(&conn), expected, "the trigger");
        // The migration's own statements over rows that had no key.
        let sql = include_str!("migrations/016_proposal_search.sql");
        let from = sql.find("UPDATE survey_proposal").unwrap();
        let to = sql.find("CREATE TRIGGER").unwrap();
        conn.execute("UPDATE survey_proposal SET search_key = NULL", [])
            .unwrap();
        conn.execute_batch(&sql[from..to]).unwrap();
        assert_eq!(stored_keys(&conn), expected, "the migration");
    }

    #[test]
    fn search_key_folds_case_and_yo_only() {
        assert_eq!(search_key("ЁЛКА Ёж ёж"), "елка еж еж");
        assert_eq!(
            search_key("Пандус RAMP Їжак Ґанок"),
            "пандус ramp їжак ґанок"
        );
        assert_eq!(search_key("Straße É № 5"), "straße É № 5");
    }
}
