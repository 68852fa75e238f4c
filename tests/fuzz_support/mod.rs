//! Shared by the fuzz tests: a fixed budget of cases (`PROPTEST_CASES` overrides it, as
//! `fuzz/run.sh` does) and the failing cases kept in `fuzz/regressions/NAME.txt`, replayed first
//! on every run (commit them).

use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};

/// The configuration of fuzz test file `name` with `default` cases.
pub fn config(name: &str, default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    // The persistence wants a path for the whole run: one small string per test file.
    let path: &'static str = Box::leak(
        format!("{}/fuzz/regressions/{name}.txt", env!("CARGO_MANIFEST_DIR")).into_boxed_str(),
    );
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(path))),
        ..ProptestConfig::default()
    }
}
