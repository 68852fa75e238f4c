-- nok schema: what a recompute must redo, marked in the transaction of every write by triggers
-- (forms, imports, undo, the CLI, SQL by hand), so that a recompute reads and scores only the
-- members whose result can have changed (service::recompute, «Что пересчитывается»).
--
--   recompute_basis  one row per cycle whose stored results are exactly what a full recompute
--                    would store, except for the members in recompute_dirty; `method` is the
--                    fingerprint of the method data they were computed with
--                    (service::recompute::method_fingerprint: the method comes from files, which
--                    no trigger sees). No row: the next recompute of the cycle is a full one.
--                    A change to anything every member of a cycle depends on deletes the row.
--   recompute_dirty  members whose inputs or results may have changed since the last recompute
--                    of their cycle. Keyed by member alone, so that the trigger on each of the
--                    millions of input rows an import writes is one insert that usually finds
--                    the row already there. A row of a member that no longer exists means
--                    nothing (readers join membership).
--   recompute_writing  a row here, for the length of a recompute's own writes of results (never
--                    committed: inserted and deleted in its transaction), keeps the triggers on
--                    the result tables from marking what the recompute itself writes.
--
-- What a member's stored result depends on (what service::recompute reads), and the trigger
-- that marks it:
--   its inputs (indicator_input)                         → the member
--   its parts, their names and inputs (org_part, org_part_input) → the member
--   its group, its organization (membership.grp, .org_id) → the member
--   its organization's names (in the messages of members that cannot be scored) → its members
--   its being a member (membership inserted)             → the member
--   the cycle's method version and sector (cycle)        → the whole cycle
--   the set of members (membership deleted or moved)     → the whole cycle (the places of all)
--   the names of input keys (input_key updated or deleted) → every cycle
--   the stored results themselves, when written by anything but the recompute (score,
--   score_parts, org_part_result, membership.score_error) → the member
-- Places, ranks and the cycle's figures depend on every member's values: a recompute that has
-- anything to redo ranks the whole cycle again from the stored values and the new ones.
-- A new input key needs nothing: foreign keys keep inputs from naming a key that is not there.
--
-- A mark is inserted only where none is (`WHERE NOT EXISTS`), never by `INSERT OR IGNORE`: the
-- conflict policy of the statement that fires a trigger overrides the trigger's own, so under an
-- import's upsert (`ON CONFLICT … DO UPDATE`) an `OR IGNORE` mark of a member already marked
-- failed the import.

CREATE TABLE recompute_basis (
    cycle_id INTEGER PRIMARY KEY,
    method   TEXT NOT NULL
);

CREATE TABLE recompute_dirty (
    membership_id INTEGER PRIMARY KEY
);

CREATE TABLE recompute_writing (
    cycle_id INTEGER NOT NULL
);

-- Inputs. An input row changes only its member; on insert the member exists (foreign key).
CREATE TRIGGER recompute_dirty_input_insert AFTER INSERT ON indicator_input
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.membership_id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.membership_id);
END;

CREATE TRIGGER recompute_dirty_input_update AFTER UPDATE ON indicator_input
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.membership_id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.membership_id);
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id = OLD.membership_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

CREATE TRIGGER recompute_dirty_input_delete AFTER DELETE ON indicator_input
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id = OLD.membership_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

-- Parts and their inputs.
CREATE TRIGGER recompute_dirty_part_insert AFTER INSERT ON org_part
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id = NEW.membership_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

CREATE TRIGGER recompute_dirty_part_update AFTER UPDATE ON org_part
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id IN (OLD.membership_id, NEW.membership_id)
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

CREATE TRIGGER recompute_dirty_part_delete AFTER DELETE ON org_part
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id = OLD.membership_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

CREATE TRIGGER recompute_dirty_part_input_insert AFTER INSERT ON org_part_input
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT org_part.membership_id FROM org_part WHERE id = NEW.part_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = org_part.membership_id);
END;

CREATE TRIGGER recompute_dirty_part_input_update AFTER UPDATE ON org_part_input
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT org_part.membership_id FROM org_part WHERE id IN (OLD.part_id, NEW.part_id)
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = org_part.membership_id);
END;

CREATE TRIGGER recompute_dirty_part_input_delete AFTER DELETE ON org_part_input
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT org_part.membership_id FROM org_part WHERE id = OLD.part_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = org_part.membership_id);
END;

-- Members: a new one is scored; a new group or organization rescored; one that goes, or moves to
-- another cycle, takes the whole of both cycles with it (every place may move; rare).
CREATE TRIGGER recompute_dirty_member_insert AFTER INSERT ON membership
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.id);
END;

CREATE TRIGGER recompute_dirty_member_update AFTER UPDATE OF grp, org_id ON membership
WHEN OLD.grp IS NOT NEW.grp OR OLD.org_id IS NOT NEW.org_id
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.id);
END;

CREATE TRIGGER recompute_dirty_member_move AFTER UPDATE OF id, cycle_id ON membership
WHEN OLD.id IS NOT NEW.id OR OLD.cycle_id IS NOT NEW.cycle_id
BEGIN
    DELETE FROM recompute_basis WHERE cycle_id IN (OLD.cycle_id, NEW.cycle_id);
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.id);
END;

CREATE TRIGGER recompute_dirty_member_delete AFTER DELETE ON membership
BEGIN
    DELETE FROM recompute_basis WHERE cycle_id = OLD.cycle_id;
    DELETE FROM recompute_dirty WHERE membership_id = OLD.id;
