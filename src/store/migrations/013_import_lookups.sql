-- Imports match each row of a file by indexed lookups instead of a copy of the table: ИНН+КПП
-- and regNum have their unique indexes; ОГРН (one legal entity, shared by its branches) gets one.
CREATE INDEX organization_ogrn ON organization (ogrn);
