//! The bodies of the pages (everything inside `main` after the `h1`): the results of the cycle
//! (итоги), the rating, a group's rating, the list of organizations, the council's meetings and
//! an organization's page. Every stored text goes through the template's escaping (maud escapes
//! every `(value)`); links are relative and never leave the site.

use chrono::NaiveDate;
use maud::{Markup, html};

use super::chart::{self, Bar};
use super::format::{self, clean, dec, org_file};
use super::layout::Site;
use crate::domain::council::CouncilMeeting;
use crate::domain::plan::{PlanRow, RowState};
use crate::domain::rating::Stats;
use crate::store::publication::{MemberRow, OrgPage};

/// Plan rows due within this many days are «осталось N дн.» (as in the organization card).
pub const HORIZON_DAYS: i64 = 30;

/// How far improvement-plan rows have been carried out on a day (ход выполнения плана).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanTally {
    pub rows: u64,
    pub done: u64,
    pub cancelled: u64,
    /// Not done, planned date not passed.
    pub in_time: u64,
    /// Not done, planned date passed.
    pub overdue: u64,
}

impl PlanTally {
    /// Counts `row` as it stands on `today`.
    pub fn add(&mut self, row: &PlanRow, today: NaiveDate) {
        self.rows += 1;
        match row.state(today, HORIZON_DAYS) {
            RowState::Done => self.done += 1,
            RowState::Cancelled => self.cancelled += 1,
            RowState::InTime | RowState::DueSoon { .. } => self.in_time += 1,
            RowState::Overdue { .. } => self.overdue += 1,
        }
    }

    /// Adds another tally (of another organization).
    pub fn merge(&mut self, other: &PlanTally) {
        self.rows += other.rows;
        self.done += other.done;
        self.cancelled += other.cancelled;
        self.in_time += other.in_time;
        self.overdue += other.overdue;
    }

    /// Share of rows done among those not cancelled, in percent (`None` when there are none).
    pub fn done_percent(&self) -> Option<f64> {
        let due = self.rows - self.cancelled;
        (due > 0).then(|| self.done as f64 * 100.0 / due as f64)
    }
}

/// A group of the cycle with its page and the summary of its scores.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSummary {
    pub name: String,
    /// Its page, relative to the site root.
    pub file: String,
    pub members: usize,
    pub total: Option<Stats>,
}

/// What the results page summarizes over the whole cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub members: usize,
    pub scored: usize,
    /// S over the scored members.
    pub total: Option<Stats>,
    /// Each criterion of the method (code, its stats over the scored members).
    pub criteria: Vec<(String, Option<Stats>)>,
    pub groups: Vec<GroupSummary>,
    pub plan: PlanTally,
    /// Members with at least one plan row.
    pub with_plan: u64,
    pub meetings: usize,
}

fn criterion_name<'a>(site: &'a Site<'_>, code: &str) -> &'a str {
    site.method.criterion(code).map_or("", |c| c.name.as_str())
}

