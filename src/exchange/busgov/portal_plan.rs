//! bus.gov.ru's own improvement-plan document, ТФФ 1.8.3 `planShortcomingInfoType` («Информация
//! о плане по устранению недостатков»): the plan and its execution in one document, in the
//! portal's types namespace ([`TYPES_NS`]), without the envelope (no header, positionId or
//! version). Elements in UPPER_SNAKE case, in the schema's order.
//!
//! Here: the document's content ([`PortalPlan`]), what keeps a document from being valid
//! ([`problems`], each naming the field to fill in), how a row's execution and responsible
//! person go into the portal's fields and back, and the reader of such documents for the import
//! ([`read`]: quick-xml, no DTD, no entities besides XML's five, bounded size).

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::events::Event;

use super::{TYPES_NS, clean};
use crate::domain::plan::Person;

/// The root element (in [`TYPES_NS`]).
pub const ROOT: &str = "planShortcomingInfoType";

/// The limits the schema sets on strings (characters).
pub const MAX_2000: usize = 2000;
pub const MAX_500: usize = 500;
pub const MAX_200: usize = 200;
pub const MAX_100: usize = 100;

/// The largest document the reader takes (bytes). A plan of a few hundred rows of 2,000
/// characters each is well under it.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// What MEASURES says of a cancelled row, before the reason.
pub const CANCELLED: &str = "Мероприятие отменено: ";

/// One row (SHORTCOMINGS).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub criterion_name: String,
    /// NAME — the shortcoming.
    pub name: String,
    /// ACTIVITY — the measure.
    pub activity: String,
    pub plan_date: Option<NaiveDate>,
    pub fio: String,
    pub position: String,
    pub fact_date: Option<NaiveDate>,
    /// MEASURES — measures taken (empty: none reported).
    pub measures: String,
    /// The row's number in nok, for messages only (not in the document).
    pub number: String,
}

/// A group of rows of one criterion (GROUPS_SHORTCOMINGS).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    pub criterion_name: String,
    pub rows: Vec<Row>,
}

/// An approving act (PLAN_SHORTCOMING_DOCUMENTS).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Act {
    pub name: String,
    pub kind: String,
    pub date: Option<NaiveDate>,
    pub number: String,
}

/// The document's content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortalPlan {
    pub rating_year: i32,
    pub social_council: String,
    pub plan_period: Option<i32>,
    pub destination_organization: String,
    pub scope_activity: String,
    pub inn: String,
    pub kpp: String,
    pub organization_approved: String,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub approve_date: Option<NaiveDate>,
    /// DESCRIPTION — how execution is controlled (empty: left out).
    pub description: String,
    pub groups: Vec<Group>,
    pub documents: Vec<Act>,
}

/// FIO as the portal wants it: surname, name and patronymic in that order, one space between,
/// empty parts left out («Иванова Анна Петровна», «Иванова А. П.» when only initials are kept).
pub fn fio(p: &Person) -> String {
    let mut s = String::new();
    for part in [&p.last_name, &p.first_name, &p.middle_name] {
        let part = part.split_whitespace().collect::<Vec<_>>().join(" ");
        if !part.is_empty() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&part);
        }
    }
    s
}

/// FIO back into parts: the first word is the surname, the second the name, the rest the
/// patronymic («Мамедов Рашид Али оглы» → «Али оглы»). [`fio`] of the result gives the same
/// string back (words are separated by single spaces).
pub fn split_fio(fio: &str, position: &str) -> Person {
    let mut words = fio.split_whitespace();
    let last_name = words.next().unwrap_or_default().to_string();
    let first_name = words.next().unwrap_or_default().to_string();
    let middle_name = words.collect::<Vec<_>>().join(" ");
    Person {
        last_name,
        first_name,
        middle_name,
        position: position.trim().to_string(),
    }
}

