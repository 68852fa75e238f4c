-- nok schema, version 11: what the screens show first at start is read from small tables kept up
-- to date in the transaction of every write by triggers (whatever writes: forms, imports,
-- recompute, undo, or SQL by hand), instead of aggregated over the whole database at start.
--
--   cycle_value_bin  per cycle, the distribution of S (code 'S') and of each criterion ('К1'…):
--                    how many values fall in each bin of domain::rating::BIN_FLOORS and their sum
--                    in hundredths (values are rounded to hundredths, so sums stay exact).
--   cycle_plan_day   per cycle, plan rows by status and planned date: all, done, cancelled,
--                    overdue on any day and due in any window are sums over a few hundred rows.
--   organization_sort  what the organization list sorts by (`name_key`): the short name (else the full
--                    name) with Latin and Cyrillic capitals made small (store::browse::name_key
--                    is the same in Rust); indexed, so the first page of the list is read at once.
--
-- Rows whose count falls to 0 stay (readers skip them). A member deleted by hand or with its
-- cycle takes its values out before it goes: its score and parts are deleted by the cascade after
-- the member row, when their trigger can no longer find the cycle.

CREATE TABLE cycle_value_bin (
    cycle_id   INTEGER NOT NULL REFERENCES cycle (id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    bin        INTEGER NOT NULL CHECK (bin BETWEEN 0 AND 8),
    n          INTEGER NOT NULL,
    hundredths INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, code, bin)
) WITHOUT ROWID;

-- The values of S a score row adds: (cycle, 'S', bin, hundredths).
CREATE VIEW score_bin_entry (membership_id, cycle_id, code, bin, hundredths) AS
SELECT s.membership_id, m.cycle_id, 'S',
       CASE WHEN s.total >= 95 THEN 8 WHEN s.total >= 90 THEN 7 WHEN s.total >= 85 THEN 6
            WHEN s.total >= 80 THEN 5 WHEN s.total >= 75 THEN 4 WHEN s.total >= 70 THEN 3
            WHEN s.total >= 65 THEN 2 WHEN s.total >= 60 THEN 1 ELSE 0 END,
       CAST(round(s.total * 100) AS INTEGER)
FROM score s JOIN membership m ON m.id = s.membership_id;

INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
SELECT cycle_id, code, bin, count(*), sum(hundredths) FROM score_bin_entry
GROUP BY cycle_id, code, bin;

INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
SELECT cycle_id, code, bin, count(*), sum(h)
FROM (SELECT m.cycle_id AS cycle_id, j.key AS code,
             CASE WHEN v >= 95 THEN 8 WHEN v >= 90 THEN 7 WHEN v >= 85 THEN 6 WHEN v >= 80 THEN 5
                  WHEN v >= 75 THEN 4 WHEN v >= 70 THEN 3 WHEN v >= 65 THEN 2 WHEN v >= 60 THEN 1
                  ELSE 0 END AS bin,
             CAST(round(v * 100) AS INTEGER) AS h
      FROM (SELECT p.membership_id, j.key, p.vals ->> ('$."' || j.key || '"') AS v
            FROM score_parts p, json_each(p.places) j) j
      JOIN membership m ON m.id = j.membership_id)
GROUP BY cycle_id, code, bin;

-- S: a score row added, changed or removed.
CREATE TRIGGER score_bin_insert AFTER INSERT ON score
BEGIN
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM score_bin_entry
    WHERE membership_id = NEW.membership_id
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;

CREATE TRIGGER score_bin_delete AFTER DELETE ON score
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

CREATE TRIGGER score_bin_update AFTER UPDATE OF total, membership_id ON score
WHEN OLD.total IS NOT NEW.total OR OLD.membership_id IS NOT NEW.membership_id
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

-- Criteria: the parts with a place (criteria; indicators have none), of one member's row.
CREATE VIEW parts_bin_entry (membership_id, cycle_id, code, bin, hundredths) AS
SELECT membership_id, cycle_id, code,
       CASE WHEN v >= 95 THEN 8 WHEN v >= 90 THEN 7 WHEN v >= 85 THEN 6 WHEN v >= 80 THEN 5
            WHEN v >= 75 THEN 4 WHEN v >= 70 THEN 3 WHEN v >= 65 THEN 2 WHEN v >= 60 THEN 1
            ELSE 0 END,
       CAST(round(v * 100) AS INTEGER)