fn stat_cells(s: Option<&Stats>, digits: usize) -> Markup {
    html! {
        @match s {
            Some(s) => {
                td.num { (dec(s.min, digits)) }
                td.num { (dec(s.mean, digits)) }
                td.num { (dec(s.max, digits)) }
            }
            None => { td.num { "—" } td.num { "—" } td.num { "—" } }
        }
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or("—".to_string(), |p| format!("{} %", dec(p, 1)))
}

/// A table in a box that scrolls sideways on a narrow screen; the box is named by the caption.
fn table_box(id: &str, caption: &str, head: Markup, body: Markup) -> Markup {
    html! {
        div.table-wrap role="region" tabindex="0" aria-labelledby=(format!("{id}-cap")) {
            table id=(id) {
                caption id=(format!("{id}-cap")) { (caption) }
                thead { (head) }
                (body)
            }
        }
    }
}

/// The results page (итоги): the cycle, its scores overall and by group, plan progress, links.
pub fn index(site: &Site<'_>, o: &Overview, up: &str) -> Markup {
    let c = site.cycle;
    let digits = site.digits();
    let mut bars: Vec<Bar> = o
        .criteria
        .iter()
        .filter_map(|(code, s)| {
            s.map(|s| Bar {
                label: format!("{code} {}", criterion_name(site, code)),
                value: s.mean,
                max: 100.0,
                text: dec(s.mean, digits),
            })
        })
        .collect();
    if let Some(s) = o.total {
        bars.insert(
            0,
            Bar {
                label: "S — итоговый балл".into(),
                value: s.mean,
                max: 100.0,
                text: dec(s.mean, digits),
            },
        );
    }
    let group_bars: Vec<Bar> = o
        .groups
        .iter()
        .filter_map(|g| {
            g.total.map(|s| Bar {
                label: format::group_name(&g.name).into_owned(),
                value: s.mean,
                max: 100.0,
                text: dec(s.mean, digits),
            })
        })
        .collect();
    html! {
        p {
            "Результаты независимой оценки качества условий оказания услуг организациями "
            "в сфере «" (c.sector.name_ru()) "» за " (c.year) " год. "
            "Данные по состоянию на " (format::date(site.today)) "."
        }
        dl.facts {
            dt { "Уполномоченный орган" } dd { (clean(&c.authority)) }
            dt { "Субъект Российской Федерации" } dd { (clean(&c.region)) }
            dt { "Статус" } dd { (c.status.name_ru()) }
            @if let Some(op) = &c.operator_name {
                dt { "Организация-оператор" }
                dd {
                    (clean(op))
                    @if let Some(inn) = &c.operator_inn { ", ИНН " (clean(inn)) }
                    @if let Some(n) = &c.contract_number {
                        "; контракт № " (clean(n))
                        @if let Some(d) = c.contract_date { " от " (format::date(d)) }
                    }
                }
            }
            @if let Some(n) = &c.protocol_number {
                dt { "Утверждено общественным советом" }
                dd {
                    "протокол № " (clean(n))
                    @if let Some(d) = c.protocol_date { " от " (format::date(d)) }
                }
            }
            dt { "Методика" } dd { (clean(&site.method.title)) }
            dt { "Нормативный акт" } dd { (clean(&site.method.status.describe_ru())) }
            dt { "Округление" } dd { (site.method.rounding.order.describe_ru()) }
            dt { "Оценено организаций" }
            dd {
                (o.members)
                @if o.scored < o.members { " (баллы рассчитаны для " (o.scored) ")" }
            }
        }
        h2 id="scores" { "Итоговые баллы" }
        @if bars.is_empty() {
            p { "Баллы не рассчитаны." }
        } @else {
            (chart::bars("chart-mean", "Средние значения итогового балла и критериев по организациям цикла, из 100", &bars))
        }
        (table_box("criteria", "Итоговый балл и критерии: минимальное, среднее и максимальное значение", html! {
            tr {
                th scope="col" { "Код" }
                th scope="col" { "Наименование" }
                th.num scope="col" { "Минимум" }
                th.num scope="col" { "Среднее" }
                th.num scope="col" { "Максимум" }
            }
        }, html! {
            tbody {
                tr {
                    th scope="row" { "S" }
                    td { "Итоговый балл (среднее пяти критериев)" }
                    (stat_cells(o.total.as_ref(), digits))
                }
                @for (code, s) in &o.criteria {
                    tr {
                        th scope="row" { (code) }
                        td { (criterion_name(site, code)) }
                        (stat_cells(s.as_ref(), digits))
                    }
                }
            }
        }))
        p { a href=(format!("{up}rating.html")) { "Рейтинг всех организаций" } }

        h2 id="groups" { "Рейтинг по группам" }
        @if !group_bars.is_empty() {
            (chart::bars("chart-groups", "Средний итоговый балл по группам организаций, из 100", &group_bars))
        }
        (table_box("groups-table", "Группы организаций: число оцененных и итоговый балл", html! {
            tr {
                th scope="col" { "Группа" }
                th.num scope="col" { "Организаций" }
                th.num scope="col" { "Минимум S" }
                th.num scope="col" { "Среднее S" }
                th.num scope="col" { "Максимум S" }
            }
        }, html! {
            tbody {
                @for g in &o.groups {
                    tr {
                        th scope="row" { a href=(format!("{up}{}", g.file)) { (format::group_name(&g.name)) } }
                        td.num { (g.members) }
                        (stat_cells(g.total.as_ref(), digits))
                    }
                }
            }
        }))

        h2 id="plans" { "Выполнение планов по устранению недостатков" }
        (plan_progress("plan-all", &o.plan, site.today))
        p {
            "Планы есть у " (o.with_plan) " из " (o.members) " организаций. "
            "Ход выполнения плана каждой организации — на ее странице, "
            a href=(format!("{up}organizations.html")) { "список организаций" } "."
        }
        h2 id="council" { "Общественный совет" }
        p {
            "Заседаний по этому циклу: " (o.meetings) ". "
            a href=(format!("{up}council.html")) { "Заседания и протоколы" }
        }
    }
}

/// A chart and a table of how far plan rows are carried out on `today`.
fn plan_progress(id: &str, t: &PlanTally, today: NaiveDate) -> Markup {
    let total = t.rows as f64;
    let of = |n: u64| format!("{n} из {}", t.rows);
    let bars = [
        ("Выполнено", t.done),
        ("В работе, срок не истек", t.in_time),
        ("Просрочено", t.overdue),
        ("Отменено", t.cancelled),
    ]
    .map(|(label, n)| Bar {
        label: label.into(),
        value: n as f64,
        max: total,
        text: of(n),
    });
    html! {
        @if t.rows == 0 {
            p { "Мероприятий в планах нет." }
        } @else {
            (chart::bars(&format!("{id}-chart"), &format!("Мероприятия планов на {}", format::date(today)), &bars))
            (table_box(id, &format!("Мероприятия планов по состоянию на {}", format::date(today)), html! {
                tr {
                    th scope="col" { "Всего" }
                    th.num scope="col" { "Выполнено" }
                    th.num scope="col" { "В работе, срок не истек" }
                    th.num scope="col" { "Просрочено" }
                    th.num scope="col" { "Отменено" }
                    th.num scope="col" { "Выполнено из неотмененных" }
                }
            }, html! {
                tbody {
                    tr {
                        th.num scope="row" { (t.rows) }
                        td.num { (t.done) }
                        td.num { (t.in_time) }
                        td.num.bad[t.overdue > 0] { (t.overdue) }
                        td.num { (t.cancelled) }
                        td.num { (percent(t.done_percent())) }
                    }
                }
            }))
        }
    }
}

fn criterion_value(m: &MemberRow, code: &str) -> Option<f64> {
    m.criteria.iter().find(|(c, _)| c == code).map(|(_, v)| *v)
}

/// The rating table of `members` (in rating order); `group_places` shows places within the
/// group instead of overall.
fn rating_table<'a>(
    site: &Site<'_>,
    id: &str,
    caption: &str,
    members: impl Iterator<Item = &'a MemberRow>,
    group_places: bool,
    up: &str,
) -> Markup {
    let digits = site.digits();
    let codes: Vec<&str> = site
        .method
        .criteria
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    table_box(
        id,
        caption,
        html! {
            tr {
                th.num scope="col" { @if group_places { "Место в группе" } @else { "Место" } }
                th scope="col" { "Организация" }
                th scope="col" { "ИНН" }
                @for code in &codes {
                    th.num scope="col" { abbr title=(criterion_name(site, code)) { (code) } }
                }
                th.num scope="col" { abbr title="Итоговый балл" { "S" } }
                @if !group_places {
                    th scope="col" { "Группа" }
                    th.num scope="col" { "Место в группе" }
                }
            }
        },
        html! {
            tbody {
                @for m in members {
                    tr {
                        @match &m.score {
                            Some(s) => td.num { (if group_places { s.group_place } else { s.place }) },
                            None => td.num { "—" },
                        }
                        th scope="row" { a href=(format!("{up}{}", org_file(m.org_id, &m.inn, &m.kpp))) { (clean(&m.name)) } }
                        td { (clean(&m.inn)) }
                        @for code in &codes {
                            td.num { (criterion_value(m, code).map_or("—".to_string(), |v| dec(v, digits))) }
                        }
                        @match &m.score {
                            Some(s) => td.num { (dec(s.total, digits)) },
                            None => td.num { "не рассчитан" },
                        }
                        @if !group_places {
                            td { (format::group_name(&m.group)) }
                            td.num { (m.score.map_or("—".to_string(), |s| s.group_place.to_string())) }
                        }
                    }
                }
            }
        },
    )
}

