-- nok schema, version 17: the rating order of every cycle by S, kept by triggers in the
-- transaction of every write (forms, imports, recompute, undo, SQL by hand), so that «Рейтинг»
-- reads the first rows of a cycle's rating from a few contiguous pages at start.
--
--   rating_order  one row per scored member (a `score` row whose member and organization exist),
--                 keyed in rating order: the cycle, the stored place, the organization's short
--                 name (BINARY, i.e. byte order) and its id — exactly the ORDER BY of
--                 store::ranking::ranked by S over the whole cycle. It carries S and the
--                 member's group, so the whole list and the group counts of a cycle are one
--                 range of this table. Read afresh, the same needed every member's `score` and
--                 `organization` row, which lie all over the file: ~3,500 pages for the largest
--                 cycle of a national database.
--
-- Every trigger derives a member's row from the base tables (score ⋈ membership ⋈ organization)
-- after the change, or deletes it by member; none adjusts a row arithmetically, so a row is
-- either right or absent. A member deleted with its cycle goes by the membership trigger (its
-- score is deleted by the cascade after the member row). Inserting a member or an organization
-- needs nothing: a member has no score yet, and foreign keys keep members from pointing at an
-- organization that does not exist.

CREATE TABLE rating_order (
    cycle_id      INTEGER NOT NULL,
    place         INTEGER NOT NULL,
    short_name    TEXT NOT NULL,
    org_id        INTEGER NOT NULL,
    membership_id INTEGER NOT NULL UNIQUE,
    total         REAL NOT NULL,
    grp           TEXT NOT NULL,
    PRIMARY KEY (cycle_id, place, short_name, org_id)
) WITHOUT ROWID;

INSERT INTO rating_order (cycle_id, place, short_name, org_id, membership_id, total, grp)
SELECT m.cycle_id, s.place, o.short_name, m.org_id, m.id, s.total, m.grp
FROM score s
JOIN membership m ON m.id = s.membership_id
JOIN organization o ON o.id = m.org_id
ORDER BY 1, 2, 3, 4;

CREATE TRIGGER rating_order_score_insert AFTER INSERT ON score
BEGIN
    INSERT OR REPLACE INTO rating_order
        (cycle_id, place, short_name, org_id, membership_id, total, grp)
    SELECT m.cycle_id, NEW.place, o.short_name, m.org_id, m.id, NEW.total, m.grp
    FROM membership m JOIN organization o ON o.id = m.org_id
    WHERE m.id = NEW.membership_id;
END;

CREATE TRIGGER rating_order_score_update AFTER UPDATE OF membership_id, place, total ON score
WHEN OLD.membership_id IS NOT NEW.membership_id OR OLD.place IS NOT NEW.place
     OR OLD.total IS NOT NEW.total
BEGIN
    DELETE FROM rating_order WHERE membership_id = OLD.membership_id;
    INSERT OR REPLACE INTO rating_order
        (cycle_id, place, short_name, org_id, membership_id, total, grp)
    SELECT m.cycle_id, NEW.place, o.short_name, m.org_id, m.id, NEW.total, m.grp
    FROM membership m JOIN organization o ON o.id = m.org_id
    WHERE m.id = NEW.membership_id;
END;

CREATE TRIGGER rating_order_score_delete AFTER DELETE ON score
BEGIN
    DELETE FROM rating_order WHERE membership_id = OLD.membership_id;
END;

CREATE TRIGGER rating_order_membership_update AFTER UPDATE OF id, cycle_id, org_id, grp ON membership
WHEN OLD.id IS NOT NEW.id OR OLD.cycle_id IS NOT NEW.cycle_id OR OLD.org_id IS NOT NEW.org_id
     OR OLD.grp IS NOT NEW.grp
BEGIN
    DELETE FROM rating_order WHERE membership_id = OLD.id;
    INSERT OR REPLACE INTO rating_order
        (cycle_id, place, short_name, org_id, membership_id, total, grp)
    SELECT NEW.cycle_id, s.place, o.short_name, NEW.org_id, NEW.id, s.total, NEW.grp
    FROM score s JOIN organization o ON o.id = NEW.org_id
    WHERE s.membership_id = NEW.id;
END;

CREATE TRIGGER rating_order_membership_delete AFTER DELETE ON membership
BEGIN
    DELETE FROM rating_order WHERE membership_id = OLD.id;
END;

CREATE TRIGGER rating_order_organization_update AFTER UPDATE OF id, short_name ON organization
WHEN OLD.id IS NOT NEW.id OR OLD.short_name IS NOT NEW.short_name
BEGIN
    DELETE FROM rating_order
    WHERE membership_id IN (SELECT id FROM membership WHERE org_id IN (OLD.id, NEW.id));
    INSERT OR REPLACE INTO rating_order
        (cycle_id, place, short_name, org_id, membership_id, total, grp)
    SELECT m.cycle_id, s.place, NEW.short_name, m.org_id, m.id, s.total, m.grp
    FROM membership m JOIN score s ON s.membership_id = m.id
    WHERE m.org_id = NEW.id;
END;

CREATE TRIGGER rating_order_organization_delete AFTER DELETE ON organization
BEGIN
    DELETE FROM rating_order
    WHERE membership_id IN (SELECT id FROM membership WHERE org_id = OLD.id);
END;
