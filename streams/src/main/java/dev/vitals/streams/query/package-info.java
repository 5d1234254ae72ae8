/**
 * The query API and status page on :8080: HTTP over Kafka Streams interactive queries, routed to
 * the instance that owns a service's partition and gathered from every instance for lists. See
 * {@code docs/query-api.md}.
 */
package dev.vitals.streams.query;
