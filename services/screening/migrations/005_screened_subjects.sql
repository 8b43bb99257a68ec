-- The subjects re-screened when a list changes (open cases; valid licences later), each with
-- the entries its latest result matched, and the match keys of its parties' names: a list
-- update reads the subjects sharing a key with what it changed, not every subject.
CREATE TABLE screened_subjects (
    kind         text NOT NULL,
    subject_id   text NOT NULL,
    case_id      uuid NOT NULL,
    application  jsonb NOT NULL,
    hits         text[] NOT NULL,
    kept_at      timestamptz NOT NULL,
    PRIMARY KEY (kind, subject_id)
);

CREATE TABLE subject_keys (
    key         bigint NOT NULL,
    kind        text NOT NULL,
    subject_id  text NOT NULL,
    FOREIGN KEY (kind, subject_id) REFERENCES screened_subjects (kind, subject_id)
        ON DELETE CASCADE
);
CREATE INDEX subject_keys_by_key ON subject_keys (key);
CREATE INDEX subject_keys_by_subject ON subject_keys (kind, subject_id);
