//! Word lists of the demo generator (`data/demo/*.txt`, embedded at compile time) and the small
//! text helpers that go with them: placeholder filling, feminine surnames, transliteration.
//!
//! The lists are parsed once. A malformed line is skipped and recorded in [`Lists::errors`]; it
//! never panics (the unit tests check that the embedded lists have no such lines).

use std::sync::LazyLock;

use crate::domain::sector::Sector;

const REGIONS: &str = include_str!("../../../data/demo/regions.txt");
const AUTHORITIES: &str = include_str!("../../../data/demo/authorities.txt");
const SECTORS: &str = include_str!("../../../data/demo/sectors.txt");
const LEGAL_FORMS: &str = include_str!("../../../data/demo/legal_forms.txt");
const ORG_TYPES: &str = include_str!("../../../data/demo/org_types.txt");
const NICKNAMES: &str = include_str!("../../../data/demo/nicknames.txt");
const DK_NAMES: &str = include_str!("../../../data/demo/dk_names.txt");
const STREETS: &str = include_str!("../../../data/demo/streets.txt");
const PEOPLE: &str = include_str!("../../../data/demo/people.txt");
const POSITIONS: &str = include_str!("../../../data/demo/positions.txt");
const GAPS: &str = include_str!("../../../data/demo/gaps.txt");
const CANCEL_REASONS: &str = include_str!("../../../data/demo/cancel_reasons.txt");
const PROGRESS_NOTES: &str = include_str!("../../../data/demo/progress_notes.txt");
const OPERATORS: &str = include_str!("../../../data/demo/operators.txt");
const COUNCIL: &str = include_str!("../../../data/demo/council.txt");
const INFO_PLAN: &str = include_str!("../../../data/demo/info_plan.txt");
const ORG_PLAN: &str = include_str!("../../../data/demo/org_plan.txt");

/// A line of a word list that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ListError {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

/// A city or municipal district of a region.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// «Ковров».
    pub name: String,
    /// «Коврова».
    pub genitive: String,
    /// «Ковровский».
    pub adj_m: String,
    /// «Ковровская».
    pub adj_f: String,
    /// The municipal unit in the genitive: «Ковровского района».
    pub district: String,
    /// Base postal code, 6 digits.
    pub postal: u32,
    /// ОКТМО of the municipal unit, 8 digits.
    pub oktmo: String,
    /// Latin slug for websites: `kovrov`.
    pub slug: String,
    pub weight: u32,
}

/// A region (субъект РФ).
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub nom: String,
    pub genitive: String,
    pub abbr: String,
    /// Adjective for universities: «Владимирский».
    pub adj: String,
    /// Region code of ИНН / ОГРН, 2 digits.
    pub tax: String,
    /// First two digits of ОКТМО.
    pub okato: String,
    pub domain: String,
    /// Naming style of the authorities (see `authorities.txt`).
    pub style: String,
    /// Codes of tax inspections (2 digits each, 1 to 20 of them) used in ИНН, КПП and ОГРН.
    pub ifns: Vec<String>,
    /// First three digits of regNum.
    pub budget: String,
    pub cities: Vec<City>,
}

/// Names of an authority of a style and sector (templates with `{gen}` and `{abbr}`).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorityForms {
    pub styles: Vec<String>,
    pub sector: Sector,
    pub nom: String,
    pub genitive: String,
    pub prep: String,
    pub short: String,
    pub subdomain: String,
    /// «распоряжение комитета», «приказ министерства».
    pub act: String,
}

/// Plural forms of «the organizations of a sector».
#[derive(Debug, Clone, PartialEq)]
pub struct SectorForms {
    pub sector: Sector,
    /// «медицинскими организациями».
    pub ins: String,
    /// «Медицинские организации».
    pub nom: String,
    /// «медицинских организаций».
    pub genitive: String,
    pub stand_required: u32,
    pub site_required: u32,
}

/// An organizational and legal form (ГБУЗ = государственное бюджетное учреждение здравоохранения).
#[derive(Debug, Clone, PartialEq)]
pub struct LegalForm {
    pub code: String,
    pub short: String,
    pub full: String,
}

/// How an organization's full name is built from its legal form and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// «<form> <region> «<name>»».
    Region,
    /// «<form> «<name>» г. <city>».
    City,
    /// «<form> «<name>»».
    Plain,
}

/// A kind of organization with its naming templates.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgType {
    pub sector: Sector,
    pub groups: Vec<String>,
    pub weight: u32,
    /// Indices into [`Lists::legal_forms`].
    pub forms: Vec<usize>,
    pub scope: Scope,
    pub name: String,
    pub short: String,
    /// Website stem; types with the same stem share their numbering.
    pub slug: String,
    pub head_m: String,
    pub head_f: String,
    pub respondents: (u32, u32),
}

impl OrgType {
    /// Whether the name carries a number (`{n}`).
    pub fn numbered(&self) -> bool {
        self.name.contains("{n}")
    }

