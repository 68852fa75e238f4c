//! Registries of organizations as ministries and operators keep them: the same clean
//! organizations rendered in many layouts (the header worded in the ways registries word it,
//! columns in any order, extra columns nok does not know — among them «Адрес электронной почты»
//! and «Телефон» beside the address —, a title and notes above the header, the row of column
//! numbers under it, a total line (of one cell or of several) below,
//! ИНН and КПП in one «ИНН/КПП» cell, identifiers saved as numbers without their leading zeros,
//! the sector as the registry words it) and in the formats they come in (CSV from Excel in
//! UTF-8 with a BOM or Windows-1251, text copied from a table with tabs, xlsx with numbers as
//! numbers). Every variant is imported into an empty working database, and every organization
//! is compared field by field with its clean original, read back by plain SQL. The share of
//! organizations stored right is printed per kind of distortion and must be 100 %: each
//! distortion is one a real registry has, with one right reading.

mod import_support;

use std::collections::BTreeMap;

use import_support::{Rng, guessed_as, print_tally, show_variant, today, xlsx};
use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use nok::exchange::import::read_bytes;
use nok::service::import::guess::Guessed;
use nok::service::import::{Kind, apply};

/// A clean organization: what must be stored.
#[derive(Debug, Clone, PartialEq)]
struct Org {
    full_name: String,
    short_name: String,
    inn: String,
    kpp: String,
    ogrn: String,
    reg_num: String,
    /// The stored code, and the words the registry uses for it.
    sector: (&'static str, &'static str),
    region: String,
    oktmo: String,
    address: String,
    website: String,
}

const SECTORS: [(&str, &[&str]); 4] = [
    (
        "social",
        &[
            "Социальное обслуживание",
            "Социальная защита населения",
            "соцобслуживание",
        ],
    ),
    (
        "health",
        &["Здравоохранение", "Охрана здоровья", "медицина"],
    ),
    (
        "culture",
        &["Культура", "Культура и искусство", "учреждения культуры"],
    ),
    (
        "education",
        &[
            "Образование",
            "Дополнительное образование",
            "Общее образование",
        ],
    ),
];

/// Twelve organizations of Адыгея (ИНН 01…: the leading zero Excel drops), with valid check
/// digits worked out from their definitions (see `tests/import_support`).
fn orgs(rng: &mut Rng) -> Vec<Org> {
    let kinds = [
        (
            "Государственное бюджетное учреждение Республики Адыгея",
            "ГБУ РА",
        ),
        ("Муниципальное бюджетное учреждение культуры", "МБУК"),
        ("Государственное казенное учреждение", "ГКУ"),
        (
            "Муниципальное бюджетное общеобразовательное учреждение",
            "МБОУ",
        ),
    ];
    let places = [
        "Майкопский комплексный центр социального обслуживания населения",
        "Централизованная библиотечная система",
        "Адыгейская республиканская клиническая больница",
        "Средняя общеобразовательная школа № 5",
        "Дом культуры аула Хакуринохабль",
        "Кошехабльский центр социального обслуживания",
    ];
    (0..12u32)
        .map(|i| {
            let (kind, abbr) = kinds[i as usize % kinds.len()];
            let place = rng.pick(&places);
            let nine = format!("01050{:04}", 4000 + i * 7);
            let d: Vec<u8> = nine.bytes().map(|b| b - b'0').collect();
            let inn = format!(
                "{nine}{}",
                inn10_check_digit(&d.clone().try_into().unwrap())
            );
            let twelve = format!("1020100{:05}", 70_000 + i * 13);
            let d: Vec<u8> = twelve.bytes().map(|b| b - b'0').collect();
            let ogrn = format!("{twelve}{}", ogrn_check_digit(&d.try_into().unwrap()));
            let (code, words) = SECTORS[i as usize % 4];
            Org {
                full_name: format!("{kind} «{place} № {}»", i + 1),
                short_name: if i % 5 == 4 {
                    String::new()
                } else {
                    format!("{abbr} «{place} № {}»", i + 1)
                },
                inn,
                kpp: format!("0105010{:02}", i % 3 + 1),
                ogrn,
                reg_num: if i % 3 == 0 {
                    format!("79{:011}", 300 + i)
                } else {
                    format!("792Ж{:04}", 300 + i)
                },
                sector: (code, *rng.pick(words)),
                region: "Республика Адыгея".to_string(),
                oktmo: if i % 2 == 0 {
                    format!("79701{:03}", i)
                } else {
                    format!("79701000{:03}", i)
                },
                address: format!("385000, г. Майкоп, ул. Пионерская, д. {}", 10 + i),
                website: format!("https://org{i}.adygheya.ru"),
            }
        })
        .collect()
}

