-- nok schema, version 4: a member's score parts in one row.
-- Version 1 stored each criterion and indicator of a result as its own row of score_part (about
-- twenty a member): a first recompute of a 100,000-member cycle wrote 2.1 million rows, most of
-- its time. Here they are one row a member, two SQLite JSONB objects (binary JSON, read with
-- the json functions, shown as text by json()):
--   vals   code → value, every criterion and indicator: {"1.1":87.5,"К1":91.2}
--   places code → place, the criteria only:              {"К1":3}
-- codes in byte order, values JSON numbers. score_part stays as a view of the same shape
-- (membership_id, code, value, place), so every reader keeps its queries; INSTEAD OF triggers
-- keep INSERT, UPDATE and DELETE on it working.
CREATE TABLE score_parts (
    membership_id INTEGER PRIMARY KEY REFERENCES membership (id) ON DELETE CASCADE,
    vals          BLOB NOT NULL,
    places        BLOB NOT NULL
);

INSERT INTO score_parts (membership_id, vals, places)
SELECT membership_id, jsonb_group_object(code, value),
       coalesce(jsonb_group_object(code, place) FILTER (WHERE place IS NOT NULL), jsonb('{}'))
FROM (SELECT membership_id, code, value, place FROM score_part ORDER BY membership_id, code)
GROUP BY membership_id;

DROP TABLE score_part;

CREATE VIEW score_part (membership_id, code, value, place) AS
SELECT s.membership_id, j.key, CAST(j.value AS REAL), s.places ->> ('$."' || j.key || '"')
FROM score_parts s, json_each(s.vals) j;

-- The constraints the table had (value 0–100, place ≥ 1, one row per member and code, the
-- member exists) are checked here for rows written through the view.
CREATE TRIGGER score_part_insert INSTEAD OF INSERT ON score_part
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: score_part value BETWEEN 0 AND 100')
    WHERE NEW.value IS NULL OR NOT (NEW.value BETWEEN 0 AND 100);
    SELECT RAISE(ABORT, 'CHECK constraint failed: score_part place >= 1')
    WHERE NEW.place IS NOT NULL AND NOT (NEW.place >= 1);
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: score_part.membership_id, score_part.code')
    WHERE EXISTS (SELECT 1 FROM score_parts s
                  WHERE s.membership_id = NEW.membership_id
                    AND json_type(s.vals, '$."' || NEW.code || '"') IS NOT NULL);
    INSERT OR IGNORE INTO score_parts (membership_id, vals, places)
    VALUES (NEW.membership_id, jsonb('{}'), jsonb('{}'));
    UPDATE score_parts
    SET vals = jsonb_set(vals, '$."' || NEW.code || '"', CAST(NEW.value AS REAL)),
        places = CASE WHEN NEW.place IS NULL THEN places
                      ELSE jsonb_set(places, '$."' || NEW.code || '"', CAST(NEW.place AS INTEGER)) END
    WHERE membership_id = NEW.membership_id;
END;

CREATE TRIGGER score_part_delete INSTEAD OF DELETE ON score_part
BEGIN
    UPDATE score_parts
    SET vals = jsonb_remove(vals, '$."' || OLD.code || '"'),
        places = jsonb_remove(places, '$."' || OLD.code || '"')
    WHERE membership_id = OLD.membership_id;
    DELETE FROM score_parts
    WHERE membership_id = OLD.membership_id AND NOT EXISTS (SELECT 1 FROM json_each(vals));
END;

CREATE TRIGGER score_part_update INSTEAD OF UPDATE ON score_part
BEGIN
    DELETE FROM score_part WHERE membership_id = OLD.membership_id AND code = OLD.code;
    INSERT INTO score_part (membership_id, code, value, place)
    VALUES (NEW.membership_id, NEW.code, NEW.value, NEW.place);
END;

-- No query reads scores by total across cycles (every rating is by cycle and place); the index
-- only cost a recompute 100,000 random inserts.
DROP INDEX IF EXISTS score_total;
