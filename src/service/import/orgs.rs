//! `nok import orgs`: organizations matched by ИНН+КПП, then by regNum. A row whose identifiers
//! point at different stored organizations (ИНН+КПП at one and regNum at another, a regNum or an
//! ОГРН of another ИНН) is rejected naming both; the sector of an organization already in cycles
//! is not changed.
//!
//! The file is streamed row by row through the four stages, each a function here: [`read_row`]
//! (cells → checked identifiers), [`match_row`] (the rows above in the file by a temporary table,
//! then the stored organization by indexed lookups), [`plan_row`] (the record as it would be, and
//! what changes: add, change field by field, or leave) and [`write_row`] (only when applying: a
//! change written at once, a new organization staged and inserted with the others at the end by
//! [`write_added`]).
//! Nothing but the row at hand is held in memory.
//!
//! One organization — one row: every key of a row (ИНН+КПП, regNum, ОГРН with its ИНН) is
//! claimed in the temporary table, so is every stored organization a row matches (unless the row
//! names it by both its stored keys, which the row has then claimed already), and so is a
//! key a row takes away from a stored organization (a changed КПП, regNum or ОГРН). A later row
//! with a claimed key, or matching a claimed organization, is rejected before any lookup. So no
//! lookup ever finds what an earlier row of the file wrote, and the match and plan stages read
//! the database as it was before the import: the dry run computes the same plan without writing
//! (and without the write lock), and the import writes it.
//!
//! Into an empty database (no stored organization: nothing to look up, nothing taken away) a
//! row's claims depend only on the rows above it, so they are not made row by row: each row's
//! keys are staged with it, and [`check_repeats`] finds the repeats after reading by sorting
//! them, and corrects the preview to what the claims row by row would have given (the same
//! rows rejected with the same words, the same counts and lists; `tests/import_orgs_repeats.rs`
//! compares the two on generated files).

use std::collections::HashMap;

use crate::domain::ids;
use crate::domain::sector::Sector;
use crate::exchange::import::Row;
use crate::exchange::import::headers::Field;
use crate::exchange::import::stream::RowSource;
use crate::store;
use crate::store::import::{OrgRecord, SeenKey, Staged, StagedKeys, StagedRepeat};

use super::{
    Body, Change, LISTED, PROGRESS_EVERY, Planned, Preview, Progress, Rejection, Strays, Writer,
    formula_cells, note_unknown, stream_header,
};

pub(super) const FIELDS: &[Field] = &[
    Field {
        id: "full_name",
        title: "Полное наименование",
        synonyms: &[
            "полное наименование",
            "полное наименование организации",
            "наименование организации",
            "наименование",
            "организация",
        ],
        unlike: &[
            "сокращенное",
            "краткое",
            "сокр",
            "субъекта",
            "региона",
            "учредителя",
            "органа",
            "муниципального",
            "района",
        ],
    },
    Field {
        id: "short_name",
        title: "Сокращенное наименование",
        synonyms: &[
            "сокращенное наименование",
            "краткое наименование",
            "сокращенное наименование организации",
            "сокр наименование",
            "сокращ наименование",
        ],
        unlike: &[],
    },
    Field {
        id: "inn",
        title: "ИНН",
        synonyms: &["инн", "инн организации"],
        unlike: &[],
    },
    Field {
        id: "kpp",
        title: "КПП",
        synonyms: &["кпп", "кпп организации"],
        unlike: &[],
    },
    Field {
        id: "ogrn",
        title: "ОГРН",
        synonyms: &["огрн"],
        unlike: &[],
    },
    Field {
        id: "reg_num",
        title: "Код по Сводному реестру",
        synonyms: &[
            "код по сводному реестру",
            "regnum",
            "рег номер",
            "регистрационный номер",
            "код по пгму",
            "код пгму",
            "код организации",
            "код по ср",
            "код ср",
            "код сводного реестра",
            "код в сводном реестре",
        ],
        unlike: &[],
    },
    Field {
        id: "sector",
        title: "Сфера",
        synonyms: &["сфера", "сфера деятельности", "отрасль", "вид деятельности"],
        unlike: &[],
    },
    Field {
        id: "region",
        title: "Регион",
        synonyms: &[
            "регион",
            "субъект рф",
            "субъект российской федерации",
            "субъект",
            "наименование субъекта рф",
            "наименование субъекта российской федерации",
            "наименование региона",
        ],
        unlike: &[],
    },
    Field {
        id: "oktmo",
        title: "ОКТМО",
        synonyms: &["октмо"],
        unlike: &[],
    },
    Field {
        id: "address",
        title: "Адрес",
        synonyms: &[
            "адрес",
            "юридический адрес",
            "фактический адрес",
            "адрес организации",
            "место нахождения",
            "местонахождение",
        ],
        unlike: &[
            "электронной почты",
            "электронная почта",
            "эл почты",
            "e mail",
            "email",
            "сайта",
            "сайт",
            "интернет",
        ],
    },
    Field {
        id: "website",
        title: "Сайт",
        synonyms: &[
            "сайт",
            "официальный сайт",
            "адрес сайта",
            "интернет сайт",
            "адрес в сети интернет",
            "страница в сети интернет",
        ],
        unlike: &[],
    },
    Field {
        id: "founder_inn",
        title: "ИНН учредителя",
        synonyms: &[
            "инн учредителя",
            "учредитель инн",
            "инн уполномоченного органа",
        ],
        unlike: &[],
    },
];
const FULL_NAME: usize = 0;
const SHORT_NAME: usize = 1;
const INN: usize = 2;
const KPP: usize = 3;
const OGRN: usize = 4;
const REG_NUM: usize = 5;
const SECTOR: usize = 6;
const REGION: usize = 7;
const OKTMO: usize = 8;
const ADDRESS: usize = 9;
const WEBSITE: usize = 10;
const FOUNDER: usize = 11;

