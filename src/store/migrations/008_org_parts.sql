-- nok schema, version 8: parts of an organization assessed separately within a cycle (части
-- организации): branches (филиалы) in culture and education, outpatient and inpatient care in
-- health. Each part has its own raw inputs and its own computed values; the organization's result
-- (score, score_parts) is formed from its parts' values by recompute, and ratings rank members
-- (organizations), never parts.

CREATE TABLE org_part (
    id            INTEGER PRIMARY KEY,
    membership_id INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    -- As the operator names it: «Головное учреждение», «Филиал № 2», «стационар».
    name          TEXT NOT NULL CHECK (length(name) > 0),
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (membership_id, name)
);

-- A part's raw inputs, by the method's keys (as indicator_input is for the organization).
CREATE TABLE org_part_input (
    part_id INTEGER NOT NULL REFERENCES org_part (id) ON DELETE CASCADE,
    key_id  INTEGER NOT NULL REFERENCES input_key (id),
    value   REAL NOT NULL CHECK (value >= 0),
    PRIMARY KEY (part_id, key_id)
) WITHOUT ROWID;

-- A part's computed values: indicators ('1.1'…), criteria ('К1'…) and the total ('S'); rebuilt
-- with the cycle's results. An indicator left out for an empty group has no row.
CREATE TABLE org_part_result (
    part_id INTEGER NOT NULL REFERENCES org_part (id) ON DELETE CASCADE,
    code    TEXT NOT NULL,
    value   REAL NOT NULL CHECK (value BETWEEN 0 AND 100),
    PRIMARY KEY (part_id, code)
) WITHOUT ROWID;
