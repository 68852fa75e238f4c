//! A package: what the operator uploads in one go. A folder with one XML file per packet, a
//! manifest (CSV for Excel: file, organization, ИНН, positionId, versionNumber, sha256) and a zip
//! of the folder beside it.
//!
//! Everything is written under temporary names (`.NAME.partial`, `.NAME.zip.partial`). Worker
//! threads write each packet's file, hash it and deflate it; the caller's thread takes the
//! results back in the order the packets were added and appends them to the zip and the manifest
//! (so both are the same whatever the timing). [`PackageWriter::finish`] completes and syncs the
//! files but leaves them under their temporary names; [`Finished::publish`] renames them into
//! place — the export does that only after its database records are committed. Dropped before
//! that (an error, a cancel, a failed commit), it removes what it wrote.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::sha256_hex;
use super::zipfile::{Deflated, Deflater, ZipOut};
use crate::exchange::csv::neutralise;

/// The manifest's file name inside the package.
pub const MANIFEST: &str = "manifest.csv";
/// Manifest headers the checker reads back.
pub const COL_FILE: &str = "Файл";
pub const COL_SHA: &str = "sha256";
const HEADERS: [&str; 8] = [
    COL_FILE,
    "Вид документа",
    "Организация",
    "ИНН",
    "regNum",
    "positionId",
    "versionNumber",
    COL_SHA,
];

/// A manifest line besides the file name and checksum.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub kind: super::Kind,
    pub organization: String,
    pub inn: String,
    pub reg_num: String,
    pub position_id: String,
    pub version: i64,
}

/// Where a finished package is.
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub dir: PathBuf,
    pub zip: PathBuf,
}

/// Writing the package failed: which file, and what to do (in Russian, without the English text
/// of the system's message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("не удалось записать {}: {why}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    pub why: String,
}

impl WriteError {
    pub fn new(path: &Path, e: &io::Error) -> WriteError {
        use io::ErrorKind as K;
        let code = e
            .raw_os_error()
            .map(|c| format!(" (код ошибки системы {c})"))
            .unwrap_or_default();
        let why = match e.kind() {
            K::StorageFull | K::QuotaExceeded => format!(
                "на диске нет места{code}; освободите место или укажите другую папку (--out) и повторите выгрузку"
            ),
            K::FileTooLarge => format!(
                "файл больше, чем разрешено записать (на диске нет места или действует ограничение размера файлов){code}; освободите место или укажите другую папку (--out) и повторите выгрузку"
            ),
            K::PermissionDenied => {
                format!("нет прав на запись{code}; укажите папку, куда можно писать (--out)")
            }
            K::ReadOnlyFilesystem => {
                format!("диск доступен только для чтения{code}; укажите другую папку (--out)")
            }
            K::AlreadyExists => format!("файл с таким именем уже есть{code}; повторите выгрузку"),
            K::NotFound => {
                format!("папка пакета исчезла во время записи{code}; повторите выгрузку")
            }
            _ => format!("ошибка ввода-вывода{code}; проверьте диск и повторите выгрузку"),
        };
        WriteError {
            path: path.to_path_buf(),
            why,
        }
    }
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::new(path, &e)
}

/// A packet as the caller hands it over: a worker writes its XML (and may decide to leave it
/// out), then the package writes, hashes and deflates it on the same worker.
pub trait Render: Send + 'static {
    /// What comes back to the caller with the packet ([`Done::note`]).
    type Note: Send + 'static;
    /// Writes the packet into `xml` (empty) and gives its manifest line; `None` leaves it out of
    /// the package.
    fn render(self, xml: &mut String) -> (Option<Line>, Self::Note);
}

/// A packet handed to a worker.
struct Job<R: Render> {
    seq: u64,
    name: String,
    xml: String,
    packed: Vec<u8>,
    packet: R,
}

/// A packet rendered, and unless left out written, hashed and deflated by a worker.
struct Ready<N> {
    seq: u64,
    name: String,
    xml: String,
    packed: Vec<u8>,
    note: N,
    /// The manifest line, SHA-256 and CRC-32 of the file; `None` when the packet was left out.
    sums: Option<(Line, String, u32)>,
}

/// A batch of packets done by a worker, or why it stopped.
type Outcome<N> = Result<Vec<Ready<N>>, WriteError>;