/// Digits-only identifiers lose leading zeros in Excel: put them back.
fn pad(value: &str, len: usize) -> String {
    ids::with_leading_zeros(value, len).into_owned()
}

/// ИНН and КПП written in one cell, as registries often have them under «ИНН/КПП»
/// («7707083893/773601001», also with `\`, `|` or spaces between): the two parts, when the row's
/// КПП is empty and the cell is digits (9 to 12, a leading zero may be lost), a separator, and 8
/// or 9 characters.
fn split_inn_kpp(inn: &str, kpp: &str) -> Option<(String, String)> {
    if !kpp.is_empty() {
        return None;
    }
    let (left, right) = inn.split_once(['/', '\\', '|', ' '])?;
    let (left, right) = (
        left.trim(),
        right.trim_start_matches(['/', '\\', '|', ' ']).trim(),
    );
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    ((9..=12).contains(&left.len())
        && digits(left)
        && (8..=9).contains(&right.len())
        && right.is_ascii())
    .then(|| (left.to_string(), right.to_string()))
}

/// Kinds of keys remembered in the temporary table of rows seen ([`store::import::seen_begin`]).
const SEEN_INN_KPP: i64 = 1;
const SEEN_REG_NUM: i64 = 2;
/// ОГРН, owned by the ИНН (and name) of the row that named it first ([`ogrn_owner`]).
const SEEN_OGRN: i64 = 3;
/// A stored organization (its id) that a row matched.
const SEEN_ORG: i64 = 4;
/// The owner of a key taken away from a stored organization by a row (ИНН+КПП, regNum).
const FREED: &str = "freed";

/// A rejected row: the column (its header in the file, "" for the whole row) and why.
type Reject = (String, String);

/// What the read stage makes of a row: its identifiers checked, the other cells as text.
struct OrgRow {
    line: usize,
    /// ИНН and КПП with the leading zeros Excel drops put back.
    inn: String,
    kpp: String,
    reg_num: String,
    /// Each field's cell ("" when the column is absent), in the order of [`FIELDS`]; the
    /// regNum's is moved to `reg_num`.
    cells: Vec<String>,
}

/// What the match stage found for a row: the stored organization it is, if any, and the founder
/// named (`Err`: the column and why not).
struct Matched {
    found: Option<OrgRecord>,
    /// Another stored organization holding the row's regNum (rejected in the plan stage).
    code_holder: Option<OrgRecord>,
    founder: Option<Result<i64, Reject>>,
}

/// The columns of the file: the header's map and titles.
struct Columns {
    map: crate::exchange::import::headers::HeaderMap,
    header: crate::exchange::import::Row,
}

impl Columns {
    /// The header of field `f` as in the file, or its usual title.
    fn title(&self, f: usize) -> String {
        self.map.col(f).map_or(FIELDS[f].title.to_string(), |c| {
            self.header.cell(c).to_string()
        })
    }
}

