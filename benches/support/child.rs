//! What the benches that run the `nok` binary share: a child's wall time and peak memory, and the
//! machine's load average printed beside every figure. Included by `#[path]` (each bench is its
//! own crate).

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A child's wall time and peak resident memory.
pub struct Measured {
    pub wall: Duration,
    pub peak_kib: u64,
}

/// Runs `cmd` to its end; its wall time and its own peak resident set (`ru_maxrss` from
/// `wait4`). An exit status above `max_status` is a failure (a dry run with rejected rows exits
/// with 1).
pub fn measure_child(cmd: &mut Command, max_status: i32) -> anyhow::Result<Measured> {
    let started = Instant::now();
    let child = cmd.spawn().context("run nok")?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain FFI call with valid pointers; the child is ours and not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if reaped != pid {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) > max_status {
        bail!("{cmd:?} failed (status {status})");
    }
    Ok(Measured {
        wall,
        peak_kib: usage.ru_maxrss as u64,
    })
}

/// The machine's load average (1, 5, 15 minutes): on a shared machine the figures mean little
/// without it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}
