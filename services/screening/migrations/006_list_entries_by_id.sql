-- An entry id found in any list: the index, updated in place, takes every list's current entries
-- with the ids an update touched (two lists may use the same id).
CREATE INDEX list_entries_by_id ON list_entries (entry_id);