pub(super) fn run(
    w: &Writer<'_>,
    rows: &mut dyn RowSource,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let mut body = Body::open(rows)?;
    let (header, map) = stream_header(&mut body, FIELDS, 2)?;
    note_unknown(preview, &map);
    if map.col(INN).is_none() {
        anyhow::bail!(
            "в файле {} нет колонки «ИНН»: по ней организации сопоставляются с базой",
            body.source()
        );
    }
    preview.as_read.0 = FIELDS.iter().map(|f| f.title.to_string()).collect();
    let cols = Columns { map, header };
    let conn = w.conn;
    store::import::seen_begin(conn)?;
    let founders = store::import::authorities_by_inn(conn)?;
    // No stored organization: no row can match one, and no lookup is needed; the rows' keys are
    // checked after reading, all at once (see [`check_repeats`]).
    let stored = Stored {
        none: store::import::no_organizations(conn)?,
    };
    let deferred = stored.none;
    if w.apply || deferred {
        store::import::staged_orgs_begin(conn)?;
    }
    // How many rows are staged to be added (their `seq`).
    let mut added = 0i64;
    let mut n = 0usize;
    let mut strays = Strays::default();
    while let Some(row) = body.next()? {
        if n.is_multiple_of(PROGRESS_EVERY) {
            let (done, total) = body.progress();
            progress(Progress::Checking { done, total });
        }
        n += 1;
        // A repeated header (its ИНН cell has no digits; the full check is costly on every row).
        let repeated = || {
            !cols.map.get(&row, INN).chars().any(|c| c.is_ascii_digit())
                && crate::exchange::import::headers::is_header(&row, FIELDS, 2).is_some()
        };
        if row.is_blank() || repeated() {
            continue;
        }
        // A section heading («Учреждения культуры»), a total («Итого: 12»), a signature, the
        // row of column numbers is no organization: noted as skipped, not rejected.
        if strays.skip(&row, cols.map.get(&row, INN), preview) {
            continue;
        }
        if w.keep_rows {
            preview.as_read.1.push(
                (0..FIELDS.len())
                    .map(|f| cols.map.get(&row, f).to_string())
                    .collect(),
            );
        }
        let line = row.line;
        let read = match read_row(&cols, row) {
            Ok(read) => read,
            Err((column, why)) => {
                preview.reject(line, &column, why);
                continue;
            }
        };
        let keys = deferred.then(|| RowKeys::of(&read));
        let planned = match match_row(conn, &cols, &founders, stored, &read)? {
            Ok(matched) => plan_row(conn, &cols, read, matched)?,
            Err(rejected) => Err(rejected),
        };
        match planned {
            Ok((rec, before, planned)) => {
                if let Some(before) = &before {
                    claim_freed(conn, before, &rec, line)?;
                }
                match &planned {
                    Planned::Add(change) if w.apply || deferred => {
                        added += 1;
                        let staged = Staged {
                            line,
                            seq: Some(added),
                            org: &rec,
                            what: &change.what,
                            keys: keys.as_ref().map(RowKeys::staged).unwrap_or_default(),
                            whole: w.apply,
                        };
                        store::import::stage_org(conn, &staged)?;
                    }
                    _ if w.apply => write_row(w, &rec, &planned)?,
                    _ => {}
                }
                preview.plan(planned);
            }
            Err((column, why)) => {
                // Its keys are claimed all the same (as in [`match_row`]).
                if let Some(keys) = keys {
                    keys.stage_rejected(conn, line)?;
                }
                preview.reject(line, &column, why);
            }
        }
    }
    strays.finish(preview);
    let (done, total) = body.progress();
    progress(Progress::Checking {
        done: done.max(total),
        total,
    });
    if deferred {
        added = check_repeats(conn, &cols, preview)?;
    }
    if w.apply {
        write_added(w, added)?;
    }
    Ok(())
}

/// The keys a row claims, as the match stage names them, with the owner of its ОГРН (the row's
/// ИНН and full name as written): staged for [`check_repeats`] when the keys are checked after
/// reading.
struct RowKeys {
    inn_kpp: Option<String>,
    reg_num: Option<String>,
    ogrn: Option<String>,
    inn: String,
    full_name: String,
}

impl RowKeys {
    fn of(row: &OrgRow) -> RowKeys {
        let some = |s: &String| (!s.is_empty()).then(|| s.clone());
        RowKeys {
            inn_kpp: (!row.kpp.is_empty()).then(|| format!("{}/{}", row.inn, row.kpp)),
            reg_num: some(&row.reg_num),
            ogrn: some(&row.cells[OGRN]),
            inn: row.inn.clone(),
            full_name: row.cells[FULL_NAME].clone(),
        }
    }

    fn staged(&self) -> StagedKeys<'_> {
        StagedKeys {
            inn_kpp: self.inn_kpp.as_deref(),
            reg_num: self.reg_num.as_deref(),
            ogrn: self.ogrn.as_deref(),
        }
    }

    /// Stages the keys of a rejected row (nothing to add).
    fn stage_rejected(self, conn: &rusqlite::Connection, line: usize) -> anyhow::Result<()> {
        let owner = OrgRecord {
            inn: self.inn.clone(),
            full_name: self.full_name.clone(),
            ..OrgRecord::default()
        };
        let staged = Staged {
            line,
            seq: None,
            org: &owner,
            what: "",
            keys: self.staged(),
            whole: false,
        };
        store::import::stage_org(conn, &staged)?;
        Ok(())
    }
}

