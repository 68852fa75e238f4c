#!/bin/bash
# The cost of keeping the plan totals per cycle and status (migrations 020 and 021) on bare tables
# in sqlite3 (BENCHMARKS.md, «Сессия 11: итоги плана по статусам одним оператором»): 1,000,000
# plan rows inserted, then a third of them moved to another status, twice; three variants of the
# triggers on `cycle_plan_day` — as migration 020 left them, as 021 leaves them, and none.
# The tables and triggers are those of migrations 011, 020 and 021 with only the columns they use.
# Usage: bash benches/plan_status_triggers.sh [RUNS]   (sqlite3 in PATH; prints sqlite3's timers)
set -euo pipefail
runs=${1:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/base.sql" <<'SQL'
PRAGMA journal_mode=WAL;
CREATE TABLE plan_row (id INTEGER PRIMARY KEY, cycle_id INTEGER NOT NULL, status TEXT NOT NULL,
    planned_date TEXT NOT NULL);
CREATE TABLE cycle_plan_day (cycle_id INTEGER NOT NULL, status TEXT NOT NULL,
    planned_date TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, status, planned_date)) WITHOUT ROWID;
CREATE TRIGGER plan_day_insert AFTER INSERT ON plan_row BEGIN
    INSERT INTO cycle_plan_day (cycle_id, status, planned_date, n)
    VALUES (NEW.cycle_id, NEW.status, NEW.planned_date, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER plan_day_delete AFTER DELETE ON plan_row BEGIN
    UPDATE cycle_plan_day SET n = n - 1
    WHERE cycle_id = OLD.cycle_id AND status = OLD.status AND planned_date = OLD.planned_date;
END;
CREATE TRIGGER plan_day_update AFTER UPDATE OF cycle_id, status, planned_date ON plan_row
WHEN OLD.cycle_id IS NOT NEW.cycle_id OR OLD.status IS NOT NEW.status
  OR OLD.planned_date IS NOT NEW.planned_date BEGIN
    UPDATE cycle_plan_day SET n = n - 1
    WHERE cycle_id = OLD.cycle_id AND status = OLD.status AND planned_date = OLD.planned_date;
    INSERT INTO cycle_plan_day (cycle_id, status, planned_date, n)
    VALUES (NEW.cycle_id, NEW.status, NEW.planned_date, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TABLE cycle_plan_status (cycle_id INTEGER NOT NULL, status TEXT NOT NULL,
    n INTEGER NOT NULL, PRIMARY KEY (cycle_id, status)) WITHOUT ROWID;
CREATE TRIGGER plan_status_day_insert AFTER INSERT ON cycle_plan_day BEGIN
    INSERT INTO cycle_plan_status (cycle_id, status, n) VALUES (NEW.cycle_id, NEW.status, NEW.n)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER plan_status_day_delete AFTER DELETE ON cycle_plan_day BEGIN
    UPDATE cycle_plan_status SET n = n - OLD.n WHERE cycle_id = OLD.cycle_id AND status = OLD.status;
END;
SQL
cat > "$work/020.sql" <<'SQL'
CREATE TRIGGER plan_status_day_update AFTER UPDATE ON cycle_plan_day BEGIN
    UPDATE cycle_plan_status SET n = n - OLD.n WHERE cycle_id = OLD.cycle_id AND status = OLD.status;
    INSERT INTO cycle_plan_status (cycle_id, status, n) VALUES (NEW.cycle_id, NEW.status, NEW.n)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
SQL
sed -n '/^DROP TRIGGER/,$p' src/store/migrations/021_plan_status_update_one_statement.sql \
    | grep -v '^DROP TRIGGER' > "$work/021.sql"
echo "DROP TRIGGER plan_status_day_insert; DROP TRIGGER plan_status_day_delete;" > "$work/none.sql"
cat > "$work/work.sql" <<'SQL'
.timer on
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000000)
INSERT INTO plan_row (cycle_id, status, planned_date)
SELECT 1 + i % 20, 'planned', date('2026-01-01', '+' || (i % 365) || ' days') FROM s;
COMMIT;
BEGIN; UPDATE plan_row SET status = 'done' WHERE id % 3 = 0; COMMIT;
BEGIN; UPDATE plan_row SET status = 'in_progress' WHERE id % 3 = 1; COMMIT;
SELECT 'totals ' || group_concat(status || '=' || n) FROM
    (SELECT status, sum(n) AS n FROM cycle_plan_status GROUP BY status ORDER BY status);
SQL
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$runs"); do
    for v in 020 021 none; do
        db="$work/$v.db"
        rm -f "$db"*
        (cat "$work/base.sql"; if [ "$v" = none ]; then cat "$work/none.sql"; else cat "$work/$v.sql"; fi) \
            | sqlite3 "$db" > /dev/null
        echo "== $v (run $run): insert 1M, status of 1/3, status of another 1/3"
        sqlite3 "$db" < "$work/work.sql" | grep -E '^Run Time|^totals' | grep -v 'real 0.0'
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
