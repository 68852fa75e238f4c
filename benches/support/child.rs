//! What the benches that run the `nok` binary share: a child's wall time and peak memory (the
//! machine's load average is in `measure.rs`). Included by `#[path]` (each bench is its own
//! crate).

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