/// A packet handled, as the caller learns of it (in the order added).
pub struct Done<'a, N> {
    /// The name used in the package (a name already used gets a suffix) and the file's SHA-256;
    /// `None` when the packet was left out.
    pub file: Option<(&'a str, &'a str)>,
    pub note: N,
}

/// The caller's handler of packets done.
pub type OnDone<'f, N> = dyn FnMut(Done<'_, N>) -> anyhow::Result<()> + 'f;

/// At most this many packets per worker are on their way at once (memory stays flat).
const IN_FLIGHT_PER_WORKER: usize = 32;
/// Packets go to the workers and come back in batches: one wake-up of a thread per batch, not
/// per packet.
const BATCH: usize = 8;

/// A package being written: packets of type `R`.
pub struct PackageWriter<R: Render> {
    name: String,
    final_dir: PathBuf,
    tmp_dir: PathBuf,
    final_zip: PathBuf,
    tmp_zip: PathBuf,
    manifest: ::csv::Writer<BufWriter<File>>,
    zip: Option<ZipOut<BufWriter<File>>>,
    jobs: Option<Sender<Vec<Job<R>>>>,
    /// Packets added and not yet sent to the workers.
    batch: Vec<Job<R>>,
    results: Receiver<Outcome<R::Note>>,
    workers: Vec<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
    /// Sequence number of the next packet added, and of the next one to take back.
    added: u64,
    next: u64,
    /// Results come back from the workers out of order.
    waiting: BTreeMap<u64, Ready<R::Note>>,
    max_in_flight: usize,
    /// Buffers back from the workers, for the next packets.
    spare_xml: Vec<String>,
    spare_packed: Vec<Vec<u8>>,
    /// File names used so far (a name is never written twice).
    names: HashSet<String>,
    published: bool,
}

