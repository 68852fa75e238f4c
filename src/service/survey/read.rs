//! Read stage: the file opened as a stream of rows ([`SurveyRows`]) and its header row found
//! among the first rows (the one naming the most questions), with the rows just above it (merged
//! group cells). The rows read past the header are kept and come first in [`Header::next_row`].

use anyhow::bail;

use super::columns::{normalized, special};
use crate::domain::questionnaire::{HeaderMatch, Questionnaire, SavedMapping, normalize_header};
use crate::exchange::import::Row;
use crate::exchange::survey::SurveyRows;

/// How many rows at the top of a file are looked at for the header.
pub(super) const HEADER_SEARCH_ROWS: usize = 30;

/// The file past its first rows: the header, the rows above it, and the rows to come.
pub(super) struct Header {
    pub rows: SurveyRows,
    pub header: Row,
    /// At most two rows above the header, top first.
    pub above: Vec<Row>,
    /// The widest of the header's and the rows' above it.
    pub width: usize,
    /// Rows read after the header while looking for it.
    buffered: std::vec::IntoIter<Row>,
}

impl Header {
    /// The next row of responses into `row`; `false` at the end of the file.
    pub fn next_row(&mut self, row: &mut Row) -> anyhow::Result<bool> {
        if let Some(r) = self.buffered.next() {
            *row = r;
            return Ok(true);
        }
        Ok(self.rows.next_into(row)?)
    }
}

/// Reads the first rows of `rows` and finds the header among them: the row with the most cells
/// naming a question of `candidates` (by text or by the saved mapping), then the most known
/// columns; the first such row.
pub(super) fn read_header(
    mut rows: SurveyRows,
    qn: &Questionnaire,
    candidates: &[usize],
    mapping: &SavedMapping,
) -> anyhow::Result<Header> {
    let mut head: Vec<Row> = Vec::new();
    while head.len() < HEADER_SEARCH_ROWS {
        match rows.next_row()? {
            Some(r) => head.push(r),
            None => break,
        }
    }
    if head.iter().all(Row::is_blank) {
        bail!("файл {} пуст: в нем нет ни одной строки", rows.source);
    }
    let mapping_norm = normalized(mapping);
    // A row's score: (cells naming a question, cells naming a question or a known column).
    let score = |r: &Row| {
        let questions = r
            .cells
            .iter()
            .filter(|c| {
                mapping.columns.contains_key(c.as_str())
                    || mapping_norm.contains_key(&normalize_header(c))
                    || !matches!(qn.match_header(c, candidates), HeaderMatch::None)
            })
            .count();
        let known = r.cells.iter().filter(|c| special(c).is_some()).count();
        (questions, questions + known)
    };
    let Some(at) = head
        .iter()
        .enumerate()
        .map(|(i, r)| (i, score(r)))
        .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
        .filter(|&(_, (q, all))| q >= 1 && all >= 2)
        .map(|(i, _)| i)
    else {
        bail!(
            "в файле {} не найдена строка заголовка: ни в одной из первых {HEADER_SEARCH_ROWS} строк нет колонок с вопросами анкеты (например «{}»). Проверьте, что это выгрузка анкет, или сопоставьте колонки файлом --mapping",
            rows.source,
            qn.questions[candidates[0]].text
        );
    };
    let width = head[..=at].iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let rest: Vec<Row> = head.drain(at + 1..).collect();
    let header = head.remove(at);
    let above: Vec<Row> = head.drain(at.saturating_sub(2)..).collect();
    Ok(Header {
        rows,
        header,
        above,
        width,
        buffered: rest.into_iter(),
    })
}
