//! A small zip writer for entries deflated elsewhere: the package compresses each file on a
//! worker thread and hands the ready bytes here in order. Local headers carry the sizes and CRC
//! (no data descriptors); the central directory is kept in memory (about 100 bytes an entry) and
//! written at the end, with the ZIP64 end records when there are more than 65,535 entries or the
//! archive passes 4 GiB. Names are UTF-8 (flag bit 11).

use std::io::{self, Write};

/// One entry's raw deflate stream, its CRC-32 and size before compression.
#[derive(Debug, Clone, Copy)]
pub struct Deflated<'a> {
    pub data: &'a [u8],
    pub crc32: u32,
    pub size: u64,
}

/// A zip archive being written to `out`.
pub struct ZipOut<W: Write> {
    out: W,
    /// Bytes written so far: the offset of the next local header.
    offset: u64,
    central: Vec<u8>,
    entries: u64,
    /// MS-DOS time and date of every entry.
    time: u16,
    date: u16,
}

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const LOCATOR64: u32 = 0x0706_4b50;
const UTF8_NAMES: u16 = 1 << 11;
const DEFLATE: u16 = 8;
/// Version 2.0 (deflate), 4.5 (ZIP64).
const V20: u16 = 20;
const V45: u16 = 45;

fn too_big(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::FileTooLarge, what.to_string())
}

impl<W: Write> ZipOut<W> {
    /// Starts an archive; `stamp` is the entries' modification time (local).
    pub fn new(out: W, stamp: chrono::NaiveDateTime) -> ZipOut<W> {
        use chrono::{Datelike, Timelike};
        let year = stamp.year().clamp(1980, 2107) as u16;
        let date = ((year - 1980) << 9) | ((stamp.month() as u16) << 5) | stamp.day() as u16;
        let time = ((stamp.hour() as u16) << 11)
            | ((stamp.minute() as u16) << 5)
            | (stamp.second() as u16 / 2);
        ZipOut {
            out,
            offset: 0,
            central: Vec::new(),
            entries: 0,
            time,
            date,
        }
    }

    /// Appends an entry.
    pub fn add(&mut self, name: &str, entry: Deflated<'_>) -> io::Result<()> {
        let name = name.as_bytes();
        let name_len = u16::try_from(name.len()).map_err(|_| too_big("имя файла в архиве"))?;
        let packed = u32::try_from(entry.data.len())
            .ok()
            .filter(|&n| n != u32::MAX)
            .ok_or_else(|| too_big("файл в архиве"))?;
        let size = u32::try_from(entry.size)
            .ok()
            .filter(|&n| n != u32::MAX)
            .ok_or_else(|| too_big("файл в архиве"))?;
        let mut head = Vec::with_capacity(30 + name.len());
        put32(&mut head, LOCAL);
        put16(&mut head, V20);
        put16(&mut head, UTF8_NAMES);
        put16(&mut head, DEFLATE);
        put16(&mut head, self.time);
        put16(&mut head, self.date);
        put32(&mut head, entry.crc32);
        put32(&mut head, packed);
        put32(&mut head, size);
        put16(&mut head, name_len);
        put16(&mut head, 0);
        head.extend_from_slice(name);
        self.out.write_all(&head)?;
        self.out.write_all(entry.data)?;

        // The central record; an offset past 4 GiB goes into a ZIP64 extra field.
        let c = &mut self.central;
        let far = self.offset >= u64::from(u32::MAX);
        put32(c, CENTRAL);
        put16(c, (3 << 8) | if far { V45 } else { V20 }); // made by: Unix
        put16(c, if far { V45 } else { V20 });
        put16(c, UTF8_NAMES);
        put16(c, DEFLATE);
        put16(c, self.time);
        put16(c, self.date);
        put32(c, entry.crc32);
        put32(c, packed);
        put32(c, size);
        put16(c, name_len);
        put16(c, if far { 12 } else { 0 });
        put16(c, 0); // comment
        put16(c, 0); // disk
        put16(c, 0); // internal attributes
        put32(c, 0o100_644 << 16); // a regular file, rw-r--r--
        put32(c, if far { u32::MAX } else { self.offset as u32 });
        c.extend_from_slice(name);
        if far {
            put16(c, 1); // ZIP64 extended information
            put16(c, 8);
            put64(c, self.offset);
        }
        self.offset += (head.len() + entry.data.len()) as u64;
        self.entries += 1;
        Ok(())
    }

    /// How many entries were added.
    pub fn len(&self) -> u64 {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Writes the central directory and the end records; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        let cd_offset = self.offset;
        let cd_size = self.central.len() as u64;
        self.out.write_all(&self.central)?;
        let end64_offset = cd_offset + cd_size;
        let zip64 = self.entries >= 0xffff
            || cd_offset >= u64::from(u32::MAX)
            || cd_size >= u64::from(u32::MAX);
        let mut tail = Vec::with_capacity(98);
        if zip64 {
            put32(&mut tail, END64);
            put64(&mut tail, 44); // size of the rest of this record
            put16(&mut tail, (3 << 8) | V45);
            put16(&mut tail, V45);
            put32(&mut tail, 0); // this disk
            put32(&mut tail, 0); // disk of the central directory
            put64(&mut tail, self.entries);
            put64(&mut tail, self.entries);
            put64(&mut tail, cd_size);
            put64(&mut tail, cd_offset);
            put32(&mut tail, LOCATOR64);
            put32(&mut tail, 0);
            put64(&mut tail, end64_offset);
            put32(&mut tail, 1); // disks
        }
        let entries16 = if zip64 { 0xffff } else { self.entries as u16 };
        put32(&mut tail, END);
        put16(&mut tail, 0);
        put16(&mut tail, 0);
        put16(&mut tail, entries16);
        put16(&mut tail, entries16);
        put32(&mut tail, u32::try_from(cd_size).unwrap_or(u32::MAX));
        put32(&mut tail, u32::try_from(cd_offset).unwrap_or(u32::MAX));
        put16(&mut tail, 0); // comment
        self.out.write_all(&tail)?;
        Ok(self.out)
    }
}

