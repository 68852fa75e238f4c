//! «Предложения»: the respondents' free-text proposals of an organization (`P` on its card) or
//! of a whole cycle (`P` in «Рейтинг», or `f` here), each with its organization, part, date and
//! respondent and its text wrapped. `/` searches as one types (case and «ё» aside) and the line
//! above the list says «найдено N из M».
//!
//! Nothing here holds the whole table: a reader thread with its own connection counts what the
//! search finds (a COUNT in SQL) and reads the window of proposals around the one selected,
//! answering only the newest of the queries typing sends. The first windows are read by
//! LIMIT/OFFSET; further down, a window is read from a proposal of the one held (keyset on the
//! list's order, [`WindowStart`]) and End reads the last ones backwards, so that a page deep in
//! 100,000 proposals does not sort and step over all before it. `x`/`X` save the proposals as
//! found to CSV for Excel or xlsx on a thread of their own, streamed from the query to the file
//! ([`crate::service::survey::export_proposals`]).

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use crate::store::Db as Connection;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::domain::text::printable;
use crate::store::survey::{self as survey_store, Proposal, ProposalFilter, WindowStart};
use crate::tui::job::Job;
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen, SearchEvent, SearchField, navigate};

/// Whose proposals the screen lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub cycle_id: i64,
    pub year: i32,
    /// The organization: its membership in the cycle, ИНН and name; `None`: the whole cycle.
    pub org: Option<(i64, String, String)>,
}

/// A query for the reader: at most `limit` proposals the filter finds from `start` and, when
/// `recount`, how many it finds and how many there are without the search. `at` is the place
/// in the list of the window's first proposal (`Offset`, `After`) or of the one after its last
/// (`UpTo`, `Last`; for `Last` the count, replaced by the new one when recounted).
#[derive(Debug, Clone)]
struct Query {
    seq: u64,
    filter: ProposalFilter,
    start: WindowStart,
    at: usize,
    limit: usize,
    recount: bool,
}

/// What the reader answers to a query.
#[derive(Debug)]
struct Answer {
    seq: u64,
    /// (found, all), when the query asked for them.
    counts: Option<(usize, usize)>,
    offset: usize,
    /// The filter the rows were found by.
    filter: ProposalFilter,
    rows: Result<Vec<Proposal>, String>,
}

/// How many proposals the query's filter finds, and how many there are without its search.
fn counts(conn: &Connection, q: &Query) -> crate::store::Result<(usize, usize)> {
    let found = survey_store::proposal_count(conn, &q.filter)?;
    if q.filter.query.trim().is_empty() {
        return Ok((found, found));
    }
    let every = ProposalFilter {
        query: String::new(),
        ..q.filter.clone()
    };
    Ok((found, survey_store::proposal_count(conn, &every)?))
}

/// Runs one query on `conn`.
fn run(conn: &Connection, q: &Query) -> Answer {
    let read = q
        .recount
        .then(|| counts(conn, q))
        .transpose()
        .and_then(|c| {
            survey_store::proposal_window_at(conn, &q.filter, &q.start, q.limit).map(|r| (c, r))
        });
    match read {
        Ok((counts, rows)) => {
            let offset = match &q.start {
                WindowStart::Offset(_) | WindowStart::After(_) => q.at,
                WindowStart::UpTo(_) => q.at.saturating_sub(rows.len()),
                WindowStart::Last => counts
                    .map_or(q.at, |(found, _)| found)
                    .saturating_sub(rows.len()),
            };
            Answer {
                seq: q.seq,
                counts,
                offset,
                filter: q.filter.clone(),
                rows: Ok(rows),
            }
        }
        Err(e) => Answer {
            seq: q.seq,
            counts: None,
            offset: q.at,
            filter: q.filter.clone(),
            rows: Err(e.to_string()),
        },
    }
}

/// The reader thread's ends: queries go in, answers come out. The thread ends when the screen
/// drops its sender.
#[derive(Debug)]
struct Reader {
    queries: Sender<Query>,
    answers: Receiver<Answer>,
}

