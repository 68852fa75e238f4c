//! The forms, one spec per file: what each edits, its fields, checks, how it loads and saves
//! (through `service::write`). Every one is shown by the form host (`tui::form::host`); forms
//! over one table row are built from columns (`tui::form::record`).

pub mod council_meeting;
pub mod cycle;
pub mod inputs;
pub mod membership;
pub mod new_cycle;
pub mod organization;
pub mod plan_draft;
pub mod plan_header;
pub mod plan_row_content;
pub mod plan_row_execution;
pub mod shortcoming;
pub mod shortcomings;
pub mod targets;
pub mod workplan_item;
