//! Standard output and error of the CLI, cleaned on the way out: every byte a command prints goes
//! through the same [`Scrubber`] the TUI and the CSV files use, so stored text (a name with
//! `ESC ] 0 ; … BEL`, a CSI, an 8-bit U+009B, BEL, NUL) can never drive the terminal, whatever
//! command prints it. Line breaks and tabs stay.

use std::io::{self, Write};

use crate::domain::text::Scrubber;

/// A writer that cleans UTF-8 text written in pieces of any size (a piece may end inside a
/// character or an escape sequence) and passes it on.
pub struct Clean<W: Write> {
    inner: W,
    scrubber: Scrubber,
    /// The start of a character cut off at the end of the previous piece.
    pending: Vec<u8>,
    buf: String,
}

impl<W: Write> Clean<W> {
    pub fn new(inner: W) -> Clean<W> {
        Clean {
            inner,
            scrubber: Scrubber::new(true),
            pending: Vec::new(),
            buf: String::new(),
        }
    }

    fn feed(&mut self, text: &str) {
        for c in text.chars() {
            self.scrubber.push(c, &mut self.buf);
        }
    }
}

impl<W: Write> Write for Clean<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.clear();
        let mut data: &[u8] = bytes;
        let joined;
        if !self.pending.is_empty() {
            let mut j = std::mem::take(&mut self.pending);
            j.extend_from_slice(bytes);
            joined = j;
            data = &joined;
        }
        loop {
            match std::str::from_utf8(data) {
                Ok(s) => {
                    self.feed(s);
                    break;
                }
                Err(e) => {
                    let (good, rest) = data.split_at(e.valid_up_to());
                    // Checked by from_utf8 just above.
                    self.feed(std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        // A character cut at the end: wait for the rest of it.
                        None => {
                            self.pending = rest.to_vec();
                            break;
                        }
                        // Bytes that are not UTF-8 at all are shown as �.
                        Some(n) => {
                            self.buf.push('\u{fffd}');
                            data = &rest[n..];
                        }
                    }
                }
            }
        }
        self.inner.write_all(self.buf.as_bytes())?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The cleaned standard output (locked).
pub fn stdout() -> Clean<io::StdoutLock<'static>> {
    Clean::new(io::stdout().lock())
}

/// The cleaned standard error (locked).
pub fn stderr() -> Clean<io::StderrLock<'static>> {
    Clean::new(io::stderr().lock())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_removed_however_the_text_is_cut() {
        let text = "ГБУ\u{1b}]0;pwned\u{7} «Р»\u{9b}2J\r\nконец\u{1b}[31m!\u{0}\n";
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            let mut w = Clean::new(Vec::new());
            w.write_all(&bytes[..cut]).unwrap();
            w.write_all(&bytes[cut..]).unwrap();
            assert_eq!(
                String::from_utf8(w.inner).unwrap(),
                "ГБУ «Р»\r\nконец!\n",
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn byte_by_byte_is_the_same() {
        let text = "а\u{9d}0;x\u{9c}б\tв\rг\n";
        let mut w = Clean::new(Vec::new());
        for b in text.as_bytes() {
            w.write_all(std::slice::from_ref(b)).unwrap();
        }
        assert_eq!(String::from_utf8(w.inner).unwrap(), "аб\tвг\n");
    }
}
