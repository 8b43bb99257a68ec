"""`caseflow decide` reads the human-rights assessment from a file, from options, or both; a
file it cannot use ends the command with every reason; `caseflow case` shows the assessment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from entrypoints.cli import cases
from entrypoints.cli.assessment import read_assessment
from entrypoints.samples import sample_assessment
from schemas.cases import DecisionOutcome
from tests.unit.test_review_rules import a_case, decision
from workflows.case_card import case_view
from workflows.tasks import ViewRequest


def test_options_alone_make_the_assessment_and_none_given_sends_none() -> None:
    assert read_assessment(None) is None
    read = read_assessment(
        None,
        end_user="University lab",
        misuse="None: teaching kit",
        destination="Stable",
        sources=["Screening result"],
        findings=["control_code:3A001"],
        conclusion="No risk.",
    )
    assert read is not None
    assert read.misuse_potential == "None: teaching kit"
    assert read.findings_answered == ["control_code:3A001"]
    assert read.mitigations == []


def test_an_option_replaces_the_file_s_part_and_the_file_gives_the_rest(tmp_path: Path) -> None:
    written = tmp_path / "hr.json"
    written.write_text(sample_assessment("From the file.").model_dump_json())
    read = read_assessment(str(written), conclusion="From the option.", mitigations=["Audit"])
    assert read is not None
    assert read.conclusion == "From the option."
    assert read.mitigations == ["Audit"]
    assert read.end_user == sample_assessment().end_user


def test_an_unusable_file_is_refused_with_every_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit):
        read_assessment(str(tmp_path / "missing.json"))
    assert "cannot be read" in capsys.readouterr().out
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(typer.Exit):
        read_assessment(str(broken))
    assert "is not JSON" in capsys.readouterr().out
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"end_user": "x" * 4_001, "sources": "one", "verdict": "ok"}))
    with pytest.raises(typer.Exit):
        read_assessment(str(wrong))
    said = capsys.readouterr().out
    assert "end_user: String should have at most 4000 characters" in said
    assert "sources: Input should be a valid list" in said
    assert "verdict: Extra inputs are not permitted" in said


def test_caseflow_case_shows_the_signed_off_assessment() -> None:
    state = a_case()
    state.sign_off = decision(DecisionOutcome.APPROVED, assessment=sample_assessment("Low risk."))
    with cases.console.capture() as shown:
        cases.show_case(case_view(state, ViewRequest()))
    text = shown.get()
    assert "Human-rights assessment" in text
    assert "conclusion: Low risk." in text
    assert "UN OHCHR country reports" in text


def test_the_documented_example_file_is_a_complete_assessment() -> None:
    example = Path(__file__).parents[2] / "docs" / "examples" / "assessment.json"
    read = read_assessment(str(example))
    assert read is not None
    assert read.mitigations
    assert all([read.end_user, read.misuse_potential, read.destination, read.conclusion])
