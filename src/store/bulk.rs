//! Inserting many domain values fast inside one caller-owned transaction (the demo database and
//! the imports). Statements are prepared once and cached.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, iso};
use crate::domain::council::CouncilMeeting;
use crate::domain::cycle::{Cycle, Membership};
use crate::domain::org::{Authority, Organization};
use crate::domain::plan::PlanRow;
use crate::domain::scoring::Inputs;
use crate::domain::shortcoming::Shortcoming;
use crate::domain::workplan::{TargetIndicator, Workplan, WorkplanItem, WorkplanSection};

/// Writes domain values into the store. Wrap the calls in a transaction for speed and atomicity.
pub struct BulkWriter<'c> {
    conn: &'c Connection,
    /// Input keys interned in `input_key`, by key text.
    key_ids: HashMap<String, i64>,
}

impl<'c> BulkWriter<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        BulkWriter {
            conn,
            key_ids: HashMap::new(),
        }
    }

    /// The connection written to (for writers of other tables in the same transaction).
    pub fn conn(&self) -> &'c Connection {
        self.conn
    }

    pub fn authority(&mut self, a: &Authority) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO authority (name, short_name, region, sector, inn, kpp, ogrn, reg_num, website)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                a.name,
                a.short_name,
                a.region,
                a.sector.map(|s| s.code()),
                a.inn,
                a.kpp,
                a.ogrn,
                a.reg_num,
                a.website
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn organization(&mut self, o: &Organization) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO organization (full_name, short_name, inn, kpp, ogrn, reg_num, sector, region,
                                           oktmo, address, website, founder_id, active)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                o.full_name,
                o.short_name,
                o.inn,
                o.kpp,
                o.ogrn,
                o.reg_num,
                o.sector.code(),
                o.region,
                o.oktmo,
                o.address,
                o.website,
                o.founder_id,
                o.active
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn cycle(&mut self, c: &Cycle) -> Result<i64> {
        let op = c.operator.as_ref();
        self.conn
            .prepare_cached(
                "INSERT INTO cycle (year, sector, authority_id, region, operator_name, operator_inn,
                                    contract_number, contract_date, council_protocol_number,
                                    council_protocol_date, status, methodology)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                c.year,
                c.sector.code(),
                c.authority_id,
                c.region,
                op.map(|o| &o.name),
                op.map(|o| &o.inn),
                op.map(|o| &o.contract_number),
                op.and_then(|o| o.contract_date).map(iso),
                c.council_protocol_number,
                c.council_protocol_date.map(iso),
                c.status.code(),
                c.methodology
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Adds an organization to a cycle with its raw inputs, and marks the cycle's scores stale.
    pub fn membership(&mut self, m: &Membership, inputs: &Inputs) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO membership (cycle_id, org_id, grp, respondents) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![m.cycle_id, m.org_id, m.group, m.respondents])?;
        let membership_id = self.conn.last_insert_rowid();
        for (key, value) in inputs.iter() {
            let key_id = self.key_id(key)?;
            self.conn
                .prepare_cached(
                    "INSERT INTO indicator_input (membership_id, key_id, value) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![membership_id, key_id, value])?;
        }
        self.conn
            .prepare_cached("UPDATE cycle SET scores_stale = 1 WHERE id = ?1 AND scores_stale = 0")?
            .execute([m.cycle_id])?;
        Ok(membership_id)
    }

    /// The id of an input key, interning it on first use.
    fn key_id(&mut self, key: &str) -> Result<i64> {
        if let Some(&id) = self.key_ids.get(key) {
            return Ok(id);
        }
        let existing: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM input_key WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                self.conn
                    .prepare_cached("INSERT INTO input_key (key) VALUES (?1)")?
                    .execute([key])?;
                self.conn.last_insert_rowid()
            }
        };
        self.key_ids.insert(key.to_string(), id);
        Ok(id)
    }

    pub fn shortcoming(&mut self, s: &Shortcoming) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO shortcoming (cycle_id, org_id, criterion, indicator, input_key, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                s.cycle_id,
                s.org_id,
                s.criterion,
                s.indicator,
                s.input_key,
                s.text
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn plan_row(&mut self, r: &PlanRow) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO plan_row (cycle_id, org_id, number, criterion, shortcoming_id, shortcoming,
                     measure, planned_date, resp_last_name, resp_first_name, resp_middle_name,
                     resp_position, expected_result, result_indicators, implemented_measures,
                     actual_date, status, cancel_reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?
            .execute(params![
                r.cycle_id,
                r.org_id,
                r.number,
                r.criterion,
                r.shortcoming_id,
                r.shortcoming,
                r.measure,
                iso(r.planned_date),
                r.responsible.last_name,
                r.responsible.first_name,
                r.responsible.middle_name,
                r.responsible.position,
                r.expected_result,
                r.result_indicators,
                r.implemented_measures,
                r.actual_date.map(iso),
                r.status.code(),
                r.cancel_reason
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn workplan(&mut self, w: &Workplan) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO workplan (authority_id, title, year_from, year_to, approved_by, approved_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                w.authority_id,
                w.title,
                w.year_from,
                w.year_to,
                w.approved_by,
                w.approved_on.map(iso)
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn workplan_section(&mut self, s: &WorkplanSection) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO workplan_section (workplan_id, number, title, position) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![s.workplan_id, s.number, s.title, s.position])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn workplan_item(&mut self, i: &WorkplanItem) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO workplan_item (workplan_id, section_id, parent_id, number, position, measure,
                     form, deadline_text, deadline_due, status, completed_on, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                i.workplan_id,
                i.section_id,
                i.parent_id,
                i.number,
                i.position,
                i.measure,
                i.form,
                i.deadline_text,
                i.deadline_due.map(iso),
                i.status.code(),
                i.completed_on.map(iso),
                i.note
            ])?;
        let item_id = self.conn.last_insert_rowid();
        for (pos, name) in i.executors.iter().enumerate() {
            self.conn
                .prepare_cached(
                    "INSERT INTO workplan_executor (item_id, position, name) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![item_id, pos as i64, name])?;
        }
        Ok(item_id)
    }

    pub fn target_indicator(&mut self, t: &TargetIndicator) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO target_indicator (workplan_id, number, name, unit) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![t.workplan_id, t.number, t.name, t.unit])?;
        let id = self.conn.last_insert_rowid();
        for v in &t.values {
            self.conn
                .prepare_cached(
                    "INSERT INTO target_value (indicator_id, year, planned, actual) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, v.year, v.planned, v.actual])?;
        }
        Ok(id)
    }

    pub fn council_meeting(&mut self, m: &CouncilMeeting) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO council_meeting (authority_id, cycle_id, date, protocol_number, agenda, decisions)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                m.authority_id,
                m.cycle_id,
                iso(m.date),
                m.protocol_number,
                m.agenda,
                m.decisions
            ])?;
        Ok(self.conn.last_insert_rowid())
    }
}
