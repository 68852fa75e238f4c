//! The rows of responses, streamed: each row's organization (and part) matched, its answers
//! normalised by the questionnaire's rules, its identity checked against the rows before it, and
//! the row stored raw in the import's transaction while its answers are counted in memory per
//! organization and part. A million rows are never held: only the counts are (one per
//! organization and part), and the duplicate check is the database's unique index.
//!
//! Storing the raw rows as they are read is what keeps memory flat; they are part of the same
//! transaction as the plan's changes, so a preview (or a refused import) rolls them back.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;
use xxhash_rust::xxh3::Xxh3;

use super::columns::{Col, ColumnMap};
use super::orgs::OrgMatcher;
use super::read::Header;
use super::{LIST, Progress, cut};
use crate::domain::questionnaire::{Answer, QuestionKind, Questionnaire, Tally, normalize_answer};
use crate::exchange::import::Row;
use crate::store;
use crate::store::audit::{self, Action, Entry};

/// What the rows gave.
#[derive(Debug, Default)]
pub(super) struct Staged {
    pub rows: u64,
    pub counted: u64,
    pub duplicates: u64,
    /// (line, line of the row it repeats), the first few.
    pub duplicate_lines: Vec<(usize, usize)>,
    pub skip_violations: u64,
    pub skip_lines: Vec<usize>,
    /// Unrecognised answers of the counted rows that name a part: text → how many (at most
    /// [`UNKNOWN_TEXTS`] texts). Those of rows naming no part wait in [`WithoutPart`] until the
    /// rows are known to count ([`Staged::unknown_answers`]).
    pub unknown: HashMap<String, u64>,
    /// Cells that were none of the accepted answers.
    pub unknown_total: u64,
    pub proposals: u64,
    /// Membership → (part, its counts); the part `""` is the organization itself.
    pub tallies: BTreeMap<i64, Vec<(String, Tally)>>,
    /// Memberships added to the cycle by this import.
    pub new_members: HashSet<i64>,
    /// Organization texts no organization matched → (rows, first line, why).
    pub unmatched_orgs: BTreeMap<String, (u64, usize, String)>,
    /// Counted rows that name no part, by membership (see [`sort_without_part`]).
    pub without_part: BTreeMap<i64, WithoutPart>,
}

/// The counted rows of one organization that name no part.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct WithoutPart {
    pub rows: u64,
    /// Their lines, the first few.
    pub lines: Vec<usize>,
    /// Proposals among them.
    pub proposals: u64,
    /// Their unrecognised answers: text → how many (at most [`UNKNOWN_TEXTS`] texts).
    pub unknown: HashMap<String, u64>,
}

/// How many distinct unrecognised answer texts are kept per list (the preview shows the most
/// frequent few; the count of all of them comes from the tallies).
const UNKNOWN_TEXTS: usize = 10_000;

/// Adds one unrecognised answer to a bounded list.
fn note_unknown(list: &mut HashMap<String, u64>, text: &str) {
    if let Some(n) = list.get_mut(text) {
        *n += 1;
    } else if list.len() < UNKNOWN_TEXTS {
        list.insert(text.to_string(), 1);
    }
}

impl Staged {
    /// Unrecognised answers of the rows that count, most frequent first, the first few: those
    /// of refused rows (dropped with their rows by [`sort_without_part`]) and of duplicates are
    /// not among them.
    pub fn unknown_answers(&self) -> Vec<(String, u64)> {
        let mut all = self.unknown.clone();
        for w in self.without_part.values() {
            for (text, n) in &w.unknown {
                *all.entry(text.clone()).or_default() += n;
            }
        }
        let mut all: Vec<(String, u64)> = all.into_iter().collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(LIST);
        all
    }
}

/// Where each row's organization comes from.
pub(super) enum OrgSource<'a> {
    /// `--org`: every row.
    Fixed(i64),
    /// A column of the file.
    Column(usize, OrgMatcher<'a>),
}

/// The fixed parts of the stage.
pub(super) struct Context<'a> {
    pub qn: &'a Questionnaire,
    pub cycle_id: i64,
    pub source_id: i64,
    pub at: &'a str,
    pub user: &'a str,
}

