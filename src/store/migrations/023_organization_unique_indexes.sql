-- The two unique constraints of `organization` (ИНН+КПП, the code by the Сводный реестр) become
-- named unique indexes, `organization_inn_kpp` and `organization_reg_num`, instead of the
-- table's own `UNIQUE` clauses. The rules are the same; what changes is that a load which at
-- least doubles the table (a ministry's first registry, above all) can drop them and build them
-- again after its one `INSERT … SELECT`, as it does the other indexes: building a unique index
-- over 100,000 rows sorts them once, keeping it during the insert puts each row in its place in
-- both B-trees (BENCHMARKS.md, «Сессия 14: импорт организаций»). A repeat the import's own
-- checks missed still fails the whole import: the rebuild refuses it, in the same transaction.
--
-- SQLite cannot drop a table's own constraint, so the table is built again (the procedure of
-- https://www.sqlite.org/lang_altertable.html, «Making Other Kinds Of Table Schema Changes»):
-- foreign keys are off while migrations run (`store::prepare`), and this migration checks them
-- before it commits. The rename is done with `legacy_alter_table` on, so SQLite does not try to
-- rewrite the triggers and views of other tables that name `organization` (they name it by name
-- and find the new table). Its indexes and triggers go with the old table and are created again
-- below, word for word as migrations 001, 002, 011, 013, 015, 017, 018 and 022 left them
-- (`store::tests::organization_rebuilt_whole` compares them with a database of version 22).

PRAGMA legacy_alter_table = ON;

CREATE TABLE organization_rebuilt (
    id         INTEGER PRIMARY KEY,
    full_name  TEXT NOT NULL CHECK (length(full_name) > 0),
    short_name TEXT NOT NULL DEFAULT '',
    inn        TEXT NOT NULL CHECK (length(inn) = 10 AND inn NOT GLOB '*[^0-9]*'),
    kpp        TEXT NOT NULL CHECK (length(kpp) = 9),
    ogrn       TEXT NOT NULL CHECK (length(ogrn) IN (13, 15) AND ogrn NOT GLOB '*[^0-9]*'),
    reg_num    TEXT NOT NULL CHECK (length(reg_num) IN (8, 13)),
    sector     TEXT NOT NULL CHECK (sector IN ('social', 'health', 'culture', 'education')),
    region     TEXT NOT NULL CHECK (length(region) > 0),
    oktmo      TEXT NOT NULL DEFAULT ''
               CHECK (oktmo = '' OR (length(oktmo) IN (8, 11) AND oktmo NOT GLOB '*[^0-9]*')),
    address    TEXT NOT NULL DEFAULT '',
    website    TEXT NOT NULL DEFAULT '',
    founder_id INTEGER REFERENCES authority (id),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version    INTEGER NOT NULL DEFAULT 1
);

INSERT INTO organization_rebuilt (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector,
                                  region, oktmo, address, website, founder_id, active, version)
SELECT id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region, oktmo, address,
       website, founder_id, active, version
FROM organization;

DROP TABLE organization;
ALTER TABLE organization_rebuilt RENAME TO organization;

PRAGMA legacy_alter_table = OFF;

CREATE UNIQUE INDEX organization_inn_kpp ON organization (inn, kpp);
CREATE UNIQUE INDEX organization_reg_num ON organization (reg_num);

CREATE INDEX organization_display_name
    ON organization ((CASE WHEN short_name = '' THEN full_name ELSE short_name END), id);
CREATE INDEX organization_founder ON organization (founder_id);
CREATE INDEX organization_ogrn ON organization (ogrn);
CREATE INDEX organization_region_sector ON organization (region, sector);
CREATE TRIGGER organization_sort_delete AFTER DELETE ON organization
BEGIN
    DELETE FROM organization_sort WHERE org_id = OLD.id;
END;
CREATE TRIGGER organization_sort_insert AFTER INSERT ON organization
WHEN NOT EXISTS (SELECT 1 FROM organization_sort WHERE org_id = NEW.id)
BEGIN
    INSERT OR REPLACE INTO organization_sort (org_id, name_key)
    SELECT id, lower(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
        'Ц', 'ц'), 'Ч', 'ч'), 'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'),
        'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'), 'Ё', 'ё')) AS name_key
    FROM (SELECT id,
              replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
              'Л', 'л'), 'М', 'м'), 'Н', 'н'), 'О', 'о'), 'П', 'п'), 'Р', 'р'),
              'С', 'с'), 'Т', 'т'), 'У', 'у'), 'Ф', 'ф'), 'Х', 'х') AS k
          FROM (SELECT NEW.id AS id,
                    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(CASE WHEN NEW.short_name = '' THEN NEW.full_name ELSE NEW.short_name END,
                    'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'),
                    'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й'), 'К', 'к') AS k));
END;
CREATE TRIGGER organization_sort_update AFTER UPDATE OF id, short_name, full_name ON organization
BEGIN
    DELETE FROM organization_sort WHERE org_id = OLD.id;
    INSERT OR REPLACE INTO organization_sort (org_id, name_key)
    SELECT id, lower(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
        'Ц', 'ц'), 'Ч', 'ч'), 'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'),
        'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'), 'Ё', 'ё')) AS name_key
    FROM (SELECT id,
              replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k,
              'Л', 'л'), 'М', 'м'), 'Н', 'н'), 'О', 'о'), 'П', 'п'), 'Р', 'р'),
              'С', 'с'), 'Т', 'т'), 'У', 'у'), 'Ф', 'ф'), 'Х', 'х') AS k
          FROM (SELECT NEW.id AS id,
                    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(CASE WHEN NEW.short_name = '' THEN NEW.full_name ELSE NEW.short_name END,
                    'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'),
                    'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й'), 'К', 'к') AS k));
END;
CREATE TRIGGER rating_order_organization_delete AFTER DELETE ON organization
BEGIN
    DELETE FROM rating_order
    WHERE membership_id IN (SELECT id FROM membership WHERE org_id = OLD.id);
END;
CREATE TRIGGER rating_order_organization_update AFTER UPDATE OF id, short_name ON organization
WHEN OLD.id IS NOT NEW.id OR OLD.short_name IS NOT NEW.short_name
BEGIN
    DELETE FROM rating_order
    WHERE membership_id IN (SELECT id FROM membership WHERE org_id IN (OLD.id, NEW.id));
    INSERT OR REPLACE INTO rating_order
        (cycle_id, place, short_name, org_id, membership_id, total, grp)
    SELECT m.cycle_id, s.place, NEW.short_name, m.org_id, m.id, s.total, m.grp
    FROM membership m JOIN score s ON s.membership_id = m.id
    WHERE m.org_id = NEW.id;
END;
CREATE TRIGGER recompute_dirty_organization_update AFTER UPDATE OF id, short_name, full_name
ON organization
WHEN OLD.id IS NOT NEW.id OR OLD.short_name IS NOT NEW.short_name
     OR OLD.full_name IS NOT NEW.full_name
BEGIN
    INSERT INTO recompute_dirty (membership_id)
    SELECT DISTINCT membership.id FROM membership WHERE org_id IN (OLD.id, NEW.id)
      AND NOT EXISTS (SELECT 1 FROM recompute_dirty d WHERE d.membership_id = membership.id);
END;
CREATE TRIGGER row_count_organization_delete AFTER DELETE ON organization
BEGIN
    UPDATE row_count SET n = n - 1 WHERE name = 'organization';
END;
CREATE TRIGGER row_count_organization_insert AFTER INSERT ON organization
BEGIN
    UPDATE row_count SET n = n + 1 WHERE name = 'organization';
END;
