//! The operator's analytical report to the authority and the public council: the method, the
//! sample, results per organization and per criterion (with charts of the distribution of S and
//! of the criteria means), the ratings by group, the shortcomings found and the respondents'
//! proposals.

use std::sync::atomic::AtomicBool;

use rusqlite::Connection;

use super::{Progress, Texts, Vars, check_cancel, dec2};
use crate::exchange::chart::{self, Bar};
use crate::exchange::docx::{Align, Cell, Document, Orientation, Para};
use crate::service::methodology::Methods;
use crate::store::report_data;
use crate::store::scores::RatingRow;

/// The distribution of S in bins 5 points wide, from the bin of the lowest S to 100 (the last
/// bin holds 100 too): (from, to, count).
pub fn s_bins(totals: &[f64]) -> Vec<(u32, u32, u64)> {
    let Some(min) = totals.iter().copied().reduce(f64::min) else {
        return Vec::new();
    };
    let low = ((min.max(0.0) / 5.0).floor() as u32 * 5).min(95);
    let mut bins: Vec<(u32, u32, u64)> = (low..100).step_by(5).map(|f| (f, f + 5, 0)).collect();
    for t in totals {
        let i = ((t.clamp(0.0, 100.0) as u32).saturating_sub(low) / 5) as usize;
        let i = i.min(bins.len() - 1);
        bins[i].2 += 1;
    }
    bins
}

/// The mean of each criterion over the organizations that have it: (code, mean, count).
pub fn criteria_means(rows: &[RatingRow], codes: &[(String, String)]) -> Vec<(String, f64, u64)> {
    codes
        .iter()
        .enumerate()
        .map(|(i, (code, _))| {
            let (sum, n) = rows
                .iter()
                .filter_map(|r| r.criteria.get(i).copied().flatten())
                .fold((0.0, 0u64), |(s, n), v| (s + v, n + 1));
            (code.clone(), if n > 0 { sum / n as f64 } else { 0.0 }, n)
        })
        .collect()
}

