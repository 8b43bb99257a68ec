-- The chair of a higher escalation committee (EO 12981's ACEP) has an account of its own.
ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check CHECK (role IN
    ('licensing_officer', 'senior_officer', 'committee_chair', 'stakeholder', 'operator', 'agency'));
