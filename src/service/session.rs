//! Facts about the running session: who is working, what time it is, which database is used.

use std::path::PathBuf;

use anyhow::Context;

/// Environment variable naming the working database.
pub const DB_ENV: &str = "NOK_DB";

/// The OS user name recorded in the audit log.
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "неизвестный".to_string())
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
