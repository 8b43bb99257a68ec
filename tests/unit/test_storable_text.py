"""A path or query holding text PostgreSQL cannot store is refused with 422 before any route
runs; every other text reaches the route as it was sent."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.testclient import TestClient

from caseflow.http import refuse_invalid_requests
from caseflow.http_guards import unstorable_parts

seen: list[tuple[str, str | None]] = []


def client() -> TestClient:
    seen.clear()
    app = FastAPI()
    refuse_invalid_requests(app)

    @app.get("/cases/{case_id}")
    async def case(case_id: str, q: Annotated[str | None, Query()] = None) -> dict[str, str]:
        seen.append((case_id, q))
        return {"case_id": case_id}

    return TestClient(app)


def test_a_nul_in_a_path_id_is_refused_before_the_route_runs() -> None:
    reply = client().get("/cases/a%00b")
    assert reply.status_code == 422
    assert reply.json() == {
        "detail": [
            {
                "loc": ["path"],
                "msg": "a NUL or lone surrogate character is not allowed here",
                "type": "unstorable_text",
            }
        ]
    }
    assert seen == []


def test_a_nul_in_a_query_value_or_name_is_refused_naming_the_parameter() -> None:
    reply = client().get("/cases/a?q=x%00&q=y%00&n%00=1&other=fine")
    assert reply.status_code == 422
    assert [each["loc"] for each in reply.json()["detail"]] == [["query", "q"], ["query", "n\x00"]]
    assert seen == []


def test_other_text_reaches_the_route_as_sent() -> None:
    http = client()
    assert http.get("/cases/K%C3%B6ln", params={"q": "Ünal %00 \x01"}).status_code == 200
    # Invalid UTF-8 is read as U+FFFD, which PostgreSQL stores.
    assert http.get("/cases/%C0%80", params={"q": ""}).status_code == 200
    assert seen == [("Köln", "Ünal %00 \x01"), ("\ufffd\ufffd", "")]


def test_a_lone_surrogate_an_asgi_server_passes_on_is_unstorable() -> None:
    scope = {"type": "http", "path": "/cases/\ud800", "query_string": b"q=ok"}
    assert unstorable_parts(scope) == [["path"]]
