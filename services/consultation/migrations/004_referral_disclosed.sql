-- The case as the stakeholder was shown it (ReferralOpened.case), so its portal can show it again.
ALTER TABLE referrals ADD COLUMN IF NOT EXISTS disclosed jsonb;
