//! Running the real `nok` binary from a test, isolated from the person's own setup: HOME, the
//! data and config folders point into the test's folder, and `NOK_DB`, `NOK_CONFIG` and
//! `NOK_METHODOLOGY_DIR` are cleared.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::{Command, Output};

/// `nok ARGS` with `home` as the user's home, not yet run.
pub fn command(args: &[&str], home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nok"));
    c.args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("NOK_CONFIG")
        .env_remove("NOK_DB")
        .env_remove("NOK_METHODOLOGY_DIR")
        .env_remove("NOK_REPORTS");
    c
}

/// Runs `nok ARGS` with `home` as the user's home.
pub fn nok(args: &[&str], home: &Path) -> Output {
    command(args, home).output().expect("run nok")
}
