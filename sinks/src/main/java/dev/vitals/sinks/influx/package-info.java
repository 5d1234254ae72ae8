/**
 * The InfluxDB line-protocol sink. Null-checked: NullAway treats every type here as non-null unless
 * {@code @Nullable}.
 */
@NullMarked
package dev.vitals.sinks.influx;

import org.jspecify.annotations.NullMarked;
