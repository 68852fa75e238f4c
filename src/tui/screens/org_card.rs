//! «Карточка организации», opened with Enter on an organization (in «Организации» or «Рейтинг»):
//! the cycles it was assessed in (←→ chooses one), and a scrolling body with its identifiers and,
//! for the chosen cycle, S and its places, criterion → indicator → raw inputs and checklist items,
//! the shortcomings found and the improvement-plan rows with their state today.
//!
//! Everything is read when the card opens or another cycle is chosen, a handful of indexed
//! queries for one organization; drawing never queries.

use std::cell::Cell;

use crate::store::Db as Connection;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell as TableCell, Paragraph, Row, Scrollbar, ScrollbarOrientation,
    ScrollbarState, Table,
};
use unicode_width::UnicodeWidthStr;

use crate::domain::methodology::{Formula, IndicatorDef, Methodology};
use crate::domain::plan::{PlanRow, PlanStatus, RowState, row_state};
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::StoreError;
use crate::store::card::{self, CardCycle, CycleDetail, OrgIdentity};
use crate::tui::format::{dec, wrap};
use crate::tui::methods::methods;
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen, navigate};
use crate::tui::theme::Theme;

/// Plan rows due within this many days are «осталось N дн.».
const HORIZON_DAYS: i64 = 30;

/// The sections of the body, in order; `s`/`S` jump between them.
const SECTIONS: [&str; 5] = [
    "Реквизиты",
    "Результаты",
    "Недостатки",
    "План",
    "bus.gov.ru",
];

/// The card of one organization.
#[derive(Debug)]
pub struct OrgCardScreen {
    ident: OrgIdentity,
    /// Cycles, newest first.
    history: Vec<CardCycle>,
    /// Index into `history` of the cycle shown.
    selected: usize,
    detail: Option<CycleDetail>,
    error: Option<String>,
    /// First line of the body shown.
    scroll: usize,
    /// Width and height of the body in the last frame (for scrolling and section jumps).
    body_width: Cell<u16>,
    body_height: Cell<u16>,
    /// Lines of the body in the last frame (for the status line).
    body_lines: Cell<usize>,
    /// Documents of the organization exported to bus.gov.ru (all cycles) and the portal's answers.
    exports: Vec<crate::store::exports::OrgExport>,
    /// What the portal's plan document (ТФФ 1.8.3) of the cycle shown still lacks, each naming
    /// the field; `None` when the cycle has no plan rows.
    portal_missing: Option<Vec<String>>,
}

impl OrgCardScreen {
    /// The card of organization `org_id`, showing its latest cycle.
    pub fn open(cx: &Ctx, org_id: i64) -> Result<OrgCardScreen, StoreError> {
        OrgCardScreen::open_at(cx, org_id, None)
    }

    /// The card of organization `org_id`, showing cycle `cycle_id` if it was assessed in it.
    pub fn open_at(
        cx: &Ctx,
        org_id: i64,
        cycle_id: Option<i64>,
    ) -> Result<OrgCardScreen, StoreError> {
        let conn = cx
            .conn
            .ok_or_else(|| StoreError::Invalid("база данных не открыта".into()))?;
        let ident = card::identity(conn, org_id)?.ok_or_else(|| {
            StoreError::Invalid(format!("организация с кодом {org_id} не найдена"))
        })?;
        let history = card::history(conn, org_id)?;
        let selected = cycle_id
            .and_then(|c| history.iter().position(|h| h.cycle_id == c))
            .unwrap_or(0);
        let mut screen = OrgCardScreen {
            ident,
            history,
            selected,
            detail: None,
            error: None,
            scroll: 0,
            body_width: Cell::new(78),
            body_height: Cell::new(12),
            body_lines: Cell::new(0),
            exports: crate::store::exports::for_org(conn, org_id)?,
            portal_missing: None,
        };
        screen.load_detail(conn);
        Ok(screen)
    }