END;

-- Organizations: their names are in the messages of members that cannot be scored.
CREATE TRIGGER recompute_dirty_organization_update AFTER UPDATE OF id, short_name, full_name
ON organization
WHEN OLD.id IS NOT NEW.id OR OLD.short_name IS NOT NEW.short_name
     OR OLD.full_name IS NOT NEW.full_name
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE org_id IN (OLD.id, NEW.id)
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

-- Cycles: the method version and the sector are every member's; a cycle that goes takes its
-- basis along (its id may be given to a new cycle).
CREATE TRIGGER recompute_basis_cycle_update AFTER UPDATE OF id, methodology, sector ON cycle
WHEN OLD.id IS NOT NEW.id OR OLD.methodology IS NOT NEW.methodology
     OR OLD.sector IS NOT NEW.sector
BEGIN
    DELETE FROM recompute_basis WHERE cycle_id IN (OLD.id, NEW.id);
END;

CREATE TRIGGER recompute_basis_cycle_delete AFTER DELETE ON cycle
BEGIN
    DELETE FROM recompute_basis WHERE cycle_id = OLD.id;
END;

-- Input keys: a key renamed or gone changes the inputs of every member that has it.
CREATE TRIGGER recompute_basis_key_update AFTER UPDATE OF id, key ON input_key
WHEN OLD.id IS NOT NEW.id OR OLD.key IS NOT NEW.key
BEGIN
    DELETE FROM recompute_basis;
END;

CREATE TRIGGER recompute_basis_key_delete AFTER DELETE ON input_key
BEGIN
    DELETE FROM recompute_basis;
END;

-- Results written by anything but the recompute (SQL by hand, a restore of a part of the data):
-- the member is redone, so what is stored is again what its inputs give.
CREATE TRIGGER recompute_dirty_score_insert AFTER INSERT ON score
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.membership_id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.membership_id);
END;

CREATE TRIGGER recompute_dirty_score_update AFTER UPDATE ON score
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id IN (OLD.membership_id, NEW.membership_id)
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

CREATE TRIGGER recompute_dirty_score_delete AFTER DELETE ON score
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id = OLD.membership_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

CREATE TRIGGER recompute_dirty_parts_insert AFTER INSERT ON score_parts
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.membership_id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.membership_id);
END;

CREATE TRIGGER recompute_dirty_parts_update AFTER UPDATE ON score_parts
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id IN (OLD.membership_id, NEW.membership_id)
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

CREATE TRIGGER recompute_dirty_parts_delete AFTER DELETE ON score_parts
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE id = OLD.membership_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;

CREATE TRIGGER recompute_dirty_part_result_write AFTER INSERT ON org_part_result
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT org_part.membership_id FROM org_part WHERE id = NEW.part_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = org_part.membership_id);
END;

CREATE TRIGGER recompute_dirty_part_result_update AFTER UPDATE ON org_part_result
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT org_part.membership_id FROM org_part WHERE id IN (OLD.part_id, NEW.part_id)
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = org_part.membership_id);
END;

CREATE TRIGGER recompute_dirty_part_result_delete AFTER DELETE ON org_part_result
WHEN NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT org_part.membership_id FROM org_part WHERE id = OLD.part_id
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = org_part.membership_id);
END;

CREATE TRIGGER recompute_dirty_score_error AFTER UPDATE OF score_error ON membership
WHEN OLD.score_error IS NOT NEW.score_error AND NOT EXISTS (SELECT 1 FROM recompute_writing)
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM recompute_dirty WHERE membership_id = NEW.id);
END;

-- A recompute of a few members moves the places of many others: their `score_parts` rows are
-- rewritten with new criterion places and the same values. The distributions of migration 011
-- count the values of the codes that have a place, so they change only with `vals`, the member,
-- or the set of codes in `places`; the triggers of 019 (word for word below) now take a row out
-- and put it back only then, instead of reading its JSONB twice for nothing.
DROP TRIGGER parts_bin_update_before;
CREATE TRIGGER parts_bin_update_before BEFORE UPDATE OF vals, places, membership_id ON score_parts
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
     AND (OLD.vals IS NOT NEW.vals OR OLD.membership_id IS NOT NEW.membership_id
          OR (SELECT json_group_array(key) FROM json_each(OLD.places))
             IS NOT (SELECT json_group_array(key) FROM json_each(NEW.places)))
BEGIN
    UPDATE cycle_value_bin SET n = n - 1, hundredths = hundredths - d.h
    FROM (SELECT cycle_id, code, bin, hundredths AS h FROM parts_bin_entry
          WHERE membership_id = OLD.membership_id) AS d
    WHERE cycle_value_bin.cycle_id = d.cycle_id AND cycle_value_bin.code = d.code
      AND cycle_value_bin.bin = d.bin;
END;

DROP TRIGGER parts_bin_update_after;
CREATE TRIGGER parts_bin_update_after AFTER UPDATE OF vals, places, membership_id ON score_parts
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
     AND (OLD.vals IS NOT NEW.vals OR OLD.membership_id IS NOT NEW.membership_id
          OR (SELECT json_group_array(key) FROM json_each(OLD.places))
             IS NOT (SELECT json_group_array(key) FROM json_each(NEW.places)))
BEGIN
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM parts_bin_entry
    WHERE membership_id = NEW.membership_id AND true
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;