/// The fields of a registry, each with the headers registries give it.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    FullName,
    ShortName,
    Inn,
    Kpp,
    Ogrn,
    RegNum,
    Sector,
    Region,
    Oktmo,
    Address,
    Website,
}

fn headers(f: Field) -> &'static [&'static str] {
    match f {
        Field::FullName => &[
            "Полное наименование",
            "Полное наименование организации",
            "Наименование организации",
            "Наименование учреждения",
            "Наименование учреждения (полное)",
            "Наименование поставщика социальных услуг",
            "Полное наименование юридического лица",
            "Организация",
            "Наименование юридического лица",
            "Полное наименование учреждения (в соответствии с уставом)",
        ],
        Field::ShortName => &[
            "Сокращенное наименование",
            "Краткое наименование",
            "Наименование (краткое)",
            "Наименование (сокращенное)",
            "Сокращенное наименование организации",
            "Краткое наименование учреждения",
            "Сокр. наименование",
            "Сокращённое наименование",
        ],
        Field::Inn => &[
            "ИНН",
            "ИНН организации",
            "ИНН учреждения",
            "ИНН юридического лица",
            "ИНН юр. лица",
        ],
        Field::Kpp => &["КПП", "КПП организации", "КПП учреждения"],
        Field::Ogrn => &["ОГРН", "ОГРН организации", "ОГРН юридического лица"],
        Field::RegNum => &[
            "Код по Сводному реестру",
            "Код по СР",
            "Код организации по Сводному реестру",
            "Код по сводному реестру участников бюджетного процесса",
            "regNum",
            "Код ПГМУ",
            "Код учреждения по Сводному реестру",
            "Уникальный код организации по Сводному реестру",
        ],
        Field::Sector => &[
            "Сфера",
            "Сфера деятельности",
            "Отрасль",
            "Вид деятельности",
            "Сфера (отрасль)",
        ],
        Field::Region => &[
            "Регион",
            "Субъект РФ",
            "Субъект Российской Федерации",
            "Субъект",
            "Наименование субъекта РФ",
            "Субъект РФ (регион)",
        ],
        Field::Oktmo => &["ОКТМО", "Код ОКТМО", "ОКТМО муниципального образования"],
        Field::Address => &[
            "Адрес",
            "Юридический адрес",
            "Фактический адрес",
            "Адрес (место нахождения)",
            "Адрес местонахождения",
            "Почтовый адрес",
            "Местонахождение",
            "Место нахождения юридического лица",
        ],
        Field::Website => &[
            "Сайт",
            "Официальный сайт",
            "Адрес сайта",
            "Адрес официального сайта",
            "Сайт в сети Интернет",
            "Адрес сайта в сети «Интернет»",
            "Официальный сайт организации",
            "Интернет-сайт",
            "Web-сайт",
            "Адрес в сети Интернет",
        ],
    }
}

/// Columns a registry has that nok does not import, with a value for each organization.
const EXTRA: [(&str, &str); 7] = [
    ("№ п/п", "#"),
    ("Телефон", "8 (8772) 52-00-00"),
    ("Адрес электронной почты", "info@org.adygheya.ru"),
    ("Руководитель", "Иванова Анна Петровна"),
    ("Тип учреждения", "бюджетное"),
    ("Код ОКПО", "12345678"),
    ("Ведомственная принадлежность", "Министерство"),
];

/// The kinds of distortion, each applied alone (so that a failure names it) and all together.
const KINDS: [&str; 10] = [
    "заголовки другими словами",
    "колонки в другом порядке",
    "лишние колонки",
    "заголовок документа и итог",
    "ИНН/КПП в одной ячейке",
    "числа без ведущих нулей",
    "сфера словами реестра",
    "Windows-1251 и текст с табуляцией",
    "книга xlsx",
    "шапка в две строки",
];

/// One rendered registry: its name, bytes, and the kinds applied.
struct Variant {
    name: String,
    bytes: Vec<u8>,
}

