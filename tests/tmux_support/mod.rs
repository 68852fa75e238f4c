//! The real binary in a real terminal: a private tmux server per test, keys sent, the screen
//! polled until what is expected shows. Shared by the tmux tests.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// tmux with a private server, so tests never touch a user's sessions.
pub struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux")
    }

    pub fn capture(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", &self.session]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session.as_str()];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Polls the screen until `pred` holds or 15 s pass.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "timed out waiting for {what}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

pub fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `cmd` in a private tmux server (`tag` names its socket) sized `width`×`height`, with
/// HOME in `home` and the OS user `redaktor` (what the audit log records). `None`, with the reason printed, when tmux is missing outside CI.
pub fn start(tag: &str, home: &Path, width: u16, height: u16, cmd: &[&str]) -> Option<Tmux> {
    if !tmux_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have tmux (.ci/run installs it)"
        );
        eprintln!("пропущено: tmux не установлен (apt-get install tmux)");
        return None;
    }
    let t = Tmux {
        socket: format!("nok-{tag}-{}", std::process::id()),
        session: "nok".into(),
    };
    let (w, h) = (width.to_string(), height.to_string());
    let home = format!("HOME={}", home.display());
    let mut args = vec![
        "new-session",
        "-d",
        "-s",
        "nok",
        "-x",
        &w,
        "-y",
        &h,
        "-e",
        &home,
        "-e",
        "LANG=C.UTF-8",
        "-e",
        "USER=redaktor",
    ];
    args.extend_from_slice(cmd);
    let out = t.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(t)
}

/// The real binary on a new demo database of `orgs` organizations in `dir` (today 22.11.2026),
/// 120×40, shown once its summary is on screen; the shell prints «ВЫХОД-код» when it ends.
/// Returns the session and the database file; `None` as [`start`].
pub fn demo_session(tag: &str, dir: &Path, orgs: u32) -> Option<(Tmux, std::path::PathBuf)> {
    let db = dir.join("demo.sqlite");
    let bin = env!("CARGO_BIN_EXE_nok");
    let cmd = format!(
        "{bin} demo --db {} --orgs {orgs} --today 22.11.2026; echo ВЫХОД-$?; sleep 30",
        db.display()
    );
    let t = start(tag, dir, 120, 40, &[&cmd])?;
    t.wait_for("the summary", |s| s.contains("Оценено организаций"));
    Some((t, db))
}
