//! Inputs (исходные данные) filled in as operators fill them: the template `nok export table
//! template` gives (a row per organization, a column per input «код + название»), taken through
//! what people and Excel do to it — header cells retyped (a line break after the code, a dot after
//! it, the code left out, another case, doubled spaces), a header of two rows (the indicator over
//! its inputs, the code and the indicator's name in the merged cell above, the input's name below),
//! a title, the operator's name and a row of column numbers around the header and a total and a
//! signature below the table, a «№ п/п» column, contact columns («Телефон» — also a checklist
//! item's name —, «Электронная почта») and the columns in another order, yes/no written as people
//! write it («да», «+», «имеется», «не имеется», «отсутствуют», «Есть»…) and points with a decimal
//! comma, only the ИНН to name an organization, or only its name — and the formats it comes back in (xlsx with
//! numbers as numbers, CSV in Windows-1251, text copied from a table with tabs). Every variant is
//! loaded into the demo database, and every value of every member is compared with what was
//! written, read back by plain SQL. The share of values stored right is printed per kind of
//! distortion and must be 100 %: each distortion has one right reading.

mod import_support;

use std::collections::BTreeMap;

use import_support::{Rng, demo, guessed_as, print_tally, show_variant, today, xlsx};
use nok::domain::input_check::bounded_pairs;
use nok::domain::methodology::InputKind;
use nok::domain::sector::Sector;
use nok::exchange::import::read_bytes;
use nok::service::import::guess::Guessed;
use nok::service::import::{Kind, apply};
use nok::service::methodology::Methods;

