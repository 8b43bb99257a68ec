-- One result per screening request; a repeated request gets the stored result again.
CREATE TABLE results (
    request_id    text PRIMARY KEY,
    case_id       uuid NOT NULL,
    risk_level    text NOT NULL,
    result        jsonb NOT NULL,
    completed_at  timestamptz NOT NULL
);
CREATE INDEX results_by_case ON results (case_id);