/// The whole rating of the cycle.
pub fn rating(site: &Site<'_>, members: &[MemberRow], up: &str) -> Markup {
    let unscored = members.iter().filter(|m| m.score.is_none()).count();
    html! {
        p {
            "Организации по итоговому баллу S, от высшего к низшему; равные баллы делят место. "
            "Критерии: "
            @for (i, c) in site.method.criteria.iter().enumerate() {
                @if i > 0 { "; " }
                (c.code) " — " (c.name)
            }
            "."
        }
        @if unscored > 0 {
            p.note { "Баллы не рассчитаны для " (unscored) " организаций (в конце таблицы)." }
        }
        (rating_table(site, "rating", &format!("Рейтинг организаций: {}", site.subject()), members.iter(), false, up))
    }
}

/// One group's rating: its members with their places in the group.
pub fn group(site: &Site<'_>, g: &GroupSummary, members: &[MemberRow], up: &str) -> Markup {
    let digits = site.digits();
    let mut in_group: Vec<&MemberRow> = members.iter().filter(|m| m.group == g.name).collect();
    in_group.sort_by_key(|m| (m.score.is_none(), m.score.map_or(0, |s| s.group_place)));
    html! {
        p {
            "Организаций в группе: " (g.members) ". "
            @if let Some(s) = g.total {
                "Итоговый балл: от " (dec(s.min, digits)) " до " (dec(s.max, digits))
                ", в среднем " (dec(s.mean, digits)) "."
            }
        }
        (rating_table(site, "group-rating", &format!("Рейтинг группы «{}»", format::group_name(&g.name)), in_group.into_iter(), true, up))
        p { a href=(format!("{up}index.html#groups")) { "Все группы" } }
    }
}

