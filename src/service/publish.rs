//! Publishing a cycle as a static site for the authority's website (размещение результатов
//! независимой оценки на официальном сайте): reads the cycle from the store one organization at
//! a time, renders the pages (`crate::publish`) and writes them into a folder built under a
//! temporary name beside the target and renamed into place when complete. A failure or a
//! cancellation leaves the target as it was and removes the temporary folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use maud::Markup;
use rusqlite::Connection;

use crate::domain::rating::stats;
use crate::publish::layout::{self, up};
use crate::publish::pages::{self, GroupSummary, Means, Overview, PlanTally};
use crate::publish::{ACCESSIBLE_DIR, Section, Site, Version, format, style};
use crate::service::methodology::Methods;
use crate::store::publication::{self, MemberRow, OrgPage, PubCycle};

/// Where a publication goes when no folder is given: `publish/<year>-<sector>-<id>` in the
/// current folder.
pub fn default_dir(cycle: &PubCycle) -> PathBuf {
    Path::new("publish").join(format::cycle_slug(cycle.year, cycle.sector, cycle.id))
}

/// How far a publication has got: `done` of `total` steps (one per organization, one for the
/// summary pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// The message of a publication stopped by its cancel flag.
pub const CANCELLED: &str = "публикация отменена; папка публикации не изменена";

/// An earlier publication in the target folder holds files a person added: nothing is published
/// over it. The CLI tells how to keep them (`--force`), the UI how to do that from there.
#[derive(Debug, thiserror::Error)]
#[error(
    "в папке публикации {dir} есть файлы, которые nok не записывал (добавлены вручную):\n{names}\n\
     Публикация не изменена"
)]
pub struct AddedByHand {
    pub dir: String,
    /// The files, one per line (the first ten, then how many more).
    pub names: String,
}