FROM (SELECT p.membership_id, m.cycle_id, j.key AS code,
             p.vals ->> ('$."' || j.key || '"') AS v
      FROM score_parts p JOIN membership m ON m.id = p.membership_id, json_each(p.places) j);

CREATE TRIGGER parts_bin_insert AFTER INSERT ON score_parts
BEGIN
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM parts_bin_entry
    WHERE membership_id = NEW.membership_id AND true
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;

-- Before the row goes (and before it changes), its values are taken out as they are.
CREATE TRIGGER parts_bin_delete BEFORE DELETE ON score_parts
BEGIN
    UPDATE cycle_value_bin SET n = n - 1, hundredths = hundredths - d.h
    FROM (SELECT cycle_id, code, bin, hundredths AS h FROM parts_bin_entry
          WHERE membership_id = OLD.membership_id) AS d
    WHERE cycle_value_bin.cycle_id = d.cycle_id AND cycle_value_bin.code = d.code
      AND cycle_value_bin.bin = d.bin;
END;

CREATE TRIGGER parts_bin_update_before BEFORE UPDATE OF vals, places, membership_id ON score_parts
BEGIN
    UPDATE cycle_value_bin SET n = n - 1, hundredths = hundredths - d.h
    FROM (SELECT cycle_id, code, bin, hundredths AS h FROM parts_bin_entry
          WHERE membership_id = OLD.membership_id) AS d
    WHERE cycle_value_bin.cycle_id = d.cycle_id AND cycle_value_bin.code = d.code
      AND cycle_value_bin.bin = d.bin;
END;

CREATE TRIGGER parts_bin_update_after AFTER UPDATE OF vals, places, membership_id ON score_parts
BEGIN
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM parts_bin_entry
    WHERE membership_id = NEW.membership_id AND true
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;

-- A member that goes, or moves to another cycle, takes its values along.
CREATE TRIGGER membership_bin_delete BEFORE DELETE ON membership
BEGIN
    UPDATE cycle_value_bin SET n = n - 1, hundredths = hundredths - d.h
    FROM (SELECT cycle_id, code, bin, hundredths AS h FROM score_bin_entry
          WHERE membership_id = OLD.id
          UNION ALL
          SELECT cycle_id, code, bin, hundredths AS h FROM parts_bin_entry
          WHERE membership_id = OLD.id) AS d
    WHERE cycle_value_bin.cycle_id = d.cycle_id AND cycle_value_bin.code = d.code
      AND cycle_value_bin.bin = d.bin;
END;

CREATE TRIGGER membership_bin_move_before BEFORE UPDATE OF cycle_id ON membership
WHEN OLD.cycle_id IS NOT NEW.cycle_id
BEGIN
    UPDATE cycle_value_bin SET n = n - 1, hundredths = hundredths - d.h
    FROM (SELECT cycle_id, code, bin, hundredths AS h FROM score_bin_entry
          WHERE membership_id = OLD.id
          UNION ALL
          SELECT cycle_id, code, bin, hundredths AS h FROM parts_bin_entry
          WHERE membership_id = OLD.id) AS d
    WHERE cycle_value_bin.cycle_id = d.cycle_id AND cycle_value_bin.code = d.code
      AND cycle_value_bin.bin = d.bin;
END;

CREATE TRIGGER membership_bin_move_after AFTER UPDATE OF cycle_id ON membership
WHEN OLD.cycle_id IS NOT NEW.cycle_id
BEGIN
    INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
    SELECT cycle_id, code, bin, 1, hundredths FROM score_bin_entry
    WHERE membership_id = NEW.id
    UNION ALL
    SELECT cycle_id, code, bin, 1, hundredths FROM parts_bin_entry
    WHERE membership_id = NEW.id
    ON CONFLICT DO UPDATE SET n = n + 1, hundredths = hundredths + excluded.hundredths;
END;

CREATE TABLE cycle_plan_day (
    cycle_id     INTEGER NOT NULL REFERENCES cycle (id) ON DELETE CASCADE,
    status       TEXT NOT NULL,
    planned_date TEXT NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, status, planned_date)
) WITHOUT ROWID;

INSERT INTO cycle_plan_day (cycle_id, status, planned_date, n)
SELECT cycle_id, status, planned_date, count(*) FROM plan_row
GROUP BY cycle_id, status, planned_date;

