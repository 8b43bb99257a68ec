-- Registered applications: one row per case, unique per agency and agency reference.
CREATE SEQUENCE control_numbers START 100001;

CREATE TABLE applications (
    case_id            uuid PRIMARY KEY,
    control_number     text NOT NULL UNIQUE,
    submitting_agency  text NOT NULL,
    agency_reference   text NOT NULL,
    content_hash       text NOT NULL,
    application        jsonb NOT NULL,
    correlation_id     text NOT NULL,
    registered_at      timestamptz NOT NULL,
    UNIQUE (submitting_agency, agency_reference)
);

-- Submissions refused, with every deficiency; kept so an agency's question can be answered.
CREATE TABLE rejections (
    message_id         uuid PRIMARY KEY,
    submitting_agency  text,
    agency_reference   text,
    deficiencies       jsonb NOT NULL,
    raw_message        text NOT NULL,
    rejected_at        timestamptz NOT NULL
);
