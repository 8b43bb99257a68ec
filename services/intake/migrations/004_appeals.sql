-- The decision intake learns from the cases topic, so an appeal can be checked against it, and
-- the appeals filed: one per case (a second filing is refused, the same one recognised).
ALTER TABLE applications
    ADD COLUMN decided_at       timestamptz,
    ADD COLUMN decided_by       text,
    ADD COLUMN countersigned_by text;

CREATE TABLE appeals (
    appeal_id     uuid PRIMARY KEY,
    case_id       uuid NOT NULL UNIQUE REFERENCES applications (case_id),
    content_hash  text NOT NULL,
    grounds       text NOT NULL,
    filed_at      timestamptz NOT NULL
);
