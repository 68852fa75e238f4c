//! Tables for people (`nok export table`): the cycle's rating, indicator values, improvement plans
//! and overdue plan rows, as Excel CSV (BOM, `;`, decimal comma, ДД.ММ.ГГГГ, formulas
//! neutralised) or xlsx. Rows are streamed from the store to the file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use rusqlite::Connection;

use crate::exchange::csv::{Cell, neutralise};
use crate::exchange::xlsx::XlsxTable;
use crate::service::methodology::Methods;
use crate::store::export_data::{self, PlanTableRow};

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableKind {
    /// Рейтинг: место, организация, ИНН, критерии, S, группа, место в группе.
    Rating,
    /// Значения всех показателей и критериев по организациям (с КПП, ОКТМО, regNum).
    Indicators,
    /// Строки планов по устранению недостатков (с КПП, ОКТМО, regNum организации).
    Plans,
    /// Просроченные строки планов (на дату --today).
    Overdue,
    /// Шаблон исходных данных цикла: строка на организацию, колонка на показатель методики
    /// (загружается обратно командой nok import inputs).
    Template,
}

impl TableKind {
    pub fn code(self) -> &'static str {
        match self {
            TableKind::Rating => "rating",
            TableKind::Indicators => "indicators",
            TableKind::Plans => "plans",
            TableKind::Overdue => "overdue",
            TableKind::Template => "template",
        }
    }

    /// Russian name (the sheet's name in a workbook).
    pub fn name_ru(self) -> &'static str {
        match self {
            TableKind::Rating => "Рейтинг",
            TableKind::Indicators => "Показатели",
            TableKind::Plans => "Планы",
            TableKind::Overdue => "Просрочено",
            TableKind::Template => "Исходные данные",
        }
    }
}

/// The file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FileFormat {
    /// CSV для Excel: UTF-8 с BOM, `;`, десятичная запятая.
    #[default]
    Csv,
    /// Книга Excel (.xlsx).
    Xlsx,
}

