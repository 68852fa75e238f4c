//! Values as people type them in spreadsheets: decimals with a comma or a point and spaces
//! between thousands, dates ДД.ММ.ГГГГ, yes/no, hierarchical item numbers, Roman numerals.

use chrono::NaiveDate;

/// A decimal number: `1 234,5`, `1234.5`, `12,0`, `-`. `None` when it is not a number.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let t = t.replace(',', ".");
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Yes/no as typed in a checklist column: `1`/`0`, `да`/`нет`, `есть`/`нет`, `+`/`-`,
/// «имеется»/«отсутствует» and «не имеется», in either number, in any case, with a final dot.
/// A dash «—» is not read: in Russian forms it says «no data» as often as «no».
pub fn parse_yes_no(text: &str) -> Option<f64> {
    let t = text.trim().to_lowercase();
    let t = t
        .trim_end_matches('.')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match t.as_str() {
        "1" | "да" | "есть" | "+" | "имеется" | "имеются" | "в наличии" | "yes" | "true" => {
            Some(1.0)
        }
        "0"
        | "нет"
        | "-"
        | "отсутствует"
        | "отсутствуют"
        | "не имеется"
        | "не имеются"
        | "нет в наличии"
        | "no"
        | "false" => Some(0.0),
        _ => None,
    }
}

/// A date written as ДД.ММ.ГГГГ, ДД.ММ.ГГ or ГГГГ-ММ-ДД, alone or after «до» (`до 31.12.2024`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut t = text.trim();
    for prefix in ["до ", "До ", "ДО "] {
        t = t.strip_prefix(prefix).unwrap_or(t).trim();
    }
    for suffix in ["года", "г.", "г"] {
        t = t.strip_suffix(suffix).unwrap_or(t).trim();
    }
    let in_range = |d: &NaiveDate| (2000..=2100).contains(&chrono::Datelike::year(d));
    NaiveDate::parse_from_str(t, "%d.%m.%Y")
        .ok()
        .filter(in_range)
        .or_else(|| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .filter(in_range)
        })
        .or_else(|| {
            // ДД.ММ.ГГ: two-digit years are this century.
            let parts: Vec<&str> = t.split('.').collect();
            match parts.as_slice() {
                [d, m, y] if y.len() == 2 => {
                    let (d, m, y) = (d.parse().ok()?, m.parse().ok()?, y.parse::<i32>().ok()?);
                    NaiveDate::from_ymd_opt(2000 + y, m, d)
                }
                _ => None,
            }
        })
}

/// An item number as written in plan tables — `1`, `1.1.`, `2.3`, `1,2` (OCR) — without the
/// trailing dot: `1.1`. `None` when the text is not such a number.
pub fn item_number(text: &str) -> Option<String> {
    let t = text.trim().replace(',', ".");
    let t = t.trim_end_matches('.').trim();
    if t.is_empty() || t.len() > 20 {
        return None;
    }
    let parts: Vec<&str> = t.split('.').map(str::trim).collect();
    if parts
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
    {
        Some(parts.join("."))
    } else {
        None
    }
}

/// The number of the item that holds `number`: `1.2.3` → `1.2`, `1` → none.
pub fn parent_number(number: &str) -> Option<&str> {
    number.rsplit_once('.').map(|(head, _)| head)
}

/// The value of a Roman numeral I…XX (Latin letters, or the Cyrillic look-alikes Х and І).
pub fn roman(text: &str) -> Option<u32> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            'Х' | 'х' => 'X',
            'І' | 'і' | 'l' | 'I' | 'i' => 'I',
            'V' | 'v' => 'V',
            other => other.to_ascii_uppercase(),
        })
        .collect();
    const NUMERALS: [&str; 20] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
    ];
    NUMERALS.iter().position(|n| *n == t).map(|i| i as u32 + 1)
}

