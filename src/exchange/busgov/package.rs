//! A package: what the operator uploads in one go. A folder with one XML file per packet, a
//! manifest (CSV for Excel: file, organization, ИНН, positionId, versionNumber, sha256) and a zip
//! of the folder beside it.
//!
//! Everything is written under temporary names (`.NAME.partial`, `.NAME.zip.partial`) and renamed
//! when complete; dropped unfinished (an error, a cancel), it removes what it wrote. The zip is
//! written, and the zip compressed, on a second thread while the next packets are built.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::sha256_hex;
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
pub struct Entry<'a> {
    pub kind: super::Kind,
    pub organization: &'a str,
    pub inn: &'a str,
    pub reg_num: &'a str,
    pub position_id: &'a str,
    pub version: i64,
}

/// Where a finished package is.
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub dir: PathBuf,
    pub zip: PathBuf,
}

type ZipJob = (String, Vec<u8>);

/// A package being written.
pub struct PackageWriter {
    name: String,
    final_dir: PathBuf,
    tmp_dir: PathBuf,
    final_zip: PathBuf,
    tmp_zip: PathBuf,
    manifest: ::csv::Writer<BufWriter<File>>,
    zip_tx: Option<SyncSender<ZipJob>>,
    zip_thread: Option<JoinHandle<io::Result<()>>>,
    /// File names used so far (a name is never written twice).
    names: HashSet<String>,
    done: bool,
}

fn zip_err(e: zip::result::ZipError) -> io::Error {
    io::Error::other(e.to_string())
}

impl PackageWriter {
    /// Starts a package named `name` (a folder and `name.zip`) inside `parent`, which is created
    /// if needed. A name already taken gets `-2`, `-3`… appended.
    pub fn create(parent: &Path, name: &str) -> io::Result<PackageWriter> {
        std::fs::create_dir_all(parent)?;
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
            std::fs::remove_dir_all(&tmp_dir)?;
        }
        std::fs::create_dir(&tmp_dir)?;
        let manifest_file = File::create(tmp_dir.join(MANIFEST))?;
        let mut out = BufWriter::new(manifest_file);
        out.write_all("\u{feff}".as_bytes())?;
        let mut manifest = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        manifest.write_record(HEADERS).map_err(io::Error::other)?;
        let zip_file = File::create(&tmp_zip)?;
        let (tx, rx) = sync_channel::<ZipJob>(256);
        let prefix = name.clone();
        let folder = tmp_dir.clone();
        // The second thread writes the files and the zip while the first builds the next packets.
        let zip_thread = std::thread::Builder::new()
            .name("nok-package".into())
            .spawn(move || -> io::Result<()> {
                let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, zip_file));
                let opts = SimpleFileOptions::default()
                    .compression_method(CompressionMethod::Deflated)
                    .compression_level(Some(1));
                for (file, bytes) in rx {
                    if file != MANIFEST {
                        let mut f = OpenOptions::new()
                            .write(true)
                            .create_new(true)
                            .open(folder.join(&file))?;
                        f.write_all(&bytes)?;
                    }
                    zip.start_file(format!("{prefix}/{file}"), opts)
                        .map_err(zip_err)?;
                    zip.write_all(&bytes)?;
                }
                let out = zip.finish().map_err(zip_err)?;
                let file = out.into_inner().map_err(|e| e.into_error())?;
                file.sync_all()
            })?;
        Ok(PackageWriter {
            name,
            final_dir,
            tmp_dir,
            final_zip,
            tmp_zip,
            manifest,
            zip_tx: Some(tx),
            zip_thread: Some(zip_thread),
            names: HashSet::new(),
            done: false,
        })
    }

    /// The package's name (its folder name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds a packet under `file` (a name from [`super::file_name`]); a name already used in the
    /// package gets a suffix. Returns the name used and the file's SHA-256.
    pub fn add(
        &mut self,
        file: &str,
        bytes: Vec<u8>,
        entry: &Entry<'_>,
    ) -> io::Result<(String, String)> {
        let mut name = file.to_string();
        let mut n = 1;
        while name == MANIFEST || !self.names.insert(name.clone()) {
            n += 1;
            name = format!("{}-{n}.xml", file.trim_end_matches(".xml"));
        }
        let sha = sha256_hex(&bytes);
        self.manifest
            .write_record([
                name.as_str(),
                entry.kind.name_ru(),
                &neutralise(entry.organization),
                entry.inn,
                entry.reg_num,
                entry.position_id,
                &entry.version.to_string(),
                &sha,
            ])
            .map_err(io::Error::other)?;
        self.send_to_zip(name.clone(), bytes)?;
        Ok((name, sha))
    }

    fn send_to_zip(&mut self, name: String, bytes: Vec<u8>) -> io::Result<()> {
        let sent = self.zip_tx.as_ref().map(|tx| tx.send((name, bytes)));
        if let Some(Err(_)) = sent {
            // The zip thread stopped: its error says why.
            self.zip_tx = None;
            return Err(self
                .join_zip()
                .err()
                .unwrap_or_else(|| io::Error::other("архив остановился")));
        }
        Ok(())
    }

    fn join_zip(&mut self) -> io::Result<()> {
        self.zip_tx = None;
        match self.zip_thread.take() {
            Some(h) => h
                .join()
                .map_err(|_| io::Error::other("сбой потока записи архива"))?,
            None => Ok(()),
        }
    }

    /// Completes the package: manifest, zip, fsync, and both renamed into place.
    pub fn finish(mut self) -> io::Result<Paths> {
        self.manifest.flush()?;
        let manifest = std::fs::read(self.tmp_dir.join(MANIFEST))?;
        self.send_to_zip(MANIFEST.to_string(), manifest)?;
        self.join_zip()?;
        File::open(&self.tmp_dir)?.sync_all()?;
        std::fs::rename(&self.tmp_dir, &self.final_dir)?;
        std::fs::rename(&self.tmp_zip, &self.final_zip)?;
        self.done = true;
        Ok(Paths {
            dir: self.final_dir.clone(),
            zip: self.final_zip.clone(),
        })
    }
}

