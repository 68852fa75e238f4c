//! Match stage, organizations: the organization of each response, from `--org` for the whole
//! file or from the row's ИНН, regNum or name (a name compared without case, quotes and
//! punctuation, then as a unique part of a stored name). Each distinct text is resolved once.

use std::collections::{BTreeMap, HashMap};

use super::columns::Col;
use crate::domain::sector::Sector;
use crate::store::import::OrgRecord;

/// Finds the organization of each row's text and keeps the texts no organization matched.
pub(super) struct OrgMatcher<'a> {
    orgs: Vec<&'a OrgRecord>,
    sector_orgs: Vec<&'a OrgRecord>,
    sector: Sector,
    kind: Col,
    /// Text → organization id, or why none (at most [`CACHE`] texts).
    cache: HashMap<String, Result<i64, String>>,
    /// Text not matched → (rows, first line, why).
    pub(super) unmatched: BTreeMap<String, (u64, usize, String)>,
}

/// How many distinct organization texts are remembered.
const CACHE: usize = 100_000;

impl<'a> OrgMatcher<'a> {
    /// A matcher of the column kind `kind` (ИНН, regNum or name) among `orgs`.
    pub(super) fn new(orgs: &'a [OrgRecord], sector: Sector, kind: Col) -> OrgMatcher<'a> {
        let orgs: Vec<&OrgRecord> = orgs.iter().collect();
        let sector_orgs = orgs
            .iter()
            .copied()
            .filter(|o| o.sector == sector.code())
            .collect();
        OrgMatcher {
            orgs,
            sector_orgs,
            sector,
            kind,
            cache: HashMap::new(),
            unmatched: BTreeMap::new(),
        }
    }

    /// The organization id of a row's text; `None` (and the text listed) when none matches.
    pub(super) fn find(&mut self, text: &str, line: usize) -> Option<i64> {
        let found = match self.cache.get(text) {
            Some(f) => f.clone(),
            None => {
                let f = resolve_org(&self.orgs, &self.sector_orgs, self.kind, text, self.sector);
                if self.cache.len() < CACHE {
                    self.cache.insert(text.to_string(), f.clone());
                }
                f
            }
        };
        match found {
            Ok(id) => Some(id),
            Err(why) => {
                let e = self
                    .unmatched
                    .entry(text.to_string())
                    .or_insert((0, line, why));
                e.0 += 1;
                None
            }
        }
    }
}

/// An organization by ИНН (one organization with it) or regNum.
pub(super) fn find_org_by_key<'a>(orgs: &[&'a OrgRecord], key: &str) -> Option<&'a OrgRecord> {
    let k = key.trim();
    // A 9-digit ИНН lost its leading zero in a spreadsheet.
    let inn = crate::domain::ids::with_leading_zeros(k, 10);
    let by_inn: Vec<_> = orgs.iter().filter(|o| o.inn == *inn).collect();
    if let [one] = by_inn.as_slice() {
        return Some(**one);
    }
    // A code's letters may be Cyrillic («792Ж0001»): compared in any case, letter by letter.
    let lower = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<Vec<_>>();
    let code = lower(k);
    orgs.iter()
        .find(|o| {
            !o.reg_num.is_empty()
                && o.reg_num
                    .chars()
                    .flat_map(char::to_lowercase)
                    .eq(code.iter().copied())
        })
        .copied()
}

fn resolve_org(
    orgs: &[&OrgRecord],
    sector_orgs: &[&OrgRecord],
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
fn match_name<'a>(orgs: &[&'a OrgRecord], text: &str) -> Option<&'a OrgRecord> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inn_without_its_leading_zero_finds_its_organization() {
        let adygea = OrgRecord {
            id: 1,
            inn: "0105043724".into(),
            reg_num: "792Ж0001".into(),
            ..OrgRecord::default()
        };
        let other = OrgRecord {
            id: 2,
            inn: "7707083893".into(),
            ..OrgRecord::default()
        };
        let orgs = [&adygea, &other];
        assert_eq!(find_org_by_key(&orgs, " 105043724 ").map(|o| o.id), Some(1));
        assert_eq!(find_org_by_key(&orgs, "0105043724").map(|o| o.id), Some(1));
        assert_eq!(find_org_by_key(&orgs, "792ж0001").map(|o| o.id), Some(1));
        assert_eq!(find_org_by_key(&orgs, "10504372").map(|o| o.id), None);
    }
}
