//! The indicator-inputs form of an organization's cycle (исходные данные), or of one part of an
//! organization assessed in parts: raw counts, entered values and checklist items, with the
//! indicator values, the criteria and S recomputed by [`score`] on screen as they are typed.
//! Saving names the version the form read (the membership's, or the part's), audits each changed
//! input and marks the cycle's scores stale; the UI then recomputes the cycle in the background.
//! The places shown as typed are those the organization would take against the other members'
//! stored results (a part is not ranked: none). A part's field left empty takes the
//! organization's value, as scoring does (`store::org_parts`); a part's checklist item is a
//! choice of three — «как у организации» (not entered), «есть», «нет» — so that the part's «нет»
//! is stored as its own 0 and wins over the organization's «есть».

use std::collections::BTreeMap;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::domain::decimal::plain;
use crate::domain::methodology::{InputKind, Methodology};
use crate::domain::rating::Standing;
use crate::domain::scoring::{InputProblem, Inputs, ScoreCard, score};
use crate::domain::sector::Sector;
use crate::domain::text::printable;
use crate::service::write::{self, EditError, Holder, InputEdit};
use crate::store::card::CardCycle;
use crate::store::edit_inputs;
use crate::tui::form::undo::saved;
use crate::tui::form::{Field, Form, FormHost, FormSpec, Kind, conflict_notice};
use crate::tui::format::dec;
use crate::tui::screen::{Ctx, Outcome};

/// The options of a part's checklist item: the organization's mark, «есть», «нет».
const PART_INHERIT: usize = 0;
const PART_YES: usize = 1;
const PART_NO: usize = 2;

/// The form as shown: the host around its spec.
pub type InputsForm = FormHost<InputsSpec>;

/// The inputs form of one organization in one cycle.
#[derive(Debug)]
pub struct InputsSpec {
    holder: Holder,
    /// The part's name, for a part's inputs.
    part: Option<String>,
    /// A part's: the organization's own inputs, which fill the part's empty fields.
    org_values: BTreeMap<String, f64>,
    cycle: i64,
    year: i32,
    /// The membership version the form's values are based on.
    version: i64,
    /// The stored inputs at that version.
    base: BTreeMap<String, f64>,
    /// The input key of each field.
    keys: Vec<String>,
    /// The full name of each field (labels are cut to fit).
    names: Vec<String>,
    method: &'static Methodology,
    sector: Sector,
    org: String,
    /// S as stored before this form (`None` when not scored).
    stored_total: Option<f64>,
    /// The stored place in the cycle and in the group («4 из 25, в группе 2 из 7»; the group left
    /// out in a cycle without groups).
    stored_place: Option<String>,
    pub form: Form,
    /// The result of the values on screen, or why there is none.
    live: Result<ScoreCard, String>,
    /// What the places on screen are counted against (`None` when it could not be read).
    standing: Option<Standings>,
    /// Inputs computed from survey responses, and from how many: editing them asks first.
    survey: (Vec<String>, i64),
    /// The user confirmed writing over the survey's counts.
    over_survey: bool,
}

/// The other members' stored results: where S, S in the group and each criterion would stand.
#[derive(Debug)]
struct Standings {
    total: Standing,
    /// `None` in a cycle without groups (its group is the whole cycle).
    group: Option<Standing>,
    criteria: BTreeMap<String, Standing>,
}

impl Standings {
    fn read(
        conn: &crate::store::Db,
        c: &CardCycle,
        digits: u32,
    ) -> Result<Standings, crate::store::StoreError> {
        let others = crate::store::ranking::others(conn, c.cycle_id, c.membership_id)?;
        let totals: Vec<f64> = others.totals.iter().map(|(t, _)| *t).collect();
        let group: Vec<f64> = others
            .totals
            .iter()
            .filter(|(_, g)| *g == c.group)
            .map(|(t, _)| *t)
            .collect();
        Ok(Standings {
            total: Standing::new(&totals, digits),
            group: (!c.group.is_empty()).then(|| Standing::new(&group, digits)),
            criteria: others
                .criteria
                .iter()
                .map(|(code, values)| (code.clone(), Standing::new(values, digits)))
                .collect(),
        })
    }
}