/// The organizations assessed, by name.
pub fn organizations(site: &Site<'_>, by_name: &[&MemberRow], up: &str) -> Markup {
    let digits = site.digits();
    html! {
        p { "Организации, оцененные в цикле, по наименованию: " (by_name.len()) "." }
        (table_box("orgs", "Организации, в отношении которых проведена независимая оценка", html! {
            tr {
                th scope="col" { "Наименование" }
                th scope="col" { "Полное наименование" }
                th scope="col" { "ИНН" }
                th scope="col" { "Группа" }
                th.num scope="col" { "S" }
                th.num scope="col" { "Место" }
            }
        }, html! {
            tbody {
                @for m in by_name {
                    tr {
                        th scope="row" { a href=(format!("{up}{}", org_file(m.org_id, &m.inn, &m.kpp))) { (clean(&m.name)) } }
                        td { (clean(&m.full_name)) }
                        td { (clean(&m.inn)) }
                        td { (format::group_name(&m.group)) }
                        td.num { (m.score.map_or("—".to_string(), |s| dec(s.total, digits))) }
                        td.num { (m.score.map_or("—".to_string(), |s| s.place.to_string())) }
                    }
                }
            }
        }))
    }
}

/// The council's meetings on the cycle, with agenda and decisions (протоколы).
pub fn council(site: &Site<'_>, meetings: &[CouncilMeeting]) -> Markup {
    let c = site.cycle;
    html! {
        p {
            "Заседания общественного совета при уполномоченном органе ("
            (clean(&c.authority)) "), на которых рассматривался этот цикл независимой оценки."
        }
        @if meetings.is_empty() {
            p { "Сведений о заседаниях нет." }
        }
        @for (i, m) in meetings.iter().enumerate() {
            section aria-labelledby=(format!("meeting-{}", i + 1)) {
                h2 id=(format!("meeting-{}", i + 1)) {
                    "Заседание " (format::date(m.date)) ", протокол № " (clean(&m.protocol_number))
                }
                h3 { "Повестка" }
                @let agenda = format::lines(&m.agenda);
                @if agenda.is_empty() { p.note { "Не указана." } }
                @for l in &agenda { p { (l) } }
                h3 { "Решения" }
                @let decisions = format::lines(&m.decisions);
                @if decisions.is_empty() { p.note { "Не указаны." } }
                @for l in &decisions { p { (l) } }
            }
        }
    }
}