/// What goes into FACT_DATE and MEASURES for a row's execution: done — the date and the measures
/// taken; in progress — the measures taken so far, no date; cancelled — [`CANCELLED`] and the
/// reason, no date; planned — nothing.
pub fn execution(
    status: crate::domain::plan::PlanStatus,
    implemented: &str,
    actual: Option<NaiveDate>,
    cancel_reason: Option<&str>,
) -> (Option<NaiveDate>, String) {
    use crate::domain::plan::PlanStatus as S;
    match status {
        S::Done => (actual, implemented.trim().to_string()),
        S::InProgress => (None, implemented.trim().to_string()),
        S::Cancelled => (
            None,
            format!("{CANCELLED}{}", cancel_reason.unwrap_or_default().trim()),
        ),
        S::Planned => (None, String::new()),
    }
}

/// A row's execution as the document reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Execution {
    /// Nothing reported.
    None,
    /// Measures taken, no date yet.
    InProgress(String),
    Done(NaiveDate, String),
    Cancelled(String),
}

/// Reads FACT_DATE and MEASURES back ([`execution`] in reverse); `Err` names what is wrong.
pub fn execution_of(fact: Option<NaiveDate>, measures: &str) -> Result<Execution, String> {
    let m = measures.trim();
    match (fact, m) {
        (None, "") => Ok(Execution::None),
        (Some(_), "") => {
            Err("FACT_DATE без MEASURES: укажите принятые меры или уберите фактическую дату".into())
        }
        (Some(d), m) => Ok(Execution::Done(d, m.to_string())),
        (None, m) => match m.strip_prefix(CANCELLED.trim_end()) {
            Some(reason) if !reason.trim().is_empty() => {
                Ok(Execution::Cancelled(reason.trim().to_string()))
            }
            _ => Ok(Execution::InProgress(m.to_string())),
        },
    }
}

/// The length of a text as it is written (without what XML forbids), in characters.
fn chars(text: &str) -> usize {
    clean(text).chars().count()
}

fn blank(text: &str) -> bool {
    clean(text).trim().is_empty()
}

