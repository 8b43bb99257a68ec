-- This state's signing keys: the private half never leaves this schema; the newest unretired
-- one signs. Retired keys stay for the record.
CREATE TABLE signing_keys (
    key_id       text PRIMARY KEY,
    private_pem  bytea NOT NULL,
    public_key   text NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    reason       text NOT NULL,
    retired_at   timestamptz
);

-- The trust registry: partner states, their points of contact and every key they ever had.
CREATE TABLE partners (
    state       text PRIMARY KEY,
    name        text NOT NULL,
    url         text NOT NULL,
    added_at    timestamptz NOT NULL,
    added_by    text NOT NULL
);
CREATE TABLE partner_keys (
    state        text NOT NULL REFERENCES partners (state),
    key_id       text NOT NULL,
    public_key   text NOT NULL,
    status       text NOT NULL,
    added_at     timestamptz NOT NULL,
    retired_at   timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (state, key_id)
);
-- Every change to the registry or to this state's keys: who, what, why.
CREATE TABLE registry_changes (
    id          bigserial PRIMARY KEY,
    changed_at  timestamptz NOT NULL,
    changed_by  text NOT NULL,
    action      text NOT NULL,
    state       text NOT NULL,
    key_id      text,
    reason      text NOT NULL
);

-- Nonces of accepted requests, kept beyond the time window so that a replay is recognised.
CREATE TABLE seen_nonces (
    state    text NOT NULL,
    nonce    text NOT NULL,
    seen_at  timestamptz NOT NULL,
    PRIMARY KEY (state, nonce)
);

-- Notices partners sent, as verified: once per issuer and notice id.
CREATE TABLE received_notices (
    issuing_state  text NOT NULL,
    notice_id      text NOT NULL,
    kind           text NOT NULL,
    key_id         text NOT NULL,
    signed_headers jsonb NOT NULL,  -- as received: signature, time, nonce, addressee
    body           text NOT NULL,   -- the exact bytes the signature covers
    received_at    timestamptz NOT NULL,
    PRIMARY KEY (issuing_state, notice_id)
);

-- Requests refused, with their reason, for operators; nothing else changed because of them.
CREATE TABLE refused_notices (
    id            bigserial PRIMARY KEY,
    refused_at    timestamptz NOT NULL,
    claimed_from  text,
    key_id        text,
    reason        text NOT NULL,
    message       text NOT NULL,
    remote        text,
    body_excerpt  text
);

-- This state's notices and their delivery to each partner, until acknowledged.
CREATE TABLE outgoing_notices (
    notice_id   text PRIMARY KEY,
    kind        text NOT NULL,
    body        jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE TABLE deliveries (
    id               bigserial PRIMARY KEY,
    partner          text NOT NULL REFERENCES partners (state),
    notice_id        text NOT NULL REFERENCES outgoing_notices (notice_id),
    status           text NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    delivered_at     timestamptz,
    UNIQUE (partner, notice_id)
);
CREATE INDEX deliveries_pending ON deliveries (partner, id) WHERE status = 'pending';
-- A key-rotation announcement is signed with the key it replaces; other notices with the
-- current key at each attempt.
ALTER TABLE outgoing_notices ADD COLUMN signing_key_id text;
