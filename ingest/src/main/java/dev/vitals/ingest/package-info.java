/**
 * The ingest stage: OTLP and remote-write receivers that publish to Kafka. Null-checked: NullAway
 * treats every type here as non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.ingest;

import org.jspecify.annotations.NullMarked;
