//! The worker: threads with their own connections that read what the screens show, so that the
//! first frame never waits for data. The UI sends a [`Request`]; the worker answers with one or
//! more [`Loaded`] messages, which the event loop hands to the screens (`App::apply`).
//!
//! At start it reads, unasked, the cycles, the first-day steps and the newest year's summary on
//! one thread, the first ranking of «Рейтинг» on another, and the organization index on a third.
//! [`first_reads`], [`org_list`] and [`answer`] are what those threads do; tests call them on
//! their own connection to play the worker's part without threads.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::store::Db;
use chrono::NaiveDate;

use super::lists::organizations::OrgList;
use super::msg::{Loaded, Request};
use crate::store::{self, StoreError};

/// Starts the threads that read data for the UI, each on its own connection, at once: the
/// cycles and the newest year's summary on one (which then answers whatever the UI asks for),
/// the first ranking of «Рейтинг» on another, and the organization list on a third. They end
/// when the UI drops its ends of the channels.
pub fn spawn(path: PathBuf, today: NaiveDate) -> (Sender<Request>, Receiver<Loaded>) {
    let (req_tx, req_rx) = channel::<Request>();
    let (tx, rx) = channel::<Loaded>();
    // The organization index is the biggest read. Its first page is read at once; the whole
    // index waits until the first reads of the other screens are done (every `first_done` is
    // dropped), so that with a cold page cache their few pages are not queued behind the
    // index's tens of megabytes, and they get the cores.
    let (first_done, go) = channel::<()>();
    {
        let tx = tx.clone();
        let path = path.clone();
        std::thread::spawn(move || {
            let index = open(&path)
                .and_then(|c| {
                    let _ = tx.send(first_org_page(&c, today)?);
                    let _ = go.recv();
                    org_list(&c, today)
                })
                .unwrap_or_else(|e| Loaded::Failed(e.to_string()));
            let _ = tx.send(index);
        });
    }
    {
        let tx = tx.clone();
        let path = path.clone();
        let first_done = first_done.clone();
        std::thread::spawn(move || {
            let start = open(&path).and_then(|c| {
                let cycles = store::cycles::list_brief(&c)?;
                Ok(rating_start(&c, cycles))
            });
            let _ = tx.send(start.unwrap_or_else(|e| Loaded::Rating(Box::new(Err(e.to_string())))));
            drop(first_done);
        });
    }
    std::thread::spawn(move || {
        let conn = match open(&path) {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(Loaded::Failed(e.to_string()));
                return;
            }
        };
        let mut send = |r: Result<Loaded, StoreError>| {
            tx.send(r.unwrap_or_else(|e| Loaded::Failed(e.to_string())))
                .is_ok()
        };
        let going = summary_reads(&conn, today, &mut send);
        drop(first_done);
        if !going {
            return;
        }
        for r in req_rx {
            if !answer(&conn, today, r, &mut send) {
                return;
            }
        }
    });
    (req_tx, rx)
}

/// A read connection for reads that pass over their pages once.
fn open(path: &std::path::Path) -> Result<Db, StoreError> {
    let conn = store::open_existing(path)?;
    store::tune_for_one_pass(&conn)?;
    Ok(conn)
}

/// What is read before anything is asked, in order on one connection (the threads of [`spawn`]
/// read the same on two): [`summary_reads`], then the first ranking of «Рейтинг»
/// ([`rating_start`]). False when the UI is gone (`send` said so).
pub fn first_reads(
    conn: &Db,
    today: NaiveDate,
    send: &mut impl FnMut(Result<Loaded, StoreError>) -> bool,
) -> bool {
    summary_reads(conn, today, send)
        && send(store::cycles::list_brief(conn).map(|cycles| rating_start(conn, cycles)))
}

/// The cycles, the first-day steps, and the summary of the newest year (cycles are listed
/// oldest first). False when the UI is gone (`send` said so).
pub fn summary_reads(
    conn: &Db,
    today: NaiveDate,
    send: &mut impl FnMut(Result<Loaded, StoreError>) -> bool,
) -> bool {
    let cycles = store::cycles::list_brief(conn);
    let newest = cycles.as_ref().ok().and_then(|c| c.last().map(|c| c.year));
    if !send(cycles.map(Loaded::Cycles))
        || !send(store::first_steps::read(conn).map(Loaded::FirstSteps))
    {
        return false;
    }
    match newest {
        Some(year) => {
            let scope = store::overview::Scope { year, cycle: None };
            send(store::overview::read(conn, scope, today).map(Loaded::Summary))
        }
        None => true,
    }
}

/// Rows of «Рейтинг» read with its first ranking: three pages of a tall terminal.
const RATING_WINDOW: usize = 150;

/// What «Рейтинг» shows first: its default cycle ranked by S, with the rows of the first window
/// (the method versions the screen names criteria by are loaded here too, once per run).
pub fn rating_start(conn: &Db, cycles: Vec<store::cycles::CycleInfo>) -> Loaded {
    let _ = super::methods::methods();
    let start = store::ranking::start(conn, cycles, RATING_WINDOW).map_err(|e| e.to_string());
    Loaded::Rating(Box::new(start))
}

/// The first page of the organization list in name order (with S, place and plan figures),
/// read by an index before the whole list is: what the screen shows while the index builds.
pub fn first_org_page(conn: &Db, today: NaiveDate) -> Result<Loaded, StoreError> {
    let (page, total) = store::browse::first_page(conn, today, 100)?;
    Ok(Loaded::Orgs(Box::new(OrgList::first_page(page, total))))
}

/// The organization list, read and indexed for search and sort (a third of a second for
/// 100,000 names: on the worker, not on the UI thread).
pub fn org_list(conn: &Db, today: NaiveDate) -> Result<Loaded, StoreError> {
    store::browse::org_index(conn, today).map(|keys| Loaded::Orgs(Box::new(OrgList::new(keys))))
}

/// Answers one request through `send`, one message per piece read. False when the UI is gone.
pub fn answer(
    conn: &Db,
    today: NaiveDate,
    request: Request,
    send: &mut impl FnMut(Result<Loaded, StoreError>) -> bool,
) -> bool {
    match request {
        Request::Summary(scope) => {
            send(store::overview::read(conn, scope, today).map(Loaded::Summary))
        }
        Request::Cycles => {
            send(store::cycles::list_brief(conn).map(Loaded::Cycles))
                && send(store::first_steps::read(conn).map(Loaded::FirstSteps))
        }
        Request::Orgs => send(org_list(conn, today)),
        Request::PlanCounts(filters) => filters.into_iter().all(|f| {
            send(store::plan_rows::count(conn, f, today).map(|n| Loaded::PlanCount(f, n)))
        }),
    }
}
