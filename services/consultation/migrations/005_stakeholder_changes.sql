-- Stakeholders are changed by operators (`caseflow stakeholders`): a changed entry belongs to the
-- registry from then on (the seed file never overwrites it); a disabled one is no longer referred.
ALTER TABLE stakeholders ADD COLUMN changed_by text;
ALTER TABLE stakeholders ADD COLUMN changed_at timestamptz;
ALTER TABLE stakeholders ADD COLUMN disabled_at timestamptz;

-- Every change an operator made: who, when, why, and the entry as it became.
CREATE TABLE stakeholder_changes (
    id             bigserial PRIMARY KEY,
    stakeholder_id text NOT NULL REFERENCES stakeholders,
    action         text NOT NULL CHECK (action IN ('added', 'updated', 'conflict', 'disabled')),
    changed_by     text NOT NULL,
    changed_at     timestamptz NOT NULL,
    reason         text NOT NULL,
    entry          jsonb NOT NULL
);
CREATE INDEX stakeholder_changes_by_stakeholder ON stakeholder_changes (stakeholder_id, id);