/// The match stage's claims for a file read into an empty database, made after reading: a row
/// whose key (ИНН+КПП, code, or an ОГРН of another ИНН) a row above it claimed first is rejected
/// with the words [`match_row`] uses, in line order, as if its claims had been made row by row
/// — the claims of a row with no stored organization to find depend only on the rows above it.
/// The preview is corrected to what the rows would have given: its counts, the first [`LISTED`]
/// rejections (a repeat listed in its place, or instead of the row's other reason), and the
/// first [`LISTED`] additions (the repeats taken out, the next ones read from the staged rows).
/// Returns how many rows are still to be added.
fn check_repeats(
    conn: &rusqlite::Connection,
    cols: &Columns,
    preview: &mut Preview,
) -> anyhow::Result<i64> {
    let source = preview.source.clone();
    // Listed rejections: in line order, the first LISTED of the rows rejected before this check,
    // so they and the repeats merged by line give the first LISTED of all.
    let mut pending = std::mem::take(&mut preview.rejected).into_iter().peekable();
    let mut rejected: Vec<Rejection> = Vec::with_capacity(pending.len());
    let last_listed = preview.added.last().map(|c| c.line);
    let mut unlisted = Vec::new();
    let counts = &mut preview.counts;
    let still_added = store::import::staged_repeats(conn, |r| {
        let (column, reason) = repeat_reason(cols, &r);
        while let Some(p) = pending.next_if(|p| p.line < r.line) {
            if rejected.len() < LISTED {
                rejected.push(p);
            }
        }
        let listed = if r.added {
            counts.added -= 1;
            counts.rejected += 1;
            if last_listed.is_some_and(|l| r.line <= l) {
                unlisted.push(r.line);
            }
            true
        } else {
            // Rejected for another reason, checked after its keys: the repeat is the reason.
            pending.next_if(|p| p.line == r.line).is_some()
        };
        if listed && rejected.len() < LISTED {
            rejected.push(Rejection {
                file: source.clone(),
                line: r.line,
                column,
                reason,
            });
        }
        Ok(())
    })?;
    for p in pending {
        if rejected.len() < LISTED {
            rejected.push(p);
        }
    }
    preview.rejected = rejected;
    if !unlisted.is_empty() {
        preview
            .added
            .retain(|c| unlisted.binary_search(&c.line).is_err());
    }
    let want = preview.counts.added.min(LISTED);
    if let Some(after) = last_listed
        && preview.added.len() < want
    {
        let more = store::import::staged_added_after(conn, after, want - preview.added.len())?;
        for (line, what) in more {
            preview.added.push(Change {
                line,
                what,
                fields: Vec::new(),
            });
        }
    }
    Ok(still_added)
}

/// Why a row with a key claimed above it is rejected: its column and the reason.
fn repeat_reason(cols: &Columns, r: &StagedRepeat) -> Reject {
    match r.kind {
        store::import::STAGED_INN_KPP => {
            let (inn, kpp) = r.key.split_once('/').unwrap_or((&r.key, ""));
            (String::new(), repeated_inn_kpp(inn, kpp, r.first, ""))
        }
        store::import::STAGED_REG_NUM => {
            (cols.title(REG_NUM), repeated_reg_num(&r.key, r.first, ""))
        }
        _ => (
            cols.title(OGRN),
            repeated_ogrn(&r.key, r.first, &r.first_inn, &r.first_name),
        ),
    }
}

/// A row whose ИНН+КПП a row above claimed (`owner`: [`FREED`] when that row took them away from
/// a stored organization).
fn repeated_inn_kpp(inn: &str, kpp: &str, first: usize, owner: &str) -> String {
    if owner == FREED {
        format!(
            "ИНН {inn} и КПП {kpp} были у организации, которой строка {first} дала другой КПП: одна организация — одна строка; загрузите эту строку отдельно, после этого файла"
        )
    } else {
        format!("ИНН {inn} и КПП {kpp} уже были в строке {first}: одна организация — одна строка")
    }
}

/// A row whose code a row above claimed (`owner` as in [`repeated_inn_kpp`]).
fn repeated_reg_num(reg_num: &str, first: usize, owner: &str) -> String {
    if owner == FREED {
        format!(
            "код {reg_num} был у организации, которой строка {first} дала другой код: одна организация — одна строка; загрузите эту строку отдельно, после этого файла"
        )
    } else {
        format!("код {reg_num} уже был в строке {first}: одна организация — одна строка")
    }
}

/// A row whose ОГРН a row above with another ИНН claimed (that row's ИНН and name).
fn repeated_ogrn(ogrn: &str, first: usize, other_inn: &str, other_name: &str) -> String {
    let name = match other_name {
        "" => String::new(),
        name => format!(" «{name}»"),
    };
    format!(
        "ОГРН {ogrn} уже был в строке {first} у организации{name} с ИНН {other_inn}: один ОГРН — одно юридическое лицо с одним ИНН"
    )
}