fn put16(v: &mut Vec<u8>, n: u16) {
    v.extend_from_slice(&n.to_le_bytes());
}

fn put32(v: &mut Vec<u8>, n: u32) {
    v.extend_from_slice(&n.to_le_bytes());
}

fn put64(v: &mut Vec<u8>, n: u64) {
    v.extend_from_slice(&n.to_le_bytes());
}

/// Deflates whole files for the zip (raw deflate, as zip stores it) with libdeflate at its
/// fastest level: as quick as zlib's fastest and about a quarter smaller (measured on the
/// export's packets: 4.7 times smaller than the XML against zlib-rs's 3.5, both near 500 MB/s).
pub struct Deflater(libdeflater::Compressor);

impl Deflater {
    pub fn new() -> Deflater {
        // Level 1: `CompressionLvl::fastest()` is 0, which stores without compressing.
        let level = libdeflater::CompressionLvl::new(1).unwrap_or_default();
        Deflater(libdeflater::Compressor::new(level))
    }

    /// Deflates `data` into `out` (replaced) and returns the CRC-32 of `data`.
    pub fn deflate(&mut self, data: &[u8], out: &mut Vec<u8>) -> io::Result<u32> {
        out.clear();
        out.resize(self.0.deflate_compress_bound(data.len()), 0);
        let n = self
            .0
            .deflate_compress(data, out)
            .map_err(io::Error::other)?;
        out.truncate(n);
        Ok(libdeflater::crc32(data))
    }
}

impl Default for Deflater {
    fn default() -> Self {
        Deflater::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn stamp() -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(10, 30, 14)
            .unwrap()
    }

    fn archive(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut z = Deflater::new();
        let mut zip = ZipOut::new(Vec::new(), stamp());
        let mut packed = Vec::new();
        for (name, data) in files {
            let crc32 = z.deflate(data, &mut packed).unwrap();
            zip.add(
                name,
                Deflated {
                    data: &packed,
                    crc32,
                    size: data.len() as u64,
                },
            )
            .unwrap();
        }
        zip.finish().unwrap()
    }

    fn read_back(bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (f.name().unwrap().to_string(), data)
            })
            .collect()
    }

    /// `unzip -t` on the archive, when unzip is installed.
    fn unzip_test(bytes: &[u8]) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new("unzip")
            .arg("-tq")
            .arg(&path)
            .output()
            .ok()?;
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    #[test]
    fn reads_back_with_the_zip_crate_and_unzip() {
        let files: Vec<(String, Vec<u8>)> = vec![
            (
                "пакет/results_2025_1.xml".into(),
                "<a>Ромашка</a>".repeat(500).into(),
            ),
            ("пакет/empty.xml".into(), Vec::new()),
            (
                "пакет/manifest.csv".into(),
                (0..20_000u32).flat_map(|i| i.to_le_bytes()).collect(),
            ),
        ];
        let bytes = archive(&files);
        assert_eq!(read_back(bytes.clone()), files);
        if let Some(out) = unzip_test(&bytes) {
            assert!(out.contains("No errors"), "{out}");
        }
    }

    #[test]
    fn packets_are_compressed() {
        // A packet-like XML: repeated elements with Cyrillic text.
        let xml: String = (0..200)
            .map(|i| {
                format!(
                    "  <ns2:indicator>\n    <ns2:code>1.{i}</ns2:code>\n    <ns2:name>Доля получателей услуг, удовлетворенных доброжелательностью</ns2:name>\n  </ns2:indicator>\n"
                )
            })
            .collect();
        let mut packed = Vec::new();
        let crc32 = Deflater::new()
            .deflate(xml.as_bytes(), &mut packed)
            .unwrap();
        assert_eq!(crc32, libdeflater::crc32(xml.as_bytes()));
        assert!(
            packed.len() * 5 < xml.len(),
            "{} bytes deflated to {}",
            xml.len(),
            packed.len()
        );
        let mut back = Vec::new();
        inflate(&packed, &mut back);
        assert_eq!(back, xml.as_bytes());
    }

    /// Inflates a raw deflate stream (the zip crate's reader does it inside an archive).
    fn inflate(packed: &[u8], out: &mut Vec<u8>) {
        let mut d = libdeflater::Decompressor::new();
        out.resize(1 << 20, 0);
        let n = d.deflate_decompress(packed, out).unwrap();
        out.truncate(n);
    }

    #[test]
    fn more_than_65535_entries_use_zip64() {
        let files: Vec<(String, Vec<u8>)> = (0..70_000u32)
            .map(|i| (format!("p/{i}.xml"), i.to_string().into_bytes()))
            .collect();
        let bytes = archive(&files);
        // The ZIP64 end record is there.
        assert!(bytes.windows(4).any(|w| w == END64.to_le_bytes()));
        let back = read_back(bytes.clone());
        assert_eq!(back.len(), 70_000);
        assert_eq!(back[69_999], files[69_999]);
        if let Some(out) = unzip_test(&bytes) {
            assert!(out.contains("No errors"), "{out}");
        }
    }
}
