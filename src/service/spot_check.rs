//! Spot checks of improvement plans (выборочная проверка): draw a random sample of rows marked
//! done and record, for each, whether a person confirmed it — the verdict and its audit entry in
//! one transaction.

use anyhow::{Context, bail};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::store::audit::{self, Entry};
use crate::store::spot_check::{self, Scope, Verdict};

use super::session::{now_stamp, os_user};

/// Scopes up to this many rows are sampled from their id list; bigger ones by random probes.
const SMALL_SCOPE: usize = 20_000;

/// Probes per wanted row before a big scope gives up (it then returns what it found).
const PROBES_PER_ROW: usize = 2_000;

/// The longest note kept, in characters.
pub const NOTE_MAX: usize = 1_000;

/// SplitMix64: enough randomness to choose rows (no `rand` crate in the build).
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0), without modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// A seed that differs from run to run (the clock), so organizations cannot predict a sample.
pub fn fresh_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0x5EED, |d| d.as_nanos() as u64)
        ^ u64::from(std::process::id()).rotate_left(32)
}

/// Ids of up to `size` distinct rows marked done in `scope`, each equally likely, in the order
/// drawn. Fewer when the scope has fewer rows.
pub fn draw_sample(
    conn: &Connection,
    scope: Scope,
    size: usize,
    seed: u64,
) -> anyhow::Result<Vec<i64>> {
    let mut rng = Draw(seed);
    let total = spot_check::count_done(conn, scope)?;
    if total == 0 || size == 0 {
        return Ok(Vec::new());
    }
    if total <= SMALL_SCOPE.max(size) {
        // Partial Fisher–Yates over the id list.
        let mut ids = spot_check::done_ids(conn, scope)?;
        let take = size.min(ids.len());
        for i in 0..take {
            let j = i + rng.below((ids.len() - i) as u64) as usize;
            ids.swap(i, j);
        }
        ids.truncate(take);
        return Ok(ids);
    }
    // Rejection sampling: a uniform id in the id range, kept when it is a done row in scope.
    // Every eligible row is equally likely, whatever the gaps between ids.
    let Some((lo, hi)) = spot_check::id_bounds(conn)? else {
        return Ok(Vec::new());
    };
    let span = (hi - lo) as u64 + 1;
    let mut found: Vec<i64> = Vec::with_capacity(size);
    let mut probes = 0;
    while found.len() < size && probes < size * PROBES_PER_ROW {
        probes += 1;
        let id = lo + rng.below(span) as i64;
        if !found.contains(&id) && spot_check::done_in_scope(conn, id, scope)? {
            found.push(id);
        }
    }
    Ok(found)
}

/// Records `verdict` on the plan row `plan_row_id` by the current OS user, now, with its audit
/// entry, in one transaction. Refused when the row is gone or no longer marked done.
pub fn record(
    conn: &Connection,
    plan_row_id: i64,
    verdict: Verdict,
    note: &str,
) -> anyhow::Result<i64> {
    record_as(conn, plan_row_id, verdict, note, &now_stamp(), &os_user())
}

/// [`record`] with the time and user given.
pub fn record_as(
    conn: &Connection,
    plan_row_id: i64,
    verdict: Verdict,
    note: &str,
    at: &str,
    user: &str,
) -> anyhow::Result<i64> {
    let note: String = note.trim().chars().take(NOTE_MAX).collect();
    // IMMEDIATE: take the write lock now (waiting up to the busy timeout for another session),
    // so the check of the row and the insert see the same state.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .context("база данных занята другим пользователем; повторите через минуту")?;
    let Some((status, number, org)) = spot_check::row_subject(&tx, plan_row_id)? else {
        bail!("строка плана (id {plan_row_id}) не найдена: ее удалили; обновите список");
    };
    if status != "done" {
        bail!("строка плана № {number} ({org}) больше не отмечена выполненной; обновите список");
    }
    let id = spot_check::insert(&tx, plan_row_id, at, user, verdict, &note)?;
    let mut what = format!(
        "выборочная проверка строки плана № {number} ({org}, id {plan_row_id}): {}",
        verdict.name_ru()
    );
    if !note.is_empty() {
        what.push_str(&format!("; примечание: {note}"));
    }
    audit::record(
        &tx,
        &Entry {
            at,
            os_user: user,
            action: audit::Action::Insert,
            entity: "spot_check",
            entity_id: Some(id),
            field: Some("verdict"),
            old_value: None,
            new_value: Some(verdict.code()),
            note: &what,
        },
    )?;
    tx.commit()?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_uniform_enough_and_in_range() {
        let mut d = Draw(7);
        let mut hits = [0u32; 5];
        for _ in 0..5_000 {
            hits[d.below(5) as usize] += 1;
        }
        assert!(hits.iter().all(|&h| (800..1200).contains(&h)), "{hits:?}");
    }
}