fn worker<R: Render>(
    folder: PathBuf,
    jobs: Arc<Mutex<Receiver<Vec<Job<R>>>>>,
    results: Sender<Outcome<R::Note>>,
    stop: Arc<AtomicBool>,
) {
    let mut z = Deflater::new();
    let mut path = folder.clone();
    loop {
        let batch = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(batch) = batch else { return };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let mut done = Vec::with_capacity(batch.len());
        let mut failed = None;
        for job in batch {
            match one(job, &mut z, &mut path) {
                Ok(ready) => done.push(ready),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let stop_here = failed.is_some();
        if results.send(failed.map_or(Ok(done), Err)).is_err() || stop_here {
            return;
        }
    }
}

/// One packet on a worker: rendered, and unless left out, written, hashed and deflated.
fn one<R: Render>(
    job: Job<R>,
    z: &mut Deflater,
    path: &mut PathBuf,
) -> Result<Ready<R::Note>, WriteError> {
    {
        let Job {
            seq,
            name,
            mut xml,
            mut packed,
            packet,
        } = job;
        xml.clear();
        let (line, note) = packet.render(&mut xml);
        path.push(&name);
        let sums = match line {
            Some(line) => OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .and_then(|mut f| f.write_all(xml.as_bytes()))
                .and_then(|()| {
                    let sha256 = sha256_hex(xml.as_bytes());
                    let crc32 = z.deflate(xml.as_bytes(), &mut packed)?;
                    Ok(Some((line, sha256, crc32)))
                }),
            None => Ok(None),
        };
        let outcome = match sums {
            Err(e) => Err(WriteError::new(path, &e)),
            Ok(sums) => Ok(Ready {
                seq,
                name,
                xml,
                packed,
                note,
                sums,
            }),
        };
        path.pop();
        outcome
    }
}

impl<R: Render> PackageWriter<R> {
    /// Starts a package named `name` (a folder and `name.zip`) inside `parent`, which is created
    /// if needed. A name already taken gets `-2`, `-3`… appended.
    pub fn create(parent: &Path, name: &str) -> Result<PackageWriter<R>, WriteError> {
        std::fs::create_dir_all(parent).map_err(at(parent))?;
        let base = super::file_part_keep(name);
        let mut name = base.clone();
        let mut n = 1;
        while parent.join(&name).exists() || parent.join(format!("{name}.zip")).exists() {
            n += 1;
            name = format!("{base}-{n}");
        }
        let final_dir = parent.join(&name);
        let tmp_dir = parent.join(format!(".{name}.partial"));
        let final_zip = parent.join(format!("{name}.zip"));
        let tmp_zip = parent.join(format!(".{name}.zip.partial"));
        if tmp_dir.exists() {
            std::fs::remove_dir_all(&tmp_dir).map_err(at(&tmp_dir))?;
        }
        std::fs::create_dir(&tmp_dir).map_err(at(&tmp_dir))?;
        let manifest_path = tmp_dir.join(MANIFEST);
        let manifest_file = File::create(&manifest_path).map_err(at(&manifest_path))?;
        let mut out = BufWriter::new(manifest_file);
        out.write_all("\u{feff}".as_bytes())
            .map_err(at(&manifest_path))?;
        let mut manifest = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        manifest
            .write_record(HEADERS)
            .map_err(|e| WriteError::new(&manifest_path, &io::Error::other(e)))?;
        let zip_file = File::create(&tmp_zip).map_err(at(&tmp_zip))?;
        let zip = ZipOut::new(
            BufWriter::with_capacity(1 << 20, zip_file),
            chrono::Local::now().naive_local(),
        );
        let (jobs_tx, jobs_rx) = channel::<Vec<Job<R>>>();
        let (results_tx, results_rx) = channel::<Outcome<R::Note>>();
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let stop = Arc::new(AtomicBool::new(false));
        let count = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let mut writer = PackageWriter {
            name,
            final_dir,
            tmp_dir: tmp_dir.clone(),
            final_zip,
            tmp_zip,
            manifest,
            zip: Some(zip),
            jobs: Some(jobs_tx),
            batch: Vec::with_capacity(BATCH),
            results: results_rx,
            workers: Vec::with_capacity(count),
            stop: stop.clone(),
            added: 0,
            next: 0,
            waiting: BTreeMap::new(),
            max_in_flight: count * IN_FLIGHT_PER_WORKER,
            spare_xml: Vec::new(),
            spare_packed: Vec::new(),
            names: HashSet::new(),
            published: false,
        };
        for i in 0..count {
            let (folder, jobs, results, stop) = (
                tmp_dir.clone(),
                jobs_rx.clone(),
                results_tx.clone(),
                stop.clone(),
            );
            let handle = std::thread::Builder::new()
                .name(format!("nok-package-{i}"))
                .spawn(move || worker(folder, jobs, results, stop))
                .map_err(|e| WriteError::new(&writer.tmp_dir, &e))?;
            writer.workers.push(handle);
        }
        Ok(writer)
    }

    /// The package's name (its folder name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds a packet under `file` (a name from [`super::file_name`]); a name already used in the
    /// package gets a suffix (decided here, in the order of adding, even if the packet is then
    /// left out). Packets handled meanwhile are passed to `done`, in the order they were added;
    /// an error of `done` stops the package.
    pub fn add(
        &mut self,
        file: &str,
        packet: R,
        done: &mut OnDone<'_, R::Note>,
    ) -> anyhow::Result<()> {
        let mut name = file.to_string();
        let mut n = 1;
        while name == MANIFEST || !self.names.insert(name.clone()) {
            n += 1;
            name = format!("{}-{n}.xml", file.trim_end_matches(".xml"));
        }
        let job = Job {
            seq: self.added,
            name,
            xml: self.spare_xml.pop().unwrap_or_default(),
            packed: self.spare_packed.pop().unwrap_or_default(),
            packet,
        };
        self.batch.push(job);
        self.added += 1;
        if self.batch.len() >= BATCH {
            self.flush(done)?;
        }
        // Take back what is ready; wait when too much is on its way.
        self.take(false, done)?;
        while (self.added - self.next) as usize > self.max_in_flight {
            self.take(true, done)?;
        }
        Ok(())
    }

    /// Sends the packets added so far to the workers.
    fn flush(&mut self, done: &mut OnDone<'_, R::Note>) -> anyhow::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let sent = self.jobs.as_ref().map(|tx| tx.send(batch).is_ok());
        if sent != Some(true) {
            // Every worker stopped: one of them sent the error why.
            self.take(true, done)?;
            anyhow::bail!("не удалось записать пакет {}", self.name);
        }
        Ok(())
    }

    /// Takes back results: all that are ready, or (with `wait`) at least one.
    fn take(&mut self, wait: bool, done: &mut OnDone<'_, R::Note>) -> anyhow::Result<()> {
        if wait {
            // What is waited for may still be here.
            self.flush(done)?;
        }
        let mut first = wait;
        loop {
            let got = if first {
                first = false;
                match self.results.recv() {
                    Ok(r) => r,
                    Err(_) => return Ok(()),
                }
            } else {
                match self.results.try_recv() {
                    Ok(r) => r,
                    Err(_) => break,
                }
            };
            for ready in got? {
                self.waiting.insert(ready.seq, ready);
            }
        }
        while let Some(ready) = self.waiting.remove(&self.next) {
            self.next += 1;
            self.append(ready, done)?;
        }
        Ok(())
    }

    /// The next packet in order: into the zip and the manifest, then to `done`.
    fn append(
        &mut self,
        ready: Ready<R::Note>,
        done: &mut OnDone<'_, R::Note>,
    ) -> anyhow::Result<()> {
        let Ready {
            name,
            xml,
            packed,
            note,
            sums,
            ..
        } = ready;
        let Some((l, sha256, crc32)) = sums else {
            done(Done { file: None, note })?;
            self.spare_xml.push(xml);
            self.spare_packed.push(packed);
            return Ok(());
        };
        let inner = format!("{}/{}", self.name, name);
        if let Some(zip) = self.zip.as_mut() {
            zip.add(
                &inner,
                Deflated {
                    data: &packed,
                    crc32,
                    size: xml.len() as u64,
                },
            )
            .map_err(at(&self.tmp_zip))?;
        }
        self.manifest
            .write_record([
                name.as_str(),
                l.kind.name_ru(),
                &neutralise(&l.organization),
                &neutralise(&l.inn),
                &neutralise(&l.reg_num),
                &neutralise(&l.position_id),
                // The portal's plan document has no positionId or version: both cells empty.
                &if l.kind.has_position() {
                    l.version.to_string()
                } else {
                    String::new()
                },
                &sha256,
            ])
            .map_err(|e| WriteError::new(&self.tmp_dir.join(MANIFEST), &io::Error::other(e)))?;
        done(Done {
            file: Some((&name, &sha256)),
            note,
        })?;
        self.spare_xml.push(xml);
        self.spare_packed.push(packed);
        Ok(())
    }

    fn stop_workers(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.jobs = None;
        for h in self.workers.drain(..) {
            let _ = h.join();
        }
    }

    /// Completes the package: the rest of the packets (passed to `done`), the manifest, the zip,
    /// all synced to disk — still under the temporary names; [`Finished::publish`] puts them in
    /// place.
    pub fn finish(mut self, done: &mut OnDone<'_, R::Note>) -> anyhow::Result<Finished> {
        // No more jobs: the workers end once the queue is empty.
        self.flush(done)?;
        self.jobs = None;
        while self.next < self.added {
            let before = self.next;
            self.take(true, done)?;
            if self.next == before && self.waiting.is_empty() {
                anyhow::bail!(
                    "не удалось записать пакет {}: поток записи остановился",
                    self.name
                );
            }
        }
        self.stop_workers();
        let manifest_path = self.tmp_dir.join(MANIFEST);
        self.manifest.flush().map_err(at(&manifest_path))?;
        let manifest = std::fs::read(&manifest_path).map_err(at(&manifest_path))?;
        let mut packed = Vec::new();
        let crc32 = Deflater::new()
            .deflate(&manifest, &mut packed)
            .map_err(at(&self.tmp_zip))?;
        let Some(mut zip) = self.zip.take() else {
            anyhow::bail!("архив пакета {} уже закрыт", self.name);
        };
        zip.add(
            &format!("{}/{MANIFEST}", self.name),
            Deflated {
                data: &packed,
                crc32,
                size: manifest.len() as u64,
            },
        )
        .map_err(at(&self.tmp_zip))?;
        let out = zip.finish().map_err(at(&self.tmp_zip))?;
        let file = out
            .into_inner()
            .map_err(|e| WriteError::new(&self.tmp_zip, e.error()))?;
        file.sync_all().map_err(at(&self.tmp_zip))?;
        File::open(&self.tmp_dir)
            .and_then(|d| d.sync_all())
            .map_err(at(&self.tmp_dir))?;
        // From here on `Finished` owns the temporary files.
        self.published = true;
        Ok(Finished {
            name: self.name.clone(),
            final_dir: self.final_dir.clone(),
            tmp_dir: self.tmp_dir.clone(),
            final_zip: self.final_zip.clone(),
            tmp_zip: self.tmp_zip.clone(),
            published: false,
        })
    }
}

impl<R: Render> Drop for PackageWriter<R> {
    fn drop(&mut self) {
        self.stop_workers();
        if self.published {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.tmp_dir);
        let _ = std::fs::remove_file(&self.tmp_zip);
    }
}

/// A complete package under its temporary names.
#[derive(Debug)]
pub struct Finished {
    name: String,
    final_dir: PathBuf,
    tmp_dir: PathBuf,
    final_zip: PathBuf,
    tmp_zip: PathBuf,
    published: bool,
}

impl Finished {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Renames the folder and the zip into place.
    pub fn publish(mut self) -> Result<Paths, WriteError> {
        for (tmp, target) in [
            (&self.tmp_dir, &self.final_dir),
            (&self.tmp_zip, &self.final_zip),
        ] {
            if let Err(e) = std::fs::rename(tmp, target) {
                // Another export into the folder may have completed it already
                // ([`complete_committed`]).
                if tmp.exists() || !target.exists() {
                    return Err(WriteError::new(target, &e));
                }
            }
        }
        self.published = true;
        if let Some(parent) = self.final_dir.parent() {
            // The renames themselves reach the disk.
            let _ = File::open(parent).and_then(|d| d.sync_all());
        }
        Ok(Paths {
            dir: self.final_dir.clone(),
            zip: self.final_zip.clone(),
        })
    }
}

impl Drop for Finished {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.tmp_dir);
            let _ = std::fs::remove_file(&self.tmp_zip);
        }
    }
}

