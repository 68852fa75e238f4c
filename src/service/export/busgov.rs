//! Exporting a cycle to bus.gov.ru: one packet per organization and document kind, into a package
//! (folder, manifest, zip). positionIds are kept in the store; a changed document gets the next
//! versionNumber; with `changed_only` unchanged documents are left out. Every packet is checked
//! with the portal's rules before it goes into the package: each value as it is written, and a
//! packet with a doubtful value by the full checker (`nok check` reads every file in full).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use rusqlite::Connection;

use crate::domain::methodology::Methodology;
use crate::exchange::busgov::check::{Violation, check_packet_str};
use crate::exchange::busgov::model::{
    CriterionValue, CycleFacts, Document, Envelope, IndicatorValue, InputValue, OperatorOut, Party,
    PlanDoc, PlanRowOut, PlanSection, Rating, ReportDoc, ReportRowOut, ResultsDoc, ShortcomingOut,
};
use crate::exchange::busgov::package::{self, Done, Line, PackageWriter, Paths};
use crate::exchange::busgov::writer::{same_content, write_packet};
use crate::exchange::busgov::{self, Kind};
use crate::service::methodology::Methods;
use crate::service::session;
use crate::store::StoreError;
use crate::store::audit::{self, Action};
use crate::store::export_data::{self, CycleHead, PartyRow, PlanMember, ResultsMember};
use crate::store::exports::{self, Exported};

/// What to export.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub cycle_id: i64,
    pub kinds: Vec<Kind>,
    /// The folder the package goes into (`exports/` by default).
    pub out_dir: PathBuf,
    /// Leave out documents that have not changed since their last export.
    pub changed_only: bool,
}

/// How far the export is: documents handled of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// A document that was not exported, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub kind: Kind,
    pub organization: String,
    pub inn: String,
    pub why: String,
}

/// A packet that failed the portal's rules (not put into the package).
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub file: String,
    pub organization: String,
    pub violations: Vec<Violation>,
}

/// What an export did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// The package, unless nothing was written.
    pub paths: Option<Paths>,
    /// Documents written, per kind (results, nok's plan, nok's report, the portal's plan: the
    /// order of [`Kind::ALL`]).
    pub written: [u64; 4],
    /// Of those, written with a raised versionNumber (changed since their last export).
    pub new_versions: u64,
    /// Written for the first time.
    pub first_time: u64,
    /// Left out as unchanged (`changed_only`).
    pub unchanged: u64,
    /// Not exported: no results (not scored). At most [`MAX_LISTED`] kept; `skipped_total` counts all.
    pub skipped: Vec<Skipped>,
    pub skipped_total: u64,
    /// Failed the rules. At most [`MAX_LISTED`] kept; `invalid_total` counts all.
    pub invalid: Vec<Invalid>,
    pub invalid_total: u64,
}

/// How many skipped or invalid documents are kept in detail (the rest are counted).
pub const MAX_LISTED: usize = 100;

/// The export was cancelled; nothing was written and nothing recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("выгрузка отменена; пакет не создан, в базе ничего не изменено")]
pub struct Cancelled;

fn party(p: &PartyRow) -> Party {
    Party {
        reg_num: p.reg_num.clone(),
        full_name: p.full_name.clone(),
        inn: p.inn.clone(),
        kpp: p.kpp.clone(),
    }
}

/// What the method says about the cycle's criteria and indicators, looked up once per export.
struct MethodFacts {
    /// Criteria (code, name) in the method's order; empty when the method is unknown. Names are
    /// shared by every document (no copy per organization).
    criteria: Vec<(String, Arc<str>)>,
    /// Indicator code → (criterion code, name).
    indicators: std::collections::HashMap<String, (String, Arc<str>)>,
}

