//! Reading the portal's receipt (`confirmation`): each position it names is marked accepted or
//! rejected with its violations; positions it does not know are reported.

use std::path::Path;

use rusqlite::Connection;

use crate::exchange::busgov::receipt::{self, Confirmation, Outcome, PortalViolation};
use crate::service::session;
use crate::store::audit::{self, Action};
use crate::store::exports::{self, StoredViolation};

/// What a receipt changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub confirmation: Confirmation,
    /// Positions marked accepted / rejected.
    pub accepted: u64,
    pub rejected: u64,
    /// refPositionIds (or the packet's refId) that no export of this database has.
    pub unknown: Vec<String>,
}

fn stored(v: &[PortalViolation]) -> Vec<StoredViolation> {
    v.iter()
        .map(|v| StoredViolation {
            code: v.code.clone(),
            level: v.level.clone(),
            name: v.name.clone(),
            description: v.description.clone(),
        })
        .collect()
}

/// Reads the receipt at `path` and records it, in one transaction with an audit entry.
pub fn apply(conn: &mut Connection, path: &Path) -> anyhow::Result<Summary> {
    let shown = path.display().to_string();
    let bytes = crate::exchange::busgov::check::read_file(path, &shown)?;
    let confirmation = receipt::parse(&shown, &bytes)?;
    let at = session::now_stamp();
    let tx = conn.transaction()?;
    let (mut accepted, mut rejected) = (0u64, 0u64);
    let c = &confirmation;
    let mut mark = |position_id: &str,
                    ok: bool,
                    v: &[PortalViolation],
                    url: Option<&str>|
     -> anyhow::Result<()> {
        exports::record_receipt(&tx, position_id, ok, &stored(v), url, &at)?;
        if ok {
            accepted += 1;
        } else {
            rejected += 1;
        }
        Ok(())
    };
    let mut unknown = Vec::new();
    if c.positions.is_empty() {
        // A packet-level answer: it concerns the positions sent in that packet.
        match &c.ref_id {
            Some(ref_id) => {
                let positions = exports::by_header_id(&tx, ref_id)?;
                if positions.is_empty() {
                    unknown.push(ref_id.clone());
                }
                for p in positions {
                    mark(
                        &p.position_id,
                        c.result == Outcome::Success,
                        &c.violations,
                        None,
                    )?;
                }
            }
            None => anyhow::bail!(
                "{shown}: в протоколе нет ни позиций (positionResult), ни идентификатора пакета (refId) — не к чему отнести результат"
            ),
        }
    } else {
        for p in &c.positions {
            if exports::by_position_id(&tx, &p.ref_position_id)?.is_none() {
                unknown.push(p.ref_position_id.clone());
                continue;
            }
            let mut violations = p.violations.clone();
            // Packet-level violations apply to every position of a failed packet.
            if p.result == Outcome::Failure {
                violations.extend(c.violations.iter().cloned());
            }
            mark(
                &p.ref_position_id,
                p.result == Outcome::Success,
                &violations,
                p.url.as_deref(),
            )?;
        }
    }
    let summary = Summary {
        confirmation: confirmation.clone(),
        accepted,
        rejected,
        unknown,
    };
    let note = format!(
        "протокол загрузки bus.gov.ru {shown}: принято {}, отклонено {}, неизвестных позиций {}",
        summary.accepted,
        summary.rejected,
        summary.unknown.len()
    );
    audit::record(
        &tx,
        &audit::Entry {
            at: &at,
            os_user: &session::os_user(),
            action: Action::Bulk,
            entity: "export_position",
            entity_id: None,
            field: Some("receipt_status"),
            old_value: None,
            new_value: None,
            note: &note,
        },
    )?;
    tx.commit()?;
    Ok(summary)
}
