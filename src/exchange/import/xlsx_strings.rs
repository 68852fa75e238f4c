//! The shared-strings table of an xlsx book (`xl/sharedStrings.xml`: the text of every `t="s"`
//! cell, as Excel and LibreOffice save it) kept on disk instead of in memory.
//!
//! The table is parsed once as a stream and each string is written to an unnamed temporary file
//! (gone when the reader is dropped, or the program ends) as its length and its UTF-8 bytes. In
//! memory stay the file offset of every [`BLOCK`]-th string (8 bytes per 64 strings: 125 KB for
//! a million strings) and a few blocks recently read ([`CACHE_BYTES`]). A cell's string is found
//! by reading its block whole: Excel numbers the strings in the order the cells first use them,
//! so a sheet read from the top asks for the strings of one block after another, and the
//! strings repeated down a column (a sector, a region) are in the first blocks, which stay
//! cached while they are used.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

/// Strings per block: one offset kept in memory for each.
pub(super) const BLOCK: usize = 64;

/// Most bytes of blocks kept read (at least one block is kept, whatever its size).
pub(super) const CACHE_BYTES: usize = 2 << 20;

/// Most blocks kept read (4,096 strings).
const CACHE_BLOCKS: usize = 64;

/// One block of strings read from the spill file.
struct Block {
    /// Its number (string index / [`BLOCK`]).
    number: usize,
    /// The block's strings one after another, and where each ends in `text`.
    text: String,
    ends: Vec<usize>,
    /// When it was last used (for dropping the least recently used).
    used: u64,
}

/// The shared strings of a book, on disk (see the module's comment).
pub(super) struct SharedStrings {
    /// The spill file; `None` while the table is empty.
    file: Option<File>,
    /// The offset of string `k * BLOCK` for every block `k`, then the file's length.
    starts: Vec<u64>,
    count: usize,
    cache: Vec<Block>,
    cached_bytes: usize,
    clock: u64,
    /// Where in `cache` the block last used is.
    last: usize,
}

/// Builds the table as the strings are parsed, in order.
pub(super) struct SharedStringsWriter {
    out: Option<BufWriter<File>>,
    starts: Vec<u64>,
    count: usize,
    at: u64,
}

impl SharedStringsWriter {
    pub(super) fn new() -> SharedStringsWriter {
        SharedStringsWriter {
            out: None,
            starts: Vec::new(),
            count: 0,
            at: 0,
        }
    }

    /// Appends the next string (index `count`).
    pub(super) fn push(&mut self, s: &str) -> std::io::Result<()> {
        let out = match &mut self.out {
            Some(out) => out,
            None => self
                .out
                .insert(BufWriter::with_capacity(1 << 16, tempfile::tempfile()?)),
        };
        if self.count.is_multiple_of(BLOCK) {
            self.starts.push(self.at);
        }
        let len = u32::try_from(s.len()).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "string over 4 GB")
        })?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(s.as_bytes())?;
        self.at += 4 + u64::from(len);
        self.count += 1;
        Ok(())
    }

    pub(super) fn finish(mut self) -> std::io::Result<SharedStrings> {
        let file = match self.out.take() {
            Some(out) => Some(out.into_inner().map_err(|e| e.into_error())?),
            None => None,
        };
        self.starts.push(self.at);
        self.starts.shrink_to_fit();
        Ok(SharedStrings {
            file,
            starts: self.starts,
            count: self.count,
            cache: Vec::new(),
            cached_bytes: 0,
            clock: 0,
            last: 0,
        })
    }
}

impl SharedStrings {
    /// A book without a shared-strings table.
    pub(super) fn empty() -> SharedStrings {
        SharedStrings {
            file: None,
            starts: vec![0],
            count: 0,
            cache: Vec::new(),
            cached_bytes: 0,
            clock: 0,
            last: 0,
        }
    }

    /// How many strings the table has.
    pub(super) fn len(&self) -> usize {
        self.count
    }

