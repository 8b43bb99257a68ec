"""Intake: registers agency submissions, refusing deficient ones with every deficiency listed."""