/// Cycle means shown next to an organization's values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Means {
    pub total: Option<f64>,
    /// By criterion code.
    pub criteria: Vec<(String, f64)>,
}

fn state_cell(state: RowState) -> Markup {
    html! {
        @match state {
            RowState::Overdue { .. } => td.bad { (state.label_ru()) },
            RowState::Done => td.good { (state.label_ru()) },
            _ => td { (state.label_ru()) },
        }
    }
}

/// An organization's page: who it is, its scores (criteria and indicators), the shortcomings
/// found and its improvement plan with each row's state on the day the data was taken.
pub fn org(site: &Site<'_>, p: &OrgPage, means: &Means, up: &str) -> Markup {
    let digits = site.digits();
    let o = &p.org;
    let criteria: Vec<_> = p.parts.iter().filter(|x| x.place.is_some()).collect();
    let mut bars = Vec::new();
    if let Some(s) = p.score {
        bars.push(Bar {
            label: "S — итоговый балл".into(),
            value: s.total,
            max: 100.0,
            text: dec(s.total, digits),
        });
    }
    for c in &criteria {
        bars.push(Bar {
            label: format!("{} {}", c.code, criterion_name(site, &c.code)),
            value: c.value,
            max: 100.0,
            text: dec(c.value, digits),
        });
    }
    let mut tally = PlanTally::default();
    for r in &p.plan {
        tally.add(r, site.today);
    }
    let mean_of = |code: &str| {
        means
            .criteria
            .iter()
            .find(|(c, _)| c == code)
            .map_or("—".to_string(), |(_, v)| dec(*v, digits))
    };
    html! {
        dl.facts {
            dt { "Полное наименование" } dd { (clean(&o.full_name)) }
            dt { "ИНН / КПП" } dd { (clean(&o.inn)) " / " (clean(&o.kpp)) }
            dt { "ОГРН" } dd { (clean(&o.ogrn)) }
            dt { "Код по Сводному реестру" } dd { (clean(&o.reg_num)) }
            @if !o.address.trim().is_empty() { dt { "Адрес" } dd { (clean(&o.address)) } }
            // The site is written as text, not a link: the report makes no external references.
            @if !o.website.trim().is_empty() { dt { "Официальный сайт" } dd { (clean(&o.website)) } }
            @if let Some(f) = &p.founder { dt { "Учредитель" } dd { (clean(f)) } }
            dt { "Группа" } dd { (format::group_name(&p.group)) }
            dt { "Опрошено получателей услуг" } dd { (p.respondents) }
        }
        h2 id="scores" { "Результаты оценки" }
        @match (&p.score, &p.score_error) {
            (Some(s), _) => {
                p {
                    "Итоговый балл S = " strong { (dec(s.total, digits)) } " из 100; "
                    "место " (s.place) " из " (s.ranked) " в цикле, "
                    (s.group_place) " из " (s.group_ranked) " в группе «" (format::group_name(&p.group)) "»."
                }
            }
            (None, Some(e)) => p.bad { "Баллы не рассчитаны: " (clean(e)) }
            (None, None) => p { "Баллы не рассчитаны." }
        }
        @if !bars.is_empty() {
            (chart::bars("chart-org", "Итоговый балл и баллы по критериям, из 100", &bars))
        }
        @if !criteria.is_empty() {
            (table_box("criteria", "Баллы по критериям", html! {
                tr {
                    th scope="col" { "Критерий" }
                    th scope="col" { "Наименование" }
                    th.num scope="col" { "Балл" }
                    th.num scope="col" { "Место в цикле" }
                    th.num scope="col" { "Среднее по циклу" }
                }
            }, html! {
                tbody {
                    @if let Some(s) = p.score {
                        tr {
                            th scope="row" { "S" }
                            td { "Итоговый балл" }
                            td.num { (dec(s.total, digits)) }
                            td.num { (s.place) }
                            td.num { (means.total.map_or("—".to_string(), |v| dec(v, digits))) }
                        }
                    }
                    @for c in &criteria {
                        tr {
                            th scope="row" { (c.code) }
                            td { (criterion_name(site, &c.code)) }
                            td.num { (dec(c.value, digits)) }
                            td.num { (c.place.map_or("—".to_string(), |x| x.to_string())) }
                            td.num { (mean_of(&c.code)) }
                        }
                    }
                }
            }))
            (indicators(site, p))
            (org_parts(site, p))
        }
        h2 id="shortcomings" { "Выявленные недостатки" }
        @if p.shortcomings.is_empty() {
            p { "Недостатков не выявлено." }
        } @else {
            (table_box("shortcomings-table", "Недостатки, выявленные в ходе независимой оценки", html! {
                tr {
                    th scope="col" { "Критерий" }
                    th scope="col" { "Показатель" }
                    th scope="col" { "Недостаток" }
                }
            }, html! {
                tbody {
                    @for s in &p.shortcomings {
                        tr {
                            th scope="row" { (clean(&s.criterion)) }
                            td { (s.indicator.as_deref().map_or("—".into(), clean)) }
                            td { (clean(&s.text)) }
                        }
                    }
                }
            }))
        }
        h2 id="plan" { "План по устранению недостатков и его выполнение" }
        @if p.plan.is_empty() {
            p { "Плана по устранению недостатков нет." }
        } @else {
            (plan_progress("plan-progress", &tally, site.today))
            (plan_table(site, &p.plan))
        }
        p { a href=(format!("{up}rating.html")) { "Рейтинг всех организаций" } }
    }
}