impl MethodFacts {
    fn new(method: Option<&Methodology>, head: &CycleHead) -> MethodFacts {
        let criteria = method.map_or_else(Vec::new, |me| {
            me.criteria
                .iter()
                .map(|c| (c.code.clone(), Arc::from(c.name.as_str())))
                .collect()
        });
        let indicators = method.map_or_else(Default::default, |me| {
            me.indicators_for(head.sector)
                .into_iter()
                .map(|d| {
                    (
                        d.code.clone(),
                        (d.criterion.clone(), Arc::from(d.name.as_str())),
                    )
                })
                .collect()
        });
        MethodFacts {
            criteria,
            indicators,
        }
    }

    /// The criterion an indicator belongs to: from the method, else from its first digit
    /// (`2.3` → `К2`).
    fn criterion_of(&self, indicator: &str) -> std::borrow::Cow<'_, str> {
        match self.indicators.get(indicator) {
            Some((c, _)) => std::borrow::Cow::Borrowed(c),
            None => {
                std::borrow::Cow::Owned(format!("К{}", indicator.split('.').next().unwrap_or("")))
            }
        }
    }
}

/// The results document of one organization, or why there is none.
fn results_doc(
    head: &CycleHead,
    facts_of: &MethodFacts,
    m: &ResultsMember,
    parts: &[crate::store::org_parts::PartResult],
) -> Result<ResultsDoc, String> {
    let Some(score) = m.score else {
        return Err(match &m.score_error {
            Some(e) => format!("баллы не рассчитаны: {e}"),
            None => format!(
                "баллы не рассчитаны (выполните nok score --cycle {})",
                head.id
            ),
        });
    };
    let criterion_codes: Vec<(String, Arc<str>)> = if facts_of.criteria.is_empty() {
        m.parts
            .iter()
            .filter(|p| p.code.starts_with('К'))
            .map(|p| (p.code.clone(), Arc::from("")))
            .collect()
    } else {
        Vec::new()
    };
    let criterion_codes = if facts_of.criteria.is_empty() {
        &criterion_codes
    } else {
        &facts_of.criteria
    };
    let mut criteria = Vec::with_capacity(criterion_codes.len());
    for (code, name) in criterion_codes {
        let Some(part) = m.parts.iter().find(|p| &p.code == code) else {
            continue;
        };
        let indicators = m
            .parts
            .iter()
            .filter(|p| !p.code.starts_with('К') && facts_of.criterion_of(&p.code) == code.as_str())
            .map(|p| IndicatorValue {
                code: p.code.clone(),
                name: facts_of
                    .indicators
                    .get(&p.code)
                    .map_or_else(|| Arc::from(""), |(_, n)| n.clone()),
                value: p.value,
                inputs: m
                    .inputs
                    .iter()
                    .filter(|(k, _)| {
                        k.strip_prefix(p.code.as_str())
                            .is_some_and(|rest| rest.starts_with('.'))
                    })
                    .map(|(k, v)| InputValue {
                        key: k.clone(),
                        value: *v,
                    })
                    .collect(),
            })
            .collect();
        criteria.push(CriterionValue {
            code: code.clone(),
            name: name.clone(),
            value: part.value,
            place: part.place,
            indicators,
        });
    }
    if criteria.is_empty() {
        return Err("нет значений критериев (пересчитайте баллы: nok score)".into());
    }
    let operator = match (&head.operator_name, &head.operator_inn) {
        (Some(name), Some(inn)) if !name.trim().is_empty() => Some(OperatorOut {
            name: name.clone(),
            inn: inn.clone(),
            contract_number: head.contract_number.clone().unwrap_or_default(),
            contract_date: head.contract_date,
        }),
        _ => None,
    };
    let approval = match (&head.council_protocol_number, head.council_protocol_date) {
        (Some(n), Some(d)) if !n.trim().is_empty() => Some((n.clone(), d)),
        _ => None,
    };
    Ok(ResultsDoc {
        cycle: facts(head),
        methodology: head.methodology.clone(),
        group: m.group.clone(),
        respondents: m.respondents,
        criteria,
        total: score.total,
        rating: Rating {
            place: score.place,
            ranked: score.ranked,
            group_place: score.group_place,
            group_ranked: score.group_ranked,
        },
        parts: parts
            .iter()
            .map(|p| {
                let (criteria, indicators): (Vec<_>, Vec<_>) = p
                    .values
                    .iter()
                    .filter(|(c, _)| c != "S")
                    .cloned()
                    .partition(|(c, _)| c.starts_with('К'));
                crate::exchange::busgov::model::OrgPartOut {
                    name: p.name.clone(),
                    criteria,
                    indicators,
                    total: p.value("S"),
                }
            })
            .collect(),
        shortcomings: m
            .shortcomings
            .iter()
            .map(|s| ShortcomingOut {
                criterion: s.criterion.clone(),
                indicator: s.indicator.clone(),
                text: s.text.clone(),
            })
            .collect(),
        operator,
        approval,
        documents: Vec::new(),
    })
}