impl Reader {
    fn spawn(db: &Path) -> Reader {
        let (queries, qrx) = channel::<Query>();
        let (atx, answers) = channel::<Answer>();
        let db: PathBuf = db.to_path_buf();
        std::thread::spawn(move || {
            let conn = crate::store::open_existing(&db).and_then(|c| {
                crate::store::tune_for_browsing(&c)?;
                Ok(c)
            });
            while let Ok(mut q) = qrx.recv() {
                // Only the newest query matters (typing sends one a key); a count asked by
                // one skipped is still owed.
                while let Ok(next) = qrx.try_recv() {
                    let recount = q.recount || next.recount;
                    q = next;
                    q.recount = recount;
                }
                let answer = match &conn {
                    Ok(conn) => run(conn, &q),
                    Err(e) => Answer {
                        seq: q.seq,
                        counts: None,
                        offset: q.at,
                        filter: q.filter.clone(),
                        rows: Err(e.to_string()),
                    },
                };
                if atx.send(answer).is_err() {
                    return;
                }
            }
        });
        Reader { queries, answers }
    }
}

/// The proposals screen.
#[derive(Debug)]
pub struct ProposalsScreen {
    scope: Scope,
    /// Opened on an organization, listing the whole cycle now (`f`).
    whole_cycle: bool,
    search: SearchField,
    /// Proposals found, and in all (without the search).
    found: usize,
    all: usize,
    selected: usize,
    /// The first proposal shown.
    offset: usize,
    /// Proposals `rows_from..rows_from + rows.len()` of those found.
    rows: Vec<Proposal>,
    rows_from: usize,
    /// The filter `rows` were found by (a window is read from one of them only under it).
    rows_filter: Option<ProposalFilter>,
    reader: Option<Reader>,
    /// The newest query sent, and whether its answer is still awaited.
    seq: u64,
    waiting: bool,
    /// Counts were read at least once (before that, «Считаю…» instead of figures).
    counted: bool,
    /// The data changed while the screen was below another: read again when shown.
    stale: bool,
    error: Option<String>,
    notice: Option<String>,
    saving: Option<Job<(PathBuf, usize)>>,
    /// Lines of the list area and how many proposals fitted in the last frame.
    lines: Cell<usize>,
    fitted: Cell<usize>,
}

impl ProposalsScreen {
    /// The screen for `scope`, its first window asked for at once (read by a thread of its
    /// own when the database file is known, else on `cx.conn`).
    pub fn open(cx: &Ctx, scope: Scope) -> ProposalsScreen {
        let mut s = ProposalsScreen {
            scope,
            whole_cycle: false,
            search: SearchField::default(),
            found: 0,
            all: 0,
            selected: 0,
            offset: 0,
            rows: Vec::new(),
            rows_from: 0,
            rows_filter: None,
            reader: cx.db.map(Reader::spawn),
            seq: 0,
            waiting: false,
            counted: false,
            stale: false,
            error: None,
            notice: None,
            saving: None,
            lines: Cell::new(40),
            fitted: Cell::new(1),
        };
        s.ask(cx.conn, true);
        s
    }

    /// Whether a query or a save is still running (tests wait for it).
    pub fn busy(&self) -> bool {
        self.waiting || self.saving.is_some()
    }

    /// Proposals found by the search, and in all.
    pub fn counts(&self) -> (usize, usize) {
        (self.found, self.all)
    }

    /// The organization listed, `None` when the whole cycle is.
    fn org(&self) -> Option<&(i64, String, String)> {
        self.scope.org.as_ref().filter(|_| !self.whole_cycle)
    }

    fn filter(&self) -> ProposalFilter {
        ProposalFilter {
            cycle_id: self.scope.cycle_id,
            membership_id: self.org().map(|o| o.0),
            query: self.search.text.clone(),
        }
    }

    /// Asks for the window around the first proposal shown (and the counts, when `recount`):
    /// of the reader, or, without one (no database file known), on `conn` at once.
    fn ask(&mut self, conn: Option<&Connection>, recount: bool) {
        let lines = self.lines.get().max(1);
        let filter = self.filter();
        let (start, at, limit) = self.window_start(
            &filter,
            self.offset.saturating_sub(lines),
            lines * 3,
            recount,
        );
        let q = Query {
            seq: self.seq + 1,
            filter,
            start,
            at,
            limit,
            recount,
        };
        self.seq = q.seq;
        self.waiting = true;
        match (&self.reader, conn) {
            (Some(reader), _) => {
                if reader.queries.send(q).is_err() {
                    self.waiting = false;
                    self.error = Some("чтение предложений прервано сбоем".into());
                }
            }
            (None, Some(conn)) => {
                let answer = run(conn, &q);
                self.take(answer, Some(conn));
            }
            (None, None) => self.waiting = false,
        }
    }

