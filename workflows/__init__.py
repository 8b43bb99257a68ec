"""LicenseCase workflow, activities, the Kafka bridge and the worker: Temporal is here."""

TASK_QUEUE = "caseflow-license-cases"