fn cell(o: &Org, f: Field, as_number: bool, worded_sector: bool) -> String {
    let strip = |s: &str| {
        if as_number {
            s.trim_start_matches('0').to_string()
        } else {
            s.to_string()
        }
    };
    match f {
        Field::FullName => o.full_name.clone(),
        Field::ShortName => o.short_name.clone(),
        Field::Inn => strip(&o.inn),
        Field::Kpp => strip(&o.kpp),
        Field::Ogrn => o.ogrn.clone(),
        Field::RegNum => o.reg_num.clone(),
        Field::Sector => match worded_sector {
            true => o.sector.1.to_string(),
            false => o.sector.0.to_string(),
        },
        Field::Region => o.region.clone(),
        Field::Oktmo => o.oktmo.clone(),
        Field::Address => o.address.clone(),
        Field::Website => o.website.clone(),
    }
}

/// Renders the organizations as a registry with the distortions in `on` (indexes into KINDS).
fn render(rng: &mut Rng, orgs: &[Org], on: &[usize], seed: u64) -> Variant {
    let has = |k: usize| on.contains(&k);
    let mut fields = vec![
        Field::FullName,
        Field::ShortName,
        Field::Inn,
        Field::Kpp,
        Field::Ogrn,
        Field::RegNum,
        Field::Sector,
        Field::Region,
        Field::Oktmo,
        Field::Address,
        Field::Website,
    ];
    let combined = has(4);
    if combined {
        fields.retain(|f| *f != Field::Kpp);
    }
    // Columns: a field or an extra (its index).
    let mut columns: Vec<Result<Field, usize>> = fields.iter().map(|f| Ok(*f)).collect();
    if has(2) {
        let mut extra: Vec<usize> = (0..EXTRA.len()).collect();
        // № п/п first, the others anywhere.
        columns.insert(0, Err(0));
        extra.remove(0);
        for e in extra {
            if rng.chance(70) {
                let at = 1 + rng.below(columns.len());
                columns.insert(at, Err(e));
            }
        }
    }
    // A header of two rows keeps its groups together: the names, then the identifiers.
    if has(1) && !has(9) {
        for i in (1..columns.len()).rev() {
            let j = rng.below(i + 1);
            columns.swap(i, j);
        }
    }
    let header: Vec<String> = columns
        .iter()
        .map(|c| match c {
            Ok(Field::Inn) if combined => match rng.chance(50) {
                true => "ИНН/КПП".to_string(),
                false => "ИНН / КПП".to_string(),
            },
            Ok(f) if has(0) => rng.pick(headers(*f)).to_string(),
            Ok(f) => headers(*f)[0].to_string(),
            Err(e) => EXTRA[*e].0.to_string(),
        })
        .collect();
    let as_number = has(5) || has(8);
    let mut rows: Vec<Vec<String>> = Vec::new();
    if has(3) {
        rows.push(vec!["Реестр организаций, в отношении которых проводится независимая оценка качества условий оказания услуг в 2026 году".to_string()]);
        rows.push(vec!["по состоянию на 01.12.2026".to_string()]);
        rows.push(vec![]);
    }
    if has(9) {
        // Group titles above, merged over their columns (the text in the first one); the
        // columns' own titles below; a column without a group has its title above only.
        let group_of = |f: &Field| match f {
            Field::FullName | Field::ShortName => Some("Наименование организации"),
            Field::Inn | Field::Kpp | Field::Ogrn | Field::RegNum => Some("Реквизиты"),
            _ => None,
        };
        let own = |f: &Field, h: &str| -> String {
            match f {
                Field::FullName => "полное".to_string(),
                Field::ShortName => "сокращенное".to_string(),
                _ => h.to_string(),
            }
        };
        let (mut top, mut sub) = (Vec::new(), Vec::new());
        let mut last_group = None;
        for (c, h) in columns.iter().zip(&header) {
            match c {
                Ok(f) if group_of(f).is_some() => {
                    let g = group_of(f);
                    top.push(if g == last_group {
                        String::new()
                    } else {
                        g.unwrap_or_default().to_string()
                    });
                    sub.push(own(f, h));
                    last_group = g;
                }
                _ => {
                    top.push(h.clone());
                    sub.push(String::new());
                    last_group = None;
                }
            }
        }
        rows.push(top);
        rows.push(sub);
    } else {
        rows.push(header);
    }
    if has(3) && seed.is_multiple_of(2) {
        // The row of column numbers Russian forms put under the header.
        rows.push((1..=columns.len()).map(|n| n.to_string()).collect());
    }
    for (n, o) in orgs.iter().enumerate() {
        let row = columns
            .iter()
            .map(|c| match c {
                Ok(Field::Inn) if combined => {
                    let sep = if n % 2 == 0 { "/" } else { " / " };
                    format!(
                        "{}{sep}{}",
                        cell(o, Field::Inn, as_number, false),
                        cell(o, Field::Kpp, as_number, false)
                    )
                }
                Ok(f) => cell(o, *f, as_number, has(6)),
                Err(0) => (n + 1).to_string(),
                Err(e) => EXTRA[*e].1.to_string(),
            })
            .collect();
        rows.push(row);
    }
    if has(3) {
        rows.push(vec![]);
        if seed.is_multiple_of(2) {
            rows.push(vec![format!("Итого: {} организаций", orgs.len())]);
        } else {
            // A total of several cells: the word, then the count in the next column.
            rows.push(vec!["Итого".to_string(), orgs.len().to_string()]);
        }
        rows.push(vec![
            "Исполнитель: Петрова О. И., тел. 52-11-22".to_string(),
        ]);
    }
    let kinds: Vec<&str> = on.iter().map(|k| KINDS[*k]).collect();
    let name = format!("реестр-{seed}-{}", kinds.join("+").replace(' ', "_"));
    if has(8) {
        return Variant {
            name: format!("{name}.xlsx"),
            bytes: xlsx(&rows),
        };
    }
    if has(7) {
        // Half of them cp1251 with `;`, half tab text as copied from a table.
        if seed.is_multiple_of(2) {
            let text: String = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| match c.contains([';', '"']) {
                            true => format!("\"{}\"", c.replace('"', "\"\"")),
                            false => c.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(";")
                        + "\r\n"
                })
                .collect();
            let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
            return Variant {
                name: format!("{name}.csv"),
                bytes: bytes.into_owned(),
            };
        }
        let text: String = rows.iter().map(|r| r.join("\t") + "\n").collect();
        return Variant {
            name: format!("{name}.txt"),
            bytes: text.into_bytes(),
        };
    }
    let mut text = String::from("\u{feff}");
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .map(|c| match c.contains([';', '"']) {
                true => format!("\"{}\"", c.replace('"', "\"\"")),
                false => c.clone(),
            })
            .collect();
        text.push_str(&line.join(";"));
        text.push_str("\r\n");
    }
    Variant {
        name: format!("{name}.csv"),
        bytes: text.into_bytes(),
    }
}

