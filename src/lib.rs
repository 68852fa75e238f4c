//! `nok` — независимая оценка качества условий оказания услуг (НОК УОУ).
//!
//! Data flows one way: files and keys in → domain values → SQLite → domain values → screen and
//! files out. `domain` is pure; only `store` speaks SQL; `service` holds the use cases shared by the
//! CLI and (later) the terminal UI.

pub mod cli;
pub mod domain;
pub mod exchange;
pub mod publish;
pub mod service;
pub mod store;
pub mod tui;