    /// Whether the name depends on the city (and so is numbered per city).
    pub fn per_city(&self) -> bool {
        self.scope == Scope::City
            || ["{adj_m}", "{adj_f}", "{district}", "{city}", "{city_gen}"]
                .iter()
                .any(|p| self.name.contains(p))
    }
}

/// A male first name with the patronymics derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct MaleName {
    pub name: String,
    pub patronymic_m: String,
    pub patronymic_f: String,
}

/// Area of work of a responsible person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    Head,
    Deputy,
    Ahch,
    It,
    Ot,
    Hr,
}

impl Area {
    #[cfg(test)]
    pub const ALL: [Area; 6] = [
        Area::Head,
        Area::Deputy,
        Area::Ahch,
        Area::It,
        Area::Ot,
        Area::Hr,
    ];

    fn parse(s: &str) -> Option<Area> {
        Some(match s {
            "head" => Area::Head,
            "deputy" => Area::Deputy,
            "ahch" => Area::Ahch,
            "it" => Area::It,
            "ot" => Area::Ot,
            "hr" => Area::Hr,
            _ => return None,
        })
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A position (должность) in both genders.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub area: Area,
    /// `None` = every sector.
    pub sectors: Option<Vec<Sector>>,
    pub masc: String,
    pub fem: String,
}

/// What a gap in an input means: probabilities for generating it and the plan texts for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub key: String,
    /// Probability an item is present, mean completeness or mean satisfied share.
    pub p: f64,
    /// Share of respondents asked (survey questions only).
    pub asked: Option<(f64, f64)>,
    pub area: Area,
    pub shortcoming: String,
    pub measure: String,
    pub result: String,
    pub indicators: String,
    pub implemented: String,
}

/// Kinds of council meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingKind {
    List,
    Progress,
    Results,
    Plans,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingTemplate {
    pub kind: MeetingKind,
    pub agenda: String,
    pub decisions: String,
}

/// Which year a template date refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearRef {
    /// `{P}`: the year before the plan's year.
    Prev,
    /// `{Y}`: the plan's year.
    This,
    /// `{N}`: the year after.
    Next,
}

/// A due date as a template spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueSpec {
    None,
    MonthEnd(u32, YearRef),
    QuarterEnd(u32, YearRef),
    Day(u32, u32, YearRef),
    YearEnd(YearRef),
}

/// The kind of value a target indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Assessed,
    Sites,
    Meetings,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetTemplate {
    pub number: String,
    pub name: String,
    pub unit: String,
    pub kind: TargetKind,
    pub planned: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemTemplate {
    /// Index into [`PlanTemplate::sections`], if the plan has sections.
    pub section: Option<usize>,
    pub number: String,
    pub measure: String,
    pub form: String,
    pub deadline: String,
    pub due: DueSpec,
    pub executors: Vec<String>,
}

/// An authority plan document as a template.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanTemplate {
    pub title: String,
    pub sections: Vec<(String, String)>,
    pub targets: Vec<TargetTemplate>,
    pub items: Vec<ItemTemplate>,
}

/// All word lists.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    pub regions: Vec<Region>,
    pub authorities: Vec<AuthorityForms>,
    pub sectors: Vec<SectorForms>,
    pub legal_forms: Vec<LegalForm>,
    pub org_types: Vec<OrgType>,
    pub nicknames: Vec<String>,
    pub dk_names: Vec<String>,
    pub streets: Vec<String>,
    pub surnames: Vec<String>,
    pub male: Vec<MaleName>,
    pub female: Vec<String>,
    pub positions: Vec<Position>,
    pub gaps: Vec<Gap>,
    pub cancel_reasons: Vec<String>,
    pub progress_notes: Vec<String>,
    pub operator_templates: Vec<String>,
    pub operator_brands: Vec<String>,
    pub council: Vec<MeetingTemplate>,
    pub info_plan: PlanTemplate,
    pub org_plan: PlanTemplate,
    /// Lines that were skipped.
    pub errors: Vec<ListError>,
}

static LISTS: LazyLock<Lists> = LazyLock::new(Lists::load);

/// The embedded word lists, parsed on first use.
pub fn lists() -> &'static Lists {
    &LISTS
}

/// Non-empty, non-comment lines with their 1-based numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// Placeholders a template of the lists may use.
const KNOWN_PLACEHOLDERS: &[&str] = &[
    "gen",
    "abbr",
    "adj_m",
    "adj_f",
    "district",
    "city",
    "city_gen",
    "n",
    "nick",
    "dk",
    "brand",
    "adj",
    "year",
    "orgs_ins",
    "orgs_gen",
    "orgs_nom",
    "region_gen",
    "auth",
    "auth_gen",
    "auth_prep",
    "operator",
    "site",
    "Y",
    "P",
    "N",
    "pct",
    "value",
    "d",
];

