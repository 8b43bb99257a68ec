-- Denial and risk notices from partner states (caseflow.sharing.notices), by destination.
CREATE TABLE partner_notices (
    issuing_state        text NOT NULL,
    notice_id            text NOT NULL,
    kind                 text NOT NULL,
    destination_country  text NOT NULL,
    notice               jsonb NOT NULL,
    received_at          timestamptz NOT NULL,
    PRIMARY KEY (issuing_state, notice_id)
);
CREATE INDEX partner_notices_by_destination ON partner_notices (destination_country);

-- A reviewer's clearance of a false-positive hit, applied to the same party and entry in later
-- cases; every clearance is kept (who, when, why), the latest one per pair applies.
CREATE TABLE clearances (
    id          bigserial PRIMARY KEY,
    party_key   text NOT NULL,
    party_name  text NOT NULL,
    entry_id    text NOT NULL,
    cleared_by  text NOT NULL,
    cleared_at  timestamptz NOT NULL,
    reason      text NOT NULL
);
CREATE INDEX clearances_by_party ON clearances (party_key, entry_id, cleared_at DESC);
