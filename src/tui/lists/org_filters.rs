//! The organization list's filters as data — sector, region, cycle, rating group, how the plan
//! is going — and whether an organization passes them. The popup that sets them is
//! `screens/org_filter.rs`.

use crate::store::Db as Connection;

use crate::domain::sector::Sector;
use crate::domain::text::printable;
use crate::store::browse::{self, OrgKey};
use crate::store::cycles;

/// How an organization's improvement plans are going, over all its cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    /// At least one open row is past its planned date.
    Overdue,
    /// Open rows remain, none overdue.
    InTime,
    /// Every row done or cancelled.
    Complete,
    /// No plan rows at all.
    NoPlan,
}

impl PlanState {
    pub const ALL: [PlanState; 4] = [
        PlanState::Overdue,
        PlanState::InTime,
        PlanState::Complete,
        PlanState::NoPlan,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PlanState::Overdue => "есть просроченные строки",
            PlanState::InTime => "выполняется в срок",
            PlanState::Complete => "план выполнен",
            PlanState::NoPlan => "нет плана",
        }
    }

    pub fn of(k: &OrgKey) -> PlanState {
        if k.plan_rows == 0 {
            PlanState::NoPlan
        } else if k.plan_overdue > 0 {
            PlanState::Overdue
        } else if k.plan_done + k.plan_cancelled >= k.plan_rows {
            PlanState::Complete
        } else {
            PlanState::InTime
        }
    }
}

/// A chosen cycle: its id and how it is named on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleChoice {
    pub id: i64,
    pub label: String,
}

impl CycleChoice {
    pub fn of(c: &cycles::CycleInfo) -> CycleChoice {
        CycleChoice {
            id: c.id,
            label: format!("№{} · {} · {} · {}", c.id, c.year, c.sector, c.authority),
        }
    }
}

/// The filters of the organization list; an organization is shown when it passes all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgFilters {
    pub sector: Option<Sector>,
    pub region: Option<String>,
    pub cycle: Option<CycleChoice>,
    pub group: Option<String>,
    pub plan: Option<PlanState>,
    /// Ids of the organizations in the chosen cycle and group, ascending; `None` when neither
    /// is chosen.
    members: Option<Vec<i64>>,
}

impl OrgFilters {
    pub fn is_empty(&self) -> bool {
        self.sector.is_none()
            && self.region.is_none()
            && self.cycle.is_none()
            && self.group.is_none()
            && self.plan.is_none()
    }

    pub fn matches(&self, k: &OrgKey) -> bool {
        self.sector.is_none_or(|s| k.sector == s)
            && self.region.as_ref().is_none_or(|r| &k.region == r)
            && self.plan.is_none_or(|p| PlanState::of(k) == p)
            && self
                .members
                .as_ref()
                .is_none_or(|m| m.binary_search(&k.id).is_ok())
    }

    /// Reads again which organizations the chosen cycle and group hold.
    pub fn load_members(&mut self, conn: &Connection) -> crate::store::Result<()> {
        self.members = if self.cycle.is_none() && self.group.is_none() {
            None
        } else {
            Some(browse::members(
                conn,
                self.cycle.as_ref().map(|c| c.id),
                self.group.as_deref(),
            )?)
        };
        Ok(())
    }

    /// The active filters, as the status line names them.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = self.sector {
            out.push(format!("сфера: {s}"));
        }
        if let Some(r) = &self.region {
            out.push(format!("регион: {}", printable(r)));
        }
        if let Some(c) = &self.cycle {
            out.push(format!("цикл №{}", c.id));
        }
        if let Some(g) = &self.group {
            out.push(format!("группа: {}", printable(g)));
        }
        if let Some(p) = self.plan {
            out.push(format!("план: {}", p.title()));
        }
        out
    }

    pub(crate) fn value(&self, dim: Dim) -> String {
        let text = match dim {
            Dim::Sector => self.sector.map(|s| s.to_string()),
            Dim::Region => self.region.clone(),
            Dim::Cycle => self.cycle.as_ref().map(|c| c.label.clone()),
            Dim::Group => self.group.clone(),
            Dim::Plan => self.plan.map(|p| p.title().to_string()),
        };
        text.unwrap_or_else(|| "все".to_string())
    }

    pub(crate) fn set(&mut self, value: Value) {
        match value {
            Value::Any(Dim::Sector) => self.sector = None,
            Value::Any(Dim::Region) => self.region = None,
            Value::Any(Dim::Cycle) => self.cycle = None,
            Value::Any(Dim::Group) => self.group = None,
            Value::Any(Dim::Plan) => self.plan = None,
            Value::Sector(s) => self.sector = Some(s),
            Value::Region(r) => self.region = Some(r),
            Value::Cycle(c) => self.cycle = Some(c),
            Value::Group(g) => self.group = Some(g),
            Value::Plan(p) => self.plan = Some(p),
        }
    }
}

/// One of the filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dim {
    Sector,
    Region,
    Cycle,
    Group,
    Plan,
}

pub(crate) const DIMS: [Dim; 5] = [Dim::Sector, Dim::Region, Dim::Cycle, Dim::Group, Dim::Plan];

impl Dim {
    pub(crate) fn title(self) -> &'static str {
        match self {
            Dim::Sector => "Сфера",
            Dim::Region => "Регион",
            Dim::Cycle => "Цикл оценки",
            Dim::Group => "Группа",
            Dim::Plan => "Выполнение плана",
        }
    }
}

/// A value a filter can take.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// No filter on this dimension.
    Any(Dim),
    Sector(Sector),
    Region(String),
    Cycle(CycleChoice),
    Group(String),
    Plan(PlanState),
}
