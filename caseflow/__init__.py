"""The ground every layer stands on: settings, messaging, outbox, unit of work, auth, Kafka,
PostgreSQL, HTTP. It imports no service, workflow, desk or entrypoint."""