/// The read stage: the row's identifiers (ИНН, КПП, regNum) padded and checked, its cells kept
/// (moved out of the row, not copied); a cell that looks like a formula rejects the row.
fn read_row(cols: &Columns, mut row: Row) -> Result<OrgRow, Reject> {
    if let Some((col, text)) = formula_cells(&row) {
        return Err((
            cols.header.cell(col).to_string(),
            format!(
                "ячейка «{text}» похожа на формулу Excel; уберите знак «=», «+», «-» или «@» в начале"
            ),
        ));
    }
    let mut cells: Vec<String> = Vec::with_capacity(FIELDS.len());
    for f in 0..FIELDS.len() {
        let cell = match cols.map.col(f) {
            // A column named by two fields (not expected of a header, but kept safe): the
            // first took it, the second copies it.
            Some(c) => match (0..f).find(|&g| cols.map.col(g) == Some(c)) {
                Some(g) => cells[g].clone(),
                None => row.cells.get_mut(c).map(std::mem::take).unwrap_or_default(),
            },
            None => String::new(),
        };
        cells.push(cell);
    }
    if let Some((inn, kpp)) = split_inn_kpp(&cells[INN], &cells[KPP]) {
        (cells[INN], cells[KPP]) = (inn, kpp);
    }
    let inn = pad(&cells[INN], 10);
    let kpp = pad(&cells[KPP], 9);
    if let Err(e) = ids::validate_inn(&inn) {
        return Err((cols.title(INN), e.to_string()));
    }
    if inn.len() != 10 {
        return Err((
            cols.title(INN),
            format!("ИНН {inn}: у организации 10 цифр, здесь ИНН физического лица"),
        ));
    }
    let reg_num = std::mem::take(&mut cells[REG_NUM]);
    if !kpp.is_empty()
        && let Err(e) = ids::validate_kpp(&kpp)
    {
        return Err((cols.title(KPP), e.to_string()));
    }
    if !reg_num.is_empty()
        && let Err(e) = ids::validate_reg_num(&reg_num)
    {
        return Err((cols.title(REG_NUM), e.to_string()));
    }
    Ok(OrgRow {
        line: row.line,
        inn,
        kpp,
        reg_num,
        cells,
    })
}

/// What is stored before the import, as far as matching needs to know.
#[derive(Clone, Copy)]
struct Stored {
    /// No organization is stored.
    none: bool,
}

/// The match stage: the row against the rows above it (its keys claimed: one organization, one
/// row; see the module's comment) and against the database as it was before the import —
/// ИНН+КПП and regNum must point at one organization, an ОГРН must not be another ИНН's — and the
/// founder by its ИНН.
fn match_row(
    conn: &rusqlite::Connection,
    cols: &Columns,
    founders: &HashMap<String, (i64, String)>,
    stored: Stored,
    row: &OrgRow,
) -> anyhow::Result<Result<Matched, Reject>> {
    let (inn, kpp, reg_in) = (&row.inn, &row.kpp, &row.reg_num);
    let ogrn_in = &row.cells[OGRN];
    // With nothing stored the claims are checked after reading ([`check_repeats`]).
    if !stored.none
        && let Some(rejected) = claim_keys(conn, cols, row)?
    {
        return Ok(Err(rejected));
    }
    // Each identifier of the row may point at a stored organization; they must agree.
    let by_key = match kpp.is_empty() || stored.none {
        true => None,
        false => store::import::org_by_inn_kpp(conn, inn, kpp)?,
    };
    // The code is unique: when the organization of ИНН+КПП holds it, it is the one it names (an
    // unchanged row, as on a second load of a file, needs one lookup, not two).
    let by_code = match reg_in.is_empty() || stored.none {
        true => None,
        false => match &by_key {
            Some(o) if o.reg_num == *reg_in => Some(o.clone()),
            _ => store::import::org_by_reg_num(conn, reg_in)?,
        },
    };
    if let Some(why) = identifier_conflict(inn, kpp, reg_in, by_key.as_ref(), by_code.as_ref()) {
        return Ok(Err((String::new(), why)));
    }
    let found_id = by_key.as_ref().or(by_code.as_ref()).map(|o| o.id);
    // A row naming a stored organization by both its stored keys (ИНН+КПП and code, as every
    // row of a second load of a file does) has just claimed them for itself, so a later row
    // finding that organization (by one of them) is rejected by that claim before it gets here:
    // claiming the organization too would change nothing.
    let named_by_both_keys = by_key.as_ref().is_some_and(|o| o.reg_num == *reg_in);
    if let Some(id) = found_id
        && !named_by_both_keys
        && let Some((first, _)) =
            store::import::seen_first(conn, SEEN_ORG, &id.to_string(), row.line, "")?
    {
        let label = by_key.as_ref().or(by_code.as_ref()).map(org_label);
        return Ok(Err((
            String::new(),
            format!(
                "организация {} уже была в строке {first}: одна организация — одна строка",
                label.unwrap_or_default()
            ),
        )));
    }
    if !ogrn_in.is_empty()
        && !stored.none
        && let Some(other) = store::import::org_by_ogrn_other_inn(conn, ogrn_in, inn)?
    {
        return Ok(Err((cols.title(OGRN), ogrn_conflict(&other, inn, ogrn_in))));
    }
    let founder_in = pad(&row.cells[FOUNDER], 10);
    let founder = (!founder_in.is_empty()).then(|| match founders.get(&founder_in) {
        Some((id, _)) => Ok(*id),
        None => Err((
            cols.title(FOUNDER),
            format!("уполномоченного органа с ИНН {founder_in} нет в базе"),
        )),
    });
    let code_holder = by_code.clone().filter(|o| Some(o.id) != found_id);
    Ok(Ok(Matched {
        found: by_key.or(by_code),
        code_holder,
        founder,
    }))
}