fn facts(head: &CycleHead) -> CycleFacts {
    CycleFacts {
        year: head.year,
        sector: head.sector.code().to_string(),
    }
}

/// The plan document of an organization. The texts only the plan shows are moved out of `m`
/// (the report, made after it, needs the others).
fn plan_doc(head: &CycleHead, method: Option<&Methodology>, m: &mut PlanMember) -> PlanDoc {
    let take = std::mem::take::<String>;
    let mut sections: Vec<PlanSection> = Vec::new();
    for r in &mut m.rows {
        if sections.last().is_none_or(|s| s.criterion != r.criterion) {
            sections.push(PlanSection {
                criterion: r.criterion.clone(),
                name: method
                    .and_then(|me| me.criterion(&r.criterion))
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                rows: Vec::new(),
            });
        }
        if let Some(s) = sections.last_mut() {
            s.rows.push(PlanRowOut {
                number: r.number.clone(),
                shortcoming: take(&mut r.shortcoming),
                measure: take(&mut r.measure),
                planned_date: r.planned_date,
                responsible: std::mem::take(&mut r.responsible),
                expected_result: take(&mut r.expected_result),
                result_indicators: take(&mut r.result_indicators),
            });
        }
    }
    PlanDoc {
        cycle: facts(head),
        sections,
    }
}

/// The report document of an organization; its texts are moved out of `m` (made last).
fn report_doc(head: &CycleHead, m: &mut PlanMember) -> ReportDoc {
    ReportDoc {
        cycle: facts(head),
        rows: m
            .rows
            .iter_mut()
            .map(|r| ReportRowOut {
                number: std::mem::take(&mut r.number),
                implemented_measures: std::mem::take(&mut r.implemented_measures),
                actual_date: r.actual_date,
                status: r.status,
                cancel_reason: r.cancel_reason.take().unwrap_or_default(),
            })
            .collect(),
    }
}

/// What the database is told about a packet once it is in the package.
struct Pending {
    kind: Kind,
    org_id: i64,
    position_id: String,
    version: i64,
    content_hash: String,
    header_id: String,
    /// Exported before (a receipt may have to be cleared).
    known: bool,
    /// 0 unchanged, 1 first export, 2 a new version.
    change: u8,
}

/// What became of a packet a worker rendered.
enum Note {
    /// In the package; to be recorded.
    Written(Pending),
    /// The same as last exported; left out (`changed_only`).
    Unchanged,
    /// Breaks the portal's rules; left out.
    Invalid(Invalid),
}

/// One packet as a worker renders it: everything needed to write it, decide its version and
/// check it.
struct PacketJob {
    doc: Document,
    placer: Arc<Party>,
    initiator: Party,
    created: Arc<str>,
    org_id: i64,
    position_id: String,
    /// The version and content fingerprint last exported, when it was.
    stored: Option<(i64, Option<String>)>,
    changed_only: bool,
    /// For the list of invalid packets.
    file: String,
    organization: String,
}

