//! Facts about the running session: who is working, what time it is, which database is used.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Environment variable naming the working database.
pub const DB_ENV: &str = "NOK_DB";

/// The OS user name recorded in the audit log: `$USER` (or `LOGNAME`, `USERNAME`), else the name
/// of the process's user in the system's user database (cron, systemd and `env -i` run without
/// `$USER`), else «пользователь N» with the numeric id.
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .or_else(uid_name)
        .unwrap_or_else(|| "неизвестный".to_string())
}

/// The name of the effective user id (`getpwuid_r`), or «пользователь N» when the id has no
/// entry (a container run with an arbitrary id).
#[cfg(unix)]
fn uid_name() -> Option<String> {
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    // SAFETY: passwd is plain data; all-zero is a valid value to be filled in.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call and `buf.len()` is its true size; the strings
    // the result points to live in `buf`, read before it is dropped.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc == 0 && !found.is_null() && !pwd.pw_name.is_null() {
        // SAFETY: getpwuid_r succeeded, so pw_name is a NUL-terminated string inside `buf`.
        let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
        let name = name.to_string_lossy().into_owned();
        if !name.is_empty() {
            return Some(name);
        }
    }
    Some(format!("пользователь {uid}"))
}

#[cfg(not(unix))]
fn uid_name() -> Option<String> {
    None
}

/// Local time as stored: `YYYY-MM-DDThh:mm:ss`.
pub fn now_stamp() -> String {
    chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Today's date, local time.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn data_dir() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("ru", "nok", "nok").context(
        "не удалось определить папку данных пользователя; укажите базу явно: --db ПУТЬ или NOK_DB",
    )?;
    Ok(dirs.data_dir().to_path_buf())
}

/// The working database: `--db`, else `NOK_DB`, else `nok.sqlite` in the user's data folder.
pub fn work_db(explicit: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p);
    }
    if let Some(p) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    Ok(data_dir()?.join("nok.sqlite"))
}

/// The demo database: `--db`, else `demo.sqlite` in the user's data folder. `NOK_DB` is ignored on
/// purpose, so a demo never touches the working database.
pub fn demo_db(explicit: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match explicit {
        Some(p) => Ok(p),
        None => Ok(data_dir()?.join("demo.sqlite")),
    }
}

/// What to say, before the wait, when the database at `path` is of an older nok and opening it
/// brings it up to date (once; seconds on a national database).
pub fn upgrade_notice(path: &Path) -> Option<String> {
    let found = crate::store::schema_behind(path)?;
    Some(format!(
        "База {} создана прежней версией nok (схема {found}); обновляю до схемы {} — один раз, на большой базе это займет несколько секунд…",
        path.display(),
        crate::store::schema_version()
    ))
}
