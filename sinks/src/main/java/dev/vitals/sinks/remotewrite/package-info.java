/**
 * The Prometheus remote-write sink. Null-checked: NullAway treats every type here as non-null
 * unless {@code @Nullable}.
 */
@NullMarked
package dev.vitals.sinks.remotewrite;

import org.jspecify.annotations.NullMarked;