impl package::Render for PacketJob {
    type Note = Note;

    /// Writes the packet, decides its version (a new one when the content changed), and checks
    /// it: each value as it is written, and a doubtful packet in full.
    fn render(self, xml: &mut String) -> (Option<Line>, Note) {
        let kind = self.doc.kind();
        let mut env = Envelope {
            packet_id: busgov::new_packet_id(&self.position_id, 0),
            created: self.created.to_string(),
            position_id: self.position_id.clone(),
            change_date: self.created.to_string(),
            version: self.stored.as_ref().map_or(1, |s| s.0),
        };
        let written = write_packet(xml, &env, &self.placer, &self.initiator, &self.doc);
        let mut suspect = written.suspect;
        let same = |stored: &Option<String>| {
            stored
                .as_deref()
                .is_some_and(|s| same_content(s, &self.doc, xml, &written))
        };
        let change = match &self.stored {
            Some((_, stored)) if same(stored) => {
                if self.changed_only {
                    return (None, Note::Unchanged);
                }
                0
            }
            Some((version, _)) => {
                env.version = version + 1;
                env.packet_id = busgov::new_packet_id(&self.position_id, env.version);
                suspect = write_packet(xml, &env, &self.placer, &self.initiator, &self.doc).suspect;
                2
            }
            None => 1,
        };
        if suspect {
            let report = check_packet_str(xml);
            if report.errors() > 0 {
                return (
                    None,
                    Note::Invalid(Invalid {
                        file: self.file,
                        organization: self.organization,
                        violations: report.violations,
                    }),
                );
            }
        }
        let line = Line {
            kind,
            organization: self.organization,
            inn: self.initiator.inn,
            reg_num: self.initiator.reg_num,
            position_id: self.position_id.clone(),
            version: env.version,
        };
        (
            Some(line),
            Note::Written(Pending {
                kind,
                org_id: self.org_id,
                position_id: self.position_id,
                version: env.version,
                content_hash: written.content_hash,
                header_id: env.packet_id,
                known: self.stored.is_some(),
                change,
            }),
        )
    }
}

/// Takes in a packet handled (`package` is the package's folder name): records one written,
/// counts one left out.
fn record(
    conn: &Connection,
    cycle_id: i64,
    stamp: &str,
    package: &str,
    outcome: &mut Outcome,
    done: Done<'_, Note>,
) -> anyhow::Result<()> {
    let p = match done.note {
        Note::Written(p) => p,
        Note::Unchanged => {
            outcome.unchanged += 1;
            return Ok(());
        }
        Note::Invalid(invalid) => {
            outcome.invalid_total += 1;
            if outcome.invalid.len() < MAX_LISTED {
                outcome.invalid.push(invalid);
            }
            return Ok(());
        }
    };
    let Some((file, file_sha256)) = done.file else {
        bail!("пакет {package}: документ записан без имени файла");
    };
    if !p.kind.has_position() {
        // The portal's plan document: no position to keep, only its fingerprint (for
        // `--changed-only`).
        crate::store::plan_header::record_export(conn, cycle_id, p.org_id, &p.content_hash, stamp)?;
        outcome.written[Kind::ALL.iter().position(|k| *k == p.kind).unwrap_or(0)] += 1;
        match p.change {
            1 => outcome.first_time += 1,
            2 => outcome.new_versions += 1,
            _ => {}
        }
        return Ok(());
    }
    exports::record_export(
        conn,
        &Exported {
            kind: p.kind.code(),
            org_id: p.org_id,
            cycle_id,
            position_id: &p.position_id,
            version_number: p.version,
            content_hash: &p.content_hash,
            header_id: &p.header_id,
            file: &format!("{package}/{file}"),
            file_sha256,
            at: stamp,
            known: p.known,
        },
    )?;
    outcome.written[Kind::ALL.iter().position(|k| *k == p.kind).unwrap_or(0)] += 1;
    match p.change {
        1 => outcome.first_time += 1,
        2 => outcome.new_versions += 1,
        _ => {}
    }
    Ok(())
}

