-- nok schema, version 4: a member's score parts in one row.
-- Version 1 stored each criterion and indicator of a result as its own row of score_part (about
-- twenty a member): a first recompute of a 100,000-member cycle wrote 2.1 million rows, most of
-- its time. Here they are one JSON object a member, code → [value, place]:
--   {"1.1":[87.5,null],"К1":[91.2,3]}
-- codes in byte order, value a JSON number, place an integer, or null for an indicator.
-- score_part stays as a view of the same shape (membership_id, code, value, place), so every
-- reader keeps its queries; INSTEAD OF triggers keep INSERT, UPDATE and DELETE on it working.
CREATE TABLE score_parts (
    membership_id INTEGER PRIMARY KEY REFERENCES membership (id) ON DELETE CASCADE,
    parts         TEXT NOT NULL
);

INSERT INTO score_parts (membership_id, parts)
SELECT membership_id, json_group_object(code, json_array(value, place))
FROM (SELECT membership_id, code, value, place FROM score_part ORDER BY membership_id, code)
GROUP BY membership_id;

DROP TABLE score_part;

CREATE VIEW score_part (membership_id, code, value, place) AS
SELECT s.membership_id, j.key, CAST(j.value ->> 0 AS REAL), j.value ->> 1
FROM score_parts s, json_each(s.parts) j;

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
                    AND json_type(s.parts, '$."' || NEW.code || '"') IS NOT NULL);
    INSERT OR IGNORE INTO score_parts (membership_id, parts) VALUES (NEW.membership_id, '{}');
    UPDATE score_parts
    SET parts = json_set(parts, '$."' || NEW.code || '"', json_array(CAST(NEW.value AS REAL), NEW.place))
    WHERE membership_id = NEW.membership_id;
END;

CREATE TRIGGER score_part_delete INSTEAD OF DELETE ON score_part
BEGIN
    UPDATE score_parts SET parts = json_remove(parts, '$."' || OLD.code || '"')
    WHERE membership_id = OLD.membership_id;
    DELETE FROM score_parts WHERE membership_id = OLD.membership_id AND parts = '{}';
END;

CREATE TRIGGER score_part_update INSTEAD OF UPDATE ON score_part
BEGIN
    DELETE FROM score_part WHERE membership_id = OLD.membership_id AND code = OLD.code;
    INSERT INTO score_part (membership_id, code, value, place)
    VALUES (NEW.membership_id, NEW.code, NEW.value, NEW.place);
END;
