//! «Обмен»: work with files from the UI — publish a cycle on the website (a static HTML site),
//! write a cycle's package for bus.gov.ru, and load a file (organizations, a cycle's inputs, an improvement plan, an authority's plan, survey responses)
//! with a preview of what it would change before anything is written, and write a cycle's Word
//! documents (the operator's report, the plans on their form, the council's decision). Each runs on its own
//! thread (`tui::job`) with a progress bar; Esc cancels a publication.

use std::path::{Path, PathBuf};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph, Wrap};

use crate::domain::text::printable;
use crate::exchange::busgov::Kind as BusKind;
use crate::exchange::import::layout::Role;
use crate::service::export::busgov::{self as busgov_export, Outcome as BusOutcome};
use crate::service::import::guess::Guess;
use crate::service::import::{self, Kind, Preview};
use crate::service::report;
use crate::service::survey::{self, Options as SurveyOptions, SurveyPreview};
use crate::service::table::cut;
use crate::store::cycles::{self, CycleInfo};
use crate::tui::format::seconds;
use crate::tui::job::Job;
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen, navigate, window};

/// What the screen offers, in this order.
const ACTIONS: [&str; 4] = [
    "Опубликовать цикл на сайте (HTML, с версией для слабовидящих)",
    "Выгрузить пакет для bus.gov.ru (результаты, план и его выполнение)",
    "Загрузить файл: организации, исходные данные, план по устранению недостатков, план органа",
    "Документы Word: отчет оператора, планы мероприятий по форме, решение общественного совета",
];
const PUBLISH: usize = 0;
const BUSGOV: usize = 1;
const LOAD: usize = 2;
const WORD: usize = 3;

/// The Word documents offered, and how the plans are laid out.
const WORD_CHOICES: [(&str, report::Kind, bool); 4] = [
    (
        "аналитический отчет оператора",
        report::Kind::Operator,
        false,
    ),
    (
        "планы мероприятий: файл на каждую организацию",
        report::Kind::Plan,
        false,
    ),
    (
        "планы мероприятий: все одним документом",
        report::Kind::Plan,
        true,
    ),
    (
        "решение общественного совета с рейтингами",
        report::Kind::Council,
        false,
    ),
];

/// What the portal takes: the results and its own plan document (ТФФ 1.8.3).
const FOR_PORTAL: [BusKind; 2] = [BusKind::Results, BusKind::PortalPlan];

/// What goes into a bus.gov.ru package: kinds, and whether unchanged documents are left out.
const BUSGOV_CHOICES: [(&str, &[BusKind], bool); 6] = [
    (
        "результаты и планы (то, что принимает портал)",
        &FOR_PORTAL,
        false,
    ),
    (
        "только изменившиеся с прошлой выгрузки (результаты и планы)",
        &FOR_PORTAL,
        true,
    ),
    ("результаты оценки", &[BusKind::Results], false),
    (
        "планы по устранению недостатков и их выполнение (ТФФ 1.8.3)",
        &[BusKind::PortalPlan],
        false,
    ),
    (
        "план в формате nok (nokPlan, портал не читает)",
        &[BusKind::Plan],
        false,
    ),
    (
        "отчет в формате nok (nokReport, портал не читает)",
        &[BusKind::Report],
        false,
    ),
];

/// What a file is loaded as, before the cycle or authority it needs is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Orgs,
    Inputs,
    Plan,
    Workplan,
    /// Survey responses of a cycle (one row per respondent).
    Survey,
}

const FILE_KINDS: [(FileKind, &str); 5] = [
    (FileKind::Orgs, "организации"),
    (
        FileKind::Inputs,
        "исходные данные цикла (показатели по организациям)",
    ),
    (FileKind::Plan, "план по устранению недостатков (цикл)"),
    (FileKind::Workplan, "план уполномоченного органа"),
    (
        FileKind::Survey,
        "анкеты получателей услуг (строка — респондент; цикл)",
    ),
];

/// A list to choose from.
#[derive(Debug, Default)]
struct Choice {
    items: Vec<String>,
    selected: usize,
    offset: usize,
}

impl Choice {
    fn new(items: Vec<String>) -> Choice {
        Choice {
            items,
            ..Choice::default()
        }
    }

    fn update(&mut self, action: Action, page: usize) -> bool {
        match navigate(action, self.selected, self.items.len(), page) {
            Some(sel) => {
                self.selected = sel;
                self.offset = window(self.offset, sel, page);
                true
            }
            None => false,
        }
    }
}

/// A folder's entries for the file picker: folders first, then files, by name.
#[derive(Debug)]
struct Folder {
    dir: PathBuf,
    /// Name and whether it is a folder.
    entries: Vec<(String, bool)>,
    list: Choice,
}

impl Folder {
    fn read(dir: &Path) -> Result<Folder, String> {
        let dir = dir
            .canonicalize()
            .map_err(|e| format!("папка {}: {e}", dir.display()))?;
        let mut entries: Vec<(String, bool)> = std::fs::read_dir(&dir)
            .map_err(|e| format!("папка {}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_dir = e.file_type().ok()?.is_dir();
                // Hidden files, databases and SQLite's side files are never what one loads (a
                // database beside the files was the first file offered, and Enter took it).
                let side = [".sqlite", ".sqlite-shm", ".sqlite-wal", ".sqlite-journal"]
                    .iter()
                    .any(|s| name.ends_with(s));
                (!name.starts_with('.') && !side).then_some((name, is_dir))
            })
            .collect();
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if dir.parent().is_some() {
            entries.insert(0, ("..".to_string(), true));
        }
        let items = entries
            .iter()
            .map(|(n, d)| if *d { format!("{n}/") } else { n.clone() })
            .collect();
        Ok(Folder {
            dir,
            entries,
            list: Choice::new(items),
        })
    }
}

/// Where the screen is.
#[derive(Debug, Default)]
// A preview is the largest stage and there is one stage at a time: no box needed.
#[allow(clippy::large_enum_variant)]
enum Stage {
    #[default]
    Menu,
    /// Choosing the cycle to publish (action `PUBLISH`) or to export (`BUSGOV`).
    PublishCycle(Vec<CycleInfo>, Choice),
    Publishing(Job<PathBuf>),
    /// Choosing what goes into the bus.gov.ru package of the cycle.
    BusgovKinds(CycleInfo, Choice),
    Exporting(Job<BusOutcome>),
    /// Choosing the file to load.
    Files(Folder),
    /// Choosing what the file holds.
    Kinds(PathBuf, Choice),
    /// Choosing the cycle (inputs, plan) or the authority (workplan) the file is for.
    Target(PathBuf, FileKind, Vec<String>, Choice),
    /// The file being checked against the database (nothing written).
    Checking(PathBuf, Kind, Job<Preview>),
    /// What loading the file would do; Enter writes it.
    Preview(PathBuf, Kind, Preview, usize),
    Importing(Job<Preview>),
    /// Survey responses being read against the database (nothing written).
    SurveyChecking(PathBuf, SurveyOptions, Job<SurveyPreview>),
    /// What loading the survey would do: the mapping, the rules, the counts; Enter writes it.
    SurveyPreview(PathBuf, SurveyOptions, Box<SurveyPreview>, usize),
    SurveyImporting(Job<SurveyPreview>),
    /// Choosing which Word document of the cycle to write.
    WordKinds(CycleInfo, Choice),
    Writing(Job<report::Written>),
}