    /// Where the window `from..from + limit` is read from (with the query's `at` and limit): the
    /// first windows by OFFSET; the last ones from the end; others from a proposal of the window
    /// held (keyset: the key's condition filters the rows before it, where OFFSET would sort
    /// and step over them), when it was found by the same filter and the counts stand.
    fn window_start(
        &self,
        filter: &ProposalFilter,
        from: usize,
        limit: usize,
        recount: bool,
    ) -> (WindowStart, usize, usize) {
        let held = !recount && !self.rows.is_empty() && self.rows_filter.as_ref() == Some(filter);
        if from < limit || (!held && !self.counted) {
            return (WindowStart::Offset(from), from, limit);
        }
        if from + limit >= self.found && !recount {
            return (
                WindowStart::Last,
                self.found,
                self.found.saturating_sub(from),
            );
        }
        if !held {
            return (WindowStart::Offset(from), from, limit);
        }
        let (first, end) = (self.rows_from, self.rows_from + self.rows.len());
        let key = |i: usize| self.rows[i - self.rows_from].key();
        if from > first {
            // Down: after the one before the window, or the last held.
            let a = (from - 1).min(end - 1);
            let n = from + limit - (a + 1);
            if n <= limit * 5 {
                return (WindowStart::After(key(a)), a + 1, n);
            }
        } else {
            // Up: up to the window's last, or the first held.
            let b = (from + limit - 1).clamp(first, end - 1);
            let n = b + 1 - from;
            if n <= limit * 5 {
                return (WindowStart::UpTo(key(b)), b + 1, n);
            }
        }
        (WindowStart::Offset(from), from, limit)
    }

    /// Takes an answer of the reader (only that of the newest query).
    fn take(&mut self, a: Answer, conn: Option<&Connection>) {
        if a.seq != self.seq {
            return;
        }
        self.waiting = false;
        match a.rows {
            Ok(rows) => {
                self.error = None;
                self.rows = rows;
                self.rows_from = a.offset;
                self.rows_filter = Some(a.filter);
            }
            Err(e) => {
                self.error = Some(e);
                return;
            }
        }
        if let Some((found, all)) = a.counts {
            self.found = found;
            self.all = all;
            self.counted = true;
            let last = found.saturating_sub(1);
            if self.selected > last || self.offset > last {
                self.selected = self.selected.min(last);
                self.offset = self.offset.min(self.selected);
                self.ask(conn, false);
            }
        }
    }

    /// Whether the window read holds the proposals from the first shown to a screenful on.
    fn covered(&self) -> bool {
        let want_to = (self.offset + self.lines.get().max(1)).min(self.found);
        self.offset >= self.rows_from && want_to <= self.rows_from + self.rows.len()
    }

    fn scope_words(&self) -> String {
        match self.org() {
            Some((_, inn, _)) => format!("организация ИНН {inn}, цикл №{}", self.scope.cycle_id),
            None => format!(
                "весь цикл №{} ({} год)",
                self.scope.cycle_id, self.scope.year
            ),
        }
    }

    fn export(&mut self, cx: &Ctx, xlsx: bool) -> Outcome {
        if self.saving.is_some() {
            return Outcome::Done;
        }
        let filter = self.filter();
        let dir = cx.save_dir();
        let org = self
            .org()
            .map(|(_, inn, _)| format!("-{inn}"))
            .unwrap_or_default();
        let stem = format!(
            "предложения-цикл{}{org}-{}",
            self.scope.cycle_id,
            cx.today.format("%d.%m.%Y")
        );
        match (cx.db, cx.conn) {
            (Some(db), _) => {
                self.saving = Some(Job::start(
                    "предложения в файл",
                    db,
                    move |conn, _, _| {
                        crate::service::survey::export_proposals(conn, &filter, &dir, &stem, xlsx)
                    },
                ));
                self.notice = Some(format!("сохраняю предложения: {}…", self.found));
            }
            (None, Some(conn)) => {
                let r = crate::service::survey::export_proposals(conn, &filter, &dir, &stem, xlsx)
                    .map_err(|e| format!("{e:#}"));
                self.notice = Some(saved_words(r));
            }
            (None, None) => {}
        }
        Outcome::Done
    }

