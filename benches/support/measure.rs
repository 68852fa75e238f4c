//! What the benches share to measure themselves and read their settings: numbers from the
//! environment, the bench process's own peak memory and CPU time, and the machine's load
//! average printed beside every figure. Included by `#[path]` (each bench is its own crate, and
//! not every bench uses every function).
#![allow(dead_code)]

/// A number from the environment variable `name`, or `default` when it is unset or not a number.
pub fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The machine's load average (1, 5, 15 minutes): on a shared machine the figures mean little
/// without it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Peak resident set of this process in KiB (Linux `VmHWM`), since the start or the last
/// [`reset_peak`].
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// [`peak_rss_kib`] in MB, NaN when it cannot be read.
pub fn peak_rss_mb() -> f64 {
    peak_rss_kib().map_or(f64::NAN, |k| k as f64 / 1024.0)
}

/// Resets the peak resident set of this process (Linux: `5` into `clear_refs`), so that the next
/// figure belongs to the work measured, not to what was built before it.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU time of this process so far (all threads), user and system, in seconds.
pub fn cpu_seconds() -> (f64, f64) {
    // SAFETY: getrusage writes into the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return (f64::NAN, f64::NAN);
    }
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    (t(u.ru_utime), t(u.ru_stime))
}

/// [`cpu_seconds`], user and system added up.
pub fn cpu_total() -> f64 {
    let (user, sys) = cpu_seconds();
    user + sys
}