/// The match stage's claims, row by row (something is stored): every key of the row claimed in
/// the temporary table; the row is rejected (the column and why) when a row above claimed one
/// first — ИНН+КПП, then the code, then an ОГРН of another ИНН.
fn claim_keys(
    conn: &rusqlite::Connection,
    cols: &Columns,
    row: &OrgRow,
) -> anyhow::Result<Option<Reject>> {
    let (inn, kpp, reg_in) = (&row.inn, &row.kpp, &row.reg_num);
    let ogrn_in = &row.cells[OGRN];
    let key = format!("{inn}/{kpp}");
    let owner = ogrn_owner(inn, &row.cells[FULL_NAME]);
    let mut keys = Vec::with_capacity(3);
    if !kpp.is_empty() {
        keys.push(SeenKey {
            kind: SEEN_INN_KPP,
            key: &key,
            owner: "",
        });
    }
    if !reg_in.is_empty() {
        keys.push(SeenKey {
            kind: SEEN_REG_NUM,
            key: reg_in,
            owner: "",
        });
    }
    if !ogrn_in.is_empty() {
        keys.push(SeenKey {
            kind: SEEN_OGRN,
            key: ogrn_in,
            owner: &owner,
        });
    }
    let claims = store::import::seen_claim(conn, &keys, row.line)?;
    let claim_of = |kind: i64| {
        keys.iter()
            .zip(&claims)
            .find(|(k, _)| k.kind == kind)
            .and_then(|(_, c)| c.clone())
    };
    if let Some((first, owner)) = claim_of(SEEN_INN_KPP) {
        let why = repeated_inn_kpp(inn, kpp, first, &owner);
        return Ok(Some((String::new(), why)));
    }
    if let Some((first, owner)) = claim_of(SEEN_REG_NUM) {
        let why = repeated_reg_num(reg_in, first, &owner);
        return Ok(Some((cols.title(REG_NUM), why)));
    }
    if let Some((first, other)) = claim_of(SEEN_OGRN) {
        let (other_inn, other_name) = other.split_once('|').unwrap_or((&other, ""));
        if other_inn != inn {
            let why = repeated_ogrn(ogrn_in, first, other_inn, other_name);
            return Ok(Some((cols.title(OGRN), why)));
        }
    }
    Ok(None)
}

/// The keys a row takes away from the stored organization it changes (its КПП, regNum or ОГРН
/// replaced), claimed for the row: a later row naming one is rejected, as it would find that
/// organization in the database before the import and nothing after this row.
fn claim_freed(
    conn: &rusqlite::Connection,
    before: &OrgRecord,
    rec: &OrgRecord,
    line: usize,
) -> anyhow::Result<()> {
    let key = format!("{}/{}", before.inn, before.kpp);
    let mut freed = Vec::new();
    if before.kpp != rec.kpp && !before.kpp.is_empty() {
        freed.push(SeenKey {
            kind: SEEN_INN_KPP,
            key: &key,
            owner: FREED,
        });
    }
    if before.reg_num != rec.reg_num && !before.reg_num.is_empty() {
        freed.push(SeenKey {
            kind: SEEN_REG_NUM,
            key: &before.reg_num,
            owner: FREED,
        });
    }
    let owner = ogrn_owner(&before.inn, &before.full_name);
    if before.ogrn != rec.ogrn && !before.ogrn.is_empty() {
        freed.push(SeenKey {
            kind: SEEN_OGRN,
            key: &before.ogrn,
            owner: &owner,
        });
    }
    if !freed.is_empty() {
        store::import::seen_claim(conn, &freed, line)?;
    }
    Ok(())
}

