//! `nok import survey FILE --cycle ID`: survey responses, one row per respondent, matched to the
//! questions of the method's questionnaire by their text, stored raw, and counted into the
//! `yes`/`asked` inputs of every indicator they feed — all in one transaction.
//!
//! The file is streamed ([`SurveyRows`]): memory does not grow with the number of rows.
//! Duplicates are found by the database (a unique identity per source), the counts are kept per
//! organization while reading, and the inputs are the sums over the organization's sources.
//! A preview ([`dry_run`]) does the same work and rolls it back.
//!
//! Rules, shown in the preview:
//! - answers: by the lists of the questionnaire file (Да/Нет in any case, 1/0, +/−, Yes/No);
//!   «затрудняюсь ответить» and empty cells are not counted; other text is listed;
//! - skip logic: an answer to a question the form says to skip after «нет» is not counted;
//! - duplicates: the same respondent id of the same organization, or, without an id column,
//!   identical answers of the same organization with the same (non-empty) timestamp; only the
//!   first is kept; rows without either are never duplicates (many respondents answer alike);
//! - organization: from `--org` for the whole file, or a column (ИНН, regNum or name; a name is
//!   compared without case, quotes and punctuation, then as a unique part of a stored name);
//!   rows of organizations not found are listed and, without `--skip-rejected`, stop the import;
//! - re-importing the same file (same name, bytes and options) changes nothing; a changed file
//!   of the same name replaces that source's responses.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use rusqlite::{Connection, TransactionBehavior};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::domain::questionnaire::{
    Answer, HeaderMatch, QuestionKind, Questionnaire, SavedMapping, Tally, normalize_answer,
    normalize_header,
};
use crate::domain::sector::Sector;
use crate::exchange::import::Row;
use crate::exchange::survey::SurveyRows;
use crate::service::import::Rejection;
use crate::service::methodology::Methods;
use crate::service::session;
use crate::store;
use crate::store::audit::{self, Action, Entry};

/// How an import is run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub cycle_id: i64,
    /// ИНН or regNum of the organization every row belongs to.
    pub org: Option<String>,
    /// Questionnaire variant (`general`, `outpatient`, `inpatient`); required when the sector
    /// has several.
    pub variant: Option<String>,
    /// Name of the source (default: the file's name).
    pub source_name: Option<String>,
    /// Column header → question id (or a special column), overriding the matching by text.
    pub mapping: Option<SavedMapping>,
    pub skip_rejected: bool,
}

/// One column of the file and what it was taken as.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnUse {
    /// 1-based column number.
    pub col: usize,
    pub header: String,
    /// What it feeds, in Russian («вопрос 2 → 1.3.yes_stand/1.3.asked_stand»).
    pub target: String,
    /// «по тексту» or «по сопоставлению».
    pub how: &'static str,
}

/// An organization's counts from this file and the inputs that change.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgCounts {
    pub membership_id: i64,
    pub inn: String,
    pub name: String,
    /// Respondents counted from this file.
    pub respondents: u64,
    /// Respondents over all sources.
    pub total_respondents: i64,
    /// (input key, old, new); only those that change.
    pub changes: Vec<(String, Option<f64>, Option<f64>)>,
    /// Added to the cycle by this import.
    pub new_member: bool,
    /// (respondents required by the sample rule, recipients), when recipients are entered.
    pub sample: Option<(u64, i64)>,
}

/// What an import would do or did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SurveyPreview {
    pub source: String,
    pub source_name: String,
    pub format: String,
    pub variant: String,
    pub basis: String,
    pub header_line: usize,
    pub columns: Vec<ColumnUse>,
    /// (column, header, why not used).
    pub unmatched: Vec<(usize, String, String)>,
    /// Questions of the variant no column holds.
    pub missing: Vec<String>,
    /// The rules applied, in Russian.
    pub rules: Vec<String>,
    pub rows: u64,
    pub counted: u64,
    pub duplicates: u64,
    /// (line, line of the row it repeats), the first few.
    pub duplicate_lines: Vec<(usize, usize)>,
    pub skip_violations: u64,
    /// Lines with a skip-logic violation, the first few.
    pub skip_lines: Vec<usize>,
    /// Unrecognised answers: (text, how many), most frequent first.
    pub unknown_answers: Vec<(String, u64)>,
    pub proposals: u64,
    pub orgs: Vec<OrgCounts>,
    pub rejected: Vec<Rejection>,
    pub notes: Vec<String>,
    /// The same file was imported before: nothing to do.
    pub same_file: bool,
    pub applied: bool,
    /// The mapping used (to save and reuse).
    pub mapping: SavedMapping,
    /// Questions whose wording was not verified against the order and were matched.
    pub unverified: Vec<String>,
}

impl SurveyPreview {
    /// Whether the import changes anything.
    pub fn has_changes(&self) -> bool {
        !self.same_file && self.rows > 0
    }
}

/// Progress: rows read so far.
pub type Progress<'a> = &'a mut dyn FnMut(u64);

/// Reads the file and shows what would be imported, changing nothing.
pub fn dry_run(
    conn: &mut Connection,
    path: &Path,
    opts: &Options,
    progress: Progress<'_>,
) -> anyhow::Result<SurveyPreview> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
    let p = run(&tx, path, opts, progress)?;
    tx.rollback()?;
    Ok(p)
}

/// Imports the file in one transaction; with rows of unknown organizations nothing is written
/// unless `skip_rejected`.
pub fn apply(
    conn: &mut Connection,
    path: &Path,
    opts: &Options,
    progress: Progress<'_>,
) -> anyhow::Result<SurveyPreview> {
    // The duplicate index takes keys in random order: a larger page cache for this
    // transaction (a fixed 32 MiB, whatever the file's size) keeps its pages from being
    // written and read back.
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA cache_size = -32768")?;
    let result = apply_in(conn, path, opts, progress);
    conn.execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
    result
}

fn apply_in(
    conn: &mut Connection,
    path: &Path,
    opts: &Options,
    progress: Progress<'_>,
) -> anyhow::Result<SurveyPreview> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut p = run(&tx, path, opts, progress)?;
    if !p.rejected.is_empty() && !opts.skip_rejected {
        tx.rollback()?;
        return Err(crate::service::import::rejected_error(
            &crate::service::import::Preview {
                source: p.source.clone(),
                rejected: p.rejected.clone(),
                ..Default::default()
            },
        ));
    }
    if !p.has_changes() {
        tx.rollback()?;
        return Ok(p);
    }
    let user = session::os_user();
    let at = session::now_stamp();
    let note = format!(
        "импорт анкет из {} (источник «{}», цикл {}): строк {}, учтено анкет {}, дублей {}, нарушений переходов {}, организаций {}",
        p.source,
        p.source_name,
        opts.cycle_id,
        p.rows,
        p.counted,
        p.duplicates,
        p.skip_violations,
        p.orgs.len()
    );
    audit::record(
        &tx,
        &Entry {
            at: &at,
            os_user: &user,
            action: Action::Bulk,
            entity: "survey_source",
            entity_id: None,
            field: None,
            old_value: None,
            new_value: None,
            note: &note,
        },
    )?;
    tx.commit()?;
    p.applied = true;
    Ok(p)
}

