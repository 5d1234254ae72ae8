/**
 * The embedded Kafka broker, the topic catalogue and the readiness probe. Null-checked: NullAway
 * treats every type here as non-null unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.app.kafka;

import org.jspecify.annotations.NullMarked;
