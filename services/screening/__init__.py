"""Screening: restricted parties, items, destinations and end use, every finding explained."""
