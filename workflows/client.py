"""Connecting to Temporal, and how a case maps to its workflow."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter


async def connect(address: str, namespace: str = "default") -> Client:
    """A Temporal client that carries pydantic models."""
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter
    )


def workflow_id(case_id: str) -> str:
    """The workflow id of a case: derived from the case id, so a case has one workflow."""
    return f"license-case-{case_id}"
