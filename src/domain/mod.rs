//! The pure domain: types and rules, no I/O, no SQL, no terminal.

pub mod calendar;
pub mod council;
pub mod cycle;
pub mod deadline;
pub mod decimal;
pub mod field_names;
pub mod ids;
pub mod input_check;
pub mod io_error;
pub mod methodology;
pub mod org;
pub mod plan;
pub mod plan_criterion;
pub mod questionnaire;
pub mod rating;
pub mod record;
pub mod rounding;
pub mod scoring;
pub mod sector;
pub mod shortcoming;
pub mod text;
pub mod workplan;