impl FileFormat {
    pub fn ext(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

/// Where rows go.
enum Sink {
    Csv(Box<::csv::Writer<Box<dyn Write>>>),
    Xlsx(Box<XlsxTable>),
}

impl Sink {
    fn push(&mut self, row: &[Cell]) -> anyhow::Result<()> {
        match self {
            Sink::Csv(w) => w.write_record(row.iter().map(|c| match c {
                Cell::Text(s) => neutralise(s).into_owned(),
                other => other.display().into_owned(),
            }))?,
            Sink::Xlsx(t) => t.push(row)?,
        }
        Ok(())
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// `None` when written to standard output.
    pub path: Option<PathBuf>,
    pub rows: u64,
}

/// A temporary name beside `path` (same folder, so the rename is atomic).
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "table".into());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

fn criterion_codes(methods: &Methods, version: &str) -> Vec<String> {
    methods
        .get(version)
        .map(|m| m.criteria.iter().map(|c| c.code.clone()).collect())
        .unwrap_or_else(|| (1..=5).map(|i| format!("К{i}")).collect())
}

fn indicator_codes(
    methods: &Methods,
    version: &str,
    sector: crate::domain::sector::Sector,
) -> Vec<String> {
    methods
        .get(version)
        .map(|m| {
            m.indicators_for(sector)
                .iter()
                .map(|i| i.code.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn plan_cells(r: &PlanTableRow, today: Option<NaiveDate>) -> Vec<Cell> {
    let p = &r.row;
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    };
    let person = [
        p.responsible.last_name.as_str(),
        p.responsible.first_name.as_str(),
        p.responsible.middle_name.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" ");
    let mut cells = vec![
        Cell::Text(r.org_name.clone()),
        Cell::Text(r.inn.clone()),
        text(&r.kpp),
        text(&r.oktmo),
        text(&r.reg_num),
        Cell::Text(p.number.clone()),
        Cell::Text(p.criterion.clone()),
        text(&p.shortcoming),
        Cell::Text(p.measure.clone()),
        Cell::Date(p.planned_date),
        text(&person),
        text(&p.responsible.position),
        Cell::Text(p.status.name_ru().to_string()),
    ];
    match today {
        Some(t) => cells.push(Cell::Int((t - p.planned_date).num_days())),
        None => {
            cells.push(p.actual_date.map_or(Cell::Empty, Cell::Date));
            cells.push(text(&p.implemented_measures));
        }
    }
    cells
}

/// Writes the table of the cycle to `out` (a file; `None` means standard output, CSV only).
/// A file is written under a temporary name beside it and renamed when complete.
pub fn write(
    conn: &Connection,
    methods: &Methods,
    kind: TableKind,
    cycle_id: i64,
    today: NaiveDate,
    format: FileFormat,
    out: Option<&Path>,
) -> anyhow::Result<Written> {
    let head = export_data::cycle_head(conn, cycle_id)?
        .with_context(|| format!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    let criteria = criterion_codes(methods, &head.methodology);
    let indicators = indicator_codes(methods, &head.methodology, head.sector);
    // The template is a region's organizations at most: read whole, then written as the rest.
    let template = match kind {
        TableKind::Template => Some(crate::service::inputs_template::build(
            conn, methods, cycle_id,
        )?),
        _ => None,
    };
    let headers: Vec<String> = match kind {
        TableKind::Template => template
            .as_ref()
            .map(|t| t.headers.clone())
            .unwrap_or_default(),
        TableKind::Rating => {
            let mut h = vec!["Место".to_string(), "Организация".into(), "ИНН".into()];
            h.extend(criteria.iter().cloned());
            h.extend(["S".into(), "Группа".into(), "Место в группе".into()]);
            h
        }
        TableKind::Indicators => {
            let mut h = vec![
                "Организация".to_string(),
                "ИНН".into(),
                "КПП".into(),
                "ОКТМО".into(),
                "regNum".into(),
                "Группа".into(),
            ];
            h.extend(indicators.iter().cloned());
            h.extend(criteria.iter().cloned());
            h.push("S".into());
            h.push("Часть".into());
            h
        }
        TableKind::Plans | TableKind::Overdue => {
            let mut h: Vec<String> = [
                "Организация",
                "ИНН",
                "КПП",
                "ОКТМО",
                "regNum",
                "№",
                "Критерий",
                "Недостаток",
                "Мероприятие",
                "Срок",
                "Ответственный",
                "Должность",
                "Статус",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            if kind == TableKind::Overdue {
                h.push("Просрочено, дней".into());
            } else {
                h.extend(["Дата выполнения".into(), "Реализованные меры".into()]);
            }
            h
        }
    };
    let temp = out.map(temp_beside);
    let mut sink = match (format, &temp) {
        (FileFormat::Xlsx, None) => {
            anyhow::bail!("книгу xlsx нельзя вывести на экран; укажите файл: --out ФАЙЛ.xlsx")
        }
        (FileFormat::Xlsx, Some(_)) => {
            Sink::Xlsx(Box::new(XlsxTable::new(kind.name_ru(), &headers)?))
        }
        (FileFormat::Csv, t) => {
            let mut w: Box<dyn Write> = match t {
                Some(t) => {
                    Box::new(BufWriter::new(File::create(t).with_context(|| {
                        format!("не удалось создать {}", t.display())
                    })?))
                }
                None => Box::new(BufWriter::new(std::io::stdout())),
            };
            w.write_all("\u{feff}".as_bytes())?;
            let mut csv = ::csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(::csv::Terminator::CRLF)
                .from_writer(w);
            csv.write_record(headers.iter().map(|h| neutralise(h).into_owned()))?;
            Sink::Csv(Box::new(csv))
        }
    };
    let result = match template {
        Some(t) => t
            .rows
            .iter()
            .try_for_each(|row| sink.push(row))
            .map(|()| t.rows.len() as u64),
        None => fill(conn, kind, &head, &criteria, &indicators, today, &mut sink),
    };
    let rows = match result {
        Ok(n) => n,
        Err(e) => {
            if let Some(t) = &temp {
                let _ = std::fs::remove_file(t);
            }
            return Err(e);
        }
    };
    match (sink, &temp, out) {
        (Sink::Csv(mut w), temp, out) => {
            w.flush()?;
            let inner = w
                .into_inner()
                .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
            drop(inner);
            if let (Some(t), Some(o)) = (temp, out) {
                File::open(t)?.sync_all()?;
                std::fs::rename(t, o)
                    .with_context(|| format!("не удалось записать {}", o.display()))?;
            }
        }
        (Sink::Xlsx(x), Some(t), Some(o)) => {
            x.save(t)
                .with_context(|| format!("не удалось записать {}", o.display()))?;
            std::fs::rename(t, o)
                .with_context(|| format!("не удалось записать {}", o.display()))?;
        }
        (Sink::Xlsx(_), _, _) => anyhow::bail!("книгу xlsx нельзя вывести на экран"),
    }
    Ok(Written {
        path: out.map(Path::to_path_buf),
        rows,
    })
}

fn fill(
    conn: &Connection,
    kind: TableKind,
    head: &export_data::CycleHead,
    criteria: &[String],
    indicators: &[String],
    today: NaiveDate,
    sink: &mut Sink,
) -> anyhow::Result<u64> {
    let mut n = 0u64;
    match kind {
        TableKind::Rating => {
            let codes: Vec<&str> = criteria.iter().map(String::as_str).collect();
            for r in crate::store::scores::rating(conn, head.id, &codes)? {
                let mut row = vec![
                    Cell::Int(i64::from(r.place)),
                    Cell::Text(r.org_name),
                    Cell::Text(r.inn),
                ];
                row.extend(
                    r.criteria
                        .iter()
                        .map(|v| v.map_or(Cell::Empty, |v| Cell::Dec(v, 2))),
                );
                row.push(Cell::Dec(r.total, 2));
                row.push(Cell::Text(r.group));
                row.push(Cell::Int(i64::from(r.group_place)));
                sink.push(&row)?;
                n += 1;
            }
        }
        TableKind::Indicators => {
            // Members assessed in parts: a row for the organization (its result formed from the
            // parts), then a row for each part, named in the last column.
            let parts = crate::store::org_parts::cycle_results(conn, head.id)?;
            let code = |s: &str| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            };
            let values_row = |r: &export_data::IndicatorRow,
                              values: &[(String, f64)],
                              total: Option<f64>,
                              part: &str| {
                let mut row = vec![
                    Cell::Text(r.org_name.clone()),
                    Cell::Text(r.inn.clone()),
                    code(&r.kpp),
                    code(&r.oktmo),
                    code(&r.reg_num),
                    Cell::Text(r.group.clone()),
                ];
                for code in indicators.iter().chain(criteria) {
                    row.push(
                        values
                            .iter()
                            .find(|(c, _)| c == code)
                            .map_or(Cell::Empty, |(_, v)| Cell::Dec(*v, 2)),
                    );
                }
                row.push(total.map_or(Cell::Empty, |t| Cell::Dec(t, 2)));
                row.push(if part.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(part.to_string())
                });
                row
            };
            export_data::for_each_indicator_row::<anyhow::Error>(conn, head.id, |r| {
                let of_member = parts.get(&r.membership_id);
                let label = if of_member.is_some() {
                    "организация в целом (среднее частей)"
                } else {
                    ""
                };
                sink.push(&values_row(r, &r.values, r.total, label))?;
                n += 1;
                for p in of_member.into_iter().flatten() {
                    sink.push(&values_row(r, &p.values, p.value("S"), &p.name))?;
                    n += 1;
                }
                Ok(())
            })?;
        }
        TableKind::Plans | TableKind::Overdue => {
            let overdue = (kind == TableKind::Overdue).then_some(today);
            export_data::for_each_plan_row::<anyhow::Error>(conn, head.id, overdue, |r| {
                sink.push(&plan_cells(r, overdue))?;
                n += 1;
                Ok(())
            })?;
        }
        // Written from the template read in `write`.
        TableKind::Template => {}
    }
    Ok(n)
}

/// The default file for a table: `exports/<table>_cycle<ID>.<ext>`; the inputs template
/// `exports/исходные-данные-цикл-<ID>.<ext>`.
pub fn default_path(dir: &Path, kind: TableKind, cycle_id: i64, format: FileFormat) -> PathBuf {
    if kind == TableKind::Template {
        // The name the guide of «Сводка» gives it (`x`), which README's first day loads back.
        return dir.join(format!(
            "{}{cycle_id}.{}",
            crate::service::inputs_template::FILE_STEM,
            format.ext()
        ));
    }
    dir.join(format!("{}_cycle{cycle_id}.{}", kind.code(), format.ext()))
}
