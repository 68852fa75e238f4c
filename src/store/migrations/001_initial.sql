-- nok schema, version 1.
-- Dates are ISO text 'YYYY-MM-DD' checked with date(); every editable table carries `version`
-- (row version for optimistic concurrency: an UPDATE must name the version it read).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Уполномоченные органы (учредители).
CREATE TABLE authority (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(name) > 0),
    short_name TEXT NOT NULL DEFAULT '',
    region     TEXT NOT NULL CHECK (length(region) > 0),
    sector     TEXT CHECK (sector IN ('social', 'health', 'culture', 'education')),
    inn        TEXT NOT NULL UNIQUE CHECK (length(inn) = 10 AND inn NOT GLOB '*[^0-9]*'),
    kpp        TEXT NOT NULL CHECK (length(kpp) = 9),
    ogrn       TEXT NOT NULL CHECK (length(ogrn) = 13 AND ogrn NOT GLOB '*[^0-9]*'),
    reg_num    TEXT NOT NULL DEFAULT '',
    website    TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1
);

-- Организации социальной сферы.
CREATE TABLE organization (
    id         INTEGER PRIMARY KEY,
    full_name  TEXT NOT NULL CHECK (length(full_name) > 0),
    short_name TEXT NOT NULL DEFAULT '',
    inn        TEXT NOT NULL CHECK (length(inn) = 10 AND inn NOT GLOB '*[^0-9]*'),
    kpp        TEXT NOT NULL CHECK (length(kpp) = 9),
    ogrn       TEXT NOT NULL CHECK (length(ogrn) IN (13, 15) AND ogrn NOT GLOB '*[^0-9]*'),
    reg_num    TEXT NOT NULL UNIQUE CHECK (length(reg_num) IN (8, 13)),
    sector     TEXT NOT NULL CHECK (sector IN ('social', 'health', 'culture', 'education')),
    region     TEXT NOT NULL CHECK (length(region) > 0),
    oktmo      TEXT NOT NULL DEFAULT ''
               CHECK (oktmo = '' OR (length(oktmo) IN (8, 11) AND oktmo NOT GLOB '*[^0-9]*')),
    address    TEXT NOT NULL DEFAULT '',
    website    TEXT NOT NULL DEFAULT '',
    founder_id INTEGER REFERENCES authority (id),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (inn, kpp)
);
CREATE INDEX organization_region_sector ON organization (region, sector);
CREATE INDEX organization_founder ON organization (founder_id);

-- Циклы независимой оценки: год × сфера × уполномоченный орган.
CREATE TABLE cycle (
    id                      INTEGER PRIMARY KEY,
    year                    INTEGER NOT NULL CHECK (year BETWEEN 2013 AND 2100),
    sector                  TEXT NOT NULL CHECK (sector IN ('social', 'health', 'culture', 'education')),
    authority_id            INTEGER NOT NULL REFERENCES authority (id),
    region                  TEXT NOT NULL CHECK (length(region) > 0),
    operator_name           TEXT,
    operator_inn            TEXT CHECK (operator_inn IS NULL
                                OR (length(operator_inn) IN (10, 12) AND operator_inn NOT GLOB '*[^0-9]*')),
    contract_number         TEXT,
    contract_date           TEXT CHECK (contract_date IS NULL OR date(contract_date) IS contract_date),
    council_protocol_number TEXT,
    council_protocol_date   TEXT CHECK (council_protocol_date IS NULL
                                OR date(council_protocol_date) IS council_protocol_date),
    status                  TEXT NOT NULL
                            CHECK (status IN ('planned', 'collecting', 'approved', 'published')),
    methodology             TEXT NOT NULL CHECK (length(methodology) > 0),
    -- 1 when inputs changed since scores were computed; recompute sets it to 0.
    scores_stale            INTEGER NOT NULL DEFAULT 1 CHECK (scores_stale IN (0, 1)),
    version                 INTEGER NOT NULL DEFAULT 1,
    UNIQUE (year, sector, authority_id)
);

