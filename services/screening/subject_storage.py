"""PostgreSQL storage of the screened subjects and their match keys."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence

import asyncpg

from caseflow.db import Connection
from schemas.application import SubmitApplication
from services.screening.match_keys import MatchKey, hit_key
from services.screening.screened_subjects import Candidate, ScreenedSubject, SubjectId


class PostgresSubjectStorage:
    """The subjects half of screening's unit of work (mixed into it, on its connection)."""

    connection: Connection

    async def rescreened_through(self, list_version: str) -> None:
        """Every subject is now screened in step with the lists at `list_version`."""
        await self.connection.execute(
            "INSERT INTO rescreened_through (list_version, kept_at) VALUES ($1, now())"
            " ON CONFLICT (only_row) DO UPDATE SET list_version = EXCLUDED.list_version,"
            " kept_at = EXCLUDED.kept_at",
            list_version,
        )

    async def hold_subjects(self) -> None:
        """Until this transaction ends, no other writes a subject: one written before is read,
        one written after waits (and then finds the list versions this one re-screens for)."""
        await self.connection.execute("LOCK TABLE screened_subjects IN SHARE MODE")

    async def in_step_with(self) -> str | None:
        """The list versions every subject was last screened in step with, if kept."""
        found = await self.connection.fetchval("SELECT list_version FROM rescreened_through")
        return None if found is None else str(found)

    async def keep_subject(self, subject: ScreenedSubject, keys: Collection[MatchKey]) -> None:
        """Record the subject as it now stands, found by these keys only."""
        await self.keep_subjects([(subject, keys)])

    async def keep_subjects(
        self, subjects: Sequence[tuple[ScreenedSubject, Collection[MatchKey]]]
    ) -> None:
        """`keep_subject` for many subjects, in three statements."""
        if not subjects:
            return
        await self.connection.executemany(
            "INSERT INTO screened_subjects (kind, subject_id, case_id, application, hits,"
            " kept_at) VALUES ($1, $2, $3, $4::jsonb, $5, now())"
            " ON CONFLICT (kind, subject_id) DO UPDATE SET application = EXCLUDED.application,"
            " hits = EXCLUDED.hits, kept_at = EXCLUDED.kept_at",
            [
                (
                    subject.kind,
                    subject.subject_id,
                    uuid.UUID(subject.case_id),
                    subject.application.model_dump_json(),
                    sorted(subject.hits),
                )
                for subject, _ in subjects
            ],
        )
        await self.connection.execute(
            f"DELETE FROM subject_keys WHERE (kind, subject_id) IN ({_pairs(1)})",
            *_kinds_and_ids(subject.id for subject, _ in subjects),
        )
        keyed = [(key, subject) for subject, keys in subjects for key in set(keys)]
        await self.connection.execute(
            "INSERT INTO subject_keys (key, kind, subject_id)"
            " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])",
            [key for key, _ in keyed],
            [subject.kind for _, subject in keyed],
            [subject.subject_id for _, subject in keyed],
        )

    async def change_hits(self, changed: Sequence[tuple[ScreenedSubject, frozenset[str]]]) -> None:
        """Record the subjects' new hits (each given with its hits before); their parties, and
        the keys those give, stay as they were."""
        if not changed:
            return
        await self.connection.executemany(
            "UPDATE screened_subjects SET hits = $3, kept_at = now()"
            " WHERE kind = $1 AND subject_id = $2",
            [(subject.kind, subject.subject_id, sorted(subject.hits)) for subject, _ in changed],
        )
        gone = [(hit_key(e), s.kind, s.subject_id) for s, was in changed for e in was - s.hits]
        await self.connection.execute(
            "DELETE FROM subject_keys WHERE (key, kind, subject_id) IN"
            " (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]))",
            *_columns(gone),
        )
        new = [(hit_key(e), s.kind, s.subject_id) for s, was in changed for e in s.hits - was]
        await self.connection.execute(
            "INSERT INTO subject_keys (key, kind, subject_id)"
            " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])",
            *_columns(new),
        )

    async def drop_subject(self, kind: str, subject_id: str) -> None:
        """No longer re-screen the subject (its keys go with it)."""
        await self.connection.execute(
            "DELETE FROM screened_subjects WHERE kind = $1 AND subject_id = $2", kind, subject_id
        )

    async def subjects_sharing(
        self, keys: Collection[MatchKey], besides: Collection[SubjectId] = ()
    ) -> list[Candidate]:
        """The subjects with at least one of these keys, each with the keys it shares (those
        `besides` left out: read already)."""
        rows = await self.connection.fetch(
            "SELECT s.kind, s.subject_id, s.case_id, s.application, s.hits, k.shared"
            " FROM screened_subjects s JOIN (SELECT kind, subject_id, array_agg(key) AS shared"
            " FROM subject_keys WHERE key = ANY($1::bigint[])"
            f" AND (kind, subject_id) NOT IN ({_pairs(2)}) GROUP BY kind, subject_id) k"
            " USING (kind, subject_id) ORDER BY s.kind, s.subject_id",
            list(keys),
            *_kinds_and_ids(besides),
        )
        return [Candidate(_subject(row), frozenset(row["shared"])) for row in rows]

    async def subjects_with_hits(
        self, besides: Collection[SubjectId] = ()
    ) -> list[ScreenedSubject]:
        """The subjects whose latest result matched a listed entry no reviewer cleared (those
        `besides` left out)."""
        rows = await self.connection.fetch(
            "SELECT kind, subject_id, case_id, application, hits FROM screened_subjects"
            f" WHERE cardinality(hits) > 0 AND (kind, subject_id) NOT IN ({_pairs(1)})"
            " ORDER BY kind, subject_id",
            *_kinds_and_ids(besides),
        )
        return [_subject(row) for row in rows]

    async def every_subject(self) -> list[ScreenedSubject]:
        """Every subject screening keeps current."""
        rows = await self.connection.fetch(
            "SELECT kind, subject_id, case_id, application, hits FROM screened_subjects"
            " ORDER BY kind, subject_id"
        )
        return [_subject(row) for row in rows]

    async def unregistered_open_cases(self) -> list[tuple[str, SubmitApplication, str | None]]:
        """Open cases kept before subjects were (case, application, latest result JSON)."""
        rows = await self.connection.fetch(
            "SELECT c.case_id, c.application, (SELECT r.result FROM results r"
            " WHERE r.case_id = c.case_id ORDER BY r.completed_at DESC LIMIT 1) AS result"
            " FROM cases c WHERE c.closed_at IS NULL AND c.application IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM screened_subjects s"
            " WHERE s.kind = 'case' AND s.subject_id = c.case_id::text)"
        )
        return [
            (
                str(row["case_id"]),
                SubmitApplication.model_validate_json(row["application"]),
                row["result"],
            )
            for row in rows
        ]


def _columns(
    rows: Sequence[tuple[MatchKey, str, str]],
) -> tuple[list[MatchKey], list[str], list[str]]:
    """Key rows as the three arrays `unnest` takes."""
    return [key for key, _, _ in rows], [kind for _, kind, _ in rows], [i for _, _, i in rows]


def _pairs(first: int) -> str:
    """The kinds and ids passed as parameters `first` and the next, as rows to compare with."""
    return f"SELECT * FROM unnest(${first}::text[], ${first + 1}::text[])"


def _kinds_and_ids(subjects: Iterable[SubjectId]) -> tuple[list[str], list[str]]:
    """Subjects' kinds and ids as two parameters."""
    kinds, ids = [], []
    for kind, subject_id in subjects:
        kinds.append(kind)
        ids.append(subject_id)
    return kinds, ids


def _subject(row: asyncpg.Record) -> ScreenedSubject:
    return ScreenedSubject(
        row["kind"],
        row["subject_id"],
        str(row["case_id"]),
        SubmitApplication.model_validate_json(row["application"]),
        frozenset(row["hits"]),
    )
