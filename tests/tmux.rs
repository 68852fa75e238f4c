//! The real binary in a real terminal (tmux): start on a demo database, switch screens, search in
//! Cyrillic, quit with the Russian layout, and check the terminal is given back.

mod tmux_support;

use std::process::Command;
use std::time::{Duration, Instant};

use tmux_support::start;

#[test]
fn browse_search_in_cyrillic_and_quit_in_tmux() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let bin = env!("CARGO_BIN_EXE_nok");
    let cmd = format!(
        "{bin} demo --db {} --orgs 80 --today 22.11.2026; echo ВЫХОД-$?; sleep 30",
        db.display()
    );
    let Some(t) = start("browse", dir.path(), 120, 40, &[&cmd]) else {
        return;
    };

    let s = t.wait_for("the summary", |s| s.contains("Оценено организаций"));
    assert!(s.contains("Средний S по сферам"), "{s}");
    t.keys(&["2"]);
    t.wait_for("the list", |s| s.contains("строка 1/80"));
    t.keys(&["/", "школ"]);
    let s = t.wait_for("search results", |s| {
        s.contains("Поиск: школ") && s.contains("из 80")
    });
    assert!(
        s.contains("Школ") || s.contains("СОШ") || s.contains("школ"),
        "{s}"
    );
    t.keys(&["Enter", "о", "о"]);
    t.wait_for("moved down in the results", |s| s.contains("строка 3/"));
    // Quit with «й» (q on the Russian layout); the shell line after it proves the UI ended.
    t.keys(&["Escape", "й"]);
    let s = t.wait_for("exit", |s| s.contains("ВЫХОД-0"));
    assert!(
        !s.contains("Организация▲"),
        "the alternate screen is left:\n{s}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let bin = env!("CARGO_BIN_EXE_nok");
    // `stty -a` after the UI shows whether the terminal is back in cooked mode (icanon, echo).
    let cmd = format!(
        "{bin} demo --db {} --orgs 30 --today 22.11.2026; echo КОД-$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo; echo КОНЕЦ; sleep 30",
        db.display()
    );
    let Some(t) = start("term", dir.path(), 100, 30, &["sh", "-c", &cmd]) else {
        return;
    };
    t.wait_for("the UI", |s| s.contains("Оценено организаций"));
    // Find the process by its database path.
    let pgrep = Command::new("pgrep")
        .args(["-f", &format!("^{bin} demo --db {}", db.display())])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&pgrep.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(!pid.is_empty(), "nok is running");
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    // «КОНЕЦ» follows the `stty` lines, so the screen is read only once they are all printed.
    let s = t.wait_for("exit after SIGTERM", |s| s.contains("КОНЕЦ"));
    assert!(s.contains("КОД-0"), "a clean exit:\n{s}");
    assert!(
        s.contains("icanon") && s.contains("echo"),
        "cooked mode is back:\n{s}"
    );
    assert!(
        !s.contains("Оценено организаций"),
        "the alternate screen is left:\n{s}"
    );
}

#[test]
fn a_dropped_terminal_ends_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let bin = env!("CARGO_BIN_EXE_nok");
    let cmd = format!(
        "{bin} demo --db {} --orgs 20 --today 22.11.2026",
        db.display()
    );
    let Some(t) = start("hup", dir.path(), 100, 30, &[&cmd]) else {
        return;
    };
    t.wait_for("the UI", |s| s.contains("Оценено организаций"));
    let pattern = format!("^{bin} demo --db {}", db.display());
    let running = || {
        Command::new("pgrep")
            .args(["-f", &pattern])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    assert!(running());
    // Closing the pane's terminal sends SIGHUP, as an SSH drop does.
    t.run(&["kill-server"]);
    let started = Instant::now();
    while running() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nok still runs after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
