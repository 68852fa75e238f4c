//! The pure domain: types and rules, no I/O, no SQL, no terminal.

pub mod calendar;
pub mod council;
pub mod cycle;
pub mod deadline;
pub mod ids;
pub mod methodology;
pub mod org;
pub mod plan;
pub mod questionnaire;
pub mod rating;
pub mod rounding;
pub mod scoring;
pub mod sector;
pub mod shortcoming;
pub mod text;
pub mod workplan;