    fn load_detail(&mut self, conn: &Connection) {
        self.detail = None;
        self.error = None;
        let Some(c) = self.history.get(self.selected) else {
            return;
        };
        match card::cycle_detail(conn, c.membership_id, c.cycle_id, self.ident.id) {
            Ok(mut d) => {
                if let Some(m) = methods().and_then(|m| m.get(&c.methodology)) {
                    d.empty_groups = if d.org_parts.is_empty() {
                        super::org_card_method::empty_groups(m, c.sector, &d.inputs)
                    } else {
                        super::org_card_method::empty_groups_of_parts(m, c.sector, &d.org_parts)
                    };
                }
                self.detail = Some(d)
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        let (cycle_id, has_plan) = (
            c.cycle_id,
            self.detail.as_ref().is_some_and(|d| !d.plan.is_empty()),
        );
        self.portal_missing = has_plan.then(|| {
            crate::service::export::portal_plan::missing_for_portal_cached(
                conn,
                cycle_id,
                self.ident.id,
            )
        });
    }

    /// The organization shown.
    pub fn identity(&self) -> &OrgIdentity {
        &self.ident
    }

    /// Its cycles, newest first.
    pub fn history(&self) -> &[CardCycle] {
        &self.history
    }

    /// The cycle shown, if the organization was ever assessed.
    pub fn cycle(&self) -> Option<&CardCycle> {
        self.history.get(self.selected)
    }

    /// What is stored for the cycle shown.
    pub fn detail(&self) -> Option<&CycleDetail> {
        self.detail.as_ref()
    }

    /// The first body line shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    fn body(&self, width: usize, today: NaiveDate, t: &Theme) -> Body {
        let mut b = Body {
            lines: Vec::new(),
            sections: Vec::new(),
            width: width.max(24),
        };
        self.identity_section(&mut b, t);
        self.results_section(&mut b, t);
        self.shortcomings_section(&mut b, t);
        self.plan_section(&mut b, today, t);
        self.busgov_section(&mut b, t);
        b
    }

    /// The cycle's documents sent to bus.gov.ru: version, when, and what the portal answered.
    fn busgov_section(&self, b: &mut Body, t: &Theme) {
        use crate::store::exports::ReceiptStatus;
        let cycle = self.cycle().map(|c| c.cycle_id);
        let docs: Vec<_> = self
            .exports
            .iter()
            .filter(|e| Some(e.position.cycle_id) == cycle)
            .collect();
        b.section(&format!("{} — выгрузка документов цикла", SECTIONS[4]), t);
        if docs.is_empty() {
            b.plain(Line::styled(
                "  Не выгружались (Обмен → Выгрузить пакет для bus.gov.ru).",
                t.dim(),
            ));
        }
        for e in docs {
            let p = &e.position;
            let kind = match p.kind.as_str() {
                "results" => "результаты оценки",
                "plan" => "план в формате nok (nokPlan)",
                _ => "отчет о выполнении плана в формате nok (nokReport)",
            };
            let (answer, style) = match p.receipt {
                ReceiptStatus::Accepted => ("принят порталом".to_string(), t.good()),
                ReceiptStatus::Rejected => (
                    format!(
                        "отклонен порталом ({})",
                        crate::domain::text::plural(
                            e.violations.len() as u64,
                            "замечание",
                            "замечания",
                            "замечаний"
                        )
                    ),
                    t.bad(),
                ),
                ReceiptStatus::None => ("ответа портала нет".to_string(), t.dim()),
            };
            // Stored as ISO date and time; people read ДД.ММ.ГГГГ.
            let when = p
                .exported_at
                .as_deref()
                .and_then(|at| chrono::NaiveDate::parse_from_str(at.get(..10)?, "%Y-%m-%d").ok())
                .map(|d| d.format("%d.%m.%Y").to_string())
                .unwrap_or_default();
            b.plain(Line::from(vec![
                Span::raw(format!(
                    "  {kind}: версия {}, выгружен {when} · ",
                    p.version_number
                )),
                Span::styled(answer, style),
            ]));
            for v in &e.violations {
                let style = if v.level == "warning" {
                    t.dim()
                } else {
                    t.bad()
                };
                b.wrapped(
                    vec![Span::styled(format!("    {} ", v.code), style)],
                    &format!("{}: {}", v.name, v.description),
                    style,
                );
            }
        }
    }

    fn identity_section(&self, b: &mut Body, t: &Theme) {
        let o = &self.ident.org;
        b.section(SECTIONS[0], t);
        let kv = |b: &mut Body, label: &str, value: String| {
            b.wrapped(
                vec![Span::styled(format!("  {label:<14}"), t.dim())],
                &value,
                Style::default(),
            );
        };
        kv(b, "Наименование", o.full_name.clone());
        if !o.short_name.is_empty() {
            kv(b, "Сокращённое", o.short_name.clone());
        }
        kv(
            b,
            "ИНН / КПП",
            format!("{} / {} · ОГРН {}", o.inn, o.kpp, o.ogrn),
        );
        kv(
            b,
            "regNum",
            format!("{} · ОКТМО {}", o.reg_num, or_dash(&o.oktmo)),
        );
        kv(b, "Сфера, регион", format!("{} · {}", o.sector, o.region));
        kv(
            b,
            "Учредитель",
            self.ident.founder.clone().unwrap_or_else(|| "—".into()),
        );
        kv(b, "Адрес", or_dash(&o.address).to_string());
        kv(b, "Сайт", or_dash(&o.website).to_string());
        if !o.active {
            b.plain(Line::styled("  Организация не действует", t.bad()));
        }
    }

    fn results_section(&self, b: &mut Body, t: &Theme) {
        let Some(c) = self.cycle() else {
            b.section(SECTIONS[1], t);
            b.plain(Line::styled("  Организация ещё не оценивалась.", t.dim()));
            return;
        };
        // A cycle without groups has its members in the group "": no «группа «»».
        let group = match c.group.as_str() {
            "" => String::new(),
            g => format!(" · группа «{}»", printable(g)),
        };
        b.section(
            &format!(
                "{} {} год · цикл {}{group}",
                SECTIONS[1], c.year, c.cycle_id
            ),
            t,
        );
        // Respondents are named when there were any (inputs entered as counts have none).
        let respondents = match c.respondents {
            0 => String::new(),
            n => format!(" · респондентов {n}"),
        };
        b.wrapped(
            vec![Span::raw("  ")],
            &format!(
                "{} · {} · {} · статус: {} · методика {}{respondents}",
                c.authority,
                c.sector,
                c.region,
                c.status.name_ru(),
                c.methodology
            ),
            t.dim(),
        );
        if c.scores_stale {
            b.wrapped(
                vec![Span::styled("  ! ", t.bad())],
                "исходные данные изменены после расчёта: результаты устарели (пересчёт: nok score)",
                t.bad(),
            );
        }
        if let Some(e) = &c.score_error {
            b.wrapped(vec![Span::styled("  Не рассчитано: ", t.bad())], e, t.bad());
        }
        match c.score {
            Some(s) => b.plain(Line::from(vec![
                Span::raw("  "),
                Span::styled(format!("S = {}", dec(s.total)), t.title()),
                Span::raw(format!(" · место {} из {}", s.place, s.ranked)),
                // In a cycle without groups the group is the whole cycle: said once.
                Span::raw(if c.group.is_empty() {
                    String::new()
                } else {
                    format!(" · в группе {} из {}", s.group_place, s.group_ranked)
                }),
                Span::styled("  (S — среднее К1…К5)", t.dim()),
            ])),
            None if c.score_error.is_none() => {
                b.plain(Line::styled("  Результатов ещё нет.", t.dim()));
            }
            None => {}
        }
        if let Some(e) = &self.error {
            b.wrapped(vec![Span::styled("  Ошибка чтения: ", t.bad())], e, t.bad());
            return;
        }
        let Some(d) = &self.detail else { return };
        survey_lines(b, c, d, t);
        let method = methods().and_then(|m| m.get(&c.methodology));
        if let Some(m) = method {
            b.wrapped(
                vec![Span::raw("  ")],
                &super::org_card_method::method_line(m),
                t.dim(),
            );
            for (i, line) in super::org_card_method::parts_lines(m, &d.org_parts)
                .iter()
                .enumerate()
            {
                let (lead, style) = if i == 0 {
                    ("  ", t.header())
                } else {
                    ("    ", Style::default())
                };
                b.wrapped(vec![Span::raw(lead)], line, style);
            }
        }
        match method {
            Some(m) => self.breakdown(b, c, d, m, t),
            None => self.breakdown_codes(b, c, d, t),
        }
    }

    /// Criterion → indicator → inputs and checklist items, named by the method.
    fn breakdown(&self, b: &mut Body, c: &CardCycle, d: &CycleDetail, m: &Methodology, t: &Theme) {
        let ranked = c.score.map(|s| s.ranked);
        let empty = &d.empty_groups;
        for k in &m.criteria {
            let part = d.parts.iter().find(|p| p.code == k.code);
            b.blank();
            let mut text = k.name.clone();
            if let (Some(p), Some(n)) = (part.and_then(|p| p.place), ranked) {
                text.push_str(&format!(" — место {p} из {n}"));
            }
            b.wrapped(
                vec![Span::styled(
                    format!(
                        "{:<4}{:>6}  ",
                        k.code,
                        part.map_or("—".into(), |p| dec(p.value))
                    ),
                    t.header(),
                )],
                &text,
                t.header(),
            );
            for ind in m
                .indicators_for(c.sector)
                .into_iter()
                .filter(|i| i.criterion == k.code)
            {
                let value = d.parts.iter().find(|p| p.code == ind.code);
                let mut name = ind.name.clone();
                if d.survey.is_some()
                    && let Some(counts) = share_counts(d, ind)
                {
                    name.push_str(&format!(" [по анкетам: {counts}]"));
                }
                b.wrapped(
                    vec![
                        Span::raw(format!("  {:<4}", ind.code)),
                        Span::styled(
                            format!("{:>6}", value.map_or("—".into(), |p| dec(p.value))),
                            t.accent(),
                        ),
                        Span::raw("  "),
                    ],
                    &name,
                    Style::default(),
                );
                for e in empty.iter().filter(|e| e.indicator == ind.code) {
                    b.wrapped(
                        vec![Span::styled("      ! ", t.accent())],
                        &e.note,
                        t.accent(),
                    );
                }
                self.inputs(b, d, ind, t);
            }
        }
    }

    fn inputs(&self, b: &mut Body, d: &CycleDetail, ind: &IndicatorDef, t: &Theme) {
        // Assessed in parts: the inputs are the parts' (listed with the parts above).
        if !d.org_parts.is_empty() {
            return;
        }
        let value = |key: &str| d.inputs.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
        for input in &ind.inputs {
            b.wrapped(
                vec![
                    Span::raw(" ".repeat(6)),
                    Span::raw(format!(
                        "{:>6}",
                        value(&input.key).map_or("—".into(), number)
                    )),
                    Span::raw("  "),
                ],
                &input.name,
                t.dim(),
            );
        }
        if let Formula::Points { points, .. } = ind.formula
            && !ind.checklist.is_empty()
        {
            for item in &ind.checklist {
                let (mark, style) = match value(&item.key) {
                    Some(v) if v > 0.0 => ("✓", t.good()),
                    Some(_) => ("✗", t.bad()),
                    None => ("?", t.dim()),
                };
                b.wrapped(
                    vec![
                        Span::raw(" ".repeat(11)),
                        Span::styled(mark, style),
                        Span::raw("  "),
                    ],
                    &item.name,
                    t.dim(),
                );
            }
            b.plain(Line::styled(
                format!(
                    "{}по {} балл. за пункт, не более 100",
                    " ".repeat(14),
                    number(points)
                ),
                t.dim(),
            ));
        }
    }

    /// The stored parts and inputs by code, when the cycle's method version is unknown here.
    fn breakdown_codes(&self, b: &mut Body, c: &CardCycle, d: &CycleDetail, t: &Theme) {
        b.wrapped(
            vec![Span::raw("  ")],
            &format!(
                "методика «{}» не найдена: показаны коды без наименований",
                c.methodology
            ),
            t.dim(),
        );
        for p in &d.parts {
            let place = p.place.map_or(String::new(), |p| format!("  место {p}"));
            b.plain(Line::from(format!(
                "  {:<6}{:>6}{place}",
                printable(&p.code),
                dec(p.value)
            )));
        }
        for (k, v) in &d.inputs {
            b.plain(Line::styled(
                format!("      {:>6}  {}", number(*v), printable(k)),
                t.dim(),
            ));
        }
    }

    fn shortcomings_section(&self, b: &mut Body, t: &Theme) {
        let list = self
            .detail
            .as_ref()
            .map_or(&[][..], |d| &d.shortcomings[..]);
        b.section(&format!("{} ({})", SECTIONS[2], list.len()), t);
        if list.is_empty() {
            b.plain(Line::styled("  Недостатков не записано.", t.dim()));
        }
        for s in list {
            b.wrapped(
                vec![Span::styled(
                    format!(
                        "  {:<3}{:<5}",
                        printable(&s.criterion),
                        printable(s.indicator.as_deref().unwrap_or(""))
                    ),
                    t.accent(),
                )],
                &s.text,
                Style::default(),
            );
        }
    }

    fn plan_section(&self, b: &mut Body, today: NaiveDate, t: &Theme) {
        let rows = self.detail.as_ref().map_or(&[][..], |d| &d.plan[..]);
        let states: Vec<RowState> = rows
            .iter()
            .map(|r| row_state(r.status, r.planned_date, today, HORIZON_DAYS))
            .collect();
        let count = |f: fn(&RowState) -> bool| states.iter().filter(|s| f(s)).count();
        let approved = self
            .cycle()
            .and_then(|c| c.plan_approved_on)
            .map(|d| format!(", утвержден {}", d.format("%d.%m.%Y")))
            .unwrap_or_default();
        b.section(
            &format!(
                "{} по устранению недостатков{approved} ({}: выполнено {}, просрочено {}, отменено {})",
                SECTIONS[3],
                rows.len(),
                count(|s| *s == RowState::Done),
                count(|s| matches!(s, RowState::Overdue { .. })),
                count(|s| *s == RowState::Cancelled),
            ),
            t,
        );
        if rows.is_empty() {
            b.plain(Line::styled("  Строк плана нет.", t.dim()));
        }
        match &self.portal_missing {
            Some(m) if m.is_empty() => b.plain(Line::styled(
                "  Для bus.gov.ru (ТФФ 1.8.3): все обязательное заполнено",
                t.good(),
            )),
            Some(m) => {
                b.plain(Line::styled(
                    format!(
                        "  Для bus.gov.ru не хватает (Enter — план, там r — заголовок плана): {}",
                        m.len()
                    ),
                    t.bad(),
                ));
                for what in m.iter().take(5) {
                    b.plain(Line::styled(format!("    {}", printable(what)), t.bad()));
                }
                if m.len() > 5 {
                    b.plain(Line::styled(
                        format!("    … и еще {}", m.len() - 5),
                        t.bad(),
                    ));
                }
            }
            None => {}
        }
        for (r, state) in rows.iter().zip(states) {
            plan_row(b, r, state, t);
        }
    }
}

fn plan_row(b: &mut Body, r: &PlanRow, state: RowState, t: &Theme) {
    let (label, style) = match state {
        RowState::Done => (
            match r.actual_date {
                Some(d) => format!("выполнено {}", d.format("%d.%m.%Y")),
                None => state.label_ru(),
            },
            t.good(),
        ),
        RowState::Cancelled => (state.label_ru(), t.dim()),
        RowState::Overdue { .. } => (state.label_ru(), t.bad()),
        RowState::DueSoon { .. } => (state.label_ru(), t.accent()),
        RowState::InTime => (state.label_ru(), Style::default()),
    };
    let mut head = vec![
        Span::raw("  "),
        Span::styled(
            format!("{:<6}{:<4}", printable(&r.number), printable(&r.criterion)),
            t.accent(),
        ),
        Span::raw(format!("срок {} · ", r.planned_date.format("%d.%m.%Y"))),
        Span::styled(label, style),
    ];
    if r.status == PlanStatus::InProgress {
        head.push(Span::styled(" · выполняется", t.dim()));
    }
    b.plain(Line::from(head));
    let indent = || vec![Span::raw(" ".repeat(12))];
    let field = |b: &mut Body, label: &str, text: &str| {
        if !text.trim().is_empty() {
            b.wrapped(indent(), &format!("{label}: {text}"), Style::default());
        }
    };
    field(b, "Недостаток", &r.shortcoming);
    field(b, "Мероприятие", &r.measure);
    let p = &r.responsible;
    let who = match (p.short().trim().is_empty(), p.position.trim().is_empty()) {
        (true, _) => String::new(),
        (false, true) => p.short(),
        (false, false) => format!("{}, {}", p.short(), p.position),
    };
    field(b, "Ответственный", &who);
    field(b, "Реализовано", &r.implemented_measures);
    if let Some(reason) = &r.cancel_reason {
        field(b, "Причина отмены", reason);
    }
}

/// «—» for an empty field.
/// «по N анкетам», the sources, the sample check and the first proposals.
fn survey_lines(b: &mut Body, c: &CardCycle, d: &CycleDetail, t: &Theme) {
    let Some(s) = &d.survey else { return };
    let sources: Vec<String> = s
        .sources
        .iter()
        .map(|(name, at, _)| format!("«{name}» {}", at.get(..10).unwrap_or(at)))
        .collect();
    b.wrapped(
        vec![Span::raw("  ")],
        &format!(
            "Доли удовлетворенных — по {} анкетам ({}: {}); исходные данные опроса считаются из анкет, правка спросит подтверждение",
            s.respondents,
            if sources.len() == 1 { "источник" } else { "источники" },
            sources.join(", ")
        ),
        t.dim(),
    );
    if let Some(recipients) = s.recipients
        && let Ok(qn) = crate::domain::questionnaire::Questionnaire::builtin()
    {
        let need = qn.sample.required(recipients.max(0) as u64);
        if (s.respondents.max(0) as u64) < need {
            b.wrapped(
                vec![Span::styled("  ! ", t.bad())],
                &format!(
                    "выборка мала: опрошено {} из требуемых {need} (получателей услуг {recipients}; {})",
                    s.respondents, qn.sample_text
                ),
                t.bad(),
            );
        }
    }
    let _ = c;
    if s.proposals > 0 {
        b.wrapped(
            vec![Span::raw("  ")],
            &format!(
                "Предложения респондентов: {} (все, поиск и выгрузка: P)",
                s.proposals
            ),
            t.header(),
        );
        for p in &d.proposals {
            b.wrapped(vec![Span::raw("    – ")], &p.text, Style::default());
        }
    }
}

/// The counts behind a share: «2 из 3», or for the stand-and-website pair «стенды 2 из 3, сайт
/// 2 из 3»; `None` when the indicator is not a share or its counts are missing.
fn share_counts(d: &CycleDetail, ind: &IndicatorDef) -> Option<String> {
    let value = |key: &str| d.inputs.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
    let pair = |i: usize| -> Option<String> {
        let yes = value(&ind.inputs.get(i)?.key)?;
        let asked = value(&ind.inputs.get(i + 1)?.key)?;
        Some(format!("{} из {}", number(yes), number(asked)))
    };
    match ind.formula {
        Formula::Share => pair(0),
        Formula::MeanValueShare => pair(1),
        Formula::RatioPair if ind.inputs.first()?.key.ends_with("yes_stand") => {
            Some(format!("стенды {}, сайт {}", pair(0)?, pair(2)?))
        }
        _ => None,
    }
}

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

/// A raw input: whole counts without decimals, values with a comma.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{}", v as i64)
    } else {
        dec(v)
    }
}