/// The plan stage: the organization as the row would leave it, and whether that adds it,
/// changes it (field by field, old → new) or leaves it; a value that cannot be stored (ОГРН,
/// ОКТМО, sector, founder), a sector change of an organization already assessed, or a new
/// organization missing a required field rejects the row.
#[allow(clippy::type_complexity)]
fn plan_row(
    conn: &rusqlite::Connection,
    cols: &Columns,
    row: OrgRow,
    matched: Matched,
) -> anyhow::Result<Result<(OrgRecord, Option<OrgRecord>, Planned), Reject>> {
    let OrgRow {
        line,
        inn,
        kpp,
        reg_num,
        mut cells,
    } = row;
    // Each cell is used once: moved out, not copied.
    let mut get = |f: usize| std::mem::take(&mut cells[f]);
    let found = matched.found;
    let mut rec = match &found {
        Some(o) => o.clone(),
        None => OrgRecord::default(),
    };
    let set = |value: String, target: &mut String| {
        if !value.is_empty() {
            *target = value;
        }
    };
    set(get(FULL_NAME), &mut rec.full_name);
    set(get(SHORT_NAME), &mut rec.short_name);
    set(kpp, &mut rec.kpp);
    set(inn, &mut rec.inn);
    set(get(REGION), &mut rec.region);
    set(get(ADDRESS), &mut rec.address);
    set(get(WEBSITE), &mut rec.website);
    set(reg_num, &mut rec.reg_num);
    // The last value that cannot be stored is the one named.
    let mut bad = None;
    let ogrn = get(OGRN);
    if !ogrn.is_empty() {
        match ids::validate_ogrn(&ogrn) {
            Ok(()) => rec.ogrn = ogrn,
            Err(e) => bad = Some((OGRN, e.to_string())),
        }
    }
    let oktmo = pad(&get(OKTMO), 8);
    if !oktmo.is_empty() {
        match ids::validate_oktmo(&oktmo) {
            Ok(()) => rec.oktmo = oktmo,
            Err(e) => bad = Some((OKTMO, e.to_string())),
        }
    }
    let sector = get(SECTOR);
    if !sector.is_empty() {
        match Sector::recognize(&sector) {
            Some(s) => rec.sector = s.code().to_string(),
            None => {
                bad = Some((
                    SECTOR,
                    format!(
                        "неизвестная сфера «{sector}»: укажите социальное обслуживание, охрана здоровья, культура или образование"
                    ),
                ))
            }
        }
    }
    let mut bad = bad.map(|(f, why)| (cols.title(f), why));
    match matched.founder {
        Some(Ok(id)) => rec.founder_id = Some(id),
        Some(Err(why)) => bad = Some(why),
        None => {}
    }
    if let Some(why) = bad {
        return Ok(Err(why));
    }
    // The sector of an organization already assessed stays: its cycles are of that sector.
    if let Some(before) = &found
        && !before.sector.is_empty()
        && rec.sector != before.sector
    {
        let cycles = store::import::org_cycles(conn, before.id)?;
        if !cycles.is_empty() {
            let list: Vec<String> = cycles
                .iter()
                .map(|(id, year)| format!("{id} ({year})"))
                .collect();
            return Ok(Err((
                cols.title(SECTOR),
                format!(
                    "сфера организации {} — {}, в файле — {}: организация уже участвует в циклах {} этой сферы, и ее сфера не меняется загрузкой; если это другая организация, дайте ей свои ИНН, КПП и код по Сводному реестру",
                    org_label(before),
                    sector_name(&before.sector),
                    sector_name(&rec.sector),
                    list.join(", ")
                ),
            )));
        }
    }
    if found.is_none() {
        let missing: Vec<&str> = [
            (FULL_NAME, &rec.full_name),
            (KPP, &rec.kpp),
            (OGRN, &rec.ogrn),
            (REG_NUM, &rec.reg_num),
            (SECTOR, &rec.sector),
            (REGION, &rec.region),
        ]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(f, _)| FIELDS[*f].title)
        .collect();
        if !missing.is_empty() {
            return Ok(Err((
                String::new(),
                format!(
                    "организации с ИНН {} нет в базе, а для новой не хватает: {}",
                    rec.inn,
                    missing.join(", ")
                ),
            )));
        }
    }
    // regNum must stay unique (checked in the match stage; kept as the last guard).
    if let Some(other) = &matched.code_holder {
        return Ok(Err((
            cols.title(REG_NUM),
            format!(
                "код {} уже у другой организации: {}",
                rec.reg_num,
                org_label(other)
            ),
        )));
    }
    let what = format!("ИНН {} КПП {} «{}»", rec.inn, rec.kpp, rec.full_name);
    let planned = match &found {
        None => Planned::Add(Change {
            line,
            what,
            fields: Vec::new(),
        }),
        Some(before) => {
            let fields = diff(before, &rec);
            let change = Change { line, what, fields };
            if change.fields.is_empty() {
                Planned::Leave(change)
            } else {
                Planned::Update(change)
            }
        }
    };
    Ok(Ok((rec, found, planned)))
}

