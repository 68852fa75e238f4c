//! Use cases shared by the CLI and the terminal UI: creating a working database (`init`) and the
//! demo one, imports and exports, recomputing scores and ratings, checks of the database and of
//! packages, edits with their audit, publication, and loading the method. Every change a person
//! makes from a form or a command goes through `write`; `plan_draft` drafts an improvement plan.

pub mod check;
pub mod config;
pub mod demo;
pub mod export;
pub mod import;
pub mod init;
pub mod inputs_template;
pub mod methodology;
pub mod new_cycle;
pub mod plan_draft;
pub mod planned_date;
pub mod publish;
pub mod recompute;
pub mod report;
pub mod session;
pub mod spot_check;
pub mod survey;
pub mod table;
pub mod write;