/// A column of the method: its key, the indicator's code and name, the input's name, its kind.
#[derive(Debug, Clone)]
struct Col {
    key: String,
    code: String,
    indicator: String,
    name: String,
    kind: ColKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ColKind {
    Count,
    Points,
    Check,
}

/// A member of the cycle: its ИНН, КПП, name, and the values to load, by key.
#[derive(Debug, Clone)]
struct Member {
    inn: String,
    kpp: String,
    name: String,
    values: BTreeMap<String, f64>,
}

/// Columns of an operator's sheet that are no input: a header and a value.
const EXTRA: [(&str, &str); 3] = [
    ("Телефон", "+7 (812) 555-12-34"),
    ("Электронная почта", "info@example.ru"),
    ("Руководитель", "Иванова Мария Петровна"),
];

const KINDS: [&str; 8] = [
    "заголовки перепечатаны",
    "шапка в две строки",
    "строки вокруг таблицы",
    "№ п/п, колонки вперемешку, контакты",
    "да/нет и баллы как пишут",
    "только ИНН",
    "xlsx, cp1251, текст с табуляцией",
    "только наименование, без ИНН",
];

/// The columns of the cycle's method for its sector, in the template's order.
fn columns(methods: &Methods, methodology: &str, sector: Sector) -> Vec<Col> {
    let m = methods.get(methodology).unwrap();
    let mut cols = Vec::new();
    for ind in m.indicators_for(sector) {
        for i in &ind.inputs {
            cols.push(Col {
                key: i.key.clone(),
                code: ind.code.clone(),
                indicator: ind.name.clone(),
                name: i.name.clone(),
                kind: match i.kind {
                    InputKind::Count => ColKind::Count,
                    InputKind::Value => ColKind::Points,
                },
            });
        }
        for c in &ind.checklist {
            cols.push(Col {
                key: c.key.clone(),
                code: ind.code.clone(),
                indicator: ind.name.clone(),
                name: c.name.clone(),
                kind: ColKind::Check,
            });
        }
    }
    cols
}

/// New values for every member: counts 0–400 with every numerator at most its denominator,
/// points 0–100 with one decimal, checklist items 0 or 1.
fn values(
    rng: &mut Rng,
    methods: &Methods,
    methodology: &str,
    sector: Sector,
    cols: &[Col],
) -> BTreeMap<String, f64> {
    let mut v: BTreeMap<String, f64> = BTreeMap::new();
    for c in cols {
        let x = match c.kind {
            ColKind::Count => (10 + rng.below(390)) as f64,
            ColKind::Points => rng.below(1001) as f64 / 10.0,
            ColKind::Check => rng.below(2) as f64,
        };
        v.insert(c.key.clone(), x);
    }
    let m = methods.get(methodology).unwrap();
    for ind in m.indicators_for(sector) {
        for (num, den) in bounded_pairs(ind) {
            let d = v[&den.key];
            v.insert(num.key.clone(), rng.below(d as usize + 1) as f64);
        }
    }
    v
}

/// How the input's name of `c` is retyped under «заголовки перепечатаны».
fn retyped_name(rng: &mut Rng, c: &Col) -> String {
    match rng.below(4) {
        0 => c.name.to_uppercase(),
        1 => {
            let mut chars = c.name.chars();
            match chars.next() {
                Some(f) => f.to_lowercase().chain(chars).collect(),
                None => String::new(),
            }
        }
        2 => c.name.replace(' ', "  "),
        _ => c.name.clone(),
    }
}

/// How a header cell of `c` is written under «заголовки перепечатаны»: the name retyped, the code
/// before it with a line break, a dot or a no-break space — or left out.
fn retyped(rng: &mut Rng, c: &Col) -> String {
    let name = retyped_name(rng, c);
    let code = c.code.clone();
    match rng.below(6) {
        0 => format!("{code}\n{name}"),
        1 => format!("{code}. {name}"),
        2 => format!("{code}.\n{name}"),
        3 => format!("{code}\u{a0}{name} "),
        // The code left out, where the name says enough alone (three words or more: «Телефон»
        // alone is read as the organization's contact, not as item 1.2).
        4 if c.name.split_whitespace().count() >= 3 => name,
        _ => format!("{code} {name}"),
    }
}

/// How a checklist value is written under «да/нет и баллы как пишут».
fn yes_no(rng: &mut Rng, v: f64) -> String {
    let words: [(&str, &str); 9] = [
        ("да", "нет"),
        ("Да", "Нет"),
        ("+", "-"),
        ("имеется", "отсутствует"),
        ("Имеется", "Не имеется"),
        ("имеются", "отсутствуют"),
        ("Есть", "Нет"),
        ("ДА", "НЕТ"),
        ("1", "0"),
    ];
    let (y, n) = *rng.pick(&words);
    if v == 1.0 { y } else { n }.to_string()
}

struct Variant {
    name: String,
    bytes: Vec<u8>,
}

/// The file of one variant: the distortions of `on` (indexes of [`KINDS`]) applied together.
fn render(rng: &mut Rng, cols: &[Col], members: &[Member], on: &[usize], seed: u64) -> Variant {
    let has = |k: usize| on.contains(&k);
    // The columns of the table: identifiers first, then the values, maybe shuffled.
    #[derive(Clone, Copy, PartialEq)]
    enum C {
        Number,
        Extra(usize),
        Inn,
        Kpp,
        Name,
        Value(usize),
    }
    let mut order: Vec<C> = Vec::new();
    if !has(7) {
        order.push(C::Inn);
        if !has(5) {
            order.push(C::Kpp);
        }
    }
    order.push(C::Name);
    let mut value_cols: Vec<C> = (0..cols.len()).map(C::Value).collect();
    if has(3) {
        // Columns in another order: the identifiers moved about, the values shuffled.
        for i in (1..value_cols.len()).rev() {
            let j = rng.below(i + 1);
            value_cols.swap(i, j);
        }
        order.insert(0, C::Number);
        // Contact columns nok does not load: «Телефон» is also a checklist item of 1.2.
        for e in 0..EXTRA.len() {
            let at = rng.below(order.len() + 1);
            order.insert(at, C::Extra(e));
        }
        let name = order.iter().position(|c| *c == C::Name).unwrap();
        order.remove(name);
        value_cols.push(C::Name);
    }
    order.extend(value_cols);
    let two_rows = has(1);
    let mut header: Vec<String> = Vec::new();
    let mut group: Vec<String> = Vec::new();
    let mut last_code = String::new();
    for c in &order {
        let (top, text) = match c {
            C::Number => (String::new(), "№ п/п".to_string()),
            C::Extra(e) => (String::new(), EXTRA[*e].0.to_string()),
            C::Inn => (String::new(), "ИНН".to_string()),
            C::Kpp => (String::new(), "КПП".to_string()),
            C::Name => (String::new(), "Наименование организации".to_string()),
            C::Value(i) => {
                let col = &cols[*i];
                if two_rows {
                    // The indicator in a merged cell over its inputs: written over the first.
                    let top = if col.code != last_code {
                        format!("{} {}", col.code, col.indicator)
                    } else {
                        String::new()
                    };
                    last_code = col.code.clone();
                    let name = if has(0) {
                        retyped_name(rng, col)
                    } else {
                        col.name.clone()
                    };
                    (top, name)
                } else if has(0) {
                    (String::new(), retyped(rng, col))
                } else {
                    (String::new(), format!("{} {}", col.code, col.name))
                }
            }
        };
        if !matches!(c, C::Value(_)) {
            last_code.clear();
        }
        group.push(top);
        header.push(text);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let width = order.len();
    let one = |text: &str| {
        let mut r = vec![text.to_string()];
        r.resize(width, String::new());
        r
    };
    if has(2) {
        rows.push(one(
            "Исходные данные для расчета показателей независимой оценки, 2025 год",
        ));
        rows.push(one("Оператор: ООО «Центр социологических исследований»"));
        rows.push(vec![String::new(); width]);
    }
    if two_rows {
        // The identifiers' headers stand in the top row, merged down over the second.
        let mut top = group.clone();
        let mut bottom = header.clone();
        for (i, c) in order.iter().enumerate() {
            if !matches!(c, C::Value(_)) {
                top[i] = bottom[i].clone();
                bottom[i].clear();
            }
        }
        rows.push(top);
        rows.push(bottom);
    } else {
        rows.push(header);
    }
    if has(2) {
        rows.push((1..=width).map(|n| n.to_string()).collect());
    }
    let as_xlsx = has(6) && seed.is_multiple_of(3);
    for (n, m) in members.iter().enumerate() {
        let row: Vec<String> = order
            .iter()
            .map(|c| match c {
                C::Number => (n + 1).to_string(),
                C::Extra(e) => EXTRA[*e].1.to_string(),
                C::Inn => m.inn.clone(),
                C::Kpp => m.kpp.clone(),
                C::Name => m.name.clone(),
                C::Value(i) => {
                    let col = &cols[*i];
                    let v = m.values[&col.key];
                    match col.kind {
                        ColKind::Check if has(4) => yes_no(rng, v),
                        ColKind::Points if has(4) && !as_xlsx => format!("{v}").replace('.', ","),
                        _ => format!("{v}"),
                    }
                }
            })
            .collect();
        rows.push(row);
    }
    if has(2) {
        let mut total = one("Итого");
        total[1] = members.len().to_string();
        rows.push(total);
        rows.push(vec![String::new(); width]);
        rows.push(one("Руководитель ____________ / И. И. Иванов /"));
    }
    let name = format!("v{seed}");
    if has(6) {
        match seed % 3 {
            0 => {
                return Variant {
                    name: format!("{name}.xlsx"),
                    bytes: xlsx(&rows),
                };
            }
            1 => {
                let text: String = rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| match c.contains([';', '"', '\n']) {
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
            _ => {
                // Copied from a table: a cell's line break becomes a space.
                let text: String = rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| c.replace('\n', " "))
                            .collect::<Vec<_>>()
                            .join("\t")
                            + "\n"
                    })
                    .collect();
                return Variant {
                    name: format!("{name}.txt"),
                    bytes: text.into_bytes(),
                };
            }
        }
    }
    let mut text = String::from("\u{feff}");
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .map(|c| match c.contains([';', '"', '\n']) {
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

/// The stored inputs of membership `id`, by key (plain SQL).
fn stored(conn: &rusqlite::Connection, id: i64) -> BTreeMap<String, f64> {
    let mut stmt = conn
        .prepare(
            "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             WHERE i.membership_id = ?1",
        )
        .unwrap();
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn inputs_sheets_in_every_layout_are_read_right() {
    let methods = Methods::builtin().unwrap();
    let (dir, conn) = demo();
    // The cycle with the most members.
    let (cycle, methodology, sector): (i64, String, String) = conn
        .query_row(
            "SELECT c.id, c.methodology, c.sector FROM cycle c
             JOIN membership m ON m.cycle_id = c.id
             GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let sector = Sector::parse(&sector).unwrap();
    let cols = columns(&methods, &methodology, sector);
    let mut stmt = conn
        .prepare(
            "SELECT m.id, o.inn, o.kpp, o.full_name FROM membership m
             JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 ORDER BY m.id",
        )
        .unwrap();
    let members: Vec<(i64, String, String, String)> = stmt
        .query_map([cycle], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(stmt);
    assert!(members.len() >= 2, "the demo cycle has members");
    drop(conn);
    let template = dir.path().join("d.sqlite");

    let mut rng = Rng(0x019E_750F_0EA1);
    let mut plans: Vec<(String, Vec<usize>)> = Vec::new();
    for (k, kind) in KINDS.iter().enumerate() {
        for _ in 0..if k == 6 { 6 } else { 4 } {
            plans.push((kind.to_string(), vec![k]));
        }
    }
    for _ in 0..9 {
        let mut on: Vec<usize> = (0..KINDS.len()).collect();
        if rng.chance(30) {
            on.retain(|&k| k != 5);
        }
        // Named by ИНН in about half of them, by name only in the rest.
        if rng.chance(50) {
            on.retain(|&k| k != 7);
        }
        plans.push(("все вместе".to_string(), on));
    }
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut wrong: Vec<String> = Vec::new();
    let mut guessed = 0usize;
    for (seed, (kind, on)) in plans.iter().enumerate() {
        let people: Vec<Member> = members
            .iter()
            .map(|(_, inn, kpp, name)| Member {
                inn: inn.clone(),
                kpp: kpp.clone(),
                name: name.clone(),
                values: values(&mut rng, &methods, &methodology, sector, &cols),
            })
            .collect();
        let variant = render(&mut rng, &cols, &people, on, seed as u64);
        show_variant(seed, &variant.bytes, 6);
        let db = template.with_file_name(format!("v{seed}.sqlite"));
        std::fs::copy(&template, &db).unwrap();
        let mut conn = nok::store::open(&db).unwrap();
        let sheet = read_bytes(&variant.name, &variant.bytes);
        // «Обмен» offers the file as what its first rows say it is.
        if let Ok(sheet) = &sheet {
            guessed += usize::from(guessed_as(
                sheet,
                &variant.name,
                Guessed::Inputs,
                &mut wrong,
            ));
        }
        let outcome = sheet.map_err(anyhow::Error::from).and_then(|sheet| {
            apply(
                &mut conn,
                &sheet,
                &Kind::Inputs { cycle_id: cycle },
                today(),
                true,
                &mut |_| {},
            )
        });
        let entry = by_kind.entry(kind.clone()).or_default();
        entry.1 += people.len() * cols.len();
        match outcome {
            Err(e) => wrong.push(format!("{}: {e:#}", variant.name)),
            Ok(preview) => {
                for ((id, ..), m) in members.iter().zip(&people) {
                    let got = stored(&conn, *id);
                    let mut missed: Vec<String> = Vec::new();
                    for c in &cols {
                        let want = m.values[&c.key];
                        match got.get(&c.key) {
                            Some(v) if (v - want).abs() < 1e-9 => entry.0 += 1,
                            other => {
                                missed.push(format!("{} = {other:?}, а в файле {want}", c.key))
                            }
                        }
                    }
                    if !missed.is_empty() {
                        wrong.push(format!(
                            "{}: ИНН {}: {} из {} значений неверны, например {}; неизвестные колонки: {:?}",
                            variant.name,
                            m.inn,
                            missed.len(),
                            cols.len(),
                            missed[0],
                            preview
                                .unknown_columns
                                .iter()
                                .map(|(_, _, h)| h.as_str())
                                .take(4)
                                .collect::<Vec<_>>()
                        ));
                    }
                }
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
    print_tally(&by_kind, "значений", plans.len());
    println!("вид файла угадан: {guessed} из {} вариантов", plans.len());
    assert!(
        wrong.is_empty(),
        "{} ошибок, первые:\n{}",
        wrong.len(),
        wrong
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
