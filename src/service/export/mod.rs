//! Exports: packages for bus.gov.ru and the portal's receipts (`busgov`, `receipt`), and tables
//! for people as Excel CSV or xlsx (`table`).

pub mod busgov;
pub mod portal_plan;
pub mod receipt;
pub mod table;
