-- The register of record: every event of every case as received (JSONB, so fields added to an
-- event later are kept without a migration), and one line per case for lists and searches.
CREATE TABLE events (
    seq         bigserial PRIMARY KEY,
    event_id    uuid NOT NULL UNIQUE,
    case_id     text NOT NULL,
    topic       text NOT NULL,
    event_type  text NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- SHA-256 of the envelope as received (canonical JSON), kept after pseudonymisation: the
    -- audit trail's row of the same event holds the content it hashes.
    digest      text NOT NULL,
    envelope    jsonb NOT NULL
);
CREATE INDEX events_of_case ON events (case_id, occurred_at, seq);

CREATE TABLE cases (
    case_id             text PRIMARY KEY,
    control_number      text NOT NULL DEFAULT '',
    submitting_agency   text NOT NULL DEFAULT '',
    agency_reference    text NOT NULL DEFAULT '',
    destination_country text NOT NULL DEFAULT '',
    control_codes       text[] NOT NULL DEFAULT '{}',
    risk_level          text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT '',
    outcome             text,
    registered_at       timestamptz,
    decided_at          timestamptz,
    decided_by          text,
    pseudonymised_at    timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_by_control_number ON cases (control_number);
CREATE INDEX cases_closed ON cases (decided_at DESC, case_id) WHERE decided_at IS NOT NULL;
CREATE INDEX cases_by_agency ON cases (submitting_agency, decided_at DESC);
