-- What intake learns back from the cases topic, so agencies can ask where their case stands
-- and a decided or withdrawn case can no longer change.
ALTER TABLE applications
    ADD COLUMN closed       boolean NOT NULL DEFAULT false,
    ADD COLUMN status       text NOT NULL DEFAULT 'registered',
    ADD COLUMN outcome      text,
    ADD COLUMN updated_at   timestamptz;