/// A section heading such as «II. План мероприятий», «**I. Целевые показатели…**», «Раздел 2.
/// …» or «1. Подготовка…»: its number as written (`II`, `2`, `1`) and its title.
pub fn section_heading(text: &str) -> Option<(String, String)> {
    let t = text.trim().trim_matches('*').trim();
    let t = t
        .strip_prefix("Раздел ")
        .or_else(|| t.strip_prefix("РАЗДЕЛ "))
        .unwrap_or(t);
    let (head, rest) = t.split_once(['.', ' ', ')'])?;
    let title = rest
        .trim_start_matches(['.', ' ', ')'])
        .trim()
        .trim_matches('*')
        .trim();
    if !title.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    if roman(head).is_some() || item_number(head).is_some_and(|n| !n.contains('.')) {
        Some((head.trim().to_string(), title.to_string()))
    } else {
        None
    }
}

/// Text that a spreadsheet would take for a formula (`=SUM(…)`, `+7…`, `@…`). Imported cells like
/// that are refused: they are either a formula saved as text or an injection attempt.
pub fn looks_like_formula(text: &str) -> bool {
    let t = text.trim_start();
    match t.chars().next() {
        Some('=' | '@') => t.len() > 1,
        Some('+' | '-') => t
            .chars()
            .nth(1)
            .is_some_and(|c| c.is_alphabetic() || c == '('),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn yes_and_no_as_checklists_are_filled_in() {
        for yes in [
            "1",
            "Да",
            "ДА",
            "есть",
            "+",
            "Имеется",
            "имеются",
            "В наличии",
            "да.",
        ] {
            assert_eq!(parse_yes_no(yes), Some(1.0), "{yes}");
        }
        for no in [
            "0",
            "нет",
            "Нет.",
            "-",
            "отсутствует",
            "Отсутствуют",
            "не имеется",
            "Не  имеются",
        ] {
            assert_eq!(parse_yes_no(no), Some(0.0), "{no}");
        }
        for neither in ["—", "", "может быть", "да/нет", "2"] {
            assert_eq!(parse_yes_no(neither), None, "{neither}");
        }
    }

    #[test]
    fn decimals_with_comma_point_and_spaces() {
        assert_eq!(parse_decimal("1 234,5"), Some(1234.5));
        assert_eq!(parse_decimal("12.25"), Some(12.25));
        assert_eq!(parse_decimal("7"), Some(7.0));
        assert_eq!(parse_decimal("-"), None);
        assert_eq!(parse_decimal("десять"), None);
        assert_eq!(parse_decimal("1e400"), None);
    }

    #[test]
    fn dates_as_written() {
        assert_eq!(parse_date("31.12.2024"), Some(d(2024, 12, 31)));
        assert_eq!(parse_date("до 01.03.2025 г."), Some(d(2025, 3, 1)));
        assert_eq!(parse_date("01.03.25"), Some(d(2025, 3, 1)));
        assert_eq!(parse_date("2025-03-01"), Some(d(2025, 3, 1)));
        assert_eq!(parse_date("IV квартал 2024"), None);
        assert_eq!(parse_date("31.02.2024"), None);
    }

    #[test]
    fn item_numbers_and_sections() {
        assert_eq!(item_number("1.1."), Some("1.1".into()));
        assert_eq!(item_number("2"), Some("2".into()));
        assert_eq!(item_number("1,2"), Some("1.2".into()));
        assert_eq!(item_number("II"), None);
        assert_eq!(parent_number("1.2.3"), Some("1.2"));
        assert_eq!(parent_number("1"), None);
        assert_eq!(roman("IV"), Some(4));
        assert_eq!(roman("Х"), Some(10)); // Cyrillic Х
        assert_eq!(
            section_heading("**I. Целевые показатели**"),
            Some(("I".into(), "Целевые показатели".into()))
        );
        assert_eq!(
            section_heading("1. Подготовка к оценке"),
            Some(("1".into(), "Подготовка к оценке".into()))
        );
        assert_eq!(section_heading("1.1. Подготовка"), None);
        assert_eq!(section_heading("Постоянно"), None);
    }

    #[test]
    fn formulas_are_recognised() {
        assert!(looks_like_formula("=HYPERLINK(\"x\")"));
        assert!(looks_like_formula("+cmd|' /C calc'!A0"));
        assert!(looks_like_formula("@SUM(A1)"));
        assert!(!looks_like_formula("-"));
        assert!(!looks_like_formula("-5"));
        assert!(!looks_like_formula("Иванова"));
    }
}
