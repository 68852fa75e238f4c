//! `nok check-db`: the database's integrity (SQLite's own checks) and consistency (identifiers,
//! sectors, totals that are the means of their criteria, scores that are current).

use rusqlite::Connection;

use crate::domain::{ids, plan_criterion};
use crate::service::methodology::Methods;
use crate::store;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Worth knowing; the data is still usable.
    Warning,
    /// Wrong data: fix before exporting or publishing.
    Error,
}

/// One thing `check-db` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub level: Level,
    pub text: String,
}

/// At most this many findings of one kind are listed; the rest are counted.
const LIST_LIMIT: usize = 20;

fn push_limited(out: &mut Vec<Finding>, level: Level, items: Vec<String>, what: &str) {
    let n = items.len();
    out.extend(
        items
            .into_iter()
            .take(LIST_LIMIT)
            .map(|text| Finding { level, text }),
    );
    if n > LIST_LIMIT {
        out.push(Finding {
            level,
            text: format!("… и ещё {} ({what})", n - LIST_LIMIT),
        });
    }
}

/// Plan rows whose criterion (or the criterion their number starts with) is not one of their
/// cycle's method, by the rule of the plan form ([`plan_criterion`]): one finding per kind of
/// mistake, with its first row and the number of rows like it.
fn plan_criteria(conn: &Connection) -> anyhow::Result<Vec<String>> {
    let methods = Methods::load()?;
    let mut out = Vec::new();
    for g in store::check::plan_criterion_groups(conn)? {
        let Ok(method) = methods.require(&g.methodology) else {
            out.push(format!(
                "цикл {}: методика «{}» неизвестна — строки его плана не проверены",
                g.cycle_id, g.methodology
            ));
            continue;
        };
        let criteria: Vec<&str> = method.criteria.iter().map(|c| c.code.as_str()).collect();
        if let Err(why) = plan_criterion::check_stored(&g.number, &g.criterion, &criteria) {
            let more = if g.rows > 1 {
                format!(" (и еще строк с тем же: {})", g.rows - 1)
            } else {
                String::new()
            };
            out.push(format!(
                "цикл {}, «{}», строка плана {} (критерий {}): {why}{more}; исправьте номер или критерий строки",
                g.cycle_id, g.org, g.number, g.criterion
            ));
        }
    }
    Ok(out)
}

/// Runs every check. An empty list means the database is sound.
pub fn check(conn: &Connection) -> anyhow::Result<Vec<Finding>> {
    let mut out = Vec::new();
    push_limited(
        &mut out,
        Level::Error,
        store::check::integrity(conn)?
            .into_iter()
            .map(|m| format!("повреждение файла базы (integrity_check): {m}"))
            .collect(),
        "повреждения",
    );
    push_limited(
        &mut out,
        Level::Error,
        store::check::foreign_key_violations(conn)?
            .into_iter()
            .map(|(table, rowid, parent)| {
                format!(
                    "таблица {table}, строка {}: ссылка на несуществующую запись в {parent}",
                    rowid.map_or("?".into(), |r| r.to_string())
                )
            })
            .collect(),
        "нарушенные ссылки",
    );
    push_limited(
        &mut out,
        Level::Error,
        store::check::sector_mismatches(conn)?
            .into_iter()
            .map(|(cycle, org)| {
                format!("цикл {cycle}: организация «{org}» относится к другой сфере")
            })
            .collect(),
        "несовпадения сферы",
    );
    push_limited(
        &mut out,
        Level::Error,
        plan_criteria(conn)?,
        "строки планов с несуществующим критерием",
    );
    let mut bad_ids = Vec::new();
    store::check::for_each_identifiers(conn, |h| {
        let checks = [
            ids::validate_inn(&h.inn),
            ids::validate_kpp(&h.kpp),
            ids::validate_ogrn(&h.ogrn),
        ];
        let mut errs: Vec<String> = checks
            .into_iter()
            .filter_map(|r| r.err().map(|e| e.to_string()))
            .collect();
        if !h.reg_num.is_empty()
            && let Err(e) = ids::validate_reg_num(&h.reg_num)
        {
            errs.push(e.to_string());
        }
        if !errs.is_empty() {
            bad_ids.push(format!("{} «{}»: {}", h.holder, h.name, errs.join("; ")));
        }
    })?;
    push_limited(&mut out, Level::Error, bad_ids, "неверные реквизиты");
    push_limited(
        &mut out,
        Level::Error,
        store::check::totals_off_mean(conn, 0.01 + 1e-9)?
            .into_iter()
            .map(|(cycle, org, total, mean)| {
                format!(
                    "цикл {cycle}, «{org}»: итог S = {} не равен среднему критериев {}; выполните nok score --cycle {cycle}",
                    crate::domain::decimal::fixed(total, 2),
                    crate::domain::decimal::fixed(mean, 2)
                )
            })
            .collect(),
        "итоги",
    );
    push_limited(
        &mut out,
        Level::Warning,
        store::check::score_errors(conn)?
            .into_iter()
            .map(|(cycle, org, why)| format!("цикл {cycle}, «{org}»: не рассчитан — {why}"))
            .collect(),
        "нерассчитанные организации",
    );
    let qn = crate::domain::questionnaire::Questionnaire::builtin()?;
    push_limited(
        &mut out,
        Level::Warning,
        store::survey::entered_samples(conn)?
            .into_iter()
            .filter_map(|(cycle, org, respondents, recipients)| {
                let need = qn.sample.required(recipients.max(0) as u64);
                ((respondents.max(0) as u64) < need).then(|| {
                    format!(
                        "цикл {cycle}, «{org}»: выборка мала — опрошено {respondents}, требуется {need} (получателей услуг {recipients}; правило: {} % получателей, не более {})",
                        qn.sample.share_percent, qn.sample.cap
                    )
                })
            })
            .collect(),
        "малые выборки",
    );
    push_limited(
        &mut out,
        Level::Warning,
        store::survey::inputs_off_survey(conn)?
            .into_iter()
            .map(|(cycle, org, key, value, count)| {
                format!(
                    "цикл {cycle}, «{org}»: {key} = {value} введено вручную, по анкетам {count}"
                )
            })
            .collect(),
        "правки поверх анкет",
    );
    for id in store::cycles::stale_ids(conn)? {
        out.push(Finding {
            level: Level::Warning,
            text: format!(
                "цикл {id}: исходные данные изменились после расчета; выполните nok score --cycle {id}"
            ),
        });
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.level));
    Ok(out)
}