/// The state shared by the packets of one export.
struct Run<'a> {
    conn: &'a Connection,
    head: &'a CycleHead,
    placer: Arc<Party>,
    package: Option<PackageWriter<PacketJob>>,
    out_dir: PathBuf,
    package_name: String,
    changed_only: bool,
    /// `YYYY-MM-DDThh:mm:ss+03:00` of this export, and the local stamp stored.
    created: Arc<str>,
    stamp: String,
    /// Positions exported before, by kind (the order of [`Kind::ALL`]) and organization id.
    known: [std::collections::HashMap<i64, exports::Position>; 4],
    outcome: Outcome,
    done: u64,
    total: u64,
    cancel: &'a AtomicBool,
    progress: &'a mut dyn FnMut(Progress),
}

impl Run<'_> {
    fn step(&mut self) -> anyhow::Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Cancelled.into());
        }
        self.done += 1;
        if self.done.is_multiple_of(64) || self.done == self.total {
            (self.progress)(Progress {
                done: self.done,
                total: self.total,
            });
        }
        Ok(())
    }

    fn skip(&mut self, kind: Kind, org: &PartyRow, name: &str, why: String) {
        self.outcome.skipped_total += 1;
        if self.outcome.skipped.len() < MAX_LISTED {
            self.outcome.skipped.push(Skipped {
                kind,
                organization: name.to_string(),
                inn: org.inn.clone(),
                why,
            });
        }
    }

    /// Hands one packet to the package: a worker writes it, decides its version and checks it;
    /// it is recorded in the database once the package has it (see [`record`]).
    fn packet(
        &mut self,
        org_id: i64,
        org: &PartyRow,
        name: &str,
        doc: Document,
    ) -> anyhow::Result<()> {
        let kind = doc.kind();
        let at = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        let stored = self.known[at].remove(&org_id);
        let position_id = match &stored {
            Some(p) => p.position_id.clone(),
            None if !kind.has_position() => String::new(),
            None => busgov::position_id(
                kind,
                &org.reg_num,
                &org.inn,
                self.head.year,
                self.head.sector.code(),
                &self.head.authority.inn,
            ),
        };
        let file = busgov::file_name(kind, self.head.year, &org.reg_num, &org.inn);
        if self.package.is_none() {
            self.package = Some(PackageWriter::create(&self.out_dir, &self.package_name)?);
        }
        let Some(package) = self.package.as_mut() else {
            bail!("пакет не создан");
        };
        let job = PacketJob {
            doc,
            placer: self.placer.clone(),
            initiator: party(org),
            created: self.created.clone(),
            org_id,
            position_id,
            stored: stored.map(|p| (p.version_number, p.content_hash)),
            changed_only: self.changed_only,
            file: file.clone(),
            organization: name.to_string(),
        };
        let (conn, cycle_id, stamp) = (self.conn, self.head.id, &self.stamp);
        let outcome = &mut self.outcome;
        let package_name = package.name().to_string();
        package.add(&file, job, &mut |done| {
            record(conn, cycle_id, stamp, &package_name, outcome, done)
        })
    }
}

/// What the reading of a cycle hands to the export, organization by organization, in order.
enum Item {
    /// A document to export.
    Packet {
        org_id: i64,
        org: PartyRow,
        name: String,
        doc: Document,
    },
    /// A document that cannot be made (results not scored, the portal's plan lacking data).
    Skip {
        kind: Kind,
        org: PartyRow,
        name: String,
        why: String,
    },
    /// Documents of these many organization-kind pairs are not there (no plan rows).
    Nothing(u64),
}

