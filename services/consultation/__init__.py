"""The consultation service: stakeholders, referrals, deadlines, information sharing."""