/// Checks that every `{name}` in `t` is a known placeholder and braces are balanced.
fn check_template(t: &str) -> Result<(), String> {
    let mut rest = t;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(format!("незакрытая фигурная скобка в «{t}»"));
        };
        let name = &after[..end];
        if !KNOWN_PLACEHOLDERS.contains(&name) {
            return Err(format!("неизвестная подстановка {{{name}}} в «{t}»"));
        }
        rest = &after[end + 1..];
    }
    if rest.contains('}') {
        return Err(format!("лишняя фигурная скобка в «{t}»"));
    }
    Ok(())
}

/// Replaces `{name}` placeholders by their values; unknown ones stay as written.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The feminine form of a Russian surname given in the masculine: Иванов → Иванова,
/// Ильин → Ильина, Островский → Островская, Толстой → Толстая; Шевченко, Черных stay.
pub fn feminine_surname(m: &str) -> String {
    for suffix in ["ов", "ев", "ёв", "ин", "ын"] {
        if m.ends_with(suffix) {
            return format!("{m}а");
        }
    }
    for suffix in ["ский", "цкий", "ой", "ый"] {
        if let Some(stem) = m.strip_suffix(suffix) {
            let tail = match suffix {
                "ский" => "ская",
                "цкий" => "цкая",
                _ => "ая",
            };
            return format!("{stem}{tail}");
        }
    }
    m.to_string()
}

/// The feminine form of an adjective in the masculine: Ковровский → Ковровская,
/// Гусь-Хрустальный → Гусь-Хрустальная, Стрежевской → Стрежевская.
pub fn feminine_adjective(m: &str) -> String {
    for suffix in ["ий", "ый", "ой"] {
        if let Some(stem) = m.strip_suffix(suffix) {
            return format!("{stem}ая");
        }
    }
    m.to_string()
}

/// A lowercase Latin slug of a Russian text for web addresses: «Гусь-Хрустальный» →
/// `gus-khrustalnyy`. Spaces and punctuation become single hyphens.
pub fn translit(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut hyphen = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let t: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                hyphen = false;
                continue;
            }
            _ => {
                if !hyphen && !out.is_empty() {
                    out.push('-');
                    hyphen = true;
                }
                continue;
            }
        };
        if !t.is_empty() {
            out.push_str(t);
            hyphen = false;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Upper-cases the first letter.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

struct Parser {
    file: &'static str,
    errors: Vec<ListError>,
}

impl Parser {
    fn err(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(ListError {
            file: self.file,
            line,
            message: message.into(),
        });
    }

    /// Splits into exactly `n` fields.
    fn fields<'a>(&mut self, line: usize, l: &'a str, n: usize) -> Option<Vec<&'a str>> {
        let f: Vec<&str> = l.split('|').map(str::trim).collect();
        if f.len() == n {
            Some(f)
        } else {
            self.err(line, format!("ожидается {n} полей, получено {}", f.len()));
            None
        }
    }

    fn templates(&mut self, line: usize, ts: &[&str]) -> bool {
        for t in ts {
            if let Err(e) = check_template(t) {
                self.err(line, e);
                return false;
            }
        }
        true
    }
}

fn simple_list(file: &'static str, text: &str, errors: &mut Vec<ListError>) -> Vec<String> {
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        if l.contains('|') || l.contains('{') {
            errors.push(ListError {
                file,
                line: n,
                message: "строка простого списка не должна содержать «|» или «{»".into(),
            });
        } else {
            out.push(l.to_string());
        }
    }
    out
}

fn parse_sector(s: &str) -> Option<Sector> {
    Sector::ALL.into_iter().find(|x| x.code() == s)
}

fn parse_range_u32(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-')?;
    let a: u32 = a.trim().parse().ok()?;
    let b: u32 = b.trim().parse().ok()?;
    (a >= 1 && a <= b).then_some((a, b))
}

fn parse_range_f64(s: &str) -> Option<(f64, f64)> {
    let (a, b) = s.split_once('-')?;
    let a: f64 = a.trim().parse().ok()?;
    let b: f64 = b.trim().parse().ok()?;
    (a > 0.0 && a <= b && b <= 1.0).then_some((a, b))
}

fn parse_year_ref(s: &str) -> Option<YearRef> {
    Some(match s {
        "{P}" => YearRef::Prev,
        "{Y}" => YearRef::This,
        "{N}" => YearRef::Next,
        _ => return None,
    })
}