/// What the reading needs to know about the export.
struct ReadPlan<'a> {
    head: &'a CycleHead,
    method: Option<&'a Methodology>,
    facts_of: &'a MethodFacts,
    kinds: &'a [Kind],
    members: u64,
    /// What the portal's plan documents need besides the rows, when they are exported.
    portal: Option<&'a super::portal_plan::CycleHeaders>,
}

/// Reads the cycle's data and makes the documents: results of every organization, then each
/// organization's plan and report (one walk over the plan rows gives both), passed to `sink` in
/// that order. Runs on its own thread with its own connection when the database is a file.
fn read_documents(
    conn: &Connection,
    r: &ReadPlan<'_>,
    sink: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let head = r.head;
    if r.kinds.contains(&Kind::Results) {
        // Members assessed in parts, by organization (one query; nothing for a cycle without).
        let parts = crate::store::org_parts::cycle_results_by_org(conn, head.id)?;
        export_data::for_each_results::<anyhow::Error>(conn, head.id, |m| {
            let of_org = parts.get(&m.org_id).map_or(&[][..], Vec::as_slice);
            sink(match results_doc(head, r.facts_of, m, of_org) {
                Ok(doc) => Item::Packet {
                    org_id: m.org_id,
                    org: m.org.clone(),
                    name: m.display_name.clone(),
                    doc: Document::Results(Box::new(doc)),
                },
                Err(why) => Item::Skip {
                    kind: Kind::Results,
                    org: m.org.clone(),
                    name: m.display_name.clone(),
                    why,
                },
            })
        })?;
    }
    let plan_kinds: Vec<Kind> = r
        .kinds
        .iter()
        .copied()
        .filter(|k| *k != Kind::Results)
        .collect();
    if !plan_kinds.is_empty() {
        let mut seen = 0u64;
        export_data::for_each_plan::<anyhow::Error>(conn, head.id, |m| {
            seen += 1;
            // The portal's plan first: it reads the rows without taking their texts.
            if let Some(portal) = r.portal {
                let doc = super::portal_plan::document(head, r.method, portal, m);
                let problems = crate::exchange::busgov::portal_plan::problems(&doc);
                sink(if problems.is_empty() {
                    Item::Packet {
                        org_id: m.org_id,
                        org: m.org.clone(),
                        name: m.display_name.clone(),
                        doc: Document::PortalPlan(Box::new(doc)),
                    }
                } else {
                    Item::Skip {
                        kind: Kind::PortalPlan,
                        org: m.org.clone(),
                        name: m.display_name.clone(),
                        why: problems.join("; "),
                    }
                })?;
            }
            // `plan_kinds` is sorted: the plan (which leaves the report's texts) comes first.
            for &kind in &plan_kinds {
                let doc = match kind {
                    Kind::Plan => Document::Plan(plan_doc(head, r.method, m)),
                    Kind::Report => Document::Report(report_doc(head, m)),
                    _ => continue,
                };
                sink(Item::Packet {
                    org_id: m.org_id,
                    org: m.org.clone(),
                    name: m.display_name.clone(),
                    doc,
                })?;
            }
            Ok(())
        })?;
        // Members without plan rows have nothing to publish; count them as handled.
        sink(Item::Nothing(
            r.members.saturating_sub(seen) * plan_kinds.len() as u64,
        ))?;
    }
    Ok(())
}

impl Run<'_> {
    fn take(&mut self, item: Item) -> anyhow::Result<()> {
        match item {
            Item::Packet {
                org_id,
                org,
                name,
                doc,
            } => {
                self.step()?;
                self.packet(org_id, &org, &name, doc)
            }
            Item::Skip {
                kind,
                org,
                name,
                why,
            } => {
                self.step()?;
                self.skip(kind, &org, &name, why);
                Ok(())
            }
            Item::Nothing(n) => {
                self.done += n;
                Ok(())
            }
        }
    }
}

/// Items on their way from the reading thread (memory stays flat), in batches of
/// [`READ_BATCH`] (one wake-up of a thread per batch).
const READ_AHEAD: usize = 64;
const READ_BATCH: usize = 16;

