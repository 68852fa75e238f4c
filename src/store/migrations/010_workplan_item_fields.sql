-- Columns of an authority's plan document beyond the measure, its form, deadline and executors
-- (Основание, Показатели, Примечание, and columns no role was found for), kept per item under
-- the column's header as written, in the order of the document.
CREATE TABLE IF NOT EXISTS workplan_item_field (
    item_id  INTEGER NOT NULL REFERENCES workplan_item (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL CHECK (length(title) > 0),
    value    TEXT NOT NULL,
    PRIMARY KEY (item_id, position)
) WITHOUT ROWID;
