-- Record batches on the submissions topic that no consumer could read (corrupt, or compressed
-- with an unknown codec): parked on caseflow.parked and skipped. Kept here so `caseflow status`
-- can tell an agency its submission was not read. What can be known of such a batch is only
-- what its header says (offsets, codec, the producer's timestamp and id) and, when its records
-- still parse, their keys (AGENCY:REFERENCE); the agency and the reference are otherwise unseen.
CREATE TABLE unreadable_submissions (
    topic        text NOT NULL,
    partition    integer NOT NULL,
    first_offset bigint NOT NULL,
    last_offset  bigint NOT NULL,
    codec        text NOT NULL,
    reason       text NOT NULL,
    sent_at      timestamptz,
    keys         text[] NOT NULL,
    parked_id    text NOT NULL,
    parked_at    timestamptz NOT NULL,
    PRIMARY KEY (topic, partition, first_offset)
);
CREATE INDEX unreadable_submissions_keys ON unreadable_submissions USING gin (keys);
CREATE INDEX unreadable_submissions_parked_at ON unreadable_submissions (parked_at);