/// What a column of the file holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Question(usize),
    Timestamp,
    Respondent,
    OrgInn,
    OrgRegNum,
    OrgName,
    Part,
    Ignore,
}

const SPECIAL: &[(&str, Col, &[&str])] = &[
    (
        "timestamp",
        Col::Timestamp,
        &[
            "отметка времени",
            "timestamp",
            "дата и время",
            "время заполнения",
            "дата заполнения",
            "время ответа",
            "дата",
            "время создания",
        ],
    ),
    (
        "respondent",
        Col::Respondent,
        &[
            "id",
            "id ответа",
            "id респондента",
            "номер анкеты",
            "respondent id",
            "response id",
            "идентификатор",
            "идентификатор ответа",
            "код респондента",
            "анкеты",
            "номер",
            "номер респондента",
            "n анкеты",
            "no анкеты",
        ],
    ),
    (
        "org_inn",
        Col::OrgInn,
        &["инн", "инн организации", "инн учреждения"],
    ),
    (
        "org_regnum",
        Col::OrgRegNum,
        &[
            "regnum",
            "reg num",
            "код по сводному реестру",
            "код организации по сводному реестру",
            "реестровый номер",
        ],
    ),
    (
        "org_name",
        Col::OrgName,
        &[
            "организация",
            "наименование организации",
            "наименование",
            "учреждение",
            "наименование учреждения",
            "выберите организацию",
            "выберите учреждение",
            "название организации",
            "полное наименование организации",
            "оцениваемая организация",
        ],
    ),
    (
        "part",
        Col::Part,
        &[
            "филиал",
            "подразделение",
            "структурное подразделение",
            "отделение",
            "форма обслуживания",
            "форма оказания помощи",
        ],
    ),
    ("ignore", Col::Ignore, &[]),
];

/// How many rows at the top of a file are looked at for the header.
const HEADER_SEARCH_ROWS: usize = 30;
/// How many lines of each kind are listed.
const LIST: usize = 20;

