-- Messages a consumer could not read; kept for operators instead of blocking the partition.
CREATE TABLE dead_letters (
    location     text PRIMARY KEY,
    consumer     text NOT NULL,
    error        text NOT NULL,
    payload      bytea NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
