-- What ConsultationOpened said, so that a re-sent request is told again (its first copy may be lost).
ALTER TABLE consultations ADD COLUMN opened jsonb;
