//! Numbers, dates, stored text and file names as the published pages show them.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::domain::sector::Sector;

/// A score with the Russian decimal comma: `85.1` at 2 digits → «85,10».
pub fn dec(x: f64, digits: usize) -> String {
    crate::domain::decimal::fixed(x, digits)
}

/// A date as written in Russian documents: «01.12.2025».
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A stored time stamp `YYYY-MM-DDThh:mm:ss` as «30.11.2025 10:00»; other text is shown as it is.
pub fn stamp(text: &str) -> String {
    match chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
        Ok(t) => t.format("%d.%m.%Y %H:%M").to_string(),
        Err(_) => clean(text).into_owned(),
    }
}

/// Stored text made fit for HTML: control characters (C0 but line breaks and tabs, DEL, C1) and
/// bidi overrides are dropped, as they are not allowed in HTML text and could reorder what a
/// reader sees. Escaping of `<`, `&` and quotes is left to the template, which always does it.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(dropped) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|c| !dropped(*c)).collect())
}

fn dropped(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The non-empty lines of a stored text, cleaned (for paragraphs and line breaks).
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| clean(l).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The folder name of a cycle's publication: `2025-social-12` (year, sector code, cycle id — no
/// stored text, so nothing a user typed can reach the file system).
pub fn cycle_slug(year: i32, sector: Sector, cycle_id: i64) -> String {
    format!("{year}-{}-{cycle_id}", sector.code())
}

/// The page of an organization, relative to the site root: `org/<ИНН>-<КПП>.html` when both
/// are plain ASCII letters and digits (as real ones are), else `org/id-<id>.html`. The pair is
/// unique in the store and an ИНН never starts with letters, so no two organizations share a
/// page; and no stored text can make a path leave the `org/` folder.
pub fn org_file(org_id: i64, inn: &str, kpp: &str) -> String {
    let plain =
        |s: &str| !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if plain(inn) && plain(kpp) && inn.bytes().all(|b| b.is_ascii_digit()) {
        format!("org/{inn}-{kpp}.html")
    } else {
        format!("org/id-{org_id}.html")
    }
}

/// A group's page: `group-<n>.html`, `n` counting from 1 in the order groups are listed.
pub fn group_file(n: usize) -> String {
    format!("group-{n}.html")
}

/// A group as shown: the empty group is «без группы».
pub fn group_name(group: &str) -> Cow<'_, str> {
    if group.trim().is_empty() {
        Cow::Borrowed("без группы")
    } else {
        clean(group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_in_russian_form() {
        assert_eq!(dec(85.1, 2), "85,10");
        assert_eq!(dec(100.0, 2), "100,00");
        assert_eq!(dec(7.0, 0), "7");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
            "01.03.2025"
        );
        assert_eq!(stamp("2025-11-30T10:05:59"), "30.11.2025 10:05");
        assert_eq!(stamp("вчера"), "вчера");
    }

    #[test]
    fn control_characters_are_dropped_markup_is_kept_for_the_template() {
        assert_eq!(clean("a\u{1b}[31mb\u{0}c\u{202e}d"), "a[31mbcd");
        assert_eq!(clean("<b>&\"'"), "<b>&\"'");
        assert!(matches!(clean("обычный"), Cow::Borrowed(_)));
        assert_eq!(lines(" раз \r\n\n два\u{7}\n"), ["раз", "два"]);
    }

    #[test]
    fn file_names_never_leave_their_folder() {
        assert_eq!(
            org_file(7, "7701234568", "770101001"),
            "org/7701234568-770101001.html"
        );
        assert_eq!(
            org_file(7, "7701234568", "7701AB001"),
            "org/7701234568-7701AB001.html"
        );
        assert_eq!(org_file(7, "7701234568", "../../etc"), "org/id-7.html");
        assert_eq!(org_file(7, "77/1", "770101001"), "org/id-7.html");
        assert_eq!(org_file(7, "id", "770101001"), "org/id-7.html");
        assert_eq!(org_file(7, "", "770101001"), "org/id-7.html");
        assert_eq!(org_file(7, "7701234568", "7701\u{0}"), "org/id-7.html");
        assert_eq!(org_file(7, "７７０", "770101001"), "org/id-7.html");
        assert_eq!(cycle_slug(2025, Sector::Culture, 12), "2025-culture-12");
        assert_eq!(group_file(3), "group-3.html");
        assert_eq!(group_name(" "), "без группы");
    }
}
