-- What the annual report counts of each case, kept with its line as its events arrive (so a
-- year of 100,000 cases is counted from one narrow table, never from the events' JSON): the
-- declared technologies of the application as it last stood, the human-rights grounds of the
-- last decision, and whether the decision deadline was ever breached.
ALTER TABLE cases
    ADD COLUMN technologies         text[] NOT NULL DEFAULT '{}',
    ADD COLUMN human_rights_grounds text[] NOT NULL DEFAULT '{}',
    ADD COLUMN deadline_breached    boolean NOT NULL DEFAULT false;
CREATE INDEX cases_by_registration ON cases (registered_at);

-- Consultations, appeals and deadline events are counted by type and time.
CREATE INDEX events_by_type ON events (event_type, occurred_at);

-- Notices between states name no case, so they are kept apart: shared (this state's) and
-- received (partners').
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

-- Each concluded consultation's positions, kept as it arrives: the report counts them without
-- reading the events' JSON.
CREATE TABLE consultations (
    event_id         uuid PRIMARY KEY,
    case_id          text NOT NULL,
    concluded_at     timestamptz NOT NULL,
    dissent          boolean NOT NULL,
    stakeholder_kinds text[] NOT NULL,
    positions        text[] NOT NULL,
    deemed           boolean[] NOT NULL
);
CREATE INDEX consultations_by_time ON consultations (concluded_at);
