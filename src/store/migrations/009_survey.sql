-- nok schema: survey responses (анкеты получателей услуг, приказ Минтруда России № 675н), one row
-- per respondent, and the counts computed from them.
--
-- A source is one imported file of a cycle (by its name); importing a corrected file of the
-- same name replaces the source's responses, proposals and counts. The inputs of the scoring
-- method (`indicator_input`) that the survey feeds are the sums of `survey_tally` over a
-- membership's sources, written in the import's transaction.
--
-- `part` is reserved for a part of the organization (branch, form of care): empty today; a part
-- column of the file will fill it, and counts by part can then be summed or averaged without a
-- new table.

CREATE TABLE survey_source (
    id              INTEGER PRIMARY KEY,
    cycle_id        INTEGER NOT NULL REFERENCES cycle (id) ON DELETE CASCADE,
    name            TEXT NOT NULL CHECK (length(name) > 0),
    -- Fingerprint of the file's bytes and the import's options (variant, --org, mapping).
    content_hash    TEXT NOT NULL,
    questionnaire   TEXT NOT NULL,
    variant         TEXT NOT NULL,
    -- Question ids in the order of the characters of survey_response.answers, comma-separated.
    questions       TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    os_user         TEXT NOT NULL,
    rows_read       INTEGER NOT NULL DEFAULT 0,
    duplicates      INTEGER NOT NULL DEFAULT 0,
    skip_violations INTEGER NOT NULL DEFAULT 0,
    unknown_answers INTEGER NOT NULL DEFAULT 0,
    UNIQUE (cycle_id, name)
);

CREATE TABLE survey_response (
    source_id     INTEGER NOT NULL REFERENCES survey_source (id) ON DELETE CASCADE,
    -- The line (or worksheet row) of the file.
    line          INTEGER NOT NULL,
    membership_id INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    part          TEXT NOT NULL DEFAULT '',
    respondent    TEXT,
    answered_at   TEXT,
    -- One character per question: 1 да, 0 нет, ? затрудняюсь, . пусто, x не распознано.
    answers       TEXT NOT NULL,
    sex           TEXT CHECK (sex IS NULL OR sex IN ('м', 'ж')),
    age           INTEGER CHECK (age IS NULL OR age BETWEEN 0 AND 130),
    -- Health forms: days waited (for an appointment, or for planned admission), as answered;
    -- kept for the banded points of 2.2, whose bands are not confirmed.
    waiting_days  INTEGER CHECK (waiting_days IS NULL OR waiting_days >= 0),
    -- Identity for duplicate detection within the source (respondent id, or timestamp and
    -- answers); a duplicate is not inserted.
    dedup_key     INTEGER NOT NULL,
    PRIMARY KEY (source_id, line)
) WITHOUT ROWID;
CREATE UNIQUE INDEX survey_response_dedup ON survey_response (source_id, dedup_key);
CREATE INDEX survey_response_membership ON survey_response (membership_id);

-- Counts of one source for one organization: `respondents`, and each fed input key.
CREATE TABLE survey_tally (
    source_id     INTEGER NOT NULL REFERENCES survey_source (id) ON DELETE CASCADE,
    membership_id INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    value         INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (membership_id, source_id, key)
) WITHOUT ROWID;
CREATE INDEX survey_tally_source ON survey_tally (source_id);

-- Free-text proposals (вопрос «Ваши предложения…»), kept per organization.
CREATE TABLE survey_proposal (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES survey_source (id) ON DELETE CASCADE,
    membership_id INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    line          INTEGER NOT NULL,
    text          TEXT NOT NULL CHECK (length(text) > 0)
);
CREATE INDEX survey_proposal_membership ON survey_proposal (membership_id);
CREATE INDEX survey_proposal_source ON survey_proposal (source_id);

-- The number of recipients of services (получатели услуг) of the organization, for the sample
-- rule; NULL when not entered.
ALTER TABLE membership ADD COLUMN recipients INTEGER CHECK (recipients IS NULL OR recipients >= 0);
