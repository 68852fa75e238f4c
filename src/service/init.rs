//! A new working database (`nok init`, and the first start of the UI without a database): empty,
//! at the current schema, private to its owner (0600), holding only the authority it is kept
//! for — its details each checked (ИНН, КПП and ОГРН with their check digits, the code по
//! Сводному реестру by its format) and written to the audit log. The method versions and the
//! production calendar (built into the program) are checked first, as the demo build does, and
//! the method version new cycles start with is noted in the database.
//!
//! The file is built under a temporary name beside the target and linked into place only when
//! complete, so an interrupted creation leaves nothing under the final name, and an existing
//! path (a file, a folder, a device, a link) is never touched.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::domain::calendar::Calendar;
use crate::domain::ids;
use crate::domain::org::Authority;
use crate::domain::sector::Sector;
use crate::service::methodology::Methods;
use crate::service::session;
use crate::store::{self, audit, meta};

/// One detail of the authority asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Name,
    ShortName,
    Region,
    Sector,
    Inn,
    Kpp,
    Ogrn,
    RegNum,
}

impl Detail {
    /// Every detail, in the order they are asked.
    pub const ALL: [Detail; 8] = [
        Detail::Name,
        Detail::ShortName,
        Detail::Region,
        Detail::Sector,
        Detail::Inn,
        Detail::Kpp,
        Detail::Ogrn,
        Detail::RegNum,
    ];

    /// The command-line flag that gives it.
    pub fn flag(self) -> &'static str {
        match self {
            Detail::Name => "--name",
            Detail::ShortName => "--short-name",
            Detail::Region => "--region",
            Detail::Sector => "--sector",
            Detail::Inn => "--inn",
            Detail::Kpp => "--kpp",
            Detail::Ogrn => "--ogrn",
            Detail::RegNum => "--reg-num",
        }
    }

    /// What it is called in a prompt and a form.
    pub fn label(self) -> &'static str {
        match self {
            Detail::Name => "Полное наименование органа",
            Detail::ShortName => "Сокращенное наименование",
            Detail::Region => "Регион (субъект РФ)",
            Detail::Sector => "Сфера",
            Detail::Inn => "ИНН",
            Detail::Kpp => "КПП",
            Detail::Ogrn => "ОГРН",
            Detail::RegNum => "Код по Сводному реестру",
        }
    }

    /// An example of a good value, shown with the prompt.
    pub fn example(self) -> &'static str {
        match self {
            Detail::Name => "Комитет по социальной защите населения Ленинградской области",
            Detail::ShortName => "Комитет соцзащиты ЛО",
            Detail::Region => "Ленинградская область",
            Detail::Sector => "social, health, culture или education (или по-русски)",
            Detail::Inn => "10 цифр",
            Detail::Kpp => "9 знаков",
            Detail::Ogrn => "13 цифр",
            Detail::RegNum => "8 знаков, например 41200013",
        }
    }

    /// Checks a typed value: the value to store (trimmed, letters composed as
    /// [`crate::domain::text::composed`] says), or why it is refused, in Russian.
    pub fn check(self, text: &str) -> Result<String, String> {
        let composed = crate::domain::text::composed(text);
        let v = composed.trim();
        if let Some(c) = v.chars().find(|c| c.is_control()) {
            return Err(format!(
                "{}: недопустимый управляющий символ U+{:04X}",
                self.label(),
                u32::from(c)
            ));
        }
        match self {
            Detail::Name | Detail::ShortName | Detail::Region => {
                let max = if self == Detail::Region { 200 } else { 2000 };
                if v.is_empty() {
                    Err(format!("{}: значение не указано", self.label()))
                } else if v.chars().count() > max {
                    Err(format!("{}: длиннее {max} знаков", self.label()))
                } else {
                    Ok(v.to_string())
                }
            }
            Detail::Sector => {
                let by_number = match v {
                    "1" => Some(Sector::Social),
                    "2" => Some(Sector::Health),
                    "3" => Some(Sector::Culture),
                    "4" => Some(Sector::Education),
                    _ => None,
                };
                by_number
                    .or_else(|| Sector::parse(v))
                    .map(|s| s.code().to_string())
                    .ok_or_else(|| {
                        format!(
                            "сфера «{v}» неизвестна: укажите social (социальное обслуживание), \
                             health (охрана здоровья), culture (культура) или education (образование)"
                        )
                    })
            }
            Detail::Inn => {
                ids::validate_inn(v).map_err(|e| e.to_string())?;
                if v.len() != 10 {
                    return Err(format!(
                        "ИНН {v}: у органа власти (юридического лица) ИНН из 10 цифр; 12 цифр — ИНН физического лица"
                    ));
                }
                Ok(v.to_string())
            }
            Detail::Kpp => ids::validate_kpp(v)
                .map(|()| v.to_string())
                .map_err(|e| e.to_string()),
            Detail::Ogrn => {
                ids::validate_ogrn(v).map_err(|e| e.to_string())?;
                if v.len() != 13 {
                    return Err(format!(
                        "ОГРН {v}: у органа власти (юридического лица) ОГРН из 13 цифр; 15 цифр — ОГРНИП"
                    ));
                }
                Ok(v.to_string())
            }
            Detail::RegNum => ids::validate_reg_num(v)
                .map(|()| v.to_string())
                .map_err(|e| e.to_string()),
        }
    }
}