/// Builds the report; returns it with the number of organizations of the cycle.
pub fn build(
    conn: &Connection,
    methods: &Methods,
    texts: &Texts,
    cycle_id: i64,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<(Document, u64)> {
    let t = &texts.operator;
    let head = super::head(conn, cycle_id)?;
    let method = methods.get(&head.methodology);
    let criteria = super::criteria(method);
    let members = crate::store::export_data::member_count(conn, cycle_id)?;
    let total_steps = members.max(1) * 4;
    let mut step = |done: u64| {
        progress(Progress {
            done: done.min(total_steps),
            total: total_steps,
        })
    };
    step(0);
    let rating = super::rating(conn, cycle_id, &criteria)?;
    let vars = Vars::new(texts, &head, method, members, String::new());
    let title = vars.fill(&t.title);
    let mut doc = Document::new(&title, Orientation::Portrait);

    // Title page.
    doc.para(
        &Para::new(&head.authority.full_name)
            .style("Title")
            .align(Align::Center),
    );
    doc.para(&Para::empty());
    doc.para(&Para::new(&title).style("Title"));
    doc.para(
        &Para::new(&vars.fill(&t.subtitle))
            .align(Align::Center)
            .no_indent(),
    );
    if let (Some(n), Some(d)) = (&head.contract_number, head.contract_date) {
        doc.para(
            &Para::new(&format!("Контракт № {n} от {}", super::date_ru(d)))
                .align(Align::Center)
                .no_indent(),
        );
    }
    doc.para(
        &Para::new(&format!("{} год", head.year))
            .align(Align::Center)
            .no_indent(),
    );
    doc.page_break();
    doc.toc();
    doc.page_break();

    // 1. Method.
    doc.heading(1, &t.method);
    for p in &t.method_text {
        doc.para(&Para::new(&vars.fill(p)));
    }
    if let Some(m) = method {
        doc.para(&Para::new(&format!(
            "Версия методики в nok: {} — {}.",
            m.version, m.title
        )));
        doc.para(&Para::new(&format!(
            "Порядок округления: {} (до {} знаков).",
            m.rounding.order.describe_ru(),
            m.rounding.digits
        )));
    }

    // 2. Sample.
    check_cancel(cancel)?;
    doc.heading(1, &t.sample);
    doc.para(&Para::new(&vars.fill(&t.sample_text)));
    let surveyed = report_data::survey_loaded(conn, cycle_id)?;
    if !surveyed {
        doc.para(&Para::new(&t.no_survey));
    }
    let samples = crate::store::survey::cycle_samples(conn, cycle_id)?;
    let (all_resp, all_recip): (i64, i64) = samples
        .iter()
        .fold((0, 0), |(a, b), s| (a + s.3, b + s.4.unwrap_or(0)));
    doc.para(&Para::new(&format!(
        "Всего опрошено респондентов: {all_resp}; получателей услуг (где указано): {all_recip}."
    )));
    doc.table_start(
        &[7, 49, 14, 10, 10, 10],
        &[&[
            Cell::center("№"),
            Cell::center("Организация"),
            Cell::center("ИНН"),
            Cell::center("Получателей услуг"),
            Cell::center("Опрошено"),
            Cell::center("Доля, %"),
        ]],
    );
    for (i, s) in samples.iter().enumerate() {
        let n = (i + 1).to_string();
        let recipients = s.4.map(|r| r.to_string()).unwrap_or_else(|| "—".into());
        let respondents = s.3.to_string();
        let share = match s.4 {
            Some(r) if r > 0 => dec2(s.3 as f64 * 100.0 / r as f64),
            _ => "—".into(),
        };
        doc.row(&[
            Cell::center(&n),
            Cell::new(&s.2),
            Cell::center(&s.1),
            Cell::num(&recipients),
            Cell::num(&respondents),
            Cell::num(&share),
        ]);
        if i.is_multiple_of(256) {
            check_cancel(cancel)?;
        }
    }
    doc.table_end();
    step(members);

    // 3. Results: a landscape section for the wide table.
    check_cancel(cancel)?;
    doc.section(Orientation::Landscape);
    doc.heading(1, &t.results);
    doc.para(&Para::new(&t.results_text));
    let legend: Vec<String> = criteria
        .iter()
        .filter(|(_, n)| !n.is_empty())
        .map(|(c, n)| format!("{c} — {n}"))
        .collect();
    if !legend.is_empty() {
        doc.para(&Para::new(&format!("{}.", legend.join("; "))));
    }
    super::results_table(&mut doc, &rating, &criteria);
    step(members * 2);

    // Charts, back in portrait.
    check_cancel(cancel)?;
    doc.section(Orientation::Portrait);
    let totals: Vec<f64> = rating.iter().map(|r| r.total).collect();
    doc.heading(2, &t.distribution);
    let bins = s_bins(&totals);
    if bins.is_empty() {
        doc.para(&Para::new(
            "Итоговые показатели не рассчитаны: nok score --cycle ID.",
        ));
    } else {
        let most = bins.iter().map(|b| b.2).max().unwrap_or(1).max(1);
        let step_y = nice_step(most as f64);
        let bars: Vec<Bar> = bins
            .iter()
            .map(|(from, to, n)| Bar {
                label: format!("{from}–{to}"),
                value: *n as f64,
                caption: n.to_string(),
            })
            .collect();
        let max = (most as f64 / step_y).ceil() * step_y;
        doc.picture(chart::bars(&bars, max, step_y, "организаций")?, 160);
        doc.para(&Para::new(&t.distribution_caption).style("Caption"));
        doc.table_start(
            &[50, 50],
            &[&[Cell::center("S, баллов"), Cell::center("Организаций")]],
        );
        for (from, to, n) in &bins {
            let range = if *to == 100 {
                format!("от {from} до {to} включительно")
            } else {
                format!("от {from} до {to}")
            };
            let n = n.to_string();
            doc.row(&[Cell::center(&range), Cell::num(&n)]);
        }
        doc.table_end();
    }
    doc.heading(2, &t.means);
    let means = criteria_means(&rating, &criteria);
    if rating.is_empty() {
        doc.para(&Para::new("Значения критериев не рассчитаны."));
    } else {
        let bars: Vec<Bar> = means
            .iter()
            .map(|(code, mean, _)| Bar {
                label: code.clone(),
                value: *mean,
                caption: dec2(*mean),
            })
            .collect();
        doc.picture(chart::bars(&bars, 100.0, 20.0, "баллов")?, 160);
        doc.para(&Para::new(&t.means_caption).style("Caption"));
        doc.table_start(
            &[15, 55, 15, 15],
            &[&[
                Cell::center("Критерий"),
                Cell::center("Наименование"),
                Cell::center("Среднее, баллов"),
                Cell::center("Организаций"),
            ]],
        );
        for ((code, mean, n), (_, name)) in means.iter().zip(&criteria) {
            let mean = dec2(*mean);
            let n = n.to_string();
            doc.row(&[
                Cell::center(code),
                Cell::new(name),
                Cell::num(&mean),
                Cell::num(&n),
            ]);
        }
        doc.table_end();
    }

    // 4. Ratings.
    check_cancel(cancel)?;
    doc.heading_on_new_page(1, &t.ratings);
    doc.para(&Para::new(&t.ratings_text));
    super::ratings_by_group(&mut doc, &rating);
    let errors = crate::store::scores::errors(conn, cycle_id)?;
    if !errors.is_empty() {
        doc.heading(2, &t.not_scored);
        doc.table_start(
            &[40, 15, 45],
            &[&[
                Cell::center("Организация"),
                Cell::center("ИНН"),
                Cell::center("Причина"),
            ]],
        );
        for (name, inn, why) in &errors {
            doc.row(&[Cell::new(name), Cell::center(inn), Cell::new(why)]);
        }
        doc.table_end();
    }
    step(members * 3);

    // 5. Shortcomings, by organization.
    check_cancel(cancel)?;
    doc.heading_on_new_page(1, &t.shortcomings);
    let mut open = false;
    let mut last_org = None;
    let mut n = 0u64;
    report_data::for_each_shortcoming::<anyhow::Error>(conn, cycle_id, |s| {
        if !open {
            doc.table_start(
                &[15, 85],
                &[&[Cell::center("Критерий"), Cell::center("Недостаток")]],
            );
            open = true;
        }
        if last_org != Some(s.org_id) {
            let title = format!("{} (ИНН {})", s.org_name, s.inn);
            doc.row(&[Cell::new(&title).bold().span(2).keep_next()]);
            last_org = Some(s.org_id);
        }
        doc.row(&[Cell::center(&s.criterion), Cell::new(&s.text)]);
        n += 1;
        if n.is_multiple_of(512) {
            check_cancel(cancel)?;
        }
        Ok(())
    })?;
    if open {
        doc.table_end();
    } else {
        doc.para(&Para::new(&t.no_shortcomings));
    }

    // 6. Proposals, at most so many per organization.
    check_cancel(cancel)?;
    doc.heading_on_new_page(1, &t.proposals);
    let mut open = false;
    let mut last: Option<(i64, i64)> = None;
    let mut shown = 0i64;
    let close_org = |doc: &mut Document, last: Option<(i64, i64)>, shown: i64| {
        if let Some((_, of_org)) = last
            && of_org > shown
        {
            let more = format!("… и еще {} (все: nok survey proposals)", of_org - shown);
            doc.row(&[Cell::new(""), Cell::new(&more)]);
        }
    };
    report_data::for_each_proposal::<anyhow::Error>(
        conn,
        cycle_id,
        t.proposals_per_org.max(1),
        |p| {
            if !open {
                doc.table_start(
                    &[8, 92],
                    &[&[Cell::center("№"), Cell::center("Предложение")]],
                );
                open = true;
            }
            if last.map(|l| l.0) != Some(p.membership_id) {
                close_org(&mut doc, last, shown);
                let title = format!("{} (ИНН {}), предложений: {}", p.org_name, p.inn, p.of_org);
                doc.row(&[Cell::new(&title).bold().span(2).keep_next()]);
                last = Some((p.membership_id, p.of_org));
                shown = 0;
            }
            shown += 1;
            let n = shown.to_string();
            doc.row(&[Cell::center(&n), Cell::new(&p.text)]);
            Ok(())
        },
    )?;
    if open {
        close_org(&mut doc, last, shown);
        doc.table_end();
    } else {
        doc.para(&Para::new(&t.no_proposals));
    }
    step(total_steps);
    Ok((doc, members))
}

/// A step for a value axis up to `max`: 1, 2 or 5 times a power of ten, about five lines.
fn nice_step(max: f64) -> f64 {
    let raw = (max / 5.0).max(1.0);
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_run_from_the_lowest_bin_to_100_and_hold_100_in_the_last() {
        // 71.3 → [70,75); 88 → [85,90); 100 → [95,100]; 95 → [95,100].
        assert_eq!(
            s_bins(&[71.3, 88.0, 100.0, 95.0]),
            vec![
                (70, 75, 1),
                (75, 80, 0),
                (80, 85, 0),
                (85, 90, 1),
                (90, 95, 0),
                (95, 100, 2)
            ]
        );
        assert!(s_bins(&[]).is_empty());
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(nice_step(3.0), 1.0);
        assert_eq!(nice_step(12.0), 5.0);
        assert_eq!(nice_step(480.0), 100.0);
    }
}