CREATE TRIGGER plan_day_insert AFTER INSERT ON plan_row
BEGIN
    INSERT INTO cycle_plan_day (cycle_id, status, planned_date, n)
    VALUES (NEW.cycle_id, NEW.status, NEW.planned_date, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER plan_day_delete AFTER DELETE ON plan_row
BEGIN
    UPDATE cycle_plan_day SET n = n - 1
    WHERE cycle_id = OLD.cycle_id AND status = OLD.status AND planned_date = OLD.planned_date;
END;

CREATE TRIGGER plan_day_update AFTER UPDATE OF cycle_id, status, planned_date ON plan_row
WHEN OLD.cycle_id IS NOT NEW.cycle_id OR OLD.status IS NOT NEW.status
  OR OLD.planned_date IS NOT NEW.planned_date
BEGIN
    UPDATE cycle_plan_day SET n = n - 1
    WHERE cycle_id = OLD.cycle_id AND status = OLD.status AND planned_date = OLD.planned_date;
    INSERT INTO cycle_plan_day (cycle_id, status, planned_date, n)
    VALUES (NEW.cycle_id, NEW.status, NEW.planned_date, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- The name key of each organization, in its own table so that the organization's row (which forms
-- read and restore whole) keeps its columns. Made in three steps of eleven letters: SQLite before
-- 3.46 parses only about thirty nested calls (an older sqlite3 tool could not read the schema).
CREATE TABLE organization_sort (
    org_id   INTEGER PRIMARY KEY,
    name_key TEXT NOT NULL
);

INSERT INTO organization_sort (org_id, name_key)
SELECT id, lower(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
    'Ц', 'ц'), 'Ч', 'ч'), 'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'),
    'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'), 'Ё', 'ё')) AS name_key
FROM (SELECT id,
          replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
          'Л', 'л'), 'М', 'м'), 'Н', 'н'), 'О', 'о'), 'П', 'п'), 'Р', 'р'),
          'С', 'с'), 'Т', 'т'), 'У', 'у'), 'Ф', 'ф'), 'Х', 'х') AS k
      FROM (SELECT id AS id,
                replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(CASE WHEN short_name = '' THEN full_name ELSE short_name END,
                'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'),
                'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й'), 'К', 'к') AS k FROM organization));

CREATE INDEX organization_sort_name ON organization_sort (name_key, org_id);

CREATE TRIGGER organization_sort_insert AFTER INSERT ON organization
BEGIN
    INSERT OR REPLACE INTO organization_sort (org_id, name_key)
    SELECT id, lower(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
        'Ц', 'ц'), 'Ч', 'ч'), 'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'),
        'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'), 'Ё', 'ё')) AS name_key
    FROM (SELECT id,
              replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
              'Л', 'л'), 'М', 'м'), 'Н', 'н'), 'О', 'о'), 'П', 'п'), 'Р', 'р'),
              'С', 'с'), 'Т', 'т'), 'У', 'у'), 'Ф', 'ф'), 'Х', 'х') AS k
          FROM (SELECT NEW.id AS id,
                    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(CASE WHEN NEW.short_name = '' THEN NEW.full_name ELSE NEW.short_name END,
                    'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'),
                    'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й'), 'К', 'к') AS k));
END;

CREATE TRIGGER organization_sort_update AFTER UPDATE OF id, short_name, full_name ON organization
BEGIN
    DELETE FROM organization_sort WHERE org_id = OLD.id;
    INSERT OR REPLACE INTO organization_sort (org_id, name_key)
    SELECT id, lower(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
        'Ц', 'ц'), 'Ч', 'ч'), 'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'),
        'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'), 'Ё', 'ё')) AS name_key
    FROM (SELECT id,
              replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
              'Л', 'л'), 'М', 'м'), 'Н', 'н'), 'О', 'о'), 'П', 'п'), 'Р', 'р'),
              'С', 'с'), 'Т', 'т'), 'У', 'у'), 'Ф', 'ф'), 'Х', 'х') AS k
          FROM (SELECT NEW.id AS id,
                    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(CASE WHEN NEW.short_name = '' THEN NEW.full_name ELSE NEW.short_name END,
                    'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'),
                    'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й'), 'К', 'к') AS k));
END;

CREATE TRIGGER organization_sort_delete AFTER DELETE ON organization
BEGIN
    DELETE FROM organization_sort WHERE org_id = OLD.id;
END;
