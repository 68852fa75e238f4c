//! Word documents made from the database (`nok report …`, «Обмен»): the operator's analytical
//! report (`operator`), each organization's improvement plan on the form of the council's
//! decision (`plan`), and the council's decision with the ratings attached (`council`). Texts
//! come from `texts` (a file a region edits); the documents are written by `exchange::docx`,
//! each under a temporary name beside its final one and renamed when complete.

pub mod council;
pub mod operator;
pub mod plan;
pub mod texts;

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use rusqlite::Connection;

use crate::domain::methodology::Methodology;
use crate::exchange::docx::{Cell, Document, Para};
use crate::service::methodology::Methods;
use crate::store::export_data::{self, CycleHead};
use crate::store::scores::RatingRow;
pub use texts::Texts;

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Operator,
    Plan,
    Council,
}

impl Kind {
    pub fn name_ru(self) -> &'static str {
        match self {
            Kind::Operator => "аналитический отчет оператора",
            Kind::Plan => "планы мероприятий",
            Kind::Council => "решение общественного совета",
        }
    }
}

/// How the plans are laid out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PlanScope {
    /// A file per organization, in a folder.
    #[default]
    FilePerOrg,
    /// One document, each organization from a new page.
    OneFile,
    /// The organization with this ИНН only.
    Org(String),
}

/// What to write and where.
#[derive(Debug, Clone)]
pub struct Options {
    pub cycle_id: i64,
    pub kind: Kind,
    pub plans: PlanScope,
    /// The file (or, for a file per organization, the folder); `None`: the default name in
    /// `exports_dir`.
    pub out: Option<PathBuf>,
    pub exports_dir: PathBuf,
    /// Replace a file named by `out` that exists (a file in `exports_dir` is replaced anyway).
    pub force: bool,
}

/// How far the writing is: `done` of `total` organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub files: Vec<PathBuf>,
    /// Organizations the documents cover.
    pub organizations: u64,
}

/// Stops the writing when the person cancelled.
pub(crate) fn check_cancel(cancel: &AtomicBool) -> anyhow::Result<()> {
    if cancel.load(Ordering::Relaxed) {
        anyhow::bail!("формирование документа отменено; файл не записан");
    }
    Ok(())
}

/// A number with two decimals and a decimal comma, as Russian documents write it.
pub fn dec2(v: f64) -> String {
    crate::domain::decimal::fixed(v, 2)
}

pub fn date_ru(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// Writes `doc` to `path`: under a temporary name in the same folder, synced, then renamed.
pub(crate) fn save(doc: Document, path: &Path, toc_heading: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("не удалось создать папку {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document.docx".into());
    let temp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let f = std::fs::File::create(&temp)
            .with_context(|| format!("не удалось создать {}", temp.display()))?;
        let w = doc.finish(BufWriter::new(f), toc_heading)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&temp, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("не удалось записать {}", path.display()))
}

/// The cycle, or an error saying how to find one.
pub(crate) fn head(conn: &Connection, cycle_id: i64) -> anyhow::Result<CycleHead> {
    export_data::cycle_head(conn, cycle_id)?
        .with_context(|| format!("цикл {cycle_id} не найден; список циклов: nok cycles"))
}

/// The criteria (code, name) of the cycle's method; К1…К5 when the version is unknown.
pub(crate) fn criteria(method: Option<&Methodology>) -> Vec<(String, String)> {
    match method {
        Some(m) => m
            .criteria
            .iter()
            .map(|c| (c.code.clone(), c.name.clone()))
            .collect(),
        None => (1..=5).map(|i| (format!("К{i}"), String::new())).collect(),
    }
}

/// The cycle's rating with the values of `criteria`.
pub(crate) fn rating(
    conn: &Connection,
    cycle_id: i64,
    criteria: &[(String, String)],
) -> anyhow::Result<Vec<RatingRow>> {
    let codes: Vec<&str> = criteria.iter().map(|c| c.0.as_str()).collect();
    Ok(crate::store::scores::rating(conn, cycle_id, &codes)?)
}

/// The variables every text may use.
pub(crate) struct Vars {
    pub year: String,
    pub sector: String,
    pub authority: String,
    pub operator: String,
    pub count: String,
    pub protocol: String,
    pub method: String,
}

impl Vars {
    pub fn new(
        texts: &Texts,
        head: &CycleHead,
        method: Option<&Methodology>,
        members: u64,
        protocol: String,
    ) -> Vars {
        Vars {
            year: head.year.to_string(),
            sector: texts.sectors.of(head.sector).to_string(),
            authority: head.authority.full_name.clone(),
            operator: head
                .operator_name
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "не указана".into()),
            count: members.to_string(),
            protocol,
            method: method
                .map(|m| m.status.act.clone())
                .unwrap_or_else(|| head.methodology.clone()),
        }
    }

    pub fn fill(&self, template: &str) -> String {
        texts::fill(
            template,
            &[
                ("год", &self.year),
                ("сфера", &self.sector),
                ("орган", &self.authority),
                ("оператор", &self.operator),
                ("число", &self.count),
                ("протокол", &self.protocol),
                ("методика", &self.method),
            ],
        )
    }
}