    /// One proposal as lines `width` wide: a heading (organization, part, date, respondent,
    /// where in which file), then its text wrapped under it.
    fn item_lines(&self, p: &Proposal, width: usize, selected: bool, cx: &Ctx) -> Vec<Line<'_>> {
        let t = &cx.theme;
        let mut head: Vec<String> = Vec::new();
        if self.org().is_none() {
            head.push(format!("{} (ИНН {})", printable(&p.org_short), p.org_inn));
        }
        if !p.part.is_empty() {
            head.push(format!("часть «{}»", printable(&p.part)));
        }
        if let Some(at) = &p.answered_at {
            head.push(printable(at).into_owned());
        }
        if let Some(who) = &p.respondent {
            head.push(format!("респондент {}", printable(who)));
        }
        head.push(format!("{}, строка {}", printable(&p.source), p.line));
        let style = if selected { t.selected() } else { t.dim() };
        let marker = if selected { "› " } else { "  " };
        let mut out = vec![Line::styled(
            crate::service::table::cut(&format!("{marker}{}", head.join(" · ")), width),
            style,
        )];
        for chunk in crate::tui::format::wrap(&printable(&p.text), width.saturating_sub(4).max(12))
        {
            out.push(Line::from(vec![
                Span::raw("    "),
                Span::styled(chunk, Style::default()),
            ]));
        }
        out
    }
}

fn saved_words(r: Result<(PathBuf, usize), String>) -> String {
    match r {
        Ok((path, n)) => format!(
            "сохранено {}: {}",
            crate::domain::text::plural(n as u64, "предложение", "предложения", "предложений"),
            path.display()
        ),
        Err(e) => format!("не удалось сохранить предложения: {e}"),
    }
}

impl Screen for ProposalsScreen {
    fn title(&self) -> String {
        match self.org() {
            Some(_) => "Предложения".to_string(),
            None => format!("Предложения цикла №{}", self.scope.cycle_id),
        }
    }

    fn typing(&self) -> bool {
        self.search.active
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if self.search.active {
            return vec![("Enter", "готово"), ("Esc", "сбросить поиск")];
        }
        let mut k = vec![("↑↓ PgDn", "листать"), ("/", "поиск")];
        if self.scope.org.is_some() {
            k.push((
                "f",
                if self.whole_cycle {
                    "только организация"
                } else {
                    "весь цикл"
                },
            ));
        }
        k.push(("x X", "в CSV/xlsx"));
        k.push(("Esc", "назад"));
        k
    }

    fn status(&self) -> String {
        if let Some(n) = &self.notice {
            return format!(" {}", printable(n));
        }
        let pos = if self.found == 0 {
            0
        } else {
            self.selected + 1
        };
        let mut s = format!(" предложение {pos}/{} · {}", self.found, self.scope_words());
        if !self.search.text.is_empty() {
            s.push_str(&format!(" · поиск «{}»", printable(&self.search.text)));
        }
        s
    }

    fn activate(&mut self, cx: &Ctx) {
        if self.stale {
            self.stale = false;
            self.ask(cx.conn, true);
        }
    }

    fn data_changed(&mut self) {
        self.stale = true;
        // Places in the list may have moved: no window is read from the rows held.
        self.rows_filter = None;
    }

