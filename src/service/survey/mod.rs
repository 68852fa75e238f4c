//! `nok import survey FILE --cycle ID`: survey responses, one row per respondent, matched to the
//! questions of the method's questionnaire by their text, stored raw, and counted into the
//! `yes`/`asked` inputs of every indicator they feed — all in one transaction.
//!
//! The import runs in stages, one module each:
//! - [`read`]: the file opened as a stream of rows ([`SurveyRows`]) and its header row found;
//! - [`columns`] and [`orgs`] (match): each column taken as a question or a known column, each
//!   row's organization found by ИНН, regNum or name;
//! - [`responses`]: the rows streamed — matched, normalised, checked for duplicates, stored raw
//!   in the transaction and counted in memory per organization and part (memory does not grow
//!   with the number of rows);
//! - [`plan`]: the changes — this source's counts, the inputs (old → new) of each organization
//!   and part, the respondents — worked out before any of them is written;
//! - [`write`]: the plan carried out and audited.
//!
//! A preview ([`dry_run`]) runs every stage and rolls the transaction back; it shows the plan.
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
//! - part: a column naming the part of the organization (филиал, форма обслуживания) counts the
//!   row into that part's inputs; an empty cell counts into the organization's own, except in an
//!   organization surveyed by parts (a part of it has responses, in this file or another
//!   source): there such a row is refused and listed with its line, as an unknown
//!   organization's row is ([`responses::sort_without_part`]);
//! - re-importing the same file (same name, bytes and options) changes nothing; a changed file
//!   of the same name replaces that source's responses.

mod columns;
mod orgs;
mod plan;
mod read;
mod responses;
mod write;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use rusqlite::{Connection, TransactionBehavior};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::domain::questionnaire::{Questionnaire, SavedMapping};
use crate::domain::sector::Sector;
use crate::exchange::import::Row;
use crate::exchange::survey::SurveyRows;
use crate::service::import::Rejection;
use crate::service::methodology::Methods;
use crate::service::session;
use crate::store;
use crate::store::audit::{self, Action, Entry};
use columns::Col;

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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrgCounts {
    pub membership_id: i64,
    pub inn: String,
    pub name: String,
    /// Respondents counted from this file.
    pub respondents: u64,
    /// Respondents over all sources (and all parts).
    pub total_respondents: i64,
    /// Respondents as stored before the import.
    pub old_respondents: i64,
    /// (input key, old, new) of the organization's own inputs; only those that change.
    pub changes: Vec<(String, Option<f64>, Option<f64>)>,
    /// The parts the file counts into (or counted into before), with their changes.
    pub parts: Vec<PartChanges>,
    /// Added to the cycle by this import.
    pub new_member: bool,
    /// (respondents required by the sample rule, recipients), when recipients are entered.
    pub sample: Option<(u64, i64)>,
}

/// A part of an organization (филиал, форма обслуживания) the survey counts into.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartChanges {
    pub name: String,
    /// The stored part (after the write, the one created).
    pub part_id: Option<i64>,
    /// The import creates the part (the database has no part of that name).
    pub new: bool,
    /// Respondents of the part over all sources.
    pub respondents: i64,
    /// (input key, old, new); only those that change.
    pub changes: Vec<(String, Option<f64>, Option<f64>)>,
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

/// The reason given for a row of an organization assessed in parts that names no part.
pub const NO_PART: &str = "анкета без части в организации, оцениваемой по частям";

/// The part rule, as the preview states it.
const PART_RULE: &str = "часть организации: строка с непустой колонкой части (филиал, форма обслуживания) считается в исходные данные этой части (часть создается, если ее нет). Строка без части считается в данные самой организации, а их часть берет только там, где у нее своих данных нет. Поэтому в организации, опрошенной по частям (у какой-либо ее части есть анкеты — в этом файле или в другом источнике), строка без части отклоняется и показывается с номером строки: ее ответы не попали бы в части со своими анкетами. С --skip-rejected такие строки не загружаются, остальные загружаются. Если у организации есть части, но анкет ни у одной нет (части только для экспертных данных), анкеты без части — опрос организации в целом, и каждая часть берет их счетчики";

/// How many lines of each kind are listed.
const LIST: usize = 20;

