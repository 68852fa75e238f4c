-- Plan rows per cycle and status: what «Сводка» shows as all, done and cancelled, read as a few
-- rows instead of adding up every planned day of the year's cycles (`cycle_plan_day`, migration
-- 011: tens of thousands of rows at national scale). Kept from `cycle_plan_day` by triggers, in
-- the transaction of every write that changes it (the triggers of 011 on `plan_row` write there,
-- an upsert's update included; a cycle deleted takes its rows by the cascade).

CREATE TABLE cycle_plan_status (
    cycle_id INTEGER NOT NULL REFERENCES cycle (id) ON DELETE CASCADE,
    status   TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, status)
) WITHOUT ROWID;

INSERT INTO cycle_plan_status (cycle_id, status, n)
SELECT cycle_id, status, sum(n) FROM cycle_plan_day GROUP BY cycle_id, status;

CREATE TRIGGER plan_status_day_insert AFTER INSERT ON cycle_plan_day
BEGIN
    INSERT INTO cycle_plan_status (cycle_id, status, n)
    VALUES (NEW.cycle_id, NEW.status, NEW.n)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER plan_status_day_update AFTER UPDATE ON cycle_plan_day
BEGIN
    UPDATE cycle_plan_status SET n = n - OLD.n
    WHERE cycle_id = OLD.cycle_id AND status = OLD.status;
    INSERT INTO cycle_plan_status (cycle_id, status, n)
    VALUES (NEW.cycle_id, NEW.status, NEW.n)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER plan_status_day_delete AFTER DELETE ON cycle_plan_day
BEGIN
    UPDATE cycle_plan_status SET n = n - OLD.n
    WHERE cycle_id = OLD.cycle_id AND status = OLD.status;
END;
