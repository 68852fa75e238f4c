-- The plan totals per cycle and status (migration 020) follow a change of a planned day's count
-- with one statement instead of two. Every write to `plan_row` ends as an update of `n` in
-- `cycle_plan_day` (the upsert of migration 011 updates an existing day; a status change
-- subtracts from one day and adds to another), and 020 answered each such update by subtracting
-- the old count and upserting the new one. When the day's cycle and status stay the same, which is
-- every update the triggers of 011 make, the total moves by the difference. The two-statement form
-- stays for an update that moves a day to another cycle or status.

DROP TRIGGER plan_status_day_update;

CREATE TRIGGER plan_status_day_update_count AFTER UPDATE OF n ON cycle_plan_day
WHEN OLD.cycle_id = NEW.cycle_id AND OLD.status = NEW.status
BEGIN
    UPDATE cycle_plan_status SET n = n + NEW.n - OLD.n
    WHERE cycle_id = NEW.cycle_id AND status = NEW.status;
END;

CREATE TRIGGER plan_status_day_update_key AFTER UPDATE ON cycle_plan_day
WHEN OLD.cycle_id IS NOT NEW.cycle_id OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE cycle_plan_status SET n = n - OLD.n
    WHERE cycle_id = OLD.cycle_id AND status = OLD.status;
    INSERT INTO cycle_plan_status (cycle_id, status, n)
    VALUES (NEW.cycle_id, NEW.status, NEW.n)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
