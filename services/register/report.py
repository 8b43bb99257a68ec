"""The annual report from the register's own tables: one aggregate query per section.

Decisions are counted from the cases' lines (with what the report needs of each, kept as the
events arrive); consultations and appeals from their events by type and time; notices from
their own table. Every figure is computed in PostgreSQL: no case is brought into Python."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from caseflow.db import Connection
from schemas.report import AnnualReport, ByOutcome, Counts, GroundCount, ProcessingTimes

SOURCE = "the register of record (services/register): case lines and events as recorded"
NONE_DECLARED = "none declared"
# The Commerce Control List's categories, by the first character of a control code (ECCN).
CONTROL_CATEGORIES = {
    "0": "0 Nuclear and miscellaneous",
    "1": "1 Special materials, chemicals, microorganisms, toxins",
    "2": "2 Materials processing",
    "3": "3 Electronics",
    "4": "4 Computers",
    "5": "5 Telecommunications and information security",
    "6": "6 Sensors and lasers",
    "7": "7 Navigation and avionics",
    "8": "8 Marine",
    "9": "9 Aerospace and propulsion",
}

# The cases decided in the year, by their last decision.
DECIDED = "SELECT * FROM cases WHERE decided_at >= $1 AND decided_at < $2 AND outcome IS NOT NULL"


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year, in UTC: from its first instant, to the next year's (exclusive)."""
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


async def annual_report(connection: Connection, year: int, now: datetime) -> AnnualReport:
    """The year's report, from the register alone."""
    start, end = year_bounds(year)
    span = (start, end)
    applications = await _counts(
        connection,
        "SELECT submitting_agency, count(*) FROM cases"
        " WHERE registered_at >= $1 AND registered_at < $2 GROUP BY 1",
        span,
    )
    by_outcome = await _counts(
        connection, f"SELECT outcome, count(*) FROM ({DECIDED}) d GROUP BY 1", span
    )
    return AnnualReport(
        year=year,
        period_from=start,
        period_to=end,
        generated_at=now,
        source=SOURCE,
        applications=sum(applications.values()),
        applications_by_agency=applications,
        decisions=sum(by_outcome.values()),
        by_outcome=by_outcome,
        by_destination=await _by_outcome(
            connection,
            f"SELECT destination_country, outcome, count(*) FROM ({DECIDED}) d GROUP BY 1, 2",
            span,
        ),
        by_control_category=_categories(
            await _by_outcome(
                connection,
                "SELECT category, outcome, count(*) FROM"
                f" ({DECIDED}) d, LATERAL (SELECT DISTINCT left(code, 1) AS category"
                " FROM unnest(d.control_codes) AS code) c GROUP BY 1, 2",
                span,
            )
        ),
        by_technology=await _by_outcome(
            connection,
            "SELECT coalesce(tech, $3), outcome, count(*)"
            f" FROM ({DECIDED}) d LEFT JOIN LATERAL unnest(d.technologies) AS tech ON true"
            " GROUP BY 1, 2",
            (*span, NONE_DECLARED),
        ),
        **await _human_rights(connection, span),
        **await _consultations(connection, span),
        processing=await _processing(connection, span),
        **await _notices(connection, span),
        **await _appeals(connection, span),
    )


async def _counts(connection: Connection, query: str, args: Iterable[object]) -> Counts:
    rows = await connection.fetch(query, *args)
    return {str(row[0]): int(row[1]) for row in sorted(rows, key=lambda row: str(row[0]))}


async def _by_outcome(connection: Connection, query: str, args: Iterable[object]) -> ByOutcome:
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for key, outcome, count in await connection.fetch(query, *args):
        table[str(key)][str(outcome)] = int(count)
    return {key: table[key] for key in sorted(table)}


def _categories(by_first_character: ByOutcome) -> ByOutcome:
    named: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for first, outcomes in by_first_character.items():
        for outcome, count in outcomes.items():
            named[CONTROL_CATEGORIES.get(first, "other")][outcome] += count
    return {key: dict(named[key]) for key in sorted(named)}


