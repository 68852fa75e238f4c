//! `nok import orgs`: organizations matched by ИНН+КПП, then by regNum. A row whose identifiers
//! point at different stored organizations (ИНН+КПП at one and regNum at another, a regNum or an
//! ОГРН of another ИНН) is rejected naming both; the sector of an organization already in cycles
//! is not changed.

use std::collections::HashMap;

use crate::domain::ids;
use crate::domain::sector::Sector;
use crate::exchange::import::Sheet;
use crate::exchange::import::headers::Field;
use crate::store;
use crate::store::audit::Action;
use crate::store::import::OrgRecord;

use super::{
    Change, PROGRESS_EVERY, Preview, Progress, Writer, formula_cells, need_header, note_unknown,
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
    },
    Field {
        id: "short_name",
        title: "Сокращенное наименование",
        synonyms: &[
            "сокращенное наименование",
            "краткое наименование",
            "сокращенное наименование организации",
        ],
    },
    Field {
        id: "inn",
        title: "ИНН",
        synonyms: &["инн", "инн организации"],
    },
    Field {
        id: "kpp",
        title: "КПП",
        synonyms: &["кпп", "кпп организации"],
    },
    Field {
        id: "ogrn",
        title: "ОГРН",
        synonyms: &["огрн"],
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
        ],
    },
    Field {
        id: "sector",
        title: "Сфера",
        synonyms: &["сфера", "сфера деятельности", "отрасль"],
    },
    Field {
        id: "region",
        title: "Регион",
        synonyms: &[
            "регион",
            "субъект рф",
            "субъект российской федерации",
            "субъект",
        ],
    },
    Field {
        id: "oktmo",
        title: "ОКТМО",
        synonyms: &["октмо"],
    },
    Field {
        id: "address",
        title: "Адрес",
        synonyms: &[
            "адрес",
            "юридический адрес",
            "фактический адрес",
            "адрес организации",
        ],
    },
    Field {
        id: "website",
        title: "Сайт",
        synonyms: &["сайт", "официальный сайт", "адрес сайта"],
    },
    Field {
        id: "founder_inn",
        title: "ИНН учредителя",
        synonyms: &[
            "инн учредителя",
            "учредитель инн",
            "инн уполномоченного органа",
        ],
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
    if !value.is_empty() && value.len() < len && value.chars().all(|c| c.is_ascii_digit()) {
        format!("{value:0>len$}")
    } else {
        value.to_string()
    }
}

fn parse_sector(text: &str) -> Option<Sector> {
    Sector::parse(text).or_else(|| match text.trim().to_lowercase().as_str() {
        "здравоохранение" | "медицина" => Some(Sector::Health),
        "социальная защита" | "социальное обслуживание населения" | "соцзащита" => {
            Some(Sector::Social)
        }
        _ => None,
    })
}

