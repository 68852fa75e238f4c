//! Whether a file the program is about to write may take a given name: a backup, a table, a
//! report. Only a regular file is ever replaced, and only when the person said so (`--force`); a
//! device (`/dev/full`), a pipe, a socket, a folder or a symbolic link is never replaced, so a
//! mistyped path cannot turn a device node into a file or silently redirect a copy elsewhere.

use std::path::{Path, PathBuf};

/// Why a file may not be written under a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("файл {0} уже существует; чтобы заменить его, добавьте --force")]
    Exists(PathBuf),
    #[error("{0} — папка; укажите имя файла")]
    IsDir(PathBuf),
    #[error(
        "{0} — не обычный файл (устройство, канал или сокет); его nok не заменяет даже с --force, укажите файл"
    )]
    NotRegular(PathBuf),
    #[error(
        "{path} — символическая ссылка (на {target}); nok не заменяет ссылки, укажите сам файл"
    )]
    Symlink { path: PathBuf, target: PathBuf },
}

/// Checks that `dest` may be written: it does not exist, or it is a regular file and `force`.
pub fn check(dest: &Path, force: bool) -> Result<(), TargetError> {
    let Ok(meta) = std::fs::symlink_metadata(dest) else {
        return Ok(());
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(TargetError::Symlink {
            path: dest.to_path_buf(),
            target: std::fs::read_link(dest).unwrap_or_default(),
        });
    }
    if kind.is_dir() {
        return Err(TargetError::IsDir(dest.to_path_buf()));
    }
    if !kind.is_file() {
        return Err(TargetError::NotRegular(dest.to_path_buf()));
    }
    if !force {
        return Err(TargetError::Exists(dest.to_path_buf()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_regular_file_is_replaced_and_only_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.csv");
        assert_eq!(check(&new, false), Ok(()));
        let file = dir.path().join("old.csv");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(check(&file, false), Err(TargetError::Exists(file.clone())));
        assert_eq!(check(&file, true), Ok(()));
        assert_eq!(
            check(dir.path(), true),
            Err(TargetError::IsDir(dir.path().to_path_buf()))
        );
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(matches!(
            check(&link, true),
            Err(TargetError::Symlink { .. })
        ));
        // A dangling link is a link too, not a free name.
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(matches!(
            check(&dangling, true),
            Err(TargetError::Symlink { .. })
        ));
        assert_eq!(
            check(Path::new("/dev/null"), true),
            Err(TargetError::NotRegular("/dev/null".into()))
        );
    }
}
