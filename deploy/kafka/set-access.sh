#!/usr/bin/env bash
# Gives each service its SCRAM credentials and every principal its ACLs, one
# PRINCIPAL:OPERATION:RESOURCE:NAME argument each (docker-compose.yml passes the list of
# entrypoints/kafka_access.py; a NAME ending in `*` is a prefix). A service's password comes from
# KAFKA_<SERVICE>_PASSWORD; agencies' credentials are the operator's to hand out (README). Safe to
# re-run: credentials are set again, existing ACLs stay.
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP:?KAFKA_BOOTSTRAP must name the brokers}"
bin="${KAFKA_BIN:-/opt/kafka/bin}"
here="$(dirname "$0")"
admin=(/bin/bash "$here/as-admin.sh")

(($# > 0)) || { echo "usage: set-access.sh PRINCIPAL:OPERATION:RESOURCE:NAME..." >&2; exit 2; }
for spec in "$@"; do
  [[ "$spec" =~ ^[A-Za-z0-9_-]+:(Read|Write):(topic|group):[A-Za-z0-9._-]+\*?$ ]] \
    || { echo "not PRINCIPAL:OPERATION:RESOURCE:NAME: $spec" >&2; exit 2; }
done

for service in ${KAFKA_SERVICES:?KAFKA_SERVICES must list the service principals}; do
  variable="KAFKA_${service^^}_PASSWORD"
  password="${!variable:?$variable must be set}"
  "${admin[@]}" "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --alter \
    --add-config "SCRAM-SHA-512=[password=$password]" --entity-type users --entity-name "$service"
  echo "credentials of $service set"
done

for spec in "$@"; do
  IFS=: read -r principal operation resource name <<<"$spec"
  pattern=literal
  if [[ "$name" == *'*' ]]; then
    pattern=prefixed
    name="${name%\*}"
  fi
  "${admin[@]}" "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --add \
    --allow-principal "User:$principal" --operation "$operation" \
    "--$resource" "$name" --resource-pattern-type "$pattern"
  echo "User:$principal may $operation $resource $name ($pattern)"
done