fn run(
    conn: &Connection,
    path: &Path,
    opts: &Options,
    progress: Progress<'_>,
) -> anyhow::Result<SurveyPreview> {
    let cycle = store::cycles::get(conn, opts.cycle_id)?.ok_or_else(|| {
        anyhow::anyhow!(
            "цикл {} не найден; список циклов: nok cycles",
            opts.cycle_id
        )
    })?;
    let methods = Methods::load()?;
    let method = methods.require(&cycle.methodology)?;
    let qn = Questionnaire::builtin()?;
    if qn.version != method.version {
        bail!(
            "для методики {} нет анкеты (есть только для методики {})",
            method.version,
            qn.version
        );
    }
    qn.check_against(method)?;
    let variant = pick_variant(&qn, cycle.sector, opts.variant.as_deref())?;
    let candidates: Vec<usize> = (0..qn.questions.len())
        .filter(|&i| qn.questions[i].applies(cycle.sector, &variant))
        .collect();

    let mut rows = SurveyRows::open(path)?;
    let source_name = opts.source_name.clone().unwrap_or_else(|| {
        path.file_name()
            .map_or_else(|| rows.source.clone(), |n| n.to_string_lossy().into_owned())
    });
    let mut p = SurveyPreview {
        source: rows.source.clone(),
        source_name: source_name.clone(),
        format: rows.format.describe(),
        variant: qn
            .variant(&variant)
            .map_or(variant.clone(), |v| v.name.clone()),
        basis: qn.basis.clone(),
        ..SurveyPreview::default()
    };
    p.rules = qn.answer_rules();
    p.rules.push(format!("переходы: {}", qn.skip_rule()));
    p.rules.push("дубли: одинаковый номер респондента (колонка ID) у одной организации, а без такой колонки — одинаковые ответы одной организации с одинаковой отметкой времени; учитывается первая строка. Строки без номера и без времени дублями не считаются".to_string());
    p.rules.push("предложения: непустой ответ на вопрос о предложениях, кроме «нет», «-», «затрудняюсь ответить» и т. п., сохраняется для организации".to_string());

    // The header: among the first rows, the one naming the most questions; the rows just above
    // it (merged group cells) are read too.
    let mut head: Vec<Row> = Vec::new();
    while head.len() < HEADER_SEARCH_ROWS {
        match rows.next_row()? {
            Some(r) => head.push(r),
            None => break,
        }
    }
    if head.iter().all(Row::is_blank) {
        bail!("файл {} пуст: в нем нет ни одной строки", p.source);
    }
    let mapping = opts.mapping.clone().unwrap_or_default();
    // Saved headers compared as the matcher compares them (spaces, case, numbering).
    let mapping_norm: HashMap<String, &String> = mapping
        .columns
        .iter()
        .map(|(k, v)| (normalize_header(k), v))
        .collect();
    // A row's score: (cells naming a question, cells naming a question or a known column).
    let count_matches = |r: &Row| {
        let questions = r
            .cells
            .iter()
            .filter(|c| {
                mapping.columns.contains_key(c.as_str())
                    || mapping_norm.contains_key(&normalize_header(c))
                    || !matches!(qn.match_header(c, &candidates), HeaderMatch::None)
            })
            .count();
        let known = r.cells.iter().filter(|c| special(c).is_some()).count();
        (questions, questions + known)
    };
    let Some((at, best)) = head
        .iter()
        .enumerate()
        .map(|(i, r)| (i, count_matches(r)))
        .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
        .filter(|&(_, (q, all))| q >= 1 && all >= 2)
    else {
        bail!(
            "в файле {} не найдена строка заголовка: ни в одной из первых {HEADER_SEARCH_ROWS} строк нет колонок с вопросами анкеты (например «{}»). Проверьте, что это выгрузка анкет, или сопоставьте колонки файлом --mapping",
            p.source,
            qn.questions[candidates[0]].text
        );
    };
    let _ = best;
    let header = head[at].clone();
    p.header_line = header.line;
    let above_rows: Vec<Row> = head[at.saturating_sub(2)..at].to_vec();
    let above: Vec<&Row> = above_rows.iter().collect();
    let width = head[..=at].iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let mut cols: Vec<(usize, Col)> = Vec::new();
    let mut ambiguous: Vec<(usize, String, Vec<usize>)> = Vec::new();
    let mut taken: HashMap<usize, usize> = HashMap::new();
    for c in 0..width {
        let own = header.cell(c).to_string();
        // Texts to try: the header cell, then the cells above it (a header merged down from
        // a group row leaves its own cell empty).
        let mut texts: Vec<String> = vec![own.clone()];
        for r in above.iter().rev() {
            let t = r.cell(c);
            if !t.is_empty() {
                texts.push(t.to_string());
                if !own.is_empty() {
                    texts.push(format!("{t} {own}"));
                }
            }
        }
        let shown = texts
            .iter()
            .find(|t| !t.is_empty())
            .cloned()
            .unwrap_or_default();
        if shown.is_empty() {
            continue;
        }
        // A saved mapping first.
        if let Some(target) = texts.iter().find_map(|t| {
            mapping
                .columns
                .get(t.as_str())
                .or_else(|| mapping_norm.get(&normalize_header(t)).copied())
        }) {
            match resolve_target(&qn, &candidates, target) {
                Some(col) => {
                    push_col(
                        &qn,
                        &mut p,
                        &mut cols,
                        &mut taken,
                        c,
                        &shown,
                        col,
                        "по сопоставлению",
                    );
                }
                None => p.unmatched.push((
                    c + 1,
                    shown.clone(),
                    format!("в сопоставлении указан неизвестный вопрос «{target}»"),
                )),
            }
            continue;
        }
        if let Some(col) = texts.iter().find_map(|t| special(t)) {
            push_col(
                &qn,
                &mut p,
                &mut cols,
                &mut taken,
                c,
                &shown,
                col,
                "по тексту",
            );
            continue;
        }
        let mut found = HeaderMatch::None;
        for t in &texts {
            found = qn.match_header(t, &candidates);
            if !matches!(found, HeaderMatch::None) {
                break;
            }
        }
        match found {
            HeaderMatch::Question(q) => push_col(
                &qn,
                &mut p,
                &mut cols,
                &mut taken,
                c,
                &shown,
                Col::Question(q),
                "по тексту",
            ),
            HeaderMatch::Ambiguous(qs) => {
                // The number the header starts with («2)», «В2.») decides, if one fits.
                let by_number: Vec<usize> = leading_number(&own)
                    .map(|n| {
                        qs.iter()
                            .copied()
                            .filter(|&q| qn.questions[q].number == n)
                            .collect()
                    })
                    .unwrap_or_default();
                if let [q] = by_number.as_slice() {
                    push_col(
                        &qn,
                        &mut p,
                        &mut cols,
                        &mut taken,
                        c,
                        &shown,
                        Col::Question(*q),
                        "по тексту и номеру",
                    );
                } else {
                    ambiguous.push((c, shown.clone(), qs));
                }
            }
            HeaderMatch::None => p.unmatched.push((
                c + 1,
                shown.clone(),
                "не похоже ни на один вопрос анкеты; пропущена".to_string(),
            )),
        }
    }
    // Still ambiguous: the place of the column among the matched ones decides (questions come
    // in the form's order), if exactly one candidate fits between its neighbours.
    for (c, shown, qs) in ambiguous {
        let order = |q: usize| candidates.iter().position(|&x| x == q).unwrap_or(0);
        let left = cols
            .iter()
            .filter_map(|&(cc, col)| match col {
                Col::Question(q) if cc < c => Some(order(q)),
                _ => None,
            })
            .max();
        let right = cols
            .iter()
            .filter_map(|&(cc, col)| match col {
                Col::Question(q) if cc > c => Some(order(q)),
                _ => None,
            })
            .min();
        let fits: Vec<usize> = qs
            .iter()
            .copied()
            .filter(|&q| !taken.contains_key(&q))
            .filter(|&q| left.is_none_or(|l| order(q) > l) && right.is_none_or(|r| order(q) < r))
            .collect();
        if let [q] = fits.as_slice() {
            push_col(
                &qn,
                &mut p,
                &mut cols,
                &mut taken,
                c,
                &shown,
                Col::Question(*q),
                "по тексту и месту колонки",
            );
        } else {
            let labels: Vec<String> = qs.iter().map(|&q| qn.questions[q].label()).collect();
            p.unmatched.push((
                c + 1,
                shown,
                format!(
                    "подходит к нескольким вопросам ({}); укажите вопрос в файле сопоставления",
                    labels.join(", ")
                ),
            ));
        }
    }
    cols.sort_by_key(|&(c, _)| c);
    p.columns.sort_by_key(|c| c.col);
    for &q in &candidates {
        if !cols.iter().any(|&(_, c)| c == Col::Question(q)) {
            let question = &qn.questions[q];
            p.missing.push(format!(
                "{} «{}»",
                question.label(),
                cut(&question.text, 70)
            ));
        }
    }
    if cols.iter().any(|&(_, c)| c == Col::Part) {
        p.notes.push("колонка подразделения (филиал, форма обслуживания) прочитана, но пока не используется: ответы считаются по организации целиком".to_string());
    }

    // The organization of each row.
    let orgs = store::import::organizations(conn)?;
    let orgs: Vec<&store::import::OrgRecord> = orgs.iter().collect();
    let fixed_org = match &opts.org {
        Some(key) => Some(find_org_by_key(&orgs, key).ok_or_else(|| {
            anyhow::anyhow!(
                "организации с ИНН или кодом по Сводному реестру «{key}» нет в базе (--org); сначала загрузите организации (nok import orgs)"
            )
        })?),
        None => None,
    };
    let org_col = [Col::OrgInn, Col::OrgRegNum, Col::OrgName]
        .iter()
        .find_map(|want| cols.iter().find(|(_, c)| c == want).copied());
    if fixed_org.is_none() && org_col.is_none() {
        bail!(
            "в файле {} нет колонки организации (ИНН, код по Сводному реестру или наименование); укажите организацию для всего файла: --org ИНН",
            p.source
        );
    }
    let sector_orgs: Vec<&store::import::OrgRecord> = orgs
        .iter()
        .copied()
        .filter(|o| o.sector == cycle.sector.code())
        .collect();

    // The same file again: nothing to do.
    let options_text = format!(
        "{}|{}|{:?}|{:?}",
        variant,
        fixed_org.map_or(0, |o| o.id),
        mapping.columns,
        qn.version
    );
    let content_hash = file_hash(path, &options_text)?;
    if let Some(old) = store::survey::find_source(conn, cycle.id, &source_name)?
        && old.content_hash == content_hash
    {
        p.same_file = true;
        p.notes.push(format!(
            "этот файл уже загружен как источник «{source_name}» ({}, {}); изменений нет",
            old.imported_at, old.os_user
        ));
        p.mapping = saved_mapping(&qn, &cols, &header, &above);
        return Ok(p);
    }

    let user = session::os_user();
    let at_stamp = session::now_stamp();
    let questions_list: Vec<&str> = qn.questions.iter().map(|q| q.id.as_str()).collect();
    let (source_id, old_members) = store::survey::replace_source(
        conn,
        &store::survey::Source {
            id: 0,
            cycle_id: cycle.id,
            name: source_name.clone(),
            content_hash,
            questionnaire: qn.version.clone(),
            variant: variant.clone(),
            imported_at: at_stamp.clone(),
            os_user: user.clone(),
            rows_read: 0,
            duplicates: 0,
            skip_violations: 0,
            unknown_answers: 0,
        },
        &questions_list.join(","),
    )?;

    let mut members = store::import::memberships(conn, cycle.id)?;
    let mut new_members: HashSet<i64> = HashSet::new();
    let mut tallies: BTreeMap<i64, Tally> = BTreeMap::new();
    let mut org_cache: HashMap<String, Result<i64, String>> = HashMap::new();
    let mut unmatched_orgs: BTreeMap<String, (u64, usize, String)> = BTreeMap::new();
    let mut answer_cache: HashMap<String, Answer> = HashMap::new();
    let mut unknown: HashMap<String, u64> = HashMap::new();
    let mut answers = vec![Answer::Empty; qn.questions.len()];
    let mut codes = String::with_capacity(qn.questions.len());
    let ts_col = cols.iter().find(|(_, c)| *c == Col::Timestamp).map(|x| x.0);
    let id_col = cols
        .iter()
        .find(|(_, c)| *c == Col::Respondent)
        .map(|x| x.0);
    let q_cols: Vec<(usize, usize)> = cols
        .iter()
        .filter_map(|&(c, col)| match col {
            Col::Question(q) => Some((c, q)),
            _ => None,
        })
        .collect();
    let mut row = Row {
        line: 0,
        cells: Vec::new(),
    };
    let rest: Vec<Row> = head.drain(at + 1..).collect();
    let mut buffered = rest.into_iter();
    loop {
        match buffered.next() {
            Some(r) => row = r,
            None => {
                if !rows.next_into(&mut row)? {
                    break;
                }
            }
        }
        if row.is_blank() {
            continue;
        }
        p.rows += 1;
        if p.rows.is_multiple_of(4096) {
            progress(p.rows);
        }
        // Organization.
        let org_id = match (fixed_org, org_col) {
            (Some(o), _) => {
                if o.sector != cycle.sector.code() {
                    bail!(
                        "организация «{}» (--org) другой сферы, чем цикл {} ({})",
                        o.full_name,
                        cycle.id,
                        cycle.sector.name_ru()
                    );
                }
                o.id
            }
            (None, Some((c, kind))) => {
                let text = row.cell(c);
                let found = match org_cache.get(text) {
                    Some(f) => f.clone(),
                    None => {
                        let f = resolve_org(&orgs, &sector_orgs, kind, text, cycle.sector);
                        if org_cache.len() < 100_000 {
                            org_cache.insert(text.to_string(), f.clone());
                        }
                        f
                    }
                };
                match found {
                    Ok(id) => id,
                    Err(why) => {
                        let e = unmatched_orgs
                            .entry(text.to_string())
                            .or_insert((0, row.line, why));
                        e.0 += 1;
                        continue;
                    }
                }
            }
            (None, None) => continue,
        };
        let membership = match members.get(&org_id) {
            Some(&m) => m,
            None => {
                let m = store::import::add_membership(conn, cycle.id, org_id)?;
                audit::record(
                    conn,
                    &Entry {
                        at: &at_stamp,
                        os_user: &user,
                        action: Action::Insert,
                        entity: "membership",
                        entity_id: Some(m),
                        field: None,
                        old_value: None,
                        new_value: Some(&format!("организация {org_id} в цикле {}", cycle.id)),
                        note: "импорт анкет",
                    },
                )?;
                members.insert(org_id, m);
                new_members.insert(m);
                m
            }
        };
        // Answers.
        answers.iter_mut().for_each(|a| *a = Answer::Empty);
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
                    let a = match answer_cache.get(cell) {
                        Some(&a) => a,
                        None => {
                            let a = qn.answer(cell);
                            if answer_cache.len() < 10_000 {
                                answer_cache.insert(cell.to_string(), a);
                            }
                            a
                        }
                    };
                    if a == Answer::Unknown && unknown.len() < 10_000 {
                        *unknown.entry(cut(cell, 60)).or_default() += 1;
                    }
                    answers[q] = a;
                }
                QuestionKind::Sex => sex = crate::domain::questionnaire::sex(cell),
                QuestionKind::Age => age = crate::domain::questionnaire::age(cell),
                QuestionKind::Text if qn.questions[q].proposals => proposal = Some(cell),
                QuestionKind::Number => waiting = crate::domain::questionnaire::days(cell),
                _ => {}
            }
        }
        codes.clear();
        codes.extend(answers.iter().map(|a| a.code() as char));
        let respondent = id_col.map(|c| row.cell(c)).filter(|s| !s.is_empty());
        let stamp = ts_col.map(|c| row.cell(c)).filter(|s| !s.is_empty());
        let dedup_key = match (respondent, stamp) {
            (Some(r), _) => key_of(&[b"id", &org_id.to_le_bytes(), r.as_bytes()]),
            (None, Some(t)) => {
                let mut h = Xxh3::new();
                h.update(b"ts");
                h.update(&org_id.to_le_bytes());
                h.update(t.as_bytes());
                for &(c, _) in &q_cols {
                    h.update(&[0]);
                    h.update(row.cell(c).as_bytes());
                }
                h.digest() as i64
            }
            (None, None) => key_of(&[b"line", &(row.line as u64).to_le_bytes()]),
        };
        let stored = store::survey::insert_response(
            conn,
            &store::survey::Response {
                source_id,
                line: row.line as i64,
                membership_id: membership,
                respondent,
                answered_at: stamp,
                answers: &codes,
                sex: sex.map(|s| if s == 'м' { "м" } else { "ж" }),
                age: age.map(i64::from),
                waiting_days: waiting.map(i64::from),
                dedup_key,
            },
        )?;
        if !stored {
            p.duplicates += 1;
            if p.duplicate_lines.len() < LIST {
                let first = store::survey::line_of(conn, source_id, dedup_key)?.unwrap_or(0);
                p.duplicate_lines.push((row.line, first as usize));
            }
            continue;
        }
        p.counted += 1;
        let tally = tallies.entry(membership).or_default();
        let before = tally.skip_violations;
        qn.count(&answers, tally);
        if tally.skip_violations > before {
            p.skip_violations += tally.skip_violations - before;
            if p.skip_lines.len() < LIST {
                p.skip_lines.push(row.line);
            }
        }
        if let Some(text) = proposal
            && is_proposal(&qn, text)
        {
            store::survey::insert_proposal(conn, source_id, membership, row.line as i64, text)?;
            p.proposals += 1;
        }
    }
    progress(p.rows);
    for (text, (n, line, why)) in &unmatched_orgs {
        p.rejected.push(Rejection {
            file: p.source.clone(),
            line: *line,
            column: org_col
                .map(|(c, _)| header.cell(c).to_string())
                .unwrap_or_default(),
            reason: format!("{why} — «{text}», строк: {n}"),
        });
    }
    let mut unknown: Vec<(String, u64)> = unknown.into_iter().collect();
    unknown.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    unknown.truncate(LIST);
    p.unknown_answers = unknown;

    // Counts of this source, then the inputs as sums over every source.
    // Only the questions the file has: a question without a column leaves its inputs alone.
    let present: HashSet<&str> = q_cols
        .iter()
        .filter_map(|&(_, q)| qn.questions[q].feeds.as_ref())
        .flat_map(|f| [f.yes.as_str(), f.asked.as_str()])
        .collect();
    for (&m, t) in &tallies {
        store::survey::insert_tally(conn, source_id, m, "respondents", t.respondents as i64)?;
        for (key, v) in qn.inputs(t, cycle.sector, &variant) {
            if present.contains(key.as_str()) {
                store::survey::insert_tally(conn, source_id, m, &key, v as i64)?;
            }
        }
    }
    let unknown_total: u64 = tallies.values().map(|t| t.unknown).sum();
    store::survey::finish_source(
        conn,
        source_id,
        p.rows as i64,
        p.duplicates as i64,
        p.skip_violations as i64,
        unknown_total as i64,
    )?;
    let mut affected: Vec<i64> = tallies.keys().copied().collect();
    let mut old_keys: HashMap<i64, Vec<String>> = HashMap::new();
    for (m, key) in old_members {
        if !affected.contains(&m) {
            affected.push(m);
        }
        if key != "respondents" {
            old_keys.entry(m).or_default().push(key);
        }
    }
    let stored_inputs = store::import::cycle_inputs(conn, cycle.id)?;
    let fed: Vec<String> = qn
        .fed_keys(cycle.sector, &variant)
        .into_iter()
        .map(str::to_string)
        .collect();
    let org_of: HashMap<i64, i64> = members.iter().map(|(&o, &m)| (m, o)).collect();
    let by_id: HashMap<i64, &store::import::OrgRecord> = orgs.iter().map(|o| (o.id, *o)).collect();
    let note = format!("из анкет: источник «{source_name}»");
    let mut any_change = false;
    for m in affected {
        let sums = store::survey::sums(conn, m)?;
        let total = sums.get("respondents").copied().unwrap_or(0);
        let mut changes = Vec::new();
        // The keys the survey counts now, and those this source counted before (an input no
        // source counts any more is removed).
        let keys: Vec<&String> = fed
            .iter()
            .filter(|k| {
                sums.contains_key(k.as_str()) || old_keys.get(&m).is_some_and(|o| o.contains(k))
            })
            .collect();
        for key in keys {
            let old = stored_inputs.get(&(m, key.clone())).copied();
            let new = sums.get(key.as_str()).map(|&v| v as f64);
            if old != new {
                match new {
                    Some(v) => store::import::set_input(conn, m, key, v)?,
                    None => store::survey::delete_input(conn, m, key)?,
                }
                audit::record(
                    conn,
                    &Entry {
                        at: &at_stamp,
                        os_user: &user,
                        action: Action::Update,
                        entity: store::edit_inputs::ENTITY,
                        entity_id: Some(m),
                        field: Some(key),
                        old_value: old.map(num).as_deref(),
                        new_value: new.map(num).as_deref(),
                        note: &note,
                    },
                )?;
                changes.push((key.clone(), old, new));
            }
        }
        let old_respondents: i64 = conn.query_row(
            "SELECT respondents FROM membership WHERE id = ?1",
            [m],
            |r| r.get(0),
        )?;
        if old_respondents != total {
            store::survey::set_respondents(conn, m, total)?;
            audit::record(
                conn,
                &Entry {
                    at: &at_stamp,
                    os_user: &user,
                    action: Action::Update,
                    entity: "membership",
                    entity_id: Some(m),
                    field: Some("respondents"),
                    old_value: Some(&old_respondents.to_string()),
                    new_value: Some(&total.to_string()),
                    note: &note,
                },
            )?;
        }
        any_change |= !changes.is_empty() || old_respondents != total;
        let org = org_of.get(&m).and_then(|o| by_id.get(o));
        let recipients: Option<i64> = conn.query_row(
            "SELECT recipients FROM membership WHERE id = ?1",
            [m],
            |r| r.get(0),
        )?;
        p.orgs.push(OrgCounts {
            membership_id: m,
            inn: org.map_or(String::new(), |o| o.inn.clone()),
            name: org.map_or(String::new(), |o| o.full_name.clone()),
            respondents: tallies.get(&m).map_or(0, |t| t.respondents),
            total_respondents: total,
            changes,
            new_member: new_members.contains(&m),
            sample: recipients.map(|r| (qn.sample.required(r.max(0) as u64), r)),
        });
    }
    p.orgs.sort_by(|a, b| a.name.cmp(&b.name));
    if any_change {
        store::import::mark_stale(conn, cycle.id)?;
        p.notes.push(format!(
            "баллы цикла {} устарели: в интерфейсе они пересчитываются сами, в командной строке — nok score --cycle {}",
            cycle.id, cycle.id
        ));
    }
    if !qn.sample.verified {
        p.notes
            .push(format!("правило объема выборки: {}", qn.sample_text));
    }
    p.unverified = cols
        .iter()
        .filter_map(|&(_, c)| match c {
            Col::Question(q) if !qn.questions[q].verified => Some(qn.questions[q].label()),
            _ => None,
        })
        .collect();
    p.mapping = saved_mapping(&qn, &cols, &header, &above);
    Ok(p)
}

