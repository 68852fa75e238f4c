//! The headings and fixed texts of the Word documents: `data/reports/texts.toml`, built in, and
//! a region's changes over it from `reports.toml` beside the working database (or the file named
//! by `NOK_REPORTS`). The region's file holds only what it changes; a key it misspells is an
//! error naming the file and the key, not a silent default.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// The built-in texts.
pub const BUILTIN: &str = include_str!("../../../data/reports/texts.toml");
/// The file of a region's texts beside the working database.
pub const FILE_NAME: &str = "reports.toml";
/// Environment variable naming the region's file instead.
pub const ENV: &str = "NOK_REPORTS";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub sectors: Sectors,
    pub operator: OperatorTexts,
    pub plan: PlanTexts,
    pub council: CouncilTexts,
}

/// «организациями … сферы», by sector code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sectors {
    pub social: String,
    pub health: String,
    pub culture: String,
    pub education: String,
}

impl Sectors {
    pub fn of(&self, s: crate::domain::sector::Sector) -> &str {
        use crate::domain::sector::Sector;
        match s {
            Sector::Social => &self.social,
            Sector::Health => &self.health,
            Sector::Culture => &self.culture,
            Sector::Education => &self.education,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorTexts {
    pub title: String,
    pub subtitle: String,
    pub toc: String,
    pub method: String,
    pub method_text: Vec<String>,
    pub sample: String,
    pub sample_text: String,
    pub no_survey: String,
    pub results: String,
    pub results_text: String,
    pub distribution: String,
    pub distribution_caption: String,
    pub means: String,
    pub means_caption: String,
    pub ratings: String,
    pub ratings_text: String,
    pub shortcomings: String,
    pub no_shortcomings: String,
    pub proposals: String,
    pub proposals_per_org: u32,
    pub no_proposals: String,
    pub not_scored: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTexts {
    pub title: String,
    pub period: String,
    pub org_caption: String,
    pub approval_title: String,
    pub approval_lines: Vec<String>,
    pub criterion_row: String,
    pub columns: Vec<String>,
    pub signature: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouncilTexts {
    pub title: String,
    pub protocol: String,
    pub text: Vec<String>,
    pub decisions_heading: String,
    pub signature: Vec<String>,
    pub annex_ratings: String,
    pub annex_values: String,
    pub annex_proposals: String,
    pub proposals: Vec<String>,
    pub annex_plan_form: String,
}

/// Puts `over`'s values into `base`, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

impl Texts {
    /// The built-in texts.
    pub fn builtin() -> anyhow::Result<Texts> {
        Texts::parse(BUILTIN, None, "data/reports/texts.toml")
    }

    fn parse(base: &str, over: Option<(&str, &Path)>, name: &str) -> anyhow::Result<Texts> {
        let mut table: toml::Table =
            toml::from_str(base).with_context(|| format!("файл текстов {name} не читается"))?;
        let mut from = name.to_string();
        if let Some((text, path)) = over {
            from = path.display().to_string();
            let o: toml::Table = toml::from_str(text).map_err(|e| {
                anyhow::anyhow!(
                    "файл текстов документов {from}: {}; исправьте его или удалите, чтобы вернуть встроенные тексты",
                    e.message()
                )
            })?;
            merge(&mut table, o);
        }
        let texts: Texts = toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| {
            anyhow::anyhow!(
                "файл текстов документов {from}: {}; ключи и разделы — как во встроенном файле data/reports/texts.toml",
                e.message()
            )
        })?;
        if texts.plan.columns.len() != 7 {
            anyhow::bail!(
                "файл текстов документов {from}: [plan] columns — нужно 7 названий колонок формы плана, а указано {}",
                texts.plan.columns.len()
            );
        }
        Ok(texts)
    }

    /// Where the region's file is looked for: `NOK_REPORTS`, else `reports.toml` beside the
    /// database.
    pub fn region_file(db: Option<&Path>) -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(ENV) {
            return Some(PathBuf::from(p));
        }
        db.and_then(Path::parent)
            .map(|dir| dir.join(FILE_NAME))
            .filter(|p| p.is_file())
    }

    /// The built-in texts with the region's changes over them.
    pub fn load(db: Option<&Path>) -> anyhow::Result<Texts> {
        match Texts::region_file(db) {
            Some(path) => {
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!(
                        "не удалось прочитать файл текстов документов {}",
                        path.display()
                    )
                })?;
                Texts::parse(BUILTIN, Some((&text, &path)), "data/reports/texts.toml")
            }
            None => Texts::builtin(),
        }
    }
}

/// `template` with each `{key}` replaced by its value.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_changes_one_text_and_keeps_the_rest() {
        let t = Texts::parse(
            BUILTIN,
            Some((
                "[council]\ntitle = \"Решение совета\"\n",
                Path::new("reports.toml"),
            )),
            "x",
        )
        .unwrap();
        assert_eq!(t.council.title, "Решение совета");
        assert_eq!(t.plan.columns[0], "№ п/п");
    }

    #[test]
    fn a_misspelt_key_names_the_file_and_the_key() {
        let e = Texts::parse(
            BUILTIN,
            Some(("[council]\ntitel = \"x\"\n", Path::new("/tmp/reports.toml"))),
            "x",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("/tmp/reports.toml") && e.contains("titel"),
            "{e}"
        );
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill(
                "в {год} году {сфера}",
                &[("год", "2025"), ("сфера", "школами")]
            ),
            "в 2025 году школами"
        );
    }
}