/// Exports the cycle's documents of the chosen kinds into a new package under `opts.out_dir`.
/// The database records (positions, versions, export log, audit) are committed only once the
/// package is complete; an error or a cancel leaves neither a package nor a change.
///
/// The connection keeps its own page cache: an export's positions are keyed by cycle and sit
/// together, so SQLite's default 2 MiB is enough (measured on a cycle of 442 organizations after
/// 30 exported: 6,812 page reads and 783 page writes with 2 MiB and with 64 MiB alike).
pub fn export(
    conn: &mut Connection,
    methods: &Methods,
    opts: &Options,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Outcome> {
    // Packages go into a folder: a file (or anything else) of that name is not one.
    if let Ok(meta) = std::fs::metadata(&opts.out_dir)
        && !meta.is_dir()
    {
        bail!(
            "{} — не папка: пакеты выгрузки пишутся в папку; укажите папку (--out ПАПКА), \
             существующую или новую",
            opts.out_dir.display()
        );
    }
    let head = export_data::cycle_head(conn, opts.cycle_id)?.with_context(|| {
        format!(
            "цикл {} не найден; список циклов: nok cycles",
            opts.cycle_id
        )
    })?;
    if opts.kinds.contains(&Kind::Results) && head.scores_stale {
        bail!(
            "баллы цикла {} устарели (исходные данные менялись после расчета); пересчитайте: nok score --cycle {}",
            head.id,
            head.id
        );
    }
    if head.authority.reg_num.trim().is_empty() {
        bail!(
            "у уполномоченного органа «{}» не указан код по Сводному реестру (regNum): он нужен в пакете как «кем сформировано» (placer)",
            head.authority.full_name
        );
    }
    let method = methods.get(&head.methodology);
    let facts_of = MethodFacts::new(method, &head);
    let members = export_data::member_count(conn, head.id)?;
    let now = chrono::Local::now();
    // Put in place what an export killed right after its commit left under a temporary name.
    package::complete_committed(&opts.out_dir, &mut |name| {
        Ok(exports::package_recorded(conn, name)?)
    })?;
    // IMMEDIATE: the write lock is taken now, not at the first record, so another writer cannot
    // slip in between the reads and the writes of this export.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(StoreError::from)?;
    let mut run = Run {
        conn: &tx,
        head: &head,
        placer: Arc::new(party(&head.authority)),
        package: None,
        out_dir: opts.out_dir.clone(),
        package_name: format!(
            "busgov_{}_{}_cycle{}_{}",
            head.year,
            head.sector.code(),
            head.id,
            now.format("%Y%m%d-%H%M%S")
        ),
        changed_only: opts.changed_only,
        created: now.format("%Y-%m-%dT%H:%M:%S%:z").to_string().into(),
        stamp: session::now_stamp(),
        known: Default::default(),
        outcome: Outcome::default(),
        done: 0,
        total: 0,
        cancel,
        progress,
    };
    let mut kinds = opts.kinds.clone();
    kinds.sort();
    kinds.dedup();
    run.total = members * kinds.len() as u64;
    (run.progress)(Progress {
        done: 0,
        total: run.total,
    });
    for (at, kind) in Kind::ALL.into_iter().enumerate() {
        if !kinds.contains(&kind) {
            continue;
        }
        run.known[at] = if kind.has_position() {
            exports::of_cycle(run.conn, kind.code(), head.id)?
        } else {
            // The portal's plan: what was exported before is known by its fingerprint alone.
            crate::store::plan_header::exported_hashes(run.conn, head.id)?
                .into_iter()
                .map(|(org_id, hash)| {
                    (
                        org_id,
                        exports::Position {
                            kind: kind.code().to_string(),
                            org_id,
                            cycle_id: head.id,
                            position_id: String::new(),
                            version_number: 1,
                            content_hash: Some(hash),
                            exported_at: None,
                            header_id: None,
                            file: None,
                            receipt: exports::ReceiptStatus::None,
                            receipt_at: None,
                            receipt_url: None,
                        },
                    )
                })
                .collect()
        };
    }
    let portal = if kinds.contains(&Kind::PortalPlan) {
        Some(super::portal_plan::CycleHeaders::read(run.conn, &head)?)
    } else {
        None
    };
    let read = ReadPlan {
        head: &head,
        method,
        facts_of: &facts_of,
        kinds: &kinds,
        members,
        portal: portal.as_ref(),
    };
    // The file's path, unless the database lives in memory.
    let path = run.conn.path().filter(|p| !p.is_empty()).map(PathBuf::from);
    match path {
        Some(path) => {
            // Reading and making the documents on a thread of its own; this thread hands them
            // to the package and records what the package wrote.
            std::thread::scope(|scope| -> anyhow::Result<()> {
                let (tx_items, rx_items) =
                    std::sync::mpsc::sync_channel::<Vec<Item>>(READ_AHEAD / READ_BATCH);
                let read = &read;
                let reader = std::thread::Builder::new()
                    .name("nok-export-read".into())
                    .spawn_scoped(scope, move || -> anyhow::Result<()> {
                        let conn = export_data::open_reader(&path)?;
                        // The receiver gone means the export stopped; its error says why.
                        let stopped = |_| anyhow::Error::new(Cancelled);
                        let mut batch = Vec::with_capacity(READ_BATCH);
                        read_documents(&conn, read, &mut |item| {
                            batch.push(item);
                            if batch.len() >= READ_BATCH {
                                let full =
                                    std::mem::replace(&mut batch, Vec::with_capacity(READ_BATCH));
                                tx_items.send(full).map_err(stopped)?;
                            }
                            Ok(())
                        })?;
                        tx_items.send(batch).map_err(stopped)
                    })?;
                let mut taken = Ok(());
                'items: for batch in rx_items {
                    for item in batch {
                        taken = run.take(item);
                        if taken.is_err() {
                            break 'items;
                        }
                    }
                }
                let read = match reader.join() {
                    Ok(r) => r,
                    Err(_) => Err(anyhow::anyhow!("сбой потока чтения данных выгрузки")),
                };
                // This thread's error first: the reader then only saw the channel close.
                taken?;
                read
            })?;
        }
        None => read_documents(run.conn, &read, &mut |item| run.take(item))?,
    }
    (run.progress)(Progress {
        done: run.total,
        total: run.total,
    });
    let package = run.package.take();
    let mut outcome = std::mem::take(&mut run.outcome);
    let stamp = run.stamp.clone();
    drop(run);
    if let Some(package) = package {
        let name = package.name().to_string();
        let finished =
            package.finish(&mut |done| record(&tx, head.id, &stamp, &name, &mut outcome, done))?;
        let written: u64 = outcome.written.iter().sum();
        if written == 0 {
            // Every packet was left out (unchanged or invalid): no package, nothing recorded
            // (dropping `finished` removes it).
            return Ok(outcome);
        }
        audit::record(
            &tx,
            &audit::Entry {
                at: &session::now_stamp(),
                os_user: &session::os_user(),
                action: Action::Bulk,
                entity: "export_position",
                entity_id: None,
                field: None,
                old_value: None,
                new_value: None,
                note: &format!(
                    "выгрузка bus.gov.ru: цикл {}, пакет {name}, документов {written} (впервые {}, новых версий {})",
                    head.id, outcome.first_time, outcome.new_versions
                ),
            },
        )?;
        // Committed first, renamed into place after: a failed commit drops (removes) the
        // package; a kill between the two leaves it under its temporary name, and the next
        // export into the folder finds it recorded and puts it in place.
        tx.commit().map_err(StoreError::from)?;
        outcome.paths = Some(finished.publish()?);
    }
    Ok(outcome)
}
