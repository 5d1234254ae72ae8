#!/usr/bin/env bash
# Runs a class of Kafka's jars, as Kafka's own bin/kafka-run-class.sh does.
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*' "$@"
