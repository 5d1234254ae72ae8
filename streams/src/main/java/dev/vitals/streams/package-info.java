/**
 * The streams stage: Kafka Streams topologies that turn the raw OTLP topics into per-service
 * windows ({@code vitals.service-windows.v1}), SLO evaluations, health and alerts, and the query
 * API over their state. Null-checked: NullAway treats every type here as non-null unless
 * {@code @Nullable}.
 */
@NullMarked
package dev.vitals.streams;

import org.jspecify.annotations.NullMarked;