async def _human_rights(
    connection: Connection, span: tuple[datetime, datetime]
) -> dict[str, object]:
    """Denials with a human-rights ground, and the grounds given, most frequent first."""
    denied = f"SELECT * FROM ({DECIDED}) d WHERE outcome = 'denied'"
    total = await connection.fetchval(
        f"SELECT count(*) FROM ({denied}) d WHERE cardinality(human_rights_grounds) > 0", *span
    )
    rows = await connection.fetch(
        f"SELECT ground, count(*) AS denials FROM ({denied}) d,"
        " unnest(d.human_rights_grounds) AS ground GROUP BY 1 ORDER BY 2 DESC, 1",
        *span,
    )
    return {
        "human_rights_denials": total,
        "human_rights_grounds": [
            GroundCount(ground=row["ground"], denials=row["denials"]) for row in rows
        ],
    }


async def _consultations(
    connection: Connection, span: tuple[datetime, datetime]
) -> dict[str, object]:
    """Consultations concluded in the year, and every final position in them."""
    row = await connection.fetchrow(
        "SELECT count(*) AS consultations, count(*) FILTER (WHERE dissent) AS dissent"
        " FROM consultations WHERE concluded_at >= $1 AND concluded_at < $2",
        *span,
    )
    assert row is not None
    positions = await connection.fetch(
        "SELECT kind, position, count(*) AS n, count(*) FILTER (WHERE silent) AS silent"
        " FROM consultations c, unnest(c.stakeholder_kinds, c.positions, c.deemed)"
        " AS p(kind, position, silent)"
        " WHERE c.concluded_at >= $1 AND c.concluded_at < $2 GROUP BY 1, 2 ORDER BY 1, 2",
        *span,
    )
    totals: dict[str, int] = defaultdict(int)
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for line in positions:
        totals[line["position"]] += line["n"]
        by_kind[line["kind"]][line["position"]] = line["n"]
    return {
        "consultations": row["consultations"],
        "consultations_with_dissent": row["dissent"],
        "positions": dict(sorted(totals.items())),
        "positions_by_stakeholder_kind": dict(by_kind),
        "deemed_no_objection": sum(line["silent"] for line in positions),
    }


async def _processing(connection: Connection, span: tuple[datetime, datetime]) -> ProcessingTimes:
    """Days from registration to the last decision, and the cases that breached a deadline."""
    row = await connection.fetchrow(
        "SELECT count(*) AS decided,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90,"
        " count(*) FILTER (WHERE deadline_breached) AS breaches"
        " FROM (SELECT extract(epoch FROM decided_at - registered_at) / 86400 AS days,"
        f" deadline_breached FROM ({DECIDED}) d WHERE registered_at IS NOT NULL) t",
        *span,
    )
    assert row is not None
    return ProcessingTimes(
        decided=row["decided"],
        median_days=_rounded(row["median"]),
        p90_days=_rounded(row["p90"]),
        deadline_breaches=row["breaches"],
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


async def _notices(connection: Connection, span: tuple[datetime, datetime]) -> dict[str, Counts]:
    """Notices between states, shared and received, by kind."""
    rows = await connection.fetch(
        "SELECT direction, coalesce(nullif(kind, ''), notice_type) AS kind, count(*) AS n"
        " FROM notices WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1, 2 ORDER BY 1, 2",
        *span,
    )
    return {
        "notices_shared": {r["kind"]: r["n"] for r in rows if r["direction"] == "shared"},
        "notices_received": {r["kind"]: r["n"] for r in rows if r["direction"] == "received"},
    }


async def _appeals(connection: Connection, span: tuple[datetime, datetime]) -> dict[str, object]:
    """Appeals filed in the year, and those decided in it, by result."""
    filed = await connection.fetchval(
        "SELECT count(*) FROM events WHERE event_type = 'AppealFiled'"
        " AND occurred_at >= $1 AND occurred_at < $2",
        *span,
    )
    decided = await _counts(
        connection,
        "SELECT envelope->'data'->>'result', count(*) FROM events"
        " WHERE event_type = 'AppealDecided' AND occurred_at >= $1 AND occurred_at < $2"
        " GROUP BY 1",
        span,
    )
    return {"appeals_filed": filed, "appeals_decided": decided}
