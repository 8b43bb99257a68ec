"""`python -m caseflow` is the `caseflow` command."""

from caseflow.cli import main

main()
