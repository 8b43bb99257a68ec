"""The register of record: every case's file, built from events, kept as the law asks."""