/// A working database as `nok init` leaves it (no organization), in a fresh folder.
fn empty_database() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nok"))
        .arg("--db")
        .arg(&db)
        .arg("init")
        .args([
            "--name",
            "Министерство труда и социального развития Республики Адыгея",
            "--short-name",
            "Минтруд РА",
            "--region",
            "Республика Адыгея",
            "--sector",
            "social",
            "--inn",
            "7707083893",
            "--kpp",
            "773601001",
            "--ogrn",
            "1027700132195",
            "--reg-num",
            "41200013",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, db)
}

/// The organizations stored, by ИНН, read by plain SQL.
fn stored(conn: &rusqlite::Connection) -> BTreeMap<String, Org> {
    let mut stmt = conn
        .prepare(
            "SELECT full_name, short_name, inn, kpp, ogrn, reg_num, sector, region, oktmo,
                    address, website FROM organization",
        )
        .unwrap();
    stmt.query_map([], |r| {
        let code: String = r.get(6)?;
        let sector = SECTORS
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(("?", ""), |(c, _)| (*c, ""));
        Ok(Org {
            full_name: r.get(0)?,
            short_name: r.get(1)?,
            inn: r.get(2)?,
            kpp: r.get(3)?,
            ogrn: r.get(4)?,
            reg_num: r.get(5)?,
            sector,
            region: r.get(7)?,
            oktmo: r.get(8)?,
            address: r.get(9)?,
            website: r.get(10)?,
        })
    })
    .unwrap()
    .map(|o| {
        let o = o.unwrap();
        (o.inn.clone(), o)
    })
    .collect()
}

