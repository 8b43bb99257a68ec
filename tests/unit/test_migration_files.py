"""Migrations run in file-name order within their folder, so no folder may number two alike."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_migration_folder_numbers_two_files_alike() -> None:
    folders = [*ROOT.glob("caseflow/**/migrations"), *ROOT.glob("services/*/migrations")]
    assert len(folders) >= 5
    for folder in folders:
        numbers = [path.name.split("_", 1)[0] for path in folder.glob("*.sql")]
        assert len(numbers) == len(set(numbers)), f"{folder} numbers two migrations alike"