fn parse_due(s: &str) -> Option<DueSpec> {
    if s.is_empty() || s == "-" {
        return Some(DueSpec::None);
    }
    let parts: Vec<&str> = s.split(':').collect();
    let num = |i: usize| -> Option<u32> { parts.get(i)?.parse().ok() };
    match parts.first().copied()? {
        "m" if parts.len() == 3 => {
            let m = num(1).filter(|m| (1..=12).contains(m))?;
            Some(DueSpec::MonthEnd(m, parse_year_ref(parts[2])?))
        }
        "q" if parts.len() == 3 => {
            let q = num(1).filter(|q| (1..=4).contains(q))?;
            Some(DueSpec::QuarterEnd(q, parse_year_ref(parts[2])?))
        }
        "d" if parts.len() == 4 => {
            let d = num(1).filter(|d| (1..=28).contains(d))?;
            let m = num(2).filter(|m| (1..=12).contains(m))?;
            Some(DueSpec::Day(d, m, parse_year_ref(parts[3])?))
        }
        "y" if parts.len() == 2 => Some(DueSpec::YearEnd(parse_year_ref(parts[1])?)),
        _ => None,
    }
}

impl Lists {
    /// Parses every embedded list, skipping and recording malformed lines.
    pub fn load() -> Lists {
        let mut lists = Lists::default();
        let mut errors = Vec::new();
        lists.regions = parse_regions(REGIONS, &mut errors);
        lists.authorities = parse_authorities(AUTHORITIES, &mut errors);
        lists.sectors = parse_sectors(SECTORS, &mut errors);
        lists.legal_forms = parse_legal_forms(LEGAL_FORMS, &mut errors);
        lists.org_types = parse_org_types(ORG_TYPES, &lists.legal_forms, &mut errors);
        lists.nicknames = simple_list("nicknames.txt", NICKNAMES, &mut errors);
        lists.dk_names = simple_list("dk_names.txt", DK_NAMES, &mut errors);
        lists.streets = simple_list("streets.txt", STREETS, &mut errors);
        parse_people(PEOPLE, &mut lists, &mut errors);
        lists.positions = parse_positions(POSITIONS, &mut errors);
        lists.gaps = parse_gaps(GAPS, &mut errors);
        lists.cancel_reasons = simple_list("cancel_reasons.txt", CANCEL_REASONS, &mut errors);
        lists.progress_notes = simple_list("progress_notes.txt", PROGRESS_NOTES, &mut errors);
        parse_operators(OPERATORS, &mut lists, &mut errors);
        lists.council = parse_council(COUNCIL, &mut errors);
        lists.info_plan = parse_plan("info_plan.txt", INFO_PLAN, &mut errors);
        lists.org_plan = parse_plan("org_plan.txt", ORG_PLAN, &mut errors);

        // A region is usable only when its style names an authority for every sector.
        let authorities = &lists.authorities;
        lists.regions.retain(|r| {
            let ok = Sector::ALL.iter().all(|&s| {
                authorities
                    .iter()
                    .any(|a| a.sector == s && a.styles.contains(&r.style))
            });
            if !ok {
                errors.push(ListError {
                    file: "regions.txt",
                    line: 0,
                    message: format!(
                        "для стиля «{}» региона «{}» заданы не все уполномоченные органы",
                        r.style, r.nom
                    ),
                });
            }
            ok && !r.cities.is_empty()
        });
        lists.errors = errors;
        lists
    }

    /// The authority names for a region's style and a sector.
    pub fn authority_forms(&self, style: &str, sector: Sector) -> Option<&AuthorityForms> {
        self.authorities
            .iter()
            .find(|a| a.sector == sector && a.styles.iter().any(|s| s == style))
    }

    pub fn sector_forms(&self, sector: Sector) -> Option<&SectorForms> {
        self.sectors.iter().find(|s| s.sector == sector)
    }

    pub fn gap(&self, key: &str) -> Option<&Gap> {
        self.gaps.iter().find(|g| g.key == key)
    }

    pub fn meeting(&self, kind: MeetingKind) -> Option<&MeetingTemplate> {
        self.council.iter().find(|m| m.kind == kind)
    }

    /// Positions of an area usable in a sector.
    pub fn positions_for(&self, area: Area, sector: Sector) -> Vec<&Position> {
        self.positions
            .iter()
            .filter(|p| p.area == area && p.sectors.as_ref().is_none_or(|ss| ss.contains(&sector)))
            .collect()
    }
}

