-- The cases screening has screened and that are not decided yet: re-screened on list updates.
-- A row closed by CaseDecided or CaseWithdrawn stays closed, whatever arrives late.
CREATE TABLE cases (
    case_id      uuid PRIMARY KEY,
    application  jsonb,
    screened_at  timestamptz,
    closed_at    timestamptz,
    closed_by    text
);
CREATE INDEX open_cases ON cases (case_id) WHERE closed_at IS NULL AND application IS NOT NULL;
