//! The distortion corpus: our own clean plans (tests/plandoc_support) rendered with the
//! distortions of real regional documents, alone and combined, with a fixed seed; every variant
//! is read and its items (numbers, measure texts, deadlines, executors) are compared with the
//! clean original. The share of items read right is printed and must be at least 95 %; a
//! variant that cannot be read fails with an error that names the file and what was not found.

mod plandoc_support;

use std::collections::BTreeMap;

use nok::exchange::import::{read_bytes, workplan};
use plandoc_support::{Plan, Variant, plans, render, variants};

/// What went wrong with one clean item in one variant (None: read right).
fn check(plan: &Plan, doc: &workplan::WorkplanDoc) -> (usize, usize, Vec<String>) {
    let (mut right, mut total) = (0, 0);
    let mut wrong = Vec::new();
    for it in plan.items() {
        total += 1;
        let Some(got) = doc.items.iter().find(|d| d.number == it.number) else {
            wrong.push(format!("пункт {} не прочитан", it.number));
            continue;
        };
        let mut diffs = Vec::new();
        if got.measure != it.measure {
            diffs.push(format!(
                "мероприятие «{}» вместо «{}»",
                got.measure, it.measure
            ));
        }
        if got.deadline_text != it.deadline {
            diffs.push(format!(
                "срок «{}» вместо «{}»",
                got.deadline_text, it.deadline
            ));
        }
        if got.executors != it.executors {
            diffs.push(format!(
                "исполнители {:?} вместо {:?}",
                got.executors, it.executors
            ));
        }
        if diffs.is_empty() {
            right += 1;
        } else {
            wrong.push(format!("пункт {}: {}", it.number, diffs.join("; ")));
        }
    }
    // Items that are not in the plan (a page number read as an item) count against the reading.
    for got in &doc.items {
        if !plan.items().any(|it| it.number == got.number) {
            total += 1;
            wrong.push(format!("лишний пункт {} «{}»", got.number, got.measure));
        }
    }
    (right, total, wrong)
}

#[test]
fn distorted_plans_read_right() {
    let plans = plans();
    let variants = variants(2026);
    let (mut right, mut total, mut docs, mut failed, mut uncertain) = (0, 0, 0, 0, 0);
    // Items read wrong in variants whose reading was not marked uncertain (wrong in silence).
    let mut silent = 0;
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut examples: Vec<String> = Vec::new();
    for plan in &plans {
        for v in &variants {
            docs += 1;
            let text = render(plan, v);
            let name = format!("{} [{v}].txt", plan.name);
            let doc = read_bytes(&name, text.as_bytes())
                .map_err(|e| e.to_string())
                .and_then(|sheet| workplan::read(&sheet));
            let n = plan.items().count();
            let (r, t, wrong) = match doc {
                Ok(doc) => {
                    let checked = check(plan, &doc);
                    if doc.uncertain.is_some() {
                        uncertain += 1;
                    } else {
                        silent += checked.1 - checked.0;
                    }
                    checked
                }
                Err(e) => {
                    failed += 1;
                    assert!(
                        e.contains(&name) && e.contains("не найден"),
                        "{name}: the error names the file and what was not found: {e}"
                    );
                    (0, n, vec![e])
                }
            };
            right += r;
            total += t;
            for key in kinds(v) {
                let e = by_kind.entry(key).or_default();
                e.0 += r;
                e.1 += t;
            }
            if !wrong.is_empty() && examples.len() < 12 {
                examples.push(format!("{name}: {}", wrong[0]));
            }
            // PLANDOC_DUMP=folder keeps the text of every variant read wrong, to look at.
            if !wrong.is_empty()
                && let Some(dir) = std::env::var_os("PLANDOC_DUMP")
            {
                let dir = std::path::Path::new(&dir);
                let _ = std::fs::create_dir_all(dir);
                let _ = std::fs::write(
                    dir.join(format!("{docs:04}.txt")),
                    format!("{name}\n{}\n----\n{text}", wrong.join("\n")),
                );
            }
        }
    }
    let share = right as f64 / total as f64;
    println!(
        "корпус искажений: документов {docs} ({} планов × {} вариантов), пунктов {total}, прочитано верно {right} — {:.1} %; не прочитано документов {failed}; требуют подтверждения колонок (--columns) {uncertain}; неверных пунктов без запроса подтверждения {silent}",
        plans.len(),
        variants.len(),
        share * 100.0
    );
    for (k, (r, t)) in &by_kind {
        println!("  {k}: {r} из {t} ({:.1} %)", *r as f64 * 100.0 / *t as f64);
    }
    for e in &examples {
        println!("  пример ошибки: {e}");
    }
    assert!(share >= 0.95, "share read right {:.3} < 0.95", share);
}

/// The distortions a variant has, for the breakdown.
fn kinds(v: &Variant) -> Vec<String> {
    vec![
        format!("разделитель {:?}", v.sep),
        format!("заголовок {:?}", v.header),
        format!("перенос строк {}", v.wrap),
        format!("переносы страниц {}", v.pages),
        format!("разделы {:?}", v.sections),
    ]
}
