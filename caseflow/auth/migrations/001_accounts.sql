-- Accounts of people and organisations using caseflow; passwords are argon2 hashes only.
CREATE TABLE accounts (
    name          text PRIMARY KEY,
    role          text NOT NULL CHECK (role IN
                  ('licensing_officer', 'senior_officer', 'stakeholder', 'operator', 'agency')),
    agency        text CHECK ((role = 'agency') = (agency IS NOT NULL)),
    stakeholder   text CHECK ((role = 'stakeholder') = (stakeholder IS NOT NULL)),
    password_hash text NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);