/// The parts of an organization assessed separately, with their S and criteria; nothing for an
/// organization assessed whole.
fn org_parts(site: &Site<'_>, p: &OrgPage) -> Markup {
    let digits = site.digits();
    html! {
        @if !p.org_parts.is_empty() {
            (table_box("org-parts", "Оценка по частям организации: показатели организации — среднее значений частей", html! {
                tr {
                    th scope="col" { "Часть" }
                    th.num scope="col" { "S" }
                    @for c in &site.method.criteria {
                        th.num scope="col" { (c.code) }
                    }
                }
            }, html! {
                @for part in &p.org_parts {
                    tr {
                        th scope="row" { (clean(&part.name)) }
                        td.num { (part.value("S").map_or("—".to_string(), |v| dec(v, digits))) }
                        @for c in &site.method.criteria {
                            td.num { (part.value(&c.code).map_or("—".to_string(), |v| dec(v, digits))) }
                        }
                    }
                }
            }))
        }
    }
}

/// Indicator values grouped by criterion, with the method's names.
fn indicators(site: &Site<'_>, p: &OrgPage) -> Markup {
    let digits = site.digits();
    let sector = site.cycle.sector;
    let all: Vec<_> = p.parts.iter().filter(|x| x.place.is_none()).collect();
    html! {
        (table_box("indicators", "Значения показателей", html! {
            tr {
                th scope="col" { "Показатель" }
                th scope="col" { "Наименование" }
                th.num scope="col" { "Балл" }
            }
        }, html! {
            @for c in &site.method.criteria {
                @let of_c: Vec<_> = all.iter().filter(|x| {
                    site.method.indicator(sector, &x.code).is_some_and(|d| d.criterion == c.code)
                }).collect();
                // Indicators of the criterion without a value were left out for an empty group.
                @let left_out: Vec<_> = site.method.indicators_for(sector).into_iter().filter(|d| {
                    d.criterion == c.code && !all.iter().any(|x| x.code == d.code)
                }).collect();
                @if !of_c.is_empty() {
                    tbody {
                        tr { th colspan="3" scope="rowgroup" { (c.code) " " (c.name) } }
                        @for x in of_c {
                            tr {
                                th scope="row" { (clean(&x.code)) }
                                td { (site.method.indicator(sector, &x.code).map_or("", |d| d.name.as_str())) }
                                td.num { (dec(x.value, digits)) }
                            }
                        }
                        @for d in left_out {
                            tr {
                                th scope="row" { (d.code) }
                                td { (d.name) " (не учитывается: нет ответивших, вес распределен между остальными показателями критерия)" }
                                td.num { "—" }
                            }
                        }
                    }
                }
            }
            // Indicators the method does not know (stored by another version) are still shown.
            @let unknown: Vec<_> = all.iter().filter(|x| site.method.indicator(sector, &x.code).is_none()).collect();
            @if !unknown.is_empty() {
                tbody {
                    tr { th colspan="3" scope="rowgroup" { "Прочие показатели" } }
                    @for x in unknown {
                        tr {
                            th scope="row" { (clean(&x.code)) }
                            td { "—" }
                            td.num { (dec(x.value, digits)) }
                        }
                    }
                }
            }
        }))
    }
}

