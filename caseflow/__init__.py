"""caseflow: export-licence cases for dual-use items, with human rights weighed at every step."""
