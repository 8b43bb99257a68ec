"""Bad messages, in one home (the `caseflow.parked` topic): those whose handler kept
failing, those no contract could read, record batches no consumer could read."""