/// The exchange screen.
#[derive(Debug, Default)]
pub struct ExchangeScreen {
    action: usize,
    stage: Stage,
    /// The folder new files go to and the file picker starts in (the current folder).
    base: Option<PathBuf>,
    /// The last result: whether it went well, and what to say.
    result: Option<(bool, Vec<String>)>,
    /// The cycle whose inputs the running load writes, if it does.
    loading_inputs_of: Option<i64>,
    /// A load finished since the app last asked: the cycles whose inputs it changed.
    changes: Option<Vec<i64>>,
    /// The column-role step of a plan document's preview.
    roles: RoleStep,
    /// What a picked file is first offered as (the guide's step: organizations, inputs).
    expected: Option<FileKind>,
    /// What the picked file looks like, read from its first rows off the UI thread; while the
    /// person has not moved in the list of kinds, the answer moves the cursor there.
    guessing: Option<Job<Option<Guess>>>,
    guessed: Option<Guess>,
    kind_moved: bool,
}

/// The column-role step of a plan document's preview: the roles a person set (or confirmed) for
/// the columns of the table of measures, the column the cursor is on, and whether they were
/// changed since the last check.
#[derive(Debug, Default)]
struct RoleStep {
    confirmed: Option<Vec<Role>>,
    edited: Option<Vec<Role>>,
    at: usize,
}

impl RoleStep {
    /// The roles shown: as edited, else as confirmed, else as read.
    fn current(&self, p: &Preview) -> Vec<Role> {
        if let Some(e) = &self.edited {
            return e.clone();
        }
        if let Some(c) = &self.confirmed {
            return c.clone();
        }
        let width = p.columns.iter().map(|c| c.0).max().unwrap_or(0);
        (1..=width)
            .map(|col| {
                p.columns
                    .iter()
                    .find(|c| c.0 == col)
                    .and_then(|c| Role::from_name(&c.1))
                    .unwrap_or(Role::Other)
            })
            .collect()
    }

    /// Whether Enter must confirm the roles (and check the file again) before loading.
    fn needs_check(&self, p: &Preview) -> bool {
        self.edited.is_some() || (p.columns_uncertain.is_some() && self.confirmed.is_none())
    }

    /// The role lines of the preview: each column with its role, the cursor's marked.
    fn lines(&self, p: &Preview) -> Vec<(String, bool)> {
        if p.columns.is_empty() {
            return Vec::new();
        }
        let roles = self.current(p);
        let mut out = vec![(
            "Колонки таблицы (←→ колонка, e — сменить роль, Enter — подтвердить):".to_string(),
            false,
        )];
        for (k, role) in roles.iter().enumerate() {
            let col = k + 1;
            let why = p
                .columns
                .iter()
                .find(|c| c.0 == col)
                .map(|c| {
                    let head = if c.2.is_empty() {
                        "без заголовка".to_string()
                    } else {
                        format!("«{}»", c.2)
                    };
                    format!("{head}; {}", c.3)
                })
                .unwrap_or_default();
            let mark = if k == self.at { "▶" } else { " " };
            out.push((format!("{mark} {col}: {} — {why}", role.name_ru()), false));
        }
        if let Some(why) = &p.columns_uncertain
            && self.confirmed.is_none()
        {
            out.push((format!("Нужно подтверждение: {why}"), true));
        }
        out
    }
}

impl ExchangeScreen {
    pub fn new() -> ExchangeScreen {
        ExchangeScreen::default()
    }

    /// The list of what a file may be, on the expected kind if there is one.
    fn kind_choice(&self) -> Choice {
        let mut choice = Choice::new(FILE_KINDS.iter().map(|k| k.1.to_string()).collect());
        let guessed = self.guessed.as_ref().map(|g| file_kind(g.kind));
        if let Some(i) = FILE_KINDS
            .iter()
            .position(|k| Some(k.0) == guessed.or(self.expected))
        {
            choice.selected = i;
        }
        choice
    }

    /// The cycle an inputs file, a plan or survey responses are most likely for, as an index
    /// into `keys` (cycle ids, newest first; a survey's with its form's variant after «:»): the
    /// first with the most members among the ИНН of the file's first rows, when the file was read
    /// as that kind. A few indexed lookups (at most [`import::guess::GUESS_ROWS`] ИНН).
    fn likely_target(&self, kind: FileKind, keys: &[String], cx: &Ctx) -> Option<usize> {
        let g = self.guessed.as_ref()?;
        if file_kind(g.kind) != kind
            || g.inns.is_empty()
            || !matches!(kind, FileKind::Inputs | FileKind::Plan | FileKind::Survey)
        {
            return None;
        }
        let counts = cycles::members_by_inn(cx.conn?, &g.inns).ok()?;
        let best = counts.iter().map(|(_, n)| *n).max()?;
        keys.iter().position(|k| {
            let id = k.split(':').next().unwrap_or(k);
            counts
                .iter()
                .any(|(c, n)| *n == best && c.to_string() == id)
        })
    }

    /// Starts reading what `file` looks like (its first rows, on a thread of its own).
    fn start_guess(&mut self, file: &Path, cx: &Ctx) {
        self.guessed = None;
        self.kind_moved = false;
        self.guessing = cx.db.map(|db| {
            let file = file.to_path_buf();
            Job::start(
                format!("что в файле {}", file.display()),
                db,
                move |_, _, _| Ok(import::guess::guess(&file)),
            )
        });
    }

    /// The screen opened at its file picker in `dir` (the «Начало работы» guide's next step:
    /// load the organizations, a cycle's inputs), with the file offered first as `expected`.
    /// For inputs, the cursor starts on the template the guide saved (`x`/`X`), if it is there.
    pub fn picking_file(dir: PathBuf, expected: FileKind) -> ExchangeScreen {
        let mut screen = ExchangeScreen::new();
        screen.action = LOAD;
        screen.expected = Some(expected);
        match Folder::read(&dir) {
            Ok(mut f) => {
                let template = (expected == FileKind::Inputs)
                    .then(|| {
                        f.entries.iter().rposition(|(name, is_dir)| {
                            !is_dir && name.starts_with(crate::service::inputs_template::FILE_STEM)
                        })
                    })
                    .flatten();
                // The template, else the first file rather than the folder above.
                if let Some(i) =
                    template.or_else(|| f.entries.iter().position(|(_, is_dir)| !is_dir))
                {
                    f.list.selected = i;
                }
                screen.stage = Stage::Files(f);
            }
            Err(e) => screen.result = Some((false, vec![e])),
        }
        screen.base = Some(dir);
        screen
    }

    /// Publications go under `dir` and the file picker starts there (default: the current
    /// folder).
    pub fn set_base(&mut self, dir: PathBuf) {
        self.base = Some(dir);
    }

