//! The method versions known to this run: the built-in 2018 file, plus any `*.toml` files in the
//! folder named by `NOK_METHODOLOGY_DIR` (a newer or corrected version). Loaded and validated at
//! start; a broken file stops with a message naming the file and the key.

use std::path::Path;

use anyhow::{Context, bail};

use crate::domain::methodology::{BUILTIN_2018, Methodology};

/// Environment variable naming a folder with extra method files.
pub const DIR_ENV: &str = "NOK_METHODOLOGY_DIR";

/// Method versions by version code.
#[derive(Debug, Clone)]
pub struct Methods {
    versions: Vec<Methodology>,
}

impl Methods {
    /// The built-in versions only.
    pub fn builtin() -> anyhow::Result<Methods> {
        let m = Methodology::from_toml("data/methodology/2018.toml", BUILTIN_2018)?;
        Ok(Methods { versions: vec![m] })
    }

    /// The built-in versions plus those in `NOK_METHODOLOGY_DIR`, if set.
    pub fn load() -> anyhow::Result<Methods> {
        let mut methods = Methods::builtin()?;
        if let Some(dir) = std::env::var_os(DIR_ENV) {
            methods.add_dir(Path::new(&dir))?;
        }
        Ok(methods)
    }

    /// Adds every `*.toml` in `dir` (in name order); a version already known is replaced.
    pub fn add_dir(&mut self, dir: &Path) -> anyhow::Result<()> {
        let entries = std::fs::read_dir(dir).with_context(|| {
            format!(
                "не удалось прочитать папку методик {} (переменная {DIR_ENV})",
                dir.display()
            )
        })?;
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            bail!(
                "в папке методик {} нет файлов *.toml (переменная {DIR_ENV})",
                dir.display()
            );
        }
        for file in files {
            let text = std::fs::read_to_string(&file).with_context(|| {
                format!("не удалось прочитать файл методики {}", file.display())
            })?;
            let m = Methodology::from_toml(&file.display().to_string(), &text)?;
            self.versions.retain(|v| v.version != m.version);
            self.versions.push(m);
        }
        Ok(())
    }

    /// The version with this code.
    pub fn get(&self, version: &str) -> Option<&Methodology> {
        self.versions.iter().find(|m| m.version == version)
    }

    /// The version with this code, or an error listing the known ones.
    pub fn require(&self, version: &str) -> anyhow::Result<&Methodology> {
        self.get(version).with_context(|| {
            format!(
                "методика версии «{version}» не найдена; известны: {}. Добавьте её файл в папку {DIR_ENV}",
                self.codes().join(", ")
            )
        })
    }

    /// The newest version (by code), used for new cycles.
    pub fn latest(&self) -> &Methodology {
        // `versions` is never empty: `builtin` always adds one.
        self.versions
            .iter()
            .max_by(|a, b| a.version.cmp(&b.version))
            .unwrap_or(&self.versions[0])
    }

    /// Codes of the known versions.
    pub fn codes(&self) -> Vec<&str> {
        self.versions.iter().map(|m| m.version.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads() {
        let m = Methods::builtin().unwrap();
        assert!(m.get("2018").is_some());
        assert_eq!(m.latest().version, "2018");
        assert!(m.require("1999").unwrap_err().to_string().contains("2018"));
    }

    #[test]
    fn broken_file_in_dir_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2024.toml");
        std::fs::write(
            &path,
            BUILTIN_2018.replace("\"ratio_pair\"", "\"ratio_pear\""),
        )
        .unwrap();
        let mut m = Methods::builtin().unwrap();
        let err = format!("{:#}", m.add_dir(dir.path()).unwrap_err());
        assert!(err.contains("2024.toml"), "{err}");
        assert!(err.contains("formula"), "{err}");
    }
}