fn pick_variant(
    qn: &Questionnaire,
    sector: Sector,
    wanted: Option<&str>,
) -> anyhow::Result<String> {
    let all = qn.variants_for(sector);
    let codes: Vec<String> = all
        .iter()
        .map(|v| format!("{} ({})", v.code, v.name))
        .collect();
    match wanted {
        Some(w) => all
            .iter()
            .find(|v| v.code == w)
            .map(|v| v.code.clone())
            .with_context(|| {
                format!(
                    "форма анкеты «{w}» не подходит для сферы «{}»; есть: {}",
                    sector.name_ru(),
                    codes.join(", ")
                )
            }),
        None => match all.as_slice() {
            [one] => Ok(one.code.clone()),
            _ => bail!(
                "для сферы «{}» несколько форм анкеты; укажите --variant: {}",
                sector.name_ru(),
                codes.join(", ")
            ),
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn push_col(
    qn: &Questionnaire,
    p: &mut SurveyPreview,
    cols: &mut Vec<(usize, Col)>,
    taken: &mut HashMap<usize, usize>,
    c: usize,
    shown: &str,
    col: Col,
    how: &'static str,
) {
    if col == Col::Ignore {
        p.unmatched.push((
            c + 1,
            shown.to_string(),
            "пропущена по сопоставлению".to_string(),
        ));
        return;
    }
    let slot = match col {
        Col::Question(q) => q,
        other => usize::MAX - other_index(other),
    };
    if let Some(&first) = taken.get(&slot) {
        p.unmatched.push((
            c + 1,
            shown.to_string(),
            format!("то же, что колонка {} — пропущена", first + 1),
        ));
        return;
    }
    taken.insert(slot, c);
    cols.push((c, col));
    let target = match col {
        Col::Question(q) => {
            let question = &qn.questions[q];
            match &question.feeds {
                Some(f) => format!("{} → {} / {}", question.label(), f.yes, f.asked),
                None if question.proposals => format!("{} (предложения)", question.label()),
                None if question.gate_no.is_some() => {
                    format!("{} (вопрос-фильтр для перехода)", question.label())
                }
                None => question.label(),
            }
        }
        Col::Timestamp => "отметка времени (для поиска дублей)".to_string(),
        Col::Respondent => "номер респондента (для поиска дублей)".to_string(),
        Col::OrgInn => "организация по ИНН".to_string(),
        Col::OrgRegNum => "организация по коду по Сводному реестру".to_string(),
        Col::OrgName => "организация по наименованию".to_string(),
        Col::Part => "подразделение (пока не используется)".to_string(),
        Col::Ignore => String::new(),
    };
    p.columns.push(ColumnUse {
        col: c + 1,
        header: shown.to_string(),
        target,
        how,
    });
}

/// The number a header starts with: «2)», «2.», «В2», «Вопрос 2:».
fn leading_number(header: &str) -> Option<u32> {
    let t = header.trim().to_lowercase();
    let t = t
        .strip_prefix("вопрос")
        .or_else(|| t.strip_prefix('в'))
        .unwrap_or(&t)
        .trim_start();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = t[digits.len()..].chars().next();
    if digits.is_empty() || !matches!(rest, Some('.' | ')' | ':' | ' ')) {
        return None;
    }
    digits.parse().ok()
}

fn other_index(c: Col) -> usize {
    match c {
        Col::Timestamp => 0,
        Col::Respondent => 1,
        Col::OrgInn => 2,
        Col::OrgRegNum => 3,
        Col::OrgName => 4,
        Col::Part => 5,
        Col::Ignore | Col::Question(_) => 6,
    }
}

fn special(text: &str) -> Option<Col> {
    let n = normalize_header(text);
    SPECIAL
        .iter()
        .find(|(_, _, names)| names.iter().any(|s| normalize_header(s) == n))
        .map(|(_, c, _)| *c)
}

fn resolve_target(qn: &Questionnaire, candidates: &[usize], target: &str) -> Option<Col> {
    if let Some((_, c, _)) = SPECIAL.iter().find(|(id, _, _)| *id == target) {
        return Some(*c);
    }
    qn.question(target)
        .filter(|q| candidates.contains(q))
        .map(Col::Question)
}

fn saved_mapping(
    qn: &Questionnaire,
    cols: &[(usize, Col)],
    header: &Row,
    above: &[&Row],
) -> SavedMapping {
    let mut m = SavedMapping::default();
    for &(c, col) in cols {
        let text = if header.cell(c).is_empty() {
            above
                .iter()
                .rev()
                .map(|r| r.cell(c))
                .find(|t| !t.is_empty())
                .unwrap_or("")
        } else {
            header.cell(c)
        };
        let target = match col {
            Col::Question(q) => qn.questions[q].id.clone(),
            other => SPECIAL
                .iter()
                .find(|(_, c, _)| *c == other)
                .map_or(String::new(), |(id, _, _)| id.to_string()),
        };
        if !text.is_empty() {
            m.columns.insert(text.to_string(), target);
        }
    }
    m
}

/// An organization by ИНН (one organization with it) or regNum.
fn find_org_by_key<'a>(
    orgs: &[&'a store::import::OrgRecord],
    key: &str,
) -> Option<&'a store::import::OrgRecord> {
    let k = key.trim();
    let by_inn: Vec<_> = orgs.iter().filter(|o| o.inn == k).collect();
    if let [one] = by_inn.as_slice() {
        return Some(**one);
    }
    orgs.iter()
        .find(|o| o.reg_num.eq_ignore_ascii_case(k))
        .copied()
}

fn resolve_org(
    orgs: &[&store::import::OrgRecord],
    sector_orgs: &[&store::import::OrgRecord],
    kind: Col,
    text: &str,
    sector: Sector,
) -> Result<i64, String> {
    if text.is_empty() {
        return Err("организация не указана".to_string());
    }
    let found = match kind {
        Col::OrgInn => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            let all: Vec<_> = orgs.iter().filter(|o| o.inn == digits).collect();
            match all.as_slice() {
                [] => None,
                [one] => Some(**one),
                _ => {
                    return Err(format!(
                        "у ИНН {digits} несколько организаций; укажите код по Сводному реестру"
                    ));
                }
            }
        }
        Col::OrgRegNum => orgs
            .iter()
            .find(|o| o.reg_num.eq_ignore_ascii_case(text.trim()))
            .copied(),
        _ => match_name(sector_orgs, text),
    };
    match found {
        Some(o) if o.sector != sector.code() => Err(format!(
            "организация другой сферы, чем цикл ({})",
            sector.name_ru()
        )),
        Some(o) => Ok(o.id),
        None => Err("организация не найдена в базе".to_string()),
    }
}

/// A name compared without case, quotes and punctuation; then, a ten-digit ИНН inside the text;
/// then a stored name that contains it (or that it contains) if only one does.
fn match_name<'a>(
    orgs: &[&'a store::import::OrgRecord],
    text: &str,
) -> Option<&'a store::import::OrgRecord> {
    let n = normalize_name(text);
    if n.is_empty() {
        return None;
    }
    let exact: Vec<_> = orgs
        .iter()
        .filter(|o| normalize_name(&o.full_name) == n || normalize_name(&o.short_name) == n)
        .collect();
    if let [one] = exact.as_slice() {
        return Some(**one);
    }
    let digits: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|d| d.len() == 10)
        .collect();
    for d in digits {
        let by_inn: Vec<_> = orgs.iter().filter(|o| o.inn == d).collect();
        if let [one] = by_inn.as_slice() {
            return Some(**one);
        }
    }
    // The name in quotes («Комплексный центр…») against the stored names' quoted parts: forms
    // often abbreviate the legal form (ГАУСО МО) and keep the proper name.
    if let Some(q) = quoted(text)
        .map(normalize_name)
        .filter(|q| q.chars().count() >= 4)
    {
        let by_quote: Vec<_> = orgs
            .iter()
            .filter(|o| {
                [&o.full_name, &o.short_name]
                    .iter()
                    .any(|name| quoted(name).map(normalize_name).as_deref() == Some(q.as_str()))
            })
            .collect();
        if let [one] = by_quote.as_slice() {
            return Some(**one);
        }
    }
    if n.chars().count() < 8 {
        return None;
    }
    let part: Vec<_> = orgs
        .iter()
        .filter(|o| {
            let f = normalize_name(&o.full_name);
            let s = normalize_name(&o.short_name);
            f.contains(&n) || (!s.is_empty() && (s.contains(&n) || n.contains(&s)))
        })
        .collect();
    match part.as_slice() {
        [one] => Some(**one),
        _ => None,
    }
}

