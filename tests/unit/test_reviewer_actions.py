"""Every reviewer action reaches reviewers the same way: a CLI command and a desk API route
(which roles each admits is tested against the running desk, in test_desk_authorisation)."""

from __future__ import annotations

from fastapi.routing import APIRoute

from desk.api import build_router
from desk.handlers import Desk
from entrypoints.cli.review import act
from workflows.case_client import ACTIONS


def test_every_reviewer_action_is_a_cli_command_named_and_documented_as_in_the_table() -> None:
    commands = {command.name: command for command in act.registered_commands}
    assert list(commands) == [action.name for action in ACTIONS]
    for action in ACTIONS:
        assert commands[action.name].callback.__doc__ == action.help


def test_every_reviewer_action_is_a_desk_route_documented_by_its_help() -> None:
    router = build_router(Desk.__new__(Desk))
    routes = {route.path: route for route in router.routes if isinstance(route, APIRoute)}
    for action in ACTIONS:
        route = routes[f"/api/cases/{{case}}/{action.name}"]
        assert route.methods == {"POST"}
        assert route.description == action.help
