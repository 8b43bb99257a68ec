-- The annual report reads events by type and time; notices between states name no case, so
-- they are kept apart: shared (this state's) and received (partners').
CREATE INDEX events_by_type ON events (event_type, occurred_at);

CREATE TABLE notices (
    event_id      uuid PRIMARY KEY,
    notice_type   text NOT NULL,
    kind          text NOT NULL DEFAULT '',
    direction     text NOT NULL CHECK (direction IN ('shared', 'received')),
    issuing_state text NOT NULL DEFAULT '',
    occurred_at   timestamptz NOT NULL,
    envelope      jsonb NOT NULL
);
CREATE INDEX notices_by_time ON notices (occurred_at);