impl Drop for PackageWriter {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let _ = self.join_zip();
        let _ = std::fs::remove_dir_all(&self.tmp_dir);
        let _ = std::fs::remove_file(&self.tmp_zip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::busgov::Kind;

    fn entry() -> Entry<'static> {
        Entry {
            kind: Kind::Plan,
            organization: "=ГБУ «Ромашка»",
            inn: "4710156419",
            reg_num: "41493880",
            position_id: "0a4b3c2d-1111-8222-9333-444455556667",
            version: 1,
        }
    }

    #[test]
    fn a_package_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = PackageWriter::create(dir.path(), "busgov_2025_x").unwrap();
        let (a, _) = p.add("plan_1.xml", b"<a/>".to_vec(), &entry()).unwrap();
        let (b, sha) = p.add("plan_1.xml", b"<b/>".to_vec(), &entry()).unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("plan_1.xml", "plan_1-2.xml"));
        assert_eq!(sha, sha256_hex(b"<b/>"));
        // Nothing under the final names until finished.
        assert!(!dir.path().join("busgov_2025_x").exists());
        let paths = p.finish().unwrap();
        assert_eq!(
            std::fs::read(paths.dir.join("plan_1-2.xml")).unwrap(),
            b"<b/>"
        );
        let manifest = std::fs::read_to_string(paths.dir.join(MANIFEST)).unwrap();
        assert!(manifest.starts_with('\u{feff}'));
        assert!(manifest.contains(";'=ГБУ «Ромашка»;"), "{manifest}");
        let zip = zip::ZipArchive::new(File::open(&paths.zip).unwrap()).unwrap();
        assert_eq!(zip.len(), 3);

        // The same name again gets a suffix; a dropped package leaves nothing behind.
        let p = PackageWriter::create(dir.path(), "busgov_2025_x").unwrap();
        assert_eq!(p.name(), "busgov_2025_x-2");
        drop(p);
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }
}