    /// Whether background work is running (tests wait for it).
    pub fn busy(&self) -> bool {
        matches!(
            self.stage,
            Stage::Publishing(_)
                | Stage::Exporting(_)
                | Stage::Checking(..)
                | Stage::Importing(_)
                | Stage::SurveyChecking(..)
                | Stage::SurveyImporting(_)
                | Stage::Writing(_)
        )
    }

    /// The last result's lines (tests read them).
    pub fn result(&self) -> Option<&(bool, Vec<String>)> {
        self.result.as_ref()
    }

    fn base(&self) -> PathBuf {
        self.base
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    fn done(&mut self, ok: bool, lines: Vec<String>) {
        self.result = Some((ok, lines));
        self.stage = Stage::Menu;
    }

    fn start(&mut self, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        self.result = None;
        self.stage = if self.action == PUBLISH || self.action == BUSGOV || self.action == WORD {
            match cycles::list_brief(conn) {
                Ok(mut list) => {
                    list.reverse();
                    let items = list.iter().map(cycle_label).collect();
                    Stage::PublishCycle(list, Choice::new(items))
                }
                Err(e) => {
                    self.result = Some((false, vec![format!("ошибка чтения базы: {e}")]));
                    Stage::Menu
                }
            }
        } else {
            match Folder::read(&self.base()) {
                Ok(f) => Stage::Files(f),
                Err(e) => {
                    self.result = Some((false, vec![e]));
                    Stage::Menu
                }
            }
        };
    }

    fn publish(&mut self, cycle: &CycleInfo, cx: &Ctx) {
        let Some(db) = cx.db else {
            return self.done(
                false,
                vec!["база открыта без файла: публикация невозможна".into()],
            );
        };
        let id = cycle.id;
        let today = cx.today;
        let out = self
            .base()
            .join("publish")
            .join(crate::publish::format::cycle_slug(
                cycle.year,
                cycle.sector,
                cycle.id,
            ));
        let job = Job::start(
            format!("публикация цикла №{id}"),
            db,
            move |conn, report, cancel| {
                report.stage("страницы организаций");
                crate::service::publish::publish(
                    conn,
                    id,
                    Some(&out),
                    today,
                    &mut |p| report.set(p.done, p.total),
                    cancel,
                )
                .map_err(|e| {
                    match e.downcast_ref::<crate::service::publish::AddedByHand>() {
                        Some(added) => anyhow::anyhow!(
                            "{added}. Уберите их из папки и опубликуйте снова, или опубликуйте \
                             из командной строки, сохранив их на их местах: nok publish --cycle \
                             {id} --out {} --force",
                            out.display()
                        ),
                        None => e,
                    }
                })
            },
        );
        self.stage = Stage::Publishing(job);
    }

    fn export_busgov(&mut self, cycle: &CycleInfo, choice: usize, cx: &Ctx) {
        let Some(db) = cx.db else { return };
        let (_, kinds, changed_only) = BUSGOV_CHOICES[choice.min(BUSGOV_CHOICES.len() - 1)];
        let opts = busgov_export::Options {
            cycle_id: cycle.id,
            kinds: kinds.to_vec(),
            out_dir: self.base().join("exports"),
            changed_only,
        };
        let job = Job::start(
            format!("выгрузка цикла №{} для bus.gov.ru", cycle.id),
            db,
            move |conn, report, cancel| {
                report.stage("документы организаций");
                let methods = crate::service::methodology::Methods::load()?;
                busgov_export::export(conn, &methods, &opts, cancel, &mut |p| {
                    report.set(p.done, p.total)
                })
            },
        );
        self.stage = Stage::Exporting(job);
    }

    fn write_word(&mut self, cycle: &CycleInfo, choice: usize, cx: &Ctx) {
        let Some(db) = cx.db else { return };
        let (name, kind, one_file) = WORD_CHOICES[choice.min(WORD_CHOICES.len() - 1)];
        let opts = report::Options {
            cycle_id: cycle.id,
            kind,
            plans: if one_file {
                report::PlanScope::OneFile
            } else {
                report::PlanScope::FilePerOrg
            },
            out: None,
            exports_dir: self.base().join("exports"),
            force: false,
        };
        let db_path = db.to_path_buf();
        let job = Job::start(
            format!("{name}: цикл №{}", cycle.id),
            db,
            move |conn, progress, cancel| {
                progress.stage("организации цикла");
                let methods = crate::service::methodology::Methods::load()?;
                let texts = report::Texts::load(Some(&db_path))?;
                report::write(conn, &methods, &texts, &opts, cancel, &mut |p| {
                    progress.set(p.done, p.total)
                })
            },
        );
        self.stage = Stage::Writing(job);
    }

    fn check_file(&mut self, file: PathBuf, kind: Kind, cx: &Ctx) {
        let Some(db) = cx.db else { return };
        let today = cx.today;
        let (f, k) = (file.clone(), kind.clone());
        let options = import::Options {
            columns: self.roles.confirmed.clone(),
        };
        let job = Job::start(
            format!("проверка файла {}", file.display()),
            db,
            move |conn, report, _| {
                // The portal's plan documents (one XML, a folder, a zip) have a reader of their own.
                if let Kind::Plan { cycle_id, .. } = &k
                    && import::portal_plan::is_source(&f)
                {
                    report.stage("чтение документов портала");
                    let src = import::portal_plan::read(&f)?;
                    let methods = crate::service::methodology::Methods::load()?;
                    report.stage("сверка с базой");
                    return import::portal_plan::dry_run(
                        conn,
                        &src,
                        *cycle_id,
                        &methods,
                        &mut |p| {
                            let (import::Progress::Checking { done, total }
                            | import::Progress::Writing { done, total }) = p;
                            report.set(done, total);
                        },
                    );
                }
                report.stage("чтение файла и сверка с базой");
                import::dry_run_file(
                    conn,
                    &f,
                    &k,
                    &options,
                    import::AsRead::Drop,
                    today,
                    &mut |p| {
                        let (import::Progress::Checking { done, total }
                        | import::Progress::Writing { done, total }) = p;
                        report.set(done, total);
                    },
                )
            },
        );
        self.stage = Stage::Checking(file, kind, job);
    }

    fn import_file(&mut self, file: PathBuf, kind: Kind, cx: &Ctx) {
        let Some(db) = cx.db else { return };
        self.loading_inputs_of = match kind {
            Kind::Inputs { cycle_id } => Some(cycle_id),
            _ => None,
        };
        let today = cx.today;
        let options = import::Options {
            columns: std::mem::take(&mut self.roles).confirmed,
        };
        let job = Job::start(
            format!("загрузка файла {}", file.display()),
            db,
            move |conn, report, _| {
                if let Kind::Plan { cycle_id, .. } = &kind
                    && import::portal_plan::is_source(&file)
                {
                    report.stage("чтение документов портала");
                    let src = import::portal_plan::read(&file)?;
                    let methods = crate::service::methodology::Methods::load()?;
                    report.stage("запись");
                    return import::portal_plan::apply(
                        conn,
                        &src,
                        *cycle_id,
                        &methods,
                        false,
                        &mut |p| {
                            let (import::Progress::Checking { done, total }
                            | import::Progress::Writing { done, total }) = p;
                            report.set(done, total);
                        },
                    );
                }
                report.stage("чтение файла и запись");
                import::apply_file(conn, &file, &kind, &options, today, false, &mut |p| {
                    let (import::Progress::Checking { done, total }
                    | import::Progress::Writing { done, total }) = p;
                    report.set(done, total);
                })
            },
        );
        self.stage = Stage::Importing(job);
    }

    /// Reads survey responses for a cycle (`key`: «cycle id» or «cycle id:variant») in the
    /// background; nothing is written.
    fn check_survey(&mut self, file: PathBuf, key: &str, cx: &Ctx) {
        let Some(db) = cx.db else { return };
        let (id, variant) = key.split_once(':').unwrap_or((key, ""));
        let Ok(cycle_id) = id.parse() else { return };
        let opts = SurveyOptions {
            cycle_id,
            variant: (!variant.is_empty()).then(|| variant.to_string()),
            ..SurveyOptions::default()
        };
        let (f, o) = (file.clone(), opts.clone());
        let job = Job::start(
            format!("проверка анкет {}", file.display()),
            db,
            move |conn, report, _| {
                report.stage("чтение анкет (база не меняется)");
                survey::dry_run(conn, &f, &o, &mut |n| report.set(n, 0))
            },
        );
        self.stage = Stage::SurveyChecking(file, opts, job);
    }

    fn import_survey(&mut self, file: PathBuf, opts: SurveyOptions, cx: &Ctx) {
        let Some(db) = cx.db else { return };
        let job = Job::start(
            format!("загрузка анкет {}", file.display()),
            db,
            move |conn, report, _| {
                report.stage("запись анкет и счетчиков");
                survey::apply(conn, &file, &opts, &mut |n| report.set(n, 0))
            },
        );
        self.stage = Stage::SurveyImporting(job);
    }

    /// Survey targets: a cycle, or for a sector with several forms (health) a cycle and form.
    fn survey_targets(cx: &Ctx) -> Result<(Vec<String>, Vec<String>), String> {
        let conn = cx.conn.ok_or("нет соединения с базой")?;
        let qn = crate::domain::questionnaire::Questionnaire::builtin_cached()
            .ok_or("анкета методики не читается")?;
        let mut list = cycles::list_brief(conn).map_err(|e| e.to_string())?;
        list.reverse();
        let (mut labels, mut keys) = (Vec::new(), Vec::new());
        for c in &list {
            let variants = qn.variants_for(c.sector);
            if variants.len() > 1 {
                for v in variants {
                    labels.push(format!("{} · {}", cycle_label(c), v.name));
                    keys.push(format!("{}:{}", c.id, v.code));
                }
            } else {
                labels.push(cycle_label(c));
                keys.push(c.id.to_string());
            }
        }
        Ok((labels, keys))
    }

    /// The cycles or authorities a file kind needs, as (labels, keys); empty keys when none.
    fn targets(kind: FileKind, cx: &Ctx) -> Result<(Vec<String>, Vec<String>), String> {
        let conn = cx.conn.ok_or("нет соединения с базой")?;
        match kind {
            FileKind::Inputs | FileKind::Plan => {
                let mut list = cycles::list_brief(conn).map_err(|e| e.to_string())?;
                list.reverse();
                Ok((
                    list.iter().map(cycle_label).collect(),
                    list.iter().map(|c| c.id.to_string()).collect(),
                ))
            }
            FileKind::Workplan => {
                let map =
                    crate::store::import::authorities_by_inn(conn).map_err(|e| e.to_string())?;
                let mut list: Vec<(String, i64, String)> = map
                    .into_iter()
                    .map(|(inn, (id, name))| (name, id, inn))
                    .collect();
                list.sort();
                Ok((
                    list.iter()
                        .map(|(name, _, inn)| format!("{name} · ИНН {inn}"))
                        .collect(),
                    list.iter().map(|(_, id, _)| id.to_string()).collect(),
                ))
            }
            FileKind::Orgs => Ok((Vec::new(), Vec::new())),
            FileKind::Survey => Self::survey_targets(cx),
        }
    }
}

fn cycle_label(c: &CycleInfo) -> String {
    format!(
        "№{} · {} · {} · {} · {} · {} орг.{}",
        c.id,
        c.year,
        c.sector,
        c.region,
        c.authority,
        c.orgs,
        if c.scores_stale {
            " · баллы устарели"
        } else {
            ""
        }
    )
}

/// The screen's kind of file for a guessed one.
fn file_kind(g: import::guess::Guessed) -> FileKind {
    match g {
        import::guess::Guessed::Orgs => FileKind::Orgs,
        import::guess::Guessed::Inputs => FileKind::Inputs,
        import::guess::Guessed::Plan => FileKind::Plan,
        import::guess::Guessed::Workplan => FileKind::Workplan,
        import::guess::Guessed::Survey => FileKind::Survey,
    }
}

fn kind_for(kind: FileKind, key: &str) -> Option<Kind> {
    Some(match kind {
        FileKind::Orgs => Kind::Orgs,
        FileKind::Inputs => Kind::Inputs {
            cycle_id: key.parse().ok()?,
        },
        FileKind::Plan => Kind::Plan {
            cycle_id: key.parse().ok()?,
            org: None,
        },
        FileKind::Workplan => Kind::Workplan {
            authority: key.to_string(),
            title: None,
        },
        FileKind::Survey => return None,
    })
}

/// The lines of a preview (the plan of changes) — counts, then what is rejected, added, changed
/// (old → new) and left — each with whether it tells of a problem. The lists hold what the import
/// kept ([`import::LISTED`] of each kind); the rest is counted.
fn preview_lines(p: &Preview) -> Vec<(String, bool)> {
    // Line 0: a whole document (the portal's XML), `what` names the file.
    let place = |c: &import::Change| match c.line {
        0 => c.what.clone(),
        line => format!("строка {line}: {}", c.what),
    };
    let mut out = vec![
        (format!("Файл: {} ({})", p.source, p.format), false),
        (format!("Что: {}", p.kind), false),
        (
            format!(
                "Добавится: {} · изменится: {} · без изменений: {} · отклонено: {}",
                p.added_count(),
                p.changed_count(),
                p.unchanged,
                p.rejected_count()
            ),
            !p.rejected.is_empty(),
        ),
    ];
    for (line, col, header) in &p.unknown_columns {
        out.push((
            format!("Неизвестная колонка {col} «{header}» (строка {line}) — пропущена"),
            false,
        ));
    }
    out.extend(p.notes.iter().map(|n| (format!("Примечание: {n}"), false)));
    let more = |out: &mut Vec<(String, bool)>, shown: usize, all: usize, bad: bool| {
        if all > shown {
            out.push((format!("  … и еще {}", all - shown), bad));
        }
    };
    if !p.rejected.is_empty() {
        out.push((String::new(), false));
        out.push(("Отклонено:".into(), true));
        out.extend(p.rejected.iter().map(|r| (format!("  {r}"), true)));
        more(&mut out, p.rejected.len(), p.rejected_count(), true);
    }
    if !p.added.is_empty() {
        out.push((String::new(), false));
        out.push(("Добавится:".into(), false));
        out.extend(p.added.iter().map(|c| (format!("  {}", place(c)), false)));
        more(&mut out, p.added.len(), p.added_count(), false);
    }
    if !p.changed.is_empty() {
        out.push((String::new(), false));
        out.push(("Изменится:".into(), false));
        for c in &p.changed {
            out.push((format!("  {}", place(c)), false));
            out.extend(c.fields.iter().map(|(f, old, new)| {
                let (old, new) = (import::shown_value(old), import::shown_value(new));
                (format!("      {f}: {old} → {new}"), false)
            }));
        }
        more(&mut out, p.changed.len(), p.changed_count(), false);
    }
    if !p.left.is_empty() {
        out.push((String::new(), false));
        out.push(("Останется без изменений:".into(), false));
        out.extend(p.left.iter().map(|c| (format!("  {}", place(c)), false)));
        more(&mut out, p.left.len(), p.unchanged, false);
    }
    out
}

impl Screen for ExchangeScreen {
    fn title(&self) -> String {
        "Обмен".to_string()
    }

