//! File formats, read and written without a database: bus.gov.ru packages and the portal's
//! receipts and checks (`busgov`), CSV and xlsx for Excel (`csv`, `xlsx`), and the readers of
//! imported files — CSV, xlsx, tab- or space-laid text pasted from documents, with the plan table
//! found by its content (`import`). Depends on `domain` only.

pub mod busgov;
pub mod chart;
pub mod csv;
pub mod docx;
pub mod import;
pub mod survey;
pub mod xlsx;
pub mod xml_error;