/// The body as lines already wrapped to its width (so scrolling and section jumps count real
/// lines), with the first line of each section.
struct Body {
    lines: Vec<Line<'static>>,
    sections: Vec<usize>,
    width: usize,
}

impl Body {
    fn section(&mut self, title: &str, t: &Theme) {
        if !self.lines.is_empty() {
            self.blank();
        }
        self.sections.push(self.lines.len());
        self.wrapped(Vec::new(), title, t.title());
    }

    fn blank(&mut self) {
        self.lines.push(Line::from(""));
    }

    fn plain(&mut self, line: Line<'static>) {
        self.lines.push(line);
    }

    /// `prefix` then `text` (made printable) wrapped, continuation lines indented under the text.
    fn wrapped(&mut self, prefix: Vec<Span<'static>>, text: &str, style: Style) {
        let indent: usize = prefix.iter().map(|s| s.content.width()).sum();
        let room = self.width.saturating_sub(indent).max(12);
        let mut first = Some(prefix);
        for chunk in wrap(&printable(text), room) {
            let mut spans = first
                .take()
                .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
            spans.push(Span::styled(chunk, style));
            self.lines.push(Line::from(spans));
        }
    }
}

impl Screen for OrgCardScreen {
    fn title(&self) -> String {
        let o = &self.ident.org;
        let name = if o.short_name.trim().is_empty() {
            &o.full_name
        } else {
            &o.short_name
        };
        printable(name).into_owned()
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("←→", "цикл"),
            ("↑↓ PgDn", "листать"),
            ("s S", "раздел"),
            ("e", "данные"),
            ("r", "реквизиты"),
            ("p", "план"),
            ("P", "предложения"),
            ("n", "недостатки"),
            ("c", "цикл"),
            ("Enter", "план и недостатки"),
            ("a", "в цикл"),
            ("Esc", "назад"),
        ]
    }

    /// Reads the card again (after a change saved from a form opened on it).
    fn activate(&mut self, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        if let Ok(Some(ident)) = card::identity(conn, self.ident.id) {
            self.ident = ident;
        }
        match card::history(conn, self.ident.id) {
            Ok(h) => {
                self.history = h;
                self.selected = self.selected.min(self.history.len().saturating_sub(1));
                self.load_detail(conn);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn status(&self) -> String {
        let n = self.history.len();
        let pos = if n == 0 { 0 } else { self.selected + 1 };
        let mut s = format!(" карточка · цикл {pos}/{n}");
        if let Some(c) = self.cycle() {
            s.push_str(&format!(" ({} год)", c.year));
        }
        s.push_str(&format!(
            " · строка {} из {}",
            self.scroll + 1,
            self.body_lines.get().max(1)
        ));
        s
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        let width = usize::from(self.body_width.get());
        let height = usize::from(self.body_height.get()).max(1);
        match action {
            Action::EditIdentity => crate::tui::forms::organization::open(cx, self.ident.id),
            Action::EditCycle => match self.cycle() {
                Some(c) => crate::tui::forms::cycle::open(cx, &self.title(), c),
                None => Outcome::Message("организация не оценивалась: циклов нет".into()),
            },
            Action::EditShortcomings => match self.cycle() {
                Some(c) => crate::tui::forms::shortcomings::open(
                    cx,
                    c.cycle_id,
                    c.year,
                    self.ident.id,
                    &self.title(),
                ),
                None => Outcome::Message("организация не оценивалась: недостатков нет".into()),
            },
            Action::DraftPlan => match self.cycle() {
                Some(c) => crate::tui::forms::plan_draft::open(cx, self.ident.id, &self.title(), c),
                None => Outcome::Message("организация не оценивалась: проекта плана нет".into()),
            },
            Action::Accept => match self.cycle() {
                Some(c) => Outcome::Open(Box::new(super::org_plan::OrgPlanScreen::open(
                    cx,
                    c.cycle_id,
                    c.year,
                    self.ident.id,
                    &self.title(),
                ))),
                None => Outcome::Message("организация не оценивалась: плана нет".into()),
            },
            Action::Add => crate::tui::forms::membership::join(cx, self.ident.id, &self.title()),
            Action::Proposals => match self.cycle() {
                Some(c) => {
                    let scope = super::proposals::Scope {
                        cycle_id: c.cycle_id,
                        year: c.year,
                        org: Some((c.membership_id, self.ident.org.inn.clone(), self.title())),
                    };
                    Outcome::Open(Box::new(super::proposals::ProposalsScreen::open(cx, scope)))
                }
                None => Outcome::Message("организация не оценивалась: предложений нет".into()),
            },
            Action::Edit => match self.cycle() {
                // Assessed in parts: whose inputs, the organization's or a part's.
                Some(c) => match self.detail.as_ref().filter(|d| !d.org_parts.is_empty()) {
                    Some(d) => Outcome::Open(Box::new(super::input_holder::HolderChoice::new(
                        &self.title(),
                        c,
                        &d.org_parts,
                    ))),
                    None => crate::tui::forms::inputs::open(cx, &self.title(), c),
                },
                None => Outcome::Message("организация не оценивалась: исходных данных нет".into()),
            },
            Action::Left | Action::Right => {
                let next = match action {
                    // The history is newest first: Left goes back in time.
                    Action::Left => self.selected + 1,
                    _ => self.selected.wrapping_sub(1),
                };
                if next < self.history.len() {
                    self.selected = next;
                    match cx.conn {
                        Some(conn) => self.load_detail(conn),
                        None => self.detail = None,
                    }
                    let body = self.body(width, cx.today, &cx.theme);
                    self.scroll = self.scroll.min(max_scroll(body.lines.len(), height));
                }
                Outcome::Done
            }
            Action::SortNext | Action::SortReverse => {
                let body = self.body(width, cx.today, &cx.theme);
                let target = if action == Action::SortNext {
                    body.sections.iter().copied().find(|&s| s > self.scroll)
                } else {
                    body.sections
                        .iter()
                        .rev()
                        .copied()
                        .find(|&s| s < self.scroll)
                };
                if let Some(t) = target {
                    self.scroll = t.min(max_scroll(body.lines.len(), height));
                }
                Outcome::Done
            }
            _ => {
                let body = self.body(width, cx.today, &cx.theme);
                let max = max_scroll(body.lines.len(), height);
                // Scrolling: the selection is the top line, moved within 0..=max.
                match navigate(action, self.scroll, max + 1, height.saturating_sub(1)) {
                    Some(s) => {
                        self.scroll = s;
                        Outcome::Done
                    }
                    None => Outcome::Ignored,
                }
            }
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let wide = area.height >= 30;
        let shown = self.history.len().clamp(1, if wide { 6 } else { 4 });
        let [head, hist, body_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(shown as u16 + 1),
            Constraint::Fill(1),
        ])
        .areas(area);

        let o = &self.ident.org;
        let title = if o.short_name.trim().is_empty() {
            &o.full_name
        } else {
            &o.short_name
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(printable(title).into_owned(), t.title()),
                Span::styled(format!("  ИНН {}", o.inn), t.header()),
                Span::styled(format!(" · regNum {}", printable(&o.reg_num)), t.dim()),
            ])),
            head,
        );
        self.draw_history(frame, hist, shown, cx);

        // The body: a top rule naming the sections (the one at the top of the view stands out).
        let inner = Rect {
            y: body_area.y + 1,
            height: body_area.height.saturating_sub(1),
            ..body_area
        };
        let text_width = inner.width.saturating_sub(1);
        self.body_width.set(text_width);
        self.body_height.set(inner.height);
        let body = self.body(usize::from(text_width), cx.today, t);
        self.body_lines.set(body.lines.len());
        let height = usize::from(inner.height);
        let scroll = self.scroll.min(max_scroll(body.lines.len(), height));
        let current = body
            .sections
            .iter()
            .rposition(|&s| s <= scroll)
            .unwrap_or(0);
        let mut title = vec![Span::raw(" ")];
        for (i, name) in SECTIONS.iter().enumerate() {
            if i > 0 {
                title.push(Span::styled(" · ", t.dim()));
            }
            let style = if i == current { t.key() } else { t.dim() };
            title.push(Span::styled(*name, style));
        }
        title.push(Span::raw(" "));
        frame.render_widget(
            Block::default()
                .borders(Borders::TOP)
                .title(Line::from(title)),
            body_area,
        );
        let visible: Vec<Line> = body
            .lines
            .iter()
            .skip(scroll)
            .take(height)
            .cloned()
            .collect();
        frame.render_widget(
            Paragraph::new(visible),
            Rect {
                width: text_width,
                ..inner
            },
        );
        if body.lines.len() > height {
            let mut state = ScrollbarState::new(max_scroll(body.lines.len(), height) + 1)
                .position(scroll)
                .viewport_content_length(height);
            frame.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight)
                    .begin_symbol(None)
                    .end_symbol(None),
                inner,
                &mut state,
            );
        }
    }
}

