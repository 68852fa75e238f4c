-- nok schema, version 6: export positions stored cycle first; content fingerprints.
-- An export writes the positions of one cycle. Keyed (kind, org_id, cycle_id) and indexed by
-- org_id, a cycle's positions lay all over both b-trees (a cycle's organizations are spread
-- over the whole range of ids), so every export rewrote pages in proportion to all positions
-- ever exported: 264 pages for the first cycle of a 50,000-organization database, 1,690 for
-- the eleventh. Keyed (cycle_id, kind, org_id) they are neighbours. The organization card finds
-- an organization's positions through its memberships (cycle, then the three kinds), so the
-- index on org_id goes, and so does the index of the export log by positionId (nothing reads
-- the log by it).
--
-- content_sha256 becomes content_hash: new exports store `xxh3-128:` and 32 hex digits; the
-- SHA-256 values of earlier exports stay as they are and are compared as SHA-256.

-- Dropping the old table deletes the receipts' violations (ON DELETE CASCADE): keep them aside.
CREATE TEMP TABLE kept_violation AS SELECT * FROM export_violation;

CREATE TABLE export_position_by_cycle (
    cycle_id       INTEGER NOT NULL REFERENCES cycle (id),
    kind           TEXT NOT NULL CHECK (kind IN ('results', 'plan', 'report')),
    org_id         INTEGER NOT NULL REFERENCES organization (id),
    position_id    TEXT NOT NULL UNIQUE CHECK (length(position_id) = 36),
    version_number INTEGER NOT NULL CHECK (version_number >= 1),
    -- The fingerprint of the content last exported (not the ids, dates or version).
    content_hash   TEXT,
    exported_at    TEXT,
    receipt_status TEXT CHECK (receipt_status IS NULL OR receipt_status IN ('accepted', 'rejected')),
    -- The packet (header id) and file the position was last sent in.
    header_id      TEXT,
    file           TEXT,
    -- Local time the receipt was read, ISO `YYYY-MM-DDThh:mm:ss`; NULL with receipt_status NULL.
    receipt_at     TEXT,
    -- The portal's link to the published record, when the receipt gives one.
    receipt_url    TEXT,
    PRIMARY KEY (cycle_id, kind, org_id)
) WITHOUT ROWID;

INSERT INTO export_position_by_cycle (cycle_id, kind, org_id, position_id, version_number,
                                      content_hash, exported_at, receipt_status, header_id,
                                      file, receipt_at, receipt_url)
SELECT cycle_id, kind, org_id, position_id, version_number, content_sha256, exported_at,
       receipt_status, header_id, file, receipt_at, receipt_url
FROM export_position
ORDER BY cycle_id, kind, org_id;

DROP TABLE export_position;
ALTER TABLE export_position_by_cycle RENAME TO export_position;
CREATE INDEX export_position_header ON export_position (header_id);

INSERT INTO export_violation SELECT * FROM temp.kept_violation;
DROP TABLE temp.kept_violation;

DROP INDEX export_log_position;
