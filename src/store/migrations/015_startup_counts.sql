-- nok schema, version 15: counts the screens show at start, kept up to date by triggers in the
-- transaction of every write (forms, imports, recompute, undo, SQL by hand) instead of counted
-- over the whole database at start. Each is a page or a few; counted afresh, they read hundreds
-- or thousands of pages, which with a cold page cache took most of the start-up.
--
--   cycle_size   members per cycle (the cycle lists of «Сводка» and «Рейтинг»; counting them
--                read the whole membership index: ~780 pages at 100,000 organizations).
--   row_count    rows of a table: 'organization' (the total of the first page of «Организации»).
--   plan_day     plan rows of all cycles by status and planned date (the counts of «Планы»'s
--                filters: a thousand rows instead of an index range of a million).
--
-- Rows whose count falls to 0 stay (readers treat them as absent).
--
-- And an index: the members of a cycle with their group (and organization), so that the
-- ranking «Рейтинг» opens on reads its members from the index instead of their rows (which lie
-- all over the file: ~1,800 pages for the largest cycle of a national database).
CREATE INDEX membership_cycle_group ON membership (cycle_id, grp, org_id);

CREATE TABLE cycle_size (
    cycle_id INTEGER PRIMARY KEY REFERENCES cycle (id) ON DELETE CASCADE,
    members  INTEGER NOT NULL
);

INSERT INTO cycle_size (cycle_id, members)
SELECT cycle_id, count(*) FROM membership GROUP BY cycle_id;

CREATE TRIGGER cycle_size_insert AFTER INSERT ON membership
BEGIN
    INSERT INTO cycle_size (cycle_id, members) VALUES (NEW.cycle_id, 1)
    ON CONFLICT DO UPDATE SET members = members + 1;
END;

CREATE TRIGGER cycle_size_delete AFTER DELETE ON membership
BEGIN
    UPDATE cycle_size SET members = members - 1 WHERE cycle_id = OLD.cycle_id;
END;

CREATE TRIGGER cycle_size_move AFTER UPDATE OF cycle_id ON membership
WHEN OLD.cycle_id IS NOT NEW.cycle_id
BEGIN
    UPDATE cycle_size SET members = members - 1 WHERE cycle_id = OLD.cycle_id;
    INSERT INTO cycle_size (cycle_id, members) VALUES (NEW.cycle_id, 1)
    ON CONFLICT DO UPDATE SET members = members + 1;
END;

CREATE TABLE row_count (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO row_count (name, n) SELECT 'organization', count(*) FROM organization;

CREATE TRIGGER row_count_organization_insert AFTER INSERT ON organization
BEGIN
    UPDATE row_count SET n = n + 1 WHERE name = 'organization';
END;

CREATE TRIGGER row_count_organization_delete AFTER DELETE ON organization
BEGIN
    UPDATE row_count SET n = n - 1 WHERE name = 'organization';
END;

CREATE TABLE plan_day (
    status       TEXT NOT NULL,
    planned_date TEXT NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (status, planned_date)
) WITHOUT ROWID;

INSERT INTO plan_day (status, planned_date, n)
SELECT status, planned_date, count(*) FROM plan_row GROUP BY status, planned_date;

CREATE TRIGGER plan_day_all_insert AFTER INSERT ON plan_row
BEGIN
    INSERT INTO plan_day (status, planned_date, n) VALUES (NEW.status, NEW.planned_date, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER plan_day_all_delete AFTER DELETE ON plan_row
BEGIN
    UPDATE plan_day SET n = n - 1
    WHERE status = OLD.status AND planned_date = OLD.planned_date;
END;

CREATE TRIGGER plan_day_all_update AFTER UPDATE OF status, planned_date ON plan_row
WHEN OLD.status IS NOT NEW.status OR OLD.planned_date IS NOT NEW.planned_date
BEGIN
    UPDATE plan_day SET n = n - 1
    WHERE status = OLD.status AND planned_date = OLD.planned_date;
    INSERT INTO plan_day (status, planned_date, n) VALUES (NEW.status, NEW.planned_date, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
