-- nok schema, version 3: bus.gov.ru exports and the portal's receipts.
-- export_position (from version 1) holds one row per document kind, organization and cycle: the
-- stable positionId, the version last exported and the SHA-256 of its content. Added here: the
-- packet (header id) and file it was last sent in, and the portal's answer about it.

ALTER TABLE export_position ADD COLUMN header_id TEXT;
ALTER TABLE export_position ADD COLUMN file TEXT;
-- Local time the receipt was read, ISO `YYYY-MM-DDThh:mm:ss`; NULL with receipt_status NULL (none).
ALTER TABLE export_position ADD COLUMN receipt_at TEXT;
-- The portal's link to the published record, when the receipt gives one.
ALTER TABLE export_position ADD COLUMN receipt_url TEXT;
ALTER TABLE export_log ADD COLUMN header_id TEXT;

CREATE INDEX export_position_org ON export_position (org_id);
CREATE INDEX export_position_header ON export_position (header_id);

-- Violations the portal reported for a position in its latest receipt (code, level, name,
-- description as the portal gives them).
CREATE TABLE export_violation (
    position_id TEXT NOT NULL REFERENCES export_position (position_id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    code        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('error', 'warning')),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (position_id, seq)
) WITHOUT ROWID;