/// Why the document cannot be written valid: each entry names the field (the portal's element
/// and what to fill in, in Russian). Empty: it can.
pub fn problems(d: &PortalPlan) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |ok: bool, what: String| {
        if !ok {
            out.push(what);
        }
    };
    let text = |out: &mut Vec<String>, el: &str, ru: &str, v: &str, max: usize| {
        if blank(v) {
            out.push(format!("не указано: {ru} ({el})"));
        } else if chars(v) > max {
            out.push(format!(
                "{ru} ({el}): {} символов, портал принимает не больше {max}; сократите",
                chars(v)
            ));
        }
    };
    need(
        (2013..=2100).contains(&d.rating_year),
        format!("год оценки {} вне 2013…2100 (RATING_YEAR)", d.rating_year),
    );
    need(
        d.plan_period.is_some_and(|y| (2013..=2100).contains(&y)),
        "не указан период, на который сформирован план (PLAN_PERIOD): год в заголовке плана".into(),
    );
    let inn10 = d.inn.len() == 10 && d.inn.bytes().all(|b| b.is_ascii_digit());
    need(
        inn10,
        format!(
            "ИНН «{}» (INN): портал принимает только ИНН юридического лица из 10 цифр",
            d.inn
        ),
    );
    // Ten digits with a wrong check digit: `nok check` refuses it (VAL-09), so the export does.
    if inn10 && let Err(e) = crate::domain::ids::validate_inn(&d.inn) {
        need(
            false,
            format!(
                "ИНН «{}» (INN): {e}; исправьте реквизиты организации",
                d.inn
            ),
        );
    }
    need(
        d.kpp.len() == 9 && d.kpp.bytes().all(|b| b.is_ascii_digit()),
        format!(
            "КПП «{}» (KPP): нужно 9 цифр (реквизиты организации)",
            d.kpp
        ),
    );
    need(
        d.approve_date.is_some(),
        "не указана дата утверждения плана (APPROVE_DATE): заголовок плана или nok plans approved"
            .into(),
    );
    let mut texts = Vec::new();
    text(
        &mut texts,
        "SOCIAL_COUNCIL",
        "общественный совет",
        &d.social_council,
        MAX_2000,
    );
    text(
        &mut texts,
        "DESTINATION_ORGANIZATION",
        "наименование организации",
        &d.destination_organization,
        MAX_2000,
    );
    text(
        &mut texts,
        "SCOPE_ACTIVITY",
        "сфера деятельности",
        &d.scope_activity,
        MAX_2000,
    );
    text(
        &mut texts,
        "ORGANIZATION_APPROVED",
        "организация, утвердившая план",
        &d.organization_approved,
        MAX_2000,
    );
    text(
        &mut texts,
        "LAST_NAME",
        "фамилия утвердившего план",
        &d.last_name,
        MAX_100,
    );
    text(
        &mut texts,
        "FIRST_NAME",
        "имя утвердившего план",
        &d.first_name,
        MAX_100,
    );
    text(
        &mut texts,
        "MIDDLE_NAME",
        "отчество утвердившего план (портал требует его)",
        &d.middle_name,
        MAX_100,
    );
    if !blank(&d.description) && chars(&d.description) > MAX_2000 {
        texts.push(format!(
            "описание организации контроля (DESCRIPTION): {} символов, портал принимает не больше {MAX_2000}; сократите",
            chars(&d.description)
        ));
    }
    out.extend(texts);
    if d.groups.iter().all(|g| g.rows.is_empty()) {
        out.push("в плане нет строк (GROUPS_SHORTCOMINGS)".into());
    }
    for g in &d.groups {
        for r in &g.rows {
            let mut row = Vec::new();
            text(
                &mut row,
                "CRITERION_NAME",
                "наименование критерия",
                &r.criterion_name,
                MAX_2000,
            );
            text(&mut row, "NAME", "недостаток", &r.name, MAX_2000);
            text(&mut row, "ACTIVITY", "мероприятие", &r.activity, MAX_2000);
            if r.plan_date.is_none() {
                row.push("не указан плановый срок (PLAN_DATE)".into());
            }
            text(&mut row, "FIO", "ответственный (ФИО)", &r.fio, MAX_500);
            text(
                &mut row,
                "POSITION",
                "должность ответственного",
                &r.position,
                MAX_500,
            );
            if !blank(&r.measures) && chars(&r.measures) > MAX_2000 {
                row.push(format!(
                    "принятые меры (MEASURES): {} символов, портал принимает не больше {MAX_2000}; сократите",
                    chars(&r.measures)
                ));
            }
            out.extend(row.into_iter().map(|p| format!("строка {}: {p}", r.number)));
        }
    }
    for (i, a) in d.documents.iter().enumerate() {
        for (el, ru, v, max) in [
            ("DOC_NAME", "наименование", &a.name, MAX_500),
            ("DOC_TYPE", "вид", &a.kind, MAX_200),
            ("DOC_NUM", "номер", &a.number, MAX_200),
        ] {
            if !blank(v) && chars(v) > max {
                out.push(format!(
                    "акт {}: {ru} ({el}) — {} символов, портал принимает не больше {max}",
                    i + 1,
                    chars(v)
                ));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading a document (the import).

/// Why a file could not be read as this document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(pub String);

/// Whether the bytes look like this document: its root element is [`ROOT`] (checked on the
/// first element only).
pub fn is_portal_plan(bytes: &[u8]) -> bool {
    let mut r = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    for _ in 0..64 {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return e.local_name().as_ref() == ROOT;
            }
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
        buf.clear();
    }
    false
}

fn date_of(v: &str, path: &str) -> Result<NaiveDate, ReadError> {
    let v = v.trim();
    // A date may carry a time zone (`2026-01-15+03:00`); the day is what nok keeps.
    let v = if v.len() > 10 && v.is_char_boundary(10) {
        &v[..10]
    } else {
        v
    };
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| ReadError(format!("{path}: «{v}» — не дата ГГГГ-ММ-ДД")))
}

fn int_of(v: &str, path: &str) -> Result<i32, ReadError> {
    v.trim()
        .parse()
        .map_err(|_| ReadError(format!("{path}: «{}» — не целое число", v.trim())))
}

/// Reads a document. Only what the schema defines is taken; an unknown element, a DTD, an
/// unknown entity or a document over [`MAX_BYTES`] is refused with the reason (the path of the
/// element and the line).
pub fn read(bytes: &[u8]) -> Result<PortalPlan, ReadError> {
    if bytes.len() > MAX_BYTES {
        return Err(ReadError(format!(
            "файл больше {} МБ: это не план одной организации",
            MAX_BYTES / 1024 / 1024
        )));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| ReadError("файл не в кодировке UTF-8".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = quick_xml::NsReader::from_str(text);
    r.config_mut().expand_empty_elements = true;
    r.config_mut().check_end_names = true;
    let mut d = PortalPlan::default();
    let mut stack: Vec<String> = Vec::new();
    let mut value = String::new();
    let line = |pos: u64| {
        text.as_bytes()[..(pos as usize).min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    loop {
        let pos = r.buffer_position();
        let (ns, ev) = match r.read_resolved_event() {
            Ok(x) => x,
            Err(e) => {
                let at = line(r.error_position());
                return Err(ReadError(format!("строка {at}: не XML ({e})")));
            }
        };
        match ev {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                let in_types = matches!(&ns, quick_xml::name::ResolveResult::Bound(n) if n.as_ref() == TYPES_NS);
                if !in_types {
                    return Err(ReadError(format!(
                        "строка {}: элемент <{name}> не в пространстве имен {TYPES_NS}",
                        line(pos)
                    )));
                }
                let path = stack.join("/");
                let known = match (path.as_str(), name.as_str()) {
                    ("", ROOT) => true,
                    ("", _) => {
                        return Err(ReadError(format!(
                            "корневой элемент <{name}>, ожидается <{ROOT}>"
                        )));
                    }
                    (ROOT, "GROUPS_SHORTCOMINGS") => {
                        d.groups.push(Group::default());
                        true
                    }
                    (p, "SHORTCOMINGS") if p.ends_with("GROUPS_SHORTCOMINGS") => {
                        if let Some(g) = d.groups.last_mut() {
                            g.rows.push(Row {
                                number: format!(
                                    "{} (строка файла {})",
                                    g.rows.len() + 1,
                                    line(pos)
                                ),
                                ..Row::default()
                            });
                        }
                        true
                    }
                    (ROOT, "PLAN_SHORTCOMING_DOCUMENTS") => {
                        d.documents.push(Act::default());
                        true
                    }
                    _ => true,
                };
                if !known || stack.len() > 4 {
                    return Err(ReadError(format!(
                        "строка {}: элемент <{name}> здесь не предусмотрен",
                        line(pos)
                    )));
                }
                stack.push(name);
                value.clear();
            }
            Event::End(_) => {
                let path = stack.join("/");
                let v = std::mem::take(&mut value);
                let at = format!("{path} (строка {})", line(pos));
                let row = d.groups.last_mut().and_then(|g| g.rows.last_mut());
                match path.strip_prefix(ROOT).unwrap_or(&path) {
                    "/RATING_YEAR" => d.rating_year = int_of(&v, &at)?,
                    "/SOCIAL_COUNCIL" => d.social_council = v,
                    "/PLAN_PERIOD" => d.plan_period = Some(int_of(&v, &at)?),
                    "/DESTINATION_ORGANIZATION" => d.destination_organization = v,
                    "/SCOPE_ACTIVITY" => d.scope_activity = v,
                    "/INN" => d.inn = v.trim().to_string(),
                    "/KPP" => d.kpp = v.trim().to_string(),
                    "/ORGANIZATION_APPROVED" => d.organization_approved = v,
                    "/LAST_NAME" => d.last_name = v,
                    "/FIRST_NAME" => d.first_name = v,
                    "/MIDDLE_NAME" => d.middle_name = v,
                    "/APPROVE_DATE" => d.approve_date = Some(date_of(&v, &at)?),
                    "/DESCRIPTION" => d.description = v,
                    "/GROUPS_SHORTCOMINGS/CRITERION_NAME" => {
                        if let Some(g) = d.groups.last_mut() {
                            g.criterion_name = v;
                        }
                    }
                    p if p.starts_with("/GROUPS_SHORTCOMINGS/SHORTCOMINGS/") => {
                        let Some(row) = row else { continue };
                        match &p["/GROUPS_SHORTCOMINGS/SHORTCOMINGS/".len()..] {
                            "CRITERION_NAME" => row.criterion_name = v,
                            "NAME" => row.name = v,
                            "ACTIVITY" => row.activity = v,
                            "PLAN_DATE" => row.plan_date = Some(date_of(&v, &at)?),
                            "FIO" => row.fio = v,
                            "POSITION" => row.position = v,
                            "FACT_DATE" => row.fact_date = Some(date_of(&v, &at)?),
                            "MEASURES" => row.measures = v,
                            other => {
                                return Err(ReadError(format!(
                                    "{at}: элемент <{other}> не предусмотрен"
                                )));
                            }
                        }
                    }
                    p if p.starts_with("/PLAN_SHORTCOMING_DOCUMENTS/") => {
                        let Some(a) = d.documents.last_mut() else {
                            continue;
                        };
                        match &p["/PLAN_SHORTCOMING_DOCUMENTS/".len()..] {
                            "DOC_NAME" => a.name = v,
                            "DOC_TYPE" => a.kind = v,
                            "REG_DATE" => a.date = Some(date_of(&v, &at)?),
                            "DOC_NUM" => a.number = v,
                            other => {
                                return Err(ReadError(format!(
                                    "{at}: элемент <{other}> не предусмотрен"
                                )));
                            }
                        }
                    }
                    ""
                    | "/GROUPS_SHORTCOMINGS"
                    | "/GROUPS_SHORTCOMINGS/SHORTCOMINGS"
                    | "/PLAN_SHORTCOMING_DOCUMENTS" => {}
                    other => {
                        return Err(ReadError(format!(
                            "{at}: элемент <{}> не предусмотрен",
                            other.trim_start_matches('/')
                        )));
                    }
                }
                stack.pop();
            }
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::CData(t) => value.push_str(&t.xml10_content()),
            Event::GeneralRef(g) => {
                let s = match g.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match g.xml10_content().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => {
                            return Err(ReadError(format!(
                                "строка {}: неизвестная ссылка на сущность &{other};",
                                line(pos)
                            )));
                        }
                    },
                };
                value.push_str(&s);
            }
            Event::DocType(_) => {
                return Err(ReadError(
                    "объявление DOCTYPE не допускается (документ портала его не содержит)".into(),
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(ReadError("файл оборван: не закрыты элементы".into()));
    }
    if d.rating_year == 0 {
        return Err(ReadError(format!(
            "нет элемента RATING_YEAR: это не документ {ROOT}"
        )));
    }
    Ok(d)
}

/// A document found in what was given to import: its name (the file, or the zip entry) and the
/// document, or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub name: String,
    pub doc: Result<PortalPlan, ReadError>,
}

/// At most this many files are taken from a folder or a zip.
pub const MAX_FILES: usize = 20_000;
/// At most this many bytes are read from a zip in all (its entries uncompressed).
pub const MAX_TOTAL: u64 = 1024 * 1024 * 1024;

/// Whether `path` is (or holds) the portal's plan documents: an `.xml` file whose root is
/// [`ROOT`], a folder with one, or a zip with one. Used to send such files to this reader
/// rather than to the readers of tables and text.
pub fn is_source(path: &std::path::Path) -> bool {
    let ext = |p: &std::path::Path, e: &str| {
        p.extension()
            .is_some_and(|x| x.to_string_lossy().eq_ignore_ascii_case(e))
    };
    let head = |p: &std::path::Path| -> bool {
        use std::io::Read;
        let mut buf = vec![0u8; 4096];
        let Ok(mut f) = std::fs::File::open(p) else {
            return false;
        };
        let n = f.read(&mut buf).unwrap_or(0);
        // The first element may be cut off at 4 KiB: looking for the root's name is enough.
        let text = String::from_utf8_lossy(&buf[..n]);
        text.contains(&format!("<{ROOT}")) || text.contains(&format!(":{ROOT}"))
    };
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return false;
        };
        return entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| ext(p, "xml"))
            .take(MAX_FILES)
            .any(|p| head(&p));
    }
    if ext(path, "zip") {
        let Ok(f) = std::fs::File::open(path) else {
            return false;
        };
        let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(f)) else {
            return false;
        };
        for i in 0..zip.len().min(MAX_FILES) {
            let Ok(entry) = zip.by_index(i) else { continue };
            let name = entry.name().map(|n| n.to_lowercase()).unwrap_or_default();
            if name.ends_with(".xml") {
                use std::io::Read;
                let mut buf = Vec::new();
                if entry.take(4096).read_to_end(&mut buf).is_ok() {
                    let text = String::from_utf8_lossy(&buf);
                    if text.contains(&format!("<{ROOT}")) || text.contains(&format!(":{ROOT}")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
    ext(path, "xml") && head(path)
}

/// Reads the portal's plan documents from one `.xml` file, the `.xml` files of a folder (not its
/// subfolders) or of a zip. Other XML files (results, nok's own documents) are left out and
/// named in the second list. Nothing is extracted to disk; every file is read at most
/// [`MAX_BYTES`] far, a zip at most [`MAX_TOTAL`] in all and [`MAX_FILES`] files.
pub fn read_path(path: &std::path::Path) -> Result<(Vec<Found>, Vec<String>), ReadError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let io = |e: std::io::Error| ReadError(format!("не удалось прочитать {shown}: {e}"));
    let mut found = Vec::new();
    let mut other = Vec::new();
    let mut take = |name: String, bytes: Vec<u8>, found: &mut Vec<Found>| {
        if bytes.len() > MAX_BYTES {
            found.push(Found {
                name,
                doc: Err(ReadError(format!(
                    "файл больше {} МБ: это не план одной организации",
                    MAX_BYTES / 1024 / 1024
                ))),
            });
        } else if is_portal_plan(&bytes) {
            found.push(Found {
                doc: read(&bytes),
                name,
            });
        } else {
            other.push(name);
        }
    };
    let read_file = |p: &std::path::Path| -> Result<Vec<u8>, std::io::Error> {
        let mut buf = Vec::new();
        std::fs::File::open(p)?
            .take(MAX_BYTES as u64 + 1)
            .read_to_end(&mut buf)?;
        Ok(buf)
    };
    let is_xml = |n: &str| n.to_lowercase().ends_with(".xml");
    if path.is_dir() {
        let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_xml(&p.to_string_lossy()))
            .collect();
        names.sort();
        if names.len() > MAX_FILES {
            return Err(ReadError(format!(
                "в папке {shown} больше {MAX_FILES} файлов XML"
            )));
        }
        for p in names {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            take(name, read_file(&p).map_err(io)?, &mut found);
        }
    } else if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        let f = std::fs::File::open(path).map_err(io)?;
        let mut zip = zip::ZipArchive::new(std::io::BufReader::new(f))
            .map_err(|e| ReadError(format!("{shown} — не zip-архив: {e}")))?;
        if zip.len() > MAX_FILES {
            return Err(ReadError(format!(
                "в архиве {shown} больше {MAX_FILES} файлов"
            )));
        }
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let entry = zip
                .by_index(i)
                .map_err(|e| ReadError(format!("{shown}: запись {i}: {e}")))?;
            if entry.is_dir() {
                continue;
            }
            let name = entry
                .name()
                .map(|n| n.into_owned())
                .unwrap_or_else(|_| format!("запись {i}"));
            if !is_xml(&name) {
                continue;
            }
            let mut bytes = Vec::new();
            entry
                .take(MAX_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| ReadError(format!("{shown}: {name}: {e}")))?;
            total += bytes.len() as u64;
            if total > MAX_TOTAL {
                return Err(ReadError(format!(
                    "архив {shown} распаковывается больше чем в {} ГБ: это не пакет планов",
                    MAX_TOTAL / 1024 / 1024 / 1024
                )));
            }
            take(name, bytes, &mut found);
        }
    } else {
        take(shown.clone(), read_file(path).map_err(io)?, &mut found);
    }
    Ok((found, other))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::PlanStatus;

    #[test]
    fn fio_joins_and_splits_back() {
        let p = Person {
            last_name: " Мамедов ".into(),
            first_name: "Рашид".into(),
            middle_name: "Али  оглы".into(),
            position: "директор".into(),
        };
        assert_eq!(fio(&p), "Мамедов Рашид Али оглы");
        let back = split_fio("Мамедов Рашид Али оглы", " директор ");
        assert_eq!(back.last_name, "Мамедов");
        assert_eq!(back.first_name, "Рашид");
        assert_eq!(back.middle_name, "Али оглы");
        assert_eq!(back.position, "директор");
        assert_eq!(fio(&back), "Мамедов Рашид Али оглы");
        assert_eq!(
            fio(&split_fio("Иванова  А.П.", "x")),
            "Иванова А.П.",
            "initials stay one word"
        );
        assert_eq!(fio(&Person::default()), "");
    }

    #[test]
    fn execution_goes_out_and_comes_back() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1);
        let cases = [
            (
                PlanStatus::Done,
                "Пандус",
                d,
                None,
                Execution::Done(d.unwrap(), "Пандус".into()),
            ),
            (
                PlanStatus::InProgress,
                "Заказан",
                None,
                None,
                Execution::InProgress("Заказан".into()),
            ),
            (PlanStatus::InProgress, "", None, None, Execution::None),
            (PlanStatus::Planned, "", None, None, Execution::None),
            (
                PlanStatus::Cancelled,
                "",
                None,
                Some("нет средств"),
                Execution::Cancelled("нет средств".into()),
            ),
        ];
        for (status, m, date, reason, want) in cases {
            let (f, text) = execution(status, m, date, reason);
            assert_eq!(execution_of(f, &text).unwrap(), want, "{status:?}");
        }
        assert_eq!(
            execution(PlanStatus::Cancelled, "", None, Some("нет средств")).1,
            "Мероприятие отменено: нет средств"
        );
        assert!(execution_of(d, " ").is_err());
    }

    #[test]
    fn hostile_documents_are_refused() {
        for bad in [
            "<!DOCTYPE x [<!ENTITY a \"b\">]><planShortcomingInfoType xmlns=\"http://bus.gov.ru/types/1\"/>",
            "<planShortcomingInfoType xmlns=\"http://bus.gov.ru/types/1\"><RATING_YEAR>&a;</RATING_YEAR></planShortcomingInfoType>",
            "<planShortcomingInfoType><RATING_YEAR>2025</RATING_YEAR></planShortcomingInfoType>",
            "<planShortcomingInfoType xmlns=\"http://bus.gov.ru/types/1\"><RATING_YEAR>2025</RATING_YEAR><X/></planShortcomingInfoType>",
            "<planShortcomingInfoType xmlns=\"http://bus.gov.ru/types/1\"><RATING_YEAR>2025</RATING_YEAR>",
        ] {
            assert!(read(bad.as_bytes()).is_err(), "{bad}");
        }
        let big = vec![b' '; MAX_BYTES + 1];
        assert!(read(&big).unwrap_err().0.contains("больше"));
    }
}
