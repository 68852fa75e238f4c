//! The published site in a real browser: headless Chromium (Debian's `chromium`) renders the
//! results page, an organization's page and the version for the visually impaired with no
//! console message and no network request, and keeps screenshots (also one as at 200% zoom) in
//! `target/test-artifacts/`.
//!
//! Console messages are read from Chromium's log (`--enable-logging=stderr --v=0`), requests
//! from its network log (`--log-net-log`): a request the page started carries the page as its
//! initiator, while the browser's own housekeeping requests carry none. A control page with an
//! outside image and a console error proves both detectors see what they should.
//!
//! Without `chromium` the test is skipped with a reason; under CI (`CI` set) that is a failure.

mod publish_site;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use publish_site::*;

const FLAGS: [&str; 4] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
];

/// Longest a single Chromium run may take before it is killed (a hang, not a measurement).
const HANG: Duration = Duration::from_secs(120);

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
}

/// What one Chromium run over a page showed.
struct Run {
    dom: String,
    /// Console lines from the log.
    console: Vec<String>,
    /// URLs the page requested over the network.
    requests: Vec<String>,
}

fn render(chromium: &Path, work: &Path, page: &Path, extra: &[&str]) -> Run {
    let profile = tempfile::tempdir_in(work).unwrap();
    let netlog = profile.path().join("netlog.json");
    let mut child = Command::new(chromium)
        .args(FLAGS)
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ))
        .args(["--enable-logging=stderr", "--v=0", "--no-first-run"])
        .arg(format!("--log-net-log={}", netlog.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Read both pipes on threads so a full pipe never blocks the browser.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).unwrap();
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {} in {HANG:?}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = out.join().unwrap();
    let log = err.join().unwrap();
    assert!(
        status.success(),
        "chromium failed on {}:\n{log}",
        page.display()
    );
    let console = log
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Run {
        dom,
        console,
        requests: page_requests(&netlog),
    }
}

/// URLs of requests started by a page (they have an initiator; the browser's own have «not an
/// origin»).
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("network log written");
    // A log cut at exit lacks its closing brackets.
    let json: serde_json::Value = serde_json::from_str(&text)
        .or_else(|_| {
            let t = text.trim_end().trim_end_matches(',');
            serde_json::from_str(&format!("{t}]}}"))
        })
        .expect("network log is JSON");
    let start_job = json["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_i64()
        .expect("event type known");
    json["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"].as_i64() == Some(start_job))
        .filter_map(|e| {
            let p = &e["params"];
            let url = p["url"].as_str()?;
            let initiator = p["initiator"].as_str().unwrap_or("");
            (initiator != "not an origin").then(|| url.to_string())
        })
        .collect()
}

fn artifacts() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is a PNG",
        path.display()
    );
    assert!(bytes.len() > 10_000, "{} has content", path.display());
}

#[test]
fn chromium_renders_the_site_with_no_console_errors_and_no_network_requests() {
    let Some(chromium) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is missing under CI: .ci/run installs it (apt-get install chromium)");
        }
        eprintln!("SKIPPED: chromium not found on PATH (apt-get install chromium)");
        return;
    };
    let f = fixture();
    let site = f.publish();
    let work = f.dir.path();

    // The detectors see a request and a console message when a page makes them.
    let control = work.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>к</title></head>\
         <body><h1>Контроль</h1><img alt=\"\" src=\"http://127.0.0.1:9/x.png\">\
         <script>console.error('контроль')</script></body></html>",
    )
    .unwrap();
    let run = render(&chromium, work, &control, &["--dump-dom"]);
    assert!(
        run.requests
            .iter()
            .any(|u| u.starts_with("http://127.0.0.1:9/")),
        "the request of the control page was not seen: {:?}",
        run.requests
    );
    assert!(
        run.console.iter().any(|l| l.contains("контроль")),
        "the console message of the control page was not seen"
    );

    let org = format!("org/id-{}.html", f.hostile_org);
    let shots = artifacts();
    for (page, shot) in [
        ("index.html", "publish-index.png"),
        (org.as_str(), "publish-org.png"),
        ("accessible/index.html", "publish-accessible-index.png"),
        (&format!("accessible/{org}"), "publish-accessible-org.png"),
    ] {
        let path = site.join(page);
        let run = render(&chromium, work, &path, &["--dump-dom"]);
        assert!(run.console.is_empty(), "{page}: console: {:?}", run.console);
        assert!(
            run.requests.is_empty(),
            "{page}: requests: {:?}",
            run.requests
        );
        // The DOM after rendering is the page (escaped names stay text, no script appeared).
        assert!(run.dom.contains("<h1>"), "{page}: rendered DOM");
        assert!(!run.dom.contains("<script"), "{page}: no script in the DOM");
        let png = shots.join(shot);
        let _ = std::fs::remove_file(&png);
        let run = render(
            &chromium,
            work,
            &path,
            &[
                &format!("--screenshot={}", png.display()),
                "--window-size=1280,2000",
                "--hide-scrollbars",
            ],
        );
        assert!(run.console.is_empty() && run.requests.is_empty(), "{page}");
        assert_png(&png);
    }
    // As at 200% zoom: a 640-pixel-wide window at device scale 2.
    let png = shots.join("publish-org-zoom200.png");
    let _ = std::fs::remove_file(&png);
    render(
        &chromium,
        work,
        &site.join(&org),
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=640,1400",
            "--force-device-scale-factor=2",
            "--hide-scrollbars",
        ],
    );
    assert_png(&png);
}
