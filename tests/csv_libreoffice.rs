//! The Excel CSV opened by a real spreadsheet: LibreOffice Calc (headless, Russian locale, the
//! CSV filter's default options) converts a CSV written by `nok` to .ods, and calamine reads the
//! cells back. Codes keep their leading zeros as text, a phone number and text that looks like a
//! formula are shown exactly as written (no visible apostrophe, nothing evaluated), a date-like
//! code stays text, and numbers and dates stay numbers and dates.
//!
//! Without `soffice` the test is skipped with a reason; under CI (`CI` set) that is a failure
//! (.ci/run installs `libreoffice-calc-nogui`).

use std::path::PathBuf;
use std::process::Command;

use calamine::{Data, Ods, Reader, open_workbook};
use nok::exchange::csv::{Cell, write_excel_csv};

fn soffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("soffice"))
        .find(|p| p.is_file())
}

#[test]
fn libreoffice_reads_codes_as_text_with_zeros_and_evaluates_no_formula() {
    let Some(soffice) = soffice() else {
        if std::env::var_os("CI").is_some() {
            panic!("soffice is missing under CI: install libreoffice-calc-nogui");
        }
        eprintln!("skipped: soffice (LibreOffice) is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("table.csv");
    let long_dash = format!("- {}", "не обеспечен доступ ".repeat(15));
    let texts = [
        "0105012349",                     // ИНН of the Republic of Adygea: a leading zero
        "010501001",                      // КПП
        "03012345678",                    // ОКТМО, 11 digits
        "0312345678901",                  // regNum, 13 digits (would be 3.12E+11)
        "01.02",                          // a code that a spreadsheet takes for a date
        "+7 (4922) 32-00-00",             // a phone
        "=HYPERLINK(\"http://x\";\"a\")", // a formula
        "=1+2",
        "@SUM(A1)",
        "ГБУ «Ромашка» \"№ 5\"",
        long_dash.as_str(), // 302 characters beginning with a minus
    ];
    let headers: Vec<String> = ["Текст", "Число", "Дата"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows: Vec<Vec<Cell>> = texts
        .iter()
        .map(|t| {
            vec![
                Cell::Text(t.to_string()),
                Cell::Dec(92.46, 2),
                Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            ]
        })
        .collect();
    write_excel_csv(
        std::io::BufWriter::new(std::fs::File::create(&csv).unwrap()),
        &headers,
        rows,
    )
    .unwrap();

    // 59 = ';', 34 = '"', 76 = UTF-8, from line 1, standard columns, language 1049 (Russian).
    let profile = dir.path().join("profile");
    let out = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--infilter=CSV:59,34,76,1,,1049",
            "--convert-to",
            "ods",
        ])
        .arg("--outdir")
        .arg(dir.path())
        .arg(&csv)
        .output()
        .unwrap();
    let ods = dir.path().join("table.ods");
    assert!(
        ods.is_file(),
        "soffice wrote no .ods: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book: Ods<_> = open_workbook(&ods).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    for (i, t) in texts.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(
            range.get_value((row, 0)),
            Some(&Data::String(t.to_string())),
            "row {row}: {t:?}"
        );
        assert_eq!(range.get_value((row, 1)), Some(&Data::Float(92.46)));
        assert!(
            matches!(
                range.get_value((row, 2)),
                Some(Data::DateTime(_) | Data::DateTimeIso(_))
            ),
            "row {row}: a date, {:?}",
            range.get_value((row, 2))
        );
    }
}
