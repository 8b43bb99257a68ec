#!/usr/bin/env bash
# Runs a Kafka command-line tool as the cluster's admin principal (a super user, SASL PLAIN):
# writes its client properties from ADMIN_PASSWORD and adds `--command-config` to the
# command given, e.g. `as-admin.sh kafka-topics.sh --bootstrap-server kafka:9092 --list`.
set -euo pipefail

password="${ADMIN_PASSWORD:?ADMIN_PASSWORD must be set}"
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
chmod 600 "$config"
cat >"$config" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$password";
PROPERTIES
"$@" --command-config "$config"