impl OrgCardScreen {
    fn draw_history(&self, frame: &mut Frame, area: Rect, shown: usize, cx: &Ctx) {
        let t = &cx.theme;
        if self.history.is_empty() {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::styled("Оценки", t.header()),
                    Line::styled("Организация не входила ни в один цикл оценки.", t.dim()),
                ]),
                area,
            );
            return;
        }
        let offset = crate::tui::screen::window(0, self.selected, shown);
        let wide = area.width >= 100;
        let rows: Vec<Row> = self
            .history
            .iter()
            .enumerate()
            .skip(offset)
            .take(shown)
            .map(|(i, c)| {
                let (s, place, group) = match c.score {
                    Some(s) => (
                        dec(s.total),
                        format!("{}/{}", s.place, s.ranked),
                        format!("{}/{}", s.group_place, s.group_ranked),
                    ),
                    None if c.score_error.is_some() => ("ошибка".into(), "—".into(), "—".into()),
                    None => ("—".into(), "—".into(), "—".into()),
                };
                let mut cells = vec![
                    TableCell::from(c.year.to_string()),
                    right(c.cycle_id.to_string()),
                    TableCell::from(cut(&printable(&c.group), 26)),
                    right(s),
                    right(place),
                    right(group),
                ];
                if wide {
                    cells.push(TableCell::from(c.status.name_ru()));
                    cells.push(TableCell::from(printable(&c.authority).into_owned()));
                }
                let row = Row::new(cells);
                if i == self.selected {
                    row.style(t.selected())
                } else {
                    row
                }
            })
            .collect();
        let mut widths = vec![
            Constraint::Length(4),
            Constraint::Length(5),
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(9),
            Constraint::Length(9),
        ];
        let mut header = vec![
            TableCell::from("Год"),
            right("Цикл".into()),
            TableCell::from("Группа"),
            right("S".into()),
            right("Место".into()),
            right("В группе".into()),
        ];
        if wide {
            widths[2] = Constraint::Length(22);
            widths.push(Constraint::Length(17));
            widths.push(Constraint::Fill(1));
            header.push(TableCell::from("Статус цикла"));
            header.push(TableCell::from("Уполномоченный орган"));
        }
        frame.render_widget(
            Table::new(rows, widths).header(Row::new(header).style(t.header())),
            area,
        );
    }
}

fn right(text: String) -> TableCell<'static> {
    TableCell::from(Line::from(text).alignment(Alignment::Right))
}

fn max_scroll(lines: usize, height: usize) -> usize {
    lines.saturating_sub(height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_whole_counts_plainly() {
        assert_eq!(number(42.0), "42");
        assert_eq!(number(87.5), "87,50");
    }
}
