//! `nok` — независимая оценка качества условий оказания услуг (НОК УОУ).
//!
//! Data flows one way: files and keys in → domain values → SQLite → domain values → screen and
//! files out. `domain` is pure; only `store` speaks SQL; `exchange` reads and writes file formats;
//! `service` holds the use cases shared by the command line (`cli`) and the terminal UI (`tui`);
//! `publish` renders the static site. ARCHITECTURE.md at the repository's root draws the layers.

pub mod cli;
pub mod domain;
pub mod exchange;
pub mod publish;
pub mod service;
pub mod store;
pub mod tui;
