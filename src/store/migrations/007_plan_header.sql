-- nok schema, version 7: what bus.gov.ru's own improvement-plan document (ТФФ 1.8.3,
-- planShortcomingInfoType) needs besides the plan rows, per organization and cycle.
-- The approval date is membership.plan_approved_on (version 5); it is not repeated here.

CREATE TABLE plan_header (
    id                   INTEGER PRIMARY KEY,
    cycle_id             INTEGER NOT NULL,
    org_id               INTEGER NOT NULL,
    -- Общественный совет; '' = the council of the cycle's authority (the default).
    social_council       TEXT NOT NULL DEFAULT '',
    -- The year the plan covers (PLAN_PERIOD); NULL = not given.
    plan_period          INTEGER CHECK (plan_period IS NULL OR plan_period BETWEEN 2013 AND 2100),
    -- Организация, утвердившая план.
    approved_by          TEXT NOT NULL DEFAULT '',
    approver_last_name   TEXT NOT NULL DEFAULT '',
    approver_first_name  TEXT NOT NULL DEFAULT '',
    approver_middle_name TEXT NOT NULL DEFAULT '',
    -- Описание организации контроля (how execution is controlled).
    control              TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL DEFAULT 1,
    -- The fingerprint of the portal's plan document last exported, and when (local time): the
    -- document has no positionId or version of its own, so it is not an export_position; this
    -- lets `--changed-only` leave an unchanged plan out. Not data a form edits (no version bump).
    exported_hash        TEXT,
    exported_at          TEXT,
    UNIQUE (cycle_id, org_id),
    FOREIGN KEY (cycle_id, org_id) REFERENCES membership (cycle_id, org_id) ON DELETE CASCADE
);

-- The acts that approved the plan (PLAN_SHORTCOMING_DOCUMENTS), in the order given.
CREATE TABLE plan_act (
    id       INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL,
    org_id   INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    name     TEXT NOT NULL DEFAULT '',
    kind     TEXT NOT NULL DEFAULT '',
    date     TEXT CHECK (date IS NULL OR date(date) IS date),
    number   TEXT NOT NULL DEFAULT '',
    UNIQUE (cycle_id, org_id, seq),
    FOREIGN KEY (cycle_id, org_id) REFERENCES membership (cycle_id, org_id) ON DELETE CASCADE
);
