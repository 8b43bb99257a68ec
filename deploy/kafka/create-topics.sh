#!/usr/bin/env bash
# Creates caseflow's Kafka topics, one NAME:PARTITIONS argument each (docker-compose.yml passes
# the list of schemas/topics.py). Safe to re-run: an existing topic is left as it is, or given
# more partitions when the declared count grew (Kafka cannot take partitions away). With
# ADMIN_PASSWORD set, it acts as the cluster's admin principal (as-admin.sh).
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP:?KAFKA_BOOTSTRAP must name the brokers}"
replication="${TOPIC_REPLICATION_FACTOR:-1}"
kafka_topics="${KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh}"

topics() {
  if [[ -n "${ADMIN_PASSWORD:-}" ]]; then
    /bin/bash "$(dirname "$0")/as-admin.sh" "$kafka_topics" "$@"
  else
    "$kafka_topics" "$@"
  fi
}

(($# > 0)) || { echo "usage: create-topics.sh NAME:PARTITIONS..." >&2; exit 2; }
for spec in "$@"; do
  [[ "$spec" =~ ^[A-Za-z0-9._-]+:[1-9][0-9]*$ ]] || { echo "not NAME:PARTITIONS: $spec" >&2; exit 2; }
done

partition_count() {
  topics --bootstrap-server "$bootstrap" --describe --topic "$1" \
    | grep -o 'PartitionCount: *[0-9]*' | grep -o '[0-9]*$'
}

for spec in "$@"; do
  name="${spec%:*}"
  partitions="${spec##*:}"
  # Parked messages (the one home of bad messages) wait for an operator: never deleted by age.
  kept=()
  [[ "$name" == caseflow.parked ]] && kept=(--config retention.ms=-1)
  topics --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$replication" "${kept[@]}"
  current="$(partition_count "$name")"
  if ((current < partitions)); then
    topics --bootstrap-server "$bootstrap" --alter --topic "$name" --partitions "$partitions"
  elif ((current > partitions)); then
    echo "warning: $name has $current partitions, more than the $partitions declared" >&2
  fi
  echo "topic $name ready with $(partition_count "$name") partitions"
done
