"""Screening's rules, one module per kind of concern; each turns facts into explained findings."""