/// The import's stages in order, in the caller's transaction: read the header, match the columns,
/// stage the rows (matched and stored raw, counted in memory), plan the changes, write them.
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

    // Read: the file and its header.
    let rows = SurveyRows::open(path)?;
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
    let mapping = opts.mapping.clone().unwrap_or_default();
    let mut file = read::read_header(rows, &qn, &candidates, &mapping)?;
    p.header_line = file.header.line;

    // Match: the columns, and where each row's organization comes from.
    let above: Vec<&Row> = file.above.iter().collect();
    let map = columns::match_columns(&qn, &candidates, &file.header, &above, file.width, &mapping);
    p.columns = map.columns.clone();
    p.unmatched = map.unmatched.clone();
    p.missing = map.missing.clone();
    p.mapping = columns::saved_mapping(&qn, &map.cols, &file.header, &above);
    p.unverified = map
        .cols
        .iter()
        .filter_map(|&(_, c)| match c {
            Col::Question(q) if !qn.questions[q].verified => Some(qn.questions[q].label()),
            _ => None,
        })
        .collect();
    p.rules.push(PART_RULE.to_string());
    let orgs = store::import::organizations(conn)?;
    let fixed_org = match &opts.org {
        Some(key) => {
            let all: Vec<&store::import::OrgRecord> = orgs.iter().collect();
            let o = orgs::find_org_by_key(&all, key).ok_or_else(|| {
                anyhow::anyhow!(
                    "организации с ИНН или кодом по Сводному реестру «{key}» нет в базе (--org); сначала загрузите организации (nok import orgs)"
                )
            })?;
            if o.sector != cycle.sector.code() {
                bail!(
                    "организация «{}» (--org) другой сферы, чем цикл {} ({})",
                    o.full_name,
                    cycle.id,
                    cycle.sector.name_ru()
                );
            }
            Some(o.id)
        }
        None => None,
    };
    let org_col = map.org();
    let org_source = match (fixed_org, org_col) {
        (Some(id), _) => responses::OrgSource::Fixed(id),
        (None, Some((c, kind))) => {
            responses::OrgSource::Column(c, orgs::OrgMatcher::new(&orgs, cycle.sector, kind))
        }
        (None, None) => bail!(
            "в файле {} нет колонки организации (ИНН, код по Сводному реестру или наименование); укажите организацию для всего файла: --org ИНН",
            p.source
        ),
    };

    // The same file again: nothing to do.
    let options_text = format!(
        "{}|{}|{:?}|{:?}",
        variant,
        fixed_org.unwrap_or(0),
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
        return Ok(p);
    }

    // Stage: the rows, stored raw in this transaction and counted.
    let user = session::os_user();
    let at = session::now_stamp();
    let questions_list: Vec<&str> = qn.questions.iter().map(|q| q.id.as_str()).collect();
    let (source_id, old_counts) = store::survey::replace_source(
        conn,
        &store::survey::Source {
            id: 0,
            cycle_id: cycle.id,
            name: source_name.clone(),
            content_hash,
            questionnaire: qn.version.clone(),
            variant: variant.clone(),
            imported_at: at.clone(),
            os_user: user.clone(),
            rows_read: 0,
            duplicates: 0,
            skip_violations: 0,
            unknown_answers: 0,
        },
        &questions_list.join(","),
    )?;
    let mut members = store::import::memberships(conn, cycle.id)?;
    let mut staged = responses::stage_responses(
        conn,
        &responses::Context {
            qn: &qn,
            cycle_id: cycle.id,
            source_id,
            at: &at,
            user: &user,
        },
        &mut file,
        &map,
        org_source,
        &mut members,
        progress,
    )?;
    // Rows naming no part of an organization surveyed by parts: refused, listed; of one whose
    // parts have no responses: counted, and said.
    let surveyed = store::survey::surveyed_parts(conn, cycle.id)?;
    let stored_parts = store::org_parts::names_by_membership(conn, cycle.id)?;
    let (refused, shared) =
        responses::sort_without_part(conn, source_id, &mut staged, &surveyed, &stored_parts)?;
    let part_header = map
        .find(Col::Part)
        .map(|c| file.header.cell(c).to_string())
        .unwrap_or_default();
    let org_of: std::collections::HashMap<i64, i64> =
        members.iter().map(|(&o, &m)| (m, o)).collect();
    for (m, w, names) in &refused {
        let org = org_of
            .get(m)
            .and_then(|o| orgs.iter().find(|r| r.id == *o))
            .map_or(String::new(), |o| {
                format!("ИНН {} «{}»", o.inn, cut(&o.full_name, 60))
            });
        let lines: Vec<String> = w.lines.iter().map(usize::to_string).collect();
        let names: Vec<String> = names.iter().map(|n| format!("«{}»", cut(n, 40))).collect();
        p.rejected.push(Rejection {
            file: p.source.clone(),
            line: w.lines.first().copied().unwrap_or(0),
            column: part_header.clone(),
            reason: format!(
                "{NO_PART}: {org}, части {}; строк: {} ({}{}); укажите часть в колонке части{}",
                names.join(", "),
                w.rows,
                lines.join(", "),
                if w.rows as usize > w.lines.len() {
                    ", …"
                } else {
                    ""
                },
                if part_header.is_empty() {
                    " (в файле ее нет — добавьте колонку «Часть»)"
                } else {
                    ""
                }
            ),
        });
    }
    for (m, rows, names) in &shared {
        let org = org_of
            .get(m)
            .and_then(|o| orgs.iter().find(|r| r.id == *o))
            .map_or(String::new(), |o| {
                format!("ИНН {} «{}»", o.inn, cut(&o.full_name, 60))
            });
        let names: Vec<String> = names.iter().map(|n| format!("«{}»", cut(n, 40))).collect();
        p.notes.push(format!(
            "{org}: анкеты без части ({rows}) считаются в данные самой организации — у ее частей {} своих анкет нет, и каждая берет эти счетчики",
            names.join(", ")
        ));
    }
    p.rows = staged.rows;
    p.counted = staged.counted;
    p.duplicates = staged.duplicates;
    p.duplicate_lines = staged.duplicate_lines.clone();
    p.skip_violations = staged.skip_violations;
    p.skip_lines = staged.skip_lines.clone();
    p.unknown_answers = staged.unknown_answers();
    p.proposals = staged.proposals;

    // Plan: the changes of inputs and respondents.
    let present: BTreeSet<&str> = map
        .questions()
        .into_iter()
        .filter_map(|(_, q)| qn.questions[q].feeds.as_ref())
        .flat_map(|f| [f.yes.as_str(), f.asked.as_str()])
        .collect();
    let mut plan = plan::plan_changes(
        conn,
        &plan::Facts {
            qn: &qn,
            sector: cycle.sector,
            variant: &variant,
            cycle_id: cycle.id,
            present: &present,
            old_counts: &old_counts,
            members: &members,
            orgs: &orgs,
        },
        &staged,
    )?;

    // Write: the plan, in this transaction (a preview rolls it back).
    let changed = write::write_plan(
        conn,
        &write::Writer {
            cycle_id: cycle.id,
            source_id,
            source_name: &source_name,
            at: &at,
            user: &user,
        },
        &mut plan,
        &staged,
    )?;
    for (text, (n, line, why)) in &staged.unmatched_orgs {
        p.rejected.push(Rejection {
            file: p.source.clone(),
            line: *line,
            column: org_col
                .map(|(c, _)| file.header.cell(c).to_string())
                .unwrap_or_default(),
            reason: format!("{why} — «{text}», строк: {n}"),
        });
    }
    p.orgs = plan.orgs;
    if changed {
        p.notes.push(format!(
            "баллы цикла {} устарели: в интерфейсе они пересчитываются сами, в командной строке — nok score --cycle {}",
            cycle.id, cycle.id
        ));
    }
    if !qn.sample.verified {
        p.notes
            .push(format!("правило объема выборки: {}", qn.sample_text));
    }
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