/// The improvement plan in the form of the decree, with the state of each row.
fn plan_table(site: &Site<'_>, rows: &[PlanRow]) -> Markup {
    html! {
        (table_box("plan-table", &format!("План по устранению недостатков, состояние на {}", format::date(site.today)), html! {
            tr {
                th scope="col" { "№" }
                th scope="col" { "Недостаток" }
                th scope="col" { "Мероприятие" }
                th scope="col" { "Плановый срок" }
                th scope="col" { "Ответственный" }
                th scope="col" { "Состояние" }
                th scope="col" { "Реализованные меры" }
                th scope="col" { "Фактический срок" }
            }
        }, html! {
            tbody {
                @for r in rows {
                    tr {
                        th scope="row" { (clean(&r.number)) }
                        td { (clean(&r.shortcoming)) }
                        td {
                            (clean(&r.measure))
                            @if !r.expected_result.trim().is_empty() {
                                br; span.note { "Результат: " (clean(&r.expected_result)) }
                            }
                        }
                        td.num { (format::date(r.planned_date)) }
                        td {
                            (clean(&r.responsible.short()))
                            @if !r.responsible.position.trim().is_empty() {
                                ", " (clean(&r.responsible.position))
                            }
                        }
                        (state_cell(r.state(site.today, HORIZON_DAYS)))
                        td {
                            (clean(&r.implemented_measures))
                            @if let Some(why) = &r.cancel_reason {
                                @if !why.trim().is_empty() { "Причина отмены: " (clean(why)) }
                            }
                        }
                        td.num { (r.actual_date.map_or("—".to_string(), format::date)) }
                    }
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::{Person, PlanStatus};

    fn row(status: PlanStatus, planned: (i32, u32, u32)) -> PlanRow {
        PlanRow {
            cycle_id: 1,
            org_id: 1,
            number: "1".into(),
            criterion: "К1".into(),
            shortcoming_id: None,
            shortcoming: String::new(),
            measure: "м".into(),
            planned_date: NaiveDate::from_ymd_opt(planned.0, planned.1, planned.2).unwrap(),
            responsible: Person::default(),
            expected_result: String::new(),
            result_indicators: String::new(),
            implemented_measures: String::new(),
            actual_date: None,
            status,
            cancel_reason: None,
        }
    }

    #[test]
    fn plan_rows_are_tallied_on_the_given_day() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut t = PlanTally::default();
        for r in [
            row(PlanStatus::Done, (2026, 1, 1)),
            row(PlanStatus::Cancelled, (2026, 1, 1)),
            row(PlanStatus::Planned, (2026, 11, 21)),
            row(PlanStatus::InProgress, (2026, 11, 22)),
            row(PlanStatus::Planned, (2027, 5, 1)),
        ] {
            t.add(&r, today);
        }
        assert_eq!(
            t,
            PlanTally {
                rows: 5,
                done: 1,
                cancelled: 1,
                in_time: 2,
                overdue: 1
            }
        );
        // 1 done of the 4 not cancelled.
        assert_eq!(t.done_percent(), Some(25.0));
        let mut sum = PlanTally::default();
        sum.merge(&t);
        sum.merge(&t);
        assert_eq!((sum.rows, sum.overdue), (10, 2));
        assert_eq!(PlanTally::default().done_percent(), None);
    }
}
