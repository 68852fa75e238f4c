//! A first day's files, shared by the terminal and the command-line first-day tests: three
//! organizations with valid identifiers, and the inputs template filled in as a person would in
//! Excel (the best values for every organization but one, which gets the worst). Every input at
//! its best gives every indicator 100, so S = 100,00; every numerator, checklist item and
//! waiting score at zero gives S = 0,00 (worked out on paper from the 2018 method).
#![allow(dead_code)] // each test file uses its own subset

use nok::domain::methodology::InputKind;
use nok::domain::sector::Sector;
use nok::service::methodology::Methods;

/// The details of ПАО Сбербанк's ИНН, КПП and ОГРН (real, valid numbers) for a made-up committee.
pub const DETAILS: [(&str, &str); 8] = [
    (
        "--name",
        "Комитет по социальной защите населения Ленинградской области",
    ),
    ("--short-name", "Комитет соцзащиты ЛО"),
    ("--region", "Ленинградская область"),
    ("--sector", "social"),
    ("--inn", "7707083893"),
    ("--kpp", "773601001"),
    ("--ogrn", "1027700132195"),
    ("--reg-num", "41200013"),
];

/// ИНН and ОГРН with their check digits worked out by hand (Python, outside nok):
/// ИНН 470000100d: Σ dᵢ·(2 4 10 3 5 9 4 6 8) mod 11 mod 10; ОГРН: the first 12 digits mod 11 mod 10.
pub const ORGS: [(&str, &str, &str); 3] = [
    (
        "ГБУ СО ЛО «Дом-интернат для престарелых № 1»",
        "4700001007",
        "1024700001006",
    ),
    (
        "ГАУ СО ЛО «Центр социального обслуживания Надежда»",
        "4700001014",
        "1024700001017",
    ),
    (
        "ЛОГБУ «Комплексный центр социального обслуживания населения»",
        "4700001021",
        "1024700001028",
    ),
];

pub fn orgs_csv() -> String {
    let mut s = String::from(
        "\u{feff}Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\r\n",
    );
    for (i, (name, inn, ogrn)) in ORGS.iter().enumerate() {
        s.push_str(&format!(
            "\"{name}\";{inn};470101001;{ogrn};412Ж000{i};социальное обслуживание;Ленинградская область\r\n"
        ));
    }
    s
}

/// Fills the template the UI saved, as a person would: the organization named `low` gets zero
/// for every numerator, checklist item and waiting score; the others the best values.
pub fn fill_template(path: &std::path::Path, low: &str) {
    let methods = Methods::builtin().unwrap();
    let method = methods.latest();
    // Header «код название» → what a best / a worst cell holds.
    let mut cells = std::collections::HashMap::new();
    for ind in method.indicators_for(Sector::Social) {
        for i in &ind.inputs {
            let short = i.key.rsplit('.').next().unwrap();
            let denominator = short.contains("required") || short.starts_with("asked");
            let (best, worst) = match i.kind {
                InputKind::Value => ("100", "0"),
                InputKind::Count if denominator => ("12", "12"),
                InputKind::Count => ("12", "0"),
            };
            cells.insert(format!("{} {}", ind.code, i.name), (best, worst));
        }
        for c in &ind.checklist {
            cells.insert(format!("{} {}", ind.code, c.name), ("да", "нет"));
        }
    }
    let text = std::fs::read_to_string(path).unwrap();
    let body = text
        .strip_prefix('\u{feff}')
        .expect("the template has a BOM");
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let header = rows[0].clone();
    assert_eq!(&header[..3], ["ИНН", "КПП", "Организация"]);
    assert_eq!(
        header.len() - 3,
        cells.len(),
        "a column for every input of the method: {header:?}"
    );
    assert_eq!(rows.len(), 4, "a row per organization: {rows:?}");
    for row in rows.iter_mut().skip(1) {
        let worst = row[2] == low;
        for (i, h) in header.iter().enumerate().skip(3) {
            let (b, w) = cells
                .get(h)
                .unwrap_or_else(|| panic!("column «{h}» is no input"));
            row[i] = (if worst { *w } else { *b }).to_string();
        }
    }
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    for r in &rows {
        out.write_record(r).unwrap();
    }
    std::fs::write(path, out.into_inner().unwrap()).unwrap();
}