fn parse_regions(text: &str, errors: &mut Vec<ListError>) -> Vec<Region> {
    let mut p = Parser {
        file: "regions.txt",
        errors: Vec::new(),
    };
    let mut regions: Vec<Region> = Vec::new();
    for (n, l) in lines(text) {
        if l.starts_with("R|") {
            let Some(f) = p.fields(n, l, 11) else {
                continue;
            };
            let ifns: Vec<String> = f[9].split(',').map(|s| s.trim().to_string()).collect();
            if !is_digits(f[5], 2)
                || !is_digits(f[6], 2)
                || !is_digits(f[10], 3)
                || ifns.is_empty()
                || ifns.len() > 20
                || ifns.iter().any(|i| !is_digits(i, 2))
            {
                p.err(n, "код региона, ОКТМО, инспекций или бюджета задан неверно");
                continue;
            }
            if regions.iter().any(|r| r.tax == f[5] || r.budget == f[10]) {
                p.err(n, "код региона или бюджета повторяется");
                continue;
            }
            regions.push(Region {
                nom: f[1].into(),
                genitive: f[2].into(),
                abbr: f[3].into(),
                adj: f[4].into(),
                tax: f[5].into(),
                okato: f[6].into(),
                domain: f[7].into(),
                style: f[8].into(),
                ifns,
                budget: f[10].into(),
                cities: Vec::new(),
            });
        } else if l.starts_with("C|") {
            let Some(f) = p.fields(n, l, 8) else { continue };
            let Some(region) = regions.last_mut() else {
                p.err(n, "город указан до первого региона");
                continue;
            };
            let postal: Option<u32> = is_digits(f[5], 6).then(|| f[5].parse().ok()).flatten();
            let weight: Option<u32> = f[7].parse().ok().filter(|&w| w > 0);
            let (Some(postal), Some(weight)) = (postal, weight) else {
                p.err(n, "индекс или вес задан неверно");
                continue;
            };
            if !is_digits(f[6], 8) || !f[6].starts_with(&region.okato) {
                p.err(
                    n,
                    "ОКТМО должен состоять из 8 цифр и начинаться с кода региона",
                );
                continue;
            }
            region.cities.push(City {
                name: f[1].into(),
                genitive: f[2].into(),
                adj_m: f[3].into(),
                adj_f: feminine_adjective(f[3]),
                district: f[4].into(),
                postal,
                oktmo: f[6].into(),
                slug: translit(f[1]),
                weight,
            });
        } else {
            p.err(n, "строка должна начинаться с R| или C|");
        }
    }
    errors.append(&mut p.errors);
    regions
}

fn parse_authorities(text: &str, errors: &mut Vec<ListError>) -> Vec<AuthorityForms> {
    let mut p = Parser {
        file: "authorities.txt",
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        let Some(f) = p.fields(n, l, 8) else { continue };
        let Some(sector) = parse_sector(f[1]) else {
            p.err(n, format!("неизвестная сфера «{}»", f[1]));
            continue;
        };
        if !p.templates(n, &f[2..6]) {
            continue;
        }
        out.push(AuthorityForms {
            styles: f[0].split(',').map(|s| s.trim().to_string()).collect(),
            sector,
            nom: f[2].into(),
            genitive: f[3].into(),
            prep: f[4].into(),
            short: f[5].into(),
            subdomain: f[6].into(),
            act: f[7].into(),
        });
    }
    errors.append(&mut p.errors);
    out
}

fn parse_sectors(text: &str, errors: &mut Vec<ListError>) -> Vec<SectorForms> {
    let mut p = Parser {
        file: "sectors.txt",
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        let Some(f) = p.fields(n, l, 6) else { continue };
        let Some(sector) = parse_sector(f[0]) else {
            p.err(n, format!("неизвестная сфера «{}»", f[0]));
            continue;
        };
        let (Ok(stand), Ok(site)) = (f[4].parse::<u32>(), f[5].parse::<u32>()) else {
            p.err(n, "число материалов задано неверно");
            continue;
        };
        if stand == 0 || site == 0 {
            p.err(n, "число материалов должно быть больше нуля");
            continue;
        }
        out.push(SectorForms {
            sector,
            ins: f[1].into(),
            nom: f[2].into(),
            genitive: f[3].into(),
            stand_required: stand,
            site_required: site,
        });
    }
    errors.append(&mut p.errors);
    out
}

fn parse_legal_forms(text: &str, errors: &mut Vec<ListError>) -> Vec<LegalForm> {
    let mut p = Parser {
        file: "legal_forms.txt",
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        let Some(f) = p.fields(n, l, 3) else { continue };
        out.push(LegalForm {
            code: f[0].into(),
            short: f[1].into(),
            full: f[2].into(),
        });
    }
    errors.append(&mut p.errors);
    out
}

fn parse_org_types(text: &str, forms: &[LegalForm], errors: &mut Vec<ListError>) -> Vec<OrgType> {
    let mut p = Parser {
        file: "org_types.txt",
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        let Some(f) = p.fields(n, l, 10) else {
            continue;
        };
        let Some(sector) = parse_sector(f[0]) else {
            p.err(n, format!("неизвестная сфера «{}»", f[0]));
            continue;
        };
        let Ok(weight) = f[2].parse::<u32>() else {
            p.err(n, "вес задан неверно");
            continue;
        };
        let form_idx: Option<Vec<usize>> = f[3]
            .split(',')
            .map(|c| forms.iter().position(|lf| lf.code == c.trim()))
            .collect();
        let Some(form_idx) = form_idx.filter(|v| !v.is_empty()) else {
            p.err(n, "неизвестная организационно-правовая форма");
            continue;
        };
        let scope = match f[4] {
            "region" => Scope::Region,
            "city" => Scope::City,
            "plain" => Scope::Plain,
            other => {
                p.err(n, format!("неизвестный охват «{other}»"));
                continue;
            }
        };
        if !p.templates(n, &[f[5], f[6]]) {
            continue;
        }
        let Some((head_m, head_f)) = f[8].split_once('/') else {
            p.err(n, "руководитель задается как «м./ж.»");
            continue;
        };
        let Some(respondents) = parse_range_u32(f[9]) else {
            p.err(n, "число опрошенных задается как «от-до»");
            continue;
        };
        if f[7].is_empty() || !f[7].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            p.err(n, "основа адреса сайта — латинские буквы, цифры и дефис");
            continue;
        }
        out.push(OrgType {
            sector,
            groups: f[1].split(',').map(|s| s.trim().to_string()).collect(),
            weight,
            forms: form_idx,
            scope,
            name: f[5].into(),
            short: f[6].into(),
            slug: f[7].into(),
            head_m: head_m.trim().into(),
            head_f: head_f.trim().into(),
            respondents,
        });
    }
    errors.append(&mut p.errors);
    out
}

