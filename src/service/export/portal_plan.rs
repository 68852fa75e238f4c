//! The portal's own plan document (ТФФ 1.8.3 `planShortcomingInfoType`) of an organization in a
//! cycle, made from its plan rows and its plan header: rows grouped by criterion (in the plan's
//! order) with the criterion's name in words; the responsible person as one FIO string
//! (surname, name, patronymic) and a position; a row's execution in FACT_DATE and MEASURES
//! (cancelled rows stay, with «Мероприятие отменено: причина» in MEASURES); the public council
//! by default the council of the cycle's authority.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::domain::methodology::Methodology;
use crate::exchange::busgov::portal_plan::{self, Act, Group, PortalPlan, Row};
use crate::store::export_data::{CycleHead, PlanMember};
use crate::store::plan_header::{self, Header};

/// The plan headers of a cycle's organizations, read once per export.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CycleHeaders {
    pub headers: HashMap<i64, Header>,
    /// The council of the cycle's authority: the default SOCIAL_COUNCIL.
    pub default_council: String,
}

impl CycleHeaders {
    pub fn read(conn: &Connection, head: &CycleHead) -> crate::store::Result<CycleHeaders> {
        Ok(CycleHeaders {
            headers: plan_header::of_cycle(conn, head.id)?,
            default_council: plan_header::council_of(&head.authority.full_name),
        })
    }
}

/// The criterion's name in words, from the cycle's method; empty when the method does not know it
/// (the document is then refused with the reason).
fn criterion_name(method: Option<&Methodology>, code: &str) -> String {
    method
        .and_then(|m| m.criterion(code))
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

/// The document of one organization (valid or not: see [`portal_plan::problems`]).
pub fn document(
    head: &CycleHead,
    method: Option<&Methodology>,
    cycle: &CycleHeaders,
    m: &PlanMember,
) -> PortalPlan {
    let empty = Header::default();
    let h = cycle.headers.get(&m.org_id).unwrap_or(&empty);
    let mut groups: Vec<(String, Group)> = Vec::new();
    for r in &m.rows {
        if groups.last().is_none_or(|(code, _)| *code != r.criterion) {
            groups.push((
                r.criterion.clone(),
                Group {
                    criterion_name: criterion_name(method, &r.criterion),
                    rows: Vec::new(),
                },
            ));
        }
        let Some((_, g)) = groups.last_mut() else {
            continue;
        };
        let (fact_date, measures) = portal_plan::execution(
            r.status,
            &r.implemented_measures,
            r.actual_date,
            r.cancel_reason.as_deref(),
        );
        g.rows.push(Row {
            criterion_name: g.criterion_name.clone(),
            name: r.shortcoming.clone(),
            activity: r.measure.clone(),
            plan_date: Some(r.planned_date),
            fio: portal_plan::fio(&r.responsible),
            position: r.responsible.position.trim().to_string(),
            fact_date,
            measures,
            number: r.number.clone(),
        });
    }
    PortalPlan {
        rating_year: head.year,
        social_council: if h.social_council.trim().is_empty() {
            cycle.default_council.clone()
        } else {
            h.social_council.clone()
        },
        plan_period: h.plan_period,
        destination_organization: m.org.full_name.clone(),
        scope_activity: head.sector.name_ru().to_string(),
        inn: m.org.inn.clone(),
        kpp: m.org.kpp.clone(),
        organization_approved: h.approved_by.clone(),
        last_name: h.approver_last_name.clone(),
        first_name: h.approver_first_name.clone(),
        middle_name: h.approver_middle_name.clone(),
        approve_date: h.approved_on,
        description: h.control.clone(),
        groups: groups.into_iter().map(|(_, g)| g).collect(),
        documents: h
            .acts
            .iter()
            .filter(|a| !a.is_empty())
            .map(|a| Act {
                name: a.name.clone(),
                kind: a.kind.clone(),
                date: a.date,
                number: a.number.clone(),
            })
            .collect(),
    }
}

/// What keeps the organization's plan in the cycle from going to the portal: each entry names the
/// field to fill in (empty: nothing; the plan can be exported). For the card's plan view.
pub fn missing_for_portal(
    conn: &Connection,
    methods: &crate::service::methodology::Methods,
    cycle_id: i64,
    org_id: i64,
) -> anyhow::Result<Vec<String>> {
    use anyhow::Context;
    let head = crate::store::export_data::cycle_head(conn, cycle_id)?
        .with_context(|| format!("цикл {cycle_id} не найден"))?;
    let org = plan_header::org_party(conn, org_id)?
        .with_context(|| format!("организация {org_id} не найдена"))?;
    let rows: Vec<_> = crate::store::card::plan_with_ids(conn, cycle_id, org_id)?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let mut headers = HashMap::new();
    if let Some(stored) = plan_header::get(conn, cycle_id, org_id)? {
        headers.insert(org_id, stored.header);
    }
    let cycle = CycleHeaders {
        headers,
        default_council: plan_header::council_of(&head.authority.full_name),
    };
    let member = PlanMember {
        org_id,
        display_name: org.full_name.clone(),
        org,
        rows,
    };
    let doc = document(&head, methods.get(&head.methodology), &cycle, &member);
    Ok(portal_plan::problems(&doc))
}

/// [`missing_for_portal`] with the methods loaded once per process (for the terminal UI, which
/// asks each time a card or plan view is read). An error names what could not be read.
pub fn missing_for_portal_cached(conn: &Connection, cycle_id: i64, org_id: i64) -> Vec<String> {
    static METHODS: std::sync::OnceLock<Option<crate::service::methodology::Methods>> =
        std::sync::OnceLock::new();
    let Some(methods) = METHODS
        .get_or_init(|| crate::service::methodology::Methods::load().ok())
        .as_ref()
    else {
        return vec!["методика не загружена: наименования критериев неизвестны".into()];
    };
    missing_for_portal(conn, methods, cycle_id, org_id)
        .unwrap_or_else(|e| vec![format!("не удалось проверить: {e}")])
}