/// Publishes cycle `cycle_id` into `out_dir` (default [`default_dir`]) with plan statuses as on
/// `today`, the date the data is taken. Calls `on_progress` after each organization; checks
/// `cancel` between organizations. Returns the folder written.
///
/// Refuses a cycle whose scores are stale or were never computed, a target folder that
/// exists but is not an earlier publication of `nok`, and an earlier publication to which a
/// person added files (nothing of a user's is ever deleted): [`publish_keeping`] publishes
/// over it and keeps those files.
pub fn publish(
    conn: &Connection,
    cycle_id: i64,
    out_dir: Option<&Path>,
    today: NaiveDate,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> anyhow::Result<PathBuf> {
    publish_keeping(conn, cycle_id, out_dir, today, on_progress, cancel, false)
}

/// [`publish`]; with `keep_added`, files a person added to an earlier publication (not in its
/// list [`FILE_LIST`]) are moved into the new one instead of refusing.
pub fn publish_keeping(
    conn: &Connection,
    cycle_id: i64,
    out_dir: Option<&Path>,
    today: NaiveDate,
    on_progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    keep_added: bool,
) -> anyhow::Result<PathBuf> {
    let cycle = publication::cycle(conn, cycle_id)?
        .with_context(|| format!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    if cycle.scores_stale {
        bail!(
            "баллы цикла {cycle_id} не рассчитаны или устарели (исходные данные менялись после \
             расчета); пересчитайте: nok score --cycle {cycle_id}, затем опубликуйте снова"
        );
    }
    let methods = Methods::load()?;
    let method = methods.require(&cycle.methodology)?;
    let members = publication::members(conn, cycle_id)?;
    if !members.iter().any(|m| m.score.is_some()) {
        bail!(
            "в цикле {cycle_id} нет организаций с рассчитанными баллами — публиковать нечего; \
             рассчитайте: nok score --cycle {cycle_id}"
        );
    }
    let target = out_dir.map_or_else(|| default_dir(&cycle), Path::to_path_buf);
    let staging = Staging::create(&target, keep_added)?;
    let site = Site {
        cycle: &cycle,
        method,
        today,
    };
    let total = members.len() as u64 + 1;
    let mut done = 0;
    on_progress(Progress { done, total });

    let out = staging.dir.as_path();
    write(out, "style.css", style::regular_css())?;
    write(out, "accessible.css", style::accessible_css())?;

    let (mut overview, means) = overview(&site, &members);
    let mut plan = PlanTally::default();
    let mut with_plan = 0;
    publication::for_each_org(conn, cycle_id, |p: OrgPage| -> anyhow::Result<()> {
        if cancel.load(Ordering::Relaxed) {
            bail!(CANCELLED);
        }
        let path = format::org_file(p.org_id, &p.org.inn, &p.org.kpp);
        let body = pages::org(&site, &p, &means, &up(&path));
        let name = if p.org.short_name.trim().is_empty() {
            &p.org.full_name
        } else {
            &p.org.short_name
        };
        write_page(
            out,
            &site,
            &path,
            Section::Other,
            &format::clean(name),
            &body,
        )?;
        for r in &p.plan {
            plan.add(r, today);
        }
        with_plan += u64::from(!p.plan.is_empty());
        done += 1;
        on_progress(Progress { done, total });
        Ok(())
    })?;
    overview.plan = plan;
    overview.with_plan = with_plan;

    let meetings = publication::meetings(conn, cycle_id)?;
    overview.meetings = meetings.len();
    let heading = format!("Итоги независимой оценки качества: {}", site.subject());
    write_page(
        out,
        &site,
        "index.html",
        Section::Index,
        &heading,
        &pages::index(&site, &overview, ""),
    )?;
    write_page(
        out,
        &site,
        "rating.html",
        Section::Rating,
        &format!("Рейтинг организаций: {}", site.subject()),
        &pages::rating(&site, &members, ""),
    )?;
    for g in &overview.groups {
        let body = pages::group(&site, g, &members, "");
        let heading = format!("Рейтинг группы «{}»", format::group_name(&g.name));
        write_page(out, &site, &g.file, Section::Other, &heading, &body)?;
    }
    let mut by_name: Vec<&MemberRow> = members.iter().collect();
    by_name.sort_by_cached_key(|m| (m.name.to_lowercase(), m.org_id));
    write_page(
        out,
        &site,
        "organizations.html",
        Section::Organizations,
        "Организации, оцененные в цикле",
        &pages::organizations(&site, &by_name, ""),
    )?;
    write_page(
        out,
        &site,
        "council.html",
        Section::Council,
        "Заседания общественного совета",
        &pages::council(&site, &meetings),
    )?;
    if cancel.load(Ordering::Relaxed) {
        bail!(CANCELLED);
    }
    write_file_list(out)?;
    let dir = staging.commit()?;
    on_progress(Progress { done: total, total });
    Ok(dir)
}

/// The cycle-wide summary (without plan progress, counted while pages are written) and the means
/// shown on organization pages.
fn overview(site: &Site<'_>, members: &[MemberRow]) -> (Overview, Means) {
    let scored: Vec<&MemberRow> = members.iter().filter(|m| m.score.is_some()).collect();
    let totals: Vec<f64> = scored
        .iter()
        .filter_map(|m| m.score.map(|s| s.total))
        .collect();
    let criteria: Vec<(String, Option<crate::domain::rating::Stats>)> = site
        .method
        .criteria
        .iter()
        .map(|c| {
            let values: Vec<f64> = scored
                .iter()
                .filter_map(|m| m.criteria.iter().find(|(k, _)| *k == c.code).map(|x| x.1))
                .collect();
            (c.code.clone(), stats(&values))
        })
        .collect();
    let mut by_group: BTreeMap<&str, (usize, Vec<f64>)> = BTreeMap::new();
    for m in members {
        let e = by_group.entry(m.group.as_str()).or_default();
        e.0 += 1;
        if let Some(s) = m.score {
            e.1.push(s.total);
        }
    }
    let groups = by_group
        .into_iter()
        .enumerate()
        .map(|(i, (name, (n, totals)))| GroupSummary {
            name: name.to_string(),
            file: format::group_file(i + 1),
            members: n,
            total: stats(&totals),
        })
        .collect();
    let total = stats(&totals);
    let means = Means {
        total: total.map(|s| s.mean),
        criteria: criteria
            .iter()
            .filter_map(|(c, s)| s.map(|s| (c.clone(), s.mean)))
            .collect(),
    };
    let overview = Overview {
        members: members.len(),
        scored: scored.len(),
        total,
        criteria,
        groups,
        plan: PlanTally::default(),
        with_plan: 0,
        meetings: 0,
    };
    (overview, means)
}

/// Writes the page at `path` in both versions: the regular one and the one under `accessible/`.
fn write_page(
    out: &Path,
    site: &Site<'_>,
    path: &str,
    section: Section,
    heading: &str,
    body: &Markup,
) -> anyhow::Result<()> {
    let regular = layout::page(site, path, section, heading, Version::Regular, body);
    write(out, path, regular)?;
    let accessible = layout::page(site, path, section, heading, Version::Accessible, body);
    write(out, &format!("{ACCESSIBLE_DIR}/{path}"), accessible)
}

fn write(out: &Path, path: &str, text: String) -> anyhow::Result<()> {
    let file = out.join(path);
    if let Some(dir) = file.parent() {
        fs::create_dir_all(dir)
            .with_context(|| format!("не удалось создать папку {}", dir.display()))?;
    }
    fs::write(&file, text).with_context(|| format!("не удалось записать {}", file.display()))
}

/// The list of files a publication wrote, kept in its folder: what a later publication may
/// replace. Anything else in the folder was put there by a person.
pub const FILE_LIST: &str = "nok-files.txt";

/// Every file under `dir` (links not followed), as `/`-separated paths relative to it, sorted.
fn files_under(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        let entries = fs::read_dir(&d)
            .with_context(|| format!("не удалось прочитать папку {}", d.display()))?;
        for e in entries {
            let e = e.with_context(|| format!("не удалось прочитать папку {}", d.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            let kind = e
                .file_type()
                .with_context(|| format!("не удалось прочитать {}", e.path().display()))?;
            if kind.is_dir() {
                stack.push((e.path(), format!("{rel}/")));
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Writes [`FILE_LIST`] into the finished publication: one path a line.
fn write_file_list(out: &Path) -> anyhow::Result<()> {
    let mut text = String::from(
        "# Файлы, записанные nok publish; остальные файлы этой папки добавлены вручную\n",
    );
    for f in files_under(out)? {
        text.push_str(&f);
        text.push('\n');
    }
    text.push_str(FILE_LIST);
    text.push('\n');
    write(out, FILE_LIST, text)
}

/// The files of an earlier publication in `dir` that it did not write itself; empty when it
/// has no [`FILE_LIST`] (a publication of an earlier nok version: all its files are its own).
fn added_files(dir: &Path) -> anyhow::Result<Vec<String>> {
    let Ok(list) = fs::read_to_string(dir.join(FILE_LIST)) else {
        return Ok(Vec::new());
    };
    let own: std::collections::HashSet<&str> = list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    Ok(files_under(dir)?
        .into_iter()
        .filter(|f| !own.contains(f.as_str()))
        .collect())
}

/// Whether `dir` holds an earlier publication of `nok` (its index names nok as the generator).
fn is_publication(dir: &Path) -> bool {
    fs::read_to_string(dir.join("index.html"))
        .is_ok_and(|t| t.contains(r#"<meta name="generator" content="nok">"#))
}

/// A folder being built beside the target under a temporary name; removed on drop unless
/// committed.
struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// Files a person added to the earlier publication, moved into the new one on commit.
    added: Vec<String>,
    committed: bool,
}

impl Staging {
    fn create(target: &Path, keep_added: bool) -> anyhow::Result<Staging> {
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.is_empty() && *n != "." && *n != "..")
            .with_context(|| {
                format!(
                    "папка публикации {} названа неверно: укажите папку по имени, например --out publish/2025",
                    target.display()
                )
            })?
            .to_string();
        let mut added = Vec::new();
        if target.exists() {
            if !target.is_dir() {
                bail!(
                    "{} — файл, а не папка; укажите для публикации другую папку (--out)",
                    target.display()
                );
            }
            let empty = fs::read_dir(target)
                .with_context(|| format!("не удалось прочитать папку {}", target.display()))?
                .next()
                .is_none();
            if !empty && !is_publication(target) {
                bail!(
                    "папка {} уже есть и не похожа на публикацию nok; укажите пустую или новую \
                     папку (--out) — чужие файлы nok не удаляет",
                    target.display()
                );
            }
            added = added_files(target)?;
            if !added.is_empty() && !keep_added {
                const SHOWN: usize = 10;
                let mut names = added
                    .iter()
                    .take(SHOWN)
                    .map(|f| format!("  {f}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                if added.len() > SHOWN {
                    names.push_str(&format!("\n  … и еще {}", added.len() - SHOWN));
                }
                return Err(AddedByHand {
                    dir: target.display().to_string(),
                    names,
                }
                .into());
            }
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("не удалось создать папку {}", parent.display()))?;
        let dir = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .with_context(|| format!("не удалось удалить старую папку {}", dir.display()))?;
        }
        fs::create_dir(&dir)
            .with_context(|| format!("не удалось создать папку {}", dir.display()))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            added,
            committed: false,
        })
    }

    /// Puts the finished folder in place of the target (an earlier publication there is
    /// replaced whole).
    fn commit(mut self) -> anyhow::Result<PathBuf> {
        let target = self.target.clone();
        // A person's files go over into the new publication, each at its place (the folder is
        // beside the target, so a rename moves it; the new publication never has that path,
        // or it would have been in the earlier one's list).
        if let Some(f) = self.added.iter().find(|f| self.dir.join(f).exists()) {
            bail!(
                "файл {f}, добавленный в {} вручную, совпадает по имени со страницей новой \
                 публикации; переименуйте или уберите его и опубликуйте снова (публикация не изменена)",
                target.display()
            );
        }
        let mut moved: Vec<&String> = Vec::new();
        for f in &self.added {
            let (from, to) = (target.join(f), self.dir.join(f));
            let result = to
                .parent()
                .map_or(Ok(()), fs::create_dir_all)
                .and_then(|()| fs::rename(&from, &to));
            if let Err(e) = result {
                // Back where they were: the new folder is removed on drop.
                for m in moved {
                    let _ = fs::rename(self.dir.join(m), target.join(m));
                }
                return Err(e).with_context(|| {
                    format!("не удалось перенести {} в новую публикацию", from.display())
                });
            }
            moved.push(f);
        }
        if target.exists() {
            let old = self.dir.with_file_name(format!(
                "{}.old",
                self.dir
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or(".nok")
            ));
            let put_back = |to: &Path| {
                for m in &self.added {
                    let _ = fs::rename(self.dir.join(m), to.join(m));
                }
            };
            if let Err(e) = fs::rename(&target, &old) {
                put_back(&target);
                return Err(e).with_context(|| {
                    format!("не удалось убрать прежнюю публикацию {}", target.display())
                });
            }
            if let Err(e) = fs::rename(&self.dir, &target) {
                // Put the earlier publication back, with the person's files; the new one is
                // removed on drop.
                put_back(&old);
                let _ = fs::rename(&old, &target);
                return Err(e).with_context(|| {
                    format!("не удалось переименовать папку в {}", target.display())
                });
            }
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&self.dir, &target).with_context(|| {
                format!("не удалось переименовать папку в {}", target.display())
            })?;
        }
        self.committed = true;
        Ok(target)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
