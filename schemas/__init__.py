"""caseflow's contracts: every event and command as a pydantic model, one envelope for all."""
