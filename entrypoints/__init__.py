"""The entrypoints: the `caseflow` command, the embedded dev stack, the process
runner and its supervisor, the demo, and sample data for the demo, tests and benches."""
