-- nok schema: an import of inputs marks the members it writes for the recompute (migration 022)
-- with one statement, instead of through a trigger on every value it writes.
--
--   recompute_dirty_bulk  a row here, for the length of an import's set-based writes of inputs
--                 (store::import_inputs::write_staged), stops the per-row triggers of 022 on
--                 inserts and updates of `indicator_input` and `org_part_input`; the import marks
--                 the member of every row it writes with one `INSERT … SELECT` into
--                 `recompute_dirty` and deletes the row, all in its transaction, so the row is
--                 never committed (the pattern of migration 019): a crash or a rollback takes it
--                 away with the writes, and every other connection (forms, undo, SQL by hand)
--                 sees an empty table, i.e. the triggers as before.
--
-- Why: an import of 100,000 rows writes 2.6 million values, and the trigger on each (a lookup
-- in `recompute_dirty`, one insert per member) cost 2.5–3 s of the import's 24 s of processor
-- (BENCHMARKS.md, «Сессия 11: пересчёт только изменившихся»).
--
-- What the import writes and what the triggers would have marked: a value of a member's own
-- (`indicator_input`, inserted or updated) → the member; a value of a part (`org_part_input`)
-- → the part's member; a membership or a part added → the member (those two triggers of 022
-- still fire, once per member or part). An import of inputs deletes nothing and changes no input
-- key (a new key is inserted, which drops no basis: see 022), so no basis is dropped by it.
-- The delete triggers, and every trigger on the other tables, are unchanged.
--
-- The name matches 022's `recompute_dirty*`, so what drops 022's tables drops this one too.
--
-- Measured (BENCHMARKS.md, «Сессия 12: отметки импорта исходных данных»): the import's user time
-- falls by ~3 s per 100,000 rows, but its system time rises by about as much (strace: 8.3
-- million `pread64` against 0.58 million with 022's triggers). The likely cause, not verified:
-- while the writes keep the small write cache (store::import_inputs::WRITE_CACHE_KIB) full of
-- dirty pages, SQLite drops a clean page as soon as it is released, and the condition below
-- reads this table's page — clean once spilled, never written again — on every value written.
--
-- The four triggers below are those of 022, word for word, each with the one condition more.

CREATE TABLE recompute_dirty_bulk (
    cycle_id INTEGER NOT NULL
);

DROP TRIGGER recompute_dirty_input_insert;
CREATE TRIGGER recompute_dirty_input_insert AFTER INSERT ON indicator_input
WHEN NOT EXISTS (SELECT 1 FROM recompute_dirty_bulk)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.membership_id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.membership_id);
END;

DROP TRIGGER recompute_dirty_input_update;
CREATE TRIGGER recompute_dirty_input_update AFTER UPDATE ON indicator_input
WHEN NOT EXISTS (SELECT 1 FROM recompute_dirty_bulk)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.membership_id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.membership_id);
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id = OLD.membership_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

DROP TRIGGER recompute_dirty_part_input_insert;
CREATE TRIGGER recompute_dirty_part_input_insert AFTER INSERT ON org_part_input
WHEN NOT EXISTS (SELECT 1 FROM recompute_dirty_bulk)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT org_part.membership_id FROM org_part WHERE id = NEW.part_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = org_part.membership_id);
END;

DROP TRIGGER recompute_dirty_part_input_update;
CREATE TRIGGER recompute_dirty_part_input_update AFTER UPDATE ON org_part_input
WHEN NOT EXISTS (SELECT 1 FROM recompute_dirty_bulk)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT org_part.membership_id FROM org_part WHERE id IN (OLD.part_id, NEW.part_id)
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = org_part.membership_id);
END;
