//! The authority's own plans (план информационно-разъяснительной работы, план-график проведения
//! независимой оценки, план организации проведения независимой оценки) with sections,
//! hierarchically numbered items and target indicators by year.

use chrono::NaiveDate;

/// Execution status of an authority plan item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    /// Не начато.
    Planned,
    /// Выполняется (also what ongoing items «постоянно» stay in).
    InProgress,
    /// Выполнено.
    Done,
    /// Не выполнено / отменено.
    Cancelled,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 4] = [
        ItemStatus::Planned,
        ItemStatus::InProgress,
        ItemStatus::Done,
        ItemStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ItemStatus::Planned => "planned",
            ItemStatus::InProgress => "in_progress",
            ItemStatus::Done => "done",
            ItemStatus::Cancelled => "cancelled",
        }
    }

    pub fn name_ru(self) -> &'static str {
        match self {
            ItemStatus::Planned => "не начато",
            ItemStatus::InProgress => "выполняется",
            ItemStatus::Done => "выполнено",
            ItemStatus::Cancelled => "отменено",
        }
    }

    pub fn from_code(code: &str) -> Option<ItemStatus> {
        ItemStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// An authority's plan document.
#[derive(Debug, Clone, PartialEq)]
pub struct Workplan {
    pub authority_id: i64,
    /// Title as in the document, e.g. «План информационно-разъяснительной работы … в 2024 году».
    pub title: String,
    /// First and last year the plan covers.
    pub year_from: i32,
    pub year_to: i32,
    /// The act that approved it, e.g. «распоряжение комитета от 13.03.2017 № 152».
    pub approved_by: String,
    pub approved_on: Option<NaiveDate>,
}

/// A section of a plan, e.g. «I. Подготовка к проведению независимой оценки».
#[derive(Debug, Clone, PartialEq)]
pub struct WorkplanSection {
    pub workplan_id: i64,
    /// Roman or Arabic numbering as written, e.g. `II`.
    pub number: String,
    pub title: String,
    /// Order within the plan.
    pub position: i64,
}

/// An item of a plan (мероприятие). Items nest by number: `2` holds `2.1.`, `2.2.`.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkplanItem {
    pub workplan_id: i64,
    pub section_id: Option<i64>,
    pub parent_id: Option<i64>,
    /// Number as written without a trailing dot, e.g. `1.1`.
    pub number: String,
    /// Order within the plan.
    pub position: i64,
    /// Наименование мероприятия.
    pub measure: String,
    /// Форма реализации / ожидаемый результат.
    pub form: String,
    /// Срок исполнения as written, e.g. «IV квартал 2017 г.», «ежеквартально».
    pub deadline_text: String,
    /// The due date read from the text, when it names one.
    pub deadline_due: Option<NaiveDate>,
    /// Ответственные исполнители, one per entry.
    pub executors: Vec<String>,
    pub status: ItemStatus,
    pub completed_on: Option<NaiveDate>,
    pub note: String,
}

/// A target indicator of a plan (целевой показатель), e.g. «Доля организаций …, в %».
#[derive(Debug, Clone, PartialEq)]
pub struct TargetIndicator {
    pub workplan_id: i64,
    pub number: String,
    pub name: String,
    /// Unit, e.g. `%` or `ед.`.
    pub unit: String,
    pub values: Vec<TargetValue>,
}

/// Planned and actual value of a target indicator for a year (a dash in the document = `None`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetValue {
    pub year: i32,
    pub planned: Option<f64>,
    pub actual: Option<f64>,
}