/// The write stage (only when applying), row by row: a changed organization updated, with an
/// audit entry per field (a new one is staged by [`run`], to be inserted by [`write_added`]).
fn write_row(w: &Writer<'_>, rec: &OrgRecord, planned: &Planned) -> anyhow::Result<()> {
    match planned {
        Planned::Update(change) => {
            store::import::update_org(w.conn, rec)?;
            w.audit_change("organization", rec.id, change)?;
        }
        Planned::Add(_) | Planned::Leave(_) => {}
    }
    Ok(())
}

/// The write stage's end: the new organizations inserted at once in the order of the file, each
/// with its audit entry (see [`store::import::staged_orgs_begin`] for why not row by row). They
/// come after the changes of the file's other rows; that order is safe, as no row of the file
/// takes a key another row claimed (see the module's comment).
fn write_added(w: &Writer<'_>, staged: i64) -> anyhow::Result<()> {
    store::import::insert_staged_orgs(w.conn, staged, &w.at, &w.user, super::AUDIT_NOTE)?;
    Ok(())
}

/// The owner of a claimed ОГРН: «ИНН|name» (the name as the row gives it, "" when it gives none).
fn ogrn_owner(inn: &str, name: &str) -> String {
    format!("{inn}|{name}")
}

/// An organization as named in a conflict: «full name» (ИНН, КПП, код по Сводному реестру).
fn org_label(o: &OrgRecord) -> String {
    format!(
        "«{}» (ИНН {}, КПП {}, код {})",
        o.full_name, o.inn, o.kpp, o.reg_num
    )
}

fn sector_name(code: &str) -> String {
    Sector::parse(code).map_or_else(|| code.to_string(), |s| s.name_ru().to_string())
}

/// Why the row's ИНН+КПП and regNum cannot be one organization, if they cannot: they point at two
/// different stored organizations, or the regNum belongs to an organization with another ИНН (an
/// organization's ИНН does not change; a new ИНН is another organization).
fn identifier_conflict(
    inn: &str,
    kpp: &str,
    reg_num: &str,
    by_key: Option<&OrgRecord>,
    by_code: Option<&OrgRecord>,
) -> Option<String> {
    match (by_key, by_code) {
        (Some(a), Some(b)) if a.id != b.id => Some(format!(
            "ИНН {inn} и КПП {kpp} — организация {}, а код по Сводному реестру {reg_num} — другая организация, {}; одна строка не может менять две организации: исправьте ИНН, КПП или код",
            org_label(a),
            org_label(b)
        )),
        (None, Some(b)) if b.inn != inn => Some(format!(
            "код по Сводному реестру {reg_num} принадлежит организации {}, а в строке ИНН {inn}{}: ИНН организации не меняется, строка с другим ИНН — другая организация; исправьте код или ИНН",
            org_label(b),
            if kpp.is_empty() {
                String::new()
            } else {
                format!(" и КПП {kpp}")
            }
        )),
        _ => None,
    }
}

/// Why the row's ОГРН cannot be its: it is stored for `other`, an organization with another ИНН
/// (ОГРН and ИНН name the same legal entity; branches share both).
fn ogrn_conflict(other: &OrgRecord, inn: &str, ogrn: &str) -> String {
    format!(
        "ОГРН {ogrn} принадлежит организации {}, а в строке ИНН {inn}: один ОГРН — одно юридическое лицо с одним ИНН; исправьте ОГРН или ИНН",
        org_label(other)
    )
}

fn diff(a: &OrgRecord, b: &OrgRecord) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let pairs: [(&str, &String, &String); 11] = [
        ("Полное наименование", &a.full_name, &b.full_name),
        ("Сокращенное наименование", &a.short_name, &b.short_name),
        ("ИНН", &a.inn, &b.inn),
        ("КПП", &a.kpp, &b.kpp),
        ("ОГРН", &a.ogrn, &b.ogrn),
        ("Код по Сводному реестру", &a.reg_num, &b.reg_num),
        ("Сфера", &a.sector, &b.sector),
        ("Регион", &a.region, &b.region),
        ("ОКТМО", &a.oktmo, &b.oktmo),
        ("Адрес", &a.address, &b.address),
        ("Сайт", &a.website, &b.website),
    ];
    for (name, x, y) in pairs {
        if x != y {
            out.push((name.to_string(), x.clone(), y.clone()));
        }
    }
    if a.founder_id != b.founder_id {
        let s = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
        out.push(("Учредитель".to_string(), s(a.founder_id), s(b.founder_id)));
    }
    out
}