pub(super) fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

pub(super) fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// Reads a saved mapping (TOML: `[columns]` header = question id).
/// Whether a row of a file reads as the header of survey responses (one row per respondent:
/// a timestamp or the respondent's number, the organization, the questions): `Some` with the
/// column of the organization's ИНН, if it has one.
pub fn responses_header(cells: &[String]) -> Option<Option<usize>> {
    columns::responses_header(cells)
}

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
        let f = |v: &Option<f64>| v.map_or("—".to_string(), num);
        for (k, old, new) in &o.changes {
            l.push(format!("      {k}: {} → {}", f(old), f(new)));
        }
        for part in &o.parts {
            l.push(format!(
                "    часть «{}»: по {} анкетам{}",
                part.name,
                part.respondents,
                if part.new && !part.changes.is_empty() {
                    "; часть создается"
                } else {
                    ""
                }
            ));
            for (k, old, new) in &part.changes {
                l.push(format!("      {k}: {} → {}", f(old), f(new)));
            }
        }
    }
    let (no_part, unmatched): (Vec<&Rejection>, Vec<&Rejection>) = p
        .rejected
        .iter()
        .partition(|r| r.reason.starts_with(NO_PART));
    if !unmatched.is_empty() {
        l.push("Организации не найдены (строки не загружаются):".to_string());
        for r in unmatched {
            l.push(format!("  {r}"));
        }
    }
    if !no_part.is_empty() {
        l.push(
            "Анкеты без части в организациях, оцениваемых по частям (строки не загружаются):"
                .to_string(),
        );
        for r in no_part {
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

/// The proposals of a cycle (of one organization, by ИНН, when given) whose text contains
/// `search` (case and «ё» aside), as a filter for [`print_proposals`], [`write_proposals`] and the terminal UI.
pub fn proposal_filter(
    conn: &Connection,
    cycle_id: i64,
    org: Option<&str>,
    search: Option<&str>,
) -> anyhow::Result<store::survey::ProposalFilter> {
    let membership_id = match org {
        Some(inn) => Some(
            store::cycles::membership_by_inn(conn, cycle_id, inn)?
                .with_context(|| format!("организации с ИНН {inn} нет в цикле {cycle_id}"))?
                .0,
        ),
        None => None,
    };
    Ok(store::survey::ProposalFilter {
        cycle_id,
        membership_id,
        query: search.unwrap_or("").to_string(),
    })
}

/// The headers of the proposals table (the CLI's output, the CSV and the workbook).
pub const PROPOSAL_HEADERS: [&str; 8] = [
    "ИНН",
    "Организация",
    "Часть",
    "Источник",
    "Строка",
    "Респондент",
    "Дата ответа",
    "Предложение",
];

/// A proposal as a row of [`PROPOSAL_HEADERS`].
fn proposal_row(p: store::survey::Proposal) -> Vec<crate::service::table::Cell> {
    use crate::service::table::Cell;
    let text = |s: Option<String>| s.map_or(Cell::Empty, Cell::Text);
    vec![
        Cell::Text(p.org_inn),
        Cell::Text(p.org_name),
        Cell::Text(p.part),
        Cell::Text(p.source),
        Cell::Int(p.line),
        text(p.respondent),
        text(p.answered_at),
        Cell::Text(p.text),
    ]
}

/// Prints the proposals the filter finds as aligned text (organization, ИНН, part, source, line,
/// respondent, date of the answer, text), in the order the terminal UI lists them; returns how
/// many. Two passes over the query, one to measure the columns and one to print, so that no
/// table of them is held. Files are written by [`write_proposals`].
pub fn print_proposals(
    conn: &Connection,
    filter: &store::survey::ProposalFilter,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<usize> {
    let headers: Vec<String> = PROPOSAL_HEADERS.iter().map(|h| h.to_string()).collect();
    let mut layout = crate::service::table::TextLayout::new(&headers);
    store::survey::for_each_proposal::<anyhow::Error>(conn, filter, &mut |p| {
        layout.measure(&proposal_row(p));
        Ok(())
    })?;
    layout.write_headers(out)?;
    let mut count = 0;
    store::survey::for_each_proposal::<anyhow::Error>(conn, filter, &mut |p| {
        layout.write_row(&proposal_row(p), out)?;
        count += 1;
        Ok(())
    })?;
    Ok(count)
}

/// Writes the proposals the filter finds into a new file of `dir` named from `stem` (`<stem>.csv`
/// for Excel or `<stem>.xlsx`, `<stem>-2…` when the name is taken), streamed from the query;
/// returns its path and how many were written.
pub fn export_proposals(
    conn: &Connection,
    filter: &store::survey::ProposalFilter,
    dir: &Path,
    stem: &str,
    xlsx: bool,
) -> anyhow::Result<(std::path::PathBuf, usize)> {
    let ext = if xlsx { "xlsx" } else { "csv" };
    let mut path = dir.join(format!("{stem}.{ext}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.{ext}"));
        n += 1;
    }
    let written = write_proposals(conn, filter, &path, xlsx)
        .with_context(|| format!("не удалось сохранить предложения в {}", dir.display()))?;
    Ok((path, written))
}

/// Writes the proposals the filter finds to exactly `path` (CSV for Excel — BOM, «;» — or
/// xlsx), a row at a time as the query steps: into a temporary file of the same folder, renamed
/// to `path` when whole (removed on failure). Returns how many were written.
pub fn write_proposals(
    conn: &Connection,
    filter: &store::survey::ProposalFilter,
    path: &Path,
    xlsx: bool,
) -> anyhow::Result<usize> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().map_or("предложения".into(), |n| {
        n.to_string_lossy().into_owned()
    });
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let headers: Vec<String> = PROPOSAL_HEADERS.iter().map(|h| h.to_string()).collect();
    let mut count = 0;
    let written = (|| -> anyhow::Result<()> {
        if xlsx {
            let mut book = crate::exchange::xlsx::XlsxTable::new("Предложения", &headers)?;
            store::survey::for_each_proposal::<anyhow::Error>(conn, filter, &mut |p| {
                book.push(&proposal_row(p))?;
                count += 1;
                Ok(())
            })?;
            book.save(&tmp)?;
        } else {
            let file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            let mut out = crate::exchange::csv::ExcelCsv::new(file, &headers)?;
            store::survey::for_each_proposal::<anyhow::Error>(conn, filter, &mut |p| {
                out.row(&proposal_row(p))?;
                count += 1;
                Ok(())
            })?;
            out.finish()?
                .into_inner()
                .map_err(|e| e.into_error())?
                .sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("не удалось записать файл {}", path.display()))?;
    Ok(count)
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