/// The authority's details as typed: one value per [`Detail::ALL`], in that order.
pub fn authority(values: &[String; 8]) -> Result<Authority, String> {
    let mut checked = Vec::with_capacity(8);
    for (d, v) in Detail::ALL.iter().zip(values) {
        checked.push(d.check(v)?);
    }
    let [name, short_name, region, sector, inn, kpp, ogrn, reg_num]: [String; 8] = checked
        .try_into()
        .map_err(|_| "внутренняя ошибка: не все реквизиты".to_string())?;
    Ok(Authority {
        name,
        short_name,
        region,
        sector: Sector::parse(&sector),
        inn,
        kpp,
        ogrn,
        reg_num,
        website: String::new(),
    })
}

/// What [`create`] made.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub path: PathBuf,
    pub authority_id: i64,
    /// The method version new cycles start with.
    pub methodology: String,
}

/// Refuses a path where something already is (a file of any kind, a folder, a link, even a
/// dangling one): a working database is only ever made where nothing was.
pub fn refuse_existing(path: &Path) -> anyhow::Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        bail!(
            "{} уже существует: nok init создает новую базу только там, где файла нет, и \
             существующий не трогает. Откройте базу: nok --db {0}; для новой базы укажите \
             другой путь: nok init --db ПУТЬ",
            path.display()
        );
    }
    Ok(())
}

