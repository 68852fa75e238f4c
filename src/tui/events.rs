//! What the event loop waits for, as one stream: the terminal's events (keys, mouse, paste,
//! resize), read on a thread of their own, and the worker's answers, passed on as they arrive.
//! The loop blocks on this one channel, so an answer is drawn the moment it comes, not at the
//! next timeout of a terminal poll (which used to cost a screen up to 50 ms at start-up).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use ratatui::crossterm::event::{self, Event};

use super::msg::Loaded;

/// One thing for the event loop.
#[derive(Debug)]
pub enum Incoming {
    Terminal(Event),
    Loaded(Loaded),
    /// The terminal can no longer be read (it is gone); the loop ends with this error.
    Broken(std::io::Error),
}

/// The merged stream; dropping it lets the terminal reader end within one poll.
pub struct Events {
    rx: Receiver<Incoming>,
    stop: Arc<AtomicBool>,
}

/// How long the terminal reader waits before it looks whether it should end.
const READER_POLL: Duration = Duration::from_millis(100);

impl Events {
    /// Starts the terminal reader and the forwarder of the worker's answers.
    pub fn start(loaded: Receiver<Loaded>) -> Events {
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for m in loaded {
                    if tx.send(Incoming::Loaded(m)).is_err() {
                        return;
                    }
                }
            });
        }
        {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || read_terminal(&tx, &stop));
        }
        Events { rx, stop }
    }

    /// The next thing, waiting at most `timeout`; `None` when nothing came in that time.
    pub fn next(&self, timeout: Duration) -> Option<Incoming> {
        // Both senders gone cannot happen while `self` lives (the reader holds one until
        // `stop`); it is taken as quiet, like a timeout.
        self.rx.recv_timeout(timeout).ok()
    }

    /// What has already come in, without waiting.
    pub fn pending(&self) -> Option<Incoming> {
        self.rx.try_recv().ok()
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Reads the terminal until told to stop or the event loop is gone. A signal interrupting a
/// wait (EINTR) is not an error, just another turn.
fn read_terminal(tx: &Sender<Incoming>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let ready = match event::poll(READER_POLL) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => false,
            Err(e) => {
                let _ = tx.send(Incoming::Broken(e));
                return;
            }
        };
        if !ready {
            continue;
        }
        let sent = match event::read() {
            Ok(ev) => tx.send(Incoming::Terminal(ev)),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = tx.send(Incoming::Broken(e));
                return;
            }
        };
        if sent.is_err() {
            return;
        }
    }
}
