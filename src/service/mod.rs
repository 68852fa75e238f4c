//! Use cases shared by the CLI and the terminal UI: building the demo database, recomputing scores
//! and ratings, loading the method.

pub mod check;
pub mod config;
pub mod demo;
pub mod edit;
pub mod export;
pub mod import;
pub mod methodology;
pub mod publish;
pub mod recompute;
pub mod session;
pub mod spot_check;
pub mod survey;
pub mod table;