/// Completes what an export killed between its commit and its renames left behind: a package
/// `.NAME.partial` (and its zip) whose name `recorded` says the database holds is renamed into
/// place. Others (an export that never committed, or one still running) are left alone. Returns
/// the names completed.
pub fn complete_committed(
    parent: &Path,
    recorded: &mut dyn FnMut(&str) -> anyhow::Result<bool>,
) -> anyhow::Result<Vec<String>> {
    let mut completed = Vec::new();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(completed);
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(name) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix('.'))
            .and_then(|n| n.strip_suffix(".partial"))
        else {
            continue;
        };
        let (name, is_zip) = match name.strip_suffix(".zip") {
            Some(n) => (n, true),
            None => (name, false),
        };
        if !recorded(name)? {
            continue;
        }
        let target = if is_zip {
            parent.join(format!("{name}.zip"))
        } else {
            parent.join(name)
        };
        if !target.exists() {
            std::fs::rename(e.path(), &target).map_err(at(&target))?;
            if !is_zip {
                completed.push(name.to_string());
            }
        }
    }
    Ok(completed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::busgov::Kind;

    /// A packet of fixed text; `None` is left out.
    struct Text(Option<String>, u32);

    impl Render for Text {
        type Note = u32;

        fn render(self, xml: &mut String) -> (Option<Line>, u32) {
            let Some(text) = self.0 else {
                return (None, self.1);
            };
            xml.push_str(&text);
            let line = Line {
                kind: Kind::Plan,
                organization: "=ГБУ «Ромашка»".into(),
                inn: "4710156419".into(),
                reg_num: "41493880".into(),
                position_id: "0a4b3c2d-1111-8222-9333-444455556667".into(),
                version: 1,
            };
            (Some(line), self.1)
        }
    }

    fn text(s: &str, n: u32) -> Text {
        Text(Some(s.to_string()), n)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_package_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = PackageWriter::create(dir.path(), "busgov_2025_x").unwrap();
        let mut seen = Vec::new();
        let mut left_out = Vec::new();
        let mut done = |d: Done<'_, u32>| {
            match d.file {
                Some((file, sha)) => seen.push((d.note, file.to_string(), sha.to_string())),
                None => left_out.push(d.note),
            }
            Ok(())
        };
        // Many packets, so that the workers finish them out of order; one left out.
        for i in 0..201u32 {
            let xml = format!("<a>{}</a>", "x".repeat(i as usize * 37 % 5000));
            let packet = if i == 200 {
                Text(None, i)
            } else {
                Text(Some(xml), i)
            };
            p.add("plan_1.xml", packet, &mut done).unwrap();
        }
        let finished = p.finish(&mut done).unwrap();
        assert_eq!(left_out, [200]);
        // In the order added, a suffix for a name already used.
        assert_eq!(seen.len(), 200);
        assert!(seen.iter().enumerate().all(|(i, s)| s.0 == i as u32));
        assert_eq!(
            (seen[0].1.as_str(), seen[1].1.as_str()),
            ("plan_1.xml", "plan_1-2.xml")
        );
        let second = format!("<a>{}</a>", "x".repeat(37));
        assert_eq!(seen[1].2, sha256_hex(second.as_bytes()));
        // Nothing under the final names until published.
        assert_eq!(
            names(dir.path()),
            [".busgov_2025_x.partial", ".busgov_2025_x.zip.partial"]
        );
        let paths = finished.publish().unwrap();
        assert_eq!(names(dir.path()), ["busgov_2025_x", "busgov_2025_x.zip"]);
        assert_eq!(
            std::fs::read_to_string(paths.dir.join("plan_1-2.xml")).unwrap(),
            second
        );
        let manifest = std::fs::read_to_string(paths.dir.join(MANIFEST)).unwrap();
        assert!(manifest.starts_with('\u{feff}'));
        assert!(
            manifest.contains(";\"=\"\"=ГБУ «Ромашка»\"\"\";"),
            "{manifest}"
        );
        let lines: Vec<&str> = manifest.lines().skip(1).collect();
        assert_eq!(lines.len(), 200);
        assert!(lines[1].starts_with("plan_1-2.xml;") && lines[1].ends_with(&seen[1].2));
        let mut zip = zip::ZipArchive::new(File::open(&paths.zip).unwrap()).unwrap();
        assert_eq!(zip.len(), 201);
        let mut inner = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("busgov_2025_x/plan_1-2.xml").unwrap(),
            &mut inner,
        )
        .unwrap();
        assert_eq!(inner, second);

        // The same name again gets a suffix; a dropped package, finished or not, leaves nothing.
        let p: PackageWriter<Text> = PackageWriter::create(dir.path(), "busgov_2025_x").unwrap();
        assert_eq!(p.name(), "busgov_2025_x-2");
        drop(p);
        let mut p = PackageWriter::create(dir.path(), "busgov_2025_y").unwrap();
        p.add("a.xml", text("<a/>", 0), &mut |_| Ok(())).unwrap();
        drop(p.finish(&mut |_| Ok(())).unwrap());
        assert_eq!(names(dir.path()), ["busgov_2025_x", "busgov_2025_x.zip"]);
    }

    #[test]
    fn an_error_of_the_caller_stops_the_package_and_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = PackageWriter::create(dir.path(), "busgov_2025_x").unwrap();
        let mut failing = |d: Done<'_, u32>| {
            if d.note == 3 {
                anyhow::bail!("база недоступна")
            }
            Ok(())
        };
        let mut result = Ok(());
        for i in 0..100u32 {
            result = p.add("a.xml", text("<a/>", i), &mut failing);
            if result.is_err() {
                break;
            }
        }
        let err = match result {
            Err(e) => {
                drop(p);
                e
            }
            Ok(()) => p.finish(&mut failing).unwrap_err(),
        };
        assert_eq!(err.to_string(), "база недоступна");
        assert_eq!(names(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_package_committed_but_not_renamed_is_completed_later() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["done", "undone"] {
            let mut p = PackageWriter::create(dir.path(), name).unwrap();
            p.add("a.xml", text("<a/>", 0), &mut |_| Ok(())).unwrap();
            // As if killed after finishing, before the renames.
            std::mem::forget(p.finish(&mut |_| Ok(())).unwrap());
        }
        let completed = complete_committed(dir.path(), &mut |name| Ok(name == "done")).unwrap();
        assert_eq!(completed, ["done"]);
        assert_eq!(
            names(dir.path()),
            [".undone.partial", ".undone.zip.partial", "done", "done.zip"]
        );
    }

    #[test]
    fn io_errors_are_explained_in_russian() {
        let e = WriteError::new(
            Path::new("/x/a.zip"),
            &io::Error::from_raw_os_error(27), // EFBIG
        );
        let text = e.to_string();
        assert!(text.starts_with("не удалось записать /x/a.zip: "), "{text}");
        assert!(text.contains("освободите место"), "{text}");
        assert!(!text.contains("too large"), "{text}");
        let e = WriteError::new(Path::new("/x"), &io::Error::from_raw_os_error(28)); // ENOSPC
        assert!(e.to_string().contains("на диске нет места"));
    }
}
