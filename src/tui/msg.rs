//! The terminal UI's vocabulary, the words its parts speak to each other: what a key means
//! ([`Action`]), where keys go ([`Mode`]), what the UI asks the worker thread for ([`Request`])
//! and what the worker sends back ([`Loaded`]).
//!
//! It imports nothing from the rest of `tui` but the organization list model
//! (`lists::organizations`), which [`Loaded::Orgs`] carries because the worker builds it off the
//! UI thread; `lists/` imports nothing from `tui` outside itself, so every file may use this one
//! without closing a circle.

use crate::store::cycles::CycleInfo;
use crate::store::first_steps::FirstSteps;
use crate::store::overview::{Overview, Scope};
use crate::store::plan_rows::Filter as PlanFilter;

use super::lists::organizations::OrgList;

/// What a key means, whatever key it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Down,
    Up,
    PageDown,
    PageUp,
    Home,
    End,
    Left,
    Right,
    NextScreen,
    PrevScreen,
    /// Go to tab N (0-based), from the digit keys.
    Screen(usize),
    StartSearch,
    StartCommand,
    Type(char),
    Backspace,
    Complete,
    Accept,
    Cancel,
    Help,
    SortNext,
    SortReverse,
    /// Open the screen's filters (`f`).
    Filter,
    /// Save what the screen lists (as filtered and sorted) to a file: CSV (`x`) or a workbook
    /// (`X`).
    Export {
        xlsx: bool,
    },
    /// A mouse click at this column and row of the terminal.
    Click {
        column: u16,
        row: u16,
    },
    /// Select row N of the current list (what a click on it means).
    Select(usize),
    /// Edit the selected row (`e`): opens its form.
    Edit,
    /// Edit the organization's identifiers (`r`, реквизиты) on its card.
    EditIdentity,
    /// Delete the selected record (`d`), after a question.
    Delete,
    /// Add a new record to what the screen lists (`a`, добавить).
    Add,
    /// Draft an improvement plan from the assessment (`p`, on the card).
    DraftPlan,
    /// Edit the shortcomings found (`n`, недостатки, on the card).
    EditShortcomings,
    /// Edit the cycle and the organization's membership in it (`c`, on the card).
    EditCycle,
    /// Undo the last change of the session (`u`).
    Undo,
    /// The respondents' proposals (`P`): of the organization on its card, of the cycle in
    /// «Рейтинг».
    Proposals,
    /// In a form: the next / previous field (Tab / Shift-Tab).
    NextField,
    PrevField,
    /// In a form: save (Ctrl-S).
    Save,
    /// Inside a text field: a move of the cursor or a delete forward.
    Caret(Caret),
}

/// What a key does to the cursor of a text field (only screens that are typing get these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caret {
    Left,
    Right,
    /// Home: the start of the line.
    Home,
    /// End: the end of the line.
    End,
    /// Ctrl/Alt+←: the start of this word or the one before.
    WordLeft,
    /// Ctrl/Alt+→: the start of the next word.
    WordRight,
    /// Delete: the character under the cursor.
    Delete,
}

/// Where keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// A text field of the screen has the keys (search).
    Search,
    /// The `:` command line has the keys.
    Command,
    /// The help overlay is open.
    Help,
}

/// Data sent by the worker thread.
#[derive(Debug)]
pub enum Loaded {
    /// Every cycle, oldest first.
    Cycles(Vec<CycleInfo>),
    Summary(Overview),
    /// How many plan rows a filter lists.
    PlanCount(PlanFilter, usize),
    /// The organization list, built (indexed, sorted) off the UI thread.
    Orgs(Box<OrgList>),
    /// What «Рейтинг» shows first (its default cycle ranked), read at start off the UI thread;
    /// the error of that read otherwise.
    Rating(Box<Result<crate::store::ranking::Start, String>>),
    /// How far the database is from empty to its first rating (the «Начало работы» guide);
    /// read with the cycles.
    FirstSteps(FirstSteps),
    Failed(String),
}

/// What the UI asks the worker for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Summary(Scope),
    /// Read the organization list again (after a change).
    Orgs,
    /// Read the list of cycles again (after a change).
    Cycles,
    /// Count the plan rows of these filters (the one shown first).
    PlanCounts(Vec<PlanFilter>),
}
