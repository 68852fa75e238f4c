//! The content of the НОК documents as they are written into packets. Texts are stored text;
//! the writer removes characters XML forbids and escapes the rest.

use chrono::NaiveDate;

use crate::domain::plan::{Person, PlanStatus};

/// A party of the envelope (`placer` — кем сформировано, `initiator` — для кого сформировано).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Party {
    /// Код по Сводному реестру / ПГМУ.
    pub reg_num: String,
    pub full_name: String,
    pub inn: String,
    pub kpp: String,
}

/// The envelope of one packet besides its document.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The packet's id (header id): new for every packet.
    pub packet_id: String,
    /// `YYYY-MM-DDThh:mm:ss+03:00`.
    pub created: String,
    /// The position's id: stable per kind, organization and cycle.
    pub position_id: String,
    /// `YYYY-MM-DDThh:mm:ss+03:00`.
    pub change_date: String,
    pub version: i64,
}

/// What every НОК document says about its cycle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CycleFacts {
    pub year: i32,
    /// `social`, `health`, `culture`, `education`.
    pub sector: String,
}

/// An attached document (`document`): a link.
#[derive(Debug, Clone, PartialEq)]
pub struct DocLink {
    pub name: String,
    pub date: NaiveDate,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct InputValue {
    /// Shared with every other value of the key (no copy per organization).
    pub key: std::sync::Arc<str>,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndicatorValue {
    pub code: String,
    /// The method's name of the indicator, shared by every document.
    pub name: std::sync::Arc<str>,
    pub value: f64,
    pub inputs: Vec<InputValue>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CriterionValue {
    pub code: String,
    /// The method's name of the criterion, shared by every document.
    pub name: std::sync::Arc<str>,
    pub value: f64,
    pub place: Option<u32>,
    pub indicators: Vec<IndicatorValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rating {
    pub place: u32,
    pub ranked: u32,
    pub group_place: u32,
    pub group_ranked: u32,
}

/// A part of the organization assessed separately and its values: criteria (`К1`…) and
/// indicators (`1.1`…) by code, and its total.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrgPartOut {
    pub name: String,
    pub criteria: Vec<(String, f64)>,
    pub indicators: Vec<(String, f64)>,
    pub total: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShortcomingOut {
    pub criterion: String,
    pub indicator: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OperatorOut {
    pub name: String,
    pub inn: String,
    pub contract_number: String,
    pub contract_date: Option<NaiveDate>,
}

/// Results of the assessment of one organization in one cycle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultsDoc {
    pub cycle: CycleFacts,
    pub methodology: String,
    pub group: String,
    pub respondents: u32,
    pub criteria: Vec<CriterionValue>,
    pub total: f64,
    pub rating: Rating,
    /// Parts of the organization assessed separately (филиалы; амбулаторно и стационарно), with
    /// their values; empty for an organization assessed whole.
    pub parts: Vec<OrgPartOut>,
    pub shortcomings: Vec<ShortcomingOut>,
    pub operator: Option<OperatorOut>,
    /// Council protocol (number, date) that approved the results.
    pub approval: Option<(String, NaiveDate)>,
    pub documents: Vec<DocLink>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanRowOut {
    pub number: String,
    pub shortcoming: String,
    pub measure: String,
    pub planned_date: NaiveDate,
    pub responsible: Person,
    pub expected_result: String,
    pub result_indicators: String,
}

/// A section of the plan: the rows of one criterion (раздел I–V).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanSection {
    pub criterion: String,
    pub name: String,
    pub rows: Vec<PlanRowOut>,
}

/// The improvement plan of one organization for one cycle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanDoc {
    pub cycle: CycleFacts,
    pub sections: Vec<PlanSection>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportRowOut {
    /// The row's number in the plan.
    pub number: String,
    pub implemented_measures: String,
    pub actual_date: Option<NaiveDate>,
    pub status: PlanStatus,
    pub cancel_reason: String,
}

/// The plan execution report of one organization for one cycle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportDoc {
    pub cycle: CycleFacts,
    pub rows: Vec<ReportRowOut>,
}

/// One of the documents.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    Results(Box<ResultsDoc>),
    Plan(PlanDoc),
    Report(ReportDoc),
    /// The portal's own plan document (ТФФ 1.8.3), written without the envelope.
    PortalPlan(Box<super::portal_plan::PortalPlan>),
}

impl Document {
    pub fn kind(&self) -> super::Kind {
        match self {
            Document::Results(_) => super::Kind::Results,
            Document::Plan(_) => super::Kind::Plan,
            Document::Report(_) => super::Kind::Report,
            Document::PortalPlan(_) => super::Kind::PortalPlan,
        }
    }
}
