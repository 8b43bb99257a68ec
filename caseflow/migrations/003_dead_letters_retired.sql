-- Unreadable messages are set aside on the parked topic (`caseflow parked list`), the one home
-- of bad messages; nothing writes this table any more. An empty one goes; one that still holds
-- rows stays for operators to read (SELECT * FROM dead_letters) and drop when done.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM dead_letters) THEN
        DROP TABLE dead_letters;
    END IF;
END
$$;
