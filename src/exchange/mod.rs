//! File formats: CSV for Excel (later: bus.gov.ru packages, xlsx, plan tables pasted from
//! documents).

pub mod csv;
pub mod import;
