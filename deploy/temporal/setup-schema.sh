#!/bin/sh
# Creates Temporal's two databases on PostgreSQL and migrates them to this release's schema.
# Safe to re-run: creation skips a database that exists, migration applies only what is missing.
# Runs in temporalio/admin-tools; the POSTGRES_*, DB_PORT and *DBNAME variables are the ones the
# temporalio/server image reads, so both always agree.
set -eu

schema_root=/etc/temporal/schema/postgresql/v12
export SQL_PASSWORD="$POSTGRES_PWD"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

wait_for_postgres() {
  attempt=0
  until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 60 ]; then
      echo "PostgreSQL at $POSTGRES_SEEDS:$DB_PORT did not answer" >&2
      exit 1
    fi
    sleep 2
  done
}

setup_database() { # database, schema directory under $schema_root
  sql_tool --db "$1" create
  sql_tool --db "$1" setup-schema -v 0.0
  sql_tool --db "$1" update-schema -d "$schema_root/$2/versioned"
}

wait_for_postgres
setup_database "$DBNAME" temporal
setup_database "$VISIBILITY_DBNAME" visibility
echo "Temporal databases $DBNAME and $VISIBILITY_DBNAME are up to date"
