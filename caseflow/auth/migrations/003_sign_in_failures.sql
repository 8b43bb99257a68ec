-- Failed sign-ins per account name and per client address, shared by every desk instance.
-- Names that match no account are counted too, so that a refusal says nothing about existence.
CREATE TABLE sign_in_failures (
    subject       text PRIMARY KEY,  -- 'account:<name>' or 'address:<client address>'
    failures      integer NOT NULL,
    window_ends   timestamptz NOT NULL,
    blocked_until timestamptz
);
CREATE INDEX sign_in_failures_window_ends ON sign_in_failures (window_ends);
