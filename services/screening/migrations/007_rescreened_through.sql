-- The list versions every subject was last screened in step with, kept as a re-screen after a
-- list update ends: a process starting on those versions knows that nothing moved since, and
-- its first update screens again only the subjects what that update moved may change.
CREATE TABLE rescreened_through (
    only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    list_version  text NOT NULL,
    kept_at       timestamptz NOT NULL
);
