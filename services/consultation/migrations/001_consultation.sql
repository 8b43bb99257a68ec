-- The stakeholder registry: seeded from services/consultation/data/stakeholders.json on first start.
CREATE TABLE stakeholders (
    stakeholder_id   text PRIMARY KEY,
    name             text NOT NULL,
    kind             text NOT NULL,
    channel          text NOT NULL,
    state            text,
    expertise        jsonb NOT NULL,
    conflicts        jsonb NOT NULL,
    registry_version text NOT NULL,
    added_at         timestamptz NOT NULL DEFAULT now()
);

-- One consultation per request of the workflow; its outcome once every referral is closed.
CREATE TABLE consultations (
    request_id     text PRIMARY KEY,
    case_id        text NOT NULL,
    correlation_id text NOT NULL,
    requested_at   timestamptz NOT NULL,
    policy_version text NOT NULL,
    routing        jsonb NOT NULL,
    concluded_at   timestamptz,
    outcome        jsonb
);

-- One referral per stakeholder and consultation; silence is recorded as deemed_no_objection.
CREATE TABLE referrals (
    referral_id      text PRIMARY KEY,
    request_id       text NOT NULL REFERENCES consultations,
    case_id          text NOT NULL,
    stakeholder_id   text NOT NULL REFERENCES stakeholders,
    stakeholder_name text NOT NULL,
    stakeholder_kind text NOT NULL,
    required         boolean NOT NULL,
    opened_at        timestamptz NOT NULL,
    due_at           timestamptz NOT NULL,
    status           text NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'answered', 'deemed_no_objection')),
    extended         boolean NOT NULL DEFAULT false,
    extended_by      text NOT NULL DEFAULT '',
    position         text,
    rationale        text NOT NULL DEFAULT '',
    conditions       jsonb NOT NULL DEFAULT '[]',
    answered_at      timestamptz,
    answered_by      text NOT NULL DEFAULT '',
    answered_via     text,
    UNIQUE (request_id, stakeholder_id)
);
CREATE INDEX referrals_open_by_stakeholder ON referrals (stakeholder_id, due_at)
    WHERE status = 'open';

-- Denial and risk notices this state shared with partner states.
CREATE TABLE shared_notices (
    notice_id text PRIMARY KEY,
    case_id   text NOT NULL,
    kind      text NOT NULL,
    notice    jsonb NOT NULL,
    shared_at timestamptz NOT NULL
);
