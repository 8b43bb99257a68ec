"""`python -m entrypoints` is the `caseflow` command."""

from entrypoints.cli import main

main()