/// The text between the first opening and the last closing quote mark, if any.
fn quoted(s: &str) -> Option<&str> {
    let start = s.find(['«', '"', '“'])?;
    let open = s[start..].chars().next()?;
    let close = match open {
        '«' => '»',
        '“' => '”',
        _ => '"',
    };
    let from = start + open.len_utf8();
    let end = s.rfind(close).filter(|&e| e > from)?;
    Some(&s[from..end])
}

fn normalize_name(s: &str) -> String {
    let lower = s.to_lowercase().replace('ё', "е");
    let mut out = String::with_capacity(lower.len());
    let mut space = false;
    for c in lower.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

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

fn key_of(parts: &[&[u8]]) -> i64 {
    let mut h = Xxh3::new();
    for p in parts {
        h.update(p);
        h.update(&[0xff]);
    }
    h.digest() as i64
}

/// Fingerprint of the file's bytes and the import's options.
fn file_hash(path: &Path, options: &str) -> anyhow::Result<String> {
    let mut f = std::fs::File::open(path)
        .with_context(|| format!("не удалось открыть файл {}", path.display()))?;
    let mut h = Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("не удалось прочитать файл {}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    h.update(&xxh3_64(options.as_bytes()).to_le_bytes());
    Ok(format!("xxh3-128:{:032x}", h.digest128()))
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// Reads a saved mapping (TOML: `[columns]` header = question id).
pub fn read_mapping(path: &Path) -> anyhow::Result<SavedMapping> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("не удалось прочитать файл сопоставления {}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "файл сопоставления {}: {}; ожидается раздел [columns] со строками «\"заголовок колонки\" = \"q2\"»",
            path.display(),
            e.message()
        )
    })
}

