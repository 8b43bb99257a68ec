-- Restricted-party lists as loaded by `caseflow lists load`: every reload that changes something
-- is a new version, with what it added, changed and removed.
CREATE TABLE lists (
    name             text PRIMARY KEY,
    current_version  integer NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE list_versions (
    name         text NOT NULL REFERENCES lists (name),
    version      integer NOT NULL,
    loaded_from  text NOT NULL,
    loaded_at    timestamptz NOT NULL,
    entries      integer NOT NULL,
    added        integer NOT NULL,
    changed      integer NOT NULL,
    removed      integer NOT NULL,
    PRIMARY KEY (name, version)
);

-- The current entries of each list; the digest tells a changed entry from an unchanged one.
CREATE TABLE list_entries (
    name      text NOT NULL REFERENCES lists (name),
    entry_id  text NOT NULL,
    digest    text NOT NULL,
    entry     jsonb NOT NULL,
    PRIMARY KEY (name, entry_id)
);

-- What each version changed: re-screening looks at the entries a version added or changed.
CREATE TABLE list_changes (
    name      text NOT NULL,
    version   integer NOT NULL,
    entry_id  text NOT NULL,
    change    text NOT NULL CHECK (change IN ('added', 'changed', 'removed')),
    PRIMARY KEY (name, version, entry_id),
    FOREIGN KEY (name, version) REFERENCES list_versions (name, version)
);