fn parse_people(text: &str, lists: &mut Lists, errors: &mut Vec<ListError>) {
    let mut p = Parser {
        file: "people.txt",
        errors: Vec::new(),
    };
    for (n, l) in lines(text) {
        match l.split('|').next() {
            Some("S") => {
                if let Some(f) = p.fields(n, l, 2) {
                    lists.surnames.push(f[1].into());
                }
            }
            Some("F") => {
                if let Some(f) = p.fields(n, l, 2) {
                    lists.female.push(f[1].into());
                }
            }
            Some("M") => {
                if let Some(f) = p.fields(n, l, 4) {
                    lists.male.push(MaleName {
                        name: f[1].into(),
                        patronymic_m: f[2].into(),
                        patronymic_f: f[3].into(),
                    });
                }
            }
            _ => p.err(n, "строка должна начинаться с S|, M| или F|"),
        }
    }
    errors.append(&mut p.errors);
}

fn parse_positions(text: &str, errors: &mut Vec<ListError>) -> Vec<Position> {
    let mut p = Parser {
        file: "positions.txt",
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        let Some(f) = p.fields(n, l, 4) else { continue };
        let Some(area) = Area::parse(f[0]) else {
            p.err(n, format!("неизвестное направление «{}»", f[0]));
            continue;
        };
        let sectors = if f[1] == "*" {
            None
        } else {
            let s: Option<Vec<Sector>> = f[1].split(',').map(|s| parse_sector(s.trim())).collect();
            match s {
                Some(s) => Some(s),
                None => {
                    p.err(n, format!("неизвестная сфера в «{}»", f[1]));
                    continue;
                }
            }
        };
        out.push(Position {
            area,
            sectors,
            masc: f[2].into(),
            fem: f[3].into(),
        });
    }
    errors.append(&mut p.errors);
    out
}

fn parse_gaps(text: &str, errors: &mut Vec<ListError>) -> Vec<Gap> {
    let mut p = Parser {
        file: "gaps.txt",
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        let Some(f) = p.fields(n, l, 9) else { continue };
        let Some(prob) = f[1].parse::<f64>().ok().filter(|x| (0.0..=1.0).contains(x)) else {
            p.err(n, "вероятность должна быть числом от 0 до 1");
            continue;
        };
        let asked = if f[2] == "-" {
            None
        } else {
            match parse_range_f64(f[2]) {
                Some(r) => Some(r),
                None => {
                    p.err(n, "доля опрошенных задается как «от-до» в пределах (0, 1]");
                    continue;
                }
            }
        };
        let Some(area) = Area::parse(f[3]) else {
            p.err(n, format!("неизвестное направление «{}»", f[3]));
            continue;
        };
        if !p.templates(n, &f[4..9]) {
            continue;
        }
        out.push(Gap {
            key: f[0].into(),
            p: prob,
            asked,
            area,
            shortcoming: f[4].into(),
            measure: f[5].into(),
            result: f[6].into(),
            indicators: f[7].into(),
            implemented: f[8].into(),
        });
    }
    errors.append(&mut p.errors);
    out
}

fn parse_operators(text: &str, lists: &mut Lists, errors: &mut Vec<ListError>) {
    let mut p = Parser {
        file: "operators.txt",
        errors: Vec::new(),
    };
    for (n, l) in lines(text) {
        let Some(f) = p.fields(n, l, 2) else { continue };
        match f[0] {
            "O" if p.templates(n, &[f[1]]) => lists.operator_templates.push(f[1].into()),
            "B" => lists.operator_brands.push(f[1].into()),
            "O" => {}
            _ => p.err(n, "строка должна начинаться с O| или B|"),
        }
    }
    errors.append(&mut p.errors);
}