/// Writes a mapping to reuse (temp file, then rename).
pub fn write_mapping(path: &Path, m: &SavedMapping) -> anyhow::Result<()> {
    let mut text = String::from(
        "# Сопоставление колонок файла анкет вопросам (nok import survey --mapping ФАЙЛ).\n# Значения: id вопроса (q1…q16, sex, age) или timestamp, respondent, org_inn, org_regnum, org_name, part, ignore.\n",
    );
    text.push_str(&toml::to_string(m).context("сопоставление не записывается")?);
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)
        .with_context(|| format!("не удалось записать файл {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("не удалось записать файл {}", path.display()))?;
    Ok(())
}

/// The preview as lines of Russian text (the CLI prints them; «Обмен» shows them).
pub fn preview_lines(p: &SurveyPreview, dry_run: bool) -> Vec<String> {
    let mut l = Vec::new();
    l.push(format!(
        "Файл: {} ({}); источник «{}»; анкета: {} ({})",
        p.source, p.format, p.source_name, p.variant, p.basis
    ));
    if p.header_line > 0 {
        l.push(format!("Заголовок — строка {}. Колонки:", p.header_line));
    }
    for c in &p.columns {
        l.push(format!(
            "  {:>3}. «{}» → {} ({})",
            c.col,
            cut(&c.header, 70),
            c.target,
            c.how
        ));
    }
    if !p.unmatched.is_empty() {
        l.push("Не сопоставлено:".to_string());
        for (c, h, why) in &p.unmatched {
            l.push(format!("  {c:>3}. «{}»: {why}", cut(h, 70)));
        }
    }
    if !p.missing.is_empty() {
        l.push("Вопросы анкеты, которых нет в файле (их показатели не считаются):".to_string());
        for m in &p.missing {
            l.push(format!("  {m}"));
        }
    }
    if !p.unverified.is_empty() {
        l.push(format!(
            "Формулировки не сверены с текстом приказа (сопоставлены по тексту анкеты nok): {}",
            p.unverified.join(", ")
        ));
    }
    l.push("Правила:".to_string());
    for r in &p.rules {
        l.push(format!("  {r}"));
    }
    for n in &p.notes {
        l.push(n.clone());
    }
    if p.same_file {
        return l;
    }
    l.push(format!(
        "Строк анкет: {}, учтено: {}, дублей: {}, нарушений переходов: {}, предложений: {}",
        p.rows, p.counted, p.duplicates, p.skip_violations, p.proposals
    ));
    if !p.duplicate_lines.is_empty() {
        let list: Vec<String> = p
            .duplicate_lines
            .iter()
            .map(|(a, b)| format!("{a} (= {b})"))
            .collect();
        l.push(format!("  дубли, строки: {}", list.join(", ")));
    }
    if !p.skip_lines.is_empty() {
        let list: Vec<String> = p.skip_lines.iter().map(usize::to_string).collect();
        l.push(format!(
            "  нарушения переходов, строки: {}",
            list.join(", ")
        ));
    }
    if !p.unknown_answers.is_empty() {
        let list: Vec<String> = p
            .unknown_answers
            .iter()
            .map(|(t, n)| format!("«{t}» × {n}"))
            .collect();
        l.push(format!(
            "  нераспознанные ответы (не считаются): {}",
            list.join(", ")
        ));
    }
    l.push(format!("Организаций: {}", p.orgs.len()));
    for o in p.orgs.iter().take(200) {
        let sample = match o.sample {
            Some((need, recipients)) if (o.total_respondents as u64) < need => format!(
                "; ВЫБОРКА МАЛА: опрошено {} из требуемых {need} (получателей {recipients})",
                o.total_respondents
            ),
            Some((need, _)) => format!("; выборка достаточна (требуется {need})"),
            None => String::new(),
        };
        l.push(format!(
            "  ИНН {} «{}»: из файла {} анкет, всего по {} анкетам{}{}",
            o.inn,
            cut(&o.name, 60),
            o.respondents,
            o.total_respondents,
            if o.new_member {
                "; включается в цикл"
            } else {
                ""
            },
            sample
        ));
        for (k, old, new) in &o.changes {
            let f = |v: &Option<f64>| v.map_or("—".to_string(), num);
            l.push(format!("      {k}: {} → {}", f(old), f(new)));
        }
    }
    if !p.rejected.is_empty() {
        l.push("Организации не найдены (строки не загружаются):".to_string());
        for r in &p.rejected {
            l.push(format!("  {r}"));
        }
    }
    if dry_run {
        l.push("Пробный прогон: база не изменена.".to_string());
    } else if !p.applied {
        l.push("Изменений нет: база не изменена.".to_string());
    }
    l
}

/// The proposals of a cycle as a table (organization, ИНН, source, line, text).
pub fn proposals_table(
    conn: &Connection,
    cycle_id: i64,
    org: Option<&str>,
    search: Option<&str>,
) -> anyhow::Result<crate::service::table::Table> {
    use crate::service::table::{Cell, Table};
    let membership = match org {
        Some(inn) => Some(
            store::cycles::membership_by_inn(conn, cycle_id, inn)?
                .with_context(|| format!("организации с ИНН {inn} нет в цикле {cycle_id}"))?
                .0,
        ),
        None => None,
    };
    let list =
        store::survey::proposals(conn, cycle_id, membership, search.unwrap_or(""), usize::MAX)?;
    let mut t = Table::new(&["ИНН", "Организация", "Источник", "Строка", "Предложение"]);
    for p in list {
        t.push(vec![
            Cell::Text(p.org_inn),
            Cell::Text(p.org_name),
            Cell::Text(p.source),
            Cell::Int(p.line),
            Cell::Text(p.text),
        ]);
    }
    Ok(t)
}

/// Writes a table to exactly `path` (CSV for Excel or xlsx): a temporary file, then rename.
pub fn save_table(
    path: &Path,
    table: &crate::service::table::Table,
    xlsx: bool,
) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().map_or("предложения".into(), |n| {
        n.to_string_lossy().into_owned()
    });
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| -> anyhow::Result<()> {
        if xlsx {
            let mut book = crate::exchange::xlsx::XlsxTable::new("Предложения", &table.headers)?;
            for row in &table.rows {
                book.push(row)?;
            }
            book.save(&tmp)?;
        } else {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            table.write(crate::service::table::Format::Csv, &mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("не удалось записать файл {}", path.display()))
}

/// Sets the number of recipients of an organization in a cycle (audited); returns its name and
/// the old number.
pub fn set_recipients(
    conn: &mut Connection,
    cycle_id: i64,
    inn: &str,
    count: i64,
) -> anyhow::Result<(String, Option<i64>)> {
    if count < 0 {
        bail!("число получателей услуг не может быть отрицательным");
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (m, name) = store::cycles::membership_by_inn(&tx, cycle_id, inn)?
        .with_context(|| format!("организации с ИНН {inn} нет в цикле {cycle_id}"))?;
    let old: Option<i64> = tx.query_row(
        "SELECT recipients FROM membership WHERE id = ?1",
        [m],
        |r| r.get(0),
    )?;
    if old != Some(count) {
        store::survey::set_recipients(&tx, m, Some(count))?;
        audit::record(
            &tx,
            &Entry {
                at: &session::now_stamp(),
                os_user: &session::os_user(),
                action: Action::Update,
                entity: "membership",
                entity_id: Some(m),
                field: Some("recipients"),
                old_value: old.map(|o| o.to_string()).as_deref(),
                new_value: Some(&count.to_string()),
                note: "число получателей услуг",
            },
        )?;
    }
    tx.commit()?;
    Ok((name, old))
}

/// One organization of a cycle against the sample rule.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    pub membership_id: i64,
    pub inn: String,
    pub name: String,
    pub respondents: i64,
    pub recipients: Option<i64>,
    /// Respondents the rule requires (when recipients are entered).
    pub required: Option<u64>,
}

impl SampleRow {
    /// Fewer respondents than the rule requires.
    pub fn below(&self) -> bool {
        self.required
            .is_some_and(|r| (self.respondents.max(0) as u64) < r)
    }

    /// «ниже нормы», «достаточна» or «число получателей не указано».
    pub fn status(&self) -> &'static str {
        match self.required {
            None => "число получателей не указано",
            Some(_) if self.below() => "ниже нормы",
            Some(_) => "достаточна",
        }
    }
}

/// The sample check of every organization of a cycle.
pub fn sample_check(conn: &Connection, cycle_id: i64) -> anyhow::Result<Vec<SampleRow>> {
    let qn = Questionnaire::builtin()?;
    Ok(store::survey::cycle_samples(conn, cycle_id)?
        .into_iter()
        .map(|(m, inn, name, respondents, recipients)| SampleRow {
            membership_id: m,
            inn,
            name,
            respondents,
            recipients,
            required: recipients.map(|r| qn.sample.required(r.max(0) as u64)),
        })
        .collect())
}

/// The sample rule in Russian, with a word on whether it was verified.
pub fn sample_rule_text() -> anyhow::Result<String> {
    let qn = Questionnaire::builtin()?;
    Ok(qn.sample_text.clone())
}
