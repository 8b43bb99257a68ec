"""caseflow's services: each knows Kafka and its own PostgreSQL schema, never Temporal."""
