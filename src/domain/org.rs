//! Authorities (уполномоченные органы) and the organizations of the social sphere they found.

use crate::domain::sector::Sector;

/// An authority (уполномоченный орган / учредитель): the regional ministry, committee or
/// department that contracts the operator and controls the improvement plans.
#[derive(Debug, Clone, PartialEq)]
pub struct Authority {
    /// Full name, e.g. «Комитет по социальной защите населения Ленинградской области».
    pub name: String,
    pub short_name: String,
    /// Region (субъект РФ) in the nominative, e.g. «Ленинградская область».
    pub region: String,
    /// The sector it is responsible for, if one.
    pub sector: Option<Sector>,
    pub inn: String,
    pub kpp: String,
    pub ogrn: String,
    /// Код по Сводному реестру (regNum), used as the «placer» on bus.gov.ru.
    pub reg_num: String,
    pub website: String,
}

/// An organization of the social sphere (организация социальной сферы) that is assessed.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    /// Полное наименование.
    pub full_name: String,
    /// Сокращенное наименование.
    pub short_name: String,
    /// ИНН, 10 digits.
    pub inn: String,
    /// КПП, 9 characters.
    pub kpp: String,
    /// ОГРН, 13 digits.
    pub ogrn: String,
    /// Код по Сводному реестру / ПГМУ (regNum).
    pub reg_num: String,
    pub sector: Sector,
    /// Region (субъект РФ) in the nominative.
    pub region: String,
    /// ОКТМО, 8 or 11 digits.
    pub oktmo: String,
    pub address: String,
    pub website: String,
    /// Id of the founder authority (учредитель) in the store.
    pub founder_id: i64,
    /// Whether it still operates (an inactive one is kept for history).
    pub active: bool,
}