/// Reads every row after the header and stores it; returns the counts.
pub(super) fn stage_responses(
    conn: &Connection,
    cx: &Context<'_>,
    file: &mut Header,
    map: &ColumnMap,
    mut org: OrgSource<'_>,
    members: &mut HashMap<i64, i64>,
    progress: Progress<'_>,
) -> anyhow::Result<Staged> {
    let qn = cx.qn;
    let mut out = Staged::default();
    let mut writer = store::survey::ResponseWriter::new(conn)?;
    let mut answers_of = AnswerMemo::default();
    // This row's unrecognised answers, noted once the row is known to count.
    let mut row_unknown: Vec<String> = Vec::new();
    let mut answers = vec![Answer::Empty; qn.questions.len()];
    let mut codes = String::with_capacity(qn.questions.len());
    let ts_col = map.find(Col::Timestamp);
    let id_col = map.find(Col::Respondent);
    let part_col = map.find(Col::Part);
    let q_cols = map.questions();
    let mut row = Row {
        line: 0,
        cells: Vec::new(),
    };
    while file.next_row(&mut row)? {
        if row.is_blank() {
            continue;
        }
        out.rows += 1;
        if out.rows.is_multiple_of(4096) {
            progress(out.rows);
        }
        let org_id = match &mut org {
            OrgSource::Fixed(id) => *id,
            OrgSource::Column(c, matcher) => match matcher.find(row.cell(*c), row.line) {
                Some(id) => id,
                None => continue,
            },
        };
        let membership = match members.get(&org_id) {
            Some(&m) => m,
            None => {
                let m = add_member(conn, cx, org_id)?;
                members.insert(org_id, m);
                out.new_members.insert(m);
                m
            }
        };
        let part = part_col.map_or("", |c| row.cell(c));
        // Answers.
        answers.iter_mut().for_each(|a| *a = Answer::Empty);
        row_unknown.clear();
        let mut sex = None;
        let mut age = None;
        let mut waiting = None;
        let mut proposal: Option<&str> = None;
        for &(c, q) in &q_cols {
            let cell = row.cell(c);
            if cell.is_empty() {
                continue;
            }
            match qn.questions[q].kind {
                QuestionKind::YesNo => {
                    let a = answers_of.get(qn, cell);
                    if a == Answer::Unknown {
                        row_unknown.push(cut(cell, 60));
                    }
                    answers[q] = a;
                }
                QuestionKind::Sex => sex = crate::domain::questionnaire::sex(cell),
                QuestionKind::Age => age = crate::domain::questionnaire::age(cell),
                QuestionKind::Text if qn.questions[q].proposals => proposal = Some(cell),
                QuestionKind::Number => waiting = crate::domain::questionnaire::days(cell),
                QuestionKind::Text => {}
            }
        }
        codes.clear();
        codes.extend(answers.iter().map(|a| a.code() as char));
        let respondent = id_col.map(|c| row.cell(c)).filter(|s| !s.is_empty());
        let stamp = ts_col.map(|c| row.cell(c)).filter(|s| !s.is_empty());
        let dedup_key = identity(&row, org_id, part, respondent, stamp, &q_cols);
        let stored = writer.response(&store::survey::Response {
            source_id: cx.source_id,
            line: row.line as i64,
            membership_id: membership,
            part,
            respondent,
            answered_at: stamp,
            answers: &codes,
            sex: sex.map(|s| if s == 'м' { "м" } else { "ж" }),
            age: age.map(i64::from),
            waiting_days: waiting.map(i64::from),
            dedup_key,
        })?;
        if !stored {
            out.duplicates += 1;
            if out.duplicate_lines.len() < LIST {
                let first = store::survey::line_of(conn, cx.source_id, dedup_key)?.unwrap_or(0);
                out.duplicate_lines.push((row.line, first as usize));
            }
            continue;
        }
        out.counted += 1;
        // The counts of this organization and part (a part's name is copied once).
        let parts = out.tallies.entry(membership).or_default();
        let at = match parts.iter().position(|(p, _)| p == part) {
            Some(i) => i,
            None => {
                parts.push((part.to_string(), Tally::default()));
                parts.len() - 1
            }
        };
        let tally = &mut parts[at].1;
        let before = tally.skip_violations;
        qn.count(&answers, tally);
        if tally.skip_violations > before {
            out.skip_violations += tally.skip_violations - before;
            if out.skip_lines.len() < LIST {
                out.skip_lines.push(row.line);
            }
        }
        let proposed = proposal.is_some_and(|text| is_proposal(qn, text));
        if let Some(text) = proposal
            && proposed
        {
            writer.proposal(cx.source_id, membership, row.line as i64, text)?;
            out.proposals += 1;
        }
        if part.is_empty() {
            let w = out.without_part.entry(membership).or_default();
            w.rows += 1;
            w.proposals += u64::from(proposed);
            if w.lines.len() < LIST {
                w.lines.push(row.line);
            }
            row_unknown
                .iter()
                .for_each(|t| note_unknown(&mut w.unknown, t));
        } else {
            row_unknown
                .iter()
                .for_each(|t| note_unknown(&mut out.unknown, t));
        }
    }
    progress(out.rows);
    if let OrgSource::Column(_, matcher) = org {
        out.unmatched_orgs = matcher.unmatched;
    }
    out.unknown_total = out.tallies.values().flatten().map(|(_, t)| t.unknown).sum();
    Ok(out)
}

