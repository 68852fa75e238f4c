//! The published pages on a phone and a desktop, measured in headless Chromium (Debian's
//! `chromium`): at 320, 375 and 1280 CSS pixels the results page, an organization's page and
//! their versions for the visually impaired must not scroll sideways (WCAG 1.4.10 Reflow:
//! `document.scrollingElement.scrollWidth <= innerWidth`), every rendered text — HTML text and
//! SVG chart text alike, as drawn on screen (font size times the SVG's scale) — must be at least
//! 12 px (18 px in the version for the visually impaired), and no ordinary word (up to 16
//! characters) may be broken inside over lines (a value squeezed into a 34 px column used to
//! break «Методика» syllable by syllable).
//!
//! The pages allow no script, so the test measures a copy of each page, beside it (same style
//! sheet), with a measuring script appended. Headless Chromium keeps its window at least 500 px
//! wide, so the copy is shown in an `<iframe>` of the width measured — a viewport of its own,
//! whose `innerWidth` is checked — and the script writes its findings into the outer page
//! (`--allow-file-access-from-files` makes the two files one origin), which Chromium dumps
//! (`--dump-dom`). Tables wider than a phone scroll inside their own box
//! (`.table-wrap`), which Reflow allows for data tables: the words in them are not checked for
//! breaking, their text size is.
//!
//! Without `chromium` the test is skipped with a reason; under CI (`CI` set) that is a failure.

mod publish_site;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use publish_site::*;

/// Longest a single Chromium run may take before it is killed (a hang, not a measurement).
const HANG: Duration = Duration::from_secs(120);

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
}

/// Appended to a copy of the page: measures the layout and writes one line per finding into
/// the outer page's `<pre id="measure">`, after a first line `width <innerWidth> <scrollWidth>`.
const MEASURE: &str = r#"<script>
(function () {
  var out = [];
  var se = document.scrollingElement;
  out.push('width ' + window.innerWidth + ' ' + se.scrollWidth);
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  var n;
  while ((n = walker.nextNode())) {
    var text = n.nodeValue.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    var el = n.parentElement;
    if (!el || el.closest('title, desc, script, style, #measure')) continue;
    var range = document.createRange();
    range.selectNodeContents(n);
    var rects = Array.prototype.filter.call(range.getClientRects(), function (r) {
      return r.width > 0 && r.height > 0;
    });
    if (!rects.length) continue; // not rendered (hidden, skip link off screen is still rendered)
    var size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      var m = el.getScreenCTM();
      size = size * Math.sqrt(m.a * m.a + m.b * m.b);
    }
    out.push('size ' + size.toFixed(2) + ' ' + text.slice(0, 40));
    if (el.closest('.table-wrap') || el instanceof SVGElement) continue;
    if (rects.length < 2) continue;
    // A word broken inside: two letters of one word on different lines. Tokens longer than 16
    // characters (web addresses, codes, planted hostile strings) may break on a phone; an
    // ordinary word may not (at 375 px «Методика» broke syllable by syllable, at 320 px the
    // large-type heading broke «независимо|й»).
    var value = n.nodeValue;
    var top = null;
    for (var i = 0; i < value.length; i++) {
      var r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + 1);
      var cr = r.getClientRects();
      if (!cr.length) continue;
      var t = Math.round(cr[0].top);
      if (top !== null && t > top && /[\p{L}\p{N}]/u.test(value[i]) && i > 0 &&
          /[\p{L}\p{N}]/u.test(value[i - 1])) {
        var start = i, end = i;
        while (start > 0 && /\S/.test(value[start - 1])) start--;
        while (end < value.length && /\S/.test(value[end])) end++;
        var word = value.slice(start, end);
        if (word.length <= 16) out.push('broken ' + word);
      }
      top = t;
    }
  }
  parent.document.getElementById('measure').textContent = out.join('\n');
})();
</script>"#;

/// Renders `page` at `width` CSS pixels and returns the measuring script's lines.
fn measure(chromium: &Path, work: &Path, page: &Path, width: u32) -> Vec<String> {
    let html = std::fs::read_to_string(page).unwrap();
    let copy = page.with_file_name(format!(
        "measure-{width}-{}",
        page.file_name().unwrap().to_string_lossy()
    ));
    let at = html.rfind("</body>").expect("the page has a body");
    std::fs::write(&copy, format!("{}{MEASURE}{}", &html[..at], &html[at..])).unwrap();
    let frame = page.with_file_name(format!("frame-{width}.html"));
    std::fs::write(
        &frame,
        format!(
            "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>м</title></head>\
             <body style=\"margin:0\"><iframe src=\"{}\" style=\"width:{width}px;height:900px;\
             border:0;display:block\"></iframe><pre id=\"measure\"></pre></body></html>",
            copy.file_name().unwrap().to_string_lossy()
        ),
    )
    .unwrap();
    let profile = tempfile::tempdir_in(work).unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--allow-file-access-from-files",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", frame.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).unwrap();
        s
    });
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {} in {HANG:?}", copy.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = reader.join().unwrap();
    let _ = std::fs::remove_file(&copy);
    let _ = std::fs::remove_file(&frame);
    let start = dom
        .find("<pre id=\"measure\">")
        .unwrap_or_else(|| panic!("no measurement in the DOM of {}", page.display()));
    let body = &dom[start + "<pre id=\"measure\">".len()..];
    let body = &body[..body.find("</pre>").unwrap()];
    body.lines()
        .map(|l| {
            l.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn pages_reflow_at_phone_widths_with_readable_text() {
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
    let org = format!("org/id-{}.html", f.hostile_org);
    let mut failures = Vec::new();
    for (page, min_px) in [
        ("index.html".to_string(), 12.0),
        (org.clone(), 12.0),
        ("accessible/index.html".to_string(), 18.0),
        (format!("accessible/{org}"), 18.0),
    ] {
        for width in [320u32, 375, 1280] {
            let lines = measure(&chromium, work, &site.join(&page), width);
            let head: Vec<&str> = lines[0].split(' ').collect();
            assert_eq!(head[0], "width", "{page}");
            let inner: u32 = head[1].parse().unwrap();
            let scroll: u32 = head[2].parse().unwrap();
            // The window is as wide as asked (Chromium may not go narrower than it allows).
            assert_eq!(
                inner, width,
                "{page}: the viewport is {inner} px, not {width}"
            );
            if scroll > inner {
                failures.push(format!(
                    "{page} at {width}px: scrolls sideways ({scroll} > {inner})"
                ));
            }
            let mut sizes = 0;
            for l in &lines[1..] {
                if let Some(rest) = l.strip_prefix("size ") {
                    sizes += 1;
                    let (px, text) = rest.split_once(' ').unwrap_or((rest, ""));
                    let px: f64 = px.parse().unwrap();
                    if px < min_px {
                        failures.push(format!(
                            "{page} at {width}px: «{text}» is {px} px (< {min_px})"
                        ));
                    }
                } else if let Some(rest) = l.strip_prefix("broken ") {
                    failures.push(format!(
                        "{page} at {width}px: the word «{rest}» broken over lines"
                    ));
                }
            }
            // The measurement saw the page: its heading, facts and chart texts at least.
            assert!(
                sizes > 20,
                "{page} at {width}px: only {sizes} texts measured"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
