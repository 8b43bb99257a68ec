"""A request that fails validation is refused with 422 and every deficiency, whatever it holds."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from caseflow.http import refuse_invalid_requests


class Answer(BaseModel):
    """A body with two required fields."""

    position: str
    weight: int


def client() -> TestClient:
    app = FastAPI()
    refuse_invalid_requests(app)

    @app.post("/answers")
    async def answer(body: Answer) -> dict[str, str]:
        return {"position": body.position}

    return TestClient(app)


def post(raw: str) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    reply = client().post("/answers", content=raw, headers={"content-type": "application/json"})
    return reply.status_code, json.loads(reply.content, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> None:
    raise AssertionError(f"the refusal is not strict JSON: it holds {name}")


def test_every_deficiency_is_listed_with_where_and_why() -> None:
    status, body = post('{"weight": "heavy"}')
    assert status == 422
    assert {tuple(each["loc"]) for each in body["detail"]} == {
        ("body", "position"),
        ("body", "weight"),
    }
    assert all(each["msg"] for each in body["detail"])


def test_a_short_plain_input_is_quoted_back() -> None:
    _, body = post('{"position": "yes", "weight": "heavy"}')
    assert body["detail"][0]["input"] == "heavy"


def test_an_infinite_number_is_refused_in_strict_json() -> None:
    status, body = post('{"position": "yes", "weight": 1e999}')
    assert status == 422
    assert "input" not in body["detail"][0]


def test_a_deeply_nested_or_huge_input_is_not_echoed() -> None:
    nested = "[" * 900 + "]" * 900
    status, body = post(f'{{"position": {nested}, "weight": 1}}')
    assert (status, "input" in body["detail"][0]) == (422, False)
    status, body = post(json.dumps({"position": "x", "weight": "9" * 100_000}))
    assert (status, "input" in body["detail"][0]) == (422, False)


def test_a_lone_surrogate_is_escaped_not_a_server_error() -> None:
    status, body = post('{"position": "yes", "weight": "\\ud800"}')
    assert (status, body["detail"][0]["input"]) == (422, "\ud800")
