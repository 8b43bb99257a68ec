-- Reminders before the deadline, and referrals cancelled because the case ended first.
ALTER TABLE referrals ADD COLUMN channel text NOT NULL DEFAULT '';
UPDATE referrals r SET channel = s.channel FROM stakeholders s WHERE s.stakeholder_id = r.stakeholder_id;
ALTER TABLE referrals ADD COLUMN reminded_at timestamptz;
ALTER TABLE referrals ADD COLUMN reminded_for timestamptz;  -- the deadline the reminder was about
ALTER TABLE referrals ADD COLUMN cancelled_at timestamptz;
ALTER TABLE referrals ADD COLUMN cancel_reason text NOT NULL DEFAULT '';
ALTER TABLE referrals DROP CONSTRAINT referrals_status_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_status_check
    CHECK (status IN ('open', 'answered', 'deemed_no_objection', 'cancelled'));
ALTER TABLE consultations ADD COLUMN cancelled_at timestamptz;
ALTER TABLE consultations ADD COLUMN cancel_reason text NOT NULL DEFAULT '';