-- Организации, оцениваемые в цикле, с группой для рейтинга.
CREATE TABLE membership (
    id          INTEGER PRIMARY KEY,
    cycle_id    INTEGER NOT NULL REFERENCES cycle (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES organization (id),
    grp         TEXT NOT NULL DEFAULT '',
    respondents INTEGER NOT NULL DEFAULT 0 CHECK (respondents >= 0),
    -- Why the inputs could not be scored (Russian, names the field); NULL when scored.
    score_error TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (cycle_id, org_id)
);
CREATE INDEX membership_org ON membership (org_id);

-- Raw indicator inputs: counts, entered values and checklist items (1/0), by the method's keys.
CREATE TABLE input_key (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE CHECK (length(key) > 0)
);
CREATE TABLE indicator_input (
    membership_id INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    key_id        INTEGER NOT NULL REFERENCES input_key (id),
    value         REAL NOT NULL CHECK (value >= 0),
    PRIMARY KEY (membership_id, key_id)
) WITHOUT ROWID;

-- Computed results, stored with the method version; rebuilt whenever the cycle's inputs change.
CREATE TABLE score (
    membership_id INTEGER PRIMARY KEY REFERENCES membership (id) ON DELETE CASCADE,
    methodology   TEXT NOT NULL,
    total         REAL NOT NULL CHECK (total BETWEEN 0 AND 100),
    place         INTEGER NOT NULL CHECK (place >= 1),
    ranked        INTEGER NOT NULL CHECK (ranked >= place),
    group_place   INTEGER NOT NULL CHECK (group_place >= 1),
    group_ranked  INTEGER NOT NULL CHECK (group_ranked >= group_place),
    computed_at   TEXT NOT NULL
);
CREATE INDEX score_total ON score (total DESC);
-- Criteria ('К1'…) with their place in the cycle, and indicators ('1.1'…, place NULL).
CREATE TABLE score_part (
    membership_id INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    value         REAL NOT NULL CHECK (value BETWEEN 0 AND 100),
    place         INTEGER CHECK (place IS NULL OR place >= 1),
    PRIMARY KEY (membership_id, code)
) WITHOUT ROWID;

-- Недостатки, выявленные в ходе независимой оценки.
CREATE TABLE shortcoming (
    id        INTEGER PRIMARY KEY,
    cycle_id  INTEGER NOT NULL,
    org_id    INTEGER NOT NULL,
    criterion TEXT NOT NULL CHECK (criterion GLOB 'К[1-9]'),
    indicator TEXT,
    input_key TEXT,
    text      TEXT NOT NULL CHECK (length(text) > 0),
    version   INTEGER NOT NULL DEFAULT 1,
    FOREIGN KEY (cycle_id, org_id) REFERENCES membership (cycle_id, org_id) ON DELETE CASCADE
);
CREATE INDEX shortcoming_membership ON shortcoming (cycle_id, org_id);

-- Строки планов по устранению недостатков и сведения об их выполнении.
CREATE TABLE plan_row (
    id                   INTEGER PRIMARY KEY,
    cycle_id             INTEGER NOT NULL,
    org_id               INTEGER NOT NULL,
    number               TEXT NOT NULL CHECK (length(number) > 0),
    criterion            TEXT NOT NULL CHECK (criterion GLOB 'К[1-9]'),
    shortcoming_id       INTEGER REFERENCES shortcoming (id) ON DELETE SET NULL,
    shortcoming          TEXT NOT NULL DEFAULT '',
    measure              TEXT NOT NULL CHECK (length(measure) > 0),
    planned_date         TEXT NOT NULL CHECK (date(planned_date) IS planned_date),
    resp_last_name       TEXT NOT NULL DEFAULT '',
    resp_first_name      TEXT NOT NULL DEFAULT '',
    resp_middle_name     TEXT NOT NULL DEFAULT '',
    resp_position        TEXT NOT NULL DEFAULT '',
    expected_result      TEXT NOT NULL DEFAULT '',
    result_indicators    TEXT NOT NULL DEFAULT '',
    implemented_measures TEXT NOT NULL DEFAULT '',
    actual_date          TEXT CHECK (actual_date IS NULL OR date(actual_date) IS actual_date),
    status               TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    cancel_reason        TEXT,
    version              INTEGER NOT NULL DEFAULT 1,
    CHECK (status <> 'done' OR (actual_date IS NOT NULL AND length(implemented_measures) > 0)),
    CHECK (status <> 'cancelled' OR length(coalesce(cancel_reason, '')) > 0),
    UNIQUE (cycle_id, org_id, number),
    FOREIGN KEY (cycle_id, org_id) REFERENCES membership (cycle_id, org_id) ON DELETE CASCADE
);
CREATE INDEX plan_row_due ON plan_row (status, planned_date);
CREATE INDEX plan_row_shortcoming ON plan_row (shortcoming_id);

-- Планы уполномоченного органа: разделы, мероприятия, исполнители, целевые показатели.
CREATE TABLE workplan (
    id           INTEGER PRIMARY KEY,
    authority_id INTEGER NOT NULL REFERENCES authority (id),
    title        TEXT NOT NULL CHECK (length(title) > 0),
    year_from    INTEGER NOT NULL,
    year_to      INTEGER NOT NULL,
    approved_by  TEXT NOT NULL DEFAULT '',
    approved_on  TEXT CHECK (approved_on IS NULL OR date(approved_on) IS approved_on),
    version      INTEGER NOT NULL DEFAULT 1,
    CHECK (year_to >= year_from)
);
CREATE INDEX workplan_authority ON workplan (authority_id);
CREATE TABLE workplan_section (
    id          INTEGER PRIMARY KEY,
    workplan_id INTEGER NOT NULL REFERENCES workplan (id) ON DELETE CASCADE,
    number      TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    position    INTEGER NOT NULL
);
CREATE INDEX workplan_section_plan ON workplan_section (workplan_id);
CREATE TABLE workplan_item (
    id            INTEGER PRIMARY KEY,
    workplan_id   INTEGER NOT NULL REFERENCES workplan (id) ON DELETE CASCADE,
    section_id    INTEGER REFERENCES workplan_section (id) ON DELETE SET NULL,
    parent_id     INTEGER REFERENCES workplan_item (id) ON DELETE CASCADE,
    number        TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL,
    measure       TEXT NOT NULL CHECK (length(measure) > 0),
    form          TEXT NOT NULL DEFAULT '',
    deadline_text TEXT NOT NULL DEFAULT '',
    deadline_due  TEXT CHECK (deadline_due IS NULL OR date(deadline_due) IS deadline_due),
    status        TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    completed_on  TEXT CHECK (completed_on IS NULL OR date(completed_on) IS completed_on),
    note          TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX workplan_item_plan ON workplan_item (workplan_id, position);
CREATE INDEX workplan_item_parent ON workplan_item (parent_id);
CREATE INDEX workplan_item_section ON workplan_item (section_id);
CREATE TABLE workplan_executor (
    item_id  INTEGER NOT NULL REFERENCES workplan_item (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL CHECK (length(name) > 0),
    PRIMARY KEY (item_id, position)
) WITHOUT ROWID;
CREATE TABLE target_indicator (
    id          INTEGER PRIMARY KEY,
    workplan_id INTEGER NOT NULL REFERENCES workplan (id) ON DELETE CASCADE,
    number      TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL CHECK (length(name) > 0),
    unit        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX target_indicator_plan ON target_indicator (workplan_id);
CREATE TABLE target_value (
    indicator_id INTEGER NOT NULL REFERENCES target_indicator (id) ON DELETE CASCADE,
    year         INTEGER NOT NULL,
    planned      REAL,
    actual       REAL,
    version      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (indicator_id, year)
) WITHOUT ROWID;

-- Заседания общественного совета.
CREATE TABLE council_meeting (
    id              INTEGER PRIMARY KEY,
    authority_id    INTEGER NOT NULL REFERENCES authority (id),
    cycle_id        INTEGER REFERENCES cycle (id) ON DELETE SET NULL,
    date            TEXT NOT NULL CHECK (date(date) IS date),
    protocol_number TEXT NOT NULL CHECK (length(protocol_number) > 0),
    agenda          TEXT NOT NULL DEFAULT '',
    decisions       TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX council_meeting_authority ON council_meeting (authority_id, date);
CREATE INDEX council_meeting_cycle ON council_meeting (cycle_id);

-- Журнал изменений: who (OS user), when, what, old → new.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    os_user   TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'bulk')),
    entity    TEXT NOT NULL,
    entity_id INTEGER,
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

-- bus.gov.ru positions: a stable positionId per document kind, organization and cycle, and the
-- version last exported.
CREATE TABLE export_position (
    kind           TEXT NOT NULL CHECK (kind IN ('results', 'plan', 'report')),
    org_id         INTEGER NOT NULL REFERENCES organization (id),
    cycle_id       INTEGER NOT NULL REFERENCES cycle (id),
    position_id    TEXT NOT NULL UNIQUE CHECK (length(position_id) = 36),
    version_number INTEGER NOT NULL CHECK (version_number >= 1),
    content_sha256 TEXT,
    exported_at    TEXT,
    receipt_status TEXT CHECK (receipt_status IS NULL OR receipt_status IN ('accepted', 'rejected')),
    PRIMARY KEY (kind, org_id, cycle_id)
) WITHOUT ROWID;
CREATE TABLE export_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('results', 'plan', 'report')),
    org_id         INTEGER NOT NULL,
    cycle_id       INTEGER NOT NULL,
    position_id    TEXT NOT NULL,
    version_number INTEGER NOT NULL,
    file           TEXT NOT NULL,
    sha256         TEXT NOT NULL
);
CREATE INDEX export_log_position ON export_log (position_id);