    /// The string at `index`; `Ok(None)` past the end of the table.
    pub(super) fn get(&mut self, index: usize) -> std::io::Result<Option<&str>> {
        if index >= self.count {
            return Ok(None);
        }
        let number = index / BLOCK;
        self.clock += 1;
        // The block of the string asked for last is the likeliest.
        let found = match self.cache.get(self.last) {
            Some(b) if b.number == number => Some(self.last),
            _ => self.cache.iter().position(|b| b.number == number),
        };
        let at = match found {
            Some(at) => at,
            None => {
                let block = self.read_block(number)?;
                self.cached_bytes += block.text.len();
                self.cache.push(block);
                self.evict();
                self.cache.len() - 1
            }
        };
        self.last = at;
        let block = &mut self.cache[at];
        block.used = self.clock;
        let k = index % BLOCK;
        let from = if k == 0 { 0 } else { block.ends[k - 1] };
        Ok(block.text.get(from..block.ends[k]))
    }

    /// Drops the least recently used blocks while the cache is over [`CACHE_BYTES`], keeping
    /// the block just read (the last).
    fn evict(&mut self) {
        while (self.cached_bytes > CACHE_BYTES || self.cache.len() > CACHE_BLOCKS)
            && self.cache.len() > 1
        {
            let last = self.cache.len() - 1;
            let Some(oldest) = self.cache[..last]
                .iter()
                .enumerate()
                .min_by_key(|(_, b)| b.used)
                .map(|(i, _)| i)
            else {
                break;
            };
            let gone = self.cache.remove(oldest);
            self.cached_bytes -= gone.text.len();
        }
    }

    fn read_block(&mut self, number: usize) -> std::io::Result<Block> {
        let broken = || std::io::Error::new(std::io::ErrorKind::InvalidData, "spill file");
        let (Some(&from), Some(&to)) = (self.starts.get(number), self.starts.get(number + 1))
        else {
            return Err(broken());
        };
        let file = self.file.as_mut().ok_or_else(broken)?;
        file.seek(SeekFrom::Start(from))?;
        let size = usize::try_from(to - from).map_err(|_| broken())?;
        let mut bytes = vec![0u8; size];
        file.read_exact(&mut bytes)?;
        // Lengths out, text together: the block's strings as one String.
        let mut text = Vec::with_capacity(size);
        let mut ends = Vec::with_capacity(BLOCK);
        let mut at = 0;
        while at < bytes.len() {
            let len: [u8; 4] = bytes
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(broken)?;
            let len = u32::from_le_bytes(len) as usize;
            text.extend_from_slice(bytes.get(at + 4..at + 4 + len).ok_or_else(broken)?);
            ends.push(text.len());
            at += 4 + len;
        }
        let text = String::from_utf8(text).map_err(|_| broken())?;
        Ok(Block {
            number,
            text,
            ends,
            used: self.clock,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings of every length (empty ones, Cyrillic, longer than a cache's worth) read back at
    /// any index in any order, and nothing past the end.
    #[test]
    fn strings_read_back_by_index_in_any_order() {
        let text = |i: usize| match i % 5 {
            0 => String::new(),
            1 => format!("ГБУ «Школа № {i}»"),
            2 => "ё".repeat(i % 300),
            3 => format!("{i}"),
            _ => "x".repeat(if i == 4 { CACHE_BYTES + 10 } else { 7 }),
        };
        let n = BLOCK * 40 + 17;
        let mut w = SharedStringsWriter::new();
        for i in 0..n {
            w.push(&text(i)).unwrap();
        }
        let mut t = w.finish().unwrap();
        assert_eq!(t.len(), n);
        let order: Vec<usize> = (0..n)
            .chain((0..n).rev())
            .chain((0..n).map(|i| i * 7919 % n))
            .collect();
        for i in order {
            assert_eq!(t.get(i).unwrap(), Some(text(i).as_str()), "string {i}");
        }
        assert_eq!(t.get(n).unwrap(), None);
        assert!(t.cached_bytes <= CACHE_BYTES || t.cache.len() == 1);
        let mut empty = SharedStrings::empty();
        assert_eq!(empty.get(0).unwrap(), None);
        assert_eq!(SharedStringsWriter::new().finish().unwrap().len(), 0);
    }
}