pub(super) fn run(
    w: &Writer<'_>,
    sheet: &Sheet,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let (at, map) = need_header(sheet, FIELDS, 2)?;
    note_unknown(preview, &map);
    for (f, title) in [(INN, "ИНН")] {
        if map.col(f).is_none() {
            anyhow::bail!(
                "в файле {} нет колонки «{title}»: по ней организации сопоставляются с базой",
                sheet.source
            );
        }
    }
    preview.as_read.0 = FIELDS.iter().map(|f| f.title.to_string()).collect();
    let conn = w.conn;
    let mut existing = store::import::organizations(conn)?;
    let mut by_inn_kpp: HashMap<(String, String), usize> = HashMap::new();
    let mut by_reg: HashMap<String, usize> = HashMap::new();
    let mut by_ogrn: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, o) in existing.iter().enumerate() {
        by_inn_kpp.insert((o.inn.clone(), o.kpp.clone()), i);
        by_reg.insert(o.reg_num.clone(), i);
        if !o.ogrn.is_empty() {
            by_ogrn.entry(o.ogrn.clone()).or_default().push(i);
        }
    }
    let mut seen_ogrn: HashMap<String, (usize, String)> = HashMap::new();
    let founders = store::import::authorities_by_inn(conn)?;
    let mut seen_key: HashMap<(String, String), usize> = HashMap::new();
    let mut seen_reg: HashMap<String, usize> = HashMap::new();
    let rows = &sheet.rows[at + 1..];
    let total = rows.len() as u64;
    let col_title = |f: usize| {
        map.col(f).map_or(FIELDS[f].title.to_string(), |c| {
            sheet.rows[at].cell(c).to_string()
        })
    };
    for (n, row) in rows.iter().enumerate() {
        if n % PROGRESS_EVERY == 0 {
            progress(Progress::Checking {
                done: n as u64,
                total,
            });
        }
        // A repeated header (its ИНН cell has no digits; the full check is costly on every row).
        let repeated = || {
            !map.get(row, INN).chars().any(|c| c.is_ascii_digit())
                && crate::exchange::import::headers::is_header(row, FIELDS, 2).is_some()
        };
        if row.is_blank() || repeated() {
            continue;
        }
        let get = |f: usize| map.get(row, f).to_string();
        if !w.write {
            preview.as_read.1.push((0..FIELDS.len()).map(get).collect());
        }
        if let Some((col, text)) = formula_cells(row) {
            preview.reject(row.line, sheet.rows[at].cell(col), format!("ячейка «{text}» похожа на формулу Excel; уберите знак «=», «+», «-» или «@» в начале"));
            continue;
        }
        let inn = pad(&get(INN), 10);
        let kpp = pad(&get(KPP), 9);
        if let Err(e) = ids::validate_inn(&inn) {
            preview.reject(row.line, &col_title(INN), e.to_string());
            continue;
        }
        if inn.len() != 10 {
            preview.reject(
                row.line,
                &col_title(INN),
                format!("ИНН {inn}: у организации 10 цифр, здесь ИНН физического лица"),
            );
            continue;
        }
        // The key to match: ИНН+КПП when the file has КПП, else regNum.
        let reg_in = get(REG_NUM);
        if !kpp.is_empty()
            && let Err(e) = ids::validate_kpp(&kpp)
        {
            preview.reject(row.line, &col_title(KPP), e.to_string());
            continue;
        }
        if !reg_in.is_empty()
            && let Err(e) = ids::validate_reg_num(&reg_in)
        {
            preview.reject(row.line, &col_title(REG_NUM), e.to_string());
            continue;
        }
        let key = (inn.clone(), kpp.clone());
        if !kpp.is_empty()
            && let Some(first) = seen_key.insert(key.clone(), row.line)
        {
            preview.reject(row.line, "", format!("ИНН {inn} и КПП {kpp} уже были в строке {first}: одна организация — одна строка"));
            continue;
        }
        if !reg_in.is_empty()
            && let Some(first) = seen_reg.insert(reg_in.clone(), row.line)
        {
            preview.reject(
                row.line,
                &col_title(REG_NUM),
                format!("код {reg_in} уже был в строке {first}: одна организация — одна строка"),
            );
            continue;
        }
        // Each identifier of the row may point at a stored organization; they must agree.
        let by_key = (!kpp.is_empty())
            .then(|| by_inn_kpp.get(&key).copied())
            .flatten();
        let by_code = (!reg_in.is_empty())
            .then(|| by_reg.get(&reg_in).copied())
            .flatten();
        if let Some(why) = identifier_conflict(&existing, &inn, &kpp, &reg_in, by_key, by_code) {
            preview.reject(row.line, "", why);
            continue;
        }
        let ogrn_in = get(OGRN);
        if let Some(why) = ogrn_conflict(&existing, &by_ogrn, &inn, &ogrn_in) {
            preview.reject(row.line, &col_title(OGRN), why);
            continue;
        }
        if !ogrn_in.is_empty() {
            match seen_ogrn.get(&ogrn_in) {
                Some((first, other)) if *other != inn => {
                    preview.reject(
                        row.line,
                        &col_title(OGRN),
                        format!(
                            "ОГРН {ogrn_in} уже был в строке {first} у ИНН {other}: один ОГРН — одно юридическое лицо с одним ИНН"
                        ),
                    );
                    continue;
                }
                Some(_) => {}
                None => {
                    seen_ogrn.insert(ogrn_in.clone(), (row.line, inn.clone()));
                }
            }
        }
        let found = by_key.or(by_code);
        let mut rec = match found {
            Some(i) => existing[i].clone(),
            None => OrgRecord {
                inn: inn.clone(),
                kpp: kpp.clone(),
                ..OrgRecord::default()
            },
        };
        let before = rec.clone();
        let mut bad = None;
        let set = |_: usize, value: String, target: &mut String| {
            if !value.is_empty() {
                *target = value;
            }
        };
        set(FULL_NAME, get(FULL_NAME), &mut rec.full_name);
        set(SHORT_NAME, get(SHORT_NAME), &mut rec.short_name);
        set(KPP, kpp.clone(), &mut rec.kpp);
        set(INN, inn.clone(), &mut rec.inn);
        set(REGION, get(REGION), &mut rec.region);
        set(ADDRESS, get(ADDRESS), &mut rec.address);
        set(WEBSITE, get(WEBSITE), &mut rec.website);
        set(REG_NUM, reg_in.clone(), &mut rec.reg_num);
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
            match parse_sector(&sector) {
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
        let founder = pad(&get(FOUNDER), 10);
        if !founder.is_empty() {
            match founders.get(&founder) {
                Some((id, _)) => rec.founder_id = Some(*id),
                None => {
                    bad = Some((
                        FOUNDER,
                        format!("уполномоченного органа с ИНН {founder} нет в базе"),
                    ))
                }
            }
        }
        if let Some((f, why)) = bad {
            preview.reject(row.line, &col_title(f), why);
            continue;
        }
        // The sector of an organization already assessed stays: its cycles are of that sector.
        if let Some(i) = found
            && !before.sector.is_empty()
            && rec.sector != before.sector
        {
            let cycles = store::import::org_cycles(conn, before.id)?;
            if !cycles.is_empty() {
                let list: Vec<String> = cycles
                    .iter()
                    .map(|(id, year)| format!("{id} ({year})"))
                    .collect();
                preview.reject(
                    row.line,
                    &col_title(SECTOR),
                    format!(
                        "сфера организации {} — {}, в файле — {}: организация уже участвует в циклах {} этой сферы, и ее сфера не меняется загрузкой; если это другая организация, дайте ей свои ИНН, КПП и код по Сводному реестру",
                        org_label(&existing[i]),
                        sector_name(&before.sector),
                        sector_name(&rec.sector),
                        list.join(", ")
                    ),
                );
                continue;
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
                preview.reject(
                    row.line,
                    "",
                    format!(
                        "организации с ИНН {inn} нет в базе, а для новой не хватает: {}",
                        missing.join(", ")
                    ),
                );
                continue;
            }
        }
        // regNum must stay unique (checked above; kept as the last guard before writing).
        if let Some(&other) = by_reg.get(&rec.reg_num)
            && Some(other) != found
        {
            preview.reject(
                row.line,
                &col_title(REG_NUM),
                format!(
                    "код {} уже у другой организации: {}",
                    rec.reg_num,
                    org_label(&existing[other])
                ),
            );
            continue;
        }
        let what = format!("ИНН {} КПП {} «{}»", rec.inn, rec.kpp, rec.full_name);
        match found {
            None => {
                let change = Change {
                    line: row.line,
                    what,
                    fields: Vec::new(),
                };
                if w.write {
                    let id = store::import::insert_org(conn, &rec)?;
                    w.audit(
                        Action::Insert,
                        "organization",
                        Some(id),
                        None,
                        None,
                        Some(&change.what),
                    )?;
                    rec.id = id;
                }
                let idx = existing.len();
                by_inn_kpp.insert((rec.inn.clone(), rec.kpp.clone()), idx);
                by_reg.insert(rec.reg_num.clone(), idx);
                by_ogrn.entry(rec.ogrn.clone()).or_default().push(idx);
                existing.push(rec);
                preview.added.push(change);
            }
            Some(i) => {
                let fields = diff(&before, &rec);
                if fields.is_empty() {
                    preview.unchanged += 1;
                    continue;
                }
                let change = Change {
                    line: row.line,
                    what,
                    fields,
                };
                if w.write {
                    store::import::update_org(conn, &rec)?;
                    w.audit_change("organization", rec.id, &change)?;
                }
                // Keep the indexes true to the organization as it is now.
                by_inn_kpp.remove(&(before.inn.clone(), before.kpp.clone()));
                by_inn_kpp.insert((rec.inn.clone(), rec.kpp.clone()), i);
                by_reg.remove(&before.reg_num);
                by_reg.insert(rec.reg_num.clone(), i);
                if before.ogrn != rec.ogrn {
                    if let Some(v) = by_ogrn.get_mut(&before.ogrn) {
                        v.retain(|&x| x != i);
                    }
                    by_ogrn.entry(rec.ogrn.clone()).or_default().push(i);
                }
                existing[i] = rec;
                preview.changed.push(change);
            }
        }
    }
    progress(Progress::Checking { done: total, total });
    Ok(())
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
    existing: &[OrgRecord],
    inn: &str,
    kpp: &str,
    reg_num: &str,
    by_key: Option<usize>,
    by_code: Option<usize>,
) -> Option<String> {
    match (by_key, by_code) {
        (Some(a), Some(b)) if a != b => Some(format!(
            "ИНН {inn} и КПП {kpp} — организация {}, а код по Сводному реестру {reg_num} — другая организация, {}; одна строка не может менять две организации: исправьте ИНН, КПП или код",
            org_label(&existing[a]),
            org_label(&existing[b])
        )),
        (None, Some(b)) if existing[b].inn != inn => Some(format!(
            "код по Сводному реестру {reg_num} принадлежит организации {}, а в строке ИНН {inn}{}: ИНН организации не меняется, строка с другим ИНН — другая организация; исправьте код или ИНН",
            org_label(&existing[b]),
            if kpp.is_empty() {
                String::new()
            } else {
                format!(" и КПП {kpp}")
            }
        )),
        _ => None,
    }
}

/// Why the row's ОГРН cannot be its: it is stored for an organization with another ИНН (ОГРН and
/// ИНН name the same legal entity; branches share both).
fn ogrn_conflict(
    existing: &[OrgRecord],
    by_ogrn: &HashMap<String, Vec<usize>>,
    inn: &str,
    ogrn: &str,
) -> Option<String> {
    if ogrn.is_empty() {
        return None;
    }
    let other = by_ogrn
        .get(ogrn)?
        .iter()
        .map(|&i| &existing[i])
        .find(|o| o.inn != inn)?;
    Some(format!(
        "ОГРН {ogrn} принадлежит организации {}, а в строке ИНН {inn}: один ОГРН — одно юридическое лицо с одним ИНН; исправьте ОГРН или ИНН",
        org_label(other)
    ))
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