/// The table of every scored organization: place, name, ИНН, criteria, S, group and place in
/// it (a landscape table; its header repeats on every page).
pub(crate) fn results_table(doc: &mut Document, rows: &[RatingRow], criteria: &[(String, String)]) {
    let mut weights = vec![8, 40, 18];
    weights.extend(std::iter::repeat_n(9, criteria.len()));
    weights.extend([10, 18, 11]);
    let mut header: Vec<Cell<'_>> = vec![
        Cell::center("Место"),
        Cell::center("Организация"),
        Cell::center("ИНН"),
    ];
    for (code, _) in criteria {
        header.push(Cell::center(code));
    }
    header.extend([
        Cell::center("S"),
        Cell::center("Группа"),
        Cell::center("Место в группе"),
    ]);
    doc.table_start(&weights, &[&header]);
    for r in rows {
        let place = r.place.to_string();
        let values: Vec<String> = r
            .criteria
            .iter()
            .map(|v| v.map(dec2).unwrap_or_else(|| "—".into()))
            .collect();
        let total = dec2(r.total);
        let group_place = format!("{} из {}", r.group_place, r.group_ranked);
        let mut cells = vec![
            Cell::center(&place),
            Cell::new(&r.org_name),
            Cell::center(&r.inn),
        ];
        for v in &values {
            cells.push(Cell::num(v));
        }
        cells.extend([
            Cell::num(&total).bold(),
            Cell::new(&r.group),
            Cell::center(&group_place),
        ]);
        doc.row(&cells);
    }
    doc.table_end();
}

/// The ratings group by group: a level-2 heading per group, then place, organization, S.
pub(crate) fn ratings_by_group(doc: &mut Document, rows: &[RatingRow]) {
    let mut order: Vec<&RatingRow> = rows.iter().collect();
    order.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then(a.group_place.cmp(&b.group_place))
            .then(a.place.cmp(&b.place))
    });
    let mut i = 0;
    while i < order.len() {
        let group = &order[i].group;
        let end = order[i..]
            .iter()
            .position(|r| &r.group != group)
            .map_or(order.len(), |n| i + n);
        let title = if group.trim().is_empty() {
            format!("Все организации ({})", end - i)
        } else {
            format!("Группа «{group}» ({})", end - i)
        };
        doc.heading(2, &title);
        doc.table_start(
            &[12, 70, 18],
            &[&[
                Cell::center("Место"),
                Cell::center("Организация"),
                Cell::center("S, баллов"),
            ]],
        );
        for r in &order[i..end] {
            let place = r.group_place.to_string();
            let total = dec2(r.total);
            doc.row(&[
                Cell::center(&place),
                Cell::new(&r.org_name),
                Cell::num(&total),
            ]);
        }
        doc.table_end();
        i = end;
    }
}

/// The plan form's header rows: the column names and their numbers 1…7.
pub(crate) fn plan_form_start(doc: &mut Document, texts: &Texts) {
    let names: Vec<Cell<'_>> = texts.plan.columns.iter().map(|c| Cell::center(c)).collect();
    let numbers: Vec<String> = (1..=names.len()).map(|i| i.to_string()).collect();
    let numbers: Vec<Cell<'_>> = numbers.iter().map(|n| Cell::center(n)).collect();
    doc.table_start(&[5, 21, 21, 10, 16, 13, 14], &[&names, &numbers]);
}

/// A block of lines at the right of the page (approval) or at the left (signatures).
pub(crate) fn block(doc: &mut Document, title: Option<&str>, lines: &[String], indent_mm: f64) {
    if let Some(t) = title {
        doc.para(
            &Para::empty()
                .bold(t)
                .style("Signature")
                .indent_mm(indent_mm),
        );
    }
    for l in lines {
        doc.para(&Para::new(l).style("Signature").indent_mm(indent_mm));
    }
}

/// Writes the document the options ask for.
pub fn write(
    conn: &Connection,
    methods: &Methods,
    texts: &Texts,
    opts: &Options,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Written> {
    if let Some(out) = &opts.out {
        let per_org_folder = opts.kind == Kind::Plan && opts.plans == PlanScope::FilePerOrg;
        if !per_org_folder {
            crate::store::target::check(out, opts.force)?;
        } else if out.exists() && !out.is_dir() {
            anyhow::bail!(
                "{} — не папка; для плана каждой организации отдельным файлом укажите папку (или --one-file)",
                out.display()
            );
        }
    }
    match opts.kind {
        Kind::Operator => {
            let path = opts.out.clone().unwrap_or_else(|| {
                opts.exports_dir
                    .join(format!("operator_report_cycle{}.docx", opts.cycle_id))
            });
            let (doc, n) = operator::build(conn, methods, texts, opts.cycle_id, cancel, progress)?;
            save(doc, &path, &texts.operator.toc)?;
            Ok(Written {
                files: vec![path],
                organizations: n,
            })
        }
        Kind::Council => {
            let path = opts.out.clone().unwrap_or_else(|| {
                opts.exports_dir
                    .join(format!("council_decision_cycle{}.docx", opts.cycle_id))
            });
            let (doc, n) = council::build(conn, methods, texts, opts.cycle_id, cancel, progress)?;
            save(doc, &path, "")?;
            Ok(Written {
                files: vec![path],
                organizations: n,
            })
        }
        Kind::Plan => plan::write(conn, methods, texts, opts, cancel, progress),
    }
}
