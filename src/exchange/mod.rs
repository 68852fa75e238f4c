//! File formats: CSV for Excel (later: bus.gov.ru packages, xlsx, plan tables pasted from
//! documents).

pub mod busgov;
pub mod csv;
pub mod import;
pub mod survey;
pub mod xlsx;
