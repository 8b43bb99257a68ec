"""The annual report for partners and the public: CSV, JSON, an HTML page with charts, PDF.

Charts are drawn by matplotlib as SVG and embedded in the page, so the page (and the PDF
WeasyPrint makes of it) needs nothing from the network."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from schemas.report import AnnualReport

TEMPLATES = Path(__file__).parent / "templates"
CSV_HEADER = ("section", "key", "outcome", "count")
OUTCOME_COLOURS = {
    "approved": "#2e7d32",
    "approved_with_conditions": "#81c784",
    "denied": "#c62828",
    "returned_without_action": "#ef6c00",
    "withdrawn": "#9e9e9e",
}


def csv_rows(report: AnnualReport) -> Iterator[tuple[str, str, str, int | float]]:
    """Every figure of the report as one (section, key, outcome, count) row."""
    yield "applications", "all", "", report.applications
    for agency, count in report.applications_by_agency.items():
        yield "applications_by_agency", agency, "", count
    yield "decisions", "all", "", report.decisions
    for outcome, count in report.by_outcome.items():
        yield "decisions_by_outcome", outcome, outcome, count
    for section, table in (
        ("decisions_by_destination", report.by_destination),
        ("decisions_by_control_category", report.by_control_category),
        ("decisions_by_technology", report.by_technology),
    ):
        for key, outcomes in table.items():
            for outcome, count in outcomes.items():
                yield section, key, outcome, count
    yield "human_rights_denials", "all", "denied", report.human_rights_denials
    for ground in report.human_rights_grounds:
        yield "human_rights_grounds", ground.ground, "denied", ground.denials
    yield "consultations", "all", "", report.consultations
    yield "consultations_with_dissent", "all", "", report.consultations_with_dissent
    yield "deemed_no_objection", "all", "", report.deemed_no_objection
    for position, count in report.positions.items():
        yield "positions", position, "", count
    for kind, positions in report.positions_by_stakeholder_kind.items():
        for position, count in positions.items():
            yield "positions_by_stakeholder_kind", f"{kind}:{position}", "", count
    processing = report.processing
    yield "processing", "decided", "", processing.decided
    if processing.median_days is not None and processing.p90_days is not None:
        yield "processing", "median_days", "", processing.median_days
        yield "processing", "p90_days", "", processing.p90_days
    yield "processing", "deadline_breaches", "", processing.deadline_breaches
    for direction, counts in (
        ("notices_shared", report.notices_shared),
        ("notices_received", report.notices_received),
    ):
        for kind, count in counts.items():
            yield direction, kind, "", count
    yield "appeals", "filed", "", report.appeals_filed
    for result, count in report.appeals_decided.items():
        yield "appeals", result, "", count


def to_csv(report: AnnualReport) -> str:
    """The report as CSV, one figure per row (the JSON holds the same, nested)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(report))
    return out.getvalue()


def to_html(report: AnnualReport) -> str:
    """The report as a printable page with its charts."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
    )
    charts = {
        "outcomes": _bars("Decisions by outcome", report.by_outcome),
        "categories": _stacked("Decisions by control category", report.by_control_category),
        "technologies": _stacked("Decisions by technology", report.by_technology),
        "destinations": _stacked(
            "Decisions by destination (top 15)", _top(report.by_destination, 15)
        ),
        "positions": _bars("Consultation positions", report.positions),
    }
    return environment.get_template("annual_report.html").render(
        # The SVG is matplotlib's own drawing of our figures: every label it holds is escaped.
        report=report,
        charts={name: Markup(svg) for name, svg in charts.items()},  # noqa: S704
    )


def _top(table: Mapping[str, Mapping[str, int]], most: int) -> dict[str, dict[str, int]]:
    ranked = sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return {key: dict(outcomes) for key, outcomes in ranked[:most]}


def _figure(height: float) -> tuple[object, object]:
    import matplotlib

    matplotlib.use("svg")  # no display: SVG drawn in memory
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7.5, height))
    return figure, axes


def _svg(figure: object) -> str:
    from matplotlib import pyplot
    from matplotlib.figure import Figure

    assert isinstance(figure, Figure)
    out = io.StringIO()
    figure.tight_layout()
    figure.savefig(out, format="svg")
    pyplot.close(figure)
    text = out.getvalue()
    return text[text.index("<svg") :]  # the XML prologue has no place inside HTML


def _bars(title: str, counts: Mapping[str, int]) -> str:
    """Horizontal bars, one per key."""
    from matplotlib.axes import Axes

    figure, axes = _figure(0.5 + 0.35 * max(len(counts), 1))
    assert isinstance(axes, Axes)
    keys = list(counts)
    axes.barh(
        keys, [counts[key] for key in keys], color=[OUTCOME_COLOURS.get(k, "#1565c0") for k in keys]
    )
    axes.invert_yaxis()
    axes.set_title(title)
    axes.set_xlabel("cases")
    return _svg(figure)


def _stacked(title: str, table: Mapping[str, Mapping[str, int]]) -> str:
    """Horizontal bars stacked by outcome, one per key."""
    from matplotlib.axes import Axes

    figure, axes = _figure(0.8 + 0.35 * max(len(table), 1))
    assert isinstance(axes, Axes)
    keys = list(table)
    outcomes = sorted({outcome for row in table.values() for outcome in row})
    left = [0] * len(keys)
    for outcome in outcomes:
        values = [table[key].get(outcome, 0) for key in keys]
        axes.barh(
            keys,
            values,
            left=left,
            label=outcome.replace("_", " "),
            color=OUTCOME_COLOURS.get(outcome),
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_title(title)
    axes.set_xlabel("cases")
    if outcomes:
        axes.legend(fontsize="small")
    return _svg(figure)
