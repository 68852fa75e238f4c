//! Long work started from the UI — publishing a cycle, checking and importing a file — runs on a
//! thread of its own with its own database connection, so the screen keeps answering: it shows
//! how far the work has got, Esc asks it to stop, and its result comes back when it is done.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::store::Db;

use crate::store;

/// How the work reports progress: `done` of `total` steps, and what it is doing.
#[derive(Clone)]
pub struct Reporter {
    done: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
    stage: Arc<Mutex<String>>,
}

impl Reporter {
    pub fn set(&self, done: u64, total: u64) {
        self.done.store(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    pub fn stage(&self, text: &str) {
        if let Ok(mut s) = self.stage.lock() {
            text.clone_into(&mut s);
        }
    }
}

/// Work in progress on its own thread; `T` is what it gives back.
pub struct Job<T> {
    /// What the work is, for the screen («публикация цикла №12»).
    pub what: String,
    reporter: Reporter,
    cancel: Arc<AtomicBool>,
    result: Receiver<Result<T, String>>,
    started: Instant,
    finished: Option<Duration>,
}

impl<T> std::fmt::Debug for Job<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("what", &self.what).finish()
    }
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a new thread with a connection of its own to the database at `db`.
    /// Errors come back as their whole Russian chain («что не удалось: почему»).
    pub fn start<F>(what: impl Into<String>, db: &Path, work: F) -> Job<T>
    where
        F: FnOnce(&mut Db, &Reporter, &AtomicBool) -> anyhow::Result<T> + Send + 'static,
    {
        let reporter = Reporter {
            done: Arc::default(),
            total: Arc::default(),
            stage: Arc::default(),
        };
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let db: PathBuf = db.to_path_buf();
        {
            let reporter = reporter.clone();
            let cancel = Arc::clone(&cancel);
            std::thread::spawn(move || {
                let result = store::open_existing(&db)
                    .map_err(anyhow::Error::from)
                    .and_then(|mut conn| work(&mut conn, &reporter, &cancel))
                    .map_err(|e| format!("{e:#}"));
                // The screen may be gone (the UI quit): nobody to tell.
                let _ = tx.send(result);
            });
        }
        Job {
            what: what.into(),
            reporter,
            cancel,
            result: rx,
            started: Instant::now(),
            finished: None,
        }
    }

    /// The result, once the work is done (then only once).
    pub fn poll(&mut self) -> Option<Result<T, String>> {
        match self.result.try_recv() {
            Ok(r) => {
                self.finished = Some(self.started.elapsed());
                Some(r)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.finished = Some(self.started.elapsed());
                Some(Err(
                    "работа прервана сбоем; подробности в журнале терминала".into(),
                ))
            }
        }
    }

    /// Asks the work to stop at its next check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Done and total steps (total 0 until the work knows it).
    pub fn progress(&self) -> (u64, u64) {
        (
            self.reporter.done.load(Ordering::Relaxed),
            self.reporter.total.load(Ordering::Relaxed),
        )
    }

    pub fn stage(&self) -> String {
        self.reporter
            .stage
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    pub fn elapsed(&self) -> Duration {
        self.finished.unwrap_or_else(|| self.started.elapsed())
    }

    /// Waits for the result (tests; the UI polls instead).
    pub fn wait(&mut self) -> Result<T, String> {
        loop {
            if let Some(r) = self.poll() {
                return r;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
