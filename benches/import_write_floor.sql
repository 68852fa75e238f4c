-- Where the time of writing 100,000 new organizations goes (BENCHMARKS.md, «Импорт и выгрузка»).
-- Schema: for f in src/store/migrations/*.sql; do sqlite3 s.db < $f; done (004 needs a newer
-- SQLite than 3.40 and is skipped; it touches no table used here). Then: cp s.db t.db; sqlite3 t.db < this file.
-- Variants measured: without the DROP/CREATE INDEX lines (indexes kept); with
-- 'row_number() OVER (ORDER BY line)' replaced by 'line - 1'; with PRAGMA ignore_check_constraints=ON;
-- keys in scattered order: the generator's 'FROM c' replaced by
-- 'FROM (SELECT i AS n, (i*7919) % 100000 AS i FROM c)' and 'SELECT i+2' by 'SELECT n+2'.
PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384; PRAGMA temp.cache_size=-16384; PRAGMA foreign_keys=ON;
CREATE TEMP TABLE import_org_added (line INTEGER PRIMARY KEY, full_name TEXT NOT NULL, short_name TEXT NOT NULL, inn TEXT NOT NULL, kpp TEXT NOT NULL, ogrn TEXT NOT NULL, reg_num TEXT NOT NULL, sector TEXT NOT NULL, region TEXT NOT NULL, oktmo TEXT NOT NULL, address TEXT NOT NULL, website TEXT NOT NULL, founder_id INTEGER, name_key TEXT NOT NULL, what TEXT NOT NULL);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM c WHERE i < 99999)
INSERT INTO import_org_added SELECT i+2, 'Государственное бюджетное учреждение «Организация № '||i||'»', 'ГБУ № '||i, printf('%010d', 1000000000+i*7), printf('78%02d01001', i%100), printf('%013d', 1027800000000+i), printf('%03d%05d', 100+i/100000, i%100000), 'culture', 'Санкт-Петербург', printf('40%06d', i), 'г. Санкт-Петербург, ул. Садовая, д. '||(i%300+1), 'https://org'||i||'.ru', NULL, 'гбу № '||i, 'ИНН … КПП … «Государственное бюджетное учреждение «Организация № '||i||'»»' FROM c;
.timer on
BEGIN IMMEDIATE;
SELECT 'drop';
DROP INDEX organization_region_sector; DROP INDEX organization_founder; DROP INDEX organization_display_name; DROP INDEX organization_ogrn; DROP INDEX organization_sort_name; DROP INDEX audit_log_entity; DROP INDEX audit_log_at;
SELECT 'sort';
INSERT INTO organization_sort (org_id, name_key) SELECT 0 + row_number() OVER (ORDER BY line), name_key FROM temp.import_org_added ORDER BY line;
SELECT 'org';
INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region, oktmo, address, website, founder_id) SELECT 0 + row_number() OVER (ORDER BY line), full_name, short_name, inn, kpp, ogrn, reg_num, sector, region, oktmo, address, website, founder_id FROM temp.import_org_added ORDER BY line;
SELECT 'audit';
INSERT INTO audit_log (at, os_user, action, entity, entity_id, field, old_value, new_value, note) SELECT '2026', 'u', 'insert', 'organization', 0 + row_number() OVER (ORDER BY line), NULL, NULL, what, 'импорт' FROM temp.import_org_added ORDER BY line;
SELECT 'create';
CREATE INDEX organization_region_sector ON organization (region, sector);
CREATE INDEX organization_founder ON organization (founder_id);
CREATE INDEX organization_display_name ON organization ((CASE WHEN short_name = '' THEN full_name ELSE short_name END), id);
CREATE INDEX organization_ogrn ON organization (ogrn);
CREATE INDEX organization_sort_name ON organization_sort (name_key, org_id);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
SELECT 'commit';
COMMIT;
PRAGMA wal_checkpoint;