/// Opens the inputs form of `org` in cycle `c` (as `e` on the card does).
pub fn open(cx: &Ctx, org: &str, c: &CardCycle) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let Some(method) = crate::tui::methods::methods().and_then(|m| m.get(&c.methodology)) else {
        return no_method(c);
    };
    match edit_inputs::read(conn, c.membership_id) {
        Ok(Some((base, version))) => {
            let mut form = InputsSpec::new(method, org, c, base, version);
            form.standing = Standings::read(conn, c, method.rounding.digits).ok();
            form.survey =
                crate::store::survey::survey_keys(conn, c.membership_id).unwrap_or_default();
            form.check();
            Outcome::Open(Box::new(FormHost::new(form)))
        }
        Ok(None) => Outcome::Message("организация больше не входит в цикл".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

/// Opens the inputs form of part `part` (id, name) of `org` in cycle `c`: its own inputs, the
/// organization's shown where it has none.
pub fn open_part(cx: &Ctx, org: &str, c: &CardCycle, part: (i64, &str)) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let Some(method) = crate::tui::methods::methods().and_then(|m| m.get(&c.methodology)) else {
        return no_method(c);
    };
    let read = edit_inputs::read_of(conn, Holder::Part(part.0))
        .and_then(|own| Ok((own, edit_inputs::read(conn, c.membership_id)?)));
    match read {
        Ok((Some((base, version)), org_values)) => {
            let mut form = InputsSpec::new(method, org, c, base, version);
            form.holder = Holder::Part(part.0);
            form.part = Some(part.1.to_string());
            form.org_values = org_values.map(|(v, _)| v).unwrap_or_default();
            form.stored_total = None;
            form.stored_place = None;
            form.form.title = format!("Исходные данные · {} год · часть «{}»", c.year, part.1);
            form.part_checklist();
            let by_part =
                crate::store::survey::sums_by_part(conn, c.membership_id).unwrap_or_default();
            if let Some(sums) = by_part.get(part.1) {
                form.survey = (
                    sums.keys()
                        .filter(|k| *k != "respondents")
                        .cloned()
                        .collect(),
                    sums.get("respondents").copied().unwrap_or(0),
                );
            }
            form.check();
            Outcome::Open(Box::new(FormHost::new(form)))
        }
        Ok((None, _)) => Outcome::Message("этой части больше нет".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn no_method(c: &CardCycle) -> Outcome {
    Outcome::Message(format!(
        "методика «{}» цикла не найдена; исходные данные изменить нельзя",
        c.methodology
    ))
}

impl InputsSpec {
    pub fn new(
        method: &'static Methodology,
        org: &str,
        c: &CardCycle,
        base: BTreeMap<String, f64>,
        version: i64,
    ) -> InputsSpec {
        let mut fields = Vec::new();
        let mut keys = Vec::new();
        let mut names = Vec::new();
        for def in method.indicators_for(c.sector) {
            for input in &def.inputs {
                let integer = input.kind == InputKind::Count;
                fields.push(Field::number(
                    format!("{} {}", def.code, input.name),
                    integer,
                    base.get(&input.key).copied(),
                ));
                keys.push(input.key.clone());
                names.push(input.name.clone());
            }
            for item in &def.checklist {
                fields.push(Field::check(
                    format!("{} {}", def.code, item.name),
                    base.get(&item.key) == Some(&1.0),
                ));
                keys.push(item.key.clone());
                names.push(format!("пункт «{}»: есть (Пробел) или нет", item.name));
            }
        }
        let mut f = InputsSpec {
            holder: Holder::Member(c.membership_id),
            part: None,
            org_values: BTreeMap::new(),
            cycle: c.cycle_id,
            year: c.year,
            version,
            base,
            keys,
            names,
            method,
            sector: c.sector,
            org: org.to_string(),
            stored_total: c.score.as_ref().map(|s| s.total),
            stored_place: c.score.as_ref().map(|s| {
                if c.group.is_empty() {
                    format!("{} из {}", s.place, s.ranked)
                } else {
                    format!(
                        "{} из {}, в группе {} из {}",
                        s.place, s.ranked, s.group_place, s.group_ranked
                    )
                }
            }),
            form: Form::new(format!("Исходные данные · {} год", c.year), fields),
            live: Err(String::new()),
            standing: None,
            survey: (Vec::new(), 0),
            over_survey: false,
        };
        f.check();
        f
    }

    /// A part's checklist items take three values, not two: not entered (the organization's
    /// mark is taken, as scoring takes it), «есть» (1) and «нет» (0), so that a part can say
    /// «нет» where the organization says «есть». Called once the organization's values are in.
    fn part_checklist(&mut self) {
        for i in 0..self.keys.len() {
            let f = &self.form.fields[i];
            if !matches!(f.kind, Kind::Check) {
                continue;
            }
            let inherit = match self.org_values.get(&self.keys[i]) {
                Some(v) if *v > 0.0 => "как у организации: есть",
                Some(_) => "как у организации: нет",
                None => "не введено (у организации тоже)",
            };
            let chosen = match self.base.get(&self.keys[i]) {
                None => PART_INHERIT,
                Some(v) if *v > 0.0 => PART_YES,
                Some(_) => PART_NO,
            };
            self.form.fields[i] =
                Field::choice(f.label.clone(), vec![inherit, "есть", "нет"], chosen);
            let item = self.names[i]
                .strip_prefix("пункт «")
                .and_then(|n| n.split_once('»'))
                .map_or(self.names[i].clone(), |(n, _)| n.to_string());
            self.names[i] = format!(
                "пункт «{item}»: у части есть, нет или как у организации (Пробел, е, н, к)"
            );
        }
        self.check();
    }

    /// The result on screen: S, the criteria and the indicators, or why there is none.
    pub fn live(&self) -> Result<&ScoreCard, &str> {
        self.live.as_ref().map_err(String::as_str)
    }

    /// The value of field `i` to store: `None` = not entered. A checkbox left as it was keeps
    /// a missing item missing; a part's checklist item is not entered while it says «как у
    /// организации».
    fn value(&self, i: usize) -> Option<f64> {
        let f = &self.form.fields[i];
        match f.kind {
            Kind::Check if !f.changed() => self.base.get(&self.keys[i]).copied(),
            Kind::Check => Some(if f.checked() { 1.0 } else { 0.0 }),
            // A part's checklist item (see `part_checklist`).
            Kind::Choice(_) => match f.choice {
                PART_YES => Some(1.0),
                PART_NO => Some(0.0),
                _ => None,
            },
            _ => f.number_value().ok().flatten(),
        }
    }

    /// Checks the formats and scores the values on screen; a problem of an input shows under
    /// its field (a value not yet entered only below the form).
    fn check(&mut self) {
        self.form.check_formats();
        // A part's empty field is the organization's value, as scoring takes it.
        let inputs: Inputs = (0..self.keys.len())
            .filter_map(|i| {
                self.value(i)
                    .or_else(|| self.org_values.get(&self.keys[i]).copied())
                    .map(|v| (self.keys[i].clone(), v))
            })
            .collect();
        match score(self.method, self.sector, &self.org, &inputs) {
            Ok(card) => self.live = Ok(card),
            Err(e) => {
                let field = self.keys.iter().position(|k| *k == e.key);
                self.live = Err(format!(
                    "показатель {}, поле «{}»: {}",
                    e.indicator, e.name, e.problem
                ));
                if let Some(i) = field
                    && *e.problem != InputProblem::Missing
                {
                    self.form.flag(i, e.problem.to_string());
                }
            }
        }
    }

    fn footer(&self, cx: &Ctx) -> Vec<Line<'static>> {
        let t = &cx.theme;
        let focus = self.form.focus;
        let about = Line::from(vec![
            Span::styled(
                format!("{}: ", self.keys.get(focus).map_or("", String::as_str)),
                t.key(),
            ),
            Span::styled(
                printable(self.names.get(focus).map_or("", String::as_str)).into_owned(),
                t.dim(),
            ),
        ]);
        let mut lines = vec![about];
        if self.part.is_some()
            && let Some(key) = self.keys.get(focus)
            && self.value(focus).is_none()
        {
            lines.push(Line::styled(
                match self.org_values.get(key) {
                    Some(v)
                        if matches!(self.form.fields[focus].kind, Kind::Check | Kind::Choice(_)) =>
                    {
                        format!(
                            "у части пункт не введен: в расчете — отметка организации «{}»; «есть» или «нет» части — Пробел",
                            if *v > 0.0 { "есть" } else { "нет" }
                        )
                    }
                    Some(v) => format!(
                        "поле пусто: в расчете части — значение организации {}",
                        plain(*v)
                    ),
                    None => "поле пусто, и у организации значения нет".to_string(),
                },
                t.dim(),
            ));
        }
        lines.extend(self.result_lines(cx));
        lines
    }

    fn result_lines(&self, cx: &Ctx) -> Vec<Line<'static>> {
        let t = &cx.theme;
        match &self.live {
            Ok(card) => {
                let mut s = vec![
                    Span::styled("S = ", t.header()),
                    Span::styled(dec(card.total), t.title()),
                ];
                if let Some(old) = self.stored_total {
                    s.push(Span::styled(format!("  (сохранено {})", dec(old)), t.dim()));
                }
                if let Some(st) = &self.standing {
                    let (place, of) = st.total.place(card.total);
                    let in_group = match &st.group {
                        Some(group) => {
                            let (gp, gof) = group.place(card.total);
                            format!(" · в группе {gp} из {gof}")
                        }
                        None => String::new(),
                    };
                    s.push(Span::styled(
                        format!(" · место {place} из {of}{in_group}"),
                        t.header(),
                    ));
                    if let Some(was) = &self.stored_place {
                        s.push(Span::styled(format!(" (было {was})"), t.dim()));
                    }
                }
                let criteria = card
                    .criteria
                    .iter()
                    .map(|c| {
                        let place = self
                            .standing
                            .as_ref()
                            .and_then(|st| st.criteria.get(&c.code))
                            .map(|st| format!(" (место {})", st.place(c.value).0))
                            .unwrap_or_default();
                        format!("{} {}{place}", c.code, dec(c.value))
                    })
                    .collect::<Vec<_>>()
                    .join(" · ");
                let indicators = card
                    .indicators
                    .iter()
                    .map(|i| format!("{} {}", i.code, dec(i.value)))
                    .collect::<Vec<_>>()
                    .join(" · ");
                vec![
                    Line::from(s),
                    Line::styled(format!("Критерии: {criteria}"), t.header()),
                    Line::styled(format!("Показатели: {indicators}"), t.dim()),
                ]
            }
            Err(e) => vec![Line::styled(
                format!("S не рассчитан: {}", printable(e)),
                t.dim(),
            )],
        }
    }
}

impl FormSpec for InputsSpec {
    crate::form_in_field!();

    fn title(&self) -> String {
        match &self.part {
            Some(part) => format!("Исходные данные {} · {part}", self.year),
            None => format!("Исходные данные {}", self.year),
        }
    }

    fn recheck(&mut self, _today: chrono::NaiveDate) {
        self.check()
    }

    fn submit(&mut self, cx: &Ctx) -> Outcome {
        self.check();
        if self.form.refuse_invalid() {
            return Outcome::Done;
        }
        let Some(conn) = cx.conn else {
            return Outcome::Done;
        };
        let edits: Vec<InputEdit> = (0..self.keys.len())
            .filter(|&i| self.form.fields[i].changed())
            .map(|i| InputEdit {
                key: self.keys[i].clone(),
                old: self.base.get(&self.keys[i]).copied(),
                new: self.value(i),
            })
            .filter(|e| e.old != e.new)
            .collect();
        let from_survey: Vec<&str> = edits
            .iter()
            .filter(|e| self.survey.0.contains(&e.key))
            .map(|e| e.key.as_str())
            .collect();
        if !from_survey.is_empty() && !self.over_survey {
            self.over_survey = true;
            self.form.notice = Some(format!(
                "{} посчитаны из анкет (по {} анкетам). Ничего не сохранено. Ctrl-S — записать                  ваши значения вручную поверх анкет (в журнале будет отмечено), Esc — закрыть",
                from_survey.join(", "),
                self.survey.1
            ));
            return Outcome::Done;
        }
        let mut label = match &self.part {
            Some(part) => format!(
                "исходные данные части «{part}» организации «{}», {} год",
                self.org, self.year
            ),
            None => format!("исходные данные «{}», {} год", self.org, self.year),
        };
        if !from_survey.is_empty() {
            label.push_str(&format!(
                " — вручную поверх данных анкет ({})",
                from_survey.join(", ")
            ));
        }
        let n = edits.len();
        match write::save_inputs(conn, self.holder, self.cycle, self.version, edits, &label) {
            Ok(change) => saved(change, label, |label, _| {
                format!(
                    "сохранено: {label} — полей: {n}; баллы цикла пересчитываются; u — отменить"
                )
            }),
            Err(EditError::Conflict(c)) => {
                let shown = |v: Option<f64>| v.map_or("—".to_string(), plain);
                let mut changes: Vec<String> = c
                    .now
                    .iter()
                    .filter_map(|(key, now)| {
                        let (was, now) = (self.base.get(key).copied(), now.as_f64());
                        (was != now).then(|| format!("{key}: {} → {}", shown(was), shown(now)))
                    })
                    .collect();
                if changes.is_empty() {
                    changes.push("другие поля".to_string());
                }
                self.form.notice = Some(conflict_notice(c.by.as_ref(), &changes));
                self.version = c.version;
                for (key, now) in c.now {
                    let now = now.as_f64();
                    if let Some(i) = self.keys.iter().position(|k| *k == key) {
                        let f = &mut self.form.fields[i];
                        let (text, choice) = match f.kind {
                            Kind::Check => (String::new(), usize::from(now == Some(1.0))),
                            Kind::Choice(_) => (
                                String::new(),
                                match now {
                                    None => PART_INHERIT,
                                    Some(v) if v > 0.0 => PART_YES,
                                    Some(_) => PART_NO,
                                },
                            ),
                            _ => (now.map_or(String::new(), plain), 0),
                        };
                        f.take_other(text, choice);
                    }
                    match now {
                        Some(v) => self.base.insert(key, v),
                        None => self.base.remove(&key),
                    };
                }
                self.check();
                Outcome::Done
            }
            Err(e) => self.failed(&e),
        }
    }

    fn header(&self, cx: &Ctx, _area: Rect) -> Vec<Line<'static>> {
        let t = &cx.theme;
        vec![Line::from(vec![
            Span::styled(printable(&self.org).into_owned(), t.title()),
            Span::styled(
                format!(
                    " · {} · методика {}",
                    self.sector.name_ru(),
                    self.method.version
                ),
                t.dim(),
            ),
        ])]
    }

    fn footer(&self, cx: &Ctx) -> Vec<Line<'static>> {
        self.footer(cx)
    }

    fn status(&self) -> String {
        format!(
            " форма: исходные данные · поле {}/{} · версия записи {}",
            self.form.focus + 1,
            self.form.fields.len(),
            self.version
        )
    }
}