/// The rule for the rows that name no part, by organization. Such rows count into the
/// organization's own inputs, which a part takes only for what it has none of. So:
/// - an organization whose survey is by parts — a part of it has responses, in this file or
///   stored from another source — would take nothing from them where its parts have their own
///   counts: the rows are refused (listed with their lines) and, under `--skip-rejected`, neither
///   stored nor counted;
/// - an organization with parts none of which has responses (parts for the expert's inputs, a
///   survey of the organization as a whole): the rows count, and every part takes their counts;
///   returned to be said in the preview;
/// - an organization without parts: the rows count, as always.
///
/// `surveyed` are the parts with responses stored from other sources, `parts` the stored parts'
/// names, by membership. Returns the refused rows (with the parts that have responses) and the
/// shared ones (with the parts that take them); removes the refused rows' responses and
/// proposals (stored in this transaction) and their counts.
#[allow(clippy::type_complexity)]
pub(super) fn sort_without_part(
    conn: &Connection,
    source_id: i64,
    staged: &mut Staged,
    surveyed: &BTreeMap<i64, Vec<String>>,
    parts: &HashMap<i64, Vec<String>>,
) -> anyhow::Result<(
    Vec<(i64, WithoutPart, Vec<String>)>,
    Vec<(i64, u64, Vec<String>)>,
)> {
    let mut refused = Vec::new();
    let mut shared = Vec::new();
    let without = std::mem::take(&mut staged.without_part);
    for (m, w) in without {
        let mut names: Vec<String> = surveyed.get(&m).cloned().unwrap_or_default();
        if let Some(counted) = staged.tallies.get(&m) {
            for (p, _) in counted {
                if !p.is_empty() && !names.contains(p) {
                    names.push(p.clone());
                }
            }
        }
        if names.is_empty() {
            if let Some(stored) = parts.get(&m).filter(|p| !p.is_empty()) {
                shared.push((m, w.rows, stored.clone()));
            }
            staged.without_part.insert(m, w);
            continue;
        }
        if let Some(counted) = staged.tallies.get_mut(&m) {
            if let Some(i) = counted.iter().position(|(p, _)| p.is_empty()) {
                let (_, t) = counted.remove(i);
                staged.skip_violations = staged.skip_violations.saturating_sub(t.skip_violations);
                staged.unknown_total = staged.unknown_total.saturating_sub(t.unknown);
            }
            if counted.is_empty() {
                staged.tallies.remove(&m);
            }
        }
        staged.skip_lines.retain(|l| !w.lines.contains(l));
        store::survey::drop_without_part(conn, source_id, m)?;
        staged.counted = staged.counted.saturating_sub(w.rows);
        staged.proposals = staged.proposals.saturating_sub(w.proposals);
        refused.push((m, w, names));
    }
    Ok((refused, shared))
}

/// Adds an organization to the cycle (audited).
fn add_member(conn: &Connection, cx: &Context<'_>, org_id: i64) -> anyhow::Result<i64> {
    let m = store::import::add_membership(conn, cx.cycle_id, org_id)?;
    audit::record(
        conn,
        &Entry {
            at: cx.at,
            os_user: cx.user,
            action: Action::Insert,
            entity: "membership",
            entity_id: Some(m),
            field: None,
            old_value: None,
            new_value: Some(&format!("организация {org_id} в цикле {}", cx.cycle_id)),
            note: "импорт анкет",
        },
    )?;
    Ok(m)
}

/// A response's identity for the duplicate check: the respondent id within the organization;
/// without one, the timestamp with the organization, part and every answer cell; without
/// either, the line (never a duplicate).
fn identity(
    row: &Row,
    org_id: i64,
    part: &str,
    respondent: Option<&str>,
    stamp: Option<&str>,
    q_cols: &[(usize, usize)],
) -> i64 {
    let mut h = Xxh3::new();
    match (respondent, stamp) {
        (Some(r), _) => {
            h.update(b"id");
            h.update(&org_id.to_le_bytes());
            h.update(&[0xff]);
            h.update(r.as_bytes());
        }
        (None, Some(t)) => {
            h.update(b"ts");
            h.update(&org_id.to_le_bytes());
            h.update(t.as_bytes());
            if !part.is_empty() {
                h.update(&[1]);
                h.update(part.as_bytes());
            }
            for &(c, _) in q_cols {
                h.update(&[0]);
                h.update(row.cell(c).as_bytes());
            }
        }
        (None, None) => {
            h.update(b"line");
            h.update(&(row.line as u64).to_le_bytes());
        }
    }
    h.digest() as i64
}

/// The answers of the cells seen so far: forms give a handful of distinct texts («Да», «Нет»,
/// empty), so a short list compared byte by byte is quicker than normalising or hashing each
/// cell; texts past the list's length are normalised each time.
#[derive(Default)]
struct AnswerMemo {
    seen: Vec<(Box<str>, Answer)>,
}

impl AnswerMemo {
    const LEN: usize = 32;

    fn get(&mut self, qn: &Questionnaire, cell: &str) -> Answer {
        if let Some((_, a)) = self.seen.iter().find(|(t, _)| &**t == cell) {
            return *a;
        }
        let a = qn.answer(cell);
        if self.seen.len() < Self::LEN {
            self.seen.push((cell.into(), a));
        }
        a
    }
}

/// Whether a proposals cell says something (not «нет», «-», «всё устраивает», an answer word).
fn is_proposal(qn: &Questionnaire, text: &str) -> bool {
    let n = normalize_answer(text);
    if n.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return false;
    }
    const NOTHING: &[&str] = &[
        "нет",
        "нет предложений",
        "предложений нет",
        "не имею",
        "все устраивает",
        "всё устраивает",
        "все хорошо",
    ];
    !NOTHING.contains(&n.as_str()) && matches!(qn.answer(text), Answer::Unknown)
}