/// Removes the file it names when dropped, unless disarmed.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Creates a working database at `path` for authority `a` (whose details must have passed
/// [`Detail::check`]). Fails, touching nothing, if anything is at `path`.
pub fn create(path: &Path, a: &Authority) -> anyhow::Result<Created> {
    refuse_existing(path)?;
    // The program's own data, checked as at every demo build: a broken method or calendar
    // stops here, before any file is made.
    let methods = Methods::load()?;
    Calendar::russia().map_err(|e| anyhow::anyhow!("производственный календарь: {e}"))?;
    let methodology = methods.latest().version.clone();

    let file_name = path
        .file_name()
        .with_context(|| format!("{}: путь не называет файл", path.display()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|error| store::StoreError::CreateDir {
            path: dir.to_path_buf(),
            error,
        })?;
    }
    let prefix = format!(".{}.creating-", file_name.to_string_lossy());
    store::backup::remove_abandoned(path, &prefix);
    let tmp = path.with_file_name(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let mut guard = TempFile(Some(tmp.clone()));

    let mut conn = store::open(&tmp)?;
    let at = session::now_stamp();
    let who = session::os_user();
    let authority_id;
    {
        let tx = conn.transaction()?;
        authority_id = store::authority::insert_audited(&tx, a, &who, &at)?;
        audit::record(
            &tx,
            &audit::Entry {
                at: &at,
                os_user: &who,
                action: audit::Action::Insert,
                entity: "database",
                entity_id: None,
                field: None,
                old_value: None,
                new_value: None,
                note: &format!(
                    "создана рабочая база для органа «{}» (ИНН {}); методика {methodology}",
                    a.name, a.inn
                ),
            },
        )?;
        for (k, v) in [
            (meta::KIND, meta::KIND_WORK.to_string()),
            ("methodology", methodology.clone()),
            ("created_at", at.clone()),
            ("created_by", format!("nok {}", env!("CARGO_PKG_VERSION"))),
        ] {
            meta::set(&tx, k, &v)?;
        }
        tx.commit()?;
    }
    // The file stands alone (no -wal beside the temporary name) before it is moved.
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.close().map_err(|(_, e)| store::StoreError::Sql(e))?;

    // A hard link never replaces what appeared at `path` meanwhile; where links are not
    // supported, a rename after a last look.
    match std::fs::hard_link(&tmp, path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            refuse_existing(path)?;
            bail!("{} уже существует", path.display());
        }
        Err(_) => {
            refuse_existing(path)?;
            std::fs::rename(&tmp, path).with_context(|| {
                format!(
                    "не удалось переименовать {} в {}",
                    tmp.display(),
                    path.display()
                )
            })?;
            guard.0 = None;
        }
    }
    drop(guard);
    Ok(Created {
        path: path.to_path_buf(),
        authority_id,
        methodology,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> [String; 8] {
        [
            "Комитет по социальной защите населения Ленинградской области",
            "Комитет соцзащиты ЛО",
            "Ленинградская область",
            "social",
            // ИНН of ПАО Сбербанк and its ОГРН: real, valid numbers.
            "7707083893",
            "773601001",
            "1027700132195",
            "41200013",
        ]
        .map(String::from)
    }

    #[test]
    fn each_detail_is_checked_with_its_reason() {
        // 7707083893 is valid; the last digit changed is not (expected 3, worked out by hand:
        // 7·2+7·4+0·10+7·3+0·5+8·9+3·4+8·6+9·8 = 267, 267 mod 11 = 3).
        assert_eq!(Detail::Inn.check(" 7707083893 "), Ok("7707083893".into()));
        let e = Detail::Inn.check("7707083894").unwrap_err();
        assert!(e.contains("контрольная цифра") && e.contains('3'), "{e}");
        let e = Detail::Inn.check("500100732259").unwrap_err();
        assert!(e.contains("10 цифр"), "a person's ИНН is refused: {e}");
        let e = Detail::Ogrn.check("1027700132194").unwrap_err();
        assert!(e.contains("контрольная цифра"), "{e}");
        assert!(Detail::Kpp.check("77360100").is_err());
        assert!(Detail::RegNum.check("4120001").is_err());
        assert_eq!(Detail::Sector.check("культура"), Ok("culture".into()));
        assert_eq!(Detail::Sector.check("2"), Ok("health".into()));
        assert!(Detail::Sector.check("спорт").is_err());
        assert!(Detail::Name.check("   ").is_err());
        assert!(Detail::Region.check("Обл\u{1b}]0;x\u{7}").is_err());
    }

    #[test]
    fn a_database_is_made_only_where_nothing_is() {
        let dir = tempfile::tempdir().unwrap();
        let a = authority(&good()).unwrap();
        let path = dir.path().join("sub").join("work.sqlite");
        let made = create(&path, &a).unwrap();
        assert_eq!(made.authority_id, 1);
        let conn = rusqlite::Connection::open(&path).unwrap();
        let (name, inn, sector): (String, String, String) = conn
            .query_row("SELECT name, inn, sector FROM authority", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(
            (name.as_str(), inn.as_str(), sector.as_str()),
            (
                "Комитет по социальной защите населения Ленинградской области",
                "7707083893",
                "social"
            )
        );
        let audited: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit_log WHERE entity = 'authority' AND action = 'insert'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 8, "each of the eight details");
        drop(conn);
        // Nothing is left beside it.
        let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["work.sqlite"]);
        let e = create(&path, &a).unwrap_err().to_string();
        assert!(e.contains("уже существует"), "{e}");
        // A folder is refused as well.
        let e = create(dir.path(), &a).unwrap_err().to_string();
        assert!(e.contains("уже существует"), "{e}");
    }
}
