"""`python -m caseflow` is the `caseflow` command."""

from caseflow.cli import app

app()
