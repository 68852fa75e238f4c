//! Opening the demo database, building it first when it does not exist.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rusqlite::Connection;

use super::{DemoOptions, DemoSink, generate};
use crate::domain::council::CouncilMeeting;
use crate::domain::cycle::{Cycle, Membership};
use crate::domain::org::{Authority, Organization};
use crate::domain::plan::PlanRow;
use crate::domain::scoring::Inputs;
use crate::domain::shortcoming::Shortcoming;
use crate::domain::workplan::{TargetIndicator, Workplan, WorkplanItem, WorkplanSection};
use crate::service::methodology::Methods;
use crate::service::recompute::{Audit, recompute_stale_as};
use crate::service::session;
use crate::store::bulk::BulkWriter;
use crate::store::{self, audit, meta};

/// Where a demo build stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Organizations generated and stored so far.
    Generating { done: u64, total: u64 },
    /// Cycles scored so far.
    Scoring { done: u64, total: u64 },
}

/// The demo database, open.
pub struct DemoDb {
    pub path: PathBuf,
    pub conn: Connection,
    /// Whether it was built by this call (else an existing one was opened).
    pub built: bool,
    /// How long the build took.
    pub elapsed: Duration,
}

/// Opens the demo database at `path`, building it first when it does not exist or when `force`
/// is set. Refuses to touch a file that is not a demo database.
pub fn open_or_build(
    path: &Path,
    opts: &DemoOptions,
    force: bool,
    methods: &Methods,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<DemoDb> {
    let started = Instant::now();
    // An empty file (0 bytes) is refused like any file that is not a nok database, but --force
    // may build over it: it holds nothing to lose.
    let empty = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0);
    if path.exists() && !(force && empty) {
        let conn = store::open_existing(path)?;
        if meta::get(&conn, meta::KIND)?.as_deref() != Some(meta::KIND_DEMO) {
            bail!(
                "{} — не демонстрационная база; nok demo не открывает и не перестраивает рабочие базы. \
                 Укажите другой путь: nok demo --db ПУТЬ",
                path.display()
            );
        }
        if !force {
            return Ok(DemoDb {
                path: path.to_path_buf(),
                conn,
                built: false,
                elapsed: started.elapsed(),
            });
        }
    }
    build(path, opts, methods, progress)?;
    let conn = store::open_existing(path)?;
    Ok(DemoDb {
        path: path.to_path_buf(),
        conn,
        built: true,
        elapsed: started.elapsed(),
    })
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

fn build(
    path: &Path,
    opts: &DemoOptions,
    methods: &Methods,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let file_name = path
        .file_name()
        .with_context(|| format!("{}: путь не называет файл", path.display()))?;
    let tmp = path.with_file_name(format!(
        ".{}.building-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    store::backup::remove_abandoned(path, &format!(".{}.building-", file_name.to_string_lossy()));
    let mut guard = TempFile(Some(tmp.clone()));

    let mut conn = store::open_scratch(&tmp)?;
    let method = methods.latest();
    {
        let tx = conn.transaction()?;
        let mut sink = StoreSink {
            w: BulkWriter::new(&tx),
            progress: &mut *progress,
        };
        generate(opts, method, &mut sink)?;
        let at = session::now_stamp();
        let note = format!(
            "построена демонстрационная база: {} организаций, seed {}, день {}",
            opts.orgs,
            opts.seed,
            opts.today.format("%d.%m.%Y")
        );
        audit::record(
            &tx,
            &audit::Entry {
                at: &at,
                os_user: &session::os_user(),
                action: audit::Action::Bulk,
                entity: "database",
                entity_id: None,
                field: None,
                old_value: None,
                new_value: None,
                note: &note,
            },
        )?;
        for (k, v) in [
            (meta::KIND, meta::KIND_DEMO.to_string()),
            ("demo_orgs", opts.orgs.to_string()),
            ("demo_seed", opts.seed.to_string()),
            ("demo_today", opts.today.to_string()),
            ("created_at", at.clone()),
            ("created_by", format!("nok {}", env!("CARGO_PKG_VERSION"))),
        ] {
            meta::set(&tx, k, &v)?;
        }
        tx.commit()?;
    }
    // The build's one audit entry covers the scores it computes.
    recompute_stale_as(&mut conn, methods, Audit::PartOfBuild, |done, total| {
        progress(Progress::Scoring {
            done: done as u64,
            total: total as u64,
        })
    })?;
    store::seal_scratch(&conn)?;
    conn.close().map_err(|(_, e)| e)?;

    // A WAL left by the database this replaces must not be replayed into the new file.
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    std::fs::rename(&tmp, path).with_context(|| {
        format!(
            "не удалось переименовать {} в {}",
            tmp.display(),
            path.display()
        )
    })?;
    guard.0 = None;
    Ok(())
}

/// Feeds generated values into the store and reports progress.
struct StoreSink<'a, 'c> {
    w: BulkWriter<'c>,
    progress: &'a mut dyn FnMut(Progress),
}

impl DemoSink for StoreSink<'_, '_> {
    fn authority(&mut self, a: &Authority) -> anyhow::Result<i64> {
        Ok(self.w.authority(a)?)
    }
    fn organization(&mut self, o: &Organization) -> anyhow::Result<i64> {
        Ok(self.w.organization(o)?)
    }
    fn cycle(&mut self, c: &Cycle) -> anyhow::Result<i64> {
        Ok(self.w.cycle(c)?)
    }
    fn membership(&mut self, m: &Membership, inputs: &Inputs) -> anyhow::Result<()> {
        self.w.membership(m, inputs)?;
        Ok(())
    }
    fn shortcoming(&mut self, s: &Shortcoming) -> anyhow::Result<i64> {
        Ok(self.w.shortcoming(s)?)
    }
    fn plan_row(&mut self, r: &PlanRow) -> anyhow::Result<i64> {
        Ok(self.w.plan_row(r)?)
    }
    fn plan_header(
        &mut self,
        cycle_id: i64,
        org_id: i64,
        h: &crate::store::plan_header::Header,
    ) -> anyhow::Result<()> {
        Ok(crate::store::plan_header::insert_new(
            self.w.conn(),
            cycle_id,
            org_id,
            h,
        )?)
    }
    fn workplan(&mut self, w: &Workplan) -> anyhow::Result<i64> {
        Ok(self.w.workplan(w)?)
    }
    fn workplan_section(&mut self, s: &WorkplanSection) -> anyhow::Result<i64> {
        Ok(self.w.workplan_section(s)?)
    }
    fn workplan_item(&mut self, i: &WorkplanItem) -> anyhow::Result<i64> {
        Ok(self.w.workplan_item(i)?)
    }
    fn target_indicator(&mut self, t: &TargetIndicator) -> anyhow::Result<i64> {
        Ok(self.w.target_indicator(t)?)
    }
    fn council_meeting(&mut self, m: &CouncilMeeting) -> anyhow::Result<i64> {
        Ok(self.w.council_meeting(m)?)
    }
    fn progress(&mut self, done: u64, total: u64) {
        (self.progress)(Progress::Generating { done, total });
    }
}
