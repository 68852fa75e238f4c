//! The user's settings file: `nok.toml` in the user's config folder (on Linux
//! `~/.config/nok/nok.toml`), or the file named by `NOK_CONFIG`. Every setting is optional; a
//! missing file means the defaults. A file that cannot be read is an error naming it and the key.
//!
//! ```toml
//! # Мышь в интерфейсе: колесо прокручивает, щелчок выбирает (иначе текст можно выделять).
//! mouse = true
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// The settings, as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Capture the mouse in the terminal UI.
    #[serde(default)]
    pub mouse: bool,
}

/// Where the settings file is looked for.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NOK_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("ru", "nok", "nok").map(|d| d.config_dir().join("nok.toml"))
}

/// Reads the settings file at `path`; the defaults when it does not exist.
pub fn load(path: &Path) -> anyhow::Result<Config> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("не удалось прочитать настройки {}", path.display()));
        }
    };
    toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "файл настроек {} написан с ошибкой ({}); допустимо: mouse = true или false",
            path.display(),
            crate::domain::methodology::toml_error_ru(&text, &e)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_means_defaults_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nok.toml");
        assert_eq!(load(&p).unwrap(), Config::default());
        std::fs::write(&p, "mouse = true\n").unwrap();
        assert!(load(&p).unwrap().mouse);
        std::fs::write(&p, "mous = true\n").unwrap();
        let e = format!("{:#}", load(&p).unwrap_err());
        assert!(e.contains("nok.toml") && e.contains("mous"), "{e}");
    }
}