    fn tick(&mut self) -> bool {
        let mut changed = false;
        while let Some(reader) = &self.reader {
            let received = reader.answers.try_recv();
            match received {
                // A window asked again after a clamp goes to the same reader.
                Ok(answer) => self.take(answer, None),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.reader = None;
                    self.waiting = false;
                    self.error = Some("чтение предложений прервано сбоем".into());
                }
            }
            changed = true;
        }
        if let Some(job) = self.saving.as_mut()
            && let Some(result) = job.poll()
        {
            self.notice = Some(saved_words(result));
            self.saving = None;
            changed = true;
        }
        changed
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        if self.saving.is_none() {
            self.notice = None;
        }
        match self.search.handle(action) {
            SearchEvent::Changed => {
                self.selected = 0;
                self.offset = 0;
                self.ask(cx.conn, true);
                return Outcome::Done;
            }
            SearchEvent::Closed => return Outcome::Done,
            SearchEvent::NotMine => {}
        }
        match action {
            Action::Filter if self.scope.org.is_some() => {
                self.whole_cycle = !self.whole_cycle;
                self.selected = 0;
                self.offset = 0;
                self.ask(cx.conn, true);
                return Outcome::Done;
            }
            Action::Export { xlsx } => return self.export(cx, xlsx),
            _ => {}
        }
        let page = self.fitted.get().max(1);
        match navigate(action, self.selected, self.found, page) {
            Some(sel) => {
                self.selected = sel;
                if sel < self.offset {
                    self.offset = sel;
                } else if sel >= self.offset + page {
                    self.offset = sel + 1 - page;
                }
                if !self.covered() {
                    self.ask(cx.conn, false);
                }
                Outcome::Done
            }
            None if self.search.active => Outcome::Done,
            None => Outcome::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let [head, search, list] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(area);
        let who = match self.org() {
            Some((_, inn, name)) => format!("{} (ИНН {inn})", printable(name)),
            None => format!(
                "все организации цикла №{} ({} год)",
                self.scope.cycle_id, self.scope.year
            ),
        };
        let count = if self.counted {
            format!("Найдено {} из {}", self.found, self.all)
        } else {
            "Считаю…".to_string()
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(count, t.header()),
                Span::styled(if self.waiting { " (ищу…)" } else { "" }, t.dim()),
                Span::styled(" · предложения респондентов: ", t.title()),
                Span::raw(who),
            ])),
            head,
        );
        frame.render_widget(
            Paragraph::new(
                self.search
                    .line("слова предложения (регистр и «ё» не важны)", t),
            ),
            search,
        );
        let block = Block::default().borders(Borders::TOP);
        let inner = block.inner(list);
        frame.render_widget(block, list);
        self.lines.set(usize::from(inner.height).max(1));
        if let Some(e) = &self.error {
            frame.render_widget(
                Paragraph::new(format!("Ошибка: {}", printable(e))).style(t.bad()),
                inner,
            );
            return;
        }
        if self.counted && self.found == 0 {
            let text = if self.all == 0 {
                "Предложений нет: анкеты не загружены или в них нет предложений (загрузка: «Обмен» → анкеты получателей услуг)"
            } else {
                "Ничего не найдено: измените поиск (Esc — сбросить)"
            };
            frame.render_widget(
                Paragraph::new(text)
                    .style(t.dim())
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                inner,
            );
            return;
        }
        let width = usize::from(inner.width);
        let height = usize::from(inner.height);
        let at = |i: usize| i.checked_sub(self.rows_from).and_then(|k| self.rows.get(k));
        // From the first shown; if the selected one would not fit, start later so it does.
        let mut items: Vec<(usize, Vec<Line>)> = Vec::new();
        let mut i = self.offset;
        let mut used = 0;
        while used < height
            && i < self.found
            && let Some(p) = at(i)
        {
            let mut lines = self.item_lines(p, width, i == self.selected, cx);
            lines.truncate(height);
            used += lines.len();
            items.push((i, lines));
            i += 1;
        }
        while used > height && items.first().is_some_and(|(k, _)| *k < self.selected) {
            used -= items.remove(0).1.len();
        }
        // Near the end of the list: the ones before fill the room left, when they were read.
        while let Some(first) = items.first().map(|(k, _)| *k)
            && first > 0
            && let Some(p) = at(first - 1)
        {
            let lines = self.item_lines(p, width, false, cx);
            if used + lines.len() > height {
                break;
            }
            used += lines.len();
            items.insert(0, (first - 1, lines));
        }
        let fitted = items
            .iter()
            .scan(0, |sum, (_, l)| {
                *sum += l.len();
                Some(*sum)
            })
            .filter(|&s| s <= height)
            .count();
        self.fitted.set(fitted.max(1));
        let lines: Vec<Line> = items.into_iter().flat_map(|(_, l)| l).collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
