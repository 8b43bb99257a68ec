-- Runs once, when the postgres service initialises an empty data volume (docker-entrypoint-initdb.d).
-- caseflow owns its database; each service creates and migrates its own schema inside it.
-- Temporal gets a role that may create its two databases (temporal, temporal_visibility),
-- which the temporal-schema job does. Passwords come from the container's environment.
\getenv caseflow_password CASEFLOW_DB_PASSWORD
\getenv temporal_password TEMPORAL_DB_PASSWORD

CREATE ROLE caseflow LOGIN PASSWORD :'caseflow_password';
CREATE DATABASE caseflow OWNER caseflow;
REVOKE ALL ON DATABASE caseflow FROM PUBLIC;

CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
