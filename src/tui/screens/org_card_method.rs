//! What the organization card says about the method behind a result: the normative act the
//! method version follows and its rounding order, and the empty groups (nobody answered) met in
//! the organization's inputs with the rule applied to each («нет опрошенных инвалидов —
//! показатель не учитывается, …»).
//!
//! The empty groups are found by scoring the stored inputs again with the cycle's method (for an
//! organization assessed in parts, each part's inputs): one organization, a pure computation, done
//! when the card reads a cycle, never while drawing.
//!
//! For an organization assessed in parts (филиалы; амбулаторно и стационарно) it also gives the
//! lines that list the parts with their S and criteria under the organization's result.

use crate::domain::methodology::Methodology;
use crate::domain::scoring::{EmptyGroup, Inputs, score};
use crate::domain::sector::Sector;
use crate::store::org_parts::PartResult;
use crate::tui::format::dec;

/// The empty groups in `inputs` under method `m` for `sector`, in the method's order; none when
/// the inputs cannot be scored (the card shows the scoring error instead).
pub(crate) fn empty_groups(
    m: &Methodology,
    sector: Sector,
    inputs: &[(String, f64)],
) -> Vec<EmptyGroup> {
    let inputs: Inputs = inputs.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    score(m, sector, "", &inputs)
        .map(|card| card.empty)
        .unwrap_or_default()
}

/// The empty groups of each part, each note led by the part's name.
pub(crate) fn empty_groups_of_parts(
    m: &Methodology,
    sector: Sector,
    parts: &[PartResult],
) -> Vec<EmptyGroup> {
    parts
        .iter()
        .flat_map(|p| {
            empty_groups(m, sector, &p.inputs)
                .into_iter()
                .map(move |e| EmptyGroup {
                    note: format!("{}: {}", p.name, e.note),
                    ..e
                })
        })
        .collect()
}

/// The lines listing the parts: a heading, then «Филиал № 1: S = 78,70 · К1 95,38 · …» for each.
pub(crate) fn parts_lines(m: &Methodology, parts: &[PartResult]) -> Vec<String> {
    if parts.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![format!(
        "Оценка по частям ({}): показатели организации — среднее значений частей, К и S — по ним; \
         исходные данные — у частей, а каких у части нет — у организации",
        parts.len()
    )];
    for p in parts {
        let criteria: Vec<String> = m
            .criteria
            .iter()
            .map(|c| {
                let v = p.value(&c.code).map_or("—".to_string(), dec);
                format!("{} {v}", c.code)
            })
            .collect();
        let total = p.value("S").map_or("не рассчитано".to_string(), |v| {
            format!("S = {}", dec(v))
        });
        let mut line = format!("{}: {total} · {}", p.name, criteria.join(" · "));
        if !p.inherited.is_empty() {
            line.push_str(&format!(
                " (у организации взято исходных значений: {})",
                p.inherited.len()
            ));
        }
        lines.push(line);
    }
    lines
}

/// «Методика 2018: приказ … (note). Округление: …» for the card's results section.
pub(crate) fn method_line(m: &Methodology) -> String {
    let mut line = format!(
        "Методика {}: {}{}",
        m.version,
        m.basis,
        m.status.period_ru()
    );
    if !m.status.note.is_empty() {
        line.push_str(&format!(" ({})", m.status.note));
    }
    line.push_str(&format!(". Округление: {}", m.rounding.order.describe_ru()));
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::methodology::BUILTIN_2018;

    #[test]
    fn names_the_act_and_the_rounding_order() {
        let m = Methodology::from_toml("2018.toml", BUILTIN_2018).unwrap();
        let line = method_line(&m);
        assert!(
            line.starts_with("Методика 2018: приказ Минтруда России от 31.05.2018 № 344н"),
            "{line}"
        );
        assert!(
            line.contains("критерии рассчитываются по округленным показателям"),
            "{line}"
        );
        // What was checked about the act, in place of «не проверены по официальному тексту».
        assert!(
            line.contains(
                "(номер и дата приказа сверены по ссылкам на него; день вступления в силу"
            ),
            "{line}"
        );
        assert!(!line.contains("не проверены"), "{line}");
    }

    #[test]
    fn no_groups_for_inputs_that_cannot_be_scored() {
        let m = Methodology::from_toml("2018.toml", BUILTIN_2018).unwrap();
        assert!(empty_groups(&m, Sector::Social, &[]).is_empty());
    }
}