fn parse_council(text: &str, errors: &mut Vec<ListError>) -> Vec<MeetingTemplate> {
    let mut p = Parser {
        file: "council.txt",
        errors: Vec::new(),
    };
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        let Some(f) = p.fields(n, l, 3) else { continue };
        let kind = match f[0] {
            "list" => MeetingKind::List,
            "progress" => MeetingKind::Progress,
            "results" => MeetingKind::Results,
            "plans" => MeetingKind::Plans,
            other => {
                p.err(n, format!("неизвестный вид заседания «{other}»"));
                continue;
            }
        };
        if !p.templates(n, &f[1..3]) {
            continue;
        }
        out.push(MeetingTemplate {
            kind,
            agenda: f[1].into(),
            decisions: f[2].into(),
        });
    }
    errors.append(&mut p.errors);
    out
}

fn parse_plan(file: &'static str, text: &str, errors: &mut Vec<ListError>) -> PlanTemplate {
    let mut p = Parser {
        file,
        errors: Vec::new(),
    };
    let mut plan = PlanTemplate::default();
    for (n, l) in lines(text) {
        match l.split('|').next() {
            Some("W") => {
                if let Some(f) = p.fields(n, l, 2)
                    && p.templates(n, &[f[1]])
                {
                    plan.title = f[1].into();
                }
            }
            Some("S") => {
                if let Some(f) = p.fields(n, l, 3)
                    && p.templates(n, &[f[2]])
                {
                    plan.sections.push((f[1].into(), f[2].into()));
                }
            }
            Some("T") => {
                let Some(f) = p.fields(n, l, 6) else { continue };
                let kind = match f[4] {
                    "assessed" => TargetKind::Assessed,
                    "sites" => TargetKind::Sites,
                    "meetings" => TargetKind::Meetings,
                    other => {
                        p.err(n, format!("неизвестный вид показателя «{other}»"));
                        continue;
                    }
                };
                let Ok(planned) = f[5].parse::<f64>() else {
                    p.err(n, "плановое значение задано неверно");
                    continue;
                };
                if !p.templates(n, &[f[2]]) {
                    continue;
                }
                plan.targets.push(TargetTemplate {
                    number: f[1].into(),
                    name: f[2].into(),
                    unit: f[3].into(),
                    kind,
                    planned,
                });
            }
            Some("I") => {
                let Some(f) = p.fields(n, l, 7) else { continue };
                let Some(due) = parse_due(f[5]) else {
                    p.err(n, format!("срок для расчета «{}» задан неверно", f[5]));
                    continue;
                };
                if f[1].is_empty()
                    || !f[1]
                        .split('.')
                        .all(|s| is_digits(s, s.len()) && !s.is_empty())
                {
                    p.err(n, format!("номер пункта «{}» задан неверно", f[1]));
                    continue;
                }
                if !p.templates(n, &f[2..5]) {
                    continue;
                }
                let executors: Vec<String> = f[6]
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                plan.items.push(ItemTemplate {
                    section: plan.sections.len().checked_sub(1),
                    number: f[1].into(),
                    measure: f[2].into(),
                    form: f[3].into(),
                    deadline: f[4].into(),
                    due,
                    executors,
                });
            }
            _ => p.err(n, "строка должна начинаться с W|, S|, T| или I|"),
        }
    }
    if plan.title.is_empty() || plan.items.is_empty() {
        p.err(0, "в плане нет наименования или пунктов");
    }
    errors.append(&mut p.errors);
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lists_parse_without_errors() {
        let l = lists();
        assert!(l.errors.is_empty(), "{:#?}", l.errors);
        assert!(l.regions.len() >= 12);
        for r in &l.regions {
            assert!(r.cities.len() >= 4, "{}", r.nom);
        }
        for s in Sector::ALL {
            assert!(l.sector_forms(s).is_some());
            assert!(l.org_types.iter().any(|t| t.sector == s && t.numbered()));
            for a in Area::ALL {
                if a != Area::Head {
                    assert!(!l.positions_for(a, s).is_empty(), "{a:?} {s:?}");
                }
            }
        }
        assert!(l.surnames.len() >= 100);
        assert!(l.male.len() >= 30);
        assert!(l.female.len() >= 30);
        assert!(!l.cancel_reasons.is_empty() && !l.progress_notes.is_empty());
        assert!(!l.operator_templates.is_empty() && !l.operator_brands.is_empty());
        for k in [
            MeetingKind::List,
            MeetingKind::Progress,
            MeetingKind::Results,
            MeetingKind::Plans,
        ] {
            assert!(l.meeting(k).is_some());
        }
        assert_eq!(l.org_plan.sections.len(), 2);
        assert_eq!(l.org_plan.targets.len(), 3);
        assert!(l.info_plan.items.len() >= 10);
    }

    #[test]
    fn authority_names_are_unique_across_regions() {
        let l = lists();
        let mut names = std::collections::HashSet::new();
        let mut shorts = std::collections::HashSet::new();
        for r in &l.regions {
            for s in Sector::ALL {
                let a = l.authority_forms(&r.style, s).unwrap();
                let vars = [("gen", r.genitive.as_str()), ("abbr", r.abbr.as_str())];
                assert!(names.insert(fill(&a.nom, &vars)));
                assert!(
                    shorts.insert(fill(&a.short, &vars)),
                    "{}",
                    fill(&a.short, &vars)
                );
            }
            let slugs: std::collections::HashSet<&str> =
                r.cities.iter().map(|c| c.slug.as_str()).collect();
            assert_eq!(slugs.len(), r.cities.len());
        }
    }

    #[test]
    fn bad_lines_are_skipped_not_fatal() {
        let mut errors = Vec::new();
        let regions = parse_regions(
            "R|Тестовая область|Тестовой области|ТО|Тестовый|9X|41|t.ru|komitet|01|999\n\
             C|Город|Города|Городской|района|123456|41000000|1\n\
             R|Другая область|Другой области|ДО|Другой|98|41|d.ru|komitet|01|998\n\
             C|Город|Города|Городской|района|12345|41000000|1\n\
             C|Город|Города|Городской|района|123456|42000000|1\n\
             C|Город|Города|Городской|района|123456|41000000|1\n\
             C|слишком|мало\n",
            &mut errors,
        );
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].cities.len(), 1);
        assert_eq!(errors.len(), 5, "{errors:#?}");
        let mut errors = Vec::new();
        let plan = parse_plan("x", "I|1|a|b|c|q:5:{Y}|@auth\nI|x|a|b|c|-|\n", &mut errors);
        assert!(plan.items.is_empty());
        assert_eq!(errors.len(), 3);
        let mut errors = Vec::new();
        let gaps = parse_gaps(
            "k|1.5|-|it|a|b|c|d|e\nk|0.5|-|it|{oops}|b|c|d|e\n",
            &mut errors,
        );
        assert!(gaps.is_empty());
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn text_helpers() {
        assert_eq!(feminine_surname("Иванов"), "Иванова");
        assert_eq!(feminine_surname("Соловьев"), "Соловьева");
        assert_eq!(feminine_surname("Ильин"), "Ильина");
        assert_eq!(feminine_surname("Островский"), "Островская");
        assert_eq!(feminine_surname("Троицкий"), "Троицкая");
        assert_eq!(feminine_surname("Толстой"), "Толстая");
        assert_eq!(feminine_surname("Шевченко"), "Шевченко");
        assert_eq!(feminine_surname("Черных"), "Черных");
        assert_eq!(feminine_adjective("Ковровский"), "Ковровская");
        assert_eq!(feminine_adjective("Гусь-Хрустальный"), "Гусь-Хрустальная");
        assert_eq!(feminine_adjective("Стрежевской"), "Стрежевская");
        assert_eq!(translit("Гусь-Хрустальный"), "gus-khrustalnyy");
        assert_eq!(translit("Нижний Новгород"), "nizhniy-novgorod");
        assert_eq!(translit("Щёлково"), "shchelkovo");
        assert_eq!(capitalize("государственное"), "Государственное");
        assert_eq!(
            fill("«{a}» и {b}, {c}", &[("a", "x"), ("b", "y")]),
            "«x» и y, {c}"
        );
        assert_eq!(fill("нет {", &[]), "нет {");
        assert!(check_template("{adj_m} ЦРБ").is_ok());
        assert!(check_template("{nope}").is_err());
        assert!(check_template("{adj_m").is_err());
    }

    #[test]
    fn every_surname_has_a_distinct_feminine_form_or_an_invariant_ending() {
        for s in &lists().surnames {
            let f = feminine_surname(s);
            let invariant = ["ко", "их", "ых"].iter().any(|e| s.ends_with(e));
            assert!(invariant || f != *s, "{s}");
        }
    }

    #[test]
    fn texts_are_clean() {
        // No mojibake, no Latin look-alikes inside Cyrillic words, no straight quotes.
        let all = [
            REGIONS,
            AUTHORITIES,
            SECTORS,
            LEGAL_FORMS,
            ORG_TYPES,
            NICKNAMES,
            DK_NAMES,
            STREETS,
            PEOPLE,
            POSITIONS,
            GAPS,
            CANCEL_REASONS,
            PROGRESS_NOTES,
            OPERATORS,
            COUNCIL,
            INFO_PLAN,
            ORG_PLAN,
        ];
        for text in all {
            for (n, l) in lines(text) {
                assert!(!l.contains('\u{FFFD}') && !l.contains('Ð'), "{n}: {l}");
                assert!(!l.contains('"'), "{n}: {l}");
                for w in l.split(|c: char| !c.is_alphanumeric()) {
                    let cyr = w.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я'));
                    let lat = w.chars().any(|c| c.is_ascii_alphabetic());
                    assert!(!(cyr && lat), "mixed word «{w}» in line {n}: {l}");
                }
                let open = l.matches('«').count();
                let close = l.matches('»').count();
                assert_eq!(open, close, "unbalanced quotes in line {n}: {l}");
            }
        }
    }
}