    fn status(&self) -> String {
        match &self.stage {
            Stage::Menu => " Обмен: публикация и загрузка файлов".into(),
            Stage::PublishCycle(..) if self.action == BUSGOV => {
                " Выгрузка для bus.gov.ru: выберите цикл".into()
            }
            Stage::PublishCycle(..) if self.action == WORD => {
                " Документы Word: выберите цикл".into()
            }
            Stage::PublishCycle(..) => " Публикация: выберите цикл".into(),
            Stage::WordKinds(c, _) => format!(" Документы Word цикла №{}: какой", c.id),
            Stage::Writing(j) => format!(" {}…", j.what),
            Stage::BusgovKinds(c, _) => format!(" Выгрузка цикла №{}: что выгрузить", c.id),
            Stage::Exporting(j) => format!(" {}…", j.what),
            Stage::Files(f) => format!(" Загрузка: выберите файл · {}", f.dir.display()),
            Stage::Kinds(..) => " Загрузка: что в файле".into(),
            Stage::Target(_, FileKind::Workplan, ..) => " Загрузка: выберите орган".into(),
            Stage::Target(..) => " Загрузка: выберите цикл".into(),
            Stage::Publishing(j) => format!(" {}…", j.what),
            Stage::Checking(_, _, j) | Stage::Importing(j) => format!(" {}…", j.what),
            Stage::Preview(..) => " Загрузка: проверьте, что изменится".into(),
            Stage::SurveyChecking(_, _, j) | Stage::SurveyImporting(j) => {
                format!(" {}…", j.what)
            }
            Stage::SurveyPreview(..) => {
                " Анкеты: проверьте сопоставление колонок, правила и счетчики".into()
            }
        }
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        match &self.stage {
            Stage::Menu => vec![("↑↓", "действие"), ("Enter", "начать")],
            Stage::Files(_) => vec![
                ("↑↓", "файл"),
                ("Enter", "открыть"),
                ("Backspace", "папка выше"),
                ("Esc", "назад"),
            ],
            Stage::Publishing(_) | Stage::Exporting(_) | Stage::Writing(_) => {
                vec![("Esc", "прервать")]
            }
            Stage::Checking(..) | Stage::Importing(_) => vec![],
            Stage::Preview(_, _, p, _) if self.roles.needs_check(p) => vec![
                ("←→", "колонка"),
                ("e", "роль"),
                ("Enter", "подтвердить"),
                ("Esc", "отказаться"),
            ],
            Stage::Preview(_, _, p, _) if p.has_changes() && p.rejected.is_empty() => {
                vec![
                    ("↑↓", "прокрутка"),
                    ("Enter", "загрузить"),
                    ("Esc", "отказаться"),
                ]
            }
            Stage::Preview(..) => vec![("↑↓", "прокрутка"), ("Esc", "назад")],
            Stage::SurveyChecking(..) | Stage::SurveyImporting(_) => vec![],
            Stage::SurveyPreview(_, _, p, _) if p.has_changes() && p.rejected.is_empty() => {
                vec![
                    ("↑↓", "прокрутка"),
                    ("Enter", "загрузить"),
                    ("Esc", "отказаться"),
                ]
            }
            Stage::SurveyPreview(..) => vec![("↑↓", "прокрутка"), ("Esc", "назад")],
            _ => vec![("↑↓", "выбор"), ("Enter", "выбрать"), ("Esc", "назад")],
        }
    }