/// The fields in which `got` differs from `want`: «поле: «получено» вместо «ожидалось»».
fn differences(got: &Org, want: &Org) -> String {
    let pairs = [
        ("full_name", &got.full_name, &want.full_name),
        ("short_name", &got.short_name, &want.short_name),
        ("kpp", &got.kpp, &want.kpp),
        ("ogrn", &got.ogrn, &want.ogrn),
        ("reg_num", &got.reg_num, &want.reg_num),
        ("region", &got.region, &want.region),
        ("oktmo", &got.oktmo, &want.oktmo),
        ("address", &got.address, &want.address),
        ("website", &got.website, &want.website),
    ];
    let mut out: Vec<String> = pairs
        .iter()
        .filter(|(_, g, w)| g != w)
        .map(|(name, g, w)| format!("{name}: «{g}» вместо «{w}»"))
        .collect();
    if got.sector.0 != want.sector.0 {
        out.push(format!("sector: {} вместо {}", got.sector.0, want.sector.0));
    }
    out.join("; ")
}

#[test]
fn registries_in_every_layout_are_read_right() {
    let mut rng = Rng(0x5EED_0F0E_6151_7E55);
    let clean = orgs(&mut rng);
    // Each kind alone, four seeds each; then everything at once, eight seeds.
    let mut plans: Vec<(String, Vec<usize>)> = Vec::new();
    for (k, kind) in KINDS.iter().enumerate() {
        for _ in 0..4 {
            plans.push((kind.to_string(), vec![k]));
        }
    }
    for _ in 0..8 {
        // xlsx and cp1251/tab text are two formats: one of them, with all the rest.
        let format = if rng.chance(50) { 7 } else { 8 };
        let mut on: Vec<usize> = (0..7).collect();
        on.push(format);
        if rng.chance(50) {
            on.push(9);
        }
        plans.push(("все вместе".to_string(), on));
    }
    let (_dir, template) = empty_database();
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut wrong: Vec<String> = Vec::new();
    let mut guessed = 0usize;
    for (seed, (kind, on)) in plans.iter().enumerate() {
        let variant = render(&mut rng, &clean, on, seed as u64);
        show_variant(seed, &variant.bytes, 3);
        let db = template.with_file_name(format!("v{seed}.sqlite"));
        std::fs::copy(&template, &db).unwrap();
        let mut conn = nok::store::open(&db).unwrap();
        let sheet = read_bytes(&variant.name, &variant.bytes);
        // «Обмен» offers the file as what its first rows say it is.
        if let Ok(sheet) = &sheet {
            guessed += usize::from(guessed_as(sheet, &variant.name, Guessed::Orgs, &mut wrong));
        }
        let outcome = sheet
            .map_err(anyhow::Error::from)
            .and_then(|sheet| apply(&mut conn, &sheet, &Kind::Orgs, today(), true, &mut |_| {}));
        let entry = by_kind.entry(kind.clone()).or_default();
        entry.1 += clean.len();
        match outcome {
            Err(e) => wrong.push(format!("{}: {e:#}", variant.name)),
            Ok(preview) => {
                let got = stored(&conn);
                for o in &clean {
                    let want = Org {
                        sector: (o.sector.0, ""),
                        ..o.clone()
                    };
                    match got.get(&o.inn) {
                        Some(g) if *g == want => entry.0 += 1,
                        Some(g) => {
                            wrong.push(format!("{}: {}", variant.name, differences(g, &want)))
                        }
                        None => wrong.push(format!(
                            "{}: ИНН {} не загружен; первая отклоненная строка: {:?}; неизвестные колонки: {:?}",
                            variant.name,
                            o.inn,
                            preview.rejected.first().map(|r| (r.line, &r.reason)),
                            preview
                                .unknown_columns
                                .iter()
                                .map(|(_, _, h)| h.as_str())
                                .collect::<Vec<_>>()
                        )),
                    }
                }
                // Every row of the table is a valid organization: nothing else may be refused
                // (a title, a total or a signature line is skipped, not rejected).
                for r in &preview.rejected {
                    wrong.push(format!(
                        "{}: строка {} отклонена: {}",
                        variant.name, r.line, r.reason
                    ));
                }
            }
        }
        drop(conn);
        let _ = std::fs::remove_file(&db);
    }
    print_tally(&by_kind, "организаций", plans.len());
    for w in &wrong {
        println!("не так: {w}");
    }
    println!("вид файла угадан: {guessed} из {} вариантов", plans.len());
    assert!(
        wrong.is_empty(),
        "{} ошибок, первые:\n{}",
        wrong.len(),
        wrong.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
}
