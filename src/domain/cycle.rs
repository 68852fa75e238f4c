//! Assessment cycles (цикл независимой оценки): one year × one sector × one authority, and the
//! organizations assessed in it.

use chrono::NaiveDate;

use crate::domain::sector::Sector;

/// Where a cycle stands in the yearly process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleStatus {
    /// Перечень организаций утвержден, сбор еще не начат.
    Planned,
    /// Оператор собирает сведения.
    Collecting,
    /// Результаты утверждены общественным советом.
    Approved,
    /// Результаты размещены на сайтах и bus.gov.ru.
    Published,
}

impl CycleStatus {
    pub const ALL: [CycleStatus; 4] = [
        CycleStatus::Planned,
        CycleStatus::Collecting,
        CycleStatus::Approved,
        CycleStatus::Published,
    ];

    /// Stable code used in the database.
    pub fn code(self) -> &'static str {
        match self {
            CycleStatus::Planned => "planned",
            CycleStatus::Collecting => "collecting",
            CycleStatus::Approved => "approved",
            CycleStatus::Published => "published",
        }
    }

    pub fn name_ru(self) -> &'static str {
        match self {
            CycleStatus::Planned => "запланирован",
            CycleStatus::Collecting => "сбор сведений",
            CycleStatus::Approved => "утвержден советом",
            CycleStatus::Published => "опубликован",
        }
    }

    pub fn from_code(code: &str) -> Option<CycleStatus> {
        CycleStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Why `year` cannot be an assessment year on `today`, in Russian; `None` when it can (2013, the
/// first year of the independent assessment, up to two years ahead).
pub fn year_problem(year: i64, today: NaiveDate) -> Option<String> {
    use chrono::Datelike;
    let latest = i64::from(today.year()) + 2;
    (!(2013..=latest).contains(&year))
        .then(|| format!("год оценки — от 2013 до {latest}: проверьте год"))
}

/// The operator (организация-оператор) under a state contract for a cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub name: String,
    pub inn: String,
    pub contract_number: String,
    pub contract_date: Option<NaiveDate>,
}

/// An assessment cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub year: i32,
    pub sector: Sector,
    /// Id of the authority in the store.
    pub authority_id: i64,
    /// Region (субъект РФ) in the nominative.
    pub region: String,
    pub operator: Option<Operator>,
    /// Протокол общественного совета, утвердивший результаты: number and date.
    pub council_protocol_number: Option<String>,
    pub council_protocol_date: Option<NaiveDate>,
    pub status: CycleStatus,
    /// Version of the method the cycle is scored by, e.g. `2018`.
    pub methodology: String,
}

/// An organization's place in a cycle: its group (form of service, outpatient/inpatient, ДОО/школа…)
/// and how many people answered the survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub cycle_id: i64,
    pub org_id: i64,
    /// Group within which it is also ranked, e.g. «стационарная».
    pub group: String,
    /// Number of respondents (получателей услуг, принявших участие в опросе).
    pub respondents: u32,
}
