-- nok schema, version 18: a recompute that writes most of a cycle's results keeps the start-up
-- figures (cycle_value_bin, migration 011) and the rating order (rating_order, migration 018) of
-- that cycle set-based, instead of through a trigger on every row it writes.
--
--   recompute_bulk_write  a row here, for the length of one recompute's write transaction, stops
--                 the per-row triggers of 011 and 018 on `score` and `score_parts`;
--                 store::scores::replace_results inserts it before its writes; after them it
--                 replaces the cycle's rows of cycle_value_bin with the distributions counted
--                 from the results it wrote and its rows of rating_order with one
--                 INSERT … SELECT, and deletes the row — all in the recompute's transaction,
--                 so the row is never committed: a crash or a rollback takes it away with the
--                 writes, and every other connection (forms, imports, undo, SQL by hand) sees an
--                 empty table, i.e. the triggers as before.
--
-- Why: a first computation of a 100,000-member cycle writes 100,000 `score` and 100,000
-- `score_parts` rows, and the triggers on them cost more than the recompute's own writing
-- (BENCHMARKS.md, «Сессия 10: пересчёт»).
--
-- The triggers below are those of 011 and 018, word for word, each with one more condition.

CREATE TABLE recompute_bulk_write (
    cycle_id INTEGER NOT NULL
);

DROP TRIGGER score_bin_insert;
CREATE TRIGGER score_bin_insert AFTER INSERT ON score
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
BEGIN
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM score_bin_entry
    WHERE membership_id = NEW.membership_id
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;

DROP TRIGGER score_bin_delete;
CREATE TRIGGER score_bin_delete AFTER DELETE ON score
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
BEGIN
    UPDATE cycle_value_bin SET n = n - 1,
        hundredths = hundredths - CAST(round(OLD.total * 100) AS INTEGER)
    WHERE cycle_id = (SELECT cycle_id FROM membership WHERE id = OLD.membership_id)
      AND code = 'S'
      AND bin = CASE WHEN OLD.total >= 95 THEN 8 WHEN OLD.total >= 90 THEN 7
                     WHEN OLD.total >= 85 THEN 6 WHEN OLD.total >= 80 THEN 5
                     WHEN OLD.total >= 75 THEN 4 WHEN OLD.total >= 70 THEN 3
                     WHEN OLD.total >= 65 THEN 2 WHEN OLD.total >= 60 THEN 1 ELSE 0 END;
END;

DROP TRIGGER score_bin_update;
CREATE TRIGGER score_bin_update AFTER UPDATE OF total, membership_id ON score
WHEN (OLD.total IS NOT NEW.total OR OLD.membership_id IS NOT NEW.membership_id)
     AND NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
BEGIN
    UPDATE cycle_value_bin SET n = n - 1,
        hundredths = hundredths - CAST(round(OLD.total * 100) AS INTEGER)
    WHERE cycle_id = (SELECT cycle_id FROM membership WHERE id = OLD.membership_id)
      AND code = 'S'
      AND bin = CASE WHEN OLD.total >= 95 THEN 8 WHEN OLD.total >= 90 THEN 7
                     WHEN OLD.total >= 85 THEN 6 WHEN OLD.total >= 80 THEN 5
                     WHEN OLD.total >= 75 THEN 4 WHEN OLD.total >= 70 THEN 3
                     WHEN OLD.total >= 65 THEN 2 WHEN OLD.total >= 60 THEN 1 ELSE 0 END;
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM score_bin_entry
    WHERE membership_id = NEW.membership_id
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;

DROP TRIGGER parts_bin_insert;
CREATE TRIGGER parts_bin_insert AFTER INSERT ON score_parts
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
BEGIN
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM parts_bin_entry
    WHERE membership_id = NEW.membership_id AND true
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;

DROP TRIGGER parts_bin_delete;
CREATE TRIGGER parts_bin_delete BEFORE DELETE ON score_parts
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
BEGIN
    UPDATE cycle_value_bin SET n = n - 1, hundredths = hundredths - d.h
    FROM (SELECT cycle_id, code, bin, hundredths AS h FROM parts_bin_entry
          WHERE membership_id = OLD.membership_id) AS d
    WHERE cycle_value_bin.cycle_id = d.cycle_id AND cycle_value_bin.code = d.code
      AND cycle_value_bin.bin = d.bin;
END;

DROP TRIGGER parts_bin_update_before;
CREATE TRIGGER parts_bin_update_before BEFORE UPDATE OF vals, places, membership_id ON score_parts
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
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
BEGIN
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM parts_bin_entry
    WHERE membership_id = NEW.membership_id AND true
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;

DROP TRIGGER rating_order_score_insert;
CREATE TRIGGER rating_order_score_insert AFTER INSERT ON score
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
BEGIN
    INSERT OR REPLACE INTO rating_order
        (cycle_id, place, short_name, org_id, membership_id, total, grp)
    SELECT m.cycle_id, NEW.place, o.short_name, m.org_id, m.id, NEW.total, m.grp
    FROM membership m JOIN organization o ON o.id = m.org_id
    WHERE m.id = NEW.membership_id;
END;

DROP TRIGGER rating_order_score_update;
CREATE TRIGGER rating_order_score_update AFTER UPDATE OF membership_id, place, total ON score
WHEN (OLD.membership_id IS NOT NEW.membership_id OR OLD.place IS NOT NEW.place
      OR OLD.total IS NOT NEW.total)
     AND NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
BEGIN
    DELETE FROM rating_order WHERE membership_id = OLD.membership_id;
    INSERT OR REPLACE INTO rating_order
        (cycle_id, place, short_name, org_id, membership_id, total, grp)
    SELECT m.cycle_id, NEW.place, o.short_name, m.org_id, m.id, NEW.total, m.grp
    FROM membership m JOIN organization o ON o.id = m.org_id
    WHERE m.id = NEW.membership_id;
END;

DROP TRIGGER rating_order_score_delete;
CREATE TRIGGER rating_order_score_delete AFTER DELETE ON score
WHEN NOT EXISTS (SELECT 1 FROM recompute_bulk_write)
BEGIN
    DELETE FROM rating_order WHERE membership_id = OLD.membership_id;
END;
