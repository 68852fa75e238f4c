-- nok schema: a search key for the respondents' proposals (survey_proposal, migration 009), so that
-- the terminal UI and `nok survey proposals --search` find them in SQL, a window and a count at a
-- time, whatever the case and «ё»: the text with Latin capitals (SQLite's lower) and the capitals
-- of Russian, Ukrainian and Belarusian made small, and «ё» read as «е». `nok` writes the key itself
-- (store::survey::search_key, the same rule); the trigger fills it for rows inserted without it.
-- Made in steps of at most ten nested calls: SQLite before 3.46 parses only about thirty nested
-- calls in a schema (an older sqlite3 tool could not read it).

ALTER TABLE survey_proposal ADD COLUMN search_key TEXT;

UPDATE survey_proposal SET search_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(text), 'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д')
       , 'Е', 'е'), 'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й');
UPDATE survey_proposal SET search_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_key, 'К', 'к'), 'Л', 'л'), 'М', 'м'), 'Н', 'н'), 'О', 'о')
       , 'П', 'п'), 'Р', 'р'), 'С', 'с'), 'Т', 'т'), 'У', 'у');
UPDATE survey_proposal SET search_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_key, 'Ф', 'ф'), 'Х', 'х'), 'Ц', 'ц'), 'Ч', 'ч'), 'Ш', 'ш')
       , 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'), 'Ь', 'ь'), 'Э', 'э');
UPDATE survey_proposal SET search_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(search_key, 'Ю', 'ю'), 'Я', 'я'), 'Ё', 'е'), 'ё', 'е'), 'І', 'і')
       , 'Ї', 'ї'), 'Є', 'є'), 'Ґ', 'ґ'), 'Ў', 'ў');

CREATE TRIGGER survey_proposal_search_key AFTER INSERT ON survey_proposal
WHEN NEW.search_key IS NULL
BEGIN
    UPDATE survey_proposal SET search_key =
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(text), 'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д')
           , 'Е', 'е'), 'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й') WHERE id = NEW.id;
    UPDATE survey_proposal SET search_key =
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_key, 'К', 'к'), 'Л', 'л'), 'М', 'м'), 'Н', 'н'), 'О', 'о')
           , 'П', 'п'), 'Р', 'р'), 'С', 'с'), 'Т', 'т'), 'У', 'у') WHERE id = NEW.id;
    UPDATE survey_proposal SET search_key =
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_key, 'Ф', 'ф'), 'Х', 'х'), 'Ц', 'ц'), 'Ч', 'ч'), 'Ш', 'ш')
           , 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'), 'Ь', 'ь'), 'Э', 'э') WHERE id = NEW.id;
    UPDATE survey_proposal SET search_key =
        replace(replace(replace(replace(replace(replace(replace(replace(replace(search_key, 'Ю', 'ю'), 'Я', 'я'), 'Ё', 'е'), 'ё', 'е'), 'І', 'і')
           , 'Ї', 'ї'), 'Є', 'є'), 'Ґ', 'ґ'), 'Ў', 'ў') WHERE id = NEW.id;
END;
