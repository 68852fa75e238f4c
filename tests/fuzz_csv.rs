//! Fuzzing the Excel CSV writer (`nok::exchange::csv`) with proptest for a fixed budget: any cell
//! text — quotes, `;`, line breaks, control characters, formula starts — comes back cell for cell
//! when the file is read as Excel reads it, and no cell can start a formula.
//!
//! `nok` reads no CSV yet; the importer's reader is fuzzed with it when it lands (branch
//! `import`): add its properties here (any bytes → a value or a Russian error naming the line and
//! the field, never a panic). Budget: `PROPTEST_CASES`; `fuzz/run.sh` reruns with a bigger one;
//! failing cases are kept in `fuzz/regressions/fuzz_csv.txt`.

mod fuzz_support;

use chrono::NaiveDate;
use nok::exchange::csv::{Cell, neutralise, write_excel_csv};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    fuzz_support::config("fuzz_csv", 300)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{0,30}",
        2 => "[=+@\\-\t\r;\"\n' a-zА-я0-9]{0,20}",
        1 => any::<String>(),
    ]
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        4 => text().prop_map(Cell::Text),
        1 => any::<i64>().prop_map(Cell::Int),
        1 => (-1.0e6f64..1.0e6, 0usize..4).prop_map(|(x, d)| Cell::Dec(x, d)),
        1 => (1900i32..2100, 1u32..=365).prop_map(|(y, d)| {
            Cell::Date(NaiveDate::from_yo_opt(y, d).unwrap())
        }),
        1 => Just(Cell::Empty),
    ]
}

/// Reads the file as Excel with a Russian locale does: BOM, `;`, quotes.
fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
    let s = std::str::from_utf8(bytes).expect("the file is UTF-8");
    let body = s
        .strip_prefix('\u{feff}')
        .expect("the file starts with a BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| {
            r.expect("the file reads")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_cell_comes_back_and_none_starts_a_formula(
        headers in prop::collection::vec(text(), 1..6),
        rows in prop::collection::vec(prop::collection::vec(cell(), 6), 0..12),
    ) {
        let width = headers.len();
        let rows: Vec<Vec<Cell>> = rows.into_iter().map(|mut r| { r.truncate(width); r }).collect();
        let mut out = Vec::new();
        write_excel_csv(&mut out, &headers, rows.clone()).unwrap();
        let back = read_back(&out);

        let expect_text = |s: &str| neutralise(s).into_owned();
        let mut expected = vec![headers.iter().map(|h| expect_text(h)).collect::<Vec<_>>()];
        for r in &rows {
            expected.push(
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => expect_text(s),
                        other => other.display().into_owned(),
                    })
                    .collect(),
            );
        }
        prop_assert_eq!(&back, &expected);
        for row in back.iter() {
            for (i, value) in row.iter().enumerate() {
                let numeric = rows.iter().any(|r| matches!(r.get(i), Some(Cell::Int(_) | Cell::Dec(..))));
                if !numeric {
                    prop_assert!(
                        !value.starts_with(['+', '-', '@', '\t', '\r']),
                        "a cell can start a formula: {:?}", value
                    );
                }
            }
        }
    }

    #[test]
    fn neutralised_text_is_the_text_or_a_formula_of_string_literals_only(s in any::<String>()) {
        let n = neutralise(&s);
        prop_assert!(!n.starts_with(['+', '-', '@', '\t', '\r', '\n']));
        if n == s {
            // Left as is only when it starts with no formula sign and is not all digits.
            prop_assert!(!s.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']));
            prop_assert!(!(s.chars().any(|c| c.is_ascii_digit())
                && s.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '.')));
        } else if let Some(rest) = n.strip_prefix('\'') {
            prop_assert_eq!(rest, s.as_str());
        } else {
            // What a spreadsheet evaluates the formula to: the literals joined.
            prop_assert_eq!(eval_literals(&n), Some(s.clone()), "{:?}", n);
        }
    }
}

/// Evaluates `="…"&"…"` (string literals with `""` for a quote, joined by `&`) as Excel and
/// LibreOffice do; `None` for anything else, so a formula with more than literals fails the test.
fn eval_literals(formula: &str) -> Option<String> {
    let mut chars = formula.strip_prefix('=')?.chars().peekable();
    let mut out = String::new();
    loop {
        if chars.next()? != '"' {
            return None;
        }
        let mut literal = 0usize;
        loop {
            match chars.next()? {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    out.push('"');
                }
                '"' => break,
                c => out.push(c),
            }
            literal += 1;
        }
        if literal > 255 {
            return None;
        }
        match chars.next() {
            None => return Some(out),
            Some('&') => {}
            Some(_) => return None,
        }
    }
}
