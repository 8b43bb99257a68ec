-- Risk notices written by an officer; shared once a second, senior officer countersigns.
CREATE TABLE risk_notices (
    id                bigserial PRIMARY KEY,
    draft             jsonb NOT NULL,
    written_by        text NOT NULL,
    written_at        timestamptz NOT NULL,
    countersigned_by  text,
    countersigned_at  timestamptz
);
