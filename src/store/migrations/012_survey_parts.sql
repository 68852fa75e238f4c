-- nok schema: survey counts by part of an organization (филиал, форма обслуживания). A survey file
-- with a part column counts each response into its part (`survey_response.part`, migration 009),
-- and the counts of a part feed that part's inputs (`org_part_input`, migration 008) as the
-- counts of the organization itself (part '') feed `indicator_input`.

CREATE TABLE survey_tally_by_part (
    source_id     INTEGER NOT NULL REFERENCES survey_source (id) ON DELETE CASCADE,
    membership_id INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    -- '' for the organization itself, else the part's name as the file gives it.
    part          TEXT NOT NULL DEFAULT '',
    key           TEXT NOT NULL,
    value         INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (membership_id, part, source_id, key)
) WITHOUT ROWID;
INSERT INTO survey_tally_by_part (source_id, membership_id, part, key, value)
    SELECT source_id, membership_id, '', key, value FROM survey_tally;
DROP TABLE survey_tally;
ALTER TABLE survey_tally_by_part RENAME TO survey_tally;
CREATE INDEX survey_tally_source ON survey_tally (source_id);
