#!/usr/bin/env bash
# Writes server.properties from the KAFKA_* environment as the apache/kafka image does
# (KAFKA_LOG_DIRS -> log.dirs; ___ -> '-', __ -> '_'), formats the log directory once with
# CLUSTER_ID, then runs the broker in the foreground (it stops cleanly on SIGTERM).
set -euo pipefail

props=/opt/kafka/config/server.properties
: > "$props"
while IFS= read -r -d '' entry; do
  name="${entry%%=*}"
  value="${entry#*=}"
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS) continue ;;
    KAFKA_*)
      key="${name#KAFKA_}"
      key="${key,,}"
      key="${key//___/-}"
      key="${key//__/@}"
      key="${key//_/.}"
      key="${key//@/_}"
      printf '%s=%s\n' "$key" "$value" >> "$props"
      ;;
  esac
done < <(env -0)

classpath='/opt/kafka/libs/*'
heap="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# shellcheck disable=SC2086
java $heap -cp "$classpath" kafka.tools.StorageTool format --config "$props" \
  --cluster-id "${CLUSTER_ID:?CLUSTER_ID is required}" --ignore-formatted
# shellcheck disable=SC2086
exec java $heap ${KAFKA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
  -cp "$classpath" kafka.Kafka "$props"
