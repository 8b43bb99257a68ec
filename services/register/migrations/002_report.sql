-- What the annual report counts of each case, kept with its line as its events arrive (so a
-- year of 100,000 cases is counted from one narrow table, never from the events' JSON): the
-- declared technologies of the application as it last stood, the human-rights grounds of the
-- last decision, and whether the decision deadline was ever breached.
ALTER TABLE cases
    ADD COLUMN technologies         text[] NOT NULL DEFAULT '{}',
    ADD COLUMN human_rights_grounds text[] NOT NULL DEFAULT '{}',
    ADD COLUMN deadline_breached    boolean NOT NULL DEFAULT false;
CREATE INDEX cases_by_registration ON cases (registered_at);

-- Consultations, appeals and deadline events are counted by type and time.
CREATE INDEX events_by_type ON events (event_type, occurred_at);

-- Notices between states name no case, so they are kept apart: shared (this state's) and
-- received (partners').
CREATE TABLE notices (
    event_id      uuid PRIMARY KEY,
    notice_type   text NOT NULL,
    kind          text NOT NULL DEFAULT '',
    direction     text NOT NULL CHECK (direction IN ('shared', 'received')),
    issuing_state text NOT NULL DEFAULT '',
    occurred_at   timestamptz NOT NULL,
    envelope      jsonb NOT NULL
);
CREATE INDEX notices_by_time ON notices (occurred_at);

-- Each concluded consultation's positions, kept as it arrives: the report counts them without
-- reading the events' JSON.
CREATE TABLE consultations (
    event_id         uuid PRIMARY KEY,
    case_id          text NOT NULL,
    concluded_at     timestamptz NOT NULL,
    dissent          boolean NOT NULL,
    stakeholder_kinds text[] NOT NULL,
    positions        text[] NOT NULL,
    deemed           boolean[] NOT NULL
);
CREATE INDEX consultations_by_time ON consultations (concluded_at);

-- Cases and consultations recorded before these existed: counted from their events once.
UPDATE cases c SET
    technologies = coalesce((
        SELECT array_agg(DISTINCT t ORDER BY t)
        FROM (SELECT e.envelope->'data'->'application' AS app FROM events e
              WHERE e.case_id = c.case_id AND e.event_type IN ('CaseReceived', 'CaseAmended')
              ORDER BY e.occurred_at DESC, e.seq DESC LIMIT 1) a,
             jsonb_array_elements(coalesce(a.app->'items', '[]')) AS item,
             jsonb_array_elements_text(coalesce(item->'technology_categories', '[]')) AS t
    ), '{}'),
    human_rights_grounds = coalesce((
        SELECT array_agg(DISTINCT g->>'text' ORDER BY g->>'text')
        FROM (SELECT e.envelope->'data' AS d FROM events e
              WHERE e.case_id = c.case_id AND e.event_type = 'CaseDecided'
              ORDER BY e.occurred_at DESC, e.seq DESC LIMIT 1) x,
             jsonb_array_elements(coalesce(x.d->'grounds', '[]')) AS g
        WHERE (g->>'human_rights')::boolean
    ), '{}'),
    deadline_breached = EXISTS (
        SELECT 1 FROM events e WHERE e.case_id = c.case_id AND e.event_type = 'CaseDeadlineBreached'
    );

INSERT INTO consultations (event_id, case_id, concluded_at, dissent, stakeholder_kinds, positions,
                           deemed)
SELECT e.event_id, e.case_id, e.occurred_at,
       coalesce((e.envelope->'data'->>'dissent')::boolean, false),
       ARRAY(SELECT p->>'stakeholder_kind' FROM jsonb_array_elements(e.envelope->'data'->'positions')
             WITH ORDINALITY AS x(p, n) ORDER BY n),
       ARRAY(SELECT p->>'position' FROM jsonb_array_elements(e.envelope->'data'->'positions')
             WITH ORDINALITY AS x(p, n) ORDER BY n),
       ARRAY(SELECT coalesce((p->>'deemed_no_objection')::boolean, false)
             FROM jsonb_array_elements(e.envelope->'data'->'positions')
             WITH ORDINALITY AS x(p, n) ORDER BY n)
FROM events e WHERE e.event_type = 'ConsultationConcluded'
ON CONFLICT DO NOTHING;
