-- The audit trail: every case event and reviewer action, hash-chained, append-only.
-- Each row's hash covers the previous row's hash and the row's own content (services/audit/
-- domain.py); `seq` has no gaps, so a deleted row shows as a gap or a broken link.
CREATE TABLE trail (
    seq            bigint PRIMARY KEY,
    event_id       uuid NOT NULL UNIQUE,
    case_id        text NOT NULL,
    control_number text,
    event_type     text NOT NULL,
    source         text NOT NULL,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL,
    content        text NOT NULL,
    prev_hash      text NOT NULL,
    hash           text NOT NULL
);
CREATE INDEX trail_case ON trail (case_id, seq);
CREATE INDEX trail_control_number ON trail (control_number, seq);

CREATE FUNCTION refuse_trail_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Triggers bind the owner too (the application role that ran this migration).
CREATE TRIGGER trail_rows_append_only BEFORE UPDATE OR DELETE ON trail
    FOR EACH ROW EXECUTE FUNCTION refuse_trail_change();
CREATE TRIGGER trail_append_only BEFORE TRUNCATE ON trail
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_trail_change();
REVOKE UPDATE, DELETE, TRUNCATE ON trail FROM PUBLIC;
