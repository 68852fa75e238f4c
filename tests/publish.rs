//! The published site as HTML: every page parses without errors under an HTML5 parser and has
//! the structure the accessibility rules ask for; stored text comes out escaped; links stay in
//! the site; the folder is replaced whole or not at all. Also `nok publish` end to end.

mod publish_site;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use publish_site::*;
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn parse(root: &Path, rel: &str) -> (String, Html) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let doc = Html::parse_document(&text);
    (text, doc)
}

/// Resolves a relative link of page `page` against the site root; `None` if it leaves the site.
fn resolve(page: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[test]
fn every_page_is_valid_accessible_html_with_links_inside_the_site() {
    let f = fixture();
    let site = f.publish();
    let files = html_files(&site);
    let members: i64 = f
        .conn()
        .query_row(
            "SELECT count(*) FROM membership WHERE cycle_id = ?1",
            [f.cycle_id],
            |r| r.get(0),
        )
        .unwrap();
    let org_pages = files.iter().filter(|p| p.starts_with("org/")).count();
    assert_eq!(org_pages as i64, members, "one page per organization");
    let accessible: BTreeSet<_> = files
        .iter()
        .filter_map(|p| p.strip_prefix("accessible/"))
        .collect();
    let regular: BTreeSet<_> = files
        .iter()
        .filter(|p| !p.starts_with("accessible/"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        accessible, regular,
        "the accessible version mirrors every page"
    );
    for must in [
        "index.html",
        "rating.html",
        "organizations.html",
        "council.html",
    ] {
        assert!(regular.contains(must), "{must} missing");
    }
    assert!(regular.iter().any(|p| p.starts_with("group-")));

    for page in &files {
        let (text, doc) = parse(&site, page);
        assert!(
            doc.errors.is_empty(),
            "{page}: parse errors {:?}",
            doc.errors
        );
        assert!(text.starts_with("<!DOCTYPE html>"), "{page}: doctype");
        let html = doc.select(&sel("html")).next().unwrap();
        assert_eq!(html.value().attr("lang"), Some("ru"), "{page}: lang");
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{page}: one h1");
        assert_eq!(doc.select(&sel("main#main")).count(), 1, "{page}: main");
        assert_eq!(
            doc.select(&sel("script, iframe, object, embed")).count(),
            0,
            "{page}: no scripts or embeds"
        );
        let first_link = doc.select(&sel("body a")).next().unwrap();
        assert_eq!(
            first_link.value().attr("href"),
            Some("#main"),
            "{page}: skip link first"
        );
        assert!(
            doc.select(&sel("meta[name=viewport]")).next().is_some(),
            "{page}: viewport"
        );
        for table in doc.select(&sel("table")) {
            assert_eq!(table.select(&sel("caption")).count(), 1, "{page}: caption");
            assert!(
                table.select(&sel("thead th")).next().is_some(),
                "{page}: header row"
            );
            for th in table.select(&sel("th")) {
                assert!(
                    matches!(th.value().attr("scope"), Some("col" | "row" | "rowgroup")),
                    "{page}: th without scope: {}",
                    th.html()
                );
            }
        }
        // Ids are unique, and every name a region or a chart points to exists.
        let ids: Vec<&str> = doc
            .select(&sel("[id]"))
            .filter_map(|e| e.value().attr("id"))
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{page}: duplicate ids");
        for el in doc.select(&sel("[aria-labelledby]")) {
            for id in el
                .value()
                .attr("aria-labelledby")
                .unwrap()
                .split_whitespace()
            {
                assert!(
                    unique.contains(id),
                    "{page}: aria-labelledby names missing {id}"
                );
            }
        }
        for svg in doc.select(&sel("svg")) {
            assert_eq!(svg.value().attr("role"), Some("img"), "{page}: svg role");
            let title = svg
                .select(&sel("title"))
                .next()
                .map(|t| t.text().collect::<String>());
            let desc = svg
                .select(&sel("desc"))
                .next()
                .map(|t| t.text().collect::<String>());
            assert!(title.is_some_and(|t| !t.is_empty()), "{page}: svg title");
            assert!(
                desc.is_some_and(|d| d.contains(':')),
                "{page}: svg text alternative"
            );
        }
        // Every reference is relative and lands on a file of the site.
        for (css, attr) in [("[href]", "href"), ("[src]", "src"), ("[srcset]", "srcset")] {
            for el in doc.select(&sel(css)) {
                let v = el.value().attr(attr).unwrap();
                assert!(
                    !v.contains(':') && !v.starts_with("//") && !v.starts_with('/'),
                    "{page}: external or absolute reference {v}"
                );
                let path = v.split('#').next().unwrap();
                if path.is_empty() {
                    continue;
                }
                let target =
                    resolve(page, path).unwrap_or_else(|| panic!("{page}: {v} leaves the site"));
                assert!(site.join(&target).is_file(), "{page}: broken link {v}");
            }
        }
        let sheets: Vec<_> = doc
            .select(&sel("link[rel=stylesheet]"))
            .filter_map(|l| l.value().attr("href"))
            .collect();
        assert_eq!(
            sheets.iter().any(|s| s.ends_with("accessible.css")),
            page.starts_with("accessible/"),
            "{page}: style sheets {sheets:?}"
        );
        // The other version is one link away.
        let label = if page.starts_with("accessible/") {
            "Обычная версия сайта"
        } else {
            "Версия для слабовидящих"
        };
        assert!(
            doc.select(&sel("a"))
                .any(|a| a.text().collect::<String>() == label),
            "{page}: link «{label}»"
        );
    }
    // The style sheets make no external requests either.
    for css in ["style.css", "accessible.css"] {
        let t = std::fs::read_to_string(site.join(css)).unwrap();
        assert!(!t.contains("url(") && !t.contains("@import"), "{css}");
    }
    // No temporary folder is left beside the site.
    let leftovers: Vec<_> = std::fs::read_dir(site.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.ends_with(".old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn stored_text_comes_out_escaped_and_file_names_stay_in_the_folder() {
    let f = fixture();
    let site = f.publish();
    // The КПП «../../../» cannot name the page: the organization gets an id-based name.
    let page = format!("org/id-{}.html", f.hostile_org);
    assert!(site.join(&page).is_file(), "{page}");
    let (text, doc) = parse(&site, &page);
    assert!(!text.contains("<script"), "no script element from data");
    assert!(!text.contains("<b>Жирное") && !text.contains("<img"));
    assert!(
        text.contains(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Ромашка&quot;"
        )
    );
    let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(h1, HOSTILE_NAME, "the name reads exactly as stored");
    let title: String = doc.select(&sel("title")).next().unwrap().text().collect();
    assert!(title.starts_with(HOSTILE_NAME));
    let body: String = doc.select(&sel("main")).next().unwrap().text().collect();
    for t in [HOSTILE_FULL, HOSTILE_TEXT, HOSTILE_GROUP] {
        assert!(body.contains(t), "shown as text: {t}");
    }
    // On the shared pages too.
    for p in [
        "rating.html",
        "organizations.html",
        "index.html",
        "council.html",
    ] {
        let (text, doc) = parse(&site, p);
        assert!(doc.errors.is_empty(), "{p}: {:?}", doc.errors);
        assert!(
            !text.contains("<script") && !text.contains("<i>группа"),
            "{p}"
        );
        assert!(!text.contains("href=\"http"), "{p}");
    }
    let (_, rating) = parse(&site, "rating.html");
    let names: Vec<String> = rating
        .select(&sel("#rating tbody th a"))
        .map(|a| a.text().collect())
        .collect();
    assert!(names.iter().any(|n| n == HOSTILE_NAME));
    let (_, council) = parse(&site, "council.html");
    let text: String = council
        .select(&sel("main"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(text.contains("протокол № <9>") && text.contains(HOSTILE_TEXT));
}

#[test]
fn the_rating_matches_the_store_and_statuses_follow_the_given_day() {
    let f = fixture();
    let site = f.publish();
    let conn = f.conn();
    // Rating order and S as stored (two decimals, decimal comma).
    let stored: Vec<(u32, String)> = conn
        .prepare(
            "SELECT s.place, printf('%.2f', s.total) FROM membership m JOIN score s ON s.membership_id = m.id
             WHERE m.cycle_id = ?1 ORDER BY s.place",
        )
        .unwrap()
        .query_map([f.cycle_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (_, doc) = parse(&site, "rating.html");
    let shown: Vec<(u32, String)> = doc
        .select(&sel("#rating tbody tr"))
        .map(|tr| {
            let cells: Vec<String> = tr.select(&sel("td")).map(|c| c.text().collect()).collect();
            let s_col = cells.len() - 3; // … S, group, place in group
            (cells[0].parse().unwrap(), cells[s_col].replace(',', "."))
        })
        .collect();
    assert_eq!(shown, stored);

    // Each overdue row of an organization is reported with its days as of --today.
    let (org, kpp, inn, planned): (i64, String, String, String) = conn
        .query_row(
            "SELECT p.org_id, o.kpp, o.inn, p.planned_date FROM plan_row p JOIN organization o ON o.id = p.org_id
             WHERE p.cycle_id = ?1 AND p.status IN ('planned', 'in_progress') AND p.planned_date < '2026-11-22'
               AND o.id <> ?2
             ORDER BY p.planned_date LIMIT 1",
            rusqlite::params![f.cycle_id, f.hostile_org],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let planned = chrono::NaiveDate::parse_from_str(&planned, "%Y-%m-%d").unwrap();
    let days = (today() - planned).num_days();
    let page = format!("org/{inn}-{kpp}.html");
    let (_, doc) = parse(&site, &page);
    let bad: Vec<String> = doc
        .select(&sel("#plan-table td.bad"))
        .map(|c| c.text().collect())
        .collect();
    assert!(
        bad.contains(&format!("просрочено на {days} дн.")),
        "{org}: {bad:?}"
    );
    // The cycle-wide tally on the index counts the same overdue rows as the store.
    let overdue: i64 = conn
        .query_row(
            "SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND status IN ('planned', 'in_progress')
             AND planned_date < '2026-11-22'",
            [f.cycle_id],
            |r| r.get(0),
        )
        .unwrap();
    let (_, index) = parse(&site, "index.html");
    let cells: Vec<String> = index
        .select(&sel("#plan-all tbody td"))
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(cells[2], overdue.to_string(), "{cells:?}");
}

#[test]
fn a_new_publication_replaces_the_old_one_whole_and_foreign_folders_are_refused() {
    let f = fixture();
    let site = f.publish();
    // A page an earlier publication wrote and this one does not: listed in its file list.
    std::fs::write(site.join("org").join("stale.html"), "old").unwrap();
    let list = site.join("nok-files.txt");
    let mut text = std::fs::read_to_string(&list).unwrap();
    assert!(text.lines().any(|l| l == "index.html"), "{text}");
    assert!(text.lines().any(|l| l == "accessible/index.html"), "{text}");
    text.push_str("org/stale.html\n");
    std::fs::write(&list, text).unwrap();
    let again = f.publish();
    assert_eq!(again, site);
    assert!(!site.join("org/stale.html").exists(), "replaced whole");

    // Files a person added: the publication is refused, names them, and changes nothing.
    std::fs::write(site.join("приказ.pdf"), "мой").unwrap();
    std::fs::create_dir(site.join("docs")).unwrap();
    std::fs::write(site.join("docs").join("a.txt"), "мой").unwrap();
    let index_before = std::fs::read(site.join("index.html")).unwrap();
    let never = AtomicBool::new(false);
    let err = nok::service::publish::publish(
        &f.conn(),
        f.cycle_id,
        Some(&site),
        today(),
        &mut |_| {},
        &never,
    )
    .unwrap_err();
    // A typed refusal: the CLI adds how to keep the files (--force), the UI what to do from there.
    assert!(err.is::<nok::service::publish::AddedByHand>(), "{err:#}");
    let err = err.to_string();
    assert!(
        err.contains("приказ.pdf") && err.contains("docs/a.txt"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(site.join("index.html")).unwrap(),
        index_before
    );
    // With --force (keep_added) they stay at their places in the new publication.
    nok::service::publish::publish_keeping(
        &f.conn(),
        f.cycle_id,
        Some(&site),
        today(),
        &mut |_| {},
        &never,
        true,
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(site.join("приказ.pdf")).unwrap(),
        "мой"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("docs/a.txt")).unwrap(),
        "мой"
    );
    assert!(site.join("index.html").is_file());
    let text = std::fs::read_to_string(&list).unwrap();
    assert!(
        !text.contains("приказ.pdf"),
        "a person's file is never nok's: {text}"
    );

    let foreign = f.dir.path().join("mine");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "важное").unwrap();
    let err = nok::service::publish::publish(
        &f.conn(),
        f.cycle_id,
        Some(&foreign),
        today(),
        &mut |_| {},
        &never,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("не похожа на публикацию nok"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "важное"
    );

    // Cancelled half-way: no target, no temporary folder.
    let cancel = AtomicBool::new(false);
    let target = f.dir.path().join("cancelled");
    let mut calls = 0;
    let err = nok::service::publish::publish(
        &f.conn(),
        f.cycle_id,
        Some(&target),
        today(),
        &mut |p| {
            calls += 1;
            if p.done == 2 {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert!(err.to_string().contains("отменена"), "{err}");
    assert!(calls >= 3 && !target.exists());
    let names: Vec<String> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".tmp-")), "{names:?}");

    // Stale scores are not published.
    f.conn()
        .execute(
            "UPDATE cycle SET scores_stale = 1 WHERE id = ?1",
            [f.cycle_id],
        )
        .unwrap();
    let err = nok::service::publish::publish(
        &f.conn(),
        f.cycle_id,
        Some(&f.dir.path().join("stale")),
        today(),
        &mut |_| {},
        &never,
    )
    .unwrap_err();
    assert!(err.to_string().contains("nok score --cycle"), "{err}");
}

#[test]
fn nok_publish_from_the_command_line() {
    let f = fixture();
    let nok = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_nok"))
            .args(args)
            .current_dir(f.dir.path())
            .env("HOME", f.dir.path())
            .env("XDG_DATA_HOME", f.dir.path().join("data"))
            .env_remove("NOK_DB")
            .env_remove("NOK_METHODOLOGY_DIR")
            .output()
            .unwrap()
    };
    let db = f.db.to_str().unwrap();
    let cycle = f.cycle_id.to_string();
    // Default folder: publish/<year>-<sector>-<id> in the current folder.
    let out = nok(&["--db", db, "--today", TODAY, "publish", "--cycle", &cycle]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("Опубликовано: publish/"), "{stdout}");
    let folder = stdout
        .trim_start_matches("Опубликовано: ")
        .split(' ')
        .next()
        .unwrap();
    assert!(folder.ends_with(&format!("-{cycle}")), "{folder}");
    assert!(f.dir.path().join(folder).join("index.html").is_file());
    let index = std::fs::read_to_string(f.dir.path().join(folder).join("index.html")).unwrap();
    assert!(index.contains("Данные по состоянию на 22.11.2026"));
    // The publication names the act the method follows and its rounding order.
    assert!(
        index.contains(
            "приказ Минтруда России от 31.05.2018 № 344н «Об утверждении Единого порядка"
        ),
        "{index}"
    );
    assert!(index.contains("критерии рассчитываются по округленным показателям"));

    let out = nok(&["--db", db, "publish", "--cycle", &cycle, "--out", "site"]);
    assert!(out.status.success());
    assert!(f.dir.path().join("site/accessible/index.html").is_file());
    // A file a person added: refused with the file named and --force offered; with --force it
    // stays at its place.
    std::fs::write(f.dir.path().join("site/приказ.pdf"), b"%PDF").unwrap();
    let out = nok(&["--db", db, "publish", "--cycle", &cycle, "--out", "site"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("приказ.pdf") && err.contains("добавьте --force"),
        "{err}"
    );
    let out = nok(&[
        "--db", db, "publish", "--cycle", &cycle, "--out", "site", "--force",
    ]);
    assert!(out.status.success());
    assert!(f.dir.path().join("site/приказ.pdf").is_file());

    let out = nok(&["--db", db, "publish", "--cycle", "99999"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("ошибка: цикл 99999 не найден"), "{err}");

    let out = nok(&["--db", db, "publish"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--cycle"));

    let out = nok(&["publish", "--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("--out"));
}
