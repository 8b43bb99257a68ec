-- This state's policy bundles: a version per publication, with its content hash and who
-- published it (from a verified token) and why. The body is what partners receive.
CREATE TABLE own_bundles (
    bundle_version  integer PRIMARY KEY,
    content_hash    text NOT NULL,
    body            jsonb NOT NULL,
    published_by    text NOT NULL,
    published_role  text NOT NULL,
    published_at    timestamptz NOT NULL,
    reason          text NOT NULL
);

-- Partners' bundles as verified on arrival: proposals, never in force by themselves.
CREATE TABLE received_bundles (
    issuing_state   text NOT NULL,
    bundle_version  integer NOT NULL,
    content_hash    text NOT NULL,
    body            jsonb NOT NULL,
    published_by    text NOT NULL,
    published_at    timestamptz NOT NULL,
    received_at     timestamptz NOT NULL,
    PRIMARY KEY (issuing_state, bundle_version)
);

-- Every adoption: which keys of which part of which bundle, who (verified token), why, and the
-- part's document in force from then on (also written to the adopted-policy directory).
CREATE TABLE bundle_adoptions (
    id              bigserial PRIMARY KEY,
    issuing_state   text NOT NULL,
    bundle_version  integer NOT NULL,
    part            text NOT NULL,
    keys            jsonb NOT NULL,
    document        jsonb NOT NULL,
    policy_version  text NOT NULL,
    adopted_by      text NOT NULL,
    adopted_role    text NOT NULL,
    reason          text NOT NULL,
    adopted_at      timestamptz NOT NULL,
    FOREIGN KEY (issuing_state, bundle_version) REFERENCES received_bundles
);
CREATE INDEX bundle_adoptions_part ON bundle_adoptions (part, id);

-- What kind a refused request claimed to be (read from its body when it parses), so refused
-- bundles can be listed on their own.
ALTER TABLE refused_notices ADD COLUMN kind text;
