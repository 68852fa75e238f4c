//! Terminal UI speed on a national-scale database: replays a key script headlessly against a
//! `TestBackend` (each key = update + a full 120×40 frame) and prints the median and p99 per key
//! kind, plus the time to the first frame and until the data is on screen.
//!
//! `cargo bench --bench tui_keys` — uses `NOK_BENCH_DB` if set, else builds (once) a demo
//! database of `NOK_BENCH_ORGS` organizations (default 100,000) under `target/`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::store::{self, browse, cycles, overview, plan_rows};
use nok::tui::app::App;
use nok::tui::msg::{Action, Loaded, Request};
use nok::tui::theme::Theme;
use nok::tui::views;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() -> anyhow::Result<()> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let db = match std::env::var_os("NOK_BENCH_DB") {
        Some(p) => PathBuf::from(p),
        None => {
            let orgs: u32 = std::env::var("NOK_BENCH_ORGS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(100_000);
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target")
                .join(format!("bench-demo-{orgs}.sqlite"));
            let opts = DemoOptions {
                orgs,
                seed: 2018,
                today,
            };
            eprintln!("база для замера: {} ({orgs} организаций)", path.display());
            let started = Instant::now();
            let demo = open_or_build(&path, &opts, false, &Methods::builtin()?, &mut |_| {})?;
            if demo.built {
                eprintln!("построена за {:.1} с", started.elapsed().as_secs_f64());
            }
            path
        }
    };

    // Start-up as the real UI does it: the first frame is drawn before any data arrives; the
    // worker then loads the years, the newest summary and the organization index.
    let started = Instant::now();
    let conn = store::open_existing(&db)?;
    store::tune_for_browsing(&conn)?;
    let mut app = App::new(today, Theme::plain(), Some(conn));
    let mut term = Terminal::new(TestBackend::new(120, 40))?;
    term.draw(|f| views::draw(&app, f))?;
    let first_frame = started.elapsed();
    let worker = store::open_existing(&db)?;
    store::tune_for_browsing(&worker)?;
    let cycles = cycles::list_brief(&worker)?;
    let scope = overview::Scope {
        year: cycles.last().map_or(0, |c| c.year),
        cycle: None,
    };
    app.apply(Loaded::Cycles(cycles.clone()));
    app.apply(Loaded::Summary(overview::read(&worker, scope, today)?));
    term.draw(|f| views::draw(&app, f))?;
    let summary_ready = started.elapsed();
    // «Рейтинг» opens on the ranking the worker reads at start (on its own thread).
    app.apply(nok::tui::worker::rating_start(&worker, cycles));
    // The first page of the organization list, read by an index before the whole list.
    let page_started = Instant::now();
    let (page, total) = browse::first_page(&worker, today, 100)?;
    let first_page = page_started.elapsed();
    drop((page, total));
    let index_started = Instant::now();
    let index = browse::org_index(&worker, today)?;
    let orgs = index.len();
    // As the worker does: the list is indexed for search and sort before it reaches the UI.
    let list = nok::tui::lists::organizations::OrgList::new(index);
    let index_load = index_started.elapsed();
    app.apply(Loaded::Orgs(Box::new(list)));
    let data_ready = started.elapsed();
    println!("организаций: {orgs}");
    println!("первый кадр: {:.1} мс", ms(first_frame));
    println!("сводка на экране: {:.1} мс", ms(summary_ready));
    println!(
        "первая страница организаций (100 строк): {:.1} мс",
        ms(first_page)
    );
    println!(
        "индекс организаций: {:.1} мс (все данные: {:.1} мс)",
        ms(index_load),
        ms(data_ready)
    );

    let mut times: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut key = |app: &mut App, kind: &'static str, action: Action| -> anyhow::Result<()> {
        let t = Instant::now();
        app.update(action);
        term.draw(|f| views::draw(app, f))?;
        times.entry(kind).or_default().push(t.elapsed());
        // The worker thread's part, outside the key's time as in the real UI: what the screens
        // asked for arrives before the next key.
        for r in std::mem::take(&mut app.requests) {
            match r {
                Request::Summary(scope) => {
                    app.apply(Loaded::Summary(overview::read(&worker, scope, today)?))
                }
                Request::Cycles => {
                    app.apply(Loaded::Cycles(nok::store::cycles::list_brief(&worker)?))
                }
                Request::Orgs => app.apply(Loaded::Orgs(Box::new(
                    nok::tui::lists::organizations::OrgList::new(nok::store::browse::org_index(
                        &worker, today,
                    )?),
                ))),
                Request::PlanCounts(filters) => {
                    for f in filters {
                        app.apply(Loaded::PlanCount(f, plan_rows::count(&worker, f, today)?));
                    }
                }
            }
        }
        Ok(())
    };
    for _ in 0..3 {
        key(&mut app, "экран (Tab)", Action::NextScreen)?;
        key(&mut app, "экран (Tab)", Action::PrevScreen)?;
    }

    // «Организации»: moving, searching, sorting, filtering.
    key(&mut app, "экран (Tab)", Action::Screen(1))?;
    for round in 0..5 {
        for _ in 0..100 {
            key(&mut app, "орг.: строка (j/k)", Action::Down)?;
        }
        for _ in 0..40 {
            key(&mut app, "орг.: строка (j/k)", Action::Up)?;
        }
        for _ in 0..20 {
            key(&mut app, "орг.: страница", Action::PageDown)?;
            key(&mut app, "орг.: страница", Action::PageUp)?;
        }
        key(&mut app, "орг.: в конец/начало", Action::End)?;
        key(&mut app, "орг.: в конец/начало", Action::Home)?;
        key(&mut app, "орг.: поиск, символ", Action::StartSearch)?;
        let word = if round % 2 == 0 {
            "школа"
        } else {
            "центр"
        };
        for c in word.chars() {
            key(&mut app, "орг.: поиск, символ", Action::Type(c))?;
        }
        for _ in word.chars() {
            key(&mut app, "орг.: поиск, символ", Action::Backspace)?;
        }
        key(&mut app, "орг.: поиск, символ", Action::Accept)?;
        for _ in 0..7 {
            key(&mut app, "орг.: сортировка", Action::SortNext)?;
            key(&mut app, "орг.: сортировка", Action::SortReverse)?;
        }
        // Each filter of the popup in turn: open it, open the choices, take the 2nd (or the
        // 3rd) value; then the next filter down. Cycle and group read the members from SQL.
        key(&mut app, "орг.: фильтр", Action::Filter)?;
        for dim in 0..5 {
            key(&mut app, "орг.: фильтр", Action::Accept)?;
            key(&mut app, "орг.: фильтр", Action::Down)?;
            if round % 2 == 1 {
                key(&mut app, "орг.: фильтр", Action::Down)?;
            }
            key(&mut app, "орг.: фильтр", Action::Accept)?;
            if dim < 4 {
                key(&mut app, "орг.: фильтр", Action::Down)?;
            }
        }
        key(&mut app, "орг.: фильтр", Action::Cancel)?;
        key(&mut app, "орг.: фильтр", Action::Cancel)?;
    }

    // The card of an organization in the middle of the list, and back.
    for _ in 0..10 {
        key(&mut app, "орг.: страница", Action::PageDown)?;
        key(&mut app, "карточка: открыть/закрыть", Action::Accept)?;
        for _ in 0..10 {
            key(&mut app, "карточка: строка", Action::Down)?;
        }
        key(&mut app, "карточка: раздел", Action::SortNext)?;
        key(&mut app, "карточка: открыть/закрыть", Action::Cancel)?;
    }

    // «Рейтинг»: cycles, criteria, groups, rows.
    key(&mut app, "экран (Tab)", Action::Screen(2))?;
    for _ in 0..20 {
        key(&mut app, "рейтинг: цикл (←→)", Action::Right)?;
        for _ in 0..10 {
            key(&mut app, "рейтинг: строка", Action::Down)?;
        }
        key(&mut app, "рейтинг: строка", Action::PageDown)?;
        key(&mut app, "рейтинг: строка", Action::End)?;
        key(&mut app, "рейтинг: критерий (s)", Action::SortNext)?;
        key(&mut app, "рейтинг: группа (f)", Action::Filter)?;
    }

    // «Планы»: every filter, walking into the middle of the list by pages and rows.
    key(&mut app, "экран (Tab)", Action::Screen(3))?;
    for _ in 0..5 {
        key(&mut app, "планы: фильтр (f)", Action::Filter)?;
        for _ in 0..60 {
            key(&mut app, "планы: страница", Action::PageDown)?;
        }
        for _ in 0..50 {
            key(&mut app, "планы: строка (j/k)", Action::Down)?;
            key(&mut app, "планы: строка (j/k)", Action::Up)?;
            key(&mut app, "планы: строка (j/k)", Action::Down)?;
        }
        for _ in 0..20 {
            key(&mut app, "планы: страница", Action::PageUp)?;
        }
        key(&mut app, "планы: в конец/начало", Action::End)?;
        for _ in 0..20 {
            key(&mut app, "планы: страница", Action::PageUp)?;
        }
        key(&mut app, "планы: в конец/начало", Action::Home)?;
        key(&mut app, "планы: дни (←→)", Action::Right)?;
    }

    // «Планы органа», «Совет», «Журнал»: rows.
    for (tab, kind) in [
        (4, "планы органа: строка"),
        (5, "совет: строка"),
        (6, "журнал: строка"),
    ] {
        key(&mut app, "экран (Tab)", Action::Screen(tab))?;
        for _ in 0..100 {
            key(&mut app, kind, Action::Down)?;
        }
        for _ in 0..10 {
            key(&mut app, kind, Action::PageDown)?;
        }
        key(&mut app, kind, Action::End)?;
        key(&mut app, kind, Action::Home)?;
    }
    println!();
    println!(
        "{:<28} {:>6} {:>10} {:>10} {:>10}",
        "клавиша", "раз", "медиана", "p99", "макс"
    );
    for (kind, mut v) in times {
        v.sort();
        let q = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "{kind:<28} {:>6} {:>8.2}мс {:>8.2}мс {:>8.2}мс",
            v.len(),
            ms(q(0.5)),
            ms(q(0.99)),
            ms(v[v.len() - 1])
        );
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
