#!/bin/sh
# Creates caseflow's Temporal namespace and its custom search attributes, one NAME=TYPE argument
# each (docker-compose.yml passes those of workflows/search_attributes.py).
# Safe to re-run: an existing namespace is kept and an existing attribute of the same type is
# skipped by the server. Runs in temporalio/admin-tools.
set -eu

: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}"
retention="${NAMESPACE_RETENTION:-720h}"

[ "$#" -gt 0 ] || { echo "usage: setup-namespace.sh NAME=TYPE..." >&2; exit 2; }
for attribute in "$@"; do
  case "$attribute" in
    ?*=?*) ;;
    *) echo "not NAME=TYPE: $attribute" >&2; exit 2 ;;
  esac
done

operator() { # subcommand...: `temporal operator` against caseflow's server and namespace
  temporal operator "$@" --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE"
}

retry() { # command...: until the server is up and the new namespace has reached every role
  attempt=0
  until "$@"; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 60 ]; then
      echo "gave up: $*" >&2
      return 1
    fi
    sleep 2
  done
}

ensure_namespace() {
  operator namespace describe >/dev/null 2>&1 || operator namespace create --retention "$retention"
}

retry operator cluster health
retry ensure_namespace
retry operator search-attribute list >/dev/null

for attribute in "$@"; do
  # No retry: an attribute that exists with another type is a mistake to fix, not to wait out.
  operator search-attribute create --name "${attribute%%=*}" --type "${attribute#*=}"
done

operator search-attribute list
