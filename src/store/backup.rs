//! A copy of the whole database made with SQLite's online backup, safe while others work on it.
//!
//! The source is copied page by page inside one read transaction, so the copy is one consistent
//! snapshot even when other sessions commit meanwhile (in WAL mode a reader never blocks a writer
//! and the snapshot does not move). The copy is written under a temporary name in the destination's
//! folder, checked with `PRAGMA integrity_check`, flushed to disk and only then renamed into place:
//! a crash or a full disk never leaves a half-written file under the final name.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

/// Pages copied per step (a progress update after each).
const PAGES_PER_STEP: std::ffi::c_int = 2048;

/// Where a backup stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Pages copied so far out of the total.
    Copying { done: u64, total: u64 },
    /// The copy is being checked (`PRAGMA integrity_check`).
    Checking,
}

/// What a backup did.
#[derive(Debug, Clone, PartialEq)]
pub struct Copied {
    pub dest: PathBuf,
    /// Size of the copy in bytes.
    pub bytes: u64,
    pub elapsed: Duration,
}

/// Why a backup failed, in Russian, with what to do.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Target(#[from] super::target::TargetError),
    #[error("{0} — папка; укажите имя файла копии, например {0}/nok-копия.sqlite")]
    IsDir(PathBuf),
    #[error("{0} — это сама база; укажите для копии другой файл")]
    SameFile(PathBuf),
    #[error("папки {0} нет; создайте ее или укажите другой путь")]
    NoFolder(PathBuf),
    #[error(
        "не удалось записать копию в {path}: {}. Проверьте, что в папке можно писать и на диске есть место; база не изменена",
        super::io_ru(error)
    )]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "не удалось сделать копию в {path}: {}; база не изменена",
        super::explain(error)
    )]
    Copy {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error("копия {path} не прошла проверку целостности ({detail}); файл не сохранен")]
    Broken { path: PathBuf, detail: String },
    #[error(
        "база {0} изменилась, пока копировалась (ее папка только для чтения, поэтому копия шла \
         без блокировок); копия не сохранена — повторите, когда с базой никто не работает"
    )]
    Changed(PathBuf),
}

