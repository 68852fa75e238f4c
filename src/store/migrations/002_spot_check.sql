-- nok schema, version 2: spot checks of plan rows marked done (выборочная проверка), and indexes
-- for the plan-rows screen, which lists rows across organizations ordered by organization name.

-- A person's verdict on whether a plan row marked done really was carried out.
CREATE TABLE spot_check (
    id          INTEGER PRIMARY KEY,
    plan_row_id INTEGER NOT NULL REFERENCES plan_row (id) ON DELETE CASCADE,
    -- Local time, ISO `YYYY-MM-DDThh:mm:ss`.
    checked_at  TEXT NOT NULL CHECK (length(checked_at) > 0),
    -- The OS user (staff log in over SSH under their own accounts).
    os_user     TEXT NOT NULL CHECK (length(os_user) > 0),
    verdict     TEXT NOT NULL CHECK (verdict IN ('confirmed', 'rejected')),
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX spot_check_row ON spot_check (plan_row_id, checked_at);

-- Organizations in the order the plan-rows screen groups them: the name shown (short, else full).
-- The expression must stay exactly as written in store/plan_rows.rs for the planner to use it.
CREATE INDEX organization_display_name
    ON organization ((CASE WHEN short_name = '' THEN full_name ELSE short_name END), id);

-- An organization's rows by planned date and id, with the status: the window of any filter is
-- read from this index alone, organization by organization, already in order (`id` is named so
-- that no sort is needed between rows of the same day).
CREATE INDEX plan_row_org_due ON plan_row (org_id, planned_date, id, status);

-- Open rows with no implemented measures written: those whose planned date has passed are «нет
-- отчета». Without it, counting them reads every open row's text.
CREATE INDEX plan_row_unreported ON plan_row (org_id, planned_date, id, status)
    WHERE status IN ('planned', 'in_progress') AND implemented_measures = '';