    fn take_changes(&mut self) -> Option<Vec<i64>> {
        self.changes.take()
    }

    fn tick(&mut self) -> bool {
        if let Some(job) = self.guessing.as_mut()
            && let Some(answer) = job.poll()
        {
            self.guessing = None;
            self.guessed = answer.ok().flatten();
            if let (Stage::Kinds(_, choice), false) = (&mut self.stage, self.kind_moved)
                && let Some(g) = &self.guessed
                && let Some(i) = FILE_KINDS.iter().position(|k| k.0 == file_kind(g.kind))
            {
                choice.selected = i;
            }
            return true;
        }
        let stage = std::mem::take(&mut self.stage);
        let (stage, changed) = match stage {
            Stage::Publishing(mut job) => match job.poll() {
                Some(Ok(dir)) => {
                    let secs = job.elapsed().as_secs_f64();
                    self.done(
                        true,
                        vec![
                            format!("Опубликовано за {}: {}", seconds(secs), dir.display()),
                            format!(
                                "Откройте {} в браузере; версия для слабовидящих — в папке accessible/.",
                                dir.join("index.html").display()
                            ),
                        ],
                    );
                    return true;
                }
                Some(Err(e)) => {
                    self.done(false, vec![e]);
                    return true;
                }
                None => (Stage::Publishing(job), true),
            },
            Stage::Exporting(mut job) => match job.poll() {
                Some(Ok(o)) => {
                    let secs = job.elapsed().as_secs_f64();
                    let [r, np, nr, p] = o.written;
                    let mut lines = vec![format!(
                        "Выгружено за {}: результатов {r}, планов {p}{} (новых {}, новых версий {}, без изменений пропущено {}).",
                        seconds(secs),
                        if np + nr > 0 {
                            format!(", nokPlan {np}, nokReport {nr}")
                        } else {
                            String::new()
                        },
                        o.first_time,
                        o.new_versions,
                        o.unchanged
                    )];
                    match &o.paths {
                        Some(paths) => {
                            lines.push(format!("Папка: {}", paths.dir.display()));
                            lines.push(format!("Архив для загрузки: {}", paths.zip.display()));
                        }
                        None => lines.push("Нечего выгружать: пакет не создан.".into()),
                    }
                    if o.skipped_total > 0 {
                        lines.push(format!(
                            "Не выгружено (нет рассчитанных баллов или данных плана): {}.",
                            o.skipped_total
                        ));
                        // The plans left out, each with the fields to fill in.
                        lines.extend(
                            o.skipped
                                .iter()
                                .filter(|s| s.kind == BusKind::PortalPlan)
                                .take(5)
                                .map(|s| {
                                    format!("  {} (ИНН {}): {}", s.organization, s.inn, s.why)
                                }),
                        );
                    }
                    if o.invalid_total > 0 {
                        lines.push(format!(
                            "Не прошли проверку правил портала: {} — см. nok check.",
                            o.invalid_total
                        ));
                    }
                    // A plan left out for want of data is something to fix, as on the command
                    // line (exit code 1).
                    let plans_left_out = o.skipped.iter().any(|s| s.kind == BusKind::PortalPlan);
                    self.done(o.invalid_total == 0 && !plans_left_out, lines);
                    return true;
                }
                Some(Err(e)) => {
                    self.done(false, vec![e]);
                    return true;
                }
                None => (Stage::Exporting(job), true),
            },
            Stage::Writing(mut job) => match job.poll() {
                Some(Ok(w)) => {
                    let secs = job.elapsed().as_secs_f64();
                    let mut lines = vec![format!(
                        "Готово за {}: файлов {}, организаций {}.",
                        seconds(secs),
                        w.files.len(),
                        w.organizations
                    )];
                    lines.extend(w.files.iter().take(3).map(|f| f.display().to_string()));
                    if w.files.len() > 3 {
                        lines.push(format!("… и еще файлов: {}", w.files.len() - 3));
                    }
                    self.done(true, lines);
                    return true;
                }
                Some(Err(e)) => {
                    self.done(false, vec![e]);
                    return true;
                }
                None => (Stage::Writing(job), true),
            },
            Stage::Checking(file, kind, mut job) => match job.poll() {
                Some(Ok(preview)) => (Stage::Preview(file, kind, preview, 0), true),
                Some(Err(e)) => {
                    self.done(false, vec![e]);
                    return true;
                }
                None => (Stage::Checking(file, kind, job), true),
            },
            Stage::Importing(mut job) => match job.poll() {
                Some(Ok(p)) => {
                    let mut lines = vec![format!(
                        "Загружено: добавлено {}, изменено {}, без изменений {}.",
                        p.added_count(),
                        p.changed_count(),
                        p.unchanged
                    )];
                    if let Some(cycle) = self.loading_inputs_of {
                        lines.push(format!(
                            "Баллы цикла №{cycle} пересчитываются в фоне (ход — в строке состояния); \
                             рейтинг — на экране «Рейтинг»."
                        ));
                    }
                    self.changes = Some(self.loading_inputs_of.take().into_iter().collect());
                    self.done(true, lines);
                    return true;
                }
                Some(Err(e)) => {
                    self.done(false, vec![e]);
                    return true;
                }
                None => (Stage::Importing(job), true),
            },
            Stage::SurveyChecking(file, opts, mut job) => match job.poll() {
                Some(Ok(p)) => (Stage::SurveyPreview(file, opts, Box::new(p), 0), true),
                Some(Err(e)) => {
                    self.done(false, vec![e]);
                    return true;
                }
                None => (Stage::SurveyChecking(file, opts, job), true),
            },
            Stage::SurveyImporting(mut job) => match job.poll() {
                Some(Ok(p)) => {
                    let lines = if p.applied {
                        vec![
                            format!(
                                "Загружено анкет: {} (дублей {}, нарушений переходов {}), организаций {}.",
                                p.counted,
                                p.duplicates,
                                p.skip_violations,
                                p.orgs.len()
                            ),
                            "Баллы цикла устарели: пересчитайте (nok score --cycle N).".into(),
                        ]
                    } else {
                        vec!["Изменений нет: база не изменилась.".into()]
                    };
                    self.done(true, lines);
                    return true;
                }
                Some(Err(e)) => {
                    self.done(false, vec![e]);
                    return true;
                }
                None => (Stage::SurveyImporting(job), true),
            },
            other => (other, false),
        };
        self.stage = stage;
        changed
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        let page = cx.page.get().max(1);
        let stage = std::mem::take(&mut self.stage);
        self.stage = match stage {
            Stage::Menu => {
                if let Some(sel) = navigate(action, self.action, ACTIONS.len(), ACTIONS.len()) {
                    self.action = sel;
                } else if action == Action::Accept {
                    self.start(cx);
                    return Outcome::Done;
                } else {
                    return Outcome::Ignored;
                }
                Stage::Menu
            }
            Stage::PublishCycle(list, mut choice) => {
                if choice.update(action, page) {
                    Stage::PublishCycle(list, choice)
                } else if action == Action::Accept {
                    match list.get(choice.selected).cloned() {
                        Some(c) if self.action == BUSGOV => {
                            let items = BUSGOV_CHOICES.iter().map(|c| c.0.to_string()).collect();
                            Stage::BusgovKinds(c, Choice::new(items))
                        }
                        Some(c) if self.action == WORD => {
                            let items = WORD_CHOICES.iter().map(|c| c.0.to_string()).collect();
                            Stage::WordKinds(c, Choice::new(items))
                        }
                        Some(c) => {
                            self.publish(&c, cx);
                            return Outcome::Done;
                        }
                        None => Stage::PublishCycle(list, choice),
                    }
                } else if action == Action::Cancel {
                    Stage::Menu
                } else {
                    Stage::PublishCycle(list, choice)
                }
            }
            Stage::BusgovKinds(cycle, mut choice) => {
                if choice.update(action, page) {
                    Stage::BusgovKinds(cycle, choice)
                } else if action == Action::Accept {
                    self.export_busgov(&cycle, choice.selected, cx);
                    return Outcome::Done;
                } else if action == Action::Cancel {
                    Stage::Menu
                } else {
                    Stage::BusgovKinds(cycle, choice)
                }
            }
            Stage::Exporting(job) => {
                if action == Action::Cancel {
                    job.cancel();
                }
                Stage::Exporting(job)
            }
            Stage::WordKinds(cycle, mut choice) => {
                if choice.update(action, page) {
                    Stage::WordKinds(cycle, choice)
                } else if action == Action::Accept {
                    self.write_word(&cycle, choice.selected, cx);
                    return Outcome::Done;
                } else if action == Action::Cancel {
                    Stage::Menu
                } else {
                    Stage::WordKinds(cycle, choice)
                }
            }
            Stage::Writing(job) => {
                if action == Action::Cancel {
                    job.cancel();
                }
                Stage::Writing(job)
            }
            Stage::Publishing(job) => {
                if action == Action::Cancel {
                    job.cancel();
                }
                Stage::Publishing(job)
            }
            Stage::Files(mut folder) => {
                if folder.list.update(action, page) {
                    Stage::Files(folder)
                } else {
                    match action {
                        Action::Accept => match folder.entries.get(folder.list.selected).cloned() {
                            Some((name, true)) => match Folder::read(&folder.dir.join(&name)) {
                                Ok(f) => Stage::Files(f),
                                Err(e) => {
                                    self.result = Some((false, vec![e]));
                                    Stage::Files(folder)
                                }
                            },
                            Some((name, false)) => {
                                let file = folder.dir.join(name);
                                self.start_guess(&file, cx);
                                Stage::Kinds(file, self.kind_choice())
                            }
                            None => Stage::Files(folder),
                        },
                        Action::Backspace => match folder.dir.parent().map(Folder::read) {
                            Some(Ok(f)) => Stage::Files(f),
                            _ => Stage::Files(folder),
                        },
                        Action::Cancel => Stage::Menu,
                        _ => Stage::Files(folder),
                    }
                }
            }
            Stage::Kinds(file, mut choice) => {
                if choice.update(action, page) {
                    self.kind_moved = true;
                    Stage::Kinds(file, choice)
                } else if action == Action::Accept {
                    let kind = FILE_KINDS[choice.selected.min(FILE_KINDS.len() - 1)].0;
                    match Self::targets(kind, cx) {
                        Ok((_, keys)) if keys.is_empty() => {
                            if let Some(k) = kind_for(kind, "") {
                                self.roles = RoleStep::default();
                                self.check_file(file, k, cx);
                            }
                            return Outcome::Done;
                        }
                        Ok((labels, keys)) => {
                            let mut list = Choice::new(labels);
                            if let Some(i) = self.likely_target(kind, &keys, cx) {
                                list.selected = i;
                            }
                            Stage::Target(file, kind, keys, list)
                        }
                        Err(e) => {
                            self.result = Some((false, vec![e]));
                            Stage::Kinds(file, choice)
                        }
                    }
                } else if action == Action::Cancel {
                    match file.parent().map(Folder::read) {
                        Some(Ok(f)) => Stage::Files(f),
                        _ => Stage::Menu,
                    }
                } else {
                    Stage::Kinds(file, choice)
                }
            }
            Stage::Target(file, kind, keys, mut choice) => {
                if choice.update(action, page) {
                    Stage::Target(file, kind, keys, choice)
                } else if action == Action::Accept {
                    if kind == FileKind::Survey {
                        if let Some(key) = keys.get(choice.selected) {
                            self.check_survey(file, key, cx);
                        }
                        return Outcome::Done;
                    }
                    if let Some(k) = keys
                        .get(choice.selected)
                        .and_then(|key| kind_for(kind, key))
                    {
                        self.roles = RoleStep::default();
                        self.check_file(file, k, cx);
                    }
                    return Outcome::Done;
                } else if action == Action::Cancel {
                    Stage::Kinds(file, self.kind_choice())
                } else {
                    Stage::Target(file, kind, keys, choice)
                }
            }
            Stage::Checking(file, kind, job) => Stage::Checking(file, kind, job),
            Stage::SurveyChecking(file, opts, job) => Stage::SurveyChecking(file, opts, job),
            Stage::SurveyImporting(job) => Stage::SurveyImporting(job),
            Stage::SurveyPreview(file, opts, preview, scroll) => match action {
                Action::Down | Action::PageDown => {
                    let step = if action == Action::Down { 1 } else { page };
                    let max = survey::preview_lines(&preview, true)
                        .len()
                        .saturating_sub(1);
                    Stage::SurveyPreview(file, opts, preview, (scroll + step).min(max))
                }
                Action::Up | Action::PageUp => {
                    let step = if action == Action::Up { 1 } else { page };
                    Stage::SurveyPreview(file, opts, preview, scroll.saturating_sub(step))
                }
                Action::Accept if preview.has_changes() && preview.rejected.is_empty() => {
                    self.import_survey(file, opts, cx);
                    return Outcome::Done;
                }
                Action::Accept if !preview.rejected.is_empty() => {
                    self.result = Some((
                        false,
                        vec![
                            "Организации части строк не найдены: исправьте файл или загрузите \
                             организации (или nok import survey … --skip-rejected)."
                                .into(),
                        ],
                    ));
                    Stage::SurveyPreview(file, opts, preview, scroll)
                }
                Action::Cancel => {
                    self.done(true, vec!["Загрузка отменена: база не изменилась.".into()]);
                    return Outcome::Done;
                }
                _ => Stage::SurveyPreview(file, opts, preview, scroll),
            },
            Stage::Importing(job) => Stage::Importing(job),
            Stage::Preview(file, kind, preview, scroll) => match action {
                // The column-role step: choose a column, change its role, confirm.
                Action::Left | Action::Right if !preview.columns.is_empty() => {
                    let width = self.roles.current(&preview).len();
                    self.roles.at = if action == Action::Left {
                        self.roles.at.saturating_sub(1)
                    } else {
                        (self.roles.at + 1).min(width.saturating_sub(1))
                    };
                    Stage::Preview(file, kind, preview, scroll)
                }
                Action::Edit if !preview.columns.is_empty() => {
                    let mut roles = self.roles.current(&preview);
                    if let Some(r) = roles.get_mut(self.roles.at) {
                        let k = Role::ALL.iter().position(|x| x == r).unwrap_or(0);
                        *r = Role::ALL[(k + 1) % Role::ALL.len()];
                    }
                    self.roles.edited = Some(roles);
                    Stage::Preview(file, kind, preview, scroll)
                }
                Action::Accept if self.roles.needs_check(&preview) => {
                    let roles = self.roles.current(&preview);
                    if !roles.contains(&Role::Number) || !roles.contains(&Role::Measure) {
                        self.result = Some((
                            false,
                            vec!["Нужны хотя бы колонки «№» и «мероприятие».".into()],
                        ));
                        return Outcome::Done;
                    }
                    self.roles.confirmed = Some(roles);
                    self.roles.edited = None;
                    self.check_file(file, kind, cx);
                    return Outcome::Done;
                }
                Action::Down | Action::PageDown => {
                    let step = if action == Action::Down { 1 } else { page };
                    let max = preview_lines(&preview).len().saturating_sub(1);
                    Stage::Preview(file, kind, preview, (scroll + step).min(max))
                }
                Action::Up | Action::PageUp => {
                    let step = if action == Action::Up { 1 } else { page };
                    Stage::Preview(file, kind, preview, scroll.saturating_sub(step))
                }
                Action::Accept if preview.has_changes() && preview.rejected.is_empty() => {
                    self.import_file(file, kind, cx);
                    return Outcome::Done;
                }
                Action::Accept if !preview.rejected.is_empty() => {
                    self.result = Some((
                        false,
                        vec![
                            "В файле есть отклоненные строки: исправьте их и загрузите файл снова \
                             (или nok import … --skip-rejected)."
                                .into(),
                        ],
                    ));
                    Stage::Preview(file, kind, preview, scroll)
                }
                Action::Cancel => {
                    self.roles = RoleStep::default();
                    self.done(true, vec!["Загрузка отменена: база не изменилась.".into()]);
                    return Outcome::Done;
                }
                _ => Stage::Preview(file, kind, preview, scroll),
            },
        };
        Outcome::Done
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let result_h = self
            .result
            .as_ref()
            .map_or(0, |(_, l)| (l.len() as u16 + 2).min(8));
        let [main, result] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(result_h)]).areas(area);
        let height = main.height.saturating_sub(2) as usize;
        cx.page.set(height.max(1));
        let width = main.width.saturating_sub(2) as usize;
        let list = |title: String, choice: &Choice, frame: &mut Frame| {
            let offset = window(choice.offset, choice.selected, height);
            let lines: Vec<Line> = choice
                .items
                .iter()
                .enumerate()
                .skip(offset)
                .take(height)
                .map(|(i, item)| {
                    let text = cut(&printable(item), width.saturating_sub(2));
                    if i == choice.selected {
                        Line::styled(format!("› {text}"), t.selected())
                    } else {
                        Line::raw(format!("  {text}"))
                    }
                })
                .collect();
            frame.render_widget(
                Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
                main,
            );
        };
        match &self.stage {
            Stage::Menu => {
                let choice = Choice {
                    items: ACTIONS.iter().map(|a| a.to_string()).collect(),
                    selected: self.action,
                    offset: 0,
                };
                list(" Обмен данными ".into(), &choice, frame);
            }
            Stage::PublishCycle(_, c) if self.action == BUSGOV => {
                list(" Какой цикл выгрузить для bus.gov.ru ".into(), c, frame)
            }
            Stage::PublishCycle(_, c) if self.action == WORD => {
                list(" Документы Word: какой цикл ".into(), c, frame)
            }
            Stage::PublishCycle(_, c) => list(" Какой цикл опубликовать ".into(), c, frame),
            Stage::WordKinds(cycle, c) => list(
                format!(" Какой документ Word: цикл №{} ", cycle.id),
                c,
                frame,
            ),
            Stage::Writing(job) => draw_job(job, frame, main, cx),
            Stage::BusgovKinds(cycle, c) => {
                list(format!(" Что выгрузить: цикл №{} ", cycle.id), c, frame)
            }
            Stage::Exporting(job) => draw_job(job, frame, main, cx),
            Stage::Files(f) => list(
                format!(" Файл · {} ", printable(&f.dir.display().to_string())),
                &f.list,
                frame,
            ),
            Stage::Kinds(file, c) => {
                let seen = match (&self.guessed, &self.guessing) {
                    (Some(g), _) => format!(
                        "· похоже на «{}»: {} ",
                        FILE_KINDS
                            .iter()
                            .find(|k| k.0 == file_kind(g.kind))
                            .map_or("", |k| k.1),
                        printable(&g.because)
                    ),
                    (None, Some(_)) => "· читаю заголовок… ".to_string(),
                    (None, None) => String::new(),
                };
                list(
                    format!(" Что в файле {} {seen}", printable(&file_name(file))),
                    c,
                    frame,
                )
            }
            Stage::Target(_, FileKind::Workplan, _, c) => {
                list(" Чей это план: уполномоченный орган ".into(), c, frame)
            }
            Stage::Target(_, _, _, c) => list(" Для какого цикла ".into(), c, frame),
            Stage::Publishing(job) => draw_job(job, frame, main, cx),
            Stage::Checking(_, _, job) | Stage::Importing(job) => draw_job(job, frame, main, cx),
            Stage::SurveyChecking(_, _, job) | Stage::SurveyImporting(job) => {
                draw_job(job, frame, main, cx)
            }
            Stage::SurveyPreview(_, _, p, scroll) => {
                let lines: Vec<Line> = survey::preview_lines(p, true)
                    .into_iter()
                    .skip(*scroll)
                    .take(height)
                    .map(|l| {
                        let text = cut(&printable(&l), width);
                        let bad = l.contains("ВЫБОРКА МАЛА")
                            || l.starts_with("Не сопоставлено")
                            || l.starts_with("Организации не найдены")
                            || l.starts_with("Анкеты без части");
                        if bad {
                            Line::styled(text, t.bad())
                        } else {
                            Line::raw(text)
                        }
                    })
                    .collect();
                let title = if p.has_changes() && p.rejected.is_empty() {
                    " Анкеты: сопоставление, правила, счетчики — Enter: загрузить, Esc: отказаться "
                } else if p.rejected.is_empty() {
                    " Анкеты: загрузка ничего не изменит — Esc: назад "
                } else {
                    " Часть строк отклонена (список внизу) — база не изменится; Esc: назад "
                };
                frame.render_widget(
                    Paragraph::new(lines)
                        .block(Block::default().borders(Borders::ALL).title(title)),
                    main,
                );
            }
            Stage::Preview(_, _, p, scroll) => {
                let mut all = preview_lines(p);
                let roles = self.roles.lines(p);
                if !roles.is_empty() {
                    let at = 3.min(all.len());
                    all.splice(at..at, roles);
                }
                let lines: Vec<Line> = all
                    .into_iter()
                    .skip(*scroll)
                    .take(height)
                    .map(|(l, bad)| {
                        let text = cut(&printable(&l), width);
                        if bad {
                            Line::styled(text, t.bad())
                        } else {
                            Line::raw(text)
                        }
                    })
                    .collect();
                let title = if self.roles.needs_check(p) {
                    " Подтвердите роли колонок — Enter: проверить снова, Esc: отказаться "
                } else if p.has_changes() && p.rejected.is_empty() {
                    " Что изменит загрузка — Enter: загрузить, Esc: отказаться "
                } else if p.rejected.is_empty() {
                    " Загрузка ничего не изменит — Esc: назад "
                } else {
                    " Есть отклоненные строки — база не изменится; Esc: назад "
                };
                frame.render_widget(
                    Paragraph::new(lines)
                        .block(Block::default().borders(Borders::ALL).title(title)),
                    main,
                );
            }
        }
        if let Some((ok, lines)) = &self.result {
            let style = if *ok { t.good() } else { t.bad() };
            let text: Vec<Line> = lines
                .iter()
                .map(|l| Line::styled(printable(l).into_owned(), style))
                .collect();
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: true })
                    .block(Block::default().borders(Borders::ALL).title(" Итог ")),
                result,
            );
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn draw_job<T: Send + 'static>(job: &Job<T>, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let (done, total) = job.progress();
    let ratio = if total > 0 {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let [text, gauge, _] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Fill(1),
    ])
    .areas(area);
    let stage = job.stage();
    let mut lines = vec![Line::from(vec![
        Span::styled(printable(&job.what).into_owned(), t.header()),
        Span::styled(
            format!("  {}", seconds(job.elapsed().as_secs_f64())),
            t.dim(),
        ),
    ])];
    if job.cancelling() {
        lines.push(Line::styled("прерывается…", t.bad()));
    } else if !stage.is_empty() {
        lines.push(Line::styled(printable(&stage).into_owned(), t.dim()));
    }
    frame.render_widget(Paragraph::new(lines), text);
    let label = if total > 0 {
        format!("{done} из {total}")
    } else {
        "…".to_string()
    };
    frame.render_widget(
        Gauge::default()
            .block(Block::default().borders(Borders::ALL))
            .gauge_style(t.accent())
            .ratio(ratio)
            .label(label),
        gauge,
    );
}