/// Opens the database at `path` to copy it, without writing to it or beside it: it may sit in a
/// folder the person can only read (an archive, another user's share).
///
/// Read-write first, as every other command (that also brings an older schema up to date, so
/// the copy opens in this version without changes). Where the file or its folder cannot be
/// written, read-only: `mode=ro`, which reads a WAL database through its existing `-shm` and
/// `-wal` files, or a database in rollback mode as it is. When a WAL database has no `-shm`
/// and the folder allows none to be made, nobody is writing it (a writer would need them), so
/// it is opened as `immutable` (no locks, no `-shm`) and the copy is refused afterwards if a
/// `-wal` appeared or the file changed meanwhile.
pub fn open_source(path: &Path) -> Result<Source, super::StoreError> {
    use super::StoreError;
    let refused = |e: &StoreError| {
        matches!(e, StoreError::Open { error, .. } | StoreError::Migrate {
            error: rusqlite_migration::Error::RusqliteError { err: error, .. }, ..
        } if matches!(
            error.sqlite_error_code(),
            Some(rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::PermissionDenied)
        ))
    };
    let first = match super::open_existing(path) {
        Ok(conn) => {
            return Ok(Source {
                conn,
                immutable: None,
            });
        }
        Err(e) if refused(&e) => e,
        Err(e) => return Err(e),
    };
    let uri = |query: &str| -> Option<String> {
        let abs = std::path::absolute(path).ok()?;
        let text = abs.to_str()?;
        // URI path: percent-encode what would end the path or start a query.
        let mut out = String::from("file:");
        for b in text.bytes() {
            match b {
                b'%' | b'?' | b'#' => out.push_str(&format!("%{b:02X}")),
                _ => out.push(char::from(b)),
            }
        }
        Some(format!("{out}?{query}"))
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let checked = |conn: Connection| -> Result<Connection, StoreError> {
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        super::check_version(&conn, path)?;
        Ok(conn)
    };
    let Some(ro) = uri("mode=ro") else {
        return Err(first);
    };
    match Connection::open_with_flags(&ro, flags)
        .map_err(StoreError::from)
        .and_then(checked)
    {
        Ok(conn) => {
            return Ok(Source {
                conn,
                immutable: None,
            });
        }
        // No -shm to read through and none can be made (SQLite says it cannot open the file,
        // or that it would have to write): below.
        Err(StoreError::Sql(error) | StoreError::Open { error, .. })
            if matches!(
                error.sqlite_error_code(),
                Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
            ) => {}
        Err(e) => return Err(e),
    }
    if side(path, "-wal").exists() || side(path, "-shm").exists() {
        return Err(first);
    }
    let Some(fixed) = uri("immutable=1") else {
        return Err(first);
    };
    let stamp = FileStamp::of(path);
    let conn = Connection::open_with_flags(&fixed, flags)
        .map_err(StoreError::from)
        .and_then(checked)?;
    Ok(Source {
        conn,
        immutable: Some(stamp),
    })
}

/// A database opened to be copied, see [`open_source`].
pub struct Source {
    pub conn: Connection,
    /// Opened `immutable`: the file as it was when opened, to see that nobody wrote it meanwhile.
    immutable: Option<Option<FileStamp>>,
}

impl Source {
    /// Whether the file could have changed while it was read without locks.
    fn changed(&self, path: &Path) -> bool {
        match &self.immutable {
            None => false,
            Some(before) => {
                side(path, "-wal").exists() || before.is_none() || FileStamp::of(path) != *before
            }
        }
    }
}

/// Size and modification time of a file.
#[derive(Debug, Clone, PartialEq)]
struct FileStamp(u64, std::time::SystemTime);

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(FileStamp(m.len(), m.modified().ok()?))
    }
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// [`backup`] of a database opened with [`open_source`]: also refuses the copy when the source,
/// read without locks, changed meanwhile.
pub fn backup_source(
    src: &Source,
    src_path: &Path,
    dest: &Path,
    force: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<Copied, BackupError> {
    if src.immutable.is_none() {
        return backup(&src.conn, src_path, dest, force, progress);
    }
    let copied = backup(&src.conn, src_path, dest, force, progress)?;
    if src.changed(src_path) {
        let _ = std::fs::remove_file(&copied.dest);
        return Err(BackupError::Changed(src_path.to_path_buf()));
    }
    Ok(copied)
}

/// Copies the database open on `src` (stored at `src_path`) to `dest`. Refuses to replace an
/// existing `dest` unless `force`. The copy is readable by its owner only.
pub fn backup(
    src: &Connection,
    src_path: &Path,
    dest: &Path,
    force: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<Copied, BackupError> {
    let started = Instant::now();
    if dest.is_dir() {
        return Err(BackupError::IsDir(dest.to_path_buf()));
    }
    if let (Ok(a), Ok(b)) = (dest.canonicalize(), src_path.canonicalize())
        && a == b
    {
        return Err(BackupError::SameFile(dest.to_path_buf()));
    }
    // Only a regular file is replaced (never /dev/full, a pipe or a link), and only with --force.
    super::target::check(dest, force)?;
    let file_name = dest
        .file_name()
        .ok_or_else(|| BackupError::IsDir(dest.to_path_buf()))?;
    let folder = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(BackupError::NoFolder(folder));
    }
    let tmp = folder.join(format!(
        ".{}.backup-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    remove_abandoned(dest, &format!(".{}.backup-", file_name.to_string_lossy()));
    let guard = TempFiles(Some(tmp.clone()));
    let write_err = |error| BackupError::Write {
        path: dest.to_path_buf(),
        error,
    };
    let copy_err = |error| BackupError::Copy {
        path: dest.to_path_buf(),
        error,
    };

    super::create_private(&tmp).map_err(write_err)?;
    let mut dst = Connection::open_with_flags(
        &tmp,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(copy_err)?;
    copy(src, &mut dst, progress).map_err(copy_err)?;

    progress(Progress::Checking);
    let problems = super::check::integrity(&dst).map_err(|e| match e {
        super::StoreError::Sql(source) => copy_err(source),
        other => BackupError::Broken {
            path: dest.to_path_buf(),
            detail: other.to_string(),
        },
    })?;
    if let Some(first) = problems.first() {
        return Err(BackupError::Broken {
            path: dest.to_path_buf(),
            detail: first.clone(),
        });
    }
    // The copy stands alone: a rollback journal, no -wal beside it.
    dst.pragma_update(None, "journal_mode", "DELETE")
        .map_err(copy_err)?;
    dst.close().map_err(|(_, e)| copy_err(e))?;

    let file = std::fs::File::open(&tmp).map_err(write_err)?;
    file.sync_all().map_err(write_err)?;
    let bytes = file.metadata().map_err(write_err)?.len();
    drop(file);
    std::fs::rename(&tmp, dest).map_err(write_err)?;
    guard.disarm();
    // The rename itself reaches the disk with the folder.
    if let Ok(dir) = std::fs::File::open(&folder) {
        let _ = dir.sync_all();
    }
    Ok(Copied {
        dest: dest.to_path_buf(),
        bytes,
        elapsed: started.elapsed(),
    })
}

/// Removes temporary files left beside `path` by a copy or build that was killed (SIGKILL, power
/// loss): names `PREFIX<pid>` (and their -journal, -wal, -shm) whose process is gone. Only where
/// `/proc` tells which processes run; elsewhere they stay.
pub fn remove_abandoned(path: &Path, prefix: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name
            .to_string_lossy()
            .strip_prefix(prefix)
            .map(str::to_owned)
        else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or_default();
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Copies every page of `src` into `dst` inside one read transaction on `src`.
fn copy(
    src: &Connection,
    dst: &mut Connection,
    progress: &mut dyn FnMut(Progress),
) -> rusqlite::Result<()> {
    // Holding a read transaction pins one snapshot for the whole copy; writers go on in the WAL.
    src.execute_batch("BEGIN DEFERRED")?;
    let copied = (|| -> rusqlite::Result<()> {
        src.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        let backup = Backup::new(src, dst)?;
        loop {
            let step = backup.step(PAGES_PER_STEP)?;
            let p = backup.progress();
            let total = p.pagecount.max(0) as u64;
            let done = total.saturating_sub(p.remaining.max(0) as u64);
            progress(Progress::Copying { done, total });
            match step {
                StepResult::Done => return Ok(()),
                StepResult::More => {}
                // Busy or locked: another connection holds a lock; wait a little and go on.
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    })();
    let ended = src.execute_batch("COMMIT");
    copied?;
    ended
}

/// Removes the temporary copy and its side files when dropped, unless disarmed.
struct TempFiles(Option<PathBuf>);

impl TempFiles {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let mut side = p.as_os_str().to_owned();
                side.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(side));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(dir: &Path) -> (PathBuf, Connection) {
        let path = dir.join("src.sqlite");
        let conn = super::super::open(&path).unwrap();
        conn.execute_batch(
            "INSERT INTO meta (key, value) VALUES ('kind', 'test');
             INSERT INTO meta (key, value) VALUES ('x', 'y');",
        )
        .unwrap();
        (path, conn)
    }

    #[test]
    fn copies_a_consistent_private_file_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = sample(dir.path());
        let dest = dir.path().join("copy.sqlite");
        let mut steps = Vec::new();
        let done = backup(&conn, &path, &dest, false, &mut |p| steps.push(p)).unwrap();
        assert_eq!(done.bytes, std::fs::metadata(&dest).unwrap().len());
        assert!(steps.contains(&Progress::Checking));
        let copy = Connection::open(&dest).unwrap();
        let v: String = copy
            .query_row("SELECT value FROM meta WHERE key = 'x'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, "y");
        let mode: String = copy
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        drop(copy);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let err = backup(&conn, &path, &dest, false, &mut |_| {}).unwrap_err();
        assert!(
            matches!(
                err,
                BackupError::Target(super::super::target::TargetError::Exists(_))
            ),
            "{err}"
        );
        assert!(err.to_string().contains("--force"));
        backup(&conn, &path, &dest, true, &mut |_| {}).unwrap();

        let same = backup(&conn, &path, &path, true, &mut |_| {}).unwrap_err();
        assert!(matches!(same, BackupError::SameFile(_)), "{same}");
        let folder = backup(&conn, &path, dir.path(), true, &mut |_| {}).unwrap_err();
        assert!(matches!(folder, BackupError::IsDir(_)), "{folder}");
        let nowhere = dir.path().join("no").join("such.sqlite");
        let missing = backup(&conn, &path, &nowhere, false, &mut |_| {}).unwrap_err();
        assert!(matches!(missing, BackupError::NoFolder(_)), "{missing}");
        // Nothing temporary is left behind.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".backup-")), "{names:?}");
    }

    #[test]
    fn never_replaces_a_device_a_pipe_or_a_link_even_with_force() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = sample(dir.path());
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = backup(&conn, &path, &fifo, true, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("не обычный файл"), "{err}");
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
        // A device node (what /dev/full is); /dev/null exists on every Unix.
        let err = backup(&conn, &path, Path::new("/dev/null"), true, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("не обычный файл"), "{err}");
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        // A link to a regular file stays a link, its target untouched.
        let target = dir.path().join("elsewhere.sqlite");
        std::fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("link.sqlite");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = backup(&conn, &path, &link, true, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("символическая ссылка"), "{err}");
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn snapshot_ignores_writes_made_while_copying() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = sample(dir.path());
        // Enough pages for several steps.
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO meta (key, value) SELECT 'k' || i, hex(randomblob(200)) FROM n;",
        )
        .unwrap();
        let other = super::super::open_existing(&path).unwrap();
        let dest = dir.path().join("copy.sqlite");
        let mut writes = 0;
        backup(&conn, &path, &dest, false, &mut |p| {
            if let Progress::Copying { done, total } = p
                && done < total
            {
                other
                    .execute(
                        "INSERT INTO meta (key, value) VALUES (?1, 'late')",
                        [format!("late{writes}")],
                    )
                    .unwrap();
                writes += 1;
            }
        })
        .unwrap();
        assert!(writes > 0, "the copy took one step; make the sample bigger");
        let copy = Connection::open(&dest).unwrap();
        let late: i64 = copy
            .query_row("SELECT count(*) FROM meta WHERE value = 'late'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(late, 0, "the copy is the snapshot taken when it began");
        let n: i64 = copy
            .query_row("SELECT count(*) FROM meta", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 20002);
    }
}
