-- nok schema, version 17: an organization's sort key (organization_sort, migration 011) may be
-- written before the organization itself, and the insert trigger then leaves it as it is. A
-- streamed import of organizations writes the keys it computed (store::browse::name_key, the
-- same rule) with the new organizations' ids, set-based, and then the organizations: the key
-- computed in SQL costs 33 calls of replace() per row, most of the time of writing a new
-- organization. Every other insert (forms, the demo, SQL by hand) writes no key first and gets
-- it from the trigger as before.
DROP TRIGGER organization_sort_insert;

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
